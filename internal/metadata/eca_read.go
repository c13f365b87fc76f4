package metadata

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The read side of External Client Apps: the parts as an org returns them
// (a readMetadata record rewritten as a file by the client, whose elements
// are those of the deployed file plus fullName and generated values such as
// oauthLink), decoded into the structs the builders take, so that a caller
// compares like with like.

// DecodeECAOAuthSettings reads an ExtlClntAppOauthSettings document.
func DecodeECAOAuthSettings(b []byte) (*ECAOAuthSettings, error) {
	var d ecaOAuthXML
	if err := xml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", TypeECAOAuthSettings, err)
	}
	return &ECAOAuthSettings{FullName: d.FullName, Label: d.Label, Scopes: splitList(d.CommaSeparatedOauthScopes)}, nil
}

// DecodeECAGlobalOAuth reads an ExtlClntAppGlobalOauthSettings document. A
// consumerSecret in it is dropped here, so that it goes no further: sfprov
// never needs it and must never show it.
func DecodeECAGlobalOAuth(b []byte) (*ECAGlobalOAuthSettings, error) {
	var d ecaGlobalOAuthXML
	if err := xml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", TypeECAGlobalOAuth, err)
	}
	g := &ECAGlobalOAuthSettings{
		FullName: d.FullName, Label: d.Label, Certificate: strings.TrimSpace(d.Certificate), ConsumerKey: d.ConsumerKey,
		IsClientCredentialsFlowEnabled: d.IsClientCredentialsFlowEnabled, IsConsumerSecretOptional: d.IsConsumerSecretOptional,
		IsPkceRequired: d.IsPkceRequired, IsRefreshTokenRotationEnabled: d.IsRefreshTokenRotationEnabled,
		IsSecretRequiredForRefreshToken: d.IsSecretRequiredForRefreshToken,
	}
	for _, u := range strings.Split(string(d.CallbackURL), "\n") {
		if u = strings.TrimSpace(u); u != "" {
			g.CallbackURLs = append(g.CallbackURLs, u)
		}
	}
	return g, nil
}

// DecodeECAOAuthPolicies reads an ExtlClntAppOauthConfigurablePolicies
// document.
func DecodeECAOAuthPolicies(b []byte) (*ECAOAuthPolicies, error) {
	var d ecaOAuthPoliciesXML
	if err := xml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", TypeECAOAuthPolicies, err)
	}
	p := &ECAOAuthPolicies{
		FullName: d.FullName, Label: d.Label, PermittedUsers: d.PermittedUsersPolicyType,
		PermissionSets: splitList(d.CommaSeparatedPermissionSet), Profiles: splitList(d.CommaSeparatedProfile),
		IPRelaxation: d.IPRelaxationPolicyType, RefreshTokenPolicy: d.RefreshTokenPolicyType,
		RefreshTokenValidityUnit: d.RefreshTokenValidityUnit,
	}
	if d.IsClientCredentialsFlowEnabled {
		p.ClientCredentialsUser = d.ClientCredentialsFlowUser
	}
	if d.RefreshTokenValidityPeriod != "" {
		n, err := strconv.Atoi(strings.TrimSpace(d.RefreshTokenValidityPeriod))
		if err != nil {
			return nil, fmt.Errorf("%s %s: refreshTokenValidityPeriod %q is not a number", TypeECAOAuthPolicies, d.FullName, d.RefreshTokenValidityPeriod)
		}
		p.RefreshTokenValidityPeriod = n
	}
	return p, nil
}

// splitList reads a comma-separated list ("Api, RefreshToken"), trimmed.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// scopeNames maps the OAuth scope strings an admin knows (the scope
// parameter values, developer.salesforce.com mobile-sdk
// oauth-scope-parameter-values) to the Metadata scope names an ECA's
// commaSeparatedOauthScopes holds. The names are those of the ConnectedApp
// type's scopes enumeration (salesforce-api-facts.md §7: Basic, Api, Web,
// Full, Chatter, CustomApplications, RefreshToken, OpenID, Profile, Email,
// Address, Phone, OfflineAccess, CustomPermissions, Wave, Eclair), which
// retrieved ECA files use too ("Api, RefreshToken", "Basic, Web", "Api, Web,
// OpenID" in the reference's sample and practitioners' files). "id" is the
// Basic scope ("Access the identity URL service"). Pardot, Lightning,
// Content, Visualforce and MCP are names seen in practitioners' files and
// UNCONFIRMED against a reference; scopes without a known name are refused
// by ScopeName rather than guessed.
var scopeNames = map[string]string{
	"api": "Api", "web": "Web", "full": "Full", "id": "Basic", "openid": "OpenID", "profile": "Profile",
	"email": "Email", "address": "Address", "phone": "Phone", "refresh_token": "RefreshToken",
	"offline_access": "OfflineAccess", "chatter_api": "Chatter", "custom_permissions": "CustomPermissions",
	"wave_api": "Wave", "eclair_api": "Eclair", "visualforce": "CustomApplications", "pardot_api": "Pardot",
	"lightning": "Lightning", "content": "Content", "mcp_api": "MCP",
}

// ScopeName returns the Metadata name of an OAuth scope string ("api" →
// "Api"), and false when sfprov knows none.
func ScopeName(oauth string) (string, bool) {
	n, ok := scopeNames[strings.ToLower(oauth)]
	return n, ok
}

// SameList reports whether two lists hold the same items, in any order and
// case.
func SameList(a, b []string) bool {
	norm := func(in []string) string {
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = strings.ToLower(strings.TrimSpace(s))
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	return norm(a) == norm(b)
}
