package spec

import (
	"strings"
	"testing"
)

func TestFullExample(t *testing.T) {
	s, ds := Load([]string{"testdata/full.yaml"}, Options{Vars: map[string]string{"CLIENT_SECRET": "s3cr3t", "PACKAGE_PASSWORD": "pw"}})
	if ds.HasErrors() {
		t.Fatalf("full.yaml has diagnostics:\n%s", strings.Join(ds.Strings(), "\n"))
	}
	if s.Version != 1 || s.Name != "full-example" {
		t.Errorf("version/name = %d/%q", s.Version, s.Name)
	}
	counts := map[string]int{
		"variables": len(s.Variables), "packages": len(s.Packages), "profiles": len(s.Profiles),
		"permissionSets": len(s.PermissionSets), "permissionSetGroups": len(s.PermissionSetGroups),
		"connectedApps": len(s.ConnectedApps), "externalClientApps": len(s.ExternalClientApps),
		"remoteSites": len(s.RemoteSites), "records": len(s.Records), "users": len(s.Users),
		"assignments": len(s.Assignments), "manualSteps": len(s.ManualSteps),
	}
	want := map[string]int{
		"variables": 6, "packages": 1, "profiles": 1, "permissionSets": 2, "permissionSetGroups": 1,
		"connectedApps": 2, "externalClientApps": 1, "remoteSites": 1, "records": 3, "users": 2,
		"assignments": 2, "manualSteps": 2,
	}
	for k, w := range want {
		if counts[k] != w {
			t.Errorf("%s: got %d items, want %d", k, counts[k], w)
		}
	}
	if s.OrgSettings == nil || s.OrgSettings.SetAuditFieldsOnCreation == nil || !*s.OrgSettings.SetAuditFieldsOnCreation {
		t.Errorf("orgSettings not decoded: %+v", s.OrgSettings)
	}
}
