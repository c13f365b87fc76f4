package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/emulator/emucmd"
	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// specFlags are the flags of every command that reads spec files.
type specFlags struct {
	vars []string
	// json: problems are also printed on stdout as a JSON document.
	json bool
}

func (f *specFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.vars, "var", nil, "set a spec variable: --var NAME=value (wins over the environment; repeatable)")
}

func (f *specFlags) parseVars() (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range f.vars {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, &usageError{fmt.Errorf("--var %q: want NAME=value", kv)}
		}
		out[name] = value
	}
	return out, nil
}

// load reads and validates the spec files; on problems it prints every
// diagnostic as FILE:LINE:COL: message and returns an exit-1 error.
func (f *specFlags) load(stdio IO, files []string) (*spec.Spec, func(string) string, error) {
	vars, err := f.parseVars()
	if err != nil {
		return nil, nil, err
	}
	s, ds := spec.Load(files, spec.Options{Vars: vars, Getenv: stdio.Getenv})
	if ds.HasErrors() {
		ds.Sort()
		f.report(stdio, ds)
		return nil, nil, &exitError{code: ExitError, msg: fmt.Sprintf("%d %s in the spec", len(ds), plural(len(ds), "problem", "problems"))}
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

// report prints problems as FILE:LINE:COL: message on stderr and, with --json,
// as a document on stdout.
func (f *specFlags) report(stdio IO, ds diag.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(stdio.Err, d.String())
	}
	if f.json {
		_ = render.DiagnosticsJSON(stdio.Out, ds)
	}
}

// makePlan reads the org and computes the plan for s.
func makePlan(ctx context.Context, g *globalFlags, stdio IO, sf *specFlags, s *spec.Spec, resolve func(string) string) (*plan.Plan, *org, error) {
	o, err := g.connect(ctx, stdio)
	if err != nil {
		return nil, nil, err
	}
	st, err := state.Read(ctx, o.client, s)
	if err != nil {
		return nil, nil, orgError(o, "read the org", err)
	}
	o.target.Username = st.Username
	o.target.OrgID = st.OrgID
	p, ds := plan.Compute(s, st, plan.Options{Target: o.target, Var: resolve, Requires: perms.Requires, Getenv: stdio.Getenv})
	if ds.HasErrors() {
		sf.report(stdio, ds)
		return nil, nil, &exitError{code: ExitError, msg: fmt.Sprintf("%d %s between the spec and %s", len(ds), plural(len(ds), "problem", "problems"), o.target)}
	}
	return p, o, nil
}

// orgError maps an API failure to an exit code and names the org.
func orgError(o *org, what string, err error) error {
	if errors.Is(err, salesforce.ErrAuth) {
		return exitWith(ExitAuth, "%s %s: %v\nThe org refused the access token; get a new one (SF_ACCESS_TOKEN) and retry.", what, o.target.Name, err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ae *salesforce.APIError
	if errors.As(err, &ae) && ae.HasCode("REQUEST_LIMIT_EXCEEDED") {
		// Salesforce counts API requests over a rolling 24 hours
		// (salesforce-api-facts.md §12); waiting is the only cure.
		return exitWith(ExitError, "%s %s: %v\nThe org's daily API request allowance is used up (the DailyApiRequests limit); retry once earlier requests age out of the last 24 hours.", what, o.target.Name, err)
	}
	return exitWith(ExitError, "%s %s: %v", what, o.target.Name, err)
}

func newValidateCmd(stdio IO, g *globalFlags) *cobra.Command {
	var sf specFlags
	var detailed bool
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check spec files offline; with --target-org, also plan against the org without changing it",
		Args:  specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			s, resolve, err := sf.load(stdio, files)
			if err != nil {
				return err
			}
			dryRun := cmd.Flags().Changed("target-org") || cmd.Flags().Changed("instance-url")
			if !dryRun {
				if sf.json {
					return render.DiagnosticsJSON(stdio.Out, nil)
				}
				fmt.Fprintf(stdio.Out, "%s: valid\n", strings.Join(files, ", "))
				return nil
			}
			p, _, err := makePlan(cmd.Context(), g, stdio, &sf, s, resolve)
			if err != nil {
				return err
			}
			return showPlan(stdio, &sf, p, detailed, fmt.Sprintf("%s: valid. Dry run: nothing was changed; apply would do this:", strings.Join(files, ", ")))
		},
	}
	sf.add(cmd)
	cmd.Flags().BoolVar(&sf.json, "json", false, "print problems (or, with an org, the plan) as JSON on stdout")
	cmd.Flags().BoolVar(&detailed, "detailed-exitcode", false, "with --target-org: exit 2 when the org differs from the spec")
	return cmd
}

// showPlan prints p (as JSON with --json, else for humans after header) and
// turns pending changes into exit 2 when detailed.
func showPlan(stdio IO, sf *specFlags, p *plan.Plan, detailed bool, header string) error {
	if sf.json {
		if err := render.PlanJSON(stdio.Out, p); err != nil {
			return err
		}
	} else {
		if header != "" {
			fmt.Fprintln(stdio.Out, header)
		}
		render.Plan(stdio.Out, p)
	}
	if detailed && p.HasChanges() {
		return &exitError{code: ExitChanges}
	}
	return nil
}

func newPlanCmd(stdio IO, g *globalFlags) *cobra.Command {
	var sf specFlags
	var detailed bool
	cmd := &cobra.Command{
		Use:   "plan FILE...",
		Short: "Show what apply would change in the org",
		Args:  specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			s, resolve, err := sf.load(stdio, files)
			if err != nil {
				return err
			}
			p, _, err := makePlan(cmd.Context(), g, stdio, &sf, s, resolve)
			if err != nil {
				return err
			}
			return showPlan(stdio, &sf, p, detailed, "")
		},
	}
	sf.add(cmd)
	cmd.Flags().BoolVar(&sf.json, "json", false, "print the plan (or the problems) as a versioned JSON document")
	cmd.Flags().BoolVar(&detailed, "detailed-exitcode", false, "exit 2 when the org differs from the spec (0 when it matches)")
	return cmd
}

func newApplyCmd(stdio IO, g *globalFlags) *cobra.Command {
	var sf specFlags
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply FILE...",
		Short: "Converge the org to the spec (shows the plan and asks first)",
		Args:  specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx := cmd.Context()
			s, resolve, err := sf.load(stdio, files)
			if err != nil {
				return err
			}
			p, o, err := makePlan(ctx, g, stdio, &sf, s, resolve)
			if err != nil {
				return err
			}
			out := stdio.Out
			if sf.json {
				out = stdio.Err // progress; stdout carries only the JSON report
			} else {
				render.Plan(out, p)
			}
			if !p.HasChanges() {
				if sf.json {
					return render.ApplyJSON(stdio.Out, p, render.Outcome{APICalls: o.client.Calls()})
				}
				render.ManualSteps(out, p.ManualSteps)
				return nil
			}
			if !yes {
				if !stdio.InteractiveIn {
					return exitWith(ExitRefused, "refusing to change %s without confirmation: no terminal to ask on; pass --yes to apply non-interactively", o.target.Name)
				}
				fmt.Fprintf(stdio.Err, "\nApply these changes to %s? Only 'yes' will be accepted: ", o.target)
				answer, _ := bufio.NewReader(stdio.In).ReadString('\n')
				if strings.TrimSpace(answer) != "yes" {
					return exitWith(ExitRefused, "apply cancelled; nothing was changed")
				}
			}
			fmt.Fprintf(out, "\nApplying to %s:\n", o.target)
			progress := &render.Progress{W: out}
			res, err := apply.Execute(ctx, o.client, p, apply.Options{
				Getenv: stdio.Getenv,
				OnStep: progress.Step,
				OnWait: func(what string) {
					progress.Flush()
					fmt.Fprintf(out, "  … waiting: %s\n", what)
				},
			})
			progress.Flush()
			outcome := render.Outcome{APICalls: o.client.Calls()}
			if res != nil {
				outcome.Done, outcome.Failed, outcome.NotRun, outcome.Errors = res.Done, res.Failed, res.NotRun, res.Errors
			}
			if sf.json {
				if jerr := render.ApplyJSON(stdio.Out, p, outcome); jerr != nil {
					return jerr
				}
			}
			if err != nil || len(outcome.Failed)+len(outcome.NotRun) > 0 {
				render.Failure(stdio.Err, o.target.String(), outcome)
				code := ExitPartial
				if len(outcome.Done) == 0 {
					code = ExitError
				}
				if err != nil {
					return exitWith(code, "apply to %s stopped: %v", o.target.Name, err)
				}
				return &exitError{code: code}
			}
			sum := p.Summary()
			fmt.Fprintf(out, "\nApply complete: %d created, %d updated, %d pruned in %s.\n", sum.Create, sum.Update, sum.Prune, o.target)
			fmt.Fprintf(out, "API calls: %d (reading the org and writing the changes).\n", o.client.Calls())
			render.ManualSteps(out, p.ManualSteps)
			return nil
		},
	}
	sf.add(cmd)
	cmd.Flags().BoolVar(&sf.json, "json", false, "print the plan and the outcome of every step (or the problems) as JSON on stdout; progress goes to stderr")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "apply without asking for confirmation (required without a terminal)")
	return cmd
}

func newSchemaCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the spec format",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := stdio.Out.Write(spec.JSONSchema())
			return err
		},
	}
}

func newEmulatorCmd() *cobra.Command { return emucmd.New() }
