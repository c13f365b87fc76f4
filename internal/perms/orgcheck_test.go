package perms

import (
	"sort"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/schema"
)

// TestCatalogMatchesTheOrg: every permission sfprov writes is one a real org
// has, under that name and label, on the channel sfprov uses for it. The
// other side is the emulator's recorded list (internal/emulator/schema,
// userperms.tsv), built from live-org describes and Salesforce's field
// reference, not from this catalog: a name only sfprov believes in fails here.
func TestCatalogMatchesTheOrg(t *testing.T) {
	org := map[string]schema.UserPermission{}
	for _, p := range schema.UserPermissions() {
		org[strings.ToLower(p.Name)] = p
	}
	var unknown, channel, label []string
	for _, p := range All() {
		o, ok := org[strings.ToLower(p.Name)]
		switch {
		case !ok:
			unknown = append(unknown, p.Name)
		case p.MetadataOnly && o.OnPermissionSet:
			channel = append(channel, p.Name+": sfprov routes it to Setup/Metadata, but the org's PermissionSet has "+o.Field())
		case !p.MetadataOnly && !o.OnPermissionSet:
			channel = append(channel, p.Name+": the org's PermissionSet has no Permissions"+p.Name+" field; mark it MetadataOnly")
		case !strings.EqualFold(o.Label, p.Label):
			label = append(label, p.Name+": sfprov says "+p.Label+", the org "+o.Label)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("%d permissions of sfprov's catalog are not in the org's recorded list:\n  %s", len(unknown), strings.Join(unknown, "\n  "))
	}
	if len(channel) > 0 {
		t.Errorf("permissions on the wrong channel:\n  %s", strings.Join(channel, "\n  "))
	}
	if len(label) > 0 {
		t.Errorf("labels that differ from the org's:\n  %s", strings.Join(label, "\n  "))
	}
}
