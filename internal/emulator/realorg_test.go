package emulator

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// Tests for answers in which real clients found the emulator differing from
// a real org. Each asserts the status and the exact body.

// expectBody checks a response's status and its whole body (the trailing
// newline of the encoder aside).
func expectBody(t *testing.T, r resp, status int, body string) {
	t.Helper()
	if r.status != status || strings.TrimSuffix(string(r.body), "\n") != body {
		t.Fatalf("got %d %s\nwant %d %s", r.status, r.body, status, body)
	}
}

func TestMalformedIDInPathIsAnUnknownExternalIDField(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		var body any
		if m == "PATCH" {
			body = map[string]any{"Name": "x"}
		}
		expectBody(t, do(t, o, m, v+"/sobjects/Account/notAnId", body), 404,
			`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: notAnId"}]`)
		expectBody(t, do(t, o, m, v+"/sobjects/Account/-1", body), 404,
			`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: -1"}]`)
		// A well-formed Id that names no record: the generic 404.
		expectBody(t, do(t, o, m, v+"/sobjects/Account/001000000000000AAA", body), 404,
			`[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
	// An 18-character Id whose case-checksum suffix is wrong is not an Id either.
	id := create(t, o, "Account", map[string]any{"Name": "Acme"})
	bad := id[:15] + "ZZZ"
	expectBody(t, do(t, o, "GET", v+"/tooling/sobjects/RemoteProxy/"+bad, nil), 404,
		`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: `+bad+`"}]`)
	if r := do(t, o, "GET", v+"/sobjects/Account/"+id[:15], nil); r.status != 200 {
		t.Errorf("15-character Id: %d %s", r.status, r.body)
	}
}

func TestCollectionUpsertRefusesAnExternalIDNamedTwice(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	contact := func(email, last string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Contact"}, "Email": email, "LastName": last}
	}
	r := do(t, o, "PATCH", v+"/composite/sobjects/Contact/Email", map[string]any{"records": []any{
		contact("twice@example.com", "One"), contact("once@example.com", "Alone"), contact("TWICE@example.com", "Two")}})
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	res := r.json(t).([]any)
	id := res[1].(map[string]any)["id"].(string)
	expectBody(t, r, 200, `[{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"Duplicate external id specified: twice@example.com","fields":[]}],"created":false},`+
		`{"id":"`+id+`","success":true,"errors":[],"created":true},`+
		`{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"Duplicate external id specified: TWICE@example.com","fields":[]}],"created":false}]`)
	if got := query(t, o, "SELECT Id FROM Contact WHERE Email = 'twice@example.com'"); len(got) != 0 {
		t.Errorf("a duplicated key made records: %v", got)
	}
	// The same for a key that already exists, and allOrNone rolls the rest back.
	r = do(t, o, "PATCH", v+"/composite/sobjects/Contact/Email", map[string]any{"allOrNone": true, "records": []any{
		contact("once@example.com", "Again"), contact("once@example.com", "Again2"), contact("new@example.com", "New")}})
	expectBody(t, r, 200, `[{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"Duplicate external id specified: once@example.com","fields":[]}],"created":false},`+
		`{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"Duplicate external id specified: once@example.com","fields":[]}],"created":false},`+
		`{"success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}],"created":false}]`)
	if got := query(t, o, "SELECT LastName FROM Contact WHERE Email = 'once@example.com'"); len(got) != 1 || got[0].(map[string]any)["LastName"] != "Alone" {
		t.Errorf("the existing record changed: %v", got)
	}
}

func TestCompressedRequestsAndResponses(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	send := func(method, path, contentEncoding, acceptEncoding string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		if contentEncoding != "" {
			req.Header.Set("Content-Encoding", contentEncoding)
		}
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return rec
	}
	account := []byte(`{"Name":"Compressed"}`)
	var gz, zl, raw bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(account)
	gw.Close()
	zw := zlib.NewWriter(&zl)
	zw.Write(account)
	zw.Close()
	fw, _ := flate.NewWriter(&raw, flate.DefaultCompression)
	fw.Write(account)
	fw.Close()
	for _, tt := range []struct {
		enc  string
		body []byte
	}{{"gzip", gz.Bytes()}, {"deflate", zl.Bytes()}, {"deflate", raw.Bytes()}} {
		rec := send("POST", v+"/sobjects/Account", tt.enc, "", tt.body)
		if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"success":true`) {
			t.Errorf("%s request: %d %s", tt.enc, rec.Code, rec.Body)
		}
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE Name = 'Compressed'")); n != 3 {
		t.Errorf("%d accounts made from compressed bodies, want 3", n)
	}
	rec := send("POST", v+"/sobjects/Account", "gzip", "", account)
	if rec.Code != 400 || strings.TrimSpace(rec.Body.String()) != `[{"message":"could not read the request body","errorCode":"JSON_PARSER_ERROR"}]` {
		t.Errorf("a body that is not gzip: %d %s", rec.Code, rec.Body)
	}

	// Responses: compressed when accepted, plain otherwise, never for 204.
	for _, tt := range []struct{ accept, enc string }{{"gzip", "gzip"}, {"deflate, gzip;q=1.0", "gzip"}, {"deflate", "deflate"}, {"gzip;q=0, deflate", "deflate"}, {"br", ""}, {"identity", ""}} {
		rec := send("GET", v+"/limits", "", tt.accept, nil)
		if got := rec.Header().Get("Content-Encoding"); got != tt.enc || rec.Code != 200 {
			t.Errorf("Accept-Encoding %q: %d Content-Encoding %q, want %q", tt.accept, rec.Code, got, tt.enc)
			continue
		}
		body := rec.Body.Bytes()
		var rd io.Reader
		switch tt.enc {
		case "gzip":
			rd, _ = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			rd, _ = zlib.NewReader(bytes.NewReader(body))
		default:
			rd = bytes.NewReader(body)
		}
		got, err := io.ReadAll(rd)
		var m map[string]map[string]any
		if err != nil || json.Unmarshal(got, &m) != nil || m["DailyApiRequests"]["Max"] != 15000.0 {
			t.Errorf("Accept-Encoding %q: body %q (%v)", tt.accept, got, err)
		}
	}
	id := create(t, o, "Account", map[string]any{"Name": "Gone"})
	if rec := send("DELETE", v+"/sobjects/Account/"+id, "", "gzip", nil); rec.Code != 204 || rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != 0 {
		t.Errorf("204: %d %q %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body)
	}
	// Errors are compressed like any body; XML too.
	rec = send("GET", v+"/sobjects/Nope__c", "", "gzip", nil)
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatalf("404 not gzip: %v %q", err, rec.Body)
	}
	if got, _ := io.ReadAll(zr); rec.Code != 404 || strings.TrimSpace(string(got)) != `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]` {
		t.Errorf("404: %d %s", rec.Code, got)
	}
	rec = send("GET", v+"/limits.xml", "", "gzip", nil)
	zr, err = gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatalf("XML not gzip: %v", err)
	}
	if got, _ := io.ReadAll(zr); !bytes.HasPrefix(got, []byte("<?xml")) {
		t.Errorf("XML: %.80s", got)
	}
}

func TestToolingMetadataAndFullNameOnlyForOneRow(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, n := range []string{"Site_One", "Site_Two", "Site_Three"} {
		r := do(t, o, "POST", v+"/tooling/sobjects/RemoteProxy", map[string]any{"FullName": n, "Metadata": map[string]any{"url": "https://" + n + ".example.com", "isActive": true}})
		if r.status != 201 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	tq := func(q string) resp { return do(t, o, "GET", v+"/tooling/query?q="+urlQuery(q), nil) }
	const msg = `[{"message":"When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: %d","errorCode":"MALFORMED_QUERY"}]`
	expectBody(t, tq("SELECT Id, FullName FROM RemoteProxy"), 400, fmt.Sprintf(msg, 3))
	expectBody(t, tq("SELECT Metadata FROM RemoteProxy WHERE SiteName != 'Site_One'"), 400, fmt.Sprintf(msg, 2))
	expectBody(t, tq("SELECT Id, Metadata FROM RemoteProxy LIMIT 2"), 400, fmt.Sprintf(msg, 2))
	for _, q := range []string{
		"SELECT Id, FullName, Metadata FROM RemoteProxy WHERE SiteName = 'Site_Two'",
		"SELECT FullName FROM RemoteProxy LIMIT 1",
		"SELECT Id, SiteName FROM RemoteProxy",
		"SELECT COUNT() FROM RemoteProxy",
	} {
		if r := tq(q); r.status != 200 {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	if r := tq("SELECT FullName FROM RemoteProxy WHERE SiteName = 'Site_Two'"); r.obj(t)["records"].([]any)[0].(map[string]any)["FullName"] != "Site_Two" {
		t.Errorf("one row: %s", r.body)
	}
}

func TestToolingProfileHasFullNameAndMetadata(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	tq := func(q string) resp { return do(t, o, "GET", v+"/tooling/query?q="+urlQuery(q), nil) }
	r := tq("SELECT Id, FullName, Metadata FROM Profile WHERE Name = 'Standard User'")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	rec := r.obj(t)["records"].([]any)[0].(map[string]any)
	if rec["FullName"] != "Standard" {
		t.Errorf("FullName %v", rec["FullName"])
	}
	md := rec["Metadata"].(map[string]any)
	// The keys in the order served, every one present.
	raw := string(r.body)
	order := []string{"applicationVisibilities", "categoryGroupVisibilities", "classAccesses", "custom", "customMetadataTypeAccesses",
		"customPermissions", "description", "externalDataSourceAccesses", "fieldPermissions", "flowAccesses", "layoutAssignments",
		"loginHours", "loginIpRanges", "objectPermissions", "pageAccesses", "profileActionOverrides", "recordTypeVisibilities",
		"tabVisibilities", "urls", "userLicense", "userPermissions"}
	last := 0
	for _, k := range order {
		i := strings.Index(raw, `"`+k+`":`)
		if _, ok := md[k]; !ok || i < last {
			t.Errorf("Metadata key %s missing or out of order", k)
		}
		last = i
	}
	if len(md) != len(order) || md["custom"] != false || md["userLicense"] != "Salesforce" || md["loginHours"] != nil || md["urls"] != nil || md["description"] != nil {
		t.Errorf("Metadata %v", md)
	}
	if !strings.Contains(raw, `{"enabled":true,"name":"ApiEnabled"}`) {
		t.Errorf("userPermissions lack ApiEnabled: %v", md["userPermissions"])
	}
	if !strings.Contains(raw, `{"allowCreate":true,"allowDelete":true,"allowEdit":true,"allowRead":true,"modifyAllRecords":false,"object":"Account","viewAllRecords":false}`) {
		t.Errorf("objectPermissions: %v", md["objectPermissions"])
	}
	if !strings.Contains(raw, `{"editable":true,"field":"Account.Industry","readable":true}`) {
		t.Errorf("fieldPermissions lack Account.Industry")
	}
	// A profile made through the API is custom, its FullName its Name.
	lic := idOf(t, o, "SELECT Id FROM UserLicense WHERE Name = 'Salesforce'")
	pid := create(t, o, "Profile", map[string]any{"Name": "Custom: Ops 2.0", "UserLicenseId": lic, "Description": "ops"})
	r = do(t, o, "GET", v+"/tooling/sobjects/Profile/"+pid, nil)
	got := r.obj(t)
	if got["FullName"] != "Custom%3A Ops 2%2E0" || got["Metadata"].(map[string]any)["custom"] != true || got["Metadata"].(map[string]any)["description"] != "ops" {
		t.Errorf("GET Tooling Profile: FullName %v, Metadata %v", got["FullName"], got["Metadata"])
	}
	// Several rows: refused, as for any Metadata or FullName query.
	n := len(query(t, o, "SELECT Id FROM Profile"))
	expectBody(t, tq("SELECT FullName FROM Profile"), 400, fmt.Sprintf(`[{"message":"When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: %d","errorCode":"MALFORMED_QUERY"}]`, n))
	// The data API's Profile has neither field.
	if r := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT FullName FROM Profile WHERE Id = '"+pid+"'"), nil); r.status != 400 || !strings.Contains(string(r.body), "No such column 'FullName' on entity 'Profile'") {
		t.Errorf("data API FullName: %d %s", r.status, r.body)
	}
	if r := do(t, o, "GET", v+"/sobjects/Profile/"+pid, nil); strings.Contains(string(r.body), `"Metadata"`) {
		t.Errorf("data API record has Metadata: %s", r.body)
	}
}

func TestToolingDescribeSaysWhatToolingAllows(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, name := range []string{"Profile", "PermissionSet"} {
		d := do(t, o, "GET", v+"/tooling/sobjects/"+name+"/describe", nil).obj(t)
		if d["createable"] != false || d["updateable"] != false || d["deletable"] != false || d["queryable"] != true {
			t.Errorf("Tooling %s describe: createable %v updateable %v deletable %v", name, d["createable"], d["updateable"], d["deletable"])
		}
		for _, f := range d["fields"].([]any) {
			m := f.(map[string]any)
			writable := m["name"] == "FullName" || m["name"] == "Metadata"
			if !writable && (m["createable"] != false || m["updateable"] != false) {
				t.Errorf("Tooling %s.%s createable %v updateable %v", name, m["name"], m["createable"], m["updateable"])
			}
		}
		basic := do(t, o, "GET", v+"/tooling/sobjects/"+name, nil).obj(t)["objectDescribe"].(map[string]any)
		if basic["createable"] != false || basic["deletable"] != false {
			t.Errorf("Tooling %s basic info: %v", name, basic)
		}
		expectBody(t, do(t, o, "POST", v+"/tooling/sobjects/"+name, map[string]any{"Name": "X"}), 405,
			`[{"errorCode":"METHOD_NOT_ALLOWED","message":"HTTP Method 'POST' not allowed. Allowed are GET,HEAD"}]`)
		// The data API's view is unchanged.
		if d := do(t, o, "GET", v+"/sobjects/"+name+"/describe", nil).obj(t); d["createable"] != true || d["deletable"] != true {
			t.Errorf("data %s describe: createable %v deletable %v", name, d["createable"], d["deletable"])
		}
	}
	fields := map[string]map[string]any{}
	for _, f := range do(t, o, "GET", v+"/tooling/sobjects/Profile/describe", nil).obj(t)["fields"].([]any) {
		fields[f.(map[string]any)["name"].(string)] = f.(map[string]any)
	}
	if f := fields["FullName"]; f == nil || f["type"] != "string" || f["createable"] != true || f["updateable"] != false || f["filterable"] != false || f["groupable"] != true {
		t.Errorf("Tooling Profile FullName: %v", f)
	}
	if f := fields["Metadata"]; f == nil || f["type"] != "complexvalue" || f["createable"] != true || f["updateable"] != true || f["filterable"] != false {
		t.Errorf("Tooling Profile Metadata: %v", f)
	}
	for _, e := range do(t, o, "GET", v+"/tooling/sobjects", nil).obj(t)["sobjects"].([]any) {
		if m := e.(map[string]any); (m["name"] == "Profile" || m["name"] == "PermissionSet") && (m["createable"] != false || m["deletable"] != false) {
			t.Errorf("Tooling global describe %v: createable %v", m["name"], m["createable"])
		}
	}
}

func TestRecordTypeGivesItsObjectARecordTypeIdField(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	hasField := func(object string) (bool, string) {
		prev := ""
		for _, f := range do(t, o, "GET", v+"/sobjects/"+object+"/describe", nil).obj(t)["fields"].([]any) {
			m := f.(map[string]any)
			if m["name"] == "RecordTypeId" {
				return true, prev
			}
			prev = m["name"].(string)
		}
		return false, ""
	}
	if has, _ := hasField("Contact"); has {
		t.Fatal("Contact has RecordTypeId without record types")
	}
	expectBody(t, do(t, o, "POST", v+"/sobjects/Contact", map[string]any{"LastName": "Early", "RecordTypeId": "012000000000000AAA"}), 400,
		`[{"message":"No such column 'RecordTypeId' on sobject of type Contact","errorCode":"INVALID_FIELD","fields":[]}]`)
	rt := create(t, o, "RecordType", map[string]any{"Name": "Partner Contact", "DeveloperName": "Partner_Contact", "SobjectType": "Contact", "IsActive": true})
	acctRT := create(t, o, "RecordType", map[string]any{"Name": "Partner", "DeveloperName": "Partner", "SobjectType": "Account", "IsActive": true})
	if has, after := hasField("Contact"); !has || after != "Name" {
		t.Errorf("Contact RecordTypeId: %v after %q", has, after)
	}
	if has, after := hasField("Account"); !has || after != "Type" {
		t.Errorf("Account RecordTypeId: %v after %q", has, after)
	}
	if has, _ := hasField("Lead"); has {
		t.Error("Lead has RecordTypeId without record types")
	}
	d := do(t, o, "GET", v+"/sobjects/Contact/describe", nil).obj(t)
	var f map[string]any
	for _, x := range d["fields"].([]any) {
		if x.(map[string]any)["name"] == "RecordTypeId" {
			f = x.(map[string]any)
		}
	}
	if f["type"] != "reference" || f["label"] != "Record Type ID" || f["relationshipName"] != "RecordType" || f["createable"] != true ||
		f["updateable"] != true || f["nillable"] != true || f["permissionable"] != false || fmt.Sprint(f["referenceTo"]) != "[RecordType]" {
		t.Errorf("RecordTypeId describe: %v", f)
	}
	c := create(t, o, "Contact", map[string]any{"LastName": "Partnered", "RecordTypeId": rt})
	if got := query(t, o, "SELECT RecordType.DeveloperName FROM Contact WHERE Id = '"+c+"'"); got[0].(map[string]any)["RecordType"].(map[string]any)["DeveloperName"] != "Partner_Contact" {
		t.Errorf("record type read back: %v", got)
	}
	expectBody(t, do(t, o, "PATCH", v+"/sobjects/Contact/"+c, map[string]any{"RecordTypeId": acctRT}), 400,
		`[{"message":"Record Type ID: this ID value isn't valid for the user: `+acctRT+`","errorCode":"INVALID_CROSS_REFERENCE_KEY","fields":["RecordTypeId"]}]`)
	if r := do(t, o, "PATCH", v+"/sobjects/RecordType/"+rt, map[string]any{"IsActive": false}); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	expectBody(t, do(t, o, "POST", v+"/sobjects/Contact", map[string]any{"LastName": "Late", "RecordTypeId": rt[:15]}), 400,
		`[{"message":"Record Type ID: this ID value isn't valid for the user: `+rt[:15]+`","errorCode":"INVALID_CROSS_REFERENCE_KEY","fields":["RecordTypeId"]}]`)
	// An inactive record type still gives the object the field.
	if has, _ := hasField("Contact"); !has {
		t.Error("Contact lost RecordTypeId with an inactive record type")
	}
}

func TestObjectPermissionsSobjectTypeListsTheObjects(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	var f map[string]any
	for _, x := range do(t, o, "GET", v+"/sobjects/ObjectPermissions/describe", nil).obj(t)["fields"].([]any) {
		if x.(map[string]any)["name"] == "SobjectType" {
			f = x.(map[string]any)
		}
	}
	b, _ := json.Marshal(f["picklistValues"])
	want := `[{"active":true,"defaultValue":false,"label":"Account","validFor":null,"value":"Account"},` +
		`{"active":true,"defaultValue":false,"label":"Case","validFor":null,"value":"Case"},` +
		`{"active":true,"defaultValue":false,"label":"Contact","validFor":null,"value":"Contact"},` +
		`{"active":true,"defaultValue":false,"label":"Lead","validFor":null,"value":"Lead"},` +
		`{"active":true,"defaultValue":false,"label":"Opportunity","validFor":null,"value":"Opportunity"}]`
	if string(b) != want || f["restrictedPicklist"] != true || f["label"] != "SObject Type Name" {
		t.Errorf("SobjectType: label %v restricted %v values %s", f["label"], f["restrictedPicklist"], b)
	}
	// Every listed value is accepted, and a value not listed is refused.
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Picklist_Check", "Label": "Picklist Check"})
	for _, e := range f["picklistValues"].([]any) {
		create(t, o, "ObjectPermissions", map[string]any{"ParentId": ps, "SobjectType": e.(map[string]any)["value"], "PermissionsRead": true})
	}
	expectBody(t, do(t, o, "POST", v+"/sobjects/ObjectPermissions", map[string]any{"ParentId": ps, "SobjectType": "User", "PermissionsRead": true}), 400,
		`[{"message":"SObject Type Name: bad value for restricted picklist field: User","errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","fields":["SobjectType"]}]`)
}
