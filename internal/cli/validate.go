package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/target"
)

// ValidateOptions are `sfprov validate`'s inputs.
type ValidateOptions struct {
	IO      IO
	Connect func(context.Context) (*target.Org, error)
	Spec    SpecInput
	// DryRun: a target org is named, so the spec is also planned against it.
	DryRun   bool
	Detailed bool
}

// NewCmdValidate is `sfprov validate FILE...`; runF replaces validateRun in tests.
func NewCmdValidate(f *Factory, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check spec files offline; with --target-org, also plan against the org without changing it",
		Example: `  sfprov validate spec.yaml                 # offline: FILE:LINE:COL: problem
  sfprov validate spec.yaml -o dev          # and a dry run against the org`,
		Args: specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			opts.Spec.Files = files
			opts.DryRun = cmd.Flags().Changed("target-org") || cmd.Flags().Changed("instance-url")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return validateRun(cmd.Context(), opts)
		},
	}
	addVarFlag(cmd, &opts.Spec)
	cmd.Flags().BoolVar(&opts.Spec.JSON, "json", false, "print the outcome (the problems; with an org, the plan) as one JSON document (docs/json.md)")
	cmd.Flags().BoolVar(&opts.Detailed, "detailed-exitcode", false, "with --target-org: exit 2 when the org differs from the spec")
	return cmd
}

func validateRun(ctx context.Context, opts *ValidateOptions) error {
	s, resolve, err := loadSpec(opts.IO, &opts.Spec)
	if err == nil {
		if ds := unsetPasswordVars(opts.IO, s); ds.HasErrors() {
			err = report(opts.IO, ds, codeSpec, "in the spec")
		}
	}
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) && ee.kind == codeSpec {
			opts.IO.setResult(render.ValidateResult(opts.Spec.names(), ee.problems))
		}
		return err
	}
	files := strings.Join(opts.Spec.names(), ", ")
	if !opts.DryRun {
		opts.IO.setResult(render.ValidateResult(opts.Spec.names(), nil))
		if !opts.Spec.JSON {
			fmt.Fprintf(opts.IO.Out, "%s: valid\n", files)
		}
		return nil
	}
	pl, err := makePlan(ctx, opts.Connect, opts.IO, &opts.Spec, s, resolve)
	if err != nil {
		return err
	}
	// The org's own rules on the metadata the plan would deploy: a
	// check-only deploy, which commits nothing.
	check, err := apply.CheckMetadata(ctx, pl.org.Client, pl.plan)
	if err != nil {
		return fmt.Errorf("validate against %s: %w", pl.plan.Target, err)
	}
	if len(check.Refused) > 0 {
		var ds diag.Diagnostics
		for _, st := range check.Checked {
			if e := check.Refused[st]; e != nil {
				var ce *apply.ComponentError
				msg := e.Error()
				if errors.As(e, &ce) {
					msg = ce.Problems()
				}
				ds.Append(st.Pos.File, st.Pos.Line, st.Pos.Col, fmt.Sprintf("%s: the org would refuse it: %s", st.Title(), msg))
			}
		}
		ds.Sort()
		return report(opts.IO, ds, codeSpec, "found by a check-only deploy to "+pl.plan.Target.String())
	}
	if n := len(check.Checked); n > 0 && !opts.Spec.JSON {
		defer fmt.Fprintf(opts.IO.Out, "Check-only deploy: the org accepts the metadata of %d %s (nothing was deployed).\n", n, plural(n, "step", "steps"))
	}
	return showPlan(opts.IO, &opts.Spec, pl.plan, opts.Detailed, fmt.Sprintf("%s: valid. Dry run: nothing was changed; apply would do this:", files), func(doc *render.PlanDoc) any {
		v := render.ValidateResult(opts.Spec.names(), nil)
		v.Plan = doc
		return v
	})
}

// unsetPasswordVars reports users whose password comes from an environment
// variable that is not set: apply would create the user and then fail to
// give it its password. Users under an if: are left to the plan, which
// knows whether they apply.
func unsetPasswordVars(stdio IO, s *spec.Spec) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, u := range s.Users {
		if u.If != nil || u.Password == nil || u.Password.Mode != spec.PasswordFromEnv {
			continue
		}
		if v, ok := stdio.Getenv(u.Password.FromEnv); !ok || v == "" {
			ds.Append(u.Pos.File, u.Pos.Line, u.Pos.Col, fmt.Sprintf("user %q: password comes from $%s, which is not set", u.Username.Value, u.Password.FromEnv))
		}
	}
	return ds
}
