// Package target resolves the org a command works on and connects to it.
//
// A target is named with -o/--target-org, --instance-url or
// SFPROV_TARGET_ORG, and resolved in this order: "local" (the embedded
// emulator org in the data directory); an alias or username saved by
// `sfprov auth login`; an alias or username the sf CLI knows; an instance URL
// with credentials from the environment. With no name at all the target is
// "local", but only when nothing in the environment points at a real org: a
// CI job that sets credentials and forgets the flag must not go green against
// a throw-away org.
//
// The package owns the data and configuration directories, the store of
// logins, the embedded org's in-process transport and the OAuth logins
// (internal/salesforce sends the token requests). Secrets it handles are
// passed to Options.Secret so that no output can show them.
package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// Local is the name of the embedded emulator org.
const Local = "local"

// Options are what names the target and how to reach it.
type Options struct {
	TargetOrg   string // -o/--target-org
	InstanceURL string // --instance-url
	LoginURL    string // --login-url
	APIVersion  string
	Getenv      Getenv
	// Trace receives one line per API call (-v); nil for none.
	Trace io.Writer
	// Secret is told every secret value met (tokens, client secrets), so
	// that output can hide them; nil ignores them.
	Secret func(values ...string)
	// SF asks the sf CLI about its orgs; nil runs `sf` from PATH.
	SF SFCLI
	// Notice is told what sfprov waits for (asking the sf CLI takes seconds,
	// and half a minute when an org it knows is unreachable); nil is quiet.
	Notice func(msg string)
	// Transport is the base transport to remote orgs (nil = the default).
	Transport http.RoundTripper
	// RequestTimeout bounds each try of a request (0 = the client's
	// default, 60 s); Deadline, when positive, everything the client does.
	RequestTimeout, Deadline time.Duration
}

func (o *Options) secret(values ...string) {
	if o.Secret != nil {
		o.Secret(values...)
	}
}

func (o *Options) sf() SFCLI {
	if o.SF != nil {
		return o.SF
	}
	return ExecSF{}
}

// Org is a connected target.
type Org struct {
	Client *salesforce.Client
	// Name is the org as it was named: "local", an alias, a username or a URL.
	Name string
	// Source says where the connection came from: "embedded", "sfprov
	// login", "sf CLI" or "environment".
	Source      string
	InstanceURL string
	// Username is who sfprov acts as, when known before reading the org.
	Username string
	// Embedded is the local org.
	Embedded bool
	// Relogin is the command that makes a new session when this one ends.
	Relogin string
	// close releases what the connection holds (the local org's lock).
	close func() error
}

// Close releases what the connection holds: the local org's lock, so that
// another sfprov may use it. The client must not be used after.
func (o *Org) Close() error {
	if o == nil || o.close == nil {
		return nil
	}
	err := o.close()
	o.close = nil
	return err
}

// Kind names the org's kind once isSandbox (Organization.IsSandbox) is known.
func (o *Org) Kind(isSandbox bool) string {
	if o.Embedded {
		return KindEmbedded
	}
	return KindOf(o.InstanceURL, isSandbox)
}

// UsageError is a target named wrongly, or not named when it must be: the
// command line needs changing (exit 64).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// AuthError is a login that failed or a session the org refused, with the
// command that fixes it. errors.Is(err, salesforce.ErrAuth) holds.
type AuthError struct {
	Msg  string
	Err  error
	Hint string // what to run or set, one line
}

func (e *AuthError) Error() string {
	s := e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Hint != "" {
		s += "\n" + e.Hint
	}
	return s
}

func (e *AuthError) Unwrap() []error { return []error{e.Err, salesforce.ErrAuth} }

// Name is the target the options select ("" = none named).
func (o *Options) Name() string {
	switch {
	case o.InstanceURL != "":
		return strings.TrimRight(o.InstanceURL, "/")
	case o.TargetOrg != "":
		return o.TargetOrg
	}
	return o.Getenv.get("SFPROV_TARGET_ORG")
}

// credentialVars are the environment variables that point at a real org.
var credentialVars = []string{"SF_ACCESS_TOKEN", "SFPROV_CLIENT_ID", "SFPROV_CLIENT_SECRET", "SFPROV_CLIENT_SECRET_FILE",
	"SFPROV_JWT_KEY_FILE", "SFPROV_USERNAME", "SFPROV_LOGIN_URL"}

// pointsElsewhere names what in the environment or flags points at a real
// org ("" = nothing).
func (o *Options) pointsElsewhere() string {
	var seen []string
	for _, v := range credentialVars {
		if o.Getenv.get(v) != "" {
			seen = append(seen, v)
		}
	}
	if o.LoginURL != "" {
		seen = append(seen, "--login-url")
	}
	return strings.Join(seen, ", ")
}

// Connect resolves the target and returns a client for it.
func Connect(ctx context.Context, opts Options) (*Org, error) {
	name := opts.Name()
	if name == "" {
		if seen := opts.pointsElsewhere(); seen != "" {
			return nil, &UsageError{Msg: fmt.Sprintf("%s %s set but no target org is named, and sfprov never falls back to the local emulator org when credentials are present: "+
				"add -o ORG (an alias or username from `sfprov auth list` or the sf CLI, or the org's instance URL) or --instance-url URL; -o local uses the embedded org on purpose",
				seen, plural(strings.Count(seen, ",")+1, "is", "are"))}
		}
		name = Local
	}
	if name == Local {
		return connectLocal(ctx, opts)
	}
	if isURL(name) {
		return connectURL(ctx, opts, name)
	}
	store, l, err := findLogin(opts.Getenv, name)
	if err != nil {
		return nil, err
	}
	if l != nil {
		return connectStored(ctx, opts, store, name, l)
	}
	if opts.Notice != nil {
		opts.Notice(fmt.Sprintf("%q is not a saved sfprov login; asking the sf CLI (sf org display, sf org auth show-access-token)...", name))
	}
	sfOrg, err := opts.sf().Org(ctx, name)
	if err != nil && !errors.Is(err, ErrNoSF) {
		return nil, err
	}
	if sfOrg != nil {
		return connectSF(opts, name, sfOrg)
	}
	return nil, unknownTarget(ctx, opts, store, name)
}

// unknownTarget lists the names that would have worked, nearest first.
func unknownTarget(ctx context.Context, opts Options, store *Store, name string) error {
	var known []string
	if all, err := store.List(); err == nil {
		for _, l := range all {
			known = append(known, l.Alias)
		}
	}
	sfNames, sfErr := opts.sf().Names(ctx)
	known = append(known, sfNames...)
	var b strings.Builder
	fmt.Fprintf(&b, "unknown target org %q", name)
	if s := diag.Suggest(name, known); s != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", s)
	}
	b.WriteString(": use \"local\", an instance URL (https://...), or a known org")
	if len(known) > 0 {
		fmt.Fprintf(&b, "; known orgs: %s", strings.Join(dedupe(known), ", "))
	} else {
		b.WriteString("; no org is known yet: log in with `sfprov auth login --alias NAME ...` or `sf org login web --alias NAME`")
	}
	if errors.Is(sfErr, ErrNoSF) {
		b.WriteString(" (the sf CLI is not on PATH, so its orgs were not asked)")
	}
	return &UsageError{Msg: b.String()}
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if n != "" && !seen[strings.ToLower(n)] {
			seen[strings.ToLower(n)] = true
			out = append(out, n)
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// client makes the API client for a session; a session that can renew
// itself does so when the org refuses it.
func (opts *Options) client(s *salesforce.Session, onRenew func(*oauth2.Token)) *salesforce.Client {
	cfg := salesforce.Config{
		InstanceURL: s.InstanceURL,
		APIVersion:  opts.APIVersion,
		Token:       oauth2.StaticTokenSource(s.Token),
		Transport:   opts.Transport,
		Trace:       opts.Trace,
		OnRenew:     onRenew,

		RequestTimeout: opts.RequestTimeout,
		Deadline:       opts.Deadline,
	}
	if s.Renew != nil {
		cfg.Renew = func(ctx context.Context) (*oauth2.Token, error) {
			tok, err := s.Renew(ctx)
			if err == nil {
				opts.secret(tok.AccessToken, tok.RefreshToken)
			}
			return tok, err
		}
	}
	return salesforce.New(cfg)
}

// envCredentials gathers credentials for a URL target from the environment;
// secrets are registered so that they can never be printed.
func envCredentials(opts Options) (salesforce.Credentials, error) {
	env := opts.Getenv.get
	cr := salesforce.Credentials{
		AccessToken:  env("SF_ACCESS_TOKEN"),
		ClientID:     env("SFPROV_CLIENT_ID"),
		ClientSecret: env("SFPROV_CLIENT_SECRET"),
		Username:     env("SFPROV_USERNAME"),
		LoginURL:     opts.LoginURL,
	}
	if cr.LoginURL == "" {
		cr.LoginURL = env("SFPROV_LOGIN_URL")
	}
	if f := env("SFPROV_CLIENT_SECRET_FILE"); f != "" && cr.ClientSecret == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return cr, &AuthError{Msg: "read SFPROV_CLIENT_SECRET_FILE", Err: err}
		}
		cr.ClientSecret = strings.TrimSpace(string(b))
	}
	if f := env("SFPROV_JWT_KEY_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return cr, &AuthError{Msg: "read SFPROV_JWT_KEY_FILE", Err: err}
		}
		cr.JWTKey = b
	}
	opts.secret(cr.AccessToken, cr.ClientSecret)
	return cr, nil
}

// connectURL: an instance URL with credentials from the environment.
func connectURL(ctx context.Context, opts Options, instance string) (*Org, error) {
	cr, err := envCredentials(opts)
	if err != nil {
		return nil, err
	}
	s, err := salesforce.Login(ctx, instance, cr, opts.Transport)
	if errors.Is(err, salesforce.ErrNoCredentials) {
		return nil, &AuthError{Msg: "no credentials for " + instance,
			Hint: "Log in once with `sfprov auth login --alias NAME --instance-url " + instance + " --web` (or --jwt, --client-credentials) and use -o NAME, or name an org the sf CLI knows with -o ALIAS; " +
				"or set SF_ACCESS_TOKEN (`sf org auth show-access-token --json -o ALIAS` prints one), or SFPROV_CLIENT_ID with SFPROV_CLIENT_SECRET (client credentials) or with SFPROV_JWT_KEY_FILE and SFPROV_USERNAME (JWT bearer)."}
	}
	if err != nil {
		return nil, &AuthError{Msg: "log in to " + instance, Err: err}
	}
	opts.secret(s.Token.AccessToken, s.RefreshToken)
	hint := "Set SF_ACCESS_TOKEN to a new token, or log in once with `sfprov auth login` and use -o ALIAS: stored logins renew themselves."
	if s.Renew != nil {
		hint = "Check the credentials in SFPROV_CLIENT_ID, SFPROV_CLIENT_SECRET, SFPROV_JWT_KEY_FILE and SFPROV_USERNAME."
	}
	return &Org{Client: opts.client(s, nil), Name: instance, Source: "environment", InstanceURL: s.InstanceURL, Relogin: hint}, nil
}
