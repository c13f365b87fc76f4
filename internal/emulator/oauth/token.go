package oauth

import (
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"strings"
)

// Grant types (facts §11 grant table).
const (
	grantAuthorizationCode = "authorization_code"
	grantPassword          = "password"
	grantRefreshToken      = "refresh_token"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	grantClientCredentials = "client_credentials"
)

// defaultScope is the scope the emulator's connected app has when
// Config.Scopes is not set: API access only. Salesforce echoes the granted
// scopes in `scope`; the JWT docs example shows "web openid api id" for an
// app with more scopes, recorded web server flow responses "id api
// refresh_token" and "refresh_token api" (found by code search).
const defaultScope = "api"

// appScope is the scope string of the app's selected scopes, which the
// password-less grants echo (the JWT bearer, client_credentials and the
// configured refresh token's grants). Whether Salesforce leaves
// refresh_token out of it for the flows that never issue one is
// UNCONFIRMED; it is echoed as selected.
func (s *Server) appScope() string {
	return strings.Join(s.cfg.Scopes, " ")
}

// tokenResponse is a successful token endpoint answer. Key order follows
// fixtures/oauth-token-password-grant.json (access_token, instance_url, id,
// token_type, issued_at, signature); scope and refresh_token are present only
// for the grants that return them.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	IssuedAt     string `json:"issued_at,omitempty"`
	Signature    string `json:"signature,omitempty"`
}

// oauthError is Salesforce's OAuth error body, always with HTTP 400
// (facts §11 "Error bodies").
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// The error answers, each with its source. Wording marked UNCONFIRMED was not
// found in a recorded response or a doc page here.
var (
	// facts §11: ForceCLI lib/jwt.go; jsforce surfaces it as err.name='invalid_grant' (real-clients.md §2).
	errAuthFailure = oauthError{"invalid_grant", "authentication failure"}
	// facts §11: jsforce test/connection-session.test.ts.
	errExpiredToken = oauthError{"invalid_grant", "expired access/refresh token"}
	// facts §11: simple-salesforce test_login.py test_token_login_failure.
	errClientID = oauthError{"invalid_client_id", "client identifier invalid"}
	// A live org's answer to a code exchange without the secret
	// (DuendeArchive/IdentityModel.OidcClient#121: "invalid_client / invalid
	// client credentials"); the same for a wrong secret (facts §11 "common in
	// practice").
	errClientCreds = oauthError{"invalid_client", "invalid client credentials"}
	// Recorded from live orgs: jsforce/jsforce#706, aaronhuggins/sf-jwt-token#1,
	// Oyatel/CometD.NET#20 ({"error":"unsupported_grant_type","error_description":"grant type not supported"}).
	errGrantType = oauthError{"unsupported_grant_type", "grant type not supported"}
	// facts §11: simple-salesforce tests; JWT for a user who has not approved the app.
	errNotApproved = oauthError{"invalid_grant", "user hasn't approved this consumer"}
	// restforce/restforce#303 ("invalid_grant: inactive user", on a refresh).
	errInactive = oauthError{"invalid_grant", "inactive user"}
	// frankkessler/salesforce-laravel-oauth2-rest#68 (bad signature / unusable assertion).
	errAssertionBody = oauthError{"invalid_grant", "invalid assertion"}
	// simple-salesforce#491, newrelic/newrelic-salesforce-exporter#31: a JWT whose exp has passed.
	errJWTExpired = oauthError{"invalid_grant", "expired authorization code"}
	// Salesforce Help "OAuth 2.0 Authorization Errors" gives this reply as its
	// example of a JWT bearer flow error ({"error":"invalid_grant",
	// "error_description":"Audience validation failed"}); airbytehq/airbyte#80788
	// lists the audience among Salesforce's documented JWT failures.
	errAudience = oauthError{"invalid_grant", "Audience validation failed"}
	// facts §11 client_credentials bullet ("no client credentials user enabled").
	errNoCCUser = oauthError{"invalid_grant", "no client credentials user enabled"}
	// facts §11 client_credentials bullet; qiita.com note shows the same for JWT.
	errScope = oauthError{"invalid_request", "scope parameter not supported"}
	// UNCONFIRMED wording: Salesforce's token endpoint takes POST only.
	errPostOnly = oauthError{"invalid_request", "must use HTTP POST"}
)

// ServeToken serves POST /services/oauth2/token. The body is a form
// (application/x-www-form-urlencoded), possibly chunked with no
// Content-Length, as jsforce and sf send it (real-clients.md §3.5);
// http.Request.ParseForm reads both.
func (s *Server) ServeToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, errPostOnly)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, oauthError{"invalid_request", "invalid request body"})
		return
	}
	var (
		resp tokenResponse
		oerr *oauthError
	)
	switch r.PostForm.Get("grant_type") {
	case grantAuthorizationCode:
		resp, oerr = s.authorizationCodeGrant(r)
	case grantPassword:
		resp, oerr = s.passwordGrant(r)
	case grantRefreshToken:
		resp, oerr = s.refreshGrant(r)
	case grantJWTBearer:
		resp, oerr = s.jwtGrant(r)
	case grantClientCredentials:
		resp, oerr = s.clientCredentialsGrant(r)
	default:
		oerr = &errGrantType
	}
	if oerr != nil {
		writeOAuthError(w, *oerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// checkClient applies the connected-app checks shared by the password and
// refresh_token grants: an unknown client id is invalid_client_id, a wrong
// secret invalid_client (facts §11 error list). secretRequired is true for
// the password grant, which always needs the secret; the refresh_token grant
// takes it as optional (facts §11 grant table: "client_id[, client_secret]").
func (s *Server) checkClient(id, secret string, secretRequired bool) *oauthError {
	if s.cfg.ClientID == "" {
		return nil // no configured app: any client id is accepted (Config doc)
	}
	if !hmac.Equal([]byte(id), []byte(s.cfg.ClientID)) {
		return &errClientID
	}
	if secret == "" && !secretRequired {
		return nil
	}
	if !hmac.Equal([]byte(secret), []byte(s.cfg.ClientSecret)) {
		return &errClientCreds
	}
	return nil
}

// passwordGrant: grant_type=password, client_id, client_secret, username,
// password (possibly with the security token appended). No refresh token is
// returned (facts §11 grant table; the recorded response
// fixtures/oauth-token-password-grant.json has none).
func (s *Server) passwordGrant(r *http.Request) (tokenResponse, *oauthError) {
	f := r.PostForm
	if e := s.checkClient(f.Get("client_id"), f.Get("client_secret"), true); e != nil {
		return tokenResponse{}, e
	}
	u, ok := s.lookup(f.Get("username"))
	// Every failure about the user is the same generic answer, so that a
	// caller cannot tell a wrong password from an unknown or inactive user
	// (ForceCLI lib/jwt.go expects "authentication failure" for all of them).
	if !ok {
		return tokenResponse{}, &errAuthFailure
	}
	if !s.passwordMatches(u.ID, f.Get("password")) {
		s.logLogin(r, u.ID, StatusInvalidPassword)
		return tokenResponse{}, &errAuthFailure
	}
	if !s.dir.IsActive(u.ID) {
		s.logLogin(r, u.ID, StatusInactive)
		return tokenResponse{}, &errAuthFailure
	}
	return s.loggedGrant(r, grant{user: u, signature: true})
}

// passwordMatches accepts the password alone, or the password followed by the
// user's security token when the directory knows one.
func (s *Server) passwordMatches(userID, given string) bool {
	if given == "" {
		return false
	}
	if s.dir.CheckPassword(userID, given) {
		return true
	}
	st, ok := s.dir.(SecurityTokens)
	if !ok {
		return false
	}
	tok, ok := st.SecurityToken(userID)
	if !ok || tok == "" || !strings.HasSuffix(given, tok) {
		return false
	}
	return s.dir.CheckPassword(userID, strings.TrimSuffix(given, tok))
}

// refreshGrant: grant_type=refresh_token, refresh_token, client_id
// [, client_secret] (facts §11; jsforce sends client_id and client_secret,
// real-clients.md §2). The refresh token is the configured static one or one
// the web server flow issued. An unknown or revoked refresh token is
// "expired access/refresh token"; the reply has a new access token and no new
// refresh token (jsforce does not need one, real-clients.md §2; rotation,
// "Enable Refresh Token Rotation", is off by default in Salesforce Help
// "OAuth 2.0 Refresh Token Flow for Renewed Sessions" and not modelled).
// Other fields are ignored: jsforce with a code verifier sends code_verifier
// on every token call (jsforce src/oauth2.ts _postParams).
func (s *Server) refreshGrant(r *http.Request) (tokenResponse, *oauthError) {
	f := r.PostForm
	if e := s.checkClient(f.Get("client_id"), f.Get("client_secret"), false); e != nil {
		return tokenResponse{}, e
	}
	u, family, scope, ok := s.refreshUser(f.Get("refresh_token"))
	if !ok {
		return tokenResponse{}, &errExpiredToken
	}
	if s.dir != nil && u.ID != "" && !s.dir.IsActive(u.ID) {
		s.logLogin(r, u.ID, StatusInactive)
		return tokenResponse{}, &errInactive
	}
	resp, oerr := s.loggedGrant(r, grant{user: u, scope: scope, signature: true, family: family})
	if oerr == nil && family != staticFamily {
		// The token's UseCount and LastUsedDate (OauthToken: "How often the
		// token was used", "The date when the OAuth token was last used").
		if a := s.audit(); a != nil {
			a.RefreshUsed(family)
		}
	}
	return resp, oerr
}

// jwtGrant: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer,
// assertion=<RS256 JWT> with iss = client id, sub = username, aud = a login
// host or this org, exp in seconds or milliseconds (facts §11 JWT rows;
// real-clients.md §3.5 for what sf sends). The reply carries access_token,
// scope, instance_url, id and token_type, as the JWT flow's documented
// example does; it has no refresh token ("this flow never issues a refresh
// token", jsforce/jsforce#1053, airbytehq/airbyte#80788).
func (s *Server) jwtGrant(r *http.Request) (tokenResponse, *oauthError) {
	f := r.PostForm
	if f.Has("scope") {
		return tokenResponse{}, &errScope
	}
	if s.cert == nil {
		// No certificate uploaded: nothing can verify the assertion.
		return tokenResponse{}, &errAssertionBody
	}
	claims, err := verifyJWT(f.Get("assertion"), s.cert.pub)
	if err != nil {
		return tokenResponse{}, &errAssertionBody
	}
	if s.cfg.ClientID != "" && claims.Iss != s.cfg.ClientID {
		return tokenResponse{}, &errClientID
	}
	if !audienceOK(claims.audiences(), r.Host) {
		return tokenResponse{}, &errAudience
	}
	exp, ok := expiry(claims.Exp)
	if !ok {
		return tokenResponse{}, &errAssertionBody
	}
	if s.cfg.Now().After(exp.Add(jwtClockSkew)) {
		return tokenResponse{}, &errJWTExpired
	}
	u, ok := s.lookup(claims.Sub)
	if !ok {
		// UNCONFIRMED: the wording for an unknown sub; Salesforce answers an
		// unknown user like one that has not approved the app.
		return tokenResponse{}, &errNotApproved
	}
	if !s.dir.IsActive(u.ID) {
		s.logLogin(r, u.ID, StatusInactive)
		return tokenResponse{}, &errInactive
	}
	if ap, ok := s.dir.(Approvals); ok && !ap.Approved(u.ID) {
		s.logLogin(r, u.ID, StatusNotApproved)
		return tokenResponse{}, &errNotApproved
	}
	return s.loggedGrant(r, grant{user: u, scope: s.appScope()})
}

// clientCredentialsGrant: grant_type=client_credentials with the client id
// and secret as form fields or HTTP Basic; the token acts as the app's run-as
// user; a scope parameter is refused (facts §11 client_credentials bullet).
func (s *Server) clientCredentialsGrant(r *http.Request) (tokenResponse, *oauthError) {
	f := r.PostForm
	if f.Has("scope") {
		return tokenResponse{}, &errScope
	}
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok && id == "" {
		id, secret = bid, bsecret
	}
	if s.cfg.ClientID == "" || !hmac.Equal([]byte(id), []byte(s.cfg.ClientID)) {
		// Without a configured app there is no app with the flow enabled.
		return tokenResponse{}, &errClientID
	}
	if !hmac.Equal([]byte(secret), []byte(s.cfg.ClientSecret)) {
		return tokenResponse{}, &errClientCreds
	}
	u := s.cfg.StaticUser()
	if s.cfg.ClientCredentialsUser != "" {
		var ok bool
		if u, ok = s.lookup(s.cfg.ClientCredentialsUser); !ok {
			return tokenResponse{}, &errNoCCUser
		}
	}
	if s.dir != nil && u.ID != "" && !s.dir.IsActive(u.ID) {
		s.logLogin(r, u.ID, StatusInactive)
		return tokenResponse{}, &errInactive
	}
	return s.loggedGrant(r, grant{user: u, scope: s.appScope(), signature: true})
}

func (s *Server) lookup(username string) (User, bool) {
	if s.dir == nil || username == "" {
		return User{}, false
	}
	u, ok := s.dir.ByUsername(username)
	if ok && u.OrgID == "" {
		u.OrgID = s.cfg.OrgID
	}
	return u, ok
}

// grant is what a successful grant hands out.
type grant struct {
	user User
	// scope is the reply's `scope` ("" = no scope key).
	scope string
	// signature: the reply carries issued_at and signature.
	signature bool
	// family is the refresh-token family of the new access token (see
	// accessToken).
	family string
	// refreshToken is issued alongside ("" = none).
	refreshToken string
}

// loggedGrant is grantResponse with the login recorded (LoginHistory: "the
// login history for all successful and failed login attempts").
func (s *Server) loggedGrant(r *http.Request, g grant) (tokenResponse, *oauthError) {
	resp, oerr := s.grantResponse(r, g)
	if oerr == nil {
		s.logLogin(r, g.user.ID, StatusSuccess)
	}
	return resp, oerr
}

// grantResponse issues an access token for g.user and builds the reply. The id
// URL is <instance>/id/<orgId>/<userId>: clients parse the org id from its
// second-to-last segment (sf, real-clients.md §3.5) and jsforce needs it
// present (real-clients.md §2).
func (s *Server) grantResponse(r *http.Request, g grant) (tokenResponse, *oauthError) {
	u := g.user
	tok, issued, err := s.issue(u, g.family)
	if err != nil {
		return tokenResponse{}, &oauthError{"server_error", "could not issue a token"}
	}
	base := instanceURL(r)
	resp := tokenResponse{
		AccessToken:  tok,
		RefreshToken: g.refreshToken,
		Scope:        g.scope,
		InstanceURL:  base,
		ID:           base + "/id/" + s.orgID(u) + "/" + u.ID,
		TokenType:    "Bearer",
	}
	if g.signature {
		resp.IssuedAt = epochMillis(issued)
		secret := s.cfg.ClientSecret
		if secret == "" {
			secret = r.PostForm.Get("client_secret")
		}
		resp.Signature = signature(secret, resp.ID, resp.IssuedAt)
	}
	return resp, nil
}

// ServeRevoke serves /services/oauth2/revoke with a `token` form field (POST)
// or query parameter (GET). Revoking an access token ends it. Success is HTTP
// 200 with an empty body; an unknown token is HTTP 400 (Salesforce "Revoking
// OAuth Tokens", Mobile SDK guide: "For all error conditions, Salesforce
// returns a 400 status code" with unsupported_token_type or invalid_token;
// jsforce revokeToken treats >= 400 as failure, facts §11).
func (s *Server) ServeRevoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		writeOAuthError(w, errPostOnly)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, oauthError{"invalid_request", "invalid request body"})
		return
	}
	token := r.Form.Get("token")
	if token == "" {
		// UNCONFIRMED wording.
		writeOAuthError(w, oauthError{"invalid_token", "invalid token"})
		return
	}
	if s.cfg.StaticToken != "" && token == s.cfg.StaticToken {
		// The configured access token stands for the test harness's own
		// admin session; it stays valid (Config doc), but the client sees a
		// normal revoke.
		w.WriteHeader(http.StatusOK)
		return
	}
	// Revoking a refresh token revokes it and every access token obtained
	// with it ("If a refresh token is included, Salesforce revokes it and any
	// associated access tokens", Mobile SDK guide "Revoking OAuth Tokens";
	// Salesforce Help "Revoke OAuth Tokens"; G12): the refresh grant then
	// answers "expired access/refresh token".
	if s.cfg.StaticRefreshToken != "" && token == s.cfg.StaticRefreshToken {
		// The configured one stays revoked for the rest of the process.
		s.mu.Lock()
		s.refreshRevoked = true
		s.revokeFamilyLocked(staticFamily)
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return
	}
	key := RefreshKey(token)
	s.mu.Lock()
	if _, issued := s.refresh[key]; issued {
		// An issued one is forgotten, in the state file too; the access
		// token issued alongside it by the code exchange is in its family.
		delete(s.refresh, key)
		s.revokeFamilyLocked(key)
		s.mu.Unlock()
		s.saveRefresh()
		if a := s.audit(); a != nil {
			a.RefreshRevoked(key)
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	s.mu.Unlock()
	// An OauthToken's DeleteToken revokes the token it lists ("DeleteToken:
	// A token that can be used at the revoke OAuth token endpoint to delete
	// this token"; "To delete an AccessToken, send a request to the revoke
	// OAuth token endpoint with DeleteToken as a parameter", OauthToken
	// object reference, Usage).
	if a := s.audit(); a != nil {
		if rk, ok := a.RevokeDeleteToken(token); ok {
			s.mu.Lock()
			_, had := s.refresh[rk]
			delete(s.refresh, rk)
			if rk != "" {
				s.revokeFamilyLocked(rk)
			}
			s.mu.Unlock()
			if had {
				s.saveRefresh()
			}
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	s.mu.Lock()
	_, known := s.access[token]
	delete(s.access, token)
	s.mu.Unlock()
	if !known {
		// UNCONFIRMED wording; the error code is from the Mobile SDK guide.
		writeOAuthError(w, oauthError{"unsupported_token_type", "this token type is not supported"})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func writeOAuthError(w http.ResponseWriter, e oauthError) {
	writeJSON(w, http.StatusBadRequest, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	// Token replies must not be cached (RFC 6749 §5.1).
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
