package render

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func samplePlan() *plan.Plan {
	p := &plan.Plan{Target: plan.Target{Name: "acme", Kind: "production", InstanceURL: "https://acme.my.salesforce.com", Username: "admin@acme.com", OrgID: "00D000000000001AAA"}}
	p.Warnings = []string{"remoteSites: not applied by this version of sfprov (1 in the spec)"}
	p.ManualSteps = []string{"Reset the security token of the service account."}
	p.Setup = []plan.SetupChange{{Title: `connected app "Acme"`, Change: `Permitted Users: "Admin approved users are pre-authorized"`,
		Where: "Setup → Apps → Connected Apps → Manage Connected Apps → Acme → Edit Policies"}}
	p.Steps = append(p.Steps,
		&plan.Step{Action: plan.Create, Type: plan.TypeProfile, Name: "Acme Integration", SObject: "Profile", Note: `clone of "Minimum Access - API Only Integrations"`,
			Changes: []plan.Change{{Field: "Name", After: "Acme Integration"}, {Field: "UserLicense", After: "Salesforce Integration"}}},
		&plan.Step{Action: plan.Update, Type: plan.TypePermissionSet, Name: "Acme_API", SObject: "PermissionSet", ID: "0PS000000000001AAA",
			Changes: []plan.Change{{Field: "Label", Before: "Acme", After: "Acme API"}, {Field: "PermissionsApiEnabled", Before: false, After: true}}},
		&plan.Step{Action: plan.NoOp, Type: plan.TypeObjectAccess, Name: "Contact", Parent: `permission set "Acme_API"`, SObject: "ObjectPermissions", ID: "110000000000001AAA"},
	)
	for _, f := range []string{"Description", "Industry", "Phone", "Website"} {
		p.Steps = append(p.Steps, &plan.Step{Action: plan.Create, Type: plan.TypeFieldAccess, Name: "Account." + f, Parent: `permission set "Acme_API"`, SObject: "FieldPermissions",
			Fields: map[string]any{"PermissionsRead": true, "PermissionsEdit": f != "Industry"}, Changes: []plan.Change{{Field: "PermissionsRead", After: true}}})
	}
	p.Steps = append(p.Steps,
		&plan.Step{Action: plan.Create, Type: plan.TypeUser, Name: "acme@acme.com", SObject: "User",
			Changes: []plan.Change{{Field: "Username", After: "acme@acme.com"}, {Field: "Department", After: "Secret Dept", Secret: true}}},
		&plan.Step{Action: plan.Prune, Type: plan.TypePermSetAssign, Name: "Old_Set", Parent: `user "acme@acme.com"`, SObject: "PermissionSetAssignment", ID: "0Pa000000000001AAA"},
	)
	return p
}

func TestPlanHumanGolden(t *testing.T) {
	var b bytes.Buffer
	Plan(&b, samplePlan(), Style{})
	golden(t, "plan.golden", b.Bytes())
}

func TestPlanJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, PlanResult(samplePlan())); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.json.golden", b.Bytes())
	if bytes.Contains(b.Bytes(), []byte("Secret Dept")) {
		t.Error("JSON plan shows a secret value")
	}
}

func TestNoChanges(t *testing.T) {
	p := &plan.Plan{Target: plan.Target{Name: "local", Kind: "embedded emulator org", Username: "admin@emulator.sfprov.local"}}
	p.Steps = []*plan.Step{{Action: plan.NoOp, Type: plan.TypePermissionSet, Name: "X"}}
	var b bytes.Buffer
	Plan(&b, p, Style{})
	want := "Target org: local (embedded emulator org) as admin@emulator.sfprov.local\nNo changes.\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestFailureReport(t *testing.T) {
	p := samplePlan()
	o := Outcome{Done: p.Steps[:1], Failed: p.Steps[1:2], NotRun: p.Steps[7:8], Errors: map[*plan.Step]error{p.Steps[1]: errors.New("FIELD_INTEGRITY_EXCEPTION: Permission Modify All Data depends on permission(s): View All Data")}}
	var b bytes.Buffer
	Failure(&b, "https://acme.my.salesforce.com as admin@acme.com", o, Style{})
	golden(t, "failure.golden", b.Bytes())
}

// TestFieldAccessRuns: field access of one object with one outcome is one
// progress line and one failure-report entry, however many fields; a
// different outcome or object starts a new run, and short runs stay per field.
func TestFieldAccessRuns(t *testing.T) {
	busy := errors.New("POST /services/data/v62.0/composite: HTTP 503: SERVER_UNAVAILABLE: Server too busy")
	step := func(field string) *plan.Step {
		return &plan.Step{Action: plan.Create, Type: plan.TypeFieldAccess, Name: field, Parent: `profile "Agent"`, SObject: "FieldPermissions"}
	}
	var steps []*plan.Step
	errs := map[*plan.Step]error{}
	for _, f := range []string{"Account.Fax", "Account.Industry", "Account.Name", "Account.Phone", "Case.Subject", "Case.Reason"} {
		s := step(f)
		steps = append(steps, s)
		errs[s] = busy
	}
	ok := step("Lead.Company")
	user := &plan.Step{Action: plan.Create, Type: plan.TypeUser, Name: "agent@acme.com", SObject: "User"}

	var b bytes.Buffer
	pr := &Progress{W: &b}
	for _, s := range steps {
		pr.Step(s, errs[s])
	}
	pr.Step(ok, nil)
	pr.Flush()
	want := `  ✗ field access "Account" on profile "Agent" (4 fields): ` + busy.Error() + `
  ✗ field access "Case.Subject" on profile "Agent": ` + busy.Error() + `
  ✗ field access "Case.Reason" on profile "Agent": ` + busy.Error() + `
  ✓ created field access "Lead.Company" on profile "Agent"
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}

	b.Reset()
	Failure(&b, "local", Outcome{Failed: steps, NotRun: append([]*plan.Step{user}, steps[:4]...), Errors: errs}, Style{})
	want = `
Apply to local failed: 0 done, 6 failed, 5 not run.
Failed: field access "Account" on profile "Agent" (4 fields)
  ` + busy.Error() + `
Failed: field access "Case.Subject" on profile "Agent", field access "Case.Reason" on profile "Agent"
  ` + busy.Error() + `
Not run:
  + user "agent@acme.com"
  + field access "Account" on profile "Agent" (4 fields)
What was done stays done. Fix the cause and re-run the same apply: it plans again from the org and continues from here.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("failure report (-want +got):\n%s", diff)
	}
}
