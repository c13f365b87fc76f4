#!/usr/bin/env bash
# Record commands as sf's own tests run them against real orgs
# (salesforcecli/plugin-data test/commands/data/record/dataRecord.nut.ts:
# lowercase field names, --where with two conditions, update and delete by
# --where, a Tooling record updated with a Metadata JSON value), setup objects
# through data create record (a permission dependency, a duplicate name, a User
# that cannot be deleted), sf org display user, org list users, sobject
# describe --sobject User.
. "$(dirname "$0")/../lib/sf.sh"
T="$(date +%s)$RANDOM"
NAME="MyIntTest$T"

sfjson create data create record --sobject Account --values "name=$NAME phone=1231231234" -o emu
sfjson bywhere data get record --sobject Account --where "Name='$NAME' Phone='1231231234'" -o emu
sfjson upd data update record --where "Name='$NAME'" --sobject Account --values "name='${NAME}Updated' phone=0987654321" -o emu
sfjson after data get record --sobject Account --record-id "$(jget create 'j.result.id' || echo none)" -o emu
sfjson del data delete record --sobject Account --where "name='${NAME}Updated' phone='0987654321'" -o emu

# A Tooling record: create one with jsforce-free sf commands, then the
# Metadata JSON update of the nut test, read back with -t.
sfjson rp data create record --sobject RemoteProxy --use-tooling-api --values "FullName=Conf_RP_$T Metadata='{\"url\": \"https://old.example.com\", \"isActive\": true, \"disableProtocolSecurity\": false}'" -o emu
RP=$(jget rp 'j.result && j.result.id' || echo none)
sfjson rpupd data update record --sobject RemoteProxy --record-id "$RP" --use-tooling-api --values "Metadata='{\"disableProtocolSecurity\": false,\"isActive\": true,\"url\": \"https://www.example.com\",\"urls\": null,\"description\": null}'" -o emu
sfjson rpget data get record --sobject RemoteProxy --record-id "$RP" --use-tooling-api -o emu
sfjson rpnontool data get record --sobject RemoteProxy --record-id "$RP" -o emu

# Setup objects.
sfjson ps data create record -s PermissionSet -v "Name=Conf_Rec_$T Label='Conf Rec $T' PermissionsApiEnabled=true" -o emu
sfjson psdup data create record -s PermissionSet -v "Name=Conf_Rec_$T Label='Conf Rec dup'" -o emu
sfjson psdep data create record -s PermissionSet -v "Name=Conf_CA_$T Label='Conf CA $T' PermissionsCustomizeApplication=true" -o emu
sfjson userdel data delete record -s User -w "Username=$ADMIN" -o emu

sfjson du org display user -o emu
sfjson lu org list users -o emu
sfjson desc sobject describe --sobject User -o emu

NAME="$NAME" T="$T" check '
const name = process.env.NAME, t = process.env.T;
assert.equal(RC.create, 0);
const id = J.create.result.id;
assert.match(id, /^001[0-9A-Za-z]{15}$/);
assert.equal(RC.bywhere, 0);
assert.deepEqual([J.bywhere.result.Id, J.bywhere.result.Name, J.bywhere.result.Phone], [id, name, "1231231234"]);
assert.equal(RC.upd, 0);
assert.equal(J.upd.result.id, id);
assert.deepEqual([J.after.result.Name, J.after.result.Phone], [name + "Updated", "0987654321"]);
assert.equal(RC.del, 0);
assert.equal(J.del.result.id, id);
assert.equal(J.del.result.success, true);

assert.equal(RC.rp, 0);
assert.match(J.rp.result.id, /^0rp[0-9A-Za-z]{15}$/);
assert.equal(RC.rpupd, 0);
assert.equal(RC.rpget, 0);
const rp = J.rpget.result;
assert.equal(rp.FullName, "Conf_RP_" + t);
assert.equal(rp.EndpointUrl, "https://www.example.com");
assert.deepEqual(Object.keys(rp.Metadata).sort(), ["description", "disableProtocolSecurity", "isActive", "url", "urls"]);
assert.equal(rp.Metadata.url, "https://www.example.com");
assert.equal(RC.rpnontool, 1, "RemoteProxy is a Tooling object");
assert.equal(J.rpnontool.name, "NOT_FOUND");

assert.equal(RC.ps, 0);
assert.match(J.ps.result.id, /^0PS[0-9A-Za-z]{15}$/);
assert.equal(RC.psdup, 1);
assert.equal(J.psdup.name, "DUPLICATE_VALUE");
assert.match(J.psdup.message, /^duplicate value found: /);
assert.equal(RC.psdep, 1);
assert.equal(J.psdep.name, "FIELD_INTEGRITY_EXCEPTION");
// Customize Application needs View Setup and Configuration (the org
// PermissionDependency; integration-metadata-facts.md). Recorded errors name
// permissions by API name or by label; both are accepted.
assert.match(J.psdep.message, /^Permission (CustomizeApplication|Customize Application) depends on permission\(s\): .*(ViewSetup|View Setup and Configuration)/);
// Users cannot be deleted (salesforce-api-facts.md §1).
assert.equal(RC.userdel, 1);
assert.equal(J.userdel.name, "METHOD_NOT_ALLOWED");

assert.equal(RC.du, 0);
assert.equal(J.du.result.username, env.admin);
assert.equal(J.du.result.profileName, "System Administrator");
assert.match(J.du.result.id, /^005[0-9A-Za-z]{15}$/);
assert.match(J.du.result.orgId, /^00D[0-9A-Za-z]{15}$/);
assert.equal(RC.lu, 0);
const me = J.lu.result.find((u) => u.username === env.admin);
assert.ok(me, "the logged-in user is listed");
assert.equal(me.profileName, "System Administrator");
assert.equal(me.userId, J.du.result.id);

assert.equal(RC.desc, 0);
assert.equal(J.desc.result.name, "User");
assert.equal(J.desc.result.keyPrefix, "005");
assert.equal(J.desc.result.deletable, false);
const f = Object.fromEntries(J.desc.result.fields.map((x) => [x.name, x]));
assert.equal(f.Username.nillable, false);
assert.equal(f.Username.idLookup, true);
assert.deepEqual(f.ProfileId.referenceTo, ["Profile"]);
assert.equal(f.ProfileId.relationshipName, "Profile");
assert.ok(J.desc.result.childRelationships.some((r) => r.relationshipName === "PermissionSetAssignments" && r.childSObject === "PermissionSetAssignment"));
'
