// Package plan holds the difference between a spec and an org as data: ordered
// steps, each a create, update, no-op or prune of one Salesforce record, with the
// field-level changes a human reviews. Compute is pure (no I/O): it reads a
// spec.Spec and a state.State and returns a Plan; apply executes it.
package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/spec"
)

// FormatVersion is the version of the JSON plan document.
const FormatVersion = "1"

// Action is what a step does to the org.
type Action string

// Actions. "prune" deletes (or switches off) what the spec does not list, only
// for blocks that say `prune: true`.
const (
	Create Action = "create"
	Update Action = "update"
	NoOp   Action = "no-op"
	Prune  Action = "prune"
)

// Symbol is the one-character marker the human rendering uses.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Prune:
		return "-"
	}
	return " "
}

// Change is one field that a step sets. Secret values render as "(secret)".
type Change struct {
	Field  string
	Before any
	After  any
	Secret bool
}

// Resource types, in the order apply runs them (their wave).
const (
	TypeProfile       = "profile"
	TypePermissionSet = "permissionSet"
	// TypeLatePermissions switches on, after the object access they need,
	// the user permissions of a profile or permission set that depend on
	// object permissions.
	TypeLatePermissions = "latePermissions"
	TypeObjectAccess    = "objectAccess"
	TypeFieldAccess     = "fieldAccess"
	TypeSetupEntity     = "setupEntityAccess"
	TypeGroup           = "permissionSetGroup"
	TypeGroupMember     = "permissionSetGroupComponent"
	TypeUser            = "user"
	TypePassword        = "userPassword"
	TypeLicenseAssign   = "permissionSetLicenseAssignment"
	TypePermSetAssign   = "permissionSetAssignment"
	TypeGroupAssign     = "permissionSetGroupAssignment"
	TypeRemoteSite      = "remoteSite"
	TypeRecord          = "record"
	// Metadata API and package kinds.
	TypePackage            = "package"
	TypeOrgSettings        = "orgSettings"
	TypeRecordTypeDefaults = "recordTypeDefaults"
	TypeExternalClientApp  = "externalClientApp"
	TypeECAPolicies        = "externalClientAppPolicies"
	TypePermSetMetadata    = "permissionSetMetadata"
)

// Step is one record-level action.
type Step struct {
	Action  Action
	Type    string // one of the Type constants
	Name    string // what the record is, for humans: `Coconut_API_Access`, `Contact`, `Contact.Email`
	Parent  string // what it belongs to, for humans: `permission set "X"`, `user "u@x"`
	Note    string // why, when not obvious: "clone of ...", "implied by edit"
	SObject string // the sObject written (through the kind's channel)
	ID      string // the record's Id when it exists
	Changes []Change

	// Key names the record for Refs of later steps.
	Key Key
	// Fields are the values apply writes (create, update). Refs fill Id fields
	// from the Ids of other records, by Key, once they exist.
	Fields map[string]any
	Refs   map[string]Key
	// Password is the payload of a password step (ChannelPassword), Metadata
	// of a metadata step, Package of a package install; Fields and Refs are
	// the payload of record steps (collections, Tooling).
	Password *Password
	Metadata *Metadata
	Package  *PackageInstall
	// Pos is where the spec asks for the step (metadata and package steps),
	// so that what the org refuses is reported at the spec's line.
	Pos spec.Pos
	// CloneOf is set on the object and field access of a profile that this
	// plan creates by copying another's: the Key of that profile step. The
	// profile and its copied access stand or fall together, since once the
	// profile exists a re-run no longer clones it.
	CloneOf Key
}

// Password sets a new user's password: Salesforce resets it (and emails the
// user), or it is set to the value of an environment variable, read only
// when apply runs so that the value never enters a plan.
type Password struct {
	User    Key
	Reset   bool
	FromEnv string
}

// Title renders the step for humans, e.g. `permission set "X"`.
func (s *Step) Title() string {
	t := KindOf(s.Type).Noun + " " + quoteName(s.Name)
	if s.Parent != "" {
		t += " on " + s.Parent
	}
	return t
}

func quoteName(s string) string { return fmt.Sprintf("%q", s) }

// Target names the org a plan is for, so output always says where changes go.
type Target struct {
	Name        string // as named: "local", an alias, a username or the instance URL
	Kind        string // "embedded emulator org", "emulator", "sandbox", "production"
	InstanceURL string
	Username    string
	OrgID       string
}

// String names the org, its kind and instance, and the user sfprov acts as:
// "ci (sandbox, https://acme--dev.sandbox.my.salesforce.com) as api@acme.com".
func (t Target) String() string {
	s := t.Name
	var about []string
	if t.Kind != "" {
		about = append(about, t.Kind)
	}
	if t.InstanceURL != "" && t.InstanceURL != t.Name {
		about = append(about, t.InstanceURL)
	}
	if len(about) > 0 {
		s += " (" + strings.Join(about, ", ") + ")"
	}
	if t.Username != "" {
		s += " as " + t.Username
	}
	return s
}

// Plan is everything apply would do, in order.
type Plan struct {
	Target Target
	Steps  []*Step
	// Setup are changes only Setup can make: system permissions that the
	// sObject API has no field for. They count as changes (sfprov cannot
	// read them either) and go into ManualSteps too.
	Setup       []SetupChange
	Warnings    []string
	ManualSteps []string
	// Followups say which ManualSteps the spec gave and what makes each
	// necessary (followup.go).
	Followups []Followup
	// IDs are the Ids already known for Keys (records that exist now).
	IDs map[Key]string
}

// SetupHolder is the permission set or profile a system permission belongs to.
type SetupHolder struct {
	Kind  string // "permission set" or "profile"
	Name  string // API name (a profile's name)
	Label string // as Setup lists it
}

// SetupChange is a change only Setup can make: the APIs sfprov uses cannot
// write it (a system permission no sObject field holds, a packaged connected
// app's policy). It counts as a change and is in the checklist too.
type SetupChange struct {
	Title  string // what changes: `system permission "X" on permission set "Y"`
	Change string // what to set: `Permitted Users: "Admin approved users are pre-authorized"`
	Where  string // the Setup page
	Why    string // "" or "required by ..."
	// Unread: sfprov cannot read the current value, so it cannot tell
	// whether the org already matches.
	Unread bool
}

// Summary counts steps by action, and the changes left to Setup.
type Summary struct{ Create, Update, NoOp, Prune, Setup int }

// Summary counts the plan's steps.
func (p *Plan) Summary() Summary {
	s := Summary{Setup: len(p.Setup)}
	for _, st := range p.Steps {
		switch st.Action {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case Prune:
			s.Prune++
		default:
			s.NoOp++
		}
	}
	return s
}

// HasChanges reports whether applying the plan would change the org.
func (p *Plan) HasChanges() bool {
	s := p.Summary()
	return s.Create+s.Update+s.Prune+s.Setup > 0
}

// Changing returns the steps that change something, in execution order.
func (p *Plan) Changing() []*Step {
	var out []*Step
	for _, s := range p.Steps {
		if s.Action != NoOp {
			out = append(out, s)
		}
	}
	return out
}

// sortSteps orders steps by type (Order) and keeps the spec's order within a type.
func (p *Plan) sortSteps() {
	sort.SliceStable(p.Steps, func(i, j int) bool { return Order(p.Steps[i].Type) < Order(p.Steps[j].Type) })
}

func lower(s string) string { return strings.ToLower(s) }
