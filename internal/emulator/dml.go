package emulator

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// dml is the context of one DML operation: who does it and through which API.
type dml struct {
	userID  string
	tooling bool
}

// writable reports whether obj can be written through this API. Tooling
// PermissionSet and Profile are read-only (facts §2, §3).
func (d dml) writable(obj *schema.Object) bool {
	return !(d.tooling && obj.Data)
}

// The messages of generic field errors.
//
// Source: "No such column 'RecordTypeId' on sobject of type Contact" (a REST
// create answer quoted in MinnPost/object-sync-for-salesforce#194);
// INVALID_FIELD_FOR_INSERT_UPDATE wording: fixtures
// error-INVALID_FIELD_FOR_INSERT_UPDATE-v51.json; REQUIRED_FIELD_MISSING
// "Required fields are missing: [Website__c]" with fields [Website__c] (an
// integration test against a live org, found by code search; the ", "
// between several names is UNCONFIRMED); the restricted-picklist sentence
// "bad value for restricted picklist field: X" (MinnPost/object-sync-for-salesforce#128);
// MALFORMED_ID, STRING_TOO_LONG and INVALID_EMAIL_ADDRESS wordings are UNCONFIRMED.
func errNoSuchColumn(name string, obj *schema.Object) *DMLError {
	return dmlErr("INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", name, obj.Name))
}

func errNotWritable(fields []string) *DMLError {
	return dmlErr("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: "+joinFields(fields)+
		". Please check the security settings of this field and verify that it is read/write for your profile or permission set.", fields...)
}

func errRequired(fields []string) *DMLError {
	return dmlErr("REQUIRED_FIELD_MISSING", "Required fields are missing: ["+joinFields(fields)+"]", fields...)
}

// errCrossRef is the answer for an Id that names no record.
// Source: fixtures collections-update-error-INVALID_CROSS_REFERENCE_KEY-v59.json.
func errCrossRef(fields ...string) *DMLError {
	return dmlErr("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields...)
}

// errDuplicate is DUPLICATE_VALUE: "duplicate value found: <field>
// duplicates value on record with id: <id>", with "<unknown>" for a
// combination of fields (facts §6; the sentence as Apex and deploy errors
// quote it, e.g. a second TraceFlag for the same entity: "duplicate value
// found: <unknown> duplicates value on record with id: <existing trace
// flag>"). Record Ids in Salesforce's messages are 15 characters long
// (fixtures error-INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY-v51.json).
func errDuplicate(what, id string, fields ...string) *DMLError {
	if len(id) > 15 {
		id = id[:15]
	}
	return dmlErr("DUPLICATE_VALUE", fmt.Sprintf("duplicate value found: %s duplicates value on record with id: %s", what, id), fields...)
}

// values is a record body after field resolution: canonical field → value.
type values map[string]any

// resolve checks and converts a JSON body's fields for insert (insert=true)
// or update. Keys "attributes" (and "Id" on update) are not fields.
func (o *Org) resolve(obj *schema.Object, body map[string]any, insert bool) (values, *DMLError) {
	out := values{}
	var notWritable []string
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "attributes" || (!insert && strings.EqualFold(k, "Id")) {
			continue
		}
		f, ok := obj.Field(k)
		if !ok {
			return nil, errNoSuchColumn(k, obj)
		}
		if insert && !f.Createable || !insert && !f.Updateable {
			notWritable = append(notWritable, f.Name)
			continue
		}
		v, err := o.coerce(obj, f, body[k])
		if err != nil {
			if err.jsonValue {
				err.jsonKey = k
			}
			return nil, err
		}
		out[f.Name] = v
	}
	if len(notWritable) > 0 {
		return nil, errNotWritable(notWritable)
	}
	return out, nil
}

var (
	dateRE     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	datetimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$`)
)

// coerce converts a JSON value to what the field stores, or says why not.
func (o *Org) coerce(obj *schema.Object, f *schema.Field, v any) (any, *DMLError) {
	if v == nil {
		if f.Type == "boolean" {
			// Salesforce stores false for a null boolean (booleans are never null).
			return false, nil
		}
		return nil, nil
	}
	label := f.Label
	switch f.Type {
	case "boolean":
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			if pb, err := strconv.ParseBool(b); err == nil {
				return pb, nil
			}
		}
		return nil, errDeserialize("boolean", v)
	case "int", "double", "currency", "percent":
		var n float64
		switch x := v.(type) {
		case float64:
			n = x
		case string:
			p, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, errDeserialize(jsonTypeWord(f.Type), v)
			}
			n = p
		default:
			return nil, errDeserialize(jsonTypeWord(f.Type), v)
		}
		if f.Type == "int" && n != math.Trunc(n) {
			return nil, dmlErr("INVALID_TYPE_ON_FIELD_IN_RECORD", fmt.Sprintf("%s: value not of required type: %v", label, n), f.Name)
		}
		return n, nil
	case "reference":
		s, ok := v.(string)
		if !ok {
			return nil, errDeserialize("string", v)
		}
		if s == "" {
			return nil, nil
		}
		if !sfid.Valid(s) {
			return nil, dmlErr("MALFORMED_ID", fmt.Sprintf("%s: id value of incorrect type: %s", label, s), f.Name)
		}
		id := sfid.Canonical(s)
		target, ok := o.cat.ByPrefix(sfid.Prefix(id))
		if !ok || !contains(f.ReferenceTo, target.Name) {
			return nil, dmlErr("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("%s: id value of incorrect type: %s", label, s), f.Name)
		}
		if _, _, exists := o.st.Get(id); !exists {
			return nil, errCrossRef(f.Name)
		}
		if f.Name == "RecordTypeId" && target.Name == "RecordType" {
			if err := o.checkRecordType(obj, f, s, id); err != nil {
				return nil, err
			}
		}
		return id, nil
	case "complexvalue":
		return v, nil
	}
	// String-like types.
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	default:
		return nil, errDeserialize(jsonTypeWord(f.Type), v)
	}
	if f.Length > 0 && len([]rune(s)) > f.Length && f.Type != "date" && f.Type != "datetime" {
		return nil, dmlErr("STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", label, s, f.Length), f.Name)
	}
	switch f.Type {
	case "picklist", "multipicklist":
		if f.RestrictedPicklist && !f.HasPicklistValue(s) && !(isTimeZoneField(f.Name) && knownTimeZone(s)) {
			return nil, dmlErr("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", label, s), f.Name)
		}
	case "email":
		if s != "" && (!strings.Contains(s, "@") || strings.ContainsAny(s, " ,;")) {
			return nil, dmlErr("INVALID_EMAIL_ADDRESS", fmt.Sprintf("%s: invalid email address: %s", label, s), f.Name)
		}
	case "date":
		if !dateRE.MatchString(s) {
			return nil, errDeserialize("date", v)
		}
	case "datetime":
		if !datetimeRE.MatchString(s) {
			return nil, errDeserialize("datetime", v)
		}
	}
	if s == "" {
		return nil, nil
	}
	return s, nil
}

// isTimeZoneField: time-zone picklists list a subset of the zones here, but
// Salesforce's list follows the IANA database, so any IANA zone that Go knows
// (other than the bare abbreviations) is accepted too.
func isTimeZoneField(name string) bool { return name == "TimeZoneSidKey" }

func knownTimeZone(s string) bool {
	if !strings.Contains(s, "/") {
		return s == "GMT"
	}
	_, err := loadLocation(s)
	return err == nil
}

// errDeserialize is REST's answer to a JSON value the field's type cannot
// take: JSON_PARSER_ERROR "Cannot deserialize instance of <type> from
// <token> value <value> or request may be missing a required field", no
// fields (the request layer adds " at [line:L, column:C]", see
// DMLError.atValue). Sources: full REST responses quoted in
// restforce/restforce#897 (datetime from VALUE_STRING), mautic/mautic#3048
// (double from VALUE_STRING), regican/Salesforce#2 (datetime); "string from
// START_OBJECT value {" as quoted by integrators (emulator-gaps.md G13).
func errDeserialize(typeWord string, v any) *DMLError {
	var val string
	switch x := v.(type) {
	case string:
		val = x
	case float64:
		val = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		val = strconv.FormatBool(x)
	case map[string]any:
		val = "{"
	case []any:
		val = "["
	}
	e := dmlErr("JSON_PARSER_ERROR", fmt.Sprintf("Cannot deserialize instance of %s from %s value %s or request may be missing a required field", typeWord, jsonKind(v), val))
	e.jsonValue = true
	return e
}

// jsonTypeWord is the type name Salesforce's JSON reader uses in
// deserialisation errors (the field's soapType without its prefix, as in
// the quoted answers: int, double, date, datetime, boolean, string).
func jsonTypeWord(t string) string {
	switch t {
	case "int", "double", "date", "datetime", "boolean":
		return t
	case "currency", "percent":
		return "double"
	case "complexvalue":
		return "complexvalue"
	}
	return "string"
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "VALUE_STRING"
	case float64:
		return "VALUE_NUMBER"
	case bool:
		if v == false {
			return "VALUE_FALSE"
		}
		return "VALUE_TRUE"
	case map[string]any:
		return "START_OBJECT"
	case []any:
		return "START_ARRAY"
	}
	return "VALUE_NULL"
}

// insert creates one record. It runs the generic checks (required fields),
// then the object's rules, then stores the record.
func (o *Org) insert(d dml, obj *schema.Object, body map[string]any) (string, *DMLError) {
	if !obj.Createable || !d.writable(obj) {
		// Source: describe-global-v59.json marks these objects not createable;
		// the code/message for trying anyway is UNCONFIRMED.
		return "", dmlErr("INVALID_TYPE_FOR_OPERATION", "entity type cannot be inserted: "+obj.Name)
	}
	vals, err := o.resolve(obj, body, true)
	if err != nil {
		return "", err
	}
	var missing []string
	for _, f := range obj.Fields {
		if f.Required() && vals[f.Name] == nil {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		return "", errRequired(missing)
	}
	now := timestamp(o.now())
	rec := o.blankRecord(obj, now, d.userID)
	for k, v := range vals {
		rec[k] = v
	}
	rec["Id"] = o.newID(obj)
	computeName(obj, rec)
	h := hooksFor(obj.Name)
	if h.beforeInsert != nil {
		if err := h.beforeInsert(o, d, rec); err != nil {
			return "", err
		}
	}
	o.st.insert(obj.Name, rec)
	if h.afterInsert != nil {
		h.afterInsert(o, d, rec)
	}
	return rec["Id"].(string), nil
}

// update changes one record.
func (o *Org) update(d dml, obj *schema.Object, id string, body map[string]any) *DMLError {
	if !obj.Updateable || !d.writable(obj) {
		return dmlErr("INVALID_TYPE_FOR_OPERATION", "entity type cannot be updated: "+obj.Name)
	}
	typ, rec, ok := o.st.Get(id)
	if !ok || typ != obj.Name {
		if o.st.inBin(id, obj.Name) {
			// As the record resource answers (serveRecord, G2).
			return dmlErr("ENTITY_IS_DELETED", "entity is deleted")
		}
		return errCrossRef()
	}
	vals, err := o.resolve(obj, body, false)
	if err != nil {
		return err
	}
	var missing []string
	for k, v := range vals {
		if f, _ := obj.Field(k); f.Required() && v == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return errRequired(missing)
	}
	changes := map[string]any(vals)
	h := hooksFor(obj.Name)
	if h.beforeUpdate != nil {
		if err := h.beforeUpdate(o, d, rec, changes); err != nil {
			return err
		}
	}
	now := timestamp(o.now())
	changes["LastModifiedDate"], changes["SystemModstamp"] = now, now
	if _, ok := obj.Field("LastModifiedById"); ok {
		changes["LastModifiedById"] = d.userID
	}
	merged := soql.Record{}
	for k, v := range rec {
		merged[k] = v
	}
	for k, v := range changes {
		merged[k] = v
	}
	computeName(obj, merged)
	if n, ok := merged["Name"]; ok && n != rec["Name"] {
		changes["Name"] = n
	}
	old := soql.Record{}
	for k, v := range rec {
		old[k] = v
	}
	o.st.set(rec["Id"].(string), changes)
	if h.afterUpdate != nil {
		h.afterUpdate(o, d, old, rec)
	}
	return nil
}

// remove deletes one record.
func (o *Org) remove(d dml, id string) *DMLError {
	typ, rec, ok := o.st.Get(id)
	if !ok {
		return dmlErr("ENTITY_IS_DELETED", "entity is deleted")
	}
	obj, _ := o.cat.Object(typ)
	if !obj.Deletable || !d.writable(obj) {
		// UNCONFIRMED wording (facts §16.1: users can't be deleted).
		return dmlErr("INVALID_TYPE_FOR_OPERATION", "entity type cannot be deleted")
	}
	h := hooksFor(obj.Name)
	if h.beforeDelete != nil {
		if err := h.beforeDelete(o, d, rec); err != nil {
			return err
		}
	}
	rollback, commit := o.st.begin()
	if err := o.deleteChildren(d, obj, rec); err != nil {
		rollback()
		return err
	}
	commit()
	if obj.Undeletable() {
		// Objects that can be undeleted go to the Recycle Bin (describe
		// undeletable; IsDeleted true), where queryAll and /deleted see them.
		now := timestamp(o.now())
		o.st.recycle(rec["Id"].(string), map[string]any{"IsDeleted": true, "SystemModstamp": now, "LastModifiedDate": now, "LastModifiedById": d.userID})
	} else {
		o.st.remove(rec["Id"].(string))
	}
	if h.afterDelete != nil {
		h.afterDelete(o, d, rec)
	}
	return nil
}

// computeName keeps the read-only full-name field of person-like objects
// (User, Contact, Lead) equal to "FirstName LastName".
func computeName(obj *schema.Object, rec soql.Record) {
	nf, ok := obj.Field("Name")
	if !ok || nf.Createable {
		return
	}
	if _, ok := obj.Field("LastName"); !ok {
		return
	}
	first, _ := rec["FirstName"].(string)
	last, _ := rec["LastName"].(string)
	rec["Name"] = strings.TrimSpace(first + " " + last)
}

// deleteChildren applies the describe childRelationships of a data object
// being deleted (emulator-gaps.md G3): children of a restrictedDelete
// relationship refuse the delete, those of a cascadeDelete one are deleted
// with it (and their own children in turn), and other lookups to it are
// cleared, so that no record is left pointing at a deleted one. Setup objects
// keep their own rules (hooks), so only data objects take part.
//
// Source: describe-Account-v58.json and describe-Contact.json
// (cascadeDelete, restrictedDelete); the refusal as a live org answered a
// REST delete of a Contact with a Case: DELETE_FAILED "Your attempt to delete
// Mr. Josh Davis could not be completed because it is associated with the
// following cases.: 00001005\n" (quoted in a Node.js Salesforce proxy found by
// code search). How several numbers are joined is UNCONFIRMED (", ").
func (o *Org) deleteChildren(d dml, obj *schema.Object, rec soql.Record) *DMLError {
	if obj.Setup {
		return nil
	}
	id := rec["Id"].(string)
	for _, cr := range o.cat.Children(obj.Name) {
		child, ok := o.cat.Object(cr.ChildSObject)
		if !ok || child.Setup {
			continue
		}
		kids := o.st.find(child.Name, func(r soql.Record) bool { return r[cr.Field] == id })
		if len(kids) == 0 {
			continue
		}
		switch {
		case cr.RestrictedDelete:
			var names []string
			for _, k := range kids {
				n := str(k, "CaseNumber")
				if n == "" {
					n = str(k, "Name")
				}
				names = append(names, n)
			}
			return dmlErr("DELETE_FAILED", fmt.Sprintf("Your attempt to delete %s could not be completed because it is associated with the following %s.: %s\n",
				str(rec, "Name"), strings.ToLower(child.LabelPlural), strings.Join(names, ", ")))
		case cr.CascadeDelete:
			for _, k := range kids {
				if err := o.remove(d, k["Id"].(string)); err != nil {
					return err
				}
			}
		default:
			for _, k := range kids {
				o.st.set(k["Id"].(string), map[string]any{cr.Field: nil})
			}
		}
	}
	return nil
}
