package salesforce

// Retries and timeouts. Every request goes through Client.send, which gives
// each attempt its own timeout, sends it again after a pause when the failure
// may pass (an overloaded or restarting org, a lost connection, a locked row)
// and repeating it cannot do anything twice, and stops at the overall
// deadline. Each attempt is one line of the -v trace, a retry saying so:
//
//	api: GET /services/data/v62.0/query 503 120ms (retry 1 in 400ms)
//
// The pause is exponential with jitter: RetryWait, doubled on each retry up
// to maxRetryWait, each drawn at random from its upper half so that clients
// failing together do not come back together. A Retry-After the org sends
// lengthens it. The rules are a few lines; a retry library (retry-go,
// cenkalti/backoff, go-retryablehttp) would still need all of them, and
// go-retryablehttp replaces the http.Client that simpleforce is given.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults for the Config fields of the same names.
const (
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 60 * time.Second
	DefaultRetryWait      = 500 * time.Millisecond
	maxRetryWait          = 15 * time.Second
	maxRetryAfter         = 60 * time.Second
)

// ErrTimeout marks a request that had no answer in time: within the
// request timeout, on every try, or before the overall deadline.
var ErrTimeout = errors.New("no answer in time")

// ErrRequestLimit marks REQUEST_LIMIT_EXCEEDED: the org's API allowance is
// used up, and no retry can help until earlier requests age out.
var ErrRequestLimit = errors.New("API request limit exceeded")

// TimeoutError is a request that had no answer in time.
type TimeoutError struct {
	Method, Path string
	Tries        int
	// Deadline is the overall deadline that ended the request (0 when the
	// request timeout did, Timeout long, on every try).
	Deadline, Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	tries := ""
	if e.Tries > 1 {
		tries = fmt.Sprintf(" (tried %d times)", e.Tries)
	}
	if e.Deadline > 0 {
		return fmt.Sprintf("%s %s: no answer before the overall deadline of %s%s", e.Method, e.Path, e.Deadline, tries)
	}
	return fmt.Sprintf("%s %s: no answer within %s%s", e.Method, e.Path, e.Timeout, tries)
}

func (e *TimeoutError) Unwrap() []error { return []error{ErrTimeout, context.DeadlineExceeded} }

// retryPolicy is a client's retry settings, resolved from Config.
type retryPolicy struct {
	maxRetries int
	timeout    time.Duration // per attempt; 0 = none
	wait       time.Duration
	deadline   time.Time // zero = none
	budget     time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
}

func newRetryPolicy(cfg Config) retryPolicy {
	p := retryPolicy{maxRetries: cfg.MaxRetries, timeout: cfg.RequestTimeout, wait: cfg.RetryWait, sleep: sleepCtx}
	switch {
	case p.maxRetries == 0:
		p.maxRetries = DefaultMaxRetries
	case p.maxRetries < 0:
		p.maxRetries = 0
	}
	switch {
	case p.timeout == 0:
		p.timeout = DefaultRequestTimeout
	case p.timeout < 0:
		p.timeout = 0
	}
	if p.wait <= 0 {
		p.wait = DefaultRetryWait
	}
	if cfg.Deadline > 0 {
		p.budget = cfg.Deadline
		p.deadline = time.Now().Add(cfg.Deadline)
	}
	return p
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pause is how long to wait before retry n (1-based).
func (p *retryPolicy) pause(n int, err error) time.Duration {
	d := p.wait << min(n-1, 20)
	if d > maxRetryWait || d <= 0 {
		d = maxRetryWait
	}
	d = d/2 + rand.N(d/2+1)
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = min(ae.RetryAfter, maxRetryAfter)
	}
	return d
}

// attemptLog collects an attempt's trace lines, so that the retry decision
// can be written on the same line.
type attemptLog struct{ lines []string }

type attemptLogKey struct{}

// send runs one request: try(ctx) once, and again while the failure is
// transient, repeating the request is safe and retries are left. body is the
// request body (nil for none), read to tell a composite of reads from one
// that writes.
func (c *Client) send(ctx context.Context, method, path string, body []byte, try func(ctx context.Context) error) error {
	p := &c.retry
	if !p.deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, p.deadline)
		defer cancel()
	}
	repeatable := repeatable(method, path, body)
	for n := 1; ; n++ {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if p.timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, p.timeout)
		}
		log := &attemptLog{}
		err := try(context.WithValue(actx, attemptLogKey{}, log))
		timedOut := err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded)
		cancel()
		if err != nil && n > 1 && method == http.MethodDelete && gone(err) {
			// An earlier try that went unanswered deleted it: deleted is
			// what was asked.
			err = nil
		}
		if err == nil {
			c.writeTrace(log, "")
			return nil
		}
		if timedOut {
			err = &TimeoutError{Method: method, Path: pathOnly(path), Tries: n, Timeout: p.timeout}
		} else if ctx.Err() != nil && !p.deadline.IsZero() && !time.Now().Before(p.deadline) {
			c.writeTrace(log, " (deadline)")
			return &TimeoutError{Method: method, Path: pathOnly(path), Tries: n, Deadline: p.budget}
		}
		why, transient := transientFailure(err, timedOut)
		switch {
		case !transient || ctx.Err() != nil:
			c.writeTrace(log, "")
			return err
		case !repeatable && !notSent(err) && !refusedUnserved(err):
			c.writeTrace(log, " (not retried: the org may have done it)")
			return err
		case n > p.maxRetries:
			if n == 1 {
				c.writeTrace(log, "")
				return err
			}
			c.writeTrace(log, fmt.Sprintf(" (%s; gave up after %d tries)", why, n))
			return gaveUp(err, n)
		}
		wait := p.pause(n, err)
		if !p.deadline.IsZero() && time.Now().Add(wait).After(p.deadline) {
			c.writeTrace(log, fmt.Sprintf(" (%s; no retry: the overall deadline of %s is too near)", why, p.budget))
			return &retriedError{err: err, tries: n, note: fmt.Sprintf("; the overall deadline of %s leaves no time for another", p.budget)}
		}
		c.writeTrace(log, fmt.Sprintf(" (%sretry %d in %s)", whyPrefix(why), n, wait.Round(time.Millisecond)))
		if serr := p.sleep(ctx, wait); serr != nil {
			if !p.deadline.IsZero() && !time.Now().Before(p.deadline) {
				return &TimeoutError{Method: method, Path: pathOnly(path), Tries: n, Deadline: p.budget}
			}
			return err
		}
	}
}

// whyPrefix is the reason as the trace shows it before "retry": nothing for
// an HTTP status, which the line shows already.
func whyPrefix(why string) string {
	if strings.HasPrefix(why, "HTTP ") {
		return ""
	}
	return why + "; "
}

// gaveUp is the last failure, saying how many tries it took.
func gaveUp(err error, tries int) error {
	if tries < 2 {
		return err
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		te.Tries = tries
		return te
	}
	return &retriedError{err: err, tries: tries}
}

type retriedError struct {
	err   error
	tries int
	note  string
}

func (e *retriedError) Error() string {
	msg := e.err.Error()
	var te *TimeoutError
	if errors.As(e.err, &te) {
		te := *te
		te.Tries = 0
		msg = te.Error()
	}
	if e.tries < 2 {
		return fmt.Sprintf("%s (%s)", msg, strings.TrimPrefix(e.note, "; "))
	}
	return fmt.Sprintf("%s (tried %d times%s)", msg, e.tries, e.note)
}
func (e *retriedError) Unwrap() error { return e.err }

// writeTrace writes an attempt's lines, suffix at the end of the last.
func (c *Client) writeTrace(log *attemptLog, suffix string) {
	if c.trace == nil || len(log.lines) == 0 {
		return
	}
	var b strings.Builder
	for i, l := range log.lines {
		b.WriteString(l)
		if i == len(log.lines)-1 {
			b.WriteString(suffix)
		}
		b.WriteByte('\n')
	}
	c.traceMu.Lock()
	io.WriteString(c.trace, b.String())
	c.traceMu.Unlock()
}

// transientFailure reports whether a failure may pass if the request is
// sent again, and names it for the trace.
func transientFailure(err error, timedOut bool) (string, bool) {
	if timedOut {
		return "timeout", true
	}
	if errors.Is(err, ErrAuth) || errors.Is(err, context.Canceled) {
		return "", false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		if ae.HasCode("REQUEST_LIMIT_EXCEEDED") {
			return "", false
		}
		if ae.HasCode("UNABLE_TO_LOCK_ROW") {
			return "UNABLE_TO_LOCK_ROW", true
		}
		switch ae.Status {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return "HTTP " + strconv.Itoa(ae.Status), true
		}
		return "", false
	}
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return "connection lost", true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed", true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout", true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return "network error", true
	}
	return "", false
}

// notSent reports a failure that proves the request never reached the org:
// no connection could be made.
func notSent(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de)
}

// refusedUnserved is the org's own answer that it took the request in no
// further than its door: 503 with Salesforce's SERVER_UNAVAILABLE error
// array ("Server too busy", the org down or overloaded), which it sends
// instead of running the request, so that even a create can be sent again.
// A 503 without that body (a proxy or load balancer in front of the org),
// 502 and 504 (a gateway that may have given up on a request the org went on
// with), a lost connection and a timeout prove nothing of the kind.
func refusedUnserved(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable && ae.HasCode("SERVER_UNAVAILABLE")
}

// gone is a whole-request answer that the record is not there (any more).
func gone(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.HasCode("ENTITY_IS_DELETED") || ae.Status == http.StatusNotFound)
}

// repeatable reports whether sending the request twice cannot do anything
// twice: reads, and writes by Id (PATCH updates and upserts, DELETE). A POST
// creates, so it is never repeated once it may have reached the org, except
// a /composite (data or Tooling) whose every subrequest is repeatable.
// Resetting a password (DELETE .../password) makes a new one and mails it
// each time, so it is not repeated either.
func repeatable(method, path string, body []byte) bool {
	p := pathOnly(path)
	switch method {
	case http.MethodGet, http.MethodHead:
		return true
	case http.MethodPatch, http.MethodPut:
		return true
	case http.MethodDelete:
		return !strings.HasSuffix(p, "/password")
	case http.MethodPost:
		if strings.HasPrefix(p, "/services/Soap/m/") {
			// The Metadata API's reads (metadata_soap.go).
			return bytes.Contains(body, []byte("<met:listMetadata>")) || bytes.Contains(body, []byte("<met:readMetadata>"))
		}
		if !strings.HasSuffix(p, "/composite") {
			return false
		}
		var c struct {
			CompositeRequest []struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"compositeRequest"`
		}
		if json.Unmarshal(body, &c) != nil || len(c.CompositeRequest) == 0 {
			return false
		}
		for _, r := range c.CompositeRequest {
			if r.Method == http.MethodPost || !repeatable(strings.ToUpper(r.Method), r.URL, nil) {
				return false
			}
		}
		return true
	}
	return false
}

// limitUsage reads Sforce-Limit-Info ("api-usage=18/15000"): the API
// requests used in the last 24 hours and the allowance.
func limitUsage(h http.Header) (used, limit int, ok bool) {
	for _, part := range strings.Split(h.Get("Sforce-Limit-Info"), ",") {
		v, found := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !found {
			continue
		}
		a, b, found := strings.Cut(v, "/")
		u, err1 := strconv.Atoi(strings.TrimSpace(a))
		l, err2 := strconv.Atoi(strings.TrimSpace(b))
		if found && err1 == nil && err2 == nil {
			return u, l, true
		}
	}
	return 0, 0, false
}

// retryAfter reads a Retry-After of whole seconds.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// bodyBytes is a request body for send: the bytes, read again on each try.
func bodyBytes(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}
