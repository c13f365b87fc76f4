package verify

import (
	"strings"
	"testing"
	"time"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

var now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func days(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }

func TestTokenCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tok    state.OAuthToken
		pol    *spec.RefreshTokenPolicy
		status string
		detail string
	}{
		{"used yesterday", state.OAuthToken{App: "A", Created: days(10), LastUsed: days(1), UseCount: 3}, nil, Pass, "granted 10 days ago, last used 1 day ago, 3 uses"},
		{"never used, new", state.OAuthToken{App: "A", Created: days(2)}, nil, Pass, "granted 2 days ago, never used since"},
		{"unused 90 days", state.OAuthToken{App: "A", Created: days(400), LastUsed: days(90), UseCount: 1}, nil, Warn, "stale: unused for 90 days or more"},
		{"never used in 100 days", state.OAuthToken{App: "A", Created: days(100)}, nil, Warn, "stale"},
		{"past the app's lifetime", state.OAuthToken{App: "A", Created: days(31), LastUsed: days(1), UseCount: 9}, &spec.RefreshTokenPolicy{Mode: "expireAfter", ExpireAfter: "30d"}, Fail,
			`expired: the app's policy ends refresh tokens after 30d, so the vendor gets "invalid_grant: expired access/refresh token" and must reconnect`},
		{"within the app's lifetime", state.OAuthToken{App: "A", Created: days(29), LastUsed: days(1), UseCount: 9}, &spec.RefreshTokenPolicy{Mode: "expireAfter", ExpireAfter: "1mo"}, Pass, "granted 29 days ago"},
	} {
		c := tokenCheck(`user "u"`, tc.tok, tc.pol, now)
		if c.Status != tc.status || !strings.Contains(c.Detail, tc.detail) {
			t.Errorf("%s: %s %q", tc.name, c.Status, c.Detail)
		}
	}
}

func TestLoginCheck(t *testing.T) {
	ok := state.Login{Time: now.Add(-3 * time.Hour), Status: "Success", Application: "App"}
	bad := state.Login{Time: now.Add(-time.Hour), Status: "User is Inactive", SourceIP: "192.0.2.1"}
	if c := loginCheck(`user "u"`, []state.Login{ok}, now); c.Status != Pass || c.Detail != `1 in the last 30 days, all succeeded; the last 3 hours ago through "App"` {
		t.Errorf("success: %+v", c)
	}
	if c := loginCheck(`user "u"`, []state.Login{bad, ok}, now); c.Status != Fail ||
		c.Detail != "the last login, 1 hour ago from 192.0.2.1, failed: User is Inactive (1 of 2 in the last 30 days failed); the user is inactive: activate it" {
		t.Errorf("failed last: %+v", c)
	}
	if c := loginCheck(`user "u"`, []state.Login{ok, bad}, now); c.Status != Warn {
		t.Errorf("failed earlier: %+v", c)
	}
}

func TestPasswordCheck(t *testing.T) {
	u := &spec.User{Username: spec.Value{Value: "u@x"}, Password: &spec.UserPassword{Mode: spec.PasswordFromEnv, FromEnv: "PW"}}
	user := func(changed time.Time) *state.User {
		return &state.User{Record: state.Record{"LastPasswordChangeDate": changed.Format("2006-01-02T15:04:05.000+0000")}}
	}
	a := &state.Audit{PasswordExpires: map[string]time.Time{}}
	for _, tc := range []struct {
		name    string
		changed time.Time
		has     map[string]bool
		expires time.Time
		status  string
		detail  string
	}{
		{"fresh", days(10), nil, time.Time{}, Pass, "expires in 80 days (90 days after its last change"},
		{"soon", days(80), nil, time.Time{}, Warn, "expires in 10 days"},
		{"expired", days(91), nil, time.Time{}, Fail, "expired 1 day ago"},
		{"never expires", days(500), map[string]bool{"PermissionsPasswordNeverExpires": true}, time.Time{}, Pass, "never expires (Password Never Expires)"},
		{"the org's date", days(500), nil, now.Add(30 * 24 * time.Hour), Pass, "expires in 30 days (as the org says)"},
	} {
		a.PasswordExpires["u@x"] = tc.expires
		if tc.expires.IsZero() {
			delete(a.PasswordExpires, "u@x")
		}
		c, ok := passwordCheck(u, user(tc.changed), `user "u@x"`, a, tc.has, now)
		if !ok || c.Status != tc.status || !strings.Contains(c.Detail, tc.detail) {
			t.Errorf("%s: %v %s %q", tc.name, ok, c.Status, c.Detail)
		}
	}
	// A user the spec gives no password has no password check.
	if _, ok := passwordCheck(&spec.User{Username: spec.Value{Value: "u@x"}}, user(days(500)), "", a, nil, now); ok {
		t.Error("a check for a user without a password")
	}
}

// The apps of a user: its sets' connected apps and the apps whose policy
// pre-authorises its set or profile, not one that runs as it with client
// credentials, uses the JWT bearer flow or has no refresh_token scope.
func TestAppsOf(t *testing.T) {
	s := &spec.Spec{
		PermissionSets: []spec.PermissionSet{{Name: "Vendor", ConnectedApps: []spec.NamedRef{{Name: "Vendor Connect"}}}},
		ConnectedApps:  []spec.ConnectedApp{{Name: "Vendor Connect", Policy: &spec.AppPolicy{RefreshToken: &spec.RefreshTokenPolicy{Mode: "expireAfter", ExpireAfter: "90d"}}}},
		ExternalClientApps: []spec.ExternalClientApp{
			{Name: "Eca", Label: "Vendor ECA", Scopes: []string{"api", "refresh_token"}, Policy: &spec.AppPolicy{PreAuthorizedProfiles: []spec.NamedRef{{Name: "Integration"}}}},
			{Name: "Cc", Policy: &spec.AppPolicy{PreAuthorizedProfiles: []spec.NamedRef{{Name: "Integration"}}, ClientCredentialsUser: &spec.Value{Value: "u@x"}}},
			{Name: "Jwt", JWTCertificate: "/x/cert.pem", Policy: &spec.AppPolicy{PreAuthorizedProfiles: []spec.NamedRef{{Name: "Integration"}}}},
			{Name: "ApiOnly", Scopes: []string{"api"}, Policy: &spec.AppPolicy{PreAuthorizedProfiles: []spec.NamedRef{{Name: "Integration"}}}},
		},
	}
	u := &spec.User{Username: spec.Value{Value: "u@x"}, Profile: "Integration", PermissionSets: []spec.NamedRef{{Name: "vendor"}}}
	apps := appsOf(s, u)
	if len(apps) != 2 || apps[0].name != "Vendor Connect" || apps[0].policy == nil || apps[0].policy.ExpireAfter != "90d" || apps[1].name != "Vendor ECA" {
		t.Errorf("apps %+v", apps)
	}
}

// The runner's own permissions decide whether "no logins" and "no token" can
// be believed: without Manage Users or Customize Application each is a
// warning naming what is missing; with both, or when they were not read, or
// when the spec's only user is the runner, nothing is said.
func TestRunnerChecks(t *testing.T) {
	s := &spec.Spec{Users: []spec.User{{Username: spec.Value{Value: "vendor@example.com"}}}}
	st := &state.State{Username: "Admin@Example.com"}
	for _, tc := range []struct {
		name string
		held map[string]map[string]bool
		spec *spec.Spec
		want []string
	}{
		{"both", map[string]map[string]bool{"admin@example.com": {"PermissionsManageUsers": true, "PermissionsCustomizeApplication": true}}, s, nil},
		{"neither", map[string]map[string]bool{"admin@example.com": {}}, s, []string{
			"warn you (Admin@Example.com) can see other users' logins: you lack Manage Users: Salesforce shows you only your own login history, so the login checks above saw none of the spec's users",
			"warn you (Admin@Example.com) can see other users' OAuth tokens: you lack Customize Application: Salesforce shows you only your own tokens, so the token checks above saw none of the spec's users",
		}},
		{"no Customize Application", map[string]map[string]bool{"admin@example.com": {"PermissionsManageUsers": true}}, s, []string{
			"warn you (Admin@Example.com) can see other users' OAuth tokens: you lack Customize Application: Salesforce shows you only your own tokens, so the token checks above saw none of the spec's users",
		}},
		{"not read", map[string]map[string]bool{}, s, nil},
		{"only yourself", map[string]map[string]bool{"admin@example.com": {}}, &spec.Spec{Users: []spec.User{{Username: spec.Value{Value: "admin@example.com"}}}}, nil},
	} {
		var got []string
		for _, c := range runnerChecks(tc.spec, st, &state.Audit{Held: tc.held}) {
			got = append(got, c.Status+" "+c.Check+": "+c.Detail)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
