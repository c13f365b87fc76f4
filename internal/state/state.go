// Package state reads the part of an org that a spec talks about (its Needs,
// NeedsOf a spec: names to look up, blocks to compare, and the rows of its
// records, loaded before the org is asked) and holds it as plain data of its
// own types for the planner. Reading costs a fixed number of API calls whatever
// the size of the spec, and one round trip on the critical path: a userinfo
// call beside one /composite round of the describes and queries (at most 5
// queries a call, Salesforce's sub-limit, salesforce.CompositeQueryLimit), so
// 3 calls for profiles, sets, groups and users; more when the round needs more
// queries (app and Apex class access, assignments:, records:) or over 25
// subrequests (many objects), or a query has over 2,000 rows. A second round
// trip goes only to what needs the first one's answers: the Metadata of
// existing profiles, the deploying admin's assignments, records whose spec
// names a field the object lacks.
package state

import (
	"strings"
)

// State is what the org holds now. Maps are keyed by lower-cased names so that
// lookups match Salesforce's case-insensitive names.
type State struct {
	InstanceURL string
	OrgID       string
	OrgName     string
	Username    string // the running user
	RunningUser Record

	IsSandbox      bool
	PersonAccounts bool
	Packages       map[string]string // namespace (lower) → version "1.27.0.3"

	// PermissionFields are the Permissions* fields the org's PermissionSet has.
	PermissionFields map[string]bool
	// ObjectPermFields are the Permissions* fields of ObjectPermissions.
	ObjectPermFields map[string]bool
	// Deps are the org's permission dependencies; nil when the spec enables
	// no permission (nothing was read).
	Deps *Dependencies
	// ProfileMeta holds the record type visibilities of the spec's existing
	// profiles that set recordTypeDefaults (Tooling Profile Metadata), by
	// lower profile name.
	ProfileMeta map[string]*ProfileMeta
	// PermSetMeta holds the Metadata-only part of the spec's existing
	// permission sets that need it, by lower name.
	PermSetMeta map[string]*PermSetMeta

	UserLicenses map[string]*UserLicense // by Id
	Profiles     map[string]*Profile     // by lower name
	PermSets     []*PermSet
	PSLs         []*PSL
	Groups       map[string]*Group // by lower DeveloperName
	Users        map[string]*User  // by lower Username
	// AssignedNames names the permission sets (ns__Name) and groups
	// (DeveloperName) that the spec's users hold, by Id(15): a prune removes
	// assignments the spec no longer lists, and must say what they are.
	AssignedNames map[string]string
	Apps          map[string]*Named // connected apps by lower name
	// AdminApprovedOnly: a connected app's "Permitted Users" is "Admin
	// approved users are pre-authorized" (ConnectedApplication.OptionsAllowAdminApprovedUsersOnly).
	AdminApprovedOnly map[string]bool
	ApexClasses       map[string]*Named

	ObjectPerms  map[string]map[string]*ObjectPerm // ParentId → lower SobjectType
	FieldPerms   map[string]map[string]*FieldPerm  // ParentId → lower "Object.Field"
	EntityAccess map[string]map[string]string      // ParentId → SetupEntityId(15) → row Id

	Describes map[string]*Describe // lower object name → describe; nil value = no such object

	// Selections, one per spec `assignments:` entry, in spec order.
	Selections []*Selection
	// RecordSets, one per spec `records:` entry, in spec order.
	RecordSets []*RecordSet
	// RemoteSites by lower name.
	RemoteSites map[string]*RemoteSite
	// ECAs are the spec's External Client Apps the org has, by lower name.
	ECAs map[string]*ECA
}

// ProfileMeta is the part of a profile's Metadata sfprov manages.
type ProfileMeta struct {
	FullName    string // the Metadata API name ("Admin" for System Administrator)
	RecordTypes []RecordTypeVisibility
}

// RecordTypeVisibility is one record type on a profile: RecordType is
// Object.DeveloperName; PersonAccountDefault is nil in orgs without person
// accounts.
type RecordTypeVisibility struct {
	RecordType           string
	Default              bool
	PersonAccountDefault *bool
	Visible              bool
}

// UserLicense is a user licence.
type UserLicense struct {
	ID, Name string
	Total    int
	Used     int
}

// Profile is a profile and its profile-owned permission set.
type Profile struct {
	ID            string
	Name          string
	Description   string
	UserLicenseID string
	LicenseName   string
	OwnedPermSet  string // Id of the PermissionSet with IsOwnedByProfile
	Perms         map[string]bool
}

// PermSet is a (non profile-owned) permission set.
type PermSet struct {
	ID          string
	Name        string
	Namespace   string
	Label       string
	Description string
	LicenseID   string
	Perms       map[string]bool
}

// FullName is ns__Name for packaged sets, else Name.
func (p *PermSet) FullName() string {
	if p.Namespace != "" {
		return p.Namespace + "__" + p.Name
	}
	return p.Name
}

// PSL is a permission set licence.
type PSL struct {
	ID, DeveloperName, MasterLabel string
}

// Group is a permission set group with its member sets.
type Group struct {
	ID, DeveloperName, NamespacePrefix, MasterLabel, Description, Status string
	Components                                                           map[string]string // member PermissionSetId(15) → component row Id
}

// FullName is the group's API name, with its namespace for a managed one
// ("ns__Agents").
func (g *Group) FullName() string {
	if g.NamespacePrefix != "" {
		return g.NamespacePrefix + "__" + g.DeveloperName
	}
	return g.DeveloperName
}

// FindGroup resolves a permission set group by API name (ns__Name for a
// managed one) or by its label when exactly one group has it.
func (s *State) FindGroup(name string) *Group {
	if g := s.Groups[strings.ToLower(name)]; g != nil {
		return g
	}
	var byLabel []*Group
	for _, g := range s.Groups {
		if strings.EqualFold(g.MasterLabel, name) {
			byLabel = append(byLabel, g)
		}
	}
	if len(byLabel) == 1 {
		return byLabel[0]
	}
	return nil
}

// User is a user with its assignments.
type User struct {
	ID     string
	Record Record
	PSLs   map[string]string // PermissionSetLicenseId(15) → assignment Id
	Sets   map[string]string // PermissionSetId(15) → assignment Id
	Groups map[string]string // PermissionSetGroupId(15) → assignment Id
}

// Named is anything sfprov finds by name and refers to by Id.
type Named struct{ ID, Name string }

// ObjectPerm is an ObjectPermissions row.
type ObjectPerm struct {
	ID     string
	Object string
	Flags  map[string]bool // PermissionsRead ... as read from the org
}

// FieldPerm is a FieldPermissions row.
type FieldPerm struct {
	ID         string
	Field      string // Object.Field
	Read, Edit bool
}

// Key15 returns the case-sensitive 15-character form of a Salesforce Id, so that
// 15- and 18-character spellings of one Id compare equal.
func Key15(id string) string {
	if len(id) == 18 {
		return id[:15]
	}
	return id
}

// FindPermSet resolves a permission set named by API name (Name or ns__Name) or,
// failing that, by Label. It returns the candidates when a label is ambiguous.
func (s *State) FindPermSet(name string) (*PermSet, []*PermSet) {
	for _, p := range s.PermSets {
		if strings.EqualFold(p.FullName(), name) {
			return p, nil
		}
	}
	var byLabel []*PermSet
	for _, p := range s.PermSets {
		if strings.EqualFold(p.Label, name) {
			byLabel = append(byLabel, p)
		}
	}
	if len(byLabel) == 1 {
		return byLabel[0], nil
	}
	return nil, byLabel
}

// FindPSL resolves a permission set licence by DeveloperName or MasterLabel.
func (s *State) FindPSL(name string) *PSL {
	for _, p := range s.PSLs {
		if strings.EqualFold(p.DeveloperName, name) || strings.EqualFold(p.MasterLabel, name) {
			return p
		}
	}
	return nil
}

// ProfileByID finds a profile by Id.
func (s *State) ProfileByID(id string) *Profile {
	for _, p := range s.Profiles {
		if Key15(p.ID) == Key15(id) {
			return p
		}
	}
	return nil
}

// Selection is what the org holds for one `assignments:` block: the active users
// its selectors pick who lack its permission set, group or licence (or, for a
// block whose `where:` has a sub-select, every user picked and the holders).
type Selection struct {
	Users   map[string]string // user Id(15) → Username
	Holders map[string]string // assignee Id(15) → assignment row Id; read only when Users has holders too
	Err     error             // the org refused a selector (a bad `where:`, say)
}
