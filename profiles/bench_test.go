package profiles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfprov/sfprov/internal/cli"
	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/profiles"
)

// BenchmarkBuiltinProfiles applies each built-in profile, cold and then
// again with nothing to do, to its seeded emulator org 100 ms away (a real
// org is about that far), and prints one table: API calls, round trips on
// the critical path, wall time; beside them a one-call-per-step client
// (every read and every step its own request, one after the other) and the
// floor (one read round for a no-op; for a cold apply, that read, one round
// for the sObject writes, which apply chains into one call, and three for
// each deploy: its request and the two polls the emulator answers, once
// InProgress). Performance targets live here, never in timed tests (make
// bench).
func BenchmarkBuiltinProfiles(b *testing.B) {
	const latency = 100 * time.Millisecond
	var table strings.Builder
	for i := 0; i < b.N; i++ {
		table.Reset()
		fmt.Fprintf(&table, "\n%-28s %-6s %6s %6s %8s | %12s %6s\n", "profile", "run", "calls", "trips", "wall", "1-call/step", "floor")
		for _, p := range profiles.List() {
			dir := filepath.Join("..", "testdata", "profiles", p.Name)
			seed, err := emulator.LoadSeed(filepath.Join(dir, "seed.yaml"))
			if err != nil {
				b.Fatal(err)
			}
			org, err := emulator.New(emulator.Options{AccessToken: token, Seed: seed, Latency: latency})
			if err != nil {
				b.Fatal(err)
			}
			rec := &timings{h: org}
			srv := httptest.NewServer(rec)
			args := append(append([]string{"apply", "--yes", "--accept-defaults", "--json", p.File}, readVars(b, filepath.Join(dir, "vars.env"))...), "--instance-url", srv.URL)
			for _, run := range []string{"cold", "no-op"} {
				rec.reset()
				start := time.Now()
				out, code := runB(args)
				wall := time.Since(start)
				if code != 0 {
					b.Fatalf("%s %s: exit %d\n%s", p.Name, run, code, out)
				}
				steps, writes, deploys := planShape(out)
				calls, trips := rec.figures()
				floor := 1
				if run == "cold" {
					floor += 3 * deploys
					if writes {
						floor++
					}
				}
				fmt.Fprintf(&table, "%-28s %-6s %6d %6d %7.2fs | %12d %6d\n", p.Name, run, calls, trips, wall.Seconds(), readRequests+steps, floor)
			}
			srv.Close()
		}
	}
	// Printed, not logged: go test keeps only the first lines of a
	// benchmark's log.
	fmt.Print(table.String())
}

// readRequests is how many requests a client that sends each read on its
// own makes to read what a built-in profile needs (identity, the two
// describes, licences, licence definitions, profiles, groups, users, sets,
// object and field access, the organization): the baseline's fixed part.
const readRequests = 12

func runB(args []string) (string, int) {
	var out, errb bytes.Buffer
	env := map[string]string{"SF_ACCESS_TOKEN": token}
	code := cli.Run(context.Background(), args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	return out.String(), code
}

// planShape counts, in an apply's JSON result, the steps that changed
// something, whether any is not a Metadata API step, and the deploys: one
// per wave (plan.Wave) that has Metadata API steps.
func planShape(out string) (steps int, writes bool, deploys int) {
	var doc struct {
		Result struct {
			Steps []struct {
				Action string `json:"action"`
				Type   string `json:"type"`
			} `json:"steps"`
		} `json:"result"`
	}
	if json.Unmarshal([]byte(out), &doc) != nil {
		return 0, false, 0
	}
	seen := map[int]bool{}
	for _, st := range doc.Result.Steps {
		if st.Action == "no-op" || st.Action == "" {
			continue
		}
		steps++
		if plan.KindOf(st.Type).Channel == plan.ChannelMetadata {
			seen[plan.Wave(st.Type)] = true
		} else {
			writes = true
		}
	}
	return steps, writes, len(seen)
}

// timings serves h and keeps when each request started and ended.
type timings struct {
	h     http.Handler
	mu    sync.Mutex
	spans [][2]time.Time
}

func (t *timings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t.h.ServeHTTP(w, r)
	t.mu.Lock()
	t.spans = append(t.spans, [2]time.Time{start, time.Now()})
	t.mu.Unlock()
}

func (t *timings) reset() {
	t.mu.Lock()
	t.spans = nil
	t.mu.Unlock()
}

// figures returns the requests served and the round trips on the critical
// path: the busy periods, each a run of requests that overlap (requests in
// flight together cost one trip; one that starts after every earlier one
// ended is a trip of its own).
func (t *timings) figures() (calls, trips int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	spans := append([][2]time.Time(nil), t.spans...)
	sort.Slice(spans, func(i, j int) bool { return spans[i][0].Before(spans[j][0]) })
	var end time.Time
	for _, s := range spans {
		if s[0].After(end) || end.IsZero() {
			trips++
			end = s[1]
		} else if s[1].After(end) {
			end = s[1]
		}
	}
	return len(spans), trips
}
