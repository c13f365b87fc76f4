package plan

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// objectFlags maps spec access words to ObjectPermissions fields.
var objectFlags = map[string]string{
	spec.AccessRead:          "PermissionsRead",
	spec.AccessCreate:        "PermissionsCreate",
	spec.AccessEdit:          "PermissionsEdit",
	spec.AccessDelete:        "PermissionsDelete",
	spec.AccessViewAll:       "PermissionsViewAllRecords",
	spec.AccessModifyAll:     "PermissionsModifyAllRecords",
	spec.AccessViewAllFields: "PermissionsViewAllFields",
}

// flagOrder is the order flags are shown and written in.
var flagOrder = []string{"PermissionsRead", "PermissionsCreate", "PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords", "PermissionsModifyAllRecords", "PermissionsViewAllFields"}

// impliedFlags: Create and Edit need Read, Delete needs Read and Edit,
// ViewAllRecords needs Read, ModifyAllRecords needs Read, Edit, Delete and
// ViewAllRecords (ObjectPermissions object reference; salesforce-api-facts.md §4).
// View All Fields needs Read (UNCONFIRMED: as Setup shows it).
var impliedFlags = map[string][]string{
	"PermissionsCreate":           {"PermissionsRead"},
	"PermissionsEdit":             {"PermissionsRead"},
	"PermissionsDelete":           {"PermissionsRead", "PermissionsEdit"},
	"PermissionsViewAllRecords":   {"PermissionsRead"},
	"PermissionsModifyAllRecords": {"PermissionsRead", "PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords"},
	"PermissionsViewAllFields":    {"PermissionsRead"},
}

// objectParents: access to these objects needs Read on the parent object.
// Source: salesforce-api-facts.md §4 ("A grant on the child needs Read on the
// master": "Permission Read <Child> depends on permission(s): Read <Master>");
// a vendor page quotes "Permission Read Contracts depends on permission(s):
// Read Accounts". Contact and Opportunity follow Account the same way in Setup
// (UNCONFIRMED wording for those two).
var objectParents = map[string]string{
	"Contact":     "Account",
	"Opportunity": "Account",
	"Contract":    "Account",
}

// isParentObject reports whether other objects' access needs Read on name.
func isParentObject(name string) bool {
	for _, p := range objectParents {
		if strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// clonedAccess is what a profile created with cloneFrom copies from its
// source: the object and field rows of the source's own permission set, as
// Setup's Clone copies them. The API creates a blank profile, so sfprov
// writes the copy itself.
type clonedAccess struct {
	from    string
	objects map[string]*state.ObjectPerm // lower SobjectType → row
	fields  map[string]*state.FieldPerm  // lower Object.Field → row
}

// note says where a copied row comes from, for the plan.
func (c *clonedAccess) note() string { return "copied from " + quoteName(c.from) }

func (pl *planner) objects(list []spec.ObjectAccess, parentID string, parentKey Key, parentLabel string, prune bool, clone *clonedAccess, needs []objNeed) {
	var rows map[string]*state.ObjectPerm
	var fieldRows map[string]*state.FieldPerm
	if parentID != "" {
		rows = pl.st.ObjectPerms[state.Key15(parentID)]
		fieldRows = pl.st.FieldPerms[state.Key15(parentID)]
	}
	seenObj := map[string]bool{}
	seenField := map[string]bool{}
	type entry struct {
		obj  string
		want map[string]bool
		note string
	}
	var entries []*entry
	byObj := map[string]*entry{}
	for i := range list {
		oa := &list[i]
		if !pl.cond(oa.If) {
			continue
		}
		d := pl.describe(oa.Object, oa.Pos)
		if d == nil {
			continue
		}
		obj := d.Name
		seenObj[lower(obj)] = true
		want := map[string]bool{}
		for _, a := range oa.Access {
			want[objectFlags[a]] = true
		}
		pl.closeFlags(obj, want)
		if want["PermissionsViewAllFields"] && len(pl.st.ObjectPermFields) > 0 && !pl.st.ObjectPermFields["PermissionsViewAllFields"] {
			pl.errorf(oa.Pos, "object access viewAllFields on %q: this org's API version has no PermissionsViewAllFields", obj)
			delete(want, "PermissionsViewAllFields")
		}
		if len(oa.RecordTypes) > 0 {
			if set := pl.specPermSetName(parentKey); set != "" {
				var infos []recordTypeInfo
				for _, info := range d.RecordTypeInfos {
					infos = append(infos, recordTypeInfo{name: info.DeveloperName, master: info.Master})
				}
				pl.recordTypes(oa, obj, infos, set)
			} else {
				pl.p.Warnings = append(pl.p.Warnings, fmt.Sprintf("%s: recordTypes on %s %s are not applied by this version of sfprov (on a profile, use recordTypeDefaults)", posString(oa.Pos), obj, parentLabel))
			}
		}
		if len(want) > 0 {
			if e := byObj[lower(obj)]; e != nil {
				for f := range want {
					e.want[f] = true
				}
			} else {
				e := &entry{obj: obj, want: want}
				entries = append(entries, e)
				byObj[lower(obj)] = e
			}
		}
		pl.fields(oa, d, fieldRows, parentKey, parentLabel, prune, seenField, clone)
	}
	if clone != nil {
		// The source's rows join the spec's: a flag either grants is set.
		for _, k := range sortedKeys(clone.objects) {
			r := clone.objects[k]
			want := map[string]bool{}
			for _, f := range flagOrder {
				if r.Flags[f] {
					want[f] = true
				}
			}
			if len(want) == 0 {
				continue
			}
			seenObj[k] = true
			if e := byObj[k]; e != nil {
				for f := range want {
					e.want[f] = true
				}
				continue
			}
			e := &entry{obj: r.Object, want: want, note: clone.note()}
			entries = append(entries, e)
			byObj[k] = e
		}
	}
	// Object access the parent's user permissions require (Create on
	// Account for Convert Leads) joins what is planned, or is planned first.
	var prereqs []*entry
	for _, n := range needs {
		want := map[string]bool{}
		for _, f := range n.flags {
			want[f] = true
		}
		pl.closeFlags(n.obj, want)
		if e := byObj[lower(n.obj)]; e != nil {
			for f := range want {
				e.want[f] = true
			}
			continue
		}
		if r := rows[lower(n.obj)]; r != nil && hasAll(r.Flags, sortedKeys(want)) {
			continue
		}
		e := &entry{obj: n.obj, want: want, note: flagWords(sortedKeys(want)) + " " + n.obj + " " + n.why}
		byObj[lower(n.obj)] = e
		seenObj[lower(n.obj)] = true
		prereqs = append(prereqs, e)
	}
	// Access that Salesforce ties to another object's access (Read on Account
	// for Contact) gets that access too, first, as Setup does.
	isParent := map[*entry]bool{}
	for _, e := range entries {
		for _, other := range sortedKeys(pl.otherObjectNeeds(e.obj, e.want)) {
			flags := pl.otherObjectNeeds(e.obj, e.want)[other]
			if pe := byObj[lower(other)]; pe != nil {
				for _, f := range flags {
					pe.want[f] = true
				}
				pl.closeFlags(pe.obj, pe.want)
				isParent[pe] = true
				continue
			}
			if r := rows[lower(other)]; r != nil && hasAll(r.Flags, flags) {
				continue
			}
			want := map[string]bool{}
			for _, f := range flags {
				want[f] = true
			}
			pl.closeFlags(other, want)
			pe := &entry{obj: other, want: want, note: flagWords(flags) + " " + other + " required by " + e.obj}
			byObj[lower(other)] = pe
			seenObj[lower(other)] = true
			prereqs = append(prereqs, pe)
		}
	}
	// Parents first, so that a parent's Read exists before the child's
	// access is written in the same call.
	sort.SliceStable(entries, func(i, j int) bool { return isParent[entries[i]] && !isParent[entries[j]] })
	for _, e := range append(prereqs, entries...) {
		pl.objectRow(e.obj, e.want, rows[lower(e.obj)], parentKey, parentLabel, prune, e.note)
	}
	if clone != nil {
		for _, k := range sortedKeys(clone.fields) {
			r := clone.fields[k]
			if seenField[k] || !r.Read {
				continue
			}
			// A profile that exists already (its copy unfinished) has
			// some rows: those get what the source grants, if they lack it.
			if cur := fieldRows[k]; cur != nil {
				if cur.Read && (cur.Edit || !r.Edit) {
					continue
				}
				step := &Step{Action: Update, Type: TypeFieldAccess, Name: r.Field, Parent: parentLabel, SObject: "FieldPermissions", Fields: map[string]any{}, ID: cur.ID, Note: clone.note()}
				if !cur.Read {
					step.set("PermissionsRead", false, true)
				}
				if r.Edit && !cur.Edit {
					step.set("PermissionsEdit", false, true)
				}
				pl.add(step)
				continue
			}
			step := newFieldRow(r.Field, r.Edit, parentKey, parentLabel)
			step.Note = clone.note()
			pl.add(step)
		}
	}
	if !prune {
		return
	}
	// A parent object's row goes after its children's: Salesforce checks each
	// record of a call in turn, and Read on Account must outlive Read on Contact.
	pruned := sortedKeys(rows)
	sort.SliceStable(pruned, func(i, j int) bool {
		return !isParentObject(rows[pruned[i]].Object) && isParentObject(rows[pruned[j]].Object)
	})
	for _, k := range pruned {
		if !seenObj[k] {
			r := rows[k]
			pl.add(&Step{Action: Prune, Type: TypeObjectAccess, Name: r.Object, Parent: parentLabel, SObject: "ObjectPermissions", ID: r.ID})
		}
	}
	for _, k := range sortedKeys(fieldRows) {
		if !seenField[k] {
			r := fieldRows[k]
			pl.add(&Step{Action: Prune, Type: TypeFieldAccess, Name: r.Field, Parent: parentLabel, SObject: "FieldPermissions", ID: r.ID})
		}
	}
}

// closeFlags adds to want the flags on the same object that its flags
// require (Edit needs Read...): from the org's PermissionDependency when it
// was read, else from impliedFlags.
func (pl *planner) closeFlags(obj string, want map[string]bool) {
	for changed := true; changed; {
		changed = false
		for _, f := range sortedKeys(want) {
			for _, req := range pl.sameObjectNeeds(obj, f) {
				if !want[req] {
					want[req] = true
					changed = true
				}
			}
		}
	}
}

func (pl *planner) sameObjectNeeds(obj, flag string) []string {
	d := pl.orgDeps()
	if !d.Covers(obj) {
		return impliedFlags[flag]
	}
	var out []string
	for _, r := range d.Requires(state.PermRef{Object: obj, Name: state.ObjectVerbs[flag]}) {
		if f := flagOfVerb(r.Name); f != "" && strings.EqualFold(r.Object, obj) {
			out = append(out, f)
		}
	}
	return out
}

// otherObjectNeeds is the access on other objects that obj's flags require:
// from the org's PermissionDependency when it was read, else Read on the
// objectParents parent.
func (pl *planner) otherObjectNeeds(obj string, want map[string]bool) map[string][]string {
	out := map[string][]string{}
	d := pl.orgDeps()
	if !d.Covers(obj) {
		if parent := objectParents[obj]; parent != "" && len(want) > 0 {
			out[parent] = []string{"PermissionsRead"}
		}
		return out
	}
	seen := map[string]bool{}
	for _, f := range sortedKeys(want) {
		for _, r := range d.Requires(state.PermRef{Object: obj, Name: state.ObjectVerbs[f]}) {
			g := flagOfVerb(r.Name)
			if g == "" || r.Object == "" || strings.EqualFold(r.Object, obj) {
				continue
			}
			k := lower(r.Object) + "|" + g
			if !seen[k] {
				seen[k] = true
				out[r.Object] = append(out[r.Object], g)
			}
		}
	}
	return out
}

// flagOfVerb is the ObjectPermissions field of a PermissionDependency verb.
func flagOfVerb(verb string) string {
	for f, v := range state.ObjectVerbs {
		if strings.EqualFold(v, verb) {
			return f
		}
	}
	return ""
}

func hasAll(have map[string]bool, flags []string) bool {
	for _, f := range flags {
		if !have[f] {
			return false
		}
	}
	return true
}

// flagWords names access flags for a note: "Read", "Read and Edit".
func flagWords(flags []string) string {
	words := make([]string, len(flags))
	for i, f := range flags {
		words[i] = strings.TrimPrefix(f, "Permissions")
	}
	sort.SliceStable(words, func(i, j int) bool { return flagRank(words[i]) < flagRank(words[j]) })
	return strings.Join(words, " and ")
}

func flagRank(word string) int {
	for i, f := range flagOrder {
		if f == "Permissions"+word {
			return i
		}
	}
	return len(flagOrder)
}

func (pl *planner) objectRow(obj string, want map[string]bool, cur *state.ObjectPerm, parentKey Key, parentLabel string, prune bool, note string) {
	step := &Step{Type: TypeObjectAccess, Name: obj, Parent: parentLabel, SObject: "ObjectPermissions", Fields: map[string]any{}, Note: note}
	if cur == nil {
		step.Action = Create
		step.Fields["SobjectType"] = obj
		step.Refs = map[string]Key{"ParentId": parentKey}
		for _, f := range flagOrder {
			if want[f] {
				step.Fields[f] = true
				step.Changes = append(step.Changes, Change{Field: f, After: true})
			}
		}
		pl.add(step)
		return
	}
	step.ID = cur.ID
	for _, f := range flagOrder {
		switch {
		case want[f] && !cur.Flags[f]:
			step.Fields[f] = true
			step.Changes = append(step.Changes, Change{Field: f, Before: false, After: true})
		case prune && !want[f] && cur.Flags[f]:
			step.Fields[f] = false
			step.Changes = append(step.Changes, Change{Field: f, Before: true, After: false})
		}
	}
	step.Action = actionFor(step)
	pl.add(step)
}

// fieldLevels returns Object.Field → edit? for the fields oa grants.
func (pl *planner) fieldLevels(oa *spec.ObjectAccess, d *state.Describe) map[string]bool {
	out := map[string]bool{}
	switch oa.FieldsAll {
	case "all-read", "all-edit":
		// "Edit Access in the header" grants every field that can take field
		// permissions; formula and other calculated fields can only be read.
		// Fields that are not permissionable (required, system) have implicit
		// access (salesforce-api-facts.md §4).
		for _, f := range d.Fields {
			if !f.Permissionable {
				continue
			}
			out[d.Name+"."+f.Name] = oa.FieldsAll == "all-edit" && !f.Calculated && (f.Updateable || f.Createable)
		}
		return out
	}
	names := make([]string, 0, len(oa.Fields))
	for name := range oa.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	var all []string
	for _, f := range d.Fields {
		all = append(all, f.Name)
	}
	for _, name := range names {
		pos := oa.FieldPos[name]
		if pos.Line == 0 {
			pos = oa.Pos
		}
		var field *state.DescribeField
		for i := range d.Fields {
			if strings.EqualFold(d.Fields[i].Name, name) {
				field = &d.Fields[i]
			}
		}
		if field == nil {
			hint := ""
			if s := diag.Suggest(name, all); s != "" {
				hint = fmt.Sprintf("; did you mean %q?", s)
			}
			pl.errorf(pos, "field %q does not exist on %s%s", name, d.Name, hint)
			continue
		}
		if !field.Permissionable {
			pl.errorf(pos, "field %s.%s cannot take field permissions (required and system fields always have access)", d.Name, field.Name)
			continue
		}
		edit := oa.Fields[name] == spec.FieldEdit
		if edit && field.Calculated {
			pl.errorf(pos, "field %s.%s is calculated and can only be read", d.Name, field.Name)
			edit = false
		}
		out[d.Name+"."+field.Name] = edit
	}
	return out
}

func (pl *planner) fields(oa *spec.ObjectAccess, d *state.Describe, rows map[string]*state.FieldPerm, parentKey Key, parentLabel string, prune bool, seen map[string]bool, clone *clonedAccess) {
	levels := pl.fieldLevels(oa, d)
	for _, name := range sortedKeys(levels) {
		edit := levels[name]
		if clone != nil {
			if cf := clone.fields[lower(name)]; cf != nil && cf.Edit {
				edit = true // the source grants edit; the spec's read does not take it away
			}
		}
		seen[lower(name)] = true
		cur := rows[lower(name)]
		if cur == nil {
			pl.add(newFieldRow(name, edit, parentKey, parentLabel))
			continue
		}
		step := &Step{Type: TypeFieldAccess, Name: name, Parent: parentLabel, SObject: "FieldPermissions", Fields: map[string]any{}, ID: cur.ID}
		if !cur.Read {
			step.Fields["PermissionsRead"] = true
			step.Changes = append(step.Changes, Change{Field: "PermissionsRead", Before: false, After: true})
		}
		if edit && !cur.Edit {
			step.Fields["PermissionsEdit"] = true
			step.Changes = append(step.Changes, Change{Field: "PermissionsEdit", Before: false, After: true})
		}
		if prune && !edit && cur.Edit {
			step.Fields["PermissionsEdit"] = false
			step.Changes = append(step.Changes, Change{Field: "PermissionsEdit", Before: true, After: false})
		}
		step.Action = actionFor(step)
		pl.add(step)
	}
}

// newFieldRow is the step creating a FieldPermissions row for field
// ("Object.Field") on the permission set parentKey names.
func newFieldRow(field string, edit bool, parentKey Key, parentLabel string) *Step {
	obj, _, _ := strings.Cut(field, ".")
	step := &Step{Action: Create, Type: TypeFieldAccess, Name: field, Parent: parentLabel, SObject: "FieldPermissions",
		Refs:    map[string]Key{"ParentId": parentKey},
		Fields:  map[string]any{"SobjectType": obj, "Field": field, "PermissionsRead": true, "PermissionsEdit": edit},
		Changes: []Change{{Field: "PermissionsRead", After: true}}}
	if edit {
		step.Changes = append(step.Changes, Change{Field: "PermissionsEdit", After: true})
	}
	return step
}

// entities grants a permission set access to connected apps and Apex classes
// (SetupEntityAccess rows; salesforce-api-facts.md §5).
func (pl *planner) entities(p *spec.PermissionSet, parentID string, parentKey Key, parentLabel string) {
	var rows map[string]string
	if parentID != "" {
		rows = pl.st.EntityAccess[state.Key15(parentID)]
	}
	grant := func(refs []spec.NamedRef, known map[string]*state.Named, what string) {
		for _, r := range refs {
			if !pl.cond(r.If) {
				continue
			}
			target := known[lower(r.Name)]
			if target == nil {
				pl.errorf(r.Pos, "%s %q does not exist in the org", what, r.Name)
				continue
			}
			step := &Step{Type: TypeSetupEntity, Name: target.Name, Parent: parentLabel, SObject: "SetupEntityAccess", Note: what}
			if id, ok := rows[state.Key15(target.ID)]; ok {
				step.Action, step.ID = NoOp, id
			} else {
				step.Action = Create
				step.Fields = map[string]any{"SetupEntityId": target.ID}
				step.Refs = map[string]Key{"ParentId": parentKey}
				step.Changes = []Change{{Field: "SetupEntityId", After: target.Name}}
			}
			pl.add(step)
		}
	}
	grant(p.ConnectedApps, pl.st.Apps, "connected app")
	grant(p.ApexClasses, pl.st.ApexClasses, "Apex class")
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func posString(p spec.Pos) string {
	return strings.TrimSuffix(diag.Diagnostic{File: p.File, Line: p.Line, Col: p.Col}.String(), ": ")
}
