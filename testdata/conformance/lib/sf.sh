# Sourced by the sf scenarios. .ci/conformance.sh sets SFPROV_URL, SFPROV_TOKEN,
# SFPROV_SF_BIN (the sf executable) and SFPROV_SF_HOME (an isolated HOME that
# the sf scenarios share, so that the alias made by 01 is there for the rest).
set -euo pipefail
: "${SFPROV_URL:?run through .ci/conformance.sh}" "${SFPROV_SF_BIN:?}" "${SFPROV_SF_HOME:?}"
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# real-clients.md §1: an isolated HOME, no telemetry, no update checks; sf
# falls back to a file key, no keychain needed. SF_DISABLE_AUTOUPDATE is the
# variable oclif's plugin-update reads (dist/hooks/init.js); without it sf
# leaves a detached `sf update --autoupdate` behind.
export HOME="$SFPROV_SF_HOME" SF_DISABLE_TELEMETRY=true SFDX_DISABLE_TELEMETRY=true \
  SF_AUTOUPDATE_DISABLE=true SF_DISABLE_AUTOUPDATE=true SF_SKIP_NEW_VERSION_CHECK=true \
  SF_USE_GENERIC_UNIX_KEYCHAIN=true
# sf spawns `sf` itself for some hooks; without it on PATH each such command
# waits seconds for the failed spawn (seen here: 6 s instead of 1.5 s).
PATH="$(dirname "$SFPROV_SF_BIN"):$PATH"
ADMIN=${SFPROV_ADMIN:-admin@emulator.sfprov.local}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# On timeout(1)'s SIGTERM, exit normally so that the EXIT trap (which the
# https scenarios extend to stop their TLS front) still runs.
trap 'exit 143' TERM INT

# sfjson NAME ARGS...: run `sf ARGS... --json`, keep its output as $WORK/NAME.json
# and its exit code as $WORK/NAME.rc; never fails by itself (check asserts).
sfjson() {
  local n=$1
  shift
  set +e
  "$SFPROV_SF_BIN" "$@" --json >"$WORK/$n.json" 2>"$WORK/$n.err"
  echo $? >"$WORK/$n.rc"
  set -e
}

# check 'JS': assert on every stored output (see lib/check.js).
check() { node "$LIB/check.js" "$WORK" "$1"; }

# jget NAME 'EXPR': print EXPR evaluated on the stored output J (one value).
jget() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=(new Function("j","return "+process.argv[2]))(j); if (v===undefined||v===null) process.exit(1); console.log(v)' "$WORK/$1.json" "$2"; }
