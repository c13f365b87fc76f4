#!/usr/bin/env bash
# sf data query beyond 02: --result-format csv and human (both built from the
# columns=true metadata: aggregate columns, multi-level parent fields, child
# subqueries), --file, --output-file, --all-rows (queryAll), Tooling csv, and
# the queries of sf's own tests against real orgs (salesforcecli/plugin-data
# test/commands/data/query/query.nut.ts: lowercase names, owner.Profile.Name,
# null Title as an empty CSV cell, "Total number of records retrieved").
. "$(dirname "$0")/../lib/sf.sh"
T="SfFmt$(date +%s)$RANDOM"
t=$(tr A-Z a-z <<<"$T") # for the e-mail address: no case question

# sfout NAME ARGS...: run sf without --json; keep stdout as {"stdout": ...} in
# NAME.json (so check.js sees it) and the exit code as NAME.rc.
sfout() {
	local n=$1
	shift
	set +e
	"$SFPROV_SF_BIN" "$@" >"$WORK/$n.out" 2>"$WORK/$n.err"
	echo $? >"$WORK/$n.rc"
	set -e
	node -e 'const fs = require("fs"); fs.writeFileSync(process.argv[2], JSON.stringify({ stdout: fs.readFileSync(process.argv[1], "utf8") }))' "$WORK/$n.out" "$WORK/$n.json"
}

sfjson a1 data create record -s Account -v "Name='$T 1' Industry=Banking NumberOfEmployees=10" -o emu
sfjson a2 data create record -s Account -v "Name='$T 2' Industry=Banking NumberOfEmployees=30" -o emu
sfjson a3 data create record -s Account -v "Name='$T 3'" -o emu
A1=$(jget a1 'j.result.id') || { check 'assert.fail("no account")'; exit 1; }
sfjson c1 data create record -s Contact -v "LastName='$T Smith' Email=smith.$t@example.com AccountId=$A1" -o emu
sfjson lead data create record -s Lead -v "Company=Salesforce LastName=$T" -o emu
sfjson admin data query -q "SELECT ProfileId FROM User WHERE Username = '$ADMIN'" -o emu

sfout csvrel data query -q "SELECT owner.Profile.Name, owner.Profile.Id, Title, Name FROM lead WHERE LastName = '$T'" -r csv -o emu
sfout humanrel data query -q "SELECT owner.Profile.Name, Title, Name FROM lead WHERE LastName = '$T'" -o emu
sfout csvagg data query -q "SELECT Industry, COUNT(Id), MAX(NumberOfEmployees) FROM Account WHERE Name LIKE '$T%' GROUP BY Industry ORDER BY Industry NULLS LAST" -r csv -o emu
sfout humanalias data query -q "SELECT Industry, COUNT(Id) n FROM Account WHERE Name LIKE '$T%' GROUP BY Industry ORDER BY Industry NULLS LAST" -o emu
sfout csvsub data query -q "SELECT Name, (SELECT LastName, Email FROM Contacts) FROM Account WHERE Id = '$A1'" -r csv -o emu
sfout count data query -q "SELECT Count() from User" -o emu
printf "SELECT Id, Name FROM Account WHERE Name LIKE '%s%%' ORDER BY Name" "$T" >"$WORK/q.soql"
sfout file data query --file "$WORK/q.soql" -r csv -o emu
sfjson outfile data query -q "SELECT Id, Name FROM Account WHERE Name LIKE '$T%' ORDER BY Name" -r csv --output-file "$WORK/accounts.csv" -o emu
node -e 'const fs = require("fs"); fs.writeFileSync(process.argv[2], JSON.stringify({ csv: fs.readFileSync(process.argv[1], "utf8") }))' "$WORK/accounts.csv" "$WORK/outcsv.json" || true
sfjson a4 data create record -s Account -v "Name='$T 4 deleted'" -o emu
sfjson a4del data delete record -s Account -i "$(jget a4 'j.result.id' || echo none)" -o emu
sfjson allrows data query -q "SELECT Id, Name, IsDeleted FROM Account WHERE Name LIKE '$T%' ORDER BY Name" --all-rows -o emu
sfjson live data query -q "SELECT Id, Name, IsDeleted FROM Account WHERE Name LIKE '$T%' ORDER BY Name" -o emu
sfout tool data query -q "SELECT Name, NamespacePrefix FROM PermissionSet WHERE NamespacePrefix = 'coconut'" -t -r csv -o emu
sfjson malformed data query -q "SELECT" -o emu

T="$T" A1="$A1" check '
const t = process.env.T, a1 = process.env.A1;
for (const k of ["a1", "a2", "a3", "c1", "lead", "admin"]) assert.equal(RC[k], 0, k);
const profileId = J.admin.result.records[0].ProfileId;
const lines = (k) => J[k].stdout.trim().split("\n");

assert.equal(RC.csvrel, 0);
assert.deepEqual(lines("csvrel"), ["Owner.Profile.Name,Owner.Profile.Id,Title,Name", "System Administrator," + profileId + ",," + t]);
assert.equal(RC.humanrel, 0);
assert.match(J.humanrel.stdout, /System Administrator/);
assert.doesNotMatch(J.humanrel.stdout, /\[object Object\]/);
assert.match(J.humanrel.stdout, /Total number of records retrieved: 1\./);

// Unaliased aggregates: the header shows the function, the cells its values.
assert.equal(RC.csvagg, 0);
assert.deepEqual(lines("csvagg"), ["Industry,COUNT(Id),MAX(NumberOfEmployees)", "Banking,2,30", ",1,"]);
// An alias names the column. sf draws the table with box characters on some
// machines and with plain spaces and dashes on others (seen in CI), so the
// borders are optional here; the cells are what the emulator decides.
assert.equal(RC.humanalias, 0);
assert.match(J.humanalias.stdout, /INDUSTRY[\s│|]+N[\s│|]/);
assert.match(J.humanalias.stdout, /Banking[\s│|]+2[\s│|]/);

// A child subquery flattens into totalSize and records.N.field columns.
assert.equal(RC.csvsub, 0);
assert.deepEqual(lines("csvsub"), ["Name,Contacts.totalSize,Contacts.records.0.LastName,Contacts.records.0.Email", t + " 1,1," + t + " Smith,smith." + t.toLowerCase() + "@example.com"]);

assert.equal(RC.count, 0);
assert.match(J.count.stdout, /Total number of records retrieved: [1-9][0-9]*\./);

assert.equal(RC.file, 0);
assert.deepEqual(lines("file").map((l) => l.split(",")[1]), ["Name", t + " 1", t + " 2", t + " 3"]);
assert.match(lines("file")[1], /^001[0-9A-Za-z]{15},/);

assert.equal(RC.outfile, 0);
assert.equal(J.outfile.result.totalSize, 3);
assert.deepEqual(J.outcsv.csv.trim().split("\n").map((l) => l.split(",")[1]), ["Name", t + " 1", t + " 2", t + " 3"]);

// --all-rows goes through queryAll: the deleted row is there, IsDeleted true;
// a plain query leaves it out.
assert.equal(RC.a4del, 0);
assert.equal(RC.allrows, 0);
assert.deepEqual(J.allrows.result.records.map((r) => [r.Name, r.IsDeleted]), [[t + " 1", false], [t + " 2", false], [t + " 3", false], [t + " 4 deleted", true]]);
assert.equal(RC.live, 0);
assert.deepEqual(J.live.result.records.map((r) => r.Name), [t + " 1", t + " 2", t + " 3"]);

assert.equal(RC.tool, 0);
assert.deepEqual(lines("tool"), ["Name,NamespacePrefix", "Coconut_Integration_Config,coconut"]);

assert.equal(RC.malformed, 1);
assert.equal(J.malformed.name, "MALFORMED_QUERY");
assert.match(J.malformed.message, /unexpected token/);
'
