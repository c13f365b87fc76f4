package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

type globalFlags struct {
	targetOrg   string
	instanceURL string
	apiVersion  string
	verbose     bool
	loginURL    string
}

func defaultAPIVersion() string { return salesforce.DefaultAPIVersion }

// localToken is the access token of the embedded org. It is not a secret: the
// org lives in the user's own data directory and answers only in process.
const localToken = "00D000000000001AAA!sfprov.local"

// localInstance is the embedded org's instance URL; requests never leave the process.
const localInstance = "https://local.emulator.sfprov"

// org is a connection to the target org.
type org struct {
	client *salesforce.Client
	target plan.Target
}

// dataDir is where the embedded org keeps its state: $SFPROV_HOME, else the
// XDG data directory (~/.local/share/sfprov).
func dataDir(getenv func(string) (string, bool)) (string, error) {
	if d, ok := getenv("SFPROV_HOME"); ok && d != "" {
		return d, nil
	}
	if d, ok := getenv("XDG_DATA_HOME"); ok && d != "" {
		return filepath.Join(d, "sfprov"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the data directory for the local org (set SFPROV_HOME): %w", err)
	}
	return filepath.Join(home, ".local", "share", "sfprov"), nil
}

// targetName is the org the flags and environment select.
func (g *globalFlags) targetName(getenv func(string) (string, bool)) string {
	switch {
	case g.instanceURL != "":
		return g.instanceURL
	case g.targetOrg != "":
		return g.targetOrg
	}
	if t, ok := getenv("SFPROV_TARGET_ORG"); ok && t != "" {
		return t
	}
	return "local"
}

// connect opens the target org.
func (g *globalFlags) connect(ctx context.Context, stdio IO) (*org, error) {
	var trace io.Writer
	if g.verbose {
		trace = stdio.Err
	}
	name := g.targetName(stdio.Getenv)
	if name == "local" {
		dir, err := dataDir(stdio.Getenv)
		if err != nil {
			return nil, exitWith(ExitError, "%v", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, exitWith(ExitError, "create the local org's directory: %v", err)
		}
		em, err := emulator.New(emulator.Options{AccessToken: localToken, StatePath: filepath.Join(dir, "local-org.json")})
		if err != nil {
			return nil, exitWith(ExitError, "open the local org in %s: %v", dir, err)
		}
		c := salesforce.New(salesforce.Config{
			InstanceURL: localInstance,
			APIVersion:  g.apiVersion,
			Token:       oauth2.StaticTokenSource(&oauth2.Token{AccessToken: localToken, TokenType: "Bearer"}),
			Transport:   handlerTransport{em},
			Trace:       trace,
		})
		return &org{client: c, target: plan.Target{Name: "local (embedded emulator org)"}}, nil
	}
	if !strings.HasPrefix(name, "http://") && !strings.HasPrefix(name, "https://") {
		return nil, exitWith(ExitUsage, "unknown target org %q: use \"local\" or an instance URL (https://...)", name)
	}
	cr, err := g.credentials(stdio)
	if err != nil {
		return nil, err
	}
	ts, instance, err := salesforce.Login(ctx, name, cr, nil)
	if errors.Is(err, salesforce.ErrNoCredentials) {
		return nil, exitWith(ExitAuth, "no credentials for %s: set SF_ACCESS_TOKEN (for example from `sf org display --json`), or SFPROV_CLIENT_ID with SFPROV_CLIENT_SECRET (client credentials) or with SFPROV_JWT_KEY_FILE and SFPROV_USERNAME (JWT bearer)", name)
	}
	if err != nil {
		return nil, exitWith(ExitAuth, "log in to %s: %v", name, err)
	}
	c := salesforce.New(salesforce.Config{InstanceURL: instance, APIVersion: g.apiVersion, Token: ts, Trace: trace})
	return &org{client: c, target: plan.Target{Name: instance, InstanceURL: instance}}, nil
}

// credentials gathers the way to authenticate from the environment; secrets
// are registered with the redactor so they can never be printed.
func (g *globalFlags) credentials(stdio IO) (salesforce.Credentials, error) {
	env := func(k string) string { v, _ := stdio.Getenv(k); return v }
	cr := salesforce.Credentials{
		AccessToken:  env("SF_ACCESS_TOKEN"),
		ClientID:     env("SFPROV_CLIENT_ID"),
		ClientSecret: env("SFPROV_CLIENT_SECRET"),
		Username:     env("SFPROV_USERNAME"),
		LoginURL:     g.loginURL,
	}
	if cr.LoginURL == "" {
		cr.LoginURL = env("SFPROV_LOGIN_URL")
	}
	if f := env("SFPROV_CLIENT_SECRET_FILE"); f != "" && cr.ClientSecret == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return cr, exitWith(ExitAuth, "read SFPROV_CLIENT_SECRET_FILE: %v", err)
		}
		cr.ClientSecret = strings.TrimSpace(string(b))
	}
	if f := env("SFPROV_JWT_KEY_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return cr, exitWith(ExitAuth, "read SFPROV_JWT_KEY_FILE: %v", err)
		}
		cr.JWTKey = b
	}
	stdio.secrets.add(cr.AccessToken, cr.ClientSecret)
	return cr, nil
}

// handlerTransport serves requests with the embedded org in process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
