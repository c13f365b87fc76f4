package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// A record set's CSV rows are read when the spec is loaded: planning uses the
// file the spec was validated with, even if it changes or goes before the
// org is read.
func TestCSVRowsLoadedWithTheSpec(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "types.csv")
	if err := os.WriteFile(csvPath, []byte("Name,Code__c\nStart,1\nEnd,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(specPath, []byte("version: 1\nrecords:\n  - object: Event_Type__c\n    key: [Name]\n    csv: types.csv\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, ds := Load([]string{specPath}, Options{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if err := os.WriteFile(csvPath, []byte("Name,Code__c\nChanged,9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Records[0].Rows()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0]["Name"].Value != "Start" || rows[1]["Code__c"].Value != "2" || rows[1]["Code__c"].Pos.Line != 3 {
		t.Errorf("rows after the file changed: %v", rows)
	}
	if err := os.Remove(csvPath); err != nil {
		t.Fatal(err)
	}
	if rows, err := s.Records[0].Rows(); err != nil || len(rows) != 2 {
		t.Errorf("rows after the file went: %v, %v", rows, err)
	}
}
