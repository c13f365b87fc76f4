package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestManualStepAfter(t *testing.T) {
	const head = `version: 1
variables:
  DOMAIN: {description: d, default: acme.test}
users:
  - {username: "api@${DOMAIN}", lastName: A, email: a@acme.test, profile: P, password: reset}
  - {username: "nopw@${DOMAIN}", lastName: B, email: b@acme.test, profile: P}
permissionSets:
  - name: Console_Access
manualSteps:
`
	tests := []struct {
		name  string
		steps string
		want  []string // diagnostics
		after []*After // each step's After, when there are no diagnostics
	}{
		{
			name:  "tied and untied steps, variables expanded, names without case",
			steps: "  - {text: Open the email, after: \"password:API@${DOMAIN}\"}\n  - {text: Give it out, after: \"permissionSet: Console_Access\"}\n  - Always\n",
			after: []*After{
				{Kind: "password", Name: "API@acme.test", Pos: Pos{"testdata/spec.yaml", 10, 35}},
				{Kind: "permissionSet", Name: "Console_Access", Pos: Pos{"testdata/spec.yaml", 11, 32}},
				nil,
			},
		},
		{
			name:  "unknown kind",
			steps: "  - {text: x, after: \"passwrd:api@acme.test\"}\n",
			want:  []string{`testdata/spec.yaml:10:22: manual step after: unknown kind "passwrd"; did you mean "password"? (want one of password, user, profile, permissionSet, permissionSetGroup, remoteSite, externalClientApp, package)`},
		},
		{
			name:  "no colon",
			steps: "  - {text: x, after: password}\n",
			want:  []string{`testdata/spec.yaml:10:22: manual step after: "password": want KIND:NAME, KIND one of password, user, profile, permissionSet, permissionSetGroup, remoteSite, externalClientApp, package (for example password:api@example.com)`},
		},
		{
			name:  "a user the spec does not have",
			steps: "  - {text: x, after: \"user:apj@acme.test\"}\n",
			want:  []string{`testdata/spec.yaml:10:22: manual step after: the spec has no user "apj@acme.test"; did you mean "api@acme.test"?`},
		},
		{
			name:  "a user without a password never has one set",
			steps: "  - {text: x, after: \"password:nopw@acme.test\"}\n",
			want:  []string{`testdata/spec.yaml:10:22: manual step after: the spec has no user "nopw@acme.test" with a password; did you mean "api@acme.test"?`},
		},
		{
			name:  "a permission set the spec does not have",
			steps: "  - {text: x, after: \"permissionSet:Console_Acess\"}\n",
			want:  []string{`testdata/spec.yaml:10:22: manual step after: the spec has no permissionSet "Console_Acess"; did you mean "Console_Access"?`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ds := Parse("testdata/spec.yaml", []byte(head+tt.steps), Options{})
			if diff := cmp.Diff(tt.want, ds.Strings(), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if tt.want != nil {
				return
			}
			var got []*After
			for _, m := range s.ManualSteps {
				got = append(got, m.After)
			}
			if diff := cmp.Diff(tt.after, got); diff != "" {
				t.Errorf("after (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlaceholder(t *testing.T) {
	src := `version: 1
variables:
  ORG_DOMAIN: {description: d, default: example.com, placeholder: true}
  ADMIN_EMAIL: {description: e, default: admin@example.com, placeholder: true}
  REAL: {description: r, default: acme.test}
  OFF: {description: o, default: x.example.com, placeholder: false}
users:
  - {username: "a@${ORG_DOMAIN}", lastName: A, email: "${ADMIN_EMAIL}", profile: P}
`
	s, ds := Parse("testdata/spec.yaml", []byte(src), Options{})
	if len(ds) > 0 {
		t.Fatal(ds.Strings())
	}
	names := func(vs []Variable) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	noEnv := func(string) (string, bool) { return "", false }
	if diff := cmp.Diff([]string{"ADMIN_EMAIL", "ORG_DOMAIN"}, names(s.Placeholders(nil, noEnv))); diff != "" {
		t.Errorf("nothing set (-want +got):\n%s", diff)
	}
	// --var says so, even with the example value itself; so does the environment.
	env := func(k string) (string, bool) { return "admin@acme.test", k == "ADMIN_EMAIL" }
	if got := s.Placeholders(map[string]string{"ORG_DOMAIN": "example.com"}, env); len(got) != 0 {
		t.Errorf("--var and environment set both, still placeholders: %v", names(got))
	}

	_, ds = Parse("testdata/spec.yaml", []byte("version: 1\nvariables:\n  X: {description: x, placeholder: true}\n  Y: {description: y, default: a, placeholder: maybe}\n"), Options{})
	want := []string{
		`testdata/spec.yaml:3:23: variable "X": placeholder: true marks its default as an example, but it has no default`,
		`testdata/spec.yaml:4:48: placeholder: expected true or false, got "maybe"`,
	}
	if diff := cmp.Diff(want, ds.Strings()); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}
