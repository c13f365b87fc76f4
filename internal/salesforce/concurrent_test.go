package salesforce_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator"
)

// TestConcurrentUse: the client is documented safe for concurrent use: calls
// from several goroutines are all counted and traced, one whole line each.
// (Run with -race to check the shared trace writer too.)
func TestConcurrentUse(t *testing.T) {
	url := newOrg(t, emulator.Options{})
	var trace bytes.Buffer
	c := newClient(url, testToken, &trace)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				recs, err := c.Query(context.Background(), "SELECT Username FROM User WHERE Username = '"+emulator.AdminUsername+"'")
				if err == nil && (len(recs) != 1 || recs[0].String("Username") != emulator.AdminUsername) {
					t.Errorf("records = %v", recs)
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if c.Calls() != 40 {
		t.Errorf("Calls() = %d, want 40", c.Calls())
	}
	lines := strings.Split(strings.TrimSuffix(trace.String(), "\n"), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d trace lines, want 40", len(lines))
	}
	for _, l := range lines {
		if m := traceLine.FindStringSubmatch(l); m == nil || m[1] != "GET" || m[2] != "/services/data/v62.0/query" || m[3] != "200" {
			t.Errorf("trace line %q", l)
		}
	}
}
