// Many-record reads and writes beyond 12-crud-many: retrieve([ids]) (a
// describe, then POST /composite/sobjects/{T} with ids and fields),
// update([..]) with per-record failures, and upsert on an idLookup field,
// single (PATCH /sobjects/T/Field/Value) and many (PATCH
// /composite/sobjects/T/Field), including the 300 answer when the value
// matches more than one record.
'use strict';
const { assert, adminConnection, unique, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const tag = unique('Ret');
  const made = await conn.sobject('Account').create([{ Name: `${tag}-1`, Phone: '555-0001' }, { Name: `${tag}-2`, Phone: '555-0002' }]);
  const ids = made.map((r) => r.id);
  for (const id of ids) assert.match(id, idRe('001'));

  // retrieve(ids) without fields: every field, in the order asked.
  let got = await conn.sobject('Account').retrieve(ids);
  assert.deepEqual(got.map((r) => [r.Id, r.Name, r.Phone, r.attributes.type]), [[ids[0], `${tag}-1`, '555-0001', 'Account'], [ids[1], `${tag}-2`, '555-0002', 'Account']]);
  assert.equal(got[0].IsDeleted, false);
  assert.ok('CreatedDate' in got[0] && 'OwnerId' in got[0], 'all fields are there');
  // ... and with fields: those, not the others.
  got = await conn.sobject('Account').retrieve([ids[1], ids[0]], { fields: ['Name'] });
  assert.deepEqual(got.map((r) => r.Name), [`${tag}-2`, `${tag}-1`]);
  assert.equal(got[0].attributes.type, 'Account');
  assert.ok(!('Phone' in got[0]), 'a field not asked for');

  // update([...]) does not throw on per-record failures; each result says
  // what happened, with statusCode (not errorCode) and the fields.
  const upd = await conn.sobject('Account').update([
    { Id: ids[0], Name: `${tag}-1b` },
    { Id: ids[1], Name: '' },
    { Id: '001000000000000AAA', Name: 'nobody' },
  ]);
  assert.deepEqual(upd[0], { id: ids[0], success: true, errors: [] });
  assert.equal(upd[1].success, false);
  assert.equal(upd[1].id, undefined);
  assert.deepEqual(upd[1].errors, [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] }]);
  assert.equal(upd[2].success, false);
  // fixtures/collections-update-error-INVALID_CROSS_REFERENCE_KEY-v59.json
  assert.deepEqual(upd[2].errors, [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }]);
  got = await conn.sobject('Account').retrieve(ids, { fields: ['Name'] });
  assert.deepEqual(got.map((r) => r.Name), [`${tag}-1b`, `${tag}-2`], 'the good record changed, the bad one did not');

  // Upsert on Contact.Email (idLookup): created, then matched.
  const email = `${tag.toLowerCase()}@example.com`;
  const u1 = await conn.sobject('Contact').upsert({ LastName: `${tag} One`, Email: email, AccountId: ids[0] }, 'Email');
  assert.equal(u1.success, true);
  assert.equal(u1.created, true);
  assert.match(u1.id, idRe('003'));
  const u2 = await conn.sobject('Contact').upsert({ LastName: `${tag} Uno`, Email: email }, 'Email');
  assert.equal(u2.success, true);
  assert.equal(u2.created, false);
  assert.equal(u2.id, u1.id);
  // Many at once: one match, one new.
  const email2 = `${tag.toLowerCase()}.two@example.com`;
  const many = await conn.sobject('Contact').upsert([{ LastName: `${tag} Eins`, Email: email }, { LastName: `${tag} Two`, Email: email2 }], 'Email');
  assert.deepEqual(many.map((r) => [r.success, r.created]), [[true, false], [true, true]]);
  assert.equal(many[0].id, u1.id);
  assert.match(many[1].id, idRe('003'));
  const back = await conn.query(`SELECT Email, LastName, Account.Name FROM Contact WHERE Email IN ('${email}', '${email2}') ORDER BY LastName`);
  assert.deepEqual(back.records.map((r) => [r.Email, r.LastName]), [[email, `${tag} Eins`], [email2, `${tag} Two`]]);
  assert.equal(back.records[0].Account.Name, `${tag}-1b`, 'an upsert leaves fields it does not send');
  assert.equal(back.records[1].Account, null);
  // The same new key twice in one call: both rows fail, nothing is made
  // (internal/emulator/collections.go duplicateExternalIDs).
  const email3 = `${tag.toLowerCase()}.three@example.com`;
  const twice = await conn.sobject('Contact').upsert([{ LastName: `${tag} Drei`, Email: email3 }, { LastName: `${tag} Tres`, Email: email3 }], 'Email');
  const dupErr = { statusCode: 'DUPLICATE_VALUE', message: `Duplicate external id specified: ${email3}`, fields: [] };
  assert.deepEqual(twice, [{ success: false, errors: [dupErr], created: false }, { success: false, errors: [dupErr], created: false }]);
  assert.equal((await conn.query(`SELECT COUNT() FROM Contact WHERE Email = '${email3}'`)).totalSize, 0);

  // A value that matches two records: 300 with the matching record URLs,
  // which jsforce raises as MULTIPLE_CHOICES (REST API guide, "Upsert"). The
  // second Contact is made through a plain create: Email is not unique.
  const dup = await conn.sobject('Contact').create({ LastName: `${tag} Dup`, Email: email });
  assert.equal(dup.success, true);
  const err = await expectReject(() => conn.sobject('Contact').upsert({ LastName: 'x', Email: email }, 'Email'), 'ambiguous upsert');
  assert.equal(err.errorCode, 'MULTIPLE_CHOICES');
  assert.deepEqual([...err.content].sort(), [u1.id, dup.id].sort().map((id) => `/services/data/v62.0/sobjects/Contact/${id}`));

  // Upsert on a field that is neither an external id nor idLookup.
  const bad = await expectReject(() => conn.sobject('Account').upsert({ Name: 'x', AccountNumber: 'A1' }, 'AccountNumber'), 'not an external id');
  assert.equal(bad.errorCode, 'NOT_FOUND');
  assert.equal(bad.message, 'Provided external ID field does not exist or is not accessible: AccountNumber');

  const del = await conn.sobject('Contact').destroy([u1.id, many[1].id, dup.id]);
  assert.deepEqual(del.map((r) => r.success), [true, true, true]);
  assert.deepEqual((await conn.sobject('Account').destroy(ids)).map((r) => r.success), [true, true]);
});
