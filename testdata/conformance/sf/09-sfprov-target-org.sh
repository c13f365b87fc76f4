#!/usr/bin/env bash
# sfprov's -o NAME through the real sf CLI (docs/sf-cli.md): an org that sf
# has authorised (here with org login access-token, alias emu9) is a target
# for sfprov by its alias and by its username, with no sfprov credentials in
# the environment; sfprov runs `sf` from PATH with the same HOME. An unknown
# name is a usage error (exit 64) that lists the orgs sf knows.
. "$(dirname "$0")/../lib/sf.sh"
: "${SFPROV_BIN:?the sfprov binary, exported by .ci/conformance.sh}" "${SFPROV_TOKEN:?}"
# Its own login, so that the scenario also runs alone (SFPROV_CONFORMANCE_ONLY).
export SF_ACCESS_TOKEN="$SFPROV_TOKEN"
sfjson login org login access-token --instance-url "$SFPROV_URL" --no-prompt --alias emu9
unset SF_ACCESS_TOKEN
# Leave the shared HOME's aliases as they were: with two aliases for one
# username, sf's org display and org list show only the last one.
trap '"$SFPROV_SF_BIN" alias unset emu9 --json >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
USERNAME=$(jget login 'j.result && j.result.username') || USERNAME=unknown

cat >"$WORK/spec.yaml" <<'EOF'
version: 1
permissionSets:
  - name: Conformance_Target_Org
    label: Conformance Target Org
    description: Planned, never applied, by sf/09
EOF

# sfprov with no variable of its own: no SF_ACCESS_TOKEN, no SFPROV_* (the
# suite exports SFPROV_CLIENT_ID and SFPROV_CLIENT_SECRET, which sfprov reads),
# no SFPROV_TARGET_ORG and no SFPROV_HOME (so no saved sfprov logins either:
# ~/.config/sfprov under this HOME is empty). HOME and PATH (sf's directory
# first) are lib/sf.sh's, so the sf that sfprov starts sees emu9.
BIN=$SFPROV_BIN
CLEAN=(env -u SF_ACCESS_TOKEN -u SFDX_ACCESS_TOKEN)
while read -r v; do
	case $v in SFPROV_*) CLEAN+=(-u "$v") ;; esac
done < <(compgen -e)

# sfprovrun NAME ARGS...: run sfprov in that environment; keep stdout, stderr
# and the exit code as $WORK/NAME.json ({stdout, stderr}) and $WORK/NAME.rc.
sfprovrun() {
	local n=$1 rc
	shift
	set +e
	(cd "$WORK" && "${CLEAN[@]}" "$BIN" "$@" </dev/null >"$WORK/$n.out" 2>"$WORK/$n.errout")
	rc=$?
	set -e
	echo "$rc" >"$WORK/$n.rc"
	node -e '
		const fs = require("fs"), [out, err, dest] = process.argv.slice(1);
		fs.writeFileSync(dest, JSON.stringify({stdout: fs.readFileSync(out, "utf8"), stderr: fs.readFileSync(err, "utf8")}));
	' "$WORK/$n.out" "$WORK/$n.errout" "$WORK/$n.json"
}

sfprovrun byalias plan spec.yaml -o emu9
sfprovrun byuser plan spec.yaml -o "$USERNAME"
sfprovrun unknown plan spec.yaml -o emu99

USERNAME="$USERNAME" check '
const user = process.env.USERNAME;
assert.equal(RC.login, 0);
assert.equal(user, env.admin, "org login access-token names the token user");
// The instance URL as sf stores it ends in "/"; sfprov names it without.
const target = (name) => {
  const lines = J[name].stdout.split("\n").filter((l) => l.startsWith("Target org: "));
  assert.equal(lines.length, 1, name + ": one Target org line on stdout");
  return lines[0];
};
for (const name of ["byalias", "byuser"]) {
  assert.equal(RC[name], 0, name + ": sfprov plan exits 0; stderr: " + J[name].stderr);
  const line = target(name);
  assert.ok(line.includes(env.url) && !line.includes(env.url + "/"), name + ": names the instance URL " + env.url + ": " + line);
  assert.ok(line.includes(user), name + ": names the user " + user + ": " + line);
  assert.match(J[name].stdout, /Conformance_Target_Org/, name + ": the plan creates the permission set");
}
// Unknown: a usage error that names the orgs sf knows, one name each (sf org
// list auth joins one username'"'"'s aliases with commas).
assert.equal(RC.unknown, 64, "-o emu99 is a bad command line; stderr: " + J.unknown.stderr);
assert.match(J.unknown.stderr, /emu99/, "the error names what was asked for");
assert.match(J.unknown.stderr, /(^|[^\w.@-])emu9([^\w.@-]|$)/m, "the error names emu9 as a known org");
assert.doesNotMatch(J.unknown.stderr, /[\w.@-],emu9|emu9,[\w.@-]/, "aliases are split, not sf'"'"'s comma-joined list");
assert.doesNotMatch(J.unknown.stdout, /^Target org: /m, "no plan for an unknown org");
'
