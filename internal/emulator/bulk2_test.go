package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// doCSV sends a raw text/csv body (PUT .../batches).
func doCSV(t *testing.T, h http.Handler, method, path, body string) resp {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "text/csv")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// runIngest opens a job, uploads csv, closes it and returns the job Id.
func runIngest(t *testing.T, h http.Handler, job map[string]any, csv string) string {
	t.Helper()
	r := do(t, h, "POST", v+"/jobs/ingest", job)
	if r.status != 200 {
		t.Fatalf("create job: %d %s", r.status, r.body)
	}
	id := r.obj(t)["id"].(string)
	if r := doCSV(t, h, "PUT", v+"/jobs/ingest/"+id+"/batches", csv); r.status != 201 || len(r.body) != 0 {
		t.Fatalf("upload: %d %q", r.status, r.body)
	}
	if r := do(t, h, "PATCH", v+"/jobs/ingest/"+id, map[string]any{"state": "UploadComplete"}); r.status != 200 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	return id
}

func wantBody(t *testing.T, what string, r resp, status int, body string) {
	t.Helper()
	if r.status != status || strings.TrimSuffix(string(r.body), "\n") != strings.TrimSuffix(body, "\n") {
		t.Errorf("%s: got %d %s\nwant %d %s", what, r.status, r.body, status, body)
	}
}

func TestBulk2IngestInsertLifecycle(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "POST", v+"/jobs/ingest", map[string]any{"object": "account", "operation": "insert"})
	id := r.obj(t)["id"].(string)
	if !strings.HasPrefix(id, "750") || len(id) != 18 {
		t.Fatalf("job id %q", id)
	}
	head := `{"id":"` + id + `","operation":"insert","object":"Account","createdById":"005Em0000000002IAA","createdDate":"2026-11-23T12:00:00.000+0000","systemModstamp":"2026-11-23T12:00:00.000+0000","state":"`
	tail := `"concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,`
	wantBody(t, "create", r, 200, head+`Open",`+tail+`"contentUrl":"services/data/v62.0/jobs/ingest/`+id+`/batches","lineEnding":"LF","columnDelimiter":"COMMA"}`)

	r = doCSV(t, o, "PUT", v+"/jobs/ingest/"+id+"/batches", "Name,Industry\nAcme Bulk,Banking\n,Energy\n\"Quote, \"\"Inc\"\"\",#N/A\n")
	wantBody(t, "upload", r, 201, "")
	r = do(t, o, "PATCH", v+"/jobs/ingest/"+id, map[string]any{"state": "UploadComplete"})
	wantBody(t, "close", r, 200, head+`UploadComplete",`+tail+`"lineEnding":"LF","columnDelimiter":"COMMA"}`)
	r = do(t, o, "GET", v+"/jobs/ingest/"+id, nil)
	wantBody(t, "info", r, 200, head+`JobComplete",`+tail+`"jobType":"V2Ingest","lineEnding":"LF","columnDelimiter":"COMMA","numberRecordsProcessed":3,"numberRecordsFailed":1,"retries":0,"totalProcessingTime":0,"apiActiveProcessingTime":0,"apexProcessingTime":0}`)

	recs := query(t, o, "SELECT Id, Name, Industry FROM Account WHERE Name IN ('Acme Bulk', 'Quote, \"Inc\"') ORDER BY Name")
	if len(recs) != 2 {
		t.Fatalf("records: %v", recs)
	}
	acme, quote := recs[0].(map[string]any), recs[1].(map[string]any)
	if acme["Industry"] != "Banking" || quote["Industry"] != nil {
		t.Errorf("values: %v", recs)
	}
	r = do(t, o, "GET", v+"/jobs/ingest/"+id+"/successfulResults/", nil)
	wantBody(t, "successfulResults", r, 200, `"sf__Id","sf__Created",Name,Industry
"`+acme["Id"].(string)+`","true","Acme Bulk","Banking"
"`+quote["Id"].(string)+`","true","Quote, ""Inc""","#N/A"
`)
	if ct := r.header.Get("Content-Type"); ct != "text/csv" {
		t.Errorf("Content-Type %q", ct)
	}
	r = do(t, o, "GET", v+"/jobs/ingest/"+id+"/failedResults/", nil)
	wantBody(t, "failedResults", r, 200, `"sf__Id","sf__Error",Name,Industry
"","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","","Energy"
`)
	r = do(t, o, "GET", v+"/jobs/ingest/"+id+"/unprocessedrecords/", nil)
	wantBody(t, "unprocessedrecords", r, 200, "Name,Industry\n")

	r = do(t, o, "GET", v+"/jobs/ingest", nil)
	wantBody(t, "list", r, 200, `{"done":true,"records":[`+head+`JobComplete",`+tail+`"jobType":"V2Ingest","lineEnding":"LF","columnDelimiter":"COMMA"}],"nextRecordsUrl":null}`)
	wantBody(t, "delete", do(t, o, "DELETE", v+"/jobs/ingest/"+id, nil), 204, "")
	wantBody(t, "deleted", do(t, o, "GET", v+"/jobs/ingest/"+id, nil), 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
}

func TestBulk2UpdateUpsertDelete(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	a := create(t, o, "Account", map[string]any{"Name": "Bulk Up", "Industry": "Banking"})
	c := create(t, o, "Contact", map[string]any{"LastName": "Old", "Email": "old@example.com"})

	id := runIngest(t, o, map[string]any{"object": "Account", "operation": "update"}, "Id,Name,Industry\n"+a+",Bulk Up 2,#N/A\n001000000000000AAA,Nobody,\n")
	wantBody(t, "update ok", do(t, o, "GET", v+"/jobs/ingest/"+id+"/successfulResults", nil), 200, "\"sf__Id\",\"sf__Created\",Id,Name,Industry\n\""+a+"\",\"false\",\""+a+"\",\"Bulk Up 2\",\"#N/A\"\n")
	wantBody(t, "update failed", do(t, o, "GET", v+"/jobs/ingest/"+id+"/failedResults", nil), 200, "\"sf__Id\",\"sf__Error\",Id,Name,Industry\n\"\",\"INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--\",\"001000000000000AAA\",\"Nobody\",\"\"\n")
	if got := query(t, o, "SELECT Name, Industry FROM Account WHERE Id = '"+a+"'")[0].(map[string]any); got["Name"] != "Bulk Up 2" || got["Industry"] != nil {
		t.Errorf("after update: %v", got)
	}

	id = runIngest(t, o, map[string]any{"object": "Contact", "operation": "upsert", "externalIdFieldName": "email"}, "Email,LastName\nold@example.com,Matched\nnew@example.com,New\n")
	r := do(t, o, "GET", v+"/jobs/ingest/"+id+"/successfulResults", nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if len(lines) != 3 || lines[1] != `"`+c+`","false","old@example.com","Matched"` || !strings.HasPrefix(lines[2], `"003`) || !strings.HasSuffix(lines[2], `","true","new@example.com","New"`) {
		t.Errorf("upsert results:\n%s", r.body)
	}
	if info := do(t, o, "GET", v+"/jobs/ingest/"+id, nil).obj(t); info["externalIdFieldName"] != "Email" {
		t.Errorf("externalIdFieldName: %v", info["externalIdFieldName"])
	}

	id = runIngest(t, o, map[string]any{"object": "Contact", "operation": "delete"}, "Id\n"+c+"\nbad-id\n"+a+"\n")
	wantBody(t, "delete ok", do(t, o, "GET", v+"/jobs/ingest/"+id+"/successfulResults", nil), 200, "\"sf__Id\",\"sf__Created\",Id\n\""+c+"\",\"false\",\""+c+"\"\n")
	wantBody(t, "delete failed", do(t, o, "GET", v+"/jobs/ingest/"+id+"/failedResults", nil), 200,
		"\"sf__Id\",\"sf__Error\",Id\n\"\",\"MALFORMED_ID:malformed id bad-id:--\",\"bad-id\"\n\"\",\"INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--\",\""+a+"\"\n")
	// A plain delete goes to the Recycle Bin (queryAll sees it).
	r = do(t, o, "GET", v+"/queryAll?q="+urlQuery("SELECT Id, IsDeleted FROM Contact WHERE Id = '"+c+"'"), nil)
	if n := r.obj(t)["totalSize"]; n != float64(1) {
		t.Errorf("queryAll after delete: %s", r.body)
	}
}

func TestBulk2HardDelete(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	a := create(t, o, "Account", map[string]any{"Name": "Hard"})
	job := map[string]any{"object": "Account", "operation": "hardDelete"}
	wantBody(t, "without the permission", do(t, o, "POST", v+"/jobs/ingest", job), 400,
		`[{"errorCode":"FEATURENOTENABLED","message":"hardDelete operation requires special user profile permission, please contact your system administrator"}]`)
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Hard_Delete", "Label": "Hard Delete", "PermissionsBulkApiHardDelete": true, "PermissionsApiEnabled": true})
	admin := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Id FROM User WHERE Username = 'admin@emulator.sfprov.local'"), nil).obj(t)["records"].([]any)[0].(map[string]any)["Id"].(string)
	create(t, o, "PermissionSetAssignment", map[string]any{"PermissionSetId": ps, "AssigneeId": admin})
	id := runIngest(t, o, job, "Id\n"+a+"\n")
	if info := do(t, o, "GET", v+"/jobs/ingest/"+id, nil).obj(t); info["state"] != "JobComplete" || info["numberRecordsProcessed"] != float64(1) || info["numberRecordsFailed"] != float64(0) {
		t.Fatalf("info: %v", info)
	}
	r := do(t, o, "GET", v+"/queryAll?q="+urlQuery("SELECT Id FROM Account WHERE Id = '"+a+"'"), nil)
	if n := r.obj(t)["totalSize"]; n != float64(0) {
		t.Errorf("hardDelete left the record in the Recycle Bin: %s", r.body)
	}
}

func TestBulk2FailedJobs(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, tc := range []struct {
		name, job, csv, msg string
	}{
		{"crlf in an LF job", "LF", "Name\r\nA\r\n", "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF"},
		{"unknown column", "LF", "Name,Nope__c\nA,1\n", "InvalidBatch : Field name not found : Nope__c"},
		{"bad quoting", "LF", "Name\n\"A\"x\n", "ClientInputError : Failed to parse the CSV data at line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := runIngest(t, o, map[string]any{"object": "Account", "operation": "insert", "lineEnding": tc.job}, tc.csv)
			info := do(t, o, "GET", v+"/jobs/ingest/"+id, nil).obj(t)
			if info["state"] != "Failed" || info["errorMessage"] != tc.msg || info["numberRecordsProcessed"] != float64(0) {
				t.Errorf("info: %v", info)
			}
		})
	}
	// CRLF data in a CRLF job is fine, and the results use CRLF (UNCONFIRMED) and the job's delimiter.
	id := runIngest(t, o, map[string]any{"object": "Account", "operation": "insert", "lineEnding": "CRLF", "columnDelimiter": "PIPE"}, "Name|Industry\r\nPiped|Energy\r\n")
	r := do(t, o, "GET", v+"/jobs/ingest/"+id+"/successfulResults", nil)
	if !strings.HasPrefix(string(r.body), "\"sf__Id\"|\"sf__Created\"|Name|Industry\r\n\"001") || !strings.HasSuffix(string(r.body), "\"|\"true\"|\"Piped\"|\"Energy\"\r\n") {
		t.Errorf("CRLF/PIPE results: %q", r.body)
	}
	// A byte order mark before the header is dropped.
	id = runIngest(t, o, map[string]any{"object": "Account", "operation": "insert"}, "\ufeffName\nWith BOM\n")
	wantBody(t, "bom", do(t, o, "GET", v+"/jobs/ingest/"+id+"/failedResults", nil), 200, "\"sf__Id\",\"sf__Error\",Name\n")
	if len(query(t, o, "SELECT Id FROM Account WHERE Name = 'With BOM'")) != 1 {
		t.Errorf("BOM: the record was not created")
	}
	// An empty job completes with no records (jsforce's live-org test).
	r = do(t, o, "POST", v+"/jobs/ingest", map[string]any{"object": "Account", "operation": "insert"})
	empty := r.obj(t)["id"].(string)
	do(t, o, "PATCH", v+"/jobs/ingest/"+empty, map[string]any{"state": "UploadComplete"})
	if info := do(t, o, "GET", v+"/jobs/ingest/"+empty, nil).obj(t); info["state"] != "JobComplete" || info["numberRecordsProcessed"] != float64(0) {
		t.Errorf("empty job: %v", info)
	}
	wantBody(t, "empty results", do(t, o, "GET", v+"/jobs/ingest/"+empty+"/successfulResults", nil), 200, `"sf__Id","sf__Created"`+"\n")
}

func TestBulk2AbortAndStateErrors(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "POST", v+"/jobs/ingest", map[string]any{"object": "Account", "operation": "insert"})
	id := r.obj(t)["id"].(string)
	doCSV(t, o, "PUT", v+"/jobs/ingest/"+id+"/batches", "Name\nNever\n")
	wantBody(t, "delete open", do(t, o, "DELETE", v+"/jobs/ingest/"+id, nil), 400,
		`[{"errorCode":"INVALIDJOBSTATE","message":"Job `+id+` is Open; close or abort it before deleting it"}]`)
	wantBody(t, "bad state", do(t, o, "PATCH", v+"/jobs/ingest/"+id, map[string]any{"state": "JobComplete"}), 400,
		`[{"errorCode":"INVALIDJOBSTATE","message":"Invalid state: JobComplete. A job can only be set to UploadComplete or Aborted"}]`)
	if s := do(t, o, "PATCH", v+"/jobs/ingest/"+id, map[string]any{"state": "Aborted"}).obj(t)["state"]; s != "Aborted" {
		t.Fatalf("abort: %v", s)
	}
	wantBody(t, "close aborted", do(t, o, "PATCH", v+"/jobs/ingest/"+id, map[string]any{"state": "UploadComplete"}), 400,
		`[{"errorCode":"INVALIDJOBSTATE","message":"Job `+id+` is in state Aborted and cannot be set to UploadComplete"}]`)
	wantBody(t, "upload aborted", doCSV(t, o, "PUT", v+"/jobs/ingest/"+id+"/batches", "Name\nLate\n"), 409,
		`[{"errorCode":"INVALIDJOBSTATE","message":"Unable to upload data, job `+id+` is in state Aborted (expected Open)"}]`)
	wantBody(t, "unprocessed", do(t, o, "GET", v+"/jobs/ingest/"+id+"/unprocessedrecords", nil), 200, "Name\n\"Never\"\n")
	if n := query(t, o, "SELECT Id FROM Account WHERE Name = 'Never'"); len(n) != 0 {
		t.Errorf("an aborted job saved records: %v", n)
	}
}

func TestBulk2RequestErrors(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	notFound := `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		want               string
	}{
		{"unknown job", "GET", v + "/jobs/ingest/750000000000000AAA", nil, 404, notFound},
		{"unknown query job", "GET", v + "/jobs/query/750000000000000AAA/results", nil, 404, notFound},
		{"unknown object", "POST", v + "/jobs/ingest", map[string]any{"object": "Nope__c", "operation": "insert"}, 400,
			`[{"errorCode":"INVALIDJOB","message":"InvalidJob : Unable to find object: Nope__c"}]`},
		{"bad operation", "POST", v + "/jobs/ingest", map[string]any{"object": "Account", "operation": "merge"}, 400,
			`[{"errorCode":"INVALIDJOB","message":"InvalidJob : Invalid operation: merge"}]`},
		{"upsert without external id", "POST", v + "/jobs/ingest", map[string]any{"object": "Account", "operation": "upsert"}, 400,
			`[{"errorCode":"INVALIDJOB","message":"InvalidJob : External ID was blank for Account. An External ID must be specified for upsert."}]`},
		{"upsert on a plain field", "POST", v + "/jobs/ingest", map[string]any{"object": "Account", "operation": "upsert", "externalIdFieldName": "Industry"}, 400,
			`[{"errorCode":"INVALIDJOB","message":"InvalidJob : Field name provided, Industry is not an External ID or indexed field for Account"}]`},
		{"bad line ending", "POST", v + "/jobs/ingest", map[string]any{"object": "Account", "operation": "insert", "lineEnding": "CR"}, 400,
			`[{"errorCode":"INVALIDJOB","message":"Invalid line ending: CR"}]`},
		{"bad query operation", "POST", v + "/jobs/query", map[string]any{"operation": "insert", "query": "SELECT Id FROM Account"}, 400,
			`[{"errorCode":"INVALIDJOB","message":"InvalidJob : Invalid operation: insert. Valid operations are query and queryAll"}]`},
		{"aggregate query", "POST", v + "/jobs/query", map[string]any{"operation": "query", "query": "SELECT COUNT(Id) FROM Account"}, 400,
			`[{"errorCode":"FEATURENOTENABLED","message":"Aggregate queries are not supported by Bulk API 2.0"}]`},
		{"child subquery", "POST", v + "/jobs/query", map[string]any{"operation": "query", "query": "SELECT Id, (SELECT Id FROM Contacts) FROM Account"}, 400,
			`[{"errorCode":"FEATURENOTENABLED","message":"Parent-to-child relationship queries are not supported by Bulk API 2.0"}]`},
		{"offset", "POST", v + "/jobs/query", map[string]any{"operation": "query", "query": "SELECT Id FROM Account WHERE Name != 'offset x' OFFSET 5"}, 400,
			`[{"errorCode":"FEATURENOTENABLED","message":"OFFSET is not supported by Bulk API 2.0"}]`},
		{"fields()", "POST", v + "/jobs/query", map[string]any{"operation": "query", "query": "SELECT FIELDS(STANDARD) FROM Account LIMIT 200"}, 400,
			`[{"errorCode":"FEATURENOTENABLED","message":"FIELDS() is not supported by Bulk API 2.0"}]`},
		{"compound address", "POST", v + "/jobs/query", map[string]any{"operation": "query", "query": "SELECT Id, BillingAddress FROM Account"}, 400,
			`[{"errorCode":"FEATURENOTENABLED","message":"Compound field BillingAddress is not supported by Bulk API 2.0; query its components"}]`},
		{"group by", "POST", v + "/jobs/query", map[string]any{"operation": "query", "query": "SELECT Industry FROM Account GROUP BY Industry"}, 400,
			`[{"errorCode":"FEATURENOTENABLED","message":"GROUP BY is not supported by Bulk API 2.0"}]`},
		{"ingest before 41.0", "GET", "/services/data/v40.0/jobs/ingest", nil, 404, notFound},
		{"query before 47.0", "GET", "/services/data/v46.0/jobs/query", nil, 404, notFound},
		{"not in tooling", "GET", v + "/tooling/jobs/ingest", nil, 404, notFound},
		{"method", "PUT", v + "/jobs/ingest", nil, 405, `[{"errorCode":"METHOD_NOT_ALLOWED","message":"HTTP Method 'PUT' not allowed. Allowed are GET,HEAD,POST"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantBody(t, tc.name, do(t, o, tc.method, tc.path, tc.body), tc.status, tc.want)
		})
	}
	// A SOQL error is the REST query's body.
	r := do(t, o, "POST", v+"/jobs/query", map[string]any{"operation": "query", "query": "SELECT Nope FROM Account"})
	if r.status != 400 || !strings.Contains(string(r.body), `"errorCode":"INVALID_FIELD"`) {
		t.Errorf("bad SOQL: %d %s", r.status, r.body)
	}
}

func TestBulk2QueryResultsPaging(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, n := range []string{"Pg 1", "Pg 2", "Pg 3"} {
		create(t, o, "Account", map[string]any{"Name": n, "NumberOfEmployees": 5})
	}
	gone := create(t, o, "Account", map[string]any{"Name": "Pg 4"})
	do(t, o, "DELETE", v+"/sobjects/Account/"+gone, nil)

	r := do(t, o, "POST", v+"/jobs/query", map[string]any{"operation": "query", "query": "SELECT Name, NumberOfEmployees, Owner.Name FROM Account WHERE Name LIKE 'Pg%' ORDER BY Name"})
	id := r.obj(t)["id"].(string)
	wantBody(t, "create", r, 200, `{"id":"`+id+`","operation":"query","object":"Account","createdById":"005Em0000000002IAA","createdDate":"2026-11-23T12:00:00.000+0000","systemModstamp":"2026-11-23T12:00:00.000+0000","state":"UploadComplete","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,"lineEnding":"LF","columnDelimiter":"COMMA"}`)
	wantBody(t, "info", do(t, o, "GET", v+"/jobs/query/"+id, nil), 200, `{"id":"`+id+`","operation":"query","object":"Account","createdById":"005Em0000000002IAA","createdDate":"2026-11-23T12:00:00.000+0000","systemModstamp":"2026-11-23T12:00:00.000+0000","state":"JobComplete","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,"jobType":"V2Query","lineEnding":"LF","columnDelimiter":"COMMA","numberRecordsProcessed":3,"retries":0,"totalProcessingTime":0,"isPkChunkingSupported":false}`)

	pages := []struct{ qs, locator, n, body string }{
		{"?maxRecords=2", "Mg", "2", "\"Name\",\"NumberOfEmployees\",\"Owner.Name\"\n\"Pg 1\",\"5\",\"Admin User\"\n\"Pg 2\",\"5\",\"Admin User\"\n"},
		{"?maxRecords=2&locator=Mg", "null", "1", "\"Name\",\"NumberOfEmployees\",\"Owner.Name\"\n\"Pg 3\",\"5\",\"Admin User\"\n"},
		{"", "null", "3", "\"Name\",\"NumberOfEmployees\",\"Owner.Name\"\n\"Pg 1\",\"5\",\"Admin User\"\n\"Pg 2\",\"5\",\"Admin User\"\n\"Pg 3\",\"5\",\"Admin User\"\n"},
	}
	for _, p := range pages {
		r := do(t, o, "GET", v+"/jobs/query/"+id+"/results"+p.qs, nil)
		wantBody(t, "results"+p.qs, r, 200, p.body)
		if r.header.Get("Sforce-Locator") != p.locator || r.header.Get("Sforce-NumberOfRecords") != p.n {
			t.Errorf("%s: headers %v", p.qs, r.header)
		}
	}
	wantBody(t, "bad locator", do(t, o, "GET", v+"/jobs/query/"+id+"/results?locator=zz!", nil), 400, `[{"errorCode":"INVALIDLOCATOR","message":"Invalid locator: zz!"}]`)
	wantBody(t, "other version", do(t, o, "GET", "/services/data/v60.0/jobs/query/"+id+"/results", nil), 409,
		`[{"errorCode":"INVALIDJOBSTATE","message":"The job was created in API version 62.0; get its results with the same version"}]`)
	wantBody(t, "abort completed", do(t, o, "PATCH", v+"/jobs/query/"+id, map[string]any{"state": "Aborted"}), 400,
		`[{"errorCode":"INVALIDJOBSTATE","message":"Job `+id+` is in state JobComplete and cannot be set to Aborted"}]`)

	// Datetimes end in Z.
	r = do(t, o, "POST", v+"/jobs/query", map[string]any{"operation": "query", "query": "SELECT CreatedDate FROM Account WHERE Name = 'Pg 1'"})
	wantBody(t, "datetime", do(t, o, "GET", v+"/jobs/query/"+r.obj(t)["id"].(string)+"/results", nil), 200, "\"CreatedDate\"\n\"2026-11-23T12:00:00.000Z\"\n")

	// queryAll sees the Recycle Bin.
	r = do(t, o, "POST", v+"/jobs/query", map[string]any{"operation": "queryAll", "query": "SELECT Name, IsDeleted FROM Account WHERE Name = 'Pg 4'", "columnDelimiter": "SEMICOLON"})
	all := r.obj(t)["id"].(string)
	wantBody(t, "queryAll", do(t, o, "GET", v+"/jobs/query/"+all+"/results", nil), 200, "\"Name\";\"IsDeleted\"\n\"Pg 4\";\"true\"\n")

	// A word in a string literal is not a clause.
	r = do(t, o, "POST", v+"/jobs/query", map[string]any{"operation": "query", "query": "SELECT Name FROM Account WHERE Name = 'OFFSET 1 \\' typeof'"})
	if r.status != 200 {
		t.Errorf("literal: %d %s", r.status, r.body)
	}

	r = do(t, o, "GET", v+"/jobs/query", nil)
	if recs := r.obj(t)["records"].([]any); len(recs) != 4 || recs[0].(map[string]any)["jobType"] != "V2Query" {
		t.Errorf("query job list: %s", r.body)
	}
	wantBody(t, "delete", do(t, o, "DELETE", v+"/jobs/query/"+id, nil), 204, "")
}

// Every Bulk request is one API call (serve.go counted()).
func TestBulk2CountsAPICalls(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	first := do(t, o, "POST", v+"/jobs/ingest", map[string]any{"object": "Account", "operation": "insert"})
	id := first.obj(t)["id"].(string)
	second := doCSV(t, o, "PUT", v+"/jobs/ingest/"+id+"/batches", "Name\nCounted\n")
	a, b := first.header.Get("Sforce-Limit-Info"), second.header.Get("Sforce-Limit-Info")
	if a == "" || b == "" || a == b {
		t.Errorf("Sforce-Limit-Info: %q then %q", a, b)
	}
}

// Relationship columns name a parent by an indexed field (guide,
// "Relationship Fields in a Header Row (2.0)").
func TestBulk2RelationshipColumns(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	acc := create(t, o, "Account", map[string]any{"Name": "Rel Parent"})
	boss := create(t, o, "Contact", map[string]any{"LastName": "Boss", "Email": "boss@example.com"})
	id := runIngest(t, o, map[string]any{"object": "Contact", "operation": "insert"},
		"LastName,ReportsTo.Email,Account.Id\nWorker,boss@example.com,"+acc+"\nLost,nobody@example.com,\nOrphan,#N/A,#N/A\n")
	recs := query(t, o, "SELECT LastName, ReportsToId, AccountId FROM Contact WHERE LastName IN ('Worker', 'Orphan', 'Lost') ORDER BY LastName")
	if len(recs) != 2 {
		t.Fatalf("records: %v", recs)
	}
	orphan, worker := recs[0].(map[string]any), recs[1].(map[string]any)
	if worker["ReportsToId"] != boss || worker["AccountId"] != acc || orphan["ReportsToId"] != nil || orphan["AccountId"] != nil {
		t.Errorf("parents: %v", recs)
	}
	wantBody(t, "failed", do(t, o, "GET", v+"/jobs/ingest/"+id+"/failedResults", nil), 200,
		"\"sf__Id\",\"sf__Error\",LastName,ReportsTo.Email,Account.Id\n\"\",\"INVALID_FIELD:Foreign key external ID: nobody@example.com not found for field Email in entity Contact:ReportsToId --\",\"Lost\",\"nobody@example.com\",\"\"\n")
	// A relationship to a field that is not indexed fails the job.
	id = runIngest(t, o, map[string]any{"object": "Contact", "operation": "insert"}, "LastName,Account.Industry\nX,Banking\n")
	if info := do(t, o, "GET", v+"/jobs/ingest/"+id, nil).obj(t); info["state"] != "Failed" || info["errorMessage"] != "InvalidBatch : Field name not found : Account.Industry" {
		t.Errorf("not indexed: %v", info)
	}
}
