// Package emutest serves emulator orgs to the tests of other packages: one
// org per test over real HTTP (as --instance-url reaches it), on a clock the
// test controls, so that no test depends on wall-clock time.
package emutest

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sfprov/sfprov/internal/emulator"
)

// Token is the bearer token test orgs accept. It looks like a real session id,
// so a leak of it into any output is easy to search for.
const Token = "00D000000000001AAA!AQemutesttoken"

// Clock is an org's time. It moves when the test says so and, with a tick,
// by that much each time the org reads it, so that a permission set group
// finishes recalculating after a number of requests rather than of seconds.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	tick time.Duration
}

// NewClock starts at 2026-11-23 12:00 UTC.
func NewClock(tick time.Duration) *Clock {
	return &Clock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), tick: tick}
}

// Now is the org's time (emulator.Options.Now).
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.tick)
	return c.t
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Serve serves an org made with opts (AccessToken defaults to Token) until the
// test ends, and returns its instance URL.
func Serve(t testing.TB, opts emulator.Options) string {
	t.Helper()
	if opts.AccessToken == "" {
		opts.AccessToken = Token
	}
	org, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	return srv.URL
}
