package plan

import (
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/spec"
)

// What a permission set gets through a Metadata deploy, because the sObject
// API cannot write it: record type visibilities (no sObject holds them) and
// user permissions the PermissionSet object has no field for
// (CanApproveUninstalledApps; integration-metadata-facts.md "Permission
// names"). A PermissionSet deploy replaces the whole set (API 40.0+), so
// apply reads the set's Metadata when it writes, after everything else on
// the set, and deploys it whole with these changes in.

// permSetMetaWant collects, per spec permission set, what goes through the
// deploy.
type permSetMetaWant struct {
	name        string
	pos         spec.Pos
	key         Key
	recordTypes map[string]bool // Object.DeveloperName → visible
	perms       []string
	why         map[string]string
}

func (pl *planner) permSetMeta(name string) *permSetMetaWant {
	if pl.psMeta == nil {
		pl.psMeta = map[string]*permSetMetaWant{}
	}
	w := pl.psMeta[lower(name)]
	if w == nil {
		w = &permSetMetaWant{name: name, key: PermSetKey(name), recordTypes: map[string]bool{}, why: map[string]string{}}
		for _, p := range pl.s.PermissionSets {
			if strings.EqualFold(p.Name, name) {
				w.pos = p.Pos
			}
		}
		pl.psMeta[lower(name)] = w
		pl.psMetaOrder = append(pl.psMetaOrder, lower(name))
	}
	return w
}

// recordTypes checks an `objects:` entry's record types against the
// object's and asks for them visible on the permission set.
func (pl *planner) recordTypes(oa *spec.ObjectAccess, obj string, infos []recordTypeInfo, set string) {
	have := map[string]string{}
	var names []string
	for _, info := range infos {
		if !info.master {
			have[lower(info.name)] = info.name
			names = append(names, info.name)
		}
	}
	sort.Strings(names)
	w := pl.permSetMeta(set)
	for _, rt := range oa.RecordTypes {
		name, ok := have[lower(rt)]
		if !ok {
			hint := "; it has none"
			if len(names) > 0 {
				hint = "; it has " + strings.Join(names, ", ")
			}
			pl.errorf(oa.Pos, "permission set %q: object %s has no record type %q%s", set, obj, rt, hint)
			continue
		}
		w.recordTypes[obj+"."+name] = true
	}
}

type recordTypeInfo struct {
	name   string
	master bool
}

// permSetMetadata plans one deploy step per permission set that needs one.
func (pl *planner) permSetMetadata() {
	for _, k := range pl.psMetaOrder {
		w := pl.psMeta[k]
		cur := pl.st.PermSetMeta[k]
		var changes []Change
		ch := metadata.PermissionSetChanges{RecordTypes: map[string]bool{}}
		rts := make([]string, 0, len(w.recordTypes))
		for rt := range w.recordTypes {
			rts = append(rts, rt)
		}
		sort.Strings(rts)
		for _, rt := range rts {
			visible, ok := false, false
			if cur != nil {
				visible, ok = cur.RecordTypes[lower(rt)]
			}
			if visible {
				continue
			}
			var before any
			if ok {
				before = "hidden"
			}
			ch.RecordTypes[rt] = true
			changes = append(changes, Change{Field: "recordType " + rt, Before: before, After: "visible"})
		}
		for _, p := range w.perms {
			if cur != nil && cur.UserPerms[lower(p)] {
				continue
			}
			ch.UserPermissions = append(ch.UserPermissions, p)
			c := Change{Field: "userPermission " + p, After: true}
			if cur != nil {
				c.Before = false
			}
			changes = append(changes, c)
		}
		if len(changes) == 0 {
			continue
		}
		pl.add(&Step{Action: Update, Type: TypePermSetMetadata, Name: w.name, SObject: "PermissionSet", Changes: changes,
			Note: "a Metadata deploy of the whole set: the sObject API cannot write these",
			Refs: map[string]Key{"Id": w.key}, Metadata: &Metadata{PermSet: &ch}, Pos: w.pos})
	}
}

// specPermSetName is the spec's name of the permission set a key stands
// for, "" when the key is not one of the spec's sets.
func (pl *planner) specPermSetName(k Key) string {
	if k.Of != KeyPermSet {
		return ""
	}
	for _, p := range pl.s.PermissionSets {
		if PermSetKey(p.Name) == k {
			return p.Name
		}
	}
	return ""
}
