// Bulk API 2.0 through jsforce's conn.bulk2 (src/api/bulk2.ts): ingest jobs
// (open, PUT batches, PATCH UploadComplete, poll, the three result files)
// for insert, update, upsert and delete; a bulk query with its locator loop;
// results read back through REST; the per-record error text jsforce's own
// live-org test expects; abort, unknown job and unknown object errors.
'use strict';
const { assert, adminConnection, env, unique, idRe, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  conn.bulk2.pollInterval = 200;
  const tag = unique('Bulk');

  // Insert: three good rows and one without Name (jsforce test/bulk2.test.ts
  // expects exactly this sf__Error from a live org).
  const ins = await conn.bulk2.loadAndWaitForResults({
    object: 'Account',
    operation: 'insert',
    input: [
      // jsforce takes the CSV header from the first record: all share the keys.
      { Name: `${tag} A`, NumberOfEmployees: 10, Industry: '' },
      { Name: `${tag} B`, NumberOfEmployees: 20, Industry: 'Banking' },
      { Name: `${tag} C`, NumberOfEmployees: 30, Industry: '' },
      { Name: '', NumberOfEmployees: 40, Industry: 'Energy' },
    ],
  });
  assert.equal(ins.successfulResults.length, 3);
  for (const r of ins.successfulResults) {
    assert.match(r.sf__Id, idRe('001'));
    assert.equal(r.sf__Created, 'true');
  }
  assert.deepEqual(ins.successfulResults.map((r) => r.Name), [`${tag} A`, `${tag} B`, `${tag} C`], 'input columns follow sf__ columns');
  assert.equal(ins.failedResults.length, 1);
  assert.equal(ins.failedResults[0].sf__Id, '');
  assert.equal(ins.failedResults[0].sf__Error, 'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --');
  assert.equal(ins.failedResults[0].Industry, 'Energy');
  assert.deepEqual(ins.unprocessedRecords, []);

  const ids = ins.successfulResults.map((r) => r.sf__Id);
  const back = await conn.query(`SELECT Id, Name, NumberOfEmployees, Industry FROM Account WHERE Name LIKE '${tag}%' ORDER BY Name`);
  assert.deepEqual(back.records.map((r) => [r.Id, r.Name, r.NumberOfEmployees, r.Industry]), [
    [ids[0], `${tag} A`, 10, null],
    [ids[1], `${tag} B`, 20, 'Banking'],
    [ids[2], `${tag} C`, 30, null],
  ]);

  // Update: a null becomes "#N/A" in jsforce's CSV, which clears the field.
  const upd = await conn.bulk2.loadAndWaitForResults({
    object: 'Account',
    operation: 'update',
    input: [{ Id: ids[1], Name: `${tag} B2`, Industry: null }, { Id: '001000000000000AAA', Name: 'nobody' }],
  });
  assert.deepEqual(upd.successfulResults.map((r) => [r.sf__Id, r.sf__Created]), [[ids[1], 'false']]);
  assert.equal(upd.failedResults.length, 1);
  assert.match(upd.failedResults[0].sf__Error, /^[A-Z_]+:.*--$/);
  const b2 = await conn.sobject('Account').retrieve(ids[1]);
  assert.equal(b2.Name, `${tag} B2`);
  assert.equal(b2.Industry, null, '#N/A set the field to null');

  // Upsert on Contact.Email: one match (updated, sf__Created false), one new.
  const email = `${tag.toLowerCase()}@example.com`;
  const existing = await conn.sobject('Contact').create({ LastName: `${tag} old`, Email: email });
  assert.equal(existing.success, true);
  const ups = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'Email',
    input: [
      { Email: email, LastName: `${tag} matched` },
      { Email: `new.${email}`, LastName: `${tag} new` },
    ],
  });
  assert.deepEqual(ups.failedResults, []);
  assert.deepEqual(ups.successfulResults.map((r) => [r.Email, r.sf__Created]), [[email, 'false'], [`new.${email}`, 'true']]);
  assert.equal(ups.successfulResults[0].sf__Id, existing.id);
  assert.match(ups.successfulResults[1].sf__Id, idRe('003'));
  const contacts = await conn.query(`SELECT LastName FROM Contact WHERE LastName LIKE '${tag}%' ORDER BY LastName`);
  assert.deepEqual(contacts.records.map((r) => r.LastName), [`${tag} matched`, `${tag} new`]);

  // Bulk query: CSV results read until Sforce-Locator is "null".
  // (jsforce 3.10 resolves bulk2.query to a record stream.)
  const rows = [];
  for await (const r of await conn.bulk2.query(`SELECT Id, Name, Owner.Name FROM Account WHERE Name LIKE '${tag}%' ORDER BY Name`)) rows.push(r);
  assert.deepEqual(rows.map((r) => [r.Id, r.Name, r['Owner.Name']]), [
    [ids[0], `${tag} A`, 'Admin User'],
    [ids[1], `${tag} B2`, 'Admin User'],
    [ids[2], `${tag} C`, 'Admin User'],
  ]);

  // Paging by hand: maxRecords and the locator headers.
  const qjob = await conn.request({
    method: 'POST',
    url: `/services/data/v${env.version}/jobs/query`,
    body: JSON.stringify({ operation: 'query', query: `SELECT Name FROM Account WHERE Name LIKE '${tag}%' ORDER BY Name` }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.match(qjob.id, idRe('750'));
  assert.equal(qjob.state, 'UploadComplete');
  const info = await conn.request(`/services/data/v${env.version}/jobs/query/${qjob.id}`);
  assert.equal(info.state, 'JobComplete');
  assert.equal(info.numberRecordsProcessed, 3);
  const page = async (qs) => {
    const res = await fetch(`${env.url}/services/data/v${env.version}/jobs/query/${qjob.id}/results${qs}`, { headers: { Authorization: `Bearer ${env.token}` } });
    assert.equal(res.status, 200);
    return { locator: res.headers.get('sforce-locator'), n: res.headers.get('sforce-numberofrecords'), body: await res.text() };
  };
  const p1 = await page('?maxRecords=2');
  assert.equal(p1.n, '2');
  assert.equal(p1.body, `"Name"\n"${tag} A"\n"${tag} B2"\n`);
  assert.notEqual(p1.locator, 'null');
  const p2 = await page(`?maxRecords=2&locator=${p1.locator}`);
  assert.deepEqual([p2.n, p2.locator, p2.body], ['1', 'null', `"Name"\n"${tag} C"\n`]);

  // Delete: every Account and Contact of the run; sf__Created is false.
  const del = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'delete', input: ids.map((Id) => ({ Id })) });
  assert.deepEqual(del.successfulResults.map((r) => [r.sf__Id, r.sf__Created]), ids.map((id) => [id, 'false']));
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE Name LIKE '${tag}%'`)).totalSize, 0);
  const cids = (await conn.query(`SELECT Id FROM Contact WHERE LastName LIKE '${tag}%'`)).records.map((r) => ({ Id: r.Id }));
  const cdel = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'delete', input: cids });
  assert.equal(cdel.successfulResults.length, 2);

  // An empty job completes with no results (jsforce's live-org test).
  const empty = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: [] });
  assert.deepEqual([empty.successfulResults, empty.failedResults, empty.unprocessedRecords], [[], [], []]);

  // Abort an open job; closing it afterwards is refused.
  const job = conn.bulk2.createJob({ object: 'Account', operation: 'insert' });
  const opened = await job.open();
  assert.equal(opened.state, 'Open');
  assert.match(opened.id, idRe('750'));
  await job.abort();
  assert.equal(job.getInfo().state, 'Aborted', 'the PATCH answer is the aborted job');
  const closeErr = await expectReject(() => job.close(), 'closing an aborted job');
  assert.equal(closeErr.name, 'INVALIDJOBSTATE');
  assert.equal((await job.check()).state, 'Aborted');

  // Unknown job Id and unknown object.
  const nf = await expectReject(() => conn.bulk2.job('ingest', { id: '750000000000000AAA' }).check(), 'unknown job');
  assert.equal(nf.name, 'NOT_FOUND');
  const bad = await expectReject(() => conn.bulk2.createJob({ object: 'NoSuchThing__c', operation: 'insert' }).open(), 'unknown object');
  assert.equal(bad.name, 'INVALIDJOB');
  assert.match(bad.message, /NoSuchThing__c/);
});
