// jsforce's query builder: sobject().find() with operators, sort, limit,
// skip and select; findOne; count; query().run({autoFetch, maxFetch}) and the
// record/end events. jsforce writes the SOQL itself (real-clients.md §2
// "SOQL that jsforce generates"), so the emulator's parser meets the
// operators, ORDER BY ... DESC, LIMIT and OFFSET as a real client sends them.
'use strict';
const { assert, adminConnection, unique, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const tag = unique('Find');
  const made = await conn.sobject('Account').create([
    { Name: `${tag}-b`, NumberOfEmployees: 20, Industry: 'Banking' },
    { Name: `${tag}-a`, NumberOfEmployees: 10, Industry: 'Energy' },
    { Name: `${tag}-c`, NumberOfEmployees: 30, Industry: 'Banking' },
  ]);
  assert.deepEqual(made.map((r) => r.success), [true, true, true]);
  const [idB, idA, idC] = made.map((r) => r.id);
  for (const id of [idA, idB, idC]) assert.match(id, idRe('001'));
  const like = { $like: `${tag}%` };

  // $like + $gte, sort by one field descending, limit.
  let rows = await conn.sobject('Account')
    .find({ Name: like, NumberOfEmployees: { $gte: 15 } }, ['Id', 'Name', 'NumberOfEmployees'])
    .sort({ Name: -1 })
    .limit(5);
  assert.deepEqual(rows.map((r) => [r.Id, r.Name, r.NumberOfEmployees]), [[idC, `${tag}-c`, 30], [idB, `${tag}-b`, 20]]);
  assert.equal(rows[0].attributes.type, 'Account');
  assert.equal(rows[0].attributes.url, `/services/data/v62.0/sobjects/Account/${idC}`);

  // A sort string with two keys, skip (OFFSET) and select().
  rows = await conn.sobject('Account').find({ Name: like }).sort('-NumberOfEmployees Name').limit(2).skip(1).select('Id, Name');
  assert.deepEqual(rows.map((r) => r.Name), [`${tag}-b`, `${tag}-a`]);
  assert.deepEqual(Object.keys(rows[0]).sort(), ['Id', 'Name', 'attributes']);

  // $in, $or, $ne, $lt, $nin.
  rows = await conn.sobject('Account').find({ Id: { $in: [idA, idC] } }, 'Id').sort('Name');
  assert.deepEqual(rows.map((r) => r.Id), [idA, idC]);
  rows = await conn.sobject('Account').find({ $or: [{ Name: `${tag}-a` }, { NumberOfEmployees: 30 }], Name: like }, 'Name').sort('Name');
  assert.deepEqual(rows.map((r) => r.Name), [`${tag}-a`, `${tag}-c`]);
  rows = await conn.sobject('Account').find({ Name: like, Industry: { $ne: 'Banking' } }, 'Name');
  assert.deepEqual(rows.map((r) => r.Name), [`${tag}-a`]);
  rows = await conn.sobject('Account').find({ Name: like, NumberOfEmployees: { $lt: 25 }, Industry: { $nin: ['Energy'] } }, 'Name');
  assert.deepEqual(rows.map((r) => r.Name), [`${tag}-b`]);

  // findOne: one record or null.
  const one = await conn.sobject('Account').findOne({ Name: `${tag}-a` }, 'Id, Name');
  assert.equal(one.Id, idA);
  assert.equal(await conn.sobject('Account').findOne({ Name: `${tag}-none` }, 'Id'), null);

  // count() is SELECT COUNT() ... → totalSize.
  assert.equal(await conn.sobject('Account').count({ Name: like }), 3);
  assert.equal(await conn.sobject('Account').count({ Name: like, Industry: 'Banking' }), 2);

  // run({autoFetch, maxFetch}) stops at maxFetch records; totalSize is the whole count.
  const res = await conn.query(`SELECT Id FROM Account WHERE Name LIKE '${tag}%'`).run({ autoFetch: true, maxFetch: 2 });
  assert.equal(res.records.length, 2);
  assert.equal(res.totalSize, 3);

  // The record/end events deliver every row.
  const names = await new Promise((resolve, reject) => {
    const seen = [];
    conn.query(`SELECT Name FROM Account WHERE Name LIKE '${tag}%' ORDER BY Name`)
      .on('record', (r) => seen.push(r.Name))
      .on('end', () => resolve(seen))
      .on('error', reject)
      .run({ autoFetch: true });
  });
  assert.deepEqual(names, [`${tag}-a`, `${tag}-b`, `${tag}-c`]);

  const gone = await conn.sobject('Account').destroy([idA, idB, idC]);
  assert.deepEqual(gone.map((r) => [r.id, r.success]), [[idA, true], [idB, true], [idC, true]]);
  assert.equal(await conn.sobject('Account').count({ Name: like }), 0);
});
