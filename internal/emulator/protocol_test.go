package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func bulkAccounts(t testing.TB, h http.Handler, n int) {
	t.Helper()
	for start := 0; start < n; start += maxCollection {
		var recs []any
		for i := start; i < min(start+maxCollection, n); i++ {
			recs = append(recs, map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": fmt.Sprintf("Bulk %05d", i)})
		}
		r := do(t, h, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": true, "records": recs})
		if r.status != 200 || strings.Contains(string(r.body), `"success":false`) {
			t.Fatalf("bulk create: %d %.300s", r.status, r.body)
		}
	}
}

func TestQueryPaging(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	bulkAccounts(t, o, 4500)
	q := "SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk%' ORDER BY Name"
	r := do(t, o, "GET", v+"/query?q="+urlQuery(q), nil)
	page := r.obj(t)
	var names []string
	pages := 0
	for {
		pages++
		for _, rec := range page["records"].([]any) {
			names = append(names, rec.(map[string]any)["Name"].(string))
		}
		if page["totalSize"] != 4500.0 {
			t.Fatalf("totalSize %v", page["totalSize"])
		}
		if page["done"] == true {
			if _, ok := page["nextRecordsUrl"]; ok {
				t.Fatal("last page has nextRecordsUrl")
			}
			break
		}
		next := page["nextRecordsUrl"].(string)
		if want := fmt.Sprintf("-%d", len(names)); !strings.HasPrefix(next, v+"/query/01g") || !strings.HasSuffix(next, want) {
			t.Fatalf("nextRecordsUrl %q (want /services/data/v62.0/query/<locator>%s)", next, want)
		}
		page = do(t, o, "GET", next, nil).obj(t)
	}
	if pages != 3 || len(names) != 4500 || names[0] != "Bulk 00000" || names[4499] != "Bulk 04499" || names[2000] != "Bulk 02000" {
		t.Fatalf("pages %d, rows %d, first %q, last %q", pages, len(names), names[0], names[len(names)-1])
	}
	expectErr(t, do(t, o, "GET", v+"/query/01gEm0000000zzzAAA-2000", nil), 400, "INVALID_QUERY_LOCATOR", "invalid query locator")
	// Tooling pages carry size, queryLocator and entityTypeName.
	tp := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT Id, Name FROM PermissionSet"), nil).obj(t)
	if tp["entityTypeName"] != "PermissionSet" || tp["queryLocator"] != nil || tp["size"] != tp["totalSize"] {
		t.Errorf("tooling page: %v", tp)
	}
}

func TestColumnsMetadata(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Id, Name, Profile.Name FROM User")+"&columns=true", nil)
	m := r.obj(t)
	cols, ok := m["columnMetadata"].([]any)
	if !ok || len(cols) != 3 || m["entityName"] != "User" || m["keyPrefix"] != "005" || m["idSelected"] != true {
		t.Fatalf("columns: %s", r.body)
	}
	if join := cols[2].(map[string]any)["joinColumns"].([]any); len(join) != 1 || join[0].(map[string]any)["columnName"] != "Name" {
		t.Errorf("relationship column: %v", cols[2])
	}
}

func TestCompositeReferencesAndRollback(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "POST", v+"/composite", map[string]any{"allOrNone": true, "compositeRequest": []any{
		map[string]any{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "acct", "body": map[string]any{"Name": "Composite Co"}},
		map[string]any{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "ct", "body": map[string]any{"LastName": "Ref", "AccountId": "@{acct.id}"}},
		map[string]any{"method": "GET", "url": v + "/query?q=" + urlQuery("SELECT Id FROM Contact WHERE AccountId = '@{acct.id}'"), "referenceId": "q"},
		map[string]any{"method": "PATCH", "url": v + "/sobjects/Contact/@{q.records[0].Id}", "referenceId": "upd", "body": map[string]any{"FirstName": "Via"}},
	}})
	res := r.obj(t)["compositeResponse"].([]any)
	codes := []float64{}
	for _, x := range res {
		codes = append(codes, x.(map[string]any)["httpStatusCode"].(float64))
	}
	if !reflect.DeepEqual(codes, []float64{201, 201, 200, 204}) {
		t.Fatalf("status codes %v: %s", codes, r.body)
	}
	if loc := res[0].(map[string]any)["httpHeaders"].(map[string]any)["Location"]; !strings.HasPrefix(loc.(string), v+"/sobjects/Account/001") {
		t.Errorf("Location %v", loc)
	}
	if got := query(t, o, "SELECT Name, Account.Name FROM Contact WHERE LastName = 'Ref'"); len(got) != 1 ||
		got[0].(map[string]any)["Name"] != "Via Ref" || got[0].(map[string]any)["Account"].(map[string]any)["Name"] != "Composite Co" {
		t.Fatalf("after composite: %v", got)
	}
	// allOrNone: one failure rolls everything back.
	before := len(query(t, o, "SELECT Id FROM Account"))
	r = do(t, o, "POST", v+"/composite", map[string]any{"allOrNone": true, "compositeRequest": []any{
		map[string]any{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "a", "body": map[string]any{"Name": "Rolled Back"}},
		map[string]any{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "bad", "body": map[string]any{"FirstName": "NoLastName"}},
		map[string]any{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "after", "body": map[string]any{"Name": "Never"}},
	}})
	res = r.obj(t)["compositeResponse"].([]any)
	want := []string{"PROCESSING_HALTED", "REQUIRED_FIELD_MISSING", "PROCESSING_HALTED"}
	for i, x := range res {
		e := x.(map[string]any)["body"].([]any)[0].(map[string]any)
		if e["errorCode"] != want[i] || x.(map[string]any)["httpStatusCode"] != 400.0 {
			t.Errorf("subrequest %d: %v", i, x)
		}
	}
	if after := len(query(t, o, "SELECT Id FROM Account")); after != before {
		t.Errorf("accounts %d → %d after a rolled-back composite", before, after)
	}
	// Without allOrNone, a subrequest that depends on a failed one is not run.
	r = do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": []any{
		map[string]any{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "bad", "body": map[string]any{"FirstName": "NoLastName"}},
		map[string]any{"method": "GET", "url": v + "/sobjects/Contact/@{bad.id}", "referenceId": "dep"},
		map[string]any{"method": "POST", "url": v + "/sobjects/Account", "referenceId": "ok", "body": map[string]any{"Name": "Independent"}},
	}})
	res = r.obj(t)["compositeResponse"].([]any)
	if e := res[1].(map[string]any)["body"].([]any)[0].(map[string]any); e["errorCode"] != "PROCESSING_HALTED" || e["message"] != "Invalid reference specified. No value for bad.id found in bad." || res[2].(map[string]any)["httpStatusCode"] != 201.0 {
		t.Errorf("partial composite: %s", r.body)
	}
	var many []any
	for i := 0; i < 26; i++ {
		many = append(many, map[string]any{"method": "GET", "url": v + "/limits", "referenceId": fmt.Sprintf("r%d", i)})
	}
	limit := func(r resp, msg string) {
		t.Helper()
		want := `{"compositeResponse":[{"body":[{"errorCode":"LIMIT_EXCEEDED","message":"` + msg + `"}],"httpHeaders":{},"httpStatusCode":400,"referenceId":null}]}` + "\n"
		if r.status != 200 || string(r.body) != want {
			t.Errorf("got %d %s\nwant 200 %s", r.status, r.body, want)
		}
	}
	limit(do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": many}), "The request can’t contain more than 25 operations.")
	var queries []any
	for i := 0; i < 6; i++ {
		queries = append(queries, map[string]any{"method": "GET", "url": v + "/query?q=" + urlQuery("SELECT Id FROM Account"), "referenceId": fmt.Sprintf("q%d", i)})
	}
	limit(do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": queries}), "The request can’t contain more than 5 query or sObject Collections operations.")
	if r := do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": queries[:5]}); r.status != 200 {
		t.Errorf("five queries: %d %s", r.status, r.body)
	}
}

func TestCollections(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	admin := idOf(t, o, "SELECT Id FROM User WHERE Username = '"+AdminUsername+"'")
	ps1 := create(t, o, "PermissionSet", map[string]any{"Name": "One", "Label": "One"})
	ps2 := create(t, o, "PermissionSet", map[string]any{"Name": "Two", "Label": "Two"})
	psa := func(ps string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "PermissionSetAssignment"}, "AssigneeId": admin, "PermissionSetId": ps}
	}
	// allOrNone false (the default): the duplicate fails alone, without an id.
	r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": []any{psa(ps1), psa(ps1)}})
	res := r.json(t).([]any)
	first, second := res[0].(map[string]any), res[1].(map[string]any)
	if first["success"] != true || second["success"] != false {
		t.Fatalf("results %s", r.body)
	}
	if _, hasID := second["id"]; hasID {
		t.Errorf("a failed record has an id: %v", second)
	}
	wantErr := map[string]any{"statusCode": "DUPLICATE_VALUE", "message": "Duplicate PermissionSetAssignment. Assignee: " + admin[:15] + "; Permission Set: " + ps1[:15], "fields": []any{}}
	if got := second["errors"].([]any)[0]; !reflect.DeepEqual(got, wantErr) {
		t.Errorf("error %v, want %v", got, wantErr)
	}
	// allOrNone true: the valid record is rolled back too.
	r = do(t, o, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []any{psa(ps2), psa(ps1)}})
	res = r.json(t).([]any)
	if e := res[0].(map[string]any)["errors"].([]any)[0].(map[string]any); e["statusCode"] != "ALL_OR_NONE_OPERATION_ROLLED_BACK" {
		t.Errorf("rolled back record: %v", res[0])
	}
	if n := len(query(t, o, "SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = '"+ps2+"'")); n != 0 {
		t.Errorf("allOrNone left %d assignments", n)
	}
	// Delete by ids, with an unknown one failing alone.
	r = do(t, o, "DELETE", v+"/composite/sobjects?ids="+first["id"].(string)+",0PaEm0000000zzzAAA&allOrNone=false", nil)
	res = r.json(t).([]any)
	if res[0].(map[string]any)["success"] != true || res[1].(map[string]any)["success"] != false {
		t.Errorf("delete results: %s", r.body)
	}
	expectErr(t, do(t, o, "DELETE", v+"/composite/sobjects", nil), 400, "REQUIRED_FIELD_MISSING", "At least 1 Id is required.")
	// allOrNone delete: a malformed id fails, the valid delete is rolled back but keeps its id.
	r = do(t, o, "DELETE", v+"/composite/sobjects?ids="+ps2+",001RM000003oLrB000&allOrNone=true", nil)
	want := `[{"id":"` + ps2 + `","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]},` +
		`{"success":false,"errors":[{"statusCode":"MALFORMED_ID","message":"malformed id 001RM000003oLrB000","fields":[]}]}]`
	if strings.TrimSpace(string(r.body)) != want {
		t.Errorf("allOrNone delete:\n got %s\nwant %s", r.body, want)
	}
	idOf(t, o, "SELECT Id FROM PermissionSet WHERE Id = '"+ps2+"'")
	// GET retrieve.
	r = do(t, o, "GET", v+"/composite/sobjects/PermissionSet?ids="+ps1+","+ps2+"&fields=Name,Label", nil)
	got := r.json(t).([]any)
	if len(got) != 2 || got[1].(map[string]any)["Name"] != "Two" {
		t.Errorf("retrieve: %s", r.body)
	}
	// More than 200 records is refused as a whole.
	var recs []any
	for i := 0; i < 201; i++ {
		recs = append(recs, map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": "x"})
	}
	expectErr(t, do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": recs}), 400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call")
	// Upsert by external id: created then updated.
	up := func(last string) []any {
		return do(t, o, "PATCH", v+"/composite/sobjects/Contact/Email", map[string]any{"records": []any{
			map[string]any{"attributes": map[string]any{"type": "Contact"}, "Email": "up@example.com", "LastName": last}}}).json(t).([]any)
	}
	if c := up("First")[0].(map[string]any); c["created"] != true || c["success"] != true {
		t.Errorf("upsert create: %v", c)
	}
	if c := up("Second")[0].(map[string]any); c["created"] != false || c["success"] != true {
		t.Errorf("upsert update: %v", c)
	}
}

func TestDoubleSlashesAreNotRedirected(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, p := range []string{"//services/data", "//services/data/v62.0/query?q=" + urlQuery("SELECT Id FROM Organization"), "/services//data/v62.0//sobjects/User/describe"} {
		r := do(t, o, "GET", p, nil)
		if r.status != 200 {
			t.Errorf("%s: %d %s", p, r.status, r.header.Get("Location"))
		}
	}
}

func TestAuthAndAPICounting(t *testing.T) {
	o, clk := newTestOrg(t, Options{})
	req := httptest.NewRequest("GET", v+"/limits", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	expectErr(t, resp{rec.Code, rec.Header(), rec.Body.Bytes()}, 401, "INVALID_SESSION_ID", "Session expired or invalid")
	if o.APICalls() != 0 {
		t.Fatalf("a refused request was counted")
	}
	r := do(t, o, "GET", "/services/data", nil)
	if r.header.Get("Sforce-Limit-Info") != "" || o.APICalls() != 0 {
		t.Errorf("the version list counted: %q %d", r.header.Get("Sforce-Limit-Info"), o.APICalls())
	}
	do(t, o, "GET", v+"/sobjects", nil)
	r = do(t, o, "GET", v+"/limits", nil)
	if got := r.header.Get("Sforce-Limit-Info"); got != "api-usage=2/15000" {
		t.Errorf("Sforce-Limit-Info %q", got)
	}
	daily := r.obj(t)["DailyApiRequests"].(map[string]any)
	if daily["Max"] != 15000.0 || daily["Remaining"] != 14998.0 {
		t.Errorf("DailyApiRequests %v", daily)
	}
	// A composite request counts once (facts §10).
	do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": []any{
		map[string]any{"method": "GET", "url": v + "/limits", "referenceId": "a"},
		map[string]any{"method": "GET", "url": v + "/limits", "referenceId": "b"}}})
	if o.APICalls() != 3 {
		t.Errorf("APICalls %d after a composite, want 3", o.APICalls())
	}
	// userinfo is an API request too (issue 3: every API request counts).
	if r := do(t, o, "GET", "/services/oauth2/userinfo", nil); r.header.Get("Sforce-Limit-Info") != "api-usage=4/15000" {
		t.Errorf("userinfo: %q", r.header.Get("Sforce-Limit-Info"))
	}
	o.mu.Lock()
	o.meta.APICalls = DailyAPILimit
	o.mu.Unlock()
	expectErr(t, do(t, o, "GET", v+"/limits", nil), 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
	// The next day starts from zero.
	clk.t = clk.t.Add(24 * time.Hour)
	if r := do(t, o, "GET", v+"/limits", nil); r.status != 200 || r.header.Get("Sforce-Limit-Info") != "api-usage=1/15000" {
		t.Errorf("next day: %d %q", r.status, r.header.Get("Sforce-Limit-Info"))
	}
	// Versions outside the list, or without the decimal, are 404 (facts §12).
	for _, p := range []string{"/services/data/v30.0/limits", "/services/data/v60/limits", "/services/data/v67.0"} {
		if r := do(t, o, "GET", p, nil); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}

func TestUnknownAndOldVersions(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	// sf hard-codes v51.0 for its login probe (real-clients.md §3.3).
	admin := idOf(t, o, "SELECT Id FROM User WHERE Username = '"+AdminUsername+"'")
	r := do(t, o, "GET", "/services/data/v51.0/sobjects/User/"+admin[:15], nil)
	if r.status != 200 || r.obj(t)["Username"] != AdminUsername {
		t.Fatalf("%d %s", r.status, r.body)
	}
	r = do(t, o, "GET", "/services/data/v51.0/sobjects/User/"+admin+"?fields=Username,Email", nil)
	if keys := keyOrder(t, r.body); !reflect.DeepEqual(keys, []string{"attributes", "Username", "Email"}) {
		t.Errorf("?fields= keys %v", keys)
	}
	expectErr(t, do(t, o, "GET", "/services/data/v51.0/sobjects/User/"+admin+"?fields=Nope", nil), 400, "INVALID_FIELD",
		"No such column 'Nope' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")
	// sf's dev-hub probe: a real non-dev-hub org answers 400 INVALID_TYPE.
	r = do(t, o, "GET", "/services/data/v51.0/query?q="+urlQuery("SELECT Id FROM ScratchOrgInfo limit 1"), nil)
	if r.status != 400 || !strings.Contains(string(r.body), `"errorCode":"INVALID_TYPE"`) {
		t.Errorf("ScratchOrgInfo probe: %d %s", r.status, r.body)
	}
}

func TestPersistenceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org", "state.json")
	seed := &Seed{Objects: []SeedObject{{Name: "Acme_Mapping__c", Fields: []SeedField{{Name: "Target_Field__c", Type: "string"}}}}}
	o1, clk := newTestOrg(t, Options{StatePath: path, Seed: seed})
	ps := create(t, o1, "PermissionSet", map[string]any{"Name": "Kept", "Label": "Kept", "PermissionsApiEnabled": true})
	create(t, o1, "Acme_Mapping__c", map[string]any{"Name": "m1", "Target_Field__c": "x"})
	g := create(t, o1, "PermissionSetGroup", map[string]any{"DeveloperName": "G", "MasterLabel": "G"})
	calls := o1.APICalls()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(5 * 1e9)
	o2, err := New(Options{StatePath: path, AccessToken: testToken, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	got := query(t, o2, "SELECT Id, PermissionsApiEnabled FROM PermissionSet WHERE Name = 'Kept'")
	if len(got) != 1 || got[0].(map[string]any)["Id"] != ps || got[0].(map[string]any)["PermissionsApiEnabled"] != true {
		t.Fatalf("after reload: %v", got)
	}
	if got := query(t, o2, "SELECT Target_Field__c FROM Acme_Mapping__c"); len(got) != 1 {
		t.Fatalf("custom object after reload: %v", got)
	}
	// The group's recalculation finished while the org was down.
	if s := query(t, o2, "SELECT Status FROM PermissionSetGroup WHERE Id = '"+g+"'")[0].(map[string]any)["Status"]; s != "Updated" {
		t.Errorf("group status after restart: %v", s)
	}
	if o2.APICalls() < calls {
		t.Errorf("API calls %d after reload, had %d", o2.APICalls(), calls)
	}
	// New Ids continue from the counter: no clash with the old ones.
	ps2 := create(t, o2, "PermissionSet", map[string]any{"Name": "New", "Label": "New"})
	if ps2 == ps {
		t.Fatal("Id reused")
	}
	if err := os.WriteFile(path, []byte(`{"format":99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: path}); err == nil || !strings.Contains(err.Error(), "unsupported format 99") {
		t.Errorf("bad state file: %v", err)
	}
}

func TestToolingRemoteProxy(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	body := map[string]any{"FullName": "Acme_API", "Metadata": map[string]any{"url": "https://api.acme.example", "isActive": true, "disableProtocolSecurity": false, "description": "Acme"}}
	r := do(t, o, "POST", v+"/tooling/sobjects/RemoteProxy", body)
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	id := r.obj(t)["id"].(string)
	got := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT SiteName, EndpointUrl, IsActive FROM RemoteProxy"), nil).obj(t)["records"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["EndpointUrl"] != "https://api.acme.example" || got[0].(map[string]any)["SiteName"] != "Acme_API" {
		t.Fatalf("remote proxy: %v", got)
	}
	if r := do(t, o, "PATCH", v+"/tooling/sobjects/RemoteProxy/"+id, map[string]any{"Metadata": map[string]any{"url": "https://new.acme.example"}}); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	got = do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT EndpointUrl, IsActive, Description FROM RemoteProxy"), nil).obj(t)["records"].([]any)
	if rec := got[0].(map[string]any); rec["EndpointUrl"] != "https://new.acme.example" || rec["IsActive"] != false || rec["Description"] != nil {
		t.Errorf("Metadata is replaced whole: %v", rec)
	}
	// RemoteProxy is Tooling-only; PermissionSet is read-only in Tooling (facts §3).
	if r := do(t, o, "POST", v+"/sobjects/RemoteProxy", body); r.status != 404 {
		t.Errorf("data API RemoteProxy: %d", r.status)
	}
	if r := do(t, o, "POST", v+"/tooling/sobjects/PermissionSet", map[string]any{"Name": "X", "Label": "X"}); r.status != 405 {
		t.Errorf("Tooling PermissionSet create: %d %s", r.status, r.body)
	}
	if r := do(t, o, "DELETE", v+"/tooling/sobjects/RemoteProxy/"+id, nil); r.status != 204 {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
}

func TestCompositeTree(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	tree := map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Account", "referenceId": "ref1"}, "Name": "Tree Co",
			"Contacts": map[string]any{"records": []any{
				map[string]any{"attributes": map[string]any{"type": "Contact", "referenceId": "ref2"}, "LastName": "Leaf"}}}},
	}}
	r := do(t, o, "POST", v+"/composite/tree/Account", tree)
	m := r.obj(t)
	if r.status != 201 || m["hasErrors"] != false || len(m["results"].([]any)) != 2 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := query(t, o, "SELECT Account.Name FROM Contact WHERE LastName = 'Leaf'"); len(got) != 1 || got[0].(map[string]any)["Account"].(map[string]any)["Name"] != "Tree Co" {
		t.Fatalf("child: %v", got)
	}
	// One bad record: nothing is created.
	bad := map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Account", "referenceId": "ok"}, "Name": "Rolled"},
		map[string]any{"attributes": map[string]any{"type": "Account", "referenceId": "bad"}, "Industry": "Banking"}}}
	r = do(t, o, "POST", v+"/composite/tree/Account", bad)
	want := `{"hasErrors":true,"results":[{"referenceId":"bad","errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Name]","fields":["Name"]}]}]}`
	if r.status != 400 || strings.TrimSpace(string(r.body)) != want {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE Name = 'Rolled'")); n != 0 {
		t.Errorf("tree not rolled back: %d", n)
	}
}

func TestCompositeBatch(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	before := o.APICalls()
	r := do(t, o, "POST", v+"/composite/batch", map[string]any{"batchRequests": []any{
		map[string]any{"method": "POST", "url": "v62.0/sobjects/Account", "richInput": map[string]any{"Name": "Batch Co"}},
		map[string]any{"method": "GET", "url": "v62.0/sobjects/Nope"},
		map[string]any{"method": "GET", "url": "v62.0/query?q=" + urlQuery("SELECT Name FROM Account WHERE Name = 'Batch Co'")},
	}})
	m := r.obj(t)
	res := m["results"].([]any)
	if m["hasErrors"] != true || len(res) != 3 || res[0].(map[string]any)["statusCode"] != 201.0 || res[1].(map[string]any)["statusCode"] != 404.0 ||
		res[2].(map[string]any)["result"].(map[string]any)["totalSize"] != 1.0 {
		t.Fatalf("%s", r.body)
	}
	// Each subrequest counts (the guide: "Each subrequest counts against rate limits").
	if got := o.APICalls() - before; got != 3 {
		t.Errorf("batch counted %d calls, want 3", got)
	}
	r = do(t, o, "POST", v+"/composite/batch", map[string]any{"haltOnError": true, "batchRequests": []any{
		map[string]any{"method": "GET", "url": "v62.0/sobjects/Nope"},
		map[string]any{"method": "GET", "url": "v62.0/limits"},
	}})
	if st := r.obj(t)["results"].([]any)[1].(map[string]any)["statusCode"]; st != 412.0 {
		t.Errorf("halted subrequest status %v", st)
	}
}

func TestRecycleBin(t *testing.T) {
	path := t.TempDir() + "/state.json"
	o, clk := newTestOrg(t, Options{StatePath: path})
	clk.t = clk.t.Add(10 * time.Minute) // after the fresh org's own records
	start := clk.t.Add(-time.Minute).Format(time.RFC3339)
	a := create(t, o, "Account", map[string]any{"Name": "Binned"})
	keep := create(t, o, "Account", map[string]any{"Name": "Kept"})
	clk.t = clk.t.Add(time.Minute)
	if r := do(t, o, "DELETE", v+"/sobjects/Account/"+a, nil); r.status != 204 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := do(t, o, "GET", v+"/sobjects/Account/"+a, nil); r.status != 404 {
		t.Errorf("deleted record still readable: %d", r.status)
	}
	for _, m := range []string{"DELETE", "PATCH"} {
		r := do(t, o, m, v+"/sobjects/Account/"+a, map[string]any{"Name": "Again"})
		if r.status != 404 || string(r.body) != `[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]`+"\n" {
			t.Errorf("%s of a deleted record: %d %s", m, r.status, r.body)
		}
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE Name = 'Binned'")); n != 0 {
		t.Errorf("query sees %d deleted rows", n)
	}
	all := do(t, o, "GET", v+"/queryAll?q="+urlQuery("SELECT Id, IsDeleted FROM Account WHERE Name = 'Binned'"), nil).obj(t)["records"].([]any)
	if len(all) != 1 || all[0].(map[string]any)["IsDeleted"] != true {
		t.Fatalf("queryAll: %v", all)
	}
	end := clk.t.Add(time.Minute).Format(time.RFC3339)
	del := do(t, o, "GET", v+"/sobjects/Account/deleted/?start="+urlQuery(start)+"&end="+urlQuery(end), nil).obj(t)
	recs := del["deletedRecords"].([]any)
	if len(recs) != 1 || recs[0].(map[string]any)["id"] != a || recs[0].(map[string]any)["deletedDate"] != "2026-11-23T12:11:00.000+0000" {
		t.Errorf("deleted: %v", del)
	}
	upd := do(t, o, "GET", v+"/sobjects/Account/updated/?start="+urlQuery(start)+"&end="+urlQuery(end), nil).obj(t)
	if ids := upd["ids"].([]any); len(ids) != 1 || ids[0] != keep {
		t.Errorf("updated: %v", upd)
	}
	expectErr(t, do(t, o, "GET", v+"/sobjects/Account/updated/?start=yesterday&end="+urlQuery(end), nil), 400,
		"INVALID_REPLICATION_DATE", "start and end must be dateTime values, with start before end")
	// The bin survives a restart; setup objects are deleted for good.
	o2, err := New(Options{StatePath: path, AccessToken: testToken, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if all := do(t, o2, "GET", v+"/queryAll?q="+urlQuery("SELECT Id FROM Account WHERE IsDeleted = true"), nil).obj(t)["records"].([]any); len(all) != 1 {
		t.Errorf("bin after restart: %v", all)
	}
	ps := create(t, o2, "PermissionSet", map[string]any{"Name": "Gone", "Label": "Gone"})
	do(t, o2, "DELETE", v+"/sobjects/PermissionSet/"+ps, nil)
	if all := do(t, o2, "GET", v+"/queryAll?q="+urlQuery("SELECT Id FROM PermissionSet WHERE Name = 'Gone'"), nil).obj(t)["records"].([]any); len(all) != 0 {
		t.Errorf("a deleted permission set went to the bin: %v", all)
	}
	// A delete rolled back by allOrNone leaves the record where it was.
	r := do(t, o2, "DELETE", v+"/composite/sobjects?ids="+keep+",001RM000003oLrB000&allOrNone=true", nil)
	if strings.Contains(string(r.body), `"success":true`) {
		t.Fatalf("%s", r.body)
	}
	idOf(t, o2, "SELECT Id FROM Account WHERE Id = '"+keep+"'")
}

// TestDailyAPILimitOption: a configured allowance is what /limits and
// Sforce-Limit-Info report and where REQUEST_LIMIT_EXCEEDED starts.
func TestDailyAPILimitOption(t *testing.T) {
	o, _ := newTestOrg(t, Options{DailyAPILimit: 3})
	v := "/services/data/v62.0"
	r := do(t, o, "GET", v+"/limits", nil)
	if got := r.obj(t)["DailyApiRequests"]; r.header.Get("Sforce-Limit-Info") != "api-usage=1/3" ||
		fmt.Sprint(got) != "map[Max:3 Remaining:2]" {
		t.Errorf("limits: %q %v", r.header.Get("Sforce-Limit-Info"), got)
	}
	do(t, o, "GET", v+"/limits", nil)
	do(t, o, "GET", v+"/limits", nil)
	expectErr(t, do(t, o, "GET", v+"/query?q=SELECT+Id+FROM+User", nil), 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
}

// TestSOAPNotEmulated: the SOAP APIs other than login() and the Metadata
// API's deploy calls (metadata_soap_test.go) answer 404, not a session error
// that would send a client to log in again.
func TestSOAPNotEmulated(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, p := range []string{"/services/Soap/c/62.0/00DEm0000000001", "/services/Soap/T/62.0"} {
		expectErr(t, do(t, o, "POST", p, nil), 404, "NOT_FOUND", "The requested resource does not exist")
	}
}

// A reference can index into a subrequest whose answer is an array, as an
// sObject Collections answer is: @{ref[n].id}; an index past its end halts
// the subrequest with the guide's message.
func TestCompositeReferenceIntoCollections(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	acct := func(name string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": name}
	}
	r := do(t, o, "POST", v+"/composite", map[string]any{"compositeRequest": []any{
		map[string]any{"method": "POST", "url": v + "/composite/sobjects", "referenceId": "accts", "body": map[string]any{"records": []any{acct("First Co"), acct("Second Co")}}},
		map[string]any{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "ct", "body": map[string]any{"LastName": "Indexed", "AccountId": "@{accts[1].id}"}},
		map[string]any{"method": "POST", "url": v + "/sobjects/Contact", "referenceId": "past", "body": map[string]any{"LastName": "Past", "AccountId": "@{accts[5].id}"}},
	}})
	res := r.obj(t)["compositeResponse"].([]any)
	if len(res) != 3 || res[1].(map[string]any)["httpStatusCode"] != 201.0 {
		t.Fatalf("composite: %s", r.body)
	}
	if got := query(t, o, "SELECT Account.Name FROM Contact WHERE LastName = 'Indexed'"); len(got) != 1 || got[0].(map[string]any)["Account"].(map[string]any)["Name"] != "Second Co" {
		t.Errorf("the contact's account: %v", got)
	}
	if e := res[2].(map[string]any)["body"].([]any)[0].(map[string]any); e["errorCode"] != "PROCESSING_HALTED" || e["message"] != "Invalid reference specified. No value for accts[5].id found in accts." {
		t.Errorf("reference past the end: %v", res[2])
	}
}
