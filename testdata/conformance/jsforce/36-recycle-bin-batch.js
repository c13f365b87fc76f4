// Deleted records (REST API guide "QueryAll": queryAll also returns records
// deleted by a delete or merge, with IsDeleted true; "Get Deleted / Updated
// Records"): jsforce query(..., {scanAll: true}), sobject().deleted() and
// updated(); and /composite/batch through conn.request (REST API guide
// "Composite Batch": independent subrequests, each with its own statusCode).
'use strict';
const { assert, adminConnection, unique, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const t = unique('Bin');
  const start = new Date(Date.now() - 60 * 1000).toISOString();
  const [keep, gone] = (await conn.sobject('Account').create([{ Name: `${t}-keep` }, { Name: `${t}-gone` }])).map((r) => r.id);
  assert.equal((await conn.sobject('Account').update({ Id: keep, Phone: '555-0177' })).success, true);
  assert.equal((await conn.sobject('Account').destroy(gone)).success, true);

  // query hides the deleted row; queryAll (scanAll) shows it, flagged.
  const soql = `SELECT Id, Name, IsDeleted FROM Account WHERE Name LIKE '${t}%' ORDER BY Name`;
  let q = await conn.query(soql);
  assert.deepEqual(q.records.map((r) => [r.Id, r.IsDeleted]), [[keep, false]]);
  q = await conn.query(soql, { scanAll: true });
  assert.deepEqual(q.records.map((r) => [r.Id, r.Name, r.IsDeleted]), [[gone, `${t}-gone`, true], [keep, `${t}-keep`, false]]);
  q = await conn.query(`SELECT COUNT() FROM Account WHERE Name LIKE '${t}%' AND IsDeleted = true`, { scanAll: true });
  assert.equal(q.totalSize, 1);
  // A deleted record cannot be read by id.
  const err = await expectReject(() => conn.sobject('Account').retrieve(gone), 'deleted record');
  assert.equal(err.errorCode, 'NOT_FOUND');

  // Replication: deleted() lists the delete, updated() the creates and the change.
  const end = new Date(Date.now() + 60 * 1000).toISOString();
  const del = await conn.sobject('Account').deleted(start, end);
  assert.ok(del.deletedRecords.some((r) => r.id === gone), 'the delete is listed');
  assert.ok(!del.deletedRecords.some((r) => r.id === keep));
  assert.match(del.deletedRecords.find((r) => r.id === gone).deletedDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  assert.ok(del.earliestDateAvailable && del.latestDateCovered);
  const upd = await conn.sobject('Account').updated(start, end);
  assert.ok(upd.ids.includes(keep), 'the changed record is listed');
  assert.ok(!upd.ids.includes(gone), 'a deleted record is not');

  // Composite batch: subrequests run independently; a failing one does not stop the others.
  const batch = await conn.request({
    method: 'POST',
    url: '/services/data/v62.0/composite/batch',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ batchRequests: [
      { method: 'GET', url: `v62.0/sobjects/Account/${keep}?fields=Name,Phone` },
      { method: 'PATCH', url: `v62.0/sobjects/Account/${keep}`, richInput: { Phone: '555-0178' } },
      { method: 'GET', url: 'v62.0/sobjects/Nope__c/describe' },
      { method: 'GET', url: `v62.0/query?q=${encodeURIComponent(`SELECT Phone FROM Account WHERE Id = '${keep}'`)}` },
    ] }),
  });
  assert.equal(batch.hasErrors, true);
  assert.deepEqual(batch.results.map((r) => r.statusCode), [200, 204, 404, 200]);
  assert.equal(batch.results[0].result.Name, `${t}-keep`);
  assert.equal(batch.results[0].result.Phone, '555-0177');
  assert.equal(batch.results[1].result, null);
  assert.deepEqual(batch.results[2].result, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  assert.equal(batch.results[3].result.records[0].Phone, '555-0178', 'subrequests run in order');

  assert.equal((await conn.sobject('Account').destroy(keep)).success, true);
});
