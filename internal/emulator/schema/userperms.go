package schema

import (
	_ "embed"
	"fmt"
	"strings"
)

// userpermsTSV is the org's list of system permissions, with a source for
// every row (see the file's header).
//
//go:embed userperms.tsv
var userpermsTSV string

// UserPermission is one system permission as the org knows it.
type UserPermission struct {
	// Name is the Metadata API userPermissions name, e.g. "ApiEnabled". The
	// PermissionSet field is "Permissions" + Name, and PermissionDependency
	// names user permissions this way too.
	Name string
	// Label is the field's label, the one Setup shows ("API Enabled"); the
	// org's "depends on permission(s)" messages use it.
	Label string
	// OnPermissionSet says whether PermissionSet has a field for it.
	OnPermissionSet bool
	// ProfileName is the name of the Profile field without "Permissions"
	// ("" when Profile has none). It equals Name except for three packaging
	// permissions (InstallPackaging is PermissionsInstallMultiforce on Profile).
	ProfileName string
	// Pref is the org preference without which the fields do not exist ("" = none).
	Pref string
	// Source is the key of the row's source in userperms.tsv.
	Source string
	// Note holds the row's UNCONFIRMED or CONFLICTING remarks.
	Note string
}

// Field is the PermissionSet field, e.g. "PermissionsApiEnabled" ("" when none).
func (p UserPermission) Field() string {
	if !p.OnPermissionSet {
		return ""
	}
	return "Permissions" + p.Name
}

// ProfileField is the Profile field, e.g. "PermissionsInstallMultiforce" ("" when none).
func (p UserPermission) ProfileField() string {
	if p.ProfileName == "" {
		return ""
	}
	return "Permissions" + p.ProfileName
}

// Unconfirmed reports whether no recorded describe shows the field in an
// org like the emulator's.
func (p UserPermission) Unconfirmed() bool {
	return strings.Contains(p.Note, "UNCONFIRMED") || p.Source == "none"
}

// Preferences are the org preferences that add permissions. Source: facts
// §14 (Metadata SecuritySettings.enableAuditFieldsInactiveOwner; Setup's
// "Enable 'Set Audit Fields upon Record Creation' and 'Update Records with
// Inactive Owners' User Permissions").
var Preferences = []string{"enableAuditFieldsInactiveOwner"}

var userPerms = mustParseUserPerms(userpermsTSV)

// UserPermissions returns every system permission of the list, in the
// recorded describe's order, those without a field included (Metadata API
// only, or behind an org preference). The slice is a copy.
func UserPermissions() []UserPermission { return append([]UserPermission(nil), userPerms...) }

func mustParseUserPerms(tsv string) []UserPermission {
	var out []UserPermission
	seen := map[string]bool{}
	for i, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 7 {
			panic(fmt.Sprintf("schema: userperms.tsv:%d: %d columns, want 7", i+1, len(c)))
		}
		p := UserPermission{Name: c[0], Label: c[1], OnPermissionSet: c[2] == "yes", Source: c[5], Note: c[6]}
		switch c[3] {
		case "yes":
			p.ProfileName = p.Name
		case "-":
		default:
			p.ProfileName = c[3]
		}
		if c[4] != "-" {
			p.Pref = c[4]
		}
		if seen[p.Name] {
			panic(fmt.Sprintf("schema: userperms.tsv:%d: %s twice", i+1, p.Name))
		}
		seen[p.Name] = true
		out = append(out, p)
	}
	return out
}

// orgPermissions is the part of the list an org with these preferences has.
func orgPermissions(prefs map[string]bool) []UserPermission {
	var out []UserPermission
	for _, p := range userPerms {
		if (p.OnPermissionSet || p.ProfileName != "") && (p.Pref == "" || prefs[p.Pref]) {
			out = append(out, p)
		}
	}
	return out
}

func permFields(list []UserPermission, profile bool, flags string) []fieldSpec {
	out := make([]fieldSpec, 0, len(list))
	for _, p := range list {
		name := p.Field()
		if profile {
			name = p.ProfileField()
		}
		if name != "" {
			out = append(out, fieldSpec{name: name, label: p.Label, typ: "boolean", flags: flags})
		}
	}
	return out
}
