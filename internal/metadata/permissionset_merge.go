package metadata

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

// PermissionSetChanges is what sfprov sets in a permission set through the
// Metadata API, where the sObject API has no field for it: record type
// visibilities, and user permissions the PermissionSet object lacks
// (CanApproveUninstalledApps, integration-metadata-facts.md "Permission
// names").
type PermissionSetChanges struct {
	// RecordTypes: Object.DeveloperName → visible.
	RecordTypes map[string]bool
	// UserPermissions are switched on.
	UserPermissions []string
}

// MergedPermissionSetFile builds a permission set's whole file: the set as
// the org holds it (its Tooling Metadata, JSON), with ch applied. A
// PermissionSet deploy replaces the set in API 40.0 and later ("permissions
// not included are removed", the emulator's metadata_types.go and its
// sources), so the file must carry everything the set has, not only the
// change. Every element of the org's copy is kept as it is: elements in the
// order of the type's reference (alphabetical, for PermissionSet and its
// parts), arrays as repeated elements, nulls left out.
func MergedPermissionSetFile(fullName string, current json.RawMessage, ch PermissionSetChanges) (File, error) {
	md := map[string]any{}
	if len(bytes.TrimSpace(current)) > 0 && string(bytes.TrimSpace(current)) != "null" {
		d := json.NewDecoder(bytes.NewReader(current))
		d.UseNumber()
		if err := d.Decode(&md); err != nil {
			return File{}, fmt.Errorf("PermissionSet %s: the org's metadata: %w", fullName, err)
		}
	}
	if s, _ := md["label"].(string); strings.TrimSpace(s) == "" {
		return File{}, fmt.Errorf("PermissionSet %s: the org's metadata has no label", fullName)
	}
	delete(md, "fullName")
	delete(md, "urls")
	if len(ch.RecordTypes) > 0 {
		md["recordTypeVisibilities"] = mergeBy(md["recordTypeVisibilities"], "recordType", func(key string, item map[string]any) {
			item["visible"] = ch.RecordTypes[key]
		}, keysOf(ch.RecordTypes))
	}
	if len(ch.UserPermissions) > 0 {
		md["userPermissions"] = mergeBy(md["userPermissions"], "name", func(_ string, item map[string]any) {
			item["enabled"] = true
		}, ch.UserPermissions)
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<PermissionSet xmlns="` + Namespace + `">` + "\n")
	if err := writeElements(&b, md, "    "); err != nil {
		return File{}, fmt.Errorf("PermissionSet %s: %w", fullName, err)
	}
	b.WriteString("</PermissionSet>\n")
	if err := checkName("PermissionSet", fullName); err != nil {
		return File{}, err
	}
	return File{Path: "permissionsets/" + fullName + ".permissionset", Content: b.Bytes(), Component: Component{Type: "PermissionSet", FullName: fullName}}, nil
}

// mergeBy sets, in a list of objects keyed by field, the items named in
// keys (adding those missing), and keeps the rest; the list stays sorted by
// key, as retrieved files are.
func mergeBy(list any, field string, set func(key string, item map[string]any), keys []string) []any {
	var items []map[string]any
	byKey := map[string]map[string]any{}
	if l, ok := list.([]any); ok {
		for _, x := range l {
			if m, ok := x.(map[string]any); ok {
				items = append(items, m)
				if k, ok := m[field].(string); ok {
					byKey[strings.ToLower(k)] = m
				}
			}
		}
	}
	for _, k := range keys {
		m := byKey[strings.ToLower(k)]
		if m == nil {
			m = map[string]any{field: k}
			byKey[strings.ToLower(k)] = m
			items = append(items, m)
		}
		set(k, m)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, _ := items[i][field].(string)
		b, _ := items[j][field].(string)
		return strings.ToLower(a) < strings.ToLower(b)
	})
	out := make([]any, len(items))
	for i, m := range items {
		out[i] = m
	}
	return out
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeElements writes an object's fields as elements, in name order.
func writeElements(b *bytes.Buffer, obj map[string]any, indent string) error {
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := writeElement(b, k, obj[k], indent); err != nil {
			return err
		}
	}
	return nil
}

func writeElement(b *bytes.Buffer, name string, v any, indent string) error {
	if !isElementName(name) {
		return fmt.Errorf("element %q is not an XML name", name)
	}
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		for _, x := range t {
			if err := writeElement(b, name, x, indent); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		b.WriteString(indent + "<" + name + ">\n")
		if err := writeElements(b, t, indent+"    "); err != nil {
			return err
		}
		b.WriteString(indent + "</" + name + ">\n")
		return nil
	case bool:
		fmt.Fprintf(b, "%s<%s>%t</%s>\n", indent, name, t, name)
	case json.Number:
		fmt.Fprintf(b, "%s<%s>%s</%s>\n", indent, name, t.String(), name)
	case string:
		b.WriteString(indent + "<" + name + ">")
		if err := xml.EscapeText(b, []byte(t)); err != nil {
			return err
		}
		b.WriteString("</" + name + ">\n")
	default:
		return fmt.Errorf("element %s: unexpected %T", name, v)
	}
	return nil
}

// isElementName accepts the element names of Metadata types: letters and
// digits, a letter first.
func isElementName(s string) bool {
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}
