#!/usr/bin/env bash
# Real-client conformance suite (issue 3 item 5): jsforce 3 and the sf CLI,
# installed from npm into a cache outside the repo, run scripted scenarios
# against `sfprov emulator serve`. One PASS/FAIL/SKIP line per scenario; exit
# status 1 when any scenario fails.
#
# Needs: Go, Node.js >= 20 with npm, openssl (for the JWT key; without it a
# bare public key made by node is used instead). Network: the npm registry and
# the Go module proxy only.
#
# Environment:
#   SFPROV_CONFORMANCE_CACHE  where the npm installs live (default ~/.cache/sfprov-conformance)
#   SFPROV_CONFORMANCE_ONLY   a regexp; run only the scenarios whose path matches
#   SFPROV_CONFORMANCE_KEEP   1 keeps the temporary directory (server logs) for debugging
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUITE="$ROOT/testdata/conformance"
CACHE=${SFPROV_CONFORMANCE_CACHE:-$HOME/.cache/sfprov-conformance}
ONLY=${SFPROV_CONFORMANCE_ONLY:-}

# sf must not start its detached `sf update --autoupdate` (it outlives the
# run) nor phone home, whichever scenario calls it.
export SF_DISABLE_AUTOUPDATE=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true \
	SF_DISABLE_TELEMETRY=true SFDX_DISABLE_TELEMETRY=true
# Scenarios read the clients' output, so it must not depend on the caller's
# terminal: no colours even when the environment forces them (sf colours its
# --json output under FORCE_COLOR). CI=true still changes sf's tables (plain
# instead of boxed, @oclif/table shouldUsePlainTable); scenarios accept both.
export FORCE_COLOR=0 NO_COLOR=1

# Versions (real-clients.md §1): npm resolves "latest" to releases that need
# node 22, so everything is pinned; sf 2.146.3 on node 20 needs undici 7 under
# @jsforce/jsforce-node, or it crashes on its first request.
JSFORCE_VERSION=3.10.16
SF_VERSION=2.146.3

say() { printf '%s\n' "$*" >&2; }
die() { say "conformance: $*"; exit 2; }

command -v go >/dev/null || die "go is not on PATH"
command -v node >/dev/null || die "node is not on PATH (Node.js 20 or newer is needed)"
command -v npm >/dev/null || die "npm is not on PATH"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "node $(node --version) is too old; 20 or newer is needed"

# install DIR PACKAGE_JSON: npm install into $CACHE/DIR unless the same
# package.json was installed there before.
install() {
	local dir="$CACHE/$1" want="$2" started
	mkdir -p "$dir"
	if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ] && [ -d "$dir/node_modules" ]; then
		say "conformance: reusing $dir"
		return
	fi
	say "conformance: installing into $dir"
	started=$SECONDS
	rm -rf "$dir/node_modules" "$dir/package-lock.json" "$dir/.installed"
	printf '%s\n' "$want" >"$dir/package.json"
	(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >"$dir/npm-install.log" 2>&1) ||
		{ cat "$dir/npm-install.log" >&2; die "npm install in $dir failed"; }
	printf '%s' "$want" >"$dir/.installed"
	say "conformance: installed $1 in $((SECONDS - started)) s"
}

install jsforce "{\"name\":\"sfprov-conformance-jsforce\",\"private\":true,\"dependencies\":{\"jsforce\":\"$JSFORCE_VERSION\"}}"
install sf "{\"name\":\"sfprov-conformance-sf\",\"private\":true,\"dependencies\":{\"@salesforce/cli\":\"$SF_VERSION\"},\"overrides\":{\"@jsforce/jsforce-node\":{\"undici\":\"^7.16.0\"}}}"
SF_BIN="$CACHE/sf/node_modules/.bin/sf"
[ -x "$SF_BIN" ] || die "$SF_BIN is missing after the install"

TMP=$(mktemp -d)
SERVER_PIDS=()
SERVER_NAMES=()
DEAD=()
cleanup() {
	local pid
	for pid in "${SERVER_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "${SFPROV_CONFORMANCE_KEEP:-}" = 1 ]; then
		say "conformance: kept $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT

say "conformance: building sfprov"
(cd "$ROOT" && go build -o "$TMP/sfprov" ./cmd/sfprov) || die "go build ./cmd/sfprov failed"

# The connected app: client id and secret, and a certificate for the JWT
# bearer grant whose private key the JWT scenario signs with.
CLIENT_ID="3MVG9conformance.$RANDOM$RANDOM"
CLIENT_SECRET="conformance-secret-$RANDOM$RANDOM"
TOKEN="00D000000000000!AQconformance$RANDOM$RANDOM"
REFRESH_TOKEN="5Aep861conformance$RANDOM$RANDOM"
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=sfprov conformance" \
		-keyout "$TMP/jwt.key" -out "$TMP/jwt.crt" >/dev/null 2>&1 || die "openssl could not make the JWT certificate"
else
	say "conformance: no openssl; using a bare public key for --jwt-cert"
	node -e '
		const {generateKeyPairSync} = require("crypto"); const fs = require("fs");
		const k = generateKeyPairSync("rsa", {modulusLength: 2048});
		fs.writeFileSync(process.argv[1], k.privateKey.export({type: "pkcs8", format: "pem"}));
		fs.writeFileSync(process.argv[2], k.publicKey.export({type: "spki", format: "pem"}));
	' "$TMP/jwt.key" "$TMP/jwt.crt"
fi

HELP=$("$TMP/sfprov" emulator serve --help 2>&1) || die "sfprov emulator serve --help failed: $HELP"
has_flag() { grep -q -- "--$1\b" <<<"$HELP"; }

# start NAME ARGS...: start an emulator and set URL_<NAME> from its listening line.
start() {
	local name=$1 out line url pid i
	shift
	out="$TMP/serve-$name"
	"$TMP/sfprov" emulator serve --addr 127.0.0.1:0 "$@" >"$out.out" 2>"$out.err" &
	pid=$!
	SERVER_PIDS+=("$pid")
	SERVER_NAMES+=("$name")
	for i in $(seq 1 300); do
		line=$(grep -m1 '^Emulator org listening at ' "$out.out" 2>/dev/null || true)
		if [ -n "$line" ]; then
			url=${line#Emulator org listening at }
			printf -v "URL_$name" '%s' "$url"
			say "conformance: $name emulator at $url"
			return
		fi
		kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; die "the $name emulator exited"; }
		sleep 0.1
	done
	cat "$out.err" >&2
	die "the $name emulator did not print its listening line within 30 s"
}

COMMON=(--access-token "$TOKEN" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
	--jwt-cert "$TMP/jwt.crt" --seed "$SUITE/seed.yaml")
EXTRA=()
if has_flag refresh-token; then
	EXTRA+=(--refresh-token "$REFRESH_TOKEN")
else
	REFRESH_TOKEN=
fi
start main "${COMMON[@]}" "${EXTRA[@]}"
# A second org for the fault scenario, so that its faults touch nothing else.
start faults "${COMMON[@]}" --fault-seed 7 \
	--fault 'nth=2,status=503,path=/services/data/*/query' \
	--fault 'nth=1,status=500,code=UNABLE_TO_LOCK_ROW,path=/services/data/*/composite/sobjects' \
	--fault 'nth=1,expire-tokens,path=/services/data/*/limits'

export SFPROV_URL="$URL_main" SFPROV_TOKEN="$TOKEN" SFPROV_CLIENT_ID="$CLIENT_ID" \
	SFPROV_CLIENT_SECRET="$CLIENT_SECRET" SFPROV_JWT_KEY="$TMP/jwt.key" \
	SFPROV_REFRESH_TOKEN="$REFRESH_TOKEN" SFPROV_FAULT_URL="$URL_faults" \
	SFPROV_SF_BIN="$SF_BIN" SFPROV_SF_HOME="$TMP/sf-home" SFPROV_BIN="$TMP/sfprov" \
	NODE_PATH="$CACHE/jsforce/node_modules"
mkdir -p "$SFPROV_SF_HOME"

pass=0 fail=0 skip=0
failed=()
for f in "$SUITE"/jsforce/*.js "$SUITE"/sf/*.sh; do
	rel=${f#"$SUITE/"}
	if [ -n "$ONLY" ] && ! grep -Eq -- "$ONLY" <<<"$rel"; then
		continue
	fi
	started=$SECONDS
	log="$TMP/$(tr / _ <<<"$rel").log"
	set +e
	case $f in
	*.js) timeout 180 node "$f" >"$log" 2>&1 ;;
	*.sh) timeout 180 bash "$f" >"$log" 2>&1 ;;
	esac
	rc=$?
	set -e
	took=$((SECONDS - started))
	case $rc in
	0)
		printf 'PASS %s (%ds)\n' "$rel" "$took"
		pass=$((pass + 1))
		;;
	3)
		printf 'SKIP %s (%ds): %s\n' "$rel" "$took" "$(grep -m1 '^SKIP' "$log" || true)"
		skip=$((skip + 1))
		;;
	*)
		printf 'FAIL %s (%ds, exit %d)\n' "$rel" "$took" "$rc"
		# sed alone, not sed | head: under pipefail a SIGPIPE would end the run.
		sed -n 's/^/    /;1,60p' "$log"
		fail=$((fail + 1))
		failed+=("$rel")
		;;
	esac
	# A dead emulator fails every later scenario; say so once, with its stderr.
	for i in "${!SERVER_PIDS[@]}"; do
		if [ -z "${DEAD[$i]:-}" ] && ! kill -0 "${SERVER_PIDS[$i]}" 2>/dev/null; then
			DEAD[$i]=1
			printf 'conformance: the %s emulator (pid %s) stopped during %s; its stderr:\n' "${SERVER_NAMES[$i]}" "${SERVER_PIDS[$i]}" "$rel"
			tail -n 20 "$TMP/serve-${SERVER_NAMES[$i]}.err" | sed 's/^/    /'
		fi
	done
	if [ -n "${DEAD[0]:-}" ]; then
		say "conformance: stopping: every scenario after this one needs the main emulator"
		fail=$((fail + 1))
		break
	fi
done

printf 'conformance: %d passed, %d failed, %d skipped\n' "$pass" "$fail" "$skip"
[ "$fail" -eq 0 ]
