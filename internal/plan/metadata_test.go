package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/state"
)

// TestOrgSettingsBeforeTheirPermissions: the audit-fields preference is
// deployed when the org lacks it, and the permission it brings is planned
// although the org's describe does not have it yet.
func TestOrgSettingsBeforeTheirPermissions(t *testing.T) {
	src := `version: 1
orgSettings:
  setAuditFieldsOnCreation: true
permissionSets:
  - name: Audit
    systemPermissions: [Set Audit Fields upon Record Creation]
`
	st := freshOrg()
	st.PermissionFields["PermissionsApiEnabled"] = true
	p, ds := Compute(parse(t, src), st, Options{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	want := []string{`update org settings "Security"`, `create permission set "Audit"`}
	if diff := cmp.Diff(want, titles(p)); diff != "" {
		t.Fatalf("steps (-want +got):\n%s", diff)
	}
	os := p.Steps[0]
	if KindOf(os.Type).Channel != ChannelMetadata || len(os.Metadata.Files) != 1 || os.Metadata.Files[0].Path != "settings/Security.settings" {
		t.Errorf("org settings step: %+v", os.Metadata)
	}
	if !strings.Contains(string(os.Metadata.Files[0].Content), "<enableAuditFieldsInactiveOwner>true</enableAuditFieldsInactiveOwner>") {
		t.Errorf("settings file:\n%s", os.Metadata.Files[0].Content)
	}
	if Wave(os.Type) >= Wave(p.Steps[1].Type) {
		t.Errorf("the preference must be deployed in a wave before the permission's")
	}
	// With the preference on, nothing to deploy.
	st.PermissionFields["PermissionsCreateAuditFields"] = true
	p, _ = Compute(parse(t, src), st, Options{})
	if got := titles(p); got[0] != `no-op org settings "Security"` {
		t.Errorf("steps = %q", got)
	}
}

// TestPackageInstall: a package the org lacks is installed, its key kept
// secret; one it has is a no-op.
func TestPackageInstall(t *testing.T) {
	src := `version: 1
variables:
  KEY: {secret: true}
packages:
  - namespace: acmepkg
    versionId: 04t000000000001AAA
    securityType: AllUsers
    password: ${KEY}
`
	st := freshOrg()
	p, ds := Compute(parse(t, src, "KEY=acme-key-7"), st, Options{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	s := p.Steps[0]
	if s.Action != Create || s.Package == nil || s.Package.VersionID != "04t000000000001AAA" || s.Package.SecurityType != "Full" || s.Package.InstallationKey != "acme-key-7" {
		t.Fatalf("step = %+v, package %+v", s, s.Package)
	}
	for _, c := range s.Changes {
		if c.After == "acme-key-7" {
			t.Errorf("the installation key shows in the plan: %+v", c)
		}
	}
	st.Packages["acmepkg"] = "2.4.0.1"
	p, _ = Compute(parse(t, src, "KEY=acme-key-7"), st, Options{})
	if p.HasChanges() {
		t.Errorf("an installed package plans %q", titles(p))
	}
}

// TestRecordTypeDefaults: a profile's default record type is deployed when
// it differs, and not when it matches; an unknown record type is an error
// that names the object's record types.
func TestRecordTypeDefaults(t *testing.T) {
	src := `version: 1
profiles:
  - name: Support
    recordTypeDefaults:
      - object: Account
        recordType: Partner
`
	st := freshOrg()
	st.Profiles["support"] = &state.Profile{ID: "00e000000000009AAA", Name: "Support", Perms: map[string]bool{}}
	d := &state.Describe{Name: "Account"}
	d.RecordTypeInfos = append(d.RecordTypeInfos, state.RecordTypeInfo{DeveloperName: "Partner", RecordTypeID: "012000000000001AAA"})
	st.Describes["account"] = d
	st.ProfileMeta = map[string]*state.ProfileMeta{"support": {FullName: "Support", RecordTypes: []state.RecordTypeVisibility{{RecordType: "Account.Partner", Visible: true}}}}
	p, ds := Compute(parse(t, src), st, Options{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var rt *Step
	for _, s := range p.Steps {
		if s.Type == TypeRecordTypeDefaults {
			rt = s
		}
	}
	if rt == nil {
		t.Fatalf("no record type step in %q", titles(p))
	}
	if diff := cmp.Diff([]Change{{Field: "Account.Partner", Before: "visible", After: "default"}}, rt.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	got := string(rt.Metadata.Files[0].Content)
	if rt.Metadata.Files[0].Path != "profiles/Support.profile" || !strings.Contains(got, "<recordType>Account.Partner</recordType>") || !strings.Contains(got, "<default>true</default>") {
		t.Errorf("%s:\n%s", rt.Metadata.Files[0].Path, got)
	}
	st.ProfileMeta["support"].RecordTypes[0].Default = true
	if p, _ = Compute(parse(t, src), st, Options{}); p.HasChanges() {
		t.Errorf("a matching default plans %q", titles(p))
	}
	_, ds = Compute(parse(t, strings.Replace(src, "Partner", "Partnr", 1)), st, Options{})
	if len(ds) != 1 || !strings.Contains(ds[0].String(), `profile "Support": object Account has no record type "Partnr"; it has Partner`) {
		t.Errorf("diagnostics = %v", ds)
	}
}
