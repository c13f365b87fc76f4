// The integration-user recipe that sfprov automates, step by step in plain
// jsforce (salesforce-api-facts.md §1): a user on the Salesforce Integration
// licence (its profile looked up by licence, not by name), a permission set
// with object access that the licence alone does not allow, the
// SalesforceAPIIntegrationPsl first (assigning before it fails with the
// "user license doesn't allow the permission" message, naming the set by its
// label and the user by name), then the set.
// Everything is undone at the end: assignments deleted, user deactivated.
'use strict';
const { assert, adminConnection, unique, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const t = unique('ConfInt');
  const profiles = await conn.query("SELECT Id, Name FROM Profile WHERE UserLicense.Name = 'Salesforce Integration'");
  assert.equal(profiles.totalSize, 1);
  const seats = async () => (await conn.query("SELECT UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'")).records[0].UsedLicenses;
  const pslSeats = async () => (await conn.query("SELECT Id, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'")).records[0];
  const seats0 = await seats();
  const psl0 = await pslSeats();

  const u = await conn.sobject('User').create({
    Username: `${t.toLowerCase()}@example.com`, FirstName: 'Conformance', LastName: 'Integration', Email: 'integration@example.com', Alias: 'cint',
    TimeZoneSidKey: 'America/Los_Angeles', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US', ProfileId: profiles.records[0].Id,
  });
  assert.match(u.id, idRe('005'));
  assert.equal(await seats(), seats0 + 1);

  const ps = await conn.sobject('PermissionSet').create({ Name: t, Label: `${t} access`, PermissionsApiEnabled: true });
  assert.equal((await conn.sobject('ObjectPermissions').create({ ParentId: ps.id, SobjectType: 'Account', PermissionsRead: true })).success, true);

  // Before the PSL: refused, in Salesforce's words (facts §1).
  const err = await expectReject(() => conn.sobject('PermissionSetAssignment').create({ AssigneeId: u.id, PermissionSetId: ps.id }), 'set before PSL');
  assert.equal(err.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
  assert.equal(err.message, `Can't assign permission set ${t} access to user Conformance Integration. The user license doesn't allow the permission: Read Accounts`);

  const pla = await conn.sobject('PermissionSetLicenseAssign').create({ AssigneeId: u.id, PermissionSetLicenseId: psl0.Id });
  assert.match(pla.id, idRe('2LA'));
  assert.equal((await pslSeats()).UsedLicenses, psl0.UsedLicenses + 1);
  const psa = await conn.sobject('PermissionSetAssignment').create({ AssigneeId: u.id, PermissionSetId: ps.id });
  assert.match(psa.id, idRe('0Pa'));

  // What a state reader sees: the user, its licence, its assignments.
  const me = (await conn.query(`SELECT Username, Name, IsActive, Profile.UserLicense.Name,
      (SELECT PermissionSet.Name FROM PermissionSetAssignments WHERE PermissionSet.IsOwnedByProfile = false),
      (SELECT PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssignments)
    FROM User WHERE Id = '${u.id}'`)).records[0];
  assert.equal(me.Name, 'Conformance Integration');
  assert.equal(me.IsActive, true);
  assert.equal(me.Profile.UserLicense.Name, 'Salesforce Integration');
  assert.deepEqual(me.PermissionSetAssignments.records.map((r) => r.PermissionSet.Name), [t]);
  assert.deepEqual(me.PermissionSetLicenseAssignments.records.map((r) => r.PermissionSetLicense.DeveloperName), ['SalesforceAPIIntegrationPsl']);

  // Undo: assignment, licence assignment, user (deactivated; users cannot be deleted).
  assert.equal((await conn.sobject('PermissionSetAssignment').destroy(psa.id)).success, true);
  assert.equal((await conn.sobject('PermissionSetLicenseAssign').destroy(pla.id)).success, true);
  assert.equal((await pslSeats()).UsedLicenses, psl0.UsedLicenses);
  const del = await expectReject(() => conn.sobject('User').destroy(u.id), 'deleting a user');
  assert.equal(del.errorCode, 'METHOD_NOT_ALLOWED');
  assert.equal((await conn.sobject('User').update({ Id: u.id, IsActive: false })).success, true);
  assert.equal(await seats(), seats0);
});
