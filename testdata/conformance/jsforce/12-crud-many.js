// Create, update, delete many records in one call each (sObject Collections,
// /composite/sobjects; real-clients.md §2): per-record results in request
// order, per-record errors with statusCode, allOrNone rollback.
'use strict';
const { assert, adminConnection, unique, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const tag = unique('Many');
  const created = await conn.sobject('Account').create([{ Name: `${tag} A` }, { Name: `${tag} B` }, { Name: `${tag} C` }]);
  assert.equal(created.length, 3);
  for (const r of created) {
    assert.equal(r.success, true);
    assert.match(r.id, idRe('001'));
    assert.deepEqual(r.errors, []);
  }
  const ids = created.map((r) => r.id);

  // Partial success (allOrNone false): the bad record fails alone, with statusCode.
  const mixed = await conn.sobject('Contact').create([{ LastName: `${tag} ok`, AccountId: ids[0] }, { FirstName: `${tag} bad` }]);
  assert.equal(mixed[0].success, true);
  assert.match(mixed[0].id, idRe('003'));
  assert.equal(mixed[1].success, false);
  assert.equal(mixed[1].id, undefined, 'a failed record has no id (fixtures/collections-update-error-*.json)');
  assert.equal(mixed[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
  assert.deepEqual(mixed[1].errors[0].fields, ['LastName']);

  // allOrNone: one failure rolls the whole call back.
  const all = await conn.sobject('Contact').create([{ LastName: `${tag} rollback` }, { FirstName: `${tag} bad2` }], { allOrNone: true });
  assert.equal(all.length, 2);
  assert.equal(all[0].success, false);
  assert.equal(all[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
  assert.equal(all[1].success, false);
  assert.equal(all[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
  const rolled = await conn.query(`SELECT COUNT() FROM Contact WHERE LastName = '${tag} rollback'`);
  assert.equal(rolled.totalSize, 0, 'nothing of an allOrNone call that failed was saved');

  const updated = await conn.sobject('Account').update(ids.map((Id, i) => ({ Id, Name: `${tag} ${i} updated` })));
  assert.deepEqual(updated.map((r) => [r.id, r.success]), ids.map((id) => [id, true]));
  const back = await conn.query(`SELECT Id, Name FROM Account WHERE Id IN ('${ids.join("','")}') ORDER BY Name`);
  assert.deepEqual(back.records.map((r) => r.Name), [0, 1, 2].map((i) => `${tag} ${i} updated`));

  const gone = await conn.sobject('Contact').destroy([mixed[0].id]);
  assert.equal(gone[0].success, true);
  const deleted = await conn.sobject('Account').destroy(ids);
  assert.deepEqual(deleted.map((r) => [r.id, r.success]), ids.map((id) => [id, true]));
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE Name LIKE '${tag}%'`)).totalSize, 0);
});
