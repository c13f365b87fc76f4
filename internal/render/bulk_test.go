package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sfprov/sfprov/internal/plan"
)

// bulkPlan is a set, a user and the set given to n users by a where:.
func bulkPlan(n int) *plan.Plan {
	p := &plan.Plan{Target: plan.Target{Name: "local", Kind: "embedded emulator org"}}
	p.Steps = append(p.Steps,
		&plan.Step{Action: plan.Create, Type: plan.TypePermissionSet, Name: "Bulk_Access", SObject: "PermissionSet",
			Changes: []plan.Change{{Field: "Label", After: "Bulk Access"}}},
		&plan.Step{Action: plan.Create, Type: plan.TypeUser, Name: "one@example.com", SObject: "User"})
	for i := 0; i < n; i++ {
		p.Steps = append(p.Steps, &plan.Step{Action: plan.Create, Type: plan.TypePermSetAssign, Name: "Bulk_Access",
			Parent: fmt.Sprintf("user %q", fmt.Sprintf("u%05d@example.com", i)), Note: "assignments", SObject: "PermissionSetAssignment"})
	}
	return p
}

// TestPlanFoldsLongRuns: 10,000 assignments of one set are one entry with
// its first five; the summary counts entries with the rows in brackets;
// --full lists them all.
func TestPlanFoldsLongRuns(t *testing.T) {
	p := bulkPlan(10000)
	var b bytes.Buffer
	Plan(&b, p, Style{})
	golden(t, "plan.bulk.golden", b.Bytes())
	b.Reset()
	PlanFull(&b, p, Style{}, true)
	if n := strings.Count(b.String(), `on user "u`); n != 10000 {
		t.Errorf("--full: %d assignments listed, want every one (10000)", n)
	}
	if !strings.Contains(b.String(), "Plan: 10,002 to create, 0 to update, 0 to prune.") {
		t.Errorf("--full: the summary counts each step:\n%s", b.String()[b.Len()-200:])
	}
}

// fakeClock advances 1 ms a reading: 1,000 steps a second.
func fakeClock() func() time.Time {
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Millisecond); return t }
}

func runProgress(p *plan.Plan, live bool) string {
	var b bytes.Buffer
	pr := &Progress{W: &b, Plan: p, Live: live, Now: fakeClock()}
	for _, s := range p.Changing() {
		var err error
		if s.Parent == `user "u00007@example.com"` {
			err = fmt.Errorf("LICENSE_LIMIT_EXCEEDED: no licence left")
		}
		pr.Step(s, err)
	}
	pr.Done()
	return b.String()
}

// TestProgressBulk: without a terminal, a line a tenth of a long wave and
// one summary; a failed step is still named; on a terminal, one line
// rewritten in place.
func TestProgressBulk(t *testing.T) {
	p := bulkPlan(10000)
	out := runProgress(p, false)
	golden(t, "progress.bulk.golden", []byte(out))
	if n := strings.Count(out, "\n"); n > 16 {
		t.Errorf("%d lines without a terminal", n)
	}
	live := runProgress(p, true)
	golden(t, "progress.bulk.live.golden", []byte(live))
	if n := strings.Count(live, "\n"); n > 6 {
		t.Errorf("%d lines on a terminal", n)
	}
	if n := strings.Count(live, "\r"); n != 200 {
		t.Errorf("%d redraws of the live line, want one each 50 steps (200)", n)
	}
	// A small apply is reported step by step, as before.
	small := runProgress(bulkPlan(3), false)
	if strings.Contains(small, "wave") || strings.Count(small, "✓") != 5 {
		t.Errorf("a small apply:\n%s", small)
	}
}
