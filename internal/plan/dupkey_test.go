package plan

import (
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// TestRecordKeyMatchingSeveralRowsIsAnError: an upsert by a key that two
// org records share would update one of them at random; the plan refuses it
// and names both.
func TestRecordKeyMatchingSeveralRowsIsAnError(t *testing.T) {
	s := parse(t, "version: 1\nrecords:\n  - object: Contact\n    key: [LastName]\n    values: {LastName: Smith, Email: s@example.com}\n")
	st := freshOrg()
	st.RecordSets = []*state.RecordSet{{
		Rows:       []map[string]spec.Value{s.Records[0].Values},
		Existing:   map[string]state.Record{"smith": {"Id": "003000000000001AAA", "LastName": "Smith"}},
		Duplicates: map[string][]string{"smith": {"003000000000001AAA", "003000000000002AAA"}},
	}}
	_, ds := Compute(s, st, Options{Requires: requires, Label: label})
	got := strings.Join(ds.Strings(), "\n")
	want := `spec.yaml:5:24: record Contact LastName=Smith: the key matches 2 records in the org (003000000000001AAA, 003000000000002AAA); make the key unique (add a field to key:) or remove the extra records`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
