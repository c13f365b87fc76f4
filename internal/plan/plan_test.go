package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

func parse(t *testing.T, src string, vars ...string) *spec.Spec {
	t.Helper()
	v := map[string]string{}
	for _, kv := range vars {
		name, value, _ := strings.Cut(kv, "=")
		v[name] = value
	}
	s, ds := spec.Parse("spec.yaml", []byte(src), spec.Options{Vars: v, Getenv: func(string) (string, bool) { return "", false }})
	if ds.HasErrors() {
		t.Fatalf("spec: %v", ds)
	}
	return s
}

// freshOrg is a small org: two profiles, the integration PSL, Contact described.
func freshOrg() *state.State {
	return &state.State{
		Username:         "admin@example.com",
		RunningUser:      state.Record{"TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US", "LanguageLocaleKey": "en_US", "EmailEncodingKey": "UTF-8"},
		Packages:         map[string]string{},
		PermissionFields: map[string]bool{"PermissionsApiEnabled": true, "PermissionsViewAllData": true, "PermissionsModifyAllData": true, "PermissionsViewSetup": true},
		ObjectPermFields: map[string]bool{"PermissionsRead": true, "PermissionsViewAllFields": true},
		UserLicenses:     map[string]*state.UserLicense{"100000000000001": {ID: "100000000000001AAA", Name: "Salesforce Integration", Total: 5}},
		Profiles: map[string]*state.Profile{
			"minimum access - api only integrations": {ID: "00e000000000001AAA", Name: "Minimum Access - API Only Integrations", UserLicenseID: "100000000000001AAA", LicenseName: "Salesforce Integration", OwnedPermSet: "0PS000000000001AAA", Perms: map[string]bool{"PermissionsApiEnabled": true}},
		},
		PSLs:         []*state.PSL{{ID: "0PL000000000001AAA", DeveloperName: "SalesforceAPIIntegrationPsl", MasterLabel: "Salesforce API Integration"}},
		Groups:       map[string]*state.Group{},
		Users:        map[string]*state.User{},
		Apps:         map[string]*state.Named{},
		ApexClasses:  map[string]*state.Named{},
		ObjectPerms:  map[string]map[string]*state.ObjectPerm{},
		FieldPerms:   map[string]map[string]*state.FieldPerm{},
		EntityAccess: map[string]map[string]string{},
		Describes: map[string]*state.Describe{"contact": {Name: "Contact", Fields: []state.DescribeField{
			{Name: "Id", Type: "id"},
			{Name: "LastName", Type: "string", Createable: true, Updateable: true},
			{Name: "Email", Type: "email", Createable: true, Updateable: true, Nillable: true, Permissionable: true},
			{Name: "Name__f", Type: "string", Calculated: true, Nillable: true, Permissionable: true},
		}}},
	}
}

const coconut = `version: 1
profiles:
  - name: Coconut Integration
    cloneFrom: Minimum Access - API Only Integrations
permissionSets:
  - name: Coconut_API
    systemPermissions: [Modify All Data]
    objects:
      - object: Contact
        access: [edit]
        fields: all-edit
users:
  - username: coconut@example.com
    lastName: Coconut Integration
    email: admin@example.com
    profile: Coconut Integration
    permissionSetLicenses: [Salesforce API Integration]
    permissionSets: [Coconut_API]
`

func requires(name string) []string {
	if name == "ModifyAllData" {
		return []string{"ViewAllData"}
	}
	return nil
}

func titles(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, string(s.Action)+" "+s.Title())
	}
	return out
}

func TestComputeFreshOrgOrdersWaves(t *testing.T) {
	p, ds := Compute(parse(t, coconut), freshOrg(), Options{Requires: requires})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	want := []string{
		`create profile "Coconut Integration"`,
		`create permission set "Coconut_API"`,
		`create object access "Account" on permission set "Coconut_API"`,
		`create object access "Contact" on permission set "Coconut_API"`,
		`create field access "Contact.Email" on permission set "Coconut_API"`,
		`create field access "Contact.Name__f" on permission set "Coconut_API"`,
		`create user "coconut@example.com"`,
		`create licence "Salesforce API Integration" on user "coconut@example.com"`,
		`create permission set "Coconut_API" on user "coconut@example.com"`,
	}
	if diff := cmp.Diff(want, titles(p)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	ps := p.Steps[1]
	if ps.Fields["PermissionsViewAllData"] != true || ps.Fields["PermissionsModifyAllData"] != true {
		t.Errorf("permission set fields = %v, want ModifyAllData and its requirement ViewAllData", ps.Fields)
	}
	if ps.Note != "ViewAllData, required by ModifyAllData" {
		t.Errorf("note = %q", ps.Note)
	}
	if acc := p.Steps[2]; acc.Note != "Read Account required by Contact" || acc.Fields["PermissionsRead"] != true {
		t.Errorf("Account prerequisite: note %q, fields %v", acc.Note, acc.Fields)
	}
	obj := p.Steps[3]
	if diff := cmp.Diff(map[string]any{"SobjectType": "Contact", "PermissionsRead": true, "PermissionsEdit": true}, obj.Fields); diff != "" {
		t.Errorf("edit implies read (-want +got):\n%s", diff)
	}
	if obj.Refs["ParentId"] != PermSetKey("Coconut_API") {
		t.Errorf("object access parent ref = %q", obj.Refs["ParentId"])
	}
	// all-edit: permissionable fields only; calculated ones read-only.
	if p.Steps[4].Fields["PermissionsEdit"] != true || p.Steps[5].Fields["PermissionsEdit"] != false {
		t.Errorf("field levels: Email %v, Name__f %v", p.Steps[4].Fields, p.Steps[5].Fields)
	}
	user := p.Steps[6]
	if user.Fields["TimeZoneSidKey"] != "America/Los_Angeles" || user.Fields["Alias"] != "coconuti" {
		t.Errorf("user defaults: %v", user.Fields)
	}
	if user.Refs["ProfileId"] != ProfileKey("Coconut Integration") {
		t.Errorf("user profile ref = %q", user.Refs["ProfileId"])
	}
	if got := p.Summary(); got != (Summary{Create: 9}) {
		t.Errorf("summary = %+v", got)
	}
}

// converged returns freshOrg as it is after applying coconut.
func converged() *state.State {
	st := freshOrg()
	st.Profiles["coconut integration"] = &state.Profile{ID: "00e000000000002AAA", Name: "Coconut Integration", OwnedPermSet: "0PS000000000002AAA", Perms: map[string]bool{"PermissionsApiEnabled": true}}
	st.PermSets = []*state.PermSet{{ID: "0PS000000000003AAA", Name: "Coconut_API", Label: "Coconut API", Perms: map[string]bool{"PermissionsModifyAllData": true, "PermissionsViewAllData": true, "PermissionsViewSetup": true}}}
	st.ObjectPerms["0PS000000000003"] = map[string]*state.ObjectPerm{
		"contact": {ID: "110000000000001AAA", Object: "Contact", Flags: map[string]bool{"PermissionsRead": true, "PermissionsEdit": true}},
		"account": {ID: "110000000000002AAA", Object: "Account", Flags: map[string]bool{"PermissionsRead": true}},
	}
	st.FieldPerms["0PS000000000003"] = map[string]*state.FieldPerm{
		"contact.email":   {ID: "01k000000000001AAA", Field: "Contact.Email", Read: true, Edit: true},
		"contact.name__f": {ID: "01k000000000002AAA", Field: "Contact.Name__f", Read: true},
	}
	st.Users["coconut@example.com"] = &state.User{ID: "005000000000002AAA",
		Record: state.Record{"Username": "coconut@example.com", "LastName": "Coconut Integration", "Email": "admin@example.com", "Alias": "coconuti", "EmailEncodingKey": "UTF-8", "Profile": map[string]any{"Name": "Coconut Integration"}, "IsActive": true},
		PSLs:   map[string]string{"0PL000000000001": "2LA000000000001AAA"},
		Sets:   map[string]string{"0PS000000000003": "0Pa000000000001AAA"},
		Groups: map[string]string{}}
	return st
}

func TestComputeConvergedIsNoChange(t *testing.T) {
	p, ds := Compute(parse(t, coconut), converged(), Options{Requires: requires})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if p.HasChanges() {
		t.Fatalf("want no changes, got %v", titles(p))
	}
}

func TestComputeAdditiveUnlessPrune(t *testing.T) {
	src := strings.Replace(coconut, "    systemPermissions: [Modify All Data]\n", "    systemPermissions: [API Enabled]\n", 1)
	p, _ := Compute(parse(t, src), converged(), Options{Requires: requires})
	ps := p.Steps[1]
	if ps.Action != Update || len(ps.Changes) != 1 || ps.Changes[0].Field != "PermissionsApiEnabled" {
		t.Fatalf("additive: want only ApiEnabled switched on, got %s %+v", ps.Action, ps.Changes)
	}
	src = strings.Replace(src, "    systemPermissions:", "    prune: true\n    systemPermissions:", 1)
	p, _ = Compute(parse(t, src), converged(), Options{Requires: requires})
	var got []string
	for _, c := range p.Steps[1].Changes {
		got = append(got, c.Field+"="+map[bool]string{true: "on", false: "off"}[c.After.(bool)])
	}
	want := []string{"PermissionsApiEnabled=on", "PermissionsModifyAllData=off", "PermissionsViewAllData=off", "PermissionsViewSetup=off"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prune changes (-want +got):\n%s", diff)
	}
}

func TestComputeErrorsNameThePosition(t *testing.T) {
	src := strings.Replace(coconut, "cloneFrom: Minimum Access - API Only Integrations", "cloneFrom: Minimum Access - API Only Integration", 1)
	src = strings.Replace(src, "permissionSetLicenses: [Salesforce API Integration]", "permissionSetLicenses: [Salesforce API Integraton]", 1)
	_, ds := Compute(parse(t, src), freshOrg(), Options{})
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	if len(got) == 0 || !strings.Contains(got[0], `did you mean "Minimum Access - API Only Integrations"?`) {
		t.Errorf("diagnostics = %q", got)
	}
	found := false
	for _, g := range got {
		if strings.Contains(g, `permission set licence "Salesforce API Integraton" does not exist in the org; did you mean "Salesforce API Integration"?`) {
			found = true
		}
	}
	if !found {
		t.Errorf("licence typo not reported with a suggestion: %q", got)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"1.27.0.3", "1.27", 0}, {"1.26", "1.27", -1}, {"2.0", "1.99", 1}, {"1.27.1", "1.27", 0}, {"1.27.1", "1.27.0", 1}} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestComputeParentObjectComesFirst(t *testing.T) {
	st := freshOrg()
	st.Describes["account"] = &state.Describe{Name: "Account"}
	src := `version: 1
permissionSets:
  - name: Order_Test
    objects:
      - {object: Contact, access: [read]}
      - {object: Account, access: [edit]}
`
	p, ds := Compute(parse(t, src), st, Options{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	want := []string{
		`create permission set "Order_Test"`,
		`create object access "Account" on permission set "Order_Test"`,
		`create object access "Contact" on permission set "Order_Test"`,
	}
	if diff := cmp.Diff(want, titles(p)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if got := p.Steps[1].Fields; got["PermissionsRead"] != true || got["PermissionsEdit"] != true {
		t.Errorf("Account access = %v, want read and edit", got)
	}
}

func TestComputePruneRemovesChildrenBeforeParents(t *testing.T) {
	st := converged()
	st.Describes["account"] = &state.Describe{Name: "Account"}
	src := `version: 1
permissionSets:
  - name: Coconut_API
    prune: true
    systemPermissions: [Modify All Data]
`
	p, ds := Compute(parse(t, src), st, Options{Requires: requires})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var got []string
	for _, s := range p.Changing() {
		if s.Type == TypeObjectAccess {
			got = append(got, string(s.Action)+" "+s.Name)
		}
	}
	if diff := cmp.Diff([]string{"prune Contact", "prune Account"}, got); diff != "" {
		t.Errorf("object prunes (-want +got):\n%s", diff)
	}
}

// TestComputeCloneCopiesSourceAccess: a profile created with cloneFrom gets the
// source's object and field rows joined with the spec's (the API makes a
// blank profile, Setup's Clone copies them); with prune: true the spec is the
// whole access and nothing is copied.
func TestComputeCloneCopiesSourceAccess(t *testing.T) {
	const src = `version: 1
profiles:
  - name: Support API
    cloneFrom: Minimum Access - API Only Integrations
    objects:
      - object: Contact
        access: [read]
        fields: {Email: read}
`
	org := func() *state.State {
		st := freshOrg()
		owned := "0PS000000000001"
		st.ObjectPerms[owned] = map[string]*state.ObjectPerm{
			"contact": {ID: "110000000000001AAA", Object: "Contact", Flags: map[string]bool{"PermissionsRead": true, "PermissionsCreate": true, "PermissionsEdit": false}},
			"case":    {ID: "110000000000002AAA", Object: "Case", Flags: map[string]bool{"PermissionsRead": true}},
			"lead":    {ID: "110000000000003AAA", Object: "Lead", Flags: map[string]bool{"PermissionsRead": false}},
		}
		st.FieldPerms[owned] = map[string]*state.FieldPerm{
			"contact.email": {ID: "01k000000000001AAA", Field: "Contact.Email", Read: true, Edit: true},
			"case.subject":  {ID: "01k000000000002AAA", Field: "Case.Subject", Read: true},
			"case.reason":   {ID: "01k000000000003AAA", Field: "Case.Reason", Read: false},
		}
		return st
	}
	type row struct {
		Title  string
		Note   string
		Fields map[string]any
	}
	for _, tc := range []struct {
		name string
		spec string
		want []row
	}{
		{"merged with the spec", src, []row{
			{`create profile "Support API"`, `clone of "Minimum Access - API Only Integrations"`, map[string]any{"Name": "Support API", "UserLicenseId": "100000000000001AAA", "PermissionsApiEnabled": true}},
			{`create object access "Account" on profile "Support API"`, "Read Account required by Contact", map[string]any{"SobjectType": "Account", "PermissionsRead": true}},
			{`create object access "Contact" on profile "Support API"`, "", map[string]any{"SobjectType": "Contact", "PermissionsRead": true, "PermissionsCreate": true}},
			{`create object access "Case" on profile "Support API"`, `copied from "Minimum Access - API Only Integrations"`, map[string]any{"SobjectType": "Case", "PermissionsRead": true}},
			{`create field access "Contact.Email" on profile "Support API"`, "", map[string]any{"SobjectType": "Contact", "Field": "Contact.Email", "PermissionsRead": true, "PermissionsEdit": true}},
			{`create field access "Case.Subject" on profile "Support API"`, `copied from "Minimum Access - API Only Integrations"`, map[string]any{"SobjectType": "Case", "Field": "Case.Subject", "PermissionsRead": true, "PermissionsEdit": false}},
		}},
		{"prune copies nothing", strings.Replace(src, "    cloneFrom:", "    prune: true\n    cloneFrom:", 1), []row{
			{`create profile "Support API"`, `clone of "Minimum Access - API Only Integrations"`, map[string]any{"Name": "Support API", "UserLicenseId": "100000000000001AAA", "PermissionsApiEnabled": true}},
			{`create object access "Account" on profile "Support API"`, "Read Account required by Contact", map[string]any{"SobjectType": "Account", "PermissionsRead": true}},
			{`create object access "Contact" on profile "Support API"`, "", map[string]any{"SobjectType": "Contact", "PermissionsRead": true}},
			{`create field access "Contact.Email" on profile "Support API"`, "", map[string]any{"SobjectType": "Contact", "Field": "Contact.Email", "PermissionsRead": true, "PermissionsEdit": false}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ds := Compute(parse(t, tc.spec), org(), Options{Requires: requires})
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			var got []row
			for _, s := range p.Steps {
				got = append(got, row{string(s.Action) + " " + s.Title(), s.Note, s.Fields})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultsOnlyOnCreate: what the spec leaves out (label, alias, email
// encoding) is a default for what sfprov creates, never a change to what an
// admin set in Setup.
func TestDefaultsOnlyOnCreate(t *testing.T) {
	st := converged()
	st.PermSets[0].Label = "Renamed in Setup"
	u := st.Users["coconut@example.com"]
	u.Record["Alias"] = "coco"
	u.Record["EmailEncodingKey"] = "ISO-8859-1"
	p, ds := Compute(parse(t, coconut), st, Options{Requires: requires})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if p.HasChanges() {
		t.Fatalf("want no changes, got %v", titles(p))
	}
	// The same spec creates them with the defaults.
	p, _ = Compute(parse(t, coconut), freshOrg(), Options{Requires: requires})
	for _, s := range p.Steps {
		switch s.Type {
		case TypePermissionSet:
			if s.Fields["Label"] != "Coconut API" {
				t.Errorf("new set's Label = %v", s.Fields["Label"])
			}
		case TypeUser:
			if s.Fields["Alias"] != "coconuti" || s.Fields["EmailEncodingKey"] != "UTF-8" {
				t.Errorf("new user's Alias %v, EmailEncodingKey %v", s.Fields["Alias"], s.Fields["EmailEncodingKey"])
			}
		}
	}
}
