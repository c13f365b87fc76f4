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
	Messages []salesforce.ComponentMessage
}

func (e *ComponentError) Error() string {
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
// its step with the org's words; the others fail as rolled back.
func writeMetadata(ctx context.Context, e *executor, steps []*plan.Step) {
	files, err := e.generatedNames(ctx, steps)
	if err != nil {
		for _, s := range steps {
			e.finish(s, err)
		}
		return
	}
	pkg := &metadata.Package{APIVersion: e.c.APIVersion()}
	owner := map[metadata.Component]*plan.Step{}
	byFile := map[string]*plan.Step{}
	for _, s := range steps {
		for _, f := range files[s] {
			pkg.Add(f)
			owner[f.Component] = s
			byFile[f.Path] = s
		}
	}
	told := ""
	res, err := e.c.Deploy(ctx, pkg, salesforce.DeployOptions{Progress: func(p salesforce.DeployProgress) {
		if e.opts.OnWait != nil && p.Status != told {
			told = p.Status
			e.opts.OnWait(p.String())
		}
	}})
	if err == nil {
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
	failed := map[*plan.Step][]salesforce.ComponentMessage{}
	for _, m := range res.Failures {
		s := owner[metadata.Component{Type: m.ComponentType, FullName: m.FullName}]
		if s == nil {
			s = byFile[strings.TrimPrefix(m.FileName, "unpackaged/")]
		}
		if s == nil && len(steps) == 1 {
			s = steps[0]
		}
		if s != nil {
			failed[s] = append(failed[s], m)
		}
	}
	for _, s := range steps {
		if msgs := failed[s]; len(msgs) > 0 {
			e.finish(s, &ComponentError{Messages: msgs})
			continue
		}
		e.finish(s, fmt.Errorf("not deployed: %v", de))
	}
}

// writePackages installs packages one at a time, each waited for until the
// org says SUCCESS or ERROR.
func writePackages(ctx context.Context, e *executor, steps []*plan.Step) {
	for _, s := range steps {
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
