// Package oauth is the emulator org's OAuth 2.0 server: the authorization
// endpoint of the web server flow (/services/oauth2/authorize, with a login
// form standing in for the browser session), the token endpoint
// (/services/oauth2/token) for the authorization_code, password,
// refresh_token, JWT bearer and client_credentials grants, the revoke endpoint
// (/services/oauth2/revoke), and the bearer-token check that every other API
// request goes through.
//
// It answers the way a Salesforce org answers: the same response keys, the
// same {"error","error_description"} bodies with HTTP 400, and tokens shaped
// like Salesforce's ("00D…!…" access tokens, which the sf CLI recognises as
// such). Each rule names its source in a comment; the sources are
// /work/shared/reference/salesforce-api-facts.md §11 ("facts §11"),
// real-clients.md §2/§3.5 (what jsforce 3 and the sf CLI send), and the
// recorded token response fixtures/oauth-token-password-grant.json.
//
// The server keeps its issued access tokens and authorization codes in memory
// only: a restarted emulator forgets them, as a real org forgets sessions
// after they time out. Refresh tokens issued by the web server flow are handed
// to Config.SaveRefreshTokens after every change (the emulator keeps them in
// its state file), because a real org's refresh tokens outlive its sessions:
// the default policy is "Refresh token is valid until revoked" (facts §7,
// refreshTokenPolicy "infinite"). The static token (Config.StaticToken) and
// the static refresh token survive too, because they come from the
// configuration.
package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// User is who a token acts as.
type User struct {
	ID, OrgID, Username string
}

// Directory is the org's user table as the OAuth server needs it. The
// emulator implements it over its User records.
type Directory interface {
	ByUsername(username string) (User, bool)
	CheckPassword(userID, password string) bool
	IsActive(userID string) bool
}

// SecurityTokens is optionally implemented by a Directory whose users have a
// security token. When it is, the password grant also accepts the password
// with that token appended, as Salesforce does for logins from outside the
// trusted IP ranges (facts §11, password grant: "password(+security token)").
type SecurityTokens interface {
	SecurityToken(userID string) (token string, ok bool)
}

// Approvals is optionally implemented by a Directory that knows which users
// have approved (or were pre-authorised for) the connected app. The JWT bearer
// grant then refuses other users with "user hasn't approved this consumer"
// (facts §11, JWT aud bullet: "Needs pre-authorisation (§5)"). Without it,
// every active user counts as approved.
type Approvals interface {
	Approved(userID string) bool
}

// Config is the one connected app the emulator org has, and the token policy.
type Config struct {
	// ClientID and ClientSecret are the connected app's consumer key and
	// secret. With ClientID "", the password and refresh_token grants accept
	// any client id (and any secret); client_credentials is then refused,
	// because no app has a run-as user.
	ClientID, ClientSecret string
	// JWTCertPEM is the certificate uploaded to the connected app ("Use
	// digital signatures"); JWT bearer assertions are checked against its
	// RSA public key. nil refuses the JWT grant.
	JWTCertPEM []byte
	// TokenLifetime is how long an issued access token is valid (0 = 2h,
	// Salesforce's default session timeout).
	TokenLifetime time.Duration
	// StaticToken is always valid, never expires, and belongs to StaticUser.
	StaticToken string
	// StaticRefreshToken, when set, is a refresh token valid for StaticUser
	// until it is revoked (then for the rest of the process, with the access
	// tokens it gave), as one obtained earlier through the web-server flow and
	// stored by the client (sf's sfdx-url `force://CID:SECRET:RT@host`,
	// real-clients.md §3.5). It lets a refresh_token grant be tested without
	// running the web server flow, the only grant here that issues refresh
	// tokens.
	StaticRefreshToken string
	StaticUser         func() User
	OrgID              string
	// ClientCredentialsUser is the username of the connected app's run-as
	// user for the client_credentials grant ("" = the static user).
	ClientCredentialsUser string
	Now                   func() time.Time

	// CallbackURLs are the connected app's callback URLs: the web server
	// flow's redirect_uri must be one of them, character for character
	// (Salesforce compares the whole string; see authorize.go). With no
	// callback URL and ClientID "", any http(s) redirect_uri is accepted, in
	// keeping with the any-client mode above; with a ClientID and no callback
	// URL, the web server flow is refused (redirect_uri_mismatch).
	CallbackURLs []string
	// ConsumerSecretOptional is the connected app's "Require Secret for Web
	// Server Flow" checkbox deselected (Metadata ConnectedAppOauthConfig
	// isConsumerSecretOptional, facts §7): the authorization_code grant then
	// accepts a request without client_secret, as a public client (a CLI
	// using PKCE) sends it. A secret that is sent is still checked. false,
	// the default, is Salesforce's default: the checkbox comes selected, which
	// is why Mobile SDK 11's guide ("OAuth 2.0 Web Server Flow") tells
	// developers to deselect it.
	ConsumerSecretOptional bool
	// Scopes are the connected app's selected OAuth scopes (nil = ["api"]).
	// The web server flow issues a refresh token only when the granted scopes
	// include refresh_token (alias offline_access): "Perform requests at any
	// time (refresh_token, offline_access): Allows a refresh token to be
	// returned when the requesting client is eligible to receive one"
	// (Salesforce Help "OAuth Tokens and Scopes"; Mobile SDK guide "Scope
	// Parameter Values").
	Scopes []string
	// RefreshTokens are the refresh tokens issued before (by an earlier run,
	// from the emulator's state file), keyed by RefreshKey of the token.
	RefreshTokens map[string]RefreshToken
	// SaveRefreshTokens, when set, is called with every issued refresh token
	// (a copy, keyed like RefreshTokens) after one is issued or revoked. It is
	// called without the server's lock held.
	SaveRefreshTokens func(map[string]RefreshToken)
}

// Errors from Authenticate. Both mean the caller answers 401 INVALID_SESSION_ID.
var (
	ErrInvalid = errors.New("oauth: invalid access token")
	ErrExpired = errors.New("oauth: access token expired")
)

// defaultLifetime is Salesforce's default session timeout (Setup > Session
// Settings, "Timeout value" 2 hours).
const defaultLifetime = 2 * time.Hour

// Server is the emulator org's OAuth server. It is safe for concurrent use.
type Server struct {
	cfg  Config
	dir  Directory
	cert *certKey // nil when JWTCertPEM is nil or unusable

	mu     sync.Mutex
	access map[string]*accessToken
	// refreshRevoked: the configured refresh token was revoked; it stays
	// revoked for the rest of the process.
	refreshRevoked bool
	// refresh holds the refresh tokens the web server flow issued, by
	// RefreshKey; codes the authorization codes, by code.
	refresh map[string]RefreshToken
	codes   map[string]*authCode
}

type accessToken struct {
	user    User
	expires time.Time
	// family is the refresh token the access token belongs to: the one it was
	// obtained with, or the one issued alongside it (staticFamily for the
	// configured refresh token, a RefreshKey for an issued one, "" for none).
	// Revoking the refresh token ends the whole family.
	family string
}

// staticFamily is the family of the configured refresh token's access tokens.
const staticFamily = "static"

// New returns an OAuth server for the connected app cfg over the users in dir.
// A JWTCertPEM that does not parse leaves the JWT grant refused (every
// assertion is then an "invalid assertion"), as an app without a usable
// certificate would.
func New(cfg Config, dir Directory) *Server {
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = defaultLifetime
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StaticUser == nil {
		cfg.StaticUser = func() User { return User{OrgID: cfg.OrgID} }
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{defaultScope}
	}
	s := &Server{
		cfg:     cfg,
		dir:     dir,
		access:  map[string]*accessToken{},
		refresh: map[string]RefreshToken{},
		codes:   map[string]*authCode{},
	}
	for k, t := range cfg.RefreshTokens {
		s.refresh[k] = t
	}
	if len(cfg.JWTCertPEM) > 0 {
		if ck, err := parseCert(cfg.JWTCertPEM); err == nil {
			s.cert = ck
		}
	}
	return s
}

// Authenticate checks a bearer token. It returns ErrExpired for a token that
// was issued and has expired (or was expired by ExpireAll), ErrInvalid for
// anything else that is not a live token, including a token of a user who was
// deactivated since (deactivation ends a user's sessions).
func (s *Server) Authenticate(token string) (User, error) {
	if token == "" {
		return User{}, ErrInvalid
	}
	if s.cfg.StaticToken != "" && hmac.Equal([]byte(token), []byte(s.cfg.StaticToken)) {
		return s.cfg.StaticUser(), nil
	}
	s.mu.Lock()
	t, ok := s.access[token]
	s.mu.Unlock()
	if !ok {
		return User{}, ErrInvalid
	}
	if !s.cfg.Now().Before(t.expires) {
		return User{}, ErrExpired
	}
	if s.dir != nil && !s.dir.IsActive(t.user.ID) {
		return User{}, ErrInvalid
	}
	return t.user, nil
}

// ExpireAll makes every issued access token expire now (fault injection). The
// static token stays valid, and refresh tokens stay valid, so that a client
// can recover the way it would from a session timeout: by refreshing.
func (s *Server) ExpireAll() {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.access {
		if t.expires.After(now) {
			t.expires = now
		}
	}
}

// issue records a new access token for u in the given refresh-token family
// and returns it with its issued_at.
func (s *Server) issue(u User, family string) (token string, issuedAt time.Time, err error) {
	token, err = newAccessToken(s.orgID(u))
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.cfg.Now()
	s.mu.Lock()
	s.access[token] = &accessToken{user: u, expires: now.Add(s.cfg.TokenLifetime), family: family}
	s.mu.Unlock()
	return token, now, nil
}

func (s *Server) orgID(u User) string {
	if u.OrgID != "" {
		return u.OrgID
	}
	return s.cfg.OrgID
}

// newAccessToken returns a token shaped like Salesforce's session ids: the
// 15-character org id, "!", then opaque characters
// (facts §11 token response; muddlingthru.ca example "00DR0000001yLiD!ARIAQ…").
// The sf CLI treats any `-o` value that looks like "00D…!…" as an access token
// (real-clients.md §3.1), so the shape matters.
func newAccessToken(orgID string) (string, error) {
	prefix := orgID
	if len(prefix) > 15 {
		prefix = prefix[:15]
	}
	if prefix == "" {
		prefix = "00D000000000000"
	}
	r, err := randomString(72)
	if err != nil {
		return "", err
	}
	return prefix + "!AQ" + r, nil
}

// randomString returns n characters drawn from crypto/rand, in the alphabet
// Salesforce tokens use (letters, digits, '.', '_').
func randomString(n int) (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// signature is the token response's `signature`: base64 of HMAC-SHA256 over
// the identity URL followed by issued_at, keyed with the client secret
// (Salesforce's documented way for a client to verify the id URL was not
// changed in transit; facts §11 token response fields).
func signature(secret, idURL, issuedAt string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(idURL + issuedAt))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// epochMillis is issued_at as Salesforce writes it: epoch milliseconds, as a
// string (fixtures/oauth-token-password-grant.json: "issued_at":"1728399904705").
func epochMillis(t time.Time) string {
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// instanceURL is the base URL the client reached us at. The token response's
// instance_url and id use it, so that a client following them stays on this
// emulator (jsforce and sf take every later URL from the token response,
// real-clients.md §2 and §3.5).
func instanceURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// constantTimeEqual compares secrets without leaking their common prefix
// through timing.
func constantTimeEqual(a, b string) bool {
	return hmac.Equal([]byte(a), []byte(b))
}
