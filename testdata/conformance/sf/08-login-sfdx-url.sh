#!/usr/bin/env bash
# sf org login sfdx-url (real-clients.md §3.5): the refresh_token grant with
# the client id, secret and refresh token from a force:// URL, which sf only
# sends over https (the TLS front of lib/tls-proxy.js); then userinfo and the
# v51.0 User read on the instance_url the token reply names.
. "$(dirname "$0")/../lib/sf.sh"
: "${SFPROV_CLIENT_ID:?}" "${SFPROV_CLIENT_SECRET:?}"
[ -n "${SFPROV_REFRESH_TOKEN:-}" ] || { echo "SKIP sf org login sfdx-url: the emulator has no --refresh-token"; exit 3; }
command -v openssl >/dev/null || { echo "SKIP sf org login sfdx-url: no openssl for the TLS certificate"; exit 3; }
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1
node "$LIB/tls-proxy.js" "$SFPROV_URL" "$WORK/tls.crt" "$WORK/tls.key" >"$WORK/proxy.out" 2>&1 &
PROXY=$!
trap 'kill $PROXY 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/proxy.out" ] && break; sleep 0.1; done
HOSTPORT=$(head -1 "$WORK/proxy.out" | sed 's|^https://||')
export NODE_EXTRA_CA_CERTS="$WORK/tls.crt"
printf 'force://%s:%s:%s@%s\n' "$SFPROV_CLIENT_ID" "$SFPROV_CLIENT_SECRET" "$SFPROV_REFRESH_TOKEN" "$HOSTPORT" >"$WORK/auth-url.txt"
sfjson login org login sfdx-url --sfdx-url-file "$WORK/auth-url.txt" --alias emurt
sfjson display org display -o emurt
printf 'force://%s:%s:%s@%s\n' "$SFPROV_CLIENT_ID" "$SFPROV_CLIENT_SECRET" "5Aep861NotTheRefreshToken" "$HOSTPORT" >"$WORK/bad-url.txt"
sfjson bad org login sfdx-url --sfdx-url-file "$WORK/bad-url.txt" --alias emubad
check '
assert.equal(RC.login, 0);
assert.equal(J.login.result.username, env.admin, "the refresh token belongs to the admin");
assert.match(J.login.result.orgId, /^00D[0-9A-Za-z]{15}$/);
assert.equal(J.login.result.instanceUrl.replace(/\/$/, ""), env.url);
assert.equal(RC.display, 0);
assert.equal(J.display.result.connectedStatus, "Connected");
assert.notEqual(RC.bad, 0);
assert.match(J.bad.message, /expired access\/refresh token/);
'
