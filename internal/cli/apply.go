package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/target"
)

// ApplyOptions are `sfprov apply`'s inputs.
type ApplyOptions struct {
	IO      IO
	Connect func(context.Context) (*target.Org, error)
	Spec    SpecInput
	Yes     bool // --yes: no confirmation
	// AcceptDefaults: --accept-defaults, write placeholder defaults
	// (placeholders.go) without a terminal.
	AcceptDefaults bool
	// done is what earlier passes of this apply executed, for the checklist.
	done []*plan.Step
	// ConnectTo connects to a saved plan's own org; TargetNamed reports
	// that -o (or the like) names another, which must be the same org.
	ConnectTo   func(ctx context.Context, name, apiVersion string) (*target.Org, error)
	TargetNamed func() bool
	// Full is --full: the plan lists every step of long runs.
	Full bool
}

// NewCmdApply is `sfprov apply FILE...`; runF replaces applyRun in tests.
func NewCmdApply(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{IO: f.IO, Connect: f.Connect, ConnectTo: f.connectTo, TargetNamed: f.targetNamed}
	cmd := &cobra.Command{
		Use:   "apply FILE... | PLANFILE",
		Short: "Converge the org to the spec (shows the plan and asks first)",
		Example: `  sfprov apply profiles/coconut.yaml --yes              # the embedded org
  sfprov apply spec.yaml -o dev                           # asks for "yes" first
  sfprov apply spec.yaml -o ci --yes --json > apply.json  # CI
  sfprov apply dev.plan                                   # a plan saved by plan --out`,
		Args: specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			opts.Spec.Files = files
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	addVarFlag(cmd, &opts.Spec)
	cmd.Flags().BoolVar(&opts.Spec.JSON, "json", false, "print the outcome (the plan with every step's status, or the error) as one JSON document on stdout (docs/json.md); progress goes to stderr")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "apply without asking for confirmation (required without a terminal)")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "list every step of long runs (the same set given to many users) in the plan and the progress, instead of a count and the first few")
	cmd.Flags().BoolVar(&opts.AcceptDefaults, "accept-defaults", false, "write the spec's placeholder defaults (example.com...) to an org other than local without a terminal")
	return cmd
}

func applyRun(ctx context.Context, opts *ApplyOptions) error {
	stdio := opts.IO
	if data := readPlanFile(opts.Spec.Files); data != nil {
		return applyPlanFile(ctx, opts, opts.Spec.Files[0], data)
	}
	s, resolve, err := loadSpec(stdio, &opts.Spec)
	if err != nil {
		return err
	}
	o, err := opts.Connect(ctx)
	if err != nil {
		return err
	}
	p, err := planOrg(ctx, o, stdio, &opts.Spec, s, resolve)
	if err != nil {
		return err
	}
	if err := refusePlaceholders(stdio, &opts.Spec, s, p, o, opts.AcceptDefaults); err != nil {
		return err
	}
	first, installed, err := applyPass(ctx, opts, o, p, true)
	stdio.setResult(first)
	if err != nil || !installed {
		return err
	}
	// What an installed package brings (its permission sets, apps and
	// objects) is planned now, in the same apply.
	out := stdio.Out
	if opts.Spec.JSON {
		out = stdio.Err
	}
	fmt.Fprintf(out, "\nPackages installed; planning again with what they bring.\n\n")
	if p, err = planOrg(ctx, o, stdio, &opts.Spec, s, resolve); err != nil {
		return err
	}
	first.AfterPackages, _, err = applyPass(ctx, opts, o, p, false)
	return err
}

// applyPass shows p, asks (unless --yes; asked once per apply), executes
// it and reports. doc is the pass for the JSON envelope (nil when it did
// not start); installed reports that it installed a package.
func applyPass(ctx context.Context, opts *ApplyOptions, o *target.Org, p *plan.Plan, ask bool) (doc *render.ApplyDoc, installed bool, err error) {
	stdio := opts.IO
	out := stdio.Out
	if opts.Spec.JSON {
		out = stdio.Err // progress; stdout carries only the JSON envelope
		stdio.addWarnings(p.Warnings...)
	} else {
		render.PlanFull(out, p, stdio.outStyle(), opts.Full)
	}
	if len(p.Changing()) == 0 {
		// Nothing to write; what only Setup can do is in the checklist.
		if !opts.Spec.JSON {
			checklistAfter(out, &opts.Spec, p, opts.done, stdio.outStyle())
		}
		return render.ApplyResult(p, render.Outcome{APICalls: o.Client.Calls()}), false, nil
	}
	if !opts.Yes && ask {
		if !stdio.InteractiveIn {
			return nil, false, exitWith(ExitRefused, "refusing to change %s: no terminal to confirm on; pass --yes to apply without confirmation", p.Target)
		}
		fmt.Fprintf(stdio.Err, "\nApply these changes to %s? Only 'yes' will be accepted: ", p.Target)
		answer, _ := bufio.NewReader(stdio.In).ReadString('\n')
		if strings.TrimSpace(answer) != "yes" {
			return nil, false, exitWith(ExitRefused, "apply cancelled; nothing was changed")
		}
	}
	fmt.Fprintf(out, "\nApplying to %s:\n", p.Target)
	outStyle := stdio.outStyle()
	if opts.Spec.JSON {
		outStyle = stdio.errStyle()
	}
	progress := &render.Progress{W: out, Style: outStyle, Plan: p, Full: opts.Full, Live: liveProgress(stdio, opts.Spec.JSON)}
	res, err := apply.Execute(ctx, o.Client, p, apply.Options{
		Getenv: stdio.Getenv,
		OnStep: progress.Step,
		OnWait: func(what string) {
			progress.Flush()
			progress.Pause()
			fmt.Fprintln(out, outStyle.Text("  … waiting: "+what))
		},
	})
	progress.Done()
	outcome := render.Outcome{APICalls: o.Client.Calls()}
	if res != nil {
		outcome.Done, outcome.Failed, outcome.NotRun, outcome.Errors, outcome.Created = res.Done, res.Failed, res.NotRun, res.Errors, res.Created
		outcome.ConsumerKeys = res.ConsumerKeys
	}
	doc = render.ApplyResult(p, outcome)
	if err != nil || len(outcome.Failed)+len(outcome.NotRun) > 0 {
		render.Failure(stdio.Err, p.Target.String(), outcome, stdio.errStyle())
		if authErr := sessionEnded(err, outcome); authErr != nil {
			// However much was done, the cause is the session: exit 4 with
			// the way to a new one; the re-run continues where this stopped.
			return doc, false, causedBy(ExitAuth, authErr, "apply to %s stopped: %s\n%s; then re-run: apply continues where it stopped.", p.Target, sessionMessage(authErr), strings.TrimSuffix(authHint(o), "."))
		}
		code, kind := ExitPartial, codePartial
		if len(outcome.Done) == 0 {
			code, kind = ExitError, codeApplyFailed
		}
		if errors.Is(err, context.Canceled) {
			// Ctrl-C: what was in flight was let finish (apply's grace).
			return doc, false, &exitError{code: ExitInterrupted, kind: codeInterrupted, cause: err,
				msg: fmt.Sprintf("apply to %s interrupted: %d done, %d not run; what was done stays done, and the same apply run again continues from there", p.Target.Name, len(outcome.Done), len(outcome.NotRun))}
		}
		if err != nil {
			return doc, false, &exitError{code: code, kind: kind, cause: err, msg: fmt.Sprintf("apply to %s stopped: %v", p.Target.Name, err)}
		}
		// The failure report is printed; the envelope says it in one line.
		return doc, false, &exitError{code: code, kind: kind,
			summary: fmt.Sprintf("apply to %s failed: %d done, %d failed, %d not run (each step's error is in result.steps)", p.Target, len(outcome.Done), len(outcome.Failed), len(outcome.NotRun))}
	}
	for _, s := range outcome.Done {
		if s.Type == plan.TypePackage {
			installed = true
		}
	}
	sum := p.Summary()
	fmt.Fprintf(out, "\nApply complete: %d created, %d updated, %d pruned in %s.\n", sum.Create, sum.Update, sum.Prune, p.Target)
	fmt.Fprintf(out, "API calls: %d (reading the org and writing the changes).\n", o.Client.Calls())
	render.ConsumerKeys(out, p, outcome.ConsumerKeys)
	// A package install plans again: the checklist comes after that pass,
	// and counts what both passes did.
	opts.done = append(opts.done, outcome.Done...)
	if !installed {
		checklistAfter(out, &opts.Spec, p, opts.done, outStyle)
	}
	return doc, installed, nil
}

// liveProgress: apply's progress goes to a terminal that can rewrite a
// line (stderr with --json, stdout otherwise), so a wave's meter is one line
// updated in place rather than a line per tenth.
func liveProgress(stdio IO, json bool) bool {
	if stdio.term == nil {
		return false
	}
	if v, _ := stdio.Getenv("TERM"); v == "dumb" {
		return false
	}
	if json {
		return stdio.term.errTTY
	}
	return stdio.term.outTTY
}

// sessionEnded returns the authentication failure that stopped an apply, if
// that is what stopped it.
func sessionEnded(err error, outcome render.Outcome) error {
	if errors.Is(err, salesforce.ErrAuth) {
		return err
	}
	for _, e := range outcome.Errors {
		if errors.Is(e, salesforce.ErrAuth) {
			return e
		}
	}
	return nil
}
