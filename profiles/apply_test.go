package profiles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/cli"
	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/profiles"
)

const token = "00D000000000001AAA!profilestest"

// TestConditionalParts applies profiles to emulator orgs seeded with the
// vendors' managed packages and Person Accounts, where the `if:` parts that a
// fresh org skips come into play, and reads the result back through the REST
// API. Each apply is repeated and must then have nothing to do.
func TestConditionalParts(t *testing.T) {
	tests := []struct {
		name    string
		profile string
		seed    emulator.Seed
		vars    []string
		queries map[string][]string // SOQL → want rows, each "Field=value ..." sorted by field
		steps   []string            // manual steps that must be printed
		noSteps []string            // ... and that must not
	}{
		{
			name:    "coconut with its package and person accounts",
			profile: "coconut.yaml",
			seed: emulator.Seed{PersonAccounts: true, Packages: []emulator.SeedPackage{
				{Namespace: "coconut", Name: "Coconut", Version: "1.27", PermissionSets: []string{"Coconut_Integration_Config"}},
			}},
			queries: map[string][]string{
				"SELECT PermissionSet.Name, PermissionSet.NamespacePrefix FROM PermissionSetAssignment WHERE Assignee.Username = 'coconut.integration@example.com' AND PermissionSet.IsOwnedByProfile = false": {
					"PermissionSet.Name=Coconut_Integration_API_Access PermissionSet.NamespacePrefix=null",
					"PermissionSet.Name=Coconut_Integration_Config PermissionSet.NamespacePrefix=coconut",
				},
				"SELECT SobjectType, PermissionsRead, PermissionsModifyAllRecords, PermissionsViewAllFields FROM ObjectPermissions WHERE Parent.Name = 'Coconut_Integration_API_Access'": {
					"PermissionsModifyAllRecords=true PermissionsRead=true PermissionsViewAllFields=true SobjectType=Account",
					"PermissionsModifyAllRecords=true PermissionsRead=true PermissionsViewAllFields=true SobjectType=Contact",
					"PermissionsModifyAllRecords=true PermissionsRead=true PermissionsViewAllFields=true SobjectType=Lead",
				},
				"SELECT Profile.Name, Profile.UserLicense.Name FROM User WHERE Username = 'coconut.integration@example.com'": {
					"Profile.Name=Coconut Integration Profile.UserLicense.Name=Salesforce Integration",
				},
			},
			noSteps: []string{"Install Coconut's managed package"},
		},
		{
			name:    "screenmeet package 1.26",
			profile: "screenmeet.yaml",
			seed: emulator.Seed{Packages: []emulator.SeedPackage{
				{Namespace: "screenmeet", Name: "ScreenMeet", Version: "1.26", PermissionSets: []string{"ScreenMeet_Service"},
					ConnectedApps: []emulator.SeedConnectedApp{{Name: "ScreenMeet"}}},
			}},
			queries: map[string][]string{
				// Without the audit-fields preference the org has no
				// PermissionsCreateAuditFields field at all.
				"SELECT PermissionsPasswordNeverExpires, PermissionsApexRestServices, PermissionsCustomizeApplication FROM PermissionSet WHERE Name = 'ScreenMeet_Service_System_Permissions'": {
					"PermissionsApexRestServices=true PermissionsCustomizeApplication=true PermissionsPasswordNeverExpires=true",
				},
				"SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE Assignee.Username = 'screenmeet.service@example.com' AND PermissionSet.IsOwnedByProfile = false": {
					"PermissionSet.Name=ScreenMeet_Service",
					"PermissionSet.Name=ScreenMeet_Service_System_Permissions",
				},
				"SELECT Name FROM PermissionSet WHERE Name = 'ScreenMeet_Console_Access'": nil,
			},
			steps:   []string{"Reset My Security Token", "also enter the service account's password and security token"},
			noSteps: []string{"Edit Policies", "Install the ScreenMeet managed package"},
		},
		{
			name:    "screenmeet package 1.27",
			profile: "screenmeet.yaml",
			seed: emulator.Seed{Packages: []emulator.SeedPackage{
				{Namespace: "screenmeet", Name: "ScreenMeet", Version: "1.27", PermissionSets: []string{"ScreenMeet_Service"},
					ConnectedApps: []emulator.SeedConnectedApp{{Name: "ScreenMeet"}}},
			}},
			queries: map[string][]string{
				"SELECT PermissionsPasswordNeverExpires FROM PermissionSet WHERE Name = 'ScreenMeet_Service_System_Permissions'": {
					"PermissionsPasswordNeverExpires=false",
				},
				"SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE Assignee.Username = 'screenmeet.service@example.com' AND PermissionSet.IsOwnedByProfile = false": {
					"PermissionSet.Name=ScreenMeet_Console_Access",
					"PermissionSet.Name=ScreenMeet_Service",
					"PermissionSet.Name=ScreenMeet_Service_System_Permissions",
				},
				"SELECT Parent.Name, SetupEntityType FROM SetupEntityAccess WHERE Parent.Name = 'ScreenMeet_Console_Access'": {
					"Parent.Name=ScreenMeet_Console_Access SetupEntityType=ConnectedApplication",
				},
			},
			steps:   []string{"Edit Policies", "ScreenMeet Console Access went to the users who hold"},
			noSteps: []string{"Reset My Security Token"},
		},
		{
			name:    "screenmeet with audit fields",
			profile: "screenmeet.yaml",
			vars:    []string{"--var", "SCREENMEET_SET_AUDIT_FIELDS=true"},
			// The permission exists once the org preference is on.
			seed: emulator.Seed{OrgPreferences: &emulator.SeedOrgPreferences{EnableAuditFieldsInactiveOwner: true}},
			queries: map[string][]string{
				"SELECT PermissionsCreateAuditFields FROM PermissionSet WHERE Name = 'ScreenMeet_Service_System_Permissions'": {
					"PermissionsCreateAuditFields=true",
				},
			},
			steps: []string{"Override CreatedById"},
		},
		{
			name:    "beyondtrust with its package",
			profile: "beyondtrust-remote-support.yaml",
			vars:    []string{"--var", "APPLIANCE_HOSTNAME=rs.acme.test"},
			seed: emulator.Seed{
				Packages: []emulator.SeedPackage{{Namespace: "BGIntegration", Name: "BeyondTrust", Version: "2.4"}},
				Objects: []emulator.SeedObject{
					{Name: "BGIntegration__Integration_Mapping__c", Fields: []emulator.SeedField{
						{Name: "BGIntegration__BeyondTrust_Field_Name__c", Type: "string"},
						{Name: "BGIntegration__Salesforce_Field_Name__c", Type: "string"},
					}},
					{Name: "BGIntegration__Appliance__c", Fields: []emulator.SeedField{{Name: "BGIntegration__Hostname__c", Type: "string"}}},
					{Name: "BGIntegration__Support_Session__c", Fields: []emulator.SeedField{{Name: "BGIntegration__Case__c", Type: "string"}}},
				},
			},
			queries: map[string][]string{
				"SELECT Name, BGIntegration__BeyondTrust_Field_Name__c, BGIntegration__Salesforce_Field_Name__c FROM BGIntegration__Integration_Mapping__c": {
					"BGIntegration__BeyondTrust_Field_Name__c=external_key BGIntegration__Salesforce_Field_Name__c=Case__c Name=500",
				},
				"SELECT Name, BGIntegration__Hostname__c FROM BGIntegration__Appliance__c": {
					"BGIntegration__Hostname__c=rs.acme.test Name=Default",
				},
			},
			steps:   []string{"Configuration > Default: enter the appliance's Client Id and Client Secret"},
			noSteps: []string{"Install the BeyondTrust managed package"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := tt.seed
			org, err := emulator.New(emulator.Options{AccessToken: token, Seed: &seed})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(org)
			defer srv.Close()
			// The example defaults go to a throw-away emulator org.
			args := append([]string{"apply", tt.profile, "--yes", "--accept-defaults", "--instance-url", srv.URL}, tt.vars...)

			out, code := run(t, args)
			if code != 0 {
				t.Fatalf("first apply: exit %d\n%s", code, out)
			}
			for _, s := range tt.steps {
				if !strings.Contains(out, s) {
					t.Errorf("manual step with %q missing from:\n%s", s, out)
				}
			}
			for _, s := range tt.noSteps {
				if strings.Contains(out, s) {
					t.Errorf("output mentions %q, which this org does not need:\n%s", s, out)
				}
			}
			for q, want := range tt.queries {
				if diff := cmp.Diff(want, query(t, srv.URL, q)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", q, diff)
				}
			}

			out, code = run(t, args)
			if code != 0 {
				t.Fatalf("second apply: exit %d\n%s", code, out)
			}
			if !writesNothing(out) {
				t.Errorf("second apply wants to write, or does not say it has nothing to write:\n%s", out)
			}
		})
	}
}

// TestFreshOrg applies every built-in profile, as shipped and with no
// variables, to a fresh org: each must create its user and then converge.
func TestFreshOrg(t *testing.T) {
	users := map[string]string{ // profile → its user, as "Username Profile.Name IsActive"
		"beyondtrust-remote-support": "IsActive=true Profile.Name=BeyondTrust API User Username=beyondtrust.api@example.com",
		"coconut":                    "IsActive=true Profile.Name=Coconut Integration Username=coconut.integration@example.com",
		"linkpoint-connect":          "IsActive=true Profile.Name=Standard User Username=linkpoint.service@example.com",
		"screenmeet":                 "IsActive=true Profile.Name=Standard User Username=screenmeet.service@example.com",
		"smartcloud-connect":         "IsActive=true Profile.Name=Standard User Username=smartcloud.service@example.com",
	}
	for _, p := range profiles.List() {
		t.Run(p.Name, func(t *testing.T) {
			want, ok := users[p.Name]
			if !ok {
				t.Fatalf("no expectation for profile %q: add it to this test", p.Name)
			}
			org, err := emulator.New(emulator.Options{AccessToken: token})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(org)
			defer srv.Close()
			args := []string{"apply", p.File, "--yes", "--accept-defaults", "--instance-url", srv.URL}
			if out, code := run(t, args); code != 0 {
				t.Fatalf("first apply: exit %d\n%s", code, out)
			}
			got := query(t, srv.URL, "SELECT Username, Profile.Name, IsActive FROM User WHERE CreatedBy.Username = 'admin@emulator.sfprov.local' AND Username != 'admin@emulator.sfprov.local'")
			if diff := cmp.Diff([]string{want}, got); diff != "" {
				t.Errorf("users created (-want +got):\n%s", diff)
			}
			out, code := run(t, args)
			if code != 0 || !writesNothing(out) {
				t.Errorf("second apply: exit %d, want 0 and nothing to write:\n%s", code, out)
			}
		})
	}
}

// writesNothing reports an apply's output that has nothing left to write: one
// "No changes." line, or a plan whose only changes are the system
// permissions that only Setup can switch on (sfprov cannot read those).
func writesNothing(out string) bool {
	if strings.Count(out, "\nNo changes.\n") == 1 {
		return true
	}
	return !strings.Contains(out, "\nApplying to ") &&
		regexp.MustCompile(`\nPlan: 0 to create, 0 to update, 0 to prune, \d+ to change in Setup\.\n`).MatchString(out)
}

// run executes sfprov in process against the test's emulator.
func run(t *testing.T, args []string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	env := map[string]string{"SF_ACCESS_TOKEN": token, "SFPROV_HOME": t.TempDir()}
	code := cli.Run(context.Background(), args, cli.IO{
		In: strings.NewReader(""), Out: &out, Err: &out,
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	return out.String(), code
}

// query runs SOQL through the emulator's REST API and renders each record as
// sorted Field=value pairs, parent fields as Parent.Field.
func query(t *testing.T, base, soql string) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/services/data/v62.0/query?q="+url.QueryEscape(soql), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Records []map[string]any `json:"records"`
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: HTTP %d", soql, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, r := range page.Records {
		var parts []string
		var walk func(prefix string, m map[string]any)
		walk = func(prefix string, m map[string]any) {
			for k, v := range m {
				switch v := v.(type) {
				case map[string]any:
					if k != "attributes" {
						walk(prefix+k+".", v)
					}
				case nil:
					parts = append(parts, prefix+k+"=null")
				default:
					parts = append(parts, fmt.Sprintf("%s%s=%v", prefix, k, v))
				}
			}
		}
		walk("", r)
		sort.Strings(parts)
		rows = append(rows, strings.Join(parts, " "))
	}
	sort.Strings(rows)
	return rows
}
