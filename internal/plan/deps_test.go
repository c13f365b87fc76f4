package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/state"
)

func label(name string) string {
	return map[string]string{"CustomizeApplication": "Customize Application", "ViewSetup": "View Setup and Configuration",
		"ModifyAllData": "Modify All Data", "ViewAllData": "View All Data", "ApiEnabled": "API Enabled"}[name]
}

const customizeSpec = `version: 1
permissionSets:
  - name: Admin_API
    systemPermissions: [Customize Application, API Enabled]
    objects:
      - object: Contact
        access: [delete]
`

func user(name string) state.PermRef { return state.PermRef{Name: name} }
func obj(o, verb string) state.PermRef {
	return state.PermRef{Object: o, Name: verb}
}

// orgWithDeps is a fresh org whose PermissionSet has the permissions the
// tests name, and the given PermissionDependency table.
func orgWithDeps(d *state.Dependencies) *state.State {
	st := freshOrg()
	for _, f := range []string{"PermissionsCustomizeApplication", "PermissionsViewSetup", "PermissionsApiEnabled", "PermissionsModifyAllData", "PermissionsViewAllData"} {
		st.PermissionFields[f] = true
	}
	st.Deps = d
	return st
}

// TestDependenciesFromTheOrg: the org's PermissionDependency decides what a
// permission needs; sfprov's built-in table is not consulted.
func TestDependenciesFromTheOrg(t *testing.T) {
	d := state.NewDependencies(true,
		[2]state.PermRef{user("CustomizeApplication"), user("ViewSetup")},
		[2]state.PermRef{obj("Contact", "delete"), obj("Contact", "read")},
		[2]state.PermRef{obj("Contact", "delete"), obj("Contact", "update")},
		[2]state.PermRef{obj("Contact", "read"), obj("Account", "read")},
	)
	p, ds := Compute(parse(t, customizeSpec), orgWithDeps(d), Options{Requires: requires, Label: label})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	want := []string{
		`create permission set "Admin_API"`,
		`create object access "Account" on permission set "Admin_API"`,
		`create object access "Contact" on permission set "Admin_API"`,
	}
	if diff := cmp.Diff(want, titles(p)); diff != "" {
		t.Fatalf("steps (-want +got):\n%s", diff)
	}
	ps := p.Steps[0]
	if ps.Fields["PermissionsViewSetup"] != true {
		t.Errorf("fields = %v, want PermissionsViewSetup", ps.Fields)
	}
	if ps.Note != "View Setup and Configuration, required by Customize Application" {
		t.Errorf("note = %q", ps.Note)
	}
	if diff := cmp.Diff(map[string]any{"SobjectType": "Contact", "PermissionsRead": true, "PermissionsEdit": true, "PermissionsDelete": true}, p.Steps[2].Fields); diff != "" {
		t.Errorf("Contact access (-want +got):\n%s", diff)
	}
	if acc := p.Steps[1]; acc.Note != "Read Account required by Contact" {
		t.Errorf("Account note = %q", acc.Note)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

// TestDependenciesOrgLacksARow: an org whose table has no row for a pair the
// built-in table knows plans what the org says, not what sfprov believes.
func TestDependenciesOrgLacksARow(t *testing.T) {
	src := `version: 1
permissionSets:
  - name: MAD
    systemPermissions: [Modify All Data]
`
	p, ds := Compute(parse(t, src), orgWithDeps(state.NewDependencies(true)), Options{Requires: requires, Label: label})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if f := p.Steps[0].Fields; f["PermissionsViewAllData"] != nil || f["PermissionsModifyAllData"] != true {
		t.Errorf("fields = %v, want Modify All Data alone", f)
	}
}

// TestDependenciesFallBack: when the org refused PermissionDependency, the
// built-in table is used and the plan says so.
func TestDependenciesFallBack(t *testing.T) {
	src := `version: 1
permissionSets:
  - name: MAD
    systemPermissions: [Modify All Data]
`
	st := orgWithDeps(&state.Dependencies{Refused: "GET /services/data/v62.0/tooling/query: HTTP 400: INVALID_TYPE: sObject type 'PermissionDependency' is not supported."})
	p, ds := Compute(parse(t, src), st, Options{Requires: requires, Label: label})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if f := p.Steps[0].Fields; f["PermissionsViewAllData"] != true {
		t.Errorf("fields = %v, want View All Data from the built-in table", f)
	}
	want := []string{"permission prerequisites: the org did not answer PermissionDependency (GET /services/data/v62.0/tooling/query: HTTP 400: INVALID_TYPE: sObject type 'PermissionDependency' is not supported.); " +
		"sfprov adds only the prerequisites of its built-in table, and the org refuses a permission whose prerequisite is off"}
	if diff := cmp.Diff(want, p.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestConnectedAppPolicy: a packaged connected app's policy is Setup's to
// change. A readable setting that differs is a change (and in the
// checklist); one that matches prints nothing; settings no API reads are a
// check in the checklist only.
func TestConnectedAppPolicy(t *testing.T) {
	src := `version: 1
connectedApps:
  - name: ScreenMeet
    policy:
      permittedUsers: adminApproved
      ipRelaxation: relax
`
	st := freshOrg()
	st.Apps["screenmeet"] = &state.Named{ID: "0H4000000000001AAA", Name: "ScreenMeet"}
	p, ds := Compute(parse(t, src), st, Options{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	where := "Setup → Apps → Connected Apps → Manage Connected Apps → ScreenMeet → Edit Policies"
	want := []SetupChange{{Title: `connected app "ScreenMeet"`, Change: `Permitted Users: "Admin approved users are pre-authorized"`, Where: where}}
	if diff := cmp.Diff(want, p.Setup); diff != "" {
		t.Errorf("setup (-want +got):\n%s", diff)
	}
	if !p.HasChanges() {
		t.Errorf("a policy that differs is not a change")
	}
	wantSteps := []string{
		"In " + where + `, set Permitted Users: "Admin approved users are pre-authorized".`,
		"Check in " + where + ` that IP Relaxation is "Relax IP restrictions" (no API reads these).`,
	}
	if diff := cmp.Diff(wantSteps, p.ManualSteps); diff != "" {
		t.Errorf("checklist (-want +got):\n%s", diff)
	}
	st.AdminApprovedOnly = map[string]bool{"screenmeet": true}
	p, _ = Compute(parse(t, src), st, Options{})
	if p.HasChanges() || len(p.Setup) != 0 || len(p.ManualSteps) != 1 {
		t.Errorf("a matching policy: changes %v, setup %v, checklist %q", p.HasChanges(), p.Setup, p.ManualSteps)
	}
}
