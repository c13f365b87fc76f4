package render

import (
	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/plan"
)

// The result documents of plan, apply and validate, which go in an
// Envelope's result. Field names are part of the format (FormatVersion,
// docs/json.md); they are those of format 1's plan document.

// PlanDoc is a plan: the target org, a summary and every step.
type PlanDoc struct {
	Target      TargetDoc  `json:"target"`
	Changes     bool       `json:"changes"`
	Summary     SummaryDoc `json:"summary"`
	Steps       []StepDoc  `json:"steps"`
	Setup       []SetupDoc `json:"setup"`
	Warnings    []string   `json:"warnings"`
	ManualSteps []string   `json:"manualSteps"`
}

// TargetDoc names the org a plan was made against.
type TargetDoc struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	InstanceURL string `json:"instanceUrl"`
	Username    string `json:"username"`
	OrgID       string `json:"orgId"`
}

// SummaryDoc counts the steps by action.
type SummaryDoc struct {
	Create int `json:"create"`
	Update int `json:"update"`
	Prune  int `json:"prune"`
	NoOp   int `json:"noOp"`
	Setup  int `json:"setup"`
}

// SetupDoc is a change only Setup can make.
type SetupDoc struct {
	Title  string `json:"title"`
	Change string `json:"change"`
	Where  string `json:"where"`
	Why    string `json:"why,omitempty"`
	// Unread: sfprov cannot read the current value.
	Unread bool `json:"unread"`
}

// StepDoc is one step; Status and Error are set in an apply's result.
type StepDoc struct {
	Action  string       `json:"action"`
	Type    string       `json:"type"`
	Name    string       `json:"name"`
	Parent  string       `json:"parent,omitempty"`
	SObject string       `json:"sobject"`
	ID      string       `json:"id,omitempty"`
	Note    string       `json:"note,omitempty"`
	Changes []ChangeDoc  `json:"changes,omitempty"`
	Status  string       `json:"status,omitempty"`
	Error   *ErrorObject `json:"error,omitempty"`
}

// ChangeDoc is one field a step sets; secret values are "(secret)".
type ChangeDoc struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

func stepDoc(s *plan.Step) StepDoc {
	js := StepDoc{Action: string(s.Action), Type: s.Type, Name: s.Name, Parent: s.Parent, SObject: s.SObject, ID: s.ID, Note: s.Note}
	for _, c := range s.Changes {
		jc := ChangeDoc{Field: c.Field, Before: c.Before, After: c.After}
		if c.Secret {
			jc.Before, jc.After = "(secret)", "(secret)"
			if c.Before == nil {
				jc.Before = nil
			}
		}
		js.Changes = append(js.Changes, jc)
	}
	return js
}

// PlanResult is p as the result of `sfprov plan --json`.
func PlanResult(p *plan.Plan) *PlanDoc {
	sum := p.Summary()
	doc := &PlanDoc{
		Target:      TargetDoc{Name: p.Target.Name, Kind: p.Target.Kind, InstanceURL: p.Target.InstanceURL, Username: p.Target.Username, OrgID: p.Target.OrgID},
		Changes:     p.HasChanges(),
		Summary:     SummaryDoc{Create: sum.Create, Update: sum.Update, Prune: sum.Prune, NoOp: sum.NoOp, Setup: sum.Setup},
		Steps:       []StepDoc{},
		Setup:       []SetupDoc{},
		Warnings:    append([]string{}, p.Warnings...),
		ManualSteps: append([]string{}, p.ManualSteps...),
	}
	for _, s := range p.Steps {
		doc.Steps = append(doc.Steps, stepDoc(s))
	}
	for _, c := range p.Setup {
		doc.Setup = append(doc.Setup, SetupDoc{Title: c.Title, Change: c.Change, Where: c.Where, Why: c.Why, Unread: c.Unread})
	}
	return doc
}

// ApplyDoc is an apply: the plan it executed, each changing step with its
// status ("done", "failed", "not run") and error, and the outcome.
type ApplyDoc struct {
	PlanDoc
	Outcome OutcomeDoc `json:"outcome"`
	// AfterPackages is the second pass of an apply that installed
	// packages: the plan made with what they brought, and its outcome.
	AfterPackages *ApplyDoc `json:"afterPackages,omitempty"`
	// ConsumerKeys are the consumer keys of the External Client Apps the
	// apply wrote, by app name (never a secret).
	ConsumerKeys map[string]string `json:"consumerKeys,omitempty"`
}

// OutcomeDoc counts what an apply did.
type OutcomeDoc struct {
	Status   string `json:"status"` // "succeeded" or "failed"
	Done     int    `json:"done"`
	Failed   int    `json:"failed"`
	NotRun   int    `json:"notRun"`
	APICalls int    `json:"apiCalls"`
}

// ApplyResult is p as executed, with o's outcome of each step.
func ApplyResult(p *plan.Plan, o Outcome) *ApplyDoc {
	doc := &ApplyDoc{PlanDoc: *PlanResult(p)}
	if len(o.ConsumerKeys) > 0 {
		doc.ConsumerKeys = o.ConsumerKeys
	}
	status := map[*plan.Step]string{}
	for _, s := range o.Done {
		status[s] = "done"
	}
	for _, s := range o.Failed {
		status[s] = "failed"
	}
	for _, s := range o.NotRun {
		status[s] = "not run"
	}
	for i, s := range p.Steps {
		if id := o.Created[s]; id != "" {
			doc.Steps[i].ID = id
		}
		doc.Steps[i].Status = status[s]
		if err := o.Errors[s]; err != nil {
			e := StepError(err)
			doc.Steps[i].Error = &e
		}
	}
	doc.Outcome.Status = "succeeded"
	if len(o.Failed)+len(o.NotRun) > 0 {
		doc.Outcome.Status = "failed"
	}
	doc.Outcome.Done, doc.Outcome.Failed, doc.Outcome.NotRun, doc.Outcome.APICalls = len(o.Done), len(o.Failed), len(o.NotRun), o.APICalls
	return doc
}

// ValidateDoc is what `sfprov validate --json` found: the files, whether
// they are valid, every problem, and with a target org the dry run's plan.
type ValidateDoc struct {
	Files    []string      `json:"files"`
	Valid    bool          `json:"valid"`
	Problems []ErrorObject `json:"problems"`
	Plan     *PlanDoc      `json:"plan,omitempty"`
}

// ValidateResult is the validate document for files with problems ds.
func ValidateResult(files []string, ds diag.Diagnostics) *ValidateDoc {
	return &ValidateDoc{Files: append([]string{}, files...), Valid: len(ds) == 0, Problems: Problems(ds)}
}
