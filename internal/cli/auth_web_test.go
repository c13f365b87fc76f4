package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/target"
)

const (
	webAppID    = "3MVG9sfprov.web.login"
	webUsername = "web.admin@example.com"
	webPassword = "Web-Login-Pa55"
)

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	formInput  = regexp.MustCompile(`<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"`)
)

// browser plays the admin's browser with a plain HTTP client: it opens the
// authorize URL, fills in the login form it gets, and follows the redirect
// back to sfprov's loopback callback.
func browser(t *testing.T, username, password string) func(string) error {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return func(authURL string) error {
		res, err := noFollow.Get(authURL)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("authorize: HTTP %d: %s", res.StatusCode, page)
		}
		m := formAction.FindSubmatch(page)
		if m == nil {
			return fmt.Errorf("authorize: no login form in %s", page)
		}
		action, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		action, err = action.Parse(htmlUnescape(string(m[1])))
		if err != nil {
			return err
		}
		form := url.Values{}
		for _, in := range formInput.FindAllSubmatch(page, -1) {
			form.Set(htmlUnescape(string(in[1])), htmlUnescape(string(in[2])))
		}
		form.Set("username", username)
		form.Set("pw", password)
		res, err = noFollow.PostForm(action.String(), form)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusFound {
			return fmt.Errorf("login form: HTTP %d: %s", res.StatusCode, body)
		}
		back, err := http.Get(res.Header.Get("Location"))
		if err != nil {
			return err
		}
		back.Body.Close()
		if back.StatusCode != http.StatusOK {
			return fmt.Errorf("callback: HTTP %d", back.StatusCode)
		}
		return nil
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

type run struct {
	code     int
	out, err string
}

func runCLI(t *testing.T, env map[string]string, browse func(string) error, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: getenv, Browser: browse})
	return run{code, out.String(), errb.String()}
}

// TestWebLogin: `auth login --web` against the emulator, the browser played
// by an HTTP client; the saved login renews itself with its refresh token;
// once the refresh token is revoked, a command stops with exit 4 and the
// exact login command to run.
func TestWebLogin(t *testing.T) {
	port := freePort(t)
	org, err := emulator.New(emulator.Options{
		ClientID:               webAppID,
		ConsumerSecretOptional: true,
		CallbackURLs:           []string{target.CallbackURL(port)},
		OAuthScopes:            []string{"api", "refresh_token"},
		TokenLifetime:          2 * time.Second,
		Seed: &emulator.Seed{Users: []emulator.SeedUser{{Username: webUsername, LastName: "Web Admin",
			Profile: "System Administrator", Password: webPassword}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	defer srv.Close()
	home := t.TempDir()
	env := map[string]string{"SFPROV_HOME": home}

	r := runCLI(t, env, browser(t, webUsername, webPassword), "auth", "login", "--web", "--client-id", webAppID,
		"--login-url", srv.URL, "--callback-port", fmt.Sprint(port), "--alias", "dev")
	if r.code != 0 {
		t.Fatalf("auth login --web: exit %d\n%s%s", r.code, r.out, r.err)
	}
	want := fmt.Sprintf("Logged in to dev (emulator, %s) as %s, org %s.\nUse it with -o dev.\n", srv.URL, webUsername, org.OrgID())
	if r.out != want {
		t.Errorf("stdout = %q, want %q", r.out, want)
	}
	if !strings.Contains(r.err, "Log in to Salesforce in your browser at:\n\n  "+srv.URL+"/services/oauth2/authorize?") {
		t.Errorf("stderr does not give the login URL:\n%s", r.err)
	}
	file := filepath.Join(home, "orgs", "dev.json")
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %#o, want 0600", file, fi.Mode().Perm())
	}
	store, err := target.OpenStore(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	l, err := store.Find("dev")
	if err != nil || l == nil {
		t.Fatalf("Find(dev) = %v, %v", l, err)
	}
	if l.Flow != target.FlowWeb || l.RefreshToken == "" || l.Username != webUsername {
		t.Errorf("saved login: flow %q, username %q, refresh token set %v", l.Flow, l.Username, l.RefreshToken != "")
	}
	for _, secret := range []string{l.RefreshToken, l.AccessToken} {
		if strings.Contains(r.out+r.err, secret) {
			t.Errorf("a token was printed:\n%s%s", r.out, r.err)
		}
	}

	// A session the org ended is renewed with the refresh token.
	time.Sleep(2100 * time.Millisecond) // the access token's lifetime
	r = runCLI(t, env, nil, "auth", "status", "-o", "dev")
	if r.code != 0 || !strings.Contains(r.out, "Session:      works\n") {
		t.Fatalf("auth status after the session expired: exit %d\n%s%s", r.code, r.out, r.err)
	}

	// Revoking the refresh token ends every session it gave.
	res, err := http.PostForm(srv.URL+"/services/oauth2/revoke", url.Values{"token": {l.RefreshToken}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("revoke: HTTP %d", res.StatusCode)
	}
	r = runCLI(t, env, nil, "auth", "status", "-o", "dev")
	if r.code != ExitAuth {
		t.Fatalf("auth status with a revoked refresh token: exit %d, want %d\n%s%s", r.code, ExitAuth, r.out, r.err)
	}
	wantErr := fmt.Sprintf("Error: check the session of dev: the org ended the session (INVALID_SESSION_ID: Session expired or invalid) "+
		"and renewing it failed: refresh: invalid_grant: expired access/refresh token (HTTP 400 from /services/oauth2)\n"+
		"Log in again: sfprov auth login --web --client-id %s --login-url %s --alias dev\n", webAppID, srv.URL)
	if r.err != wantErr {
		t.Errorf("stderr =\n%s\nwant\n%s", r.err, wantErr)
	}

	r = runCLI(t, env, nil, "auth", "logout", "-o", "dev")
	if r.code != 0 {
		t.Fatalf("auth logout: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("%s still exists after logout", file)
	}
}

// TestEveryCommandHasExamples: `sfprov help X` shows examples for every
// command an admin runs.
func TestEveryCommandHasExamples(t *testing.T) {
	root := newRoot(IO{Getenv: func(string) (string, bool) { return "", false }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && !c.Hidden && c.Name() != "help" && c.Name() != "completion" && c.Parent() != nil && c.Parent().Name() != "completion" && c.Example == "" {
			t.Errorf("%q has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
