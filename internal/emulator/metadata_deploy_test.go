package emulator

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"sort"
	"strings"
	"testing"
)

// mdZip builds a deploy zip from path → content.
func mdZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// packageXML writes a package.xml naming type → members.
func packageXML(version string, types map[string][]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Package xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString("    <types>\n")
		for _, m := range types[n] {
			b.WriteString("        <members>" + m + "</members>\n")
		}
		b.WriteString("        <name>" + n + "</name>\n    </types>\n")
	}
	b.WriteString("    <version>" + version + "</version>\n</Package>\n")
	return b.String()
}

// mdFile wraps elements in a component file's root.
func mdFile(root, body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<` + root + ` xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n" + body + `</` + root + ">\n"
}

// postDeploy sends a multipart deploy with the options under part.
func postDeploy(t testing.TB, h http.Handler, part string, opts map[string]any, zipped []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	jh := textproto.MIMEHeader{}
	jh.Set("Content-Disposition", `form-data; name="`+part+`"`)
	jh.Set("Content-Type", "application/json")
	jp, _ := mw.CreatePart(jh)
	b, _ := json.Marshal(map[string]any{"deployOptions": opts})
	jp.Write(b)
	fh := textproto.MIMEHeader{}
	fh.Set("Content-Disposition", `form-data; name="file"; filename="deploy.zip"`)
	fh.Set("Content-Type", "application/zip")
	fp, _ := mw.CreatePart(fh)
	fp.Write(zipped)
	mw.Close()
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080"+v+"/metadata/deployRequest", &body)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// deploy posts a deploy and polls it to its end; it returns the final deployResult.
func deploy(t testing.TB, h http.Handler, opts map[string]any, files map[string]string) map[string]any {
	t.Helper()
	r := postDeploy(t, h, "json", opts, mdZip(t, files))
	if r.status != 201 {
		t.Fatalf("deploy: %d %s", r.status, r.body)
	}
	id := r.obj(t)["id"].(string)
	for i := 0; i < 10; i++ {
		s := do(t, h, "GET", v+"/metadata/deployRequest/"+id+"?includeDetails=true", nil)
		if s.status != 200 {
			t.Fatalf("deploy status: %d %s", s.status, s.body)
		}
		res := s.obj(t)["deployResult"].(map[string]any)
		if res["done"] == true {
			return res
		}
	}
	t.Fatal("deploy never ended")
	return nil
}

func failures(res map[string]any) []map[string]any {
	var out []map[string]any
	for _, f := range res["details"].(map[string]any)["componentFailures"].([]any) {
		out = append(out, f.(map[string]any))
	}
	return out
}

func problems(res map[string]any) []string {
	var out []string
	for _, f := range failures(res) {
		out = append(out, fmt.Sprint(f["problem"]))
	}
	return out
}

// toolingOne runs a Tooling query expected to return one record.
func toolingOne(t testing.TB, h http.Handler, q string) map[string]any {
	t.Helper()
	r := do(t, h, "GET", v+"/tooling/query?q="+urlQuery(q), nil)
	if r.status != 200 {
		t.Fatalf("tooling query %q: %d %s", q, r.status, r.body)
	}
	recs := r.obj(t)["records"].([]any)
	if len(recs) != 1 {
		t.Fatalf("tooling query %q: %d rows", q, len(recs))
	}
	return recs[0].(map[string]any)
}

func rtvProfile(entries string) string { return mdFile("Profile", entries) }

func rtvEntry(rt string, def, visible bool) string {
	return fmt.Sprintf("    <recordTypeVisibilities>\n        <default>%v</default>\n        <recordType>%s</recordType>\n        <visible>%v</visible>\n    </recordTypeVisibilities>\n", def, rt, visible)
}

func TestDeployCreateAnswerAndPolling(t *testing.T) {
	o, _ := newTestOrg(t, Options{DeployPolls: 2})
	create(t, o, "RecordType", map[string]any{"Name": "Customer", "DeveloperName": "Customer", "SobjectType": "Account", "IsActive": true})
	files := map[string]string{
		"package.xml":            packageXML("62.0", map[string][]string{"Profile": {"Admin"}}),
		"profiles/Admin.profile": rtvProfile(rtvEntry("Account.Customer", true, true)),
	}
	for _, part := range []string{"json", "entity_content"} {
		r := postDeploy(t, o, part, map[string]any{"rollbackOnError": true}, mdZip(t, files))
		if r.status != 201 {
			t.Fatalf("%s: %d %s", part, r.status, r.body)
		}
		body := r.obj(t)
		id := body["id"].(string)
		if !strings.HasPrefix(id, "0Af") || len(id) != 18 {
			t.Errorf("id %q", id)
		}
		raw := string(r.body)
		for _, k := range []string{`"validatedDeployRequestId":null`, `"deployOptions":{"allowMissingFiles":false,"autoUpdatePackage":false,"checkOnly":false,"ignoreWarnings":false,"performRetrieve":false,"purgeOnDelete":false,"rollbackOnError":true,"runTests":[],"singlePackage":false,"testLevel":null}`,
			`"status":"Pending"`, `"done":false`, `"details":null`, `"url":"http://127.0.0.1:8080/services/data/v62.0/metadata/deployRequest/` + id + `"`} {
			if !strings.Contains(raw, k) {
				t.Errorf("%s: create answer lacks %s: %s", part, k, raw)
			}
		}
		// Two reads in progress, then the end.
		for i, want := range []string{"InProgress", "InProgress", "Succeeded", "Succeeded"} {
			s := do(t, o, "GET", v+"/metadata/deployRequest/"+id+"?includeDetails=true", nil).obj(t)
			res := s["deployResult"].(map[string]any)
			if res["status"] != want {
				t.Fatalf("%s read %d: status %v, want %s", part, i+1, res["status"], want)
			}
			if want == "Succeeded" {
				if res["done"] != true || res["success"] != true || res["numberComponentsDeployed"] != 1.0 || res["numberComponentsTotal"] != 1.0 || res["numberComponentErrors"] != 0.0 {
					t.Errorf("final result %v", res)
				}
				succ := res["details"].(map[string]any)["componentSuccesses"].([]any)
				if len(succ) != 2 || succ[0].(map[string]any)["fullName"] != "package.xml" || succ[1].(map[string]any)["fileName"] != "profiles/Admin.profile" {
					t.Errorf("successes %v", succ)
				}
			}
		}
	}
	if r := do(t, o, "GET", v+"/metadata/deployRequest/0Af000000000999AAA", nil); r.status != 404 {
		t.Errorf("unknown deploy: %d", r.status)
	}
	if r := do(t, o, "GET", v+"/metadata/deployRequest", nil); r.status != 405 {
		t.Errorf("GET collection: %d %s", r.status, r.body)
	}
}

func TestDeployProfileRecordTypeVisibilities(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, dev := range []string{"Customer", "Partner"} {
		create(t, o, "RecordType", map[string]any{"Name": dev, "DeveloperName": dev, "SobjectType": "Account", "IsActive": true})
	}
	create(t, o, "RecordType", map[string]any{"Name": "Support", "DeveloperName": "Support", "SobjectType": "Case", "IsActive": true})
	pkg := packageXML("62.0", map[string][]string{"Profile": {"Admin"}})
	res := deploy(t, o, map[string]any{}, map[string]string{"package.xml": pkg,
		"profiles/Admin.profile": rtvProfile(rtvEntry("Account.Customer", true, true) + rtvEntry("Account.Partner", false, true))})
	if res["status"] != "Succeeded" {
		t.Fatalf("deploy: %v", problems(res))
	}
	md := toolingOne(t, o, "SELECT Id, FullName, Metadata FROM Profile WHERE Name = 'System Administrator'")
	got, _ := json.Marshal(md["Metadata"].(map[string]any)["recordTypeVisibilities"])
	want := `[{"default":true,"personAccountDefault":null,"recordType":"Account.Customer","visible":true},{"default":false,"personAccountDefault":null,"recordType":"Account.Partner","visible":true},{"default":false,"personAccountDefault":null,"recordType":"Case.Support","visible":false}]`
	if string(got) != want {
		t.Errorf("recordTypeVisibilities\n got %s\nwant %s", got, want)
	}
	// A partial deploy changes only what it names; its default replaces the old one.
	res = deploy(t, o, map[string]any{}, map[string]string{"package.xml": pkg,
		"profiles/Admin.profile": rtvProfile(rtvEntry("Account.Partner", true, true))})
	if res["status"] != "Succeeded" {
		t.Fatalf("second deploy: %v", problems(res))
	}
	pid := md["Id"].(string)
	got, _ = json.Marshal(do(t, o, "GET", v+"/tooling/sobjects/Profile/"+pid, nil).obj(t)["Metadata"].(map[string]any)["recordTypeVisibilities"])
	want = `[{"default":false,"personAccountDefault":null,"recordType":"Account.Customer","visible":true},{"default":true,"personAccountDefault":null,"recordType":"Account.Partner","visible":true},{"default":false,"personAccountDefault":null,"recordType":"Case.Support","visible":false}]`
	if string(got) != want {
		t.Errorf("after partial deploy\n got %s\nwant %s", got, want)
	}
}

func TestDeployFailures(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	create(t, o, "RecordType", map[string]any{"Name": "Customer", "DeveloperName": "Customer", "SobjectType": "Account", "IsActive": true})
	profPkg := packageXML("62.0", map[string][]string{"Profile": {"Admin"}})
	cases := []struct {
		name    string
		files   map[string]string
		opts    map[string]any
		status  string
		failure map[string]any // expected keys of the first failure
	}{
		{"unknown record type", map[string]string{"package.xml": profPkg,
			"profiles/Admin.profile": rtvProfile(rtvEntry("Account.Foo", false, true))}, nil, "Failed",
			map[string]any{"componentType": "Profile", "fullName": "Admin", "fileName": "profiles/Admin.profile", "lineNumber": 3.0, "columnNumber": 29.0,
				"problem": "In field: recordType - no RecordType named Account.Foo found", "problemType": "Error", "success": false,
				"created": false, "changed": false, "deleted": false}},
		{"unknown type", map[string]string{"package.xml": packageXML("62.0", map[string][]string{"FooType": {"X"}})}, nil, "Failed",
			map[string]any{"fileName": "package.xml", "fullName": "package.xml", "problem": "Unknown type name 'FooType' specified in package.xml"}},
		{"missing file", map[string]string{"package.xml": profPkg}, nil, "Failed",
			map[string]any{"fileName": "package.xml", "componentType": "Profile", "fullName": "Admin",
				"problem": "An object 'Admin' of type Profile was named in package.xml, but was not found in zipped directory"}},
		{"missing file allowed", map[string]string{"package.xml": profPkg}, map[string]any{"allowMissingFiles": true}, "Succeeded", nil},
		{"not in package.xml", map[string]string{"package.xml": packageXML("62.0", nil), "profiles/Admin.profile": rtvProfile("")}, nil, "Failed",
			map[string]any{"fileName": "profiles/Admin.profile", "fullName": "Admin", "problem": "Not in package.xml"}},
		{"no package.xml", map[string]string{"profiles/Admin.profile": rtvProfile("")}, nil, "Failed",
			map[string]any{"fileName": "package.xml", "problem": "No package.xml found"}},
		{"invalid element", map[string]string{"package.xml": profPkg,
			"profiles/Admin.profile": rtvProfile("    <recordTypeVisibilities>\n        <recordType>Account.Customer</recordType>\n        <hidden>true</hidden>\n    </recordTypeVisibilities>\n")}, nil, "Failed",
			map[string]any{"problem": "Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}hidden invalid at this location in type ProfileRecordTypeVisibility", "lineNumber": 5.0}},
		{"unknown user permission", map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Ops"}}),
			"permissionsets/Ops.permissionset": mdFile("PermissionSet", "    <label>Ops</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>EinsteinGPTSalesEmailsUser</name>\n    </userPermissions>\n")}, nil, "Failed",
			map[string]any{"componentType": "PermissionSet", "fullName": "Ops", "problem": "Unknown user permission: EinsteinGPTSalesEmailsUser", "lineNumber": nil}},
		{"label missing", map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Ops"}}),
			"permissionsets/Ops.permissionset": mdFile("PermissionSet", "")}, nil, "Failed",
			map[string]any{"problem": "Required field is missing: label"}},
		{"connected app creation", map[string]string{"package.xml": packageXML("62.0", map[string][]string{"ConnectedApp": {"New_App"}}),
			"connectedApps/New_App.connectedApp": mdFile("ConnectedApp", "    <label>New App</label>\n")}, nil, "Failed",
			map[string]any{"componentType": "ConnectedApp", "problem": "You can't create a connected app. To enable connected app creation, contact Salesforce Customer Support."}},
		{"prerequisite missing", map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Ops"}}),
			"permissionsets/Ops.permissionset": mdFile("PermissionSet", "    <label>Ops</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>CustomizeApplication</name>\n    </userPermissions>\n")}, nil, "Failed",
			map[string]any{"problem": "Permission Customize Application depends on permission(s): View Setup and Configuration"}},
		{"audit permission before its preference", map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Ops"}, "Settings": {"Security"}}),
			"settings/Security.settings":       mdFile("SecuritySettings", "    <enableAuditFieldsInactiveOwner>true</enableAuditFieldsInactiveOwner>\n"),
			"permissionsets/Ops.permissionset": mdFile("PermissionSet", "    <label>Ops</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>CreateAuditFields</name>\n    </userPermissions>\n")}, nil, "Failed",
			map[string]any{"problem": "Unknown user permission: CreateAuditFields"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if opts == nil {
				opts = map[string]any{}
			}
			res := deploy(t, o, opts, tc.files)
			if res["status"] != tc.status {
				t.Fatalf("status %v, want %s (failures %v)", res["status"], tc.status, problems(res))
			}
			if tc.failure == nil {
				return
			}
			fs := failures(res)
			if len(fs) == 0 {
				t.Fatal("no failure")
			}
			for k, want := range tc.failure {
				if got, ok := fs[0][k]; !ok || got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
			if res["success"] != false || res["numberComponentErrors"].(float64) < 1 {
				t.Errorf("result %v", res)
			}
		})
	}
	// Nothing of the failed deploys stayed: the Ops set does not exist, and
	// the preference is still off.
	if n := len(query(t, o, "SELECT Id FROM PermissionSet WHERE Name = 'Ops'")); n != 0 {
		t.Errorf("Ops exists after failed deploys: %d", n)
	}
	if d := do(t, o, "GET", v+"/sobjects/PermissionSet/describe", nil); strings.Contains(string(d.body), "PermissionsCreateAuditFields") {
		t.Error("the audit-fields preference is on after a rolled-back deploy")
	}
}

func TestDeployRollbackCheckOnlyAndPartial(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	good := mdFile("PermissionSet", "    <label>Good</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n")
	bad := mdFile("PermissionSet", "    <label>Bad</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>NoSuchPermission</name>\n    </userPermissions>\n")
	files := map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Good", "Bad"}}),
		"permissionsets/Good.permissionset": good, "permissionsets/Bad.permissionset": bad}
	count := func() int { return len(query(t, o, "SELECT Id FROM PermissionSet WHERE Name IN ('Good', 'Bad')")) }
	// rollbackOnError (the default): nothing is committed.
	if res := deploy(t, o, map[string]any{}, files); res["status"] != "Failed" || res["numberComponentsDeployed"] != 1.0 || count() != 0 {
		t.Errorf("rollback: %v deployed %v, %d sets", res["status"], res["numberComponentsDeployed"], count())
	}
	// checkOnly: validated, nothing committed even when it succeeds.
	only := map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Good"}}), "permissionsets/Good.permissionset": good}
	if res := deploy(t, o, map[string]any{"checkOnly": "true"}, only); res["status"] != "Succeeded" || res["checkOnly"] != true || count() != 0 {
		t.Errorf("checkOnly: %v, %d sets", res["status"], count())
	}
	// rollbackOnError false: the good component stays.
	res := deploy(t, o, map[string]any{"rollbackOnError": false}, files)
	if res["status"] != "SucceededPartial" || count() != 1 {
		t.Errorf("partial: %v, %d sets (%v)", res["status"], count(), problems(res))
	}
}

func TestDeployPermissionSet(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	create(t, o, "RecordType", map[string]any{"Name": "Partner", "DeveloperName": "Partner", "SobjectType": "Account", "IsActive": true})
	pkg := packageXML("62.0", map[string][]string{"PermissionSet": {"sfprov_Metadata_Permissions"}})
	file := mdFile("PermissionSet", `    <description>Permissions only the Metadata API sets</description>
    <label>sfprov Metadata Permissions</label>
    <recordTypeVisibilities>
        <recordType>Account.Partner</recordType>
        <visible>true</visible>
    </recordTypeVisibilities>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>CanApproveUninstalledApps</name>
    </userPermissions>
`)
	res := deploy(t, o, map[string]any{}, map[string]string{"package.xml": pkg, "permissionsets/sfprov_Metadata_Permissions.permissionset": file})
	if res["status"] != "Succeeded" {
		t.Fatalf("deploy: %v", problems(res))
	}
	succ := res["details"].(map[string]any)["componentSuccesses"].([]any)[1].(map[string]any)
	if succ["created"] != true || succ["changed"] != true || !strings.HasPrefix(fmt.Sprint(succ["id"]), "0PS") {
		t.Errorf("success %v", succ)
	}
	rec := toolingOne(t, o, "SELECT Id, FullName, Metadata FROM PermissionSet WHERE Name = 'sfprov_Metadata_Permissions'")
	if rec["FullName"] != "sfprov_Metadata_Permissions" {
		t.Errorf("FullName %v", rec["FullName"])
	}
	md := rec["Metadata"].(map[string]any)
	perms, _ := json.Marshal(md["userPermissions"])
	if string(perms) != `[{"enabled":true,"name":"ApiEnabled"},{"enabled":true,"name":"CanApproveUninstalledApps"}]` {
		t.Errorf("userPermissions %s", perms)
	}
	rtv, _ := json.Marshal(md["recordTypeVisibilities"])
	if string(rtv) != `[{"recordType":"Account.Partner","visible":true}]` || md["label"] != "sfprov Metadata Permissions" || md["description"] != "Permissions only the Metadata API sets" {
		t.Errorf("Metadata %v", md)
	}
	// The data API has no field for the Metadata-only permission.
	data := do(t, o, "GET", v+"/sobjects/PermissionSet/"+rec["Id"].(string), nil)
	if strings.Contains(string(data.body), "CanApproveUninstalledApps") || !strings.Contains(string(data.body), `"PermissionsApiEnabled":true`) {
		t.Errorf("data record: %s", data.body)
	}
	// From API 40.0 a deploy replaces the set: a permission left out is removed.
	res = deploy(t, o, map[string]any{}, map[string]string{"package.xml": pkg,
		"permissionsets/sfprov_Metadata_Permissions.permissionset": mdFile("PermissionSet", "    <label>sfprov Metadata Permissions</label>\n")})
	if res["status"] != "Succeeded" {
		t.Fatalf("redeploy: %v", problems(res))
	}
	md = toolingOne(t, o, "SELECT Id, FullName, Metadata FROM PermissionSet WHERE Name = 'sfprov_Metadata_Permissions'")["Metadata"].(map[string]any)
	if len(md["userPermissions"].([]any)) != 0 || len(md["recordTypeVisibilities"].([]any)) != 0 || md["description"] != nil {
		t.Errorf("after replacing deploy: %v", md)
	}
}

func TestDeploySecuritySettingsAddsAuditPermissions(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	hasField := func() bool {
		return strings.Contains(string(do(t, o, "GET", v+"/sobjects/PermissionSet/describe", nil).body), `"name":"PermissionsCreateAuditFields"`)
	}
	if hasField() {
		t.Fatal("a new org has the audit-fields permission")
	}
	res := deploy(t, o, map[string]any{}, map[string]string{"package.xml": packageXML("62.0", map[string][]string{"Settings": {"Security"}}),
		"settings/Security.settings": mdFile("SecuritySettings", "    <enableAuditFieldsInactiveOwner>true</enableAuditFieldsInactiveOwner>\n")})
	if res["status"] != "Succeeded" || !hasField() {
		t.Fatalf("deploy: %v %v, field %v", res["status"], problems(res), hasField())
	}
	// Then a permission set can hold it, through the data API and through a deploy.
	res = deploy(t, o, map[string]any{}, map[string]string{"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Audit"}}),
		"permissionsets/Audit.permissionset": mdFile("PermissionSet", "    <label>Audit</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>CreateAuditFields</name>\n    </userPermissions>\n")})
	if res["status"] != "Succeeded" {
		t.Fatalf("permission set: %v", problems(res))
	}
	if recs := query(t, o, "SELECT PermissionsCreateAuditFields FROM PermissionSet WHERE Name = 'Audit'"); recs[0].(map[string]any)["PermissionsCreateAuditFields"] != true {
		t.Errorf("Audit: %v", recs)
	}
}

func TestDeployRemoteSiteSetting(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	site := func(url string) string {
		return mdFile("RemoteSiteSetting", "    <disableProtocolSecurity>false</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>"+url+"</url>\n")
	}
	pkg := packageXML("62.0", map[string][]string{"RemoteSiteSetting": {"Billing_API"}})
	for _, url := range []string{"https://billing.example.com", "https://billing2.example.com"} {
		res := deploy(t, o, map[string]any{}, map[string]string{"package.xml": pkg, "remoteSiteSettings/Billing_API.remoteSite": site(url)})
		if res["status"] != "Succeeded" {
			t.Fatalf("deploy: %v", problems(res))
		}
		rec := toolingOne(t, o, "SELECT Id, SiteName, EndpointUrl, IsActive FROM RemoteProxy WHERE SiteName = 'Billing_API'")
		if rec["EndpointUrl"] != url || rec["IsActive"] != true {
			t.Errorf("RemoteProxy %v", rec)
		}
	}
}

func TestDeployCancelAndNestedZip(t *testing.T) {
	o, _ := newTestOrg(t, Options{DeployPolls: 3})
	files := map[string]string{"metadata/package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Ops"}}),
		"metadata/permissionsets/Ops.permissionset": mdFile("PermissionSet", "    <label>Ops</label>\n")}
	r := postDeploy(t, o, "json", map[string]any{}, mdZip(t, files))
	id := r.obj(t)["id"].(string)
	c := do(t, o, "PATCH", v+"/metadata/deployRequest/"+id, map[string]any{"deployResult": map[string]any{"status": "Canceling"}})
	if c.status != 202 || c.obj(t)["deployResult"].(map[string]any)["status"] != "Canceling" {
		t.Fatalf("cancel: %d %s", c.status, c.body)
	}
	s := do(t, o, "GET", v+"/metadata/deployRequest/"+id, nil).obj(t)["deployResult"].(map[string]any)
	if s["status"] != "Canceled" || s["done"] != true || len(query(t, o, "SELECT Id FROM PermissionSet WHERE Name = 'Ops'")) != 0 {
		t.Errorf("after cancel: %v", s)
	}
	// The same zip, package.xml under one top folder (CumulusCI's layout).
	res := deploy(t, o, map[string]any{}, files)
	if res["status"] != "Succeeded" {
		t.Fatalf("nested: %v", problems(res))
	}
	if f := res["details"].(map[string]any)["componentSuccesses"].([]any)[1].(map[string]any)["fileName"]; f != "metadata/permissionsets/Ops.permissionset" {
		t.Errorf("fileName %v", f)
	}
	// singlePackage needs package.xml at the root.
	if res := deploy(t, o, map[string]any{"singlePackage": true}, files); res["status"] != "Failed" || problems(res)[0] != "No package.xml found" {
		t.Errorf("singlePackage: %v %v", res["status"], problems(res))
	}
}

// TestMetadataDeployOverHTTP is a client's whole round: a zip and a
// multipart body built by hand, sent over HTTP, the deploy polled, the
// result read back through Tooling; then the org restarted from its state
// file still has it.
func TestMetadataDeployOverHTTP(t *testing.T) {
	state := t.TempDir() + "/state.json"
	o, _ := newTestOrg(t, Options{StatePath: state})
	srv := httptest.NewServer(o)
	defer srv.Close()
	call := func(method, path, ctype string, body []byte) (int, map[string]any) {
		req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	rtBody, _ := json.Marshal(map[string]any{"Name": "Customer", "DeveloperName": "Customer", "SobjectType": "Account", "IsActive": true})
	if st, _ := call("POST", v+"/sobjects/RecordType", "application/json", rtBody); st != 201 {
		t.Fatalf("record type: %d", st)
	}
	zipped := mdZip(t, map[string]string{
		"package.xml":                      packageXML("62.0", map[string][]string{"Profile": {"Admin"}, "PermissionSet": {"Ops"}}),
		"profiles/Admin.profile":           rtvProfile(rtvEntry("Account.Customer", true, true)),
		"permissionsets/Ops.permissionset": mdFile("PermissionSet", "    <label>Ops</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>CanApproveUninstalledApps</name>\n    </userPermissions>\n"),
	})
	var body bytes.Buffer
	boundary := "sfprov-test-boundary"
	body.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"entity_content\"\r\nContent-Type: application/json\r\n\r\n")
	body.WriteString(`{"deployOptions":{"rollbackOnError":true,"singlePackage":true}}` + "\r\n")
	body.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"package.xml\"\r\nContent-Type: application/zip\r\n\r\n")
	body.Write(zipped)
	body.WriteString("\r\n--" + boundary + "--\r\n")
	st, created := call("POST", v+"/metadata/deployRequest", "multipart/form-data; boundary="+boundary, body.Bytes())
	if st != 201 {
		t.Fatalf("deploy: %d %v", st, created)
	}
	id := created["id"].(string)
	var res map[string]any
	for i := 0; i < 5 && (res == nil || res["done"] != true); i++ {
		_, s := call("GET", v+"/metadata/deployRequest/"+id+"?includeDetails=true", "", nil)
		res = s["deployResult"].(map[string]any)
	}
	if res["status"] != "Succeeded" || res["numberComponentsDeployed"] != 2.0 {
		t.Fatalf("deploy ended %v", res)
	}
	check := func(h http.Handler) {
		t.Helper()
		prof := toolingOne(t, h, "SELECT Id, FullName, Metadata FROM Profile WHERE Name = 'System Administrator'")
		if got, _ := json.Marshal(prof["Metadata"].(map[string]any)["recordTypeVisibilities"]); string(got) != `[{"default":true,"personAccountDefault":null,"recordType":"Account.Customer","visible":true}]` {
			t.Errorf("profile %s", got)
		}
		ps := toolingOne(t, h, "SELECT Id, FullName, Metadata FROM PermissionSet WHERE Name = 'Ops'")
		if got, _ := json.Marshal(ps["Metadata"].(map[string]any)["userPermissions"]); string(got) != `[{"enabled":true,"name":"CanApproveUninstalledApps"}]` {
			t.Errorf("permission set %s", got)
		}
	}
	check(o)
	again, _ := newTestOrg(t, Options{StatePath: state})
	check(again)
}
