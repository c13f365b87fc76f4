#!/usr/bin/env bash
# sf api request rest (beta; real-clients.md §3.4: a refresh probe, then the
# raw path with //): GET limits and the resource map with -i (status line and
# Sforce-Limit-Info), POST /composite/sobjects with a per-record failure,
# POST /composite with @{ref.id} references, PATCH of a record, a 404 body
# (exit 1).
. "$(dirname "$0")/../lib/sf.sh"
T="SfApi$(date +%s)$RANDOM"

# sfout NAME ARGS...: api request has no --json; keep stdout (the response
# body, or headers + body with -i) as {"stdout": ...} in NAME.json.
sfout() {
	local n=$1
	shift
	set +e
	"$SFPROV_SF_BIN" "$@" >"$WORK/$n.out" 2>"$WORK/$n.err"
	echo $? >"$WORK/$n.rc"
	set -e
	node -e 'const fs = require("fs"); fs.writeFileSync(process.argv[2], JSON.stringify({ stdout: fs.readFileSync(process.argv[1], "utf8") }))' "$WORK/$n.out" "$WORK/$n.json"
}

sfout limits api request rest /services/data/v62.0/limits -o emu
sfout res api request rest services/data/v56.0/ -i -o emu
sfout coll api request rest /services/data/v62.0/composite/sobjects -X POST \
	-b "{\"allOrNone\":false,\"records\":[{\"attributes\":{\"type\":\"Account\"},\"Name\":\"$T\"},{\"attributes\":{\"type\":\"Contact\"},\"FirstName\":\"NoLastName\"}]}" -o emu
sfout comp api request rest /services/data/v62.0/composite -X POST \
	-b "{\"allOrNone\":true,\"compositeRequest\":[
		{\"method\":\"POST\",\"url\":\"/services/data/v62.0/sobjects/Account\",\"referenceId\":\"acc\",\"body\":{\"Name\":\"$T parent\"}},
		{\"method\":\"POST\",\"url\":\"/services/data/v62.0/sobjects/Contact\",\"referenceId\":\"con\",\"body\":{\"LastName\":\"$T\",\"AccountId\":\"@{acc.id}\"}},
		{\"method\":\"GET\",\"url\":\"/services/data/v62.0/sobjects/Contact/@{con.id}?fields=AccountId,LastName\",\"referenceId\":\"get\"}]}" -o emu
node -e '
  const fs = require("fs"), [dir] = process.argv.slice(1);
  const coll = JSON.parse(JSON.parse(fs.readFileSync(dir + "/coll.json", "utf8")).stdout);
  fs.writeFileSync(dir + "/id.txt", coll[0].id || "none");
' "$WORK" || true
ID=$(cat "$WORK/id.txt" 2>/dev/null || echo none)
sfout patch api request rest "/services/data/v62.0/sobjects/Account/$ID" -X PATCH -b '{"Phone":"555-0199"}' -o emu
sfjson after data get record -s Account -i "$ID" -o emu
# (api request cannot send a DELETE in sf 2.146.3: it fails before any request
# with "No 'mode' found in 'body' entry", so the delete goes through data.)
sfjson del data delete record -s Account -i "$ID" -o emu
sfout gone api request rest "/services/data/v62.0/sobjects/Account/$ID" -o emu

T="$T" ID="$ID" check '
const t = process.env.T, id = process.env.ID;
const body = (k) => JSON.parse(J[k].stdout);
assert.equal(RC.limits, 0);
const l = body("limits");
assert.equal(l.DailyApiRequests.Max, 15000);
assert.ok(l.DailyApiRequests.Remaining < 15000);

// -i: the status line and headers, then the body (v56.0: any listed version).
assert.equal(RC.res, 0);
assert.match(J.res.stdout, /^HTTP\/1\.1 200/);
assert.match(J.res.stdout, /^sforce-limit-info: api-usage=\d+\/15000$/mi);
const map = JSON.parse(J.res.stdout.slice(J.res.stdout.indexOf("{")));
assert.equal(map.sobjects, "/services/data/v56.0/sobjects");
assert.equal(map.query, "/services/data/v56.0/query");
assert.match(map.identity, /^http:\/\/127\.0\.0\.1:\d+\/id\/00D[0-9A-Za-z]{15}\/005[0-9A-Za-z]{15}$/);

// Collections: one created, one failed with statusCode; HTTP 200 either way.
assert.equal(RC.coll, 0);
const coll = body("coll");
assert.equal(coll.length, 2);
assert.equal(coll[0].success, true);
assert.equal(coll[0].id, id);
assert.match(id, /^001[0-9A-Za-z]{15}$/);
assert.deepEqual(coll[1], { success: false, errors: [{ statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [LastName]", fields: ["LastName"] }] });

// Composite: references resolve, each subrequest reports its own status.
assert.equal(RC.comp, 0);
const cr = body("comp").compositeResponse;
assert.deepEqual(cr.map((r) => [r.referenceId, r.httpStatusCode]), [["acc", 201], ["con", 201], ["get", 200]]);
assert.equal(cr[0].httpHeaders.Location, "/services/data/v62.0/sobjects/Account/" + cr[0].body.id);
assert.equal(cr[2].body.AccountId, cr[0].body.id);
assert.equal(cr[2].body.LastName, t);

// PATCH answers 204 (no body), the change is there; after a delete, 404.
assert.equal(RC.patch, 0);
assert.equal(J.patch.stdout.trim(), "");
assert.equal(RC.after, 0);
assert.equal(J.after.result.Phone, "555-0199");
assert.equal(RC.del, 0);
assert.equal(RC.gone, 1);
assert.deepEqual(body("gone"), [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
'
