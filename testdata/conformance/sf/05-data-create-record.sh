#!/usr/bin/env bash
# sf data create / get / update / delete record (real-clients.md §3.4).
. "$(dirname "$0")/../lib/sf.sh"
NAME="Conformance sf Account $(date +%s)$RANDOM"
sfjson create data create record -s Account -v "Name='$NAME' Industry=Banking" -o emu
ID=$(jget create 'j.result && j.result.id') || { check 'assert.fail("create gave no id")'; exit 1; }
sfjson get data get record -s Account -i "$ID" -o emu
sfjson update data update record -s Account -i "$ID" -v "Name='$NAME renamed'" -o emu
sfjson get2 data get record -s Account -i "$ID" -o emu
sfjson del data delete record -s Account -i "$ID" -o emu
sfjson gone data get record -s Account -i "$ID" -o emu
sfjson bad data create record -s Contact -v "FirstName=NoLastName" -o emu
NAME="$NAME" ID="$ID" check '
const name = process.env.NAME, id = process.env.ID;
assert.equal(RC.create, 0);
assert.match(id, /^001[0-9A-Za-z]{15}$/);
assert.equal(J.create.result.success, true);
assert.equal(RC.get, 0);
assert.equal(J.get.result.Id, id);
assert.equal(J.get.result.Name, name);
assert.equal(J.get.result.Industry, "Banking");
assert.equal(RC.update, 0);
assert.equal(J.get2.result.Name, name + " renamed");
assert.equal(RC.del, 0);
assert.equal(RC.gone, 1);
assert.equal(J.gone.name, "NOT_FOUND");
assert.equal(RC.bad, 1);
assert.equal(J.bad.name, "REQUIRED_FIELD_MISSING");
'
