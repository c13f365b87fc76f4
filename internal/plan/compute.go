package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// Options tune Compute.
type Options struct {
	Target Target
	// Var resolves a spec variable, for `if: var:NAME` conditions.
	Var func(name string) string
	// Getenv checks, before anything changes, that passwords set from the
	// environment are there (nil: not checked).
	Getenv func(string) (string, bool)
	// Requires is sfprov's built-in table of the system permissions (API
	// names without "Permissions") that Salesforce requires before name can be
	// enabled: the fallback when the org's own PermissionDependency could not
	// be read (state.Dependencies). nil = none known.
	Requires func(name string) []string
	// Label names a system permission as Setup shows it ("" = not known), for
	// the reasons the plan gives.
	Label func(name string) string
	// MetadataOnly reports a system permission that the sObject API cannot
	// set (no Permissions* field; only a Metadata deploy or Setup can).
	MetadataOnly func(name string) bool
}

type planner struct {
	s    *spec.Spec
	st   *state.State
	opts Options
	p    *Plan
	ds   diag.Diagnostics
	// spec-defined records, by lower name, for references between blocks.
	specProfiles, specPermSets, specGroups map[string]bool
	// specPermSetLabels: lower label → the API names of the spec's sets that
	// carry it, so that a reference by label finds a set this apply creates.
	specPermSetLabels map[string][]string
	// planned assignments, "userKey|targetKey", across users: and assignments:.
	planned map[string]bool
	// psMeta: what the spec's permission sets get through a Metadata
	// deploy (permset_meta.go), by lower name, in spec order.
	psMeta      map[string]*permSetMetaWant
	psMetaOrder []string
}

// Compute returns the plan that converges st to s. Diagnostics name the spec
// position of every problem only the org can reveal (a missing profile, an
// unknown field, an ambiguous permission set label).
func Compute(s *spec.Spec, st *state.State, opts Options) (*Plan, diag.Diagnostics) {
	pl := &planner{s: s, st: st, opts: opts, p: &Plan{Target: opts.Target, IDs: map[Key]string{}},
		specProfiles: map[string]bool{}, specPermSets: map[string]bool{}, specGroups: map[string]bool{}, planned: map[string]bool{},
		specPermSetLabels: map[string][]string{}}
	for _, p := range s.Profiles {
		if pl.cond(p.If) {
			pl.specProfiles[lower(p.Name)] = true
		}
	}
	for _, p := range s.PermissionSets {
		if pl.cond(p.If) {
			pl.specPermSets[lower(p.Name)] = true
			label := p.Label
			if label == "" {
				label = spec.DefaultLabel(p.Name) // as permissionSet() creates it
			}
			pl.specPermSetLabels[lower(label)] = append(pl.specPermSetLabels[lower(label)], p.Name)
		}
	}
	for _, g := range s.PermissionSetGroups {
		if pl.cond(g.If) {
			pl.specGroups[lower(g.Name)] = true
		}
	}
	for _, pr := range st.Profiles {
		pl.p.IDs[ProfileKey(pr.Name)] = pr.ID
		if pr.OwnedPermSet != "" {
			pl.p.IDs[ProfileKey(pr.Name).OwnedPermSet()] = pr.OwnedPermSet
		}
	}
	for _, ps := range st.PermSets {
		pl.p.IDs[PermSetKey(ps.FullName())] = ps.ID
	}
	for _, g := range st.Groups {
		pl.p.IDs[GroupKey(g.FullName())] = g.ID
	}
	for name, u := range st.Users {
		pl.p.IDs[UserKey(name)] = u.ID
	}

	pl.packages()
	pl.orgSettings()
	for i := range s.Profiles {
		pl.profile(&s.Profiles[i])
	}
	for i := range s.PermissionSets {
		pl.permissionSet(&s.PermissionSets[i])
	}
	for i := range s.PermissionSetGroups {
		pl.group(&s.PermissionSetGroups[i])
	}
	for i := range s.Users {
		pl.user(&s.Users[i])
	}
	pl.permSetMetadata()
	pl.assignments()
	pl.remoteSites()
	pl.records()
	pl.connectedApps()
	pl.externalClientApps()
	if d := st.Deps; d != nil && !d.FromOrg {
		pl.p.Warnings = append(pl.p.Warnings, "permission prerequisites: the org did not answer PermissionDependency ("+d.Refused+"); "+
			"sfprov adds only the prerequisites of its built-in table, and the org refuses a permission whose prerequisite is off")
	}
	for _, m := range s.ManualSteps {
		if pl.cond(m.If) {
			pl.p.ManualSteps = append(pl.p.ManualSteps, m.Text)
			pl.followup(m.After)
		}
	}
	pl.p.sortSteps()
	pl.ds.Sort()
	return pl.p, pl.ds
}

func (pl *planner) errorf(pos spec.Pos, format string, args ...any) {
	pl.ds.Append(pos.File, pos.Line, pos.Col, fmt.Sprintf(format, args...))
}

func (pl *planner) add(s *Step) { pl.p.Steps = append(pl.p.Steps, s) }

// cond evaluates an `if:` against the org.
func (pl *planner) cond(c *spec.Condition) bool {
	if c == nil {
		return true
	}
	var v bool
	switch c.Kind {
	case "personAccounts":
		v = pl.st.PersonAccounts
	case "sandbox":
		v = pl.st.IsSandbox
	case "production":
		v = !pl.st.IsSandbox
	case "var":
		v = pl.opts.Var != nil && strings.EqualFold(strings.TrimSpace(pl.opts.Var(c.Var)), "true")
	case "package":
		installed, ok := pl.st.Packages[lower(c.Namespace)]
		switch {
		case !ok:
			v = false
		case c.Op == "":
			v = true
		default:
			cmp := compareVersions(installed, c.Version)
			switch c.Op {
			case "<":
				v = cmp < 0
			case "<=":
				v = cmp <= 0
			case ">":
				v = cmp > 0
			case ">=":
				v = cmp >= 0
			}
		}
	}
	if c.Negate {
		return !v
	}
	return v
}

// compareVersions compares the installed version a with the condition's b on
// b's parts only, so that 1.27.0.3 counts as 1.27 in `<= 1.27`; missing parts
// count as 0.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	if len(pa) > len(pb) {
		pa = pa[:len(pb)]
	}
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// systemPerms turns a spec list into the Permissions* fields to enable, adding
// what Salesforce requires first (Setup adds those itself; the API refuses
// without them). Each field maps to the reason it is there.
func (pl *planner) systemPerms(list []spec.SystemPermission, holder SetupHolder) (fields []string, reason map[string]string) {
	reason = map[string]string{}
	var visit func(name, why string, pos spec.Pos)
	visit = func(name, why string, pos spec.Pos) {
		if pl.opts.MetadataOnly != nil && pl.opts.MetadataOnly(name) {
			if holder.Kind == "permission set" {
				w := pl.permSetMeta(holder.Name)
				if _, seen := w.why[name]; !seen {
					w.why[name] = why
					w.perms = append(w.perms, name)
				}
				return
			}
			pl.inSetup(holder, name, why)
			return
		}
		f, ok := pl.permField(name)
		if _, seen := reason[f]; seen {
			return
		}
		if !ok {
			if why == "" {
				pl.errorf(pos, "system permission %q (%s) does not exist in this org", name, f)
			} else {
				pl.p.Warnings = append(pl.p.Warnings, fmt.Sprintf("%s: %s %s, but this org's PermissionSet has no field %s", posString(pos), pl.label(name), why, f))
			}
			return
		}
		reason[f] = why
		fields = append(fields, f)
		for _, req := range pl.userRequires(name) {
			visit(req, "required by "+pl.label(name), pos)
		}
	}
	for _, sp := range list {
		if pl.cond(sp.If) {
			visit(sp.Name, "", sp.Pos)
		}
	}
	return fields, reason
}

// inSetup records a system permission that only Setup (or, later, a
// Metadata deploy) can switch on: sfprov can neither write nor read it
// through the sObject API, so it is always listed, and counts as a change.
func (pl *planner) inSetup(h SetupHolder, name, why string) {
	where := "Setup → Permission Sets → " + h.Label + " → System Permissions → Edit"
	if h.Kind == "profile" {
		where = "Setup → Profiles → " + h.Label + " → Edit (Administrative and General User Permissions)"
	}
	pl.p.Setup = append(pl.p.Setup, SetupChange{Title: fmt.Sprintf("system permission %q on %s %q", pl.label(name), h.Kind, h.Name),
		Change: fmt.Sprintf("select %q (the API has no field for %s)", pl.label(name), name), Where: where, Why: why, Unread: true})
	pl.p.ManualSteps = append(pl.p.ManualSteps, fmt.Sprintf("Switch on %q for %s %q: %s, select %q and save (the API cannot set it; sfprov does not know whether it is on).",
		pl.label(name), h.Kind, h.Name, where, pl.label(name)))
}

// permField is the PermissionSet field of a system permission, as the org
// spells it (PermissionDependency and the catalog may differ in case); ok is
// false when the org's describe has no such field.
func (pl *planner) permField(name string) (string, bool) {
	f := "Permissions" + name
	if len(pl.st.PermissionFields) == 0 {
		return f, true // no describe to check against
	}
	if pl.st.PermissionFields[f] {
		return f, true
	}
	if auditPermissions[name] && pl.auditPreferenceWanted() {
		return f, true // it exists once orgSettings switches the preference on
	}
	for have := range pl.st.PermissionFields {
		if strings.EqualFold(have, f) {
			return have, true
		}
	}
	return f, false
}

// label names a system permission for people.
func (pl *planner) label(name string) string {
	if pl.opts.Label != nil {
		if l := pl.opts.Label(name); l != "" {
			return l
		}
	}
	return name
}

// orgDeps is the org's dependency table, or nil when the org did not give it
// (the planner then uses its built-in tables).
func (pl *planner) orgDeps() *state.Dependencies {
	if d := pl.st.Deps; d != nil && d.FromOrg {
		return d
	}
	return nil
}

// userRequires lists the user permissions name requires: from the org's
// PermissionDependency when it was read, else from the built-in table.
func (pl *planner) userRequires(name string) []string {
	if d := pl.orgDeps(); d != nil {
		var out []string
		for _, r := range d.Requires(state.PermRef{Name: name}) {
			if r.Object == "" {
				out = append(out, r.Name)
			}
		}
		return out
	}
	if pl.opts.Requires != nil {
		return pl.opts.Requires(name)
	}
	return nil
}

func descOf(d *string) string {
	if d == nil {
		return ""
	}
	return *d
}

func (pl *planner) profile(p *spec.Profile) {
	if !pl.cond(p.If) {
		return
	}
	key := ProfileKey(p.Name)
	cur := pl.st.Profiles[lower(p.Name)]
	perms, why := pl.systemPerms(p.SystemPermissions, SetupHolder{Kind: "profile", Name: p.Name, Label: p.Name})
	step := &Step{Type: TypeProfile, Name: p.Name, SObject: "Profile", Key: key, Fields: map[string]any{}}
	if cur == nil {
		if p.CloneFrom == "" {
			pl.errorf(p.Pos, "profile %q does not exist in the org; add cloneFrom: to create it%s", p.Name, pl.suggestProfile(p.Name))
			return
		}
		src := pl.st.Profiles[lower(p.CloneFrom)]
		if src == nil {
			pl.errorf(p.Pos, "cloneFrom profile %q does not exist in the org%s", p.CloneFrom, pl.suggestProfile(p.CloneFrom))
			return
		}
		step.Action = Create
		step.Note = "clone of " + quoteName(src.Name)
		step.Fields["Name"] = p.Name
		step.Fields["UserLicenseId"] = src.UserLicenseID
		step.Changes = append(step.Changes, Change{Field: "Name", After: p.Name}, Change{Field: "UserLicense", After: src.LicenseName})
		if p.Description != nil {
			step.Fields["Description"] = *p.Description
			step.Changes = append(step.Changes, Change{Field: "Description", After: *p.Description})
		}
		// A clone starts from the source's system permissions.
		enabled := map[string]bool{}
		for f, on := range src.Perms {
			if on {
				enabled[f] = true
			}
		}
		for _, f := range perms {
			enabled[f] = true
		}
		for _, f := range sortedSet(enabled) {
			step.Fields[f] = true
		}
		for _, f := range perms {
			if !src.Perms[f] {
				step.Changes = append(step.Changes, Change{Field: f, After: true})
			}
		}
		needs := pl.objectNeedsOf(sortedSet(enabled))
		late := pl.deferLate(step, key)
		pl.add(step)
		// With prune: true the spec lists the whole access, so nothing is copied.
		var clone *clonedAccess
		srcID := state.Key15(src.OwnedPermSet)
		if objs, fields := pl.st.ObjectPerms[srcID], pl.st.FieldPerms[srcID]; !p.Prune && len(objs)+len(fields) > 0 {
			clone = &clonedAccess{from: src.Name, objects: objs, fields: fields}
		}
		first := len(pl.p.Steps)
		pl.objects(p.Objects, "", ProfileKey(p.Name).OwnedPermSet(), "profile "+quoteName(p.Name), p.Prune, clone, needs)
		// The permissions held back until their object access exists belong
		// with the profile like its copied access: a re-run would not write
		// them to a profile that exists.
		if late != nil {
			pl.add(late)
		}
		if clone != nil || late != nil {
			for _, s := range pl.p.Steps[first:] {
				s.CloneOf = key
			}
		}
		pl.recordTypeDefaults(p, true)
		return
	}
	step.ID = cur.ID
	if p.Description != nil && *p.Description != cur.Description {
		step.set("Description", cur.Description, *p.Description)
	}
	// A profile made by cloning holds at least its source's access and
	// permissions: a copy that an earlier apply could not finish (a fault,
	// a kill, Ctrl-C between the profile and its rows) is finished here,
	// from what the org shows, not from a record of the step.
	var clone *clonedAccess
	if src := pl.st.Profiles[lower(p.CloneFrom)]; p.CloneFrom != "" && !p.Prune && src != nil && src.ID != cur.ID {
		on := map[string]bool{}
		for _, f := range perms {
			on[f] = true
		}
		for f, v := range src.Perms {
			if v && !on[f] && (len(pl.st.PermissionFields) == 0 || pl.st.PermissionFields[f]) {
				perms = append(perms, f)
				why[f] = "copied from " + quoteName(src.Name)
			}
		}
		srcID := state.Key15(src.OwnedPermSet)
		if objs, fields := pl.st.ObjectPerms[srcID], pl.st.FieldPerms[srcID]; len(objs)+len(fields) > 0 {
			clone = &clonedAccess{from: src.Name, objects: objs, fields: fields}
		}
	}
	switchPerms(step, cur.Perms, perms, why, p.Prune)
	late := pl.deferLate(step, key)
	step.Action = actionFor(step)
	pl.add(step)
	if late != nil {
		pl.add(late)
	}
	pl.objects(p.Objects, cur.OwnedPermSet, ProfileKey(p.Name).OwnedPermSet(), "profile "+quoteName(p.Name), p.Prune, clone, pl.objectNeedsOf(perms))
	pl.recordTypeDefaults(p, false)
}

func (pl *planner) suggestProfile(name string) string {
	var names []string
	for _, p := range pl.st.Profiles {
		names = append(names, p.Name)
	}
	for _, p := range pl.s.Profiles {
		if pl.specProfiles[lower(p.Name)] {
			names = append(names, p.Name) // the spec's own, which may not exist yet
		}
	}
	sort.Strings(names)
	if s := diag.Suggest(name, names); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// suggestGroup offers the nearest permission set group of the org or the spec.
func (pl *planner) suggestGroup(name string) string {
	var names []string
	for _, g := range pl.st.Groups {
		names = append(names, g.DeveloperName)
	}
	for _, g := range pl.s.PermissionSetGroups {
		if pl.specGroups[lower(g.Name)] {
			names = append(names, g.Name)
		}
	}
	sort.Strings(names)
	if s := diag.Suggest(name, names); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

func actionFor(s *Step) Action {
	if len(s.Changes) == 0 {
		return NoOp
	}
	if s.ID == "" {
		return Create
	}
	return Update
}

func (pl *planner) permissionSet(p *spec.PermissionSet) {
	if !pl.cond(p.If) {
		return
	}
	key := PermSetKey(p.Name)
	cur, _ := pl.st.FindPermSet(p.Name)
	if cur != nil && !strings.EqualFold(cur.FullName(), p.Name) {
		cur = nil // found by label only: the spec's API name is what it creates
	}
	setLabel := p.Label
	if setLabel == "" {
		if cur != nil {
			setLabel = cur.Label
		} else {
			setLabel = spec.DefaultLabel(p.Name)
		}
	}
	perms, why := pl.systemPerms(p.SystemPermissions, SetupHolder{Kind: "permission set", Name: p.Name, Label: setLabel})
	parentLabel := "permission set " + quoteName(p.Name)
	step := &Step{Type: TypePermissionSet, Name: p.Name, SObject: "PermissionSet", Key: key, Fields: map[string]any{}}
	label := p.Label
	if label == "" {
		label = spec.DefaultLabel(p.Name)
	}
	licenseID, licenseName := "", ""
	if p.License != "" {
		if psl := pl.st.FindPSL(p.License); psl != nil {
			licenseID, licenseName = psl.ID, psl.MasterLabel
		} else {
			for _, ul := range pl.st.UserLicenses {
				if strings.EqualFold(ul.Name, p.License) {
					licenseID, licenseName = ul.ID, ul.Name
				}
			}
		}
		if licenseID == "" {
			pl.errorf(p.Pos, "permission set %q: licence %q does not exist in the org%s", p.Name, p.License, pl.suggestLicense(p.License))
		}
	}
	if cur == nil {
		step.Action = Create
		step.Fields["Name"] = p.Name
		step.Fields["Label"] = label
		step.Changes = append(step.Changes, Change{Field: "Label", After: label})
		if p.Description != nil {
			step.Fields["Description"] = *p.Description
			step.Changes = append(step.Changes, Change{Field: "Description", After: *p.Description})
		}
		if licenseID != "" {
			step.Fields["LicenseId"] = licenseID
			step.Changes = append(step.Changes, Change{Field: "License", After: licenseName})
		}
		for _, f := range perms {
			step.Fields[f] = true
			step.Changes = append(step.Changes, Change{Field: f, After: true})
		}
		if notes := pl.requiredNotes(perms, why); notes != "" {
			step.Note = notes
		}
		late := pl.deferLate(step, key)
		pl.add(step)
		if late != nil {
			pl.add(late)
		}
		pl.objects(p.Objects, "", key, parentLabel, p.Prune, nil, pl.objectNeedsOf(perms))
		pl.entities(p, "", key, parentLabel)
		return
	}
	step.ID = cur.ID
	if p.Label != "" && p.Label != cur.Label {
		step.set("Label", cur.Label, p.Label)
	}
	if p.Description != nil && *p.Description != cur.Description {
		step.set("Description", cur.Description, *p.Description)
	}
	if licenseID != "" && state.Key15(licenseID) != state.Key15(cur.LicenseID) {
		// LicenseId is create-only (salesforce-api-facts.md §3).
		pl.errorf(p.Pos, "permission set %q: its licence cannot be changed after creation (Salesforce allows LicenseId only on create); remove license: or recreate the permission set", p.Name)
	}
	switchPerms(step, cur.Perms, perms, why, p.Prune)
	late := pl.deferLate(step, key)
	step.Action = actionFor(step)
	if notes := pl.requiredNotes(changedFields(step), why); notes != "" {
		step.Note = notes
	}
	pl.add(step)
	if late != nil {
		pl.add(late)
	}
	pl.objects(p.Objects, cur.ID, key, parentLabel, p.Prune, nil, pl.objectNeedsOf(perms))
	pl.entities(p, cur.ID, key, parentLabel)
}

// set records that step writes field, changing it from before to after.
func (s *Step) set(field string, before, after any) {
	s.Fields[field] = after
	s.Changes = append(s.Changes, Change{Field: field, Before: before, After: after})
}

// switchPerms switches on the wanted Permissions* fields that are off and, when
// pruning, switches off those on that are not wanted (why holds every wanted
// field, prerequisites included).
func switchPerms(step *Step, have map[string]bool, want []string, why map[string]string, prune bool) {
	for _, f := range want {
		if !have[f] {
			step.set(f, false, true)
		}
	}
	if !prune {
		return
	}
	for _, f := range sortedBools(have) {
		if _, ok := why[f]; !ok {
			step.set(f, true, false)
		}
	}
}

func changedFields(s *Step) []string {
	var out []string
	for _, c := range s.Changes {
		out = append(out, c.Field)
	}
	return out
}

func (pl *planner) requiredNotes(fields []string, why map[string]string) string {
	var notes []string
	for _, f := range fields {
		if w := why[f]; w != "" {
			notes = append(notes, pl.label(strings.TrimPrefix(f, "Permissions"))+", "+w)
		}
	}
	return strings.Join(notes, "; ")
}

func (pl *planner) suggestLicense(name string) string {
	var names []string
	for _, p := range pl.st.PSLs {
		names = append(names, p.MasterLabel, p.DeveloperName)
	}
	for _, u := range pl.st.UserLicenses {
		names = append(names, u.Name)
	}
	sort.Strings(names)
	if s := diag.Suggest(name, names); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sortedBools lists the keys whose value is true.
func sortedBools(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (pl *planner) describe(obj string, pos spec.Pos) *state.Describe {
	d, known := pl.st.Describes[lower(obj)]
	if d == nil {
		if known {
			pl.errorf(pos, "object %q does not exist in the org", obj)
		} else {
			pl.errorf(pos, "object %q was not described", obj)
		}
	}
	return d
}
