// Create, read, update, delete one record at a time (POST/GET/PATCH/DELETE
// /sobjects; real-clients.md §2), a parent relationship field in a query, and
// the error bodies jsforce turns into exceptions.
'use strict';
const { assert, adminConnection, unique, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const name = unique('Single');
  const acc = await conn.sobject('Account').create({ Name: name });
  assert.equal(acc.success, true);
  assert.match(acc.id, idRe('001'));
  assert.deepEqual(acc.errors, []);

  const got = await conn.sobject('Account').retrieve(acc.id);
  assert.equal(got.Id, acc.id);
  assert.equal(got.Name, name);
  assert.equal(got.attributes.type, 'Account');

  const upd = await conn.sobject('Account').update({ Id: acc.id, Name: `${name} renamed` });
  assert.equal(upd.success, true);
  assert.equal((await conn.sobject('Account').retrieve(acc.id)).Name, `${name} renamed`);

  const con = await conn.sobject('Contact').create({ LastName: `${name} Contact`, AccountId: acc.id });
  assert.match(con.id, idRe('003'));
  const q = await conn.query(`SELECT Id, LastName, Account.Name FROM Contact WHERE Id = '${con.id}'`);
  assert.equal(q.totalSize, 1);
  assert.equal(q.records[0].LastName, `${name} Contact`);
  assert.equal(q.records[0].Account.Name, `${name} renamed`);

  // 400 REQUIRED_FIELD_MISSING names the field.
  let err = await expectReject(() => conn.sobject('Contact').create({ FirstName: 'NoLastName' }), 'Contact without LastName');
  assert.equal(err.errorCode, 'REQUIRED_FIELD_MISSING');
  assert.deepEqual(err.data.fields, ['LastName']);
  // 404 NOT_FOUND for an unknown sObject (fixtures/error-NOT_FOUND-unknown-sobject-v51.json).
  err = await expectReject(() => conn.sobject('Unreal').create({ Name: 'x' }), 'unknown sObject');
  assert.equal(err.errorCode, 'NOT_FOUND');
  assert.equal(err.message, 'The requested resource does not exist');
  // 400 INVALID_FIELD for an unknown field.
  err = await expectReject(() => conn.sobject('Account').create({ Name: 'x', No_Such_Field__c: 1 }), 'unknown field');
  assert.equal(err.errorCode, 'INVALID_FIELD');

  assert.equal((await conn.sobject('Contact').destroy(con.id)).success, true);
  assert.equal((await conn.sobject('Account').destroy(acc.id)).success, true);
  err = await expectReject(() => conn.sobject('Account').retrieve(acc.id), 'deleted record');
  assert.equal(err.errorCode, 'NOT_FOUND');
});
