#!/usr/bin/env bash
# sf sobject list / describe, sf org list limits, and record commands that find
# their record with --where (a query first, then the record call).
. "$(dirname "$0")/../lib/sf.sh"
NAME="Conformance where $(date +%s)$RANDOM"
sfjson list sobject list -s all -o emu
sfjson custom sobject list -s custom -o emu
sfjson describe sobject describe -s Account -o emu
sfjson limits org list limits -o emu
sfjson user data get record -s User -w "Username=$ADMIN" -o emu
sfjson create data create record -s Account -v "Name='$NAME'" -o emu
sfjson update data update record -s Account -w "Name='$NAME'" -v "Phone=555-0100" -o emu
sfjson back data query -q "SELECT Id, Phone FROM Account WHERE Name = '$NAME'" -o emu
sfjson del data delete record -s Account -w "Name='$NAME'" -o emu
sfjson nomatch data delete record -s Account -w "Name='$NAME'" -o emu
check '
assert.equal(RC.list, 0);
for (const n of ["Account", "Contact", "User", "PermissionSet", "Acme_Mapping__c"]) assert.ok(J.list.result.includes(n), n);
assert.deepEqual(J.custom.result, ["Acme_Mapping__c"]);
assert.equal(RC.describe, 0);
assert.equal(J.describe.result.name, "Account");
const name = J.describe.result.fields.find((f) => f.name === "Name");
assert.equal(name.type, "string");
assert.equal(name.nillable, false);
assert.equal(RC.limits, 0);
const api = J.limits.result.find((l) => l.name === "DailyApiRequests");
assert.ok(api && api.max > 0 && api.remaining < api.max, JSON.stringify(api));
assert.equal(RC.user, 0);
assert.equal(J.user.result.Username, env.admin);
assert.match(J.user.result.Id, /^005[0-9A-Za-z]{15}$/);
assert.equal(RC.create, 0);
assert.equal(RC.update, 0);
assert.equal(J.update.result.id, J.create.result.id);
assert.equal(J.back.result.records[0].Phone, "555-0100");
assert.equal(RC.del, 0);
assert.equal(J.del.result.id, J.create.result.id);
assert.equal(RC.nomatch, 1);
assert.equal(J.nomatch.name, "DataRecordGetNoRecord");
'
