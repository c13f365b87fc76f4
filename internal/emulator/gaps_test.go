package emulator

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
)

// Tests for the gaps real clients found (emulator-gaps.md), one per entry.

func TestSeededRecordsHaveTheirFullName(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for q, want := range map[string]string{
		"SELECT Name FROM Contact WHERE LastName = 'Doe'": "Jane Doe",
		"SELECT Name FROM Lead WHERE LastName = 'Smith'":  "Smith",
	} {
		recs := query(t, o, q)
		if len(recs) != 1 || recs[0].(map[string]any)["Name"] != want {
			t.Errorf("%s: %v, want Name %q", q, recs, want)
		}
	}
}

func TestCaseNumberIsAnAutoNumber(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	id := create(t, o, "Case", map[string]any{"Subject": "Second"})
	recs := query(t, o, "SELECT Subject, CaseNumber FROM Case ORDER BY CaseNumber")
	var got []string
	for _, r := range recs {
		m := r.(map[string]any)
		got = append(got, m["Subject"].(string)+"="+m["CaseNumber"].(string))
	}
	if len(got) != 2 || got[0] != "Cannot log in=00001000" || got[1] != "Second=00001001" {
		t.Errorf("case numbers: %v", got)
	}
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/Case/"+id, map[string]any{"CaseNumber": "1"}), 400,
		"INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: CaseNumber. Please check the security settings of this field and verify that it is read/write for your profile or permission set.")
	// The bin keeps its number: a deleted Case's number is not reused.
	do(t, o, "DELETE", v+"/sobjects/Case/"+id, nil)
	create(t, o, "Case", map[string]any{"Subject": "Third"})
	if r := query(t, o, "SELECT CaseNumber FROM Case WHERE Subject = 'Third'"); r[0].(map[string]any)["CaseNumber"] != "00001002" {
		t.Errorf("third: %v", r)
	}
}

func TestRemoteProxyMetadataHasEveryKey(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "POST", v+"/tooling/sobjects/RemoteProxy", map[string]any{"FullName": "Acme_API", "Metadata": map[string]any{"url": "https://api.acme.example", "isActive": true}})
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	id := r.obj(t)["id"].(string)
	want := `{"description":null,"disableProtocolSecurity":false,"isActive":true,"url":"https://api.acme.example","urls":null}`
	got := func() string {
		r := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT Metadata FROM RemoteProxy"), nil)
		b, _ := json.Marshal(r.obj(t)["records"].([]any)[0].(map[string]any)["Metadata"])
		return string(b)
	}
	if g := got(); g != want {
		t.Errorf("Metadata after create:\n got %s\nwant %s", g, want)
	}
	do(t, o, "PATCH", v+"/tooling/sobjects/RemoteProxy/"+id, map[string]any{"Metadata": map[string]any{"url": "https://new.example", "isActive": false, "description": "d"}})
	want = `{"description":"d","disableProtocolSecurity":false,"isActive":false,"url":"https://new.example","urls":null}`
	if g := got(); g != want {
		t.Errorf("Metadata after update:\n got %s\nwant %s", g, want)
	}
}

func TestHeadLimits(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	if r := do(t, o, "HEAD", v+"/limits", nil); r.status != 200 {
		t.Errorf("HEAD /limits: %d %s", r.status, r.body)
	}
	expectErr(t, do(t, o, "POST", v+"/limits", nil), 405, "METHOD_NOT_ALLOWED", "HTTP Method 'POST' not allowed. Allowed are GET,HEAD")
}

func TestWronglyTypedJSONValues(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, c := range []struct{ path, body, want string }{
		{"/sobjects/Account", `{"Name":"x","NumberOfEmployees":"abc"}`,
			`[{"message":"Cannot deserialize instance of int from VALUE_STRING value abc or request may be missing a required field at [line:1, column:38]","errorCode":"JSON_PARSER_ERROR"}]`},
		{"/sobjects/Contact", "{\n  \"LastName\": \"x\",\n  \"Birthdate\": \"yesterday\"\n}",
			`[{"message":"Cannot deserialize instance of date from VALUE_STRING value yesterday or request may be missing a required field at [line:3, column:27]","errorCode":"JSON_PARSER_ERROR"}]`},
		{"/sobjects/Account", `{"Name":{"a":[1]}}`,
			`[{"message":"Cannot deserialize instance of string from START_OBJECT value { or request may be missing a required field at [line:1, column:18]","errorCode":"JSON_PARSER_ERROR"}]`},
		{"/sobjects/Account", `{"Name":"x","AnnualRevenue":"lots"}`,
			`[{"message":"Cannot deserialize instance of double from VALUE_STRING value lots or request may be missing a required field at [line:1, column:35]","errorCode":"JSON_PARSER_ERROR"}]`},
	} {
		r := do(t, o, "POST", v+c.path, c.body)
		if r.status != 400 || string(r.body) != c.want+"\n" {
			t.Errorf("%s %s:\n got %d %s\nwant 400 %s", c.path, c.body, r.status, r.body, c.want)
		}
	}
	// Numeric strings are still numbers.
	create(t, o, "Account", map[string]any{"Name": "n", "NumberOfEmployees": "12"})
	r := do(t, o, "POST", v+"/composite/sobjects", `{"records":[{"attributes":{"type":"Account"},"Name":"ok"},{"attributes":{"type":"Account"},"Name":"bad","NumberOfEmployees":true}]}`)
	want := `{"statusCode":"JSON_PARSER_ERROR","message":"Cannot deserialize instance of int from VALUE_TRUE value true or request may be missing a required field at [line:1, column:129]","fields":[]}`
	if !strings.Contains(string(r.body), want) {
		t.Errorf("collections: %s\nwant %s", r.body, want)
	}
}

func TestChildRelationshipsAndDeletes(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	acct := create(t, o, "Account", map[string]any{"Name": "Parent Co"})
	con := create(t, o, "Contact", map[string]any{"LastName": "Kid", "AccountId": acct})
	opp := create(t, o, "Opportunity", map[string]any{"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2027-01-01", "AccountId": acct, "ContactId": con})
	create(t, o, "Task", map[string]any{"Subject": "Call", "WhatId": acct})
	create(t, o, "Event", map[string]any{"Subject": "Meet", "WhoId": con, "DurationInMinutes": 30, "ActivityDateTime": "2027-01-01T10:00:00Z"})
	parent := create(t, o, "Case", map[string]any{"Subject": "Parent case"})
	child := create(t, o, "Case", map[string]any{"Subject": "Child case", "ParentId": parent})

	// Subqueries through the new relationships.
	recs := query(t, o, "SELECT Name, (SELECT Subject FROM Tasks), (SELECT Name FROM Contacts) FROM Account WHERE Id = '"+acct+"'")
	b, _ := json.Marshal(recs[0].(map[string]any)["Tasks"].(map[string]any)["records"])
	if !strings.Contains(string(b), `"Subject":"Call"`) {
		t.Errorf("Account Tasks: %s", b)
	}
	recs = query(t, o, "SELECT (SELECT Subject FROM Events) FROM Contact WHERE Id = '"+con+"'")
	if recs[0].(map[string]any)["Events"] == nil {
		t.Errorf("Contact Events: %v", recs)
	}
	recs = query(t, o, "SELECT (SELECT Subject FROM Cases) FROM Case WHERE Id = '"+parent+"'")
	if recs[0].(map[string]any)["Cases"].(map[string]any)["totalSize"] != 1.0 {
		t.Errorf("Case Cases: %v", recs)
	}
	// describe flags as recorded.
	d := do(t, o, "GET", v+"/sobjects/Account/describe", nil).obj(t)
	flags := map[string]string{}
	for _, c := range d["childRelationships"].([]any) {
		m := c.(map[string]any)
		flags[m["childSObject"].(string)+"."+m["field"].(string)] = fmt.Sprintln(m["relationshipName"], m["cascadeDelete"], m["restrictedDelete"])
	}
	for k, want := range map[string]string{"Contact.AccountId": "Contacts true false\n", "Case.AccountId": "Cases false true\n",
		"Opportunity.AccountId": "Opportunities true false\n", "Task.WhatId": "Tasks true false\n", "Event.WhatId": "Events true false\n"} {
		if flags[k] != want {
			t.Errorf("Account describe %s: %q, want %q", k, flags[k], want)
		}
	}

	// A Case holds its Account and Contact back.
	cs := create(t, o, "Case", map[string]any{"Subject": "Holds", "AccountId": acct})
	num := query(t, o, "SELECT CaseNumber FROM Case WHERE Id = '"+cs+"'")[0].(map[string]any)["CaseNumber"].(string)
	r := do(t, o, "DELETE", v+"/sobjects/Account/"+acct, nil)
	want := `[{"message":"Your attempt to delete Parent Co could not be completed because it is associated with the following cases.: ` + num + `\n","errorCode":"DELETE_FAILED","fields":[]}]` + "\n"
	if r.status != 400 || string(r.body) != want {
		t.Fatalf("delete with a case: %d %s\nwant %s", r.status, r.body, want)
	}
	if n := len(query(t, o, "SELECT Id FROM Contact WHERE AccountId = '"+acct+"'")); n != 1 {
		t.Errorf("a refused delete removed the contact (%d left)", n)
	}
	do(t, o, "DELETE", v+"/sobjects/Case/"+cs, nil)
	// Now the Account goes, and with it its Contact, Opportunity, Task and the Contact's Event.
	if r := do(t, o, "DELETE", v+"/sobjects/Account/"+acct, nil); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, q := range []string{"SELECT Id FROM Contact WHERE Id = '" + con + "'", "SELECT Id FROM Opportunity WHERE Id = '" + opp + "'",
		"SELECT Id FROM Task WHERE Subject = 'Call'", "SELECT Id FROM Event WHERE Subject = 'Meet'"} {
		if n := len(query(t, o, q)); n != 0 {
			t.Errorf("%s: %d rows after the Account was deleted", q, n)
		}
	}
	// A lookup that neither cascades nor restricts is cleared.
	do(t, o, "DELETE", v+"/sobjects/Case/"+parent, nil)
	if recs := query(t, o, "SELECT ParentId FROM Case WHERE Id = '"+child+"'"); recs[0].(map[string]any)["ParentId"] != nil {
		t.Errorf("child case still points at its deleted parent: %v", recs)
	}
}

func TestToolingApexClassSymbolTable(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT Id, Name, SymbolTable FROM ApexClass WHERE Name = 'SiteLoginController'"), nil)
	recs := r.obj(t)["records"].([]any)
	st, has := recs[0].(map[string]any)["SymbolTable"]
	if len(recs) != 1 || !has || st != nil {
		t.Fatalf("tooling: %s", r.body)
	}
	id := recs[0].(map[string]any)["Id"].(string)
	if rec := do(t, o, "GET", v+"/tooling/sobjects/ApexClass/"+id, nil).obj(t); !hasKey(rec, "SymbolTable") {
		t.Errorf("tooling retrieve lacks SymbolTable: %v", rec)
	}
	if rec := do(t, o, "GET", v+"/sobjects/ApexClass/"+id, nil).obj(t); hasKey(rec, "SymbolTable") {
		t.Errorf("data retrieve has SymbolTable: %v", rec)
	}
	r = do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Id, Name, SymbolTable from ApexClass"), nil)
	if r.status != 400 || !strings.Contains(string(r.body), "No such column 'SymbolTable' on entity 'ApexClass'") {
		t.Errorf("data query: %d %s", r.status, r.body)
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func TestSingleAccessFrontdoor(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", "/services/oauth2/singleaccess?redirect_uri=%2Flightning%2Fsetup", nil)
	u, _ := r.obj(t)["frontdoor_uri"].(string)
	if r.status != 200 || !strings.HasPrefix(u, "http://127.0.0.1:8080/secur/frontdoor.jsp?otp=") || !strings.HasSuffix(u, "&startURL=%2Flightning%2Fsetup") {
		t.Errorf("singleaccess: %d %s", r.status, r.body)
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1:8080/services/oauth2/singleaccess", nil)
	req.Header.Set("Authorization", "Bearer nope")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	if rec.Code != 403 {
		t.Errorf("bad token: %d %s", rec.Code, rec.Body)
	}
}

func TestUserAndOrganizationRecordsHaveTheRecordedFields(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, c := range []struct{ object, fixture string }{
		{"User", "sobject-User-by-id-v60.json"},
		{"Organization", "sobject-Organization.json"},
	} {
		want, err := os.ReadFile("testdata/fixtures/" + c.fixture)
		if err != nil {
			t.Fatal(err)
		}
		id := idOf(t, o, "SELECT Id FROM "+c.object+" LIMIT 1")
		got := do(t, o, "GET", "/services/data/v60.0/sobjects/"+c.object+"/"+id, nil)
		if g, w := strings.Join(keyOrder(t, got.body), ","), strings.Join(keyOrder(t, want), ","); g != w {
			t.Errorf("%s keys:\n got %s\nwant %s", c.object, g, w)
		}
	}
	recs := query(t, o, "SELECT Id, Name, SmallPhotoUrl, Address, UserPreferencesHideS1BrowserUI FROM User WHERE Username = '"+AdminUsername+"'")
	if len(recs) != 1 {
		t.Fatalf("%v", recs)
	}
	org := query(t, o, "SELECT DefaultAccountAccess, DefaultContactAccess FROM Organization")[0].(map[string]any)
	if org["DefaultAccountAccess"] != "Edit" || org["DefaultContactAccess"] != "ControlledByParent" {
		t.Errorf("sharing defaults: %v", org)
	}
}

func TestDescribeSubresourcesAreGenericNotFound(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	expectCodeFirst404 := func(path string) {
		r := do(t, o, "GET", v+path, nil)
		if r.status != 404 || string(r.body) != `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`+"\n" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	expectCodeFirst404("/sobjects/Account/describe/layouts")
	expectCodeFirst404("/sobjects/Account/describe/compactLayouts")
}

func TestCompositeResourcesByVersion(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/services/data/v41.0/composite/sobjects", 404},
		{"/services/data/v42.0/composite/sobjects", 200},
		{"/services/data/v37.0/composite", 404},
		{"/services/data/v38.0/composite", 200},
		{"/services/data/v33.0/composite/batch", 404},
		{"/services/data/v34.0/composite/batch", 200},
	} {
		var body any = map[string]any{"records": []any{}}
		if strings.HasSuffix(c.path, "/composite") {
			body = map[string]any{"compositeRequest": []any{map[string]any{"method": "GET", "url": "/services/data/v38.0/limits", "referenceId": "a"}}}
		} else if strings.HasSuffix(c.path, "batch") {
			body = map[string]any{"batchRequests": []any{map[string]any{"method": "GET", "url": "v34.0/limits"}}}
		}
		if r := do(t, o, "POST", c.path, body); r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.path, r.status, r.body, c.status)
		}
	}
}

func TestJSONSuffix(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", v+"/limits.json", nil)
	if r.status != 200 || r.obj(t)["DailyApiRequests"] == nil {
		t.Errorf("/limits.json: %d %s", r.status, r.body)
	}
}

func TestObjectAccessNeedsReadOnItsParent(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Contacts_Only", "Label": "Contacts Only"})
	row := func(obj string, perms ...string) map[string]any {
		m := map[string]any{"ParentId": ps, "SobjectType": obj}
		for _, p := range perms {
			m["Permissions"+p] = true
		}
		return m
	}
	for _, obj := range []string{"Contact", "Opportunity"} {
		expectErr(t, do(t, o, "POST", v+"/sobjects/ObjectPermissions", row(obj, "Read")), 400,
			"FIELD_INTEGRITY_EXCEPTION", "Permission Read "+obj+" depends on permission(s): Read Account")
	}
	// A collection's records are written in the order sent: the parent's row
	// first, then the dependent one.
	r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []any{
		with(row("Account", "Read"), "attributes", map[string]any{"type": "ObjectPermissions"}),
		with(row("Contact", "Read", "Edit"), "attributes", map[string]any{"type": "ObjectPermissions"}),
	}})
	if strings.Contains(string(r.body), `"success":false`) {
		t.Fatalf("collection: %s", r.body)
	}
	acct := idOf(t, o, "SELECT Id FROM ObjectPermissions WHERE ParentId = '"+ps+"' AND SobjectType = 'Account'")
	// Read on Account cannot go while Contact access stays.
	expectErr(t, do(t, o, "PATCH", v+"/sobjects/ObjectPermissions/"+acct, map[string]any{"PermissionsRead": false}), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Read Contact depends on permission(s): Read Account")
	expectErr(t, do(t, o, "DELETE", v+"/sobjects/ObjectPermissions/"+acct, nil), 400,
		"FIELD_INTEGRITY_EXCEPTION", "Permission Read Contact depends on permission(s): Read Account")
	con := idOf(t, o, "SELECT Id FROM ObjectPermissions WHERE ParentId = '"+ps+"' AND SobjectType = 'Contact'")
	// Records of a collection are processed in the order sent (REST guide,
	// sObject Collections: results in request order): the dependent row first.
	r = do(t, o, "DELETE", v+"/composite/sobjects?allOrNone=true&ids="+con+","+acct, nil)
	if strings.Contains(string(r.body), `"success":false`) {
		t.Errorf("collection delete: %s", r.body)
	}
}

func TestSeedAcceptsTheSpecWordsForConnectedApps(t *testing.T) {
	p := writeSeed(t, `packages:
  - namespace: coconut
    connectedApps:
      - {name: Strict, permittedUsers: adminApproved, ipRelaxation: relax}
      - {name: Open, permittedUsers: allSelfAuthorize, ipRelaxation: relaxWithSecondFactor}
      - {name: Plain, ipRelaxation: enforce}
`)
	s, err := LoadSeed(p)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := newTestOrg(t, Options{Seed: s})
	got := map[string]any{}
	for _, r := range query(t, o, "SELECT Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication WHERE Name IN ('Strict', 'Open', 'Plain')") {
		m := r.(map[string]any)
		got[m["Name"].(string)] = m["OptionsAllowAdminApprovedUsersOnly"]
	}
	if got["Strict"] != true || got["Open"] != false || got["Plain"] != false {
		t.Errorf("admin-approved flags: %v", got)
	}
	bad := writeSeed(t, "packages:\n  - namespace: x\n    connectedApps: [{name: A, ipRelaxation: loose}]\n")
	if _, err := LoadSeed(bad); err == nil || !strings.Contains(err.Error(), `ipRelaxation "loose": want one of enforce, relax, relaxWithSecondFactor, bypass, bypass2fa, enforceRelaxRefresh`) {
		t.Errorf("bad ipRelaxation: %v", err)
	}
}

func TestColumnsInsertableUpdatableAndGroupBy(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	m := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Id, Name, Website FROM Account")+"&columns=true", nil).obj(t)
	var got []string
	for _, c := range m["columnMetadata"].([]any) {
		c := c.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v", c["columnName"], c["insertable"], c["updatable"]))
	}
	if strings.Join(got, ",") != "Id false false,Name true true,Website true true" || m["groupBy"] != false {
		t.Errorf("columns: %v groupBy %v", got, m["groupBy"])
	}
	m = do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry")+"&columns=true", nil).obj(t)
	if m["groupBy"] != true {
		t.Errorf("grouped: %v", m)
	}
}

func TestParentIndexFollowsRollbacksAndRestarts(t *testing.T) {
	path := t.TempDir() + "/state.json"
	o, clk := newTestOrg(t, Options{StatePath: path})
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Indexed", "Label": "Indexed"})
	fp := func(field string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "FieldPermissions"}, "ParentId": ps, "SobjectType": "Account", "Field": field, "PermissionsRead": true}
	}
	// A rolled-back insert leaves no row behind, so the same row can be inserted again.
	r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []any{fp("Account.Phone"), fp("Account.Nope")}})
	if !strings.Contains(string(r.body), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") {
		t.Fatalf("%s", r.body)
	}
	id := create(t, o, "FieldPermissions", fp("Account.Phone"))
	expectErr(t, do(t, o, "POST", v+"/sobjects/FieldPermissions", fp("Account.Phone")), 400, "DUPLICATE_VALUE",
		"duplicate value found: <unknown> duplicates value on record with id: "+id[:15])
	// A delete rolled back by allOrNone keeps the row findable.
	do(t, o, "DELETE", v+"/composite/sobjects?ids="+id+",001RM000003oLrB000&allOrNone=true", nil)
	expectErr(t, do(t, o, "POST", v+"/sobjects/FieldPermissions", fp("Account.Phone")), 400, "DUPLICATE_VALUE",
		"duplicate value found: <unknown> duplicates value on record with id: "+id[:15])
	// And so does a restart.
	o2, err := New(Options{StatePath: path, AccessToken: testToken, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	expectErr(t, do(t, o2, "POST", v+"/sobjects/FieldPermissions", fp("Account.Phone")), 400, "DUPLICATE_VALUE",
		"duplicate value found: <unknown> duplicates value on record with id: "+id[:15])
	// A deleted row frees its place.
	if r := do(t, o2, "DELETE", v+"/sobjects/FieldPermissions/"+id, nil); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	create(t, o2, "FieldPermissions", fp("Account.Phone"))
}

func TestCompositeGraphIsAllOrNonePerGraph(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	node := func(ref string, body map[string]any) map[string]any {
		return map[string]any{"method": "POST", "url": v + "/sobjects/Account", "referenceId": ref, "body": body}
	}
	r := do(t, o, "POST", v+"/composite/graph", map[string]any{"graphs": []any{
		map[string]any{"graphId": "good", "compositeRequest": []any{node("a", map[string]any{"Name": "Graph Good"}),
			map[string]any{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "c", "body": map[string]any{"LastName": "G", "AccountId": "@{a.id}"}}}},
		map[string]any{"graphId": "bad", "compositeRequest": []any{node("b", map[string]any{"Name": "Graph Bad"}), node("x", map[string]any{})}},
	}}).obj(t)
	gs := r["graphs"].([]any)
	if len(gs) != 2 || gs[0].(map[string]any)["isSuccessful"] != true || gs[1].(map[string]any)["isSuccessful"] != false {
		t.Fatalf("graphs: %v", r)
	}
	if n := len(query(t, o, "SELECT Id FROM Contact WHERE Account.Name = 'Graph Good'")); n != 1 {
		t.Errorf("good graph: %d contacts", n)
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE Name = 'Graph Bad'")); n != 0 {
		t.Errorf("bad graph kept %d accounts", n)
	}
	if r := do(t, o, "POST", "/services/data/v49.0/composite/graph", map[string]any{"graphs": []any{}}); r.status != 404 {
		t.Errorf("graph before v50.0: %d", r.status)
	}
}

func TestQueryExplain(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", v+"/query?explain="+urlQuery("SELECT Id FROM Account WHERE Name = 'Globex'"), nil)
	want := `{"plans":[{"cardinality":1,"fields":[],"leadingOperationType":"TableScan","notes":[],"relativeCost":0.5,"sobjectCardinality":2,"sobjectType":"Account"}]}` + "\n"
	if r.status != 200 || string(r.body) != want {
		t.Errorf("explain: %d %s\nwant %s", r.status, r.body, want)
	}
	if r := do(t, o, "GET", v+"/query?explain="+urlQuery("SELECT Nope FROM Account"), nil); r.status != 400 {
		t.Errorf("bad explain: %d %s", r.status, r.body)
	}
}

func TestSOSLSearch(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	create(t, o, "Account", map[string]any{"Name": "SampleAccount2", "Phone": "1234567890"})
	create(t, o, "Contact", map[string]any{"FirstName": "Sample", "LastName": "Woods"})
	search := func(q string) resp { return do(t, o, "GET", v+"/search?q="+urlQuery(q), nil) }
	r := search("FIND {Sample} IN ALL FIELDS RETURNING Account(Name,Phone), Contact(FirstName,LastName)")
	recs := r.obj(t)["searchRecords"].([]any)
	var got []string
	for _, x := range recs {
		var keys []string
		for k := range x.(map[string]any) {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		got = append(got, strings.Join(keys, ","))
	}
	if strings.Join(got, " ") != "Name,Phone,attributes FirstName,LastName,attributes" {
		t.Errorf("search: %s", r.body)
	}
	if r := search("FIND {Jones} IN ALL FIELDS RETURNING Account(Name,Industry), Contact(FirstName,LastName,Department)"); string(r.body) != `{"searchRecords":[]}`+"\n" {
		t.Errorf("no match: %s", r.body)
	}
	if r := search("FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name WHERE Industry = 'Manufacturing' LIMIT 1)"); len(r.obj(t)["searchRecords"].([]any)) != 1 {
		t.Errorf("where/limit: %s", r.body)
	}
	if r := search("FIND {woods}"); len(r.obj(t)["searchRecords"].([]any)) != 1 {
		t.Errorf("no RETURNING: %s", r.body)
	}
	expectErr(t, search("FIND 'Jones' IN ALL FIELDS"), 400, "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.")
}

func TestSOQLDateFunctions(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT CALENDAR_YEAR(CreatedDate) y, COUNT(Id) FROM Account GROUP BY CALENDAR_YEAR(CreatedDate)"), nil)
	want := `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"y":2026,"expr0":2}]}` + "\n"
	if string(r.body) != want {
		t.Errorf("grouped:\n got %s\nwant %s", r.body, want)
	}
	r = do(t, o, "GET", v+"/query?q="+urlQuery("SELECT CALENDAR_MONTH(CloseDate), DAY_ONLY(CreatedDate) d, COUNT(Id) n FROM Opportunity GROUP BY CALENDAR_MONTH(CloseDate), DAY_ONLY(CreatedDate)"), nil)
	want = `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"expr0":1,"d":"2026-11-23","n":1}]}` + "\n"
	if string(r.body) != want {
		t.Errorf("month and day:\n got %s\nwant %s", r.body, want)
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2026 AND DAY_IN_WEEK(CreatedDate) = 2")); n != 2 {
		t.Errorf("where: %d rows", n)
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE CALENDAR_YEAR(CreatedDate) > 2026")); n != 0 {
		t.Errorf("where >: %d rows", n)
	}
	expectErr(t, do(t, o, "GET", v+"/query?q="+urlQuery("SELECT CALENDAR_YEAR(CreatedDate) FROM Account"), nil), 400, "MALFORMED_QUERY",
		"\nSELECT CALENDAR_YEAR(CreatedDate) FROM Account\n                     ^\nERROR at Row:1:Column:22\nField must be grouped or aggregated: CALENDAR_YEAR(CreatedDate)")
}

func TestXMLOnRequest(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	get := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "http://127.0.0.1:8080"+path, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return rec
	}
	r := get(v+"/limits", "application/xml")
	body := r.Body.String()
	if r.Code != 200 || r.Header().Get("Content-Type") != "application/xml;charset=UTF-8" ||
		!strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?><LimitsSnapshot xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`) ||
		!strings.Contains(body, "<DailyApiRequests><Max>15000</Max><Remaining>") {
		t.Errorf("limits: %d %s %.300s", r.Code, r.Header().Get("Content-Type"), body)
	}
	r = get(v+"/query.xml?q="+urlQuery("SELECT Id, Name, Fax FROM Account WHERE Name = 'Globex'"), "")
	if body := r.Body.String(); !strings.Contains(body, `<QueryResult xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><totalSize>1</totalSize><done>true</done><records type="Account" url="/services/data/v62.0/sobjects/Account/`) ||
		!strings.Contains(body, "<Name>Globex</Name><Fax xsi:nil=\"true\"/></records></QueryResult>") {
		t.Errorf("query: %s", body)
	}
	r = get(v+"/sobjects/Nope", "application/xml")
	if body := r.Body.String(); r.Code != 404 || body != `<?xml version="1.0" encoding="UTF-8"?><Errors xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Error><errorCode>NOT_FOUND</errorCode><message>The requested resource does not exist</message></Error></Errors>` {
		t.Errorf("error: %d %s", r.Code, body)
	}
	if r := get(v+"/limits", "application/json, application/xml"); !strings.HasPrefix(r.Body.String(), "{") {
		t.Errorf("json first: %.100s", r.Body.String())
	}
}

func TestCollectionUpdateOfARecycledRecord(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	id := create(t, o, "Account", map[string]any{"Name": "Gone"})
	do(t, o, "DELETE", v+"/sobjects/Account/"+id, nil)
	r := do(t, o, "PATCH", v+"/composite/sobjects", map[string]any{"records": []any{map[string]any{"attributes": map[string]any{"type": "Account"}, "Id": id, "Name": "Back"}}})
	if want := `[{"success":false,"errors":[{"statusCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]}]` + "\n"; string(r.body) != want {
		t.Errorf("got %s\nwant %s", r.body, want)
	}
}

func TestColumnsOfDateFunctions(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	m := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT CALENDAR_YEAR(CreatedDate) y, COUNT(Id) FROM Account GROUP BY CALENDAR_YEAR(CreatedDate)")+"&columns=true", nil).obj(t)
	var got []string
	for _, c := range m["columnMetadata"].([]any) {
		c := c.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v", c["columnName"], c["displayName"], c["numberType"]))
	}
	if strings.Join(got, ",") != "y CALENDAR_YEAR(CreatedDate) true,expr0 COUNT(Id) true" {
		t.Errorf("columns: %v", got)
	}
}
