// Query with paging: 2,050 Accounts made through sObject Collections (jsforce
// chunks by 200 with allowRecursive), read back in pages of 2,000 through
// nextRecordsUrl, with autoFetch and by hand (real-clients.md §2;
// fixtures/query-last-page-v60.json for the locator shape).
'use strict';
const { assert, adminConnection, unique, run, env } = require('../lib/harness');

const N = 2050;

run(async () => {
  const conn = adminConnection();
  const tag = unique('Paging');
  const recs = Array.from({ length: N }, (_, i) => ({ Name: `${tag} ${String(i).padStart(4, '0')}` }));
  const created = await conn.sobject('Account').create(recs, { allowRecursive: true });
  assert.equal(created.length, N);
  const failed = created.filter((r) => !r.success);
  assert.deepEqual(failed, [], 'every create succeeded');
  const ids = new Set(created.map((r) => r.id));
  assert.equal(ids.size, N, 'distinct ids');

  const soql = `SELECT Id, Name FROM Account WHERE Name LIKE '${tag}%' ORDER BY Name`;
  // By hand: the first page holds 2,000 rows and a relative nextRecordsUrl.
  const first = await conn.query(soql);
  assert.equal(first.totalSize, N);
  assert.equal(first.done, false);
  assert.equal(first.records.length, 2000);
  // jsforce makes the locator absolute for its caller (real-clients.md §2); the
  // org sends it relative (fixtures/query-last-page-v60.json), checked below.
  const locator = new RegExp(`^/services/data/v${env.version.replace('.', '\\.')}/query/[0-9A-Za-z]+-2000$`);
  assert.ok(first.nextRecordsUrl.startsWith(env.url), first.nextRecordsUrl);
  assert.match(first.nextRecordsUrl.slice(env.url.length), locator);
  const raw = await (await fetch(`${env.url}/services/data/v${env.version}/query?q=${encodeURIComponent(soql)}`,
    { headers: { authorization: `Bearer ${env.token}` } })).json();
  assert.match(raw.nextRecordsUrl, locator);
  assert.equal(raw.records.length, 2000);
  assert.equal(first.records[0].Name, `${tag} 0000`);
  assert.equal(first.records[0].attributes.type, 'Account');
  const second = await conn.queryMore(first.nextRecordsUrl);
  assert.equal(second.done, true);
  assert.equal(second.records.length, N - 2000);
  assert.equal(second.nextRecordsUrl, undefined);
  assert.equal(second.records[N - 2001].Name, `${tag} ${String(N - 1).padStart(4, '0')}`);

  // autoFetch follows nextRecordsUrl itself.
  const all = await conn.query(soql).run({ autoFetch: true, maxFetch: 10000 });
  assert.equal(all.records.length, N);
  assert.deepEqual(new Set(all.records.map((r) => r.Id)), ids);

  // COUNT() answers totalSize with no records (fixtures/query-count-v50.json).
  const count = await conn.query(`SELECT COUNT() FROM Account WHERE Name LIKE '${tag}%'`);
  assert.equal(count.totalSize, N);
  assert.deepEqual(count.records, []);

  const deleted = await conn.sobject('Account').destroy([...ids], { allowRecursive: true });
  assert.equal(deleted.filter((r) => r.success).length, N);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE Name LIKE '${tag}%'`)).totalSize, 0);
});
