package state_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/emulator/emutest"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

const testToken = "00D000000000001AAA!AQstatetesttoken"

// TestMain silences simpleforce's logging of failed requests (the CLI does the same).
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// newOrg serves an org on a clock that moves only when the test says so.
func newOrg(t *testing.T, seed *emulator.Seed) (string, *emutest.Clock) {
	t.Helper()
	clk := emutest.NewClock(0)
	return emutest.Serve(t, emulator.Options{AccessToken: testToken, Seed: seed, Now: clk.Now}), clk
}

func newClient(url string) *salesforce.Client {
	return salesforce.New(salesforce.Config{InstanceURL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})})
}

// needs is what Read reads for the spec src.
func needs(t *testing.T, src string) state.Needs { return state.NeedsOf(parse(t, src)) }

func parse(t *testing.T, src string) *spec.Spec {
	t.Helper()
	s, ds := spec.Parse("spec.yaml", []byte(src), spec.Options{Getenv: func(string) (string, bool) { return "", false }})
	if ds.HasErrors() {
		t.Fatalf("spec: %v", ds)
	}
	return s
}

// admin writes the org's starting state through the REST API, as an admin
// would in Setup, failing the test on any refusal.
type admin struct {
	t *testing.T
	c *salesforce.Client
}

func (a admin) create(object string, fields map[string]any) string {
	a.t.Helper()
	rec := salesforce.Record{"attributes": map[string]any{"type": object}}
	for k, v := range fields {
		rec[k] = v
	}
	res, err := a.c.Create(context.Background(), []salesforce.Record{rec})
	if err != nil || len(res) != 1 || !res[0].Success {
		a.t.Fatalf("create %s %v: %v %+v", object, fields, err, res)
	}
	return res[0].ID
}

func (a admin) one(soql string) salesforce.Record {
	a.t.Helper()
	rs, err := a.c.Query(context.Background(), soql)
	if err != nil || len(rs) != 1 {
		a.t.Fatalf("%s: %v (%d records)", soql, err, len(rs))
	}
	return rs[0]
}

const readSpec = `version: 1
profiles:
  - name: Minimum Access - API Only Integrations
    systemPermissions: [API Enabled]
permissionSets:
  - name: State_PS
    objects:
      - object: Account
        access: [read, edit]
        fields: {Description: edit, Industry: read}
      - object: Contact
        access: [read]
permissionSetGroups:
  - name: State_Group
    permissionSets: [State_Other]
users:
  - username: state.one@example.com
    lastName: State One
    email: one@example.com
    profile: Minimum Access - API Only Integrations
    permissionSetLicenses: [Salesforce API Integration]
    permissionSets: [State_PS]
    permissionSetGroups: [State_Group]
  - username: state.two@example.com
    lastName: State Two
    email: two@example.com
    profile: Standard User
`

// TestRead seeds an org with users and their assignments, a permission set with
// object and field rows, a group with a member, and a profile whose owned set
// has object access, plus records the spec does not name; Read returns exactly
// what the spec needs, in three API calls. The Standard User profile, named
// only as a user's profile, has object and field rows in a fresh org; they are
// not read.
func TestRead(t *testing.T) {
	ctx := context.Background()
	url, clk := newOrg(t, &emulator.Seed{Users: []emulator.SeedUser{
		{Username: "state.two@example.com", FirstName: "State", LastName: "Two", Email: "two@example.com", Alias: "stwo", Profile: "Standard User"},
	}})
	a := admin{t, newClient(url)}

	intProfile := a.one("SELECT Id, UserLicenseId FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'")
	stdProfile := a.one("SELECT Id, UserLicenseId FROM Profile WHERE Name = 'Standard User'")
	intOwned := a.one("SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = true AND Profile.Name = 'Minimum Access - API Only Integrations'").String("Id")
	stdOwned := a.one("SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = true AND Profile.Name = 'Standard User'").String("Id")
	psl := a.one("SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'").String("Id")
	two := a.one("SELECT Id FROM User WHERE Username = 'state.two@example.com'").String("Id")

	statePS := a.create("PermissionSet", map[string]any{"Name": "State_PS", "Label": "State PS", "Description": "read back", "PermissionsApiEnabled": true})
	other := a.create("PermissionSet", map[string]any{"Name": "State_Other", "Label": "State Other"})
	unrelated := a.create("PermissionSet", map[string]any{"Name": "State_Unrelated", "Label": "State Unrelated"})
	opAccount := a.create("ObjectPermissions", map[string]any{"ParentId": statePS, "SobjectType": "Account", "PermissionsRead": true, "PermissionsEdit": true})
	opContact := a.create("ObjectPermissions", map[string]any{"ParentId": statePS, "SobjectType": "Contact", "PermissionsRead": true})
	a.create("ObjectPermissions", map[string]any{"ParentId": unrelated, "SobjectType": "Account", "PermissionsRead": true})
	opProfile := a.create("ObjectPermissions", map[string]any{"ParentId": intOwned, "SobjectType": "Account", "PermissionsRead": true})
	fpDesc := a.create("FieldPermissions", map[string]any{"ParentId": statePS, "SobjectType": "Account", "Field": "Account.Description", "PermissionsRead": true, "PermissionsEdit": true})
	fpInd := a.create("FieldPermissions", map[string]any{"ParentId": statePS, "SobjectType": "Account", "Field": "Account.Industry", "PermissionsRead": true})
	a.create("FieldPermissions", map[string]any{"ParentId": unrelated, "SobjectType": "Account", "Field": "Account.Industry", "PermissionsRead": true})
	group := a.create("PermissionSetGroup", map[string]any{"DeveloperName": "State_Group", "MasterLabel": "State Group", "Description": "members"})
	comp := a.create("PermissionSetGroupComponent", map[string]any{"PermissionSetGroupId": group, "PermissionSetId": other})
	clk.Advance(time.Minute) // the group finishes recalculating (facts §6)

	user := map[string]any{"Email": "one@example.com", "Alias": "sone", "TimeZoneSidKey": "Europe/Paris", "LocaleSidKey": "fr_FR",
		"LanguageLocaleKey": "fr", "EmailEncodingKey": "UTF-8", "ProfileId": intProfile.String("Id")}
	user["Username"], user["LastName"] = "state.one@example.com", "State One"
	one := a.create("User", user)
	user["Username"], user["LastName"], user["Alias"] = "state.other@example.com", "Not In Spec", "snot"
	notInSpec := a.create("User", user)
	pslOne := a.create("PermissionSetLicenseAssign", map[string]any{"AssigneeId": one, "PermissionSetLicenseId": psl})
	a.create("PermissionSetLicenseAssign", map[string]any{"AssigneeId": notInSpec, "PermissionSetLicenseId": psl})
	psaOne := a.create("PermissionSetAssignment", map[string]any{"AssigneeId": one, "PermissionSetId": statePS})
	psgaOne := a.create("PermissionSetAssignment", map[string]any{"AssigneeId": one, "PermissionSetGroupId": group})
	a.create("PermissionSetAssignment", map[string]any{"AssigneeId": notInSpec, "PermissionSetId": statePS})
	psaTwo := a.create("PermissionSetAssignment", map[string]any{"AssigneeId": two, "PermissionSetId": other})

	ui, err := a.c.UserInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	licences, err := a.c.Query(ctx, "SELECT Id, Name FROM UserLicense")
	if err != nil {
		t.Fatal(err)
	}
	licID := map[string]string{}
	for _, r := range licences {
		licID[r.String("Name")] = r.String("Id")
	}

	c := newClient(url)
	st, err := state.Read(ctx, c, needs(t, readSpec))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	// userinfo beside one round of two /composite calls (5 queries a call
	// at most), and the Tooling query of the org's permission dependencies.
	if c.Calls() != 4 {
		t.Errorf("Read made %d API calls, want 4 (userinfo, two /composite calls, PermissionDependency)", c.Calls())
	}
	// Before API 51.0 SOQL has no FIELDS(): the sets and object
	// permissions are read in a second round with the columns the describes
	// list, and read the same.
	old := salesforce.New(salesforce.Config{InstanceURL: url, APIVersion: "50.0", Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})})
	st50, err := state.Read(ctx, old, needs(t, readSpec))
	if err != nil {
		t.Fatalf("Read at 50.0: %v", err)
	}
	if old.Calls() != 5 {
		t.Errorf("Read at 50.0 made %d API calls, want 5 (a second round for the sets and object permissions)", old.Calls())
	}
	// Records name the version they were read at (attributes.url).
	noAttrs := cmp.FilterPath(func(p cmp.Path) bool {
		mi, ok := p.Last().(cmp.MapIndex)
		return ok && mi.Key().Kind() == reflect.String && mi.Key().String() == "attributes"
	}, cmp.Ignore())
	if diff := cmp.Diff(st, st50, noAttrs, cmpopts.SortSlices(func(a, b *state.PermSet) bool { return a.Name < b.Name }), cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(state.Dependencies{})); diff != "" {
		t.Errorf("state read at API 50.0, without FIELDS() (-62.0 +50.0):\n%s", diff)
	}

	// Every Permissions* flag a set does not grant reads back as false.
	allOff := func(on ...string) map[string]bool {
		m := map[string]bool{}
		for f := range st.PermissionFields {
			m[f] = false
		}
		for _, f := range on {
			m[f] = true
		}
		return m
	}
	objFlags := func(on ...string) map[string]bool {
		m := map[string]bool{"PermissionsRead": false, "PermissionsCreate": false, "PermissionsEdit": false, "PermissionsDelete": false,
			"PermissionsViewAllRecords": false, "PermissionsModifyAllRecords": false, "PermissionsViewAllFields": false}
		for _, f := range on {
			m[f] = true
		}
		return m
	}
	userRec := func(id, username, first, last, email, alias, profileID, profile, tz, locale, lang string) state.Record {
		var firstName any
		if first != "" {
			firstName = first
		}
		return state.Record{
			"attributes": map[string]any{"type": "User", "url": "/services/data/v62.0/sobjects/User/" + id},
			"Id":         id, "Username": username, "FirstName": firstName, "LastName": last, "Email": email, "Alias": alias,
			"ProfileId":      profileID,
			"Profile":        map[string]any{"attributes": map[string]any{"type": "Profile", "url": "/services/data/v62.0/sobjects/Profile/" + profileID}, "Name": profile},
			"TimeZoneSidKey": tz, "LocaleSidKey": locale, "LanguageLocaleKey": lang, "EmailEncodingKey": "UTF-8", "IsActive": true,
			"LastPasswordChangeDate": nil, // made through the API, never given a password
		}
	}
	k := state.Key15
	intWant := &state.Profile{ID: intProfile.String("Id"), Name: "Minimum Access - API Only Integrations",
		UserLicenseID: intProfile.String("UserLicenseId"), LicenseName: "Salesforce Integration", OwnedPermSet: intOwned,
		Perms: allOff("PermissionsApiEnabled", "PermissionsApiUserOnly")}
	want := &state.State{
		InstanceURL: url,
		OrgID:       ui.OrganizationID,
		OrgName:     "sfprov Emulator Org",
		Username:    emulator.AdminUsername,
		// The admin's settings come with the identity (userinfo).
		RunningUser: state.Record{
			"Id": ui.UserID, "Username": emulator.AdminUsername,
			"TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US", "LanguageLocaleKey": "en_US",
		},
		Packages: map[string]string{},
		ObjectPermFields: map[string]bool{"PermissionsRead": true, "PermissionsCreate": true, "PermissionsEdit": true, "PermissionsDelete": true,
			"PermissionsViewAllRecords": true, "PermissionsModifyAllRecords": true, "PermissionsViewAllFields": true},
		UserLicenses: map[string]*state.UserLicense{
			k(licID["Salesforce"]):                       {ID: licID["Salesforce"], Name: "Salesforce", Total: 10, Used: 2},
			k(licID["Salesforce Platform"]):              {ID: licID["Salesforce Platform"], Name: "Salesforce Platform", Total: 10},
			k(licID["Salesforce Integration"]):           {ID: licID["Salesforce Integration"], Name: "Salesforce Integration", Total: 5, Used: 2},
			k(licID["Chatter Free"]):                     {ID: licID["Chatter Free"], Name: "Chatter Free", Total: 5000},
			k(licID["Analytics Cloud Integration User"]): {ID: licID["Analytics Cloud Integration User"], Name: "Analytics Cloud Integration User", Total: 1},
		},
		Profiles: map[string]*state.Profile{
			"minimum access - api only integrations": intWant,
			// The profile's older name finds it too (salesforce-api-facts.md §1).
			"salesforce api only system integrations": intWant,
			"standard user": {ID: stdProfile.String("Id"), Name: "Standard User", UserLicenseID: stdProfile.String("UserLicenseId"),
				LicenseName: "Salesforce", OwnedPermSet: stdOwned,
				Perms: allOff("PermissionsApiEnabled", "PermissionsActivitiesAccess", "PermissionsEditTask", "PermissionsEditEvent",
					"PermissionsConvertLeads", "PermissionsRunReports", "PermissionsExportReport")},
		},
		PermSets: []*state.PermSet{
			{ID: statePS, Name: "State_PS", Label: "State PS", Description: "read back", Perms: allOff("PermissionsApiEnabled")},
			{ID: other, Name: "State_Other", Label: "State Other", Perms: allOff()},
		},
		PSLs: []*state.PSL{{ID: psl, DeveloperName: "SalesforceAPIIntegrationPsl", MasterLabel: "Salesforce API Integration"}},
		Groups: map[string]*state.Group{"state_group": {ID: group, DeveloperName: "State_Group", MasterLabel: "State Group", Description: "members",
			Status: "Updated", Components: map[string]string{k(other): comp}}},
		Users: map[string]*state.User{
			"state.one@example.com": {ID: one,
				Record: userRec(one, "state.one@example.com", "", "State One", "one@example.com", "sone", intProfile.String("Id"),
					"Minimum Access - API Only Integrations", "Europe/Paris", "fr_FR", "fr"),
				PSLs: map[string]string{k(psl): pslOne}, Sets: map[string]string{k(statePS): psaOne}, Groups: map[string]string{k(group): psgaOne}},
			"state.two@example.com": {ID: two,
				Record: userRec(two, "state.two@example.com", "State", "Two", "two@example.com", "stwo", stdProfile.String("Id"),
					"Standard User", "America/Los_Angeles", "en_US", "en_US"),
				PSLs: map[string]string{}, Sets: map[string]string{k(other): psaTwo}, Groups: map[string]string{}},
		},
		AssignedNames: map[string]string{k(statePS): "State_PS", k(other): "State_Other", k(group): "State_Group"},
		Apps:          map[string]*state.Named{},
		ApexClasses:   map[string]*state.Named{},
		ObjectPerms: map[string]map[string]*state.ObjectPerm{
			k(statePS): {
				"account": {ID: opAccount, Object: "Account", Flags: objFlags("PermissionsRead", "PermissionsEdit")},
				"contact": {ID: opContact, Object: "Contact", Flags: objFlags("PermissionsRead")},
			},
			k(intOwned): {"account": {ID: opProfile, Object: "Account", Flags: objFlags("PermissionsRead")}},
		},
		FieldPerms: map[string]map[string]*state.FieldPerm{k(statePS): {
			"account.description": {ID: fpDesc, Field: "Account.Description", Read: true, Edit: true},
			"account.industry":    {ID: fpInd, Field: "Account.Industry", Read: true},
		}},
		EntityAccess: map[string]map[string]string{},
	}
	opts := cmp.Options{
		// PermissionSet's fields and the describes are the org's schema: checked below.
		cmpopts.IgnoreFields(state.State{}, "PermissionFields", "Describes"),
		// Without ORDER BY, Salesforce returns rows in no stated order.
		cmpopts.SortSlices(func(a, b *state.PermSet) bool { return a.Name < b.Name }),
		// Nil and empty collections read the same to the planner; this keeps
		// the test about content when State gains a field for a new block.
		cmpopts.EquateEmpty(),
	}
	// Read lists every profile (for "did you mean"); the ones the spec names
	// are compared in full, the others must at least be there.
	for _, name := range []string{"system administrator", "standard user", "read only"} {
		if st.Profiles[name] == nil {
			t.Errorf("profile %q not read", name)
		}
	}
	for name := range st.Profiles {
		if _, named := want.Profiles[name]; !named {
			delete(st.Profiles, name)
		}
	}
	// The dependency table has its own test (TestReadDependencies).
	if st.Deps == nil {
		t.Errorf("Read did not read the permission dependencies of a spec with system permissions")
	}
	st.Deps = nil
	if diff := cmp.Diff(want, st, opts); diff != "" {
		t.Errorf("State (-want +got):\n%s", diff)
	}

	// PermissionFields: every boolean Permissions* field of PermissionSet's describe.
	var d state.Describe
	if err := a.c.Do(ctx, "GET", a.c.DataPath("sobjects/PermissionSet/describe"), nil, &d); err != nil {
		t.Fatal(err)
	}
	wantFields := map[string]bool{}
	for _, f := range d.Fields {
		if strings.HasPrefix(f.Name, "Permissions") && f.Type == "boolean" {
			wantFields[f.Name] = true
		}
	}
	if len(wantFields) < 50 || !wantFields["PermissionsApiEnabled"] || !wantFields["PermissionsModifyAllData"] {
		t.Errorf("PermissionSet describe has %d permission fields; the test needs the real list", len(wantFields))
	}
	if diff := cmp.Diff(wantFields, st.PermissionFields); diff != "" {
		t.Errorf("PermissionFields (-want +got):\n%s", diff)
	}
	// Describes: exactly the objects the spec names, as the org describes them.
	var got []string
	for name, d := range st.Describes {
		if d == nil || !strings.EqualFold(d.Name, name) || !d.HasField("Id") {
			t.Errorf("Describes[%q] = %+v", name, d)
		}
		got = append(got, name)
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"account", "contact"}, got); diff != "" {
		t.Errorf("described objects (-want +got):\n%s", diff)
	}
}

// TestReadPackages: a `package:` condition costs one Tooling query more, and
// the installed versions read back by namespace.
func TestReadPackages(t *testing.T) {
	url, _ := newOrg(t, &emulator.Seed{Packages: []emulator.SeedPackage{
		{Namespace: "coconut", Name: "Coconut", Version: "1.27", PermissionSets: []string{"Coconut_Integration_Config"}},
		{Namespace: "ScreenMeet", Name: "ScreenMeet", Version: "2.3.1"},
	}})
	tests := []struct {
		name      string
		spec      string
		wantCalls int
		wantPkgs  map[string]string
	}{
		{"no package condition", `version: 1
permissionSets:
  - name: X
`, 3, map[string]string{}},
		{"package condition", `version: 1
permissionSets:
  - name: X
    if: package:coconut
`, 4, map[string]string{"coconut": "1.27.0.0", "screenmeet": "2.3.1.0"}},
		{"negated versioned condition on a user's assignment", `version: 1
users:
  - username: u@example.com
    lastName: U
    email: u@example.com
    profile: Standard User
    permissionSets:
      - name: coconut__Coconut_Integration_Config
        if: not package:coconut >= 2.0
`, 4, map[string]string{"coconut": "1.27.0.0", "screenmeet": "2.3.1.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(url)
			st, err := state.Read(context.Background(), c, needs(t, tt.spec))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if c.Calls() != tt.wantCalls {
				t.Errorf("Read made %d API calls, want %d", c.Calls(), tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantPkgs, st.Packages); diff != "" {
				t.Errorf("Packages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadNamespacedAndLabels: a managed package's set is found by ns__Name
// (PermissionSet.Name has no namespace), and a set named by its Label is found
// too (spec-v1.md "Names, not IDs").
func TestReadNamespacedAndLabels(t *testing.T) {
	ctx := context.Background()
	url, _ := newOrg(t, &emulator.Seed{Packages: []emulator.SeedPackage{
		{Namespace: "coconut", Name: "Coconut", Version: "1.27", PermissionSets: []string{"Coconut_Integration_Config"}},
	}})
	a := admin{t, newClient(url)}
	labelled := a.create("PermissionSet", map[string]any{"Name": "Vendor_Api_Access", "Label": "Vendor API Access"})
	st, err := state.Read(ctx, newClient(url), needs(t, `version: 1
users:
  - username: u@example.com
    lastName: U
    email: u@example.com
    profile: Standard User
    permissionSets: [coconut__Coconut_Integration_Config, Vendor API Access]
`))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	ps, _ := st.FindPermSet("coconut__Coconut_Integration_Config")
	if ps == nil || ps.Namespace != "coconut" || ps.Name != "Coconut_Integration_Config" {
		t.Errorf("FindPermSet(coconut__Coconut_Integration_Config) = %+v", ps)
	}
	ps, _ = st.FindPermSet("Vendor API Access")
	if ps == nil || ps.ID != labelled {
		t.Errorf("FindPermSet(Vendor API Access) = %+v, want Id %s", ps, labelled)
	}
	if len(st.PermSets) != 2 {
		t.Errorf("%d permission sets read, want 2", len(st.PermSets))
	}
}

// TestReadFollowsLargeAnswers: a query inside a /composite round that has
// more than 2,000 rows is followed through nextRecordsUrl: every row arrives,
// at one extra call per extra page.
func TestReadFollowsLargeAnswers(t *testing.T) {
	ctx := context.Background()
	url, _ := newOrg(t, nil)
	a := admin{t, newClient(url)}
	var d state.Describe
	if err := a.c.Do(ctx, "GET", a.c.DataPath("sobjects/Account/describe"), nil, &d); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, f := range d.Fields {
		if f.Permissionable {
			fields = append(fields, "Account."+f.Name)
		}
	}
	sets := 2100/len(fields) + 1
	var psRecs []salesforce.Record
	var names []string
	for i := 0; i < sets; i++ {
		name := "Big_" + string(rune('A'+i/26)) + string(rune('A'+i%26))
		names = append(names, name)
		psRecs = append(psRecs, salesforce.Record{"attributes": map[string]any{"type": "PermissionSet"}, "Name": name, "Label": name})
	}
	res, err := a.c.Create(ctx, psRecs)
	if err != nil {
		t.Fatal(err)
	}
	var fpRecs []salesforce.Record
	for _, r := range res {
		if !r.Success {
			t.Fatalf("create permission set: %v", r.Errors)
		}
		fpRecs = append(fpRecs, salesforce.Record{"attributes": map[string]any{"type": "ObjectPermissions"}, "ParentId": r.ID, "SobjectType": "Account", "PermissionsRead": true})
		for _, f := range fields {
			fpRecs = append(fpRecs, salesforce.Record{"attributes": map[string]any{"type": "FieldPermissions"}, "ParentId": r.ID, "SobjectType": "Account", "Field": f, "PermissionsRead": true})
		}
	}
	res, err = a.c.Create(ctx, fpRecs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.Success {
			t.Fatalf("create access row: %v", r.Errors)
		}
	}
	fieldRows := sets * len(fields)
	if fieldRows <= 2000 || fieldRows > 4000 {
		t.Fatalf("%d field rows: the test wants two pages", fieldRows)
	}

	var b strings.Builder
	b.WriteString("version: 1\npermissionSets:\n")
	for _, n := range names {
		b.WriteString("  - name: " + n + "\n")
	}
	c := newClient(url)
	st, err := state.Read(ctx, c, needs(t, b.String()))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	got := 0
	for _, m := range st.FieldPerms {
		got += len(m)
	}
	if got != fieldRows {
		t.Errorf("%d field permission rows read, want %d", got, fieldRows)
	}
	if len(st.PermSets) != sets || len(st.ObjectPerms) != sets {
		t.Errorf("%d sets and %d sets with object rows read, want %d", len(st.PermSets), len(st.ObjectPerms), sets)
	}
	if c.Calls() != 4 {
		t.Errorf("Read made %d API calls, want 4 (3 + the second page of field permissions)", c.Calls())
	}
}

// TestReadQueryError: a query the org refuses inside a /composite round comes
// back as an error naming what was being read, with Salesforce's code.
func TestReadQueryError(t *testing.T) {
	url, _ := newOrg(t, nil)
	_, err := state.Read(context.Background(), newClient(url), needs(t, `version: 1
users:
  - username: u@example.com
    lastName: U
    email: u@example.com
    profile: Standard User
    fields: {No_Such_Field__c: x}
`))
	var apiErr *salesforce.APIError
	if !errors.As(err, &apiErr) || !apiErr.HasCode("INVALID_FIELD") || apiErr.Path != "/services/data/v62.0/query" {
		t.Fatalf("Read error = %v, want an INVALID_FIELD *APIError for the query", err)
	}
	if !strings.HasPrefix(err.Error(), "read users: GET /services/data/v62.0/query: HTTP 400: INVALID_FIELD: ") || !strings.Contains(err.Error(), "No_Such_Field__c") {
		t.Errorf("error text = %q", err)
	}
}

// TestReadOlderIntegrationProfileName: in an org whose Salesforce Integration
// profile still has its first name, a spec naming the newer one (as the
// built-in profiles do) finds it, with its owned set and permissions.
func TestReadOlderIntegrationProfileName(t *testing.T) {
	ctx := context.Background()
	url, _ := newOrg(t, nil)
	a := admin{t, newClient(url)}
	prof := a.one("SELECT Id FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'").String("Id")
	owned := a.one("SELECT Id FROM PermissionSet WHERE ProfileId = '" + prof + "'").String("Id")
	if res, err := a.c.Update(ctx, []salesforce.Record{{"attributes": map[string]any{"type": "Profile"}, "Id": prof, "Name": "Salesforce API Only System Integrations"}}); err != nil || !res[0].Success {
		t.Fatalf("rename the profile: %v %+v", err, res)
	}
	st, err := state.Read(ctx, newClient(url), needs(t, `version: 1
profiles:
  - name: Acme Integration
    cloneFrom: Minimum Access - API Only Integrations
`))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	p := st.Profiles["minimum access - api only integrations"]
	if p == nil || p.ID != prof || p.Name != "Salesforce API Only System Integrations" || p.OwnedPermSet != owned || !p.Perms["PermissionsApiEnabled"] {
		t.Errorf("profile = %+v, want %s named Salesforce API Only System Integrations, owned set %s, API Enabled", p, prof, owned)
	}
	if st.Profiles["salesforce api only system integrations"] != p {
		t.Errorf("the profile is not filed under its own name")
	}
}

// TestReadCost: what reading costs as the spec grows. A /composite call takes
// 25 subrequests, at most 5 of them queries, so many objects (one describe
// each) or extra blocks add calls; nothing else does. Every read goes in one
// round beside the identity.
func TestReadCost(t *testing.T) {
	seed := &emulator.Seed{}
	var objs strings.Builder
	for i := 0; i < 20; i++ {
		name := fmt.Sprintf("Cost_%02d__c", i)
		seed.Objects = append(seed.Objects, emulator.SeedObject{Name: name, Fields: []emulator.SeedField{{Name: "Note__c", Type: "string"}}})
		fmt.Fprintf(&objs, "      - object: %s\n        access: [read]\n", name)
	}
	url, _ := newOrg(t, seed)
	tests := []struct {
		name string
		spec string
		want int
	}{
		{"empty spec: 8 queries and the Organization in 2 calls", "version: 1\n", 3},
		{"one set, one object (and its permission dependencies)", "version: 1\npermissionSets:\n  - name: A\n    objects:\n      - object: Account\n        access: [read]\n", 4},
		{"a connected app: 10 queries, the Organization by Id (no room for a query) in 2 calls", "version: 1\npermissionSets:\n  - name: A\n    connectedApps: [Nope]\n", 3},
		{"app and Apex class access: 11 queries and the Organization in 3 calls", "version: 1\npermissionSets:\n  - name: A\n    connectedApps: [Nope]\n    apexClasses: [Nope]\n", 4},
		{"20 objects: 22 describes, 8 queries and the Organization in 2 calls, and dependencies", "version: 1\npermissionSets:\n  - name: A\n    objects:\n" + objs.String(), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(url)
			st, err := state.Read(context.Background(), c, needs(t, tt.spec))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if c.Calls() != tt.want {
				t.Errorf("Read made %d API calls, want %d", c.Calls(), tt.want)
			}
			if strings.Contains(tt.spec, "Cost_19__c") && (st.Describes["cost_19__c"] == nil || st.Describes["cost_00__c"] == nil) {
				t.Errorf("describes of the custom objects missing: %d read", len(st.Describes))
			}
		})
	}
}

// TestReadRecordsFieldTheObjectLacks: the records are queried in the first
// round with every field the spec names; when the describe, read in the same
// round, lacks one, they are read again without it, so the planner still
// finds the record by its key (and names the field).
func TestReadRecordsFieldTheObjectLacks(t *testing.T) {
	url, _ := newOrg(t, nil)
	a := admin{t, newClient(url)}
	id := a.create("Account", map[string]any{"Name": "Acme Records"})
	for _, tt := range []struct{ name, values string }{
		{"every field there", "{Name: Acme Records, Description: kept}"},
		{"a field the object lacks", "{Name: Acme Records, Nope__c: x}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := state.Read(context.Background(), newClient(url), needs(t, "version: 1\nrecords:\n  - object: Account\n    key: [Name]\n    values: "+tt.values+"\n"))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			set := st.RecordSets[0]
			if set.Err != nil {
				t.Fatalf("records: %v", set.Err)
			}
			if got := set.Existing[state.KeyOf([]string{"Name"}, func(string) string { return "Acme Records" })]; got.String("Id") != id {
				t.Errorf("Existing = %v, want the account %s", set.Existing, id)
			}
		})
	}
}
