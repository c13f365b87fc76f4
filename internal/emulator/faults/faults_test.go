package faults

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		raw  string
		want Spec
		err  string
	}{
		{raw: "nth=3,status=503,code=SERVER_UNAVAILABLE",
			want: Spec{Nth: 3, Status: 503, Code: "SERVER_UNAVAILABLE", Message: "Server too busy"}},
		{raw: "every=5,status=503",
			want: Spec{Every: 5, Status: 503, Code: "SERVER_UNAVAILABLE", Message: "Server too busy"}},
		{raw: "rate=0.2,status=500,code=UNABLE_TO_LOCK_ROW,message=unable to obtain exclusive access to this record",
			want: Spec{Rate: 0.2, Status: 500, Code: "UNABLE_TO_LOCK_ROW", Message: "unable to obtain exclusive access to this record"}},
		{raw: "rate=0.5,status=500,code=UNABLE_TO_LOCK_ROW",
			want: Spec{Rate: 0.5, Status: 500, Code: "UNABLE_TO_LOCK_ROW", Message: "unable to obtain exclusive access to this record"}},
		{raw: "nth=2,status=401",
			want: Spec{Nth: 2, Status: 401, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}},
		{raw: "nth=1,status=403",
			want: Spec{Nth: 1, Status: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}},
		{raw: "nth=1,status=500",
			want: Spec{Nth: 1, Status: 500, Code: "UNKNOWN_EXCEPTION", Message: defaultMessages["UNKNOWN_EXCEPTION"]}},
		{raw: "nth=4,expire-tokens",
			want: Spec{Nth: 4, ExpireTokens: true}},
		{raw: "nth=4,expire-tokens,status=401",
			want: Spec{Nth: 4, ExpireTokens: true, Status: 401, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}},
		{raw: "nth=1,status=400,code=FIELD_CUSTOM_VALIDATION_EXCEPTION,message=No, not like this, please",
			want: Spec{Nth: 1, Status: 400, Code: "FIELD_CUSTOM_VALIDATION_EXCEPTION", Message: "No, not like this, please"}},
		{raw: "nth=3,status=503,path=/services/data/*/composite*",
			want: Spec{Nth: 3, Status: 503, Code: "SERVER_UNAVAILABLE", Message: "Server too busy", Path: "/services/data/*/composite*"}},

		{raw: "", err: "empty fault spec"},
		{raw: "status=503", err: `"status=503": give exactly one of nth=, every= or rate=`},
		{raw: "nth=1,every=2,status=503", err: `"nth=1,every=2,status=503": give exactly one of nth=, every= or rate=`},
		{raw: "nth=1", err: `"nth=1": give status= or expire-tokens (or both)`},
		{raw: "nth=0,status=503", err: `"nth=0,status=503": nth=0: must be 1 or more`},
		{raw: "nth=x,status=503", err: `"nth=x,status=503": nth=x: strconv.Atoi: parsing "x": invalid syntax`},
		{raw: "rate=1.5,status=503", err: `"rate=1.5,status=503": rate=1.5: must be in (0, 1]`},
		{raw: "nth=1,status=200", err: `"nth=1,status=200": status=200: must be an HTTP error status (400-599)`},
		{raw: "nth=1,status=418", err: `"nth=1,status=418": status 418 has no default error code; give code=`},
		{raw: "nth=1,status=400,code=WEIRD", err: `"nth=1,status=400,code=WEIRD": code WEIRD has no default message; give message=`},
		{raw: "nth=1,stauts=503", err: `"nth=1,stauts=503": unknown key "stauts" (want nth, every, rate, status, code, message, path or expire-tokens)`},
		{raw: "nth=1,boom", err: `"nth=1,boom": want key=value, got "boom"`},
		{raw: "nth=1,nth=2,status=503", err: `"nth=1,nth=2,status=503": nth given twice`},
		{raw: "nth=1,expire-tokens,code=X", err: `"nth=1,expire-tokens,code=X": code= and message= need status=`},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := ParseSpec(tc.raw)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want.raw = tc.raw
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(Spec{})); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			if got.String() != tc.raw {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

// run sends n GET requests to the wrapped handler and returns one character
// per request: '.' for a pass-through, else the first digit of the status.
func run(t *testing.T, cfg Config, paths ...string) (string, []string) {
	t.Helper()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	h, err := Wrap(next, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var bodies []string
	for _, p := range paths {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p, nil))
		if w.Code == 200 {
			out.WriteByte('.')
			continue
		}
		out.WriteByte(byte('0' + w.Code/100))
		bodies = append(bodies, strings.TrimSpace(w.Body.String()))
	}
	return out.String(), bodies
}

func repeat(p string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = p
	}
	return s
}

func TestNth(t *testing.T) {
	got, bodies := run(t, Config{Specs: []string{"nth=3,status=503"}}, repeat("/services/data/v62.0/query", 6)...)
	if got != "..5..." {
		t.Errorf("got %s", got)
	}
	if want := `[{"message":"Server too busy","errorCode":"SERVER_UNAVAILABLE"}]`; bodies[0] != want {
		t.Errorf("body %s\nwant %s", bodies[0], want)
	}
}

func TestEvery(t *testing.T) {
	got, _ := run(t, Config{Specs: []string{"every=2,status=401"}}, repeat("/x", 7)...)
	if got != ".4.4.4." {
		t.Errorf("got %s", got)
	}
}

func TestRateIsDeterministic(t *testing.T) {
	cfg := Config{Specs: []string{"rate=0.3,status=500,code=UNABLE_TO_LOCK_ROW"}, Seed: 42}
	a, bodies := run(t, cfg, repeat("/x", 200)...)
	b, _ := run(t, cfg, repeat("/x", 200)...)
	if a != b {
		t.Errorf("same seed, different runs:\n%s\n%s", a, b)
	}
	n := strings.Count(a, "5")
	if n < 40 || n > 80 { // 30% of 200 is 60; this seed's draw must be near it
		t.Errorf("%d failures in 200 at rate 0.3", n)
	}
	if want := `[{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW"}]`; bodies[0] != want {
		t.Errorf("body %s", bodies[0])
	}
	c, _ := run(t, Config{Specs: cfg.Specs, Seed: 43}, repeat("/x", 200)...)
	if c == a {
		t.Error("a different seed gave the same failures")
	}
	full, _ := run(t, Config{Specs: []string{"rate=1,status=503"}}, repeat("/x", 5)...)
	if full != "55555" {
		t.Errorf("rate=1: %s", full)
	}
}

func TestPathAndCounted(t *testing.T) {
	paths := []string{
		"/services/data/v62.0/query", "/services/data/v62.0/composite/sobjects", "/services/data/v62.0/query",
		"/services/data/v62.0/composite", "/services/data/v62.0/composite/sobjects", "/services/data/v62.0/composite",
	}
	got, _ := run(t, Config{Specs: []string{"nth=2,status=503,path=/services/data/*/composite*"}}, paths...)
	if got != "...5.." {
		t.Errorf("path glob: %s", got)
	}
	// The version list is not an API call (facts §12, Sforce-Limit-Info), so
	// with Counted excluding it, nth=2 is the second real call.
	counted := func(r *http.Request) bool { return r.URL.Path != "/services/data" }
	got, _ = run(t, Config{Specs: []string{"nth=2,status=503"}, Counted: counted},
		"/services/data", "/services/data/v62.0/query", "/services/data", "/services/data/v62.0/query")
	if got != "...5" {
		t.Errorf("counted: %s", got)
	}
	// With path=, requests outside Counted count too: the token endpoint
	// is not an API call but can be failed.
	got, _ = run(t, Config{Specs: []string{"nth=2,status=503,path=/services/oauth2/token"}, Counted: counted},
		"/services/oauth2/token", "/services/data/v62.0/query", "/services/oauth2/token", "/services/oauth2/token")
	if got != "..5." {
		t.Errorf("path outside Counted: %s", got)
	}
}

func TestExpireTokens(t *testing.T) {
	expired := 0
	tokenValid := true
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !tokenValid {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	})
	h, err := Wrap(next, Config{Specs: []string{"nth=2,expire-tokens"}, ExpireTokens: func() { expired++; tokenValid = false }})
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for range 3 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
		codes = append(codes, w.Code)
	}
	if d := cmp.Diff([]int{200, 401, 401}, codes); d != "" || expired != 1 {
		t.Errorf("codes %v expired %d", codes, expired)
	}
	if _, err := Wrap(next, Config{Specs: []string{"nth=2,expire-tokens"}}); err == nil || err.Error() != `--fault "nth=2,expire-tokens": expire-tokens is not available here` {
		t.Errorf("no ExpireTokens: %v", err)
	}
}

func TestWrapErrorsNameTheSpec(t *testing.T) {
	_, err := Wrap(http.NotFoundHandler(), Config{Specs: []string{"nth=1,status=503", "nth=1"}})
	if err == nil || err.Error() != `--fault "nth=1": give status= or expire-tokens (or both)` {
		t.Errorf("err %v", err)
	}
}

func TestWrapWithoutFaultsIsIdentity(t *testing.T) {
	next := http.NotFoundHandler()
	h, err := Wrap(next, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.(*handler); ok {
		t.Error("Wrap with nothing to do added a layer")
	}
}

func TestLatencyStopsWhenClientLeaves(t *testing.T) {
	called := false
	h, _ := Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }), Config{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(ctx))
	if called {
		t.Error("request served although the client had gone")
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"", "/anything", true},
		{"/services/data/*/composite*", "/services/data/v62.0/composite", true},
		{"/services/data/*/composite*", "/services/data/v62.0/composite/sobjects", true},
		{"/services/data/*/composite*", "/services/data/v62.0/query", false},
		{"*/query", "/services/data/v62.0/query", true},
		{"*/query", "/services/data/v62.0/query/01g-2000", false},
		{"/services/oauth2/token", "/services/oauth2/token", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/axxbyy", false},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.path); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.path, got)
		}
	}
}
