package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

func row(t *testing.T, rows []any, i int) map[string]any {
	t.Helper()
	if i >= len(rows) {
		t.Fatalf("%d rows, want row %d", len(rows), i)
	}
	return rows[i].(map[string]any)
}

// The web flow's refresh token is listed as an OauthToken of the user for
// the app; a refresh counts a use; revoking it with its DeleteToken ends it
// (invalid_grant "expired access/refresh token") and removes the row. Each
// login, failed or not, is a LoginHistory row.
func TestOauthTokenAndLoginHistoryFollowTheTokenEndpoint(t *testing.T) {
	o, clk := newTestOrg(t, webFlowOptions(""))
	srv := httptest.NewServer(o)
	defer srv.Close()
	base := srv.URL

	code, verifier := webLogin(t, base)
	tok, _ := exchange(t, base, code, verifier)
	uid := tok.ID[strings.LastIndex(tok.ID, "/")+1:]

	q := "SELECT Id, AppName, UserId, UseCount, LastUsedDate, CreatedDate, DeleteToken FROM OauthToken WHERE UserId = '" + uid + "'"
	rows := query(t, o, q)
	if len(rows) != 1 {
		t.Fatalf("OauthToken rows %v", rows)
	}
	r := row(t, rows, 0)
	if r["Id"] != nil || r["AppName"] != DefaultOAuthAppName || r["UseCount"] != 1.0 || r["DeleteToken"] == nil || r["CreatedDate"] != "2026-11-23T12:00:00.000+0000" {
		t.Fatalf("OauthToken %v", r)
	}
	del := r["DeleteToken"].(string)

	clk.t = clk.t.Add(48 * 60 * 60 * 1e9)
	decodeToken(t, refreshWith(t, base, tok.RefreshToken))
	r = row(t, query(t, o, q), 0)
	if r["UseCount"] != 2.0 || r["LastUsedDate"] != "2026-11-25T12:00:00.000+0000" {
		t.Fatalf("after a refresh: %v", r)
	}

	// A wrong password is a failed login of a known user; an unknown
	// username leaves no row.
	clk.t = clk.t.Add(60 * 1e9)
	for _, u := range []string{webUser, "nobody@example.com"} {
		webPost(t, base+"/services/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {webClientID},
			"username": {u}, "password": {"wrong"}})
	}
	lh := query(t, o, "SELECT UserId, Status, LoginType, Application, SourceIp, LoginTime FROM LoginHistory WHERE UserId = '"+uid+"' ORDER BY LoginTime DESC")
	if len(lh) != 3 {
		t.Fatalf("LoginHistory %v", lh)
	}
	if got := row(t, lh, 0)["Status"]; got != "Invalid Password" {
		t.Errorf("last login status %v", got)
	}
	if l := row(t, lh, 2); l["Status"] != "Success" || l["LoginType"] != "Remote Access 2.0" || l["Application"] != DefaultOAuthAppName || l["SourceIp"] != "127.0.0.1" {
		t.Errorf("first login %v", l)
	}
	if n := len(query(t, o, "SELECT Id FROM LoginHistory")); n != 3 {
		t.Errorf("%d LoginHistory rows in all, want 3", n)
	}

	// Neither object takes DML: a revoke is the revoke endpoint's.
	if r := do(t, o, "POST", "/services/data/v62.0/sobjects/OauthToken", map[string]any{"AppName": "x"}); r.status < 400 {
		t.Errorf("create OauthToken: %d %s", r.status, r.body)
	}
	// Not even with the Id the org keeps behind the null one.
	id := str(o.st.All("OauthToken")[0], "Id")
	if r := do(t, o, "DELETE", "/services/data/v62.0/sobjects/OauthToken/"+id, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE OauthToken: %d %s", r.status, r.body)
	}
	if r := do(t, o, "DELETE", "/services/data/v62.0/composite/sobjects?ids="+id, nil); r.status != 200 || !strings.Contains(string(r.body), `"success":false`) {
		t.Errorf("collections delete of an OauthToken: %d %s", r.status, r.body)
	}
	if n := len(query(t, o, q)); n != 1 {
		t.Fatalf("a refused delete removed the token: %d rows", n)
	}
	if r := webPost(t, base+"/services/oauth2/revoke", url.Values{"token": {del}}); r.status != 200 || r.body != "" {
		t.Fatalf("revoke with the DeleteToken: %d %s", r.status, r.body)
	}
	if rows := query(t, o, q); len(rows) != 0 {
		t.Errorf("OauthToken after the revoke: %v", rows)
	}
	if r := refreshWith(t, base, tok.RefreshToken); r.status != 400 ||
		strings.TrimSpace(r.body) != `{"error":"invalid_grant","error_description":"expired access/refresh token"}` {
		t.Errorf("refresh after the revoke: %d %s", r.status, r.body)
	}
	if r := webPost(t, base+"/services/oauth2/revoke", url.Values{"token": {del}}); r.status != 400 {
		t.Errorf("a spent DeleteToken: %d %s", r.status, r.body)
	}
}

// A seed plants tokens and logins, with ages relative to the org's clock;
// a planted refresh token works until revoked, and a restart keeps the rows
// and the link between a row and its token.
func TestSeededTokensAndLogins(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	seed := &Seed{
		Users: []SeedUser{{Username: "int@example.com", LastName: "Int", Profile: "Standard User"}},
		OAuthTokens: []SeedOAuthToken{
			{Username: "int@example.com", App: "Vendor App", Created: "-200d", LastUsed: "-120d", UseCount: 7, RefreshToken: "5Aep861seeded"},
		},
		LoginHistory: []SeedLogin{
			{Username: "int@example.com", Time: "-3h", Status: "Invalid Password", SourceIP: "203.0.113.9"},
			{Username: "int@example.com", Time: "-1d"},
			{Username: "int@example.com", Time: "-200d"},
		},
	}
	o, _ := newTestOrg(t, Options{Seed: seed, StatePath: state})
	rows := query(t, o, "SELECT AppName, UseCount, LastUsedDate, CreatedDate FROM OauthToken")
	if len(rows) != 1 {
		t.Fatalf("rows %v", rows)
	}
	if r := row(t, rows, 0); r["AppName"] != "Vendor App" || r["UseCount"] != 7.0 || r["LastUsedDate"] != "2026-07-26T12:00:00.000+0000" || r["CreatedDate"] != "2026-05-07T12:00:00.000+0000" {
		t.Errorf("seeded token %v", r)
	}
	lh := query(t, o, "SELECT Status, SourceIp FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:7 ORDER BY LoginTime DESC")
	if len(lh) != 2 || row(t, lh, 0)["Status"] != "Invalid Password" || row(t, lh, 0)["SourceIp"] != "203.0.113.9" || row(t, lh, 1)["Status"] != "Success" {
		t.Errorf("seeded logins %v", lh)
	}

	// Restarted from its state file: the token still works, and counts;
	// the login it is (a refresh is a login) prunes rows past six months.
	o2, _ := newTestOrg(t, Options{StatePath: state})
	srv := httptest.NewServer(o2)
	defer srv.Close()
	res := webPost(t, srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"5Aep861seeded"}, "client_id": {"any"}})
	if res.status != http.StatusOK {
		t.Fatalf("refresh with the seeded token: %d %s", res.status, res.body)
	}
	if n := len(query(t, o2, "SELECT Id FROM LoginHistory")); n != 3 {
		t.Errorf("%d LoginHistory rows after a refresh, want 3 (the 200-day-old one pruned, the refresh's added)", n)
	}
	r := row(t, query(t, o2, "SELECT UseCount, DeleteToken FROM OauthToken"), 0)
	if r["UseCount"] != 8.0 {
		t.Errorf("UseCount after a refresh: %v", r["UseCount"])
	}
	if res := webPost(t, srv.URL+"/services/oauth2/revoke", url.Values{"token": {r["DeleteToken"].(string)}}); res.status != 200 {
		t.Fatalf("revoke: %d %s", res.status, res.body)
	}
	if res := webPost(t, srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"5Aep861seeded"}, "client_id": {"any"}}); res.status != 400 {
		t.Errorf("refresh after revoke: %d %s", res.status, res.body)
	}
}

// Without Customize Application a user sees only its own tokens; without
// Manage Users (or Monitor Login History) only its own login history.
func TestAuditObjectsVisibility(t *testing.T) {
	seed := &Seed{
		Users: []SeedUser{{Username: "std@example.com", LastName: "Std", Profile: "Standard User", Password: "Std-Pa55word"}},
		OAuthTokens: []SeedOAuthToken{
			{Username: AdminUsername, App: "Admin App"},
			{Username: "std@example.com", App: "Own App"},
		},
		LoginHistory: []SeedLogin{{Username: AdminUsername}},
	}
	o, _ := newTestOrg(t, Options{Seed: seed})
	srv := httptest.NewServer(o)
	defer srv.Close()
	tok, _ := decodeToken(t, webPost(t, srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {"any"},
		"client_secret": {"any"}, "username": {"std@example.com"}, "password": {"Std-Pa55word"}}))
	get := func(q string) string {
		return webGet(t, srv.URL+"/services/data/v62.0/query?q="+url.QueryEscape(q), tok.AccessToken).body
	}
	if b := get("SELECT AppName FROM OauthToken"); !strings.Contains(b, `"totalSize":1`) || !strings.Contains(b, "Own App") {
		t.Errorf("a standard user's tokens: %s", b)
	}
	if b := get("SELECT UserId, Status FROM LoginHistory"); !strings.Contains(b, `"totalSize":1`) || strings.Contains(b, o.meta.AdminID) {
		t.Errorf("a standard user's login history: %s", b)
	}
	if n := len(query(t, o, "SELECT AppName FROM OauthToken")); n != 2 {
		t.Errorf("the admin sees %d tokens, want 2", n)
	}
}
