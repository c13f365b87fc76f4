// Package verify turns a spec, the org's state and the plan between them
// into the checks a vendor guide's troubleshooting asks for: does the org
// hold what the spec says (every pending step is a failed check naming it,
// configuration records and remote sites included), is each user active,
// which powerful permissions a user holds beyond what the spec asks for,
// how its recent logins went, whether the vendor's app holds a live OAuth
// token for it, when its password expires (when the spec gives it one), is
// each remote site active and each permission set group Updated. It is
// pure: the caller reads the org (state.Read, state.ReadAudit) and computes
// the plan.
package verify

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// Statuses.
const (
	Pass = "pass"
	Fail = "fail"
	Warn = "warn"
)

// Check is one verified fact.
type Check struct {
	Status string `json:"status"`
	Check  string `json:"check"`
	Detail string `json:"detail,omitempty"`
}

// Powerful are the permissions a least-privilege review looks for: each
// lets an integration user read or change far more than its job. From
// 2026 Salesforce requires phishing-resistant MFA of users holding Modify
// All Data, View All Data, Customize Application or Author Apex
// (integration-metadata-facts.md §3.1, third-party summaries: UNCONFIRMED
// against a Salesforce page); an API-only user never signs in to the UI.
var Powerful = []struct{ Field, Label string }{
	{"PermissionsModifyAllData", "Modify All Data"},
	{"PermissionsViewAllData", "View All Data"},
	{"PermissionsManageUsers", "Manage Users"},
	{"PermissionsCustomizeApplication", "Customize Application"},
	{"PermissionsAuthorApex", "Author Apex"},
}

// Run returns the checks, in a fixed order: the spec against the org, then
// per user, then per remote site and per group.
// requires is sfprov's table of prerequisites (plan.Options.Requires); the
// org's own PermissionDependency, when read, counts too: a permission the
// spec's permissions need is asked for.
//
// a is what state.ReadAudit read of the spec's users (nil: nothing):
// Held, what each holds of Fields() through all its assignments (a user
// missing from it is judged by its profile and the spec's sets the state
// read), its tokens, logins and password expiry. now is the time the
// checks are judged at.
func Run(s *spec.Spec, st *state.State, p *plan.Plan, requires func(string) []string, a *state.Audit, now time.Time) []Check {
	if a == nil {
		a = &state.Audit{}
	}
	var out []Check
	changing := p.Changing()
	for _, c := range p.Setup {
		out = append(out, Check{Fail, c.Title, "in " + c.Where + ": " + c.Change})
	}
	for _, step := range changing {
		out = append(out, Check{Fail, step.Title(), describe(step)})
	}
	if len(changing)+len(p.Setup) == 0 {
		out = append(out, Check{Pass, "the org holds the spec", fmt.Sprintf("%d steps, none to take", len(p.Steps))})
	}
	asked := askedFor(s, st, requires)
	for _, u := range s.Users {
		name := u.Username.Value
		cur := st.Users[strings.ToLower(name)]
		if cur == nil {
			out = append(out, Check{Fail, "user " + quote(name), "does not exist"})
			continue
		}
		if cur.Record.Bool("IsActive") {
			out = append(out, Check{Pass, "user " + quote(name) + " is active", ""})
		} else {
			out = append(out, Check{Fail, "user " + quote(name) + " is active", "the user is inactive: it cannot log in or call the API"})
		}
		has := a.Held[strings.ToLower(name)]
		for f := range heldBy(st, cur) {
			if has == nil {
				has = map[string]bool{}
			}
			has[f] = true
		}
		for _, pw := range Powerful {
			if !has[pw.Field] {
				continue
			}
			if asked[pw.Field] {
				out = append(out, Check{Warn, "user " + quote(name) + " holds " + pw.Label, "as the spec asks; a privileged user needs phishing-resistant MFA to sign in to the UI"})
				continue
			}
			out = append(out, Check{Fail, "user " + quote(name) + " holds " + pw.Label, "beyond what the spec asks for (least privilege): remove it from the profile or set that grants it"})
		}
		out = append(out, accessChecks(s, &u, cur, a, has, now)...)
	}
	out = append(out, runnerChecks(s, st, a)...)
	out = append(out, remoteSiteChecks(s, st)...)
	var groups []string
	for name, g := range st.Groups {
		if g.Status != "" {
			groups = append(groups, name)
		}
	}
	sort.Strings(groups)
	for _, name := range groups {
		g := st.Groups[name]
		if g.Status == "Updated" {
			out = append(out, Check{Pass, "permission set group " + quote(g.FullName()) + " is Updated", ""})
		} else {
			out = append(out, Check{Fail, "permission set group " + quote(g.FullName()) + " is Updated", "its status is " + g.Status + ": its users do not hold its permissions until Salesforce recalculates it"})
		}
	}
	return out
}

// Failed reports whether any check failed.
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

// describe says what a pending step would change.
func describe(s *plan.Step) string {
	var parts []string
	for _, c := range s.Changes {
		v := c.After
		if c.Secret {
			v = "(secret)"
		}
		// What the org holds beside what the spec wants: "Profile:
		// Standard User → BeyondTrust API User" says what someone changed.
		if s.Action == plan.Update && c.Before != nil && !c.Secret {
			parts = append(parts, fmt.Sprintf("%s: %v → %v", c.Field, c.Before, v))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %v", c.Field, v))
	}
	what := map[plan.Action]string{plan.Create: "missing", plan.Update: "differs", plan.Prune: "not in the spec"}[s.Action]
	if len(parts) == 0 {
		return what
	}
	return what + " (" + strings.Join(parts, ", ") + ")"
}

// askedFor is every system permission field the spec's profiles and
// permission sets name, with what those require.
func askedFor(s *spec.Spec, st *state.State, requires func(string) []string) map[string]bool {
	out := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if out["Permissions"+name] {
			return
		}
		out["Permissions"+name] = true
		if requires != nil {
			for _, r := range requires(name) {
				visit(r)
			}
		}
		if st.Deps != nil {
			for _, r := range st.Deps.Requires(state.PermRef{Name: name}) {
				if r.Object == "" {
					visit(r.Name)
				}
			}
		}
	}
	for _, p := range s.Profiles {
		for _, sp := range p.SystemPermissions {
			visit(sp.Name)
		}
	}
	for _, p := range s.PermissionSets {
		for _, sp := range p.SystemPermissions {
			visit(sp.Name)
		}
	}
	return out
}

// heldBy is what a user's profile and assigned permission sets grant, as
// far as the state read them (the spec's profiles and sets, and the sets
// the org has of those the user holds).
func heldBy(st *state.State, u *state.User) map[string]bool {
	out := map[string]bool{}
	add := func(perms map[string]bool) {
		for f, on := range perms {
			if on {
				out[f] = true
			}
		}
	}
	if p := st.ProfileByID(u.Record.String("ProfileId")); p != nil {
		add(p.Perms)
	}
	for _, ps := range st.PermSets {
		if _, ok := u.Sets[state.Key15(ps.ID)]; ok {
			add(ps.Perms)
		}
	}
	return out
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// runnerChecks warn when the user running verify cannot see what the login
// and token checks read of other users: Salesforce answers only one's own
// LoginHistory rows without Manage Users, and only one's own OauthToken rows
// without Customize Application (the objects' access rules, as the emulator
// models them), so "no logins" and "no token" would be the runner's
// blindness, not the org's state. Nothing is said when the runner's own
// permissions were not read (a.Held has no entry for it).
func runnerChecks(s *spec.Spec, st *state.State, a *state.Audit) []Check {
	held, read := a.Held[strings.ToLower(st.Username)]
	if !read {
		return nil
	}
	others := false
	for _, u := range s.Users {
		if !strings.EqualFold(u.Username.Value, st.Username) {
			others = true
		}
	}
	if !others {
		return nil
	}
	var out []Check
	if !held["PermissionsManageUsers"] {
		out = append(out, Check{Warn, "you (" + st.Username + ") can see other users' logins", "you lack Manage Users: Salesforce shows you only your own login history, so the login checks above saw none of the spec's users"})
	}
	if !held["PermissionsCustomizeApplication"] {
		out = append(out, Check{Warn, "you (" + st.Username + ") can see other users' OAuth tokens", "you lack Customize Application: Salesforce shows you only your own tokens, so the token checks above saw none of the spec's users"})
	}
	return out
}

// Fields are the PermissionSet fields state.ReadAudit reads for Run: those
// of Powerful, and Password Never Expires (the password check).
func Fields() []string {
	out := make([]string, len(Powerful), len(Powerful)+1)
	for i, p := range Powerful {
		out[i] = p.Field
	}
	return append(out, "PermissionsPasswordNeverExpires")
}
