package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	callback = "http://localhost:1717/OauthRedirect"
	// verifier is shaped like jsforce's: base64url of 128 random bytes, 171
	// characters, longer than RFC 7636 allows (jsforce src/oauth2.ts).
	verifierLen = 171
)

func newVerifier(t *testing.T) string {
	t.Helper()
	b := make([]byte, 128)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	v := base64.RawURLEncoding.EncodeToString(b)
	if len(v) != verifierLen {
		t.Fatalf("verifier length %d", len(v))
	}
	return v
}

// webServer is a Server for the web server flow over fakeDir, with a clock
// the test moves.
func webServer(t *testing.T, mod func(*Config)) (*Server, *time.Time) {
	t.Helper()
	clock := now
	cfg := Config{
		ClientID:     clientID,
		ClientSecret: secret,
		CallbackURLs: []string{"https://app.example.com/cb", callback},
		Scopes:       []string{"api", "refresh_token"},
		OrgID:        orgID,
		StaticUser:   func() User { return users["admin@emulator.sfprov.local"] },
		Now:          func() time.Time { return clock },
	}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg, fakeDir{}), &clock
}

func authorizeQuery(mod func(url.Values)) url.Values {
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {clientID},
		"redirect_uri":  {callback},
		"state":         {"st4te"},
	}
	if mod != nil {
		mod(q)
	}
	return q
}

func getAuthorize(s *Server, method string, q url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://127.0.0.1:8788/services/oauth2/authorize?"+q.Encode(), nil)
	w := httptest.NewRecorder()
	s.ServeAuthorize(w, r)
	return w
}

func postLogin(s *Server, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8788/services/oauth2/authorize", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.ServeAuthorize(w, r)
	return w
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// loginForm returns the hidden fields of a login page, decoded.
func loginForm(t *testing.T, body string) url.Values {
	t.Helper()
	f := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		f.Add(m[1], htmlUnescape(m[2]))
	}
	return f
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}

// login runs the authorization request q through the form as user/pw and
// returns the code from the callback.
func login(t *testing.T, s *Server, q url.Values, user, pw string) string {
	t.Helper()
	w := getAuthorize(s, http.MethodGet, q)
	if w.Code != 200 {
		t.Fatalf("authorize: %d %s", w.Code, w.Body)
	}
	f := loginForm(t, w.Body.String())
	f.Set("username", user)
	f.Set("pw", pw)
	w = postLogin(s, f)
	if w.Code != http.StatusFound {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query().Get("code")
}

func TestAuthorizeErrors(t *testing.T) {
	const clientPage = "error=invalid_client_id&error_description=client%20identifier%20invalid"
	const redirectPage = "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration"
	tests := []struct {
		name   string
		cfg    func(*Config)
		method string
		q      func(url.Values)
		status int
		body   string // exact, for 400
		loc    string // exact, for 302
	}{
		{name: "no client_id", q: func(q url.Values) { q.Del("client_id") }, status: 400, body: clientPage},
		{name: "wrong client_id", q: func(q url.Values) { q.Set("client_id", "3MVG9other") }, status: 400, body: clientPage},
		{name: "wrong client_id and wrong redirect: the client comes first", q: func(q url.Values) {
			q.Set("client_id", "x")
			q.Set("redirect_uri", "https://evil.example.com/")
		}, status: 400, body: clientPage},
		{name: "no redirect_uri", q: func(q url.Values) { q.Del("redirect_uri") }, status: 400, body: redirectPage},
		{name: "redirect_uri not a callback", q: func(q url.Values) { q.Set("redirect_uri", "https://evil.example.com/cb") }, status: 400, body: redirectPage},
		{name: "redirect_uri with a trailing slash", q: func(q url.Values) { q.Set("redirect_uri", callback+"/") }, status: 400, body: redirectPage},
		{name: "redirect_uri https for http", q: func(q url.Values) { q.Set("redirect_uri", "https://localhost:1717/OauthRedirect") }, status: 400, body: redirectPage},
		{name: "app without callback URLs", cfg: func(c *Config) { c.CallbackURLs = nil }, status: 400, body: redirectPage},
		{name: "any-client mode takes any http callback", cfg: func(c *Config) { c.ClientID, c.CallbackURLs = "", nil },
			q: func(q url.Values) { q.Set("client_id", "anything"); q.Set("redirect_uri", "http://127.0.0.1:9999/x") }, status: 200},
		{name: "any-client mode refuses a non-http callback", cfg: func(c *Config) { c.ClientID, c.CallbackURLs = "", nil },
			q: func(q url.Values) { q.Set("client_id", "anything"); q.Set("redirect_uri", "myapp:/cb") }, status: 400, body: redirectPage},
		{name: "any-client mode still needs a client_id", cfg: func(c *Config) { c.ClientID, c.CallbackURLs = "", nil },
			q: func(q url.Values) { q.Del("client_id") }, status: 400, body: clientPage},
		{name: "response_type token goes to the callback", q: func(q url.Values) { q.Set("response_type", "token") }, status: 302,
			loc: callback + "?error=unsupported_response_type&error_description=response+type+not+supported&state=st4te"},
		{name: "no response_type, no state", q: func(q url.Values) { q.Del("response_type"); q.Del("state") }, status: 302,
			loc: callback + "?error=unsupported_response_type&error_description=response+type+not+supported"},
		{name: "callback with a query", cfg: func(c *Config) { c.CallbackURLs = []string{"https://app.example.com/cb?tenant=7"} },
			q: func(q url.Values) {
				q.Set("redirect_uri", "https://app.example.com/cb?tenant=7")
				q.Set("response_type", "token")
			}, status: 302,
			loc: "https://app.example.com/cb?tenant=7&error=unsupported_response_type&error_description=response+type+not+supported&state=st4te"},
		{name: "scope the app lacks", cfg: func(c *Config) { c.Scopes = []string{"api"} }, q: func(q url.Values) { q.Set("scope", "api refresh_token") }, status: 302,
			loc: "/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed"},
		{name: "scope subset", q: func(q url.Values) { q.Set("scope", "refresh_token") }, status: 200},
		{name: "offline_access is refresh_token", q: func(q url.Values) { q.Set("scope", "offline_access api") }, status: 200},
		{name: "full allows web", cfg: func(c *Config) { c.Scopes = []string{"full"} }, q: func(q url.Values) { q.Set("scope", "web api") }, status: 200},
		{name: "full does not allow refresh_token", cfg: func(c *Config) { c.Scopes = []string{"full"} }, q: func(q url.Values) { q.Set("scope", "full refresh_token") }, status: 302,
			loc: "/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed"},
		{name: "PUT", method: http.MethodPut, status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := webServer(t, tc.cfg)
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			w := getAuthorize(s, method, authorizeQuery(tc.q))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; %s", w.Code, tc.status, w.Body)
			}
			switch tc.status {
			case 400:
				if got := w.Body.String(); got != tc.body {
					t.Errorf("body %q\nwant %q", got, tc.body)
				}
				if ct := w.Header().Get("Content-Type"); ct != "text/plain;charset=UTF-8" {
					t.Errorf("Content-Type %q", ct)
				}
				if w.Header().Get("Location") != "" {
					t.Errorf("redirected to %s", w.Header().Get("Location"))
				}
			case 302:
				if got := w.Header().Get("Location"); got != tc.loc {
					t.Errorf("Location %s\nwant     %s", got, tc.loc)
				}
			case 200:
				if !strings.Contains(w.Body.String(), `<form id="login_form"`) {
					t.Errorf("no login form: %s", w.Body)
				}
			}
		})
	}
}

func TestLoginFormCarriesTheRequest(t *testing.T) {
	s, _ := webServer(t, nil)
	q := authorizeQuery(func(q url.Values) {
		q.Set("state", `a"b<c>&d`)
		q.Set("scope", "api refresh_token")
		q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
		q.Set("code_challenge_method", "S256")
		q.Set("login_hint", "ci@example.com")
		q.Set("display", "page") // not carried: the form needs none of it
	})
	w := getAuthorize(s, http.MethodGet, q)
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/html;charset=UTF-8" {
		t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	got := loginForm(t, body)
	want := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {callback}, "state": {`a"b<c>&d`},
		"scope": {"api refresh_token"}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}
	if got.Encode() != want.Encode() {
		t.Errorf("hidden fields %v\nwant %v", got, want)
	}
	for _, frag := range []string{
		`<form id="login_form" name="login" method="post" action="/services/oauth2/authorize">`,
		`<input type="email" id="username" name="username" value="ci@example.com">`,
		`<input type="password" id="password" name="pw" value="">`,
		`<input type="submit" id="Login" name="Login" value="Log In">`,
	} {
		if !strings.Contains(body, frag) {
			t.Errorf("page lacks %s\n%s", frag, body)
		}
	}
	if strings.Contains(body, `id="error"`) {
		t.Error("a fresh form shows an error")
	}
}

func TestLogin(t *testing.T) {
	const errDiv = `<div id="error" class="loginError">Please check your username and password. If you still can&#39;t log in, contact your Salesforce administrator.</div>`
	tests := []struct {
		name, user, pw string
		ok             bool
	}{
		{name: "right", user: "ci@example.com", pw: "hunter2", ok: true},
		{name: "wrong password", user: "ci@example.com", pw: "nope"},
		{name: "password with the security token", user: "ci@example.com", pw: "hunter2TOKEN24CHARSXXXXXXXXXXXX"},
		{name: "no password", user: "ci@example.com"},
		{name: "unknown user", user: "who@example.com", pw: "hunter2"},
		{name: "inactive user", user: "gone@example.com", pw: "hunter2"},
		{name: "no username"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := webServer(t, nil)
			form := loginForm(t, getAuthorize(s, http.MethodGet, authorizeQuery(nil)).Body.String())
			form.Set("username", tc.user)
			form.Set("pw", tc.pw)
			w := postLogin(s, form)
			if !tc.ok {
				body := w.Body.String()
				if w.Code != 200 || !strings.Contains(body, errDiv) {
					t.Fatalf("%d %s", w.Code, body)
				}
				// The form comes back with the username and the request.
				if !strings.Contains(body, `name="username" value="`+tc.user+`"`) || loginForm(t, body).Encode() != authorizeQuery(nil).Encode() {
					t.Errorf("form not carried over: %s", body)
				}
				return
			}
			if w.Code != http.StatusFound {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			loc := w.Header().Get("Location")
			m := regexp.MustCompile(`^http://localhost:1717/OauthRedirect\?code=aPrx[A-Za-z0-9._]{80}%3D%3D&state=st4te$`).FindString(loc)
			if m == "" {
				t.Errorf("Location %s", loc)
			}
		})
	}
}

// The login POST checks the client and callback again: the hidden fields are
// the client's to change.
func TestLoginRechecksTheRequest(t *testing.T) {
	s, _ := webServer(t, nil)
	form := loginForm(t, getAuthorize(s, http.MethodGet, authorizeQuery(nil)).Body.String())
	form.Set("username", "ci@example.com")
	form.Set("pw", "hunter2")
	form.Set("redirect_uri", "https://evil.example.com/")
	w := postLogin(s, form)
	if w.Code != 400 || w.Body.String() != "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration" {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestErrorPage(t *testing.T) {
	s, _ := webServer(t, nil)
	r := httptest.NewRequest(http.MethodGet, "/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed", nil)
	w := httptest.NewRecorder()
	s.ServeErrorPage(w, r)
	body := w.Body.String()
	if w.Code != 200 ||
		!strings.Contains(body, "We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.") ||
		!strings.Contains(body, `<p id="errorDetail">OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication. Please try again.</p>`) {
		t.Errorf("%d %s", w.Code, body)
	}
}

func TestGrantedScopes(t *testing.T) {
	tests := []struct {
		app       []string
		requested string
		want      string
		ok        bool
	}{
		{[]string{"api", "refresh_token"}, "", "api refresh_token", true},
		{[]string{"api", "refresh_token"}, "refresh_token api api", "refresh_token api", true},
		{[]string{"api", "offline_access"}, "refresh_token", "refresh_token", true},
		{[]string{"api"}, "web", "", false},
		{[]string{"full"}, "web id api", "web id api", true},
		{[]string{"full"}, "offline_access", "", false},
		{[]string{"full", "refresh_token"}, "full refresh_token", "full refresh_token", true},
	}
	for _, tc := range tests {
		s, _ := webServer(t, func(c *Config) { c.Scopes = tc.app })
		got, ok := s.grantedScopes(tc.requested)
		if ok != tc.ok || strings.Join(got, " ") != tc.want {
			t.Errorf("app %v, scope %q: %v %v, want %q %v", tc.app, tc.requested, got, ok, tc.want, tc.ok)
		}
	}
}

func TestAuthorizationCodeGrant(t *testing.T) {
	type step struct {
		after time.Duration    // clock moved before the exchange
		form  func(url.Values) // changes to the token form
		deact bool             // deactivate the user before the exchange
		want  string           // exact body for 400; for 200 the sorted keys
		check func(*testing.T, map[string]any)
	}
	const keysRT = "access_token,id,instance_url,issued_at,refresh_token,scope,signature,token_type"
	const keys = "access_token,id,instance_url,issued_at,scope,signature,token_type"
	tests := []struct {
		name   string
		cfg    func(*Config)
		dir    Directory
		auth   func(q url.Values, verifier string) // changes to the authorize request
		noPKCE bool
		steps  []step
	}{
		{name: "PKCE and secret", steps: []step{{want: keysRT, check: func(t *testing.T, m map[string]any) {
			if m["scope"] != "api refresh_token" || !strings.HasPrefix(m["refresh_token"].(string), "5Aep861") {
				t.Errorf("scope %v refresh_token %v", m["scope"], m["refresh_token"])
			}
		}}}},
		{name: "scope asked without refresh_token", auth: func(q url.Values, _ string) { q.Set("scope", "api") },
			steps: []step{{want: keys, check: func(t *testing.T, m map[string]any) {
				if m["scope"] != "api" {
					t.Errorf("scope %v", m["scope"])
				}
			}}}},
		{name: "app without refresh_token", cfg: func(c *Config) { c.Scopes = []string{"api", "web"} },
			steps: []step{{want: keys, check: func(t *testing.T, m map[string]any) {
				if m["scope"] != "api web" {
					t.Errorf("scope %v", m["scope"])
				}
			}}}},
		{name: "offline_access asked", auth: func(q url.Values, _ string) { q.Set("scope", "offline_access") },
			steps: []step{{want: keysRT}}},
		{name: "no PKCE", noPKCE: true, steps: []step{{want: keysRT}}},
		{name: "used twice", steps: []step{{want: keysRT},
			{want: `{"error":"invalid_grant","error_description":"expired authorization code"}`}}},
		{name: "just before 15 minutes", steps: []step{{after: codeLifetime - time.Second, want: keysRT}}},
		{name: "after 15 minutes", steps: []step{{after: codeLifetime,
			want: `{"error":"invalid_grant","error_description":"expired authorization code"}`}}},
		{name: "unknown code", steps: []step{{form: func(f url.Values) { f.Set("code", "aPrxNOTACODE==") },
			want: `{"error":"invalid_grant","error_description":"invalid authorization code"}`}}},
		{name: "no code", steps: []step{{form: func(f url.Values) { f.Del("code") },
			want: `{"error":"invalid_grant","error_description":"invalid authorization code"}`}}},
		{name: "other redirect_uri", steps: []step{{form: func(f url.Values) { f.Set("redirect_uri", "https://app.example.com/cb") },
			want: `{"error":"redirect_uri_mismatch","error_description":"redirect_uri must match configuration"}`}}},
		{name: "no redirect_uri", steps: []step{{form: func(f url.Values) { f.Del("redirect_uri") },
			want: `{"error":"redirect_uri_mismatch","error_description":"redirect_uri must match configuration"}`}}},
		{name: "wrong verifier, then the right one", steps: []step{
			{form: func(f url.Values) { f.Set("code_verifier", strings.Repeat("x", 64)) },
				want: `{"error":"invalid_grant","error_description":"invalid code verifier"}`},
			{want: keysRT}}},
		{name: "no verifier", steps: []step{{form: func(f url.Values) { f.Del("code_verifier") },
			want: `{"error":"invalid_grant","error_description":"invalid code verifier"}`}}},
		{name: "verifier without challenge", noPKCE: true, steps: []step{{form: func(f url.Values) { f.Set("code_verifier", "abc") },
			want: `{"error":"invalid_grant","error_description":"unexpected code verifier"}`}}},
		{name: "plain challenge is not honoured", auth: func(q url.Values, v string) {
			q.Set("code_challenge", v)
			q.Set("code_challenge_method", "plain")
		}, steps: []step{{want: `{"error":"invalid_grant","error_description":"invalid code verifier"}`}}},
		{name: "no secret, secret required", steps: []step{{form: func(f url.Values) { f.Del("client_secret") },
			want: `{"error":"invalid_client","error_description":"invalid client credentials"}`}}},
		{name: "no secret, secret optional (public client)", cfg: func(c *Config) { c.ConsumerSecretOptional = true },
			steps: []step{{form: func(f url.Values) { f.Del("client_secret") }, want: keysRT}}},
		{name: "wrong secret, secret optional", cfg: func(c *Config) { c.ConsumerSecretOptional = true },
			steps: []step{{form: func(f url.Values) { f.Set("client_secret", "x") },
				want: `{"error":"invalid_client","error_description":"invalid client credentials"}`}}},
		{name: "wrong secret, then the right one", steps: []step{
			{form: func(f url.Values) { f.Set("client_secret", "x") },
				want: `{"error":"invalid_client","error_description":"invalid client credentials"}`},
			{want: keysRT}}},
		{name: "wrong client id", steps: []step{{form: func(f url.Values) { f.Set("client_id", "x") },
			want: `{"error":"invalid_client_id","error_description":"client identifier invalid"}`}}},
		{name: "any-client mode binds the code to its client", cfg: func(c *Config) { c.ClientID, c.ClientSecret, c.CallbackURLs = "", "", nil },
			steps: []step{{form: func(f url.Values) { f.Set("client_id", "other") },
				want: `{"error":"invalid_grant","error_description":"invalid authorization code"}`}, {want: keysRT}}},
		{name: "deactivated after the login", dir: &toggleDir{active: true}, steps: []step{{deact: true,
			want: `{"error":"invalid_grant","error_description":"inactive user"}`}}},
		{name: "not admin-approved", dir: fakeDir{approved: map[string]bool{adminID: true}}, steps: []step{{
			want: `{"error":"invalid_app_access","error_description":"user is not admin approved to access this app"}`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, clock := webServer(t, tc.cfg)
			if tc.dir != nil {
				s.dir = tc.dir
			}
			verifier := newVerifier(t)
			q := authorizeQuery(func(q url.Values) {
				if !tc.noPKCE {
					q.Set("code_challenge", s256(verifier))
				}
				if tc.auth != nil {
					tc.auth(q, verifier)
				}
			})
			code := login(t, s, q, "ci@example.com", "hunter2")
			for i, st := range tc.steps {
				*clock = clock.Add(st.after)
				if st.deact {
					tc.dir.(*toggleDir).active = false
				}
				form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback},
					"client_id": {q.Get("client_id")}, "client_secret": {secret}}
				if !tc.noPKCE {
					form.Set("code_verifier", verifier)
				}
				if st.form != nil {
					st.form(form)
				}
				w := post(t, s, form)
				if strings.HasPrefix(st.want, "{") {
					if got := strings.TrimSpace(w.Body.String()); w.Code != 400 || got != st.want {
						t.Fatalf("step %d: %d %s\nwant 400 %s", i, w.Code, got, st.want)
					}
					continue
				}
				if w.Code != 200 {
					t.Fatalf("step %d: %d %s", i, w.Code, w.Body)
				}
				m, ks := keysOf(t, w.Body.Bytes())
				if ks != st.want {
					t.Errorf("step %d: keys %s, want %s", i, ks, st.want)
				}
				if m["id"] != "http://127.0.0.1:8788/id/"+orgID+"/"+ciID || m["token_type"] != "Bearer" || m["issued_at"] != "1795435200000" && st.after == 0 {
					t.Errorf("step %d: %v", i, m)
				}
				if u, err := s.Authenticate(m["access_token"].(string)); err != nil || u.ID != ciID {
					t.Errorf("step %d: Authenticate %+v %v", i, u, err)
				}
				if st.check != nil {
					st.check(t, m)
				}
			}
		})
	}
}

// issueRefresh runs the web flow for ci@example.com and returns the reply.
func issueRefresh(t *testing.T, s *Server) map[string]any {
	t.Helper()
	v := newVerifier(t)
	code := login(t, s, authorizeQuery(func(q url.Values) { q.Set("code_challenge", s256(v)) }), "ci@example.com", "hunter2")
	w := post(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback},
		"client_id": {clientID}, "client_secret": {secret}, "code_verifier": {v}})
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	m, _ := keysOf(t, w.Body.Bytes())
	return m
}

func TestIssuedRefreshTokens(t *testing.T) {
	var saved []map[string]RefreshToken
	s, _ := webServer(t, func(c *Config) {
		c.SaveRefreshTokens = func(m map[string]RefreshToken) { saved = append(saved, m) }
	})
	first := issueRefresh(t, s)
	other := issueRefresh(t, s)
	rt := first["refresh_token"].(string)
	if len(saved) != 2 || len(saved[1]) != 2 {
		t.Fatalf("saved %v", saved)
	}
	rec, ok := saved[1][RefreshKey(rt)]
	if !ok || rec.UserID != ciID || rec.Username != "ci@example.com" || rec.OrgID != orgID || rec.ClientID != clientID ||
		rec.Scope != "api refresh_token" || !rec.IssuedAt.Equal(now) {
		t.Errorf("record %+v", rec)
	}
	for k := range saved[1] {
		if strings.Contains(k, "5Aep861") {
			t.Errorf("the token itself is saved: %s", k)
		}
	}

	refresh := func(s *Server, rt string) *httptest.ResponseRecorder {
		// jsforce with a code verifier sends it on refreshes too.
		return post(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {clientID}, "code_verifier": {"x"}})
	}
	w := refresh(s, rt)
	m, ks := keysOf(t, w.Body.Bytes())
	if w.Code != 200 || ks != "access_token,id,instance_url,issued_at,scope,signature,token_type" || m["scope"] != "api refresh_token" {
		t.Fatalf("refresh: %d %s", w.Code, w.Body)
	}
	refreshed := m["access_token"].(string)
	if u, err := s.Authenticate(refreshed); err != nil || u.ID != ciID {
		t.Fatalf("refreshed token: %+v %v", u, err)
	}

	// A restarted server with the saved tokens still takes the refresh token.
	s2, _ := webServer(t, func(c *Config) { c.RefreshTokens = saved[len(saved)-1] })
	if w := refresh(s2, rt); w.Code != 200 {
		t.Fatalf("after restart: %d %s", w.Code, w.Body)
	}

	// Revoking an access token leaves its refresh token alone.
	revoke := func(tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/services/oauth2/revoke", strings.NewReader(url.Values{"token": {tok}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeRevoke(w, r)
		return w
	}
	if w := revoke(refreshed); w.Code != 200 {
		t.Fatal(w.Code)
	}
	w = refresh(s, rt)
	m, _ = keysOf(t, w.Body.Bytes())
	if w.Code != 200 {
		t.Fatalf("refresh after revoking an access token: %d %s", w.Code, w.Body)
	}
	refreshed = m["access_token"].(string)

	// Revoking the refresh token ends it and every access token of its family.
	if w := revoke(rt); w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	if w := refresh(s, rt); w.Code != 400 || strings.TrimSpace(w.Body.String()) != `{"error":"invalid_grant","error_description":"expired access/refresh token"}` {
		t.Errorf("refresh after revoke: %d %s", w.Code, w.Body)
	}
	for _, tok := range []string{first["access_token"].(string), refreshed} {
		if _, err := s.Authenticate(tok); !errors.Is(err, ErrInvalid) {
			t.Errorf("access token of the revoked family: %v", err)
		}
	}
	if _, err := s.Authenticate(other["access_token"].(string)); err != nil {
		t.Errorf("another family's access token: %v", err)
	}
	if last := saved[len(saved)-1]; len(last) != 1 {
		t.Errorf("after revoke saved %v", last)
	}
	if w := revoke(rt); w.Code != 400 {
		t.Errorf("second revoke: %d", w.Code)
	}
	if w := refresh(s, other["refresh_token"].(string)); w.Code != 200 {
		t.Errorf("other refresh token: %d %s", w.Code, w.Body)
	}
}

func TestIssuedRefreshTokenOfADeactivatedUser(t *testing.T) {
	d := &toggleDir{active: true}
	s, _ := webServer(t, nil)
	s.dir = d
	rt := issueRefresh(t, s)["refresh_token"].(string)
	d.active = false
	w := post(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {clientID}})
	if got := strings.TrimSpace(w.Body.String()); w.Code != 400 || got != `{"error":"invalid_grant","error_description":"inactive user"}` {
		t.Errorf("%d %s", w.Code, got)
	}
}

// The JWT bearer and client_credentials grants never return a refresh token,
// even for an app with the refresh_token scope (token.go jwtGrant,
// clientCredentialsGrant).
func TestNoRefreshTokenOutsideTheWebFlow(t *testing.T) {
	kp := newKeyPair(t)
	s := newServer(kp, func(c *Config) { c.Scopes = []string{"api", "refresh_token"} })
	a := signJWT(t, kp.key, "RS256", map[string]any{"iss": clientID, "sub": "ci@example.com", "aud": "https://login.salesforce.com", "exp": now.Unix() + 60})
	for name, form := range map[string]url.Values{
		"jwt":                {"grant_type": {grantJWTBearer}, "assertion": {a}},
		"client_credentials": {"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}},
		"static refresh":     {"grant_type": {"refresh_token"}, "refresh_token": {"5Aep861STATICREFRESH"}, "client_id": {clientID}},
	} {
		w := post(t, s, form)
		m, _ := keysOf(t, w.Body.Bytes())
		if w.Code != 200 || m["refresh_token"] != nil || m["scope"] != "api refresh_token" {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
}
