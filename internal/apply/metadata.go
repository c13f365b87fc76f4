package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// ComponentError is a metadata step whose components the org refused, with
// every message the deploy gave for them.
type ComponentError struct {
	// Where is the spec position of the block the components come from
	// ("spec.yaml:12:5"), "" when unknown.
	Where    string
	Messages []salesforce.ComponentMessage
}

func (e *ComponentError) Error() string {
	if e.Where != "" {
		return e.Where + ": " + e.Problems()
	}
	return e.Problems()
}

// Problems are the org's words, without the spec position.
func (e *ComponentError) Problems() string {
	parts := make([]string, len(e.Messages))
	for i, m := range e.Messages {
		parts[i] = m.Problem
		if m.ProblemType != "" && m.ProblemType != "Error" {
			parts[i] = m.ProblemType + ": " + m.Problem
		}
	}
	return strings.Join(parts, "; ")
}

// writeMetadata deploys a wave's metadata steps together: one deploy, all or
// nothing (rollbackOnError), waited for. A component the org refused fails
// its step with the org's words; the others fail as rolled back. ready is
// asked once the deploy is prepared (the names Salesforce generated and the
// sets it merges into read): the deploy goes only when it says yes, else
// the steps are not run.
func writeMetadata(ctx context.Context, e *executor, steps []*plan.Step, ready func() bool) {
	if e.stopped() {
		return
	}
	files, err := e.generatedNames(ctx, steps)
	if err != nil {
		for _, s := range steps {
			e.finish(s, err)
		}
		return
	}
	if !ready() || e.stopped() {
		return
	}
	pkg := &metadata.Package{APIVersion: e.c.APIVersion()}
	for _, s := range steps {
		pkg.Add(files[s]...)
	}
	told := ""
	res, err := e.c.Deploy(ctx, pkg, salesforce.DeployOptions{Progress: func(p salesforce.DeployProgress) {
		if e.opts.OnWait != nil && p.Status != told {
			told = p.Status
			e.opts.OnWait(p.String())
		}
	}})
	if err == nil {
		e.markDeployed(steps)
		errs := e.readBack(ctx, steps, files)
		for _, s := range steps {
			e.finish(s, errs[s])
		}
		return
	}
	var de *salesforce.DeployError
	if !errors.As(err, &de) {
		for _, s := range steps {
			e.finish(s, fmt.Errorf("deploy: %w", err))
		}
		return
	}
	failed := attribute(res.Failures, steps, files)
	for _, s := range steps {
		if msgs := failed[s]; len(msgs) > 0 {
			e.finish(s, &ComponentError{Where: s.Pos.String(), Messages: msgs})
			continue
		}
		e.finish(s, fmt.Errorf("not deployed: %v", de))
	}
}

// writePackages installs packages one at a time, each waited for until the
// org says SUCCESS or ERROR.
func writePackages(ctx context.Context, e *executor, steps []*plan.Step) {
	for _, s := range steps {
		if e.stopped() {
			return
		}
		pk := s.Package
		told := ""
		_, err := e.c.InstallPackage(ctx, salesforce.PackageInstallOptions{
			VersionID: pk.VersionID, InstallationKey: pk.InstallationKey, SecurityType: pk.SecurityType,
			Progress: func(p salesforce.PackageInstallProgress) {
				if e.opts.OnWait != nil && p.Status != told {
					told = p.Status
					e.opts.OnWait(fmt.Sprintf("package %s installing (%s)", pk.Namespace, p.Status))
				}
			},
		})
		e.finish(s, err)
	}
}

// attribute files each component message of a deploy under the step whose
// file it is about: by component, else by file name; a message about the
// package itself (package.xml) goes to the only step when there is one.
func attribute(msgs []salesforce.ComponentMessage, steps []*plan.Step, files map[*plan.Step][]metadata.File) map[*plan.Step][]salesforce.ComponentMessage {
	owner := map[metadata.Component]*plan.Step{}
	byFile := map[string]*plan.Step{}
	for _, s := range steps {
		for _, f := range files[s] {
			owner[f.Component] = s
			byFile[f.Path] = s
		}
	}
	out := map[*plan.Step][]salesforce.ComponentMessage{}
	for _, m := range msgs {
		s := owner[metadata.Component{Type: m.ComponentType, FullName: m.FullName}]
		if s == nil {
			s = byFile[strings.TrimPrefix(m.FileName, "unpackaged/")]
		}
		if s == nil && len(steps) == 1 {
			s = steps[0]
		}
		if s != nil {
			out[s] = append(out[s], m)
		}
	}
	return out
}
