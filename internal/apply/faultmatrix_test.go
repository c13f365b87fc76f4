package apply_test

// The fault matrix (issue 9, "Tests that hold it"): one cold apply of a spec
// that does everything in more than one call (a cloned profile and its copy,
// users and their passwords, a group with members and an assignment,
// records), with one fault at each of its API calls in turn. Whatever the
// fault and wherever it lands, a clean re-run must converge, a third plan
// must find nothing to do, and the org must hold exactly what a clean run
// leaves, with nothing made twice.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// matrixSpec is the cold apply every case starts from. Standard User is the
// clone source because its copy is large (137 rows in one batch); one user
// gets a password from the environment, the other a reset, since the two go
// out as different calls (POST and DELETE .../password).
const matrixSpec = `version: 1
profiles:
  - name: FM Clone
    cloneFrom: Standard User
    objects:
      - object: Account
        access: [read, viewAll]
permissionSets:
  - name: FM_API
    systemPermissions: [API Enabled]
  - name: FM_Data
    objects:
      - object: Contact
        access: [read]
permissionSetGroups:
  - name: FM_Group
    permissionSets: [FM_API, FM_Data]
users:
  - username: fm.env@example.com
    lastName: FM Env
    email: fm@example.com
    profile: FM Clone
    password: {fromEnv: FM_PASSWORD}
    permissionSetGroups: [FM_Group]
  - username: fm.reset@example.com
    lastName: FM Reset
    email: fm@example.com
    profile: FM Clone
    password: reset
records:
  - object: Account
    key: [Name]
    values: {Name: FM One, Industry: Technology, NumberOfEmployees: "42"}
  - object: Account
    key: [Name]
    values: {Name: FM Two, Industry: Retail}
`

// matrixGetenv is the environment the applies see: the fromEnv password.
func matrixGetenv(k string) (string, bool) {
	if k == "FM_PASSWORD" {
		return "Fm-matrix-pw-1", true
	}
	return "", false
}

// isAPICall is the emulator's rule for what counts as an API call
// (internal/emulator/serve.go counted), which nth= counts: the test's own
// count of a clean run must agree with it for "fault at call i" to mean
// the i-th call the test saw.
func isAPICall(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasPrefix(p, "/services/data/v") || strings.HasPrefix(p, "/services/oauth2/userinfo") || strings.HasPrefix(p, "/id/")
}

// faultKind is one kind of failure, injected at the n-th API call.
type faultKind struct {
	name string
	// spec is the emulator --fault for call n ("" for faults the test
	// injects itself: see drop).
	spec func(n int) string
	// drop: the org serves the n-th call (and commits what it does), then
	// the connection is closed before the answer: the client cannot know
	// what happened. The emulator's fault injector has no such fault, so
	// the test's front end does it.
	drop        bool
	noretryOnly bool
}

var faultKinds = []faultKind{
	{name: "503", spec: func(n int) string { return fmt.Sprintf("nth=%d,status=503", n) }},
	{name: "lock", spec: func(n int) string { return fmt.Sprintf("nth=%d,status=500,code=UNABLE_TO_LOCK_ROW", n) }},
	// The session expires: the org answers 401 and the client renews it
	// with its refresh token, then sends the call again. Renewal does not
	// depend on the retry policy, so one mode runs it.
	{name: "expired", spec: func(n int) string { return fmt.Sprintf("nth=%d,expire-tokens", n) }, noretryOnly: true},
	{name: "drop", drop: true},
}

// Client retry policies the matrix runs under: with none, every fault
// reaches apply as a failed call (the re-run has the most to finish); with
// the CLI's policy (its pause shortened), transient failures of calls that
// are safe to repeat are absorbed and the rest reach apply.
var retryModes = []struct {
	name string
	cfg  func(*salesforce.Config)
}{
	{"noretry", func(c *salesforce.Config) { c.MaxRetries = -1 }},
	{"retry", func(c *salesforce.Config) { c.RetryWait = time.Millisecond }},
}

// matrixOrg is one fresh emulator org behind a front end that logs the API
// calls it passes on and drops the connection of the chosen one.
type matrixOrg struct {
	url   string
	clk   *emutest.Clock
	calls atomic.Int64
	mu    sync.Mutex
	log   []string // "METHOD path" of each API call
}

const matrixRefreshToken = "5Aep861matrixRefreshToken"

func newMatrixOrg(t *testing.T, faultSpec string, dropAt int) *matrixOrg {
	t.Helper()
	var opts emulator.Options
	if faultSpec != "" {
		opts.Faults = []string{faultSpec}
	}
	return newMatrixOrgWith(t, opts, dropAt)
}

// newMatrixOrgWith is newMatrixOrg with the org's options (faults).
func newMatrixOrgWith(t *testing.T, opts emulator.Options, dropAt int) *matrixOrg {
	t.Helper()
	clk := emutest.NewClock(100 * time.Millisecond)
	opts.Now, opts.RefreshToken, opts.ClientID = clk.Now, matrixRefreshToken, "3MVG9matrix"
	org, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	m := &matrixOrg{clk: clk}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPICall(r) {
			org.ServeHTTP(w, r)
			return
		}
		n := int(m.calls.Add(1))
		m.mu.Lock()
		m.log = append(m.log, r.Method+" "+r.URL.Path)
		m.mu.Unlock()
		if n != dropAt {
			org.ServeHTTP(w, r)
			return
		}
		// The org does the work; its answer is lost with the connection.
		org.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("drop call %d: %v", n, err)
			return
		}
		conn.Close()
	}))
	t.Cleanup(func() { srv.Close(); org.Close() })
	m.url = srv.URL
	return m
}

// client logs in with the refresh token, so that an expired session can be
// renewed as a saved login renews it.
func (m *matrixOrg) client(t *testing.T, mode func(*salesforce.Config)) *salesforce.Client {
	t.Helper()
	sess, err := salesforce.Login(context.Background(), m.url, salesforce.Credentials{RefreshToken: matrixRefreshToken, ClientID: "3MVG9matrix", LoginURL: m.url}, nil)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	cfg := salesforce.Config{InstanceURL: m.url, Token: oauth2.StaticTokenSource(sess.Token), Renew: sess.Renew}
	mode(&cfg)
	return salesforce.New(cfg)
}

// run plans and applies matrixSpec once; failed is the failed and not-run
// steps, or the error that stopped the run (a read that failed); changes
// says whether the plan had any.
func (m *matrixOrg) run(t *testing.T, c *salesforce.Client) (failed []string, changes bool) {
	t.Helper()
	// A permission set group is done recalculating by the next run, as it
	// is by the time an admin re-runs.
	m.clk.Advance(time.Minute)
	p, err := tryPlan(c, matrixSpec)
	if err != nil {
		return []string{"plan: " + err.Error()}, true
	}
	if !p.HasChanges() {
		return nil, false
	}
	res, err := apply.Execute(context.Background(), c, p, apply.Options{Getenv: matrixGetenv, PollInterval: time.Millisecond, GroupWait: 30 * time.Second})
	if err != nil {
		failed = append(failed, "apply: "+err.Error())
	}
	for _, s := range res.Failed {
		failed = append(failed, fmt.Sprintf("failed %s: %v", s.Title(), res.Errors[s]))
	}
	for _, s := range res.NotRun {
		failed = append(failed, "not run "+s.Title())
	}
	return failed, true
}

// facts are what the org holds of the spec, one line each, in an order that
// does not depend on Ids or timing: a duplicate shows as a line twice.
func facts(t *testing.T, c *salesforce.Client) []string {
	t.Helper()
	ctx := context.Background()
	queries := []struct {
		what, soql string
		fields     []string
	}{
		{"profile", "SELECT Name, UserLicense.Name FROM Profile WHERE Name = 'FM Clone'", []string{"Name", "UserLicense.Name"}},
		{"clone field rows", "SELECT COUNT(Id) n FROM FieldPermissions WHERE Parent.Profile.Name = 'FM Clone'", []string{"n"}},
		{"clone object rows", "SELECT COUNT(Id) n FROM ObjectPermissions WHERE Parent.Profile.Name = 'FM Clone'", []string{"n"}},
		{"clone permissions", "SELECT PermissionsConvertLeads, PermissionsApiEnabled FROM PermissionSet WHERE Profile.Name = 'FM Clone'", []string{"PermissionsConvertLeads", "PermissionsApiEnabled"}},
		{"clone Account", "SELECT PermissionsRead, PermissionsViewAllRecords FROM ObjectPermissions WHERE Parent.Profile.Name = 'FM Clone' AND SobjectType = 'Account'", []string{"PermissionsRead", "PermissionsViewAllRecords"}},
		{"permission set", "SELECT Name FROM PermissionSet WHERE Name LIKE 'FM%' ORDER BY Name", []string{"Name"}},
		{"group", "SELECT DeveloperName FROM PermissionSetGroup WHERE DeveloperName LIKE 'FM%'", []string{"DeveloperName"}},
		{"group member", "SELECT PermissionSet.Name FROM PermissionSetGroupComponent WHERE PermissionSetGroup.DeveloperName = 'FM_Group' ORDER BY PermissionSet.Name", []string{"PermissionSet.Name"}},
		{"user", "SELECT Username, Profile.Name, IsActive, LastPasswordChangeDate FROM User WHERE Username LIKE 'fm.%' ORDER BY Username", []string{"Username", "Profile.Name", "IsActive", "LastPasswordChangeDate"}},
		{"group assignment", "SELECT Assignee.Username, PermissionSetGroup.DeveloperName FROM PermissionSetAssignment WHERE Assignee.Username LIKE 'fm.%' AND PermissionSetGroupId != null", []string{"Assignee.Username", "PermissionSetGroup.DeveloperName"}},
		{"assignments", "SELECT COUNT(Id) n FROM PermissionSetAssignment WHERE Assignee.Username LIKE 'fm.%'", []string{"n"}},
		{"record", "SELECT Name, Industry, NumberOfEmployees FROM Account WHERE Name LIKE 'FM%' ORDER BY Name", []string{"Name", "Industry", "NumberOfEmployees"}},
	}
	var out []string
	for _, q := range queries {
		recs, err := c.Query(ctx, q.soql)
		if err != nil {
			t.Fatalf("%s: %v", q.soql, err)
		}
		for _, r := range recs {
			line := q.what + ":"
			for _, f := range q.fields {
				v := r.Get(f)
				if f == "LastPasswordChangeDate" {
					// When it was set differs from run to run; that it was does not.
					v = v != nil && v != ""
				}
				line += fmt.Sprintf(" %s=%v", f, v)
			}
			out = append(out, line)
		}
	}
	return out
}

// tryPlan is planFor that returns a failed read instead of ending the test:
// under faults, reading the org may fail, and that is one of the outcomes.
func tryPlan(c *salesforce.Client, src string) (*plan.Plan, error) {
	s, ds := spec.Parse("spec.yaml", []byte(src), spec.Options{Getenv: matrixGetenv})
	if ds.HasErrors() {
		return nil, fmt.Errorf("spec: %v", ds)
	}
	st, err := state.Read(context.Background(), c, state.NeedsOf(s))
	if err != nil {
		return nil, err
	}
	p, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
	if ds.HasErrors() {
		return nil, fmt.Errorf("plan: %v", ds)
	}
	return p, nil
}

// TestFaultMatrixClean: the baseline the matrix compares with is itself
// what the spec asks for: the clone holds Standard User's 131 field rows and
// 5 object rows (Account with the spec's View All), both users have
// passwords, the group both members and its assignment, the records their
// values; each once.
func TestFaultMatrixClean(t *testing.T) {
	m := newMatrixOrg(t, "", 0)
	c := m.client(t, retryModes[0].cfg)
	if failed, _ := m.run(t, c); len(failed) > 0 {
		t.Fatalf("clean apply: %q", failed)
	}
	want := []string{
		"profile: Name=FM Clone UserLicense.Name=Salesforce",
		"clone field rows: n=131",
		"clone object rows: n=5",
		"clone permissions: PermissionsConvertLeads=true PermissionsApiEnabled=true",
		"clone Account: PermissionsRead=true PermissionsViewAllRecords=true",
		"permission set: Name=FM_API",
		"permission set: Name=FM_Data",
		// The group's own aggregate permission set, which the org makes.
		"permission set: Name=FM_Group",
		"group: DeveloperName=FM_Group",
		"group member: PermissionSet.Name=FM_API",
		"group member: PermissionSet.Name=FM_Data",
		"user: Username=fm.env@example.com Profile.Name=FM Clone IsActive=true LastPasswordChangeDate=true",
		"user: Username=fm.reset@example.com Profile.Name=FM Clone IsActive=true LastPasswordChangeDate=true",
		"group assignment: Assignee.Username=fm.env@example.com PermissionSetGroup.DeveloperName=FM_Group",
		// Each user's profile-owned set, and the group.
		"assignments: n=3",
		"record: Name=FM One Industry=Technology NumberOfEmployees=42",
		"record: Name=FM Two Industry=Retail NumberOfEmployees=<nil>",
	}
	if diff := cmp.Diff(want, facts(t, c)); diff != "" {
		t.Errorf("facts of a clean apply (-want +got):\n%s", diff)
	}
	t.Logf("clean cold apply: %d API calls", m.calls.Load())
}

// TestFaultMatrix: each fault kind at each call of the clean cold apply, on
// a fresh org, under each retry mode.
func TestFaultMatrix(t *testing.T) {
	base := newMatrixOrg(t, "", 0)
	bc := base.client(t, retryModes[0].cfg)
	if failed, _ := base.run(t, bc); len(failed) > 0 {
		t.Fatalf("clean apply: %q", failed)
	}
	n := int(base.calls.Load())
	// The front end's count is the client's: no call the test does not see.
	if bc.Calls() != n {
		t.Fatalf("the front end saw %d API calls, the client sent %d", n, bc.Calls())
	}
	want := facts(t, bc)

	// Figures, printed once every case has run: how often the fault reached
	// apply (the first run had failed steps) rather than being retried away.
	var mu sync.Mutex
	reached, ran := map[string]int{}, map[string]int{}
	t.Cleanup(func() {
		cases := 0
		for _, mode := range retryModes {
			for _, k := range faultKinds {
				key := mode.name + "/" + k.name
				if ran[key] > 0 {
					cases += ran[key]
					t.Logf("%-15s first run failed in %2d of %d cases", key, reached[key], ran[key])
				}
			}
		}
		t.Logf("clean cold apply: %d API calls; %d cases run", n, cases)
	})
	for _, mode := range retryModes {
		for _, kind := range faultKinds {
			if kind.noretryOnly && mode.name != "noretry" {
				continue
			}
			for i := 1; i <= n; i++ {
				t.Run(fmt.Sprintf("%s/%s/call%02d", mode.name, kind.name, i), func(t *testing.T) {
					t.Parallel()
					var m *matrixOrg
					if kind.drop {
						m = newMatrixOrg(t, "", i)
					} else {
						m = newMatrixOrg(t, kind.spec(i), 0)
					}
					c := m.client(t, mode.cfg)
					first, _ := m.run(t, c)
					if got := int(m.calls.Load()); got < i {
						t.Fatalf("the first run made %d API calls: the fault at call %d never fired", got, i)
					}
					if dup := repeated(facts(t, c)); len(dup) > 0 {
						t.Errorf("after the faulted run, made twice: %q", dup)
					}
					mu.Lock()
					ran[mode.name+"/"+kind.name]++
					if len(first) > 0 {
						reached[mode.name+"/"+kind.name]++
					}
					mu.Unlock()
					second, changes := m.run(t, c)
					if len(second) > 0 {
						t.Fatalf("the re-run did not converge: %q\n(first run: %q)", second, first)
					}
					// A re-run with nothing to do wrote nothing: its plan
					// was the third plan already.
					if changes {
						p, err := tryPlan(c, matrixSpec)
						if err != nil {
							t.Fatalf("third plan: %v", err)
						}
						if p.HasChanges() {
							t.Errorf("third plan has changes: %q\n(first run: %q)", titles(p.Changing()), first)
						}
					}
					if diff := cmp.Diff(want, facts(t, c)); diff != "" {
						t.Errorf("the org differs from a clean run's (-clean +got):\n%s\n(first run: %q)", diff, first)
					}
				})
			}
		}
	}
}

// repeated lists the lines that occur more than once.
func repeated(lines []string) []string {
	seen := map[string]int{}
	var out []string
	for _, l := range lines {
		if seen[l]++; seen[l] == 2 {
			out = append(out, l)
		}
	}
	return out
}
