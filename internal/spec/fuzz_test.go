package spec

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and every
// diagnostic must carry the file name it was given (or be about the
// command line's --var).
func FuzzParse(f *testing.F) {
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	for _, s := range []string{
		"version: 1\n",
		"version: 1\npermissionSets: [{name: a, systemPermissions: [x], objects: [{object: Contact, access: [read], fields: {A: read}}]}]\n",
		"version: 1\nusers: [{username: ${X}, lastName: $${, email: a@b.c, profile: p, password: {fromEnv: X}}]\n",
		"a: &a [*a]\n",
		"version: 1\n---\n---\nversion: 2\n",
		"- <<: {a: 1}\n",
		"version: 1\nrecords: [{object: A__c, key: x, values: {x: ${Y}}}]\nmanualSteps: [{text: t, if: not not var:X}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, ds := Parse("testdata/fuzz.yaml", data, Options{Vars: map[string]string{"X": "x@example.com"}})
		for _, d := range ds {
			if !strings.HasPrefix(d.String(), "testdata/fuzz.yaml") && !strings.HasPrefix(d.String(), "--var X: ") {
				t.Fatalf("diagnostic without the file name: %q", d.String())
			}
		}
	})
}
