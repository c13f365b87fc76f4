package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChecklistAfter(t *testing.T) {
	s := parse(t, coconut+`    password: reset
manualSteps:
  - {text: Open the email, after: "password:Coconut@example.com"}
  - {text: Connect Coconut, after: "user:coconut@example.com"}
  - {text: Give the set out, after: "permissionSet:Coconut_API"}
  - {text: Only in a sandbox, if: sandbox}
  - Check the login history
`)
	p, ds := Compute(s, freshOrg(), Options{Requires: requires})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	// A plan's own step (what only Setup can change) is never left out.
	p.ManualSteps = append([]string{"Switch on X in Setup"}, p.ManualSteps...)
	for i := range p.Followups {
		p.Followups[i].Index++
	}
	userCreated := &Step{Action: Create, Type: TypeUser, Name: "coconut@example.com"}
	tests := []struct {
		name string
		done []*Step
		want []string
		left int
	}{
		{"nothing done", nil, []string{"Switch on X in Setup"}, 4},
		{"the user created", []*Step{userCreated}, []string{"Switch on X in Setup", "Connect Coconut", "Check the login history"}, 2},
		{"the user updated, the set created", []*Step{
			{Action: Update, Type: TypeUser, Name: "coconut@example.com"},
			{Action: Create, Type: TypePermissionSet, Name: "coconut_api"},
		}, []string{"Switch on X in Setup", "Give the set out", "Check the login history"}, 2},
		{"the password reset of an existing user", []*Step{{Action: Create, Type: TypePassword, Name: "COCONUT@example.com"}},
			[]string{"Switch on X in Setup", "Open the email", "Check the login history"}, 2},
		{"another user created", []*Step{{Action: Create, Type: TypeUser, Name: "other@example.com"}},
			[]string{"Switch on X in Setup", "Check the login history"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, left := p.ChecklistAfter(tt.done)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checklist (-want +got):\n%s", diff)
			}
			if left != tt.left {
				t.Errorf("left out %d, want %d", left, tt.left)
			}
		})
	}
}
