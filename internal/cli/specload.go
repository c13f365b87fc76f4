package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
	"github.com/sfprov/sfprov/internal/target"
	"github.com/sfprov/sfprov/profiles"
)

// SpecInput is the part of every spec-reading command's options that names
// the files and variables.
type SpecInput struct {
	Files []string
	// Profiles are built-in profiles (--profile NAME) read as spec files,
	// before Files.
	Profiles []string
	Vars     []string // NAME=value
	// JSON: the outcome is printed on stdout as the JSON envelope.
	JSON bool
}

// addVarFlag adds --var (completed with the variables the spec files
// declare), --profile and completion of the spec files themselves. Every
// command that reads a spec calls it, so each one takes --profile too.
func addVarFlag(cmd *cobra.Command, in *SpecInput) {
	cmd.Flags().StringArrayVar(&in.Vars, "var", nil, "set a spec variable: --var NAME=value (wins over the environment; repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("var", completeVars(in))
	cmd.Flags().StringArrayVar(&in.Profiles, "profile", nil, "read a built-in profile as a spec file (sfprov profiles lists them; repeatable, with or without FILE arguments)")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfileNames)
	cmd.ValidArgsFunction = completeSpecFiles
}

// profileSource names a built-in profile in diagnostics: not a path, so
// that no one looks for it on disk.
func profileSource(name string) string { return name + " (built-in profile)" }

// sources returns the --profile specs as in-memory files; an unknown name
// is an error that suggests the nearest one.
func (in *SpecInput) sources() ([]spec.Source, error) {
	var out []spec.Source
	for _, name := range in.Profiles {
		data, err := profiles.Open(name)
		if err != nil {
			return nil, &exitError{code: ExitError, kind: codeNotFound, msg: "--profile: " + err.Error()}
		}
		out = append(out, spec.Source{Name: profileSource(strings.TrimSuffix(name, ".yaml")), Data: data})
	}
	return out, nil
}

// names are the spec's sources as messages name them: profiles, then files.
func (in *SpecInput) names() []string {
	var out []string
	for _, p := range in.Profiles {
		out = append(out, profileSource(strings.TrimSuffix(p, ".yaml")))
	}
	return append(out, in.Files...)
}

func (in *SpecInput) parseVars() (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range in.Vars {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, &usageError{fmt.Errorf("--var %q: want NAME=value", kv)}
		}
		out[name] = value
	}
	return out, nil
}

// loadSpec reads and validates the spec files; on problems it prints every
// diagnostic as FILE:LINE:COL: message and returns an exit-1 error.
func loadSpec(stdio IO, in *SpecInput) (*spec.Spec, func(string) string, error) {
	vars, err := in.parseVars()
	if err != nil {
		return nil, nil, err
	}
	srcs, err := in.sources()
	if err != nil {
		return nil, nil, err
	}
	s, ds := spec.LoadSources(srcs, in.Files, spec.Options{Vars: vars, Getenv: stdio.Getenv})
	if ds.HasErrors() {
		ds.Sort()
		return nil, nil, report(stdio, ds, codeSpec, "in the spec")
	}
	stdio.secrets.add(s.SecretValues()...)
	for _, u := range s.Users {
		if u.Password != nil && u.Password.FromEnv != "" {
			if v, ok := stdio.Getenv(u.Password.FromEnv); ok {
				stdio.secrets.add(v)
			}
		}
	}
	resolve := func(name string) string {
		if v, ok := vars[name]; ok {
			return v
		}
		if v, ok := stdio.Getenv(name); ok {
			return v
		}
		if d, ok := s.Variables[name]; ok && d.Default != nil {
			return *d.Default
		}
		return ""
	}
	return s, resolve, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// report prints problems as FILE:LINE:COL: message on stderr and returns
// the exit-1 error that counts them ("3 problems where") and holds them for
// the JSON envelope's error.details.
func report(stdio IO, ds diag.Diagnostics, kind, where string) error {
	for _, d := range ds {
		fmt.Fprintln(stdio.Err, d.String())
	}
	return &exitError{code: ExitError, kind: kind, problems: ds,
		msg: fmt.Sprintf("%d %s %s", len(ds), plural(len(ds), "problem", "problems"), where)}
}

// planned is a plan and the org it was made against.
type planned struct {
	plan *plan.Plan
	org  *target.Org
}

// makePlan connects, reads the org and computes the plan for s.
func makePlan(ctx context.Context, connect func(context.Context) (*target.Org, error), stdio IO, in *SpecInput, s *spec.Spec, resolve func(string) string) (*planned, error) {
	o, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	p, err := planOrg(ctx, o, stdio, in, s, resolve)
	if err != nil {
		return nil, err
	}
	return &planned{plan: p, org: o}, nil
}

// planOrg reads the org and computes the plan for s.
func planOrg(ctx context.Context, o *target.Org, stdio IO, in *SpecInput, s *spec.Spec, resolve func(string) string) (*plan.Plan, error) {
	p, _, err := planOrgState(ctx, o, stdio, in, s, resolve)
	return p, err
}

// planOrgState is planOrg that also returns the state the plan was made
// from (verify checks both).
func planOrgState(ctx context.Context, o *target.Org, stdio IO, in *SpecInput, s *spec.Spec, resolve func(string) string) (*plan.Plan, *state.State, error) {
	st, err := state.Read(ctx, o.Client, state.NeedsOf(s))
	if err != nil {
		return nil, nil, orgError(o, o.Name, "read the org", err)
	}
	p, ds := plan.Compute(s, st, planOptions(o, st, stdio, resolve))
	if ds.HasErrors() {
		return nil, nil, report(stdio, ds, codeOrgMismatch, "between the spec and "+p.Target.String())
	}
	if w := placeholderWarning(placeholdersWritten(stdio, in, s, p, o), p.Target); w != "" {
		p.Warnings = append(p.Warnings, w)
	}
	return p, st, nil
}

// planOptions are the planner's options for the org o, read as st.
func planOptions(o *target.Org, st *state.State, stdio IO, resolve func(string) string) plan.Options {
	t := plan.Target{Name: o.Name, Kind: o.Kind(st.IsSandbox), Username: st.Username, OrgID: st.OrgID}
	if !o.Embedded {
		t.InstanceURL = o.InstanceURL
	}
	return plan.Options{Target: t, Var: resolve, Requires: perms.Requires, Label: permLabel, MetadataOnly: metadataOnly, Getenv: stdio.Getenv}
}

// permLabel is a system permission's Setup label from the catalog.
func permLabel(name string) string {
	if p, ok := perms.Lookup(name); ok {
		return p.Label
	}
	return ""
}

// metadataOnly reports a system permission the sObject API cannot set.
func metadataOnly(name string) bool {
	p, ok := perms.Lookup(name)
	return ok && p.MetadataOnly
}

// showPlan prints p for humans after header, or with --json makes it the
// envelope's result (through result, when not nil), and turns pending
// changes into exit 2 when detailed.
func showPlan(stdio IO, in *SpecInput, p *plan.Plan, detailed bool, header string, result func(*render.PlanDoc) any) error {
	if in.JSON {
		doc := render.PlanResult(p)
		if result != nil {
			stdio.setResult(result(doc))
		} else {
			stdio.setResult(doc)
		}
		stdio.addWarnings(p.Warnings...)
	} else {
		if header != "" {
			fmt.Fprintln(stdio.Out, header)
		}
		render.Plan(stdio.Out, p, stdio.outStyle())
	}
	if detailed && p.HasChanges() {
		return &exitError{code: ExitChanges}
	}
	return nil
}
