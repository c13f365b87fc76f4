package emulator

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// expectErr checks a one-entry error array: status, errorCode, message and fields.
func expectErr(t *testing.T, r resp, status int, code, msg string, fields ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	arr, ok := r.json(t).([]any)
	if !ok || len(arr) != 1 {
		t.Fatalf("want a one-entry error array, got %s", r.body)
	}
	e := arr[0].(map[string]any)
	if e["errorCode"] != code || e["message"] != msg {
		t.Fatalf("got %v: %q\nwant %v: %q", e["errorCode"], e["message"], code, msg)
	}
	if fields != nil {
		got := []string{}
		for _, f := range e["fields"].([]any) {
			got = append(got, f.(string))
		}
		if !reflect.DeepEqual(got, fields) {
			t.Fatalf("fields %v, want %v", got, fields)
		}
	}
}

func idOf(t *testing.T, h http.Handler, q string) string {
	t.Helper()
	recs := query(t, h, q)
	if len(recs) != 1 {
		t.Fatalf("%s: %d records", q, len(recs))
	}
	return recs[0].(map[string]any)["Id"].(string)
}

func newUser(username, profileID string) map[string]any {
	return map[string]any{"Username": username, "LastName": "Tester", "Email": "t@example.com", "Alias": "tester",
		"TimeZoneSidKey": "America/New_York", "LocaleSidKey": "en_US", "EmailEncodingKey": "UTF-8",
		"LanguageLocaleKey": "en_US", "ProfileId": profileID}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

const notWritableTail = ". Please check the security settings of this field and verify that it is read/write for your profile or permission set."

func TestUserFieldRules(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	std := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	acct := idOf(t, o, "SELECT Id FROM Account WHERE Name = 'Acme Corporation'")
	base := newUser("new.user@example.com", std)
	tests := []struct {
		name   string
		body   map[string]any
		code   string
		msg    string
		fields []string
	}{
		{"required", map[string]any{"Username": "x@example.com", "LastName": "X", "ProfileId": std}, "REQUIRED_FIELD_MISSING",
			"Required fields are missing: [Email, Alias, TimeZoneSidKey, LocaleSidKey, EmailEncodingKey, LanguageLocaleKey]",
			[]string{"Email", "Alias", "TimeZoneSidKey", "LocaleSidKey", "EmailEncodingKey", "LanguageLocaleKey"}},
		{"null required", with(base, "Alias", nil), "REQUIRED_FIELD_MISSING", "Required fields are missing: [Alias]", []string{"Alias"}},
		{"unknown field", with(base, "Foo__c", "x"), "INVALID_FIELD", "No such column 'Foo__c' on sobject of type User", []string{}},
		{"read-only field", with(base, "UserType", "Standard"), "INVALID_FIELD_FOR_INSERT_UPDATE",
			"Unable to create/update fields: UserType" + notWritableTail, []string{"UserType"}},
		{"restricted picklist", with(base, "TimeZoneSidKey", "Mars/Olympus"), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
			"Time Zone: bad value for restricted picklist field: Mars/Olympus", []string{"TimeZoneSidKey"}},
		{"malformed id", with(base, "ProfileId", "abc"), "MALFORMED_ID", "Profile ID: id value of incorrect type: abc", []string{"ProfileId"}},
		{"id of another type", with(base, "ProfileId", acct), "FIELD_INTEGRITY_EXCEPTION", "Profile ID: id value of incorrect type: " + acct, []string{"ProfileId"}},
		{"no such profile", with(base, "ProfileId", "00eEm0000000zzz"), "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []string{"ProfileId"}},
		{"alias too long", with(base, "Alias", "waytoolongalias"), "STRING_TOO_LONG", "Alias: data value too large: waytoolongalias (max length=8)", []string{"Alias"}},
		{"duplicate username", with(base, "Username", "ADMIN@emulator.sfprov.local"), "DUPLICATE_USERNAME", msgDuplicateUsername, []string{"Username"}},
		{"username not an email", with(base, "Username", "just-a-name"), "FIELD_INTEGRITY_EXCEPTION",
			"Username must be in the form of an email address (for example, john@acme.com): Username", []string{"Username"}},
		{"bad email", with(base, "Email", "not-an-email"), "INVALID_EMAIL_ADDRESS", "Email: invalid email address: not-an-email", []string{"Email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectErr(t, do(t, o, "POST", v+"/sobjects/User", tt.body), 400, tt.code, tt.msg, tt.fields...)
		})
	}
	id := create(t, o, "User", base)
	// Zones of the IANA database beyond the describe's short list are accepted.
	create(t, o, "User", with(base, "Username", "melbourne@example.com", "TimeZoneSidKey", "Australia/Melbourne"))
	got := query(t, o, "SELECT Name, IsActive, UserType, CommunityNickname, Profile.Name FROM User WHERE Id = '"+id+"'")[0].(map[string]any)
	if got["Name"] != "Tester" || got["IsActive"] != true || got["UserType"] != "Standard" || got["CommunityNickname"] != "new.user" ||
		got["Profile"].(map[string]any)["Name"] != "Standard User" {
		t.Errorf("created user: %v", got)
	}
	// Users cannot be deleted (facts §1); DELETE is not an allowed method.
	r := do(t, o, "DELETE", v+"/sobjects/User/"+id, nil)
	if r.status != 405 || !strings.Contains(string(r.body), `"errorCode":"METHOD_NOT_ALLOWED","message":"HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD,PATCH"`) {
		t.Errorf("DELETE User: %d %s", r.status, r.body)
	}
	// A user can be renamed but not onto a taken username.
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/User/"+id, map[string]any{"Username": AdminUsername}), 400, "DUPLICATE_USERNAME", msgDuplicateUsername, "Username")
	if r := do(t, o, "PATCH", v+"/sobjects/User/"+id, map[string]any{"FirstName": "Ann"}); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	if n := query(t, o, "SELECT Name FROM User WHERE Id = '"+id+"'")[0].(map[string]any)["Name"]; n != "Ann Tester" {
		t.Errorf("Name after FirstName change = %v", n)
	}
}

func TestLicenseSeats(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	integ := idOf(t, o, "SELECT Id FROM Profile WHERE Name = '"+IntegrationProfile+"'")
	var ids []string
	for i := 0; i < 5; i++ { // Enterprise orgs get 5 Salesforce Integration licences (facts §1).
		ids = append(ids, create(t, o, "User", newUser("integ"+string(rune('a'+i))+"@example.com", integ)))
	}
	lic := query(t, o, "SELECT TotalLicenses, UsedLicenses FROM UserLicense WHERE Name = 'Salesforce Integration'")[0].(map[string]any)
	if lic["TotalLicenses"] != 5.0 || lic["UsedLicenses"] != 5.0 {
		t.Fatalf("licence counts: %v", lic)
	}
	expectErr(t, do(t, o, "POST", v+"/sobjects/User", newUser("sixth@example.com", integ)), 400, "LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
	// An inactive user takes no seat; activating one beyond the seats fails.
	if r := do(t, o, "POST", v+"/sobjects/User", with(newUser("sixth@example.com", integ), "IsActive", false)); r.status != 201 {
		t.Fatalf("inactive user: %d %s", r.status, r.body)
	}
	sixth := idOf(t, o, "SELECT Id FROM User WHERE Username = 'sixth@example.com'")
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/User/"+sixth, map[string]any{"IsActive": true}), 400, "LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
	if r := do(t, o, "PATCH", v+"/sobjects/User/"+ids[0], map[string]any{"IsActive": false}); r.status != 204 {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	if r := do(t, o, "PATCH", v+"/sobjects/User/"+sixth, map[string]any{"IsActive": true}); r.status != 204 {
		t.Fatalf("activate after a seat freed: %d %s", r.status, r.body)
	}
	// Seats from the seed.
	o2, _ := newTestOrg(t, Options{Seed: &Seed{Licenses: []SeedLicense{{Name: "Salesforce Integration", Seats: 1}}}})
	integ2 := idOf(t, o2, "SELECT Id FROM Profile WHERE Name = '"+IntegrationProfile+"'")
	create(t, o2, "User", newUser("one@example.com", integ2))
	expectErr(t, do(t, o2, "POST", v+"/sobjects/User", newUser("two@example.com", integ2)), 400, "LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
}

func TestProfileRules(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	licID := idOf(t, o, "SELECT Id FROM UserLicense WHERE Name = 'Salesforce Integration'")
	expectErr(t, do(t, o, "POST", v+"/sobjects/Profile", map[string]any{"Name": "Acme"}), 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [UserLicenseId]", "UserLicenseId")
	pid := create(t, o, "Profile", map[string]any{"Name": "Acme Integration", "UserLicenseId": licID, "Description": "for Acme", "PermissionsApiEnabled": true})
	ps := query(t, o, "SELECT Id, IsOwnedByProfile, PermissionsApiEnabled, Profile.Name FROM PermissionSet WHERE ProfileId = '"+pid+"'")
	if len(ps) != 1 {
		t.Fatalf("owned permission sets: %v", ps)
	}
	owned := ps[0].(map[string]any)
	if owned["IsOwnedByProfile"] != true || owned["PermissionsApiEnabled"] != true || owned["Profile"].(map[string]any)["Name"] != "Acme Integration" {
		t.Errorf("owned set: %v", owned)
	}
	ownedID := owned["Id"].(string)
	// Permissions on the profile mirror its owned set.
	if r := do(t, o, "PATCH", v+"/sobjects/Profile/"+pid, map[string]any{"PermissionsApiUserOnly": true}); r.status != 204 {
		t.Fatalf("PATCH profile: %d %s", r.status, r.body)
	}
	if got := query(t, o, "SELECT PermissionsApiUserOnly FROM PermissionSet WHERE Id = '"+ownedID+"'")[0].(map[string]any)["PermissionsApiUserOnly"]; got != true {
		t.Errorf("owned set PermissionsApiUserOnly = %v", got)
	}
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/Profile/"+pid, map[string]any{"UserLicenseId": licID}), 400,
		"INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: UserLicenseId"+notWritableTail, "UserLicenseId")
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/Profile/"+pid, map[string]any{"PermissionsCustomizeApplication": true}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Customize Application depends on permission(s): View Setup and Configuration")
	// The owned set is changed through the profile only.
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ownedID, map[string]any{"PermissionsApiEnabled": false}), 400,
		"INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id: "+ownedID[:15]+" (this permission set is owned by a profile; change the profile instead)")
	// Object permissions of a profile live on its owned set.
	create(t, o, "ObjectPermissions", map[string]any{"ParentId": ownedID, "SobjectType": "Account", "PermissionsRead": true})
	expectErr(t, do(t, o, "POST", v+"/sobjects/Profile", map[string]any{"Name": "acme integration", "UserLicenseId": licID}), 400,
		"DUPLICATE_VALUE", "duplicate value found: Name duplicates value on record with id: "+pid[:15], "Name")
	uid := create(t, o, "User", newUser("acme@example.com", pid))
	expectErr(t, do(t, o, "DELETE", v+"/sobjects/Profile/"+pid, nil), 400, "DELETE_FAILED", "Cannot delete a profile that is assigned to users.")
	_ = uid
	p2 := create(t, o, "Profile", map[string]any{"Name": "Disposable", "UserLicenseId": licID})
	if r := do(t, o, "DELETE", v+"/sobjects/Profile/"+p2, nil); r.status != 204 {
		t.Fatalf("delete profile: %d %s", r.status, r.body)
	}
	if n := len(query(t, o, "SELECT Id FROM PermissionSet WHERE ProfileId = '"+p2+"'")); n != 0 {
		t.Errorf("owned set survived its profile: %d", n)
	}
}

func TestPermissionSetRules(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	tests := []struct {
		name   string
		body   map[string]any
		code   string
		msg    string
		fields []string
	}{
		{"bad name", map[string]any{"Name": "Bad Name", "Label": "Bad"}, "FIELD_INTEGRITY_EXCEPTION", msgAPIName, []string{"Name"}},
		{"double underscore", map[string]any{"Name": "Bad__Name", "Label": "Bad"}, "FIELD_INTEGRITY_EXCEPTION", msgAPIName, []string{"Name"}},
		{"missing label", map[string]any{"Name": "Good"}, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Label]", []string{"Label"}},
		{"dependency", map[string]any{"Name": "Admin_Like", "Label": "Admin", "PermissionsCustomizeApplication": true}, "FIELD_INTEGRITY_EXCEPTION",
			"Permission Customize Application depends on permission(s): View Setup and Configuration", []string{}},
		{"owned flag", map[string]any{"Name": "Sneaky", "Label": "S", "IsOwnedByProfile": true}, "INVALID_FIELD_FOR_INSERT_UPDATE",
			"Unable to create/update fields: IsOwnedByProfile" + notWritableTail, []string{"IsOwnedByProfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSet", tt.body), 400, tt.code, tt.msg, tt.fields...)
		})
	}
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Acme_Data", "Label": "Acme Data", "PermissionsCustomizeApplication": true, "PermissionsViewSetup": true})
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSet", map[string]any{"Name": "acme_data", "Label": "x"}), 400,
		"DUPLICATE_VALUE", "duplicate value found: Name duplicates value on record with id: "+ps[:15], "Name")
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{"PermissionsViewSetup": false}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Customize Application depends on permission(s): View Setup and Configuration")
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{"LicenseId": nil}), 400,
		"INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: LicenseId"+notWritableTail, "LicenseId")
	got := query(t, o, "SELECT IsCustom, IsOwnedByProfile, Type FROM PermissionSet WHERE Id = '"+ps+"'")[0].(map[string]any)
	if got["IsCustom"] != true || got["IsOwnedByProfile"] != false || got["Type"] != "Regular" {
		t.Errorf("new permission set: %v", got)
	}
}

func TestObjectAndFieldPermissions(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Objects: []SeedObject{{Name: "Acme_Mapping__c", Fields: []SeedField{{Name: "Target_Field__c", Type: "string"}}}}}})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Acme_Data", "Label": "Acme Data"})
	op := func(fields ...any) map[string]any {
		return with(map[string]any{"ParentId": ps, "SobjectType": "Account"}, fields...)
	}
	tests := []struct {
		name string
		body map[string]any
		code string
		msg  string
	}{
		{"edit needs read", op("PermissionsEdit", true), "FIELD_INTEGRITY_EXCEPTION", "Permission Edit Account depends on permission(s): Read Account"},
		{"delete needs read and edit", op("PermissionsRead", true, "PermissionsDelete", true), "FIELD_INTEGRITY_EXCEPTION", "Permission Delete Account depends on permission(s): Edit Account"},
		{"modify all", op("PermissionsRead", true, "PermissionsModifyAllRecords", true), "FIELD_INTEGRITY_EXCEPTION",
			"Permission Modify All Account depends on permission(s): Delete Account, Edit Account, Read All Account"},
		{"view all needs read", op("PermissionsViewAllRecords", true), "FIELD_INTEGRITY_EXCEPTION", "Permission Read All Account depends on permission(s): Read Account"},
		{"setup object", op("SobjectType", "User", "PermissionsRead", true), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "SObject Type Name: bad value for restricted picklist field: User"},
		{"activities", op("SobjectType", "Event", "PermissionsRead", true), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "SObject Type Name: bad value for restricted picklist field: Event"},
		{"unknown object", op("SobjectType", "Nope__c", "PermissionsRead", true), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "SObject Type Name: bad value for restricted picklist field: Nope__c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectErr(t, do(t, o, "POST", v+"/sobjects/ObjectPermissions", tt.body), 400, tt.code, tt.msg)
		})
	}
	first := create(t, o, "ObjectPermissions", op("PermissionsRead", true, "PermissionsEdit", true))
	create(t, o, "ObjectPermissions", op("SobjectType", "acme_mapping__c", "PermissionsRead", true))
	expectErr(t, do(t, o, "POST", v+"/sobjects/ObjectPermissions", op("PermissionsRead", true)), 400,
		"DUPLICATE_VALUE", "duplicate value found: <unknown> duplicates value on record with id: "+first[:15])
	got := query(t, o, "SELECT SobjectType, PermissionsViewAllFields FROM ObjectPermissions WHERE Parent.Name = 'Acme_Data' ORDER BY SobjectType")
	if len(got) != 2 || got[1].(map[string]any)["SobjectType"] != "Acme_Mapping__c" {
		t.Errorf("object permissions: %v", got)
	}

	fp := func(field string, fields ...any) map[string]any {
		obj, _, _ := strings.Cut(field, ".")
		return with(map[string]any{"ParentId": ps, "SobjectType": obj, "Field": field}, fields...)
	}
	ftests := []struct {
		name string
		body map[string]any
		code string
		msg  string
	}{
		{"no such field", fp("Account.Nope", "PermissionsRead", true), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Field Name: bad value for restricted picklist field: Account.Nope"},
		{"not permissionable", fp("Account.Name", "PermissionsRead", true), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Field Name: bad value for restricted picklist field: Account.Name"},
		{"edit needs read", fp("Account.Industry", "PermissionsEdit", true), "FIELD_INTEGRITY_EXCEPTION", "Permission Edit Account.Industry depends on permission(s): Read Account.Industry"},
	}
	for _, tt := range ftests {
		t.Run(tt.name, func(t *testing.T) {
			expectErr(t, do(t, o, "POST", v+"/sobjects/FieldPermissions", tt.body), 400, tt.code, tt.msg)
		})
	}
	f1 := create(t, o, "FieldPermissions", fp("Account.Industry", "PermissionsRead", true, "PermissionsEdit", true))
	create(t, o, "FieldPermissions", fp("Acme_Mapping__c.Target_Field__c", "PermissionsRead", true))
	create(t, o, "FieldPermissions", fp("Contact.Account", "PermissionsRead", true)) // lookups may omit "Id" (facts §4)
	create(t, o, "FieldPermissions", fp("Event.Location", "PermissionsRead", true))  // activities have field access
	expectErr(t, do(t, o, "POST", v+"/sobjects/FieldPermissions", fp("account.industry", "PermissionsRead", true)), 400,
		"DUPLICATE_VALUE", "duplicate value found: <unknown> duplicates value on record with id: "+f1[:15])
	fields := query(t, o, "SELECT Field FROM FieldPermissions WHERE ParentId = '"+ps+"' ORDER BY Field")
	var names []string
	for _, f := range fields {
		names = append(names, f.(map[string]any)["Field"].(string))
	}
	if want := []string{"Account.Industry", "Acme_Mapping__c.Target_Field__c", "Contact.AccountId", "Event.Location"}; !reflect.DeepEqual(names, want) {
		t.Errorf("field permissions %v, want %v", names, want)
	}
	// A row without Read is deleted (facts §4).
	if r := do(t, o, "PATCH", v+"/sobjects/FieldPermissions/"+f1, map[string]any{"PermissionsRead": false, "PermissionsEdit": false}); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := do(t, o, "GET", v+"/sobjects/FieldPermissions/"+f1, nil); r.status != 404 {
		t.Errorf("row without Read still there: %d", r.status)
	}
}

func TestAssignments(t *testing.T) {
	o, clk := newTestOrg(t, Options{PSGRecalcDelay: 2 * time.Second})
	admin := idOf(t, o, "SELECT Id FROM User WHERE Username = '"+AdminUsername+"'")
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Acme_API", "Label": "Acme API", "PermissionsApiEnabled": true})
	create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": admin, "PermissionSetId": ps})
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": admin, "PermissionSetId": ps}), 400,
		"DUPLICATE_VALUE", "Duplicate PermissionSetAssignment. Assignee: "+admin[:15]+"; Permission Set: "+ps[:15])
	owned := idOf(t, o, "SELECT Id FROM PermissionSet WHERE Profile.Name = 'Standard User'")
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": admin, "PermissionSetId": owned}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "You can't assign or unassign a permission set that is owned by a profile.", "PermissionSetId")
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": ps, "PermissionSetId": ps}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Assignee ID: id value of incorrect type: "+ps, "AssigneeId")
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": admin}), 400,
		"REQUIRED_FIELD_MISSING", "Required fields are missing: [PermissionSetId]", "PermissionSetId")

	// Permission set groups: Updating until the recalculation delay has passed.
	g := create(t, o, "PermissionSetGroup", map[string]any{"DeveloperName": "Acme_Group", "MasterLabel": "Acme Group"})
	create(t, o, "PermissionSetGroupComponent", map[string]any{"PermissionSetGroupId": g, "PermissionSetId": ps})
	status := func() string {
		return query(t, o, "SELECT Status FROM PermissionSetGroup WHERE Id = '"+g+"'")[0].(map[string]any)["Status"].(string)
	}
	if s := status(); s != "Updating" {
		t.Fatalf("new group status %q", s)
	}
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": admin, "PermissionSetGroupId": g}), 400,
		"FIELD_INTEGRITY_EXCEPTION", msgPSGNotUpdated, "PermissionSetGroupId")
	clk.t = clk.t.Add(2 * time.Second)
	if s := status(); s != "Updated" {
		t.Fatalf("group status after the delay %q", s)
	}
	ga := create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": admin, "PermissionSetGroupId": g})
	row := query(t, o, "SELECT PermissionSet.Type, PermissionSet.PermissionsApiEnabled, PermissionSetGroup.DeveloperName FROM PermissionSetAssignment WHERE Id = '"+ga+"'")[0].(map[string]any)
	if row["PermissionSet"].(map[string]any)["Type"] != "Group" || row["PermissionSet"].(map[string]any)["PermissionsApiEnabled"] != true ||
		row["PermissionSetGroup"].(map[string]any)["DeveloperName"] != "Acme_Group" {
		t.Errorf("group assignment: %v", row)
	}
	// A second assignment of the group names the group's own permission set.
	groupPS := query(t, o, "SELECT PermissionSetId FROM PermissionSetAssignment WHERE Id = '"+ga+"'")[0].(map[string]any)["PermissionSetId"].(string)
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": admin, "PermissionSetGroupId": g}), 400,
		"DUPLICATE_VALUE", "Duplicate PermissionSetAssignment. Assignee: "+admin[:15]+"; Permission Set: "+groupPS[:15])
	// A change to a member set starts a new recalculation.
	if r := do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{"PermissionsApiUserOnly": true}); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if s := status(); s != "Updating" {
		t.Errorf("status after a member change %q", s)
	}
	// Components are create/delete only.
	comp := idOf(t, o, "SELECT Id FROM PermissionSetGroupComponent WHERE PermissionSetGroupId = '"+g+"'")
	if r := do(t, o, "PATCH", v+"/sobjects/PermissionSetGroupComponent/"+comp, map[string]any{}); r.status != 405 {
		t.Errorf("PATCH component: %d %s", r.status, r.body)
	}
}

func TestIntegrationLicenseNeedsPSL(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	integ := idOf(t, o, "SELECT Id FROM Profile WHERE Name = '"+IntegrationProfile+"'")
	user := create(t, o, "User", with(newUser("ci@example.com", integ), "FirstName", "CI", "LastName", "Bot"))
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Acme_Data", "Label": "Acme Data"})
	create(t, o, "ObjectPermissions", map[string]any{"ParentId": ps, "SobjectType": "Account", "PermissionsRead": true})
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": user, "PermissionSetId": ps}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Can't assign permission set Acme Data to user CI Bot. The user license doesn't allow the permission: Read Accounts")
	psl := idOf(t, o, "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'")
	la := create(t, o, "PermissionSetLicenseAssign", map[string]any{"AssigneeId": user, "PermissionSetLicenseId": psl})
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetLicenseAssign", map[string]any{"AssigneeId": user, "PermissionSetLicenseId": psl}), 400,
		"DUPLICATE_VALUE", "duplicate value found: <unknown> duplicates value on record with id: "+la[:15])
	create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": user, "PermissionSetId": ps})
	if used := query(t, o, "SELECT UsedLicenses FROM PermissionSetLicense WHERE Id = '"+psl+"'")[0].(map[string]any)["UsedLicenses"]; used != 1.0 {
		t.Errorf("PSL UsedLicenses = %v", used)
	}
}

func TestPSLSeats(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Licenses: []SeedLicense{{Name: "SalesforceAPIIntegrationPsl", Seats: 1}}}})
	std := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	psl := idOf(t, o, "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'")
	u1 := create(t, o, "User", newUser("u1@example.com", std))
	u2 := create(t, o, "User", newUser("u2@example.com", std))
	create(t, o, "PermissionSetLicenseAssign", map[string]any{"AssigneeId": u1, "PermissionSetLicenseId": psl})
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetLicenseAssign", map[string]any{"AssigneeId": u2, "PermissionSetLicenseId": psl}), 400,
		"LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
}

func TestSetupEntityAccessAndReadOnlyObjects(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Packages: []SeedPackage{{Namespace: "coconut", Name: "Coconut", Version: "1.27",
		PermissionSets: []string{"Coconut_Integration_Config"}, ConnectedApps: []SeedConnectedApp{{Name: "Coconut", PermittedUsers: "adminApprovedPreAuthorize"}}}}}})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Acme_API", "Label": "Acme API"})
	app := idOf(t, o, "SELECT Id FROM ConnectedApplication WHERE Name = 'Coconut' AND OptionsAllowAdminApprovedUsersOnly = true")
	sea := create(t, o, "SetupEntityAccess", map[string]any{"ParentId": ps, "SetupEntityId": app})
	if typ := query(t, o, "SELECT SetupEntityType FROM SetupEntityAccess WHERE Id = '"+sea+"'")[0].(map[string]any)["SetupEntityType"]; typ != "ConnectedApplication" {
		t.Errorf("SetupEntityType = %v", typ)
	}
	expectErr(t, do(t, o, "POST", v+"/sobjects/SetupEntityAccess", map[string]any{"ParentId": ps, "SetupEntityId": "0H4Em0000000zzz"}), 400,
		"INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", "SetupEntityId")
	if r := do(t, o, "PATCH", v+"/sobjects/SetupEntityAccess/"+sea, map[string]any{}); r.status != 405 {
		t.Errorf("PATCH SetupEntityAccess: %d", r.status)
	}
	for _, obj := range []string{"Organization", "UserLicense", "PermissionSetLicense", "ConnectedApplication"} {
		r := do(t, o, "POST", v+"/sobjects/"+obj, map[string]any{"Name": "x"})
		if r.status != 405 || strings.TrimSpace(string(r.body)) != `[{"errorCode":"METHOD_NOT_ALLOWED","message":"HTTP Method 'POST' not allowed. Allowed are GET,HEAD"}]` {
			t.Errorf("POST %s: %d %s", obj, r.status, r.body)
		}
		res := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": []any{map[string]any{"attributes": map[string]any{"type": obj}, "Name": "x"}}}).json(t).([]any)
		if e := res[0].(map[string]any)["errors"].([]any)[0].(map[string]any); e["statusCode"] != "INVALID_TYPE_FOR_OPERATION" || e["message"] != "entity type cannot be inserted: "+obj {
			t.Errorf("collections create %s: %v", obj, res[0])
		}
	}
	// Packaged permission sets carry their namespace (sf queries Name and NamespacePrefix, real-clients.md §3.4).
	idOf(t, o, "SELECT Id FROM PermissionSet WHERE Name = 'Coconut_Integration_Config' AND NamespacePrefix = 'coconut'")
}

func TestMixedDMLInCollections(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "PermissionSet"}, "Name": "Mixed_One", "Label": "Mixed"},
		map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": "Mixed Account"},
	}})
	res := r.json(t).([]any)
	if res[0].(map[string]any)["success"] != true {
		t.Errorf("first record: %v", res[0])
	}
	e := res[1].(map[string]any)["errors"].([]any)[0].(map[string]any)
	if e["statusCode"] != "MIXED_DML_OPERATION" {
		t.Errorf("second record: %v", res[1])
	}
}

func TestProfileSetAssignments(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	std := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	ro := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Read Only'")
	u := create(t, o, "User", newUser("ps.owner@example.com", std))
	rows := query(t, o, "SELECT Id, PermissionSet.Profile.Name FROM PermissionSetAssignment WHERE AssigneeId = '"+u+"'")
	if len(rows) != 1 || rows[0].(map[string]any)["PermissionSet"].(map[string]any)["Profile"].(map[string]any)["Name"] != "Standard User" {
		t.Fatalf("profile assignment: %v", rows)
	}
	expectErr(t, do(t, o, "DELETE", v+"/sobjects/PermissionSetAssignment/"+rows[0].(map[string]any)["Id"].(string), nil), 400,
		"FIELD_INTEGRITY_EXCEPTION", "You can't assign or unassign a permission set that is owned by a profile.")
	if r := do(t, o, "PATCH", v+"/sobjects/User/"+u, map[string]any{"ProfileId": ro}); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	rows = query(t, o, "SELECT PermissionSet.Profile.Name FROM PermissionSetAssignment WHERE AssigneeId = '"+u+"'")
	if len(rows) != 1 || rows[0].(map[string]any)["PermissionSet"].(map[string]any)["Profile"].(map[string]any)["Name"] != "Read Only" {
		t.Fatalf("after the profile change: %v", rows)
	}
	// A permission set tied to a user licence only goes to users of that licence.
	platform := idOf(t, o, "SELECT Id FROM UserLicense WHERE Name = 'Salesforce Platform'")
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Platform_Only", "Label": "Platform Only", "LicenseId": platform})
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": u, "PermissionSetId": ps}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Can't assign permission set Platform Only to user Tester. The user license doesn't match the permission set license (Salesforce Platform).")
	// New cases get the default picklist values (describe-Case-v48.json).
	c := create(t, o, "Case", map[string]any{"Subject": "Defaults"})
	if got := query(t, o, "SELECT Status, Priority FROM Case WHERE Id = '"+c+"'")[0].(map[string]any); got["Status"] != "New" || got["Priority"] != "Medium" {
		t.Errorf("case defaults %v", got)
	}
	// The PermissionSets limit moves with custom permission sets.
	lim := do(t, o, "GET", v+"/limits", nil).obj(t)["PermissionSets"].(map[string]any)
	if lim["Remaining"] != 1499.0 || lim["CreateCustom"].(map[string]any)["Remaining"] != 999.0 {
		t.Errorf("PermissionSets limit %v", lim)
	}
}

// The standard profiles satisfy the permission dependencies, and their system
// permissions cannot be changed (clone them instead).
func TestStandardProfiles(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, p := range freshProfiles {
		id := idOf(t, o, "SELECT Id FROM Profile WHERE Name = '"+p.name+"'")
		if r := do(t, o, "PATCH", v+"/sobjects/Profile/"+id, map[string]any{"Description": "checked", "PermissionsApiEnabled": true}); r.status != 204 &&
			!strings.Contains(string(r.body), "standard profile") {
			t.Errorf("%s: %d %s", p.name, r.status, r.body)
		}
	}
	std := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	msg := "The permissions of a standard profile can't be changed. Clone the profile and change the copy."
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/Profile/"+std, map[string]any{"PermissionsModifyAllData": true, "PermissionsViewAllData": true}), 400,
		"INSUFFICIENT_ACCESS_OR_READONLY", msg)
}
