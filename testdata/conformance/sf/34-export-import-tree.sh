#!/usr/bin/env bash
# sf data export tree (a parent-to-child subquery read through query and
# columns=true): the single-file form and the --plan form, files asserted
# (sf leaves null fields and Ids out of the files); then sf data import tree
# of both (POST /composite/tree/{T}: REST API guide "sObject Tree"), the
# copies read back with their parent links, and an all-or-nothing failure.
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
sfjson imp1 data import tree -f "$OUT/one/Account-Contact.json" -o emu
sfjson imp2 data import tree -p "$OUT/plan/conf-Account-Contact-plan.json" -o emu
IDS=$(node -e '
  const fs = require("fs"), ids = [];
  for (const n of ["imp1", "imp2"]) {
    try { for (const r of JSON.parse(fs.readFileSync(process.argv[1] + "/" + n + ".json", "utf8")).result) if (r.type === "Account") ids.push("\x27" + r.id + "\x27"); } catch (e) {}
  }
  console.log(ids.join(",") || "\x27none\x27");
' "$WORK")
sfjson copies data query -q "SELECT Id, Name, Phone, (SELECT LastName, AccountId FROM Contacts ORDER BY LastName) FROM Account WHERE Id IN ($IDS) ORDER BY Name" -o emu
printf '%s' "{\"records\":[{\"attributes\":{\"type\":\"Account\",\"referenceId\":\"BadAcc1\"},\"Name\":\"$T bad\",\"Contacts\":{\"records\":[{\"attributes\":{\"type\":\"Contact\",\"referenceId\":\"BadCon1\"},\"FirstName\":\"NoLastName\"}]}}]}" >"$OUT/bad.json"
sfjson bad data import tree -f "$OUT/bad.json" -o emu
sfjson badcount data query -q "SELECT COUNT() FROM Account WHERE Name = '$T bad'" -o emu
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

// Import: every reference gets an id of its type.
for (const k of ["imp1", "imp2"]) {
  assert.equal(RC[k], 0, k);
  assert.deepEqual(J[k].result.map((r) => r.refId + ":" + r.type).sort(), ["AccountRef1:Account", "AccountRef2:Account", "ContactRef1:Contact", "ContactRef2:Contact"]);
  const byRef = Object.fromEntries(J[k].result.map((r) => [r.refId, r.id]));
  assert.match(byRef.AccountRef1, /^001[0-9A-Za-z]{15}$/);
  assert.match(byRef.ContactRef2, /^003[0-9A-Za-z]{15}$/);
}
// The copies: four new Accounts (two per import), each first one with both Contacts linked to it.
assert.equal(RC.copies, 0);
const copies = J.copies.result.records;
assert.deepEqual(copies.map((r) => r.Name), [t, t, t + " lone", t + " lone"]);
for (const c of copies.slice(0, 2)) {
  assert.equal(c.Phone, "555-0142");
  assert.deepEqual(c.Contacts.records.map((x) => [x.LastName, x.AccountId]), [[t + " Alpha", c.Id], [t + " Beta", c.Id]]);
}
assert.equal(copies[2].Contacts, null);
// A tree with one bad record saves nothing and names the record that failed.
assert.equal(RC.bad, 1);
assert.equal(J.bad.message, "Data Import failed");
assert.deepEqual(J.bad.data.map((d) => [d.referenceId, d.StatusCode]), [["BadCon1", "REQUIRED_FIELD_MISSING"]]);
assert.equal(J.badcount.result.totalSize, 0, "all or nothing");
'
