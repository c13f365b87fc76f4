package salesforce_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/emulator/emutest"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// testToken is the bearer token the test orgs accept. It looks like a real
// session id so that a leak of it into any output is easy to search for.
const testToken = "00D000000000001AAA!AQcontracttesttoken"

// newOrg serves a fresh emulator org over real HTTP, as the CLI's
// --instance-url target would reach it, and returns its instance URL.
func newOrg(t testing.TB, opts emulator.Options) string {
	t.Helper()
	if opts.AccessToken == "" {
		opts.AccessToken = testToken
	}
	return emutest.Serve(t, opts)
}

// newClient returns a client for url holding token, tracing to trace (may be nil).
func newClient(url, token string, trace io.Writer) *salesforce.Client {
	return salesforce.New(salesforce.Config{
		InstanceURL: url,
		Token:       oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"}),
		Trace:       trace,
	})
}

// createAccounts inserts n Accounts named prefix0000.. through a separate
// client, so that the client under test starts its call count at zero.
func createAccounts(t testing.TB, url, prefix string, n int) []string {
	t.Helper()
	recs := make([]salesforce.Record, n)
	for i := range recs {
		recs[i] = salesforce.Record{"attributes": map[string]any{"type": "Account"}, "Name": fmt.Sprintf("%s%04d", prefix, i)}
	}
	res, err := newClient(url, testToken, nil).Create(context.Background(), recs)
	if err != nil {
		t.Fatalf("create %d accounts: %v", n, err)
	}
	ids := make([]string, n)
	for i, r := range res {
		if !r.Success {
			t.Fatalf("create account %d: %v", i, r.Errors)
		}
		ids[i] = r.ID
	}
	return ids
}

// TestMain silences the standard logger: simpleforce logs every failed
// request there (the CLI discards it the same way), and these tests make
// failing requests on purpose.
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}
