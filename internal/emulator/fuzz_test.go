package emulator

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequests sends arbitrary bodies to the write endpoints: the org must
// answer with JSON (or an empty 204), never panic.
func FuzzRequests(f *testing.F) {
	for _, s := range []string{`{"Name":"x"}`, `{"LastName":null,"ProfileId":"00e"}`, `[1,2]`, `{"records":[{"attributes":{"type":"Account"}}]}`,
		`{"compositeRequest":[{"method":"GET","url":"/services/data/v62.0/sobjects/Account/@{a.id}","referenceId":"b"}]}`,
		`{"allOrNone":true,"records":[{"attributes":{"type":"PermissionSetAssignment"},"AssigneeId":"005","PermissionSetId":7}]}`, `nul`, ``} {
		f.Add("POST", "/sobjects/Account", s)
		f.Add("POST", "/composite/sobjects", s)
		f.Add("POST", "/composite", s)
		f.Add("PATCH", "/sobjects/User/005Em0000000002IAA", s)
		f.Add("POST", "/composite/tree/Account", s)
		f.Add("POST", "/composite/batch", s)
	}
	o, _ := newTestOrg(f, Options{})
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if strings.ContainsAny(path, " \n\r#%") || !strings.HasPrefix(path, "/") {
			return
		}
		o.mu.Lock()
		o.meta.APICalls = 0 // stay under the daily limit, or every request is a 403
		o.mu.Unlock()
		req := httptest.NewRequest("GET", "http://127.0.0.1:8080"+v, nil)
		req.Method = method
		req.URL.Path = v + path
		req.Body = httptestBody(body)
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		if rec.Code == 204 && rec.Body.Len() == 0 {
			return
		}
		var x any
		if err := json.Unmarshal(rec.Body.Bytes(), &x); err != nil {
			t.Fatalf("%s %s %q: status %d, not JSON: %q", method, path, body, rec.Code, rec.Body.String())
		}
	})
}
