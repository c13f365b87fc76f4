package emulator

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// ---- Profiles -----------------------------------------------------------------

// duplicateName finds another record of object whose field equals value
// case-insensitively (and that same, when given, accepts), through the
// object's index of that field when it has one.
func (o *Org) duplicateName(object, field, value, exceptID string, same func(soql.Record) bool) (string, bool) {
	recs := o.st.All
	for _, ix := range indexes[object] {
		if ix.fold && len(ix.fields) == 1 && ix.fields[0] == field {
			recs = func(string) []soql.Record { return o.st.lookup(ix, value) }
		}
	}
	for _, r := range recs(object) {
		if v, _ := r[field].(string); strings.EqualFold(v, value) && r["Id"] != exceptID && (same == nil || same(r)) {
			return r["Id"].(string), true
		}
	}
	return "", false
}

func profileBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	if id, dup := o.duplicateName("Profile", "Name", str(rec, "Name"), "", nil); dup {
		return errDuplicate("Name", id, "Name")
	}
	rec["UserType"] = "Standard"
	return o.checkSetInsert(rec, true)
}

// profileAfterInsert creates the profile-owned permission set (facts §2).
func profileAfterInsert(o *Org, d dml, rec soql.Record) {
	psID := o.insertOwnedPermissionSet(rec["Id"].(string), str(rec, "UserLicenseId"), rec, timestamp(o.now()))
	o.st.set(psID, map[string]any{"IsCustom": true})
}

// standardSet reports whether a permission set is the owned set of a
// standard (not custom) profile.
func (o *Org) standardSet(psID string) bool {
	_, ps, ok := o.st.Get(psID)
	return ok && ps["IsOwnedByProfile"] == true && ps["IsCustom"] != true
}

// errStandardProfile: the system permissions of standard profiles (Admin,
// Standard User, ...) "are not editable from user interface in Salesforce"
// (dxatscale/sfpowerkit#716, with a couple of exceptions the emulator does
// not have); admins clone them (facts §2). Code and wording UNCONFIRMED.
// Whether object access rows on a standard profile's set are refused too is
// UNCONFIRMED, so they are accepted.
func errStandardProfile() *DMLError {
	return dmlErr("INSUFFICIENT_ACCESS_OR_READONLY", "The permissions of a standard profile can't be changed. Clone the profile and change the copy.")
}

func profileBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	ps := o.ownedPermissionSet(rec["Id"].(string))
	if ps != nil && o.standardSet(ps["Id"].(string)) {
		for k, v := range ch {
			if strings.HasPrefix(k, "Permissions") && rec[k] != v {
				return errStandardProfile()
			}
		}
	}
	if n, ok := ch["Name"].(string); ok {
		if id, dup := o.duplicateName("Profile", "Name", n, rec["Id"].(string), nil); dup {
			return errDuplicate("Name", id, "Name")
		}
	}
	psID := ""
	if ps != nil {
		psID = ps["Id"].(string)
	}
	return o.checkSetUpdate(psID, rec, mergedRecord(rec, ch), true)
}

// profileAfterUpdate mirrors the profile's Permissions* onto its owned
// permission set, where the platform keeps them (facts §2); three fields
// have other names there (PermissionsInstallMultiforce is the set's
// PermissionsInstallPackaging, userperms.tsv).
func profileAfterUpdate(o *Org, d dml, old, rec soql.Record) {
	ps := o.ownedPermissionSet(rec["Id"].(string))
	if ps == nil {
		return
	}
	ch := map[string]any{}
	for k, v := range o.profilePermsAsSet(rec) {
		if ps[k] != v {
			ch[k] = v
		}
	}
	if len(ch) > 0 {
		o.st.set(ps["Id"].(string), ch)
		o.touchPermissionSet(ps["Id"].(string))
	}
}

func (o *Org) ownedPermissionSet(profileID string) soql.Record {
	for _, ps := range o.st.lookup(ixPSProfile, profileID) {
		if ps["ProfileId"] == profileID && ps["IsOwnedByProfile"] == true {
			return ps
		}
	}
	return nil
}

// profileBeforeDelete: a profile with users cannot be deleted (facts §2,
// Terraform's provider); standard profiles cannot be deleted at all. The
// codes and wording are UNCONFIRMED.
func profileBeforeDelete(o *Org, d dml, rec soql.Record) *DMLError {
	for _, u := range o.st.lookup(ixProfileUsers, rec["Id"]) {
		if u["ProfileId"] == rec["Id"] {
			return dmlErr("DELETE_FAILED", "Cannot delete a profile that is assigned to users.")
		}
	}
	if ps := o.ownedPermissionSet(rec["Id"].(string)); ps != nil && ps["IsCustom"] != true {
		return dmlErr("INSUFFICIENT_ACCESS_OR_READONLY", "Cannot delete a standard profile.")
	}
	return nil
}

func profileAfterDelete(o *Org, d dml, rec soql.Record) {
	if ps := o.ownedPermissionSet(rec["Id"].(string)); ps != nil {
		o.st.remove(ps["Id"].(string))
		psAfterDelete(o, d, ps)
	}
}

// ---- Permission sets --------------------------------------------------------------

// apiNameRE is the rule for API names of setup entities. Source: the rule
// Setup states for API names (letters, digits, underscores; begins with a
// letter; no trailing or double underscore); facts §3 (Name: "alphanumeric
// plus _", at most 80). The errorCode is UNCONFIRMED.
var apiNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

const msgAPIName = "The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, " +
	"not include spaces, not end with an underscore, and not contain two consecutive underscores."

func validAPIName(n string) bool {
	return apiNameRE.MatchString(n) && !strings.HasSuffix(n, "_") && !strings.Contains(n, "__")
}

// errOwnedByProfile: a profile-owned permission set is edited through its
// profile (facts §2). Code and wording UNCONFIRMED.
func errOwnedByProfile(id string) *DMLError {
	return dmlErr("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id: "+id[:15]+
		" (this permission set is owned by a profile; change the profile instead)")
}

func (o *Org) samePSNamespace(ns any) func(soql.Record) bool {
	return func(r soql.Record) bool {
		// Group-backing and profile-owned sets have generated names of their own.
		return r["Type"] != "Group" && r["IsOwnedByProfile"] != true && r["NamespacePrefix"] == ns
	}
}

func psBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	name := str(rec, "Name")
	if !validAPIName(name) {
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgAPIName, "Name")
	}
	if id, dup := o.duplicateName("PermissionSet", "Name", name, "", o.samePSNamespace(nil)); dup {
		return errDuplicate("Name", id, "Name")
	}
	rec["IsOwnedByProfile"], rec["IsCustom"], rec["Type"] = false, true, "Regular"
	return o.checkSetInsert(rec, false)
}

func psBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	id := rec["Id"].(string)
	if rec["IsOwnedByProfile"] == true {
		return errOwnedByProfile(id)
	}
	if rec["Type"] == "Group" || rec["NamespacePrefix"] != nil {
		// Group-backing sets follow their group; managed sets belong to their package.
		return dmlErr("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id: "+id[:15])
	}
	if n, ok := ch["Name"].(string); ok {
		if !validAPIName(n) {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgAPIName, "Name")
		}
		if dupID, dup := o.duplicateName("PermissionSet", "Name", n, id, o.samePSNamespace(nil)); dup {
			return errDuplicate("Name", dupID, "Name")
		}
	}
	return o.checkSetUpdate(id, rec, mergedRecord(rec, ch), false)
}

func psAfterUpdate(o *Org, d dml, old, rec soql.Record) { o.touchPermissionSet(rec["Id"].(string)) }

func psBeforeDelete(o *Org, d dml, rec soql.Record) *DMLError {
	if rec["IsOwnedByProfile"] == true {
		return errOwnedByProfile(rec["Id"].(string))
	}
	if rec["Type"] == "Group" || rec["NamespacePrefix"] != nil {
		return dmlErr("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id: "+rec["Id"].(string)[:15])
	}
	return nil
}

// psAfterDelete removes what hangs off a deleted permission set: its object,
// field and setup-entity access rows, its assignments and group memberships
// (cascade delete; UNCONFIRMED whether Salesforce refuses instead while
// assignments exist).
func psAfterDelete(o *Org, d dml, rec soql.Record) {
	id := rec["Id"]
	for _, child := range []struct {
		ix    *index
		field string
	}{
		{ixObjectParent, "ParentId"}, {ixFieldParent, "ParentId"}, {ixSEAParent, "ParentId"},
		{ixPSASet, "PermissionSetId"}, {ixPSGCSet, "PermissionSetId"},
	} {
		for _, r := range o.st.lookup(child.ix, id) {
			if r[child.field] != id {
				continue
			}
			o.st.remove(r["Id"].(string))
			if child.ix == ixPSGCSet {
				o.markGroupUpdating(str(r, "PermissionSetGroupId"))
			}
		}
	}
}

// touchPermissionSet starts the recalculation of every group the set is in
// (facts §6: "Recalculation ... starts when a member permission set changes").
func (o *Org) touchPermissionSet(psID string) {
	for _, c := range o.st.lookup(ixPSGCSet, psID) {
		if c["PermissionSetId"] == psID {
			o.markGroupUpdating(str(c, "PermissionSetGroupId"))
		}
	}
}

func touchParent(o *Org, d dml, rec soql.Record)     { o.touchPermissionSet(str(rec, "ParentId")) }
func touchParent2(o *Org, d dml, _, rec soql.Record) { o.touchPermissionSet(str(rec, "ParentId")) }

// ---- Object and field permissions -------------------------------------------------

// permissionableObject reports whether object permissions can name obj: the
// business objects (standard CRM objects and custom objects), not setup objects.
func (o *Org) permissionableObject(name string) (*schema.Object, bool) {
	obj, ok := o.cat.Object(name)
	if !ok || obj.Setup || !obj.Data || !obj.Createable {
		return nil, false
	}
	return obj, true
}

func errBadPicklist(label, value, field string) *DMLError {
	return dmlErr("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", label, value), field)
}

func opBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	obj, ok := o.permissionableObject(str(rec, "SobjectType"))
	if ok && (obj.Name == "Event" || obj.Name == "Task") {
		// Activities have no object permissions of their own: the "Access
		// Activities" and Edit Tasks/Events system permissions govern them
		// (Setup's object settings list no Events or Tasks; UNCONFIRMED for
		// the SobjectType picklist itself). Field access on them exists.
		ok = false
	}
	if !ok {
		return errBadPicklist("SObject Type Name", str(rec, "SobjectType"), "SobjectType")
	}
	rec["SobjectType"] = obj.Name
	psID := str(rec, "ParentId")
	for _, r := range o.st.children("ObjectPermissions", psID) {
		if r["SobjectType"] == obj.Name {
			// One row per (ParentId, SobjectType) (facts §4, UNCONFIRMED code).
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	// The dependencies between object permissions, and of the set's user
	// permissions on them, are the org's PermissionDependency rows
	// (rules_permdeps.go). A collection's rows are written in the order
	// sent, so a dependent row must come after the one it needs.
	return o.checkObjectRows(psID, o.objectRowsWith(psID, "", rec))
}

func opBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	psID := str(rec, "ParentId")
	return o.checkObjectRows(psID, o.objectRowsWith(psID, rec["Id"].(string), mergedRecord(rec, ch)))
}

// opBeforeDelete: a row cannot go while another permission of the set
// needs one of its permissions (wiki.sfxd.org's example is such a write:
// Account access taken away while Convert Leads and Read All on Asset,
// Contract and custom objects need it).
func opBeforeDelete(o *Org, d dml, rec soql.Record) *DMLError {
	psID := str(rec, "ParentId")
	return o.checkObjectRows(psID, o.objectRowsWith(psID, rec["Id"].(string), nil))
}

// resolveFieldRef checks FieldPermissions.Field ("Object.Field", a restricted
// picklist of permissionable fields, facts §4) and returns its canonical
// spelling. Lookups may be named without "Id" from API 50 (facts §4).
func (o *Org) resolveFieldRef(ref string) (string, *schema.Object, bool) {
	objName, fieldName, ok := strings.Cut(ref, ".")
	if !ok {
		return "", nil, false
	}
	obj, ok := o.permissionableObject(objName)
	if !ok {
		return "", nil, false
	}
	f, ok := obj.Field(fieldName)
	if !ok {
		f, ok = obj.Field(fieldName + "Id")
	}
	if !ok || !f.Permissionable {
		return "", nil, false
	}
	return obj.Name + "." + f.Name, obj, true
}

func fpBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	ref, obj, ok := o.resolveFieldRef(str(rec, "Field"))
	if !ok {
		return errBadPicklist("Field Name", str(rec, "Field"), "Field")
	}
	if !strings.EqualFold(str(rec, "SobjectType"), obj.Name) {
		return errBadPicklist("SObject Type Name", str(rec, "SobjectType"), "SobjectType")
	}
	rec["Field"], rec["SobjectType"] = ref, obj.Name
	for _, r := range o.st.children("FieldPermissions", str(rec, "ParentId")) {
		if r["Field"] == ref {
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	return checkFieldPermDeps(rec)
}

// checkFieldPermDeps: Edit needs Read (facts §4). Wording follows the
// dependency message pattern; UNCONFIRMED.
func checkFieldPermDeps(r soql.Record) *DMLError {
	if r["PermissionsEdit"] == true && r["PermissionsRead"] != true {
		f := str(r, "Field")
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("Permission Edit %s depends on permission(s): Read %s", f, f))
	}
	return nil
}

// fpAfterWrite: "A row must have Read = true, or it is deleted" (facts §4).
func fpAfterWrite(o *Org, d dml, rec soql.Record) {
	if rec["PermissionsRead"] != true {
		o.st.remove(rec["Id"].(string))
	}
	o.touchPermissionSet(str(rec, "ParentId"))
}

func fpBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	return checkFieldPermDeps(mergedRecord(rec, ch))
}

func fpAfterUpdate(o *Org, d dml, _, rec soql.Record) { fpAfterWrite(o, d, rec) }

// ---- Setup entity access ----------------------------------------------------------

// seaBeforeInsert derives SetupEntityType from the entity (facts §5).
func seaBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	typ, _, _ := o.st.Get(str(rec, "SetupEntityId"))
	rec["SetupEntityType"] = typ
	for _, r := range o.st.children("SetupEntityAccess", str(rec, "ParentId")) {
		if r["SetupEntityId"] == rec["SetupEntityId"] {
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	return nil
}

// profilePermsAsSet returns a Profile record's system permissions as its
// owned permission set's fields hold them (userperms.tsv: the two objects
// name three fields differently).
func (o *Org) profilePermsAsSet(profile soql.Record) map[string]any {
	out := map[string]any{}
	for _, p := range o.cat.Permissions() {
		if p.Field() == "" || p.ProfileField() == "" {
			continue
		}
		v, _ := profile[p.ProfileField()].(bool)
		out[p.Field()] = v
	}
	return out
}

// noPermissions is every PermissionSet permission field of the org set to
// false, as a new set holds them.
func (o *Org) noPermissions() map[string]any {
	out := map[string]any{}
	for _, p := range o.cat.Permissions() {
		if f := p.Field(); f != "" {
			out[f] = false
		}
	}
	return out
}

// objectPermWord names the ObjectPermissions fields in the licence message
// of rules_assign.go ("... doesn't allow the permission: Read Accounts", facts §1).
var objectPermWord = map[string]string{"PermissionsRead": "Read", "PermissionsCreate": "Create", "PermissionsEdit": "Edit",
	"PermissionsDelete": "Delete", "PermissionsViewAllRecords": "View All", "PermissionsModifyAllRecords": "Modify All",
	"PermissionsViewAllFields": "View All Fields"}
