package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// CheckResult is what a check-only deploy of a plan's metadata found.
type CheckResult struct {
	// Checked are the steps whose components went into the check; Skipped
	// those that cannot be checked before the steps they need have run
	// (their component's name is the org's to choose, they merge into a
	// set read when apply writes, or they belong to a record this plan
	// creates).
	Checked, Skipped []*plan.Step
	// Refused are the checked steps the org would refuse, with its words
	// (each a *ComponentError at the step's spec position).
	Refused map[*plan.Step]error
}

// CheckMetadata validates the plan's metadata steps with one check-only
// deploy (deployOptions.checkOnly: "validation … doesn't commit any
// changes", meta_rest_deploy.htm): the org runs its rules on the
// components without keeping them. Nothing in the org changes. It returns
// an error only when the check could not run.
func CheckMetadata(ctx context.Context, c *salesforce.Client, p *plan.Plan) (*CheckResult, error) {
	res := &CheckResult{Refused: map[*plan.Step]error{}}
	created := map[string]bool{} // "type|name" of records this plan creates
	for _, s := range p.Changing() {
		if s.Action == plan.Create {
			created[s.Type+"|"+s.Name] = true
		}
	}
	files := map[*plan.Step][]metadata.File{}
	pkg := &metadata.Package{APIVersion: c.APIVersion()}
	for _, s := range p.Changing() {
		if plan.KindOf(s.Type).Channel != plan.ChannelMetadata || s.Metadata == nil {
			continue
		}
		md := s.Metadata
		needsRecord := s.Type == plan.TypeRecordTypeDefaults && created[plan.TypeProfile+"|"+s.Name]
		needsApp := s.Type == plan.TypeECAPolicies && created[plan.TypeExternalClientApp+"|"+s.Name]
		if md.Generated != nil || md.PermSet != nil || needsRecord || needsApp || len(md.Files) == 0 {
			res.Skipped = append(res.Skipped, s)
			continue
		}
		res.Checked = append(res.Checked, s)
		files[s] = md.Files
		pkg.Add(md.Files...)
	}
	if len(res.Checked) == 0 {
		return res, nil
	}
	dr, err := c.Deploy(ctx, pkg, salesforce.DeployOptions{CheckOnly: true})
	if err == nil {
		return res, nil
	}
	var de *salesforce.DeployError
	if !errors.As(err, &de) {
		return nil, fmt.Errorf("check-only deploy: %w", err)
	}
	for s, msgs := range attribute(dr.Failures, res.Checked, files) {
		res.Refused[s] = &ComponentError{Where: s.Pos.String(), Messages: msgs}
	}
	if len(res.Refused) == 0 {
		// Refused, but for nothing a step owns (the package, or tests).
		return nil, fmt.Errorf("check-only deploy: %w", err)
	}
	return res, nil
}
