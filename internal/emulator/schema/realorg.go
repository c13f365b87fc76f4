package schema

import "strings"

// Describe facts that follow the org's data or the emulator's own limits
// rather than a fixed list: the Tooling view of objects the emulator serves
// read-only there, the Tooling Profile's FullName and Metadata, the
// RecordTypeId field of objects with record types, and picklists whose
// values are the org's objects.

// ReadOnlyInTooling makes the Tooling view of a data object say what the
// emulator allows there: nothing but reads (dml.writable refuses every
// Tooling write of an object the data API also serves). The object is not
// createable, updateable or deletable, and neither are its fields, except
// those named in writable, whose flags stay as built. Sources: the Tooling
// API reference lists only GET and HEAD ("Supported REST HTTP Methods") for
// Profile (tooling_api_objects_profile.htm, 222.0 to 264.0; GET, PATCH in
// 194.0 and 204.0) and GET, HEAD, Query for PermissionSet
// (tooling-permissionset, facts §3), so real orgs refuse these writes too;
// the Tooling Profile fields Name and Description carry no Create or Update
// property there either. Field flags of other objects' Tooling views (e.g.
// ApexClass, which a real org lets the Tooling API create) are the
// emulator's limit, not a recording (UNCONFIRMED).
func (o *Object) ReadOnlyInTooling(writable ...string) {
	if o.tooling == nil {
		o.AddToolingFields()
	}
	t := o.tooling
	t.Createable, t.Updateable, t.Deletable = false, false, false
	keep := map[string]bool{}
	for _, n := range writable {
		keep[strings.ToLower(n)] = true
	}
	for i, f := range t.Fields {
		if keep[strings.ToLower(f.Name)] || !f.Createable && !f.Updateable {
			continue
		}
		c := f.clone()
		c.Createable, c.Updateable = false, false
		c.facts["createable"], c.facts["updateable"] = false, false
		t.Fields[i] = c
		t.byName[strings.ToLower(c.Name)] = c
	}
}

func (f *Field) clone() *Field {
	c := *f
	c.facts = make(map[string]any, len(f.facts))
	for k, v := range f.facts {
		c.facts[k] = v
	}
	return &c
}

// ToolingMetadataFields are the FullName and Metadata fields of a Tooling
// object that extends a Metadata API type. Source: Tooling API reference,
// Profile (tooling_api_objects_profile.htm 204.0 to 264.0): FullName string,
// "Create, Group, Nillable"; Metadata (ProfileMetadata), "Create, Nillable,
// Update"; neither filterable nor sortable. The describe type
// "complexvalue" for Metadata is the one the emulator's RemoteProxy uses
// (UNCONFIRMED for Profile).
func ToolingMetadataFields() []*Field {
	name := build(fieldSpec{name: "FullName", label: "Full Name", typ: "string", flags: "cn", length: 255})
	md := build(fieldSpec{name: "Metadata", typ: "complexvalue", flags: "cun"})
	for _, f := range []*Field{name, md} {
		f.Filterable, f.Sortable, f.Aggregatable = false, false, false
		delete(f.facts, "filterable")
		delete(f.facts, "sortable")
		delete(f.facts, "aggregatable")
	}
	md.Groupable = false
	delete(md.facts, "groupable")
	return []*Field{name, md}
}

// RemoveField drops a field from the object (no-op when it has none).
func (o *Object) RemoveField(name string) {
	f, ok := o.byName[strings.ToLower(name)]
	if !ok {
		return
	}
	delete(o.byName, strings.ToLower(name))
	for i, g := range o.Fields {
		if g == f {
			o.Fields = append(o.Fields[:i:i], o.Fields[i+1:]...)
			break
		}
	}
}

// recordTypeAfter is the field RecordTypeId follows in describe where a
// recorded describe shows it: Account's "Type" (describe-Account-personaccounts-v59.json).
// Elsewhere it follows Name (or Id), an UNCONFIRMED position.
var recordTypeAfter = map[string]string{"Account": "Type"}

// SetHasRecordTypes gives an object that supports record types its
// RecordTypeId field while it has at least one, and takes the field away
// when it has none. Source: the recorded Account describe of an org with
// record types lists RecordTypeId (reference to RecordType, relationship
// RecordType, createable, updateable, nillable, not permissionable:
// describe-Account-personaccounts-v59.json), those of orgs without
// (describe-Account-v58.json, describe-Contact.json, describe-Case-v48.json,
// recordTypeInfos Master only) do not; a REST create naming it then fails
// "No such column 'RecordTypeId' on sobject of type Contact"
// (MinnPost/object-sync-for-salesforce#194). Whether an inactive record
// type alone is enough is UNCONFIRMED (it is here).
func (o *Object) SetHasRecordTypes(has bool) {
	if !o.RecordTypes {
		return
	}
	if o.recordTypeField == nil {
		if f, ok := o.Field("RecordTypeId"); ok {
			o.recordTypeField = f
			for i, g := range o.Fields {
				if g == f && i > 0 {
					o.recordTypeAnchor = o.Fields[i-1].Name
				}
			}
		} else {
			o.recordTypeField = build(fieldSpec{name: "RecordTypeId", label: "Record Type ID", typ: "reference", flags: "cun",
				refTo: []string{"RecordType"}, relName: "RecordType"})
			o.recordTypeAnchor = recordTypeAfter[o.Name]
			if _, ok := o.Field(o.recordTypeAnchor); !ok {
				o.recordTypeAnchor = "Name"
			}
		}
	}
	_, present := o.Field("RecordTypeId")
	switch {
	case has && !present:
		pos := len(o.Fields)
		for i, g := range o.Fields {
			if strings.EqualFold(g.Name, o.recordTypeAnchor) {
				pos = i + 1
			}
		}
		if o.byName == nil {
			o.byName = map[string]*Field{}
		}
		o.Fields = append(o.Fields[:pos:pos], append([]*Field{o.recordTypeField}, o.Fields[pos:]...)...)
		o.byName["recordtypeid"] = o.recordTypeField
	case !has && present:
		o.RemoveField("RecordTypeId")
	}
}

// SetPicklistValues gives a picklist field its label and values (value and
// label, active, none default), and marks it restricted in describe. The
// values are checked by the object's own rule, not by the generic picklist
// check (which compares exactly).
func (o *Object) SetPicklistValues(field, label string, values, labels []string) {
	f, ok := o.Field(field)
	if !ok {
		return
	}
	f.Label = label
	f.facts["label"] = label
	f.Picklist = f.Picklist[:0]
	for i, v := range values {
		f.Picklist = append(f.Picklist, PicklistValue{Value: v, Label: labels[i], Active: true})
	}
	f.facts["restrictedPicklist"] = true
}
