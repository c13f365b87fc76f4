package metadata

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
)

// SecuritySettings is the part of the org's Security settings sfprov
// manages.
//
// EnableAuditFieldsInactiveOwner is the org preference behind both "Set Audit
// Fields upon Record Creation" and "Update Records with Inactive Owners":
// "If true, this setting enables audit fields and updating the owner for
// records that are owned by inactive users" (Metadata API Developer Guide,
// meta_securitysettings.htm, v67; available from API 47.0). It is a direct
// child of SecuritySettings, between enableAdminLoginAsAnyUser and
// enableAuraSecureEvalPref (Metadata WSDL v47; retrieved Security.settings
// files), not under sessionSettings or passwordPolicies. The permissions it
// unlocks (CreateAuditFields, UpdateWithInactiveOwner) can be granted only
// after it is on, in a separate, later deploy (salesforce-api-facts.md §14;
// integration-metadata-facts.md §3.3, practitioner note citing KB 000213290).
//
// Like other settings, the file changes only the fields it holds (a field
// left out keeps its value: e.g. trusted IP ranges are removed only by an
// explicitly empty networkAccess element, meta_securitysettings.htm).
type SecuritySettings struct {
	EnableAuditFieldsInactiveOwner *bool
}

type securitySettingsXML struct {
	XMLName                        xml.Name `xml:"http://soap.sforce.com/2006/04/metadata SecuritySettings"`
	EnableAuditFieldsInactiveOwner *bool    `xml:"enableAuditFieldsInactiveOwner,omitempty"`
}

// SecuritySettingsFile builds settings/Security.settings: component
// "Security" of package.xml type "Settings" (settings are listed under the
// one Settings type; meta_settings.htm).
func SecuritySettingsFile(s SecuritySettings) (File, error) {
	if s.EnableAuditFieldsInactiveOwner == nil {
		return File{}, fmt.Errorf("Security settings: nothing to deploy")
	}
	return file("Settings", "settings", "settings", "Security", securitySettingsXML{
		EnableAuditFieldsInactiveOwner: s.EnableAuditFieldsInactiveOwner,
	})
}

// RemoteSite is a RemoteSiteSetting (remoteSiteSettings/<Name>.remoteSite):
// description, disableProtocolSecurity, isActive, url, in that order
// (Metadata WSDL v47; meta_remotesitesetting.htm; salesforce-api-facts.md §8).
// url, isActive and disableProtocolSecurity are required, so all three are
// always written.
type RemoteSite struct {
	FullName                string
	Description             string
	DisableProtocolSecurity bool
	IsActive                bool
	URL                     string
}

type remoteSiteXML struct {
	XMLName                 xml.Name `xml:"http://soap.sforce.com/2006/04/metadata RemoteSiteSetting"`
	Description             string   `xml:"description,omitempty"`
	DisableProtocolSecurity bool     `xml:"disableProtocolSecurity"`
	IsActive                bool     `xml:"isActive"`
	URL                     string   `xml:"url"`
}

// RemoteSiteFile builds one remote site's file (type RemoteSiteSetting).
func RemoteSiteFile(r RemoteSite) (File, error) {
	if !isAPIName(r.FullName) {
		return File{}, fmt.Errorf("RemoteSiteSetting %q: the name must start with a letter and hold only letters, digits and single underscores", r.FullName)
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return File{}, fmt.Errorf("RemoteSiteSetting %s: url %q is not an http(s) URL", r.FullName, r.URL)
	}
	return file("RemoteSiteSetting", "remoteSiteSettings", "remoteSite", r.FullName, remoteSiteXML{
		Description:             r.Description,
		DisableProtocolSecurity: r.DisableProtocolSecurity,
		IsActive:                r.IsActive,
		URL:                     r.URL,
	})
}

// isAPIName reports whether s is a developer name: a letter first, then
// letters, digits and underscores, no double underscore, none at the end.
func isAPIName(s string) bool {
	if s == "" || strings.Contains(s, "__") || strings.HasSuffix(s, "_") {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(r >= '0' && r <= '9') && r != '_' {
			return false
		}
	}
	return true
}
