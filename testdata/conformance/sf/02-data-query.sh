#!/usr/bin/env bash
# sf data query: a parent relationship field, the columns=true second call
# (real-clients.md §3.4), the Tooling API, paging past 2,000 rows (sf follows
# nextRecordsUrl itself), and a query error.
. "$(dirname "$0")/../lib/sf.sh"
# 2,100 Leads to page through, made quickly with jsforce (collections of 200).
TAG="SfPaging$(date +%s)$RANDOM"
TAG="$TAG" node -e '
  const jsforce = require("jsforce");
  const conn = new jsforce.Connection({ instanceUrl: process.env.SFPROV_URL, accessToken: process.env.SFPROV_TOKEN, version: "62.0" });
  const recs = Array.from({ length: 2100 }, (_, i) => ({ LastName: process.env.TAG + " " + i, Company: "Conformance" }));
  conn.sobject("Lead").create(recs, { allowRecursive: true }).then((r) => {
    const bad = r.filter((x) => !x.success);
    if (bad.length) { console.error(JSON.stringify(bad[0])); process.exit(1); }
  }, (e) => { console.error(e); process.exit(1); });
'
sfjson paging data query -q "SELECT Id, LastName FROM Lead WHERE LastName LIKE '$TAG%'" -o emu
sfjson users data query -q "SELECT Id, Username, Profile.Name FROM User WHERE Username = '$ADMIN'" -o emu
sfjson profiles data query -q "SELECT Id, Name, UserLicense.Name FROM Profile WHERE Name = 'System Administrator'" -o emu
sfjson tooling data query -q "SELECT Id, Name, NamespacePrefix FROM PermissionSet WHERE Name = 'Coconut_Integration_Config'" --use-tooling-api -o emu
sfjson none data query -q "SELECT Id FROM Account WHERE Name = 'no such account anywhere'" -o emu
sfjson bad data query -q "SELECT NoSuchField__x FROM Account" -o emu
TAG="$TAG" check '
assert.equal(RC.paging, 0);
assert.equal(J.paging.result.totalSize, 2100);
assert.equal(J.paging.result.records.length, 2100, "sf fetched every page");
assert.equal(new Set(J.paging.result.records.map((r) => r.LastName)).size, 2100);
assert.ok(J.paging.result.records.every((r) => r.LastName.startsWith(process.env.TAG)));
assert.equal(RC.users, 0);
assert.equal(J.users.result.totalSize, 1);
const u = J.users.result.records[0];
assert.equal(u.Username, env.admin);
assert.match(u.Id, /^005[0-9A-Za-z]{15}$/);
assert.equal(u.Profile.Name, "System Administrator");
assert.equal(RC.profiles, 0);
assert.equal(J.profiles.result.records[0].UserLicense.Name, "Salesforce");
assert.equal(RC.tooling, 0);
assert.equal(J.tooling.result.totalSize, 1);
assert.equal(J.tooling.result.records[0].NamespacePrefix, "coconut");
assert.equal(RC.none, 0);
assert.equal(J.none.result.totalSize, 0);
assert.deepEqual(J.none.result.records, []);
assert.equal(RC.bad, 1);
assert.equal(J.bad.name, "INVALID_FIELD");
assert.match(J.bad.message, /No such column .NoSuchField__x. on entity .Account./);
'
