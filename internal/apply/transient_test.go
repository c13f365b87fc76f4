package apply

import (
	"errors"
	"testing"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// TestTransient: a clone's failed copy is undone only when a re-run may
// succeed: a failed call or a contention code, not a row Salesforce refuses.
func TestTransient(t *testing.T) {
	refused := &StepError{Errors: []salesforce.ErrorItem{{Code: "FIELD_INTEGRITY_EXCEPTION", Message: "Field Account.Name cannot be granted"}}}
	locked := &StepError{Errors: []salesforce.ErrorItem{{Code: "UNABLE_TO_LOCK_ROW", Message: "unable to obtain exclusive access to this record"}}}
	call := &salesforce.APIError{Method: "POST", Path: "/services/data/v62.0/composite", Status: 503}
	for _, tc := range []struct {
		name string
		errs []error
		want bool
	}{
		{"all written", []error{nil, nil}, false},
		{"a row refused", []error{nil, refused}, false},
		{"a row locked", []error{refused, locked}, true},
		{"the call failed", []error{call, call}, true},
		{"no result", []error{errors.New("Salesforce returned no result for this record")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &executor{res: &Result{Errors: map[*plan.Step]error{}}}
			var steps []*plan.Step
			for _, err := range tc.errs {
				s := &plan.Step{}
				steps = append(steps, s)
				if err != nil {
					e.res.Errors[s] = err
				}
			}
			if got := e.transient(steps); got != tc.want {
				t.Errorf("transient = %v, want %v", got, tc.want)
			}
		})
	}
}
