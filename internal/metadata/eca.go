package metadata

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// External Client App metadata types (API 59.0+; ExtlClntAppConfigurablePolicies
// 60.0+). Type names, folders and suffixes are those of the Metadata API
// reference pages (meta_externalclientapplication.htm,
// meta_extlclntappoauthsettings.htm, meta_extlclntappglobaloauthsettings.htm,
// meta_extlclntappoauthconfigurablepolicies.htm,
// meta_extlclntappconfigurablepolicies.htm, v67). Note the abbreviated folder
// extlClntAppGlobalOauthSets and suffixes .ecaGlblOauth, .ecaOauthPlcy, .ecaPlcy.
const (
	TypeExternalClientApp = "ExternalClientApplication"            // externalClientApps/*.eca
	TypeECAOAuthSettings  = "ExtlClntAppOauthSettings"             // extlClntAppOauthSettings/*.ecaOauth
	TypeECAGlobalOAuth    = "ExtlClntAppGlobalOauthSettings"       // extlClntAppGlobalOauthSets/*.ecaGlblOauth
	TypeECAOAuthPolicies  = "ExtlClntAppOauthConfigurablePolicies" // extlClntAppOauthPolicies/*.ecaOauthPlcy
	TypeECAPolicies       = "ExtlClntAppConfigurablePolicies"      // extlClntAppPolicies/*.ecaPlcy
)

// ExternalClientApp is an External Client App bundle: the header file plus
// the parts given. Deploy the parts together: "A partial bundle reports the
// ECA created, then rolls back", and a global OAuth file without OAuth
// settings fails (integration-metadata-facts.md §3.2 trap 4; a practitioner
// write-up of a live v67 org: "The external client app configured in your
// global OAuth Settings doesn't have a valid OAuth settings configuration").
//
// Each file is declarative: an optional setting left out may be reset to
// its default on a re-deploy (a practitioner reports that leaving out
// certificate cleared the app's JWT certificate), so pass every setting the
// app should keep.
//
// Elements are written in the order of the reference pages' field tables,
// which is alphabetical and is also the order of retrieved files; out of
// order elements are reported to be dropped silently (§3.2 trap 4).
type ExternalClientApp struct {
	// Name is the app's API name: the header's file name and the
	// externalClientApplication of every other part ("a mismatch throws
	// INVALID_CROSS_REFERENCE_KEY", practitioner write-up).
	Name              string
	Label             string
	ContactEmail      string
	Description       string
	DistributionState string // "Local" (default) or "Packaged"
	IsProtected       bool

	OAuth         *ECAOAuthSettings
	GlobalOAuth   *ECAGlobalOAuthSettings
	OAuthPolicies *ECAOAuthPolicies
	Policies      *ECAPolicies
}

// ECAOAuthSettings is ExtlClntAppOauthSettings: the OAuth plugin's scopes.
type ECAOAuthSettings struct {
	FullName string // "" = the app's Name
	Label    string // "" = the app's Label
	// Scopes are Metadata scope names (Api, RefreshToken, Web, Full, ...; not
	// the OAuth strings api, refresh_token), written as
	// commaSeparatedOauthScopes.
	Scopes []string
}

// ECAGlobalOAuthSettings is ExtlClntAppGlobalOauthSettings: the consumer's
// global settings. Not packageable and secret-bearing: keep out of source
// control (meta_extlclntappglobaloauthsettings.htm). sfprov never writes a
// consumerSecret.
type ECAGlobalOAuthSettings struct {
	FullName string // "" = the app's Name
	Label    string // "" = the app's Label
	// CallbackURLs are written in the one callbackUrl element, one per line
	// (practitioner write-up, live org: "Multiple callback URLs go in ONE
	// element, newline-separated").
	CallbackURLs []string
	// Certificate enables the JWT bearer flow (API 60.0+), written as given.
	// UNCONFIRMED which form the server wants: the reference says "the
	// PEM-encoded certificate string"; practitioner tools send the base64
	// body without the BEGIN/END lines.
	Certificate string
	// ConsumerKey is written only when given. It cannot be changed once the
	// app exists: "Re-deploying a new one returns Succeeded and silently
	// keeps the OLD key" (§3.2 trap 4).
	ConsumerKey                     string
	IsClientCredentialsFlowEnabled  *bool // API 60.0+
	IsConsumerSecretOptional        *bool
	IsPkceRequired                  *bool // the reference's default is true
	IsRefreshTokenRotationEnabled   *bool // API 60.0+
	IsSecretRequiredForRefreshToken *bool
}

// ECAOAuthPolicies is ExtlClntAppOauthConfigurablePolicies: the admin's
// OAuth policies.
//
// The name trap: Salesforce generates this component when the app is first
// deployed, and a later deploy must use that generated fullName. Observed
// names differ: <App>_oauthPlcy and <App>_oauth_defaultPolicy
// (integration-metadata-facts.md §3.2 trap 1) and <App>_defaultPolicy (a
// practitioner write-up of a v67 org); deploying under another name fails
// with "duplicate value found: ExternalClientApplicationId duplicates value
// on …". The name cannot be read by Tooling SOQL (INVALID_TYPE
// 'ExtlClntAppOauthPlcyCnfg', trap 2); listMetadata or a retrieve shows it.
// So FullName has no default: the caller passes the name it discovered, or
// tries PolicyNameCandidates in turn, moving on when IsPolicyNameConflict
// matches the deploy failure. In a subscriber org the name has no namespace.
type ECAOAuthPolicies struct {
	FullName string
	Label    string // "" = FullName
	// PermittedUsers is AdminApprovedPreAuthorized or AllSelfAuthorized.
	PermittedUsers string
	// PermissionSets pre-authorised when AdminApprovedPreAuthorized, by API
	// NAME. The reference says "Permission set IDs", but live policies and
	// the reference's own sample use names, and IDs would differ per sandbox
	// (§3.2). Each set must already be assigned to the deploying admin (§3.2
	// trap 3).
	PermissionSets []string
	Profiles       []string // commaSeparatedProfile, by name
	// IPRelaxation is Enforce, Bypass, Bypass_2factor or Enforce_RelaxRefresh.
	IPRelaxation string
	// ClientCredentialsUser, when set, enables the client credentials flow
	// run as that username (isClientCredentialsFlowEnabled +
	// clientCredentialsFlowUser, API 60.0+; "This user must have the API Only
	// permission"). Usernames differ per sandbox.
	ClientCredentialsUser string
	// RefreshTokenPolicy is Infinite, SpecificInactivity, SpecificLifetime or
	// Zero; the validity applies to the two Specific* policies.
	RefreshTokenPolicy         string
	RefreshTokenValidityPeriod int
	RefreshTokenValidityUnit   string // Days, Hours, Months
}

// ECAPolicies is ExtlClntAppConfigurablePolicies: which plugins are on. Its
// fullName is generated like ECAOAuthPolicies' (observed <App>_defaultPolicy,
// <App>_plcy); the same rule applies.
type ECAPolicies struct {
	FullName             string
	Label                string // "" = FullName
	IsEnabled            bool   // required: false turns every plugin off
	IsOauthPluginEnabled *bool
}

// PolicyNameCandidates are the generated policy names practitioners report
// for app, most recent observation first. UNCONFIRMED which one a given org
// uses; the list may be incomplete.
func PolicyNameCandidates(app string) []string {
	return []string{app + "_defaultPolicy", app + "_oauthPlcy", app + "_oauth_defaultPolicy", app + "_plcy"}
}

// IsPolicyNameConflict reports whether a deploy problem says the app
// already has a policy under another name (§3.2 trap 1).
func IsPolicyNameConflict(problem string) bool {
	return strings.Contains(problem, "duplicate value found") && strings.Contains(problem, "ExternalClientApplicationId")
}

type ecaXML struct {
	XMLName           xml.Name `xml:"http://soap.sforce.com/2006/04/metadata ExternalClientApplication"`
	ContactEmail      string   `xml:"contactEmail,omitempty"`
	Description       string   `xml:"description,omitempty"`
	DistributionState string   `xml:"distributionState"`
	IsProtected       bool     `xml:"isProtected"`
	Label             string   `xml:"label"`
}

type ecaOAuthXML struct {
	XMLName                   xml.Name `xml:"http://soap.sforce.com/2006/04/metadata ExtlClntAppOauthSettings"`
	FullName                  string   `xml:"fullName,omitempty"` // only in what an org returns
	CommaSeparatedOauthScopes string   `xml:"commaSeparatedOauthScopes"`
	ExternalClientApplication string   `xml:"externalClientApplication"`
	Label                     string   `xml:"label"`
}

type ecaGlobalOAuthXML struct {
	XMLName                         xml.Name `xml:"http://soap.sforce.com/2006/04/metadata ExtlClntAppGlobalOauthSettings"`
	FullName                        string   `xml:"fullName,omitempty"` // only in what an org returns
	CallbackURL                     lines    `xml:"callbackUrl"`
	Certificate                     string   `xml:"certificate,omitempty"`
	ConsumerKey                     string   `xml:"consumerKey,omitempty"`
	ExternalClientApplication       string   `xml:"externalClientApplication"`
	IsClientCredentialsFlowEnabled  *bool    `xml:"isClientCredentialsFlowEnabled,omitempty"`
	IsConsumerSecretOptional        *bool    `xml:"isConsumerSecretOptional,omitempty"`
	IsPkceRequired                  *bool    `xml:"isPkceRequired,omitempty"`
	IsRefreshTokenRotationEnabled   *bool    `xml:"isRefreshTokenRotationEnabled,omitempty"`
	IsSecretRequiredForRefreshToken *bool    `xml:"isSecretRequiredForRefreshToken,omitempty"`
	Label                           string   `xml:"label"`
}

type ecaOAuthPoliciesXML struct {
	XMLName                        xml.Name `xml:"http://soap.sforce.com/2006/04/metadata ExtlClntAppOauthConfigurablePolicies"`
	FullName                       string   `xml:"fullName,omitempty"` // only in what an org returns
	ClientCredentialsFlowUser      string   `xml:"clientCredentialsFlowUser,omitempty"`
	CommaSeparatedPermissionSet    string   `xml:"commaSeparatedPermissionSet,omitempty"`
	CommaSeparatedProfile          string   `xml:"commaSeparatedProfile,omitempty"`
	ExternalClientApplication      string   `xml:"externalClientApplication"`
	IPRelaxationPolicyType         string   `xml:"ipRelaxationPolicyType,omitempty"`
	IsClientCredentialsFlowEnabled bool     `xml:"isClientCredentialsFlowEnabled"`
	Label                          string   `xml:"label"`
	PermittedUsersPolicyType       string   `xml:"permittedUsersPolicyType,omitempty"`
	RefreshTokenPolicyType         string   `xml:"refreshTokenPolicyType,omitempty"`
	RefreshTokenValidityPeriod     string   `xml:"refreshTokenValidityPeriod,omitempty"`
	RefreshTokenValidityUnit       string   `xml:"refreshTokenValidityUnit,omitempty"`
}

type ecaPoliciesXML struct {
	XMLName                   xml.Name `xml:"http://soap.sforce.com/2006/04/metadata ExtlClntAppConfigurablePolicies"`
	ExternalClientApplication string   `xml:"externalClientApplication"`
	IsEnabled                 bool     `xml:"isEnabled"`
	IsOauthPluginEnabled      *bool    `xml:"isOauthPluginEnabled,omitempty"`
	Label                     string   `xml:"label"`
}

// Documented values (meta_extlclntappoauthconfigurablepolicies.htm, v67).
var (
	permittedUsersValues = []string{"AdminApprovedPreAuthorized", "AllSelfAuthorized"}
	ipRelaxationValues   = []string{"Enforce", "Bypass", "Bypass_2factor", "Enforce_RelaxRefresh"}
	refreshPolicyValues  = []string{"Infinite", "SpecificInactivity", "SpecificLifetime", "Zero"}
	refreshUnitValues    = []string{"Days", "Hours", "Months"}
)

// ExternalClientAppFiles builds the bundle's files: the header, then each
// part given.
func ExternalClientAppFiles(app ExternalClientApp) ([]File, error) {
	if !isAPIName(app.Name) {
		return nil, fmt.Errorf("External Client App %q: the name must start with a letter and hold only letters, digits and single underscores", app.Name)
	}
	if strings.TrimSpace(app.Label) == "" {
		return nil, fmt.Errorf("External Client App %s: no label", app.Name)
	}
	state := app.DistributionState
	if state == "" {
		state = "Local"
	}
	if state != "Local" && state != "Packaged" {
		// AutoInstalled and Managed are "For internal use only".
		return nil, fmt.Errorf("External Client App %s: distribution state %q is not Local or Packaged", app.Name, state)
	}
	var files []File
	add := func(f File, err error) error {
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	}
	if err := add(file(TypeExternalClientApp, "externalClientApps", "eca", app.Name, ecaXML{
		ContactEmail: app.ContactEmail, Description: app.Description, DistributionState: state,
		IsProtected: app.IsProtected, Label: app.Label,
	})); err != nil {
		return nil, err
	}
	if o := app.OAuth; o != nil {
		if len(o.Scopes) == 0 {
			return nil, fmt.Errorf("External Client App %s: OAuth settings without scopes", app.Name)
		}
		for _, s := range o.Scopes {
			if !isAPIName(s) {
				return nil, fmt.Errorf("External Client App %s: OAuth scope %q is not a Metadata scope name (Api, RefreshToken, ...)", app.Name, s)
			}
		}
		if err := add(file(TypeECAOAuthSettings, "extlClntAppOauthSettings", "ecaOauth", or(o.FullName, app.Name), ecaOAuthXML{
			CommaSeparatedOauthScopes: strings.Join(o.Scopes, ", "),
			ExternalClientApplication: app.Name,
			Label:                     or(o.Label, app.Label),
		})); err != nil {
			return nil, err
		}
	}
	if g := app.GlobalOAuth; g != nil {
		if len(g.CallbackURLs) == 0 {
			return nil, fmt.Errorf("External Client App %s: global OAuth settings without a callback URL", app.Name)
		}
		for _, u := range g.CallbackURLs {
			if strings.TrimSpace(u) == "" || strings.ContainsAny(u, "\r\n") {
				return nil, fmt.Errorf("External Client App %s: bad callback URL %q", app.Name, u)
			}
		}
		if err := add(file(TypeECAGlobalOAuth, "extlClntAppGlobalOauthSets", "ecaGlblOauth", or(g.FullName, app.Name), ecaGlobalOAuthXML{
			CallbackURL:                     lines(strings.Join(g.CallbackURLs, "\n")),
			Certificate:                     g.Certificate,
			ConsumerKey:                     g.ConsumerKey,
			ExternalClientApplication:       app.Name,
			IsClientCredentialsFlowEnabled:  g.IsClientCredentialsFlowEnabled,
			IsConsumerSecretOptional:        g.IsConsumerSecretOptional,
			IsPkceRequired:                  g.IsPkceRequired,
			IsRefreshTokenRotationEnabled:   g.IsRefreshTokenRotationEnabled,
			IsSecretRequiredForRefreshToken: g.IsSecretRequiredForRefreshToken,
			Label:                           or(g.Label, app.Label),
		})); err != nil {
			return nil, err
		}
	}
	if p := app.OAuthPolicies; p != nil {
		doc, err := oauthPoliciesXML(app.Name, p)
		if err != nil {
			return nil, err
		}
		if err := add(file(TypeECAOAuthPolicies, "extlClntAppOauthPolicies", "ecaOauthPlcy", p.FullName, doc)); err != nil {
			return nil, err
		}
	}
	if p := app.Policies; p != nil {
		if p.FullName == "" {
			return nil, fmt.Errorf("External Client App %s: policies need the name Salesforce gave them (see PolicyNameCandidates)", app.Name)
		}
		if err := add(file(TypeECAPolicies, "extlClntAppPolicies", "ecaPlcy", p.FullName, ecaPoliciesXML{
			ExternalClientApplication: app.Name,
			IsEnabled:                 p.IsEnabled,
			IsOauthPluginEnabled:      p.IsOauthPluginEnabled,
			Label:                     or(p.Label, p.FullName),
		})); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func oauthPoliciesXML(app string, p *ECAOAuthPolicies) (ecaOAuthPoliciesXML, error) {
	fail := func(format string, args ...any) (ecaOAuthPoliciesXML, error) {
		return ecaOAuthPoliciesXML{}, fmt.Errorf("External Client App %s: OAuth policies: "+format, append([]any{app}, args...)...)
	}
	if p.FullName == "" {
		return fail("need the name Salesforce gave them (see PolicyNameCandidates)")
	}
	if err := oneOf("permitted users", p.PermittedUsers, permittedUsersValues); err != nil {
		return fail("%v", err)
	}
	if err := oneOf("IP relaxation", p.IPRelaxation, ipRelaxationValues); err != nil {
		return fail("%v", err)
	}
	if err := oneOf("refresh token policy", p.RefreshTokenPolicy, refreshPolicyValues); err != nil {
		return fail("%v", err)
	}
	if err := oneOf("refresh token validity unit", p.RefreshTokenValidityUnit, refreshUnitValues); err != nil {
		return fail("%v", err)
	}
	specific := strings.HasPrefix(p.RefreshTokenPolicy, "Specific")
	if specific != (p.RefreshTokenValidityPeriod > 0 && p.RefreshTokenValidityUnit != "") {
		return fail("a refresh token validity (period and unit) goes with, and only with, a Specific* refresh token policy")
	}
	if (len(p.PermissionSets) > 0 || len(p.Profiles) > 0) && p.PermittedUsers != "AdminApprovedPreAuthorized" {
		return fail("pre-authorised permission sets or profiles need permitted users AdminApprovedPreAuthorized")
	}
	for _, ps := range p.PermissionSets {
		if strings.TrimSpace(ps) == "" || strings.Contains(ps, ",") {
			return fail("bad permission set name %q", ps)
		}
	}
	for _, pr := range p.Profiles {
		if strings.TrimSpace(pr) == "" || strings.Contains(pr, ",") {
			return fail("bad profile name %q", pr)
		}
	}
	doc := ecaOAuthPoliciesXML{
		ClientCredentialsFlowUser:      p.ClientCredentialsUser,
		CommaSeparatedPermissionSet:    strings.Join(p.PermissionSets, ","),
		CommaSeparatedProfile:          strings.Join(p.Profiles, ","),
		ExternalClientApplication:      app,
		IPRelaxationPolicyType:         p.IPRelaxation,
		IsClientCredentialsFlowEnabled: p.ClientCredentialsUser != "",
		Label:                          or(p.Label, p.FullName),
		PermittedUsersPolicyType:       p.PermittedUsers,
		RefreshTokenPolicyType:         p.RefreshTokenPolicy,
		RefreshTokenValidityUnit:       p.RefreshTokenValidityUnit,
	}
	if p.RefreshTokenValidityPeriod > 0 {
		doc.RefreshTokenValidityPeriod = strconv.Itoa(p.RefreshTokenValidityPeriod)
	}
	return doc, nil
}

// oneOf accepts "" (not written) or one of the documented values.
func oneOf(what, v string, values []string) error {
	if v == "" {
		return nil
	}
	for _, ok := range values {
		if v == ok {
			return nil
		}
	}
	return fmt.Errorf("%s %q is not one of %s", what, v, strings.Join(values, ", "))
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// lines is text whose line breaks are written as they are, as in the files
// practitioners deploy, rather than as &#xA; (the same text to an XML parser).
type lines string

func (l lines) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	// CharData tokens escape <, >, & and quotes but keep newlines.
	if err := e.EncodeToken(xml.CharData(l)); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}
