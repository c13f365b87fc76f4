package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/target"
)

// PlanOptions are `sfprov plan`'s inputs.
type PlanOptions struct {
	IO       IO
	Connect  func(context.Context) (*target.Org, error)
	Spec     SpecInput
	Detailed bool // --detailed-exitcode
	// Out is --out: where to save the plan for `sfprov apply PLANFILE`.
	Out string
	// Full is --full: every step of long runs, not a count and the first few.
	Full bool
}

// NewCmdPlan is `sfprov plan FILE...`; runF replaces planRun in tests.
func NewCmdPlan(f *Factory, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:   "plan FILE...",
		Short: "Show what apply would change in the org",
		Example: `  sfprov plan profiles/coconut.yaml                     # the embedded org
  sfprov plan spec.yaml -o dev --detailed-exitcode        # exit 2 when there are changes
  sfprov plan spec.yaml -o dev --json > plan.json
  sfprov plan spec.yaml -o dev --out dev.plan             # then: sfprov apply dev.plan`,
		Args: specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			opts.Spec.Files = files
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return planRun(cmd.Context(), opts)
		},
	}
	addVarFlag(cmd, &opts.Spec)
	cmd.Flags().BoolVar(&opts.Spec.JSON, "json", false, "print the outcome (the plan, or the error) as one JSON document (docs/json.md)")
	cmd.Flags().BoolVar(&opts.Detailed, "detailed-exitcode", false, "exit 2 when the org differs from the spec (0 when it matches)")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "list every step of long runs (the same set given to many users) instead of a count and the first few")
	cmd.Flags().StringVar(&opts.Out, "out", "", "save the plan to `PLANFILE` for `sfprov apply PLANFILE`, which applies exactly it, or refuses if the org changed (docs/plan-file.md); no secret is saved")
	return cmd
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	s, resolve, err := loadSpec(opts.IO, &opts.Spec)
	if err != nil {
		return err
	}
	pl, err := makePlan(ctx, opts.Connect, opts.IO, &opts.Spec, s, resolve)
	if err != nil {
		return err
	}
	if opts.Full && !opts.Spec.JSON {
		// showPlan folds long runs; --full lists them, and the rest is the same.
		render.PlanFull(opts.IO.Out, pl.plan, opts.IO.outStyle(), true)
		if opts.Out == "" {
			if opts.Detailed && pl.plan.HasChanges() {
				return &exitError{code: ExitChanges}
			}
			return nil
		}
	}
	if opts.Out == "" {
		return showPlan(opts.IO, &opts.Spec, pl.plan, opts.Detailed, "", nil)
	}
	ref, err := savePlan(opts.IO, &opts.Spec, s, pl, opts.Out)
	if err != nil {
		return err
	}
	if opts.Full && !opts.Spec.JSON {
		if opts.Detailed && pl.plan.HasChanges() {
			err = &exitError{code: ExitChanges}
		}
	} else {
		err = showPlan(opts.IO, &opts.Spec, pl.plan, opts.Detailed, "", func(doc *render.PlanDoc) any { return &planFileDoc{PlanDoc: doc, PlanFile: ref} })
	}
	if !opts.Spec.JSON {
		fmt.Fprintf(opts.IO.Out, "\nSaved the plan to %s. Apply exactly it with: sfprov apply %s\n", ref.Path, ref.Path)
	}
	return err
}
