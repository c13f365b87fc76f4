package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSystemPermissionSpellings(t *testing.T) {
	src := `version: 1
permissionSets:
  - name: P
    systemPermissions:
      - PermissionsApiEnabled
      - ApiEnabled
      - API Enabled
      - api enabled
      - Modify All Data
      - {name: View All Data, if: production}
      - {name: ViewAllData, if: sandbox}
`
	s, ds := Parse("spec.yaml", []byte(src), Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	type row struct{ Written, Name, Field string }
	var got []row
	for _, sp := range s.PermissionSets[0].SystemPermissions {
		got = append(got, row{sp.Written, sp.Name, sp.Field()})
	}
	want := []row{
		// Unconditional repeats of one permission collapse into the first.
		{"PermissionsApiEnabled", "ApiEnabled", "PermissionsApiEnabled"},
		{"Modify All Data", "ModifyAllData", "PermissionsModifyAllData"},
		{"View All Data", "ViewAllData", "PermissionsViewAllData"},
		{"ViewAllData", "ViewAllData", "PermissionsViewAllData"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if c := s.PermissionSets[0].SystemPermissions[2].If; c == nil || c.Kind != "production" {
		t.Errorf("condition lost: %+v", c)
	}
}

func TestObjectAccessSpellings(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"read", AccessRead}, {"Read", AccessRead}, {"PermissionsRead", AccessRead},
		{"create", AccessCreate}, {"Edit", AccessEdit}, {"DELETE", AccessDelete},
		{"viewAll", AccessViewAll}, {"View All", AccessViewAll}, {"View All Records", AccessViewAll}, {"PermissionsViewAllRecords", AccessViewAll},
		{"modifyAll", AccessModifyAll}, {"Modify All Records", AccessModifyAll}, {"PermissionsModifyAllRecords", AccessModifyAll},
		{"viewAllFields", AccessViewAllFields}, {"View All Fields", AccessViewAllFields}, {"PermissionsViewAllFields", AccessViewAllFields},
		{"raed", ""}, {"all", ""}, {"", ""},
	}
	for _, tt := range tests {
		got, ok := objectAccess(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("objectAccess(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestObjectCanonicalNameAndAccessOrder(t *testing.T) {
	src := "version: 1\nprofiles:\n  - name: P\n    objects:\n      - {object: contact, access: [Edit, read, edit, View All Records], fields: ALL-READ}\n"
	s, ds := Parse("spec.yaml", []byte(src), Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	oa := s.Profiles[0].Objects[0]
	if oa.Object != "Contact" || oa.FieldsAll != "all-read" {
		t.Errorf("object %q fields %q", oa.Object, oa.FieldsAll)
	}
	if diff := cmp.Diff([]string{AccessEdit, AccessRead, AccessViewAll}, oa.Access); diff != "" {
		t.Errorf("access (-want +got):\n%s", diff)
	}
}

func TestDefaults(t *testing.T) {
	src := `version: 1
permissionSets:
  - name: ScreenMeet_Service_System_Permissions
  - {name: Labelled, label: My Label}
permissionSetGroups:
  - name: ScreenMeet_Agents
externalClientApps:
  - name: BT_Rest
users:
  - {username: a@example.com, lastName: "O'Brien-Smith Jr.", email: a@example.com, profile: P}
  - {username: b@example.com, lastName: "Ünal", email: a@example.com, profile: P, alias: bee, emailEncoding: shift_jis}
  - {username: c.d@example.com, lastName: "--", email: a@example.com, profile: P}
`
	s, ds := Parse("spec.yaml", []byte(src), Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	// The parser leaves what the spec does not say unset (so that an apply
	// never overwrites a value changed in Setup); the defaults are there for
	// the planner to use when it creates.
	if got := s.PermissionSets[0].Label; got != "" {
		t.Errorf("label = %q, want it unset", got)
	}
	if got := DefaultLabel(s.PermissionSets[0].Name); got != "ScreenMeet Service System Permissions" {
		t.Errorf("DefaultLabel = %q", got)
	}
	if got := s.PermissionSets[1].Label; got != "My Label" {
		t.Errorf("label = %q", got)
	}
	if got := DefaultLabel(s.PermissionSetGroups[0].Name); s.PermissionSetGroups[0].Label != "" || got != "ScreenMeet Agents" {
		t.Errorf("group label = %q, default %q", s.PermissionSetGroups[0].Label, got)
	}
	if got := DefaultLabel(s.ExternalClientApps[0].Name); s.ExternalClientApps[0].Label != "" || got != "BT Rest" {
		t.Errorf("eca label = %q, default %q", s.ExternalClientApps[0].Label, got)
	}
	type row struct{ Alias, Enc, TZ string }
	var got []row
	for _, u := range s.Users {
		alias := u.Alias
		if alias == nil {
			alias = DefaultAlias(u)
		}
		got = append(got, row{alias.Value, u.EmailEncoding, u.TimeZone})
	}
	want := []row{{"obriensm", "", ""}, {"bee", "Shift_JIS", ""}, {"cd", "", ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseCondition(t *testing.T) {
	tests := []struct {
		raw  string
		want Condition
		msg  string
	}{
		{raw: "personAccounts", want: Condition{Kind: "personAccounts"}},
		{raw: "sandbox", want: Condition{Kind: "sandbox"}},
		{raw: "production", want: Condition{Kind: "production"}},
		{raw: "not sandbox", want: Condition{Kind: "sandbox", Negate: true}},
		{raw: "not not sandbox", want: Condition{Kind: "sandbox"}},
		{raw: "package:coconut", want: Condition{Kind: "package", Namespace: "coconut"}},
		{raw: "package:coconut >= 1.27", want: Condition{Kind: "package", Namespace: "coconut", Op: ">=", Version: "1.27"}},
		{raw: "package: coconut < 2", want: Condition{Kind: "package", Namespace: "coconut", Op: "<", Version: "2"}},
		{raw: "not package:BGIntegration > 3.1.0", want: Condition{Kind: "package", Negate: true, Namespace: "BGIntegration", Op: ">", Version: "3.1.0"}},
		{raw: "package:ns <= 1.0", want: Condition{Kind: "package", Namespace: "ns", Op: "<=", Version: "1.0"}},
		{raw: "var:LEGACY_AUTH", want: Condition{Kind: "var", Var: "LEGACY_AUTH"}},
		{raw: "not var:X", want: Condition{Kind: "var", Var: "X", Negate: true}},
		{raw: "Sandbox", msg: `unknown condition "Sandbox"; did you mean "sandbox"? (valid: personAccounts, sandbox, production, package:<namespace>, var:<NAME>, not <condition>)`},
		{raw: "personaccount", msg: `unknown condition "personaccount"; did you mean "personAccounts"? (valid: personAccounts, sandbox, production, package:<namespace>, var:<NAME>, not <condition>)`},
		{raw: "pakage:x", msg: `unknown condition "pakage:x"; did you mean "package"? (valid: personAccounts, sandbox, production, package:<namespace>, var:<NAME>, not <condition>)`},
		{raw: "package:ns 1.0", msg: `invalid condition "package:ns 1.0": write package:<namespace> or package:<namespace> <op> <version>`},
		{raw: "package:ns = 1.0", msg: `invalid condition "package:ns = 1.0": unknown operator "=" (valid: <, <=, >=, >)`},
		{raw: "package:9ns", msg: `invalid condition "package:9ns": "9ns" is not a namespace prefix`},
		{raw: "var:", msg: `invalid condition "var:": "" is not a variable name`},
		{raw: "", msg: `invalid condition "": nothing to test (valid: personAccounts, sandbox, production, package:<namespace>, var:<NAME>, not <condition>)`},
	}
	for _, tt := range tests {
		c, msg := parseCondition(tt.raw)
		if msg != tt.msg {
			t.Errorf("parseCondition(%q) message = %q, want %q", tt.raw, msg, tt.msg)
			continue
		}
		if tt.msg != "" {
			if c != nil {
				t.Errorf("parseCondition(%q) returned a condition with an error", tt.raw)
			}
			continue
		}
		tt.want.Raw = tt.raw
		if diff := cmp.Diff(tt.want, *c); diff != "" {
			t.Errorf("parseCondition(%q) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestConditionsOnListItems(t *testing.T) {
	src := `version: 1
permissionSets:
  - name: P
    if: package:coconut
    connectedApps: [{name: A, if: sandbox}]
users:
  - {username: a@example.com, lastName: A, email: a@example.com, profile: P, if: not production}
manualSteps:
  - {text: t, if: "var:X"}
`
	s, ds := Parse("spec.yaml", []byte(src), Options{Vars: map[string]string{"X": "true"}})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	got := []Condition{*s.PermissionSets[0].If, *s.PermissionSets[0].ConnectedApps[0].If, *s.Users[0].If, *s.ManualSteps[0].If}
	want := []Condition{
		{Raw: "package:coconut", Kind: "package", Namespace: "coconut", Pos: Pos{"spec.yaml", 4, 9}},
		{Raw: "sandbox", Kind: "sandbox", Pos: Pos{"spec.yaml", 5, 35}},
		{Raw: "not production", Kind: "production", Negate: true, Pos: Pos{"spec.yaml", 7, 82}},
		{Raw: "var:X", Kind: "var", Var: "X", Pos: Pos{"spec.yaml", 9, 19}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	src := `version: 1
permissionSets:
  - &base
    name: Base_Access
    systemPermissions: [API Enabled]
  - <<: *base
    name: Derived_Access
    description: derived
`
	s, ds := Parse("spec.yaml", []byte(src), Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	if len(s.PermissionSets) != 2 || s.PermissionSets[1].Name != "Derived_Access" || len(s.PermissionSets[1].SystemPermissions) != 1 {
		t.Errorf("merge key not honoured: %+v", s.PermissionSets)
	}
}

func TestAliasBomb(t *testing.T) {
	src := `version: 1
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
`
	got := diagsOf(t, src, Options{})
	want := []string{
		`testdata/spec.yaml:1:1: document is too large once its aliases are expanded (more than 100000 nodes)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRepeatedNamesCollapse(t *testing.T) {
	src := `version: 1
users:
  - username: a@example.com
    lastName: A
    email: a@example.com
    profile: P
    permissionSets: [X, x, {name: X, if: sandbox}, Y, X]
`
	s, ds := Parse("spec.yaml", []byte(src), Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	var got []string
	for _, r := range s.Users[0].PermissionSets {
		c := ""
		if r.If != nil {
			c = " if " + r.If.Raw
		}
		got = append(got, r.Name+c)
	}
	if diff := cmp.Diff([]string{"X", "X if sandbox", "Y"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestVarConditions(t *testing.T) {
	src := `version: 1
variables:
  LEGACY_AUTH: {default: "false"}
  TOKEN: {secret: true}
  NO_DEFAULT: {}
manualSteps:
  - {text: a, if: "var:LEGACY_AUTH"}
  - {text: b, if: "not var:LEGCY_AUTH"}
  - {text: c, if: "var:TOKEN"}
  - {text: d, if: "var:MODE"}
  - {text: e, if: "var:NO_DEFAULT"}
  - {text: f, if: "var:FROM_ENV"}
`
	opts := Options{Vars: map[string]string{"TOKEN": "abc123", "MODE": "maybe"}, Getenv: env(map[string]string{"FROM_ENV": "TRUE"})}
	_, ds := Parse("spec.yaml", []byte(src), opts)
	want := []string{
		`spec.yaml:8:19: variable "LEGCY_AUTH" is not declared or set; did you mean "LEGACY_AUTH"?`,
		`spec.yaml:9:19: condition "var:TOKEN" needs variable "TOKEN" to be true or false, got (secret)`,
		`spec.yaml:10:19: condition "var:MODE" needs variable "MODE" to be true or false, got "maybe"`,
		`spec.yaml:11:19: variable "NO_DEFAULT" is not set; set it in the environment or pass --var NO_DEFAULT=true|false`,
	}
	if diff := cmp.Diff(want, ds.Strings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
