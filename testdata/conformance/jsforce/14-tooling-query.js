// Tooling API query (conn.tooling.query; real-clients.md §2): the managed
// package the seed installs (fixtures/tooling-query-InstalledSubscriberPackage.json
// shape) and its namespaced permission set.
'use strict';
const { assert, adminConnection, env, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const pkgs = await conn.tooling.query('SELECT Id, SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersionId FROM InstalledSubscriberPackage');
  assert.equal(pkgs.done, true);
  const coconut = pkgs.records.filter((r) => r.SubscriberPackage && r.SubscriberPackage.NamespacePrefix === 'coconut');
  assert.equal(coconut.length, 1, 'the seed installs one coconut package');
  assert.equal(coconut[0].SubscriberPackage.Name, 'Coconut');
  assert.match(coconut[0].SubscriberPackageVersionId, /^04t[0-9A-Za-z]{15}$/);
  assert.equal(coconut[0].attributes.type, 'InstalledSubscriberPackage');

  // The Tooling result keys that jsforce does not pass on (size, queryLocator,
  // entityTypeName; fixtures/tooling-query-InstalledSubscriberPackage.json).
  const raw = await (await fetch(`${env.url}/services/data/v${env.version}/tooling/query?q=${encodeURIComponent('SELECT Id FROM InstalledSubscriberPackage')}`,
    { headers: { authorization: `Bearer ${env.token}` } })).json();
  assert.deepEqual(Object.keys(raw), ['size', 'totalSize', 'done', 'queryLocator', 'entityTypeName', 'records']);
  assert.equal(raw.entityTypeName, 'InstalledSubscriberPackage');
  assert.equal(raw.queryLocator, null);

  const ver = await conn.tooling.query(`SELECT Id, MajorVersion, MinorVersion FROM SubscriberPackageVersion WHERE Id = '${coconut[0].SubscriberPackageVersionId}'`);
  assert.equal(ver.totalSize, 1);
  assert.equal(ver.records[0].MajorVersion, 1);
  assert.equal(ver.records[0].MinorVersion, 27);

  const ps = await conn.tooling.query("SELECT Id, Name, NamespacePrefix FROM PermissionSet WHERE Name = 'Coconut_Integration_Config'");
  assert.equal(ps.totalSize, 1);
  assert.equal(ps.records[0].NamespacePrefix, 'coconut');
  assert.match(ps.records[0].Id, /^0PS[0-9A-Za-z]{15}$/);
});
