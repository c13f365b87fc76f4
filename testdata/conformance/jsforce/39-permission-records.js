// The setup records a permission set is made of, written with plain jsforce
// DML as integration-user guides and sfprov do (salesforce-api-facts.md §3):
// ObjectPermissions (one row per object, Edit needs Read), FieldPermissions
// (Field is a restricted picklist of "Object.Field" names: a required field
// such as Account.Name is not in it), SetupEntityAccess for a connected app,
// system permissions as PermissionSet fields; all read back by query.
'use strict';
const { assert, adminConnection, unique, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const t = unique('Conf_Perm_');
  const ps = await conn.sobject('PermissionSet').create({ Name: t, Label: `${t} label`, PermissionsApiEnabled: true });
  assert.match(ps.id, /^0PS[0-9A-Za-z]{15}$/);

  const op = await conn.sobject('ObjectPermissions').create({ ParentId: ps.id, SobjectType: 'Account', PermissionsRead: true, PermissionsEdit: true });
  assert.match(op.id, /^110[0-9A-Za-z]{15}$/);
  let err = await expectReject(() => conn.sobject('ObjectPermissions').create({ ParentId: ps.id, SobjectType: 'Account', PermissionsRead: true }), 'a second row for Account');
  assert.equal(err.errorCode, 'DUPLICATE_VALUE');
  err = await expectReject(() => conn.sobject('ObjectPermissions').create({ ParentId: ps.id, SobjectType: 'Contact', PermissionsEdit: true }), 'Edit without Read');
  assert.equal(err.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
  assert.match(err.message, /depends on permission\(s\)/);
  assert.equal((await conn.sobject('ObjectPermissions').update({ Id: op.id, PermissionsCreate: true })).success, true);

  const fp = await conn.sobject('FieldPermissions').create({ ParentId: ps.id, SobjectType: 'Account', Field: 'Account.Phone', PermissionsRead: true, PermissionsEdit: true });
  assert.match(fp.id, /^01k[0-9A-Za-z]{15}$/);
  for (const field of ['Account.No_Such_Field__c', 'Account.Name']) {
    err = await expectReject(() => conn.sobject('FieldPermissions').create({ ParentId: ps.id, SobjectType: 'Account', Field: field, PermissionsRead: true }), field);
    assert.equal(err.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    assert.match(err.message, new RegExp(`bad value for restricted picklist field: ${field.replace('.', '\\.')}$`));
    assert.deepEqual(err.data.fields, ['Field']);
  }

  const apps = await conn.query("SELECT Id, Name FROM ConnectedApplication WHERE Name = 'Coconut'");
  assert.equal(apps.totalSize, 1, 'the seeded connected app');
  const sea = await conn.sobject('SetupEntityAccess').create({ ParentId: ps.id, SetupEntityId: apps.records[0].Id });
  assert.match(sea.id, /^0J0[0-9A-Za-z]{15}$/);

  // Read back, as a state reader would: one query per record type.
  const set = (await conn.query(`SELECT Name, Label, PermissionsApiEnabled, PermissionsViewSetup, IsOwnedByProfile FROM PermissionSet WHERE Id = '${ps.id}'`)).records[0];
  assert.deepEqual([set.Name, set.Label, set.PermissionsApiEnabled, set.PermissionsViewSetup, set.IsOwnedByProfile], [t, `${t} label`, true, false, false]);
  const ops = (await conn.query(`SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE ParentId = '${ps.id}'`)).records;
  assert.deepEqual(ops.map((r) => [r.SobjectType, r.PermissionsRead, r.PermissionsCreate, r.PermissionsEdit, r.PermissionsDelete, r.PermissionsViewAllRecords, r.PermissionsModifyAllRecords]),
    [['Account', true, true, true, false, false, false]]);
  const fps = (await conn.query(`SELECT SobjectType, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${ps.id}'`)).records;
  assert.deepEqual(fps.map((r) => [r.SobjectType, r.Field, r.PermissionsRead, r.PermissionsEdit]), [['Account', 'Account.Phone', true, true]]);
  const seas = (await conn.query(`SELECT SetupEntityId, SetupEntityType FROM SetupEntityAccess WHERE ParentId = '${ps.id}'`)).records;
  assert.deepEqual(seas.map((r) => [r.SetupEntityId, r.SetupEntityType]), [[apps.records[0].Id, 'ConnectedApplication']]);
  // The same through the parent: child subqueries on PermissionSet.
  const tree = (await conn.query(`SELECT Name, (SELECT SobjectType FROM ObjectPerms), (SELECT Field FROM FieldPerms) FROM PermissionSet WHERE Id = '${ps.id}'`)).records[0];
  assert.deepEqual(tree.ObjectPerms.records.map((r) => r.SobjectType), ['Account']);
  assert.deepEqual(tree.FieldPerms.records.map((r) => r.Field), ['Account.Phone']);

  // Deleting the set takes its permission rows with it.
  assert.equal((await conn.sobject('PermissionSet').destroy(ps.id)).success, true);
  assert.equal((await conn.query(`SELECT COUNT() FROM ObjectPermissions WHERE ParentId = '${ps.id}'`)).totalSize, 0);
  assert.equal((await conn.query(`SELECT COUNT() FROM FieldPermissions WHERE ParentId = '${ps.id}'`)).totalSize, 0);
});
