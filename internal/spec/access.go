package spec

import (
	"fmt"
	"strings"

	"github.com/sfprov/sfprov/internal/perms"
	"gopkg.in/yaml.v3"
)

// This file holds object, field and system permission access, shared by
// profiles and permission sets.

// Access levels for objects, spelled as in the spec.
const (
	AccessRead          = "read"
	AccessCreate        = "create"
	AccessEdit          = "edit"
	AccessDelete        = "delete"
	AccessViewAll       = "viewAll"
	AccessModifyAll     = "modifyAll"
	AccessViewAllFields = "viewAllFields"
)

// Field access levels.
const (
	FieldRead = "read"
	FieldEdit = "edit"
)

// ObjectAccess is one entry of `objects:` on a profile or permission set.
type ObjectAccess struct {
	Object string
	Access []string // the Access* constants, deduplicated, in spec order
	// FieldsAll is "all-read" or "all-edit" when the spec used the shorthand;
	// Fields holds explicit per-field levels (field API name → FieldRead|FieldEdit).
	FieldsAll   string
	Fields      map[string]string
	FieldPos    map[string]Pos
	RecordTypes []string // DeveloperNames
	If          *Condition
	Pos         Pos
}

// SystemPermission is a system permission after the catalog resolved it.
type SystemPermission struct {
	Written string // as written in the spec (label or API name)
	Name    string // API name without the Permissions prefix, e.g. "ApiEnabled"
	If      *Condition
	Pos     Pos
}

// Field returns the sObject field that holds the permission, e.g. "PermissionsApiEnabled".
func (p SystemPermission) Field() string { return "Permissions" + p.Name }

// Object access and field access, as the spec spells them.
var (
	objectKeys      = []string{"object", "access", "fields", "recordTypes", "if"}
	objectAccesses  = []string{AccessRead, AccessCreate, AccessEdit, AccessDelete, AccessViewAll, AccessModifyAll, AccessViewAllFields}
	fieldAccesses   = []string{FieldRead, FieldEdit}
	fieldsShorthand = []string{"all-read", "all-edit"}
)

func (p *parser) systemPermissions(f *file, n *yaml.Node) []SystemPermission {
	var out []SystemPermission
	seen := map[string]bool{}
	for _, ref := range p.namedRefsAll(f, n, "systemPermissions") {
		perm, ok := perms.Lookup(ref.Name)
		if !ok {
			hint := ""
			if s := perms.Suggest(ref.Name); s != "" {
				hint = fmt.Sprintf("; did you mean %q?", s)
			}
			p.errPos(ref.Pos, "unknown system permission %q%s", ref.Name, hint)
			continue
		}
		// The same permission twice without conditions says nothing new.
		if ref.If == nil {
			if seen[perm.Name] {
				continue
			}
			seen[perm.Name] = true
		}
		out = append(out, SystemPermission{Written: ref.Name, Name: perm.Name, If: ref.If, Pos: ref.Pos})
	}
	return out
}

// objects decodes `objects:` of a profile or permission set.
func (p *parser) objects(f *file, n *yaml.Node) []ObjectAccess {
	var out []ObjectAccess
	seen := map[string]Pos{}
	for _, it := range p.list(f, n, "objects") {
		fs, ok := p.item(f, it, "object access", objectKeys)
		if !ok {
			continue
		}
		oa := ObjectAccess{Pos: f.pos(it), If: p.decodeIf(f, fs)}
		obj, objNode := p.requiredStr(f, fs, "object", "object access")
		if obj != "" {
			oa.Object = p.objectName(f, objNode, obj)
		}
		have := map[string]bool{}
		for _, an := range p.list(f, fs.get("access"), "access") {
			s, ok := p.str(f, an, "access item")
			if !ok {
				continue
			}
			a, ok := objectAccess(s)
			if !ok {
				p.errAt(f, an, "invalid object access %q%s (valid: %s)", s, didYouMean(s, objectAccesses), strings.Join(objectAccesses, ", "))
				continue
			}
			if !have[a] {
				have[a] = true
				oa.Access = append(oa.Access, a)
			}
		}
		if fn := fs.get("fields"); !isNull(fn) {
			p.fieldAccess(f, fn, &oa)
		}
		oa.RecordTypes = p.stringList(f, fs.get("recordTypes"), "recordTypes")
		// One object listed twice in a block is a mistake unless conditions
		// tell the entries apart.
		if oa.Object != "" && oa.If == nil {
			k := strings.ToLower(oa.Object)
			if first, dup := seen[k]; dup {
				p.errPos(oa.Pos, "object %q is listed twice in this block; first at %s", oa.Object, posString(first))
			} else {
				seen[k] = oa.Pos
			}
		}
		out = append(out, oa)
	}
	return out
}

// objectAccess maps a spec spelling, a Setup label ("View All Records") or an
// ObjectPermissions field ("PermissionsViewAllRecords") to an Access* constant.
// Source: salesforce-api-facts.md §4 (ObjectPermissions fields); Setup labels
// as the vendor guides quote them ("View All Records", "Modify All Records").
func objectAccess(s string) (string, bool) {
	k := strings.ToLower(s)
	k = strings.NewReplacer(" ", "", "_", "", "-", "").Replace(k)
	k = strings.TrimPrefix(k, "permissions")
	switch k {
	case "read":
		return AccessRead, true
	case "create":
		return AccessCreate, true
	case "edit":
		return AccessEdit, true
	case "delete":
		return AccessDelete, true
	case "viewall", "viewallrecords":
		return AccessViewAll, true
	case "modifyall", "modifyallrecords":
		return AccessModifyAll, true
	case "viewallfields":
		return AccessViewAllFields, true
	}
	return "", false
}

func (p *parser) fieldAccess(f *file, n *yaml.Node, oa *ObjectAccess) {
	switch n.Kind {
	case yaml.ScalarNode:
		s, ok := p.str(f, n, "fields")
		if !ok {
			return
		}
		if v, ok := p.enum(f, n, "fields value", s, fieldsShorthand); ok {
			oa.FieldsAll = v
		}
	case yaml.MappingNode:
		oa.Fields = map[string]string{}
		oa.FieldPos = map[string]Pos{}
		keyLine := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if k.Kind != yaml.ScalarNode || k.Value == "" {
				p.errAt(f, k, "expected a field name, got %s", kindName(k))
				continue
			}
			if line, dup := keyLine[strings.ToLower(k.Value)]; dup {
				p.errAt(f, k, "field %q is given twice; first at line %d", k.Value, line)
				continue
			}
			keyLine[strings.ToLower(k.Value)] = k.Line
			s, ok := p.str(f, v, "field access")
			if !ok {
				continue
			}
			lvl, ok := p.enum(f, v, "field access", s, fieldAccesses)
			if !ok {
				continue
			}
			oa.Fields[k.Value] = lvl
			oa.FieldPos[k.Value] = f.pos(k)
		}
	default:
		p.errAt(f, n, "fields: expected all-read, all-edit or a mapping of field: read|edit, got %s", kindName(n))
	}
}
