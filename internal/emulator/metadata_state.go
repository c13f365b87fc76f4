package emulator

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// mdState is what Metadata deploys and package installs changed in the org
// that no sObject record holds. It is part of orgMeta, so the state file
// keeps it, and a deploy that rolls back restores a copy of it
// (metadata_deploy.go).
type mdState struct {
	// RecordTypeVisibilities are the recordTypeVisibilities of profiles and
	// permission sets, by the Profile's or PermissionSet's Id, then by
	// "Object.DeveloperName" (the Metadata API's recordType).
	RecordTypeVisibilities map[string]map[string]rtVisibility `json:"recordTypeVisibilities,omitempty"`
	// UserPermissions are the user permissions a PermissionSet deploy set
	// that have no Permissions<Name> field (CanApproveUninstalledApps,
	// schema/userperms.tsv), by PermissionSet Id, then by Metadata name.
	UserPermissions map[string]map[string]bool `json:"userPermissions,omitempty"`
	// Preferences are org preferences deployed through settings
	// (Security.settings enableAuditFieldsInactiveOwner); they override the
	// seed's orgPreferences.
	Preferences map[string]bool `json:"preferences,omitempty"`
	// ECAs are the org's External Client Apps, by fullName (metadata_eca.go).
	ECAs map[string]*ecaState `json:"externalClientApps,omitempty"`
	// Installed are the packages PackageInstallRequests installed
	// (packages_install.go), the latest version per namespace; their
	// objects join the catalog.
	Installed []SeedPackage `json:"installedPackages,omitempty"`
	// InstallReads counts the status reads of each pending
	// PackageInstallRequest; InstallKeys holds the SHA-256 of the key each
	// was given (the Password field itself reads back null).
	InstallReads map[string]int    `json:"installReads,omitempty"`
	InstallKeys  map[string]string `json:"installKeys,omitempty"`
}

// rtVisibility is one ProfileRecordTypeVisibility or
// PermissionSetRecordTypeVisibility (Metadata WSDL v47: default,
// personAccountDefault, recordType, visible; a permission set has no
// defaults).
type rtVisibility struct {
	Visible              bool  `json:"visible"`
	Default              bool  `json:"default,omitempty"`
	PersonAccountDefault *bool `json:"personAccountDefault,omitempty"`
}

// md returns the org's Metadata state, creating it.
func (o *Org) md() *mdState {
	if o.meta.Metadata == nil {
		o.meta.Metadata = &mdState{}
	}
	return o.meta.Metadata
}

// clone is a deep copy (a deploy's rollback point).
func (m *mdState) clone() *mdState {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic("emulator: copy Metadata state: " + err.Error()) // only plain data: cannot fail
	}
	var c mdState
	if err := json.Unmarshal(b, &c); err != nil {
		panic("emulator: copy Metadata state: " + err.Error())
	}
	return &c
}

// orgPreferences are the org preferences that are on: the seed's, then
// those deployed since.
func (o *Org) orgPreferences() map[string]bool {
	out := map[string]bool{}
	for k, v := range o.meta.Seed.OrgPreferences.enabled() {
		out[k] = v
	}
	if m := o.meta.Metadata; m != nil {
		for k, v := range m.Preferences {
			out[k] = v
		}
	}
	return out
}

// customObjects are the custom objects of the catalog: the seed's, those of
// seeded packages, and those of installed packages. An object named twice
// (a package upgraded by an install) is merged, its fields once each.
func (o *Org) customObjects() []SeedObject {
	var out []SeedObject
	at := map[string]int{}
	addAll := func(list []SeedObject) {
		for _, so := range list {
			i, seen := at[strings.ToLower(so.Name)]
			if !seen {
				at[strings.ToLower(so.Name)] = len(out)
				out = append(out, SeedObject{Name: so.Name, Label: so.Label, Fields: append([]SeedField(nil), so.Fields...)})
				continue
			}
			have := map[string]bool{}
			for _, f := range out[i].Fields {
				have[strings.ToLower(f.Name)] = true
			}
			for _, f := range so.Fields {
				if !have[strings.ToLower(f.Name)] {
					out[i].Fields = append(out[i].Fields, f)
				}
			}
		}
	}
	addAll(o.meta.Seed.Objects)
	for _, p := range o.meta.Seed.Packages {
		addAll(p.Objects)
	}
	if m := o.meta.Metadata; m != nil {
		for _, p := range m.Installed {
			addAll(p.Objects)
		}
	}
	return out
}

// rebuildCatalog builds the catalog again after a preference or the set of
// objects changed, and brings the records along: PermissionSet and Profile
// records get the new permission fields (false) and lose the ones that no
// longer exist; EntityDefinition follows the objects.
func (o *Org) rebuildCatalog() error {
	if err := o.buildCatalog(); err != nil {
		return err
	}
	for _, object := range []string{"PermissionSet", "Profile"} {
		obj, ok := o.cat.Object(object)
		if !ok {
			continue
		}
		for _, r := range o.st.All(object) {
			fix := map[string]any{}
			for _, f := range obj.Fields {
				if strings.HasPrefix(f.Name, "Permissions") && f.Type == "boolean" {
					if _, has := r[f.Name]; !has {
						fix[f.Name] = false
					}
				}
			}
			for k, v := range r {
				if _, ok := obj.Field(k); !ok && strings.HasPrefix(k, "Permissions") && v == true {
					// The field went with its preference: a grant does not
					// survive it (UNCONFIRMED: what Salesforce does to granted ones).
					fix[k] = false
				}
			}
			if len(fix) > 0 {
				o.st.set(str(r, "Id"), fix)
			}
		}
	}
	o.entityDefinitions()
	o.syncRecordTypeFields()
	return nil
}

// recordTypeByName finds the active or inactive RecordType "Object.DeveloperName".
func (o *Org) recordTypeByName(full string) (soql.Record, bool) {
	obj, dev, ok := strings.Cut(full, ".")
	if !ok {
		return nil, false
	}
	for _, r := range o.st.All("RecordType") {
		if strings.EqualFold(str(r, "SobjectType"), obj) && str(r, "DeveloperName") == dev {
			return r, true
		}
	}
	return nil, false
}

// recordTypeNames are the org's record types as "Object.DeveloperName", sorted.
func (o *Org) recordTypeNames() []string {
	var out []string
	for _, r := range o.st.All("RecordType") {
		out = append(out, str(r, "SobjectType")+"."+str(r, "DeveloperName"))
	}
	sort.Strings(out)
	return out
}

// profileRecordTypeVisibilities is the Tooling Profile Metadata's
// recordTypeVisibilities (realorg.go withProfileMetadata): one entry per
// record type of the org, sorted by recordType, {default,
// personAccountDefault, recordType, visible} (ProfileRecordTypeVisibility,
// Metadata WSDL v47), as a retrieved profile lists every record type of
// the org (salesforce-api-facts.md §2: "GET /tooling/sobjects/Profile/{id}
// returns Metadata.recordTypeVisibilities[]"). A record type no deploy has
// set reads {default: false, visible: false}, and personAccountDefault is
// null in an org without person accounts (CumulusCI writes it only when
// the retrieved XML has it, "which happens only in orgs with person
// accounts"); both are UNCONFIRMED, as is that the entries are in JSON what
// the XML holds.
func (o *Org) profileRecordTypeVisibilities(profileID string) []any {
	set := o.md().RecordTypeVisibilities[sfid.Canonical(profileID)]
	person := o.meta.Seed.PersonAccounts
	out := []any{}
	for _, name := range o.recordTypeNames() {
		v := set[name]
		var pad any
		if person {
			pad = v.PersonAccountDefault != nil && *v.PersonAccountDefault
		}
		out = append(out, schema.OrderedMap{{Key: "default", Value: v.Default}, {Key: "personAccountDefault", Value: pad},
			{Key: "recordType", Value: name}, {Key: "visible", Value: v.Visible}})
	}
	return out
}

// withPermissionSetMetadata is a copy of a PermissionSet record with the
// Tooling API's FullName and Metadata (the PermissionSet metadata type as
// JSON). Fields and their order: Metadata WSDL v47 complexType
// PermissionSet (jsforce src/api/metadata/schema.ts: applicationVisibilities
// … userPermissions); lists [] and absent values null, as realorg.go's
// Profile (UNCONFIRMED for PermissionSet, like the key order). FullName is
// the set's Name, ns__Name for a packaged set. label and description come
// from the record, license is the licence's Name (PermissionSetLicense
// DeveloperName or UserLicense Name, UNCONFIRMED), recordTypeVisibilities
// the deployed ones ({recordType, visible}, sorted), objectPermissions and
// fieldPermissions the set's rows (as realorg.go's Profile), userPermissions every
// enabled system permission ({enabled, name}, in the catalog's order), the
// field ones from the record and those without a field from the deploys.
func (o *Org) withPermissionSetMetadata(rec soql.Record) soql.Record {
	out := make(soql.Record, len(rec)+2)
	for k, v := range rec {
		out[k] = v
	}
	name := str(rec, "Name")
	if ns := str(rec, "NamespacePrefix"); ns != "" {
		name = ns + "__" + name
	}
	out["FullName"] = name
	id := sfid.Canonical(str(rec, "Id"))
	perms := []any{}
	stored := o.md().UserPermissions[id]
	for _, p := range o.cat.Permissions() {
		if on := (p.Field() != "" && rec[p.Field()] == true) || (p.Field() == "" && stored[p.Name]); on {
			perms = append(perms, schema.OrderedMap{{Key: "enabled", Value: true}, {Key: "name", Value: p.Name}})
		}
	}
	for _, p := range schema.UserPermissions() {
		// A fieldless permission the catalog does not list (none today) is kept too.
		if _, inCat := o.cat.Permission(p.Name); !inCat && stored[p.Name] {
			perms = append(perms, schema.OrderedMap{{Key: "enabled", Value: true}, {Key: "name", Value: p.Name}})
		}
	}
	rtvs := []any{}
	set := o.md().RecordTypeVisibilities[id]
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rtvs = append(rtvs, schema.OrderedMap{{Key: "recordType", Value: n}, {Key: "visible", Value: set[n].Visible}})
	}
	var license any
	if _, l, ok := o.st.Get(str(rec, "LicenseId")); ok {
		if n := str(l, "DeveloperName"); n != "" {
			license = n
		} else {
			license = str(l, "Name")
		}
	}
	var description any
	if d := str(rec, "Description"); d != "" {
		description = d
	}
	objPerms, fieldPerms := o.accessMetadata(id)
	out["Metadata"] = schema.OrderedMap{
		{Key: "applicationVisibilities", Value: []any{}},
		{Key: "classAccesses", Value: []any{}},
		{Key: "customMetadataTypeAccesses", Value: []any{}},
		{Key: "customPermissions", Value: []any{}},
		{Key: "description", Value: description},
		{Key: "externalDataSourceAccesses", Value: []any{}},
		{Key: "fieldPermissions", Value: fieldPerms},
		{Key: "flowAccesses", Value: []any{}},
		{Key: "hasActivationRequired", Value: false},
		{Key: "label", Value: str(rec, "Label")},
		{Key: "license", Value: license},
		{Key: "objectPermissions", Value: objPerms},
		{Key: "pageAccesses", Value: []any{}},
		{Key: "recordTypeVisibilities", Value: rtvs},
		{Key: "tabSettings", Value: []any{}},
		{Key: "urls", Value: nil},
		{Key: "userPermissions", Value: perms},
	}
	return out
}

// accessMetadata is a permission set's ObjectPermissions and
// FieldPermissions rows as the Metadata types' entries ({allowCreate,
// allowDelete, allowEdit, allowRead, modifyAllRecords, object,
// viewAllRecords} and {editable, field, readable}, Metadata WSDL v47),
// sorted by object and field.
func (o *Org) accessMetadata(psID string) (objPerms, fieldPerms []any) {
	objPerms, fieldPerms = []any{}, []any{}
	ops := o.st.children("ObjectPermissions", psID)
	sort.SliceStable(ops, func(i, j int) bool { return str(ops[i], "SobjectType") < str(ops[j], "SobjectType") })
	for _, r := range ops {
		objPerms = append(objPerms, schema.OrderedMap{{Key: "allowCreate", Value: r["PermissionsCreate"] == true},
			{Key: "allowDelete", Value: r["PermissionsDelete"] == true}, {Key: "allowEdit", Value: r["PermissionsEdit"] == true},
			{Key: "allowRead", Value: r["PermissionsRead"] == true}, {Key: "modifyAllRecords", Value: r["PermissionsModifyAllRecords"] == true},
			{Key: "object", Value: str(r, "SobjectType")}, {Key: "viewAllRecords", Value: r["PermissionsViewAllRecords"] == true}})
	}
	fps := o.st.children("FieldPermissions", psID)
	sort.SliceStable(fps, func(i, j int) bool { return str(fps[i], "Field") < str(fps[j], "Field") })
	for _, r := range fps {
		fieldPerms = append(fieldPerms, schema.OrderedMap{{Key: "editable", Value: r["PermissionsEdit"] == true},
			{Key: "field", Value: str(r, "Field")}, {Key: "readable", Value: r["PermissionsRead"] == true}})
	}
	return objPerms, fieldPerms
}
