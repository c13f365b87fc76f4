// refresh_token grant (jsforce oauth2.refreshToken, and the automatic refresh
// after a 401; real-clients.md §2). The emulator issues no refresh tokens from
// the grants it serves (as Salesforce's password/JWT/client_credentials flows
// do not), so the success path needs the refresh token the emulator was
// started with (SFPROV_REFRESH_TOKEN); the error path is always checked.
'use strict';
const { assert, jsforce, env, oauth2, adminConnection, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const client = new jsforce.OAuth2(oauth2());
  const err = await expectReject(() => client.refreshToken('5Aep861NotARefreshToken'), 'unknown refresh token');
  assert.equal(err.name, 'invalid_grant');
  assert.equal(err.message, 'expired access/refresh token');

  if (!env.refreshToken) {
    console.log('SKIP success path: the emulator was started without --refresh-token');
    process.exit(3);
  }
  const res = await client.refreshToken(env.refreshToken);
  assert.match(res.access_token, /^00D[0-9A-Za-z]{12}!/);
  assert.equal(res.instance_url, env.url);
  assert.equal(res.token_type, 'Bearer');
  const [orgId, userId] = res.id.split('/').slice(-2);
  assert.match(orgId, idRe('00D'));
  assert.match(userId, idRe('005'));

  const fresh = new jsforce.Connection({ instanceUrl: res.instance_url, accessToken: res.access_token, version: env.version });
  const u = await fresh.query(`SELECT Username FROM User WHERE Id = '${userId}'`);
  assert.equal(u.records[0].Username, env.admin);

  // Automatic refresh: a dead access token gets 401, jsforce refreshes and
  // repeats the call with the new token.
  const conn = new jsforce.Connection({
    oauth2: oauth2(), instanceUrl: env.url, version: env.version,
    accessToken: '00D000000000000!AQdeadtoken', refreshToken: env.refreshToken,
  });
  let refreshed = 0;
  conn.on('refresh', () => { refreshed++; });
  const org = await conn.query('SELECT Id FROM Organization');
  assert.equal(org.totalSize, 1);
  assert.equal(refreshed, 1, 'exactly one refresh');
  assert.notEqual(conn.accessToken, '00D000000000000!AQdeadtoken');
  // The admin connection is unaffected.
  assert.equal((await adminConnection().query('SELECT Id FROM Organization')).totalSize, 1);
});
