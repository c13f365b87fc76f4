// Package salesforce is the only code in sfprov that talks HTTP to an org. It wraps
// simpleforce's raw request path with an oauth2 token source, a context on every
// call, call counting, an optional trace of every request, and typed errors that
// keep every field Salesforce returns. The rest of sfprov sees records, results
// and *APIError, never HTTP.
package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simpleforce/simpleforce"
	"golang.org/x/oauth2"
)

// DefaultAPIVersion is the REST API version sfprov speaks. Salesforce advises
// OAuth with API ≥ 62.0 (shared/reference/salesforce-api-facts.md §11).
const DefaultAPIVersion = "62.0"

// Config says where an org is and how to authenticate to it.
type Config struct {
	InstanceURL string
	APIVersion  string // "" = DefaultAPIVersion
	Token       oauth2.TokenSource
	// Transport is the base round tripper ("nil" = http.DefaultTransport); the
	// embedded emulator passes one that serves requests in process.
	Transport http.RoundTripper
	// Trace, when set, receives one line per API call: method, path, status, duration.
	Trace io.Writer
	// Renew, when set, gets a new access token after the org answers 401
	// (an expired or revoked session); the request is then sent once more.
	Renew func(ctx context.Context) (*oauth2.Token, error)
	// OnRenew is told each token Renew got, so that it can be kept.
	OnRenew func(*oauth2.Token)

	// MaxRetries is how many times a request is sent again after a
	// transient failure (502, 503, 504, UNABLE_TO_LOCK_ROW, a lost
	// connection, a timeout) when repeating it is safe: 0 means
	// DefaultMaxRetries, a negative number none.
	MaxRetries int
	// RequestTimeout bounds each try of a request, answer read whole: 0
	// means DefaultRequestTimeout (60 s), a negative duration none.
	RequestTimeout time.Duration
	// Deadline, when positive, bounds everything the client does, from New
	// on: past it every request fails with a *TimeoutError.
	Deadline time.Duration
	// RetryWait is the pause before the first retry (0 = DefaultRetryWait),
	// doubled on each further retry, with jitter.
	RetryWait time.Duration
}

// Client is a connection to one org. It is safe for concurrent use.
type Client struct {
	instanceURL string
	version     string
	base        http.RoundTripper
	trace       io.Writer
	traceMu     sync.Mutex // one whole line per call, whatever the writer
	calls       atomic.Int64
	auth        *tokens // nil: requests go without a token
	retry       retryPolicy
	// apiUsed and apiLimit are the last Sforce-Limit-Info api-usage seen.
	apiUsed, apiLimit atomic.Int64
}

// New returns a client for the org in cfg.
func New(cfg Config) *Client {
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	v := strings.TrimPrefix(cfg.APIVersion, "v")
	if v == "" {
		v = DefaultAPIVersion
	}
	c := &Client{
		instanceURL: strings.TrimRight(cfg.InstanceURL, "/"),
		version:     v,
		trace:       cfg.Trace,
		base:        base,
		retry:       newRetryPolicy(cfg),
	}
	if cfg.Token != nil {
		c.auth = &tokens{src: cfg.Token, renew: cfg.Renew, onRenew: cfg.OnRenew}
	}
	return c
}

// InstanceURL is the org's base URL.
func (c *Client) InstanceURL() string { return c.instanceURL }

// APIVersion is the REST version in use, e.g. "62.0".
func (c *Client) APIVersion() string { return c.version }

// Calls is the number of API requests this client has sent, retries included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// APIUsage is the org's API request count over the last 24 hours and its
// allowance, as the last answer's Sforce-Limit-Info said; ok is false when
// no answer has said.
func (c *Client) APIUsage() (used, limit int, ok bool) {
	l := c.apiLimit.Load()
	return int(c.apiUsed.Load()), int(l), l > 0
}

// DataPath returns the path of a REST resource under /services/data/vXX.X.
func (c *Client) DataPath(rest string) string {
	return "/services/data/v" + c.version + "/" + strings.TrimPrefix(rest, "/")
}

// ErrorItem is one entry of a Salesforce error array. REST uses errorCode,
// sObject Collections use statusCode; both land in Code.
type ErrorItem struct {
	Message string   `json:"message"`
	Code    string   `json:"errorCode"`
	Fields  []string `json:"fields,omitempty"`
}

func (e *ErrorItem) UnmarshalJSON(b []byte) error {
	var raw struct {
		Message    string   `json:"message"`
		ErrorCode  string   `json:"errorCode"`
		StatusCode string   `json:"statusCode"`
		Fields     []string `json:"fields"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	e.Message, e.Code, e.Fields = raw.Message, raw.ErrorCode, raw.Fields
	if e.Code == "" {
		e.Code = raw.StatusCode
	}
	return nil
}

func (e ErrorItem) String() string {
	s := e.Code + ": " + e.Message
	if len(e.Fields) > 0 {
		s += " (fields: " + strings.Join(e.Fields, ", ") + ")"
	}
	return s
}

// APIError is a failed request: the HTTP status and every error Salesforce gave.
type APIError struct {
	Method string
	Path   string // without query string, so no secret can leak through it
	Status int
	Errors []ErrorItem
	// Body is the raw body when it was not a Salesforce error array (an OAuth error, HTML).
	Body string
	// APIUsed and APILimit are the org's API requests in the last 24 hours
	// and its allowance (Sforce-Limit-Info api-usage), when known.
	APIUsed, APILimit int
	// RetryAfter is the answer's Retry-After, when it had one.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var parts []string
	for _, it := range e.Errors {
		parts = append(parts, it.String())
	}
	if len(parts) == 0 && e.Body != "" {
		parts = append(parts, strings.TrimSpace(e.Body))
	}
	if len(parts) == 0 {
		parts = append(parts, http.StatusText(e.Status))
	}
	msg := fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, strings.Join(parts, "; "))
	if e.HasCode("REQUEST_LIMIT_EXCEEDED") && e.APILimit > 0 {
		msg += fmt.Sprintf(" (API requests in the last 24 hours: %d of %d)", e.APIUsed, e.APILimit)
	}
	return msg
}

// HasCode reports whether any error item carries code.
func (e *APIError) HasCode(code string) bool {
	for _, it := range e.Errors {
		if it.Code == code {
			return true
		}
	}
	return false
}

// ErrAuth marks authentication failures (HTTP 401, or no usable token).
var ErrAuth = errors.New("authentication failed")

// Is lets errors.Is(err, ErrAuth) match 401 responses, and
// errors.Is(err, ErrRequestLimit) REQUEST_LIMIT_EXCEEDED.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrAuth:
		return e.Status == http.StatusUnauthorized
	case ErrRequestLimit:
		return e.HasCode("REQUEST_LIMIT_EXCEEDED")
	}
	return false
}

// tracingTransport attaches the caller's context, counts and traces calls, and turns
// non-2xx answers into *APIError before simpleforce sees them (simpleforce keeps
// only the first error's message and code, and logs bodies).
type tracingTransport struct {
	base http.RoundTripper
	c    *Client
	ctx  context.Context
}

func (t *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.ctx != nil {
		req = req.WithContext(t.ctx)
	}
	start := time.Now()
	t.c.calls.Add(1)
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		if used, limit, ok := limitUsage(resp.Header); ok {
			t.c.apiUsed.Store(int64(used))
			t.c.apiLimit.Store(int64(limit))
		}
	}
	if t.c.trace != nil {
		status := "error"
		if err == nil {
			status = fmt.Sprint(resp.StatusCode)
		} else if req.Context().Err() != nil {
			status = "timeout"
			if errors.Is(req.Context().Err(), context.Canceled) {
				status = "cancelled"
			}
		} else if why, ok := transientFailure(err, false); ok && why != "network error" {
			status = strings.ReplaceAll(why, " ", "-")
		}
		// The path only: query strings may carry SOQL with user data, never tokens,
		// but the Authorization header is never printed.
		line := fmt.Sprintf("api: %s %s %s %s", req.Method, req.URL.Path, status, time.Since(start).Round(time.Millisecond))
		if log, ok := req.Context().Value(attemptLogKey{}).(*attemptLog); ok {
			log.lines = append(log.lines, line)
		} else {
			t.c.traceMu.Lock()
			io.WriteString(t.c.trace, line+"\n")
			t.c.traceMu.Unlock()
		}
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		e := newAPIError(req.Method, req.URL.Path, resp.StatusCode, body)
		e.RetryAfter = retryAfter(resp.Header)
		if used, limit, ok := t.c.APIUsage(); ok && e.HasCode("REQUEST_LIMIT_EXCEEDED") {
			e.APIUsed, e.APILimit = used, limit
		}
		return nil, e
	}
	return resp, nil
}

func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: status}
	var items []ErrorItem
	if json.Unmarshal(body, &items) == nil && len(items) > 0 {
		e.Errors = items
		return e
	}
	var oauthErr struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &oauthErr) == nil && oauthErr.Error != "" {
		e.Errors = []ErrorItem{{Code: oauthErr.Error, Message: oauthErr.Description}}
		return e
	}
	e.Body = string(body)
	return e
}

// Do sends one request to path (absolute path on the instance, e.g.
// "/services/data/v62.0/sobjects/User") with body marshalled as JSON (nil for
// none) and decodes the answer into out (nil to discard it).
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	var data []byte
	err := c.send(ctx, method, path, b, func(ctx context.Context) error {
		// simpleforce has no context; a per-call http.Client whose transport carries
		// ctx gives cancellation and deadlines without forking the library.
		sf := simpleforce.NewClient(c.instanceURL, "sfprov", c.version)
		sf.SetSidLoc("oauth2", c.instanceURL) // the oauth2 transport replaces this placeholder
		sf.SetHttpClient(&http.Client{Transport: c.transport(ctx)})
		var err error
		data, err = sf.ApexREST(method, strings.TrimPrefix(path, "/"), bodyBytes(b))
		return requestError(method, path, err)
	})
	if err != nil {
		return err
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode answer to %s %s: %w", method, pathOnly(path), err)
		}
	}
	return nil
}

// requestError is a failed request's error as callers see it: *APIError
// and *ErrRenew as they are, anything else naming the request.
func requestError(method, path string, err error) error {
	if err == nil {
		return nil
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var renewErr *ErrRenew
	if errors.As(err, &renewErr) {
		return renewErr
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("%s %s: %w", method, pathOnly(path), err)
}

func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// transport returns the client's transport chain bound to ctx: the token
// (renewed once on 401), then counting and tracing, then the base.
func (c *Client) transport(ctx context.Context) http.RoundTripper {
	var rt http.RoundTripper = &tracingTransport{base: c.base, c: c, ctx: ctx}
	if c.auth != nil {
		rt = &authTransport{t: c.auth, base: rt, ctx: ctx}
	}
	return rt
}
