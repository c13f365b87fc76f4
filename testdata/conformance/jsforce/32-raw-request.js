// conn.request(): raw GET/POST/PATCH/DELETE through jsforce's HTTP layer
// (absolute and version-relative paths), what jsforce makes of 201, 204 and
// error bodies, describeGlobal and the describe$ cache, /limits/recordCount.
'use strict';
const { assert, adminConnection, unique, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const base = '/services/data/v62.0';
  const name = unique('Raw');

  // POST: 201 with the save result.
  const made = await conn.request({ method: 'POST', url: `${base}/sobjects/Account`, body: JSON.stringify({ Name: name, Phone: '555-0110' }), headers: { 'Content-Type': 'application/json' } });
  assert.equal(made.success, true);
  assert.match(made.id, idRe('001'));
  assert.deepEqual(made.errors, []);
  // requestPost serializes the body itself.
  const made2 = await conn.requestPost(`${base}/sobjects/Contact`, { LastName: name, AccountId: made.id });
  assert.match(made2.id, idRe('003'));

  // PATCH: 204, no body; jsforce resolves with no value.
  const patched = await conn.request({ method: 'PATCH', url: `${base}/sobjects/Account/${made.id}`, body: JSON.stringify({ Phone: '555-0111' }), headers: { 'Content-Type': 'application/json' } });
  assert.ok(patched === undefined || patched === null || patched === '', `PATCH gave ${JSON.stringify(patched)}`);
  // GET with ?fields=, by the 18- and the 15-character id.
  const got = await conn.request(`${base}/sobjects/Account/${made.id}?fields=Name,Phone`);
  assert.equal(got.Name, name);
  assert.equal(got.Phone, '555-0111');
  assert.ok(!('Industry' in got), 'only the fields asked for');
  const got15 = await conn.request(`${base}/sobjects/Account/${made.id.slice(0, 15)}`);
  assert.equal(got15.Id, made.id, 'a 15-character id reads the same record and answers the 18-character id');
  // A relative path is resolved against the connection's version.
  const rel = await conn.request(`/sobjects/Account/${made.id}?fields=Name`);
  assert.equal(rel.Name, name);
  // An unknown name in ?fields=: 400 (REST API guide, "Get Field Values"), INVALID_FIELD.
  let err = await expectReject(() => conn.request(`${base}/sobjects/Account/${made.id}?fields=Name,NoSuchField__c`), 'unknown field in fields=');
  assert.equal(err.errorCode, 'INVALID_FIELD');

  // Basic info: objectDescribe + recentItems.
  const info = await conn.request(`${base}/sobjects/Contact`);
  assert.equal(info.objectDescribe.name, 'Contact');
  assert.equal(info.objectDescribe.keyPrefix, '003');
  assert.ok(Array.isArray(info.recentItems));

  // /limits/recordCount counts records per object.
  const counts = await conn.request(`${base}/limits/recordCount?sObjects=Account,Contact`);
  const byName = Object.fromEntries(counts.sObjects.map((s) => [s.name, s.count]));
  const accounts = await conn.query('SELECT COUNT() FROM Account');
  assert.equal(byName.Account, accounts.totalSize);
  assert.ok(byName.Contact >= 1);

  // DELETE: 204; afterwards GET is 404 NOT_FOUND.
  assert.ok(!(await conn.request({ method: 'DELETE', url: `${base}/sobjects/Contact/${made2.id}` })));
  assert.ok(!(await conn.request({ method: 'DELETE', url: `${base}/sobjects/Account/${made.id}` })));
  err = await expectReject(() => conn.request(`${base}/sobjects/Account/${made.id}`), 'deleted record');
  assert.equal(err.errorCode, 'NOT_FOUND');
  assert.equal(err.message, 'The requested resource does not exist');
  // A segment that is not an Id is read as an external-Id field name
  // (internal/emulator/sobjects.go errNotAnID).
  err = await expectReject(() => conn.request(`${base}/sobjects/Account/notAnId`), 'malformed id');
  assert.equal(err.errorCode, 'NOT_FOUND');
  assert.equal(err.message, 'Provided external ID field does not exist or is not accessible: notAnId');

  // Error bodies through conn.request: errorCode, message, data.
  err = await expectReject(() => conn.request(`${base}/sobjects/Nope__c/describe`), 'unknown object');
  assert.equal(err.errorCode, 'NOT_FOUND');
  assert.equal(err.message, 'The requested resource does not exist');
  err = await expectReject(() => conn.request(`/services/data/v99.0/limits`), 'unknown version');
  assert.equal(err.errorCode, 'NOT_FOUND');
  err = await expectReject(() => conn.request({ method: 'POST', url: `${base}/sobjects/Account`, body: '{bad', headers: { 'Content-Type': 'application/json' } }), 'bad JSON');
  assert.equal(err.errorCode, 'JSON_PARSER_ERROR');
  err = await expectReject(() => conn.requestPost(`${base}/sobjects/Contact`, { Email: 'not-an-email', LastName: name }), 'bad email');
  assert.equal(err.errorCode, 'INVALID_EMAIL_ADDRESS');
  assert.equal(err.message, 'Email: invalid email address: not-an-email');
  assert.deepEqual(err.data.fields, ['Email']);
  err = await expectReject(() => conn.request({ method: 'DELETE', url: `${base}/sobjects/Account` }), 'DELETE on the object');
  assert.equal(err.errorCode, 'METHOD_NOT_ALLOWED');
  assert.match(err.message, /^HTTP Method 'DELETE' not allowed\. Allowed are /);

  // describeGlobal and the describe$ cache (one request for two calls).
  const g = await conn.describeGlobal();
  assert.equal(g.encoding, 'UTF-8');
  assert.equal(g.maxBatchSize, 200);
  const acc = g.sobjects.find((s) => s.name === 'Account');
  assert.equal(acc.keyPrefix, '001');
  assert.equal(acc.urls.describe, `${base}/sobjects/Account/describe`);
  assert.ok(g.sobjects.some((s) => s.name === 'Acme_Mapping__c' && s.custom === true), 'the seeded custom object');
  const d1 = await conn.sobject('Lead').describe$();
  const d2 = await conn.sobject('Lead').describe$();
  assert.equal(d1, d2, 'the second describe$ comes from the cache');
  assert.equal(d1.name, 'Lead');
  assert.equal(d1.keyPrefix, '00Q');
  const company = d1.fields.find((f) => f.name === 'Company');
  assert.equal(company.nillable, false, 'Lead.Company is required');
  assert.equal(company.createable, true);
});
