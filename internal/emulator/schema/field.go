// Package schema holds the emulator org's sObject definitions: which objects
// exist, their fields and flags, and how describe renders them. Standard
// objects Account, Contact and Case take their fields from describes recorded
// on live orgs (stdfields.json, extracted from shared/reference/fixtures);
// the setup objects and the other standard objects are written by hand from
// the Salesforce object reference (each list cites its page).
package schema

import (
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// PicklistValue is one entry of a field's picklistValues.
type PicklistValue struct {
	Value, Label string
	Default      bool
	Active       bool
	ValidFor     any // base64 bitmap of the controlling values (dependent picklists), or nil
}

// Field is one field of an sObject. Facts holds every describe key whose value
// differs from the baseline (false, null, 0, []); the typed members are read
// from it for the rules the org enforces.
type Field struct {
	Name                                          string
	Label                                         string
	Type                                          string
	Length                                        int
	ReferenceTo                                   []string
	RelationshipName                              string
	Createable                                    bool
	Updateable                                    bool
	Nillable                                      bool
	Permissionable                                bool
	DefaultedOnCreate                             bool
	Calculated                                    bool
	Unique                                        bool
	ExternalID                                    bool
	IDLookup                                      bool
	Custom                                        bool
	RestrictedPicklist                            bool
	Picklist                                      []PicklistValue
	Filterable, Sortable, Groupable, Aggregatable bool

	// ChildRelationship names the child relationship this reference creates on
	// the referenced object (e.g. "Assignments" on PermissionSet), "" for none.
	ChildRelationship string
	// CascadeDelete: deleting the parent deletes this record too;
	// RestrictedDelete: the parent cannot be deleted while this record
	// points at it (the describe childRelationships flags).
	CascadeDelete, RestrictedDelete bool

	facts map[string]any
}

// Required reports whether create must supply the field: createable, not
// nillable, and not defaulted by the platform. Source: describe semantics
// (a field with nillable false and defaultedOnCreate false is required).
func (f *Field) Required() bool {
	return f.Createable && !f.Nillable && !f.DefaultedOnCreate && f.Type != "boolean"
}

// Fact returns one describe key's value as Describe gives it, without
// building the whole describe (nil for keys at their baseline, false/0/null).
func (f *Field) Fact(key string) any {
	if v, ok := f.facts[key]; ok {
		return v
	}
	return baseline[key]
}

// AutoNumber reports whether the platform numbers the field on insert
// (describe autoNumber, e.g. Case.CaseNumber in describe-Case-v48.json).
func (f *Field) AutoNumber() bool {
	b, _ := f.facts["autoNumber"].(bool)
	return b
}

// SOQL returns the field as the SOQL engine sees it.
func (f *Field) SOQL() soql.Field {
	return soql.Field{
		Name:             f.Name,
		Type:             f.Type,
		ReferenceTo:      f.ReferenceTo,
		RelationshipName: f.RelationshipName,
		Filterable:       f.Filterable,
		Sortable:         f.Sortable,
		Groupable:        f.Groupable,
		Aggregatable:     f.Aggregatable,
		Createable:       f.Createable,
		Updateable:       f.Updateable,
	}
}

// baseline is the value describe gives every key that Facts leaves out. The
// 57 keys are those of every field in describe-Account-v58.json,
// describe-Contact.json and describe-Case-v48.json.
var baseline = map[string]any{
	"aggregatable": false, "aiPredictionField": false, "autoNumber": false, "byteLength": 0,
	"calculated": false, "calculatedFormula": nil, "cascadeDelete": false, "caseSensitive": false,
	"compoundFieldName": nil, "controllerName": nil, "createable": false, "custom": false,
	"defaultValue": nil, "defaultValueFormula": nil, "defaultedOnCreate": false, "dependentPicklist": false,
	"deprecatedAndHidden": false, "digits": 0, "displayLocationInDecimal": false, "encrypted": false,
	"externalId": false, "extraTypeInfo": nil, "filterable": false, "filteredLookupInfo": nil,
	"formulaTreatNullNumberAsZero": false, "groupable": false, "highScaleNumber": false, "htmlFormatted": false,
	"idLookup": false, "inlineHelpText": nil, "label": nil, "length": 0,
	"mask": nil, "maskType": nil, "name": nil, "nameField": false,
	"namePointing": false, "nillable": false, "permissionable": false, "picklistValues": []any{},
	"polymorphicForeignKey": false, "precision": 0, "queryByDistance": false, "referenceTargetField": nil,
	"referenceTo": []any{}, "relationshipName": nil, "relationshipOrder": nil, "restrictedDelete": false,
	"restrictedPicklist": false, "scale": 0, "searchPrefilterable": false, "soapType": nil,
	"sortable": false, "type": nil, "unique": false, "updateable": false,
	"writeRequiresMasterRead": false,
}

// FromFacts builds a Field from sparse describe facts (as stored in stdfields.json).
func FromFacts(facts map[string]any) *Field {
	f := &Field{facts: facts}
	str := func(k string) string { s, _ := facts[k].(string); return s }
	b := func(k string) bool { v, _ := facts[k].(bool); return v }
	f.Name, f.Label, f.Type = str("name"), str("label"), str("type")
	if n, ok := facts["length"].(float64); ok {
		f.Length = int(n)
	} else if n, ok := facts["length"].(int); ok {
		f.Length = n
	}
	f.RelationshipName = str("relationshipName")
	switch rt := facts["referenceTo"].(type) {
	case []any:
		for _, r := range rt {
			if s, ok := r.(string); ok {
				f.ReferenceTo = append(f.ReferenceTo, s)
			}
		}
	case []string:
		f.ReferenceTo = rt
	}
	f.Createable, f.Updateable, f.Nillable = b("createable"), b("updateable"), b("nillable")
	f.Permissionable, f.DefaultedOnCreate, f.Calculated = b("permissionable"), b("defaultedOnCreate"), b("calculated")
	f.Unique, f.ExternalID, f.IDLookup, f.Custom = b("unique"), b("externalId"), b("idLookup"), b("custom")
	f.RestrictedPicklist = b("restrictedPicklist")
	f.Filterable, f.Sortable, f.Groupable, f.Aggregatable = b("filterable"), b("sortable"), b("groupable"), b("aggregatable")
	switch pv := facts["picklistValues"].(type) {
	case []any:
		for _, e := range pv {
			switch e := e.(type) {
			case []any: // compact form [value, label, default, active(, validFor)]
				if len(e) >= 4 {
					v, _ := e[0].(string)
					l, _ := e[1].(string)
					d, _ := e[2].(bool)
					a, _ := e[3].(bool)
					var vf any
					if len(e) == 5 {
						vf = e[4]
					}
					f.Picklist = append(f.Picklist, PicklistValue{v, l, d, a, vf})
				}
			case map[string]any:
				v, _ := e["value"].(string)
				l, _ := e["label"].(string)
				d, _ := e["defaultValue"].(bool)
				a, _ := e["active"].(bool)
				f.Picklist = append(f.Picklist, PicklistValue{v, l, d, a, e["validFor"]})
			}
		}
	}
	return f
}

// Describe renders the field's describe entry (all 57 keys; encoding/json
// sorts map keys, which is the order real describes use).
func (f *Field) Describe() map[string]any {
	m := make(map[string]any, len(baseline))
	for k, v := range baseline {
		m[k] = v
	}
	for k, v := range f.facts {
		if k == "picklistValues" {
			continue
		}
		m[k] = v
	}
	if len(f.ReferenceTo) > 0 {
		m["referenceTo"] = f.ReferenceTo
	}
	pl := make([]map[string]any, 0, len(f.Picklist))
	for _, p := range f.Picklist {
		// Entry keys as in describe-Account-v58.json picklistValues.
		pl = append(pl, map[string]any{"active": p.Active, "defaultValue": p.Default, "label": p.Label, "validFor": p.ValidFor, "value": p.Value})
	}
	m["picklistValues"] = pl
	return m
}

// HasPicklistValue reports whether v is one of the field's active values
// (restricted picklists compare exactly, as Salesforce does for *SidKey fields).
func (f *Field) HasPicklistValue(v string) bool {
	for _, p := range f.Picklist {
		if p.Value == v {
			return true
		}
	}
	return false
}

// fieldSpec is the hand-written form of a field, turned into facts by build.
type fieldSpec struct {
	name, label, typ string
	flags            string // see build
	length           int
	refTo            []string
	relName          string
	childRel         string
	picklist         []string
	defaultValue     any
}

// build turns a hand-written spec into a Field with the describe facts a real
// org gives that type. flags: c createable, u updateable, n nillable,
// p permissionable, d defaultedOnCreate, q unique, x externalId, i idLookup,
// N nameField, a calculated, r restrictedPicklist, C custom, s caseSensitive.
func build(s fieldSpec) *Field {
	facts := map[string]any{"name": s.name, "type": s.typ}
	label := s.label
	if label == "" {
		label = labelFor(s.name)
	}
	facts["label"] = label
	has := func(c byte) bool { return strings.IndexByte(s.flags, c) >= 0 }
	set := func(k string, c byte) {
		if has(c) {
			facts[k] = true
		}
	}
	set("createable", 'c')
	set("updateable", 'u')
	set("nillable", 'n')
	set("permissionable", 'p')
	set("defaultedOnCreate", 'd')
	set("unique", 'q')
	set("externalId", 'x')
	set("idLookup", 'i')
	set("nameField", 'N')
	set("calculated", 'a')
	set("restrictedPicklist", 'r')
	set("custom", 'C')
	set("caseSensitive", 's')
	// Type-derived facts, as the recorded describes show them
	// (describe-Account-v58.json: Id, Name, Type, NumberOfEmployees, ...).
	filterable, sortable, groupable, aggregatable := true, true, true, true
	switch s.typ {
	case "id":
		facts["soapType"], facts["length"], facts["byteLength"] = "tns:ID", 18, 18
	case "reference":
		facts["soapType"], facts["length"], facts["byteLength"] = "tns:ID", 18, 18
		facts["referenceTo"] = s.refTo
		if s.relName != "" {
			facts["relationshipName"] = s.relName
		}
		if len(s.refTo) > 1 {
			facts["polymorphicForeignKey"] = true
		}
	case "string", "email", "phone", "url", "picklist", "combobox", "encryptedstring":
		n := s.length
		if n == 0 {
			n = 255
		}
		facts["soapType"], facts["length"], facts["byteLength"] = "xsd:string", n, n*3
	case "textarea":
		n := s.length
		if n == 0 {
			n = 255
		}
		facts["soapType"], facts["length"], facts["byteLength"] = "xsd:string", n, n*3
		if n > 255 {
			filterable, sortable, groupable = false, false, false
		}
		aggregatable = false
	case "multipicklist":
		n := s.length
		if n == 0 {
			n = 4099
		}
		facts["soapType"], facts["length"], facts["byteLength"] = "xsd:string", n, n*3
		sortable, groupable = false, false
	case "boolean":
		facts["soapType"] = "xsd:boolean"
		facts["defaultedOnCreate"] = true
		facts["defaultValue"] = false
		aggregatable = false
	case "int":
		facts["soapType"], facts["digits"] = "xsd:int", 9
		groupable = true
	case "double", "currency", "percent":
		facts["soapType"], facts["precision"], facts["scale"] = "xsd:double", 18, 0
		groupable = false
	case "date":
		facts["soapType"] = "xsd:date"
	case "datetime":
		facts["soapType"] = "xsd:dateTime"
		groupable = false
	case "address":
		facts["soapType"] = "urn:address"
		filterable, sortable, groupable, aggregatable = false, false, false, false
	case "base64":
		facts["soapType"] = "xsd:base64Binary"
		filterable, sortable, groupable, aggregatable = false, false, false, false
	}
	if s.defaultValue != nil {
		facts["defaultValue"] = s.defaultValue
	}
	if filterable {
		facts["filterable"] = true
	}
	if sortable {
		facts["sortable"] = true
	}
	if groupable {
		facts["groupable"] = true
	}
	if aggregatable {
		facts["aggregatable"] = true
	}
	if len(s.picklist) > 0 {
		vals := make([]any, 0, len(s.picklist))
		for _, v := range s.picklist {
			vals = append(vals, []any{v, v, false, true})
		}
		facts["picklistValues"] = vals
	}
	f := FromFacts(facts)
	f.ChildRelationship = s.childRel
	return f
}

// labelFor makes a label from an API name: "LastModifiedById" → "Last Modified By ID".
func labelFor(name string) string {
	name = strings.TrimSuffix(name, "__c")
	var sb strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			prev := name[i-1]
			if prev >= 'a' && prev <= 'z' {
				sb.WriteByte(' ')
			}
		}
		if r == '_' {
			r = ' '
		}
		sb.WriteRune(r)
	}
	l := sb.String()
	if strings.HasSuffix(l, " Id") {
		l = strings.TrimSuffix(l, " Id") + " ID"
	}
	return l
}
