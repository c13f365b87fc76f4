package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/target"
)

// ChecklistOptions are `sfprov checklist`'s inputs.
type ChecklistOptions struct {
	IO      IO
	Connect func(context.Context) (*target.Org, error)
	Spec    SpecInput
}

// NewCmdChecklist is `sfprov checklist FILE...`; runF replaces checklistRun
// in tests.
func NewCmdChecklist(f *Factory, runF func(context.Context, *ChecklistOptions) error) *cobra.Command {
	opts := &ChecklistOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:   "checklist FILE...",
		Short: "Print every manual step of the spec, as it applies to the org",
		Long: `After an apply, the checklist lists only the manual steps that run made
necessary (a password email only when a password was reset). checklist prints
them all, with their if: conditions evaluated against the org; nothing is
written.`,
		Example: `  sfprov checklist --profile screenmeet -o dev
  sfprov checklist spec.yaml -o dev`,
		Args: specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			opts.Spec.Files = files
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checklistRun(cmd.Context(), opts)
		},
	}
	addVarFlag(cmd, &opts.Spec)
	return cmd
}

func checklistRun(ctx context.Context, opts *ChecklistOptions) error {
	s, resolve, err := loadSpec(opts.IO, &opts.Spec)
	if err != nil {
		return err
	}
	pl, err := makePlan(ctx, opts.Connect, opts.IO, &opts.Spec, s, resolve)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "Target org: %s\n", pl.plan.Target)
	if len(pl.plan.ManualSteps) == 0 {
		fmt.Fprintln(out, "No manual steps.")
		return nil
	}
	render.ManualSteps(out, pl.plan.ManualSteps, opts.IO.outStyle())
	return nil
}

// checklistAfter prints, after an apply whose passes executed done, the
// manual steps that run made necessary, and says how to see the others.
func checklistAfter(w io.Writer, in *SpecInput, p *plan.Plan, done []*plan.Step, st render.Style) {
	steps, left := p.ChecklistAfter(done)
	render.ManualSteps(w, steps, st)
	if left == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d more manual %s that this run did not call for: %s prints the whole checklist.\n",
		left, plural(left, "step", "steps"), checklistCommand(in, p.Target))
}

// checklistCommand is the command line that prints the whole checklist.
func checklistCommand(in *SpecInput, t plan.Target) string {
	args := []string{"sfprov", "checklist"}
	for _, p := range in.Profiles {
		args = append(args, "--profile", p)
	}
	args = append(args, in.Files...)
	if t.Name != "" && t.Name != target.Local {
		args = append(args, "-o", t.Name)
	}
	return strings.Join(args, " ")
}
