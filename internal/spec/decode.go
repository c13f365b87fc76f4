package spec

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// This file walks a spec document block by block, and holds the helpers
// that the blocks share: enums, required keys, lists of names.

// Each block's keys are listed beside its decoder, in documentation order
// (spec-v1.md); the JSON Schema test checks that schema.json lists the same.
var namedRefKeys = []string{"name", "if"}

func (p *parser) decodeDocument(f *file, fs *fields) {
	if n := fs.get("name"); n != nil {
		if s, ok := p.str(f, n, "name"); ok {
			p.setOnce(f, n, "spec name", &p.spec.Name, s)
		}
	}
	if n := fs.get("description"); n != nil && !isNull(n) {
		if s, ok := p.str(f, n, "description"); ok {
			p.setOnce(f, n, "spec description", &p.spec.Description, s)
		}
	}
	for _, n := range p.list(f, fs.get("packages"), "packages") {
		p.decodePackage(f, n)
	}
	for _, n := range p.list(f, fs.get("profiles"), "profiles") {
		p.decodeProfile(f, n)
	}
	for _, n := range p.list(f, fs.get("permissionSets"), "permissionSets") {
		p.decodePermissionSet(f, n)
	}
	for _, n := range p.list(f, fs.get("permissionSetGroups"), "permissionSetGroups") {
		p.decodeGroup(f, n)
	}
	for _, n := range p.list(f, fs.get("connectedApps"), "connectedApps") {
		p.decodeConnectedApp(f, n)
	}
	for _, n := range p.list(f, fs.get("externalClientApps"), "externalClientApps") {
		p.decodeECA(f, n)
	}
	for _, n := range p.list(f, fs.get("remoteSites"), "remoteSites") {
		p.decodeRemoteSite(f, n)
	}
	for _, n := range p.list(f, fs.get("records"), "records") {
		p.decodeRecord(f, n)
	}
	if n := fs.get("orgSettings"); n != nil && !isNull(n) {
		p.decodeOrgSettings(f, n)
	}
	for _, n := range p.list(f, fs.get("users"), "users") {
		p.decodeUser(f, n)
	}
	for _, n := range p.list(f, fs.get("assignments"), "assignments") {
		p.decodeAssignment(f, n)
	}
	for _, n := range p.list(f, fs.get("manualSteps"), "manualSteps") {
		p.decodeManualStep(f, n)
	}
}

// setOnce sets a spec-wide scalar; a different value in another document is
// a conflict reported at both places.
func (p *parser) setOnce(f *file, n *yaml.Node, what string, dst *string, v string) {
	key := "\x01" + what
	if *dst != "" && *dst != v {
		first := p.defs[key].pos
		p.errAt(f, n, "%s %q conflicts with %q set at %s", what, v, *dst, posString(first))
		p.errPos(first, "%s %q is set differently (%q) at %s", what, *dst, v, posString(f.pos(n)))
		return
	}
	if *dst == "" {
		*dst = v
		p.defs[key] = definition{pos: f.pos(n)}
	}
}

// enum matches s against valid ignoring case and returns the canonical
// spelling, or reports `invalid WHAT "s"; did you mean "x"? (valid: ...)`.
func (p *parser) enum(f *file, n *yaml.Node, what, s string, valid []string) (string, bool) {
	for _, v := range valid {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	p.errAt(f, n, "invalid %s %q%s (valid: %s)", what, s, didYouMean(s, valid), strings.Join(valid, ", "))
	return "", false
}

func (p *parser) enumKey(f *file, fs *fields, k, what string, valid []string) string {
	n := fs.get(k)
	if isNull(n) {
		return ""
	}
	s, ok := p.str(f, n, k)
	if !ok {
		return ""
	}
	out, _ := p.enum(f, n, what, s, valid)
	return out
}

// item decodes a list item that must be a mapping.
func (p *parser) item(f *file, n *yaml.Node, what string, keys []string) (*fields, bool) {
	return p.mapping(f, n, what, keys)
}

// requiredStr decodes a required string key; "" when missing or invalid.
func (p *parser) requiredStr(f *file, fs *fields, k, what string) (string, *yaml.Node) {
	v, n := p.requiredValue(f, fs, k, what)
	return v.Value, n
}

// requiredValue is requiredStr keeping the secret flag.
func (p *parser) requiredValue(f *file, fs *fields, k, what string) (Value, *yaml.Node) {
	n := p.required(f, fs, k, what)
	if n == nil {
		return Value{}, nil
	}
	v, ok := p.value(f, n, k)
	if !ok {
		return Value{}, nil
	}
	if strings.TrimSpace(v.Value) == "" {
		p.errAt(f, n, "%s: %q must not be empty", what, k)
		return Value{}, nil
	}
	return v, n
}

func (p *parser) maxLen(f *file, n *yaml.Node, what string, s string, max int) {
	if l := len([]rune(s)); l > max {
		p.errAt(f, n, "%s is %d characters long; the limit is %d", what, l, max)
	}
}

func (p *parser) description(f *file, fs *fields) *string {
	d := p.optStr(f, fs, "description")
	if d != nil {
		p.maxLen(f, fs.get("description"), "description", *d, 255)
	}
	return d
}

// namedRefs decodes a list whose items are names or {name, if} mappings.
func (p *parser) namedRefs(f *file, n *yaml.Node, what string) []NamedRef {
	var out []NamedRef
	for _, r := range p.namedRefsAll(f, n, what) {
		// The same name twice without conditions says nothing new, and
		// planning it twice would make the org refuse the second assignment.
		if r.If == nil && containsUnconditional(out, r.Name) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func containsUnconditional(refs []NamedRef, name string) bool {
	for _, r := range refs {
		if r.If == nil && strings.EqualFold(r.Name, name) {
			return true
		}
	}
	return false
}

// namedRefsAll decodes the list keeping repeats.
func (p *parser) namedRefsAll(f *file, n *yaml.Node, what string) []NamedRef {
	var out []NamedRef
	for _, it := range p.list(f, n, what) {
		if it.Kind == yaml.MappingNode {
			fs, ok := p.item(f, it, what+" item", namedRefKeys)
			if !ok {
				continue
			}
			name, _ := p.requiredStr(f, fs, "name", what+" item")
			if name == "" {
				continue
			}
			out = append(out, NamedRef{Name: name, If: p.decodeIf(f, fs), Pos: f.pos(it)})
			continue
		}
		s, ok := p.str(f, it, what+" item")
		if !ok {
			continue
		}
		out = append(out, NamedRef{Name: s, Pos: f.pos(it)})
	}
	return out
}

func (p *parser) stringList(f *file, n *yaml.Node, what string) []string {
	var out []string
	for _, it := range p.list(f, n, what) {
		if s, ok := p.str(f, it, what+" item"); ok {
			out = append(out, s)
		}
	}
	return out
}
