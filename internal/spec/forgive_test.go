package spec

import (
	"strings"
	"testing"
)

// An unset variable inside an item whose var: condition is false is not an
// error: the item is never applied. When the condition holds, it is.
func TestUnsetVariableUnderFalseVarCondition(t *testing.T) {
	src := `version: 1
variables:
  USE_APPLIANCE: {description: "configure the appliance", default: "false"}
  CLIENT_SECRET: {description: "appliance secret", secret: true}
records:
  - object: Account
    key: [Name]
    values: {Name: Appliance, Description: "${CLIENT_SECRET}"}
    if: var:USE_APPLIANCE
users:
  - username: u@example.com
    lastName: U
    email: ${ADMIN_EMAIL}
    profile: Standard User
    if: not var:USE_APPLIANCE
`
	env := func(string) (string, bool) { return "", false }
	_, ds := Parse("spec.yaml", []byte(src), Options{Getenv: env})
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	want := `spec.yaml:13:12: variable "ADMIN_EMAIL" is not set; set it in the environment or pass --var ADMIN_EMAIL=...`
	if len(got) != 1 || got[0] != want {
		t.Fatalf("false condition: got %q, want only %q", got, want)
	}
	_, ds = Parse("spec.yaml", []byte(src), Options{Getenv: env, Vars: map[string]string{"USE_APPLIANCE": "true"}})
	if len(ds) != 1 || !strings.Contains(ds[0].Message, `variable "CLIENT_SECRET" is not set`) {
		t.Fatalf("true condition: got %v, want the CLIENT_SECRET problem only", ds)
	}
}
