// client_credentials grant (facts §11): client id/secret as form fields (what
// jsforce's authorize sends) or HTTP Basic; the token acts as the app's run-as
// user; a scope parameter is refused.
'use strict';
const { assert, jsforce, env, oauth2, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = new jsforce.Connection({ oauth2: oauth2(), version: env.version });
  const info = await conn.authorize({ grant_type: 'client_credentials' });
  assert.match(info.id, idRe('005'));
  assert.match(info.organizationId, idRe('00D'));
  assert.equal(conn.instanceUrl, env.url);
  const me = await conn.query(`SELECT Username FROM User WHERE Id = '${info.id}'`);
  assert.equal(me.totalSize, 1);
  assert.equal(me.records[0].Username, env.admin, 'runs as the run-as user (the emulator admin)');

  // HTTP Basic client authentication.
  const basic = await fetch(`${env.url}/services/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic ' + Buffer.from(`${env.clientId}:${env.clientSecret}`).toString('base64'),
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(basic.status, 200);
  const body = await basic.json();
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.id.split('/').pop(), info.id);
  assert.equal(body.refresh_token, undefined, 'no refresh token from client_credentials');

  let err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2({ clientSecret: 'wrong' }) }).authorize({ grant_type: 'client_credentials' }), 'wrong secret');
  assert.equal(err.name, 'invalid_client');
  assert.equal(err.message, 'invalid client credentials');
  err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2() }).authorize({ grant_type: 'client_credentials', scope: 'api' }), 'scope');
  assert.equal(err.name, 'invalid_request');
  assert.equal(err.message, 'scope parameter not supported');
  err = await expectReject(() => new jsforce.Connection({ oauth2: oauth2() }).authorize({ grant_type: 'no_such_grant' }), 'unknown grant');
  assert.equal(err.name, 'unsupported_grant_type');
});
