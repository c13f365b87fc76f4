package salesforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// queryOrCollection matches the subrequest URLs that count against the
// composite sub-limit: "You can have up to 25 subrequests in a single call.
// Up to 5 of these subrequests can be sObject Collections or query operations,
// including Query and QueryAll requests." (REST API Developer Guide,
// resources_composite_composite.htm, Note).
var queryOrCollection = regexp.MustCompile(`^/services/data/v[\d.]+/(query|queryAll|composite/sobjects)(/|\?|$)`)

// fiveQueryOrg serves the emulator org behind a check of that sub-limit, so
// that a client which breaks it fails here as it would against a real org.
// The wording of Salesforce's refusal is not recorded; the test only needs
// the refusal.
func fiveQueryOrg(t *testing.T) (string, *[]int) {
	t.Helper()
	org, err := emulator.New(emulator.Options{AccessToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	var perCall []int // query and collection subrequests in each /composite call
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/composite") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct {
				CompositeRequest []struct {
					URL string `json:"url"`
				} `json:"compositeRequest"`
			}
			if err := json.Unmarshal(body, &req); err != nil {
				t.Errorf("composite body: %v", err)
			}
			n := 0
			for _, s := range req.CompositeRequest {
				if queryOrCollection.MatchString(s.URL) {
					n++
				}
			}
			perCall = append(perCall, n)
			if n > 5 || len(req.CompositeRequest) > 25 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `[{"message":"%d subrequests, %d of them query or collection","errorCode":"TEST_SUBLIMIT"}]`, len(req.CompositeRequest), n)
				return
			}
		}
		org.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &perCall
}

// TestCompositeQuerySubLimit: 12 queries among 30 subrequests need three
// /composite calls (at most five queries each), not two; every answer still
// comes back in input order.
func TestCompositeQuerySubLimit(t *testing.T) {
	url, perCall := fiveQueryOrg(t)
	c := newClient(url, testToken, nil)
	var reqs []salesforce.SubRequest
	want := map[int]string{}
	for i := 0; i < 30; i++ {
		if i%5 < 2 { // 12 queries, spread among the describes
			name := fmt.Sprintf("Q%02d", i)
			reqs = append(reqs, salesforce.SubRequest{Method: "GET", URL: c.DataPath("query") + "?q=SELECT+COUNT()+FROM+Account+WHERE+Name+%3D+%27" + name + "%27"})
			want[i] = `"totalSize":0`
			continue
		}
		reqs = append(reqs, salesforce.SubRequest{Method: "GET", URL: c.DataPath("sobjects/Account/describe")})
		want[i] = `"name":"Account"`
	}
	res, err := c.Composite(context.Background(), reqs)
	if err != nil {
		t.Fatalf("Composite: %v", err)
	}
	if c.Calls() != 3 {
		t.Errorf("Calls() = %d, want 3", c.Calls())
	}
	for i, n := range *perCall {
		if n > 5 {
			t.Errorf("call %d carried %d query subrequests", i+1, n)
		}
	}
	if len(res) != 30 {
		t.Fatalf("%d answers, want 30", len(res))
	}
	for i, r := range res {
		if r.HTTPStatusCode != 200 || !bytes.Contains(r.Body, []byte(want[i])) {
			t.Errorf("answer %d: %d %.80s, want %s", i, r.HTTPStatusCode, r.Body, want[i])
		}
	}
}

// TestCompositeCallReferences: one call whose later subrequests name what
// earlier ones created (a row's id, a query's first record), answered in
// order; a subrequest naming a failed one is halted (PROCESSING_HALTED) and
// not run; more than one call takes is refused before anything is sent.
func TestCompositeCallReferences(t *testing.T) {
	ctx := context.Background()
	c := newClient(newOrg(t, emulator.Options{}), testToken, nil)
	v := c.DataPath("")
	reqs := []salesforce.SubRequest{
		{Method: "POST", URL: v + "sobjects/Account", Body: map[string]any{"Name": "Chain One"}},
		{Method: "GET", URL: v + "query?q=SELECT+Id,+Name+FROM+Account+WHERE+Id+=+'@{r0.id}'"},
		{Method: "POST", URL: v + "sobjects/Contact", Body: map[string]any{"LastName": "Chain", "AccountId": "@{r1.records[0].Id}"}},
		{Method: "POST", URL: v + "sobjects/Account", Body: map[string]any{}}, // no Name: refused
		{Method: "POST", URL: v + "sobjects/Contact", Body: map[string]any{"LastName": "Halted", "AccountId": "@{r3.id}"}},
	}
	before := c.Calls()
	resps, err := c.CompositeCall(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Calls() - before; got != 1 {
		t.Errorf("%d calls, want 1", got)
	}
	var got []string
	for _, r := range resps {
		got = append(got, fmt.Sprintf("%s %d halted=%v", r.ReferenceID, r.HTTPStatusCode, r.Halted()))
	}
	want := []string{"r0 201 halted=false", "r1 200 halted=false", "r2 201 halted=false", "r3 400 halted=false", "r4 400 halted=true"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if items := resps[3].Items(); len(items) != 1 || items[0].Code != "REQUIRED_FIELD_MISSING" {
		t.Errorf("the refused create's errors: %+v", items)
	}
	recs, err := c.Query(ctx, "SELECT Account.Name FROM Contact WHERE LastName = 'Chain'")
	if err != nil || len(recs) != 1 || recs[0].String("Account.Name") != "Chain One" {
		t.Errorf("the contact on the account made in the same call: %v %v", recs, err)
	}

	// 26 subrequests, or 6 queries, are more than one call takes.
	before = c.Calls()
	many := make([]salesforce.SubRequest, 26)
	for i := range many {
		many[i] = salesforce.SubRequest{Method: "GET", URL: v + "sobjects/Account/describe"}
	}
	if _, err := c.CompositeCall(ctx, many); err == nil {
		t.Error("26 subrequests: no error")
	}
	queries := make([]salesforce.SubRequest, 6)
	for i := range queries {
		queries[i] = salesforce.SubRequest{Method: "GET", URL: v + "query?q=SELECT+Id+FROM+Account"}
	}
	if _, err := c.CompositeCall(ctx, queries); err == nil {
		t.Error("6 queries: no error")
	}
	if c.Calls() != before {
		t.Errorf("refused calls were sent: %d", c.Calls()-before)
	}
}
