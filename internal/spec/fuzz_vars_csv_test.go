package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzExpand feeds arbitrary text to ${VAR} interpolation: it must never
// panic; a text without "$" comes back as it is; a secret variable's value
// never appears in a diagnostic; and escapes and variables expand as
// documented.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"", "plain", "${A}", "$${A}", "${A}${B}", "a ${", "${}", "${1X}", "$$$", "${A", "x${SECRET}y", "${SECRET", "${ B }", "€${A}€"} {
		f.Add(s)
	}
	const secret = "fuzz-secret-Zq9"
	vars := map[string]string{"A": "alpha", "B": "", "SECRET": secret}
	f.Fuzz(func(t *testing.T, s string) {
		p := newParser(Options{Vars: vars})
		p.spec.Variables["SECRET"] = Variable{Name: "SECRET", Secret: true}
		fl := &file{name: "fuzz.yaml"}
		out, _, ok := p.expand(fl, nil, s)
		if !strings.Contains(s, "$") && (out != s || !ok) {
			t.Fatalf("expand(%q) = %q, %v: a text without $ must stay as it is", s, out, ok)
		}
		for _, d := range p.diags {
			if strings.Contains(d.Message, secret) {
				t.Fatalf("diagnostic shows the secret: %q", d.Message)
			}
		}
		if ok && strings.Contains(s, "${") && !strings.Contains(s, "$${") && !strings.Contains(out, "${") && len(p.diags) > 0 {
			t.Fatalf("expand(%q) succeeded with diagnostics %v", s, p.diags)
		}
	})
}

// FuzzCSV feeds arbitrary bytes as a record set's CSV file to both readers:
// the spec's check (validate) and Rows (plan). Neither may panic, every
// diagnostic is positioned in the spec or the CSV, and a file the check
// accepts is one Rows reads, with one row per data line.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"Name\na\n", "Name,Phone\na,1\nb,2\n", "\ufeffName\r\nx\r\n", "Name,Phone\na\n", "Name,,name\n1,2,3\n",
		"Name\n\"a\"\"b\"\n", "Name\n\"open\n", "Name\na\nA\n", "", "Phone\n1\n", "Name\n\n\n", "Name,Desc\na,\"multi\nline\"\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	specPath := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(specPath, []byte("version: 1\nrecords:\n  - {object: Account, key: Name, csv: data.csv}\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	csvPath := filepath.Join(dir, "data.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(csvPath, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, ds := Load([]string{specPath}, Options{})
		for _, d := range ds {
			if d.File != specPath && d.File != csvPath {
				t.Fatalf("diagnostic outside the spec and its CSV: %q", d.String())
			}
		}
		if ds.HasErrors() {
			return
		}
		if len(s.Records) != 1 {
			t.Fatalf("%d record sets", len(s.Records))
		}
		rows, err := s.Records[0].Rows()
		if err != nil {
			t.Fatalf("validate accepted a CSV that Rows refuses: %v\n%q", err, data)
		}
		for _, r := range rows {
			if _, ok := lookupFold(r, "Name"); !ok {
				t.Fatalf("a row without its key: %v", r)
			}
		}
	})
}
