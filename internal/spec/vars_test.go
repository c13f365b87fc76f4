package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const userDoc = `version: 1
variables:
  ORG_DOMAIN: {description: "email domain", default: default.example.com}
  ADMIN_EMAIL: {}
users:
  - username: svc@${ORG_DOMAIN}
    lastName: Service
    email: ${ADMIN_EMAIL}
    profile: P
`

func TestVariablePrecedence(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"default", Options{Vars: map[string]string{"ADMIN_EMAIL": "a@x.com"}}, "svc@default.example.com"},
		{"environment over default", Options{Getenv: env(map[string]string{"ORG_DOMAIN": "env.example.com", "ADMIN_EMAIL": "a@x.com"})}, "svc@env.example.com"},
		{"--var over environment", Options{Vars: map[string]string{"ORG_DOMAIN": "var.example.com"}, Getenv: env(map[string]string{"ORG_DOMAIN": "env.example.com", "ADMIN_EMAIL": "a@x.com"})}, "svc@var.example.com"},
		{"empty --var is a value", Options{Vars: map[string]string{"ORG_DOMAIN": "", "ADMIN_EMAIL": "a@x.com"}}, "svc@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ds := Parse("spec.yaml", []byte(userDoc), tt.opts)
			if tt.want == "svc@" {
				// "svc@" is not a username: the empty value was used, not the default.
				want := []string{`spec.yaml:6:15: invalid username "svc@": a Salesforce username has the form of an email address (name@example.com)`}
				if diff := cmp.Diff(want, ds.Strings()); diff != "" {
					t.Fatalf("(-want +got):\n%s", diff)
				}
				return
			}
			if ds.HasErrors() {
				t.Fatalf("unexpected diagnostics: %v", ds.Strings())
			}
			if got := s.Users[0].Username.Value; got != tt.want {
				t.Errorf("username = %q, want %q", got, tt.want)
			}
			if got := s.Users[0].Email.Value; got != "a@x.com" {
				t.Errorf("email = %q", got)
			}
		})
	}
}

func TestVariableUnset(t *testing.T) {
	got := diagsOf(t, userDoc, Options{Getenv: env(nil)})
	want := []string{`testdata/spec.yaml:8:12: variable "ADMIN_EMAIL" is not set; set it in the environment or pass --var ADMIN_EMAIL=...`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestUndeclaredVariable(t *testing.T) {
	src := "version: 1\nmanualSteps:\n  - Call ${WHO} at ${WHEN}\n"
	s, ds := Parse("spec.yaml", []byte(src), Options{Vars: map[string]string{"WHO": "Ann", "WHEN": "noon"}})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	if got := s.ManualSteps[0].Text; got != "Call Ann at noon" {
		t.Errorf("text = %q", got)
	}
	got := diagsOf(t, src, Options{Vars: map[string]string{"WHO": "Ann"}})
	want := []string{`testdata/spec.yaml:3:5: variable "WHEN" is not set; set it in the environment or pass --var WHEN=...`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestVariableSyntax(t *testing.T) {
	tests := []struct {
		name, value string
		want        string
		diag        string
	}{
		{"escape", "cost $${NOT_A_VAR} and ${X}", "cost ${NOT_A_VAR} and x", ""},
		{"lone dollar", "costs $5 and $$ stays", "costs $5 and $$ stays", ""},
		{"adjacent", "${X}${X}", "xx", ""},
		{"unterminated", "a ${X", "", `testdata/spec.yaml:3:5: unterminated "${" (write "$${" for a literal "${")`},
		{"invalid name", "a ${1X} b", "", `testdata/spec.yaml:3:5: invalid variable name "1X" in "${...}" (letters, digits and underscores, not starting with a digit)`},
		{"empty name", "a ${} b", "", `testdata/spec.yaml:3:5: invalid variable name "" in "${...}" (letters, digits and underscores, not starting with a digit)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "version: 1\nmanualSteps:\n  - " + quoteYAML(tt.value) + "\n"
			vars := map[string]string{}
			if strings.Contains(tt.value, "${X}") {
				vars["X"] = "x"
			}
			s, ds := Parse("testdata/spec.yaml", []byte(src), Options{Vars: vars})
			if tt.diag != "" {
				if diff := cmp.Diff([]string{tt.diag}, ds.Strings()); diff != "" {
					t.Fatalf("(-want +got):\n%s", diff)
				}
				return
			}
			if ds.HasErrors() {
				t.Fatal(ds.Strings())
			}
			if got := s.ManualSteps[0].Text; got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func quoteYAML(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func TestSecretVariables(t *testing.T) {
	src := `version: 1
variables:
  CLIENT_SECRET: {secret: true}
  SVC_USER: {secret: true}
  PLAIN: {default: plain}
records:
  - object: Ns__Appliance__c
    key: [Name]
    values: {Name: Default, Ns__Secret__c: "${CLIENT_SECRET}", Ns__Plain__c: "${PLAIN}"}
permissionSets:
  - name: PS_${CLIENT_SECRET}_x
users:
  - username: ${SVC_USER}
    lastName: Svc
    email: a@example.com
    profile: P
    active: ${CLIENT_SECRET}
`
	opts := Options{Vars: map[string]string{"CLIENT_SECRET": "hunter2 pass", "SVC_USER": "not-an-email"}}
	s, ds := Parse("spec.yaml", []byte(src), opts)
	want := []string{
		`spec.yaml:11:11: invalid permission set name (secret): use only letters, digits and underscores`,
		`spec.yaml:13:15: invalid username (secret): a Salesforce username has the form of an email address (name@example.com)`,
		`spec.yaml:17:13: active: expected true or false, got (secret)`,
	}
	if diff := cmp.Diff(want, ds.Strings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, d := range ds.Strings() {
		for _, secret := range []string{"hunter2", "not-an-email"} {
			if strings.Contains(d, secret) {
				t.Errorf("diagnostic leaks a secret: %s", d)
			}
		}
	}
	v := s.Records[0].Values
	if !v["Ns__Secret__c"].Secret || v["Ns__Secret__c"].Value != "hunter2 pass" || v["Ns__Secret__c"].Redacted() != "(secret)" {
		t.Errorf("secret value = %+v", v["Ns__Secret__c"])
	}
	if v["Ns__Plain__c"].Secret || v["Ns__Plain__c"].Value != "plain" {
		t.Errorf("plain value = %+v", v["Ns__Plain__c"])
	}
	if !s.Users[0].Username.Secret {
		t.Error("username from a secret variable is not marked secret")
	}
	if diff := cmp.Diff([]string{"hunter2 pass", "not-an-email"}, s.SecretValues()); diff != "" {
		t.Errorf("SecretValues (-want +got):\n%s", diff)
	}
}

func TestVariableDeclarations(t *testing.T) {
	src := `version: 1
variables:
  GOOD: {description: d, default: "1", secret: false}
  1BAD: {}
  ALSO: {descripton: typo}
  NODEFAULT:
  EMPTY: {default: }
  WRONG: [1]
`
	s, ds := Parse("spec.yaml", []byte(src), Options{})
	want := []string{
		`spec.yaml:4:3: invalid variable name "1BAD" (letters, digits and underscores, not starting with a digit)`,
		`spec.yaml:5:10: unknown key "descripton"; did you mean "description"?`,
		`spec.yaml:8:10: variable WRONG: expected a mapping, got a list`,
	}
	if diff := cmp.Diff(want, ds.Strings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if v := s.Variables["GOOD"]; v.Description != "d" || v.Default == nil || *v.Default != "1" || v.Secret {
		t.Errorf("GOOD = %+v", v)
	}
	if v := s.Variables["NODEFAULT"]; v.Default != nil {
		t.Errorf("NODEFAULT has a default")
	}
	if v := s.Variables["EMPTY"]; v.Default == nil || *v.Default != "" {
		t.Errorf("EMPTY default = %v", v.Default)
	}
}

func TestVariableTypedValues(t *testing.T) {
	src := "version: 1\nremoteSites:\n  - {name: R, url: \"https://${HOST}\", active: \"${ON}\"}\n"
	s, ds := Parse("spec.yaml", []byte(src), Options{Vars: map[string]string{"HOST": "x.example.com", "ON": "False"}})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	if r := s.RemoteSites[0]; r.URL != "https://x.example.com" || r.Active == nil || *r.Active {
		t.Errorf("remote site = %+v", r)
	}
}
