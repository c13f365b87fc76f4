package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"
)

// Login hosts (salesforce-api-facts.md §11, sfdx-core sfdcUrl.ts).
const (
	ProductionLoginURL = "https://login.salesforce.com"
	SandboxLoginURL    = "https://test.salesforce.com"
)

// Credentials say how to get an access token. Every value comes from the
// environment, a file or sfprov's credential store, never from a spec.
//
// An AccessToken is used as given. The other fields name a flow that can get
// a token (or a new one, once the org refuses the current one), in this
// order: a RefreshToken (web server flow, sfdx URL); the JWT bearer flow
// (ClientID, Username, JWTKey); the client credentials flow (ClientID,
// ClientSecret).
type Credentials struct {
	AccessToken  string
	RefreshToken string
	ClientID     string
	ClientSecret string
	JWTKey       []byte // PEM private key of the app's certificate
	Username     string // the user the JWT flow signs in as
	// LoginURL is where the JWT and refresh flows ask for a token (and the
	// JWT's audience): https://login.salesforce.com,
	// https://test.salesforce.com or the My Domain URL
	// (salesforce-api-facts.md §11). "" = the instance URL.
	LoginURL string
}

// ErrNoCredentials means no way to authenticate was configured.
var ErrNoCredentials = errors.New("no credentials")

// Session is a logged-in connection's token and where to use it.
type Session struct {
	Token       *oauth2.Token
	InstanceURL string
	// RefreshToken is the refresh token the flow issued or was given.
	RefreshToken string
	// Flow names the way the token was got ("JWT bearer", ...), for messages.
	Flow string
	// Renew gets a new access token once the org refuses the current one;
	// nil when the credentials cannot (a bare access token).
	Renew func(ctx context.Context) (*oauth2.Token, error)
}

// TokenError is a refusal from the OAuth token or revoke endpoint, with
// Salesforce's `error` and `error_description` kept (salesforce-api-facts.md
// §11 "Error bodies"). It is an authentication failure: errors.Is(err,
// ErrAuth) holds.
type TokenError struct {
	Flow        string // "JWT bearer login", "refresh", ...
	Status      int
	Code        string // invalid_grant, invalid_client_id, ...
	Description string
	Body        string // the raw body when it was not an OAuth error
}

func (e *TokenError) Error() string {
	what := e.Code
	if e.Description != "" {
		what += ": " + e.Description
	}
	if what == "" {
		what = strings.TrimSpace(e.Body)
		if len(what) > 200 {
			what = what[:200] + "…"
		}
	}
	if what == "" {
		what = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s: %s (HTTP %d from /services/oauth2)", e.Flow, what, e.Status)
}

// Is makes every token-endpoint refusal an authentication failure.
func (e *TokenError) Is(target error) bool { return target == ErrAuth }

// tokenError turns an oauth2 failure into a *TokenError with Salesforce's
// error fields. golang.org/x/oauth2/jwt does not parse the body of a refused
// grant (its RetrieveError has Body only), so the body is read here.
func tokenError(flow string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", flow, err)
	}
	te := &TokenError{Flow: flow, Code: re.ErrorCode, Description: re.ErrorDescription}
	if re.Response != nil {
		te.Status = re.Response.StatusCode
	}
	if te.Code == "" {
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(re.Body, &body) == nil && body.Error != "" {
			te.Code, te.Description = body.Error, body.Description
		} else {
			te.Body = string(re.Body)
		}
	}
	return te
}

// oauthContext carries base as the HTTP transport of oauth2's token requests.
func oauthContext(ctx context.Context, base http.RoundTripper) context.Context {
	if base == nil {
		base = http.DefaultTransport
	}
	return context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: base, Timeout: time.Minute})
}

// Login turns credentials into a session. Salesforce's token answer names the
// instance to use (instance_url), which wins over the one given
// (salesforce-api-facts.md §11). base carries the token requests (nil =
// http.DefaultTransport).
func Login(ctx context.Context, instanceURL string, cr Credentials, base http.RoundTripper) (*Session, error) {
	instanceURL = strings.TrimRight(instanceURL, "/")
	login := strings.TrimRight(cr.LoginURL, "/")
	if login == "" {
		login = instanceURL
	}
	var flow string
	var get func(ctx context.Context) (*oauth2.Token, error)
	switch {
	case cr.RefreshToken != "" && cr.ClientID != "":
		if login == "" {
			return nil, errors.New("the refresh token flow needs a login URL or the org's instance URL")
		}
		flow = "refresh"
		cfg := &oauth2.Config{ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: login + "/services/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
		get = func(ctx context.Context) (*oauth2.Token, error) {
			// An expired stand-in token makes oauth2 refresh at once.
			return cfg.TokenSource(oauthContext(ctx, base), &oauth2.Token{RefreshToken: cr.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
		}
	case cr.ClientID != "" && len(cr.JWTKey) > 0 && cr.Username != "":
		if login == "" {
			return nil, errors.New("the JWT flow needs a login URL or the org's instance URL")
		}
		flow = "JWT bearer login"
		cfg := &jwt.Config{Email: cr.ClientID, Subject: cr.Username, PrivateKey: cr.JWTKey,
			TokenURL: login + "/services/oauth2/token", Audience: login, Expires: 3 * time.Minute}
		// The JWT flow never issues a refresh token (salesforce-api-facts.md
		// §11); a new token is a new signed assertion.
		get = func(ctx context.Context) (*oauth2.Token, error) {
			return cfg.TokenSource(oauthContext(ctx, base)).Token()
		}
	case cr.ClientID != "" && cr.ClientSecret != "":
		// The client credentials flow must go to the My Domain host
		// (salesforce-api-facts.md §11), i.e. the instance URL.
		if instanceURL == "" {
			return nil, errors.New("the client credentials flow needs the org's My Domain URL (--instance-url)")
		}
		flow = "client credentials login"
		cfg := &clientcredentials.Config{ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
			TokenURL: instanceURL + "/services/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}
		get = func(ctx context.Context) (*oauth2.Token, error) { return cfg.Token(oauthContext(ctx, base)) }
	}
	s := &Session{InstanceURL: instanceURL, RefreshToken: cr.RefreshToken, Flow: flow}
	if get != nil {
		s.Renew = func(ctx context.Context) (*oauth2.Token, error) {
			tok, err := get(ctx)
			if err != nil {
				return nil, tokenError(flow, err)
			}
			return tok, nil
		}
	}
	if cr.AccessToken != "" {
		if instanceURL == "" {
			return nil, errors.New("an access token needs the org's instance URL")
		}
		s.Token = &oauth2.Token{AccessToken: cr.AccessToken, TokenType: "Bearer"}
		return s, nil
	}
	if s.Renew == nil {
		return nil, ErrNoCredentials
	}
	tok, err := s.Renew(ctx)
	if err != nil {
		return nil, err
	}
	s.adopt(tok)
	return s, nil
}

// adopt takes a token answer's instance and refresh token.
func (s *Session) adopt(tok *oauth2.Token) {
	s.Token = tok
	if u, _ := tok.Extra("instance_url").(string); u != "" {
		s.InstanceURL = strings.TrimRight(u, "/")
	}
	if tok.RefreshToken != "" {
		s.RefreshToken = tok.RefreshToken
	}
}

// WebFlow is one authorization code + PKCE login (salesforce-api-facts.md §11
// authorization_code row): AuthURL is where the browser goes; Exchange turns
// the code the browser brings back to RedirectURL into a session.
type WebFlow struct {
	LoginURL     string
	ClientID     string
	ClientSecret string // "" for an app that does not require the secret
	RedirectURL  string
	State        string
	verifier     string
}

// NewWebFlow starts a web login with a fresh PKCE verifier and state.
func NewWebFlow(loginURL, clientID, clientSecret, redirectURL string) *WebFlow {
	return &WebFlow{LoginURL: strings.TrimRight(loginURL, "/"), ClientID: clientID, ClientSecret: clientSecret,
		RedirectURL: redirectURL, State: oauth2.GenerateVerifier()[:32], verifier: oauth2.GenerateVerifier()}
}

func (f *WebFlow) config() *oauth2.Config {
	return &oauth2.Config{ClientID: f.ClientID, ClientSecret: f.ClientSecret, RedirectURL: f.RedirectURL,
		// refresh_token lets sfprov stay logged in; api is REST access.
		Scopes: []string{"api", "refresh_token"},
		Endpoint: oauth2.Endpoint{AuthURL: f.LoginURL + "/services/oauth2/authorize",
			TokenURL: f.LoginURL + "/services/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
}

// AuthURL is the authorize URL to open in a browser.
func (f *WebFlow) AuthURL() string {
	return f.config().AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.verifier))
}

// Exchange trades the authorization code for a session that renews itself
// with the refresh token it got.
func (f *WebFlow) Exchange(ctx context.Context, code string, base http.RoundTripper) (*Session, error) {
	tok, err := f.config().Exchange(oauthContext(ctx, base), code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		return nil, tokenError("web login", err)
	}
	if tok.RefreshToken == "" {
		return nil, errors.New("web login: the org issued no refresh token; add the refresh_token (offline_access) scope to the app's OAuth scopes")
	}
	s := &Session{Flow: "web login"}
	s.adopt(tok)
	renew, err := Login(ctx, s.InstanceURL, Credentials{RefreshToken: s.RefreshToken, ClientID: f.ClientID,
		ClientSecret: f.ClientSecret, LoginURL: f.LoginURL, AccessToken: tok.AccessToken}, base)
	if err != nil {
		return nil, err
	}
	s.Renew = renew.Renew
	return s, nil
}

// Revoke ends a refresh or access token at {loginURL}/services/oauth2/revoke
// (salesforce-api-facts.md §11 "Revoke"). Revoking a refresh token ends the
// access tokens obtained with it too.
func Revoke(ctx context.Context, loginURL, token string, base http.RoundTripper) error {
	if base == nil {
		base = http.DefaultTransport
	}
	hc := &http.Client{Transport: base, Timeout: time.Minute}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(loginURL, "/")+"/services/oauth2/revoke",
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL's form carries no secret, but keep errors short
		}
		return fmt.Errorf("revoke: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		var buf [4096]byte
		n, _ := resp.Body.Read(buf[:])
		return tokenError("revoke", &oauth2.RetrieveError{Response: resp, Body: buf[:n]})
	}
	return nil
}
