package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// The token endpoint's side of the web server flow.
var (
	// An unknown (never issued, or mistyped) code. UNCONFIRMED: the wording
	// as a salesforce.stackexchange.com question title quotes it ("Getting
	// {"error":"invalid_grant","error_description":"invalid_grant: invalid
	// authorization code"} in Salesforce?", mirrored by taourl.com and
	// procomputingproducts.co.uk), without the client library's prefix.
	errInvalidCode = oauthError{"invalid_grant", "invalid authorization code"}
	// A code used before: omniphx/forrest#169, a live org's reply
	// `{"error":"invalid_grant","error_description":"expired authorization code"}`
	// to a code "I already used". A code past its 15 minutes gets the same
	// answer (the wording says so; not separately recorded).
	errExpiredCode = oauthError{"invalid_grant", "expired authorization code"}
	// A code_verifier whose SHA-256 is not the code_challenge: a live org's
	// reply as the Mobile SDK logged it, "invalid_grant:invalid code
	// verifier" (forcedotcom/SalesforceMobileSDK-Android#2642; Salesforce told
	// n8n-io/n8n#32421 the same "Invalid Code Verifier"). The REST API guide
	// (222.0, Japanese edition) says invalid_request for a challenge that does
	// not match; the recorded reply is followed.
	errVerifier = oauthError{"invalid_grant", "invalid code verifier"}
	// A challenge was sent but no verifier: the error code is documented
	// ("If the code_challenge value is provided in the authorization request
	// and a code_verifier value is not provided in the token request, the
	// login fails with the invalid_grant error code", REST API guide 222.0);
	// the description is UNCONFIRMED (the mismatch's is used).
	errNoVerifier = errVerifier
	// A verifier was sent for a code issued without a challenge:
	// forcedotcom/sfdx-core#166 ("rejected because the exchange request
	// contains a code verifier but there is no code challenge", "fails with
	// 'unexpected code verifier'"). The error code is UNCONFIRMED.
	errUnexpectedVerifier = oauthError{"invalid_grant", "unexpected code verifier"}
	// A redirect_uri other than the one the code was issued for: the wording
	// of the authorization page's mismatch, as JSON. UNCONFIRMED at the
	// token endpoint (RFC 6749 §5.2 would say invalid_grant).
	errCodeRedirect = oauthError{"redirect_uri_mismatch", "redirect_uri must match configuration"}
	// A user who may not use an app that admits admin-approved users only:
	// the sf CLI's log of a live org's code exchange, "invalid_app_access::user
	// is not admin approved to access this app" (forcedotcom/cli#3260).
	errAppAccess = oauthError{"invalid_app_access", "user is not admin approved to access this app"}
)

// authorizationCodeGrant: grant_type=authorization_code, code, redirect_uri,
// client_id, code_verifier, client_secret (facts §11 row "authorization_code
// + PKCE"; jsforce src/oauth2.ts requestToken and _postParams send exactly
// these). The secret may be left out when the app does not require it for
// the web server flow (Config.ConsumerSecretOptional). A code is good once,
// for 15 minutes, with the redirect_uri it was issued for; a failed exchange
// (wrong verifier, secret or redirect_uri) leaves it unused (UNCONFIRMED:
// whether Salesforce spends a code on a failed exchange). The reply carries
// refresh_token when the granted scopes include refresh_token, and scope,
// issued_at and signature, as the recorded web server flow responses do
// ("scope":"id api refresh_token", "refresh_token":"5Aep861…", found by code
// search).
func (s *Server) authorizationCodeGrant(r *http.Request) (tokenResponse, *oauthError) {
	f := r.PostForm
	clientID := f.Get("client_id")
	if e := s.checkClient(clientID, f.Get("client_secret"), !s.cfg.ConsumerSecretOptional); e != nil {
		return tokenResponse{}, e
	}
	code, verifier := f.Get("code"), f.Get("code_verifier")
	now := s.cfg.Now()
	s.mu.Lock()
	c, ok := s.codes[code]
	var e *oauthError
	switch {
	case !ok:
		e = &errInvalidCode
	case c.used || !now.Before(c.expires):
		e = &errExpiredCode
	case c.clientID != clientID:
		// Only reachable in any-client mode: a code is the client's it was
		// issued to. UNCONFIRMED wording.
		e = &errInvalidCode
	case f.Get("redirect_uri") != c.redirectURI:
		e = &errCodeRedirect
	case c.challenge != "" && verifier == "":
		e = &errNoVerifier
	case c.challenge != "" && !constantTimeEqual(s256(verifier), c.challenge):
		e = &errVerifier
	case c.challenge == "" && verifier != "":
		e = &errUnexpectedVerifier
	default:
		c.used = true
	}
	s.mu.Unlock()
	if e != nil {
		return tokenResponse{}, e
	}
	u := c.user
	if !s.dir.IsActive(u.ID) {
		// Deactivated since the login (restforce/restforce#303's wording for
		// a refresh; UNCONFIRMED for a code).
		s.logLogin(r, u.ID, StatusInactive)
		return tokenResponse{}, &errInactive
	}
	if ap, ok := s.dir.(Approvals); ok && !ap.Approved(u.ID) {
		s.logLogin(r, u.ID, StatusNotApproved)
		return tokenResponse{}, &errAppAccess
	}
	g := grant{user: u, scope: strings.Join(c.scopes, " "), signature: true}
	if hasRefreshScope(c.scopes) {
		rt, err := newRefreshToken()
		if err != nil {
			return tokenResponse{}, &oauthError{"server_error", "could not issue a token"}
		}
		g.refreshToken, g.family = rt, RefreshKey(rt)
	}
	resp, oerr := s.loggedGrant(r, g)
	if oerr != nil || g.refreshToken == "" {
		return resp, oerr
	}
	t := RefreshToken{
		UserID: u.ID, OrgID: s.orgID(u), Username: u.Username,
		ClientID: clientID, Scope: g.scope, IssuedAt: now.UTC(),
	}
	s.mu.Lock()
	s.refresh[g.family] = t
	s.mu.Unlock()
	s.saveRefresh()
	if a := s.audit(); a != nil {
		// The org lists the token as an OauthToken ("Each time that a user
		// grants access to an application, the application obtains a new
		// access token", OauthToken object reference).
		a.RefreshIssued(g.family, t)
	}
	return resp, nil
}

// s256 is the PKCE S256 transform: base64url, without padding, of the
// SHA-256 of the verifier (RFC 7636 §4.2; "Specifies the SHA256 hash value of
// the code_verifier value … The hash value must be base64url encoded", REST
// API guide 222.0; jsforce getAuthorizationUrl strips the padding).
// Salesforce documents SHA-256 only (Salesforce Help "Proof Key for Code
// Exchange (PKCE) Extension": it "can run the SHA-256 algorithm on the
// code_verifier value to compare it to code_challenge"), so
// code_challenge_method is not read and a "plain" challenge fails as a wrong
// verifier (UNCONFIRMED: whether Salesforce refuses plain at the
// authorization endpoint instead). No length limit is put on the verifier:
// jsforce's is base64url of 128 random bytes, 171 characters, over RFC
// 7636's 128, and the sf CLI's web login works with it.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
