// JWT bearer grant (facts §11; real-clients.md §3.5): an RS256 assertion signed
// with the key whose certificate the emulator was started with (--jwt-cert;
// .ci/conformance.sh makes both with openssl). exp in seconds, and in
// milliseconds as the sf CLI sends it.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { assert, jsforce, env, expectReject, idRe, run } = require('../lib/harness');

const b64url = (b) => Buffer.from(b).toString('base64url');

function sign(claims, key) {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
  return `${head}.${body}.${b64url(sig)}`;
}

run(async () => {
  assert.ok(env.jwtKey, 'SFPROV_JWT_KEY is set');
  const key = fs.readFileSync(env.jwtKey, 'utf8');
  const now = Math.floor(Date.now() / 1000);
  const claims = (extra) => ({ iss: env.clientId, sub: env.ciUser, aud: env.url, exp: now + 180, ...extra });
  const grant = (assertion) => ({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  // No clientId on the OAuth2 object: the JWT grant sends only grant_type and assertion.
  const login = () => new jsforce.Connection({ oauth2: { loginUrl: env.url }, version: env.version });

  const conn = login();
  const info = await conn.authorize(grant(sign(claims(), key)));
  assert.match(info.id, idRe('005'));
  assert.equal(conn.instanceUrl, env.url);
  const me = await conn.query(`SELECT Username FROM User WHERE Id = '${info.id}'`);
  assert.equal(me.records[0].Username, env.ciUser, 'token acts as sub');
  assert.equal(conn.refreshToken, undefined, 'the JWT flow issues no refresh token');

  // sf: exp = Date.now()+300 in milliseconds, aud = instance URL with a slash.
  const sfStyle = login();
  const info2 = await sfStyle.authorize(grant(sign(claims({ exp: Date.now() + 300, iat: now, aud: `${env.url}/` }), key)));
  assert.equal(info2.id, info.id);
  // aud = the production login host.
  const info3 = await login().authorize(grant(sign(claims({ aud: 'https://login.salesforce.com' }), key)));
  assert.equal(info3.id, info.id);

  let err = await expectReject(() => login().authorize(grant(sign(claims({ exp: now - 600 }), key))), 'expired assertion');
  assert.equal(err.name, 'invalid_grant');
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  err = await expectReject(() => login().authorize(grant(sign(claims(), other))), 'assertion signed by another key');
  assert.equal(err.name, 'invalid_grant');
  err = await expectReject(() => login().authorize(grant(sign(claims({ iss: 'not-the-app' }), key))), 'wrong iss');
  assert.equal(err.name, 'invalid_client_id');
  err = await expectReject(() => login().authorize(grant(sign(claims({ sub: 'nobody@example.com' }), key))), 'unknown sub');
  assert.equal(err.name, 'invalid_grant');
});
