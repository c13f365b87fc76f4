package salesforce_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// fixedAnswer serves one canned response to every request and remembers the
// last request's method and URL.
func fixedAnswer(t *testing.T, status int, contentType, body string) (string, *string) {
	t.Helper()
	var last string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last = r.Method + " " + r.URL.RequestURI()
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &last
}

// TestAPIErrorKeepsEverything decodes the error bodies Salesforce sends into
// *APIError without losing an item or a field. Bodies are the recorded ones
// where a recording exists (shared/reference/fixtures), else the documented shape.
func TestAPIErrorKeepsEverything(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		method      string
		path        string
		want        salesforce.APIError
		wantText    string
		wantAuth    bool
	}{
		{
			// fixtures/error-INVALID_FIELD_FOR_INSERT_UPDATE-v51.json
			name:   "400 error array with fields",
			status: 400, contentType: "application/json",
			body:   `[{"message":"Unable to create/update fields: New__c. Please check the security settings of this field and verify that it is read/write for your profile or permission set.","errorCode":"INVALID_FIELD_FOR_INSERT_UPDATE","fields":["New__c"]}]`,
			method: "POST", path: "/services/data/v62.0/sobjects/Opportunity",
			want: salesforce.APIError{Method: "POST", Path: "/services/data/v62.0/sobjects/Opportunity", Status: 400, Errors: []salesforce.ErrorItem{{
				Code:    "INVALID_FIELD_FOR_INSERT_UPDATE",
				Message: "Unable to create/update fields: New__c. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
				Fields:  []string{"New__c"},
			}}},
			wantText: "POST /services/data/v62.0/sobjects/Opportunity: HTTP 400: INVALID_FIELD_FOR_INSERT_UPDATE: Unable to create/update fields: New__c. Please check the security settings of this field and verify that it is read/write for your profile or permission set. (fields: New__c)",
		},
		{
			// Two items: every one is kept, in order.
			name:   "400 error array with two items",
			status: 400, contentType: "application/json",
			body:   `[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]},{"message":"Alias: data value too large: abcdefghij (max length=8)","errorCode":"STRING_TOO_LONG","fields":["Alias"]}]`,
			method: "POST", path: "/services/data/v62.0/sobjects/User",
			want: salesforce.APIError{Method: "POST", Path: "/services/data/v62.0/sobjects/User", Status: 400, Errors: []salesforce.ErrorItem{
				{Code: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [LastName]", Fields: []string{"LastName"}},
				{Code: "STRING_TOO_LONG", Message: "Alias: data value too large: abcdefghij (max length=8)", Fields: []string{"Alias"}},
			}},
			wantText: "POST /services/data/v62.0/sobjects/User: HTTP 400: REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (fields: LastName); STRING_TOO_LONG: Alias: data value too large: abcdefghij (max length=8) (fields: Alias)",
		},
		{
			// fixtures/error-INVALID_TYPE-query-v50.json (pretty-printed, no fields key);
			// the query string stays out of Path and text.
			name:   "query error without fields",
			status: 400, contentType: "application/json",
			body:   "[ {\n  \"message\" : \"\\nSELECT Xyzzy FROM Xyzzy\\n                  ^\\nERROR at Row:1:Column:19\\nsObject type 'Xyzzy' is not supported.\",\n  \"errorCode\" : \"INVALID_TYPE\"\n} ]",
			method: "GET", path: "/services/data/v62.0/query?q=SELECT+Xyzzy+FROM+Xyzzy",
			want: salesforce.APIError{Method: "GET", Path: "/services/data/v62.0/query", Status: 400, Errors: []salesforce.ErrorItem{
				{Code: "INVALID_TYPE", Message: "\nSELECT Xyzzy FROM Xyzzy\n                  ^\nERROR at Row:1:Column:19\nsObject type 'Xyzzy' is not supported."},
			}},
			wantText: "GET /services/data/v62.0/query: HTTP 400: INVALID_TYPE: \nSELECT Xyzzy FROM Xyzzy\n                  ^\nERROR at Row:1:Column:19\nsObject type 'Xyzzy' is not supported.",
		},
		{
			// The OAuth endpoints answer {"error","error_description"}
			// (salesforce-api-facts.md, OAuth errors).
			name:   "OAuth-style error body",
			status: 400, contentType: "application/json",
			body:   `{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
			method: "POST", path: "/services/oauth2/token",
			want: salesforce.APIError{Method: "POST", Path: "/services/oauth2/token", Status: 400, Errors: []salesforce.ErrorItem{
				{Code: "invalid_grant", Message: "expired access/refresh token"},
			}},
			wantText: "POST /services/oauth2/token: HTTP 400: invalid_grant: expired access/refresh token",
		},
		{
			name:   "401 INVALID_SESSION_ID is an authentication failure",
			status: 401, contentType: "application/json",
			body:   `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
			method: "GET", path: "/services/data/v62.0/sobjects",
			want: salesforce.APIError{Method: "GET", Path: "/services/data/v62.0/sobjects", Status: 401, Errors: []salesforce.ErrorItem{
				{Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"},
			}},
			wantText: "GET /services/data/v62.0/sobjects: HTTP 401: INVALID_SESSION_ID: Session expired or invalid",
			wantAuth: true,
		},
		{
			// 403 is a refusal, not a bad token: re-authenticating would not help.
			name:   "403 REQUEST_LIMIT_EXCEEDED is not an authentication failure",
			status: 403, contentType: "application/json",
			body:   `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`,
			method: "GET", path: "/services/data/v62.0/limits",
			want: salesforce.APIError{Method: "GET", Path: "/services/data/v62.0/limits", Status: 403, Errors: []salesforce.ErrorItem{
				{Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."},
			}},
			wantText: "GET /services/data/v62.0/limits: HTTP 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.",
		},
		{
			// A proxy or maintenance page: not JSON, kept raw.
			name:   "HTML body is kept raw",
			status: 503, contentType: "text/html",
			body:   "<html><body>Service Unavailable</body></html>\n",
			method: "GET", path: "/services/data/v62.0/sobjects",
			want:     salesforce.APIError{Method: "GET", Path: "/services/data/v62.0/sobjects", Status: 503, Body: "<html><body>Service Unavailable</body></html>\n"},
			wantText: "GET /services/data/v62.0/sobjects: HTTP 503: <html><body>Service Unavailable</body></html>",
		},
		{
			name:   "empty body falls back to the status text",
			status: 500, contentType: "application/json",
			method: "DELETE", path: "/services/data/v62.0/sobjects/Account/001000000000001AAA",
			want:     salesforce.APIError{Method: "DELETE", Path: "/services/data/v62.0/sobjects/Account/001000000000001AAA", Status: 500},
			wantText: "DELETE /services/data/v62.0/sobjects/Account/001000000000001AAA: HTTP 500: Internal Server Error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, last := fixedAnswer(t, tt.status, tt.contentType, tt.body)
			// One try: this is about reading the answer (retries: retry_test.go).
			c := salesforce.New(salesforce.Config{InstanceURL: url, MaxRetries: -1,
				Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken, TokenType: "Bearer"})})
			err := c.Do(context.Background(), tt.method, tt.path, nil, nil)
			if *last != tt.method+" "+tt.path {
				t.Errorf("server saw %q, want %q", *last, tt.method+" "+tt.path)
			}
			var apiErr *salesforce.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if diff := cmp.Diff(&tt.want, apiErr); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if got := err.Error(); got != tt.wantText {
				t.Errorf("Error() =\n%q\nwant\n%q", got, tt.wantText)
			}
			if got := errors.Is(err, salesforce.ErrAuth); got != tt.wantAuth {
				t.Errorf("errors.Is(err, ErrAuth) = %v, want %v", got, tt.wantAuth)
			}
			for _, it := range tt.want.Errors {
				if !apiErr.HasCode(it.Code) {
					t.Errorf("HasCode(%q) = false", it.Code)
				}
			}
			if apiErr.HasCode("NOT_A_CODE") {
				t.Error("HasCode(NOT_A_CODE) = true")
			}
		})
	}
}

// TestAPIErrorFromTheOrg checks the errors a real org's rules produce reach the
// caller intact: the emulator answers a create without required fields as
// Salesforce does.
func TestAPIErrorFromTheOrg(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	c := newClient(url, testToken, nil)
	err := c.Do(context.Background(), "POST", c.DataPath("sobjects/Account"), map[string]any{"Description": "no name"}, nil)
	want := &salesforce.APIError{Method: "POST", Path: "/services/data/v62.0/sobjects/Account", Status: 400, Errors: []salesforce.ErrorItem{
		{Code: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [Name]", Fields: []string{"Name"}},
	}}
	var got *salesforce.APIError
	if !errors.As(err, &got) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
}

// TestCollectionsPerRecordErrors: sObject Collections answer HTTP 200 with one
// result per record; failures carry statusCode (not errorCode), which lands in Code.
func TestCollectionsPerRecordErrors(t *testing.T) {
	t.Run("recorded body", func(t *testing.T) {
		// fixtures/collections-update-error-INVALID_CROSS_REFERENCE_KEY-v59.json
		url, last := fixedAnswer(t, 200, "application/json", `[{"success":false,"errors":[{"statusCode":"INVALID_CROSS_REFERENCE_KEY","message":"invalid cross reference id","fields":[]}]}]`)
		c := newClient(url, testToken, nil)
		res, err := c.Update(context.Background(), []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Id": "001xx000003DHP0AAO", "Name": "x"}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if *last != "PATCH /services/data/v62.0/composite/sobjects" {
			t.Errorf("request %q", *last)
		}
		want := []salesforce.SaveResult{{Success: false, Errors: []salesforce.ErrorItem{{Code: "INVALID_CROSS_REFERENCE_KEY", Message: "invalid cross reference id", Fields: []string{}}}}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
	t.Run("emulator", func(t *testing.T) {
		url := newOrg(t, emulator.Options{})
		c := newClient(url, testToken, nil)
		res, err := c.Create(context.Background(), []salesforce.Record{
			{"attributes": map[string]any{"type": "Contact"}, "LastName": "First"},
			{"attributes": map[string]any{"type": "Contact"}, "FirstName": "No last name"},
			{"attributes": map[string]any{"type": "Contact"}, "LastName": "Third"},
		})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if len(res) != 3 {
			t.Fatalf("%d results, want 3: %+v", len(res), res)
		}
		if !res[0].Success || !strings.HasPrefix(res[0].ID, "003") || !res[2].Success || !strings.HasPrefix(res[2].ID, "003") {
			t.Errorf("records 1 and 3 should be created with Contact Ids (003...): %+v", res)
		}
		want := salesforce.SaveResult{Success: false, Errors: []salesforce.ErrorItem{{Code: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [LastName]", Fields: []string{"LastName"}}}}
		if diff := cmp.Diff(want, res[1]); diff != "" {
			t.Errorf("record 2 (-want +got):\n%s", diff)
		}
		if got := res[1].Errors[0].String(); got != "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (fields: LastName)" {
			t.Errorf("ErrorItem.String() = %q", got)
		}
	})
}

// TestUnauthorized: an org that refuses the token gives ErrAuth, through every
// entry point, and the refused token appears in no error text.
func TestUnauthorized(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	const wrong = "00D000000000001AAA!AQwrongtoken"
	c := newClient(url, wrong, nil)
	ctx := context.Background()
	_, uiErr := c.UserInfo(ctx)
	_, qErr := c.Query(ctx, "SELECT Id FROM User")
	_, cErr := c.Composite(ctx, []salesforce.SubRequest{{Method: "GET", URL: c.DataPath("sobjects")}})
	_, crErr := c.Create(ctx, []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Name": "x"}})
	for name, err := range map[string]error{"UserInfo": uiErr, "Query": qErr, "Composite": cErr, "Create": crErr} {
		if !errors.Is(err, salesforce.ErrAuth) {
			t.Errorf("%s: errors.Is(%v, ErrAuth) = false", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "wrongtoken") {
			t.Errorf("%s: error shows the token: %v", name, err)
		}
	}
	var apiErr *salesforce.APIError
	if !errors.As(qErr, &apiErr) || apiErr.Status != 401 || !apiErr.HasCode("INVALID_SESSION_ID") {
		t.Errorf("Query error = %#v, want 401 INVALID_SESSION_ID", qErr)
	}
	if c.Calls() != 4 {
		t.Errorf("Calls() = %d, want 4 (one per refused request)", c.Calls())
	}
}

// TestQueryFollowsPages: 4,500 rows come in pages of 2,000
// (fixtures/query-last-page-v60.json: locator "-2000"), so three requests.
func TestQueryFollowsPages(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	createAccounts(t, url, "Paged", 4500)
	c := newClient(url, testToken, nil)
	recs, err := c.Query(context.Background(), "SELECT Id, Name FROM Account WHERE Name LIKE 'Paged%' ORDER BY Name")
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if len(recs) != 4500 {
		t.Fatalf("%d records, want 4500", len(recs))
	}
	for i, r := range recs {
		if want := fmt.Sprintf("Paged%04d", i); r.String("Name") != want {
			t.Fatalf("record %d is %q, want %q (pages out of order or repeated)", i, r.String("Name"), want)
		}
	}
	if c.Calls() != 3 {
		t.Errorf("Calls() = %d, want 3", c.Calls())
	}
}

// TestToolingQuery reaches the Tooling API's query resource.
func TestToolingQuery(t *testing.T) {
	url := newOrg(t, emulator.Options{Seed: &emulator.Seed{Packages: []emulator.SeedPackage{{Namespace: "coconut", Name: "Coconut", Version: "1.27"}}}})
	c := newClient(url, testToken, nil)
	recs, err := c.ToolingQuery(context.Background(), "SELECT SubscriberPackage.NamespacePrefix FROM InstalledSubscriberPackage")
	if err != nil {
		t.Fatalf("ToolingQuery: %v", err)
	}
	if len(recs) != 1 || recs[0].String("SubscriberPackage.NamespacePrefix") != "coconut" {
		t.Errorf("records = %v, want one with namespace coconut", recs)
	}
	if c.Calls() != 1 {
		t.Errorf("Calls() = %d, want 1", c.Calls())
	}
}

// TestCompositeChunks: 30 subrequests go as 25 + 5 (the /composite limit),
// answers come back in input order, and a failed subrequest is an *APIError.
func TestCompositeChunks(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	ids := createAccounts(t, url, "Comp", 29)
	c := newClient(url, testToken, nil)
	var reqs []salesforce.SubRequest
	for _, id := range ids {
		reqs = append(reqs, salesforce.SubRequest{Method: "GET", URL: c.DataPath("sobjects/Account/" + id + "?fields=Name")})
	}
	missing := c.DataPath("sobjects/Account/001000000000000AAA")
	reqs = append(reqs, salesforce.SubRequest{Method: "GET", URL: missing})
	res, err := c.Composite(context.Background(), reqs)
	if err != nil {
		t.Fatalf("Composite: %v", err)
	}
	if c.Calls() != 2 {
		t.Errorf("Calls() = %d, want 2", c.Calls())
	}
	if len(res) != 30 {
		t.Fatalf("%d answers, want 30", len(res))
	}
	for i := range ids {
		if res[i].HTTPStatusCode != 200 || !bytes.Contains(res[i].Body, []byte(fmt.Sprintf(`"Name":"Comp%04d"`, i))) {
			t.Errorf("answer %d: %d %s", i, res[i].HTTPStatusCode, res[i].Body)
		}
		if err := res[i].Err("GET", reqs[i].URL); err != nil {
			t.Errorf("answer %d: Err() = %v", i, err)
		}
	}
	err = res[29].Err("GET", missing)
	var apiErr *salesforce.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || !apiErr.HasCode("NOT_FOUND") || apiErr.Path != missing {
		t.Errorf("answer 30: Err() = %#v, want a 404 NOT_FOUND *APIError for %s", err, missing)
	}
}

// TestCollectionsChunks: 450 records take three sObject Collections calls
// (200 + 200 + 50) each for create, update and delete; results keep input order.
func TestCollectionsChunks(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	ctx := context.Background()
	recs := make([]salesforce.Record, 450)
	for i := range recs {
		recs[i] = salesforce.Record{"attributes": map[string]any{"type": "Contact"}, "LastName": fmt.Sprintf("Chunk%03d", i)}
	}
	c := newClient(url, testToken, nil)
	created, err := c.Create(ctx, recs)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if c.Calls() != 3 {
		t.Errorf("Create: Calls() = %d, want 3", c.Calls())
	}
	if len(created) != 450 {
		t.Fatalf("Create: %d results, want 450", len(created))
	}
	ids := make([]string, len(created))
	updates := make([]salesforce.Record, len(created))
	for i, r := range created {
		if !r.Success || r.ID == "" {
			t.Fatalf("Create: result %d: %+v", i, r)
		}
		ids[i] = r.ID
		updates[i] = salesforce.Record{"attributes": map[string]any{"type": "Contact"}, "Id": r.ID, "FirstName": fmt.Sprintf("F%03d", i)}
	}
	// Results are in input order: each Id holds the LastName sent at its index.
	got, err := c.Query(ctx, "SELECT Id, LastName FROM Contact WHERE LastName LIKE 'Chunk%'")
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	byID := map[string]string{}
	for _, r := range got {
		byID[r.String("Id")] = r.String("LastName")
	}
	for i, id := range ids {
		if want := fmt.Sprintf("Chunk%03d", i); byID[id] != want {
			t.Fatalf("Id %s (result %d) holds %q, want %q", id, i, byID[id], want)
		}
	}

	before := c.Calls()
	updated, err := c.Update(ctx, updates)
	if err != nil || len(updated) != 450 || c.Calls()-before != 3 {
		t.Errorf("Update: %d results, %d calls, err %v; want 450, 3, nil", len(updated), c.Calls()-before, err)
	}
	before = c.Calls()
	deleted, err := c.Delete(ctx, ids)
	if err != nil || len(deleted) != 450 || c.Calls()-before != 3 {
		t.Errorf("Delete: %d results, %d calls, err %v; want 450, 3, nil", len(deleted), c.Calls()-before, err)
	}
	for i, r := range deleted {
		if !r.Success || r.ID != ids[i] {
			t.Fatalf("Delete: result %d = %+v, want success for %s", i, r, ids[i])
		}
	}
	left, err := c.Query(ctx, "SELECT Id FROM Contact WHERE LastName LIKE 'Chunk%'")
	if err != nil || len(left) != 0 {
		t.Errorf("after Delete: %d contacts left, err %v", len(left), err)
	}

	// Nothing to send costs nothing.
	before = c.Calls()
	if res, err := c.Create(ctx, nil); err != nil || len(res) != 0 || c.Calls() != before {
		t.Errorf("Create(nil) = %v, %v after %d calls", res, err, c.Calls()-before)
	}
}

// TestContextCancellation: cancelling the context stops a call that is waiting
// for the org; the server sees the request abandoned.
func TestContextCancellation(t *testing.T) {
	arrived := make(chan struct{})
	abandoned := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done() // an org that never answers
		close(abandoned)
	}))
	defer srv.Close()
	var trace bytes.Buffer
	c := newClient(srv.URL, testToken, &trace)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	err := c.Do(ctx, "GET", "/services/data/v62.0/limits", nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
	if want := "GET /services/data/v62.0/limits: context canceled"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	<-abandoned
	if !regexp.MustCompile(`^api: GET /services/data/v62\.0/limits cancelled \S+\n$`).MatchString(trace.String()) {
		t.Errorf("trace = %q", trace.String())
	}

	// A context cancelled before the call sends nothing.
	before := c.Calls()
	_, err = c.Query(ctx, "SELECT Id FROM User")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Query with a cancelled context = %v", err)
	}
	if c.Calls() > before+1 {
		t.Errorf("Query with a cancelled context made %d calls", c.Calls()-before)
	}
}

// TestContextOnEveryPage: a deadline reaches the follow-up pages of a query
// too, not only the first request.
func TestContextOnEveryPage(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	createAccounts(t, url, "Deadline", 2500)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel as soon as the first page has been answered.
	tr := &cancelAfter{n: 1, cancel: cancel}
	c := newClient(url, testToken, tr)
	_, err := c.Query(ctx, "SELECT Id FROM Account WHERE Name LIKE 'Deadline%'")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Query = %v, want context.Canceled on the second page", err)
	}
}

// cancelAfter is a trace writer that cancels after n trace lines (calls).
type cancelAfter struct {
	n      int
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return len(p), nil
}

// traceLine is the format of one trace line: method, path, status (or
// "error"), duration.
var traceLine = regexp.MustCompile(`^api: (GET|POST|PATCH|DELETE) (/\S*) (\d{3}|error) (\S+)$`)

// TestTrace: one line per call with method, path, status and duration; no
// token, no query string.
func TestTrace(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	var trace bytes.Buffer
	c := newClient(url, testToken, &trace)
	ctx := context.Background()
	if _, err := c.UserInfo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, "SELECT Id FROM User WHERE Username = 'secret-looking@example.com'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Name": "Traced"}}); err != nil {
		t.Fatal(err)
	}
	_ = c.Do(ctx, "GET", c.DataPath("sobjects/NoSuchThing/describe"), nil, nil)
	bad := newClient(url, "00D000000000001AAA!AQrefusedtoken", &trace)
	_, _ = bad.UserInfo(ctx)

	lines := strings.Split(strings.TrimSuffix(trace.String(), "\n"), "\n")
	want := []struct{ method, path, status string }{
		{"GET", "/services/oauth2/userinfo", "200"},
		{"GET", "/services/data/v62.0/query", "200"},
		{"POST", "/services/data/v62.0/composite/sobjects", "200"},
		{"GET", "/services/data/v62.0/sobjects/NoSuchThing/describe", "404"},
		{"GET", "/services/oauth2/userinfo", "401"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d trace lines, want %d:\n%s", len(lines), len(want), trace.String())
	}
	for i, line := range lines {
		m := traceLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d %q does not match %s", i+1, line, traceLine)
			continue
		}
		if m[1] != want[i].method || m[2] != want[i].path {
			t.Errorf("line %d = %q, want %s %s", i+1, line, want[i].method, want[i].path)
		}
		if m[3] != want[i].status {
			t.Errorf("line %d status %s, want %s", i+1, m[3], want[i].status)
		}
		if d, err := time.ParseDuration(m[4]); err != nil || d < 0 {
			t.Errorf("line %d duration %q: %v", i+1, m[4], err)
		}
	}
	for _, secret := range []string{testToken, "AQcontracttesttoken", "AQrefusedtoken", "Bearer", "secret-looking"} {
		if strings.Contains(trace.String(), secret) {
			t.Errorf("trace contains %q:\n%s", secret, trace.String())
		}
	}
}
