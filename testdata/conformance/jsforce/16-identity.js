// Identity, userinfo and the version list with jsforce's default API version
// (v50.0 when none is given; real-clients.md §2 and §4).
'use strict';
const { assert, jsforce, env, run } = require('../lib/harness');

run(async () => {
  const conn = new jsforce.Connection({ instanceUrl: env.url, accessToken: env.token }); // no version: v50.0
  const id = await conn.identity(); // GET /services/data/v50.0, then its absolute identity URL
  assert.equal(id.username, env.admin);
  assert.match(id.user_id, /^005[0-9A-Za-z]{15}$/);
  assert.match(id.organization_id, /^00D[0-9A-Za-z]{15}$/);
  assert.equal(id.id, `${env.url}/id/${id.organization_id}/${id.user_id}`);

  const resources = await conn.request('/services/data/v50.0');
  assert.equal(resources.identity, id.id, 'absolute identity URL');
  assert.equal(resources.sobjects, '/services/data/v50.0/sobjects');

  const versions = await conn.request('/services/data');
  assert.ok(Array.isArray(versions));
  const vs = versions.map((v) => v.version);
  for (const v of ['50.0', '51.0', '62.0', '66.0']) assert.ok(vs.includes(v), `version ${v} listed`);
  assert.equal(versions.find((v) => v.version === '62.0').url, '/services/data/v62.0');

  const ui = await conn.request('/services/oauth2/userinfo');
  assert.equal(ui.preferred_username, env.admin);
  assert.equal(ui.user_id, id.user_id);
  assert.equal(ui.organization_id, id.organization_id);

  // The v51.0 User read that `sf org login` depends on (real-clients.md §3.3).
  const u = await conn.request(`/services/data/v51.0/sobjects/User/${id.user_id}`);
  assert.equal(u.Username, env.admin);
});
