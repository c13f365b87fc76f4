// Global and per-object describe (fixtures/describe-global-v59.json and
// describe-Account-v58.json shapes), including a custom object from the seed.
'use strict';
const { assert, adminConnection, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const g = await conn.describeGlobal();
  assert.equal(g.encoding, 'UTF-8');
  assert.equal(g.maxBatchSize, 200);
  const byName = new Map(g.sobjects.map((s) => [s.name, s]));
  for (const n of ['Account', 'Contact', 'User', 'Profile', 'PermissionSet', 'PermissionSetAssignment', 'Acme_Mapping__c']) {
    assert.ok(byName.has(n), `global describe lists ${n}`);
  }
  assert.equal(byName.get('Account').keyPrefix, '001');
  assert.equal(byName.get('User').keyPrefix, '005');
  assert.equal(byName.get('Account').custom, false);
  assert.equal(byName.get('Acme_Mapping__c').custom, true);

  const acc = await conn.sobject('Account').describe();
  assert.equal(acc.name, 'Account');
  assert.equal(acc.keyPrefix, '001');
  assert.equal(acc.createable, true);
  const f = new Map(acc.fields.map((x) => [x.name, x]));
  assert.equal(f.get('Id').type, 'id');
  assert.equal(f.get('Id').createable, false);
  assert.equal(f.get('Name').type, 'string');
  assert.equal(f.get('Name').createable, true);
  assert.equal(f.get('Name').updateable, true);
  assert.equal(f.get('Name').nillable, false);
  assert.equal(typeof f.get('Name').permissionable, 'boolean');
  assert.equal(f.get('OwnerId').type, 'reference');
  assert.deepEqual(f.get('OwnerId').referenceTo, ['User']);

  const user = await conn.sobject('User').describe();
  const uf = new Map(user.fields.map((x) => [x.name, x]));
  for (const n of ['Username', 'LastName', 'Email', 'Alias', 'ProfileId', 'IsActive', 'TimeZoneSidKey']) {
    assert.ok(uf.has(n), `User has ${n}`);
  }
  assert.equal(uf.get('ProfileId').relationshipName, 'Profile');

  const custom = await conn.sobject('Acme_Mapping__c').describe();
  assert.equal(custom.custom, true);
  assert.ok(custom.fields.some((x) => x.name === 'Target_Field__c'), 'custom field from the seed');

  // ObjectPermissions.SobjectType lists the objects whose permissions can be
  // set (internal/emulator/realorg.go setObjectPermissionTypes).
  const op = await conn.sobject('ObjectPermissions').describe();
  const st = op.fields.find((x) => x.name === 'SobjectType');
  assert.equal(st.type, 'picklist');
  assert.equal(st.restrictedPicklist, true);
  const values = st.picklistValues.map((p) => p.value);
  for (const n of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Acme_Mapping__c']) assert.ok(values.includes(n), `SobjectType lists ${n}`);
  for (const n of ['User', 'PermissionSet', 'Event', 'Task']) assert.ok(!values.includes(n), `SobjectType leaves out ${n}`);

  // A record type gives its object a RecordTypeId field (schema/realorg.go SetHasRecordTypes).
  assert.ok(!custom.fields.some((x) => x.name === 'RecordTypeId'), 'no RecordTypeId before a record type');
  const rt = await conn.sobject('RecordType').create({ Name: 'Conformance', DeveloperName: `Conf_RT_${Date.now()}`, SobjectType: 'Acme_Mapping__c', IsActive: true });
  assert.equal(rt.success, true);
  const withRT = await conn.request('/services/data/v62.0/sobjects/Acme_Mapping__c/describe');
  const rtf = withRT.fields.find((x) => x.name === 'RecordTypeId');
  assert.ok(rtf, 'RecordTypeId after a record type');
  assert.deepEqual([rtf.type, rtf.referenceTo, rtf.relationshipName, rtf.createable, rtf.nillable], ['reference', ['RecordType'], 'RecordType', true, true]);
  assert.ok(withRT.recordTypeInfos.some((i) => i.recordTypeId === rt.id));
  const rec = await conn.sobject('Acme_Mapping__c').create({ Name: 'typed', RecordTypeId: rt.id });
  assert.equal(rec.success, true);
  const back = await conn.query(`SELECT RecordType.Name FROM Acme_Mapping__c WHERE Id = '${rec.id}'`);
  assert.equal(back.records[0].RecordType.Name, 'Conformance');
  assert.equal((await conn.sobject('Acme_Mapping__c').destroy(rec.id)).success, true);
  assert.equal((await conn.sobject('RecordType').update({ Id: rt.id, IsActive: false })).success, true);
});
