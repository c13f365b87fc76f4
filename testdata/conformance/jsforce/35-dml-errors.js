// The errors jsforce raises from single-record DML (err.errorCode, err.name,
// err.message, err.data.fields), for standard and setup objects: User rules
// (salesforce-api-facts.md §1), field checks, read-only fields (fixtures/
// error-INVALID_FIELD_FOR_INSERT_UPDATE-v51.json), lookups, and permission
// set assignment rules. No user is created (no seat used); the few records
// made for the lookup and assignment cases are deleted at the end.
'use strict';
const { assert, env, adminConnection, unique, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const fail = async (what, fn) => {
    const e = await expectReject(fn, what);
    assert.equal(e.name, e.errorCode, `${what}: jsforce names the error after its code`);
    return { code: e.errorCode, message: e.message, fields: e.data && e.data.fields };
  };
  const profile = (await conn.query("SELECT Id FROM Profile WHERE Name = 'Standard User'")).records[0].Id;
  const user = (username) => ({
    Username: username, LastName: 'Conformance', Email: 'conformance@example.com', Alias: 'conf',
    TimeZoneSidKey: 'America/Los_Angeles', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US', ProfileId: profile,
  });
  const fresh = () => `${unique('conf.err.')}@example.com`;

  // User.
  let e = await fail('duplicate username', () => conn.sobject('User').create(user(env.admin)));
  assert.equal(e.code, 'DUPLICATE_USERNAME');
  assert.match(e.message, /^Duplicate Username\./);
  assert.deepEqual(e.fields, ['Username']);
  e = await fail('missing user fields', () => conn.sobject('User').create({ Username: fresh(), LastName: 'x' }));
  assert.equal(e.code, 'REQUIRED_FIELD_MISSING');
  assert.match(e.message, /^Required fields are missing: \[/);
  for (const f of ['Email', 'Alias', 'TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'ProfileId', 'LanguageLocaleKey']) assert.ok(e.fields.includes(f), f);
  e = await fail('bad time zone', () => conn.sobject('User').create({ ...user(fresh()), TimeZoneSidKey: 'Mars/Olympus' }));
  assert.equal(e.code, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  assert.deepEqual(e.fields, ['TimeZoneSidKey']);
  e = await fail('unknown profile', () => conn.sobject('User').create({ ...user(fresh()), ProfileId: '00e000000000000AAA' }));
  assert.equal(e.code, 'INVALID_CROSS_REFERENCE_KEY');
  assert.equal(e.message, 'invalid cross reference id');
  e = await fail('username not an e-mail', () => conn.sobject('User').create(user('not-an-email')));
  assert.equal(e.code, 'FIELD_INTEGRITY_EXCEPTION');
  assert.deepEqual(e.fields, ['Username']);
  const ci = (await conn.query(`SELECT Id FROM User WHERE Username = '${env.ciUser}'`)).records[0].Id;
  e = await fail('rename onto a taken username', () => conn.sobject('User').update({ Id: ci, Username: env.admin }));
  assert.equal(e.code, 'DUPLICATE_USERNAME');
  assert.equal((await conn.sobject('User').retrieve(ci)).Username, env.ciUser, 'unchanged');

  // Field checks on create.
  e = await fail('bad e-mail', () => conn.sobject('Contact').create({ LastName: 'x', Email: 'not-an-email' }));
  assert.deepEqual(e, { code: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: not-an-email', fields: ['Email'] });
  e = await fail('too long', () => conn.sobject('Account').create({ Name: 'x'.repeat(256) }));
  assert.equal(e.code, 'STRING_TOO_LONG');
  assert.equal(e.message, `Account Name: data value too large: ${'x'.repeat(256)} (max length=255)`);
  assert.deepEqual(e.fields, ['Name']);
  e = await fail('unknown field', () => conn.sobject('Account').create({ Name: 'x', Bogus__c: 1 }));
  assert.deepEqual(e, { code: 'INVALID_FIELD', message: "No such column 'Bogus__c' on sobject of type Account", fields: [] });
  e = await fail('read-only field', () => conn.sobject('Account').create({ Name: 'x', CreatedDate: '2020-01-01T00:00:00Z' }));
  assert.deepEqual(e, {
    code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    message: 'Unable to create/update fields: CreatedDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
    fields: ['CreatedDate'],
  });

  // Lookups: an id of the wrong object, an id that does not exist.
  const acc = await conn.sobject('Account').create({ Name: unique('ErrAcc') });
  const con = await conn.sobject('Contact').create({ LastName: unique('ErrCon'), AccountId: acc.id });
  e = await fail('lookup to the wrong object', () => conn.sobject('Contact').create({ LastName: 'x', AccountId: con.id }));
  assert.deepEqual(e, { code: 'FIELD_INTEGRITY_EXCEPTION', message: `Account ID: id value of incorrect type: ${con.id}`, fields: ['AccountId'] });
  e = await fail('lookup to nothing', () => conn.sobject('Contact').create({ LastName: 'x', AccountId: '001000000000000AAA' }));
  assert.equal(e.code, 'INVALID_CROSS_REFERENCE_KEY');
  assert.equal(e.message, 'invalid cross reference id');

  // Update: a required field set to null, a read-only field, an id of another object.
  e = await fail('required to null', () => conn.sobject('Contact').update({ Id: con.id, LastName: null }));
  assert.deepEqual(e, { code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] });
  e = await fail('read-only on update', () => conn.sobject('Account').update({ Id: acc.id, CreatedDate: '2020-01-01T00:00:00Z' }));
  assert.equal(e.code, 'INVALID_FIELD_FOR_INSERT_UPDATE');
  e = await fail('contact id under Account', () => conn.sobject('Account').update({ Id: con.id, Name: 'y' }));
  assert.equal(e.code, 'NOT_FOUND');

  // Permission set assignments: twice, and a profile's own set.
  const me = (await conn.query(`SELECT Id FROM User WHERE Username = '${env.admin}'`)).records[0].Id;
  const ps = await conn.sobject('PermissionSet').create({ Name: unique('Conf_Err_'), Label: 'Conformance errors' });
  const psa = await conn.sobject('PermissionSetAssignment').create({ AssigneeId: me, PermissionSetId: ps.id });
  assert.match(psa.id, /^0Pa[0-9A-Za-z]{15}$/);
  e = await fail('second assignment', () => conn.sobject('PermissionSetAssignment').create({ AssigneeId: me, PermissionSetId: ps.id }));
  assert.equal(e.code, 'DUPLICATE_VALUE');
  // The text scripts match on (internal/emulator/rules_assign.go errDuplicateAssignment).
  assert.equal(e.message, `Duplicate PermissionSetAssignment. Assignee: ${me.slice(0, 15)}; Permission Set: ${ps.id.slice(0, 15)}`);
  assert.deepEqual(e.fields, []);
  const owned = (await conn.query('SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = true LIMIT 1')).records[0].Id;
  e = await fail('profile-owned set', () => conn.sobject('PermissionSetAssignment').create({ AssigneeId: ci, PermissionSetId: owned }));
  assert.equal(e.code, 'FIELD_INTEGRITY_EXCEPTION');
  e = await fail('no label', () => conn.sobject('PermissionSet').create({ Name: unique('Conf_NoLabel_') }));
  assert.deepEqual(e, { code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Label]', fields: ['Label'] });

  assert.equal((await conn.sobject('PermissionSetAssignment').destroy(psa.id)).success, true);
  assert.equal((await conn.sobject('PermissionSet').destroy(ps.id)).success, true);
  assert.equal((await conn.sobject('Contact').destroy(con.id)).success, true);
  assert.equal((await conn.sobject('Account').destroy(acc.id)).success, true);
});
