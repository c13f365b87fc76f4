// Tooling API query (conn.tooling.query; real-clients.md §2): the managed
// package the seed installs (fixtures/tooling-query-InstalledSubscriberPackage.json
// shape) and its namespaced permission set.
'use strict';
const { assert, adminConnection, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const pkgs = await conn.tooling.query('SELECT Id, SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersionId FROM InstalledSubscriberPackage');
  assert.equal(pkgs.done, true);
  assert.equal(pkgs.entityTypeName, 'InstalledSubscriberPackage');
  const coconut = pkgs.records.filter((r) => r.SubscriberPackage && r.SubscriberPackage.NamespacePrefix === 'coconut');
  assert.equal(coconut.length, 1, 'the seed installs one coconut package');
  assert.equal(coconut[0].SubscriberPackage.Name, 'Coconut');
  assert.match(coconut[0].SubscriberPackageVersionId, /^04t[0-9A-Za-z]{15}$/);
  assert.equal(coconut[0].attributes.type, 'InstalledSubscriberPackage');

  const ver = await conn.tooling.query(`SELECT Id, MajorVersion, MinorVersion FROM SubscriberPackageVersion WHERE Id = '${coconut[0].SubscriberPackageVersionId}'`);
  assert.equal(ver.totalSize, 1);
  assert.equal(ver.records[0].MajorVersion, 1);
  assert.equal(ver.records[0].MinorVersion, 27);

  const ps = await conn.tooling.query("SELECT Id, Name, NamespacePrefix FROM PermissionSet WHERE Name = 'Coconut_Integration_Config'");
  assert.equal(ps.totalSize, 1);
  assert.equal(ps.records[0].NamespacePrefix, 'coconut');
  assert.match(ps.records[0].Id, /^0PS[0-9A-Za-z]{15}$/);
});
