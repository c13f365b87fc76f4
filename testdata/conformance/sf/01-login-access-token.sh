#!/usr/bin/env bash
# sf org login access-token over plain http (real-clients.md §3.1, §3.3):
# userinfo, the v51.0 User read, the dev-hub probe, the version list.
. "$(dirname "$0")/../lib/sf.sh"
export SF_ACCESS_TOKEN="$SFPROV_TOKEN"
sfjson login org login access-token --instance-url "$SFPROV_URL" --no-prompt --alias emu
unset SF_ACCESS_TOKEN
sfjson list org list
check '
assert.equal(RC.login, 0);
assert.equal(J.login.status, 0);
const r = J.login.result;
assert.equal(r.username, env.admin, "username from GET /services/data/v51.0/sobjects/User/{id}");
assert.match(r.orgId, /^00D[0-9A-Za-z]{15}$/);
assert.equal(r.instanceUrl.replace(/\/$/, ""), env.url);
assert.equal(RC.list, 0);
const all = [].concat(...Object.values(J.list.result).filter(Array.isArray));
const emu = all.find((o) => o.alias === "emu");
assert.ok(emu, "org list shows the alias");
assert.equal(emu.username, env.admin);
assert.equal(emu.isDevHub, false, "ScratchOrgInfo probe answered like a non-dev-hub org");
'
