package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// remoteSites plans Remote Site Settings. They are written through the Tooling
// API's RemoteProxy, whose Metadata compound is replaced whole on update, so
// an update always sends every setting (salesforce-api-facts.md §8).
func (pl *planner) remoteSites() {
	for _, rs := range pl.s.RemoteSites {
		if !pl.cond(rs.If) {
			continue
		}
		active := rs.Active == nil || *rs.Active
		desc := descOf(rs.Description)
		md := map[string]any{"url": rs.URL, "isActive": active, "disableProtocolSecurity": rs.DisableProtocolSecurity, "description": desc}
		step := &Step{Type: TypeRemoteSite, Name: rs.Name, SObject: "RemoteProxy", Fields: map[string]any{}}
		cur := pl.st.RemoteSites[lower(rs.Name)]
		if cur == nil {
			step.Action = Create
			step.Fields["FullName"] = rs.Name
			step.Fields["Metadata"] = md
			step.Changes = []Change{{Field: "url", After: rs.URL}, {Field: "isActive", After: active}}
			if desc != "" {
				step.Changes = append(step.Changes, Change{Field: "description", After: desc})
			}
			if rs.DisableProtocolSecurity {
				step.Changes = append(step.Changes, Change{Field: "disableProtocolSecurity", After: true})
			}
			pl.add(step)
			continue
		}
		step.ID = cur.ID
		if cur.URL != rs.URL {
			step.Changes = append(step.Changes, Change{Field: "url", Before: cur.URL, After: rs.URL})
		}
		if cur.Active != active {
			step.Changes = append(step.Changes, Change{Field: "isActive", Before: cur.Active, After: active})
		}
		if rs.Description != nil && cur.Description != desc {
			step.Changes = append(step.Changes, Change{Field: "description", Before: cur.Description, After: desc})
		}
		if rs.Description == nil {
			md["description"] = cur.Description
		}
		if len(step.Changes) > 0 {
			step.Fields["Metadata"] = md
		}
		step.Action = actionFor(step)
		pl.add(step)
	}
}

// records plans configuration data: each row is created when no record has its
// key, and updated where a field the spec sets differs.
func (pl *planner) records() {
	for i, rs := range pl.s.Records {
		if !pl.cond(rs.If) || i >= len(pl.st.RecordSets) {
			continue
		}
		set := pl.st.RecordSets[i]
		if set.Err != nil {
			pl.errorf(rs.Pos, "records of %s: %v", rs.Object, set.Err)
			continue
		}
		d := pl.describe(rs.Object, rs.Pos)
		if d == nil {
			continue
		}
		for _, row := range set.Rows {
			pl.record(rs, d, row, set)
		}
	}
}

func (pl *planner) record(rs spec.RecordSet, d *state.Describe, row map[string]spec.Value, set *state.RecordSet) {
	key := state.KeyOf(rs.Key, func(f string) string { v, _ := state.ValueOf(row, f); return v.Value })
	var shown []string
	for _, k := range rs.Key {
		v, _ := state.ValueOf(row, k)
		shown = append(shown, k+"="+v.Redacted())
	}
	if ids := set.Duplicates[key]; len(ids) > 1 {
		v, _ := state.ValueOf(row, rs.Key[0])
		pos := v.Pos
		if pos.File == "" {
			pos = rs.Pos
		}
		pl.errorf(pos, "record %s %s: the key matches %d records in the org (%s); make the key unique (add a field to key:) or remove the extra records", d.Name, strings.Join(shown, ", "), len(ids), strings.Join(ids, ", "))
		return
	}
	step := &Step{Type: TypeRecord, Name: strings.Join(shown, ", "), Parent: d.Name, SObject: d.Name, Fields: map[string]any{}}
	cur := set.Existing[key]
	names := sortedKeys(row)
	for _, name := range names {
		v := row[name]
		f := fieldOf(d, name)
		if f == nil {
			var all []string
			for _, df := range d.Fields {
				all = append(all, df.Name)
			}
			hint := ""
			if s := diag.Suggest(name, all); s != "" {
				hint = fmt.Sprintf("; did you mean %q?", s)
			}
			pl.errorf(v.Pos, "field %q does not exist on %s%s", name, d.Name, hint)
			continue
		}
		typed, err := typedValue(f, v.Value)
		if err != nil {
			pl.errorf(v.Pos, "%s.%s: %v", d.Name, f.Name, err)
			continue
		}
		if cur == nil {
			step.Fields[f.Name] = typed
			step.Changes = append(step.Changes, Change{Field: f.Name, After: typed, Secret: v.Secret})
			continue
		}
		if before := cur.Get(f.Name); !sameValue(before, typed) {
			step.Fields[f.Name] = typed
			step.Changes = append(step.Changes, Change{Field: f.Name, Before: before, After: typed, Secret: v.Secret})
		}
	}
	if cur != nil {
		step.ID = cur.String("Id")
	}
	step.Action = actionFor(step)
	if cur == nil {
		step.Action = Create
	}
	pl.add(step)
}

func fieldOf(d *state.Describe, name string) *state.DescribeField {
	for i := range d.Fields {
		if strings.EqualFold(d.Fields[i].Name, name) {
			return &d.Fields[i]
		}
	}
	return nil
}

// typedValue converts a spec string to the JSON type the field takes.
func typedValue(f *state.DescribeField, s string) (any, error) {
	switch f.Type {
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, nil
		case "false", "":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false", s)
	case "int", "double", "currency", "percent":
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return n, nil
	}
	if s == "" {
		return nil, nil
	}
	return s, nil
}

// sameValue compares an org value with a typed spec value.
func sameValue(org, want any) bool {
	switch w := want.(type) {
	case nil:
		return org == nil || org == ""
	case float64:
		o, ok := org.(float64)
		return ok && o == w
	case bool:
		o, _ := org.(bool)
		return o == w
	case string:
		o, ok := org.(string)
		return ok && o == w
	}
	return false
}

// connectedApps checks connected-app policies. No API changes the OAuth policy
// of a connected app installed from a package (salesforce-api-facts.md §7, §16:
// ConnectedApplication is read-only; packaged apps are managed in Setup), so a
// policy that differs, or that the API cannot show, becomes a manual step.
func (pl *planner) connectedApps() {
	for _, a := range pl.s.ConnectedApps {
		if !pl.cond(a.If) {
			continue
		}
		app := pl.st.Apps[lower(a.Name)]
		if app == nil {
			pl.errorf(a.Pos, "connected app %q is not installed in the org (install its package first)", a.Name)
			continue
		}
		if a.Policy == nil {
			continue
		}
		// A connected app's policy is read-only to every API
		// (salesforce-api-facts.md §7), so a difference is a change for Setup.
		// Permitted Users is readable (OptionsAllowAdminApprovedUsersOnly):
		// it is listed only when it differs. IP relaxation and the refresh
		// token policy cannot be read, so they are a check in the checklist,
		// never a change sfprov claims to see.
		where := "Setup → Apps → Connected Apps → Manage Connected Apps → " + app.Name + " → Edit Policies"
		title := "connected app " + quoteName(app.Name)
		switch a.Policy.PermittedUsers {
		case "adminApproved":
			if !pl.st.AdminApprovedOnly[lower(a.Name)] {
				pl.setupChange(SetupChange{Title: title, Change: `Permitted Users: "Admin approved users are pre-authorized"`, Where: where})
			}
		case "allSelfAuthorize":
			if pl.st.AdminApprovedOnly[lower(a.Name)] {
				pl.setupChange(SetupChange{Title: title, Change: `Permitted Users: "All users may self-authorize"`, Where: where})
			}
		}
		var check []string
		switch a.Policy.IPRelaxation {
		case "enforce":
			check = append(check, `IP Relaxation is "Enforce IP restrictions"`)
		case "relax":
			check = append(check, `IP Relaxation is "Relax IP restrictions"`)
		case "relaxWithSecondFactor":
			check = append(check, `IP Relaxation is "Relax IP restrictions with second factor"`)
		}
		if rt := a.Policy.RefreshToken; rt != nil {
			switch rt.Mode {
			case "untilRevoked":
				check = append(check, `Refresh Token Policy is "Refresh token is valid until revoked"`)
			case "immediately":
				check = append(check, `Refresh Token Policy is "Immediately expire refresh token"`)
			case "expireAfter":
				check = append(check, fmt.Sprintf(`Refresh Token Policy is "Expire refresh token after %s"`, rt.ExpireAfter))
			}
		}
		if len(check) > 0 {
			pl.p.ManualSteps = append(pl.p.ManualSteps, fmt.Sprintf("Check in %s that %s (no API reads these).", where, strings.Join(check, " and ")))
		}
	}
}

// setupChange records a change only Setup can make, in the plan and in the
// checklist.
func (pl *planner) setupChange(c SetupChange) {
	pl.p.Setup = append(pl.p.Setup, c)
	pl.p.ManualSteps = append(pl.p.ManualSteps, fmt.Sprintf("In %s, set %s.", c.Where, c.Change))
}
