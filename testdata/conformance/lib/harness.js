// Shared by the jsforce scenarios: the environment that .ci/conformance.sh
// sets, a connection factory, and assertions that fail with what was expected
// and what came back. Every scenario asserts values, not just "did not throw":
// jsforce reports success on an empty {} body (real-clients.md §2).
'use strict';
const assert = require('node:assert/strict');
const jsforce = require('jsforce');

const env = {
  url: need('SFPROV_URL'),                 // http://127.0.0.1:PORT
  token: need('SFPROV_TOKEN'),             // the static admin access token
  clientId: need('SFPROV_CLIENT_ID'),
  clientSecret: need('SFPROV_CLIENT_SECRET'),
  jwtKey: process.env.SFPROV_JWT_KEY || '', // PEM private key matching --jwt-cert
  refreshToken: process.env.SFPROV_REFRESH_TOKEN || '',
  admin: process.env.SFPROV_ADMIN || 'admin@emulator.sfprov.local',
  ciUser: 'ci.integration@example.com',    // seed.yaml
  ciPassword: 'Conformance-Pa55word',      // seed.yaml
  version: '62.0',
};

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through .ci/conformance.sh)`);
  return v;
}

// adminConnection is a connection with the static access token, as
// `new Connection({instanceUrl, accessToken})` (real-clients.md §2).
function adminConnection(extra = {}) {
  return new jsforce.Connection({ instanceUrl: env.url, accessToken: env.token, version: env.version, ...extra });
}

function oauth2(extra = {}) {
  return { loginUrl: env.url, clientId: env.clientId, clientSecret: env.clientSecret, ...extra };
}

// unique returns a name no other run of this scenario against the same org has used.
function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// expectReject runs fn and returns the error it throws; it fails when fn succeeds.
async function expectReject(fn, what) {
  try {
    const v = await fn();
    assert.fail(`${what}: expected an error, got ${JSON.stringify(v)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return e;
  }
}

const idRe = (prefix) => new RegExp(`^${prefix}[0-9A-Za-z]{15}$`);

// run executes a scenario body and sets the exit code.
function run(body) {
  body().then(
    () => process.exit(0),
    (e) => {
      console.error(e && e.stack ? e.stack : e);
      if (e && e.name) console.error(`error name: ${e.name}${e.errorCode ? ` errorCode: ${e.errorCode}` : ''}`);
      process.exit(1);
    },
  );
}

module.exports = { assert, jsforce, env, adminConnection, oauth2, unique, expectReject, idRe, run };
