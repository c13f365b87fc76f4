package apply_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/state"
)

// bigSpec has 50 permission sets, each with full access to five standard
// objects and edit on all their fields: the size of a large vendor guide
// times ten.
func bigSpec() string {
	var b strings.Builder
	b.WriteString("version: 1\npermissionSets:\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "  - name: Bench_%02d\n    systemPermissions: [API Enabled]\n    objects:\n", i)
		for _, obj := range []string{"Account", "Contact", "Lead", "Case", "Opportunity"} {
			fmt.Fprintf(&b, "      - object: %s\n        access: [read, create, edit, delete]\n        fields: all-edit\n", obj)
		}
	}
	return b.String()
}

// BenchmarkCompute plans the big spec against a fresh org (state read once).
func BenchmarkCompute(b *testing.B) {
	o := newOrg(b, nil)
	s := parse(b, bigSpec())
	st, err := state.Read(context.Background(), o.client(), state.NeedsOf(s))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var steps int
	for i := 0; i < b.N; i++ {
		p, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		steps = len(p.Steps)
	}
	b.ReportMetric(float64(steps), "steps/op")
}

// BenchmarkApply reads, plans and applies the big spec to a fresh emulator
// org, as `sfprov apply` does, and reports the API calls it took: the figure
// that counts against a real org's daily limit.
func BenchmarkApply(b *testing.B) {
	s := parse(b, bigSpec())
	ctx := context.Background()
	var calls, steps int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		o := newOrg(b, nil)
		c := o.client()
		b.StartTimer()
		st, err := state.Read(ctx, c, state.NeedsOf(s))
		if err != nil {
			b.Fatal(err)
		}
		p, ds := plan.Compute(s, st, plan.Options{Requires: perms.Requires})
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		res, err := apply.Execute(ctx, c, p, apply.Options{})
		if err != nil || len(res.Failed) > 0 {
			b.Fatalf("Execute: %v; failed %q %v", err, titles(res.Failed), res.Errors)
		}
		calls, steps = c.Calls(), len(res.Done)
	}
	b.ReportMetric(float64(calls), "apicalls/op")
	b.ReportMetric(float64(steps), "steps/op")
}
