package emulator

import (
	"encoding/json"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// The Metadata types a deploy applies to the org, and their rules. Folders,
// suffixes and root elements: the Metadata API reference page of each type
// (Profile profiles/.profile, PermissionSet permissionsets/.permissionset,
// Settings settings/<Name>.settings, RemoteSiteSetting
// remoteSiteSettings/.remoteSite, ConnectedApp connectedApps/.connectedApp;
// salesforce-api-facts.md §2, §7, §8, §14); the ECA types are in
// metadata_eca.go.
//
// order: the org applies types in an order of its own; the emulator runs
// permission sets and profiles before settings, so that a permission the
// same deploy's settings would add is still unknown to the permission set
// ("Settings:Security enableAuditFieldsInactiveOwner first, THEN the
// CreateAuditFields permission set, as two separate deploys", a
// practitioner note; CumulusCI docs cite KB 000213290). The rest of the
// order is UNCONFIRMED.
var mdTypes = map[string]*mdType{
	"RemoteSiteSetting":                    {name: "RemoteSiteSetting", folder: "remoteSiteSettings", suffix: "remoteSite", root: "RemoteSiteSetting", order: 10, apply: applyRemoteSite},
	"PermissionSet":                        {name: "PermissionSet", folder: "permissionsets", suffix: "permissionset", root: "PermissionSet", order: 20, apply: applyPermissionSet},
	"Profile":                              {name: "Profile", folder: "profiles", suffix: "profile", root: "Profile", order: 30, apply: applyProfile},
	"ConnectedApp":                         {name: "ConnectedApp", folder: "connectedApps", suffix: "connectedApp", root: "ConnectedApp", order: 40, apply: applyConnectedApp},
	"ExternalClientApplication":            {name: "ExternalClientApplication", folder: "externalClientApps", suffix: "eca", root: "ExternalClientApplication", order: 50, apply: applyECA},
	"ExtlClntAppOauthSettings":             {name: "ExtlClntAppOauthSettings", folder: "extlClntAppOauthSettings", suffix: "ecaOauth", root: "ExtlClntAppOauthSettings", order: 51, apply: applyECAPart},
	"ExtlClntAppGlobalOauthSettings":       {name: "ExtlClntAppGlobalOauthSettings", folder: "extlClntAppGlobalOauthSets", suffix: "ecaGlblOauth", root: "ExtlClntAppGlobalOauthSettings", order: 52, apply: applyECAPart},
	"ExtlClntAppOauthConfigurablePolicies": {name: "ExtlClntAppOauthConfigurablePolicies", folder: "extlClntAppOauthPolicies", suffix: "ecaOauthPlcy", root: "ExtlClntAppOauthConfigurablePolicies", order: 53, apply: applyECAPart},
	"ExtlClntAppConfigurablePolicies":      {name: "ExtlClntAppConfigurablePolicies", folder: "extlClntAppPolicies", suffix: "ecaPlcy", root: "ExtlClntAppConfigurablePolicies", order: 54, apply: applyECAPart},
	// A Settings file's root is <Name>Settings (SecuritySettings for
	// settings/Security.settings); applySettings checks it.
	"Settings": {name: "Settings", folder: "settings", suffix: "settings", root: "*", order: 90, apply: applySettings},
}

// knownUnemulated are real Metadata types (Metadata API reference, "Metadata
// Types") the emulator does not deploy: they fail with the emulator's own
// sentence rather than Salesforce's "Unknown type name", so that a test
// never takes them for deployed.
var knownUnemulated = map[string]bool{
	"ApexClass": true, "ApexComponent": true, "ApexPage": true, "ApexTrigger": true, "AuraDefinitionBundle": true,
	"AuthProvider": true, "Certificate": true, "CorsWhitelistOrigin": true, "CspTrustedSite": true, "CustomApplication": true,
	"CustomField": true, "CustomLabels": true, "CustomMetadata": true, "CustomNotificationType": true, "CustomObject": true,
	"CustomPermission": true, "CustomSite": true, "CustomTab": true, "Dashboard": true, "Document": true, "EmailTemplate": true,
	"ExternalClientAppSettings": true, "ExternalCredential": true, "FlexiPage": true, "Flow": true, "GlobalValueSet": true,
	"Group": true, "InstalledPackage": true, "Layout": true, "LightningComponentBundle": true, "ListView": true,
	"MutingPermissionSet": true, "NamedCredential": true, "Network": true, "PermissionSetGroup": true, "PlatformEventChannel": true,
	"Queue": true, "QuickAction": true, "RecordType": true, "Report": true, "Role": true, "SamlSsoConfig": true,
	"StandardValueSet": true, "StaticResource": true, "UserAccessPolicy": true, "ValidationRule": true, "WorkflowRule": true,
}

// errElement is the parse failure for an element a type does not have.
// Source: "Error parsing file: Element
// {http://soap.sforce.com/2006/04/metadata}fieldPermissions invalid at this
// location in type ProfileFieldLevelSecurity" (trailheadapps/ebikes-lwc#458).
func errElement(n *xnode, inType string) *compResult {
	return failAt(n, "Error parsing file: Element {"+mdNamespace+"}"+n.name+" invalid at this location in type "+inType)
}

// errRequiredElement: "Required field is missing: label" (a PermissionSet
// deploy without its label, amtrack/force-dev-tool#89; the same sentence
// for other fields, sfdx-hardis deploy tips: "Required field is missing:
// sharingOwnerRules").
func errRequiredElement(n *xnode, name string) *compResult {
	return failAt(n, "Required field is missing: "+name)
}

// errNoNamed: "In field: recordType - no RecordType named
// Contact.%%%NAMESPACE%%%Family_Member found" at "line 53, col 29"
// (SFDO-Community/OmbudsmanCloudCare#74, a CumulusCI Profile deploy; the
// sfdx-hardis deploy tips list the same sentence for other references: "In
// field: field - no CustomObject named X found"). The position is where the
// enclosing element's start tag ends: column 29 is just after
// "    <recordTypeVisibilities>", the emulator's reading of the recorded
// numbers.
func errNoNamed(n *xnode, field, typ, name string) *compResult {
	return failAt(n, "In field: "+field+" - no "+typ+" named "+name+" found")
}

// errNotEmulated is the emulator's own refusal of an element it does not
// apply (no Salesforce wording: a deploy that would succeed in a real org).
func errNotEmulated(n *xnode, typ string) *compResult {
	return failAt(n, "The emulator does not apply the "+typ+" element "+n.name+".")
}

// checkElements refuses children outside allowed (a parse error) and those
// the emulator does not apply (applied lists the ones it does).
func checkElements(root *xnode, typ string, allowed []string, applied map[string]bool) *compResult {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, k := range root.kids {
		if !ok[k.name] {
			return errElement(k, typ)
		}
		if !applied[k.name] {
			return errNotEmulated(k, typ)
		}
	}
	return nil
}

// ---- Profile ---------------------------------------------------------------------

// profileElements are the Profile type's fields (Metadata WSDL v47
// complexType Profile, salesforce-api-facts.md §2, plus fullName and the
// later customSettingAccesses and loginFlows).
var profileElements = []string{"applicationVisibilities", "categoryGroupVisibilities", "classAccesses", "custom", "customMetadataTypeAccesses",
	"customPermissions", "customSettingAccesses", "description", "externalDataSourceAccesses", "fieldPermissions", "flowAccesses", "fullName",
	"layoutAssignments", "loginFlows", "loginHours", "loginIpRanges", "objectPermissions", "pageAccesses", "profileActionOverrides",
	"recordTypeVisibilities", "tabVisibilities", "userLicense", "userPermissions"}

// profileApplied are the elements a Profile deploy applies: the record-type
// visibilities, and the values that only matter when the deploy creates
// the profile.
var profileApplied = map[string]bool{"custom": true, "description": true, "fullName": true, "recordTypeVisibilities": true, "userLicense": true}

// profileByFullName finds the profile a Metadata fullName names (realorg.go
// profileFullName: Admin for System Administrator, %3A and %2E for ":" and ".").
func (o *Org) profileByFullName(fullName string) soql.Record {
	for _, p := range o.st.All("Profile") {
		if profileFullName(str(p, "Name")) == fullName {
			return p
		}
	}
	return nil
}

// applyProfile deploys a Profile. Only what the file names changes: "A
// profile deploy overlays the existing settings. A disabled permission that
// the file leaves out stays as it is in the org" (meta_profile.htm 216.0,
// salesforce-api-facts.md §2). A profile that does not exist is created
// when the file says its licence ("A deployed profile with custom=true and
// userLicense=<licence name> is created if it does not exist", §2).
//
// recordTypeVisibilities: {default, personAccountDefault, recordType,
// visible} (ProfileRecordTypeVisibility); the record type must exist
// (errNoNamed). Per object a profile has one default, and it must be
// visible ("When a Profile has recordTypes, exactly one entry must be both
// default and visible", salto-io/salto#6904, whose screenshots of the two
// errors were not readable: the sentences below are UNCONFIRMED): a file
// naming two defaults for one object fails, a default that is not visible
// fails, and a file's default replaces the profile's earlier one (the
// org's own bookkeeping of one default per object; UNCONFIRMED).
func applyProfile(o *Org, dc *deployCtx, comp *component) *compResult {
	root := comp.root
	if r := checkElements(root, "Profile", profileElements, profileApplied); r != nil {
		return r
	}
	prof := o.profileByFullName(comp.fullName)
	res := &compResult{}
	if prof == nil {
		lic := root.value("userLicense")
		if lic == "" {
			return errRequiredElement(root, "userLicense")
		}
		var licID string
		for _, l := range o.st.All("UserLicense") {
			if str(l, "Name") == lic {
				licID = str(l, "Id")
			}
		}
		if licID == "" {
			return errNoNamed(root.child("userLicense"), "userLicense", "UserLicense", lic)
		}
		name := strings.NewReplacer("%3A", ":", "%2E", ".").Replace(comp.fullName)
		body := map[string]any{"Name": name, "UserLicenseId": licID}
		if d := root.value("description"); d != "" {
			body["Description"] = d
		}
		obj, _ := o.cat.Object("Profile")
		id, err := o.insert(dml{userID: dc.userID}, obj, body)
		if err != nil {
			return failAt(root, err.Message)
		}
		_, prof, _ = o.st.Get(id)
		res.created = true
	}
	res.id = str(prof, "Id")
	before := mustJSON(o.md().RecordTypeVisibilities[res.id])
	if r := o.deployRecordTypeVisibilities(res.id, root.all("recordTypeVisibilities"), true); r != nil {
		return r
	}
	res.changed = before != mustJSON(o.md().RecordTypeVisibilities[res.id])
	return res
}

// deployRecordTypeVisibilities merges recordTypeVisibilities entries into
// the state of a profile (profile true) or permission set.
func (o *Org) deployRecordTypeVisibilities(ownerID string, entries []*xnode, profile bool) *compResult {
	allowed := map[string]bool{"recordType": true, "visible": true}
	typ := "PermissionSetRecordTypeVisibility"
	if profile {
		allowed["default"], allowed["personAccountDefault"] = true, true
		typ = "ProfileRecordTypeVisibility"
	}
	m := o.md()
	if m.RecordTypeVisibilities == nil {
		m.RecordTypeVisibilities = map[string]map[string]rtVisibility{}
	}
	set := m.RecordTypeVisibilities[ownerID]
	if set == nil {
		set = map[string]rtVisibility{}
	}
	defaults := map[string]string{} // object → the file's default
	for _, e := range entries {
		for _, k := range e.kids {
			if !allowed[k.name] {
				return errElement(k, typ)
			}
		}
		name := e.value("recordType")
		if name == "" {
			return errRequiredElement(e, "recordType")
		}
		rt, ok := o.recordTypeByName(name)
		if !ok {
			return errNoNamed(e, "recordType", "RecordType", name)
		}
		name = str(rt, "SobjectType") + "." + str(rt, "DeveloperName")
		v := rtVisibility{Visible: e.boolValue("visible")}
		if profile {
			v.Default = e.boolValue("default")
			if e.has("personAccountDefault") {
				b := e.boolValue("personAccountDefault")
				v.PersonAccountDefault = &b
			}
			obj := str(rt, "SobjectType")
			if v.Default && !v.Visible {
				return failAt(e, "The default record type "+name+" must also be visible") // UNCONFIRMED wording
			}
			if v.Default {
				if other, dup := defaults[obj]; dup {
					return failAt(e, "Only one default record type is allowed per object: "+other+" and "+name) // UNCONFIRMED wording
				}
				defaults[obj] = name
			}
		}
		set[name] = v
	}
	for obj, def := range defaults {
		for n, v := range set {
			if n != def && strings.EqualFold(strings.SplitN(n, ".", 2)[0], obj) && v.Default {
				v.Default = false
				set[n] = v
			}
		}
	}
	if len(set) > 0 {
		m.RecordTypeVisibilities[ownerID] = set
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("emulator: " + err.Error()) // plain data
	}
	return string(b)
}

// ---- PermissionSet ---------------------------------------------------------------

// permSetElements are the PermissionSet type's fields (Metadata WSDL v47
// complexType PermissionSet, jsforce src/api/metadata/schema.ts, plus
// fullName and the later customSettingAccesses).
var permSetElements = []string{"applicationVisibilities", "classAccesses", "customMetadataTypeAccesses", "customPermissions",
	"customSettingAccesses", "description", "externalDataSourceAccesses", "fieldPermissions", "flowAccesses", "fullName",
	"hasActivationRequired", "label", "license", "objectPermissions", "pageAccesses", "recordTypeVisibilities", "tabSettings",
	"userPermissions"}

var permSetApplied = map[string]bool{"description": true, "fieldPermissions": true, "fullName": true, "hasActivationRequired": true,
	"label": true, "objectPermissions": true, "recordTypeVisibilities": true, "userPermissions": true}

// applyPermissionSet deploys a PermissionSet (fullName = its Name, a set
// without namespace). Rules:
//   - label is required, on an update too ("Error in PermissionSet
//     component 'Bulk_Send_Notifications': Required field is missing:
//     label", amtrack/force-dev-tool#89, a deploy of a file without it);
//   - a user permission the org does not have fails: "Unknown user
//     permission: AllowUniversalSearch" (SFDO-Community/
//     declarative-lookup-rollup-summaries#58; "Unknown user permission:
//     EinsteinGPTSalesEmailsUser", trailheadapps/coral-cloud#130). So does
//     one behind an org preference that is off (CreateAuditFields before
//     SecuritySettings.enableAuditFieldsInactiveOwner, integration-metadata-
//     facts.md "Permission names"). A permission with no PermissionSet field
//     (CanApproveUninstalledApps, schema/userperms.tsv) is kept in the
//     org's Metadata state and read back in the Tooling Metadata;
//   - a deploy does not switch prerequisites on: a permission without the
//     ones it needs fails with the org's "Permission X depends on
//     permission(s): Y" (jsforce/jsforce#749, a deploy's componentFailure
//     "Permission ManageUsers depends on permission(s): ViewRoles" for a
//     PermissionSet; Kathy-Lueckeman/EASY-Open-Source-Solution#6, a deploy:
//     "Permission CustomizeApplication depends on permission(s):
//     ManageTranslation"). Those recordings name permissions by API name;
//     the emulator gives the same sentence as its data writes
//     (rules_permdeps.go checkPrereqs, labels), as the newer recorded
//     deploy notes do (CONFLICTING, see there);
//   - from API 40.0 (package.xml's version) a permission set deploy
//     replaces the set: what the file leaves out is removed ("Removing a
//     reference (e.g. userPermissions) on a permissionset will set the
//     removed permission to false upon deployment to a target, even if the
//     removed permission is already true in the target. This native
//     Salesforce MDAPI behavior for permissionset is different, and
//     contrary, to the native Salesforce MDAPI behavior for profile",
//     CopadoSolutions/Copado-Manual#8; "the change that Salesforce made on
//     the PermissionSet Metadata in API 40", dxatscale/sfpowerkit#292).
//     The emulator replaces the parts it applies: userPermissions,
//     recordTypeVisibilities, objectPermissions and fieldPermissions
//     (ObjectPermissions and FieldPermissions rows); before 40.0 it
//     overlays them;
//   - recordTypeVisibilities: {recordType, visible}, the record type must
//     exist (errNoNamed);
//   - a packaged (ns__Name) or profile-owned set cannot be deployed
//     (UNCONFIRMED wording).
func applyPermissionSet(o *Org, dc *deployCtx, comp *component) *compResult {
	root := comp.root
	if r := checkElements(root, "PermissionSet", permSetElements, permSetApplied); r != nil {
		return r
	}
	if root.value("label") == "" {
		return errRequiredElement(root, "label")
	}
	var ps soql.Record
	for _, r := range o.st.All("PermissionSet") {
		full := str(r, "Name")
		if ns := str(r, "NamespacePrefix"); ns != "" {
			full = ns + "__" + full
		}
		if full == comp.fullName {
			ps = r
		}
	}
	if ps != nil && (str(ps, "NamespacePrefix") != "" || ps["IsOwnedByProfile"] == true) {
		return fail("Cannot modify managed object: entity=PermissionSet, component=" + str(ps, "Id")[:15] + ", state=installed") // UNCONFIRMED
	}
	replace := dc.apiVersion >= 40
	obj, _ := o.cat.Object("PermissionSet")
	d := dml{userID: dc.userID}
	res := &compResult{}
	var beforeMeta string
	if ps != nil {
		beforeMeta = mustJSON(o.withPermissionSetMetadata(ps)["Metadata"])
	}
	// The user permissions the file sets, by field (and those without one).
	fields := map[string]any{"Label": root.value("label")}
	if root.has("description") || replace {
		fields["Description"] = nilIfEmpty(root.value("description"))
	}
	fieldless := map[string]bool{}
	named := map[string]bool{}
	for _, up := range root.all("userPermissions") {
		for _, k := range up.kids {
			if k.name != "enabled" && k.name != "name" {
				return errElement(k, "PermissionSetUserPermission")
			}
		}
		name := up.value("name")
		p, ok := o.permissionForDeploy(name)
		if !ok {
			return fail("Unknown user permission: " + name)
		}
		named[p.Name] = true
		if p.Field() == "" {
			fieldless[p.Name] = up.boolValue("enabled")
			continue
		}
		fields[p.Field()] = up.boolValue("enabled")
	}
	if replace {
		for _, p := range o.cat.Permissions() {
			if !named[p.Name] && p.Field() != "" && ps != nil && ps[p.Field()] == true {
				fields[p.Field()] = false
			}
		}
	}
	// Object rows first (a user permission may need them), then the set's
	// own fields, then the rows the file leaves out.
	if ps == nil {
		body := map[string]any{"Name": comp.fullName, "Label": fields["Label"]}
		if desc, ok := fields["Description"]; ok && desc != nil {
			body["Description"] = desc
		}
		id, err := o.insert(d, obj, body)
		if err != nil {
			return fail(err.Message)
		}
		_, ps, _ = o.st.Get(id)
		res.created = true
	}
	res.id = str(ps, "Id")
	keepObj, r := o.deployObjectPermissions(d, res.id, root.all("objectPermissions"))
	if r != nil {
		return r
	}
	if err := o.update(d, obj, res.id, fields); err != nil {
		return fail(err.Message)
	}
	if replace {
		for _, row := range o.st.children("ObjectPermissions", res.id) {
			if !keepObj[str(row, "SobjectType")] {
				if err := o.remove(d, str(row, "Id")); err != nil {
					return fail(err.Message)
				}
			}
		}
	}
	if r := o.deployFieldPermissions(d, res.id, root.all("fieldPermissions"), replace); r != nil {
		return r
	}
	m := o.md()
	if replace {
		delete(m.UserPermissions, res.id)
		delete(m.RecordTypeVisibilities, res.id)
	}
	for name, on := range fieldless {
		if m.UserPermissions == nil {
			m.UserPermissions = map[string]map[string]bool{}
		}
		if m.UserPermissions[res.id] == nil {
			m.UserPermissions[res.id] = map[string]bool{}
		}
		if on {
			m.UserPermissions[res.id][name] = true
		} else {
			delete(m.UserPermissions[res.id], name)
		}
	}
	if r := o.deployRecordTypeVisibilities(res.id, root.all("recordTypeVisibilities"), false); r != nil {
		return r
	}
	_, ps, _ = o.st.Get(res.id)
	res.changed = res.created || beforeMeta != mustJSON(o.withPermissionSetMetadata(ps)["Metadata"])
	return res
}

// deployObjectPermissions writes the file's objectPermissions as
// ObjectPermissions rows of the set (PermissionSetObjectPermissions:
// allowCreate, allowDelete, allowEdit, allowRead, modifyAllRecords, object,
// viewAllRecords, viewAllFields) through the org's own rules; it returns
// the objects the file names.
func (o *Org) deployObjectPermissions(d dml, psID string, entries []*xnode) (map[string]bool, *compResult) {
	keep := map[string]bool{}
	obj, _ := o.cat.Object("ObjectPermissions")
	cols := map[string]string{"allowCreate": "PermissionsCreate", "allowDelete": "PermissionsDelete", "allowEdit": "PermissionsEdit",
		"allowRead": "PermissionsRead", "modifyAllRecords": "PermissionsModifyAllRecords", "viewAllRecords": "PermissionsViewAllRecords",
		"viewAllFields": "PermissionsViewAllFields"}
	// Grants before revocations inside a row are one write: the whole row.
	for _, e := range entries {
		body := map[string]any{}
		for _, k := range e.kids {
			if k.name == "object" {
				continue
			}
			col, ok := cols[k.name]
			if !ok {
				return nil, errElement(k, "PermissionSetObjectPermissions")
			}
			if _, has := obj.Field(col); has {
				body[col] = strings.TrimSpace(k.text) == "true"
			}
		}
		name := e.value("object")
		if name == "" {
			return nil, errRequiredElement(e, "object")
		}
		target, ok := o.cat.Object(name)
		if !ok {
			return nil, errNoNamed(e, "object", "CustomObject", name)
		}
		keep[target.Name] = true
		var row soql.Record
		for _, r := range o.st.children("ObjectPermissions", psID) {
			if str(r, "SobjectType") == target.Name {
				row = r
			}
		}
		if row == nil {
			body["ParentId"], body["SobjectType"] = psID, target.Name
			if _, err := o.insert(d, obj, body); err != nil {
				return nil, failAt(e, err.Message)
			}
			continue
		}
		if err := o.update(d, obj, str(row, "Id"), body); err != nil {
			return nil, failAt(e, err.Message)
		}
	}
	return keep, nil
}

// deployFieldPermissions writes the file's fieldPermissions
// ({editable, field, readable}) as FieldPermissions rows; a row without
// readable is removed, as the org removes such rows (rules_permsets.go).
func (o *Org) deployFieldPermissions(d dml, psID string, entries []*xnode, replace bool) *compResult {
	obj, _ := o.cat.Object("FieldPermissions")
	keep := map[string]bool{}
	for _, e := range entries {
		for _, k := range e.kids {
			if k.name != "editable" && k.name != "field" && k.name != "readable" {
				return errElement(k, "PermissionSetFieldPermissions")
			}
		}
		field := e.value("field")
		objName, _, ok := strings.Cut(field, ".")
		if !ok {
			return errNoNamed(e, "field", "CustomField", field)
		}
		keep[strings.ToLower(field)] = true
		var row soql.Record
		for _, r := range o.st.children("FieldPermissions", psID) {
			if strings.EqualFold(str(r, "Field"), field) {
				row = r
			}
		}
		read, edit := e.boolValue("readable"), e.boolValue("editable")
		switch {
		case row == nil && !read:
			continue
		case row == nil:
			body := map[string]any{"ParentId": psID, "SobjectType": objName, "Field": field, "PermissionsRead": read, "PermissionsEdit": edit}
			if _, err := o.insert(d, obj, body); err != nil {
				return failAt(e, err.Message)
			}
		default:
			if err := o.update(d, obj, str(row, "Id"), map[string]any{"PermissionsRead": read, "PermissionsEdit": edit}); err != nil {
				return failAt(e, err.Message)
			}
		}
	}
	if replace {
		for _, r := range o.st.children("FieldPermissions", psID) {
			if !keep[strings.ToLower(str(r, "Field"))] {
				if err := o.remove(d, str(r, "Id")); err != nil {
					return fail(err.Message)
				}
			}
		}
	}
	return nil
}

// ---- Settings -----------------------------------------------------------------

// applySettings deploys settings/<Name>.settings. Only Security is
// emulated: SecuritySettings.enableAuditFieldsInactiveOwner (a direct child
// of SecuritySettings: Metadata WSDL v47 complexType SecuritySettings,
// salesforce-api-facts.md §14; scratch definitions
// "securitySettings": {"enableAuditFieldsInactiveOwner": true}) turns the
// org preference on or off, the same state as the seed's orgPreferences,
// so that PermissionsCreateAuditFields and PermissionsUpdateWithInactiveOwner
// appear (schema/userperms.tsv). The file's other SecuritySettings fields
// (canUsersGrantLoginAccess, enableAdminLoginAsAnyUser,
// enableAuraSecureEvalPref, enableRequireHttpsConnection,
// isTLSv12Required, isTLSv12RequiredCommunities, networkAccess,
// passwordPolicies, sessionSettings, singleSignOnSettings) are accepted and
// not applied; other elements are parse errors. No API reads the setting
// back (integration-metadata-facts.md §3.3: no Tooling sObject for
// SecuritySettings was found): what shows it is the PermissionSet describe,
// whose PermissionsCreateAuditFields field exists only with it on. Turning
// it off while a set grants those permissions drops them (UNCONFIRMED).
func applySettings(o *Org, dc *deployCtx, comp *component) *compResult {
	root := comp.root
	if comp.fullName != "Security" {
		return failAt(root, "The emulator does not deploy the "+comp.fullName+" settings.")
	}
	if root.name != "SecuritySettings" {
		return failAt(root, "Error parsing file: Element {"+mdNamespace+"}"+root.name+" invalid at this location")
	}
	known := map[string]bool{"canUsersGrantLoginAccess": true, "enableAdminLoginAsAnyUser": true, "enableAuditFieldsInactiveOwner": true,
		"enableAuraSecureEvalPref": true, "enableRequireHttpsConnection": true, "isTLSv12Required": true, "isTLSv12RequiredCommunities": true,
		"networkAccess": true, "passwordPolicies": true, "sessionSettings": true, "singleSignOnSettings": true, "fullName": true}
	for _, k := range root.kids {
		if !known[k.name] {
			return errElement(k, "SecuritySettings")
		}
	}
	res := &compResult{}
	if !root.has("enableAuditFieldsInactiveOwner") {
		return res
	}
	on := root.boolValue("enableAuditFieldsInactiveOwner")
	if o.orgPreferences()["enableAuditFieldsInactiveOwner"] == on {
		return res
	}
	m := o.md()
	if m.Preferences == nil {
		m.Preferences = map[string]bool{}
	}
	m.Preferences["enableAuditFieldsInactiveOwner"] = on
	dc.catalog = true
	if err := o.rebuildCatalog(); err != nil {
		return fail(err.Error())
	}
	res.changed = true
	return res
}

// ---- RemoteSiteSetting --------------------------------------------------------

// applyRemoteSite deploys remoteSiteSettings/<Name>.remoteSite (url,
// isActive, disableProtocolSecurity required, description; Metadata WSDL
// v47, salesforce-api-facts.md §8) as the Tooling RemoteProxy record of
// that SiteName, through the same rules as a Tooling write.
func applyRemoteSite(o *Org, dc *deployCtx, comp *component) *compResult {
	root := comp.root
	allowed := map[string]bool{"description": true, "disableProtocolSecurity": true, "isActive": true, "url": true, "fullName": true}
	for _, k := range root.kids {
		if !allowed[k.name] {
			return errElement(k, "RemoteSiteSetting")
		}
	}
	for _, req := range []string{"url", "isActive", "disableProtocolSecurity"} {
		if !root.has(req) {
			return errRequiredElement(root, req)
		}
	}
	md := map[string]any{"url": root.value("url"), "isActive": root.boolValue("isActive"),
		"disableProtocolSecurity": root.boolValue("disableProtocolSecurity"), "description": nilIfEmpty(root.value("description")), "urls": nil}
	obj, _ := o.cat.Object("RemoteProxy")
	d := dml{userID: dc.userID, tooling: true}
	for _, r := range o.st.All("RemoteProxy") {
		if str(r, "SiteName") == comp.fullName {
			before := mustJSON(r["Metadata"])
			if err := o.update(d, obj, str(r, "Id"), map[string]any{"Metadata": md}); err != nil {
				return fail(err.Message)
			}
			_, after, _ := o.st.Get(str(r, "Id"))
			return &compResult{id: str(r, "Id"), changed: before != mustJSON(after["Metadata"])}
		}
	}
	id, err := o.insert(d, obj, map[string]any{"FullName": comp.fullName, "Metadata": md})
	if err != nil {
		return fail(err.Message)
	}
	return &compResult{id: id, created: true}
}

// ---- ConnectedApp -------------------------------------------------------------

// applyConnectedApp: creating a connected app is refused since Spring '26,
// through the Metadata API too ("Connected App creation via APIs
// (including the Metadata API) is blocked in the same way as the UI", KB
// 005228017), with "You can't create a connected app. To enable connected
// app creation, contact Salesforce Customer Support." (the live deploy
// error a practitioner note quotes; integration-metadata-facts.md §3.2).
// Editing an existing one is allowed in a real org; the emulator does not
// model ConnectedApp metadata and refuses that with its own sentence.
func applyConnectedApp(o *Org, dc *deployCtx, comp *component) *compResult {
	for _, a := range o.st.All("ConnectedApplication") {
		if str(a, "Name") == comp.fullName {
			return fail("The emulator does not apply changes to the existing connected app " + comp.fullName + ".")
		}
	}
	return fail("You can't create a connected app. To enable connected app creation, contact Salesforce Customer Support.")
}

// permissionForDeploy is the org's user permission of a Metadata name: one
// with a PermissionSet field (Catalog.Permissions, preferences applied), or
// one the list holds without a field and behind no preference
// (CanApproveUninstalledApps).
func (o *Org) permissionForDeploy(name string) (schema.UserPermission, bool) {
	if p, ok := o.cat.Permission(name); ok {
		return p, true
	}
	for _, p := range schema.UserPermissions() {
		if strings.EqualFold(p.Name, name) && !p.OnPermissionSet && p.ProfileName == "" && p.Pref == "" {
			return p, true
		}
	}
	return schema.UserPermission{}, false
}
