package emucmd

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serve starts `emulator serve` with args on a free port and returns its
// instance URL; the server stops when the test ends.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	cmd := New()
	out := &lineWriter{lines: make(chan string, 4)}
	cmd.SetOut(out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case line := <-out.lines:
		base, ok := strings.CutPrefix(line, "Emulator org listening at ")
		if !ok {
			t.Fatalf("listening line %q", line)
		}
		return base
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	return ""
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func send(t *testing.T, method, u, bearer string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// The web server flow's flags: --callback-url, --oauth-scope and
// --consumer-secret-optional configure the connected app of --client-id.
func TestServeWebServerFlowFlags(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(seed, []byte("users:\n  - {username: web@example.com, lastName: Web, profile: Standard User, password: Pa55-word}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const cb = "http://localhost:1717/OauthRedirect"
	base := serve(t, "--seed", seed, "--client-id", "cid", "--callback-url", "https://app.example.com/cb", "--callback-url", cb,
		"--oauth-scope", "api,refresh_token", "--consumer-secret-optional")

	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {"cid"}, "redirect_uri": {cb},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}}
	other := url.Values{"response_type": {"code"}, "client_id": {"cid"}, "redirect_uri": {cb + "/"}}
	if code, _, body := send(t, "GET", base+"/services/oauth2/authorize?"+other.Encode(), "", nil); code != 400 ||
		body != "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration" {
		t.Fatalf("other callback: %d %s", code, body)
	}
	status, _, page := send(t, "GET", base+"/services/oauth2/authorize?"+q.Encode(), "", nil)
	if status != 200 {
		t.Fatalf("authorize: %d %s", status, page)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	form.Set("username", "web@example.com")
	form.Set("pw", "Pa55-word")
	status, hdr, body := send(t, "POST", base+"/services/oauth2/authorize", "", form)
	loc, _ := url.Parse(hdr.Get("Location"))
	if status != 302 || loc == nil || loc.Query().Get("code") == "" {
		t.Fatalf("login: %d %v %s", status, hdr, body)
	}
	status, _, body = send(t, "POST", base+"/services/oauth2/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {loc.Query().Get("code")}, "redirect_uri": {cb}, "client_id": {"cid"}, "code_verifier": {verifier}})
	var m map[string]string
	if status != 200 || json.Unmarshal([]byte(body), &m) != nil || m["refresh_token"] == "" || m["scope"] != "api refresh_token" {
		t.Fatalf("exchange without a secret: %d %s", status, body)
	}
}

// --token-lifetime of a second: the token ends, and REST calls then answer
// 401 INVALID_SESSION_ID.
func TestServeShortTokenLifetime(t *testing.T) {
	base := serve(t, "--client-id", "cid", "--client-secret", "s3cr3t", "--token-lifetime", "1s")
	status, _, body := send(t, "POST", base+"/services/oauth2/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"cid"}, "client_secret": {"s3cr3t"}})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &tok) != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	issued := time.Now()
	q := base + "/services/data/v62.0/query?q=SELECT+Id+FROM+User"
	if status, _, body := send(t, "GET", q, tok.AccessToken, nil); status != 200 && time.Since(issued) < time.Second {
		t.Fatalf("fresh token: %d %s", status, body)
	}
	for deadline := issued.Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, _, body := send(t, "GET", q, tok.AccessToken, nil)
		if status == 401 {
			if strings.TrimSpace(body) != `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]` {
				t.Errorf("body %s", body)
			}
			if time.Since(issued) < time.Second {
				t.Errorf("expired after %v", time.Since(issued))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d after %v", status, time.Since(issued))
		}
	}
}

func TestSplitScopes(t *testing.T) {
	got := splitScopes([]string{"api refresh_token", "web,openid", " id "})
	if strings.Join(got, "|") != "api|refresh_token|web|openid|id" {
		t.Errorf("%q", got)
	}
}
