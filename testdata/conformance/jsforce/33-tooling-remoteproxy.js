// Tooling API writes: conn.tooling.sobject('RemoteProxy') create / retrieve /
// update / destroy with the FullName + Metadata shape (salesforce-api-facts.md
// §8), Tooling describeGlobal and describe, and Tooling query with columns=true.
'use strict';
const { assert, adminConnection, unique, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const site = unique('Conf_RSS_');

  const made = await conn.tooling.sobject('RemoteProxy').create({
    FullName: site,
    Metadata: { url: 'https://api.example.com', isActive: true, disableProtocolSecurity: false, description: 'conformance' },
  });
  assert.equal(made.success, true);
  assert.match(made.id, /^0rp[0-9A-Za-z]{15}$/);

  // Query flattens Metadata into SiteName, EndpointUrl, IsActive, Description.
  let q = await conn.tooling.query(`SELECT Id, SiteName, EndpointUrl, IsActive, Description FROM RemoteProxy WHERE SiteName = '${site}'`);
  assert.equal(q.totalSize, 1);
  assert.deepEqual(
    [q.records[0].Id, q.records[0].SiteName, q.records[0].EndpointUrl, q.records[0].IsActive, q.records[0].Description],
    [made.id, site, 'https://api.example.com', true, 'conformance'],
  );
  assert.equal(q.records[0].attributes.url, `/services/data/v62.0/tooling/sobjects/RemoteProxy/${made.id}`);
  // Not a REST (non-Tooling) object.
  let err = await expectReject(() => conn.query('SELECT Id FROM RemoteProxy'), 'RemoteProxy outside Tooling');
  assert.equal(err.errorCode, 'INVALID_TYPE');

  // Update sends the whole Metadata; retrieve reads it back.
  const upd = await conn.tooling.sobject('RemoteProxy').update({
    Id: made.id,
    Metadata: { url: 'https://api2.example.com', isActive: false, disableProtocolSecurity: false, description: 'moved' },
  });
  assert.equal(upd.success, true);
  const rec = await conn.tooling.sobject('RemoteProxy').retrieve(made.id);
  assert.equal(rec.FullName, site);
  assert.equal(rec.EndpointUrl, 'https://api2.example.com');
  assert.equal(rec.IsActive, false);
  assert.equal(rec.Metadata.url, 'https://api2.example.com');
  assert.equal(rec.Metadata.isActive, false);
  assert.equal(rec.Metadata.description, 'moved');

  // The derived fields are read-only; FullName is required and unique.
  err = await expectReject(() => conn.tooling.sobject('RemoteProxy').create({ SiteName: unique('X'), EndpointUrl: 'https://x.example.com' }), 'derived fields');
  assert.equal(err.errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
  err = await expectReject(() => conn.tooling.sobject('RemoteProxy').create({ Metadata: { url: 'https://x.example.com', isActive: true } }), 'no FullName');
  assert.equal(err.errorCode, 'REQUIRED_FIELD_MISSING');
  assert.deepEqual(err.data.fields, ['FullName']);
  err = await expectReject(() => conn.tooling.sobject('RemoteProxy').create({ FullName: site, Metadata: { url: 'https://x.example.com', isActive: true } }), 'same FullName');
  assert.equal(err.errorCode, 'DUPLICATE_VALUE');

  // Tooling describe: the same object, FullName and Metadata createable.
  const g = await conn.tooling.describeGlobal();
  const names = g.sobjects.map((s) => s.name);
  for (const n of ['RemoteProxy', 'PermissionSet', 'Profile', 'InstalledSubscriberPackage', 'SubscriberPackageVersion']) assert.ok(names.includes(n), n);
  const d = await conn.tooling.describe('RemoteProxy');
  const createable = Object.fromEntries(d.fields.map((f) => [f.name, f.createable]));
  assert.equal(createable.FullName, true);
  assert.equal(createable.Metadata, true);
  assert.equal(createable.SiteName, false);
  assert.equal(createable.EndpointUrl, false);

  // Tooling Profile and PermissionSet are read-only (REST GET, HEAD), and
  // their describe says so; Profile has FullName and Metadata, for one row
  // at a time (internal/emulator/realorg.go, query.go metadataRowLimit).
  for (const n of ['Profile', 'PermissionSet']) {
    const td = await conn.tooling.describe(n);
    assert.deepEqual([td.createable, td.updateable, td.deletable, td.queryable], [false, false, false, true], n);
    err = await expectReject(() => conn.tooling.sobject(n).create({ Name: 'x' }), `Tooling ${n} create`);
    assert.equal(err.errorCode, 'METHOD_NOT_ALLOWED');
    assert.equal(err.message, "HTTP Method 'POST' not allowed. Allowed are GET,HEAD");
  }
  const tp = await conn.tooling.describe('Profile');
  assert.deepEqual(tp.fields.filter((f) => f.name === 'FullName' || f.name === 'Metadata').map((f) => [f.name, f.type]), [['FullName', 'string'], ['Metadata', 'complexvalue']]);
  const admin = await conn.tooling.query("SELECT Id, FullName, Metadata FROM Profile WHERE Name = 'System Administrator'");
  assert.equal(admin.totalSize, 1);
  assert.equal(admin.records[0].FullName, 'Admin');
  assert.equal(admin.records[0].Metadata.userLicense, 'Salesforce');
  assert.equal(admin.records[0].Metadata.custom, false);
  assert.ok(admin.records[0].Metadata.userPermissions.some((p) => p.name === 'ApiEnabled' && p.enabled === true));
  const count = (await conn.query('SELECT COUNT() FROM Profile')).totalSize;
  err = await expectReject(() => conn.tooling.query('SELECT Id, FullName FROM Profile'), 'FullName over several rows');
  assert.equal(err.errorCode, 'MALFORMED_QUERY');
  assert.equal(err.message, `When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: ${count}`);

  // Tooling query with columns=true (what sf data query -t asks for).
  const cols = await conn.request(`/services/data/v62.0/tooling/query?q=${encodeURIComponent(`SELECT Id, SiteName FROM RemoteProxy WHERE Id = '${made.id}'`)}&columns=true`);
  assert.deepEqual(cols.columnMetadata.map((c) => c.columnName), ['Id', 'SiteName']);
  assert.equal(cols.entityName, 'RemoteProxy');

  const del = await conn.tooling.sobject('RemoteProxy').destroy(made.id);
  assert.equal(del.success, true);
  q = await conn.tooling.query(`SELECT Id FROM RemoteProxy WHERE SiteName = '${site}'`);
  assert.equal(q.totalSize, 0);
});
