package metadata_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/metadata"
)

// An org's copy of the parts, as the client rewrites a readMetadata record.
const orgGlobal = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Order_Sync</fullName><callbackUrl>https://a.example/cb
http://localhost:1717/OauthRedirect</callbackUrl><certificate>MIIB</certificate><consumerKey>3MVG9key</consumerKey><consumerSecret>S3CR3T</consumerSecret><externalClientApplication>Order_Sync</externalClientApplication><isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled><label>Order Sync</label></ExtlClntAppGlobalOauthSettings>`

func TestDecodeECAParts(t *testing.T) {
	g, err := metadata.DecodeECAGlobalOAuth([]byte(orgGlobal))
	if err != nil {
		t.Fatal(err)
	}
	want := &metadata.ECAGlobalOAuthSettings{FullName: "Order_Sync", Label: "Order Sync", CallbackURLs: []string{"https://a.example/cb", "http://localhost:1717/OauthRedirect"},
		Certificate: "MIIB", ConsumerKey: "3MVG9key", IsClientCredentialsFlowEnabled: metadata.Bool(true)}
	if d := cmp.Diff(want, g); d != "" {
		t.Errorf("global OAuth (-want +got):\n%s", d)
	}
	// The secret goes no further than the decoder.
	if strings.Contains(strings.Join([]string{g.FullName, g.Label, g.Certificate, g.ConsumerKey}, " "), "S3CR3T") {
		t.Error("the consumer secret was kept")
	}
	p, err := metadata.DecodeECAOAuthPolicies([]byte(`<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Order_Sync_oauthPlcy</fullName>` +
		`<clientCredentialsFlowUser>u@example.com</clientCredentialsFlowUser><commaSeparatedPermissionSet>A, B</commaSeparatedPermissionSet><externalClientApplication>Order_Sync</externalClientApplication>` +
		`<ipRelaxationPolicyType>Bypass</ipRelaxationPolicyType><isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled><label>P</label><permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>` +
		`<refreshTokenPolicyType>SpecificLifetime</refreshTokenPolicyType><refreshTokenValidityPeriod>90</refreshTokenValidityPeriod><refreshTokenValidityUnit>Days</refreshTokenValidityUnit></ExtlClntAppOauthConfigurablePolicies>`))
	if err != nil {
		t.Fatal(err)
	}
	wantP := &metadata.ECAOAuthPolicies{FullName: "Order_Sync_oauthPlcy", Label: "P", PermittedUsers: "AdminApprovedPreAuthorized", PermissionSets: []string{"A", "B"},
		IPRelaxation: "Bypass", ClientCredentialsUser: "u@example.com", RefreshTokenPolicy: "SpecificLifetime", RefreshTokenValidityPeriod: 90, RefreshTokenValidityUnit: "Days"}
	if d := cmp.Diff(wantP, p); d != "" {
		t.Errorf("policies (-want +got):\n%s", d)
	}
	if _, err := metadata.DecodeECAOAuthPolicies([]byte(`<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata"><refreshTokenValidityPeriod>ninety</refreshTokenValidityPeriod></ExtlClntAppOauthConfigurablePolicies>`)); err == nil ||
		!strings.Contains(err.Error(), `refreshTokenValidityPeriod "ninety" is not a number`) {
		t.Errorf("err = %v", err)
	}
}

func TestScopeName(t *testing.T) {
	for in, want := range map[string]string{"api": "Api", "refresh_token": "RefreshToken", "id": "Basic", "openid": "OpenID", "visualforce": "CustomApplications", "API": "Api"} {
		if got, ok := metadata.ScopeName(in); !ok || got != want {
			t.Errorf("ScopeName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := metadata.ScopeName("cdp_query_api"); ok {
		t.Errorf("cdp_query_api has no known name, got %q", got)
	}
}

func TestUnread(t *testing.T) {
	files, err := metadata.ExternalClientAppFiles(ecaBundle())
	if err != nil {
		t.Fatal(err)
	}
	global := files[2].Content
	// The org's copy: its own key, the secret, the certificate re-wrapped,
	// the settings in its own spacing.
	missing, err := metadata.Unread(global, []byte(orgGlobal), "certificate", "consumerKey")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"callbackUrl = https://login.salesforce.com/services/oauth2/success\nhttp://localhost:1717/OauthRedirect", "isConsumerSecretOptional = false", "isPkceRequired = true"}
	if d := cmp.Diff(want, missing); d != "" {
		t.Errorf("Unread (-want +got):\n%s", d)
	}
	// Lists compare without the spaces after commas.
	pol := files[3].Content
	org := strings.Replace(string(pol), "Order_Sync_Integration,sfprov_Metadata_Permissions", "Order_Sync_Integration, sfprov_Metadata_Permissions", 1)
	if missing, err := metadata.Unread(pol, []byte(org)); err != nil || len(missing) != 0 {
		t.Errorf("Unread = %q, %v", missing, err)
	}
	if _, err := metadata.Unread(pol, []byte("<broken")); err == nil {
		t.Error("a broken copy read as fine")
	}
}

func TestMergedPermissionSetFile(t *testing.T) {
	current := json.RawMessage(`{"applicationVisibilities":[],"description":null,"fieldPermissions":[{"editable":true,"field":"Account.Phone","readable":true}],` +
		`"hasActivationRequired":false,"label":"Coconut & Co","license":null,"objectPermissions":[{"allowCreate":false,"allowDelete":false,"allowEdit":false,"allowRead":true,"modifyAllRecords":false,"object":"Account","viewAllFields":false,"viewAllRecords":false}],` +
		`"recordTypeVisibilities":[{"recordType":"Account.Business","visible":true},{"recordType":"Account.PersonAccount","visible":false}],` +
		`"userPermissions":[{"enabled":true,"name":"ApiEnabled"}],"urls":null,"fullName":"Coconut"}`)
	f, err := metadata.MergedPermissionSetFile("Coconut", current, metadata.PermissionSetChanges{
		RecordTypes: map[string]bool{"Account.PersonAccount": true}, UserPermissions: []string{"CanApproveUninstalledApps", "ApiEnabled"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "permissionsets/Coconut.permissionset" || f.Component != (metadata.Component{Type: "PermissionSet", FullName: "Coconut"}) {
		t.Errorf("file %s %v", f.Path, f.Component)
	}
	golden(t, "permissionset-merged.xml", f.Content)
	if _, err := metadata.MergedPermissionSetFile("X", json.RawMessage(`{"label":""}`), metadata.PermissionSetChanges{}); err == nil {
		t.Error("a set without a label was merged")
	}
}
