package target

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/emulator"
)

func envOf(m map[string]string) Getenv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestNameAndRefusal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    Options
		want    string // Name()
		refused string // what pointsElsewhere names
	}{
		{"nothing", Options{}, "", ""},
		{"flag", Options{TargetOrg: "dev"}, "dev", ""},
		{"instance URL wins, slash trimmed", Options{TargetOrg: "dev", InstanceURL: "https://a.my.salesforce.com/"}, "https://a.my.salesforce.com", ""},
		{"env", Options{Getenv: envOf(map[string]string{"SFPROV_TARGET_ORG": "ci"})}, "ci", ""},
		{"empty env names nothing", Options{Getenv: envOf(map[string]string{"SFPROV_TARGET_ORG": ""})}, "", ""},
		{"token", Options{Getenv: envOf(map[string]string{"SF_ACCESS_TOKEN": "x"})}, "", "SF_ACCESS_TOKEN"},
		{"jwt vars and login URL", Options{LoginURL: "https://test.salesforce.com", Getenv: envOf(map[string]string{"SFPROV_CLIENT_ID": "c", "SFPROV_JWT_KEY_FILE": "k"})}, "", "SFPROV_CLIENT_ID, SFPROV_JWT_KEY_FILE, --login-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.opts.Name(); got != tc.want {
				t.Errorf("Name() = %q, want %q", got, tc.want)
			}
			if got := tc.opts.pointsElsewhere(); got != tc.refused {
				t.Errorf("pointsElsewhere() = %q, want %q", got, tc.refused)
			}
		})
	}
}

func TestConnectRefusesLocalWhenCredentialsAreSet(t *testing.T) {
	home := t.TempDir()
	_, err := Connect(context.Background(), Options{Getenv: envOf(map[string]string{"SFPROV_HOME": home, "SFPROV_USERNAME": "ci@example.com"})})
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("Connect = %v, want a *UsageError", err)
	}
	if !strings.HasPrefix(ue.Msg, "SFPROV_USERNAME is set but no target org is named") {
		t.Errorf("message = %q", ue.Msg)
	}
	if _, err := os.Stat(filepath.Join(home, "local-org.db")); !os.IsNotExist(err) {
		t.Errorf("the local org was created: %v", err)
	}
}

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		url     string
		sandbox bool
		want    string
	}{
		{"http://127.0.0.1:8080", false, KindEmulator},
		{"http://localhost:1717", true, KindEmulator},
		{"http://[::1]:9", false, KindEmulator},
		{"https://acme--uat.sandbox.my.salesforce.com", true, KindSandbox},
		{"https://acme.my.salesforce.com", false, KindProduction},
	} {
		if got := KindOf(tc.url, tc.sandbox); got != tc.want {
			t.Errorf("KindOf(%q, %v) = %q, want %q", tc.url, tc.sandbox, got, tc.want)
		}
	}
}

func TestCheckAlias(t *testing.T) {
	for name, want := range map[string]string{
		"ci":           "",
		"acme-uat.1_x": "",
		"":             "an alias is required (--alias NAME)",
		"LOCAL":        `alias "LOCAL" is reserved for the embedded emulator org`,
		"../etc":       `alias "../etc": use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)`,
		"a b":          `alias "a b": use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)`,
	} {
		got := ""
		if err := CheckAlias(name); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("CheckAlias(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestLoginURLFor(t *testing.T) {
	for _, tc := range []struct {
		login    string
		sandbox  bool
		instance string
		want     string
	}{
		{"", false, "", "https://login.salesforce.com"},
		{"", true, "https://acme.my.salesforce.com", "https://test.salesforce.com"},
		{"", false, "https://acme.my.salesforce.com/", "https://acme.my.salesforce.com"},
		{"https://acme--uat.sandbox.my.salesforce.com/", true, "", "https://acme--uat.sandbox.my.salesforce.com"},
	} {
		if got := LoginURLFor(tc.login, tc.sandbox, tc.instance); got != tc.want {
			t.Errorf("LoginURLFor(%q, %v, %q) = %q, want %q", tc.login, tc.sandbox, tc.instance, got, tc.want)
		}
	}
}

func TestRelogin(t *testing.T) {
	for _, tc := range []struct {
		l    Login
		want string
	}{
		{Login{Alias: "dev", Flow: FlowWeb, ClientID: "CID", LoginURL: "https://test.salesforce.com"},
			"sfprov auth login --web --client-id CID --login-url https://test.salesforce.com --alias dev"},
		{Login{Alias: "ci", Flow: FlowJWT, ClientID: "CID", KeyFile: "/k.pem", Username: "u@x.com", LoginURL: "https://login.salesforce.com"},
			"sfprov auth login --jwt --client-id CID --key-file /k.pem --username u@x.com --login-url https://login.salesforce.com --alias ci"},
		{Login{Alias: "cc", Flow: FlowClientCredentials, ClientID: "CID", InstanceURL: "https://a.my.salesforce.com"},
			"sfprov auth login --client-credentials --client-id CID --instance-url https://a.my.salesforce.com --alias cc"},
		{Login{Alias: "s", Flow: FlowSfdxURL}, "sfprov auth login --sfdx-url-file FILE --alias s"},
	} {
		if got := tc.l.Relogin(); got != tc.want {
			t.Errorf("Relogin() = %q, want %q", got, tc.want)
		}
	}
}

func TestReadSfdxURL(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	want := &sfdxURL{clientID: "PlatformCLI", clientSecret: "", refreshToken: "5Aep861.rt:with:colons", instanceURL: "https://acme.my.salesforce.com"}
	for name, body := range map[string]string{
		"plain":   "force://PlatformCLI::5Aep861.rt:with:colons@acme.my.salesforce.com\n",
		"sf json": `{"status":0,"result":{"sfdxAuthUrl":"force://PlatformCLI::5Aep861.rt:with:colons@acme.my.salesforce.com","username":"u"}}`,
	} {
		got, err := readSfdxURL(write(name, body))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(sfdxURL{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	_, err := readSfdxURL(write("bad", "https://acme.my.salesforce.com"))
	if err == nil || !strings.Contains(err.Error(), "does not hold an sfdx auth URL") {
		t.Errorf("bad file: err = %v", err)
	}
}

func TestStore(t *testing.T) {
	home := t.TempDir()
	s, err := OpenStore(envOf(map[string]string{"SFPROV_HOME": home}))
	if err != nil {
		t.Fatal(err)
	}
	if all, err := s.List(); err != nil || len(all) != 0 {
		t.Fatalf("List on an empty store = %v, %v", all, err)
	}
	for _, l := range []*Login{
		{Alias: "b", Username: "B@Example.com", InstanceURL: "https://b.my.salesforce.com", Flow: FlowJWT, AccessToken: "00Dx!secret"},
		{Alias: "a", Username: "a@example.com", InstanceURL: "http://127.0.0.1:9", Flow: FlowWeb, RefreshToken: "5Aep"},
	} {
		if err := s.Save(l); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(home, "orgs", "b.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("b.json: %v, mode %v", err, fi.Mode().Perm())
	}
	all, _ := s.List()
	var aliases []string
	for _, l := range all {
		aliases = append(aliases, l.Alias)
	}
	if diff := cmp.Diff([]string{"a", "b"}, aliases); diff != "" {
		t.Errorf("List aliases (-want +got):\n%s", diff)
	}
	if l, _ := s.Find("b@example.com"); l == nil || l.Alias != "b" {
		t.Errorf("Find by username (any case) = %+v", l)
	}
	if l, _ := s.Find("nobody"); l != nil {
		t.Errorf("Find(nobody) = %+v", l)
	}
	want := Summary{Alias: "a", Username: "a@example.com", InstanceURL: "http://127.0.0.1:9", Kind: KindEmulator, Flow: FlowWeb}
	if diff := cmp.Diff(want, all[0].Summary()); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
	if err := s.Remove("a"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Find("a"); l != nil {
		t.Errorf("a is still found after Remove")
	}
}

// fakeSF is an sf CLI that knows one org.
type fakeSF struct {
	org   *SFOrg
	calls int
}

func (f *fakeSF) Org(_ context.Context, name string) (*SFOrg, error) {
	f.calls++
	if f.org == nil || (name != f.org.Alias && name != f.org.Username) {
		return nil, nil
	}
	o := *f.org
	return &o, nil
}

func (f *fakeSF) Names(context.Context) ([]string, error) {
	if f.org == nil {
		return nil, nil
	}
	return []string{f.org.Alias, f.org.Username}, nil
}

func TestConnectThroughSF(t *testing.T) {
	const token = "00D000000000001AAA!AQfake.sf.token"
	org, err := emulator.New(emulator.Options{AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	defer srv.Close()
	sf := &fakeSF{org: &SFOrg{Alias: "emu", Username: emulator.AdminUsername, InstanceURL: srv.URL, AccessToken: token}}
	var secrets []string
	opts := Options{TargetOrg: "emu", SF: sf, Getenv: envOf(map[string]string{"SFPROV_HOME": t.TempDir()}),
		Secret: func(v ...string) { secrets = append(secrets, v...) }}
	o, err := Connect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if o.Source != "sf CLI" || o.InstanceURL != srv.URL || o.Username != emulator.AdminUsername {
		t.Errorf("org = %+v", o)
	}
	if !contains(secrets, token) {
		t.Errorf("the sf token was not registered as a secret")
	}
	id, err := o.Client.Identify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if id.Username != emulator.AdminUsername {
		t.Errorf("Identify().Username = %q", id.Username)
	}

	opts.TargetOrg = "emo"
	_, err = Connect(context.Background(), opts)
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("Connect(emo) = %v, want a *UsageError", err)
	}
	want := `unknown target org "emo" (did you mean "emu"?): use "local", an instance URL (https://...), or a known org; known orgs: emu, admin@emulator.sfprov.local`
	if ue.Msg != want {
		t.Errorf("message =\n%s\nwant\n%s", ue.Msg, want)
	}
}

// TestSfdxURLLogin: --sfdx-url-file logs in with the refresh token in sf's
// force:// URL, over https as sf requires, and keeps the URL's app.
func TestSfdxURLLogin(t *testing.T) {
	const (
		clientID = "3MVG9sfdx.url"
		secret   = "sfdx-url-secret"
		refresh  = "5Aep861sfdx.url.refresh"
	)
	org, err := emulator.New(emulator.Options{ClientID: clientID, ClientSecret: secret, RefreshToken: refresh})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(org)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	file := filepath.Join(t.TempDir(), "auth.txt")
	if err := os.WriteFile(file, []byte("force://"+clientID+":"+secret+":"+refresh+"@"+host+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	var secrets []string
	opts := Options{Getenv: envOf(map[string]string{"SFPROV_HOME": home}), Transport: srv.Client().Transport,
		Secret: func(v ...string) { secrets = append(secrets, v...) }}
	l, err := DoLogin(context.Background(), opts, LoginRequest{Alias: "fromsf", Flow: FlowSfdxURL, SfdxURLFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if l.Username != emulator.AdminUsername || l.ClientID != clientID || l.RefreshToken != refresh || l.InstanceURL != srv.URL {
		t.Errorf("login = %+v", l)
	}
	for _, s := range []string{secret, refresh, l.AccessToken} {
		if !contains(secrets, s) {
			t.Errorf("%q was not registered as a secret", s)
		}
	}
	opts.TargetOrg = "fromsf"
	o, err := Connect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Client.Identify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if o.Source != "sfprov login" {
		t.Errorf("source = %q", o.Source)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
