#!/usr/bin/env bash
# Bulk API 2.0 through the sf CLI (@salesforce/plugin-data lib/bulkIngest.js,
# lib/bulkUtils.js): data import/update/upsert/delete bulk with --wait (the
# job is JobComplete at the first poll), data bulk results (the success and
# failure CSV files), data export bulk to CSV and JSON (the results loop until
# Sforce-Locator is "null"), a row that fails, a header naming no field (a
# Failed job) and --hard-delete without the Bulk API Hard Delete permission.
# `sf data query --bulk` is gone from sf 2.146 (its help points at data export
# bulk), so export bulk covers the query side.
. "$(dirname "$0")/../lib/sf.sh"
# Its own login, so that the scenario also runs alone (SFPROV_CONFORMANCE_ONLY).
export SF_ACCESS_TOKEN="$SFPROV_TOKEN"
sfjson login org login access-token --instance-url "$SFPROV_URL" --no-prompt --alias bulk36
unset SF_ACCESS_TOKEN
T="SfBulk$(date +%s)$RANDOM"
OUT=$(mktemp -d) # check.js reads every file in $WORK, so the CSV files live here
trap 'rm -rf "$WORK" "$OUT"' EXIT
printf 'Name,Industry,NumberOfEmployees\n%s A,Banking,10\n%s B,,20\n"%s C, ""quoted""",Energy,30\n' "$T" "$T" "$T" >"$OUT/accounts.csv"
sfjson imp data import bulk -f "$OUT/accounts.csv" -s Account --wait 1 -o bulk36
sfjson q1 data query -q "SELECT Id, Name, Industry, NumberOfEmployees FROM Account WHERE Name LIKE '$T%' ORDER BY Name" -o bulk36

# A row without Name fails alone; the command exits non-zero and data bulk
# results writes both files into the working directory.
printf 'Name,Industry\n%s D,Retail\n,Energy\n' "$T" >"$OUT/mixed.csv"
sfjson mixed data import bulk -f "$OUT/mixed.csv" -s Account --wait 1 -o bulk36
JOB=$(jget mixed 'j.data && j.data.jobId') || JOB=none
(cd "$OUT" && sfjson res data bulk results -i "$JOB" -o bulk36)

# Update by Id (the ids read back above), then upsert Contacts by Email.
node -e '
  const fs = require("fs"), q = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const recs = (q.result && q.result.records) || [];
  const rows = recs.map((r) => `${r.Id},"${(r.Name + " upd").replace(/"/g, "\"\"")}"`);
  fs.writeFileSync(process.argv[2], "Id,Name\n" + rows.join("\n") + "\n");
  fs.writeFileSync(process.argv[3], "Id\n" + recs.map((r) => r.Id).join("\n") + "\n");
' "$WORK/q1.json" "$OUT/update.csv" "$OUT/delete.csv"
sfjson upd data update bulk -f "$OUT/update.csv" -s Account --wait 1 -o bulk36
E=$(tr 'A-Z' 'a-z' <<<"$T")
sfjson con data create record -s Contact -v "LastName='$T old' Email=$E@example.com" -o bulk36
printf 'Email,LastName\n%s@example.com,%s matched\nnew.%s@example.com,%s new\n' "$E" "$T" "$E" "$T" >"$OUT/contacts.csv"
sfjson ups data upsert bulk -s Contact -i Email -f "$OUT/contacts.csv" --wait 1 -o bulk36
sfjson q2 data query -q "SELECT LastName, Email FROM Contact WHERE LastName LIKE '$T%' ORDER BY LastName" -o bulk36

# Export: CSV and JSON files.
sfjson expcsv data export bulk -q "SELECT Name, NumberOfEmployees FROM Account WHERE Name LIKE '$T%' ORDER BY Name" --output-file "$OUT/export.csv" --wait 1 -o bulk36
sfjson expjson data export bulk -q "SELECT Name FROM Account WHERE Name LIKE '$T%' ORDER BY Name" --output-file "$OUT/export.json" --result-format json --wait 1 -o bulk36

# A header that names no field fails the whole job.
printf 'Name,NoSuchField__c\n%s X,1\n' "$T" >"$OUT/badheader.csv"
sfjson badhdr data import bulk -f "$OUT/badheader.csv" -s Account --wait 1 -o bulk36
# --hard-delete needs Bulk API Hard Delete, which System Administrator lacks by default.
sfjson hard data delete bulk -s Account -f "$OUT/delete.csv" --hard-delete --wait 1 -o bulk36
sfjson del data delete bulk -s Account -f "$OUT/delete.csv" --wait 1 -o bulk36
sfjson left data query -q "SELECT Name FROM Account WHERE Name LIKE '$T%' ORDER BY Name" -o bulk36

# Put the files where check.js reads them.
node -e '
  const fs = require("fs"), path = require("path"), files = {};
  for (const f of fs.readdirSync(process.argv[2])) files[f] = fs.readFileSync(path.join(process.argv[2], f), "utf8");
  fs.writeFileSync(path.join(process.argv[1], "files.json"), JSON.stringify(files));
' "$WORK" "$OUT"
T="$T" JOB="$JOB" check '
const t = process.env.T, e = t.toLowerCase(), files = J.files;
assert.equal(RC.login, 0);
// Import: three records, all through.
assert.equal(RC.imp, 0);
assert.match(J.imp.result.jobId, /^750[0-9A-Za-z]{15}$/);
assert.deepEqual([J.imp.result.processedRecords, J.imp.result.successfulRecords, J.imp.result.failedRecords], [3, 3, 0]);
assert.deepEqual(J.q1.result.records.map((r) => [r.Name, r.Industry, r.NumberOfEmployees]), [
  [t + " A", "Banking", 10], [t + " B", null, 20], [t + " C, \"quoted\"", "Energy", 30]]);

// One failed row: exit 1, the job Id in the error data, then the result files.
assert.equal(RC.mixed, 1);
assert.match(process.env.JOB, /^750[0-9A-Za-z]{15}$/);
assert.equal(J.mixed.data.state, "JobComplete");
assert.equal(RC.res, 0);
assert.deepEqual([J.res.result.processedRecords, J.res.result.successfulRecords, J.res.result.failedRecords], [2, 1, 1]);
const ok = files[process.env.JOB + "-success-records.csv"], bad = files[process.env.JOB + "-failed-records.csv"];
assert.ok(ok !== undefined && bad !== undefined, "both result files: " + Object.keys(files).join(" "));
assert.match(ok, new RegExp("^\"?sf__Id\"?,\"?sf__Created\"?,\"?Name\"?,\"?Industry\"?\\r?\\n\"?001[0-9A-Za-z]{15}\"?,\"?true\"?,\"?" + t + " D\"?,\"?Retail\"?\\r?\\n$"));
assert.match(bad, /^"?sf__Id"?,"?sf__Error"?,"?Name"?,"?Industry"?\r?\n"?"?,"?REQUIRED_FIELD_MISSING:Required fields are missing: \[Name\]:Name --"?,"?"?,"?Energy"?\r?\n$/);

// Update and upsert.
assert.equal(RC.upd, 0);
assert.deepEqual([J.upd.result.processedRecords, J.upd.result.failedRecords], [3, 0]);
assert.equal(RC.con, 0);
assert.equal(RC.ups, 0);
// upsert and delete bulk (the sfdx-compatible commands) answer {jobInfo, records}.
const uj = J.ups.result.jobInfo;
assert.deepEqual([uj.operation, uj.externalIdFieldName, uj.state, uj.numberRecordsProcessed, uj.numberRecordsFailed], ["upsert", "Email", "JobComplete", 2, 0]);
assert.deepEqual(J.ups.result.records.successfulResults.map((r) => [r.Email, r.sf__Created]), [[e + "@example.com", "false"], ["new." + e + "@example.com", "true"]]);
assert.deepEqual(J.ups.result.records.failedResults, []);
assert.deepEqual(J.q2.result.records.map((r) => [r.LastName, r.Email]), [[t + " matched", e + "@example.com"], [t + " new", "new." + e + "@example.com"]]);

// Export (after the update renamed the first three).
assert.equal(RC.expcsv, 0);
assert.equal(J.expcsv.result.totalSize, 4);
assert.equal(files["export.csv"], "\"Name\",\"NumberOfEmployees\"\n\"" + t + " A upd\",\"10\"\n\"" + t + " B upd\",\"20\"\n\"" + t + " C, \"\"quoted\"\" upd\",\"30\"\n\"" + t + " D\",\"\"\n");
assert.equal(RC.expjson, 0);
assert.deepEqual(JSON.parse(files["export.json"]), [{ Name: t + " A upd" }, { Name: t + " B upd" }, { Name: t + " C, \"quoted\" upd" }, { Name: t + " D" }]);

// The bad header: a Failed job, nothing saved.
assert.equal(RC.badhdr, 1);
assert.match(J.badhdr.message, /NoSuchField__c/);
// Hard delete refused (sf words FEATURENOTENABLED itself); the plain delete works.
assert.equal(RC.hard, 1);
assert.match(J.hard.message, /You must have the "Bulk API Hard Delete" system permission/, "sf recognised FEATURENOTENABLED");
assert.equal(RC.del, 0);
assert.deepEqual([J.del.result.jobInfo.numberRecordsProcessed, J.del.result.jobInfo.numberRecordsFailed], [3, 0]);
assert.equal(J.del.result.records.successfulResults.length, 3);
assert.deepEqual(J.left.result.records.map((r) => r.Name), [t + " D"]);
'
