package planfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/plan"
)

const secretValue = "hunter2-secret-77"

// testPlan creates a permission set, updates a user's profile (with a
// secret field) and installs a package with an installation key.
func testPlan() *plan.Plan {
	ps := plan.PermSetKey("Acme_API")
	user := plan.UserKey("u@example.com")
	return &plan.Plan{
		Target: plan.Target{Name: "dev", OrgID: "00D000000000001AAA"},
		IDs:    map[plan.Key]string{user: "005000000000001AAA", plan.ProfileKey("Read Only"): "00e000000000002AAA", plan.ProfileKey("Elsewhere"): "00e000000000009AAA"},
		Steps: []*plan.Step{
			{Action: plan.Create, Type: plan.TypePermissionSet, Name: "Acme_API", SObject: "PermissionSet", Key: ps,
				Fields:  map[string]any{"Name": "Acme_API", "Description": "key " + secretValue},
				Changes: []plan.Change{{Field: "Description", After: "key " + secretValue, Secret: true}}},
			{Action: plan.Update, Type: plan.TypeUser, Name: "u@example.com", SObject: "User", ID: "005000000000001AAA", Key: user,
				Refs:    map[string]plan.Key{"ProfileId": plan.ProfileKey("Read Only")},
				Fields:  map[string]any{"Title": secretValue},
				Changes: []plan.Change{{Field: "Profile", Before: "Standard User", After: "Read Only"}, {Field: "Title", Before: "x", After: secretValue, Secret: true}}},
			{Action: plan.Create, Type: plan.TypePackage, Name: "acme", SObject: "PackageInstallRequest",
				Package: &plan.PackageInstall{Namespace: "acme", VersionID: "04t000000000001AAA", InstallationKey: secretValue}},
			{Action: plan.Create, Type: plan.TypeOrgSettings, Name: "Security", SObject: "SecuritySettings",
				Metadata: &plan.Metadata{Files: []metadata.File{{Path: "settings/Security.settings", Content: []byte("<x>" + secretValue + "</x>")}}}},
		},
	}
}

func encode(t *testing.T, p *plan.Plan) []byte {
	t.Helper()
	sc := NewScrubber([]string{secretValue})
	f, err := New(p, Org{Name: "dev", OrgID: p.Target.OrgID}, Spec{Files: []SpecFile{{Name: "spec.yaml", Path: "/s/spec.yaml", Content: "version: 1\n"}}, Variables: map[string]string{"A": "b"}}, "test", sc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(f, sc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRoundTrip: a saved plan decodes, holds no secret anywhere (fields,
// changes, package, metadata), and its fingerprint is the plan's.
func TestRoundTrip(t *testing.T) {
	p := testPlan()
	b := encode(t, p)
	if bytes.Contains(b, []byte(secretValue)) {
		t.Fatalf("the plan file holds the secret:\n%s", b)
	}
	if n := bytes.Count(b, []byte(`"(secret)"`)); n != 6 {
		t.Errorf("%d values shown as (secret), want 6 (2 changes, 2 fields, the key, the metadata)\n%s", n, b)
	}
	if !IsPlanFile(b) || IsPlanFile([]byte("version: 1\n")) || IsPlanFile([]byte(`{"version": 1}`)) {
		t.Error("IsPlanFile does not tell a plan file from a spec")
	}
	f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	now, err := Canonical(p, NewScrubber([]string{secretValue}))
	if err != nil {
		t.Fatal(err)
	}
	if now.Fingerprint() != f.StateFingerprint {
		t.Error("the same plan has another fingerprint")
	}
	if d := Compare(Steps{Steps: f.Steps, Setup: f.Setup}, now); len(d) != 0 {
		t.Errorf("the same plan compares different: %q", d)
	}
	// A profile elsewhere in the org is not what the plan relies on.
	p.IDs[plan.ProfileKey("Elsewhere")] = "00e00000000000XAAA"
	if now, _ := Canonical(p, NewScrubber([]string{secretValue})); now.Fingerprint() != f.StateFingerprint {
		t.Error("an Id the plan does not use changed its fingerprint")
	}
}

// TestDecodeRefuses: an edited file, another format, not JSON.
func TestDecodeRefuses(t *testing.T) {
	b := encode(t, testPlan())
	for _, tc := range []struct{ name, from, to, want string }{
		{"spec edited", `version: 1\n`, `version: 2\n`, "the plan file's spec does not match its digest"},
		{"variable edited", `"A": "b"`, `"A": "c"`, "the plan file's spec does not match its digest"},
		{"step edited", `"Read Only"`, `"System Administrator"`, "the plan file's steps do not match its state fingerprint"},
		{"format", `"sfprovPlan": 1`, `"sfprovPlan": 2`, "plan file format 2; this sfprov reads format 1"},
	} {
		edited := strings.Replace(string(b), tc.from, tc.to, 1)
		if edited == string(b) {
			t.Fatalf("%s: %q not in the file", tc.name, tc.from)
		}
		_, err := Decode([]byte(edited))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestCompare: each kind of org change is said in words.
func TestCompare(t *testing.T) {
	sc := NewScrubber(nil)
	saved, _ := Canonical(testPlan(), sc)
	for _, tc := range []struct {
		name   string
		change func(p *plan.Plan)
		want   []string
	}{
		{"created meanwhile", func(p *plan.Plan) {
			p.Steps[0].Action, p.Steps[0].ID = plan.NoOp, "0PS000000000001AAA"
		}, []string{`permission set "Acme_API" now exists (0PS000000000001AAA)`}},
		{"profile changed", func(p *plan.Plan) {
			p.Steps[1].Changes[0].Before = "System Administrator"
		}, []string{`user "u@example.com": Profile changed from "Standard User" to "System Administrator"`}},
		{"already as planned", func(p *plan.Plan) {
			p.Steps[1].Changes = p.Steps[1].Changes[1:]
		}, []string{`user "u@example.com": Profile changed from "Standard User" to "Read Only"`}},
		{"deleted meanwhile", func(p *plan.Plan) {
			p.Steps[1].Action, p.Steps[1].ID = plan.Create, ""
		}, []string{`user "u@example.com" no longer exists (005000000000001AAA)`}},
		{"relied-on Id", func(p *plan.Plan) {
			p.IDs[plan.ProfileKey("Read Only")] = "00e000000000003AAA"
		}, []string{`user "u@example.com": profile:read only is another record now (Id 00e000000000003AAA, was 00e000000000002AAA)`}},
		{"new step", func(p *plan.Plan) {
			p.Steps = append(p.Steps, &plan.Step{Action: plan.Create, Type: plan.TypeGroup, Name: "G", SObject: "PermissionSetGroup"})
		}, []string{`permission set group "G" is now in the plan, to create`}},
		{"step gone", func(p *plan.Plan) {
			p.Steps = p.Steps[:3]
		}, []string{`org settings "Security" is no longer in the plan (the org no longer calls for it)`}},
	} {
		p := testPlan()
		tc.change(p)
		now, _ := Canonical(p, sc)
		if now.Fingerprint() == saved.Fingerprint() {
			t.Errorf("%s: same fingerprint", tc.name)
		}
		got := Compare(saved, now)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestEncodeRefusesSecret: a secret the step marks do not catch (here a
// value only JSON-escaped in the output) still stops the file.
func TestEncodeRefusesSecret(t *testing.T) {
	sc := NewScrubber([]string{"<tag>"})
	f := &File{SfprovPlan: Version, Warnings: []string{"<tag>"}}
	if _, err := Encode(f, sc); err != ErrSecret {
		t.Errorf("err = %v, want ErrSecret", err)
	}
	var v any
	if b, err := Encode(&File{SfprovPlan: Version}, sc); err != nil || json.Unmarshal(b, &v) != nil {
		t.Errorf("a file without secrets: %v", err)
	}
}
