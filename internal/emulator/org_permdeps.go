package emulator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// The org's permission dependencies: the rows of the Tooling object
// PermissionDependency (API 46.0+; Id, Permission, PermissionType,
// RequiredPermission, RequiredPermissionType; query and GET only), which
// "represents permission dependencies for a specified permission"
// (developer.salesforce.com Tooling API reference,
// tooling_api_objects_permissiondependency.htm; integration-metadata-facts.md
// "Permission names and dependencies"). The "depends on permission(s)"
// refusals of rules_permdeps.go read these rows, nothing else.
//
// How a real org fills the object, as a public tool measured it against a
// live org (the PermissionDependency ingest of an "sf-intelligence" Tooling
// client, found by code search; a practitioner note, so the emulator marks
// what it alone says as such):
//   - PermissionType and RequiredPermissionType take exactly two values,
//     "User Permission" and "Object Permission" (with the space);
//   - object permissions are written Object<verb>, e.g. Account<read>; the
//     verbs seen were create, update, read and viewAllRecords;
//   - ModifyAllData and ViewAllData have no dependency rows at all;
//   - most rows are object permissions;
//   - LIMIT is ignored and query-more pages repeat rows (about 9,300 rows
//     served as 10,000 records holding 2,000 distinct ones), while
//     WHERE Id > '...' ORDER BY Id pages correctly. The emulator does not
//     reproduce those two defects: its pages follow the query as for any
//     object (UNCONFIRMED whether every org has them).
// User permissions are named by their Metadata API name (ManageUsers, not
// PermissionsManageUsers): the object reference's own example is "the
// permission might be Modify All Data, which requires View All Data", and
// the tool's edges carry the names verbatim next to Object<verb> ones.
// That the user-permission names are exactly the Metadata names is
// UNCONFIRMED beyond that.

// The two PermissionType values (measured, see above).
const (
	userPermType   = "User Permission"
	objectPermType = "Object Permission"
)

// permDep is one PermissionDependency row.
type permDep struct {
	Permission, PermissionType, RequiredPermission, RequiredPermissionType string
}

// objectVerbs maps the verbs of Object<verb> to the ObjectPermissions field
// and to the word the org's messages use. create, update, read and
// viewAllRecords are measured (above); delete and modifyAllRecords are
// written by analogy with them (UNCONFIRMED), as is viewAllFields, which
// no dependency row uses (jetstreamapp/jetstream#1375: View All Fields "has
// no dependencies"). The words: "Create Account", "Edit Account" and "Read"
// in recorded "depends on" errors ("Permission Import Personal Contacts
// depends on permission(s): create account, Create Contact, Edit Account,
// Edit Contact", AutoRABIT ARM notes; "Permission Read SerializedProduct
// depends on permission(s): Read Product2", facts §3), "Delete Document"
// (AutoRABIT ARM v22.2.15 notes), "Read All" for View All ("Permission Read
// All Asset depends on permission(s): Read All Account", a data-load error
// quoted by wiki.sfxd.org, "Important Notes") and "Modify All"
// ("Permission Modify All Approval_Chain_Step__c depends on permission(s):
// Delete", a deploy error quoted in public notes).
var objectVerbs = []struct{ verb, field, word string }{
	{"read", "PermissionsRead", "Read"},
	{"create", "PermissionsCreate", "Create"},
	{"update", "PermissionsEdit", "Edit"},
	{"delete", "PermissionsDelete", "Delete"},
	{"viewAllRecords", "PermissionsViewAllRecords", "Read All"},
	{"modifyAllRecords", "PermissionsModifyAllRecords", "Modify All"},
	{"viewAllFields", "PermissionsViewAllFields", "View All Fields"},
}

func objectVerb(verb string) (field, word string, ok bool) {
	for _, v := range objectVerbs {
		if v.verb == verb {
			return v.field, v.word, true
		}
	}
	return "", "", false
}

// objectPerm splits "Account<read>" into the object and the verb.
func objectPerm(name string) (object, verb string, ok bool) {
	open := strings.IndexByte(name, '<')
	if open <= 0 || !strings.HasSuffix(name, ">") {
		return "", "", false
	}
	return name[:open], name[open+1 : len(name)-1], true
}

// userDeps are the user-permission rows of the fresh org, each with its source.
var userDeps = []permDep{
	// Customize Application needs View Setup and Configuration:
	// integration-metadata-facts.md ("Known pairs from public sources");
	// sfdccloudninja.com "What user permissions are dependent upon each
	// other?" (a practitioner's list, "Customize Application — View Setup
	// and Configuration", noting that the API refuses instead of enabling).
	{"CustomizeApplication", userPermType, "ViewSetup", userPermType},
	// Manage Users needs View Roles and Role Hierarchy: a recorded deploy
	// error from a fresh Developer org, "Permission ManageUsers depends on
	// permission(s): ViewRoles" (jsforce/jsforce#749).
	{"ManageUsers", userPermType, "ViewRoles", userPermType},
	// Convert Leads needs Create on Account: the data-load error quoted by
	// wiki.sfxd.org ("FIELD_INTEGRITY_EXCEPTION: Permission Convert Leads
	// depends on permission(s): Create Account; ...").
	{"ConvertLeads", userPermType, "Account<create>", objectPermType},
	// Import Personal Contacts needs Create and Edit on Account and Contact
	// (AutoRABIT ARM notes: "Permission Import Personal Contacts depends on
	// permission(s): create account, Create Contact, Edit Account, Edit Contact").
	{"ImportPersonal", userPermType, "Account<create>", objectPermType},
	{"ImportPersonal", userPermType, "Account<update>", objectPermType},
	{"ImportPersonal", userPermType, "Contact<create>", objectPermType},
	{"ImportPersonal", userPermType, "Contact<update>", objectPermType},
	// Not listed, for want of a source that a data write is refused:
	// ModifyAllData → ViewAllData. Setup enables View All Data with Modify
	// All Data, and retrieved permission sets show both (forcedotcom/cli#2205),
	// but the live-org measurement above found no PermissionDependency row
	// for either; whether a REST write of Modify All Data without View All
	// Data is refused is UNCONFIRMED (a seed can add the row).
	// CustomizeApplication → ManageTranslation (NPSP#3979, an Apex insert
	// refused with FIELD_INTEGRITY_EXCEPTION "Permission CustomizeApplication
	// depends on permission(s): ManageTranslation") holds only with the
	// Translation Workbench on, which adds the field; this org has neither.
}

// sameObjectDeps are the dependencies between the permissions on one
// object. Source: the ObjectPermissions object reference (facts §4): Create
// and Edit need Read; Delete needs Read and Edit; View All needs Read;
// Modify All needs Read, Edit, Delete and View All.
var sameObjectDeps = []struct{ verb, needs string }{
	{"create", "read"},
	{"update", "read"},
	{"delete", "read"}, {"delete", "update"},
	{"viewAllRecords", "read"},
	{"modifyAllRecords", "read"}, {"modifyAllRecords", "update"}, {"modifyAllRecords", "delete"}, {"modifyAllRecords", "viewAllRecords"},
}

// parentDeps: Read on these objects needs Read on another one, as a
// master-detail child's does on its master. Source: integration-metadata-facts.md
// (Read on Contact, Opportunity and Contract needs Read on Account, "when
// their sharing is Controlled by Parent"); facts §4 ("Permission Read
// <Child> depends on permission(s): Read <Master>"). Contract is not an
// object of this org, so it has no rows here. That Read on Opportunity
// needs Read on Account whatever its sharing default is UNCONFIRMED. Real
// orgs also make Read All on such children need Read All on the parent
// (wiki.sfxd.org: "Read All Asset", "Read All Contract" need "Read All
// Account"); no source says so of Contact or Opportunity, so no such rows.
var parentDeps = []struct{ child, parent string }{
	{"Contact", "Account"},
	{"Opportunity", "Account"},
}

// defaultPermDeps are the rows of a fresh org: the user-permission rows,
// then per object (sorted by name) the object-permission rows, for every
// object that object permissions can name.
func (o *Org) defaultPermDeps() []permDep {
	out := append([]permDep(nil), userDeps...)
	var objects []string
	for _, obj := range o.cat.Objects() {
		if _, ok := o.objectPermissionable(obj.Name); ok {
			objects = append(objects, obj.Name)
		}
	}
	for _, name := range objects {
		for _, d := range sameObjectDeps {
			out = append(out, permDep{name + "<" + d.verb + ">", objectPermType, name + "<" + d.needs + ">", objectPermType})
		}
		for _, p := range parentDeps {
			if p.child == name {
				if _, ok := o.objectPermissionable(p.parent); ok {
					out = append(out, permDep{name + "<read>", objectPermType, p.parent + "<read>", objectPermType})
				}
			}
		}
	}
	return out
}

// permDepKey identifies a row by its permissions.
func (d permDep) key() string {
	return d.PermissionType + "\x00" + d.Permission + "\x00" + d.RequiredPermissionType + "\x00" + d.RequiredPermission
}

// typeOf is the PermissionType of a permission name: Object<verb> is an
// object permission, anything else a user permission.
func typeOf(name string) string {
	if _, _, ok := objectPerm(name); ok {
		return objectPermType
	}
	return userPermType
}

// checkPermName says what is wrong with a permission name of a seed row ("" when nothing).
func (o *Org) checkPermName(name, typ string) string {
	switch typ {
	case objectPermType:
		object, verb, ok := objectPerm(name)
		if !ok {
			return fmt.Sprintf("%q: an object permission is written Object<verb>, e.g. Account<read>", name)
		}
		if _, _, ok := objectVerb(verb); !ok {
			var verbs []string
			for _, v := range objectVerbs {
				verbs = append(verbs, v.verb)
			}
			return fmt.Sprintf("%q: unknown verb %q (want one of %s)", name, verb, strings.Join(verbs, ", "))
		}
		if _, ok := o.objectPermissionable(object); !ok {
			return fmt.Sprintf("%q: object permissions cannot name %s in this org", name, object)
		}
	case userPermType:
		if _, ok := o.cat.Permission(name); !ok {
			hint := ""
			var names []string
			for _, p := range o.cat.Permissions() {
				names = append(names, p.Name)
			}
			if near := suggest(name, names); near != "" {
				hint = fmt.Sprintf("; did you mean %q?", near)
			}
			return fmt.Sprintf("%q: no user permission of that name in this org (a Metadata API name such as ViewSetup)%s", name, hint)
		}
	default:
		return fmt.Sprintf("type %q: want %q or %q", typ, userPermType, objectPermType)
	}
	return ""
}

// permDeps computes the org's rows: the fresh org's, less the seed's
// removals, plus its additions.
func (o *Org) permDeps(seed *SeedPermissionDependencies) ([]permDep, error) {
	rows := o.defaultPermDeps()
	if seed == nil {
		return rows, nil
	}
	var errs []string
	for i, r := range seed.Remove {
		n := 0
		kept := rows[:0]
		for _, d := range rows {
			if d.Permission == r.Permission && (r.RequiredPermission == "" || d.RequiredPermission == r.RequiredPermission) &&
				(r.PermissionType == "" || d.PermissionType == r.PermissionType) &&
				(r.RequiredPermissionType == "" || d.RequiredPermissionType == r.RequiredPermissionType) {
				n++
				continue
			}
			kept = append(kept, d)
		}
		rows = kept
		if n == 0 {
			what := r.Permission
			if r.RequiredPermission != "" {
				what += " → " + r.RequiredPermission
			}
			errs = append(errs, fmt.Sprintf("permissionDependencies.remove[%d]: the org has no dependency %s", i, what))
		}
	}
	have := map[string]bool{}
	for _, d := range rows {
		have[d.key()] = true
	}
	for i, a := range seed.Add {
		d := permDep{a.Permission, a.PermissionType, a.RequiredPermission, a.RequiredPermissionType}
		if d.PermissionType == "" {
			d.PermissionType = typeOf(d.Permission)
		}
		if d.RequiredPermissionType == "" {
			d.RequiredPermissionType = typeOf(d.RequiredPermission)
		}
		bad := false
		for _, p := range [][2]string{{d.Permission, d.PermissionType}, {d.RequiredPermission, d.RequiredPermissionType}} {
			if msg := o.checkPermName(p[0], p[1]); msg != "" {
				errs = append(errs, fmt.Sprintf("permissionDependencies.add[%d]: %s", i, msg))
				bad = true
			}
		}
		if bad || have[d.key()] {
			continue // a row the org already has is not added twice
		}
		have[d.key()] = true
		rows = append(rows, d)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return rows, nil
}

// permDepPrefix is the key prefix of PermissionDependency Ids. No recorded
// Id shows it: UNCONFIRMED.
const permDepPrefix = "2Pd"

// storePermDeps (re)writes the PermissionDependency rows from the seed. Like
// EntityDefinition's, they are derived, not persisted: a state file's org
// gets them from its seed again when loaded.
func (o *Org) storePermDeps() error {
	rows, err := o.permDeps(o.meta.Seed.PermissionDependencies)
	if err != nil {
		return err
	}
	for _, r := range o.st.All("PermissionDependency") {
		o.st.drop("PermissionDependency", r["Id"].(string))
	}
	for i, d := range rows {
		id := sfid.New(permDepPrefix, uint64(i+1))
		rec := soql.Record{"Id": id, "Permission": d.Permission, "PermissionType": d.PermissionType,
			"RequiredPermission": d.RequiredPermission, "RequiredPermissionType": d.RequiredPermissionType}
		o.st.putDerived("PermissionDependency", rec)
	}
	return nil
}

// requiredPerms returns, per permission (type and name), the permissions
// the org's rows say it requires.
func (o *Org) requiredPerms() map[permRef][]permRef {
	out := map[permRef][]permRef{}
	for _, r := range o.st.All("PermissionDependency") {
		k := permRef{str(r, "PermissionType"), str(r, "Permission")}
		out[k] = append(out[k], permRef{str(r, "RequiredPermissionType"), str(r, "RequiredPermission")})
	}
	return out
}

// permRef is a permission as PermissionDependency names it.
type permRef struct{ typ, name string }

// userPermClosure adds to grant (Metadata names) every user permission the
// granted ones need through the org's user-to-user rows, as Setup enables
// prerequisites by itself (the fresh org's standard profiles are built so).
func (o *Org) userPermClosure(grant map[string]bool) {
	req := o.requiredPerms()
	var queue []string
	for n := range grant {
		queue = append(queue, n)
	}
	sort.Strings(queue)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, r := range req[permRef{userPermType, n}] {
			if r.typ == userPermType && !grant[r.name] {
				if _, ok := o.cat.Permission(r.name); ok {
					grant[r.name] = true
					queue = append(queue, r.name)
				}
			}
		}
	}
}

// objectPermissionable reports whether object permissions can name the
// object (rules_permsets.go permissionableObject), Events and Tasks
// excepted as opBeforeInsert refuses them.
func (o *Org) objectPermissionable(name string) (*schema.Object, bool) {
	obj, ok := o.permissionableObject(name)
	if !ok || obj.Name == "Event" || obj.Name == "Task" {
		return nil, false
	}
	return obj, true
}
