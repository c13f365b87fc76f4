package emulator

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/soql"
)

// hooks are the rules of one object beyond the generic field checks.
type hooks struct {
	beforeInsert func(o *Org, d dml, rec soql.Record) *DMLError
	afterInsert  func(o *Org, d dml, rec soql.Record)
	beforeUpdate func(o *Org, d dml, rec soql.Record, changes map[string]any) *DMLError
	afterUpdate  func(o *Org, d dml, old, rec soql.Record)
	beforeDelete func(o *Org, d dml, rec soql.Record) *DMLError
	afterDelete  func(o *Org, d dml, rec soql.Record)
}

func hooksFor(object string) hooks {
	switch object {
	case "User":
		return hooks{beforeInsert: userBeforeInsert, afterInsert: userAfterInsert, beforeUpdate: userBeforeUpdate, afterUpdate: userAfterUpdate}
	case "Profile":
		return hooks{beforeInsert: profileBeforeInsert, afterInsert: profileAfterInsert, beforeUpdate: profileBeforeUpdate,
			afterUpdate: profileAfterUpdate, beforeDelete: profileBeforeDelete, afterDelete: profileAfterDelete}
	case "PermissionSet":
		return hooks{beforeInsert: psBeforeInsert, beforeUpdate: psBeforeUpdate, afterUpdate: psAfterUpdate,
			beforeDelete: psBeforeDelete, afterDelete: psAfterDelete}
	case "ObjectPermissions":
		return hooks{beforeInsert: opBeforeInsert, afterInsert: touchParent, beforeUpdate: opBeforeUpdate, afterUpdate: touchParent2, afterDelete: touchParent}
	case "FieldPermissions":
		return hooks{beforeInsert: fpBeforeInsert, afterInsert: fpAfterWrite, beforeUpdate: fpBeforeUpdate, afterUpdate: fpAfterUpdate, afterDelete: touchParent}
	case "SetupEntityAccess":
		return hooks{beforeInsert: seaBeforeInsert, afterInsert: touchParent, afterDelete: touchParent}
	case "PermissionSetAssignment":
		return hooks{beforeInsert: psaBeforeInsert, beforeDelete: psaBeforeDelete}
	case "PermissionSetLicenseAssign":
		return hooks{beforeInsert: pslaBeforeInsert, afterInsert: recount, afterDelete: recount}
	case "PermissionSetGroup":
		return hooks{beforeInsert: psgBeforeInsert, afterInsert: psgAfterInsert, beforeUpdate: psgBeforeUpdate, afterUpdate: psgAfterUpdate,
			afterDelete: psgAfterDelete}
	case "PermissionSetGroupComponent":
		return hooks{beforeInsert: psgcBeforeInsert, afterInsert: psgcChanged, afterDelete: psgcChanged}
	case "Account":
		return hooks{beforeInsert: accountBeforeInsert}
	case "RemoteProxy":
		return hooks{beforeInsert: rpBeforeInsert, beforeUpdate: rpBeforeUpdate}
	}
	return hooks{}
}

func recount(o *Org, _ dml, _ soql.Record)     { o.recountLicenses() }
func recount2(o *Org, _ dml, _, _ soql.Record) { o.recountLicenses() }

// ---- Users ----------------------------------------------------------------

// Source: DUPLICATE_USERNAME and its message as Salesforce returns it
// (quoted in afawcett/githubsfdeploy#20 and patronmanager/apex-dml-manager#14);
// usernames are unique across all orgs (facts §1), here across this org.
const msgDuplicateUsername = "Duplicate Username.<br>The username already exists in this or another Salesforce organization. " +
	"Usernames must be unique across all Salesforce organizations. To resolve, use a different username " +
	"(it doesn't need to match the user's email address). "

// Source: DUPLICATE_COMM_NICKNAME as quoted in forcedotcom/cli#3142.
const msgDuplicateNickname = "Duplicate Nickname.<br>Another user has already selected this nickname.<br>Please select another."

// errLicenseLimit is LICENSE_LIMIT_EXCEEDED (facts §1, StatusCode enumeration);
// the message text is UNCONFIRMED.
func errLicenseLimit() *DMLError {
	return dmlErr("LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
}

func (o *Org) userByUsername(username string) (soql.Record, bool) {
	for _, r := range o.st.All("User") {
		if u, _ := r["Username"].(string); strings.EqualFold(u, username) {
			return r, true
		}
	}
	return nil, false
}

// usernameRE is the email form a username must have (facts §1).
var usernameRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

// errUsernameForm: FIELD_INTEGRITY_EXCEPTION "Username must be in the form of
// an email address (for example, john@acme.com): Username", fields [Username]
// (the REST answer quoted in wso2/product-is#23846).
func errUsernameForm() *DMLError {
	return dmlErr("FIELD_INTEGRITY_EXCEPTION", "Username must be in the form of an email address (for example, john@acme.com): Username", "Username")
}

func userBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	username, _ := rec["Username"].(string)
	if !usernameRE.MatchString(username) {
		return errUsernameForm()
	}
	if _, dup := o.userByUsername(username); dup {
		return dmlErr("DUPLICATE_USERNAME", msgDuplicateUsername, "Username")
	}
	if nick, ok := rec["CommunityNickname"].(string); ok {
		if o.nicknameTaken(nick, "") {
			return dmlErr("DUPLICATE_COMM_NICKNAME", msgDuplicateNickname, "CommunityNickname")
		}
	} else {
		// Defaulted on create (describe: defaultedOnCreate); made unique like Salesforce does.
		base := nickname(username)
		nick := base
		for i := 1; o.nicknameTaken(nick, ""); i++ {
			nick = fmt.Sprintf("%s%d", base, i)
		}
		rec["CommunityNickname"] = nick
	}
	rec["UserType"] = "Standard"
	if rec["IsActive"] == true {
		if err := o.checkUserSeat(str(rec, "ProfileId"), ""); err != nil {
			return err
		}
	}
	return nil
}

// userAfterInsert gives the user the assignment of their profile's own
// permission set: real orgs list one PermissionSetAssignment per user for it,
// which is why clients filter on PermissionSet.IsOwnedByProfile = false
// (PermissionSetAssignment object reference; the CLI's state reader does so).
func userAfterInsert(o *Org, d dml, rec soql.Record) {
	o.assignProfileSet(rec)
	o.recountLicenses()
}

func userAfterUpdate(o *Org, d dml, old, rec soql.Record) {
	if old["ProfileId"] != rec["ProfileId"] {
		for _, a := range o.st.find("PermissionSetAssignment", func(r soql.Record) bool { return r["AssigneeId"] == rec["Id"] }) {
			if _, ps, _ := o.st.Get(str(a, "PermissionSetId")); ps["IsOwnedByProfile"] == true {
				o.st.remove(a["Id"].(string))
			}
		}
		o.assignProfileSet(rec)
	}
	o.recountLicenses()
}

func (o *Org) assignProfileSet(user soql.Record) {
	ps := o.ownedPermissionSet(str(user, "ProfileId"))
	if ps == nil {
		return
	}
	o.seedInsert("PermissionSetAssignment", soql.Record{"AssigneeId": user["Id"], "PermissionSetId": ps["Id"], "IsActive": true}, timestamp(o.now()))
}

func (o *Org) nicknameTaken(nick, exceptID string) bool {
	for _, r := range o.st.All("User") {
		if n, _ := r["CommunityNickname"].(string); strings.EqualFold(n, nick) && r["Id"] != exceptID {
			return true
		}
	}
	return false
}

func userBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	id := rec["Id"].(string)
	if u, ok := ch["Username"].(string); ok && !strings.EqualFold(u, str(rec, "Username")) {
		if !usernameRE.MatchString(u) {
			return errUsernameForm()
		}
		if _, dup := o.userByUsername(u); dup {
			return dmlErr("DUPLICATE_USERNAME", msgDuplicateUsername, "Username")
		}
	}
	if n, ok := ch["CommunityNickname"].(string); ok && o.nicknameTaken(n, id) {
		return dmlErr("DUPLICATE_COMM_NICKNAME", msgDuplicateNickname, "CommunityNickname")
	}
	active := rec["IsActive"] == true
	if a, ok := ch["IsActive"].(bool); ok {
		active = a
	}
	profile := str(rec, "ProfileId")
	if p, ok := ch["ProfileId"].(string); ok {
		profile = p
	}
	wasCounted := rec["IsActive"] == true
	sameLicense := o.profileLicense(profile) == o.profileLicense(str(rec, "ProfileId"))
	// Activating a user, or moving an active one to another licence, takes a seat (facts §1).
	if active && (!wasCounted || !sameLicense) {
		if err := o.checkUserSeat(profile, id); err != nil {
			return err
		}
	}
	return nil
}

func (o *Org) profileLicense(profileID string) string {
	_, p, ok := o.st.Get(profileID)
	if !ok {
		return ""
	}
	return str(p, "UserLicenseId")
}

// userLicenseName is the Name of the user licence of a user's profile.
func (o *Org) userLicenseName(userID string) string {
	_, u, ok := o.st.Get(userID)
	if !ok {
		return ""
	}
	_, l, ok := o.st.Get(o.profileLicense(str(u, "ProfileId")))
	if !ok {
		return ""
	}
	return str(l, "Name")
}

// checkUserSeat refuses a new active user of the profile's licence when every
// seat is taken: UsedLicenses counts active users (facts §1).
func (o *Org) checkUserSeat(profileID, exceptUser string) *DMLError {
	lic := o.profileLicense(profileID)
	_, l, ok := o.st.Get(lic)
	if !ok {
		return nil
	}
	total, _ := l["TotalLicenses"].(float64)
	used := 0
	for _, u := range o.st.All("User") {
		if u["IsActive"] == true && u["Id"] != exceptUser && o.profileLicense(str(u, "ProfileId")) == lic {
			used++
		}
	}
	if float64(used) >= total {
		return errLicenseLimit()
	}
	return nil
}

// recountLicenses refreshes UsedLicenses of user and permission set licences.
func (o *Org) recountLicenses() {
	used := map[string]float64{}
	for _, u := range o.st.All("User") {
		if u["IsActive"] == true {
			used[o.profileLicense(str(u, "ProfileId"))]++
		}
	}
	for _, l := range o.st.All("UserLicense") {
		if l["UsedLicenses"] != used[l["Id"].(string)] {
			o.st.set(l["Id"].(string), map[string]any{"UsedLicenses": used[l["Id"].(string)]})
		}
	}
	pslUsed := map[string]float64{}
	for _, a := range o.st.All("PermissionSetLicenseAssign") {
		pslUsed[str(a, "PermissionSetLicenseId")]++
	}
	for _, l := range o.st.All("PermissionSetLicense") {
		if l["UsedLicenses"] != pslUsed[l["Id"].(string)] {
			o.st.set(l["Id"].(string), map[string]any{"UsedLicenses": pslUsed[l["Id"].(string)]})
		}
	}
}

// ---- System permission dependencies -----------------------------------------

// checkPermDeps checks a permission set's or profile's Permissions* values
// (merged: the record after the change) against the dependency table that
// the planner also uses (perms.Requires, each pair sourced there). The
// message names permissions by API name, as the recorded API answers do:
// "Permission ManageUsers depends on permission(s): ViewRoles"
// (jsforce/jsforce#749) and "Permission CustomizeApplication depends on
// permission(s): ManageTranslation" (Kathy-Lueckeman/EASY-Open-Source-Solution#6),
// both Metadata API deploy errors; facts §3 has the same sentence. The
// errorCode FIELD_INTEGRITY_EXCEPTION is UNCONFIRMED (facts §3: "likely").
func checkPermDeps(merged soql.Record) *DMLError {
	for _, p := range perms.All() {
		if merged[p.Field()] != true {
			continue
		}
		var missing []string
		for _, dep := range perms.Requires(p.Name) {
			if merged["Permissions"+dep] != true {
				missing = append(missing, dep)
			}
		}
		if len(missing) > 0 {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("Permission %s depends on permission(s): %s", p.Name, strings.Join(missing, ", ")))
		}
	}
	return nil
}

func mergedRecord(rec soql.Record, ch map[string]any) soql.Record {
	m := make(soql.Record, len(rec))
	for k, v := range rec {
		m[k] = v
	}
	for k, v := range ch {
		m[k] = v
	}
	return m
}

// ---- Profiles -----------------------------------------------------------------

func (o *Org) duplicateName(object, field, value, exceptID string, same func(soql.Record) bool) (string, bool) {
	for _, r := range o.st.All(object) {
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
	return checkPermDeps(rec)
}

// profileAfterInsert creates the profile-owned permission set (facts §2).
func profileAfterInsert(o *Org, d dml, rec soql.Record) {
	psID := o.insertOwnedPermissionSet(rec["Id"].(string), str(rec, "UserLicenseId"), rec, timestamp(o.now()))
	o.st.set(psID, map[string]any{"IsCustom": true})
}

func profileBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	if n, ok := ch["Name"].(string); ok {
		if id, dup := o.duplicateName("Profile", "Name", n, rec["Id"].(string), nil); dup {
			return errDuplicate("Name", id, "Name")
		}
	}
	return checkPermDeps(mergedRecord(rec, ch))
}

// profileAfterUpdate mirrors the profile's Permissions* onto its owned
// permission set, where the platform keeps them (facts §2).
func profileAfterUpdate(o *Org, d dml, old, rec soql.Record) {
	ps := o.ownedPermissionSet(rec["Id"].(string))
	if ps == nil {
		return
	}
	ch := map[string]any{}
	for k, v := range rec {
		if strings.HasPrefix(k, "Permissions") && ps[k] != v {
			ch[k] = v
		}
	}
	if len(ch) > 0 {
		o.st.set(ps["Id"].(string), ch)
		o.touchPermissionSet(ps["Id"].(string))
	}
}

func (o *Org) ownedPermissionSet(profileID string) soql.Record {
	for _, ps := range o.st.All("PermissionSet") {
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
	for _, u := range o.st.All("User") {
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
	return checkPermDeps(rec)
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
	return checkPermDeps(mergedRecord(rec, ch))
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
	for _, child := range []struct{ object, field string }{
		{"ObjectPermissions", "ParentId"}, {"FieldPermissions", "ParentId"}, {"SetupEntityAccess", "ParentId"},
		{"PermissionSetAssignment", "PermissionSetId"}, {"PermissionSetGroupComponent", "PermissionSetId"},
	} {
		for _, r := range o.st.find(child.object, func(r soql.Record) bool { return r[child.field] == id }) {
			o.st.remove(r["Id"].(string))
			if child.object == "PermissionSetGroupComponent" {
				o.markGroupUpdating(str(r, "PermissionSetGroupId"))
			}
		}
	}
}

// touchPermissionSet starts the recalculation of every group the set is in
// (facts §6: "Recalculation ... starts when a member permission set changes").
func (o *Org) touchPermissionSet(psID string) {
	for _, c := range o.st.find("PermissionSetGroupComponent", func(r soql.Record) bool { return r["PermissionSetId"] == psID }) {
		o.markGroupUpdating(str(c, "PermissionSetGroupId"))
	}
}

func touchParent(o *Org, d dml, rec soql.Record)     { o.touchPermissionSet(str(rec, "ParentId")) }
func touchParent2(o *Org, d dml, _, rec soql.Record) { o.touchPermissionSet(str(rec, "ParentId")) }

// ---- Object and field permissions -------------------------------------------------

// objectPermDeps: Create and Edit need Read; Delete needs Read and Edit;
// View All needs Read; Modify All needs Read, Edit, Delete and View All
// (facts §4, ObjectPermissions object reference). View All Fields needing Read
// is UNCONFIRMED.
var objectPermDeps = []struct {
	field, word string
	needs       []string
}{
	{"PermissionsCreate", "Create", []string{"PermissionsRead"}},
	{"PermissionsEdit", "Edit", []string{"PermissionsRead"}},
	{"PermissionsDelete", "Delete", []string{"PermissionsRead", "PermissionsEdit"}},
	{"PermissionsViewAllRecords", "View All", []string{"PermissionsRead"}},
	{"PermissionsModifyAllRecords", "Modify All", []string{"PermissionsRead", "PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords"}},
	{"PermissionsViewAllFields", "View All Fields", []string{"PermissionsRead"}},
}

var objectPermWord = map[string]string{"PermissionsRead": "Read", "PermissionsCreate": "Create", "PermissionsEdit": "Edit",
	"PermissionsDelete": "Delete", "PermissionsViewAllRecords": "View All", "PermissionsModifyAllRecords": "Modify All",
	"PermissionsViewAllFields": "View All Fields"}

// checkObjectPermDeps words the error like the recorded dependency messages,
// which name the object by API name ("Permission Read SerializedProduct
// depends on permission(s): Read Product2", facts §3). Code UNCONFIRMED.
func checkObjectPermDeps(r soql.Record) *DMLError {
	obj := str(r, "SobjectType")
	for _, dep := range objectPermDeps {
		if r[dep.field] != true {
			continue
		}
		var missing []string
		for _, n := range dep.needs {
			if r[n] != true {
				missing = append(missing, objectPermWord[n]+" "+obj)
			}
		}
		if len(missing) > 0 {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("Permission %s %s depends on permission(s): %s", dep.word, obj, strings.Join(missing, ", ")))
		}
	}
	return nil
}

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
	for _, r := range o.st.All("ObjectPermissions") {
		if r["ParentId"] == rec["ParentId"] && r["SobjectType"] == obj.Name {
			// One row per (ParentId, SobjectType) (facts §4, UNCONFIRMED code).
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	return checkObjectPermDeps(rec)
}

func opBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	return checkObjectPermDeps(mergedRecord(rec, ch))
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
	for _, r := range o.st.All("FieldPermissions") {
		if r["ParentId"] == rec["ParentId"] && r["Field"] == ref {
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
	for _, r := range o.st.All("SetupEntityAccess") {
		if r["ParentId"] == rec["ParentId"] && r["SetupEntityId"] == rec["SetupEntityId"] {
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	return nil
}

// ---- Assignments -----------------------------------------------------------------

// Source: facts §6 and trailheadapps/multiframework-recipes#100 for the
// message; the errorCode is UNCONFIRMED.
const msgPSGNotUpdated = `You can only assign users to permission set groups that have the "Updated" status`

func psaBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	psID, groupID := str(rec, "PermissionSetId"), str(rec, "PermissionSetGroupId")
	switch {
	case psID == "" && groupID == "":
		return errRequired([]string{"PermissionSetId"})
	case groupID != "":
		_, g, _ := o.st.Get(groupID)
		if g["Status"] != "Updated" {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgPSGNotUpdated, "PermissionSetGroupId")
		}
		backing := o.groupPermissionSet(groupID)
		if backing == nil {
			return errCrossRef("PermissionSetGroupId")
		}
		if psID != "" && psID != backing["Id"] {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", "PermissionSetId and PermissionSetGroupId name different permission sets", "PermissionSetId")
		}
		psID = backing["Id"].(string)
		rec["PermissionSetId"] = psID
	}
	_, ps, _ := o.st.Get(psID)
	if ps["IsOwnedByProfile"] == true {
		// A profile's own set comes with the profile (facts §2). Wording UNCONFIRMED.
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", "You can't assign or unassign a permission set that is owned by a profile.", "PermissionSetId")
	}
	if ps["Type"] == "Group" && groupID == "" {
		groupID = str(ps, "PermissionSetGroupId")
		rec["PermissionSetGroupId"] = groupID
		_, g, _ := o.st.Get(groupID)
		if g["Status"] != "Updated" {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgPSGNotUpdated, "PermissionSetId")
		}
	}
	for _, r := range o.st.All("PermissionSetAssignment") {
		if r["AssigneeId"] == rec["AssigneeId"] && r["PermissionSetId"] == psID {
			// Source: facts §6 (duplicate assignment → DUPLICATE_VALUE); wording per the brief, UNCONFIRMED.
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	if err := o.checkPermissionSetLicense(str(rec, "AssigneeId"), ps); err != nil {
		return err
	}
	return o.checkIntegrationLicense(str(rec, "AssigneeId"), ps)
}

// checkPermissionSetLicense: a permission set tied to a user licence
// (LicenseId, facts §3) can only be assigned to users of that licence.
// Wording UNCONFIRMED.
func (o *Org) checkPermissionSetLicense(userID string, ps soql.Record) *DMLError {
	lic := str(ps, "LicenseId")
	if lic == "" {
		return nil
	}
	typ, l, ok := o.st.Get(lic)
	if !ok || typ != "UserLicense" {
		return nil
	}
	_, u, _ := o.st.Get(userID)
	if o.profileLicense(str(u, "ProfileId")) != lic {
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("Can't assign permission set %s to user %s. The user license doesn't match the permission set license (%s).",
			str(ps, "Label"), str(u, "Name"), str(l, "Name")))
	}
	return nil
}

// checkIntegrationLicense: a user on the "Salesforce Integration" licence must
// hold the SalesforceAPIIntegrationPsl before a permission set granting
// standard-object access can be assigned: "Can't assign permission set …
// The user license doesn't allow the permission: Read Accounts" (facts §1).
// The part between is UNCONFIRMED.
func (o *Org) checkIntegrationLicense(userID string, ps soql.Record) *DMLError {
	if o.userLicenseName(userID) != IntegrationLicense || o.hasPSL(userID, IntegrationPSL) {
		return nil
	}
	var psIDs []any
	if ps["Type"] == "Group" {
		for _, c := range o.st.find("PermissionSetGroupComponent", func(r soql.Record) bool { return r["PermissionSetGroupId"] == ps["PermissionSetGroupId"] }) {
			psIDs = append(psIDs, c["PermissionSetId"])
		}
	} else {
		psIDs = []any{ps["Id"]}
	}
	for _, id := range psIDs {
		for _, op := range o.st.find("ObjectPermissions", func(r soql.Record) bool { return r["ParentId"] == id }) {
			obj, ok := o.cat.Object(str(op, "SobjectType"))
			if !ok || obj.Custom {
				continue
			}
			for _, f := range []string{"PermissionsRead", "PermissionsCreate", "PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords", "PermissionsModifyAllRecords"} {
				if op[f] == true {
					_, u, _ := o.st.Get(userID)
					return dmlErr("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("Can't assign permission set %s to user %s. The user license doesn't allow the permission: %s %s",
						str(ps, "Label"), str(u, "Name"), objectPermWord[f], obj.LabelPlural))
				}
			}
		}
	}
	return nil
}

func (o *Org) hasPSL(userID, developerName string) bool {
	for _, l := range o.st.All("PermissionSetLicense") {
		if l["DeveloperName"] != developerName {
			continue
		}
		for _, a := range o.st.All("PermissionSetLicenseAssign") {
			if a["AssigneeId"] == userID && a["PermissionSetLicenseId"] == l["Id"] {
				return true
			}
		}
	}
	return false
}

// psaBeforeDelete: the assignment of a profile's own set goes with the profile.
func psaBeforeDelete(o *Org, d dml, rec soql.Record) *DMLError {
	if _, ps, _ := o.st.Get(str(rec, "PermissionSetId")); ps["IsOwnedByProfile"] == true {
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", "You can't assign or unassign a permission set that is owned by a profile.")
	}
	return nil
}

func pslaBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	for _, r := range o.st.All("PermissionSetLicenseAssign") {
		if r["AssigneeId"] == rec["AssigneeId"] && r["PermissionSetLicenseId"] == rec["PermissionSetLicenseId"] {
			// "duplicate value found" (facts §6; anchors.md §7.5).
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	_, l, _ := o.st.Get(str(rec, "PermissionSetLicenseId"))
	total, _ := l["TotalLicenses"].(float64)
	used, _ := l["UsedLicenses"].(float64)
	if used >= total {
		return errLicenseLimit()
	}
	return nil
}

// ---- Permission set groups --------------------------------------------------------

func psgBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	name := str(rec, "DeveloperName")
	if !validAPIName(name) {
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgAPIName, "DeveloperName")
	}
	if id, dup := o.duplicateName("PermissionSetGroup", "DeveloperName", name, "", nil); dup {
		return errDuplicate("DeveloperName", id, "DeveloperName")
	}
	return nil
}

// psgAfterInsert creates the group's own permission set (facts §6: "The
// group's backing PermissionSet is created by the platform"; its Name here is
// the group's DeveloperName, UNCONFIRMED) and starts the first recalculation.
func psgAfterInsert(o *Org, d dml, rec soql.Record) {
	ps := soql.Record{"Name": rec["DeveloperName"], "Label": rec["MasterLabel"], "IsOwnedByProfile": false, "IsCustom": false,
		"Type": "Group", "PermissionSetGroupId": rec["Id"]}
	for _, p := range perms.All() {
		ps[p.Field()] = false
	}
	o.seedInsert("PermissionSet", ps, timestamp(o.now()))
	o.markGroupUpdating(rec["Id"].(string))
}

func psgBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	if n, ok := ch["DeveloperName"].(string); ok {
		if !validAPIName(n) {
			return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgAPIName, "DeveloperName")
		}
		if id, dup := o.duplicateName("PermissionSetGroup", "DeveloperName", n, rec["Id"].(string), nil); dup {
			return errDuplicate("DeveloperName", id, "DeveloperName")
		}
	}
	return nil
}

func psgAfterUpdate(o *Org, d dml, old, rec soql.Record) {
	if ps := o.groupPermissionSet(rec["Id"].(string)); ps != nil {
		o.st.set(ps["Id"].(string), map[string]any{"Name": rec["DeveloperName"], "Label": rec["MasterLabel"]})
	}
}

func psgAfterDelete(o *Org, d dml, rec soql.Record) {
	id := rec["Id"]
	for _, c := range o.st.find("PermissionSetGroupComponent", func(r soql.Record) bool { return r["PermissionSetGroupId"] == id }) {
		o.st.remove(c["Id"].(string))
	}
	if ps := o.groupPermissionSet(id.(string)); ps != nil {
		o.st.remove(ps["Id"].(string))
		psAfterDelete(o, d, ps)
	}
	delete(o.meta.PSGReadyAt, id.(string))
}

func (o *Org) groupPermissionSet(groupID string) soql.Record {
	for _, ps := range o.st.All("PermissionSet") {
		if ps["PermissionSetGroupId"] == groupID && ps["Type"] == "Group" {
			return ps
		}
	}
	return nil
}

func psgcBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	_, ps, _ := o.st.Get(str(rec, "PermissionSetId"))
	if ps["IsOwnedByProfile"] == true || ps["Type"] == "Group" {
		// Only regular permission sets can be members (facts §6). Wording UNCONFIRMED.
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", "You can't add a profile's or a group's permission set to a permission set group.", "PermissionSetId")
	}
	for _, r := range o.st.All("PermissionSetGroupComponent") {
		if r["PermissionSetGroupId"] == rec["PermissionSetGroupId"] && r["PermissionSetId"] == rec["PermissionSetId"] {
			return errDuplicate("<unknown>", r["Id"].(string))
		}
	}
	return nil
}

func psgcChanged(o *Org, d dml, rec soql.Record) {
	o.markGroupUpdating(str(rec, "PermissionSetGroupId"))
}

// markGroupUpdating starts a recalculation: Status is "Updating" until
// PSGRecalcDelay has passed (facts §6: recalculation is asynchronous).
// The group's permission set gets the union of its members' permissions.
func (o *Org) markGroupUpdating(groupID string) {
	if _, g, ok := o.st.Get(groupID); ok {
		if g["Status"] != "Updating" {
			o.st.set(groupID, map[string]any{"Status": "Updating"})
		}
		o.meta.PSGReadyAt[groupID] = o.now().Add(o.opts.PSGRecalcDelay)
	}
	backing := o.groupPermissionSet(groupID)
	if backing == nil {
		return
	}
	union := map[string]any{}
	for _, p := range perms.All() {
		union[p.Field()] = false
	}
	for _, c := range o.st.find("PermissionSetGroupComponent", func(r soql.Record) bool { return r["PermissionSetGroupId"] == groupID }) {
		_, ps, _ := o.st.Get(str(c, "PermissionSetId"))
		for k := range union {
			if ps[k] == true {
				union[k] = true
			}
		}
	}
	o.st.set(backing["Id"].(string), union)
}

// refreshGroups moves groups whose recalculation time has passed to "Updated".
func (o *Org) refreshGroups() {
	now := o.now()
	for id, at := range o.meta.PSGReadyAt {
		if !now.Before(at) {
			if _, g, ok := o.st.Get(id); ok && g["Status"] == "Updating" {
				o.st.set(id, map[string]any{"Status": "Updated"})
			}
			delete(o.meta.PSGReadyAt, id)
		}
	}
}

// ---- Person accounts ---------------------------------------------------------------

// accountBeforeInsert: with Person Accounts, an account whose record type is a
// person type is a person account (IsPersonAccount, Name from FirstName and
// LastName); other accounts need a Name, which the person-account describe
// marks nillable (facts §13; describe-Account-personaccounts-v59.json).
func accountBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	if _, ok := o.cat.Object("Account"); !ok {
		return nil
	}
	acct, _ := o.cat.Object("Account")
	if _, ok := acct.Field("IsPersonAccount"); !ok {
		return nil
	}
	person := false
	if rt, ok := rec["RecordTypeId"].(string); ok {
		_, r, _ := o.st.Get(rt)
		person = r["IsPersonType"] == true
	}
	rec["IsPersonAccount"] = person
	if person {
		if str(rec, "LastName") == "" {
			return errRequired([]string{"LastName"})
		}
		rec["Name"] = strings.TrimSpace(str(rec, "FirstName") + " " + str(rec, "LastName"))
		return nil
	}
	if str(rec, "Name") == "" {
		return errRequired([]string{"Name"})
	}
	return nil
}

// ---- Remote site settings (Tooling RemoteProxy) ----------------------------------

// rpBeforeInsert maps the Tooling create body {FullName, Metadata{url,
// isActive, disableProtocolSecurity, description}} onto the query fields
// (facts §8).
func rpBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	name := str(rec, "FullName")
	if name == "" {
		return errRequired([]string{"FullName"})
	}
	if !validAPIName(name) {
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgAPIName, "FullName")
	}
	if id, dup := o.duplicateName("RemoteProxy", "SiteName", name, "", nil); dup {
		return errDuplicate("FullName", id, "FullName")
	}
	return applyRemoteProxyMetadata(rec, rec["Metadata"])
}

func rpBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	if md, ok := ch["Metadata"]; ok {
		// The Metadata compound is replaced whole (facts §8).
		m := mergedRecord(rec, ch)
		if err := applyRemoteProxyMetadata(m, md); err != nil {
			return err
		}
		for _, k := range []string{"EndpointUrl", "IsActive", "DisableProtocolSecurity", "Description"} {
			ch[k] = m[k]
		}
	}
	if _, ok := ch["FullName"]; ok {
		return dmlErr("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: FullName.", "FullName")
	}
	return nil
}

func applyRemoteProxyMetadata(rec soql.Record, md any) *DMLError {
	m, ok := md.(map[string]any)
	if !ok {
		return errRequired([]string{"Metadata"})
	}
	url, _ := m["url"].(string)
	if url == "" {
		return errRequired([]string{"url"})
	}
	rec["SiteName"] = rec["FullName"]
	rec["EndpointUrl"] = url
	rec["IsActive"] = m["isActive"] == true
	rec["DisableProtocolSecurity"] = m["disableProtocolSecurity"] == true
	rec["Description"] = m["description"]
	rec["ProtocolMismatch"] = false
	rec["ManageableState"] = "unmanaged"
	return nil
}
