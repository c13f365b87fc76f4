package salesforce_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// flaky serves fail(n) for the nth request (1-based) while it returns true,
// else ok; it counts every request.
type flaky struct {
	calls atomic.Int64
	fail  func(n int, w http.ResponseWriter, r *http.Request) bool
	ok    func(w http.ResponseWriter, r *http.Request)
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.calls.Add(1))
	// Read the body whole: only then does the server notice a client that
	// hangs up (and cancel r.Context()).
	io.Copy(io.Discard, r.Body)
	if f.fail != nil && f.fail(n, w, r) {
		return
	}
	if f.ok != nil {
		f.ok(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"totalSize":0,"done":true,"records":[]}`)
}

func status503(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprint(w, `[{"message":"Server too busy","errorCode":"SERVER_UNAVAILABLE"}]`)
}

// failFirst fails the first n requests with 503.
func failFirst(n int) func(int, http.ResponseWriter, *http.Request) bool {
	return func(i int, w http.ResponseWriter, _ *http.Request) bool {
		if i <= n {
			status503(w)
			return true
		}
		return false
	}
}

func retryClient(t *testing.T, url string, trace *bytes.Buffer, mod func(*salesforce.Config)) *salesforce.Client {
	t.Helper()
	cfg := salesforce.Config{
		InstanceURL: url,
		Token:       oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken, TokenType: "Bearer"}),
		MaxRetries:  3,
		RetryWait:   time.Millisecond,
	}
	if trace != nil {
		cfg.Trace = trace
	}
	if mod != nil {
		mod(&cfg)
	}
	return salesforce.New(cfg)
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestReadsAreRetried(t *testing.T) {
	f := &flaky{fail: failFirst(2)}
	var trace bytes.Buffer
	c := retryClient(t, serve(t, f), &trace, nil)
	if _, err := c.Query(context.Background(), "SELECT Id FROM User"); err != nil {
		t.Fatal(err)
	}
	if got := f.calls.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
	if c.Calls() != 3 {
		t.Errorf("Calls() = %d, want 3", c.Calls())
	}
	lines := strings.Split(strings.TrimSpace(trace.String()), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^api: GET /services/data/v62\.0/query 503 \d+m?s \(retry 1 in \d+(\.\d+)?m?s\)$`),
		regexp.MustCompile(`^api: GET /services/data/v62\.0/query 503 \d+m?s \(retry 2 in \d+(\.\d+)?m?s\)$`),
		regexp.MustCompile(`^api: GET /services/data/v62\.0/query 200 \d+m?s$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("trace:\n%s", trace.String())
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("trace line %d = %q, want %s", i+1, lines[i], re)
		}
	}
}

func TestRetriesEnd(t *testing.T) {
	f := &flaky{fail: failFirst(1000)}
	var trace bytes.Buffer
	c := retryClient(t, serve(t, f), &trace, nil)
	_, err := c.Query(context.Background(), "SELECT Id FROM User")
	var ae *salesforce.APIError
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Fatalf("err = %v, want the 503", err)
	}
	if got := f.calls.Load(); got != 4 {
		t.Errorf("server saw %d requests, want 1 + MaxRetries = 4", got)
	}
	if want := "GET /services/data/v62.0/query: HTTP 503: SERVER_UNAVAILABLE: Server too busy (tried 4 times)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	if !strings.HasSuffix(strings.TrimSpace(trace.String()), "(HTTP 503; gave up after 4 tries)") {
		t.Errorf("trace:\n%s", trace.String())
	}

	// MaxRetries < 0: one try only.
	f.calls.Store(0)
	c = retryClient(t, serve(t, f), nil, func(cfg *salesforce.Config) { cfg.MaxRetries = -1 })
	if _, err := c.Query(context.Background(), "SELECT Id FROM User"); err == nil {
		t.Fatal("no error")
	}
	if got := f.calls.Load(); got != 1 {
		t.Errorf("MaxRetries -1: %d requests", got)
	}
}

// TestDefaultRetries: without MaxRetries, DefaultMaxRetries retries.
func TestDefaultRetries(t *testing.T) {
	f := &flaky{fail: failFirst(1000)}
	c := retryClient(t, serve(t, f), nil, func(cfg *salesforce.Config) { cfg.MaxRetries = 0 })
	c.Do(context.Background(), "GET", "/services/data/v62.0/limits", nil, nil)
	if got, want := f.calls.Load(), int64(1+salesforce.DefaultMaxRetries); got != want {
		t.Errorf("%d requests, want %d", got, want)
	}
}

func TestWhatIsRetried(t *testing.T) {
	account := map[string]any{"attributes": map[string]any{"type": "Account"}, "Name": "A"}
	tests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
		want         int64 // requests the server sees
	}{
		{"GET 502", "GET", "/services/data/v62.0/sobjects/Account/001000000000001AAA", nil, 502, "", 2},
		{"GET 504", "GET", "/services/data/v62.0/sobjects/Account/001000000000001AAA", nil, 504, "", 2},
		{"GET 500 is not transient", "GET", "/services/data/v62.0/sobjects/Account/001000000000001AAA", nil, 500, "UNKNOWN_EXCEPTION", 1},
		{"GET UNABLE_TO_LOCK_ROW", "GET", "/services/data/v62.0/query?q=x", nil, 400, "UNABLE_TO_LOCK_ROW", 2},
		{"GET 400 other", "GET", "/services/data/v62.0/query?q=x", nil, 400, "MALFORMED_QUERY", 1},
		// The org's own "Server too busy" is a refusal before any work:
		// even a create is sent again. A bare 503 (a proxy's) is not.
		{"POST create 503 SERVER_UNAVAILABLE", "POST", "/services/data/v62.0/sobjects/Account", account, 503, "SERVER_UNAVAILABLE", 2},
		{"POST create 503 without the org's error", "POST", "/services/data/v62.0/sobjects/Account", account, 503, "", 1},
		{"POST create 502", "POST", "/services/data/v62.0/sobjects/Account", account, 502, "", 1},
		{"composite with a create 503 SERVER_UNAVAILABLE", "POST", "/services/data/v62.0/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "POST", "url": "/services/data/v62.0/composite/sobjects", "referenceId": "r1", "body": map[string]any{}}}}, 503, "SERVER_UNAVAILABLE", 2},
		{"DELETE password (reset) 503 SERVER_UNAVAILABLE", "DELETE", "/services/data/v62.0/sobjects/User/005000000000001AAA/password", nil, 503, "SERVER_UNAVAILABLE", 2},
		{"POST create UNABLE_TO_LOCK_ROW", "POST", "/services/data/v62.0/sobjects/Account", account, 400, "UNABLE_TO_LOCK_ROW", 1},
		{"POST collections create 503", "POST", "/services/data/v62.0/composite/sobjects", map[string]any{"records": []any{account}}, 503, "", 1},
		{"PATCH by Id 503", "PATCH", "/services/data/v62.0/sobjects/Account/001000000000001AAA", map[string]any{"Name": "B"}, 503, "", 2},
		{"PATCH collections UNABLE_TO_LOCK_ROW", "PATCH", "/services/data/v62.0/composite/sobjects", map[string]any{"records": []any{}}, 500, "UNABLE_TO_LOCK_ROW", 2},
		{"DELETE by Id 503", "DELETE", "/services/data/v62.0/sobjects/Account/001000000000001AAA", nil, 503, "", 2},
		{"DELETE password (reset) 503", "DELETE", "/services/data/v62.0/sobjects/User/005000000000001AAA/password", nil, 503, "", 1},
		{"POST password 503", "POST", "/services/data/v62.0/sobjects/User/005000000000001AAA/password", map[string]any{"NewPassword": "x"}, 503, "", 1},
		{"composite of GETs", "POST", "/services/data/v62.0/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "GET", "url": "/services/data/v62.0/query?q=a", "referenceId": "r0"},
			map[string]any{"method": "GET", "url": "/services/data/v62.0/sobjects/User/describe", "referenceId": "r1"}}}, 503, "", 2},
		{"tooling composite of GETs", "POST", "/services/data/v62.0/tooling/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "GET", "url": "/services/data/v62.0/tooling/query?q=a", "referenceId": "r0"}}}, 503, "", 2},
		{"composite with a create", "POST", "/services/data/v62.0/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "GET", "url": "/services/data/v62.0/query?q=a", "referenceId": "r0"},
			map[string]any{"method": "POST", "url": "/services/data/v62.0/composite/sobjects", "referenceId": "r1", "body": map[string]any{}}}}, 503, "", 1},
		{"REQUEST_LIMIT_EXCEEDED", "GET", "/services/data/v62.0/limits", nil, 403, "REQUEST_LIMIT_EXCEEDED", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &flaky{fail: func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n > 1 {
					return false
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				if tt.code != "" {
					fmt.Fprintf(w, `[{"message":"m","errorCode":%q}]`, tt.code)
				}
				return true
			}, ok: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{}`)
			}}
			c := retryClient(t, serve(t, f), nil, nil)
			err := c.Do(context.Background(), tt.method, tt.path, tt.body, nil)
			if got := f.calls.Load(); got != tt.want {
				t.Errorf("server saw %d requests, want %d (err %v)", got, tt.want, err)
			}
			if tt.want == 1 && err == nil {
				t.Error("no error")
			}
			if tt.want == 2 && err != nil {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// TestPerRowErrorsAreNotRetried: a collection answered 200 with a locked row
// is the caller's to judge.
func TestPerRowErrorsAreNotRetried(t *testing.T) {
	f := &flaky{ok: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}]}]`)
	}}
	c := retryClient(t, serve(t, f), nil, nil)
	res, err := c.Update(context.Background(), []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Id": "001000000000001AAA"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.calls.Load() != 1 || len(res) != 1 || res[0].Errors[0].Code != "UNABLE_TO_LOCK_ROW" {
		t.Errorf("calls %d, results %+v", f.calls.Load(), res)
	}
}

// TestDeleteRetriedAfterItWorked: a DELETE whose first try was done but
// unanswered finds the record gone on the next: that is success.
func TestDeleteRetriedAfterItWorked(t *testing.T) {
	f := &flaky{fail: func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		if n == 1 {
			w.WriteHeader(http.StatusGatewayTimeout)
		} else {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED"}]`)
		}
		return true
	}}
	c := retryClient(t, serve(t, f), nil, nil)
	if err := c.Do(context.Background(), "DELETE", "/services/data/v62.0/sobjects/Account/001000000000001AAA", nil, nil); err != nil {
		t.Fatalf("err = %v", err)
	}
	if f.calls.Load() != 2 {
		t.Errorf("%d requests", f.calls.Load())
	}
	// Found gone on the first try, it is an error as before.
	f.calls.Store(1)
	if err := c.Do(context.Background(), "DELETE", "/services/data/v62.0/sobjects/Account/001000000000001AAA", nil, nil); err == nil {
		t.Error("a DELETE of a missing record succeeded on its first try")
	}
}

func TestRequestLimitStopsWithTheFigures(t *testing.T) {
	f := &flaky{fail: func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		if n == 1 {
			w.Header().Set("Sforce-Limit-Info", "api-usage=14999/15000")
			fmt.Fprint(w, `{"totalSize":0,"done":true,"records":[]}`)
			return true
		}
		if n == 2 {
			w.Header().Set("Sforce-Limit-Info", "api-usage=15000/15000")
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
		return true
	}}
	var trace bytes.Buffer
	c := retryClient(t, serve(t, f), &trace, nil)
	if _, err := c.Query(context.Background(), "SELECT Id FROM User"); err != nil {
		t.Fatal(err)
	}
	if used, limit, ok := c.APIUsage(); !ok || used != 14999 || limit != 15000 {
		t.Errorf("APIUsage = %d, %d, %v", used, limit, ok)
	}
	_, err := c.Query(context.Background(), "SELECT Id FROM User")
	if !errors.Is(err, salesforce.ErrRequestLimit) {
		t.Fatalf("err = %v, want ErrRequestLimit", err)
	}
	if want := "GET /services/data/v62.0/query: HTTP 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded. (API requests in the last 24 hours: 15000 of 15000)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	if f.calls.Load() != 2 {
		t.Errorf("%d requests, want 2 (no retry of the limit)", f.calls.Load())
	}
	// Without the header on the refusal, the last figures seen.
	_, err = c.Query(context.Background(), "SELECT Id FROM User")
	if err == nil || !strings.Contains(err.Error(), "(API requests in the last 24 hours: 15000 of 15000)") {
		t.Errorf("error = %v", err)
	}
}

// TestHangingServer: a try with no answer within RequestTimeout fails and,
// being a read, is sent again.
func TestHangingServer(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := &flaky{fail: func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return true
		}
		return false
	}}
	var trace bytes.Buffer
	c := retryClient(t, serve(t, f), &trace, func(cfg *salesforce.Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	start := time.Now()
	if _, err := c.Query(context.Background(), "SELECT Id FROM User"); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %s", el)
	}
	if f.calls.Load() != 2 {
		t.Errorf("%d requests", f.calls.Load())
	}
	if !regexp.MustCompile(`^api: GET /services/data/v62\.0/query timeout 1\d\dms \(timeout; retry 1 in \S+\)\napi: GET /services/data/v62\.0/query 200 `).MatchString(trace.String()) {
		t.Errorf("trace:\n%s", trace.String())
	}
}

// TestHangingServerForever: every try times out; a create is not repeated;
// the overall deadline ends everything.
func TestHangingServerForever(t *testing.T) {
	f := &flaky{fail: func(n int, w http.ResponseWriter, r *http.Request) bool {
		<-r.Context().Done()
		return true
	}}
	url := serve(t, f)
	c := retryClient(t, url, nil, func(cfg *salesforce.Config) { cfg.RequestTimeout = 50 * time.Millisecond })
	_, err := c.Query(context.Background(), "SELECT Id FROM User")
	var te *salesforce.TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, salesforce.ErrTimeout) {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if want := "GET /services/data/v62.0/query: no answer within 50ms (tried 4 times)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	if f.calls.Load() != 4 {
		t.Errorf("%d requests", f.calls.Load())
	}

	f.calls.Store(0)
	_, err = c.Create(context.Background(), []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Name": "A"}})
	if !errors.Is(err, salesforce.ErrTimeout) || f.calls.Load() != 1 {
		t.Errorf("create: err %v, %d requests (a create must not be repeated)", err, f.calls.Load())
	}

	f.calls.Store(0)
	c = retryClient(t, url, nil, func(cfg *salesforce.Config) {
		cfg.RequestTimeout = -1 // none: only the deadline ends it
		cfg.Deadline = 300 * time.Millisecond
	})
	start := time.Now()
	_, err = c.Query(context.Background(), "SELECT Id FROM User")
	if el := time.Since(start); el < 250*time.Millisecond || el > 2*time.Second {
		t.Errorf("the deadline of 300ms ended the request after %s", el)
	}
	if want := "GET /services/data/v62.0/query: no answer before the overall deadline of 300ms"; err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %q", err, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v is not DeadlineExceeded", err)
	}
	// Past the deadline, nothing is sent.
	before := f.calls.Load()
	if _, err := c.Query(context.Background(), "SELECT Id FROM User"); !errors.Is(err, salesforce.ErrTimeout) {
		t.Errorf("after the deadline: %v", err)
	}
	if f.calls.Load() != before {
		t.Errorf("a request went out after the deadline")
	}
}

// resetting closes the connection of the first n requests without an
// answer (RST, as a dropped load balancer connection looks).
func resetting(n int) func(int, http.ResponseWriter, *http.Request) bool {
	return func(i int, w http.ResponseWriter, r *http.Request) bool {
		if i > n {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
		return true
	}
}

func TestConnectionReset(t *testing.T) {
	f := &flaky{fail: resetting(2)}
	var trace bytes.Buffer
	c := retryClient(t, serve(t, f), &trace, nil)
	if _, err := c.Query(context.Background(), "SELECT Id FROM User"); err != nil {
		t.Fatalf("err = %v\ntrace:\n%s", err, trace.String())
	}
	if f.calls.Load() != 3 {
		t.Errorf("%d requests, want 3", f.calls.Load())
	}
	if !strings.Contains(trace.String(), "retry 2 in") {
		t.Errorf("trace:\n%s", trace.String())
	}

	// A create whose connection was reset may have been done: not repeated.
	f.calls.Store(0)
	trace.Reset()
	_, err := c.Create(context.Background(), []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Name": "A"}})
	if err == nil || f.calls.Load() != 1 {
		t.Errorf("create: err %v, %d requests", err, f.calls.Load())
	}
	if !strings.Contains(trace.String(), "(not retried: the org may have done it)") {
		t.Errorf("trace:\n%s", trace.String())
	}
}

// TestConnectionRefused: a request refused before it was sent cannot have
// reached the org, so even a create is sent again.
func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	var trace bytes.Buffer
	c := retryClient(t, url, &trace, nil)
	_, err = c.Create(context.Background(), []salesforce.Record{{"attributes": map[string]any{"type": "Account"}, "Name": "A"}})
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "(tried 4 times)") {
		t.Errorf("err = %v", err)
	}
	if c.Calls() != 4 {
		t.Errorf("%d tries, want 4", c.Calls())
	}
	if !strings.Contains(trace.String(), "api: POST /services/data/v62.0/composite/sobjects connection-refused") {
		t.Errorf("trace:\n%s", trace.String())
	}
}

// TestCancelStopsRetrying: a cancelled context ends the pause at once.
func TestCancelStopsRetrying(t *testing.T) {
	f := &flaky{fail: failFirst(1000)}
	c := retryClient(t, serve(t, f), nil, func(cfg *salesforce.Config) { cfg.RetryWait = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Query(ctx, "SELECT Id FROM User")
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("err %v after %s", err, time.Since(start))
	}
	if f.calls.Load() != 1 {
		t.Errorf("%d requests", f.calls.Load())
	}
}
