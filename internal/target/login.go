package target

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// LoginRequest is one `sfprov auth login`.
type LoginRequest struct {
	Alias    string
	Flow     string // FlowWeb, FlowJWT, FlowClientCredentials, FlowSfdxURL
	ClientID string
	// ClientSecret: client credentials (required), web (when the app
	// requires the secret for the web server flow).
	ClientSecret string
	KeyFile      string // JWT
	Username     string // JWT
	SfdxURLFile  string // sfdx-url
	InstanceURL  string
	LoginURL     string
	Sandbox      bool
	// Web login: the loopback port of the callback URL, and how to send the
	// user's browser to the authorize URL.
	CallbackPort int
	OpenBrowser  func(authURL string) error
}

// loginURL is where this request logs in.
func (r *LoginRequest) loginURL() string { return LoginURLFor(r.LoginURL, r.Sandbox, r.InstanceURL) }

// Relogin is the command that logs in to l again.
func (l *Login) Relogin() string {
	parts := []string{"sfprov auth login"}
	switch l.Flow {
	case FlowWeb:
		parts = append(parts, "--web", "--client-id "+l.ClientID)
	case FlowJWT:
		parts = append(parts, "--jwt", "--client-id "+l.ClientID, "--key-file "+l.KeyFile, "--username "+l.Username)
	case FlowClientCredentials:
		parts = append(parts, "--client-credentials", "--client-id "+l.ClientID, "--instance-url "+l.InstanceURL)
	case FlowSfdxURL:
		parts = append(parts, "--sfdx-url-file FILE")
	}
	if l.Flow != FlowClientCredentials && l.Flow != FlowSfdxURL {
		parts = append(parts, "--login-url "+l.LoginURL)
	}
	parts = append(parts, "--alias "+l.Alias)
	return strings.Join(parts, " ")
}

// credentials are what renews l's session.
func (l *Login) credentials() (salesforce.Credentials, error) {
	cr := salesforce.Credentials{AccessToken: l.AccessToken, ClientID: l.ClientID, ClientSecret: l.ClientSecret,
		RefreshToken: l.RefreshToken, Username: l.Username, LoginURL: l.LoginURL}
	if l.Flow == FlowJWT {
		key, err := os.ReadFile(l.KeyFile)
		if err != nil {
			return cr, fmt.Errorf("read the JWT key file of %q: %w", l.Alias, err)
		}
		cr.JWTKey = key
	}
	return cr, nil
}

// connectStored connects to a login saved by `sfprov auth login`; a renewed
// access token is saved back, so the next command starts with it.
func connectStored(ctx context.Context, opts Options, store *Store, name string, l *Login) (*Org, error) {
	opts.secret(l.AccessToken, l.RefreshToken, l.ClientSecret)
	hint := "Log in again: " + l.Relogin()
	cr, err := l.credentials()
	if err != nil {
		return nil, &AuthError{Msg: "log in to " + name, Err: err, Hint: hint}
	}
	s, err := salesforce.Login(ctx, l.InstanceURL, cr, opts.Transport)
	if err != nil {
		return nil, &AuthError{Msg: "log in to " + name, Err: err, Hint: hint}
	}
	opts.secret(s.Token.AccessToken)
	onRenew := func(tok *oauth2.Token) {
		fresh := *l
		fresh.AccessToken = tok.AccessToken
		if tok.RefreshToken != "" {
			fresh.RefreshToken = tok.RefreshToken
		}
		fresh.SavedAt = time.Now().UTC()
		// Keeping the token is only a saving: the next run renews it again.
		_ = store.Save(&fresh)
	}
	return &Org{Client: opts.client(s, onRenew), Name: name, Source: "sfprov login", InstanceURL: s.InstanceURL,
		Username: l.Username, Relogin: hint}, nil
}

// DoLogin runs one login, identifies the user and org, and saves the login
// under its alias. It returns what was saved.
func DoLogin(ctx context.Context, opts Options, req LoginRequest) (*Login, error) {
	if err := CheckAlias(req.Alias); err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	opts.secret(req.ClientSecret)
	l := &Login{Alias: req.Alias, Flow: req.Flow, ClientID: req.ClientID, ClientSecret: req.ClientSecret, LoginURL: req.loginURL()}
	var s *salesforce.Session
	var err error
	switch req.Flow {
	case FlowJWT:
		l.Username = req.Username
		if l.KeyFile, err = filepath.Abs(req.KeyFile); err != nil {
			return nil, fmt.Errorf("key file: %w", err)
		}
		key, rerr := os.ReadFile(l.KeyFile)
		if rerr != nil {
			return nil, &AuthError{Msg: "read the key file", Err: rerr}
		}
		s, err = salesforce.Login(ctx, req.InstanceURL, salesforce.Credentials{ClientID: req.ClientID, JWTKey: key,
			Username: req.Username, LoginURL: l.LoginURL}, opts.Transport)
	case FlowClientCredentials:
		instance := req.InstanceURL
		if instance == "" {
			instance = req.LoginURL
		}
		// The secret is read again from the environment or its file at each
		// renewal only if it is not stored; storing it (mode 0600) is what
		// lets `-o ALIAS` work with no variable set.
		s, err = salesforce.Login(ctx, instance, salesforce.Credentials{ClientID: req.ClientID, ClientSecret: req.ClientSecret}, opts.Transport)
	case FlowSfdxURL:
		var su *sfdxURL
		if su, err = readSfdxURL(req.SfdxURLFile); err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		opts.secret(su.clientSecret, su.refreshToken)
		l.ClientID, l.ClientSecret, l.LoginURL = su.clientID, su.clientSecret, su.instanceURL
		s, err = salesforce.Login(ctx, su.instanceURL, salesforce.Credentials{ClientID: su.clientID,
			ClientSecret: su.clientSecret, RefreshToken: su.refreshToken}, opts.Transport)
	case FlowWeb:
		s, err = webLogin(ctx, opts, req, l.LoginURL)
	default:
		return nil, &UsageError{Msg: "choose how to log in: --web, --jwt, --client-credentials or --sfdx-url-file"}
	}
	if err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			return nil, err
		}
		return nil, &AuthError{Msg: "log in to " + l.LoginURL, Err: err}
	}
	opts.secret(s.Token.AccessToken, s.RefreshToken)
	l.AccessToken, l.RefreshToken, l.InstanceURL = s.Token.AccessToken, s.RefreshToken, s.InstanceURL
	if l.InstanceURL == "" {
		l.InstanceURL = strings.TrimRight(req.InstanceURL, "/")
	}
	c := opts.client(s, nil)
	id, err := c.Identify(ctx)
	if err != nil {
		return nil, fmt.Errorf("logged in, but could not read who and where: %w", err)
	}
	l.Username, l.UserID, l.OrgID, l.IsSandbox = id.Username, id.UserID, id.OrgID, id.IsSandbox
	l.SavedAt = time.Now().UTC()
	store, err := OpenStore(opts.Getenv)
	if err != nil {
		return nil, err
	}
	if err := store.Save(l); err != nil {
		return nil, err
	}
	return l, nil
}

// sfdxURL is an sf CLI auth URL, force://<clientId>:<clientSecret>:<refreshToken>@<host>
// (the sfdxAuthUrl of `sf org auth show-sfdx-auth-url --json`, or of `sf org
// display --verbose --json` before sf 2.136.8; docs/sf-cli.md, real-clients.md
// §3.5). sf reaches its host over https.
type sfdxURL struct {
	clientID, clientSecret, refreshToken, instanceURL string
}

func readSfdxURL(file string) (*sfdxURL, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read the sfdx URL file: %w", err)
	}
	raw := strings.TrimSpace(string(b))
	// The file may be sf's whole --json answer.
	if i := strings.Index(raw, "force://"); i >= 0 {
		raw = raw[i:]
		if j := strings.IndexAny(raw, "\"\n "); j >= 0 {
			raw = raw[:j]
		}
	}
	const bad = "%s does not hold an sfdx auth URL (force://<clientId>:<clientSecret>:<refreshToken>@<instance>; `sf org auth show-sfdx-auth-url --json -o ALIAS` prints it as sfdxAuthUrl)"
	rest, ok := strings.CutPrefix(raw, "force://")
	if !ok {
		return nil, fmt.Errorf(bad, file)
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return nil, fmt.Errorf(bad, file)
	}
	creds, host := rest[:at], rest[at+1:]
	parts := strings.SplitN(creds, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" || host == "" {
		return nil, fmt.Errorf(bad, file)
	}
	u := &url.URL{Scheme: "https", Host: host}
	return &sfdxURL{clientID: parts[0], clientSecret: parts[1], refreshToken: parts[2], instanceURL: u.String()}, nil
}

// Logout revokes the login's refresh token (or its access token) at the org,
// then forgets it. A token the org no longer knows is forgotten all the same;
// any other failure to revoke keeps the login, so that it can be retried.
func Logout(ctx context.Context, opts Options, alias string) (*Login, error) {
	store, l, err := findLogin(opts.Getenv, alias)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, unknownLogin(store, alias)
	}
	opts.secret(l.AccessToken, l.RefreshToken, l.ClientSecret)
	token := l.RefreshToken
	if token == "" {
		token = l.AccessToken
	}
	if token != "" {
		// Revocation goes to the instance: the login host and My Domain both
		// serve it, and the instance is where the token is known.
		err := salesforce.Revoke(ctx, l.InstanceURL, token, opts.Transport)
		var te *salesforce.TokenError
		if err != nil && !(errors.As(err, &te) && te.Status == 400) {
			return nil, fmt.Errorf("log out of %q: %w (the login is kept; retry, or delete %s)", l.Alias, err, store.path(l.Alias))
		}
	}
	if err := store.Remove(l.Alias); err != nil {
		return nil, err
	}
	return l, nil
}

func unknownLogin(store *Store, name string) error {
	all, _ := store.List()
	var names []string
	for _, l := range all {
		names = append(names, l.Alias)
	}
	msg := fmt.Sprintf("no login saved as %q", name)
	if len(names) > 0 {
		msg += "; saved: " + strings.Join(names, ", ")
	} else {
		msg += "; none is saved (sfprov auth login --alias NAME ...)"
	}
	return &UsageError{Msg: msg}
}

// Logins lists the saved logins.
func Logins(opts Options) ([]*Login, error) {
	store, err := OpenStore(opts.Getenv)
	if err != nil {
		return nil, err
	}
	return store.List()
}
