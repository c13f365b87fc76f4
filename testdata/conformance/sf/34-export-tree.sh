#!/usr/bin/env bash
# sf data export tree (a parent-to-child subquery read through query and
# columns=true): the single-file form and the --plan form, files asserted
# (sf leaves null fields and Ids out of the files).
# (sf data import tree posts to /composite/tree, which the emulator does not
# serve yet: /work/briefs/emulator-gaps.md G1.)
. "$(dirname "$0")/../lib/sf.sh"
T="SfTree$(date +%s)$RANDOM"
sfjson acc data create record -s Account -v "Name='$T' Phone=555-0142" -o emu
ACC=$(jget acc 'j.result.id') || { check 'assert.fail("no account")'; exit 1; }
sfjson c1 data create record -s Contact -v "LastName='$T Beta' AccountId=$ACC" -o emu
sfjson c2 data create record -s Contact -v "LastName='$T Alpha' AccountId=$ACC" -o emu
sfjson lone data create record -s Account -v "Name='$T lone'" -o emu
OUT=$(mktemp -d) # check.js reads every file in $WORK, so no directories there
trap 'rm -rf "$WORK" "$OUT"' EXIT
mkdir -p "$OUT/one" "$OUT/plan"
Q="SELECT Id, Name, Phone, (SELECT Id, LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name LIKE '$T%' ORDER BY Name"
sfjson one data export tree -q "$Q" --output-dir "$OUT/one" -o emu
sfjson plan data export tree -q "$Q" --plan --prefix conf --output-dir "$OUT/plan" -o emu
# Put the files where check.js reads them (as {"files": {name: parsed JSON}}).
node -e '
  const fs = require("fs"), path = require("path");
  for (const d of ["one", "plan"]) {
    const dir = path.join(process.argv[2], d), files = {};
    for (const f of fs.readdirSync(dir)) files[f] = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    fs.writeFileSync(path.join(process.argv[1], d + "files.json"), JSON.stringify({ files }));
  }
' "$WORK" "$OUT"
T="$T" check '
const t = process.env.T;
for (const k of ["acc", "c1", "c2", "lone"]) assert.equal(RC[k], 0, k);
assert.equal(RC.one, 0);
assert.deepEqual(Object.keys(J.onefiles.files), ["Account-Contact.json"]);
assert.deepEqual(J.onefiles.files["Account-Contact.json"], { records: [
  { attributes: { type: "Account", referenceId: "AccountRef1" }, Name: t, Phone: "555-0142",
    Contacts: { records: [
      { attributes: { type: "Contact", referenceId: "ContactRef1" }, LastName: t + " Alpha" },
      { attributes: { type: "Contact", referenceId: "ContactRef2" }, LastName: t + " Beta" },
    ] } },
  { attributes: { type: "Account", referenceId: "AccountRef2" }, Name: t + " lone" },
] });
assert.deepEqual(J.one.result.records.map((r) => r.attributes.referenceId), ["AccountRef1", "AccountRef2"]);

// --plan: one file per object, children point at their parent by reference.
assert.equal(RC.plan, 0);
const files = J.planfiles.files;
assert.deepEqual(Object.keys(files).sort(), ["conf-Account-Contact-plan.json", "conf-Account.json", "conf-Contact.json"]);
assert.deepEqual(files["conf-Account-Contact-plan.json"].map((p) => [p.sobject, p.files]), [["Account", ["conf-Account.json"]], ["Contact", ["conf-Contact.json"]]]);
assert.deepEqual(files["conf-Account.json"].records.map((r) => [r.attributes.referenceId, r.Name]), [["AccountRef1", t], ["AccountRef2", t + " lone"]]);
assert.deepEqual(files["conf-Contact.json"].records.map((r) => [r.LastName, r.AccountId]), [[t + " Alpha", "@AccountRef1"], [t + " Beta", "@AccountRef1"]]);
'
