package perms

import (
	"sort"
	"strings"
	"testing"
)

func TestAllSortedUniqueAndLarge(t *testing.T) {
	all := All()
	if len(all) < 100 {
		t.Fatalf("catalog has %d permissions, want at least 100", len(all))
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Name < all[j].Name }) {
		t.Fatal("All() is not sorted by Name")
	}
	seen := map[string]string{}
	for _, p := range all {
		if p.Name == "" || p.Label == "" || strings.HasPrefix(p.Name, "Permissions") {
			t.Errorf("bad entry %+v", p)
		}
		for _, k := range []string{normalize(p.Name), normalize(p.Label)} {
			if other, dup := seen[k]; dup && other != p.Name {
				t.Errorf("key %q is both %s and %s", k, other, p.Name)
			}
			seen[k] = p.Name
		}
	}
	all[0].Name = "changed"
	if All()[0].Name == "changed" {
		t.Fatal("All() returned the internal slice")
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"ApiEnabled", "ApiEnabled", true},
		{"PermissionsApiEnabled", "ApiEnabled", true},
		{"API Enabled", "ApiEnabled", true},
		{"api enabled", "ApiEnabled", true},
		{"  API   Enabled ", "ApiEnabled", true},
		{"apienabled", "ApiEnabled", true},
		{"API Only User", "ApiUserOnly", true},
		{"Access Activities", "ActivitiesAccess", true},
		{"Approve Uninstalled Connected Apps", "CanApproveUninstalledApps", true},
		{"ApproveUninstalledConnectedApps", "CanApproveUninstalledApps", true},
		{"Modify All Data", "ModifyAllData", true},
		{"View All Data", "ViewAllData", true},
		{"View Setup and Configuration", "ViewSetup", true},
		{"Customize Application", "CustomizeApplication", true},
		{"Manage Users", "ManageUsers", true},
		{"Manage Internal Users", "ManageInternalUsers", true},
		{"Assign Permission Sets", "AssignPermissionSets", true},
		{"Set Audit Fields upon Record Creation", "CreateAuditFields", true},
		{"Update Records with Inactive Owners", "UpdateWithInactiveOwner", true},
		{"Password Never Expires", "PasswordNeverExpires", true},
		{"View All Users", "ViewAllUsers", true},
		{"Manage Profiles and Permission Sets", "ManageProfilesPermissionsets", true},
		{"Modify Metadata Through Metadata API Functions", "ModifyMetadata", true},
		{"Modify Metadata", "ModifyMetadata", true},
		{"Author Apex", "AuthorApex", true},
		{"Apex REST Services", "ApexRestServices", true},
		{"Edit Tasks", "EditTask", true},
		{"Edit Events", "EditEvent", true},
		{"Convert Leads", "ConvertLeads", true},
		{"Run Reports", "RunReports", true},
		{"Export Reports", "ExportReport", true},
		{"View Roles and Role Hierarchy", "ViewRoles", true},
		{"Manage Data Integrations", "ManageDataIntegrations", true},
		{"Bulk API Hard Delete", "BulkApiHardDelete", true},
		{"Connect Organization to Environment Hub", "ConnectOrgToEnvironmentHub", true},
		{"View Event Log Files", "ViewEventLogFiles", true},
		{"Manage Connected Apps", "ManageRemoteAccess", true},
		{"Use Any API Client", "UseAnyApiClient", true},
		{"Lightning Experience User", "LightningExperienceUser", true},
		{"ViewPlatformEvents", "ViewPlatformEvents", true},
		{"View All Forecasts", "ViewAllForecasts", true},
		{"Manage Quotas", "ManageQuotas", true},
		{"Override Forecasts", "OverrideForecasts", true},
		{"ViewDataLeakageEvents", "ViewDataLeakageEvents", true},
		{"View My Team\u2019s Dashboards", "ViewMyTeamsDashboards", true},
		{"Modify All Date", "", false},
		{"", "", false},
		{"Permissions", "", false},
	}
	for _, tt := range tests {
		p, ok := Lookup(tt.in)
		if ok != tt.ok || p.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.in, p.Name, ok, tt.want, tt.ok)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Modify All Date", "Modify All Data"},
		{"Api Enabeld", "API Enabled"},
		{"ApiEnabeld", "ApiEnabled"},
		{"PermissionsApiEnabeld", "PermissionsApiEnabled"},
		{"ModifyAllDat", "ModifyAllData"},
		{"View Setup", "View Setup and Configuration"},
		{"Launch the rocket", ""},
		{"zzzz", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestField(t *testing.T) {
	p, _ := Lookup("API Enabled")
	if got := p.Field(); got != "PermissionsApiEnabled" {
		t.Fatalf("Field() = %q", got)
	}
}
