package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/state"
)

// Some user permissions depend on object permissions (Convert Leads on
// Create Account: "Permission Convert Leads depends on permission(s): Create
// Account", wiki.sfxd.org via integration-metadata-facts.md). The org checks
// that when the profile or permission set is saved, and its object access is
// written after it, so such permissions are switched on by a second write
// (TypeLatePermissions), once the object access they need exists; and the
// object access they need is planned as a prerequisite, as Setup does.

// objNeed is object access that a user permission requires.
type objNeed struct {
	obj   string
	flags []string
	why   string
}

// objectNeeds lists the object permissions user permission name requires,
// directly or through the user permissions it requires, by the org's
// PermissionDependency (nil without it).
func (pl *planner) objectNeeds(name string) []state.PermRef {
	d := pl.orgDeps()
	if d == nil {
		return nil
	}
	var out []state.PermRef
	seen := map[string]bool{strings.ToLower(name): true}
	queue := []string{name}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, r := range d.Requires(state.PermRef{Name: n}) {
			if r.Object != "" {
				out = append(out, r)
			} else if !seen[strings.ToLower(r.Name)] {
				seen[strings.ToLower(r.Name)] = true
				queue = append(queue, r.Name)
			}
		}
	}
	return out
}

// objectNeedsOf gathers the object access the given Permissions* fields
// require, by object, with the reason.
func (pl *planner) objectNeedsOf(fields []string) []objNeed {
	byObj := map[string]*objNeed{}
	var order []string
	for _, f := range fields {
		name := strings.TrimPrefix(f, "Permissions")
		for _, r := range pl.objectNeeds(name) {
			flag := flagOfVerb(r.Name)
			if flag == "" {
				continue
			}
			k := lower(r.Object)
			n := byObj[k]
			if n == nil {
				n = &objNeed{obj: r.Object, why: "required by " + pl.label(name)}
				byObj[k] = n
				order = append(order, k)
			}
			if !slices.Contains(n.flags, flag) {
				n.flags = append(n.flags, flag)
			}
		}
	}
	out := make([]objNeed, 0, len(order))
	for _, k := range order {
		out = append(out, *byObj[k])
	}
	return out
}

// deferLate moves the permissions of step that need object access out of it
// into a second write after the object access, and returns that step (nil
// when there is none). key names the record when this plan creates it.
func (pl *planner) deferLate(step *Step, key Key) *Step {
	var late []string
	for f, v := range step.Fields {
		if on, ok := v.(bool); ok && on && strings.HasPrefix(f, "Permissions") && len(pl.objectNeeds(strings.TrimPrefix(f, "Permissions"))) > 0 {
			late = append(late, f)
		}
	}
	if len(late) == 0 {
		return nil
	}
	sort.Strings(late)
	ls := &Step{Action: Update, Type: TypeLatePermissions, Name: step.Name, SObject: step.SObject, ID: step.ID, Fields: map[string]any{},
		Note: fmt.Sprintf("after the object access they need (%s)", strings.Join(late, ", "))}
	if step.Action == Create {
		ls.Refs = map[string]Key{"Id": key}
	}
	var keep []Change
	for _, c := range step.Changes {
		if slices.Contains(late, c.Field) {
			ls.Changes = append(ls.Changes, c)
			continue
		}
		keep = append(keep, c)
	}
	step.Changes = keep
	for _, f := range late {
		delete(step.Fields, f)
		ls.Fields[f] = true
	}
	if len(ls.Changes) == 0 {
		// Copied from a clone source: no change to show, but still written.
		ls.Note = fmt.Sprintf("copied from the clone source, after the object access they need (%s)", strings.Join(late, ", "))
	}
	return ls
}
