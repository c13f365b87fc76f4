package metadata_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/metadata"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/<name>.golden (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", name, p, d)
	}
}

// elementOrder lists the names of root's direct children, in file order, so
// tests can check the order the Metadata API requires independently of the
// golden files.
func elementOrder(t *testing.T, b []byte) (root string, children []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				root = el.Name.Local
				if el.Name.Space != metadata.Namespace {
					t.Errorf("root %s namespace %q, want %q", root, el.Name.Space, metadata.Namespace)
				}
			}
			if depth == 2 {
				children = append(children, el.Name.Local)
			}
		case xml.EndElement:
			depth--
		}
	}
	return root, children
}

// inOrder checks that names appear in the order of ref (repeats allowed).
func inOrder(t *testing.T, what string, names, ref []string) {
	t.Helper()
	pos := map[string]int{}
	for i, r := range ref {
		pos[r] = i
	}
	last := -1
	for _, n := range names {
		p, ok := pos[n]
		if !ok {
			t.Errorf("%s: element %s is not in the reference order %v", what, n, ref)
			continue
		}
		if p < last {
			t.Errorf("%s: element %s out of order in %v (reference %v)", what, n, names, ref)
		}
		last = p
	}
}

func TestPackageXML(t *testing.T) {
	got, err := metadata.PackageXML("62.0", []metadata.Component{
		{Type: "Profile", FullName: "Admin"},
		{Type: "Settings", FullName: "Security"},
		{Type: "PermissionSet", FullName: "sfprov_Metadata_Permissions"},
		{Type: "Profile", FullName: "Custom%3A Sales"},
		{Type: "Profile", FullName: "Admin"}, // listed twice, written once
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "package.xml", got)
	root, children := elementOrder(t, got)
	if root != "Package" {
		t.Errorf("root %s", root)
	}
	// Package: ... types, uninstallClass, version (Metadata WSDL).
	inOrder(t, "Package", children, []string{"types", "version"})

	if _, err := metadata.PackageXML("", nil); err == nil {
		t.Error("no version: want an error")
	}
	if _, err := metadata.PackageXML("62.0", []metadata.Component{{Type: "Profile"}}); err == nil {
		t.Error("component without a name: want an error")
	}
}

func TestPackageManifestAndValidate(t *testing.T) {
	prof, err := metadata.ProfileFile(metadata.Profile{FullName: "Admin", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.Partner", Visible: true}}})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := metadata.SecuritySettingsFile(metadata.SecuritySettings{EnableAuditFieldsInactiveOwner: metadata.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	p := &metadata.Package{APIVersion: "62.0"}
	p.Add(prof, sec)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []metadata.Component{{Type: "Profile", FullName: "Admin"}, {Type: "Settings", FullName: "Security"}}
	if d := cmp.Diff(want, p.Components()); d != "" {
		t.Errorf("components (-want +got):\n%s", d)
	}
	m, err := p.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(m, []byte("<members>Security</members>\n        <name>Settings</name>")) {
		t.Errorf("manifest lacks Settings:Security:\n%s", m)
	}
	if prof.Path != "profiles/Admin.profile" || sec.Path != "settings/Security.settings" {
		t.Errorf("paths %s, %s", prof.Path, sec.Path)
	}

	bad := []struct {
		name string
		pkg  metadata.Package
	}{
		{"no version", metadata.Package{Files: []metadata.File{prof}}},
		{"no files", metadata.Package{APIVersion: "62.0"}},
		{"twice", metadata.Package{APIVersion: "62.0", Files: []metadata.File{prof, prof}}},
		{"escaping path", metadata.Package{APIVersion: "62.0", Files: []metadata.File{{Path: "../x.profile", Content: []byte("x"), Component: prof.Component}}}},
		{"root file", metadata.Package{APIVersion: "62.0", Files: []metadata.File{{Path: "x.profile", Content: []byte("x"), Component: prof.Component}}}},
		{"package.xml", metadata.Package{APIVersion: "62.0", Files: []metadata.File{{Path: "package.xml", Content: []byte("x"), Component: prof.Component}}}},
		{"no component", metadata.Package{APIVersion: "62.0", Files: []metadata.File{{Path: "profiles/x.profile", Content: []byte("x")}}}},
	}
	for _, b := range bad {
		if err := b.pkg.Validate(); err == nil {
			t.Errorf("%s: want an error", b.name)
		}
	}
}

func TestProfile(t *testing.T) {
	f, err := metadata.ProfileFile(metadata.Profile{
		FullName: "Integration_Profile",
		RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{
			{RecordType: "Account.Partner", Visible: true},
			{RecordType: "Account.Customer", Default: true, Visible: true},
			{RecordType: "Account.PersonAccount", PersonAccountDefault: metadata.Bool(true), Visible: true},
			{RecordType: "Case.Support", Visible: false},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "profiles/Integration_Profile.profile" || f.Component != (metadata.Component{Type: "Profile", FullName: "Integration_Profile"}) {
		t.Errorf("file %s %v", f.Path, f.Component)
	}
	golden(t, "Integration_Profile.profile", f.Content)
	root, children := elementOrder(t, f.Content)
	if root != "Profile" || strings.Join(children, ",") != "recordTypeVisibilities,recordTypeVisibilities,recordTypeVisibilities,recordTypeVisibilities" {
		t.Errorf("root %s children %v: only recordTypeVisibilities are written", root, children)
	}
	// Inside: default, personAccountDefault, recordType, visible.
	if !bytes.Contains(f.Content, []byte("<default>false</default>\n        <personAccountDefault>true</personAccountDefault>\n        <recordType>Account.PersonAccount</recordType>\n        <visible>true</visible>")) {
		t.Errorf("ProfileRecordTypeVisibility order:\n%s", f.Content)
	}
	if bytes.Count(f.Content, []byte("personAccountDefault")) != 2 {
		t.Errorf("personAccountDefault written where not given:\n%s", f.Content)
	}

	bad := map[string]metadata.Profile{
		"no name":                {RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.A", Visible: true}}},
		"nothing":                {FullName: "P"},
		"bad record type":        {FullName: "P", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Partner", Visible: true}}},
		"twice":                  {FullName: "P", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.A"}, {RecordType: "Account.A"}}},
		"hidden default":         {FullName: "P", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.A", Default: true}}},
		"two defaults":           {FullName: "P", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.A", Default: true, Visible: true}, {RecordType: "Account.B", Default: true, Visible: true}}},
		"two person defaults":    {FullName: "P", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.A", PersonAccountDefault: metadata.Bool(true), Visible: true}, {RecordType: "Account.B", PersonAccountDefault: metadata.Bool(true), Visible: true}}},
		"path separator in name": {FullName: "a/b", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.A", Visible: true}}},
	}
	for name, p := range bad {
		if _, err := metadata.ProfileFile(p); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	// One default per object: defaults on different objects are fine.
	if _, err := metadata.ProfileFile(metadata.Profile{FullName: "P", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{
		{RecordType: "Account.A", Default: true, Visible: true}, {RecordType: "Case.A", Default: true, Visible: true},
	}}); err != nil {
		t.Errorf("defaults on two objects: %v", err)
	}
}

func TestPermissionSet(t *testing.T) {
	f, err := metadata.PermissionSetFile(metadata.PermissionSet{
		FullName:    "sfprov_Metadata_Permissions",
		Label:       "sfprov Metadata Permissions",
		Description: "Permissions only the Metadata API sets & that sfprov owns",
		RecordTypeVisibilities: []metadata.PermissionSetRecordTypeVisibility{
			{RecordType: "Case.Support", Visible: true},
			{RecordType: "Account.Partner", Visible: true},
		},
		UserPermissions: []metadata.UserPermission{
			{Enabled: true, Name: "CanApproveUninstalledApps"},
			{Enabled: true, Name: "ApiEnabled"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "permissionsets/sfprov_Metadata_Permissions.permissionset" || f.Component.Type != "PermissionSet" {
		t.Errorf("file %s %v", f.Path, f.Component)
	}
	golden(t, "sfprov_Metadata_Permissions.permissionset", f.Content)
	_, children := elementOrder(t, f.Content)
	inOrder(t, "PermissionSet", children, []string{"applicationVisibilities", "classAccesses", "customMetadataTypeAccesses", "customPermissions", "description", "externalDataSourceAccesses", "fieldPermissions", "flowAccesses", "hasActivationRequired", "label", "license", "objectPermissions", "pageAccesses", "recordTypeVisibilities", "tabSettings", "userPermissions"})
	if !bytes.Contains(f.Content, []byte("<enabled>true</enabled>\n        <name>CanApproveUninstalledApps</name>")) {
		t.Errorf("userPermissions: enabled before name:\n%s", f.Content)
	}

	for name, ps := range map[string]metadata.PermissionSet{
		"no label":           {FullName: "X"},
		"long label":         {FullName: "X", Label: strings.Repeat("l", 81)},
		"bad record type":    {FullName: "X", Label: "X", RecordTypeVisibilities: []metadata.PermissionSetRecordTypeVisibility{{RecordType: "Account"}}},
		"permission twice":   {FullName: "X", Label: "X", UserPermissions: []metadata.UserPermission{{Name: "ApiEnabled"}, {Name: "ApiEnabled"}}},
		"unnamed permission": {FullName: "X", Label: "X", UserPermissions: []metadata.UserPermission{{Enabled: true}}},
	} {
		if _, err := metadata.PermissionSetFile(ps); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestSecuritySettings(t *testing.T) {
	f, err := metadata.SecuritySettingsFile(metadata.SecuritySettings{EnableAuditFieldsInactiveOwner: metadata.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "settings/Security.settings" || f.Component != (metadata.Component{Type: "Settings", FullName: "Security"}) {
		t.Errorf("file %s %v", f.Path, f.Component)
	}
	golden(t, "Security.settings", f.Content)
	root, children := elementOrder(t, f.Content)
	if root != "SecuritySettings" || strings.Join(children, ",") != "enableAuditFieldsInactiveOwner" {
		t.Errorf("root %s children %v: the preference is a direct child", root, children)
	}
	if _, err := metadata.SecuritySettingsFile(metadata.SecuritySettings{}); err == nil {
		t.Error("empty settings: want an error")
	}
}

func TestRemoteSite(t *testing.T) {
	f, err := metadata.RemoteSiteFile(metadata.RemoteSite{FullName: "Billing_API", Description: "Billing <prod>", IsActive: true, URL: "https://billing.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "remoteSiteSettings/Billing_API.remoteSite" || f.Component.Type != "RemoteSiteSetting" {
		t.Errorf("file %s %v", f.Path, f.Component)
	}
	golden(t, "Billing_API.remoteSite", f.Content)
	_, children := elementOrder(t, f.Content)
	if strings.Join(children, ",") != "description,disableProtocolSecurity,isActive,url" {
		t.Errorf("children %v", children)
	}
	for _, r := range []metadata.RemoteSite{
		{FullName: "1st", URL: "https://x.example.com"},
		{FullName: "a__b", URL: "https://x.example.com"},
		{FullName: "Ok", URL: "ftp://x.example.com"},
		{FullName: "Ok", URL: "not a url"},
	} {
		if _, err := metadata.RemoteSiteFile(r); err == nil {
			t.Errorf("%+v: want an error", r)
		}
	}
}

func ecaBundle() metadata.ExternalClientApp {
	return metadata.ExternalClientApp{
		Name:         "Order_Sync",
		Label:        "Order Sync",
		ContactEmail: "admin@example.com",
		Description:  "Middleware order sync, client credentials flow",
		OAuth:        &metadata.ECAOAuthSettings{Scopes: []string{"Api", "RefreshToken"}},
		GlobalOAuth: &metadata.ECAGlobalOAuthSettings{
			CallbackURLs:                   []string{"https://login.salesforce.com/services/oauth2/success", "http://localhost:1717/OauthRedirect"},
			Certificate:                    "MIIBszCCARygAwIBAgIJAO",
			IsClientCredentialsFlowEnabled: metadata.Bool(true),
			IsConsumerSecretOptional:       metadata.Bool(false),
			IsPkceRequired:                 metadata.Bool(true),
		},
		OAuthPolicies: &metadata.ECAOAuthPolicies{
			FullName:                   "Order_Sync_oauthPlcy",
			PermittedUsers:             "AdminApprovedPreAuthorized",
			PermissionSets:             []string{"Order_Sync_Integration", "sfprov_Metadata_Permissions"},
			IPRelaxation:               "Enforce",
			ClientCredentialsUser:      "order.sync@example.com.prod",
			RefreshTokenPolicy:         "SpecificLifetime",
			RefreshTokenValidityPeriod: 30,
			RefreshTokenValidityUnit:   "Days",
		},
		Policies: &metadata.ECAPolicies{FullName: "Order_Sync_plcy", IsEnabled: true, IsOauthPluginEnabled: metadata.Bool(true)},
	}
}

func TestExternalClientApp(t *testing.T) {
	files, err := metadata.ExternalClientAppFiles(ecaBundle())
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []struct{ path, typ, name string }{
		{"externalClientApps/Order_Sync.eca", "ExternalClientApplication", "Order_Sync"},
		{"extlClntAppOauthSettings/Order_Sync.ecaOauth", "ExtlClntAppOauthSettings", "Order_Sync"},
		{"extlClntAppGlobalOauthSets/Order_Sync.ecaGlblOauth", "ExtlClntAppGlobalOauthSettings", "Order_Sync"},
		{"extlClntAppOauthPolicies/Order_Sync_oauthPlcy.ecaOauthPlcy", "ExtlClntAppOauthConfigurablePolicies", "Order_Sync_oauthPlcy"},
		{"extlClntAppPolicies/Order_Sync_plcy.ecaPlcy", "ExtlClntAppConfigurablePolicies", "Order_Sync_plcy"},
	}
	if len(files) != len(wantFiles) {
		t.Fatalf("%d files, want %d", len(files), len(wantFiles))
	}
	// The reference pages' field tables, for the fields sfprov writes.
	order := map[string][]string{
		"ExternalClientApplication":            {"contactEmail", "contactPhone", "description", "distributionState", "iconUrl", "infoUrl", "isProtected", "label", "logoUrl", "managedType", "orgScopedExternalApp"},
		"ExtlClntAppOauthSettings":             {"commaSeparatedOauthScopes", "customAttributes", "externalClientApplication", "isFirstPartyAppEnabled", "label", "oauthLink", "singleLogoutUrl", "trustedIpRanges"},
		"ExtlClntAppGlobalOauthSettings":       {"callbackUrl", "certificate", "consumerKey", "consumerSecret", "externalClientApplication", "idTokenConfig", "isClientCredentialsFlowEnabled", "isCodeCredFlowEnabled", "isCodeCredPostOnly", "isConsumerSecretOptional", "isDeviceFlowEnabled", "isIntrospectAllTokens", "isNamedUserJwtEnabled", "isPkceRequired", "isRefreshTokenRotationEnabled", "isSecretRequiredForRefreshToken", "isSecretRequiredForTokenExchange", "isTokenExchangeEnabled", "label", "shouldRotateConsumerKey", "shouldRotateConsumerSecret"},
		"ExtlClntAppOauthConfigurablePolicies": {"apexHandler", "clientCredentialsFlowUser", "commaSeparatedCustomScopes", "commaSeparatedPermissionSet", "commaSeparatedProfile", "customAttributes", "executeHandlerAs", "externalClientApplication", "guestJwtTimeout", "guestJwtSessionTimeoutType", "ipRelaxationPolicyType", "isClientCredentialsFlowEnabled", "isGuestCodeCredFlowEnabled", "isNamedUserJwtEnabled", "isTokenExchangeFlowEnabled", "label", "namedUserJwtTimeout", "namedUserJwtSessionTimeoutType", "permittedUsersPolicyType", "policyAction", "refreshTokenPolicyType", "refreshTokenValidityPeriod", "refreshTokenValidityUnit", "requiredSessionLevel", "sessionTimeoutInMinutes", "singleLogoutUrl", "startUrl"},
		"ExtlClntAppConfigurablePolicies":      {"externalClientApplication", "isEnabled", "isCanvasPluginEnabled", "isMobilePluginEnabled", "isNotificationPluginEnabled", "isOauthPluginEnabled", "isPushPluginEnabled", "isSamlPluginEnabled", "label", "startPage", "startUrl"},
	}
	for i, w := range wantFiles {
		f := files[i]
		if f.Path != w.path || f.Component != (metadata.Component{Type: w.typ, FullName: w.name}) {
			t.Errorf("file %d: %s %v, want %s %s:%s", i, f.Path, f.Component, w.path, w.typ, w.name)
		}
		golden(t, filepath.Base(f.Path), f.Content)
		root, children := elementOrder(t, f.Content)
		if root != w.typ {
			t.Errorf("%s: root %s", f.Path, root)
		}
		inOrder(t, w.typ, children, order[w.typ])
		if w.typ != "ExternalClientApplication" && !bytes.Contains(f.Content, []byte("<externalClientApplication>Order_Sync</externalClientApplication>")) {
			t.Errorf("%s does not name its app", f.Path)
		}
	}
	policy := string(files[3].Content)
	for _, want := range []string{
		"<commaSeparatedPermissionSet>Order_Sync_Integration,sfprov_Metadata_Permissions</commaSeparatedPermissionSet>",
		"<clientCredentialsFlowUser>order.sync@example.com.prod</clientCredentialsFlowUser>",
		"<isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>",
	} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy lacks %s:\n%s", want, policy)
		}
	}
	if strings.Contains(string(files[2].Content), "consumerKey") {
		t.Errorf("consumerKey written though not given:\n%s", files[2].Content)
	}
	p := &metadata.Package{APIVersion: "62.0", Files: files}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := p.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "eca-package.xml", m)
}

func TestExternalClientAppRefusals(t *testing.T) {
	cases := map[string]func(a *metadata.ExternalClientApp){
		"bad name":              func(a *metadata.ExternalClientApp) { a.Name = "Order Sync" },
		"no label":              func(a *metadata.ExternalClientApp) { a.Label = "" },
		"internal state":        func(a *metadata.ExternalClientApp) { a.DistributionState = "Managed" },
		"no scopes":             func(a *metadata.ExternalClientApp) { a.OAuth.Scopes = nil },
		"OAuth string as scope": func(a *metadata.ExternalClientApp) { a.OAuth.Scopes = []string{"refresh token"} },
		"no callback":           func(a *metadata.ExternalClientApp) { a.GlobalOAuth.CallbackURLs = nil },
		"policy name unknown":   func(a *metadata.ExternalClientApp) { a.OAuthPolicies.FullName = "" },
		"plugin policy name":    func(a *metadata.ExternalClientApp) { a.Policies.FullName = "" },
		"enum":                  func(a *metadata.ExternalClientApp) { a.OAuthPolicies.PermittedUsers = "AdminApproved" },
		"ip enum":               func(a *metadata.ExternalClientApp) { a.OAuthPolicies.IPRelaxation = "ENFORCE" },
		"validity without policy": func(a *metadata.ExternalClientApp) {
			a.OAuthPolicies.RefreshTokenPolicy = "Infinite"
		},
		"preauthorised but self-authorized": func(a *metadata.ExternalClientApp) { a.OAuthPolicies.PermittedUsers = "AllSelfAuthorized" },
		"comma in permission set":           func(a *metadata.ExternalClientApp) { a.OAuthPolicies.PermissionSets = []string{"a,b"} },
	}
	for name, mutate := range cases {
		a := ecaBundle()
		mutate(&a)
		if _, err := metadata.ExternalClientAppFiles(a); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	// The header alone is a valid (if undeployable on its own) build.
	files, err := metadata.ExternalClientAppFiles(metadata.ExternalClientApp{Name: "A", Label: "A"})
	if err != nil || len(files) != 1 {
		t.Errorf("header only: %v, %d files", err, len(files))
	}
}

func TestPolicyNameHelpers(t *testing.T) {
	c := metadata.PolicyNameCandidates("Order_Sync")
	if len(c) == 0 || c[0] != "Order_Sync_defaultPolicy" {
		t.Errorf("candidates %v", c)
	}
	if !metadata.IsPolicyNameConflict("duplicate value found: ExternalClientApplicationId duplicates value on record with id: 0xI000000000001") {
		t.Error("conflict not recognised")
	}
	if metadata.IsPolicyNameConflict("duplicate value found: Name duplicates value on record with id: 005") {
		t.Error("unrelated duplicate recognised")
	}
}

func TestEscaping(t *testing.T) {
	f, err := metadata.RemoteSiteFile(metadata.RemoteSite{FullName: "Esc", Description: `a & b <c> "d"`, URL: "https://x.example.com/?a=1&b=2"})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Description string `xml:"description"`
		URL         string `xml:"url"`
	}
	if err := xml.Unmarshal(f.Content, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Description != `a & b <c> "d"` || doc.URL != "https://x.example.com/?a=1&b=2" {
		t.Errorf("round trip: %+v", doc)
	}
	app := metadata.ExternalClientApp{Name: "Esc", Label: "A & B", GlobalOAuth: &metadata.ECAGlobalOAuthSettings{CallbackURLs: []string{"https://x.example.com/cb?a=1&b=2", "https://y.example.com/cb"}}}
	files, err := metadata.ExternalClientAppFiles(app)
	if err != nil {
		t.Fatal(err)
	}
	var glbl struct {
		CallbackURL string `xml:"callbackUrl"`
		Label       string `xml:"label"`
	}
	if err := xml.Unmarshal(files[1].Content, &glbl); err != nil {
		t.Fatal(err)
	}
	if glbl.CallbackURL != "https://x.example.com/cb?a=1&b=2\nhttps://y.example.com/cb" || glbl.Label != "A & B" {
		t.Errorf("round trip: %+v", glbl)
	}
}
