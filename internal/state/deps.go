package state

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
)

// Dependencies are the org's permission dependencies: what Salesforce insists
// on before a permission can be enabled. The org keeps them in the Tooling
// object PermissionDependency (API 46.0+; integration-metadata-facts.md,
// "Permission names and dependencies"): a row says that Permission (of
// PermissionType) requires RequiredPermission (of RequiredPermissionType).
// Setup switches prerequisites on by itself; a data write does not, and is
// refused with "Permission X depends on permission(s): Y" instead, so the
// planner adds them.
type Dependencies struct {
	// FromOrg: read from the org. When false, Refused says why the org's
	// table could not be read, and the planner falls back on its own.
	FromOrg bool
	Refused string
	// edges: requiring permission → what it requires, in the org's order.
	edges map[PermRef][]PermRef
	// objects whose object-permission rows were read (lower names); nil
	// means every object's.
	objects map[string]bool
}

// Covers reports whether the table holds obj's object-permission rows: only
// the spec's objects are read, so a requirement on another object (Create
// on Account, for Convert Leads) is known, but that object's own rows are
// not.
func (d *Dependencies) Covers(obj string) bool {
	if d == nil {
		return false
	}
	return d.objects == nil || d.objects[strings.ToLower(obj)]
}

// PermRef is one permission as PermissionDependency names it: a user
// permission by its API name without "Permissions" ("CustomizeApplication"),
// or an object permission as Object plus a verb ("Account" "read").
type PermRef struct {
	Object string // "" for a user permission
	Name   string // user permission name, or the object permission's verb
}

func (r PermRef) String() string {
	if r.Object == "" {
		return r.Name
	}
	return r.Object + "<" + r.Name + ">"
}

// The two PermissionType values, and object permissions written
// Object<verb> (a public tool's probe of a live org, quoted in its source:
// "Both PermissionType and RequiredPermissionType have a closed, TWO-value
// domain — the literals 'User Permission' and 'Object Permission'"; rows
// such as "Account<read>").
const (
	userPermissionType   = "User Permission"
	objectPermissionType = "Object Permission"
)

// ObjectVerbs maps ObjectPermissions fields to the verbs PermissionDependency
// names object permissions with. read, create, update and viewAllRecords are
// seen in live-org rows (the probe above); delete, modifyAllRecords and
// viewAllFields follow the same camel-cased field names and are UNCONFIRMED.
var ObjectVerbs = map[string]string{
	"PermissionsRead":             "read",
	"PermissionsCreate":           "create",
	"PermissionsEdit":             "update",
	"PermissionsDelete":           "delete",
	"PermissionsViewAllRecords":   "viewAllRecords",
	"PermissionsModifyAllRecords": "modifyAllRecords",
	"PermissionsViewAllFields":    "viewAllFields",
}

// parsePermRef reads a PermissionDependency name of the given type. User
// permissions are accepted with or without the sObject field's
// "Permissions" prefix.
func parsePermRef(name, typ string) (PermRef, bool) {
	name = strings.TrimSpace(name)
	switch typ {
	case userPermissionType:
		name = strings.TrimPrefix(name, "Permissions")
		return PermRef{Name: name}, name != ""
	case objectPermissionType:
		i := strings.IndexByte(name, '<')
		if i <= 0 || !strings.HasSuffix(name, ">") {
			return PermRef{}, false
		}
		return PermRef{Object: name[:i], Name: name[i+1 : len(name)-1]}, true
	}
	return PermRef{}, false
}

// Requires returns what p requires directly (nil when nothing is known).
// Object names and user permission names compare without case.
func (d *Dependencies) Requires(p PermRef) []PermRef {
	if d == nil {
		return nil
	}
	return d.edges[normRef(p)]
}

func normRef(p PermRef) PermRef {
	return PermRef{Object: strings.ToLower(p.Object), Name: strings.ToLower(p.Name)}
}

// NewDependencies builds a table from (permission, required) pairs, for tests
// and for the planner's built-in fallback.
func NewDependencies(fromOrg bool, pairs ...[2]PermRef) *Dependencies {
	d := &Dependencies{FromOrg: fromOrg, edges: map[PermRef][]PermRef{}}
	for _, p := range pairs {
		d.add(p[0], p[1])
	}
	return d
}

func (d *Dependencies) add(from, to PermRef) {
	k := normRef(from)
	for _, have := range d.edges[k] {
		if normRef(have) == normRef(to) {
			return // live orgs return duplicate rows (the probe above)
		}
	}
	d.edges[k] = append(d.edges[k], to)
}

// dependencyQuery asks for the rows the spec can need: every user
// permission's, and the object permissions of the spec's objects (a
// requirement on another object, such as Read on Account for Contact, is
// then known; that object's own requirements are not followed further).
func dependencyQuery(objects []string) string {
	q := "SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE PermissionType = '" + userPermissionType + "'"
	var names []string
	for _, obj := range objects {
		verbs := make([]string, 0, len(ObjectVerbs))
		for _, v := range ObjectVerbs {
			verbs = append(verbs, v)
		}
		sort.Strings(verbs)
		for _, v := range verbs {
			names = append(names, "'"+strings.ReplaceAll(obj, "'", `\'`)+"<"+v+">'")
		}
	}
	if len(names) > 0 {
		q += " OR Permission IN (" + strings.Join(names, ", ") + ")"
	}
	return q
}

// needsDependencies reports whether the spec enables any permission that can
// have prerequisites.
func needsDependencies(s *spec.Spec) bool {
	for _, p := range s.Profiles {
		if len(p.SystemPermissions)+len(p.Objects) > 0 {
			return true
		}
	}
	for _, p := range s.PermissionSets {
		if len(p.SystemPermissions)+len(p.Objects) > 0 {
			return true
		}
	}
	return false
}

// readDependencies queries the org's PermissionDependency. A refusal (an org
// before API 46.0, a user without View Setup and Configuration) is not an
// error: the table says why, and the planner falls back on its own.
func readDependencies(ctx context.Context, c *salesforce.Client, objects []string) (*Dependencies, error) {
	rows, err := c.ToolingQuery(ctx, dependencyQuery(objects))
	if err != nil {
		var ae *salesforce.APIError
		if errors.As(err, &ae) && ae.Status != 401 {
			return &Dependencies{Refused: refusal(ae), edges: map[PermRef][]PermRef{}}, nil
		}
		return nil, fmt.Errorf("read permission dependencies: %w", err)
	}
	d := &Dependencies{FromOrg: true, edges: map[PermRef][]PermRef{}, objects: map[string]bool{}}
	for _, obj := range objects {
		d.objects[strings.ToLower(obj)] = true
	}
	for _, r := range rows {
		from, ok1 := parsePermRef(r.String("Permission"), r.String("PermissionType"))
		to, ok2 := parsePermRef(r.String("RequiredPermission"), r.String("RequiredPermissionType"))
		if ok1 && ok2 {
			d.add(from, to)
		}
	}
	return d, nil
}

// refusal says in one line why the org refused the query: its error code and
// the last line of its message (a SOQL error quotes the query above it).
func refusal(ae *salesforce.APIError) string {
	if len(ae.Errors) == 0 {
		return fmt.Sprintf("HTTP %d", ae.Status)
	}
	it := ae.Errors[0]
	lines := strings.Split(strings.TrimSpace(it.Message), "\n")
	return it.Code + ": " + strings.TrimSpace(lines[len(lines)-1])
}
