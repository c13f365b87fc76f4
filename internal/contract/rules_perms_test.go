//go:build contract

package contract

import (
	"testing"

	"github.com/sfprov/sfprov/internal/state"
)

// The permission names sfprov writes are fields of a live org's
// PermissionSet (the v64.0 describe, emulator schema/userperms.tsv); a
// Metadata-only one (CanApproveUninstalledApps) has no field.
func TestPermissionNames(t *testing.T) {
	var d state.Describe
	if err := suite.client.Do(ctx(), "GET", suite.client.DataPath("sobjects/PermissionSet/describe"), nil, &d); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"PermissionsApiEnabled", "PermissionsActivitiesAccess", "PermissionsModifyAllData", "PermissionsViewAllData",
		"PermissionsViewSetup", "PermissionsCustomizeApplication", "PermissionsApexRestServices", "PermissionsPasswordNeverExpires"} {
		if !d.HasField(f) {
			t.Errorf("PermissionSet has no field %s", f)
		}
	}
	if d.HasField("PermissionsCanApproveUninstalledApps") {
		t.Error("PermissionSet has a field PermissionsCanApproveUninstalledApps; sfprov sets it by Metadata deploy only")
	}
	_, err := tryCreate("PermissionSet", map[string]any{"Name": name("NoSuchField"), "Label": name("NoSuchField"), "PermissionsCanApproveUninstalledApps": true})
	wantAPIError(t, err, 400, "INVALID_FIELD", "No such column 'PermissionsCanApproveUninstalledApps' on sobject of type PermissionSet")
}

// Dependencies are the org's data (Tooling PermissionDependency), and a
// write that breaks one is refused with the labels of what is missing.
func TestPermissionDependencies(t *testing.T) {
	recs, err := suite.client.ToolingQuery(ctx(), "SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE Permission = 'CustomizeApplication'")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.String("RequiredPermission") == "ViewSetup" {
			found = true
			if r.String("PermissionType") != "User Permission" || r.String("RequiredPermissionType") != "User Permission" {
				t.Errorf("CustomizeApplication → ViewSetup: types %q → %q, want User Permission", r.String("PermissionType"), r.String("RequiredPermissionType"))
			}
		}
	}
	if !found {
		t.Errorf("PermissionDependency has no CustomizeApplication → ViewSetup row: %v", recs)
	}
	_, err = tryCreate("PermissionSet", map[string]any{"Name": name("Dep"), "Label": name("Dep"), "PermissionsCustomizeApplication": true, "PermissionsViewSetup": false})
	wantAPIError(t, err, 400, "FIELD_INTEGRITY_EXCEPTION", "Permission Customize Application depends on permission(s): View Setup and Configuration")
	create(t, "PermissionSet", map[string]any{"Name": name("Dep"), "Label": name("Dep"), "PermissionsCustomizeApplication": true, "PermissionsViewSetup": true}, deleter(t, "PermissionSet"))
}
