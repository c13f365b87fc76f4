// Password grant with a client id and secret (jsforce conn.login with oauth2;
// real-clients.md §2), the token it returns at work, its errors, and revoke.
'use strict';
const { assert, jsforce, env, oauth2, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = new jsforce.Connection({ oauth2: oauth2(), version: env.version });
  const info = await conn.login(env.ciUser, env.ciPassword);
  assert.match(info.id, idRe('005'), 'user id from the token id URL');
  assert.match(info.organizationId, idRe('00D'), 'org id from the token id URL');
  assert.equal(info.url, `${env.url}/id/${info.organizationId}/${info.id}`);
  assert.equal(conn.instanceUrl, env.url, 'instance_url is where we logged in');
  // sf treats 00D…!… values as access tokens (real-clients.md §3.1).
  assert.match(conn.accessToken, /^00D[0-9A-Za-z]{12}!/);

  // The token acts as that user.
  const me = await conn.query(`SELECT Id, Username, IsActive FROM User WHERE Id = '${info.id}'`);
  assert.equal(me.totalSize, 1);
  assert.equal(me.records[0].Username, env.ciUser);
  assert.equal(me.records[0].IsActive, true);
  const ident = await conn.identity();
  assert.equal(ident.user_id, info.id);
  assert.equal(ident.organization_id, info.organizationId);
  assert.equal(ident.username, env.ciUser);

  // Errors: 400 {"error","error_description"} surfaced as err.name / message (facts §11).
  let err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2() }).login(env.ciUser, 'wrong'), 'wrong password');
  assert.equal(err.name, 'invalid_grant');
  assert.equal(err.message, 'authentication failure');
  err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2() }).login('nobody@example.com', env.ciPassword), 'unknown user');
  assert.equal(err.name, 'invalid_grant');
  assert.equal(err.message, 'authentication failure');
  err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2({ clientId: 'not-the-app' }) }).login(env.ciUser, env.ciPassword), 'unknown client id');
  assert.equal(err.name, 'invalid_client_id');
  assert.equal(err.message, 'client identifier invalid');
  err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2({ clientSecret: 'wrong' }) }).login(env.ciUser, env.ciPassword), 'wrong secret');
  assert.equal(err.name, 'invalid_client');

  // Revoke (logout revokes the access token for an OAuth2 session), then the
  // token is refused with 401 INVALID_SESSION_ID.
  const token = conn.accessToken;
  await conn.logout();
  const stale = new jsforce.Connection({ instanceUrl: env.url, accessToken: token, version: env.version });
  err = await expectReject(() => stale.query('SELECT Id FROM Organization'), 'revoked token');
  assert.equal(err.errorCode, 'INVALID_SESSION_ID');
});
