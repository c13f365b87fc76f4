// Fault injection (issue 3 item 4) as clients see it, on a second emulator
// started with (see .ci/conformance.sh):
//   --fault nth=2,status=503,path=/services/data/*/query
//   --fault nth=1,status=500,code=UNABLE_TO_LOCK_ROW,path=/services/data/*/composite/sobjects
//   --fault nth=1,expire-tokens,path=/services/data/*/limits
'use strict';
const { assert, jsforce, env, oauth2, expectReject, idRe, unique, run } = require('../lib/harness');

run(async () => {
  const url = process.env.SFPROV_FAULT_URL;
  assert.ok(url, 'SFPROV_FAULT_URL is set');
  const q = () => fetch(`${url}/services/data/v${env.version}/query?q=${encodeURIComponent('SELECT Id FROM Organization')}`,
    { headers: { authorization: `Bearer ${env.token}` } });

  // The second query fails with Salesforce's 503 error array; the ones around it pass.
  assert.equal((await q()).status, 200);
  const r2 = await q();
  assert.equal(r2.status, 503);
  assert.deepEqual(await r2.json(), [{ message: 'Server too busy', errorCode: 'SERVER_UNAVAILABLE' }]);
  assert.equal((await q()).status, 200);

  // The first collections call fails as a whole; jsforce does not retry a POST
  // and surfaces the errorCode; a second try goes through.
  const admin = new jsforce.Connection({ instanceUrl: url, accessToken: env.token, version: env.version });
  const tag = unique('Fault');
  const recs = [{ Name: `${tag} 1` }, { Name: `${tag} 2` }];
  const err = await expectReject(() => admin.sobject('Account').create(recs), 'first collections call');
  assert.equal(err.errorCode, 'UNABLE_TO_LOCK_ROW');
  assert.equal(err.message, 'unable to obtain exclusive access to this record');
  const ok = await admin.sobject('Account').create(recs);
  assert.deepEqual(ok.map((r) => r.success), [true, true]);
  assert.match(ok[0].id, idRe('001'));

  // expire-tokens: issued tokens die, the static token lives on.
  const cc = new jsforce.Connection({ oauth2: oauth2({ loginUrl: url }), version: env.version });
  await cc.authorize({ grant_type: 'client_credentials' });
  assert.equal((await cc.query('SELECT Id FROM Organization')).totalSize, 1);
  const limits = await admin.limits();
  assert.equal(typeof limits.DailyApiRequests.Remaining, 'number');
  // The org answers 401 INVALID_SESSION_ID; jsforce, holding an OAuth2
  // client but no refresh token, turns that into a failed refresh.
  const dead = await expectReject(() => cc.query('SELECT Id FROM Organization'), 'query with an expired token');
  assert.equal(dead.message, 'Unable to refresh session due to: No refresh token found in the connection');
  const raw = await fetch(`${url}/services/data/v${env.version}/query?q=${encodeURIComponent('SELECT Id FROM Organization')}`,
    { headers: { authorization: `Bearer ${cc.accessToken}` } });
  assert.equal(raw.status, 401);
  assert.deepEqual(await raw.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  assert.equal((await admin.query('SELECT Id FROM Organization')).totalSize, 1);
});
