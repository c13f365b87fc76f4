#!/usr/bin/env bash
# sf org login jwt (real-clients.md §3.5): sf signs the assertion itself, with
# exp in milliseconds and aud = the login URL; it needs https, so a TLS front
# (lib/tls-proxy.js, a throwaway certificate) carries the token request, and
# the token reply's instance_url points sf at the emulator itself.
. "$(dirname "$0")/../lib/sf.sh"
: "${SFPROV_JWT_KEY:?}" "${SFPROV_CLIENT_ID:?}"
command -v openssl >/dev/null || { echo "SKIP sf org login jwt: no openssl for the TLS certificate"; exit 3; }
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1
node "$LIB/tls-proxy.js" "$SFPROV_URL" "$WORK/tls.crt" "$WORK/tls.key" >"$WORK/proxy.out" 2>&1 &
PROXY=$!
trap 'kill $PROXY 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/proxy.out" ] && break; sleep 0.1; done
TLS_URL=$(head -1 "$WORK/proxy.out")
# Trust the throwaway certificate (real-clients.md §3.1). The audience is the
# production login host (SF_AUDIENCE_URL, facts §11): the TLS front hands the
# emulator its own Host, so the front's URL is not an audience it knows, and
# on a refusal sf would go on guessing audiences and login hosts (§3.5).
export NODE_EXTRA_CA_CERTS="$WORK/tls.crt" SF_AUDIENCE_URL=https://login.salesforce.com
sfjson login org login jwt --client-id "$SFPROV_CLIENT_ID" --jwt-key-file "$SFPROV_JWT_KEY" \
  --username ci.integration@example.com --instance-url "$TLS_URL" --alias emujwt
sfjson display org display -o emujwt
sfjson me data query -q "SELECT Username FROM User WHERE Username = 'ci.integration@example.com'" -o emujwt
check '
assert.equal(RC.login, 0);
assert.equal(J.login.result.username, "ci.integration@example.com");
assert.match(J.login.result.orgId, /^00D[0-9A-Za-z]{15}$/);
assert.equal(J.login.result.instanceUrl.replace(/\/$/, ""), env.url, "instance_url from the token reply");
assert.equal(RC.display, 0);
assert.equal(J.display.result.connectedStatus, "Connected");
assert.equal(J.display.result.username, "ci.integration@example.com");
assert.equal(RC.me, 0);
assert.equal(J.me.result.totalSize, 1);
'
