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
});
