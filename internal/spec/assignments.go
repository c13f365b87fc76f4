package spec

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// AssignmentTarget selects users (the union of the selectors; active users only).
type AssignmentTarget struct {
	Users               []Value
	Profiles            []string
	PermissionSets      []string
	PermissionSetGroups []string
	Where               string
}

// Assignment gives many existing users one permission set, group or licence.
type Assignment struct {
	PermissionSet        string
	PermissionSetGroup   string
	PermissionSetLicense string
	To                   AssignmentTarget
	If                   *Condition
	Pos                  Pos
}

var (
	assignmentKeys = []string{"permissionSet", "permissionSetGroup", "permissionSetLicense", "to", "if"}
	targetKeys     = []string{"users", "profiles", "permissionSets", "permissionSetGroups", "where"}
)

func (p *parser) decodeAssignment(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "assignment", assignmentKeys)
	if !ok {
		return
	}
	a := Assignment{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, a.If) }()
	var given []string
	for _, k := range []string{"permissionSet", "permissionSetGroup", "permissionSetLicense"} {
		if !fs.has(k) {
			continue
		}
		given = append(given, k)
		if len(given) > 1 {
			p.errAt(f, fs.key(k), "assignment: give only one of \"permissionSet\", \"permissionSetGroup\" and \"permissionSetLicense\"")
			continue
		}
		s, _ := p.requiredStr(f, fs, k, "assignment")
		switch k {
		case "permissionSet":
			a.PermissionSet = s
		case "permissionSetGroup":
			a.PermissionSetGroup = s
		case "permissionSetLicense":
			a.PermissionSetLicense = s
		}
	}
	if len(given) == 0 {
		p.errAt(f, fs.node, "assignment: missing \"permissionSet\", \"permissionSetGroup\" or \"permissionSetLicense\"")
	}
	if tn := p.required(f, fs, "to", "assignment"); tn != nil {
		before := len(p.diags)
		if tf, ok := p.mapping(f, tn, "to", targetKeys); ok {
			for _, un := range p.list(f, tf.get("users"), "users") {
				if v, ok := p.value(f, un, "users item"); ok {
					a.To.Users = append(a.To.Users, v)
				}
			}
			a.To.Profiles = p.stringList(f, tf.get("profiles"), "profiles")
			a.To.PermissionSets = p.stringList(f, tf.get("permissionSets"), "permissionSets")
			a.To.PermissionSetGroups = p.stringList(f, tf.get("permissionSetGroups"), "permissionSetGroups")
			if s := p.optStr(f, tf, "where"); s != nil {
				a.To.Where = strings.TrimSpace(*s)
			}
			t := a.To
			if len(t.Users)+len(t.Profiles)+len(t.PermissionSets)+len(t.PermissionSetGroups) == 0 && t.Where == "" && len(p.diags) == before {
				p.errAt(f, tn, "assignment: \"to\" selects nobody; give users, profiles, permissionSets, permissionSetGroups or where")
			}
		}
	}
	p.spec.Assignments = append(p.spec.Assignments, a)
}
