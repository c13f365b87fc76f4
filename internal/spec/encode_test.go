package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// sameSpec compares two specs as the planner sees them: positions and the
// files they came from aside.
func sameSpec(t *testing.T, want, got *Spec) {
	t.Helper()
	opts := []cmp.Option{
		cmpopts.IgnoreTypes(Pos{}),
		cmpopts.IgnoreFields(ObjectAccess{}, "FieldPos"),
		cmpopts.IgnoreFields(Spec{}, "Files"),
		cmpopts.IgnoreUnexported(Spec{}, RecordSet{}),
		cmpopts.EquateEmpty(),
	}
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("Load(Encode(x)) differs from x (-x +reloaded):\n%s", d)
	}
}

func mustLoad(t *testing.T, files []string, opts Options) *Spec {
	t.Helper()
	s, ds := Load(files, opts)
	if ds.HasErrors() {
		t.Fatalf("load %v:\n%s", files, strings.Join(ds.Strings(), "\n"))
	}
	return s
}

// roundTrip encodes s, writes it beside nothing else and loads it back.
func roundTrip(t *testing.T, s *Spec, eo EncodeOptions, lo Options) (*Spec, string) {
	t.Helper()
	out, err := Encode(s, eo)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	back, ds := Load([]string{path}, lo)
	if ds.HasErrors() {
		t.Fatalf("the encoded spec does not load:\n%s\n--- encoded:\n%s", strings.Join(ds.Strings(), "\n"), out)
	}
	return back, string(out)
}

// clearSecrets turns every secret value into a plain one, as it would be
// once written out literally (Encode refuses secrets; the test wants the
// rest of the spec).
func clearSecrets(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clearSecrets(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(Value{}) {
			v.FieldByName("Secret").SetBool(false)
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				clearSecrets(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			clearSecrets(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			clearSecrets(e)
			v.SetMapIndex(k, e)
		}
	}
}

const tricky = `version: 1
name: tricky
description: "a: colon, # hash, and a literal $${NOT_A_VAR}"
variables:
  ORG_DOMAIN: {description: "the domain: acme.com", default: acme.com, placeholder: true}
  EMPTY: {default: ""}
  BARE: {}
  FLAG: {default: "true"}
profiles:
  - name: "Integration: API"
    description: ""
    systemPermissions: [API Enabled, {name: View Setup and Configuration, if: sandbox}]
    objects:
      - object: Account
        access: [read, edit]
        fields: {Name: edit, Phone: read}
        recordTypes: [Business, "123"]
        if: personAccounts
permissionSets:
  - name: Set_One
    label: "true"
    license: Salesforce API Integration
    systemPermissions: [ApiEnabled]
    objects:
      - object: Contact
        access: [read]
        fields: all-read
    connectedApps: [{name: ScreenMeet, if: "package:screenmeet >= 1.2"}]
    apexClasses: [MyClass]
    prune: true
permissionSetGroups:
  - name: Group_One
    permissionSets: [Set_One]
connectedApps:
  - name: ScreenMeet
    policy: {permittedUsers: adminApproved, ipRelaxation: relax, refreshToken: {expireAfter: 90d}}
  - name: Bare
remoteSites:
  - name: Site
    url: https://x.example.com
    disableProtocolSecurity: true
    active: false
records:
  - object: Thing__c
    key: [Name]
    values: {Name: "500", Empty: null, Other: "yes", Cost: "1.50"}
orgSettings: {}
users:
  - username: api@${ORG_DOMAIN}
    firstName: "null"
    lastName: " padded "
    email: admin@${ORG_DOMAIN}
    alias: "007"
    profile: "Integration: API"
    timeZone: America/Los_Angeles
    locale: en_US
    language: en_US
    emailEncoding: ISO-8859-1
    active: true
    password: {fromEnv: API_PASSWORD}
    fields: {Department: "Integrations # 1", Title: "-"}
    permissionSetLicenses: [Salesforce API Integration]
    permissionSets: [Set_One, {name: Other, if: not sandbox}]
    permissionSetGroups: [Group_One]
    prune: true
  - username: second@${ORG_DOMAIN}
    lastName: Second
    email: second@example.org
    profile: Standard User
    password: none
assignments:
  - permissionSet: Set_One
    to:
      users: ["api@${ORG_DOMAIN}"]
      profiles: [Standard User]
      permissionSets: [X]
      permissionSetGroups: [Group_One]
      where: "UserRole.Name = 'Support'"
    if: var:FLAG
manualSteps:
  - "Plain: with a colon"
  - {text: "After the password of api@${ORG_DOMAIN}", after: "password:api@${ORG_DOMAIN}"}
  - {text: Only in production, if: production}
`

func TestEncodeRoundTrip(t *testing.T) {
	dir := t.TempDir()
	trickyPath := filepath.Join(dir, "tricky.yaml")
	if err := os.WriteFile(trickyPath, []byte(tricky), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		files []string
		opts  Options
	}{
		"tricky":     {files: []string{trickyPath}},
		"full.yaml":  {files: []string{"testdata/full.yaml"}, opts: Options{Vars: map[string]string{"CLIENT_SECRET": "s3cr3t", "PACKAGE_PASSWORD": "pw"}}},
		"merge":      {files: []string{"testdata/merge/a.yaml", "testdata/merge/c.yaml"}},
		"empty spec": {files: []string{writeTemp(t, "version: 1\n")}},
	}
	profiles, _ := filepath.Glob("../../profiles/*.yaml")
	if len(profiles) == 0 {
		t.Fatal("no built-in profiles found in ../../profiles")
	}
	for _, p := range profiles {
		cases["profile "+filepath.Base(p)] = struct {
			files []string
			opts  Options
		}{files: []string{p}}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			for _, f := range c.files {
				if _, err := os.Stat(f); err != nil {
					t.Skipf("%s: %v", f, err)
				}
			}
			x := mustLoad(t, c.files, c.opts)
			clearSecrets(reflect.ValueOf(x))
			back, out := roundTrip(t, x, EncodeOptions{}, Options{})
			sameSpec(t, x, back)
			// Encoding what was read back gives the same text: the output
			// is stable.
			again, err := Encode(back, EncodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != out {
				t.Errorf("a second encoding differs:\n--- first\n%s\n--- second\n%s", out, again)
			}
		})
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEncodeSubstitutesVariables(t *testing.T) {
	x := mustLoad(t, []string{writeTemp(t, `version: 1
variables:
  ORG_DOMAIN: {default: acme.com}
  ADMIN_EMAIL: {default: admin@acme.com}
users:
  - username: svc@acme.com
    lastName: acme.com is not a value that takes a variable here? It is.
    email: admin@acme.com
    profile: acme.com Profile
`)}, Options{})
	back, out := roundTrip(t, x, EncodeOptions{Substitute: []string{"ORG_DOMAIN", "ADMIN_EMAIL"}}, Options{})
	sameSpec(t, x, back)
	for _, want := range []string{"username: svc@${ORG_DOMAIN}", "email: ${ADMIN_EMAIL}", "lastName: ${ORG_DOMAIN} is not", "profile: acme.com Profile"} {
		if !strings.Contains(out, want) {
			t.Errorf("encoded spec lacks %q:\n%s", want, out)
		}
	}
	// Another value for the variables changes every place that used them.
	other, _ := Parse("x.yaml", []byte(out), Options{Vars: map[string]string{"ORG_DOMAIN": "other.org", "ADMIN_EMAIL": "it@other.org"}})
	if u := other.Users[0]; u.Username.Value != "svc@other.org" || u.Email.Value != "it@other.org" {
		t.Errorf("with --var: username %q, email %q", u.Username.Value, u.Email.Value)
	}
	if _, err := Encode(x, EncodeOptions{Substitute: []string{"NOPE"}}); err == nil || !strings.Contains(err.Error(), `no variable "NOPE"`) {
		t.Errorf("substituting an undeclared variable: err = %v", err)
	}
}

func TestEncodeRefusesSecrets(t *testing.T) {
	x := mustLoad(t, []string{"testdata/full.yaml"}, Options{Vars: map[string]string{"CLIENT_SECRET": "s3cr3t", "PACKAGE_PASSWORD": "pw"}})
	out, err := Encode(x, EncodeOptions{})
	if err == nil || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("Encode of a spec with secret values: err = %v", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "pw\"") || out != nil {
		t.Errorf("the error or output shows a secret: %v %q", err, out)
	}
}

func TestEncodeKeyOrder(t *testing.T) {
	x := mustLoad(t, []string{writeTemp(t, tricky)}, Options{})
	out, err := Encode(x, EncodeOptions{Comment: "exported by a test\nsecond line"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "# exported by a test\n# second line\n") {
		t.Errorf("comment missing:\n%s", out)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{
		"profiles": profileKeys, "permissionSets": permissionSetKeys, "permissionSetGroups": groupKeys,
		"connectedApps": connectedAppKeys, "remoteSites": remoteSiteKeys, "records": recordKeys,
		"users": userKeys, "assignments": assignmentKeys, "manualSteps": manualStepKeys,
	}
	root := doc.Content[0]
	checkOrder(t, "top level", mappingKeys(root), topKeys)
	for i := 0; i+1 < len(root.Content); i += 2 {
		keys, ok := blocks[root.Content[i].Value]
		if !ok {
			continue
		}
		for _, item := range root.Content[i+1].Content {
			if item.Kind == yaml.MappingNode {
				checkOrder(t, root.Content[i].Value, mappingKeys(item), keys)
			}
		}
	}
	// Quoting only where YAML needs it.
	for _, want := range []string{"label: \"true\"", "alias: \"007\"", "firstName: \"null\"", "lastName: ' padded '", "systemPermissions: [ApiEnabled]", "- name: Set_One\n", "url: https://x.example.com\n", `Other: "yes"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("encoded spec lacks %q:\n%s", want, out)
		}
	}
}

func mappingKeys(m *yaml.Node) []string {
	var out []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, m.Content[i].Value)
	}
	return out
}

func checkOrder(t *testing.T, where string, got, order []string) {
	t.Helper()
	at := 0
	for _, k := range got {
		i := indexOf(order[at:], k)
		if i < 0 {
			t.Errorf("%s: key %q is out of the documented order %v (keys written: %v)", where, k, order, got)
			return
		}
		at += i + 1
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// FuzzEncodeRoundTrip: whatever spec Parse accepts (and holds no secret),
// Encode writes a document that Parse reads back as the same spec, and
// encoding that gives the same text.
func FuzzEncodeRoundTrip(f *testing.F) {
	for _, name := range []string{"testdata/full.yaml", "../../profiles/coconut.yaml", "../../profiles/screenmeet.yaml"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(tricky))
	f.Add([]byte("version: 1\nusers: [{username: \"a\\tb@c.de\", lastName: \"x\\ny\", email: a@b.cd, profile: \"#p\", fields: {A: \"'\", B: \"\\\"\"}}]\n"))
	f.Add([]byte("version: 1\ndescription: \"  lead, trail  \"\nmanualSteps: [\"- dash\", \"? q\", \"&a\", \"*b\", \"!t\", \"%p\", \"@x\", \"`y\", \"[z]\", \"{w}\", \"|\", \">\", \"~\", \"0x1F\", \"1e3\", \".inf\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{Vars: map[string]string{"CLIENT_SECRET": "s", "PACKAGE_PASSWORD": "p"}}
		x, ds := Parse("testdata/fuzz.yaml", data, opts)
		if ds.HasErrors() {
			return
		}
		clearSecrets(reflect.ValueOf(x))
		out, err := Encode(x, EncodeOptions{})
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		back, ds := Parse("testdata/fuzz.yaml", out, Options{})
		if ds.HasErrors() {
			t.Fatalf("the encoded spec does not parse:\n%s\n--- input:\n%s\n--- encoded:\n%s", strings.Join(ds.Strings(), "\n"), data, out)
		}
		sameSpec(t, x, back)
		again, err := Encode(back, EncodeOptions{})
		if err != nil || string(again) != string(out) {
			t.Fatalf("a second encoding differs (%v):\n%s\n---\n%s", err, out, again)
		}
	})
}
