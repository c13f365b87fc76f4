# Sourced by sf/37-project-deploy-rest.sh (". project-deploy.sh rest") and
# sf/38-project-deploy-soap.sh (". project-deploy.sh soap"): `sf project
# deploy start` of an SFDX project, over the Metadata REST resource
# (org-metadata-rest-deploy, SF_ORG_METADATA_REST_DEPLOY=true) or over SOAP
# deploy()/checkDeployStatus() (sf's default). The project holds a
# RemoteSiteSetting, a PermissionSet and the Admin profile's visibility of a
# record type made for the run; --dry-run (checkOnly) commits nothing; the
# deploy's counts, states and files are asserted, and what it made is read
# back with `sf data query` (data and Tooling); a second project fails with
# Salesforce's componentFailures wording and rolls back.
TRANSPORT=${1:?rest or soap}
case $TRANSPORT in
rest) REST=true ;;
soap) REST=false ;;
*) echo "project-deploy.sh: unknown transport $TRANSPORT" >&2; exit 2 ;;
esac
T="${TRANSPORT}_$(date +%s)_$RANDOM"
RT="Conf_RT_$T"
PS="Conf_Deploy_$T"
SITE="Conf_Site_$T"
BADPS="Conf_Rolled_Back_$T"
# The projects live beside $WORK, not in it: check.js reads every file there.
PROJ="$WORK-projects"
mkdir -p "$PROJ"
trap 'rm -rf "$WORK" "$PROJ"' EXIT

# deploy NAME ARGS...: `sf project deploy start ARGS... --json` from the
# current directory over the chosen transport, with sf's debug log on so that
# the transport it used can be read back: J.NAME_api is the log's last
# "Deploying metadata source in vX shape using SOAP|REST vY" entry
# (source-deploy-retrieve MetadataApiDeploy.pre), a JSON line.
deploy() {
  local n=$1
  shift
  SF_ORG_METADATA_REST_DEPLOY=$REST SF_LOG_LEVEL=debug sfjson "$n" project deploy start --target-org emu "$@"
  grep -h "Deploying metadata source" "$HOME"/.sf/sf-*.log 2>/dev/null | tail -n 1 >"$WORK/${n}_api.json" || true
}

# project DIR: an SFDX project (sfdx-project.json, force-app/main/default).
project() {
  mkdir -p "$1/force-app/main/default"
  cat >"$1/sfdx-project.json" <<'EOF'
{
  "packageDirectories": [{ "path": "force-app", "default": true }],
  "name": "sfprov-conformance-deploy",
  "namespace": "",
  "sourceApiVersion": "62.0"
}
EOF
}

# The record type the profile makes visible must exist on the object.
sfjson rt data create record -s RecordType -v "Name=$RT DeveloperName=$RT SobjectType=Account IsActive=true" -o emu

GOOD="$PROJ/good"
project "$GOOD"
D="$GOOD/force-app/main/default"
mkdir -p "$D/remoteSiteSettings" "$D/permissionsets" "$D/profiles"
cat >"$D/remoteSiteSettings/$SITE.remoteSite-meta.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <description>sfprov conformance $TRANSPORT</description>
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://$TRANSPORT.conformance.example.com</url>
</RemoteSiteSetting>
EOF
cat >"$D/permissionsets/$PS.permissionset-meta.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <description>Deployed by sf project deploy start over $TRANSPORT</description>
    <hasActivationRequired>false</hasActivationRequired>
    <label>Conformance Deploy $TRANSPORT</label>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</PermissionSet>
EOF
cat >"$D/profiles/Admin.profile-meta.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <recordTypeVisibilities>
        <default>false</default>
        <recordType>Account.$RT</recordType>
        <visible>true</visible>
    </recordTypeVisibilities>
</Profile>
EOF

BAD="$PROJ/bad"
project "$BAD"
D="$BAD/force-app/main/default"
mkdir -p "$D/connectedApps" "$D/permissionsets" "$D/profiles"
cat >"$D/connectedApps/Conf_App_$T.connectedApp-meta.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>admin@example.com</contactEmail>
    <label>Conformance App $TRANSPORT</label>
</ConnectedApp>
EOF
cat >"$D/permissionsets/$BADPS.permissionset-meta.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Conformance Rolled Back $TRANSPORT</label>
</PermissionSet>
EOF
cat >"$D/profiles/Admin.profile-meta.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <recordTypeVisibilities>
        <default>false</default>
        <recordType>Account.No_Such_RT_$T</recordType>
        <visible>true</visible>
    </recordTypeVisibilities>
</Profile>
EOF

cd "$GOOD"
deploy dry --dry-run
sfjson dryps data query -q "SELECT Id FROM PermissionSet WHERE Name = '$PS'" -o emu
deploy real
cd "$BAD"
deploy bad
# Read back after both: the failed deploy's permission set must be absent.
sfjson ps data query -q "SELECT Name, Label, Description, PermissionsApiEnabled, IsOwnedByProfile FROM PermissionSet WHERE Name IN ('$PS', '$BADPS')" -o emu
sfjson site data query --use-tooling-api -q "SELECT SiteName, EndpointUrl, IsActive, DisableProtocolSecurity, Description FROM RemoteProxy WHERE SiteName = '$SITE'" -o emu
sfjson prof data query --use-tooling-api -q "SELECT FullName, Metadata FROM Profile WHERE Name = 'System Administrator'" -o emu

TRANSPORT=$TRANSPORT T="$T" RT="$RT" PS="$PS" SITE="$SITE" BADPS="$BADPS" GOOD="$GOOD" BAD="$BAD" check '
const { TRANSPORT, T, RT, PS, SITE, BADPS, GOOD, BAD } = process.env;
const api = (n) => J[n + "_api"].msg || "";
const want = TRANSPORT === "rest" ? "REST" : "SOAP";
// Absent and null are the same to the assertions below: over SOAP a value
// the org leaves out is absent, over REST it is null (both as Salesforce).
const v = (x) => (x === undefined ? null : x);
const msg = (m) => [v(m.componentType), m.fullName, m.fileName, m.success, m.created, m.changed, m.deleted, v(m.problem), v(m.problemType), v(m.lineNumber), v(m.columnNumber)];
const byName = (a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0);

assert.equal(RC.rt, 0);
assert.match(J.rt.result.id, /^012[0-9A-Za-z]{15}$/);

// --dry-run: a checkOnly deploy, validated and not committed.
assert.equal(RC.dry, 0, "dry-run exit code");
assert.match(api("dry"), new RegExp("Deploying metadata source in v62\\.0 shape using " + want + " v66\\.0"), "the transport sf used");
let r = J.dry.result;
assert.match(r.id, /^0Af[0-9A-Za-z]{15}$/);
assert.equal(r.status, "Succeeded");
assert.equal(r.success, true);
assert.equal(r.done, true);
assert.equal(r.checkOnly, true);
assert.equal(r.rollbackOnError, true);
assert.equal(r.numberComponentsTotal, 3);
assert.equal(r.numberComponentsDeployed, 3);
assert.equal(r.numberComponentErrors, 0);
assert.equal(r.numberTestsTotal, 0);
assert.deepEqual(v(r.details.componentFailures) || [], []);
assert.deepEqual(r.files.map((f) => [f.type, f.fullName, f.state]).sort(), [
  ["PermissionSet", PS, "Created"], ["Profile", "Admin", "Changed"], ["RemoteSiteSetting", SITE, "Created"]]);
assert.equal(RC.dryps, 0);
assert.equal(J.dryps.result.totalSize, 0, "checkOnly: no permission set");

// The deploy.
assert.equal(RC.real, 0, "deploy exit code");
assert.match(api("real"), new RegExp("using " + want + " v66\\.0"));
r = J.real.result;
assert.match(r.id, /^0Af[0-9A-Za-z]{15}$/);
assert.notEqual(r.id, J.dry.result.id);
assert.equal(r.status, "Succeeded");
assert.equal(r.success, true);
assert.equal(r.checkOnly, false);
assert.equal(r.numberComponentsTotal, 3);
assert.equal(r.numberComponentsDeployed, 3);
assert.equal(r.numberComponentErrors, 0);
assert.match(r.createdBy, /^005[0-9A-Za-z]{12}$/, "DeployResult.createdBy is a 15-character Id");
assert.equal(r.createdByName, "Admin User");
assert.ok(Date.parse(r.completedDate) >= Date.parse(r.createdDate));
const ok = [...r.details.componentSuccesses].sort(byName);
assert.deepEqual(ok.map(msg), [
  ["PermissionSet", PS, "permissionsets/" + PS + ".permissionset", true, true, true, false, null, null, null, null],
  ["RemoteSiteSetting", SITE, "remoteSiteSettings/" + SITE + ".remoteSite", true, true, true, false, null, null, null, null],
  ["Profile", "Admin", "profiles/Admin.profile", true, false, true, false, null, null, null, null],
  ["", "package.xml", "package.xml", true, false, true, false, null, null, null, null],
].sort((a, b) => byName({ fullName: a[1] }, { fullName: b[1] })));
assert.match(ok.find((m) => m.fullName === PS).id, /^0PS[0-9A-Za-z]{15}$/);
assert.match(ok.find((m) => m.fullName === SITE).id, /^0rp[0-9A-Za-z]{15}$/);
assert.match(ok.find((m) => m.fullName === "Admin").id, /^00e[0-9A-Za-z]{15}$/);
assert.deepEqual(r.files.map((f) => [f.type, f.fullName, f.state, f.filePath]).sort(), [
  ["PermissionSet", PS, "Created", GOOD + "/force-app/main/default/permissionsets/" + PS + ".permissionset-meta.xml"],
  ["Profile", "Admin", "Changed", GOOD + "/force-app/main/default/profiles/Admin.profile-meta.xml"],
  ["RemoteSiteSetting", SITE, "Created", GOOD + "/force-app/main/default/remoteSiteSettings/" + SITE + ".remoteSite-meta.xml"]]);

// Read back: the permission set (data API), the remote site (Tooling
// RemoteProxy), the profile visibility (Tooling Profile Metadata).
assert.equal(RC.ps, 0);
assert.deepEqual(J.ps.result.records.map((x) => [x.Name, x.Label, x.Description, x.PermissionsApiEnabled, x.IsOwnedByProfile]),
  [[PS, "Conformance Deploy " + TRANSPORT, "Deployed by sf project deploy start over " + TRANSPORT, true, false]],
  "the deployed permission set, and not the failed deploy\u0027s (rollbackOnError)");
assert.equal(RC.site, 0);
assert.deepEqual(J.site.result.records.map((x) => [x.SiteName, x.EndpointUrl, x.IsActive, x.DisableProtocolSecurity, x.Description]),
  [[SITE, "https://" + TRANSPORT + ".conformance.example.com", true, false, "sfprov conformance " + TRANSPORT]]);
assert.equal(RC.prof, 0);
assert.equal(J.prof.result.records.length, 1);
assert.equal(J.prof.result.records[0].FullName, "Admin");
assert.deepEqual(J.prof.result.records[0].Metadata.recordTypeVisibilities.filter((x) => x.recordType === "Account." + RT),
  [{ default: false, personAccountDefault: null, recordType: "Account." + RT, visible: true }]);

// The failing deploy: a record type the object does not have, a connected
// app (creation refused); rollbackOnError keeps the new permission set out.
assert.equal(RC.bad, 1, "a failed deploy exits 1");
assert.equal(J.bad.status, 1);
assert.match(api("bad"), new RegExp("using " + want + " v66\\.0"));
r = J.bad.result;
assert.equal(r.status, "Failed");
assert.equal(r.success, false);
assert.equal(r.done, true);
assert.equal(r.numberComponentsTotal, 3);
assert.equal(r.numberComponentErrors, 2);
assert.equal(r.numberComponentsDeployed, 1);
const failures = [].concat(r.details.componentFailures).sort(byName);
assert.deepEqual(failures.map(msg), [
  ["Profile", "Admin", "profiles/Admin.profile", false, false, false, false,
    "In field: recordType - no RecordType named Account.No_Such_RT_" + T + " found", "Error", 3, 29],
  ["ConnectedApp", "Conf_App_" + T, "connectedApps/Conf_App_" + T + ".connectedApp", false, false, false, false,
    "You can\u0027t create a connected app. To enable connected app creation, contact Salesforce Customer Support.", "Error", null, null],
]);
const failed = r.files.filter((f) => f.state === "Failed").map((f) => [f.type, f.fullName, f.error, v(f.lineNumber), v(f.columnNumber)]).sort();
assert.deepEqual(failed, [
  ["ConnectedApp", "Conf_App_" + T, "You can\u0027t create a connected app. To enable connected app creation, contact Salesforce Customer Support.", null, null],
  ["Profile", "Admin", "In field: recordType - no RecordType named Account.No_Such_RT_" + T + " found (3:29)", 3, 29],
]);
'
