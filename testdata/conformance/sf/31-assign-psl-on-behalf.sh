#!/usr/bin/env bash
# sf org assign permsetlicense and org assign permset --on-behalf-of, for a
# user made here on the Salesforce Integration licence (salesforce-api-facts.md
# §1: the PSL before permission sets); seats read back; the user deactivated.
. "$(dirname "$0")/../lib/sf.sh"
T="$(date +%s)$RANDOM"
U="conf.psl.$T@example.com"
PS="Conformance_OBO_$T"
sfjson prof data get record -s Profile -w "Name='Minimum Access - API Only Integrations'" -o emu
PROFILE=$(jget prof 'j.result && j.result.Id') || { check 'assert.fail("no integration profile")'; exit 1; }
sfjson lic0 data query -q "SELECT MasterLabel, TotalLicenses, UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'" -o emu
sfjson seat0 data query -q "SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'" -o emu
sfjson user data create record -s User -v "Username=$U LastName='Conformance PSL' Email=$U Alias=cpsl TimeZoneSidKey=America/Los_Angeles LocaleSidKey=en_US EmailEncodingKey=UTF-8 LanguageLocaleKey=en_US ProfileId=$PROFILE" -o emu
sfjson seat1 data query -q "SELECT UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'" -o emu
sfjson psl org assign permsetlicense --name SalesforceAPIIntegrationPsl --on-behalf-of "$U" -o emu
sfjson pslagain org assign permsetlicense --name SalesforceAPIIntegrationPsl --on-behalf-of "$U" -o emu
sfjson pslmissing org assign permsetlicense --name No_Such_Psl --on-behalf-of "$U" -o emu
sfjson lic1 data query -q "SELECT UsedLicenses FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'" -o emu
sfjson ps data create record -s PermissionSet -v "Name=$PS Label='Conformance OBO $T' PermissionsApiEnabled=true" -o emu
sfjson obo org assign permset --name "$PS" --on-behalf-of "$U" -o emu
sfjson obomissing org assign permset --name "$PS" --on-behalf-of "nobody.$T@example.com" -o emu
sfjson ps2 data create record -s PermissionSet -v "Name=${PS}_2 Label='Conformance OBO 2 $T'" -o emu
sfjson multi org assign permset --name "${PS}_2" --name "No_Such_Set_$T" --on-behalf-of "$U" -o emu
sfjson back data query -q "SELECT Username, (SELECT PermissionSet.Name FROM PermissionSetAssignments WHERE PermissionSet.IsOwnedByProfile = false), (SELECT PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssignments) FROM User WHERE Username = '$U'" -o emu
USERID=$(jget user 'j.result && j.result.id') || { check 'assert.fail("user create gave no id")'; exit 1; }
sfjson off data update record -s User -i "$USERID" -v "IsActive=false" -o emu
sfjson seat2 data query -q "SELECT UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'" -o emu
U="$U" PS="$PS" T="$T" check '
const u = process.env.U, ps = process.env.PS, t = process.env.T;
assert.equal(RC.lic0, 0);
const lic = J.lic0.result.records[0];
assert.equal(lic.MasterLabel, "Salesforce API Integration");
assert.equal(RC.user, 0);
assert.match(J.user.result.id, /^005[0-9A-Za-z]{15}$/);
const used = J.seat0.result.records[0].UsedLicenses;
assert.equal(J.seat1.result.records[0].UsedLicenses, used + 1, "the new active user takes a seat");
assert.equal(RC.psl, 0);
assert.deepEqual(J.psl.result.successes, [{ name: u, value: "SalesforceAPIIntegrationPsl" }]);
assert.deepEqual(J.psl.result.failures, []);
// A second assignment is a DUPLICATE_VALUE, which sf reports as a warning, not a failure.
assert.equal(RC.pslagain, 0);
assert.deepEqual(J.pslagain.result.successes, [{ name: u, value: "SalesforceAPIIntegrationPsl" }]);
assert.deepEqual(J.pslagain.warnings, ["The user \"" + u + "\" already has the Permission Set License \"SalesforceAPIIntegrationPsl\""]);
assert.equal(RC.pslmissing, 1);
assert.deepEqual(J.pslmissing.result.failures, [{ name: u, message: "PermissionSetLicense not found: No_Such_Psl" }]);
assert.equal(J.lic1.result.records[0].UsedLicenses, lic.UsedLicenses + 1, "exactly one PSL seat more");
assert.equal(RC.ps, 0);
assert.equal(RC.obo, 0);
assert.deepEqual(J.obo.result.successes, [{ name: u, value: ps }]);
assert.equal(RC.obomissing, 1);
assert.equal(J.obomissing.name, "SingleRecordQuery_NoRecords");
// Two names, one unknown: one success, one failure, the partial-success exit code 68.
assert.equal(RC.ps2, 0);
assert.equal(RC.multi, 68);
assert.equal(J.multi.status, 68);
assert.deepEqual(J.multi.result.successes, [{ name: u, value: ps + "_2" }]);
assert.deepEqual(J.multi.result.failures, [{ name: u, message: "Permission set \"No_Such_Set_" + t + "\" not found in target org. Do you need to push source?" }]);
assert.equal(RC.back, 0);
const rec = J.back.result.records[0];
assert.equal(rec.Username, u);
assert.deepEqual(rec.PermissionSetAssignments.records.map((r) => r.PermissionSet.Name).sort(), [ps, ps + "_2"]);
assert.deepEqual(rec.PermissionSetLicenseAssignments.records.map((r) => r.PermissionSetLicense.DeveloperName), ["SalesforceAPIIntegrationPsl"]);
assert.equal(RC.off, 0);
assert.equal(J.seat2.result.records[0].UsedLicenses, used, "a deactivated user frees the seat");
'
