package apply_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/emulator/emutest"
	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

const testToken = "00D000000000001AAA!AQapplytesttoken"

// TestMain silences simpleforce's logging of failed requests (the CLI does the same).
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}

type org struct {
	url string
	clk *emutest.Clock
}

func newOrg(t testing.TB, seed *emulator.Seed) org {
	t.Helper()
	return newOrgWith(t, emulator.Options{Seed: seed})
}

// newOrgWith serves an org made with opts, on the test's clock and token. The
// clock ticks a tenth of a second a request: a permission set group finishes
// recalculating after a number of requests, not of seconds (no timed tests).
func newOrgWith(t testing.TB, opts emulator.Options) org {
	t.Helper()
	clk := emutest.NewClock(100 * time.Millisecond)
	opts.AccessToken, opts.Now = testToken, clk.Now
	return org{emutest.Serve(t, opts), clk}
}

func (o org) client() *salesforce.Client {
	return salesforce.New(salesforce.Config{InstanceURL: o.url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})})
}

func parse(t testing.TB, src string) *spec.Spec {
	t.Helper()
	s, ds := spec.Parse("spec.yaml", []byte(src), spec.Options{Getenv: func(string) (string, bool) { return "", false }})
	if ds.HasErrors() {
		t.Fatalf("spec: %v", ds)
	}
	return s
}

// planFor reads the org and computes the plan for src, as `sfprov plan` does.
func planFor(t testing.TB, c *salesforce.Client, src string) *plan.Plan {
	t.Helper()
	s := parse(t, src)
	st, err := state.Read(context.Background(), c, state.NeedsOf(s))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	p, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
	if ds.HasErrors() {
		t.Fatalf("Compute: %v", ds)
	}
	return p
}

func titles(steps []*plan.Step) []string {
	out := []string{}
	for _, s := range steps {
		out = append(out, string(s.Action)+" "+s.Title())
	}
	return out
}

// brokenSpec gives a Salesforce Integration user a permission set with
// Account access but not the SalesforceAPIIntegrationPsl: Salesforce refuses
// that assignment (salesforce-api-facts.md §1), in the next-to-last wave.
const brokenSpec = `version: 1
permissionSets:
  - name: Acme_Data
    objects:
      - object: Account
        access: [read]
  - name: Acme_API
    systemPermissions: [API Enabled]
permissionSetGroups:
  - name: Acme_Group
    permissionSets: [Acme_API]
users:
  - username: acme.integration@example.com
    lastName: Acme Integration
    email: admin@example.com
    profile: Minimum Access - API Only Integrations
    permissionSets: [Acme_API, Acme_Data]
    permissionSetGroups: [Acme_Group]
`

// fixedSpec is brokenSpec with the licence the guide forgot.
const fixedSpec = brokenSpec + `    permissionSetLicenses: [Salesforce API Integration]
`

// TestExecuteStopsAfterTheFailingWave: a failure in one wave leaves the
// earlier waves done, the rest of its own wave done, and the later waves not
// run; the error keeps Salesforce's code and message. A re-run after the fix
// does only what is left, and a third run has nothing to do.
func TestExecuteStopsAfterTheFailingWave(t *testing.T) {
	ctx := context.Background()
	o := newOrg(t, nil)
	c := o.client()

	p := planFor(t, c, brokenSpec)
	var reported []string
	res, err := apply.Execute(ctx, c, p, apply.Options{OnStep: func(s *plan.Step, err error) {
		status := "ok"
		if err != nil {
			status = "failed"
		}
		reported = append(reported, status+" "+s.Title())
	}})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	// Waves: sets, group and user; access and members; assignments. The
	// failing assignment's wave runs to its end (its other records are
	// independent), so only later waves would be not run.
	wantDone := []string{
		`create permission set "Acme_Data"`,
		`create permission set "Acme_API"`,
		`create permission set group "Acme_Group"`,
		`create user "acme.integration@example.com"`,
		`create object access "Account" on permission set "Acme_Data"`,
		`create group member "Acme_API" on permission set group "Acme_Group"`,
		`create permission set "Acme_API" on user "acme.integration@example.com"`,
		`create permission set group "Acme_Group" on user "acme.integration@example.com"`,
	}
	wantFailed := []string{`create permission set "Acme_Data" on user "acme.integration@example.com"`}
	var wantNotRun []string
	if diff := cmp.Diff(wantDone, titles(res.Done)); diff != "" {
		t.Errorf("Done (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantFailed, titles(res.Failed)); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantNotRun, titles(res.NotRun), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("NotRun (-want +got):\n%s", diff)
	}
	if len(reported) != len(wantDone)+len(wantFailed) {
		t.Errorf("OnStep reported %d steps, want %d (not-run steps are not reported): %q", len(reported), len(wantDone)+len(wantFailed), reported)
	}
	if len(res.Failed) == 1 {
		var se *apply.StepError
		if !errors.As(res.Errors[res.Failed[0]], &se) {
			t.Fatalf("error %v (%T) is not a *StepError", res.Errors[res.Failed[0]], res.Errors[res.Failed[0]])
		}
		want := []salesforce.ErrorItem{{Code: "FIELD_INTEGRITY_EXCEPTION",
			Message: "Can't assign permission set Acme Data to user Acme Integration. The user license doesn't allow the permission: Read Accounts"}}
		if diff := cmp.Diff(want, se.Errors, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("StepError (-want +got):\n%s", diff)
		}
		if got, want := se.Error(), "FIELD_INTEGRITY_EXCEPTION: "+want[0].Message; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
	// The result has the Ids of what apply created, and none for the
	// failed step; the plan is left as it was.
	for _, s := range res.Done {
		if res.Created[s] == "" {
			t.Errorf("done step %s has no Id in the result", s.Title())
		}
		if s.Action == plan.Create && s.ID != "" {
			t.Errorf("apply wrote Id %s into the plan's step %s", s.ID, s.Title())
		}
	}
	if id := res.Created[res.Failed[0]]; id != "" {
		t.Errorf("failed step has Id %s", id)
	}

	// The group has finished recalculating by the time the admin re-runs
	// (facts §6); the fixed spec plans only what is left.
	o.clk.Advance(time.Minute)
	p = planFor(t, c, fixedSpec)
	wantRest := []string{
		`create licence "Salesforce API Integration" on user "acme.integration@example.com"`,
		`create permission set "Acme_Data" on user "acme.integration@example.com"`,
	}
	if diff := cmp.Diff(wantRest, titles(p.Changing())); diff != "" {
		t.Errorf("re-run plan (-want +got):\n%s", diff)
	}
	res, err = apply.Execute(ctx, c, p, apply.Options{})
	if err != nil || len(res.Failed)+len(res.NotRun) > 0 {
		t.Fatalf("re-run: err %v, failed %q, not run %q, errors %v", err, titles(res.Failed), titles(res.NotRun), res.Errors)
	}
	if diff := cmp.Diff(wantRest, titles(res.Done)); diff != "" {
		t.Errorf("re-run Done (-want +got):\n%s", diff)
	}
	if p := planFor(t, c, fixedSpec); p.HasChanges() {
		t.Errorf("third plan has changes: %q", titles(p.Changing()))
	}
}

// TestExecuteLicenceLimit: a user licence without a free seat refuses the user
// (LICENSE_LIMIT_EXCEEDED); what needs the user (its licence and
// assignments) is not run, what does not (access, members) is done.
// Freeing a seat and re-running finishes the job.
func TestExecuteLicenceLimit(t *testing.T) {
	ctx := context.Background()
	o := newOrg(t, &emulator.Seed{
		Licenses: []emulator.SeedLicense{{Name: "Salesforce Integration", Seats: 1}},
		Users:    []emulator.SeedUser{{Username: "old.integration@example.com", LastName: "Old Integration", Profile: "Minimum Access - API Only Integrations"}},
	})
	c := o.client()
	p := planFor(t, c, fixedSpec)
	res, err := apply.Execute(ctx, c, p, apply.Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	wantFailed := []string{`create user "acme.integration@example.com"`}
	wantNotRun := []string{
		`create licence "Salesforce API Integration" on user "acme.integration@example.com"`,
		`create permission set "Acme_API" on user "acme.integration@example.com"`,
		`create permission set "Acme_Data" on user "acme.integration@example.com"`,
		`create permission set group "Acme_Group" on user "acme.integration@example.com"`,
	}
	if diff := cmp.Diff(wantFailed, titles(res.Failed)); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantNotRun, titles(res.NotRun)); diff != "" {
		t.Errorf("NotRun (-want +got):\n%s", diff)
	}
	wantDone := []string{
		`create permission set "Acme_Data"`,
		`create permission set "Acme_API"`,
		`create permission set group "Acme_Group"`,
		`create object access "Account" on permission set "Acme_Data"`,
		`create group member "Acme_API" on permission set group "Acme_Group"`,
	}
	if diff := cmp.Diff(wantDone, titles(res.Done)); diff != "" {
		t.Errorf("Done (-want +got):\n%s", diff)
	}
	if len(res.Failed) == 1 {
		want := "LICENSE_LIMIT_EXCEEDED: License Limit Exceeded"
		if got := res.Errors[res.Failed[0]].Error(); got != want {
			t.Errorf("error = %q, want %q", got, want)
		}
	}

	// Free the seat: deactivate the old user (users cannot be deleted).
	old, err := c.Query(ctx, "SELECT Id FROM User WHERE Username = 'old.integration@example.com'")
	if err != nil || len(old) != 1 {
		t.Fatalf("find the old user: %v", err)
	}
	if res, err := c.Update(ctx, []salesforce.Record{{"attributes": map[string]any{"type": "User"}, "Id": old[0].String("Id"), "IsActive": false}}); err != nil || !res[0].Success {
		t.Fatalf("deactivate the old user: %v %+v", err, res)
	}
	o.clk.Advance(time.Minute)
	p = planFor(t, c, fixedSpec)
	res, err = apply.Execute(ctx, c, p, apply.Options{})
	if err != nil || len(res.Failed)+len(res.NotRun) > 0 {
		t.Fatalf("re-run: err %v, failed %q, not run %q, errors %v", err, titles(res.Failed), titles(res.NotRun), res.Errors)
	}
	if diff := cmp.Diff(append(wantFailed, wantNotRun...), titles(res.Done)); diff != "" {
		t.Errorf("re-run Done (-want +got):\n%s", diff)
	}
	if p := planFor(t, c, fixedSpec); p.HasChanges() {
		t.Errorf("third plan has changes: %q", titles(p.Changing()))
	}
}

// TestExecuteCancelled: with the context already cancelled nothing is sent and
// every step is reported as not run.
func TestExecuteCancelled(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	p := planFor(t, c, fixedSpec)
	before := c.Calls()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := apply.Execute(ctx, c, p, apply.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Execute = %v, want context.Canceled", err)
	}
	if len(res.Done)+len(res.Failed) != 0 || len(res.NotRun) != len(p.Changing()) {
		t.Errorf("done %q, failed %q, not run %d of %d", titles(res.Done), titles(res.Failed), len(res.NotRun), len(p.Changing()))
	}
	if c.Calls() != before {
		t.Errorf("Execute made %d calls with a cancelled context", c.Calls()-before)
	}
}

// converge plans and applies src until done, failing on any failed step, and
// returns the steps the apply changed.
func converge(t *testing.T, c *salesforce.Client, src string) []string {
	t.Helper()
	p := planFor(t, c, src)
	res, err := apply.Execute(context.Background(), c, p, apply.Options{PollInterval: time.Millisecond, GroupWait: 30 * time.Second})
	if err != nil || len(res.Failed)+len(res.NotRun) > 0 {
		t.Fatalf("Execute: err %v, failed %q, not run %q, errors %v", err, titles(res.Failed), titles(res.NotRun), res.Errors)
	}
	if p := planFor(t, c, src); p.HasChanges() {
		t.Fatalf("plan after apply still has changes: %q", titles(p.Changing()))
	}
	return titles(res.Done)
}

// TestExecuteUpdatesAndPrunes: updates to every kind of record, and prunes of
// what a `prune: true` block no longer lists, are accepted by the org and
// converge in one apply.
func TestExecuteUpdatesAndPrunes(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	const v1 = `version: 1
permissionSets:
  - name: Acme_Data
    label: Acme Data
    systemPermissions: [API Enabled]
    objects:
      - object: Account
        access: [read]
        fields: {Industry: read, Description: edit}
      - object: Contact
        access: [read, create]
  - name: Acme_Extra
permissionSetGroups:
  - name: Acme_Group
    label: Acme Group
    permissionSets: [Acme_Extra]
users:
  - username: acme.update@example.com
    lastName: Acme Update
    email: one@example.com
    profile: Standard User
    permissionSets: [Acme_Data, Acme_Extra]
`
	converge(t, c, v1)
	o.clk.Advance(time.Minute)

	const v2 = `version: 1
permissionSets:
  - name: Acme_Data
    label: Acme Data v2
    systemPermissions: [API Enabled, View Setup and Configuration]
    objects:
      - object: Account
        access: [read, edit]
        fields: {Industry: edit}
    prune: true
permissionSetGroups:
  - name: Acme_Group
    label: Acme Group v2
    permissionSets: [Acme_Data]
users:
  - username: acme.update@example.com
    lastName: Acme Update
    email: two@example.com
    profile: Standard User
    permissionSets: [Acme_Data]
    prune: true
`
	got := converge(t, c, v2)
	want := []string{
		`update permission set "Acme_Data"`,
		`prune object access "Contact" on permission set "Acme_Data"`,
		`update object access "Account" on permission set "Acme_Data"`,
		`prune field access "Account.Description" on permission set "Acme_Data"`,
		`update field access "Account.Industry" on permission set "Acme_Data"`,
		`update permission set group "Acme_Group"`,
		`create group member "Acme_Data" on permission set group "Acme_Group"`,
		`update user "acme.update@example.com"`,
		`prune permission set "Acme_Extra" on user "acme.update@example.com"`,
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("second apply (-want +got):\n%s", diff)
	}

	// The org holds v2, read back through the API.
	rs, err := c.Query(context.Background(), "SELECT Label, PermissionsViewSetup FROM PermissionSet WHERE Name = 'Acme_Data'")
	if err != nil || len(rs) != 1 || rs[0].String("Label") != "Acme Data v2" || !rs[0].Bool("PermissionsViewSetup") {
		t.Errorf("Acme_Data = %v, %v", rs, err)
	}
	rs, err = c.Query(context.Background(), "SELECT SobjectType, PermissionsEdit FROM ObjectPermissions WHERE Parent.Name = 'Acme_Data'")
	if err != nil || len(rs) != 1 || rs[0].String("SobjectType") != "Account" || !rs[0].Bool("PermissionsEdit") {
		t.Errorf("object access of Acme_Data = %v, %v", rs, err)
	}
	rs, err = c.Query(context.Background(), "SELECT Email FROM User WHERE Username = 'acme.update@example.com'")
	if err != nil || len(rs) != 1 || rs[0].String("Email") != "two@example.com" {
		t.Errorf("user = %v, %v", rs, err)
	}
}

// TestExecuteConvergesEveryKind: one spec with each kind of record sfprov
// writes converges in one apply, and a second plan is empty.
func TestExecuteConvergesEveryKind(t *testing.T) {
	o := newOrg(t, &emulator.Seed{Packages: []emulator.SeedPackage{{
		Namespace: "coconut", Name: "Coconut", Version: "1.27",
		PermissionSets: []string{"Coconut_Integration_Config"},
		ConnectedApps:  []emulator.SeedConnectedApp{{Name: "Coconut", PermittedUsers: "adminApprovedPreAuthorize"}},
	}}})
	c := o.client()
	t.Setenv("ACME_TEST_PASSWORD", "Sup3r-secret-pw!")
	const src = `version: 1
profiles:
  - name: Acme Integration
    cloneFrom: Minimum Access - API Only Integrations
    systemPermissions: [API Enabled]
    objects:
      - object: Account
        access: [read]
        fields: {Industry: read}
permissionSets:
  - name: Acme_Apps
    label: Acme Apps
    connectedApps: [Coconut]
    objects:
      - object: Case
        access: [read, edit]
        fields: all-read
users:
  - username: acme.every@example.com
    lastName: Acme Every
    email: every@example.com
    profile: Acme Integration
    password: {fromEnv: ACME_TEST_PASSWORD}
    fields: {Department: Integrations}
    permissionSetLicenses: [Salesforce API Integration]
    permissionSets: [Acme_Apps, coconut__Coconut_Integration_Config]
  - username: acme.reset@example.com
    lastName: Acme Reset
    email: reset@example.com
    profile: Standard User
    password: reset
`
	p := planFor(t, c, src)
	res, err := apply.Execute(context.Background(), c, p, apply.Options{Getenv: os.LookupEnv})
	if err != nil || len(res.Failed)+len(res.NotRun) > 0 {
		t.Fatalf("Execute: err %v, failed %q, not run %q, errors %v", err, titles(res.Failed), titles(res.NotRun), res.Errors)
	}
	if p := planFor(t, c, src); p.HasChanges() {
		t.Fatalf("plan after apply still has changes: %q", titles(p.Changing()))
	}
	ctx := context.Background()
	rs, err := c.Query(ctx, "SELECT Department, Profile.Name FROM User WHERE Username = 'acme.every@example.com'")
	if err != nil || len(rs) != 1 || rs[0].String("Department") != "Integrations" || rs[0].String("Profile.Name") != "Acme Integration" {
		t.Errorf("user = %v, %v", rs, err)
	}
	rs, err = c.Query(ctx, "SELECT SobjectType FROM ObjectPermissions WHERE Parent.Profile.Name = 'Acme Integration'")
	if err != nil || len(rs) != 1 || rs[0].String("SobjectType") != "Account" {
		t.Errorf("profile object access = %v, %v", rs, err)
	}
	rs, err = c.Query(ctx, "SELECT Id FROM SetupEntityAccess WHERE Parent.Name = 'Acme_Apps'")
	if err != nil || len(rs) != 1 {
		t.Errorf("app access = %v, %v", rs, err)
	}

	// Deactivation is an update of the same user (users cannot be deleted).
	const off = `version: 1
users:
  - username: acme.reset@example.com
    lastName: Acme Reset
    email: reset@example.com
    profile: Standard User
    active: false
`
	if diff := cmp.Diff([]string{`update user "acme.reset@example.com"`}, converge(t, c, off)); diff != "" {
		t.Errorf("deactivate (-want +got):\n%s", diff)
	}
}

// TestExecuteWholeCallFails: when a whole call carrying the chained writes
// (the 3rd /composite: two reads, then the sets, group, user, access,
// members, licence and set assignments in one call) fails (a locked row,
// which a create is not sent again for; the org's 503 would be), every step
// in it fails with the org's error, the group assignment that needs them is
// not run, and a re-run converges.
func TestExecuteWholeCallFails(t *testing.T) {
	o := newOrgWith(t, emulator.Options{Faults: []string{"nth=3,status=500,code=UNABLE_TO_LOCK_ROW,path=/services/data/*/composite"}})
	c := o.client()
	p := planFor(t, c, fixedSpec)
	res, err := apply.Execute(context.Background(), c, p, apply.Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	wantNotRun := []string{`create permission set group "Acme_Group" on user "acme.integration@example.com"`}
	if len(res.Done) != 0 {
		t.Errorf("Done = %q, want none", titles(res.Done))
	}
	if len(res.Failed) != len(p.Changing())-len(wantNotRun) {
		t.Errorf("Failed = %q, want every step but the group assignment", titles(res.Failed))
	}
	if diff := cmp.Diff(wantNotRun, titles(res.NotRun)); diff != "" {
		t.Errorf("NotRun (-want +got):\n%s", diff)
	}
	for _, f := range res.Failed {
		err := res.Errors[f]
		var apiErr *salesforce.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 500 || !apiErr.HasCode("UNABLE_TO_LOCK_ROW") {
			t.Errorf("error = %#v, want the org's 500 UNABLE_TO_LOCK_ROW", err)
		}
	}
	o.clk.Advance(time.Minute)
	converge(t, c, fixedSpec)
}

// TestExecuteOlderIntegrationProfileName: a spec written with the newer name
// of the Salesforce Integration profile converges in an org that still uses
// the first name (salesforce-api-facts.md §1), for a user and for a clone.
func TestExecuteOlderIntegrationProfileName(t *testing.T) {
	ctx := context.Background()
	o := newOrg(t, nil)
	c := o.client()
	rs, err := c.Query(ctx, "SELECT Id FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'")
	if err != nil || len(rs) != 1 {
		t.Fatalf("find the profile: %v", err)
	}
	if res, err := c.Update(ctx, []salesforce.Record{{"attributes": map[string]any{"type": "Profile"}, "Id": rs[0].String("Id"), "Name": "Salesforce API Only System Integrations"}}); err != nil || !res[0].Success {
		t.Fatalf("rename the profile: %v %+v", err, res)
	}
	converge(t, c, fixedSpec+`profiles:
  - name: Acme Clone
    cloneFrom: Minimum Access - API Only Integrations
`)
	rs, err = c.Query(ctx, "SELECT Profile.Name FROM User WHERE Username = 'acme.integration@example.com'")
	if err != nil || len(rs) != 1 || rs[0].String("Profile.Name") != "Salesforce API Only System Integrations" {
		t.Errorf("user's profile = %v, %v", rs, err)
	}
	rs, err = c.Query(ctx, "SELECT UserLicense.Name, PermissionsApiUserOnly FROM Profile WHERE Name = 'Acme Clone'")
	if err != nil || len(rs) != 1 || rs[0].String("UserLicense.Name") != "Salesforce Integration" || !rs[0].Bool("PermissionsApiUserOnly") {
		t.Errorf("clone = %v, %v", rs, err)
	}
}

// TestLabelReferenceToSpecSet: a set named by its label finds the set the same
// spec defines, before it exists in the org (spec-v1.md "Names, not IDs"), in
// a group and on a user; a label that an org set carries too is ambiguous.
func TestLabelReferenceToSpecSet(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	const src = `version: 1
permissionSets:
  - name: Acme_Licensed
    label: Acme Licensed Set
  - name: Acme_Default_Label
permissionSetGroups:
  - name: Acme_Group
    permissionSets: [Acme Licensed Set]
users:
  - username: acme.label@example.com
    lastName: Acme Label
    email: label@example.com
    profile: Standard User
    permissionSets: [Acme Licensed Set, Acme Default Label]
`
	got := converge(t, c, src)
	for _, want := range []string{
		`create group member "Acme_Licensed" on permission set group "Acme_Group"`,
		`create permission set "Acme_Licensed" on user "acme.label@example.com"`,
		`create permission set "Acme_Default_Label" on user "acme.label@example.com"`,
	} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("apply did not %s; it did %q", want, got)
		}
	}

	// Another set in the org with the same label makes the label ambiguous.
	if res, err := c.Create(context.Background(), []salesforce.Record{{"attributes": map[string]any{"type": "PermissionSet"}, "Name": "Other_Set", "Label": "Acme Licensed Set"}}); err != nil || !res[0].Success {
		t.Fatalf("create the other set: %v %+v", err, res)
	}
	s := parse(t, src)
	st, err := state.Read(context.Background(), c, state.NeedsOf(s))
	if err != nil {
		t.Fatal(err)
	}
	_, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
	want := []string{
		`spec.yaml:8:22: permission set label "Acme Licensed Set" is ambiguous: Acme_Licensed, Other_Set have it; use the API name`,
		`spec.yaml:14:22: permission set label "Acme Licensed Set" is ambiguous: Acme_Licensed, Other_Set have it; use the API name`,
	}
	var gotDs []string
	for _, d := range ds {
		gotDs = append(gotDs, d.String())
	}
	if diff := cmp.Diff(want, gotDs); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestUnknownPermSetSuggestion: a misspelt reference to a set the spec
// defines suggests the name as the spec writes it.
func TestUnknownPermSetSuggestion(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	s := parse(t, `version: 1
permissionSets:
  - name: Acme_Integration_Access
users:
  - username: acme.typo@example.com
    lastName: Acme Typo
    email: typo@example.com
    profile: Standard User
    permissionSets: [Acme_Integraton_Access]
`)
	st, err := state.Read(context.Background(), c, state.NeedsOf(s))
	if err != nil {
		t.Fatal(err)
	}
	_, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
	want := `spec.yaml:9:22: permission set "Acme_Integraton_Access" does not exist in the org or the spec; did you mean "Acme_Integration_Access"?`
	if len(ds) != 1 || ds[0].String() != want {
		t.Errorf("diagnostics = %v, want %s", ds, want)
	}
}

// TestPlanReportsEveryMistake: names the org or the spec does not have are
// all reported at once, with the nearest name the spec or the org has; an
// unknown profile does not hide the user's other mistakes.
func TestPlanReportsEveryMistake(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	s := parse(t, `version: 1
profiles:
  - name: Acme Integration Profile
    cloneFrom: Minimum Access - API Only Integrations
permissionSetGroups:
  - name: Acme_Group_One
    permissionSets: [Acme_Set]
permissionSets:
  - name: Acme_Set
    license: Salesforce API Integraton
users:
  - username: acme.typo@example.com
    lastName: Acme Typo
    email: typo@example.com
    profile: Acme Integration Profil
    permissionSetGroups: [Acme_Group_On]
    permissionSetLicenses: [Salesforce API Integraton]
`)
	st, err := state.Read(context.Background(), c, state.NeedsOf(s))
	if err != nil {
		t.Fatal(err)
	}
	_, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
	want := []string{
		`spec.yaml:9:5: permission set "Acme_Set": licence "Salesforce API Integraton" does not exist in the org; did you mean "Salesforce API Integration"?`,
		`spec.yaml:12:5: user "acme.typo@example.com": profile "Acme Integration Profil" does not exist in the org or the spec; did you mean "Acme Integration Profile"?`,
		`spec.yaml:16:27: permission set group "Acme_Group_On" does not exist in the org or the spec; did you mean "Acme_Group_One"?`,
		`spec.yaml:17:29: permission set licence "Salesforce API Integraton" does not exist in the org; did you mean "Salesforce API Integration"?`,
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestApplyCost: apply chains its writes into as few /composite calls as
// the limits allow, whatever the number of records; no call is made per
// record.
func TestApplyCost(t *testing.T) {
	o := newOrg(t, &emulator.Seed{Licenses: []emulator.SeedLicense{{Name: "Salesforce Integration", Seats: 50}, {Name: "Salesforce API Integration", Seats: 50}}})
	c := o.client()
	var b strings.Builder
	b.WriteString(`version: 1
profiles:
  - name: Acme Integration
    cloneFrom: Minimum Access - API Only Integrations
    objects:
      - object: Account
        access: [read]
permissionSets:
  - name: Acme_Data
    objects:
      - object: Contact
        access: [read]
        fields: {Email: read, Phone: read}
users:
`)
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, `  - username: acme.cost%02d@example.com
    lastName: Acme Cost %02d
    email: cost@example.com
    profile: Acme Integration
    permissionSetLicenses: [Salesforce API Integration]
    permissionSets: [Acme_Data]
`, i, i)
	}
	p := planFor(t, c, b.String())
	before := c.Calls()
	res, err := apply.Execute(context.Background(), c, p, apply.Options{})
	if err != nil || len(res.Failed)+len(res.NotRun) > 0 {
		t.Fatalf("Execute: err %v, failed %q, errors %v", err, titles(res.Failed), res.Errors)
	}
	// Calls: the profile, its owned set (a query naming it), the
	// permission set and its access, the profile's access and the 30 users
	// (an sObject Collections chunk: too many for sObject Rows, 25
	// subrequests a call) in the first; the 30 licences and 60 assignments,
	// which need the users' Ids, in the second.
	const want, steps = 2, 1 + 1 + 3 + 2 + 30*3
	if got := c.Calls() - before; got != want || len(res.Done) != steps {
		t.Errorf("apply made %d calls for %d steps, want %d calls for %d steps", got, len(res.Done), want, steps)
	}
}

// cloneSpec clones Standard User, whose object and field access the profile
// copies, and puts a user on the clone.
const cloneSpec = `version: 1
profiles:
  - name: Acme Agent
    cloneFrom: Standard User
    objects:
      - object: Account
        access: [read, viewAll]
users:
  - username: acme.agent@example.com
    lastName: Acme Agent
    email: admin@example.com
    profile: Acme Agent
`

// TestExecuteCloneFinishedByTheNextRun: when the copied access of a profile
// created by cloning cannot be written (here: the query for the new
// profile's own permission set finds none, so the rows that name it are not
// run), the profile stays and the rows are reported not run; the next plan
// finds the profile short of its source's access and writes the rest, with
// nothing to undo.
func TestExecuteCloneFinishedByTheNextRun(t *testing.T) {
	ctx := context.Background()
	o := newOrg(t, nil)
	c := o.client()
	p := planFor(t, c, cloneSpec)
	var copied int
	for _, s := range p.Changing() {
		if s.CloneOf == plan.ProfileKey("Acme Agent") {
			copied++
		}
	}
	// 5 objects and every permissionable field of them (the emulator's
	// Standard User), and the system permissions that wait for that access
	// (Convert Leads needs Create on Account).
	if copied != 137 {
		t.Fatalf("%d steps copy the access, want 137", copied)
	}
	// The owned-set query, rewritten on its way to ask for a set no profile
	// owns.
	cc := salesforce.New(salesforce.Config{InstanceURL: o.url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken}),
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Body != nil && strings.HasSuffix(r.URL.Path, "/composite") {
				b, _ := io.ReadAll(r.Body)
				b = bytes.ReplaceAll(b, []byte("IsOwnedByProfile+%3D+true"), []byte("IsOwnedByProfile+%3D+false"))
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			}
			return http.DefaultTransport.RoundTrip(r)
		})})
	res, err := apply.Execute(ctx, cc, p, apply.Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if diff := cmp.Diff([]string{`create profile "Acme Agent"`, `create user "acme.agent@example.com"`}, titles(res.Done)); diff != "" {
		t.Errorf("Done (-want +got):\n%s", diff)
	}
	// The system permissions go (they name the profile, which exists) and
	// are refused: Convert Leads needs Create on Account, a row not written.
	if diff := cmp.Diff([]string{`update system permissions "Acme Agent"`}, titles(res.Failed)); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
	if len(res.NotRun) != copied-1 {
		t.Fatalf("NotRun = %d steps, want the %d rows of the copy", len(res.NotRun), copied-1)
	}

	// The re-run: the copy (as updates and creates on the profile that
	// exists) and the late permissions; then nothing is left.
	done := converge(t, c, cloneSpec)
	if len(done) != copied || slices.Contains(done, `create profile "Acme Agent"`) {
		t.Errorf("re-run: %d steps done, want the %d of the copy, no new profile: %q", len(done), copied, done)
	}
	rs, err := c.Query(ctx, "SELECT COUNT(Id) n FROM FieldPermissions WHERE Parent.Profile.Name = 'Acme Agent'")
	if err != nil || len(rs) != 1 || rs[0].Get("n") != 131.0 {
		t.Errorf("field rows of the clone: %v %v", rs, err)
	}
	rs, err = c.Query(ctx, "SELECT PermissionsConvertLeads FROM PermissionSet WHERE Profile.Name = 'Acme Agent'")
	if err != nil || len(rs) != 1 || rs[0].Get("PermissionsConvertLeads") != true {
		t.Errorf("the late permission of the clone: %v %v", rs, err)
	}
}

// TestExecuteCloneCopiedWhenItsWaveFails: a remote site failing beside the
// profiles holds back neither a new clone's copy nor the user on it.
func TestExecuteCloneCopiedWhenItsWaveFails(t *testing.T) {
	ctx := context.Background()
	o := newOrgWith(t, emulator.Options{Faults: []string{"nth=1,status=500,code=UNABLE_TO_LOCK_ROW,path=/services/data/*/tooling/sobjects/RemoteProxy"}})
	c := o.client()
	src := cloneSpec + `remoteSites:
  - name: Acme_Site
    url: https://acme.example.com
`
	p := planFor(t, c, src)
	res, err := apply.Execute(ctx, c, p, apply.Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if diff := cmp.Diff([]string{`create remote site "Acme_Site"`}, titles(res.Failed)); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
	if len(res.NotRun) != 0 {
		t.Errorf("NotRun = %q", titles(res.NotRun))
	}
	if done := titles(res.Done); len(done) != 139 || done[0] != `create profile "Acme Agent"` || done[138] != `create user "acme.agent@example.com"` {
		t.Errorf("Done: %d steps, first %q; want the profile, then the 136 copied rows and the late permissions, then the user", len(done), done[0])
	}
	done := converge(t, c, src)
	if diff := cmp.Diff([]string{`create remote site "Acme_Site"`}, done); diff != "" {
		t.Errorf("re-run (-want +got):\n%s", diff)
	}
}

// TestExecuteCancelledLetsInFlightWritesFinish: Ctrl-C while the first
// write is with the org. The write is let finish and reported done (the
// org holds it); nothing new starts (the group assignment, which waits for
// the new group after the chained writes), and it is reported not run.
func TestExecuteCancelledLetsInFlightWritesFinish(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	const src = `version: 1
permissionSets:
  - name: Cancel_One
    objects:
      - object: Account
        access: [read]
permissionSetGroups:
  - name: Cancel_Group
    permissionSets: [Cancel_One]
users:
  - username: cancel.user@example.com
    lastName: Cancel
    email: cancel@example.com
    profile: Standard User
    permissionSetGroups: [Cancel_Group]
`
	p := planFor(t, c, src)
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	writes := 0
	cc := salesforce.New(salesforce.Config{InstanceURL: o.url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken}),
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			writes++
			first := writes == 1
			mu.Unlock()
			if first {
				// Ctrl-C as the first write leaves: the request is on its
				// way and must be let arrive and be answered.
				cancel()
				time.Sleep(20 * time.Millisecond)
			}
			return http.DefaultTransport.RoundTrip(r)
		})})
	res, err := apply.Execute(ctx, cc, p, apply.Options{Grace: 5 * time.Second})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	wantDone := []string{`create permission set "Cancel_One"`, `create permission set group "Cancel_Group"`, `create user "cancel.user@example.com"`,
		`create object access "Account" on permission set "Cancel_One"`, `create group member "Cancel_One" on permission set group "Cancel_Group"`}
	if diff := cmp.Diff(wantDone, titles(res.Done)); diff != "" {
		t.Errorf("Done (-want +got):\n%s", diff)
	}
	if len(res.Failed) != 0 {
		t.Errorf("Failed = %q: the org took the write", titles(res.Failed))
	}
	if diff := cmp.Diff([]string{`create permission set group "Cancel_Group" on user "cancel.user@example.com"`}, titles(res.NotRun)); diff != "" {
		t.Errorf("NotRun (-want +got):\n%s", diff)
	}
	if writes != 1 {
		t.Errorf("%d requests sent, want only the one in flight", writes)
	}
	// And the re-run finishes the rest.
	if done := converge(t, c, src); len(done) != 1 {
		t.Errorf("re-run did %q", done)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestExecuteAssignmentThatLandedMeanwhile: an assignment the plan did not
// see (an earlier apply's write that reached the org after this plan read
// it) is refused as DUPLICATE_VALUE; the user holds what the step wanted,
// so the step is done, not failed.
func TestExecuteAssignmentThatLandedMeanwhile(t *testing.T) {
	ctx := context.Background()
	o := newOrg(t, nil)
	c := o.client()
	const src = `version: 1
permissionSets:
  - name: Meanwhile_Set
users:
  - username: meanwhile@example.com
    lastName: Meanwhile
    email: meanwhile@example.com
    profile: Standard User
    permissionSets: [Meanwhile_Set]
`
	converge(t, c, `version: 1
permissionSets:
  - name: Meanwhile_Set
users:
  - username: meanwhile@example.com
    lastName: Meanwhile
    email: meanwhile@example.com
    profile: Standard User
`)
	p := planFor(t, c, src)
	users, err := c.Query(ctx, "SELECT Id FROM User WHERE Username = 'meanwhile@example.com'")
	if err != nil || len(users) != 1 {
		t.Fatal(users, err)
	}
	sets, err := c.Query(ctx, "SELECT Id FROM PermissionSet WHERE Name = 'Meanwhile_Set'")
	if err != nil || len(sets) != 1 {
		t.Fatal(sets, err)
	}
	if err := c.Do(ctx, "POST", c.DataPath("sobjects/PermissionSetAssignment"), map[string]any{"AssigneeId": users[0].String("Id"), "PermissionSetId": sets[0].String("Id")}, nil); err != nil {
		t.Fatal(err)
	}
	res, err := apply.Execute(ctx, c, p, apply.Options{})
	if err != nil || len(res.Failed) != 0 {
		t.Fatalf("Execute: %v, failed %q: %v", err, titles(res.Failed), res.Errors)
	}
	if diff := cmp.Diff([]string{`create permission set "Meanwhile_Set" on user "meanwhile@example.com"`}, titles(res.Done)); diff != "" {
		t.Errorf("Done (-want +got):\n%s", diff)
	}
}

// TestExecuteChainsTheWaves: a cold apply whose every wave has writes (a
// cloned profile and its copy, a permission set and its access, a user on
// the new profile with a password reset, its licence and assignment) sends
// them in one /composite call, each naming the Ids the ones before it
// create; the next plan has nothing to do.
func TestExecuteChainsTheWaves(t *testing.T) {
	o := newOrg(t, nil)
	c := o.client()
	const src = cloneSpec + `    password: reset
    permissionSetLicenses: [Salesforce API Integration]
    permissionSets: [Chain_Set]
permissionSets:
  - name: Chain_Set
    objects:
      - object: Contact
        access: [read]
        fields: {Email: read}
`
	p := planFor(t, c, src)
	before := c.Calls()
	res, err := apply.Execute(context.Background(), c, p, apply.Options{})
	if err != nil || len(res.Failed)+len(res.NotRun) > 0 {
		t.Fatalf("Execute: err %v, failed %q, not run %q, errors %v", err, titles(res.Failed), titles(res.NotRun), res.Errors)
	}
	if got := c.Calls() - before; got != 1 {
		t.Errorf("apply made %d calls for %d steps, want 1", got, len(res.Done))
	}
	if p := planFor(t, c, src); p.HasChanges() {
		t.Errorf("plan after apply: %q", titles(p.Changing()))
	}
}
