package emulator

import (
	"testing"
)

// Tests for the gaps real clients found (emulator-gaps.md), one per entry.

func TestSeededRecordsHaveTheirFullName(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for q, want := range map[string]string{
		"SELECT Name FROM Contact WHERE LastName = 'Doe'": "Jane Doe",
		"SELECT Name FROM Lead WHERE LastName = 'Smith'":  "Smith",
	} {
		recs := query(t, o, q)
		if len(recs) != 1 || recs[0].(map[string]any)["Name"] != want {
			t.Errorf("%s: %v, want Name %q", q, recs, want)
		}
	}
}
