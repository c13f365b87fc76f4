// Package perms is the catalog of Salesforce system permissions that sfprov
// knows: the API name (the PermissionSet/Profile sObject field without its
// "Permissions" prefix, which is also the Metadata API userPermissions name)
// and the label an admin sees in Setup. Specs may name a permission either
// way; the catalog resolves both and suggests the nearest one on a typo.
package perms

import (
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/diag"
)

// Permission is one system permission.
type Permission struct {
	Name  string // API name without "Permissions", e.g. "ApiEnabled"
	Label string // Setup label, e.g. "API Enabled"
	// MetadataOnly: the PermissionSet and Profile sObjects have no field for
	// it; only a Metadata API deploy (or Setup) sets it.
	MetadataOnly bool
}

// Field returns the sObject field that holds the permission, e.g. "PermissionsApiEnabled".
func (p Permission) Field() string { return "Permissions" + p.Name }

// index is built once from the immutable catalog; it is never written after
// init, so it is not mutable global state in any way that matters to callers.
var (
	sorted  []Permission
	byKey   map[string]Permission
	choices []string
)

func init() {
	sorted = append([]Permission(nil), catalog...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	byKey = make(map[string]Permission, 3*len(sorted))
	byName := make(map[string]Permission, len(sorted))
	for _, p := range sorted {
		byName[p.Name] = p
		byKey[normalize(p.Name)] = p
		byKey[normalize(p.Field())] = p
		byKey[normalize(p.Label)] = p
		choices = append(choices, p.Label, p.Name)
	}
	for a, name := range aliases {
		if p, ok := byName[name]; ok {
			if _, taken := byKey[normalize(a)]; !taken {
				byKey[normalize(a)] = p
			}
		}
	}
}

// All returns every permission, sorted by Name. The slice is a copy.
func All() []Permission { return append([]Permission(nil), sorted...) }

// Lookup resolves a label ("API Enabled"), an API name ("ApiEnabled") or an
// sObject field name ("PermissionsApiEnabled"), ignoring case and extra spaces.
func Lookup(s string) (Permission, bool) {
	p, ok := byKey[normalize(s)]
	return p, ok
}

// Suggest returns the label or name nearest to s ("" when nothing is close),
// for a "did you mean" hint. A written label gets a label back and a written
// API name gets a name back, because that is what the user will paste.
func Suggest(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(s), "permissions") && !strings.Contains(s, " ") {
		if got := diag.Suggest(s[len("permissions"):], names()); got != "" {
			return "Permissions" + got
		}
	}
	if strings.Contains(s, " ") {
		if got := diag.Suggest(s, labels()); got != "" {
			return got
		}
	} else if got := diag.Suggest(s, names()); got != "" {
		return got
	}
	return diag.Suggest(s, choices)
}

func names() []string {
	out := make([]string, len(sorted))
	for i, p := range sorted {
		out[i] = p.Name
	}
	return out
}

func labels() []string {
	out := make([]string, len(sorted))
	for i, p := range sorted {
		out[i] = p.Label
	}
	return out
}

// normalize lower-cases s and collapses runs of white space, so that
// "api  enabled" and " API Enabled " are the same key.
func normalize(s string) string {
	// Guides pasted from web pages carry typographic apostrophes.
	s = strings.ReplaceAll(s, "\u2019", "'")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
