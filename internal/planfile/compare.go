package planfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/plan"
)

// Compare explains how the plan made now (now) differs from the saved one,
// one sentence per step that differs, in the saved plan's order then the
// new steps': "permission set \"X\" now exists", "user \"u\": Profile
// changed from \"A\" to \"B\"". Nothing means the plans are the same.
func Compare(saved, now Steps) []string {
	type entry struct {
		raw json.RawMessage
		s   step
		ok  bool
	}
	index := func(list []json.RawMessage) ([]string, map[string]*entry) {
		var order []string
		m := map[string]*entry{}
		for _, raw := range list {
			e := &entry{raw: raw}
			e.ok = json.Unmarshal(raw, &e.s) == nil
			id := identity(e.s)
			// The same step twice (it should not be) stays apart.
			for n := 2; m[id] != nil; n++ {
				id = fmt.Sprintf("%s#%d", identity(e.s), n)
			}
			m[id] = e
			order = append(order, id)
		}
		return order, m
	}
	so, sm := index(saved.Steps)
	no, nm := index(now.Steps)
	var out []string
	for _, id := range so {
		a, b := sm[id], nm[id]
		switch {
		case b == nil:
			if a.s.Action != string(plan.NoOp) {
				out = append(out, fmt.Sprintf("%s is no longer in the plan (the org no longer calls for it)", title(a.s)))
			} else {
				out = append(out, fmt.Sprintf("%s is no longer in the plan", title(a.s)))
			}
		case !sameJSON(a.raw, b.raw):
			out = append(out, explain(a.s, b.s))
		}
	}
	for _, id := range no {
		if sm[id] == nil {
			b := nm[id].s
			if b.Action == string(plan.NoOp) {
				out = append(out, fmt.Sprintf("%s is now in the plan (no change needed)", title(b)))
				continue
			}
			out = append(out, fmt.Sprintf("%s is now in the plan, to %s", title(b), b.Action))
		}
	}
	if !sameList(saved.Setup, now.Setup) {
		out = append(out, "the changes left to Setup differ")
	}
	return out
}

// identity is what names a step across two plans of the same spec.
func identity(s step) string { return s.Type + "\x00" + s.Parent + "\x00" + s.Name }

// title is plan.Step.Title for a canonical step.
func title(s step) string {
	noun := s.Type
	func() {
		defer func() { _ = recover() }() // a type this sfprov does not know names itself
		noun = plan.KindOf(s.Type).Noun
	}()
	t := noun + " " + fmt.Sprintf("%q", s.Name)
	if s.Parent != "" {
		t += " on " + s.Parent
	}
	return t
}

func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func sameList(a, b []json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameJSON(a[i], b[i]) {
			return false
		}
	}
	return true
}

// explain says how one step changed between the plans.
func explain(a, b step) string {
	t := title(a)
	exists := func(s step) bool { return s.Action != string(plan.Create) }
	switch {
	case !exists(a) && exists(b):
		return t + " now exists" + idNote(b.ID)
	case exists(a) && !exists(b):
		return t + " no longer exists" + idNote(a.ID)
	case a.ID != b.ID:
		return fmt.Sprintf("%s is another record now (Id %s, was %s)", t, b.ID, a.ID)
	}
	// The values the plan compared: before, the org's; a field the new
	// plan no longer changes is now what the saved plan would set.
	var diffs []string
	before := func(s step) map[string]change {
		m := map[string]change{}
		for _, c := range s.Changes {
			m[c.Field] = c
		}
		return m
	}
	ca, cb := before(a), before(b)
	fields := map[string]bool{}
	for f := range ca {
		fields[f] = true
	}
	for f := range cb {
		fields[f] = true
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		x, inA := ca[f]
		y, inB := cb[f]
		switch {
		case inA && inB && !reflect.DeepEqual(x.Before, y.Before):
			diffs = append(diffs, fmt.Sprintf("%s changed from %s to %s", f, show(x.Before), show(y.Before)))
		case inA && !inB:
			diffs = append(diffs, fmt.Sprintf("%s changed from %s to %s", f, show(x.Before), show(x.After)))
		case !inA && inB:
			diffs = append(diffs, fmt.Sprintf("%s changed to %s", f, show(y.Before)))
		case inA && inB && !reflect.DeepEqual(x.After, y.After):
			diffs = append(diffs, fmt.Sprintf("%s would now be set to %s, not %s", f, show(y.After), show(x.After)))
		}
	}
	if len(diffs) > 0 {
		return t + ": " + strings.Join(diffs, ", ")
	}
	// The values are the same; what the step relies on is not.
	for _, k := range sortedKeys(a.IDs, b.IDs) {
		if a.IDs[k] != b.IDs[k] {
			switch {
			case a.IDs[k] == "":
				return fmt.Sprintf("%s: %s now exists (%s)", t, k, b.IDs[k])
			case b.IDs[k] == "":
				return fmt.Sprintf("%s: %s no longer exists (was %s)", t, k, a.IDs[k])
			}
			return fmt.Sprintf("%s: %s is another record now (Id %s, was %s)", t, k, b.IDs[k], a.IDs[k])
		}
	}
	if a.Action != b.Action {
		return fmt.Sprintf("%s: now to %s, not to %s", t, b.Action, a.Action)
	}
	return t + ": what it writes changed"
}

func idNote(id string) string {
	if id == "" {
		return ""
	}
	return " (" + id + ")"
}

func sortedKeys(ms ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprint(v)
}
