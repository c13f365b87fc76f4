package state

import (
	"strings"

	"github.com/sfprov/sfprov/internal/spec"
)

// Needs is what Read reads: the names the planner will look up and the
// blocks whose org side it compares. NeedsOf derives it from a spec; a
// reader that has no spec (an export of one user) can ask for a username,
// its profile and its sets the same way.
type Needs struct {
	// Profiles, PermSets and Groups are looked up by name (API name,
	// ns__Name or label); every profile is read anyway, for "did you mean".
	Profiles, PermSets, Groups []string
	// AccessProfiles are the profiles whose object, field and entity access
	// is read: a spec's own and their clone sources, not those only named as
	// a user's profile (a standard profile holds thousands of field rows
	// that no step needs).
	AccessProfiles []string
	Users          []string // usernames, read with their assignments
	UserFields     []string // User fields read beyond the ones every user is read with
	Apps           []string // connected apps, with the sets' and profiles' access to them
	ApexClasses    []string
	Objects        []string // described (fields, record types)
	// Packages: the installed packages (a `package:` condition, `packages:`).
	Packages bool
	// Dependencies: the org's permission dependencies (a permission is
	// switched on).
	Dependencies bool
	RemoteSites  bool
	// ExternalClientApps are read with the Metadata API, by name.
	ExternalClientApps []string
	// AdminAssignments: the running user's assignments (an app's policy
	// pre-authorises sets, which the deploying admin must hold first).
	AdminAssignments bool
	// ProfileRecordTypes are the profiles whose record type visibilities
	// are read (Tooling Metadata) when they exist.
	ProfileRecordTypes []string
	// PermSetMeta are the sets whose Metadata may be read.
	PermSetMeta []PermSetMetaNeed
	// Selections, one per `assignments:` block, in order.
	Selections []Selector
	// Records, one per `records:` block, in order, with their rows.
	Records []RecordsNeed
}

// PermSetMetaNeed is a permission set whose Metadata is read when it sets
// record types, or names a system permission (Fields: the PermissionSet
// fields, "PermissionsX") the org's PermissionSet has no field for.
type PermSetMetaNeed struct {
	Name        string
	RecordTypes bool
	Fields      []string
}

// Selector is one `assignments:` block: what it assigns (one of the three)
// and the users it picks.
type Selector struct {
	PermissionSet, PermissionSetGroup, PermissionSetLicense string
	Users, Profiles, PermissionSets, PermissionSetGroups    []string
	Where                                                   string
}

// RecordsNeed is one `records:` block: its object and key, and its rows,
// loaded with the spec (a CSV file is read when the spec is loaded, before any org I/O).
// Err says why the rows could not be loaded.
type RecordsNeed struct {
	Object string
	Key    []string
	Rows   []map[string]spec.Value
	Err    error
}

// NeedsOf is what planning s needs of the org.
func NeedsOf(s *spec.Spec) Needs {
	n := collect(s)
	nd := Needs{
		Profiles: sortedKeys(n.profiles), PermSets: sortedKeys(n.permSets), Groups: sortedKeys(n.groups),
		AccessProfiles: sortedKeys(n.accessProfiles), Users: sortedKeys(n.users),
		Apps: sortedKeys(n.apps), ApexClasses: sortedKeys(n.classes), Objects: sortedKeys(n.objects),
		Packages: n.needPackages, Dependencies: needsDependencies(s), RemoteSites: len(s.RemoteSites) > 0,
		AdminAssignments: needsAdminSets(s),
	}
	fields := map[string]bool{}
	for _, u := range s.Users {
		for f := range u.Fields {
			fields[f] = true
		}
	}
	nd.UserFields = sortedKeys(fields)
	for _, a := range s.ExternalClientApps {
		nd.ExternalClientApps = append(nd.ExternalClientApps, a.Name)
	}
	for _, p := range s.Profiles {
		if len(p.RecordTypeDefaults) > 0 {
			nd.ProfileRecordTypes = append(nd.ProfileRecordTypes, p.Name)
		}
	}
	for _, p := range s.PermissionSets {
		m := PermSetMetaNeed{Name: p.Name}
		for _, o := range p.Objects {
			m.RecordTypes = m.RecordTypes || len(o.RecordTypes) > 0
		}
		for _, sp := range p.SystemPermissions {
			m.Fields = append(m.Fields, sp.Field())
		}
		if m.RecordTypes || len(m.Fields) > 0 {
			nd.PermSetMeta = append(nd.PermSetMeta, m)
		}
	}
	for _, a := range s.Assignments {
		sel := Selector{PermissionSet: a.PermissionSet, PermissionSetGroup: a.PermissionSetGroup, PermissionSetLicense: a.PermissionSetLicense,
			Profiles: a.To.Profiles, PermissionSets: a.To.PermissionSets, PermissionSetGroups: a.To.PermissionSetGroups, Where: a.To.Where}
		for _, u := range a.To.Users {
			sel.Users = append(sel.Users, u.Value)
		}
		nd.Selections = append(nd.Selections, sel)
	}
	for _, rs := range s.Records {
		rows, err := rs.Rows()
		nd.Records = append(nd.Records, RecordsNeed{Object: rs.Object, Key: rs.Key, Rows: rows, Err: err})
	}
	return nd
}

// names are the Needs' names as sets, for the queries and for lookups.
func (nd *Needs) names() names {
	set := func(vals []string) map[string]bool {
		m := map[string]bool{}
		for _, v := range vals {
			m[v] = true
		}
		return m
	}
	return names{profiles: set(nd.Profiles), permSets: set(nd.PermSets), groups: set(nd.Groups), users: set(nd.Users),
		apps: set(nd.Apps), classes: set(nd.ApexClasses), objects: set(nd.Objects), needPackages: nd.Packages,
		accessProfiles: set(nd.AccessProfiles)}
}

// permSetMetaNames lists the sets whose Metadata the plan needs: those that
// set record types (known without the org, so read beside everything
// else) and, once the org's PermissionSet fields are known (fields
// non-empty), those with a system permission the object has no field for.
// read holds the lower names of sets already read.
func permSetMetaNames(need []PermSetMetaNeed, fields map[string]bool, read map[string]bool) []string {
	var out []string
	for _, m := range need {
		want := m.RecordTypes
		for _, f := range m.Fields {
			want = want || (len(fields) > 0 && !fields[f])
		}
		if want && !read[strings.ToLower(m.Name)] {
			out = append(out, m.Name)
		}
	}
	return out
}
