package contract

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/emulator/emutest"
)

// TestRecordings replays every recording contributed under
// testdata/recordings (docs/contract.md) against a fresh emulator: each
// answer whose keys, types or fixed wording differ from what the org
// recorded is a failure, naming the request and the difference.
func TestRecordings(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "recordings", "*", "index.json"))
	if len(dirs) == 0 {
		t.Skip("no recordings under testdata/recordings (docs/contract.md says how to contribute one)")
	}
	for _, idx := range dirs {
		dir := filepath.Dir(idx)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			rec, err := ReadRecording(dir)
			if err != nil {
				t.Fatal(err)
			}
			// The suite's emulators' settings (suite_test.go emulatorFlags).
			url := emutest.Serve(t, emulator.Options{PSGRecalcDelay: time.Second})
			diffs, err := Replay(context.Background(), rec, ReplayTarget{URL: url, Token: emutest.Token})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs {
				t.Errorf("%s", d)
			}
		})
	}
}
