package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDeadlineEndsAHangingOrg: an org that accepts requests and never
// answers makes plan fail within --deadline, with exit 1 and a clear error,
// each try cut off by --request-timeout.
func TestDeadlineEndsAHangingOrg(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer srv.Close()
	dir := t.TempDir()
	specFile := filepath.Join(dir, "spec.yaml")
	os.WriteFile(specFile, []byte("version: 1\nmanualSteps: [Nothing to do]\n"), 0o600)
	env := map[string]string{"SF_ACCESS_TOKEN": "00D000000000001AAA!deadlinetoken", "SFPROV_HOME": dir}
	var out, errb bytes.Buffer
	stdio := IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	start := time.Now()
	code := Run(context.Background(), []string{"plan", specFile, "-o", srv.URL, "--request-timeout", "200ms", "--deadline", "1s", "-v"}, stdio)
	elapsed := time.Since(start)
	if code != ExitError {
		t.Errorf("exit %d, want %d\n%s", code, ExitError, errb.String())
	}
	if elapsed > 3*time.Second {
		t.Errorf("plan took %s with --deadline 1s", elapsed)
	}
	if !strings.Contains(errb.String(), "Error: read the org "+srv.URL+": identify the running user: GET /services/oauth2/userinfo: no answer within 200ms (tried ") ||
		!strings.Contains(errb.String(), "the overall deadline of 1s") {
		t.Errorf("stderr:\n%s", errb.String())
	}
	if !strings.Contains(errb.String(), " timeout 2") || !strings.Contains(errb.String(), "(timeout; retry 1 in") {
		t.Errorf("the -v trace shows no timed-out try and retry:\n%s", errb.String())
	}
	if calls.Load() < 2 {
		t.Errorf("%d requests: the timed-out read was not sent again", calls.Load())
	}
	t.Logf("exit %d after %s, %d requests", code, elapsed.Round(time.Millisecond), calls.Load())
}
