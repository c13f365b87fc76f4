package emulator

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sfprov/sfprov/internal/emulator/sfid"
)

// Seed describes an org beyond the default fresh org (issue 3, "Seeding").
// Every key is optional; LoadSeed refuses any key not listed here.
type Seed struct {
	PersonAccounts bool          `yaml:"personAccounts" json:"personAccounts,omitempty"`
	Sandbox        bool          `yaml:"sandbox" json:"sandbox,omitempty"`
	Licenses       []SeedLicense `yaml:"licenses" json:"licenses,omitempty"`
	Packages       []SeedPackage `yaml:"packages" json:"packages,omitempty"`
	// AvailablePackages are package versions a PackageInstallRequest can
	// install (packages_install.go); they are not installed until then.
	AvailablePackages []SeedPackage `yaml:"availablePackages" json:"availablePackages,omitempty"`
	Objects           []SeedObject  `yaml:"objects" json:"objects,omitempty"`
	Users             []SeedUser    `yaml:"users" json:"users,omitempty"`
	// SOAPLogin enables the SOAP login() call, which new orgs have disabled
	// by default (facts §11).
	SOAPLogin bool `yaml:"soapLogin" json:"soapLogin,omitempty"`
	// OAuthApp describes the connected app that Options.ClientID names: its
	// ConnectedApplication row and its permitted-users policy.
	OAuthApp *SeedOAuthApp `yaml:"oauthApp" json:"oauthApp,omitempty"`
	// OrgPreferences turns org preferences on; some add permission fields
	// to PermissionSet and Profile (schema/userperms.tsv "pref").
	OrgPreferences *SeedOrgPreferences `yaml:"orgPreferences" json:"orgPreferences,omitempty"`
	// PermissionDependencies changes the org's PermissionDependency rows
	// (org_permdeps.go): the fresh org's, less Remove, plus Add.
	PermissionDependencies *SeedPermissionDependencies `yaml:"permissionDependencies" json:"permissionDependencies,omitempty"`
	// OAuthTokens and LoginHistory plant OauthToken and LoginHistory rows
	// (audit.go) for the seed's users or the admin.
	OAuthTokens  []SeedOAuthToken `yaml:"oauthTokens" json:"oauthTokens,omitempty"`
	LoginHistory []SeedLogin      `yaml:"loginHistory" json:"loginHistory,omitempty"`
}

// SeedOrgPreferences are org preferences, by their Metadata API names.
type SeedOrgPreferences struct {
	// EnableAuditFieldsInactiveOwner is SecuritySettings.enableAuditFieldsInactiveOwner
	// (Setup's "Enable 'Set Audit Fields upon Record Creation' and 'Update
	// Records with Inactive Owners' User Permissions", facts §14); off in a
	// new org. With it on, PermissionsCreateAuditFields and
	// PermissionsUpdateWithInactiveOwner exist.
	EnableAuditFieldsInactiveOwner bool `yaml:"enableAuditFieldsInactiveOwner" json:"enableAuditFieldsInactiveOwner,omitempty"`
}

// enabled returns the preferences that are on, by name (schema.Preferences).
func (p *SeedOrgPreferences) enabled() map[string]bool {
	if p == nil {
		return nil
	}
	return map[string]bool{"enableAuditFieldsInactiveOwner": p.EnableAuditFieldsInactiveOwner}
}

// SeedPermissionDependencies edits the PermissionDependency table: Remove
// drops rows (a test can then run against an org that lacks one), Add adds
// rows (one that has more).
type SeedPermissionDependencies struct {
	Remove []SeedPermissionDependency `yaml:"remove" json:"remove,omitempty"`
	Add    []SeedPermissionDependency `yaml:"add" json:"add,omitempty"`
}

// SeedPermissionDependency is a PermissionDependency row, in the object's
// own terms: user permissions by Metadata API name ("ViewSetup"), object
// permissions as Object<verb> ("Account<read>"). The types default from the
// names ("Object Permission" for Object<verb>, else "User Permission"). In
// Remove, an empty RequiredPermission (or type) matches any.
type SeedPermissionDependency struct {
	Permission             string `yaml:"permission" json:"permission"`
	PermissionType         string `yaml:"permissionType" json:"permissionType,omitempty"`
	RequiredPermission     string `yaml:"requiredPermission" json:"requiredPermission,omitempty"`
	RequiredPermissionType string `yaml:"requiredPermissionType" json:"requiredPermissionType,omitempty"`
}

// SeedOAuthApp is the connected app behind the emulator's OAuth client.
type SeedOAuthApp struct {
	Name           string `yaml:"name" json:"name"`
	PermittedUsers string `yaml:"permittedUsers" json:"permittedUsers,omitempty"` // allSelfAuthorize (default) | adminApproved(PreAuthorize)
	// RunAs is the username the client_credentials grant runs as (the app's
	// "Run As" user, facts §11); "" = the admin.
	RunAs string `yaml:"runAs" json:"runAs,omitempty"`
}

// SeedLicense sets the seat count of a user licence (by Name) or of a
// permission set licence (by DeveloperName or MasterLabel).
type SeedLicense struct {
	Name  string `yaml:"name" json:"name"`
	Seats int    `yaml:"seats" json:"seats"`
}

// SeedPackage is a managed package: installed (Seed.Packages) or available
// to install (Seed.AvailablePackages).
type SeedPackage struct {
	// VersionID is the package version's Id (04t…), the
	// SubscriberPackageVersionKey of an install; "" gives an installed
	// package a generated one.
	VersionID      string             `yaml:"versionId" json:"versionId,omitempty"`
	Namespace      string             `yaml:"namespace" json:"namespace"`
	Name           string             `yaml:"name" json:"name"`
	Version        string             `yaml:"version" json:"version"`
	PermissionSets []string           `yaml:"permissionSets" json:"permissionSets,omitempty"`
	ConnectedApps  []SeedConnectedApp `yaml:"connectedApps" json:"connectedApps,omitempty"`
	// Objects are the package's custom objects and fields (names carry the
	// namespace, acmepkg__Widget__c).
	Objects []SeedObject `yaml:"objects" json:"objects,omitempty"`
	// InstallationKey protects an available package: an install must give
	// it as PackageInstallRequest.Password ("" = no key).
	InstallationKey string `yaml:"installationKey" json:"installationKey,omitempty"`
}

// SeedConnectedApp is a connected app installed by a package.
type SeedConnectedApp struct {
	Name           string `yaml:"name" json:"name"`
	PermittedUsers string `yaml:"permittedUsers" json:"permittedUsers,omitempty"` // allSelfAuthorize | adminApproved(PreAuthorize)
	IPRelaxation   string `yaml:"ipRelaxation" json:"ipRelaxation,omitempty"`     // enforce | relax | relaxWithSecondFactor (or bypass | bypass2fa | enforceRelaxRefresh)
}

// SeedObject is a custom object with its fields.
type SeedObject struct {
	Name   string      `yaml:"name" json:"name"`
	Label  string      `yaml:"label" json:"label,omitempty"`
	Fields []SeedField `yaml:"fields" json:"fields,omitempty"`
}

// SeedField is a custom field.
type SeedField struct {
	Name       string `yaml:"name" json:"name"`
	Type       string `yaml:"type" json:"type"`
	ExternalID bool   `yaml:"externalId" json:"externalId,omitempty"` // an External ID field (upsert key)
}

// SeedUser is an extra user; Password enables the password grant for it.
type SeedUser struct {
	Username  string `yaml:"username" json:"username"`
	FirstName string `yaml:"firstName" json:"firstName,omitempty"`
	LastName  string `yaml:"lastName" json:"lastName"`
	Email     string `yaml:"email" json:"email,omitempty"`
	Alias     string `yaml:"alias" json:"alias,omitempty"`
	Profile   string `yaml:"profile" json:"profile"`
	Password  string `yaml:"password" json:"password,omitempty"`
	Active    *bool  `yaml:"active" json:"active,omitempty"`
	// PermissionSets are assigned to the user, by Name (a package's with or
	// without its namespace: ns__Name or Name), so that an org can hold, say,
	// a vendor's agents.
	PermissionSets []string `yaml:"permissionSets" json:"permissionSets,omitempty"`
}

// seedKeys lists the keys each mapping of the seed file may hold.
var seedKeys = map[string][]string{
	"": {"personAccounts", "sandbox", "licenses", "packages", "availablePackages", "objects", "users", "soapLogin", "oauthApp",
		"orgPreferences", "permissionDependencies", "oauthTokens", "loginHistory"},
	"oauthTokens":            {"username", "app", "created", "lastUsed", "useCount", "refreshToken"},
	"loginHistory":           {"username", "time", "status", "loginType", "application", "sourceIp"},
	"orgPreferences":         {"enableAuditFieldsInactiveOwner"},
	"permissionDependencies": {"remove", "add"},
	"remove":                 permDepKeys,
	"add":                    permDepKeys,
	"oauthApp":               {"name", "permittedUsers", "runAs"},
	"licenses":               {"name", "seats"},
	"packages":               {"versionId", "namespace", "name", "version", "permissionSets", "connectedApps", "objects"},
	"availablePackages":      {"versionId", "namespace", "name", "version", "installationKey", "permissionSets", "connectedApps", "objects"},
	"connectedApps":          {"name", "permittedUsers", "ipRelaxation"},
	"objects":                {"name", "label", "fields"},
	"fields":                 {"name", "type", "externalId"},
	"users":                  {"username", "firstName", "lastName", "email", "alias", "profile", "password", "active", "permissionSets"},
}

var permDepKeys = []string{"permission", "permissionType", "requiredPermission", "requiredPermissionType"}

// LoadSeed reads a seed file strictly: an unknown key, a wrong type or a
// missing required value is an error naming the file and line.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	return parseSeed(path, data)
}

func parseSeed(path string, data []byte) (*Seed, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return &Seed{}, nil
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return &Seed{}, nil
	}
	root := doc.Content[0]
	var errs []string
	checkKeys(path, root, "", &errs)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	var s Seed
	if err := root.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
	}
	if err := s.validate(path, root); err != nil {
		return nil, err
	}
	return &s, nil
}

func checkKeys(path string, n *yaml.Node, ctx string, errs *[]string) {
	switch n.Kind {
	case yaml.MappingNode:
		allowed, known := seedKeys[ctx]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if known && !contains(allowed, k.Value) {
				hint := ""
				if near := suggest(k.Value, allowed); near != "" {
					hint = fmt.Sprintf("; did you mean %q?", near)
				}
				*errs = append(*errs, fmt.Sprintf("%s:%d:%d: unknown key %q%s (allowed: %s)", path, k.Line, k.Column, k.Value, hint, strings.Join(allowed, ", ")))
				continue
			}
			if _, nested := seedKeys[k.Value]; nested && k.Value != "" {
				checkKeys(path, v, k.Value, errs)
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			checkKeys(path, c, ctx, errs)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validate checks values that decoding cannot: required names and known enums.
func (s *Seed) validate(path string, root *yaml.Node) error {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, a...)) }
	for i, l := range s.Licenses {
		if l.Name == "" {
			add("licenses[%d]: name is required", i)
		}
		if l.Seats < 0 {
			add("licenses[%d]: seats must be 0 or more", i)
		}
	}
	nsSeen := map[string]bool{}
	for i, p := range s.Packages {
		if nsSeen[strings.ToLower(p.Namespace)] && p.Namespace != "" {
			add("packages[%d]: namespace %q appears twice", i, p.Namespace)
		}
		nsSeen[strings.ToLower(p.Namespace)] = true
		validatePackage(fmt.Sprintf("packages[%d]", i), p, false, add)
	}
	verSeen := map[string]bool{}
	for i, p := range s.AvailablePackages {
		if id := strings.ToLower(p.VersionID); verSeen[id] && id != "" {
			add("availablePackages[%d]: versionId %q appears twice", i, p.VersionID)
		}
		verSeen[strings.ToLower(p.VersionID)] = true
		validatePackage(fmt.Sprintf("availablePackages[%d]", i), p, true, add)
	}
	if a := s.OAuthApp; a != nil {
		if _, ok := permittedUsers[strings.ToLower(a.PermittedUsers)]; !ok {
			add("oauthApp: permittedUsers %q: want allSelfAuthorize, adminApproved or adminApprovedPreAuthorize", a.PermittedUsers)
		}
	}
	if pd := s.PermissionDependencies; pd != nil {
		for i, r := range pd.Remove {
			if r.Permission == "" {
				add("permissionDependencies.remove[%d]: permission is required", i)
			}
			for _, t := range []string{r.PermissionType, r.RequiredPermissionType} {
				if t != "" && t != userPermType && t != objectPermType {
					add("permissionDependencies.remove[%d]: type %q: want %q or %q", i, t, userPermType, objectPermType)
				}
			}
		}
		for i, r := range pd.Add {
			if r.Permission == "" || r.RequiredPermission == "" {
				add("permissionDependencies.add[%d]: permission and requiredPermission are required", i)
			}
			for _, t := range []string{r.PermissionType, r.RequiredPermissionType} {
				if t != "" && t != userPermType && t != objectPermType {
					add("permissionDependencies.add[%d]: type %q: want %q or %q", i, t, userPermType, objectPermType)
				}
			}
		}
	}
	for i, o := range s.Objects {
		if !strings.HasSuffix(o.Name, "__c") {
			add("objects[%d]: name %q must end in __c", i, o.Name)
		}
	}
	for i, u := range s.Users {
		if u.Username == "" || !strings.Contains(u.Username, "@") {
			add("users[%d]: username %q must be in the form of an email address", i, u.Username)
		}
		if u.LastName == "" {
			add("users[%d]: lastName is required", i)
		}
		if u.Profile == "" {
			add("users[%d]: profile is required", i)
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// validatePackage checks one packages or availablePackages entry (at is
// its place in the file); an available package needs its versionId.
func validatePackage(at string, p SeedPackage, available bool, add func(string, ...any)) {
	if p.Namespace == "" {
		add("%s: namespace is required", at)
	}
	if p.VersionID == "" && available {
		add("%s: versionId is required", at)
	}
	if p.VersionID != "" && (!sfid.Valid(p.VersionID) || sfid.Prefix(p.VersionID) != "04t") {
		add("%s: versionId %q: want a package version Id (04t…, 15 or 18 characters)", at, p.VersionID)
	}
	if p.Version != "" {
		if _, err := parseVersion(p.Version); err != nil {
			add("%s: version %q: %v", at, p.Version, err)
		}
	}
	for j, a := range p.ConnectedApps {
		if a.Name == "" {
			add("%s.connectedApps[%d]: name is required", at, j)
		}
		if _, ok := permittedUsers[strings.ToLower(a.PermittedUsers)]; !ok && a.PermittedUsers != "" {
			add("%s.connectedApps[%d]: permittedUsers %q: want allSelfAuthorize, adminApproved or adminApprovedPreAuthorize", at, j, a.PermittedUsers)
		}
		if _, ok := ipRelaxation[strings.ToLower(a.IPRelaxation)]; !ok && a.IPRelaxation != "" {
			add("%s.connectedApps[%d]: ipRelaxation %q: want one of enforce, relax, relaxWithSecondFactor, bypass, bypass2fa, enforceRelaxRefresh", at, j, a.IPRelaxation)
		}
	}
	for j, o := range p.Objects {
		if !strings.HasSuffix(o.Name, "__c") {
			add("%s.objects[%d]: name %q must end in __c", at, j, o.Name)
		}
	}
}

// permittedUsers maps the seed's spelling to ConnectedApplication.OptionsAllowAdminApprovedUsersOnly.
// Source: salesforce-api-facts.md §7 ("Permitted users", AdminApprovedPreAuthorized/AllSelfAuthorized).
var permittedUsers = map[string]bool{
	"": false, "allselfauthorize": false, "allselfauthorized": false,
	"adminapprovedpreauthorize": true, "adminapprovedpreauthorized": true,
	// The spec's own words (spec-v1 connectedApps permittedUsers: adminApproved | allSelfAuthorize).
	"adminapproved": true,
}

// ipRelaxation values. Source: salesforce-api-facts.md §7 (ipRelaxationPolicyType:
// Enforce, Bypass, Bypass_2factor, Enforce_RelaxRefresh).
var ipRelaxation = map[string]string{
	"": "ENFORCE", "enforce": "ENFORCE", "bypass": "BYPASS", "bypass2fa": "BYPASS_2FACTOR", "enforcerelaxrefresh": "ENFORCE_RELAX_REFRESH",
	// The spec's own words (spec-v1 ipRelaxation: enforce | relax | relaxWithSecondFactor),
	// Setup's "Relax IP restrictions (with second factor)".
	"relax": "BYPASS", "relaxwithsecondfactor": "BYPASS_2FACTOR",
}

// packageVersion is major.minor[.patch[.build]].
type packageVersion struct{ major, minor, patch, build int }

func parseVersion(v string) (packageVersion, error) {
	var pv packageVersion
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return pv, fmt.Errorf("want major.minor[.patch[.build]]")
	}
	dst := []*int{&pv.major, &pv.minor, &pv.patch, &pv.build}
	for i, p := range parts {
		if _, err := fmt.Sscanf(p, "%d", dst[i]); err != nil || p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return pv, fmt.Errorf("%q is not a number", p)
		}
	}
	return pv, nil
}
