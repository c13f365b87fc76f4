package emulator

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeSeed(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadSeed(t *testing.T) {
	p := writeSeed(t, `personAccounts: true
sandbox: true
licenses:
  - {name: Salesforce, seats: 5000}
packages:
  - namespace: coconut
    name: Coconut
    version: "1.27"
    permissionSets: [Coconut_Integration_Config]
    connectedApps: [{name: Coconut, permittedUsers: allSelfAuthorize, ipRelaxation: enforce}]
objects:
  - name: Acme_Mapping__c
    fields: [{name: Target_Field__c, type: string}]
users:
  - {username: ci.integration@example.com, lastName: CI Integration, profile: System Administrator, password: s3cret!}
`)
	s, err := LoadSeed(p)
	if err != nil {
		t.Fatal(err)
	}
	want := &Seed{PersonAccounts: true, Sandbox: true, Licenses: []SeedLicense{{"Salesforce", 5000}},
		Packages: []SeedPackage{{Namespace: "coconut", Name: "Coconut", Version: "1.27", PermissionSets: []string{"Coconut_Integration_Config"},
			ConnectedApps: []SeedConnectedApp{{Name: "Coconut", PermittedUsers: "allSelfAuthorize", IPRelaxation: "enforce"}}}},
		Objects: []SeedObject{{Name: "Acme_Mapping__c", Fields: []SeedField{{Name: "Target_Field__c", Type: "string"}}}},
		Users:   []SeedUser{{Username: "ci.integration@example.com", LastName: "CI Integration", Profile: "System Administrator", Password: "s3cret!"}}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got %+v\nwant %+v", s, want)
	}
	o, _ := newTestOrg(t, Options{Seed: s})
	if got := query(t, o, "SELECT IsSandbox FROM Organization")[0].(map[string]any)["IsSandbox"]; got != true {
		t.Errorf("IsSandbox %v", got)
	}
	if got := query(t, o, "SELECT TotalLicenses FROM UserLicense WHERE Name = 'Salesforce'")[0].(map[string]any)["TotalLicenses"]; got != 5000.0 {
		t.Errorf("seats %v", got)
	}
	d := do(t, o, "GET", v+"/sobjects/Account/describe", nil).obj(t)
	_, fields := describeFields(t, d)
	if _, ok := fields["IsPersonAccount"]; !ok {
		t.Error("person accounts: no IsPersonAccount")
	}
	rts := d["recordTypeInfos"].([]any)
	if len(rts) != 2 || rts[0].(map[string]any)["developerName"] != "PersonAccount" {
		t.Errorf("record types %v", rts)
	}
	tq := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT SubscriberPackage.NamespacePrefix, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion FROM InstalledSubscriberPackage"), nil).obj(t)
	rec := tq["records"].([]any)[0].(map[string]any)
	if rec["SubscriberPackage"].(map[string]any)["NamespacePrefix"] != "coconut" || rec["SubscriberPackageVersion"].(map[string]any)["MinorVersion"] != 27.0 {
		t.Errorf("package: %v", rec)
	}
	idOf(t, o, "SELECT Id FROM User WHERE Username = 'ci.integration@example.com' AND Profile.Name = 'System Administrator'")
	create(t, o, "Acme_Mapping__c", map[string]any{"Name": "m", "Target_Field__c": "v"})
}

func TestLoadSeedErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"unknown top key", "personAccounts: true\nsandboxx: false\n", "SEED:2:1: unknown key \"sandboxx\"; did you mean \"sandbox\"? (allowed: personAccounts, sandbox, licenses, packages, availablePackages, objects, users, soapLogin, oauthApp, orgPreferences, permissionDependencies, oauthTokens, loginHistory)"},
		{"unknown nested key", "packages:\n  - namespace: x\n    permsets: [A]\n", "SEED:3:5: unknown key \"permsets\"; did you mean \"permissionSets\"? (allowed: versionId, namespace, name, version, permissionSets, connectedApps, objects)"},
		{"unknown field key", "objects:\n  - name: A__c\n    fields: [{name: B__c, type: string, unique: true}]\n", "SEED:3:41: unknown key \"unique\" (allowed: name, type, externalId)"},
		{"unknown user key", "users:\n  - {username: a@b.c, lastName: A, profile: Standard User, role: x}\n", "SEED:2:60: unknown key \"role\" (allowed: username, firstName, lastName, email, alias, profile, password, active, permissionSets)"},
		{"wrong type", "sandbox: maybe\n", "SEED: line 1: cannot unmarshal !!str `maybe` into bool"},
		{"bad permittedUsers", "packages:\n  - namespace: x\n    connectedApps: [{name: A, permittedUsers: everyone}]\n", "SEED: packages[0].connectedApps[0]: permittedUsers \"everyone\": want allSelfAuthorize, adminApproved or adminApprovedPreAuthorize"},
		{"bad object name", "objects:\n  - name: Mapping\n", "SEED: objects[0]: name \"Mapping\" must end in __c"},
		{"bad version", "packages:\n  - {namespace: x, version: one}\n", "SEED: packages[0]: version \"one\": want major.minor[.patch[.build]]"},
		{"user without profile", "users:\n  - {username: a@b.c, lastName: A}\n", "SEED: users[0]: profile is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeSeed(t, tt.text)
			_, err := LoadSeed(p)
			if err == nil {
				t.Fatal("no error")
			}
			if got, want := err.Error(), replaceSeed(tt.want, p); got != want {
				t.Errorf("error\n got %q\nwant %q", got, want)
			}
		})
	}
	// Values that only the org can check fail in New.
	_, err := New(Options{Seed: &Seed{Users: []SeedUser{{Username: "a@b.c", LastName: "A", Profile: "Nope"}}}})
	if err == nil || err.Error() != "emulator: seed the org: users: a@b.c: no profile named \"Nope\" (have: Analytics Cloud Integration User, Chatter Free User, Minimum Access - API Only Integrations, Minimum Access - Salesforce, Read Only, Standard Platform User, Standard User, System Administrator)" {
		t.Errorf("unknown profile: %v", err)
	}
	_, err = New(Options{Seed: &Seed{Licenses: []SeedLicense{{Name: "Salesforce", Seats: 1}},
		Users: []SeedUser{{Username: "a@b.c", LastName: "A", Profile: "Standard User"}}}})
	if err == nil || err.Error() != "emulator: seed the org: users: 2 active users need the \"Salesforce\" licence, which has 1 seats" {
		t.Errorf("too few seats: %v", err)
	}
	_, err = New(Options{Seed: &Seed{Licenses: []SeedLicense{{Name: "Platinum", Seats: 1}}}})
	if err == nil || err.Error() != "emulator: seed the org: licenses: no user licence or permission set licence named \"Platinum\"" {
		t.Errorf("unknown licence: %v", err)
	}
}

func replaceSeed(s, path string) string {
	out := ""
	for i := 0; i < len(s); i++ {
		if i+4 <= len(s) && s[i:i+4] == "SEED" {
			out += path
			i += 3
			continue
		}
		out += string(s[i])
	}
	return out
}
