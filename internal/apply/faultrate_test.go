package apply_test

// Issue 9, "Done when": with 30% of API calls failing (503), the matrix's
// cold apply converges within 3 runs, for every seed of the fault draw.

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/emulator"
)

const maxRuns = 3

// TestFaultRateConvergesWithin3Runs: the org fails each API call with
// probability 0.3 in every run (the re-runs and the last plan included), the
// client retries as the CLI does (its pause shortened). Before the org's own
// 503 SERVER_UNAVAILABLE was retried on creates (retry.go refusedUnserved),
// 6 of these 12 seeds did not converge in 3 runs: every wave of creates and
// each password failed with a 30% chance. Each seed must
// converge: a run with no failed step within 3 runs, then a plan that finds
// nothing to do, and the org as a clean run leaves it.
func TestFaultRateConvergesWithin3Runs(t *testing.T) {
	clean := newMatrixOrg(t, "", 0)
	cc := clean.client(t, retryModes[0].cfg)
	if failed, _ := clean.run(t, cc); len(failed) > 0 {
		t.Fatalf("clean apply: %q", failed)
	}
	want := facts(t, cc)

	var mu sync.Mutex
	figures := map[int64]string{}
	seeds := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	t.Cleanup(func() {
		for _, s := range seeds {
			t.Logf("seed %2d: %s", s, figures[s])
		}
	})
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed%02d", seed), func(t *testing.T) {
			t.Parallel()
			m := newRateOrg(t, seed)
			c := m.client(t, retryModes[1].cfg)
			runs := 0
			var history []string
			for runs < maxRuns {
				runs++
				failed, _ := m.run(t, c)
				history = append(history, fmt.Sprintf("run %d: %d failed or not run", runs, len(failed)))
				if len(failed) > 0 {
					t.Logf("run %d, first failure: %s", runs, failed[0])
				}
				if len(failed) == 0 {
					break
				}
			}
			mu.Lock()
			figures[seed] = fmt.Sprintf("%d run(s), %d API calls sent (retries included); %s", runs, c.Calls(), strings.Join(history, "; "))
			mu.Unlock()
			if !strings.HasSuffix(history[len(history)-1], ": 0 failed or not run") {
				t.Fatalf("not converged within %d runs: %s", maxRuns, strings.Join(history, "; "))
			}
			p, err := tryPlan(c, matrixSpec)
			if err != nil {
				t.Fatalf("the plan after: %v", err)
			}
			if p.HasChanges() {
				t.Errorf("the plan after has changes: %q", titles(p.Changing()))
			}
			if diff := cmp.Diff(want, facts(t, c)); diff != "" {
				t.Errorf("the org differs from a clean run's (-clean +got):\n%s", diff)
			}
		})
	}
}

// newRateOrg is newMatrixOrg with a 30% rate of 503s drawn from seed.
func newRateOrg(t *testing.T, seed int64) *matrixOrg {
	return newMatrixOrgWith(t, emulator.Options{Faults: []string{"rate=0.3,status=503"}, FaultSeed: seed}, 0)
}
