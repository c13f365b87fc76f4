package emulator

import (
	"strings"
	"testing"
)

// TestSeedUserPermissionSets: a seeded user holds the permission sets its
// entry names, a package's by its bare Name or ns__Name; a name the org
// does not have is an error naming the user.
func TestSeedUserPermissionSets(t *testing.T) {
	seed := &Seed{
		Packages: []SeedPackage{{Namespace: "screenmeet", Version: "1.27", PermissionSets: []string{"ScreenMeet_Agent", "ScreenMeet_Admin"}}},
		Users: []SeedUser{
			{Username: "agent@acme.test", LastName: "Agent", Profile: "Standard User", PermissionSets: []string{"ScreenMeet_Agent"}},
			{Username: "boss@acme.test", LastName: "Boss", Profile: "Standard User", PermissionSets: []string{"screenmeet__ScreenMeet_Admin"}},
		},
	}
	o, _ := newTestOrg(t, Options{Seed: seed})
	rows := query(t, o, "SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment WHERE PermissionSet.NamespacePrefix = 'screenmeet' ORDER BY Assignee.Username")
	var got []string
	for _, r := range rows {
		m := r.(map[string]any)
		got = append(got, m["Assignee"].(map[string]any)["Username"].(string)+" "+m["PermissionSet"].(map[string]any)["Name"].(string))
	}
	if want := "agent@acme.test ScreenMeet_Agent|boss@acme.test ScreenMeet_Admin"; strings.Join(got, "|") != want {
		t.Errorf("assignments %q, want %q", strings.Join(got, "|"), want)
	}

	_, err := New(Options{AccessToken: "t", Seed: &Seed{Users: []SeedUser{{Username: "x@acme.test", LastName: "X", Profile: "Standard User", PermissionSets: []string{"Nope"}}}}})
	if err == nil || !strings.Contains(err.Error(), `users: x@acme.test: no permission set named "Nope"`) {
		t.Errorf("unknown set: err %v", err)
	}
}
