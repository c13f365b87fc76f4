package plan

import (
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// assignments plans the `assignments:` blocks: one permission set, group or
// licence for every active user the selectors pick, skipping users who hold it
// already or get it from a `users:` entry of the same spec. They are additive
// only: a user who stops matching keeps what was assigned.
func (pl *planner) assignments() {
	for i := range pl.s.Assignments {
		a := &pl.s.Assignments[i]
		if !pl.cond(a.If) || i >= len(pl.st.Selections) {
			continue
		}
		sel := pl.st.Selections[i]
		if sel.Err != nil {
			pl.errorf(a.Pos, "assignments: the org refused a selector: %v", sel.Err)
			continue
		}
		var typ, sobject, targetName, refField, changeField string
		var targetKey Key
		switch {
		case a.PermissionSet != "":
			key, name, ok := pl.permSetRef(spec.NamedRef{Name: a.PermissionSet, Pos: a.Pos})
			if !ok {
				continue
			}
			typ, sobject, targetName, refField, changeField = TypePermSetAssign, "PermissionSetAssignment", name, "PermissionSetId", "PermissionSet"
			targetKey = key
		case a.PermissionSetGroup != "":
			key, name, ok := pl.groupRef(a.PermissionSetGroup, a.Pos)
			if !ok {
				continue
			}
			typ, sobject, targetName, refField, changeField = TypeGroupAssign, "PermissionSetAssignment", name, "PermissionSetGroupId", "PermissionSetGroup"
			targetKey = key
		default:
			psl := pl.st.FindPSL(a.PermissionSetLicense)
			if psl == nil {
				pl.errorf(a.Pos, "permission set licence %q does not exist in the org%s", a.PermissionSetLicense, pl.suggestLicense(a.PermissionSetLicense))
				continue
			}
			targetKey = LicenceKey(state.Key15(psl.ID))
			pl.p.IDs[targetKey] = psl.ID
			typ, sobject, targetName, refField, changeField = TypeLicenseAssign, "PermissionSetLicenseAssign", psl.MasterLabel, "PermissionSetLicenseId", "PermissionSetLicense"
		}
		picked := map[string]string{} // username (lower) → Id(15), "" for users this spec creates
		var names []string
		for id, username := range sel.Users {
			picked[lower(username)] = id
			names = append(names, username)
		}
		// Users of this spec that the selectors pick by name, profile, set or
		// group are included even when this apply creates them, so that one
		// apply converges (a `where:` can only match users that exist).
		for _, u := range pl.s.Users {
			if !pl.cond(u.If) || (u.Active != nil && !*u.Active) {
				continue
			}
			if _, ok := picked[lower(u.Username.Value)]; ok || !selects(&a.To, &u) {
				continue
			}
			// The org's users who hold the target already are not read
			// (the selection's anti-join): ask the spec user's own row.
			if pl.holds(u.Username.Value, typ, pl.p.IDs[targetKey]) {
				continue
			}
			picked[lower(u.Username.Value)] = ""
			names = append(names, u.Username.Value)
		}
		sort.Slice(names, func(x, y int) bool { return lower(names[x]) < lower(names[y]) })
		for _, username := range names {
			id := picked[lower(username)]
			userKey := UserKey(username)
			if pl.p.IDs[userKey] == "" && id != "" {
				pl.p.IDs[userKey] = id
			}
			_, holds := sel.Holders[id]
			if (id != "" && holds) || !pl.plan(userKey, targetKey) {
				continue
			}
			pl.add(&Step{Action: Create, Type: typ, Name: targetName, Parent: "user " + quoteName(username), SObject: sobject,
				Note:    "assignments",
				Fields:  map[string]any{},
				Refs:    map[string]Key{"AssigneeId": userKey, refField: targetKey},
				Changes: []Change{{Field: changeField, After: targetName}}})
		}
	}
}

// holds reports whether the org's user username (read as a spec user) holds
// the permission set, group or licence targetID through an assignment of
// type typ.
func (pl *planner) holds(username, typ, targetID string) bool {
	u := pl.st.Users[lower(username)]
	if u == nil || targetID == "" {
		return false
	}
	rows := u.Sets
	switch typ {
	case TypeGroupAssign:
		rows = u.Groups
	case TypeLicenseAssign:
		rows = u.PSLs
	}
	_, ok := rows[state.Key15(targetID)]
	return ok
}

// plan records that an assignment of target to user is planned and reports
// whether it was new, so that `users:` and `assignments:` never plan the same
// assignment twice (the second would fail with DUPLICATE_VALUE).
func (pl *planner) plan(userKey, targetKey Key) bool {
	k := userKey.String() + "|" + targetKey.String()
	if pl.planned[k] {
		return false
	}
	pl.planned[k] = true
	return true
}

// selects reports whether the selectors pick a user of the spec by what the
// spec says about it.
func selects(t *spec.AssignmentTarget, u *spec.User) bool {
	for _, v := range t.Users {
		if strings.EqualFold(v.Value, u.Username.Value) {
			return true
		}
	}
	for _, p := range t.Profiles {
		if strings.EqualFold(p, u.Profile) {
			return true
		}
	}
	for _, want := range t.PermissionSets {
		for _, r := range u.PermissionSets {
			if strings.EqualFold(want, r.Name) {
				return true
			}
		}
	}
	for _, want := range t.PermissionSetGroups {
		for _, r := range u.PermissionSetGroups {
			if strings.EqualFold(want, r.Name) {
				return true
			}
		}
	}
	return false
}
