// The Metadata API over REST as jsforce 3 sends it: conn.metadata.deployRest
// (a multipart body with "file" and "entity_content"), polled with
// conn.metadata.checkDeployStatus(id, true, true) (the REST status resource;
// the SOAP path, deploy() and checkDeployStatus(), is sf/38's). A Profile's record-type visibility and a permission set with a
// permission that has no sObject field are deployed, then read back through
// Tooling FullName/Metadata; a deploy naming an unknown record type fails
// with Salesforce's sentence and rolls back; checkOnly commits nothing.
'use strict';
const { assert, adminConnection, unique, run } = require('../lib/harness');

// zip builds a stored (uncompressed) zip archive of name → text.
function zip(files) {
  const table = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  const crc32 = (buf) => {
    let c = -1;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const fname = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += local.length + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const xml = (root, body) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}</${root}>\n`;
const manifest = (types) => xml('Package', Object.entries(types).map(([name, members]) =>
  `    <types>\n${members.map((m) => `        <members>${m}</members>\n`).join('')}        <name>${name}</name>\n    </types>\n`).join('') + '    <version>62.0</version>\n');

async function deployAndWait(conn, files, options) {
  const created = await conn.metadata.deployRest(zip(files), options);
  assert.match(created.id, /^0Af[0-9A-Za-z]{15}$/);
  assert.equal(created.deployResult.status, 'Pending');
  const seen = [];
  for (let i = 0; i < 10; i++) {
    const res = await conn.metadata.checkDeployStatus(created.id, true, true);
    seen.push(res.status);
    if (res.done) return { res, seen };
  }
  assert.fail(`deploy ${created.id} never ended: ${seen}`);
}

run(async () => {
  const conn = adminConnection();
  const dev = unique('Conf_RT_');
  const rt = await conn.sobject('RecordType').create({ Name: dev, DeveloperName: dev, SobjectType: 'Account', IsActive: true });
  assert.equal(rt.success, true);
  const set = unique('Conf_MD_');
  const files = {
    'package.xml': manifest({ PermissionSet: [set], Profile: ['Admin'] }),
    'profiles/Admin.profile': xml('Profile', `    <recordTypeVisibilities>\n        <default>false</default>\n        <recordType>Account.${dev}</recordType>\n        <visible>true</visible>\n    </recordTypeVisibilities>\n`),
    [`permissionsets/${set}.permissionset`]: xml('PermissionSet', `    <label>${set}</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>CanApproveUninstalledApps</name>\n    </userPermissions>\n`),
  };

  // checkOnly validates and commits nothing.
  let { res } = await deployAndWait(conn, files, { checkOnly: true, singlePackage: true });
  assert.equal(res.status, 'Succeeded');
  assert.equal(res.checkOnly, true);
  assert.equal((await conn.query(`SELECT Id FROM PermissionSet WHERE Name = '${set}'`)).totalSize, 0);

  // The deploy: InProgress on the first read, then Succeeded.
  const done = await deployAndWait(conn, files, { rollbackOnError: true, singlePackage: true });
  res = done.res;
  assert.deepEqual(done.seen, ['InProgress', 'Succeeded']);
  assert.equal(res.success, true);
  assert.equal(res.numberComponentsTotal, 2);
  assert.equal(res.numberComponentsDeployed, 2);
  assert.equal(res.numberComponentErrors, 0);
  const byFile = Object.fromEntries(res.details.componentSuccesses.map((m) => [m.fileName, m]));
  assert.equal(byFile[`permissionsets/${set}.permissionset`].created, true);
  assert.equal(byFile[`permissionsets/${set}.permissionset`].componentType, 'PermissionSet');
  assert.equal(byFile['profiles/Admin.profile'].fullName, 'Admin');
  assert.equal(byFile['package.xml'].fullName, 'package.xml');

  // Read back through Tooling (one row: Metadata is allowed).
  const prof = await conn.tooling.query("SELECT Id, FullName, Metadata FROM Profile WHERE Name = 'System Administrator'");
  assert.equal(prof.records[0].FullName, 'Admin');
  const vis = prof.records[0].Metadata.recordTypeVisibilities.find((r) => r.recordType === `Account.${dev}`);
  assert.deepEqual(vis, { default: false, personAccountDefault: null, recordType: `Account.${dev}`, visible: true });
  const ps = await conn.tooling.query(`SELECT Id, FullName, Metadata FROM PermissionSet WHERE Name = '${set}'`);
  assert.equal(ps.records[0].FullName, set);
  assert.deepEqual(ps.records[0].Metadata.userPermissions, [{ enabled: true, name: 'CanApproveUninstalledApps' }]);
  assert.equal(ps.records[0].Metadata.label, set);

  // An unknown record type: Failed, Salesforce's sentence, the place in the file, nothing kept.
  const other = unique('Conf_MD_');
  const bad = {
    'package.xml': manifest({ PermissionSet: [other], Profile: ['Admin'] }),
    'profiles/Admin.profile': xml('Profile', '    <recordTypeVisibilities>\n        <default>false</default>\n        <recordType>Account.Foo</recordType>\n        <visible>true</visible>\n    </recordTypeVisibilities>\n'),
    [`permissionsets/${other}.permissionset`]: xml('PermissionSet', `    <label>${other}</label>\n`),
  };
  ({ res } = await deployAndWait(conn, bad, { singlePackage: true }));
  assert.equal(res.status, 'Failed');
  assert.equal(res.success, false);
  assert.equal(res.numberComponentErrors, 1);
  const [failure] = res.details.componentFailures;
  assert.equal(failure.problem, 'In field: recordType - no RecordType named Account.Foo found');
  assert.equal(failure.problemType, 'Error');
  assert.equal(failure.componentType, 'Profile');
  assert.equal(failure.fileName, 'profiles/Admin.profile');
  assert.equal(failure.lineNumber, 3);
  assert.equal(failure.columnNumber, 29);
  assert.equal((await conn.query(`SELECT Id FROM PermissionSet WHERE Name = '${other}'`)).totalSize, 0, 'rollbackOnError: nothing committed');
});
