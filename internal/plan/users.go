package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// permSetRef resolves a permission set named in the spec: one the spec defines
// (by key, created in this apply if need be) or one the org has, by API name or
// by a label only one set carries.
func (pl *planner) permSetRef(r spec.NamedRef) (key Key, name string, ok bool) {
	if pl.specPermSets[lower(r.Name)] {
		return PermSetKey(r.Name), r.Name, true
	}
	ps, candidates := pl.st.FindPermSet(r.Name)
	if ps == nil || !strings.EqualFold(ps.FullName(), r.Name) {
		// Not an API name: a label, which the spec's own sets carry too, before
		// they exist in the org (spec-v1.md "Names, not IDs").
		if names := pl.specPermSetLabels[lower(r.Name)]; len(names) > 0 {
			all := map[string]bool{}
			for _, n := range names {
				all[n] = true
			}
			for _, p := range pl.st.PermSets {
				if strings.EqualFold(p.Label, r.Name) && !pl.specPermSets[lower(p.FullName())] {
					all[p.FullName()] = true
				}
			}
			if len(all) == 1 {
				return PermSetKey(names[0]), names[0], true
			}
			pl.errorf(r.Pos, "permission set label %q is ambiguous: %s have it; use the API name", r.Name, strings.Join(sortedKeys(all), ", "))
			return Key{}, "", false
		}
	}
	if ps != nil {
		key = PermSetKey(ps.FullName())
		pl.p.IDs[key] = ps.ID
		return key, ps.FullName(), true
	}
	if len(candidates) > 1 {
		var names []string
		for _, c := range candidates {
			names = append(names, c.FullName())
		}
		sort.Strings(names)
		pl.errorf(r.Pos, "permission set label %q is ambiguous: %s have it; use the API name", r.Name, strings.Join(names, ", "))
		return Key{}, "", false
	}
	var all []string
	for _, p := range pl.s.PermissionSets {
		if pl.specPermSets[lower(p.Name)] {
			all = append(all, p.Name) // as written: the keys are lower-cased
		}
	}
	for _, p := range pl.st.PermSets {
		all = append(all, p.FullName())
	}
	sort.Strings(all)
	hint := ""
	if s := diag.Suggest(r.Name, all); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	pl.errorf(r.Pos, "permission set %q does not exist in the org or the spec%s", r.Name, hint)
	return Key{}, "", false
}

// groupRef resolves a reference to a permission set group: one of the
// spec's, or one the org has, by API name (ns__Name) or label. It returns
// the group's key and name.
func (pl *planner) groupRef(name string, pos spec.Pos) (key Key, full string, ok bool) {
	if pl.specGroups[lower(name)] {
		return GroupKey(name), name, true
	}
	if g := pl.st.FindGroup(name); g != nil {
		key = GroupKey(g.FullName())
		pl.p.IDs[key] = g.ID
		return key, g.FullName(), true
	}
	pl.errorf(pos, "permission set group %q does not exist in the org or the spec%s", name, pl.suggestGroup(name))
	return Key{}, "", false
}

func (pl *planner) group(g *spec.PermissionSetGroup) {
	if !pl.cond(g.If) {
		return
	}
	key := GroupKey(g.Name)
	cur := pl.st.Groups[lower(g.Name)]
	label := g.Label
	if label == "" {
		label = spec.DefaultLabel(g.Name)
	}
	step := &Step{Type: TypeGroup, Name: g.Name, SObject: "PermissionSetGroup", Key: key, Fields: map[string]any{}}
	if cur == nil {
		step.Fields["DeveloperName"] = g.Name
		step.Fields["MasterLabel"] = label
		step.Changes = append(step.Changes, Change{Field: "MasterLabel", After: label})
		if g.Description != nil {
			step.Fields["Description"] = *g.Description
			step.Changes = append(step.Changes, Change{Field: "Description", After: *g.Description})
		}
	} else {
		step.ID = cur.ID
		if g.Label != "" && g.Label != cur.MasterLabel {
			step.set("MasterLabel", cur.MasterLabel, g.Label)
		}
		if g.Description != nil && *g.Description != cur.Description {
			step.set("Description", cur.Description, *g.Description)
		}
	}
	step.Action = actionFor(step)
	if cur == nil {
		step.Action = Create
	}
	pl.add(step)
	parent := "permission set group " + quoteName(g.Name)
	listed := map[string]bool{}
	for _, r := range g.PermissionSets {
		if !pl.cond(r.If) {
			continue
		}
		psKey, psName, ok := pl.permSetRef(r)
		if !ok {
			continue
		}
		m := &Step{Type: TypeGroupMember, Name: psName, Parent: parent, SObject: "PermissionSetGroupComponent"}
		if id := pl.p.IDs[psKey]; id != "" {
			listed[state.Key15(id)] = true
			if cur != nil {
				if compID, ok := cur.Components[state.Key15(id)]; ok {
					m.Action, m.ID = NoOp, compID
					pl.add(m)
					continue
				}
			}
		}
		m.Action = Create
		m.Refs = map[string]Key{"PermissionSetGroupId": key, "PermissionSetId": psKey}
		m.Fields = map[string]any{}
		m.Changes = []Change{{Field: "PermissionSet", After: psName}}
		pl.add(m)
	}
	if g.Prune && cur != nil {
		for _, psID := range sortedKeys(cur.Components) {
			if !listed[psID] {
				pl.add(&Step{Action: Prune, Type: TypeGroupMember, Name: pl.permSetName(psID), Parent: parent, SObject: "PermissionSetGroupComponent", ID: cur.Components[psID]})
			}
		}
	}
}

func (pl *planner) permSetName(id string) string {
	for _, p := range pl.st.PermSets {
		if state.Key15(p.ID) == state.Key15(id) {
			return p.FullName()
		}
	}
	if name := pl.st.AssignedNames[state.Key15(id)]; name != "" {
		return name
	}
	return id
}

func val(v *spec.Value) (string, bool) {
	if v == nil {
		return "", false
	}
	return v.Value, true
}

func (pl *planner) user(u *spec.User) {
	if !pl.cond(u.If) {
		return
	}
	username := u.Username.Value
	key := UserKey(username)
	cur := pl.st.Users[lower(username)]
	step := &Step{Type: TypeUser, Name: username, SObject: "User", Key: key, Fields: map[string]any{}}
	secret := map[string]bool{"Username": u.Username.Secret}
	want := map[string]string{}
	var order []string
	set := func(field, value string, isSecret bool) {
		if _, dup := want[field]; !dup {
			order = append(order, field)
		}
		want[field] = value
		secret[field] = secret[field] || isSecret
	}
	if v, ok := val(u.FirstName); ok {
		set("FirstName", v, u.FirstName.Secret)
	}
	if v, ok := val(u.LastName); ok {
		set("LastName", v, u.LastName.Secret)
	}
	if v, ok := val(u.Email); ok {
		set("Email", v, u.Email.Secret)
	}
	alias := u.Alias
	if alias == nil && cur == nil {
		alias = spec.DefaultAlias(*u) // a default only for a user sfprov creates
	}
	if v, ok := val(alias); ok {
		set("Alias", v, alias.Secret)
	}
	run := pl.st.RunningUser
	def := func(spec, field string) {
		switch {
		case spec != "":
			set(field, spec, false)
		case cur == nil && run != nil:
			// New users take the running admin's own settings, as Setup's
			// New User form does.
			set(field, run.String(field), false)
		}
	}
	def(u.TimeZone, "TimeZoneSidKey")
	def(u.Locale, "LocaleSidKey")
	def(u.Language, "LanguageLocaleKey")
	encoding := u.EmailEncoding
	if encoding == "" && cur == nil {
		encoding = spec.DefaultEmailEncoding
	}
	def(encoding, "EmailEncodingKey")
	extra := make([]string, 0, len(u.Fields))
	for f := range u.Fields {
		extra = append(extra, f)
	}
	sort.Strings(extra)
	for _, f := range extra {
		set(f, u.Fields[f].Value, u.Fields[f].Secret)
	}

	var profileKey Key
	profileName := u.Profile
	if u.Profile != "" {
		switch {
		case pl.specProfiles[lower(u.Profile)]:
			profileKey = ProfileKey(u.Profile)
		case pl.st.Profiles[lower(u.Profile)] != nil:
			pr := pl.st.Profiles[lower(u.Profile)]
			profileKey, profileName = ProfileKey(pr.Name), pr.Name
		default:
			// Go on without it: the plan is not applied, and the user's other
			// references get checked too, so that every mistake shows at once.
			pl.errorf(u.Pos, "user %q: profile %q does not exist in the org or the spec%s", username, u.Profile, pl.suggestProfile(u.Profile))
		}
	}
	active := u.Active == nil || *u.Active

	if cur == nil {
		step.Action = Create
		step.Fields["Username"] = username
		step.Changes = append(step.Changes, Change{Field: "Username", After: username, Secret: secret["Username"]})
		for _, f := range order {
			step.Fields[f] = want[f]
			step.Changes = append(step.Changes, Change{Field: f, After: want[f], Secret: secret[f]})
		}
		if !profileKey.IsZero() {
			step.Refs = map[string]Key{"ProfileId": profileKey}
			step.Changes = append(step.Changes, Change{Field: "Profile", After: profileName})
		} else if u.Profile == "" {
			pl.errorf(u.Pos, "user %q does not exist yet: profile: is needed to create it", username)
		}
		step.Fields["IsActive"] = active
		if !active {
			step.Changes = append(step.Changes, Change{Field: "IsActive", After: false})
		}
		pl.add(step)
		pl.password(u, key)
	} else {
		step.ID = cur.ID
		rec := cur.Record
		for _, f := range order {
			if rec.String(f) != want[f] {
				step.Fields[f] = want[f]
				step.Changes = append(step.Changes, Change{Field: f, Before: rec.String(f), After: want[f], Secret: secret[f]})
			}
		}
		if !profileKey.IsZero() && !strings.EqualFold(rec.String("Profile.Name"), profileName) {
			step.Refs = map[string]Key{"ProfileId": profileKey}
			step.Changes = append(step.Changes, Change{Field: "Profile", Before: rec.String("Profile.Name"), After: profileName})
		}
		if u.Active != nil && rec.Bool("IsActive") != *u.Active {
			step.Fields["IsActive"] = *u.Active
			step.Changes = append(step.Changes, Change{Field: "IsActive", Before: rec.Bool("IsActive"), After: *u.Active})
		}
		step.Action = actionFor(step)
		pl.add(step)
		if _, read := rec["LastPasswordChangeDate"]; read && rec.Get("LastPasswordChangeDate") == nil && rec.Bool("IsActive") {
			// The user exists but never had a password: the apply that
			// made it stopped before its password step. This one finishes
			// it (the org keeps no other trace of a step not taken).
			pl.password(u, key)
		}
	}
	pl.userAssignments(u, cur, key)
}

// password sets a user's password once: when the user is created, or when
// it exists without ever having had one. `reset` has Salesforce generate
// one and email the user; `fromEnv` sets the value of an environment
// variable, which never appears in a plan.
func (pl *planner) password(u *spec.User, userKey Key) {
	if u.Password == nil || u.Password.Mode == spec.PasswordNone || u.Password.Mode == "" {
		return
	}
	step := &Step{Action: Create, Type: TypePassword, Name: u.Username.Value, SObject: "User", Password: &Password{User: userKey}}
	switch u.Password.Mode {
	case spec.PasswordReset:
		step.Password.Reset = true
		step.Note = "Salesforce emails the user a reset link"
		step.Changes = []Change{{Field: "password", After: "reset"}}
	case spec.PasswordFromEnv:
		// Checked now: a user created without its password would not get
		// it on a re-run (passwords are set only when the user is created).
		if pl.opts.Getenv != nil {
			if v, ok := pl.opts.Getenv(u.Password.FromEnv); !ok || v == "" {
				pl.errorf(u.Pos, "user %q: password comes from $%s, which is not set", u.Username.Value, u.Password.FromEnv)
			}
		}
		step.Password.FromEnv = u.Password.FromEnv
		step.Note = "from $" + u.Password.FromEnv
		step.Changes = []Change{{Field: "password", After: "(secret)", Secret: true}}
	}
	pl.add(step)
}

func (pl *planner) userAssignments(u *spec.User, cur *state.User, userKey Key) {
	parent := "user " + quoteName(u.Username.Value)
	var have struct{ psl, sets, groups map[string]string }
	if cur != nil {
		have.psl, have.sets, have.groups = cur.PSLs, cur.Sets, cur.Groups
	}
	listedPSL, listedSet, listedGroup := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range u.PermissionSetLicenses {
		if !pl.cond(r.If) {
			continue
		}
		psl := pl.st.FindPSL(r.Name)
		if psl == nil {
			pl.errorf(r.Pos, "permission set licence %q does not exist in the org%s", r.Name, pl.suggestLicense(r.Name))
			continue
		}
		listedPSL[state.Key15(psl.ID)] = true
		pl.plan(userKey, LicenceKey(state.Key15(psl.ID)))
		step := &Step{Type: TypeLicenseAssign, Name: psl.MasterLabel, Parent: parent, SObject: "PermissionSetLicenseAssign"}
		if id, ok := have.psl[state.Key15(psl.ID)]; ok {
			step.Action, step.ID = NoOp, id
		} else {
			step.Action = Create
			step.Fields = map[string]any{"PermissionSetLicenseId": psl.ID}
			step.Refs = map[string]Key{"AssigneeId": userKey}
			step.Changes = []Change{{Field: "PermissionSetLicense", After: psl.MasterLabel}}
		}
		pl.add(step)
	}
	for _, r := range u.PermissionSets {
		if !pl.cond(r.If) {
			continue
		}
		psKey, psName, ok := pl.permSetRef(r)
		if !ok {
			continue
		}
		pl.plan(userKey, psKey)
		step := &Step{Type: TypePermSetAssign, Name: psName, Parent: parent, SObject: "PermissionSetAssignment"}
		id := pl.p.IDs[psKey]
		if id != "" {
			listedSet[state.Key15(id)] = true
		}
		if aid, ok := have.sets[state.Key15(id)]; ok && id != "" {
			step.Action, step.ID = NoOp, aid
		} else {
			step.Action = Create
			step.Fields = map[string]any{}
			step.Refs = map[string]Key{"AssigneeId": userKey, "PermissionSetId": psKey}
			step.Changes = []Change{{Field: "PermissionSet", After: psName}}
		}
		pl.add(step)
	}
	for _, r := range u.PermissionSetGroups {
		if !pl.cond(r.If) {
			continue
		}
		gKey, _, ok := pl.groupRef(r.Name, r.Pos)
		if !ok {
			continue
		}
		g := pl.st.Groups[gKey.Name]
		pl.plan(userKey, gKey)
		step := &Step{Type: TypeGroupAssign, Name: r.Name, Parent: parent, SObject: "PermissionSetAssignment"}
		if g != nil {
			step.Name = g.DeveloperName
			listedGroup[state.Key15(g.ID)] = true
			if aid, ok := have.groups[state.Key15(g.ID)]; ok {
				step.Action, step.ID = NoOp, aid
				pl.add(step)
				continue
			}
		}
		step.Action = Create
		step.Fields = map[string]any{}
		step.Refs = map[string]Key{"AssigneeId": userKey, "PermissionSetGroupId": gKey}
		step.Changes = []Change{{Field: "PermissionSetGroup", After: step.Name}}
		pl.add(step)
	}
	if !u.Prune || cur == nil {
		return
	}
	for _, id := range sortedKeys(have.psl) {
		if !listedPSL[id] {
			name := id
			for _, p := range pl.st.PSLs {
				if state.Key15(p.ID) == id {
					name = p.MasterLabel
				}
			}
			pl.add(&Step{Action: Prune, Type: TypeLicenseAssign, Name: name, Parent: parent, SObject: "PermissionSetLicenseAssign", ID: have.psl[id]})
		}
	}
	for _, id := range sortedKeys(have.sets) {
		if !listedSet[id] {
			pl.add(&Step{Action: Prune, Type: TypePermSetAssign, Name: pl.permSetName(id), Parent: parent, SObject: "PermissionSetAssignment", ID: have.sets[id]})
		}
	}
	for _, id := range sortedKeys(have.groups) {
		if !listedGroup[id] {
			name := id
			if n := pl.st.AssignedNames[id]; n != "" {
				name = n
			}
			for _, g := range pl.st.Groups {
				if state.Key15(g.ID) == id {
					name = g.DeveloperName
				}
			}
			pl.add(&Step{Action: Prune, Type: TypeGroupAssign, Name: name, Parent: parent, SObject: "PermissionSetAssignment", ID: have.groups[id]})
		}
	}
}
