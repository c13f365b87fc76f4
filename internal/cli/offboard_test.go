package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/target"
)

// webFlowOrg serves an emulator org, seeded with seed, whose users can log
// in through sfprov's web flow on the returned callback port and get a
// refresh token; the admin calls it with adminToken.
func webFlowOrg(t *testing.T, adminToken string, seed *emulator.Seed) (*httptest.Server, int) {
	t.Helper()
	port := freePort(t)
	org, err := emulator.New(emulator.Options{
		AccessToken:            adminToken,
		ClientID:               webAppID,
		ConsumerSecretOptional: true,
		CallbackURLs:           []string{target.CallbackURL(port)},
		OAuthScopes:            []string{"api", "refresh_token"},
		Seed:                   seed,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	return srv, port
}

// TestOffboardRevokesTheVendorsLogin, end to end: the vendor connects as
// the integration user through the web flow (the org lists the refresh
// token as an OauthToken and the login in LoginHistory), verify shows the
// token and the login; offboard revokes the token, so that the vendor's
// next refresh is refused "expired access/refresh token" (revoked, not just
// "inactive user"), and verify of the offboarded user finds no token.
func TestOffboardRevokesTheVendorsLogin(t *testing.T) {
	const (
		vendorUser = "vendor.int@example.com"
		vendorPW   = "Vendor-Int-Pa55"
		adminToken = "00DEm0000000001!AQoffboardtest"
	)
	srv, port := webFlowOrg(t, adminToken, &emulator.Seed{
		OAuthApp: &emulator.SeedOAuthApp{Name: "Vendor Connect"},
		Users:    []emulator.SeedUser{{Username: vendorUser, LastName: "Vendor", Profile: "Standard User", Password: vendorPW}},
	})
	vendorEnv := map[string]string{"SFPROV_HOME": t.TempDir()}
	r := runCLI(t, vendorEnv, browser(t, vendorUser, vendorPW), "auth", "login", "--web", "--client-id", webAppID,
		"--login-url", srv.URL, "--callback-port", fmt.Sprint(port), "--alias", "vendor")
	if r.code != 0 {
		t.Fatalf("the vendor's login: exit %d\n%s%s", r.code, r.out, r.err)
	}

	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(`version: 1
permissionSets:
  - name: Vendor_API
    connectedApps: [Vendor Connect]
users:
  - username: `+vendorUser+`
    lastName: Vendor
    email: vendor.int@example.com
    profile: Standard User
    permissionSets: [Vendor_API]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	admin := map[string]string{"SFPROV_HOME": t.TempDir(), "SF_ACCESS_TOKEN": adminToken}
	if r := runCLI(t, admin, nil, "apply", spec, "--yes", "--instance-url", srv.URL); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runCLI(t, admin, nil, "verify", spec, "--instance-url", srv.URL)
	if r.code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", r.code, r.out, r.err)
	}
	for _, want := range []string{
		`pass  recent logins of user "` + vendorUser + `"`,
		`all succeeded; the last just now through "Vendor Connect"`,
		`pass  OAuth token of user "` + vendorUser + `" for app "Vendor Connect"`,
		"granted just now, last used just now, 1 use\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("verify does not say %q:\n%s", want, r.out)
		}
	}

	r = runCLI(t, admin, nil, "offboard", spec, "--yes", "--instance-url", srv.URL)
	if r.code != 0 {
		t.Fatalf("offboard: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if !strings.Contains(r.out, `pruned OAuth token "Vendor Connect" on user "`+vendorUser+`"`) {
		t.Errorf("offboard does not revoke the token:\n%s", r.out)
	}
	store, err := target.OpenStore(func(k string) (string, bool) { v, ok := vendorEnv[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	l, err := store.Find("vendor")
	if err != nil || l == nil {
		t.Fatalf("the vendor's login: %v, %v", l, err)
	}
	res, err := http.PostForm(srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {l.RefreshToken}, "client_id": {webAppID}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"error_description":"expired access/refresh token"`) {
		t.Errorf("the vendor's refresh after offboard: %d %s", res.StatusCode, body)
	}
	if r := runCLI(t, admin, nil, "offboard", spec, "--yes", "--instance-url", srv.URL); r.code != 0 || !strings.Contains(r.out, "No changes.") {
		t.Errorf("second offboard: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestOffboardSaysWhatYouCannotSee: an admin without Customize Application
// sees only its own OAuth tokens (the OauthToken access rule), so offboard's
// plan warns that it revokes none of the spec's users' tokens rather than
// silently planning none.
func TestOffboardSaysWhatYouCannotSee(t *testing.T) {
	const (
		helpdesk   = "helpdesk@example.com"
		helpdeskPW = "Help-Desk-Pa55"
		adminToken = "00DEm0000000001!AQoffboardsees"
	)
	srv, port := webFlowOrg(t, adminToken, &emulator.Seed{
		Users: []emulator.SeedUser{{Username: helpdesk, LastName: "Helpdesk", Profile: "Standard User", Password: helpdeskPW}},
	})
	dir := t.TempDir()
	staff := filepath.Join(dir, "staff.yaml")
	if err := os.WriteFile(staff, []byte(`version: 1
permissionSets:
  - name: Helpdesk_Users
    systemPermissions: [Manage Users]
users:
  - username: `+helpdesk+`
    lastName: Helpdesk
    email: helpdesk@example.com
    profile: Standard User
    permissionSets: [Helpdesk_Users]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	vendor := filepath.Join(dir, "vendor.yaml")
	if err := os.WriteFile(vendor, []byte(`version: 1
users:
  - username: vendor.int@example.com
    lastName: Vendor
    email: vendor.int@example.com
    profile: Standard User
`), 0o600); err != nil {
		t.Fatal(err)
	}
	admin := map[string]string{"SFPROV_HOME": t.TempDir(), "SF_ACCESS_TOKEN": adminToken}
	for _, spec := range []string{staff, vendor} {
		if r := runCLI(t, admin, nil, "apply", spec, "--yes", "--instance-url", srv.URL); r.code != 0 {
			t.Fatalf("apply %s: exit %d\n%s%s", spec, r.code, r.out, r.err)
		}
	}
	helpEnv := map[string]string{"SFPROV_HOME": t.TempDir()}
	if r := runCLI(t, helpEnv, browser(t, helpdesk, helpdeskPW), "auth", "login", "--web", "--client-id", webAppID,
		"--login-url", srv.URL, "--callback-port", fmt.Sprint(port), "--alias", "helpdesk"); r.code != 0 {
		t.Fatalf("the helpdesk login: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r := runCLI(t, helpEnv, nil, "plan", vendor, "-o", "helpdesk")
	if r.code != 0 {
		t.Fatalf("plan as the helpdesk: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runCLI(t, helpEnv, nil, "offboard", vendor, "-o", "helpdesk")
	want := "you (" + helpdesk + ") lack Customize Application: Salesforce shows you only your own OAuth tokens, so this offboard revokes none of the spec's users' tokens; run it as an admin who has that permission"
	if !strings.Contains(r.out+r.err, want) {
		t.Errorf("offboard as the helpdesk (exit %d) does not warn %q:\n%s%s", r.code, want, r.out, r.err)
	}
	r = runCLI(t, admin, nil, "offboard", vendor, "--instance-url", srv.URL)
	if strings.Contains(r.out+r.err, "lack Customize Application") {
		t.Errorf("offboard as the admin warns:\n%s%s", r.out, r.err)
	}
}
