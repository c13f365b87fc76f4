package oauth

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The authorization endpoint of the OAuth 2.0 web server flow
// (authorization code grant, with PKCE), as Salesforce documents it: GET
// /services/oauth2/authorize?response_type=code&client_id=…&redirect_uri=…
// [&state=…][&scope=…][&code_challenge=…] (REST API Developer Guide
// "Understanding the Web Server OAuth Authentication Flow", 222.0; Salesforce
// Help "OAuth 2.0 Web Server Flow for Web App Integration"); facts §11 row
// "authorization_code + PKCE" for what jsforce sends.
//
// A browser at a real org either has a session or logs in first, then
// approves the app. The emulator has no browser session, so its answer is a
// plain HTML login form carrying the request's parameters in hidden fields,
// posted back to the same URL. The app counts as approved (no consent page),
// as for a connected app whose users are admin-approved and pre-authorised,
// or one the user approved before: Salesforce skips the approval page then
// (Mobile SDK guide "OAuth 2.0 Web Server Flow": the approval screen "is
// shown only the first time a user authorizes the connected app"). Whether
// the user may use the app at all is checked at the code exchange, where
// Salesforce checks it (see authorizationCodeGrant).

// codeLifetime is how long an authorization code can be exchanged: "the
// authorization code expires after 15 minutes" (Salesforce Help "OAuth 2.0
// Web Server Flow for Web App Integration", as quoted in
// community.easymorph.com "Authorization tokens in Salesforce").
const codeLifetime = 15 * time.Minute

// usedCodeMemory is how long a code is remembered after it expires or is
// used, so that a second exchange hears "expired authorization code" rather
// than "invalid authorization code".
const usedCodeMemory = 24 * time.Hour

// authCode is an authorization code and what it was issued for.
type authCode struct {
	clientID, redirectURI string
	// challenge is the PKCE code_challenge ("" = none was sent).
	challenge string
	user      User
	scopes    []string
	expires   time.Time
	used      bool
}

// pageError is an error the authorization endpoint shows to the user instead
// of redirecting: the redirect_uri cannot be trusted (RFC 6749 §4.1.2.1).
// Salesforce shows the error as the page's whole text, form-encoded, with
// HTTP 400:
//   - an unknown client_id: "error=invalid_client_id&error_description=client%20identifier%20invalid"
//     (wadewegner/Force.com-Toolkit-for-NET#244: not redirected, "the
//     window.open() resulted in a 400"; forcedotcom/postman-salesforce-apis#42,
//     syndesisio/syndesis#1277: the page "comes directly from Salesforce",
//     "before the redirect back to our application");
//   - a redirect_uri that is not a callback URL of the app:
//     "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration"
//     (petewarden/salesforce_restphp_example#1,
//     sfdx-mass-action-scheduler#29). The status 400 for this one is
//     UNCONFIRMED (taken from the client_id case).
//
// The Content-Type (text/plain) is UNCONFIRMED: reports only quote the text
// the browser showed.
type pageError struct{ code, description string }

var (
	pageClientID = pageError{"invalid_client_id", "client identifier invalid"}
	pageRedirect = pageError{"redirect_uri_mismatch", "redirect_uri must match configuration"}
)

func writePageError(w http.ResponseWriter, e pageError) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	w.WriteHeader(http.StatusBadRequest)
	// url.PathEscape writes a space as %20, as the recorded pages do
	// (url.QueryEscape would write "+").
	_, _ = w.Write([]byte("error=" + url.PathEscape(e.code) + "&error_description=" + url.PathEscape(e.description)))
}

// ErrorPagePath is Salesforce's own OAuth error page, where an authorization
// request whose client and callback are valid but whose scope is not allowed
// ends: live orgs redirect the browser to
// /setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed
// rather than to the callback (forcedotcom/mcp-hosted#1 and #47,
// jetstreamapp/jetstream#1462, all 2025). Older reports show the same error
// reaching the app (forcedotcom/SalesforceMobileSDK-iOS#211, 2013); the
// emulator follows the recent ones.
const ErrorPagePath = "/setup/secur/RemoteAccessErrorPage.apexp"

// errInvalidScope is the scope error of the recordings above.
var errInvalidScope = oauthError{"invalid_scope", "the requested scope is not allowed"}

// ServeErrorPage serves ErrorPagePath: the generic text the recordings quote,
// then the error. For invalid_scope the page says
// "OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during
// authentication. Please try again." (forcedotcom/mcp-hosted#1,
// jetstreamapp/jetstream#1462 spell "occured"; mcp-hosted#47 "occurred").
// The status (200) is UNCONFIRMED.
func (s *Server) ServeErrorPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	detail := q.Get("error") + " : " + q.Get("error_description")
	if q.Get("error") == errInvalidScope.Error {
		detail = "OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication. Please try again."
	}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_ = errorPage.Execute(w, detail)
}

var errorPage = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Error</title></head>
<body>
<p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p>
<p id="errorDetail">{{.}}</p>
</body></html>
`))

// authorizeParams are the authorization request's parameters that the login
// form carries in hidden fields, in this order.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"}

// loginFailed is what Salesforce's login page says for a wrong username or
// password, in <div id="error" class="loginError">: public Selenium tests of
// login.salesforce.com assert it exactly ("Please check your username and
// password. If you still can't log in, contact your Salesforce
// administrator.", found by code search). That it says the same for an
// inactive user is UNCONFIRMED.
const loginFailed = "Please check your username and password. If you still can't log in, contact your Salesforce administrator."

// loginPage is the form. Its field names are the real login page's, as the
// same Selenium tests use them: input#username name=username, input#password
// name=pw, input#Login (the submit button), div#error.loginError. The form
// posts back to the authorization endpoint, where the real page posts to the
// login servlet; the title is UNCONFIRMED.
var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Login | Salesforce</title></head>
<body>
<form id="login_form" name="login" method="post" action="{{.Action}}">
{{- if .Error}}
<div id="error" class="loginError">{{.Error}}</div>
{{- end}}
<label for="username">Username</label>
<input type="email" id="username" name="username" value="{{.Username}}">
<label for="password">Password</label>
<input type="password" id="password" name="pw" value="">
{{- range .Hidden}}
<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{- end}}
<input type="submit" id="Login" name="Login" value="Log In">
</form>
</body></html>
`))

type hiddenField struct{ Name, Value string }

type loginData struct {
	Action, Error, Username string
	Hidden                  []hiddenField
}

// ServeAuthorize serves /services/oauth2/authorize: GET shows the login form
// for a valid request, POST (the form) logs the user in and redirects to the
// callback with a code.
func (s *Server) ServeAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		// UNCONFIRMED: what Salesforce answers other methods with.
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "invalid request", http.StatusBadRequest)
		return
	}
	// A GET carries the parameters in the query; the form's POST carries them
	// in its body (r.Form holds both).
	p := r.Form
	if pe := s.checkAuthorizeClient(p.Get("client_id"), p.Get("redirect_uri")); pe != nil {
		writePageError(w, *pe)
		return
	}
	redirect, state := p.Get("redirect_uri"), p.Get("state")
	if p.Get("response_type") != "code" {
		// With a trusted callback, errors go to it with error,
		// error_description and state (RFC 6749 §4.1.2.1; Salesforce Help
		// "OAuth 2.0 Authorization Errors": "the authorizing server sends an
		// error to the callback URL with an error code"). The emulator serves
		// the web server flow only, so other response types (Salesforce's
		// user-agent flow, response_type=token, among them) are refused; the
		// wording is UNCONFIRMED.
		redirectWith(w, r, redirect, url.Values{"error": {"unsupported_response_type"}, "error_description": {"response type not supported"}}, state)
		return
	}
	scopes, ok := s.grantedScopes(p.Get("scope"))
	if !ok {
		u := ErrorPagePath + "?" + url.Values{"error": {errInvalidScope.Error}, "error_description": {errInvalidScope.Description}}.Encode()
		http.Redirect(w, r, u, http.StatusFound)
		return
	}
	data := loginData{Action: r.URL.Path, Username: p.Get("login_hint")}
	for _, name := range authorizeParams {
		if p.Has(name) {
			data.Hidden = append(data.Hidden, hiddenField{name, p.Get(name)})
		}
	}
	if r.Method == http.MethodGet {
		// login_hint pre-fills the username ("Provides a valid username value
		// to pre-populate the login page", web server flow parameters).
		writeLoginPage(w, data)
		return
	}
	username := r.PostForm.Get("username")
	data.Username = username
	u, ok := s.lookup(username)
	// The login page checks the password alone: the security token is for
	// API logins from outside the trusted IP ranges, not for the page.
	pw := r.PostForm.Get("pw")
	if !ok || pw == "" || !s.dir.CheckPassword(u.ID, pw) || !s.dir.IsActive(u.ID) {
		if ok {
			status := StatusInvalidPassword
			if pw != "" && s.dir.CheckPassword(u.ID, pw) {
				status = StatusInactive
			}
			s.logLogin(r, u.ID, status)
		}
		data.Error = loginFailed
		// UNCONFIRMED: the status of the failed login page (200 here).
		writeLoginPage(w, data)
		return
	}
	code, err := newAuthCode()
	if err != nil {
		http.Error(w, "could not issue a code", http.StatusInternalServerError)
		return
	}
	now := s.cfg.Now()
	s.mu.Lock()
	for k, c := range s.codes {
		if now.After(c.expires.Add(usedCodeMemory)) {
			delete(s.codes, k)
		}
	}
	s.codes[code] = &authCode{
		clientID:    p.Get("client_id"),
		redirectURI: redirect,
		challenge:   p.Get("code_challenge"),
		user:        u,
		scopes:      scopes,
		expires:     now.Add(codeLifetime),
	}
	s.mu.Unlock()
	// The callback gets code and state as query parameters (recorded:
	// "/OauthRedirect?code=aPrxGfV7…%3D%3D&state=5e464f1da81b",
	// SalesforceCommerceCloud/b2c-crm-sync#16).
	redirectWith(w, r, redirect, url.Values{"code": {code}}, state)
}

// checkAuthorizeClient checks the client and its callback, which must hold
// before anything can be sent to the callback.
func (s *Server) checkAuthorizeClient(clientID, redirect string) *pageError {
	if clientID == "" || (s.cfg.ClientID != "" && !constantTimeEqual(clientID, s.cfg.ClientID)) {
		return &pageClientID
	}
	if redirect == "" {
		return &pageRedirect
	}
	if len(s.cfg.CallbackURLs) == 0 {
		if s.cfg.ClientID != "" {
			return &pageRedirect
		}
		// Any-client mode (Config.CallbackURLs doc).
		if u, err := url.Parse(redirect); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &pageRedirect
		}
		return nil
	}
	// The whole URL must be one of the callback URLs: Salesforce compares
	// string for string (a trailing slash or http for https is a mismatch;
	// the cirrus-auth crate's docs for its WebServerFlowBuilder::redirect_uri:
	// "Must match exactly (Salesforce compares string-for-string)").
	for _, cb := range s.cfg.CallbackURLs {
		if redirect == cb {
			return nil
		}
	}
	return &pageRedirect
}

// grantedScopes are the scopes an authorization request gets. Without a
// scope parameter, all of the app's selected scopes ("When scopes are not
// specified, users are granted all configured scopes from the external client
// app or connected app", Mobile SDK guide "Scope Parameter Values"); with one,
// each requested scope must be among them ("Client scope requests must be a
// subset of the connected app's scope permissions", same page), else
// ok=false. refresh_token and offline_access name one scope ("Perform
// requests at any time (refresh_token, offline_access)"). An app with "full"
// allows every other scope ("encompasses all other scopes") but not a refresh
// token, which must be selected itself (Salesforce Help "OAuth Tokens and
// Scopes": full "doesn't return a refresh token"; UNCONFIRMED here beyond
// that page's summary).
func (s *Server) grantedScopes(requested string) (scopes []string, ok bool) {
	if strings.TrimSpace(requested) == "" {
		return append([]string(nil), s.cfg.Scopes...), true
	}
	has := func(name string) bool {
		for _, a := range s.cfg.Scopes {
			if a == name || (isRefreshScope(a) && isRefreshScope(name)) {
				return true
			}
		}
		return false
	}
	for _, want := range strings.Fields(requested) {
		if !has(want) && (isRefreshScope(want) || !has("full")) {
			return nil, false
		}
		dup := false
		for _, g := range scopes {
			dup = dup || g == want
		}
		if !dup {
			scopes = append(scopes, want)
		}
	}
	return scopes, true
}

func isRefreshScope(s string) bool { return s == "refresh_token" || s == "offline_access" }

func hasRefreshScope(scopes []string) bool {
	for _, s := range scopes {
		if isRefreshScope(s) {
			return true
		}
	}
	return false
}

// redirectWith answers 302 to the callback with params (and state when the
// request had one) added to its query.
func redirectWith(w http.ResponseWriter, r *http.Request, callback string, params url.Values, state string) {
	if state != "" {
		params.Set("state", state)
	}
	sep := "?"
	if strings.Contains(callback, "?") {
		sep = "&"
	}
	w.Header().Set("Location", callback+sep+params.Encode())
	w.WriteHeader(http.StatusFound)
}

func writeLoginPage(w http.ResponseWriter, d loginData) {
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	w.WriteHeader(http.StatusOK)
	_ = loginPage.Execute(w, d)
}

// newAuthCode returns a code shaped like Salesforce's: "aPrx", opaque
// characters, "==" (recorded callbacks: code=aPrxGfV7WpWWFnEHqst_…%3D%3D,
// SalesforceCommerceCloud/b2c-crm-sync#16; code=aPrxtfAlIdiLb5t.4xrQh8S…==,
// realdoug/omniauth-salesforce#27).
func newAuthCode() (string, error) {
	r, err := randomString(80)
	if err != nil {
		return "", err
	}
	return "aPrx" + r + "==", nil
}
