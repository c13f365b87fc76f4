package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// PermissionSet is a permission set to create or converge.
type PermissionSet struct {
	Name              string
	Label             string // defaults from Name
	Description       *string
	License           string // PermissionSetLicense DeveloperName or MasterLabel, or UserLicense Name
	SystemPermissions []SystemPermission
	Objects           []ObjectAccess
	ConnectedApps     []NamedRef
	ApexClasses       []NamedRef
	Prune             bool
	If                *Condition
	Pos               Pos
}

// PermissionSetGroup is a group and the permission sets it contains.
type PermissionSetGroup struct {
	Name           string
	Label          string
	Description    *string
	PermissionSets []NamedRef
	Prune          bool
	If             *Condition
	Pos            Pos
}

var (
	permissionSetKeys = []string{"name", "label", "description", "license", "systemPermissions", "objects", "connectedApps", "apexClasses", "prune", "if"}
	groupKeys         = []string{"name", "label", "description", "permissionSets", "prune", "if"}
)

func (p *parser) decodePermissionSet(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "permission set", permissionSetKeys)
	if !ok {
		return
	}
	ps := PermissionSet{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, ps.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "permission set")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "permission set name", name)
		ps.Name = name.Value
	}
	if s := p.optStr(f, fs, "label"); s != nil {
		ps.Label = *s
		p.maxLen(f, fs.get("label"), "label", *s, 80)
	}
	ps.Description = p.description(f, fs)
	if s := p.optStr(f, fs, "license"); s != nil {
		ps.License = *s
	}
	ps.SystemPermissions = p.systemPermissions(f, fs.get("systemPermissions"))
	ps.Objects = p.objects(f, fs.get("objects"))
	ps.ConnectedApps = p.namedRefs(f, fs.get("connectedApps"), "connectedApps")
	ps.ApexClasses = p.namedRefs(f, fs.get("apexClasses"), "apexClasses")
	ps.Prune = p.flag(f, fs, "prune")
	if ps.Name != "" && p.define("permission set", strings.ToLower(ps.Name), fmt.Sprintf("%q", ps.Name), ps.Pos) {
		p.spec.PermissionSets = append(p.spec.PermissionSets, ps)
	}
}

func (p *parser) decodeGroup(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "permission set group", groupKeys)
	if !ok {
		return
	}
	g := PermissionSetGroup{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, g.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "permission set group")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "permission set group name", name)
		g.Name = name.Value
	}
	if s := p.optStr(f, fs, "label"); s != nil {
		g.Label = *s
		p.maxLen(f, fs.get("label"), "label", *s, 80)
	}
	g.Description = p.description(f, fs)
	g.PermissionSets = p.namedRefs(f, fs.get("permissionSets"), "permissionSets")
	g.Prune = p.flag(f, fs, "prune")
	if g.Name != "" && p.define("permission set group", strings.ToLower(g.Name), fmt.Sprintf("%q", g.Name), g.Pos) {
		p.spec.PermissionSetGroups = append(p.spec.PermissionSetGroups, g)
	}
}
