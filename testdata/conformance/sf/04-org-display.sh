#!/usr/bin/env bash
# sf org display (real-clients.md §3.4): the connection check against
# /services/data/vXX.X, the API version from the version list.
. "$(dirname "$0")/../lib/sf.sh"
sfjson display org display -o emu
check '
assert.equal(RC.display, 0);
const r = J.display.result;
assert.equal(r.connectedStatus, "Connected");
assert.equal(r.username, env.admin);
assert.equal(r.alias, "emu");
assert.match(r.id, /^00D[0-9A-Za-z]{15}$/);
assert.equal(r.instanceUrl.replace(/\/$/, ""), env.url);
assert.equal(r.apiVersion, "66.0", "the highest version GET /services/data lists");
'
