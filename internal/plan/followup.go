package plan

import (
	"strings"

	"github.com/sfprov/sfprov/internal/spec"
)

// Followup records that ManualSteps[Index] came from the spec, and what
// makes it necessary: the checklist printed after an apply leaves out the
// spec's steps that this run did not call for (ChecklistAfter). Steps with
// no Followup are the plan's own (what only Setup can change): they hold
// while the org differs, so they are always listed.
type Followup struct {
	Index int
	// Type and Name are the step whose execution the manual step follows
	// (Name lower-cased); Type "" means any change at all.
	Type string
	Name string
}

// afterTypes maps a spec `after:` kind to the step type that makes it.
var afterTypes = map[string]string{
	"password":           TypePassword,
	"user":               TypeUser,
	"profile":            TypeProfile,
	"permissionSet":      TypePermissionSet,
	"permissionSetGroup": TypeGroup,
	"remoteSite":         TypeRemoteSite,
	"externalClientApp":  TypeExternalClientApp,
	"package":            TypePackage,
}

// followup notes the spec manual step just appended to ManualSteps.
func (pl *planner) followup(a *spec.After) {
	f := Followup{Index: len(pl.p.ManualSteps) - 1}
	if a != nil {
		f.Type, f.Name = afterTypes[a.Kind], strings.ToLower(a.Name)
	}
	pl.p.Followups = append(pl.p.Followups, f)
}

// ChecklistAfter returns the manual steps that a run which executed done
// made necessary, in the plan's order, and how many of the spec's steps it
// left out. A step tied to a change is listed when done holds that change
// (a create; for a password, any set or reset); an untied one when done
// holds anything.
func (p *Plan) ChecklistAfter(done []*Step) (steps []string, left int) {
	fromSpec := map[int]Followup{}
	for _, f := range p.Followups {
		fromSpec[f.Index] = f
	}
	for i, text := range p.ManualSteps {
		f, ok := fromSpec[i]
		if !ok || f.madeBy(done) {
			steps = append(steps, text)
		} else {
			left++
		}
	}
	return steps, left
}

func (f Followup) madeBy(done []*Step) bool {
	if f.Type == "" {
		return len(done) > 0
	}
	for _, s := range done {
		if s.Type == f.Type && strings.EqualFold(s.Name, f.Name) && (s.Action == Create || s.Type == TypePassword) {
			return true
		}
	}
	return false
}
