#!/usr/bin/env bash
# sf org assign permset (real-clients.md §3.4): success, the same again
# (DUPLICATE_VALUE → status 1), a namespaced set, an unknown set; the
# assignments read back through a relationship query.
. "$(dirname "$0")/../lib/sf.sh"
PS="Conformance_PS_$(date +%s)_$RANDOM"
sfjson ps data create record -s PermissionSet -v "Name=$PS Label='Conformance $PS'" -o emu
sfjson first org assign permset --name "$PS" -o emu
sfjson again org assign permset --name "$PS" -o emu
sfjson ns org assign permset --name coconut__Coconut_Integration_Config -o emu
sfjson missing org assign permset --name No_Such_Permission_Set -o emu
sfjson psa data query -q "SELECT Assignee.Username, PermissionSet.Name, PermissionSet.NamespacePrefix FROM PermissionSetAssignment WHERE Assignee.Username = '$ADMIN' AND PermissionSet.IsOwnedByProfile = false ORDER BY PermissionSet.Name" -o emu
PS="$PS" check '
const ps = process.env.PS;
assert.equal(RC.ps, 0);
assert.match(J.ps.result.id, /^0PS[0-9A-Za-z]{15}$/);
assert.equal(RC.first, 0);
assert.equal(J.first.status, 0);
assert.deepEqual(J.first.result.successes, [{ name: env.admin, value: ps }]);
assert.deepEqual(J.first.result.failures, []);
assert.equal(RC.again, 1);
assert.equal(J.again.status, 1);
assert.deepEqual(J.again.result.successes, []);
assert.equal(J.again.result.failures.length, 1);
assert.equal(J.again.result.failures[0].name, env.admin);
// DUPLICATE_VALUE "Duplicate PermissionSetAssignment. Assignee: <user>; Permission Set: <set>"
// (internal/emulator/rules_assign.go errDuplicateAssignment), the text scripts match on.
assert.match(J.again.result.failures[0].message, /^Duplicate PermissionSetAssignment\. Assignee: 005[0-9A-Za-z]{12}; Permission Set: 0PS[0-9A-Za-z]{12}$/);
assert.equal(J.again.result.failures[0].message.split("Permission Set: ")[1], J.ps.result.id.slice(0, 15));
assert.equal(RC.ns, 0);
assert.deepEqual(J.ns.result.successes, [{ name: env.admin, value: "coconut__Coconut_Integration_Config" }]);
assert.equal(RC.missing, 1);
assert.equal(J.missing.result.failures[0].message, "Permission set \"No_Such_Permission_Set\" not found in target org. Do you need to push source?");
assert.equal(RC.psa, 0);
const rows = J.psa.result.records.map((r) => [r.Assignee.Username, r.PermissionSet.Name, r.PermissionSet.NamespacePrefix]);
assert.deepEqual(rows.filter((r) => r[1] === ps), [[env.admin, ps, null]], "exactly one assignment of the new set");
assert.deepEqual(rows.filter((r) => r[2] === "coconut"), [[env.admin, "Coconut_Integration_Config", "coconut"]]);
'
