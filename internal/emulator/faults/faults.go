// Package faults injects failures into the emulator org's HTTP API, so that
// tests can see how a client copes with a slow, overloaded or forgetful org.
// Everything it does is deterministic for a given seed and request order.
//
// A fault is given as one spec (the value of `sfprov emulator serve --fault`,
// which can be repeated): comma-separated key=value pairs.
//
//	nth=N            fail the Nth counted request (1-based), once
//	every=N          fail every Nth counted request (N, 2N, 3N, ...)
//	rate=F           fail each counted request with probability F (0 < F <= 1),
//	                 drawn from a PCG generator seeded with --fault-seed
//	status=S         answer with HTTP status S and a Salesforce error array
//	code=C           the errorCode (default by status, see below)
//	message=M        the message (default by code); M may contain commas,
//	                 which is why it is best written last
//	expire-tokens    expire every issued access token first; without status=
//	                 the request then goes on to the org, which answers 401
//	path=GLOB        count only requests whose path matches GLOB, where *
//	                 matches any run of characters, '/' included; such a spec
//	                 counts every matching request, API call or not (so
//	                 path=/services/oauth2/token can fail logins)
//
// Exactly one of nth, every and rate is required, and status or expire-tokens
// (or both). Each spec counts on its own: nth=3,path=/services/data/*/composite*
// fails the third composite request, whatever came before it.
//
// Default errorCode and message by status (the body is
// [{"message":M,"errorCode":C}], Salesforce's REST error array):
//
//	401  INVALID_SESSION_ID      Session expired or invalid
//	403  REQUEST_LIMIT_EXCEEDED  TotalRequests Limit exceeded.
//	404  NOT_FOUND               The requested resource does not exist
//	500  UNKNOWN_EXCEPTION       An unexpected error occurred. ...
//	503  SERVER_UNAVAILABLE      Server too busy
//
// Other statuses need code=. Known codes also have default messages
// (UNABLE_TO_LOCK_ROW: "unable to obtain exclusive access to this record").
//
// Examples:
//
//	nth=3,status=503
//	every=5,status=503
//	rate=0.2,status=500,code=UNABLE_TO_LOCK_ROW
//	nth=2,status=401
//	nth=4,expire-tokens
//	nth=1,status=500,path=/services/data/*/composite/sobjects
package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says which faults to inject.
type Config struct {
	Latency      time.Duration // added before every request is served
	Specs        []string      // raw --fault values
	Seed         int64         // seeds rate= faults
	ExpireTokens func()        // called when a spec says expire-tokens
	// Counted says which requests count as "the Nth request" for specs
	// without path= (nil = all). The emulator passes the requests that
	// count as API calls, so that nth=3 means the third API call, as a
	// client would count it.
	Counted func(*http.Request) bool
}

// Spec is one parsed --fault value.
type Spec struct {
	Nth, Every   int     // trigger: the Nth request, or every Nth
	Rate         float64 // trigger: a share of requests
	Status       int     // 0: no answer of our own (expire-tokens alone)
	Code         string
	Message      string
	ExpireTokens bool
	Path         string // glob over the request path; "" = every path
	raw          string
}

// String is the spec as it was written.
func (s Spec) String() string { return s.raw }

// defaultCodes are the errors Salesforce sends with these statuses.
var defaultCodes = map[int]string{
	// facts §12: "401 … The body has errorCode"; INVALID_SESSION_ID is the ExceptionCode.
	http.StatusUnauthorized: "INVALID_SESSION_ID",
	// facts §12: "REQUEST_LIMIT_EXCEEDED also comes as 403".
	http.StatusForbidden: "REQUEST_LIMIT_EXCEEDED",
	// facts §12: NOT_FOUND appears in REST 404 bodies (CumulusCI cassette).
	http.StatusNotFound: "NOT_FOUND",
	// facts §12: 500 internal error; UNKNOWN_EXCEPTION is the StatusCode Salesforce uses for it.
	http.StatusInternalServerError: "UNKNOWN_EXCEPTION",
	// facts §12: 503 unavailable or overloaded; SERVER_UNAVAILABLE is in ExceptionCode.
	http.StatusServiceUnavailable: "SERVER_UNAVAILABLE",
}

// defaultMessages are Salesforce's wording for these codes.
var defaultMessages = map[string]string{
	// facts §12 example body.
	"INVALID_SESSION_ID": "Session expired or invalid",
	// UNCONFIRMED wording, as commonly reported from orgs over their daily limit.
	"REQUEST_LIMIT_EXCEEDED": "TotalRequests Limit exceeded.",
	// UNCONFIRMED wording (REST 404 for a resource that does not exist).
	"NOT_FOUND": "The requested resource does not exist",
	// UNCONFIRMED: the ErrorId numbers vary per incident; the sentence is Salesforce's.
	"UNKNOWN_EXCEPTION": "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)",
	// restforce/restforce#156: "SERVER_UNAVAILABLE: Server too busy".
	"SERVER_UNAVAILABLE": "Server too busy",
	// DML lock contention, as the issue 3 brief quotes it (record lock on update).
	"UNABLE_TO_LOCK_ROW": "unable to obtain exclusive access to this record",
}

// ParseSpec parses one --fault value.
func ParseSpec(raw string) (Spec, error) {
	s := Spec{raw: raw}
	if strings.TrimSpace(raw) == "" {
		return Spec{}, errors.New("empty fault spec")
	}
	seen := map[string]bool{}
	last := ""
	for _, part := range strings.Split(raw, ",") {
		key, val, hasEq := strings.Cut(part, "=")
		key = strings.TrimSpace(key)
		if !hasEq && key == "expire-tokens" {
			s.ExpireTokens = true
			last = key
			continue
		}
		if !isKey(key) || !hasEq {
			if last == "message" {
				// A message may contain commas: this piece continues it.
				s.Message += "," + part
				continue
			}
			if !hasEq {
				return Spec{}, fmt.Errorf("%q: want key=value, got %q", raw, part)
			}
			return Spec{}, fmt.Errorf("%q: unknown key %q (want nth, every, rate, status, code, message, path or expire-tokens)", raw, key)
		}
		if seen[key] {
			return Spec{}, fmt.Errorf("%q: %s given twice", raw, key)
		}
		seen[key] = true
		last = key
		var err error
		switch key {
		case "nth":
			s.Nth, err = positive(val)
		case "every":
			s.Every, err = positive(val)
		case "rate":
			s.Rate, err = strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err == nil && (s.Rate <= 0 || s.Rate > 1) {
				err = errors.New("must be in (0, 1]")
			}
		case "status":
			s.Status, err = strconv.Atoi(strings.TrimSpace(val))
			if err == nil && (s.Status < 400 || s.Status > 599) {
				err = errors.New("must be an HTTP error status (400-599)")
			}
		case "code":
			s.Code = strings.TrimSpace(val)
		case "message":
			s.Message = val
		case "path":
			s.Path = strings.TrimSpace(val)
		}
		if err != nil {
			return Spec{}, fmt.Errorf("%q: %s=%s: %v", raw, key, val, err)
		}
	}
	triggers := 0
	for _, k := range []string{"nth", "every", "rate"} {
		if seen[k] {
			triggers++
		}
	}
	if triggers != 1 {
		return Spec{}, fmt.Errorf("%q: give exactly one of nth=, every= or rate=", raw)
	}
	if s.Status == 0 && !s.ExpireTokens {
		return Spec{}, fmt.Errorf("%q: give status= or expire-tokens (or both)", raw)
	}
	if s.Status == 0 && (s.Code != "" || s.Message != "") {
		return Spec{}, fmt.Errorf("%q: code= and message= need status=", raw)
	}
	if s.Status != 0 && s.Code == "" {
		s.Code = defaultCodes[s.Status]
		if s.Code == "" {
			return Spec{}, fmt.Errorf("%q: status %d has no default error code; give code=", raw, s.Status)
		}
	}
	if s.Status != 0 && s.Message == "" {
		s.Message = defaultMessages[s.Code]
		if s.Message == "" {
			return Spec{}, fmt.Errorf("%q: code %s has no default message; give message=", raw, s.Code)
		}
	}
	return s, nil
}

func isKey(k string) bool {
	switch k {
	case "nth", "every", "rate", "status", "code", "message", "path":
		return true
	}
	return false
}

func positive(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, errors.New("must be 1 or more")
	}
	return n, nil
}

// Wrap returns next with the faults of cfg injected. With no latency and no
// specs it returns next itself. The error names the first bad spec.
func Wrap(next http.Handler, cfg Config) (http.Handler, error) {
	var specs []*state
	for i, raw := range cfg.Specs {
		s, err := ParseSpec(raw)
		if err != nil {
			return nil, fmt.Errorf("--fault %w", err)
		}
		if s.ExpireTokens && cfg.ExpireTokens == nil {
			return nil, fmt.Errorf("--fault %q: expire-tokens is not available here", raw)
		}
		st := &state{spec: s}
		if s.Rate > 0 {
			// One generator per spec, so that adding a spec does not change
			// which requests an existing one fails.
			st.rng = rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i)))
		}
		specs = append(specs, st)
	}
	if cfg.Latency <= 0 && len(specs) == 0 {
		return next, nil
	}
	return &handler{next: next, cfg: cfg, specs: specs}, nil
}

type state struct {
	spec Spec
	n    int // counted requests seen
	rng  *rand.Rand
}

type handler struct {
	next  http.Handler
	cfg   Config
	mu    sync.Mutex
	specs []*state
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Latency > 0 {
		if err := sleep(r.Context(), h.cfg.Latency); err != nil {
			return // the client went away
		}
	}
	counted := h.cfg.Counted == nil || h.cfg.Counted(r)
	var (
		expire bool
		answer *Spec
	)
	h.mu.Lock()
	for _, st := range h.specs {
		// A spec with path= counts every request on its paths, so that
		// requests that are not API calls (the token endpoint, the
		// version list) can be failed too; the others count API calls.
		if st.spec.Path == "" && !counted || !globMatch(st.spec.Path, r.URL.Path) {
			continue
		}
		st.n++
		if !st.fires() {
			continue
		}
		expire = expire || st.spec.ExpireTokens
		if answer == nil && st.spec.Status != 0 {
			sp := st.spec
			answer = &sp
		}
	}
	h.mu.Unlock()
	if expire {
		h.cfg.ExpireTokens()
	}
	if answer == nil {
		h.next.ServeHTTP(w, r)
		return
	}
	writeError(w, answer.Status, answer.Code, answer.Message)
}

// fires reports whether the request just counted fails. The rate draw happens
// on every counted request, so the sequence of failures depends only on the
// seed and the order of requests.
func (st *state) fires() bool {
	switch {
	case st.spec.Nth > 0:
		return st.n == st.spec.Nth
	case st.spec.Every > 0:
		return st.n%st.spec.Every == 0
	default:
		return st.rng.Float64() < st.spec.Rate
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeError answers with Salesforce's REST error array, message before
// errorCode as in the facts §12 example.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode([]struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}{{message, code}})
}

// globMatch matches path against pattern, where * matches any run of
// characters including '/', and every other character matches itself. An
// empty pattern matches everything.
func globMatch(pattern, path string) bool {
	if pattern == "" {
		return true
	}
	// Iterative wildcard match with backtracking to the last star.
	p, s := 0, 0
	star, mark := -1, 0
	for s < len(path) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case p < len(pattern) && pattern[p] == path[s]:
			p++
			s++
		case star >= 0:
			p = star + 1
			mark++
			s = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Help is the --fault flag's long help, for `sfprov emulator serve --help`.
const Help = `--fault SPEC (repeatable) fails chosen API requests. SPEC is comma-separated key=value:
  nth=N | every=N | rate=F   which counted requests fail (exactly one; rate draws from --fault-seed)
  status=S                   answer HTTP S with a Salesforce error array
  code=C, message=M          the errorCode and message (defaults by status: 401 INVALID_SESSION_ID,
                             403 REQUEST_LIMIT_EXCEEDED, 404 NOT_FOUND, 500 UNKNOWN_EXCEPTION,
                             503 SERVER_UNAVAILABLE); write message last, it may contain commas
  expire-tokens              expire every issued access token (alone: the request then goes on)
  path=GLOB                  count only matching paths, API call or not (* matches anything, '/' too)
Examples: nth=3,status=503   every=5,status=503   nth=2,status=401   nth=4,expire-tokens
  rate=0.2,status=500,code=UNABLE_TO_LOCK_ROW   nth=1,status=503,path=/services/data/*/composite*`
