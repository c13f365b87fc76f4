package emulator

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/schema"
)

const tv = v + "/tooling"

// permFieldLabels returns the fields of an object's describe, name → label.
func permFieldLabels(t *testing.T, o *Org, path string) map[string]string {
	t.Helper()
	r := do(t, o, "GET", path, nil)
	if r.status != 200 {
		t.Fatalf("describe %s: %d %s", path, r.status, r.body)
	}
	out := map[string]string{}
	for _, f := range r.obj(t)["fields"].([]any) {
		m := f.(map[string]any)
		out[m["name"].(string)] = m["label"].(string)
	}
	return out
}

func TestPermissionFieldsAsRealOrgsDescribeThem(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	ps := permFieldLabels(t, o, v+"/sobjects/PermissionSet/describe")
	prof := permFieldLabels(t, o, v+"/sobjects/Profile/describe")
	// "Approve Uninstalled Connected Apps" is Metadata-only: neither name
	// is a field (integration-metadata-facts.md).
	for _, f := range []string{"PermissionsApproveUninstalledConnectedApps", "PermissionsCanApproveUninstalledApps"} {
		if _, ok := ps[f]; ok {
			t.Errorf("PermissionSet describe has %s", f)
		}
		if _, ok := prof[f]; ok {
			t.Errorf("Profile describe has %s", f)
		}
	}
	// Behind the audit-fields preference, off in a new org (facts §14).
	for _, f := range []string{"PermissionsCreateAuditFields", "PermissionsUpdateWithInactiveOwner"} {
		if _, ok := ps[f]; ok {
			t.Errorf("PermissionSet describe has %s without the preference", f)
		}
	}
	// Labels as the recorded describe has them, and Profile's own names
	// for the packaging permissions.
	for f, label := range map[string]string{"PermissionsApiEnabled": "API Enabled", "PermissionsViewSetup": "View Setup and Configuration",
		"PermissionsCustomizeApplication": "Customize Application", "PermissionsInstallPackaging": "Download AppExchange Packages",
		"PermissionsSubmitMacrosAllowed": "Manage Macros Users Can't Undo"} {
		if ps[f] != label {
			t.Errorf("PermissionSet %s label %q, want %q", f, ps[f], label)
		}
	}
	if _, ok := prof["PermissionsInstallPackaging"]; ok || prof["PermissionsInstallMultiforce"] != "Download AppExchange Packages" {
		t.Errorf("Profile packaging fields: InstallPackaging %q, InstallMultiforce %q", prof["PermissionsInstallPackaging"], prof["PermissionsInstallMultiforce"])
	}
	n := 0
	for f := range ps {
		if strings.HasPrefix(f, "Permissions") {
			n++
		}
	}
	if n < 386 {
		t.Errorf("%d Permissions* fields on PermissionSet, want the recorded 386 and more", n)
	}
}

func TestAuditFieldsPreference(t *testing.T) {
	body := map[string]any{"Name": "Audit", "Label": "Audit", "PermissionsCreateAuditFields": true}
	off, _ := newTestOrg(t, Options{})
	// Without the preference the field does not exist: the answer to any
	// unknown field (MinnPost/object-sync-for-salesforce#194; a live-org
	// API test: "No such column 'FavoritePet__c' on sobject of type
	// Account", INVALID_FIELD, no fields).
	expectErr(t, do(t, off, "POST", v+"/sobjects/PermissionSet", body), 400, "INVALID_FIELD",
		"No such column 'PermissionsCreateAuditFields' on sobject of type PermissionSet", []string{}...)
	on, _ := newTestOrg(t, Options{Seed: &Seed{OrgPreferences: &SeedOrgPreferences{EnableAuditFieldsInactiveOwner: true}}})
	ps := permFieldLabels(t, on, v+"/sobjects/PermissionSet/describe")
	prof := permFieldLabels(t, on, v+"/sobjects/Profile/describe")
	for f, label := range map[string]string{"PermissionsCreateAuditFields": "Set Audit Fields upon Record Creation",
		"PermissionsUpdateWithInactiveOwner": "Update Records with Inactive Owners"} {
		if ps[f] != label || prof[f] != label {
			t.Errorf("%s: PermissionSet %q, Profile %q, want %q", f, ps[f], prof[f], label)
		}
	}
	id := create(t, on, "PermissionSet", body)
	if got := query(t, on, "SELECT PermissionsCreateAuditFields FROM PermissionSet WHERE Id = '"+id+"'")[0].(map[string]any); got["PermissionsCreateAuditFields"] != true {
		t.Errorf("read back: %v", got)
	}
}

func TestSeedOrgPreferences(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(path, []byte("orgPreferences:\n  enableAuditFieldsInactiveOwner: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSeed(path)
	if err != nil || s.OrgPreferences == nil || !s.OrgPreferences.EnableAuditFieldsInactiveOwner {
		t.Fatalf("%+v %v", s, err)
	}
	if err := os.WriteFile(path, []byte("orgPreferences:\n  enableAuditFieldsInactiveOwners: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadSeed(path)
	want := path + `:2:3: unknown key "enableAuditFieldsInactiveOwners"; did you mean "enableAuditFieldsInactiveOwner"? (allowed: enableAuditFieldsInactiveOwner)`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// TestMetadataOnlyPermissionIsAnUnknownField: a write that names a
// permission with no sObject field fails like any unknown field, through
// every API that writes records.
func TestMetadataOnlyPermissionIsAnUnknownField(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Apps", "Label": "Apps"})
	prof := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	for _, field := range []string{"PermissionsCanApproveUninstalledApps", "PermissionsApproveUninstalledConnectedApps"} {
		msg := "No such column '" + field + "' on sobject of type PermissionSet"
		expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSet", map[string]any{"Name": "Apps2", "Label": "Apps2", field: true}), 400, "INVALID_FIELD", msg, []string{}...)
		expectErr(t, do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{field: true}), 400, "INVALID_FIELD", msg, []string{}...)
		expectErr(t, do(t, o, "PATCH", v+"/sobjects/Profile/"+prof, map[string]any{field: true}), 400, "INVALID_FIELD",
			"No such column '"+field+"' on sobject of type Profile", []string{}...)
		// sObject Collections: the record fails with the same error, the
		// call answers 200 (per-record results, facts §10; whether
		// Salesforce fails the whole call instead is UNCONFIRMED).
		r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": []any{
			map[string]any{"attributes": map[string]any{"type": "PermissionSet"}, "Name": "Apps3", "Label": "Apps3", field: true}}})
		want := `[{"success":false,"errors":[{"statusCode":"INVALID_FIELD","message":"` + msg + `","fields":[]}]}]`
		if r.status != 200 || strings.TrimSpace(string(r.body)) != want {
			t.Errorf("collections: %d %s\nwant %s", r.status, r.body, want)
		}
	}
}

// toolingRows runs a Tooling query and returns its records without attributes.
func toolingRows(t *testing.T, o *Org, token, q string) []map[string]any {
	t.Helper()
	r := doWith(t, o, token, "GET", tv+"/query?q="+urlQuery(q), nil)
	if r.status != 200 {
		t.Fatalf("tooling query %q: %d %s", q, r.status, r.body)
	}
	var out []map[string]any
	for _, rec := range r.obj(t)["records"].([]any) {
		m := rec.(map[string]any)
		delete(m, "attributes")
		out = append(out, m)
	}
	return out
}

func TestPermissionDependencyObject(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Users: []SeedUser{
		{Username: "std@example.com", LastName: "Std", Profile: "Standard User", Password: "pw-123"}}}})
	got := toolingRows(t, o, testToken, "SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE Permission = 'CustomizeApplication'")
	want := []map[string]any{{"Permission": "CustomizeApplication", "PermissionType": "User Permission",
		"RequiredPermission": "ViewSetup", "RequiredPermissionType": "User Permission"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CustomizeApplication rows: %v", got)
	}
	// The whole table: the user-permission rows, then per object its own
	// rows and Contact's and Opportunity's Read on Account.
	all := toolingRows(t, o, testToken, "SELECT Id, Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency")
	var lines []string
	types := map[string]bool{}
	for _, r := range all {
		lines = append(lines, r["Permission"].(string)+" → "+r["RequiredPermission"].(string))
		types[r["PermissionType"].(string)], types[r["RequiredPermissionType"].(string)] = true, true
		if id := r["Id"].(string); !strings.HasPrefix(id, "2Pd") || len(id) != 18 {
			t.Errorf("Id %q", id)
		}
	}
	if !reflect.DeepEqual(types, map[string]bool{"User Permission": true, "Object Permission": true}) {
		t.Errorf("types %v", types)
	}
	wantLines := []string{"CustomizeApplication → ViewSetup", "ManageUsers → ViewRoles", "ConvertLeads → Account<create>",
		"ImportPersonal → Account<create>", "ImportPersonal → Account<update>", "ImportPersonal → Contact<create>", "ImportPersonal → Contact<update>"}
	for _, obj := range []string{"Account", "Case", "Contact", "Lead", "Opportunity"} {
		wantLines = append(wantLines, obj+"<create> → "+obj+"<read>", obj+"<update> → "+obj+"<read>",
			obj+"<delete> → "+obj+"<read>", obj+"<delete> → "+obj+"<update>", obj+"<viewAllRecords> → "+obj+"<read>",
			obj+"<modifyAllRecords> → "+obj+"<read>", obj+"<modifyAllRecords> → "+obj+"<update>",
			obj+"<modifyAllRecords> → "+obj+"<delete>", obj+"<modifyAllRecords> → "+obj+"<viewAllRecords>")
		if obj == "Contact" || obj == "Opportunity" {
			wantLines = append(wantLines, obj+"<read> → Account<read>")
		}
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Errorf("table:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
	// The live-org probe found no rows for these two.
	if rows := toolingRows(t, o, testToken, "SELECT Id FROM PermissionDependency WHERE Permission IN ('ModifyAllData', 'ViewAllData')"); len(rows) != 0 {
		t.Errorf("ModifyAllData/ViewAllData rows: %v", rows)
	}
	// The query sfprov sends (internal/state dependencyQuery).
	rows := toolingRows(t, o, testToken, "SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE PermissionType = 'User Permission' OR Permission IN ('Contact<read>', 'Contact<update>')")
	if len(rows) != 9 {
		t.Errorf("user rows and Contact's: %d %v", len(rows), rows)
	}

	// GET by Id; no writes (Query and GET only).
	id := all[0]["Id"].(string)
	r := do(t, o, "GET", tv+"/sobjects/PermissionDependency/"+id, nil)
	if r.status != 200 || r.obj(t)["Permission"] != "CustomizeApplication" {
		t.Errorf("GET: %d %s", r.status, r.body)
	}
	if r := do(t, o, "POST", tv+"/sobjects/PermissionDependency", map[string]any{"Permission": "X"}); r.status != 405 {
		t.Errorf("POST: %d %s", r.status, r.body)
	}
	// Tooling only, from API 46.0.
	expectErr(t, do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Id FROM PermissionDependency"), nil), 400, "INVALID_TYPE",
		"\nSELECT Id FROM PermissionDependency\n               ^\nERROR at Row:1:Column:16\nsObject type 'PermissionDependency' is not supported."+wsdlObjectTail)
	expectErr(t, do(t, o, "GET", "/services/data/v45.0/tooling/query?q="+urlQuery("SELECT Id FROM PermissionDependency"), nil), 400, "INVALID_TYPE",
		"\nSELECT Id FROM PermissionDependency\n               ^\nERROR at Row:1:Column:16\nsObject type 'PermissionDependency' is not supported."+wsdlObjectTail)
	if r := do(t, o, "GET", "/services/data/v46.0/tooling/sobjects/PermissionDependency/describe", nil); r.status != 200 {
		t.Errorf("v46.0 describe: %d", r.status)
	}

	// Only users with View Setup and Configuration may read it; to others
	// the object does not exist (Salesforce-Inspector-reloaded#1310).
	std := passwordToken(t, o, "std@example.com", "pw-123")
	expectErr(t, doWith(t, o, std, "GET", tv+"/query?q="+urlQuery("SELECT Id FROM PermissionDependency"), nil), 400, "INVALID_TYPE",
		"\nSELECT Id FROM PermissionDependency\n               ^\nERROR at Row:1:Column:16\nsObject type 'PermissionDependency' is not supported."+wsdlObjectTail)
	expectErr(t, doWith(t, o, std, "GET", tv+"/sobjects/PermissionDependency/describe", nil), 404, "NOT_FOUND", "The requested resource does not exist")
	expectErr(t, doWith(t, o, std, "GET", tv+"/sobjects/PermissionDependency/"+id, nil), 404, "NOT_FOUND", "The requested resource does not exist")
	if r := doWith(t, o, std, "GET", tv+"/sobjects", nil); strings.Contains(string(r.body), `"name":"PermissionDependency"`) {
		t.Error("global describe lists PermissionDependency to a user without View Setup")
	}
	uid := idOf(t, o, "SELECT Id FROM User WHERE Username = 'std@example.com'")
	vs := create(t, o, "PermissionSet", map[string]any{"Name": "View_Setup", "Label": "View Setup", "PermissionsViewSetup": true})
	create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": uid, "PermissionSetId": vs})
	if rows := toolingRows(t, o, std, "SELECT Id FROM PermissionDependency WHERE Permission = 'CustomizeApplication'"); len(rows) != 1 {
		t.Errorf("with View Setup: %v", rows)
	}
}

// wsdlObjectTail ends the unknown-object message of SOQL (soql/errors.go).
const wsdlObjectTail = " If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."

func passwordToken(t *testing.T, o *Org, username, password string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {username}, "password": {password}}
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &tok) != nil {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

// doWith is do with another bearer token.
func doWith(t *testing.T, o *Org, token, method, path string, body any) resp {
	t.Helper()
	var s string
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		s = string(b)
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, strings.NewReader(s))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func TestDependsOnPermissionRefusals(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	ps := func(name string, fields ...any) map[string]any {
		return with(map[string]any{"Name": name, "Label": name}, fields...)
	}
	const customize = "Permission Customize Application depends on permission(s): View Setup and Configuration"
	tests := []struct {
		name, method, path string
		body               map[string]any
		msg                string
	}{
		{"user needs user", "POST", "/sobjects/PermissionSet", ps("A", "PermissionsCustomizeApplication", true), customize},
		{"user needs object", "POST", "/sobjects/PermissionSet", ps("B", "PermissionsConvertLeads", true),
			"Permission Convert Leads depends on permission(s): Create Account"},
		{"several required, sorted by label", "POST", "/sobjects/PermissionSet", ps("C", "PermissionsImportPersonal", true),
			"Permission Import Personal Contacts depends on permission(s): Create Account, Create Contact, Edit Account, Edit Contact"},
		{"several permissions, user ones first", "POST", "/sobjects/PermissionSet", ps("D", "PermissionsManageUsers", true, "PermissionsCustomizeApplication", true, "PermissionsConvertLeads", true),
			"Permission Convert Leads depends on permission(s): Create Account; " + customize +
				"; Permission Manage Users depends on permission(s): View Roles and Role Hierarchy"},
		{"profile", "POST", "/sobjects/Profile", map[string]any{"Name": "P", "UserLicenseId": "LIC", "PermissionsCustomizeApplication": true}, customize},
	}
	lic := idOf(t, o, "SELECT Id FROM UserLicense WHERE Name = 'Salesforce'")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.body["UserLicenseId"] == "LIC" {
				tt.body["UserLicenseId"] = lic
			}
			expectErr(t, do(t, o, tt.method, v+tt.path, tt.body), 400, "FIELD_INTEGRITY_EXCEPTION", tt.msg, []string{}...)
		})
	}
	// With the prerequisite, the same write passes; taking it away fails.
	id := create(t, o, "PermissionSet", ps("Setup_Admin", "PermissionsCustomizeApplication", true, "PermissionsViewSetup", true))
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+id, map[string]any{"PermissionsViewSetup": false}), 400,
		"FIELD_INTEGRITY_EXCEPTION", customize, []string{}...)
	// Modify All Data needs nothing: the live org's table has no row for it.
	create(t, o, "PermissionSet", ps("All_Data", "PermissionsModifyAllData", true))

	// sObject Collections: per record, statusCode and the same message.
	r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": []any{
		with(ps("E", "PermissionsCustomizeApplication", true), "attributes", map[string]any{"type": "PermissionSet"}),
		with(ps("F", "PermissionsCustomizeApplication", true, "PermissionsViewSetup", true), "attributes", map[string]any{"type": "PermissionSet"}),
	}})
	var res []map[string]any
	if err := json.Unmarshal(r.body, &res); err != nil || r.status != 200 || len(res) != 2 {
		t.Fatalf("collections: %d %s", r.status, r.body)
	}
	if e := res[0]["errors"].([]any)[0].(map[string]any); res[0]["success"] != false || e["statusCode"] != "FIELD_INTEGRITY_EXCEPTION" || e["message"] != customize {
		t.Errorf("collections record 0: %v", res[0])
	}
	if res[1]["success"] != true {
		t.Errorf("collections record 1: %v", res[1])
	}
	// Composite: the subrequest's body is the REST error array.
	r = do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": []any{map[string]any{
		"method": "POST", "url": v + "/sobjects/PermissionSet", "referenceId": "ps", "body": ps("G", "PermissionsCustomizeApplication", true)}}})
	sub := r.obj(t)["compositeResponse"].([]any)[0].(map[string]any)
	want := []any{map[string]any{"message": customize, "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": []any{}}}
	if sub["httpStatusCode"] != 400.0 || !reflect.DeepEqual(sub["body"], want) {
		t.Errorf("composite: %v %v", sub["httpStatusCode"], sub["body"])
	}
}

func TestObjectPermissionDependencies(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Leads", "Label": "Leads"})
	row := func(obj string, perms ...string) map[string]any {
		m := map[string]any{"ParentId": ps, "SobjectType": obj}
		for _, p := range perms {
			m["Permissions"+p] = true
		}
		return m
	}
	tests := []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"create needs read", row("Lead", "Create"), "Permission Create Lead depends on permission(s): Read Lead"},
		{"edit needs read", row("Lead", "Edit"), "Permission Edit Lead depends on permission(s): Read Lead"},
		{"delete needs read and edit", row("Lead", "Delete"), "Permission Delete Lead depends on permission(s): Edit Lead, Read Lead"},
		{"view all is Read All", row("Lead", "ViewAllRecords"), "Permission Read All Lead depends on permission(s): Read Lead"},
		{"modify all", row("Lead", "Read", "ModifyAllRecords"), "Permission Modify All Lead depends on permission(s): Delete Lead, Edit Lead, Read All Lead"},
		{"child needs parent", row("Opportunity", "Read"), "Permission Read Opportunity depends on permission(s): Read Account"},
		{"each failing permission", row("Contact", "Edit", "ViewAllRecords"),
			"Permission Edit Contact depends on permission(s): Read Contact; Permission Read All Contact depends on permission(s): Read Contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectErr(t, do(t, o, "POST", v+"/sobjects/ObjectPermissions", tt.body), 400, "FIELD_INTEGRITY_EXCEPTION", tt.msg, []string{}...)
		})
	}
	// View All Fields needs nothing (jetstreamapp/jetstream#1375).
	create(t, o, "ObjectPermissions", row("Lead", "ViewAllFields"))

	// A user permission holds on to the object permission it needs.
	acct := create(t, o, "ObjectPermissions", row("Account", "Read", "Create"))
	if r := do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{"PermissionsConvertLeads": true}); r.status != 204 {
		t.Fatalf("Convert Leads with Create Account: %d %s", r.status, r.body)
	}
	create(t, o, "ObjectPermissions", row("Contact", "Read"))
	// Taking Account's permissions away names every permission left
	// without one (wiki.sfxd.org's example is such a write).
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/ObjectPermissions/"+acct, map[string]any{"PermissionsRead": false, "PermissionsCreate": false}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Convert Leads depends on permission(s): Create Account; Permission Read Contact depends on permission(s): Read Account", []string{}...)
	expectErr(t, do(t, o, "DELETE", v+"/sobjects/ObjectPermissions/"+acct, nil), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Convert Leads depends on permission(s): Create Account; Permission Read Contact depends on permission(s): Read Account", []string{}...)
	if r := do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{"PermissionsConvertLeads": false}); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/ObjectPermissions/"+acct, map[string]any{"PermissionsCreate": false, "PermissionsRead": false}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Read Contact depends on permission(s): Read Account", []string{}...)
}

func TestSeedEditsPermissionDependencies(t *testing.T) {
	seed := &Seed{PermissionDependencies: &SeedPermissionDependencies{
		Remove: []SeedPermissionDependency{{Permission: "CustomizeApplication", RequiredPermission: "ViewSetup"}, {Permission: "Contact<read>"}},
		Add: []SeedPermissionDependency{{Permission: "ModifyAllData", RequiredPermission: "ViewAllData"},
			{Permission: "ApiEnabled", RequiredPermission: "Lead<read>"}},
	}}
	o, _ := newTestOrg(t, Options{Seed: seed})
	if rows := toolingRows(t, o, testToken, "SELECT Id FROM PermissionDependency WHERE Permission IN ('CustomizeApplication', 'Contact<read>')"); len(rows) != 0 {
		t.Errorf("removed rows still there: %v", rows)
	}
	rows := toolingRows(t, o, testToken, "SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE Permission IN ('ModifyAllData', 'ApiEnabled')")
	want := []map[string]any{
		{"Permission": "ModifyAllData", "PermissionType": "User Permission", "RequiredPermission": "ViewAllData", "RequiredPermissionType": "User Permission"},
		{"Permission": "ApiEnabled", "PermissionType": "User Permission", "RequiredPermission": "Lead<read>", "RequiredPermissionType": "Object Permission"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("added rows: %v", rows)
	}
	// The org lacking the row takes what a fresh org refuses...
	create(t, o, "PermissionSet", map[string]any{"Name": "Customizer", "Label": "Customizer", "PermissionsCustomizeApplication": true})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Contacts", "Label": "Contacts"})
	create(t, o, "ObjectPermissions", map[string]any{"ParentId": ps, "SobjectType": "Contact", "PermissionsRead": true})
	// ...and refuses what the added rows forbid.
	expectErr(t, do(t, o, "POST", v+"/sobjects/PermissionSet", map[string]any{"Name": "All_Data", "Label": "All Data", "PermissionsModifyAllData": true}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Modify All Data depends on permission(s): View All Data", []string{}...)
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/PermissionSet/"+ps, map[string]any{"PermissionsApiEnabled": true}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission API Enabled depends on permission(s): Read Lead", []string{}...)
	// The standard profiles follow the table (Setup enables prerequisites):
	// System Administrator has Modify All Data, so it gets View All Data.
	admin := query(t, o, "SELECT PermissionsModifyAllData, PermissionsViewAllData, PermissionsManageUsers, PermissionsViewRoles FROM Profile WHERE Name = 'System Administrator'")[0].(map[string]any)
	for _, f := range []string{"PermissionsModifyAllData", "PermissionsViewAllData", "PermissionsManageUsers", "PermissionsViewRoles"} {
		if admin[f] != true {
			t.Errorf("System Administrator %s = %v", f, admin[f])
		}
	}

	// A state file keeps the seed, and the rows follow it after a restart.
	path := filepath.Join(t.TempDir(), "state.json")
	o1, _ := newTestOrg(t, Options{Seed: seed, StatePath: path})
	_ = o1
	o2, _ := newTestOrg(t, Options{StatePath: path})
	if rows := toolingRows(t, o2, testToken, "SELECT Id FROM PermissionDependency WHERE Permission = 'ModifyAllData'"); len(rows) != 1 {
		t.Errorf("after a restart: %v", rows)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"RequiredPermissionType"`) {
		t.Error("the state file stores PermissionDependency rows; they are derived from the seed")
	}
}

func TestSeedPermissionDependencyErrors(t *testing.T) {
	tests := []struct {
		name string
		seed SeedPermissionDependencies
		want string
	}{
		{"remove a row the org lacks", SeedPermissionDependencies{Remove: []SeedPermissionDependency{{Permission: "ModifyAllData", RequiredPermission: "ViewAllData"}}},
			"permissionDependencies.remove[0]: the org has no dependency ModifyAllData → ViewAllData"},
		{"unknown user permission", SeedPermissionDependencies{Add: []SeedPermissionDependency{{Permission: "CustomiseApplication", RequiredPermission: "ViewSetup"}}},
			`permissionDependencies.add[0]: "CustomiseApplication": no user permission of that name in this org (a Metadata API name such as ViewSetup); did you mean "CustomizeApplication"?`},
		{"field name is not a permission name", SeedPermissionDependencies{Add: []SeedPermissionDependency{{Permission: "PermissionsViewSetup", RequiredPermission: "ViewSetup"}}},
			`permissionDependencies.add[0]: "PermissionsViewSetup": no user permission of that name in this org (a Metadata API name such as ViewSetup)`},
		{"unknown verb", SeedPermissionDependencies{Add: []SeedPermissionDependency{{Permission: "Account<edit>", RequiredPermission: "Account<read>"}}},
			`permissionDependencies.add[0]: "Account<edit>": unknown verb "edit" (want one of read, create, update, delete, viewAllRecords, modifyAllRecords, viewAllFields)`},
		{"object without object permissions", SeedPermissionDependencies{Add: []SeedPermissionDependency{{Permission: "User<read>", RequiredPermission: "Account<read>"}}},
			`permissionDependencies.add[0]: "User<read>": object permissions cannot name User in this org`},
		{"type contradicts the name", SeedPermissionDependencies{Add: []SeedPermissionDependency{{Permission: "ViewSetup", PermissionType: "Object Permission", RequiredPermission: "Account<read>"}}},
			`permissionDependencies.add[0]: "ViewSetup": an object permission is written Object<verb>, e.g. Account<read>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.seed
			_, err := New(Options{Seed: &Seed{PermissionDependencies: &s}})
			if err == nil || err.Error() != "emulator: seed the org: "+tt.want {
				t.Errorf("error %v\nwant %s", err, tt.want)
			}
		})
	}
	// The seed file's form, with its keys checked.
	path := filepath.Join(t.TempDir(), "seed.yaml")
	yaml := "permissionDependencies:\n  remove:\n    - {permission: CustomizeApplication, requiredPermission: ViewSetup}\n  add:\n    - {permission: ModifyAllData, requiredPermision: ViewAllData}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadSeed(path)
	want := path + `:5:35: unknown key "requiredPermision"; did you mean "requiredPermission"? (allowed: permission, permissionType, requiredPermission, requiredPermissionType)`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	yaml = "permissionDependencies:\n  add:\n    - {permission: ModifyAllData, permissionType: User}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadSeed(path)
	want = path + `: permissionDependencies.add[0]: permission and requiredPermission are required` + "\n" +
		path + `: permissionDependencies.add[0]: type "User": want "User Permission" or "Object Permission"`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// TestUserPermissionList checks the data file: every row has a source, the
// labels are unique per object, and the names the facts settle are right.
func TestUserPermissionList(t *testing.T) {
	list := schema.UserPermissions()
	byName := map[string]schema.UserPermission{}
	labels := map[string]string{}
	for _, p := range list {
		if p.Source == "" || p.Label == "" {
			t.Errorf("%s: no source or label", p.Name)
		}
		if other, dup := labels[p.Label]; dup && p.OnPermissionSet {
			t.Errorf("label %q on %s and %s", p.Label, other, p.Name)
		}
		if p.OnPermissionSet {
			labels[p.Label] = p.Name
		}
		byName[p.Name] = p
	}
	if p := byName["CanApproveUninstalledApps"]; p.Field() != "" || p.ProfileField() != "" || p.Label != "Approve Uninstalled Connected Apps" {
		t.Errorf("CanApproveUninstalledApps: %+v", p)
	}
	if _, ok := byName["ApproveUninstalledConnectedApps"]; ok {
		t.Error("ApproveUninstalledConnectedApps has no live-org source")
	}
	if p := byName["CreateAuditFields"]; p.Pref != "enableAuditFieldsInactiveOwner" || p.Field() != "PermissionsCreateAuditFields" {
		t.Errorf("CreateAuditFields: %+v", p)
	}
	if p := byName["InstallPackaging"]; p.ProfileField() != "PermissionsInstallMultiforce" {
		t.Errorf("InstallPackaging: %+v", p)
	}
	if p := byName["DebugApex"]; !p.Unconfirmed() {
		t.Errorf("DebugApex has no source but is not UNCONFIRMED: %+v", p)
	}
	if p := byName["ApiEnabled"]; p.Unconfirmed() || p.Source != "ncf64" {
		t.Errorf("ApiEnabled: %+v", p)
	}
}
