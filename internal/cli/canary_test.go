package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// Recognisable secrets: each is planted where sfprov meets a secret, and
// none may come out anywhere sfprov writes.
const (
	canaryToken        = "00D000000000001AAA!AQcanaryTokenQ7zx"
	canaryClientID     = "3MVGcanaryClientIdNotSecret"
	canaryClientSecret = "canaryClientSecretW4k9"
	canaryPassword     = "Canary-Pw-8812x"
	canaryVar          = "canary-secret-var-5531"
	canaryInstallKey   = "canary-install-key-7740"
	canaryShort        = "zx9" // a short secret: never printed as a word
	canaryEchoed       = "canary-echoed-9034"
)

const canarySpec = `version: 1
variables:
  DEPT: {description: "department", secret: true}
  NOTE: {description: "a short secret", secret: true}
  PACKAGE_PASSWORD: {description: "installation key", secret: true}
  PHONE: {description: "a secret the org refuses and echoes", secret: true}
packages:
  - namespace: canarypkg
    versionId: 04t000000000001AAA
    password: ${PACKAGE_PASSWORD}
profiles:
  - name: Canary Integration
    cloneFrom: Minimum Access - API Only Integrations
permissionSets:
  - name: Canary_API
    description: "note ${NOTE}"
    systemPermissions: [API Enabled]
records:
  - object: Account
    key: Name
    values: {Name: Canary Account, Description: "${DEPT} and ${NOTE}"}
users:
  - username: canary.user@example.com
    lastName: Canary
    email: canary@example.com
    profile: Canary Integration
    password: {fromEnv: CANARY_PW}
    permissionSets: [Canary_API]
    fields: {Department: "${DEPT}", Title: "${NOTE}"}
externalClientApps:
  - name: Canary_App
    oauth: {callbackUrl: "https://login.salesforce.com/services/oauth2/success", scopes: [api]}
    policy: {permittedUsers: adminApproved, preAuthorized: {permissionSets: [Canary_API]}}
`

// An apply the org refuses, echoing the secret value in its error.
const canaryRefusedSpec = `version: 1
variables:
  PHONE: {secret: true}
records:
  - object: Account
    key: Name
    values: {Name: Refused Account, NumberOfEmployees: "${PHONE}"}
`

// TestCanarySecrets runs sfprov's commands (validate, plan with -v and
// --json, apply, a failing apply, auth login/status/list) against an
// emulator org over HTTP and against the local org, with recognisable
// secrets in every place one can be, and fails if any of them appears in
// any output, in the local org's state file, or in a saved login (which
// keeps only its own credentials, in their own fields).
func TestCanarySecrets(t *testing.T) {
	org, err := emulator.New(emulator.Options{AccessToken: canaryToken, ClientID: canaryClientID, ClientSecret: canaryClientSecret,
		Seed: &emulator.Seed{Packages: []emulator.SeedPackage{{VersionID: "04t000000000001AAA", Namespace: "canarypkg", Name: "Canary", Version: "1.0"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	defer srv.Close()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	specFile := filepath.Join(dir, "canary.yaml")
	localFile := filepath.Join(dir, "local.yaml") // the local org has no package to install
	refusedFile := filepath.Join(dir, "refused.yaml")
	planFile := filepath.Join(dir, "canary.plan")
	os.WriteFile(specFile, []byte(canarySpec), 0o600)
	pkg := canarySpec[strings.Index(canarySpec, "packages:"):strings.Index(canarySpec, "profiles:")]
	os.WriteFile(localFile, []byte(strings.Replace(canarySpec, pkg, "", 1)), 0o600)
	os.WriteFile(refusedFile, []byte(canaryRefusedSpec), 0o600)
	base := map[string]string{"SFPROV_HOME": home, "CANARY_PW": canaryPassword, "DEPT": canaryVar, "NOTE": canaryShort,
		"PACKAGE_PASSWORD": canaryInstallKey, "PHONE": canaryEchoed}
	var all strings.Builder
	run := func(env map[string]string, args ...string) int {
		e := map[string]string{}
		for k, v := range base {
			e[k] = v
		}
		for k, v := range env {
			e[k] = v
		}
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb,
			Getenv: func(k string) (string, bool) { v, ok := e[k]; return v, ok }})
		all.WriteString("$ sfprov " + strings.Join(args, " ") + "\n" + out.String() + errb.String())
		return code
	}
	remote := map[string]string{"SF_ACCESS_TOKEN": canaryToken}
	steps := []struct {
		env  map[string]string
		args []string
		want int
	}{
		{nil, []string{"validate", specFile}, 0},
		{remote, []string{"validate", specFile, "-o", srv.URL, "-v"}, 0},
		{remote, []string{"plan", specFile, "-o", srv.URL, "-v"}, 0},
		{remote, []string{"plan", specFile, "-o", srv.URL, "--json"}, 0},
		// A saved plan, then applied: the file and both outputs.
		{remote, []string{"plan", specFile, "-o", srv.URL, "--out", planFile, "--json"}, 0},
		{remote, []string{"apply", planFile, "-o", srv.URL, "-v"}, 0},
		{remote, []string{"apply", specFile, "-o", srv.URL, "--yes", "-v"}, 0},
		{remote, []string{"apply", specFile, "-o", srv.URL, "--yes", "--json"}, 0},
		{remote, []string{"apply", refusedFile, "-o", srv.URL, "--yes", "-v"}, -1},
		{remote, []string{"apply", refusedFile, "-o", srv.URL, "--yes", "--json"}, -1},
		{map[string]string{"SFPROV_CLIENT_SECRET": canaryClientSecret}, []string{"auth", "login", "--client-credentials", "--client-id", canaryClientID, "--instance-url", srv.URL, "--alias", "canary", "-v"}, 0},
		{nil, []string{"auth", "status", "-o", "canary", "--json"}, 0},
		{nil, []string{"auth", "list", "--json"}, 0},
		{nil, []string{"plan", specFile, "-o", "canary", "-v", "--json"}, 0},
		{nil, []string{"apply", localFile, "--yes", "-v"}, 0}, // the local org
		{nil, []string{"plan", localFile, "--json", "-v"}, 0},
		{nil, []string{"apply", refusedFile, "--yes"}, -1},
	}
	for _, s := range steps {
		code := run(s.env, s.args...)
		if s.want >= 0 && code != s.want {
			t.Errorf("sfprov %s: exit %d, want %d", strings.Join(s.args, " "), code, s.want)
		}
		if s.want < 0 && code == 0 {
			t.Errorf("sfprov %s: exit 0; the org was to refuse it", strings.Join(s.args, " "))
		}
	}
	out := all.String()
	if !strings.Contains(out, "(secret)") {
		t.Error("no (secret) anywhere: the secrets did not reach the output at all")
	}
	long := []string{canaryToken, canaryClientSecret, canaryPassword, canaryVar, canaryInstallKey, canaryEchoed}
	short := regexp.MustCompile(`\b` + canaryShort + `\b`)
	check := func(where, text string, data bool, allowed ...string) {
		for _, c := range long {
			if strings.Contains(text, c) && !contains(allowed, c) {
				t.Errorf("%s shows the secret %q", where, c)
			}
		}
		if !data && short.MatchString(text) {
			t.Errorf("%s shows the short secret %q", where, canaryShort)
		}
	}
	// The org made the app a consumer secret, which its readMetadata
	// answers carry: it is a secret like the others.
	appSecret := consumerSecret(t, srv.URL, "Canary_App")
	long = append(long, appSecret)
	check("the output", out, false)
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}

	// The values did reach the org.
	if !orgHas(t, srv.URL, "SELECT Department FROM User WHERE Username = 'canary.user@example.com'", canaryVar) {
		t.Error("the secret variable did not reach the org: the test proves nothing")
	}

	saved, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	// Plan files hold no secret at all, not even the org's data: it is
	// (secret) where the spec's secrets went.
	check("the plan file", string(saved), false)
	if !strings.Contains(string(saved), `"(secret)"`) {
		t.Error("the plan file has no (secret): the secrets did not reach it at all")
	}

	state, err := os.ReadFile(filepath.Join(home, "local-org.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The local org holds what the spec put in its records (Department,
	// Title, Description): those are the org's data, not sfprov's. A
	// password and the credentials never.
	check("the local org's state file", string(state), true, canaryVar, canaryEchoed)
	logins, _ := filepath.Glob(filepath.Join(home, "orgs", "*"))
	if len(logins) == 0 {
		t.Fatal("no saved login")
	}
	for _, f := range logins {
		b, _ := os.ReadFile(f)
		// A saved login keeps the client secret it renews with, and
		// nothing else of these.
		check(f, string(b), false, canaryClientSecret)
		var l map[string]any
		if json.Unmarshal(b, &l) == nil && l["clientSecret"] != canaryClientSecret {
			t.Errorf("%s: the client secret is not where it belongs", f)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// orgHas reports whether a query's records mention want.
func orgHas(t *testing.T, url, soql, want string) bool {
	t.Helper()
	c := salesforce.New(salesforce.Config{InstanceURL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: canaryToken})})
	recs, err := c.Query(context.Background(), soql)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(recs)
	return strings.Contains(string(b), want)
}

// consumerSecret reads an External Client App's consumer secret through
// Connect (/apps/oauth/credentials), as an admin could.
func consumerSecret(t *testing.T, url, app string) string {
	t.Helper()
	c := salesforce.New(salesforce.Config{InstanceURL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: canaryToken}), APIVersion: "62.0"})
	ctx := context.Background()
	recs, err := c.Query(ctx, "SELECT Id FROM ExternalClientApplication WHERE DeveloperName = '"+app+"'")
	if err != nil || len(recs) != 1 {
		t.Fatalf("the app %s: %v %v", app, recs, err)
	}
	var list struct {
		Consumers []struct {
			ID string `json:"id"`
		} `json:"consumers"`
	}
	base := c.DataPath("apps/oauth/credentials/" + recs[0].String("Id"))
	if err := c.Do(ctx, "GET", base, nil, &list); err != nil || len(list.Consumers) != 1 {
		t.Fatalf("the app's consumers: %v %v", list, err)
	}
	var cred struct {
		Secret string `json:"secret"`
	}
	if err := c.Do(ctx, "GET", base+"/"+list.Consumers[0].ID+"?part=secret", nil, &cred); err != nil || len(cred.Secret) < 16 {
		t.Fatalf("the app's secret: %v", err)
	}
	return cred.Secret
}
