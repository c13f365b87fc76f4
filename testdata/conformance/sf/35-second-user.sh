#!/usr/bin/env bash
# sf as a second, non-admin user: a token from the password grant (curl, as
# any script would get one; facts §11) given to sf org login access-token, so
# userinfo and the v51.0 User read (real-clients.md §3.3) answer for that
# user; then records made through sf carry that user as creator and owner.
. "$(dirname "$0")/../lib/sf.sh"
: "${SFPROV_CLIENT_ID:?}" "${SFPROV_CLIENT_SECRET:?}"
CI=ci.integration@example.com # seed.yaml
# Its own HOME: sf/07 keeps an auth file for the same username in the shared one.
OWNHOME=$(mktemp -d)
export HOME="$OWNHOME"
trap 'rm -rf "$WORK" "$OWNHOME"' EXIT
curl -s -X POST "$SFPROV_URL/services/oauth2/token" \
	--data-urlencode grant_type=password --data-urlencode "client_id=$SFPROV_CLIENT_ID" \
	--data-urlencode "client_secret=$SFPROV_CLIENT_SECRET" --data-urlencode "username=$CI" \
	--data-urlencode password=Conformance-Pa55word >"$WORK/token.json"
TOKEN=$(jget token 'j.access_token') || { check 'assert.fail("no access token from the password grant")'; exit 1; }
rm -f "$WORK/token.json" # it holds a live token
SF_ACCESS_TOKEN="$TOKEN" sfjson login org login access-token --instance-url "$SFPROV_URL" --no-prompt --alias emuci
sfjson du org display user -o emuci
NAME="Conformance second user $(date +%s)$RANDOM"
sfjson acc data create record -s Account -v "Name='$NAME'" -o emuci
sfjson back data query -q "SELECT Name, CreatedBy.Username, Owner.Username FROM Account WHERE Name = '$NAME'" -o emuci
sfjson del data delete record -s Account -w "Name='$NAME'" -o emuci
CI="$CI" NAME="$NAME" check '
const ci = process.env.CI, name = process.env.NAME;
assert.equal(RC.login, 0);
assert.equal(J.login.result.username, ci, "the username comes from the v51.0 User read of the token user");
assert.match(J.login.result.orgId, /^00D[0-9A-Za-z]{15}$/);
assert.equal(RC.du, 0);
assert.equal(J.du.result.username, ci);
assert.equal(J.du.result.profileName, "System Administrator");
assert.match(J.du.result.id, /^005[0-9A-Za-z]{15}$/);
assert.equal(RC.acc, 0);
assert.match(J.acc.result.id, /^001[0-9A-Za-z]{15}$/);
assert.equal(RC.back, 0);
const r = J.back.result.records[0];
assert.equal(r.Name, name);
assert.equal(r.CreatedBy.Username, ci);
assert.equal(r.Owner.Username, ci);
assert.equal(RC.del, 0);
'
