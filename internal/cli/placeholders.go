package cli

import (
	"fmt"
	"strings"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/target"
)

// placeholdersWritten returns the placeholder variables (spec
// `placeholder: true`) whose example default a plan for a non-local org
// would write: set neither by --var nor by the environment, and found in a
// value that a changing step sets. The local org is a sandbox for trying
// profiles as shipped, so it never counts.
func placeholdersWritten(stdio IO, in *SpecInput, s *spec.Spec, p *plan.Plan, o *target.Org) []spec.Variable {
	if o.Embedded {
		return nil
	}
	vars, err := in.parseVars()
	if err != nil {
		return nil // loadSpec has refused these already
	}
	var out []spec.Variable
	for _, v := range s.Placeholders(vars, stdio.Getenv) {
		if *v.Default != "" && writes(p, *v.Default) {
			out = append(out, v)
		}
	}
	return out
}

// writes reports a changing step of p that sets a value containing s.
func writes(p *plan.Plan, s string) bool {
	has := func(v any) bool {
		str, ok := v.(string)
		return ok && strings.Contains(strings.ToLower(str), strings.ToLower(s))
	}
	for _, st := range p.Changing() {
		for _, c := range st.Changes {
			if !c.Secret && has(c.After) {
				return true
			}
		}
		for _, v := range st.Fields {
			if has(v) {
				return true
			}
		}
	}
	return false
}

// placeholderList renders the variables as NAME=value, NAME=value.
func placeholderList(vs []spec.Variable) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Name + "=" + *v.Default
	}
	return strings.Join(parts, ", ")
}

// placeholderWarning is the plan's warning, or "" when nothing applies.
func placeholderWarning(vs []spec.Variable, t plan.Target) string {
	if len(vs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s would be written to %s: %s, the spec's %s, not yours; set %s with --var NAME=value or the environment (apply without a terminal refuses unless --accept-defaults)",
		plural(len(vs), "a placeholder default", "placeholder defaults"), t, placeholderList(vs),
		plural(len(vs), "example", "examples"), plural(len(vs), "it", "them"))
}

// refusePlaceholders is apply's refusal: without a terminal no one can read
// the warning before the org gets, say, a password email sent to
// admin@example.com, so it takes --accept-defaults (or the values) to go on.
func refusePlaceholders(stdio IO, in *SpecInput, s *spec.Spec, p *plan.Plan, o *target.Org, accept bool) error {
	if accept || stdio.InteractiveIn {
		return nil
	}
	vs := placeholdersWritten(stdio, in, s, p, o)
	if len(vs) == 0 {
		return nil
	}
	return exitWith(ExitRefused, "refusing to write %s to %s without a terminal: %s; set %s with --var NAME=value or the environment, or pass --accept-defaults to apply %s as %s",
		plural(len(vs), "a placeholder default", "placeholder defaults"), p.Target, placeholderList(vs),
		plural(len(vs), "it", "them"), plural(len(vs), "it", "them"), plural(len(vs), "it is", "they are"))
}
