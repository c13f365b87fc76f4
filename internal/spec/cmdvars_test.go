package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestUnknownCommandLineVar(t *testing.T) {
	src := "version: 1\nvariables:\n  ORG_DOMAIN: {default: example.com}\n  ADMIN_EMAIL: {default: a@example.com}\nmanualSteps:\n  - Mail ${ADMIN_EMAIL} at ${ORG_DOMAIN} about ${UNDECLARED}\n"
	tests := []struct {
		name string
		vars map[string]string
		want []string
	}{
		{"declared", map[string]string{"ORG_DOMAIN": "acme.com"}, nil},
		{"used but undeclared", map[string]string{"UNDECLARED": "x"}, nil},
		{"mistyped", map[string]string{"ORG_DOMIAN": "acme.com", "UNDECLARED": "x"},
			[]string{`--var ORG_DOMIAN: the spec has no variable "ORG_DOMIAN"; did you mean "ORG_DOMAIN"?`}},
		{"far off", map[string]string{"BANANA": "1", "UNDECLARED": "x"},
			[]string{`--var BANANA: the spec has no variable "BANANA" (its variables: ADMIN_EMAIL, ORG_DOMAIN)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diagsOf(t, src, Options{Vars: tt.vars, Getenv: env(nil)})
			if tt.name == "declared" {
				// UNDECLARED is unset: that is the only problem.
				tt.want = []string{`testdata/spec.yaml:6:5: variable "UNDECLARED" is not set; set it in the environment or pass --var UNDECLARED=...`}
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	got := diagsOf(t, "version: 1\n", Options{Vars: map[string]string{"X": "1"}})
	if diff := cmp.Diff([]string{`--var X: the spec has no variable "X" (it declares no variables)`}, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestSecretVariableWithDefault(t *testing.T) {
	src := "version: 1\nvariables:\n  TOKEN:\n    secret: true\n    default: hunter2\n"
	got := diagsOf(t, src, Options{Getenv: env(nil)})
	want := []string{`testdata/spec.yaml:5:5: variable "TOKEN" is secret: it cannot have a default in the file; set it in the environment or pass --var TOKEN=...`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
