// /limits: DailyApiRequests counts every API call, and Sforce-Limit-Info says
// the same (facts §12; issue 3 "DailyApiRequests counts every API request").
'use strict';
const { assert, adminConnection, env, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const before = await conn.limits();
  const d = before.DailyApiRequests;
  assert.equal(typeof d.Max, 'number');
  assert.ok(d.Max > 0 && d.Remaining <= d.Max, `Max ${d.Max} Remaining ${d.Remaining}`);
  for (const k of ['DataStorageMB', 'FileStorageMB', 'DailyBulkApiBatches']) {
    assert.ok(before[k] && typeof before[k].Max === 'number', `limits has ${k}`);
  }
  for (let i = 0; i < 3; i++) await conn.query('SELECT Id FROM Organization');
  const after = await conn.limits();
  // Three queries and the second /limits call itself.
  assert.equal(d.Remaining - after.DailyApiRequests.Remaining, 4);

  const r = await fetch(`${env.url}/services/data/v${env.version}/limits`, { headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(r.status, 200);
  const info = r.headers.get('sforce-limit-info');
  const m = /^api-usage=(\d+)\/(\d+)/.exec(info || '');
  assert.ok(m, `Sforce-Limit-Info: ${info}`);
  assert.equal(Number(m[2]), d.Max);
  const body = await r.json();
  assert.equal(Number(m[1]), d.Max - body.DailyApiRequests.Remaining, 'header and body agree');
  // The version list is not an API call and carries no header (facts §12).
  const v = await fetch(`${env.url}/services/data`, { headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(v.headers.get('sforce-limit-info'), null);
});
