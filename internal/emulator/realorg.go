package emulator

import (
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// Describe facts and record fields that follow the org's data: the Tooling
// view of data objects, the Tooling Profile's FullName and Metadata, the
// RecordTypeId field of objects with record types, and the SobjectType
// picklist of ObjectPermissions (schema/realorg.go has the mechanics).

// finishCatalog completes a freshly built catalog.
func (o *Org) finishCatalog() {
	for _, obj := range o.cat.Objects() {
		if !obj.Data || !obj.Tooling {
			continue
		}
		var writable []string
		if obj.Name == "Profile" || obj.Name == "PermissionSet" {
			// The Tooling Profile has FullName and Metadata (the Profile
			// metadata type, as JSON), which the data API's lacks (Tooling
			// API reference, Profile; integration-metadata-facts.md); so
			// does the Tooling PermissionSet (metadata_state.go).
			obj.AddToolingFields(schema.ToolingMetadataFields()...)
			writable = []string{"FullName", "Metadata"}
		}
		obj.ReadOnlyInTooling(writable...)
	}
	o.setObjectPermissionTypes()
}

// setObjectPermissionTypes lists, as the picklist values of
// ObjectPermissions.SobjectType, the objects whose permissions can be set:
// those opBeforeInsert accepts (permissionableObject, without Event and
// Task). Source: ObjectPermissions object reference, SobjectType a picklist
// (facts §4); no recorded ObjectPermissions describe was found, so the entry
// shape (value the API name, label the object's label, none default) and the
// field label "SObject Type Name" (the one the rule's error messages use)
// are UNCONFIRMED. The list is sorted by API name, as describeGlobal is.
func (o *Org) setObjectPermissionTypes() {
	op, ok := o.cat.Object("ObjectPermissions")
	if !ok {
		return
	}
	var values, labels []string
	for _, obj := range o.cat.Objects() {
		if p, ok := o.permissionableObject(obj.Name); ok && p.Name != "Event" && p.Name != "Task" {
			values = append(values, p.Name)
			labels = append(labels, p.Label)
		}
	}
	op.SetPicklistValues("SobjectType", "SObject Type Name", values, labels)
}

// syncRecordTypeFields gives each object that supports record types its
// RecordTypeId field while the org has a record type for it (schema
// SetHasRecordTypes has the sources). It runs before every API request and
// after each RecordType write, so that rolled-back and restored record
// types count as they are.
func (o *Org) syncRecordTypeFields() {
	has := map[string]bool{}
	for _, r := range o.st.All("RecordType") {
		has[strings.ToLower(str(r, "SobjectType"))] = true
	}
	for _, obj := range o.cat.Objects() {
		if obj.RecordTypes {
			obj.SetHasRecordTypes(has[strings.ToLower(obj.Name)])
		}
	}
}

func recordTypeChanged(o *Org, _ dml, _ soql.Record)    { o.syncRecordTypeFields() }
func recordTypeUpdated(o *Org, _ dml, _, _ soql.Record) { o.syncRecordTypeFields() }

// checkRecordType refuses a RecordTypeId that is not an active record type
// of the record's object: INVALID_CROSS_REFERENCE_KEY "Record Type ID: this
// ID value isn't valid for the user: <id as sent>", fields [RecordTypeId]
// (a live org's body quoted in code-search results, 0128M0000004HVOQA2; an
// inactive record type gives the same error, as an integration's comment
// reports). The emulator has no per-profile record-type assignment, so
// every active record type of the object is valid for every user
// (UNCONFIRMED simplification).
func (o *Org) checkRecordType(obj *schema.Object, f *schema.Field, sent, id string) *DMLError {
	_, rt, _ := o.st.Get(id)
	if strings.EqualFold(str(rt, "SobjectType"), obj.Name) && rt["IsActive"] == true {
		return nil
	}
	return dmlErr("INVALID_CROSS_REFERENCE_KEY", f.Label+": this ID value isn't valid for the user: "+sent, f.Name)
}

// ---- Tooling Profile: FullName and Metadata ----------------------------------

// toolingStore is the store as Tooling queries see it: Profile records carry
// their FullName and Metadata.
type toolingStore struct {
	o  *Org
	st soql.Store
}

func (t toolingStore) All(object string) []soql.Record {
	recs := t.st.All(object)
	if object != "Profile" && object != "PermissionSet" {
		return recs
	}
	out := make([]soql.Record, len(recs))
	for i, r := range recs {
		out[i] = t.o.withToolingMetadata(object, r)
	}
	return out
}

func (t toolingStore) Get(id string) (string, soql.Record, bool) {
	typ, r, ok := t.st.Get(id)
	if ok {
		r = t.o.withToolingMetadata(typ, r)
	}
	return typ, r, ok
}

// toolingRecord is a record as the Tooling API renders it.
func (o *Org) toolingRecord(c *reqCtx, obj *schema.Object, rec soql.Record) soql.Record {
	if c.tooling {
		return o.withToolingMetadata(obj.Name, rec)
	}
	return rec
}

// withToolingMetadata adds FullName and Metadata to a Profile or
// PermissionSet record (other records are returned as they are).
func (o *Org) withToolingMetadata(object string, rec soql.Record) soql.Record {
	switch object {
	case "Profile":
		return o.withProfileMetadata(rec)
	case "PermissionSet":
		return o.withPermissionSetMetadata(rec)
	}
	return rec
}

// standardProfileFullNames are the Metadata API names of standard profiles
// whose fullName is not their Name: Admin, Standard and StandardAul are the
// file names of retrieved standard profiles (salesforcecli
// plugin-deploy-retrieve test/nuts/.../profiles/Admin.profile-meta.xml;
// source-tracking output listing Standard.profile-meta.xml and
// StandardAul.profile-meta.xml, code search); ReadOnly is UNCONFIRMED.
var standardProfileFullNames = map[string]string{
	"System Administrator":   "Admin",
	"Standard User":          "Standard",
	"Standard Platform User": "StandardAul",
	"Read Only":              "ReadOnly",
}

// profileFullName is a profile's FullName: the Tooling Profile "extends the
// Metadata metadata type and inherits its fullName field" (Tooling API
// reference, Profile, 264.0), so it is the Metadata API name: the standard
// names above, else the Name with ":" and "." written %3A and %2E, as in
// retrieved "Custom%3A Marketing Profile" and "Work%2Ecom Only User" (code
// search). Other characters are kept (UNCONFIRMED).
func profileFullName(name string) string {
	if fn, ok := standardProfileFullNames[name]; ok {
		return fn
	}
	return strings.NewReplacer(":", "%3A", ".", "%2E").Replace(name)
}

// withProfileMetadata is a copy of a Profile record with FullName and
// Metadata. Metadata is the Profile metadata type as JSON, built from what
// the org holds: custom (the owned set's IsCustom), description,
// userLicense (the licence's Name), userPermissions (the enabled system
// permissions, {enabled, name}), objectPermissions ({allowCreate,
// allowDelete, allowEdit, allowRead, modifyAllRecords, object,
// viewAllRecords}) and fieldPermissions ({editable, field, readable}) from
// the owned set's rows; the type's other lists are empty, loginHours null.
// Field names: Metadata WSDL v47 complexType Profile and its element types
// (facts §2). That Tooling's JSON carries every element, lists as [] and
// absent values as null, with "urls": null and no fullName, follows the
// recorded RemoteProxy Metadata ("urls":null; facts §8) and is UNCONFIRMED
// for Profile, as are the key order, that disabled permissions are left
// out; recordTypeVisibilities are those Metadata deploys set
// (metadata_state.go profileRecordTypeVisibilities).
func (o *Org) withProfileMetadata(rec soql.Record) soql.Record {
	out := make(soql.Record, len(rec)+2)
	for k, v := range rec {
		out[k] = v
	}
	out["FullName"] = profileFullName(str(rec, "Name"))
	ps := o.ownedPermissionSet(str(rec, "Id"))
	license := ""
	if _, l, ok := o.st.Get(str(rec, "UserLicenseId")); ok {
		license = str(l, "Name")
	}
	userPerms := []any{}
	for _, p := range o.cat.Permissions() {
		if f := p.ProfileField(); f != "" && rec[f] == true {
			userPerms = append(userPerms, schema.OrderedMap{{Key: "enabled", Value: true}, {Key: "name", Value: p.Name}})
		}
	}
	objPerms, fieldPerms := []any{}, []any{}
	if ps != nil {
		// The owned set's rows, as a permission set's Metadata lists its own.
		objPerms, fieldPerms = o.accessMetadata(str(ps, "Id"))
	}
	var description any
	if d := str(rec, "Description"); d != "" {
		description = d
	}
	out["Metadata"] = schema.OrderedMap{
		{Key: "applicationVisibilities", Value: []any{}},
		{Key: "categoryGroupVisibilities", Value: []any{}},
		{Key: "classAccesses", Value: []any{}},
		{Key: "custom", Value: ps != nil && ps["IsCustom"] == true},
		{Key: "customMetadataTypeAccesses", Value: []any{}},
		{Key: "customPermissions", Value: []any{}},
		{Key: "description", Value: description},
		{Key: "externalDataSourceAccesses", Value: []any{}},
		{Key: "fieldPermissions", Value: fieldPerms},
		{Key: "flowAccesses", Value: []any{}},
		{Key: "layoutAssignments", Value: []any{}},
		{Key: "loginHours", Value: nil},
		{Key: "loginIpRanges", Value: []any{}},
		{Key: "objectPermissions", Value: objPerms},
		{Key: "pageAccesses", Value: []any{}},
		{Key: "profileActionOverrides", Value: []any{}},
		{Key: "recordTypeVisibilities", Value: o.profileRecordTypeVisibilities(str(rec, "Id"))},
		{Key: "tabVisibilities", Value: []any{}},
		{Key: "urls", Value: nil},
		{Key: "userLicense", Value: license},
		{Key: "userPermissions", Value: userPerms},
	}
	return out
}
