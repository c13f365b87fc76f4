package export

import (
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

func access() *state.UserAccess {
	return &state.UserAccess{
		User: state.UserFields{
			ID: "005000000000001AAA", Username: "svc.api@acme.com", FirstName: "", LastName: "Svc Api",
			Email: "it@acme.com", Alias: "svcapi", TimeZone: "Europe/Paris", Locale: "fr_FR", Language: "fr",
			EmailEncoding: "UTF-8", Active: false, Title: "Robot", ProfileName: "Svc Profile",
		},
		Profile: &state.AccessHolder{ID: "0PS000000000001AAA", Name: "Svc Profile", Custom: true, AccessRead: true,
			Description: "made by hand",
			Perms:       []string{"PermissionsApiEnabled", "PermissionsCanApproveUninstalledApps", "PermissionsNoSuchThing"},
			Objects:     map[string][]string{"Account": {"PermissionsRead"}, "Mystery": {"PermissionsRead"}},
			Fields:      map[string]map[string]string{"Account": {"Phone": "edit"}},
		},
		Sets: []*state.AccessHolder{
			{ID: "0PS000000000002AAA", Name: "Svc_Access", Label: "Svc Access", Custom: true, AccessRead: true, Licence: "Salesforce API Integration",
				Perms:         []string{"PermissionsViewSetup"},
				MetadataPerms: []string{"CanApproveUninstalledApps", "ViewSetup"},
				Objects:       map[string][]string{"Widget__c": {"PermissionsCreate", "PermissionsRead"}},
				RecordTypes:   []string{"Account.Business"},
				ConnectedApps: []string{"Vendor App"}, ApexClasses: []string{"vend__Callback"},
				Fields: map[string]map[string]string{}},
			{ID: "0PS000000000003AAA", Name: "Config", Namespace: "vend", Custom: true, AccessRead: true},
		},
		Licences: []string{"Salesforce API Integration"},
		Groups: []*state.GroupMembers{
			{Name: "Svc_Group", Label: "Service Group", Members: []string{"Member_Set", "vend__Role"}},
			{Name: "Agents", Namespace: "vend", Label: "Agents"},
		},
		GroupSets: []*state.AccessHolder{{ID: "0PS000000000004AAA", Name: "Member_Set", Label: "Member Set", Custom: true, AccessRead: true,
			Objects: map[string][]string{}, Fields: map[string]map[string]string{}}},
	}
}

func TestBuild(t *testing.T) {
	res, err := Build(access(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.YAML)
	for _, want := range []string{
		"  - username: svc.api@${ORG_DOMAIN}\n",
		"    email: ${ADMIN_EMAIL}\n",
		"  ORG_DOMAIN: {description: the domain of the username (svc.api@ORG_DOMAIN), default: acme.com}\n",
		// The default alias (from the last name) and encoding are left out.
		"    lastName: Svc Api\n    email: ${ADMIN_EMAIL}\n    profile: Svc Profile\n",
		"    timeZone: Europe/Paris\n    locale: fr_FR\n    language: fr\n    active: false\n",
		"    fields: {Title: Robot}\n",
		// A custom profile in full, without cloneFrom (it would copy access).
		"profiles:\n  - name: Svc Profile\n    description: made by hand\n    systemPermissions: [API Enabled]\n    objects:\n      - object: Account\n        access: [read]\n        fields: {Phone: edit}\n",
		// The set with its licence, Metadata-only permission, record types, app and class.
		"  - name: Svc_Access\n    license: Salesforce API Integration\n    systemPermissions: [Approve Uninstalled Connected Apps, View Setup and Configuration]\n",
		"      - object: Account\n        recordTypes: [Business]\n      - object: Widget__c\n        access: [read, create]\n",
		"    connectedApps: [Vendor App]\n    apexClasses: [vend__Callback]\n",
		// Managed sets and groups by name, where their package is.
		"      - {name: vend__Config, if: 'package:vend'}\n",
		"      - {name: vend__Agents, if: 'package:vend'}\n",
		"  - name: Svc_Group\n    label: Service Group\n    permissionSets:\n      - Member_Set\n      - {name: vend__Role, if: 'package:vend'}\n",
		"  - name: Member_Set\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks\n%s\n--- export:\n%s", want, out)
		}
	}
	for _, not := range []string{"alias:", "emailEncoding:", "cloneFrom:", "password", "label: Svc Access", "name: Config\n", "Mystery"} {
		if strings.Contains(strings.SplitN(out, "version: 1", 2)[1], not) {
			t.Errorf("export has %q:\n%s", not, out)
		}
	}
	want := []string{
		`profile "Svc Profile": left out 1 system permission(s) that sfprov does not know: NoSuchThing`,
		`profile "Svc Profile": left out Approve Uninstalled Connected Apps: on a profile only Setup sets it, and sfprov cannot read it`,
		`profile "Svc Profile": left out the access to Mystery: not a standard object sfprov knows, nor a custom one`,
	}
	if strings.Join(res.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(res.Warnings, "\n"), strings.Join(want, "\n"))
	}
	// The YAML is the spec.
	back, ds := spec.Parse("x.yaml", res.YAML, spec.Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	if back.Users[0].Username.Value != "svc.api@acme.com" || back.Users[0].Email.Value != "it@acme.com" {
		t.Errorf("read back: %+v", back.Users[0])
	}
}

func TestBuildStandardProfileByName(t *testing.T) {
	ua := access()
	ua.Profile = &state.AccessHolder{Name: "Standard User", Custom: false}
	ua.User.ProfileName = "Standard User"
	ua.User.Alias = "other"
	ua.User.EmailEncoding = "ISO-8859-1"
	ua.User.Email = "ops@elsewhere.org"
	res, err := Build(ua, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.YAML)
	if strings.Contains(out, "\nprofiles:") || !strings.Contains(out, "    profile: Standard User\n") {
		t.Errorf("a standard profile goes by name only:\n%s", out)
	}
	if !strings.Contains(out, "    alias: other\n") || !strings.Contains(out, "    emailEncoding: ISO-8859-1\n") || !strings.Contains(out, "default: ops@elsewhere.org}") {
		t.Errorf("alias, encoding or email:\n%s", out)
	}
}

func TestSpecName(t *testing.T) {
	for in, want := range map[string]string{"svc.api": "svc-api", "A_B": "a-b", "__": "exported-user", "x9": "x9"} {
		if got := specName(in); got != want {
			t.Errorf("specName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildFieldShorthand(t *testing.T) {
	ua := access()
	ua.Sets = []*state.AccessHolder{{ID: "0PS000000000002AAA", Name: "Fields", Label: "Fields", Custom: true, AccessRead: true,
		Objects: map[string][]string{},
		Fields: map[string]map[string]string{
			"Contact": {"Email": "edit", "Formula__c": "read"}, // every field, edit where it can be: all-edit
			"Lead":    {"Email": "read", "Formula__c": "read"}, // every field read: all-read
			"Case":    {"Subject": "edit"},                     // not every field: as listed
			"Event":   {"Location": "edit", "WhoId": "read"},   // editable WhoId only read: as listed
		}}}
	ua.GroupSets = nil
	ua.Groups = nil
	ua.FieldsOf = map[string][]state.PermissionableField{
		"contact": {{Name: "Email", Editable: true}, {Name: "Formula__c"}},
		"lead":    {{Name: "Email", Editable: true}, {Name: "Formula__c"}},
		"case":    {{Name: "Subject", Editable: true}, {Name: "Origin", Editable: true}},
		"event":   {{Name: "Location", Editable: true}, {Name: "WhoId", Editable: true}},
	}
	res, err := Build(ua, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "      - object: Case\n        fields: {Subject: edit}\n" +
		"      - object: Contact\n        fields: all-edit\n" +
		"      - object: Event\n        fields: {Location: edit, WhoId: read}\n" +
		"      - object: Lead\n        fields: all-read\n"
	if !strings.Contains(string(res.YAML), want) {
		t.Errorf("export lacks\n%s\n--- export:\n%s", want, res.YAML)
	}
}
