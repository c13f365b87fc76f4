package profiles_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfprov/sfprov/internal/emulator"
)

// bulkSpec gives one permission set to every active Standard User: the
// assignments: block that replaces one `sf org assign permset` per user.
const bulkSpec = `version: 1
permissionSets:
  - name: Bulk_Access
    label: Bulk Access
    systemPermissions: [API Enabled]
assignments:
  - permissionSet: Bulk_Access
    to:
      profiles: [Standard User]
`

// BenchmarkOrgSizes applies bulkSpec to emulator orgs of 1,000, 10,000 and
// 50,000 Standard Users 100 ms away, cold (every user gets the set) and then
// again with nothing to do, and prints calls, round trips and wall time
// beside a client that makes one call per user (sf org assign permset, or a
// script looping over users): its calls are the users, and each call is a
// round trip of its own. Performance targets live here, never in timed
// tests (make bench).
func BenchmarkOrgSizes(b *testing.B) {
	const latency = 100 * time.Millisecond
	dir := b.TempDir()
	spec := filepath.Join(dir, "bulk.yaml")
	if err := os.WriteFile(spec, []byte(bulkSpec), 0o644); err != nil {
		b.Fatal(err)
	}
	var table strings.Builder
	for i := 0; i < b.N; i++ {
		table.Reset()
		fmt.Fprintf(&table, "\n%-8s %-6s %6s %6s %8s | %14s %10s\n", "users", "run", "calls", "trips", "wall", "1-call/user", "its wall")
		for _, n := range []int{1000, 10000, 50000} {
			seed := &emulator.Seed{Licenses: []emulator.SeedLicense{{Name: "Salesforce", Seats: n + 10}}}
			for u := 0; u < n; u++ {
				seed.Users = append(seed.Users, emulator.SeedUser{Username: fmt.Sprintf("user%d@scale.example.com", u), LastName: "Scale", Profile: "Standard User"})
			}
			org, err := emulator.New(emulator.Options{AccessToken: token, Seed: seed, Latency: latency})
			if err != nil {
				b.Fatal(err)
			}
			rec := &timings{h: org}
			srv := httptest.NewServer(rec)
			args := []string{"apply", "--yes", "--json", spec, "--instance-url", srv.URL}
			for _, run := range []string{"cold", "no-op"} {
				rec.reset()
				start := time.Now()
				out, code := runB(args)
				wall := time.Since(start)
				if code != 0 {
					b.Fatalf("%d users %s: exit %d\n%s", n, run, code, out)
				}
				calls, trips := rec.figures()
				baseline, its := "", ""
				if run == "cold" {
					baseline = fmt.Sprint(n)
					its = fmt.Sprintf("%.0fs", (time.Duration(n) * latency).Seconds())
				}
				fmt.Fprintf(&table, "%-8d %-6s %6d %6d %7.2fs | %14s %10s\n", n, run, calls, trips, wall.Seconds(), baseline, its)
			}
			srv.Close()
		}
	}
	fmt.Print(table.String())
}
