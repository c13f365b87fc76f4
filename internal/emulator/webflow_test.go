package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The OAuth 2.0 web server flow end to end, through a plain net/http client
// that does not follow redirects, the way a CLI with a loopback callback
// drives it (the sf CLI's web login uses http://localhost:1717/OauthRedirect,
// SalesforceCommerceCloud/b2c-crm-sync#16).

const (
	webClientID = "3MVG9webflow.client"
	webCallback = "http://localhost:1717/OauthRedirect"
	webUser     = "web@example.com"
	webPassword = "Web-Flow-Pa55"
)

func webFlowOptions(statePath string) Options {
	return Options{
		ClientID:               webClientID,
		ConsumerSecretOptional: true, // a public client: PKCE, no secret
		CallbackURLs:           []string{webCallback},
		OAuthScopes:            []string{"api", "refresh_token"},
		StatePath:              statePath,
		Seed:                   &Seed{Users: []SeedUser{{Username: webUser, LastName: "Web", Profile: "Standard User", Password: webPassword}}},
	}
}

// webClient is a net/http client that stops at redirects.
var webClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type webResp struct {
	status int
	header http.Header
	body   string
}

func webDo(t *testing.T, req *http.Request) webResp {
	t.Helper()
	res, err := webClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webResp{res.StatusCode, res.Header, string(b)}
}

func webPost(t *testing.T, u string, form url.Values) webResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return webDo(t, req)
}

func webGet(t *testing.T, u, bearer string) webResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return webDo(t, req)
}

var (
	formActionRE = regexp.MustCompile(`<form [^>]*method="post" action="([^"]*)">`)
	formInputRE  = regexp.MustCompile(`<input type="(?:hidden|email|password)" (?:id="[^"]*" )?name="([^"]*)" value="([^"]*)">`)
)

// pkce returns a verifier as jsforce makes one (base64url of 128 random
// bytes) and its S256 challenge.
func pkce(t *testing.T) (verifier, challenge string) {
	t.Helper()
	b := make([]byte, 128)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// webLogin runs the browser half of the flow and returns the code and the
// verifier to exchange it with.
func webLogin(t *testing.T, base string) (code, verifier string) {
	t.Helper()
	verifier, challenge := pkce(t)
	authz := base + "/services/oauth2/authorize?" + url.Values{
		"response_type": {"code"}, "client_id": {webClientID}, "redirect_uri": {webCallback},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "state": {"s-123"}, "scope": {"api refresh_token"},
	}.Encode()
	page := webGet(t, authz, "")
	if page.status != 200 || page.header.Get("Content-Type") != "text/html;charset=UTF-8" {
		t.Fatalf("authorize: %d %s", page.status, page.body)
	}
	action := formActionRE.FindStringSubmatch(page.body)
	if action == nil {
		t.Fatalf("no form: %s", page.body)
	}
	form := url.Values{}
	for _, m := range formInputRE.FindAllStringSubmatch(page.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("code_challenge") != challenge || form.Get("redirect_uri") != webCallback || !form.Has("username") || !form.Has("pw") {
		t.Fatalf("form fields %v", form)
	}
	form.Set("username", webUser)
	form.Set("pw", webPassword)
	res := webPost(t, base+html.UnescapeString(action[1]), form)
	if res.status != http.StatusFound {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	loc, err := url.Parse(res.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != webCallback || loc.Query().Get("state") != "s-123" {
		t.Fatalf("Location %s", loc)
	}
	code = loc.Query().Get("code")
	if !strings.HasPrefix(code, "aPrx") {
		t.Fatalf("code %q", code)
	}
	return code, verifier
}

type tokenReply struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	IssuedAt     string `json:"issued_at"`
	Signature    string `json:"signature"`
}

func decodeToken(t *testing.T, r webResp) (tokenReply, map[string]json.RawMessage) {
	t.Helper()
	var tok tokenReply
	var raw map[string]json.RawMessage
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tok) != nil || json.Unmarshal([]byte(r.body), &raw) != nil {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	return tok, raw
}

func exchange(t *testing.T, base, code, verifier string) (tokenReply, map[string]json.RawMessage) {
	t.Helper()
	return decodeToken(t, webPost(t, base+"/services/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {webCallback},
		"client_id": {webClientID}, "code_verifier": {verifier},
	}))
}

func refreshWith(t *testing.T, base, rt string) webResp {
	t.Helper()
	return webPost(t, base+"/services/oauth2/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {webClientID},
	})
}

const sessionExpired = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

func TestWebServerFlowEndToEnd(t *testing.T) {
	o, _ := newTestOrg(t, webFlowOptions(""))
	srv := httptest.NewServer(o)
	defer srv.Close()
	base := srv.URL

	code, verifier := webLogin(t, base)
	tok, raw := exchange(t, base, code, verifier)
	if tok.RefreshToken == "" || tok.Scope != "api refresh_token" || tok.InstanceURL != base || tok.TokenType != "Bearer" ||
		tok.IssuedAt == "" || tok.Signature == "" || !strings.HasPrefix(tok.ID, base+"/id/"+o.OrgID()+"/005") {
		t.Fatalf("token reply %+v", tok)
	}
	if len(raw) != 8 {
		t.Errorf("token reply keys %v", raw)
	}
	// The code is spent.
	if r := webPost(t, base+"/services/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {webCallback}, "client_id": {webClientID}, "code_verifier": {verifier}}); r.status != 400 ||
		strings.TrimSpace(r.body) != `{"error":"invalid_grant","error_description":"expired authorization code"}` {
		t.Errorf("second exchange: %d %s", r.status, r.body)
	}

	info := webGet(t, base+"/services/oauth2/userinfo", tok.AccessToken)
	var ui struct {
		PreferredUsername string `json:"preferred_username"`
		UserID            string `json:"user_id"`
	}
	if info.status != 200 || json.Unmarshal([]byte(info.body), &ui) != nil || ui.PreferredUsername != webUser || !strings.HasSuffix(tok.ID, "/"+ui.UserID) {
		t.Fatalf("userinfo: %d %s", info.status, info.body)
	}

	ref, raw := decodeToken(t, refreshWith(t, base, tok.RefreshToken))
	if _, has := raw["refresh_token"]; has || ref.AccessToken == tok.AccessToken || ref.Scope != "api refresh_token" {
		t.Fatalf("refresh reply %+v", ref)
	}
	if r := webGet(t, base+"/services/oauth2/userinfo", ref.AccessToken); r.status != 200 {
		t.Fatalf("userinfo with the refreshed token: %d %s", r.status, r.body)
	}

	if r := webPost(t, base+"/services/oauth2/revoke", url.Values{"token": {tok.RefreshToken}}); r.status != 200 || r.body != "" {
		t.Fatalf("revoke: %d %q", r.status, r.body)
	}
	if r := refreshWith(t, base, tok.RefreshToken); r.status != 400 ||
		strings.TrimSpace(r.body) != `{"error":"invalid_grant","error_description":"expired access/refresh token"}` {
		t.Errorf("refresh after revoke: %d %s", r.status, r.body)
	}
	for _, at := range []string{tok.AccessToken, ref.AccessToken} {
		if r := webGet(t, base+"/services/oauth2/userinfo", at); r.status != 401 || strings.TrimSpace(r.body) != sessionExpired {
			t.Errorf("access token of the revoked refresh token: %d %s", r.status, r.body)
		}
	}
}

// A lifetime of a few seconds: the token works until it ends, then REST calls
// answer 401 INVALID_SESSION_ID, and the refresh token gets a new one.
func TestShortTokenLifetime(t *testing.T) {
	opts := webFlowOptions("")
	opts.TokenLifetime = 3 * time.Second
	o, clk := newTestOrg(t, opts)
	srv := httptest.NewServer(o)
	defer srv.Close()
	code, verifier := webLogin(t, srv.URL)
	tok, _ := exchange(t, srv.URL, code, verifier)
	query := srv.URL + v + "/query?q=" + urlQuery("SELECT Username FROM User WHERE Username = '"+webUser+"'")
	clk.t = clk.t.Add(3*time.Second - time.Millisecond)
	if r := webGet(t, query, tok.AccessToken); r.status != 200 {
		t.Fatalf("within the lifetime: %d %s", r.status, r.body)
	}
	clk.t = clk.t.Add(time.Millisecond)
	if r := webGet(t, query, tok.AccessToken); r.status != 401 || strings.TrimSpace(r.body) != sessionExpired {
		t.Fatalf("at the lifetime: %d %s", r.status, r.body)
	}
	ref, _ := decodeToken(t, refreshWith(t, srv.URL, tok.RefreshToken))
	if r := webGet(t, query, ref.AccessToken); r.status != 200 {
		t.Fatalf("after refreshing: %d %s", r.status, r.body)
	}
}

// With --state, issued refresh tokens survive a restart (access tokens do
// not), and a revoke is remembered too.
func TestRefreshTokensSurviveARestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "org.json")
	o1, _ := newTestOrg(t, webFlowOptions(state))
	srv1 := httptest.NewServer(o1)
	code, verifier := webLogin(t, srv1.URL)
	tok, _ := exchange(t, srv1.URL, code, verifier)
	srv1.Close()

	o2, _ := newTestOrg(t, webFlowOptions(state))
	srv2 := httptest.NewServer(o2)
	if r := webGet(t, srv2.URL+"/services/oauth2/userinfo", tok.AccessToken); r.status != 401 {
		t.Errorf("an access token from before the restart: %d %s", r.status, r.body)
	}
	ref, _ := decodeToken(t, refreshWith(t, srv2.URL, tok.RefreshToken))
	if r := webGet(t, srv2.URL+"/services/oauth2/userinfo", ref.AccessToken); r.status != 200 {
		t.Fatalf("userinfo after the restart: %d %s", r.status, r.body)
	}
	if r := webPost(t, srv2.URL+"/services/oauth2/revoke", url.Values{"token": {tok.RefreshToken}}); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	srv2.Close()

	o3, _ := newTestOrg(t, webFlowOptions(state))
	srv3 := httptest.NewServer(o3)
	defer srv3.Close()
	if r := refreshWith(t, srv3.URL, tok.RefreshToken); r.status != 400 {
		t.Errorf("a revoked refresh token after a restart: %d %s", r.status, r.body)
	}
}

// The authorize and error pages are not API calls: they carry no
// Sforce-Limit-Info and leave DailyApiRequests alone.
func TestAuthorizeIsNotCounted(t *testing.T) {
	o, _ := newTestOrg(t, webFlowOptions(""))
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/services/oauth2/authorize?response_type=code&client_id=nope", nil)
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	if rec.Code != 400 || rec.Body.String() != "error=invalid_client_id&error_description=client%20identifier%20invalid" ||
		rec.Header().Get("Sforce-Limit-Info") != "" || o.APICalls() != 0 {
		t.Errorf("%d %s %v calls=%d", rec.Code, rec.Body, rec.Header(), o.APICalls())
	}
	req = httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=x", nil)
	rec = httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "OAUTH_APPROVAL_ERROR_GENERIC") {
		t.Errorf("error page: %d %s", rec.Code, rec.Body)
	}
}
