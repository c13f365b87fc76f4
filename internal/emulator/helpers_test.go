package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testToken = "00DEm0000000001!AQtesttoken"

// fixedClock is a settable clock for tests (no timed tests: time moves only when told).
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

func newTestOrg(t testing.TB, opts Options) (*Org, *fixedClock) {
	t.Helper()
	clk := &fixedClock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	if opts.AccessToken == "" {
		opts.AccessToken = testToken
	}
	if opts.Now == nil {
		opts.Now = clk.now
	}
	o, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return o, clk
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("response is not JSON (%d): %s", r.status, r.body)
	}
	return v
}

func (r resp) obj(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("response is not an object: %s", r.body)
	}
	return m
}

func do(t testing.TB, h http.Handler, method, path string, body any) resp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = bytes.NewBufferString(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

const v = "/services/data/v62.0"

// create makes a record and returns its Id, failing the test otherwise.
func create(t testing.TB, h http.Handler, object string, fields map[string]any) string {
	t.Helper()
	r := do(t, h, "POST", v+"/sobjects/"+object, fields)
	if r.status != 201 {
		t.Fatalf("create %s: %d %s", object, r.status, r.body)
	}
	return r.obj(t)["id"].(string)
}

// query runs a SOQL query and returns its records.
func query(t testing.TB, h http.Handler, q string) []any {
	t.Helper()
	r := do(t, h, "GET", v+"/query?q="+urlQuery(q), nil)
	if r.status != 200 {
		t.Fatalf("query %q: %d %s", q, r.status, r.body)
	}
	return r.obj(t)["records"].([]any)
}

func urlQuery(q string) string {
	var b bytes.Buffer
	for _, c := range []byte(q) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteByte(c)
		default:
			b.WriteString("%")
			b.WriteString(string("0123456789ABCDEF"[c>>4]))
			b.WriteString(string("0123456789ABCDEF"[c&15]))
		}
	}
	return b.String()
}

func httptestBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
