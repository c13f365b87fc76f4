package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// RecordTypeDefault is a profile's default record type for one object.
type RecordTypeDefault struct {
	Object               string
	RecordType           string
	PersonAccountDefault string
	If                   *Condition
	Pos                  Pos
}

// Profile is a profile to create (from CloneFrom) or edit.
type Profile struct {
	Name               string
	CloneFrom          string
	Description        *string
	SystemPermissions  []SystemPermission
	Objects            []ObjectAccess
	RecordTypeDefaults []RecordTypeDefault
	Prune              bool
	If                 *Condition
	Pos                Pos
}

var (
	profileKeys    = []string{"name", "cloneFrom", "description", "systemPermissions", "objects", "recordTypeDefaults", "prune", "if"}
	recordTypeKeys = []string{"object", "recordType", "personAccountDefault", "if"}
)

func (p *parser) decodeProfile(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "profile", profileKeys)
	if !ok {
		return
	}
	pr := Profile{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, pr.If) }()
	pr.Name, _ = p.requiredStr(f, fs, "name", "profile")
	if n := fs.get("name"); pr.Name != "" {
		p.maxLen(f, n, "profile name", pr.Name, 255)
	}
	if s := p.optStr(f, fs, "cloneFrom"); s != nil {
		pr.CloneFrom = *s
	}
	pr.Description = p.description(f, fs)
	pr.SystemPermissions = p.systemPermissions(f, fs.get("systemPermissions"))
	pr.Objects = p.objects(f, fs.get("objects"))
	for _, it := range p.list(f, fs.get("recordTypeDefaults"), "recordTypeDefaults") {
		rf, ok := p.item(f, it, "record type default", recordTypeKeys)
		if !ok {
			continue
		}
		d := RecordTypeDefault{Pos: f.pos(it), If: p.decodeIf(f, rf)}
		obj, objNode := p.requiredStr(f, rf, "object", "record type default")
		if obj != "" {
			d.Object = p.objectName(f, objNode, obj)
		}
		d.RecordType, _ = p.requiredStr(f, rf, "recordType", "record type default")
		if s := p.optStr(f, rf, "personAccountDefault"); s != nil {
			d.PersonAccountDefault = *s
		}
		pr.RecordTypeDefaults = append(pr.RecordTypeDefaults, d)
	}
	pr.Prune = p.flag(f, fs, "prune")
	if pr.Name != "" && p.define("profile", strings.ToLower(pr.Name), fmt.Sprintf("%q", pr.Name), pr.Pos) {
		p.spec.Profiles = append(p.spec.Profiles, pr)
	}
}
