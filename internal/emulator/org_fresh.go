package emulator

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// AdminUsername is the username of the org's admin user, whom the static
// access token belongs to.
const AdminUsername = "admin@emulator.sfprov.local"

// userLicense is a user licence of the fresh org. Seat counts: Enterprise
// Edition orgs get 5 "Salesforce Integration" licences (facts §1); the other
// counts are the emulator's choice (a seed overrides them).
type userLicense struct {
	name, key string
	seats     int
}

// LicenseDefinitionKey values: SFDC, AUL, PID_Chatter and
// CLOUD_INTEGRATION_USER are among the keys Terraform's provider knows
// (facts §1); the key of "Salesforce Integration" is UNCONFIRMED there.
var freshLicenses = []userLicense{
	{"Salesforce", "SFDC", 10},
	{"Salesforce Platform", "AUL", 10},
	{"Salesforce Integration", "PID_SALESFORCE_INTEGRATION", 5},
	{"Chatter Free", "PID_Chatter", 5000},
	{"Analytics Cloud Integration User", "CLOUD_INTEGRATION_USER", 1},
}

// DefaultOAuthAppName names the connected app of the emulator's OAuth client
// when the seed does not.
const DefaultOAuthAppName = "sfprov Emulator"

// IntegrationLicense is the user licence whose users need the
// SalesforceAPIIntegrationPsl before permission sets with object access (facts §1).
const IntegrationLicense = "Salesforce Integration"

// IntegrationPSL is the companion permission set licence (facts §1).
const IntegrationPSL = "SalesforceAPIIntegrationPsl"

// IntegrationProfile is the standard profile of the Salesforce Integration
// licence. Salesforce first called it "Salesforce API Only System
// Integrations"; newer orgs show this name (facts §1; the rename date is
// UNCONFIRMED). The emulator is a new org, so it uses the newer name.
const IntegrationProfile = "Minimum Access - API Only Integrations"

// standardProfile is a standard profile of the fresh org and the system
// permissions its owned permission set grants.
type standardProfile struct {
	name, license string
	perms         []string
}

// Permission sets of the standard profiles, by Metadata API name. Names from
// the Admin profile XML (facts §3 table); which profile gets which is the
// emulator's sensible default, not a recording. Each profile also gets the
// user permissions these need by the org's PermissionDependency rows, as
// Setup enables prerequisites by itself.
var freshProfiles = []standardProfile{
	{"System Administrator", "Salesforce", []string{"ApiEnabled", "ModifyAllData", "ViewAllData", "ViewSetup", "CustomizeApplication",
		"ManageUsers", "AssignPermissionSets", "ModifyMetadata", "AuthorApex", "ApexRestServices", "ActivitiesAccess", "ManageProfilesPermissionsets",
		"ManageInternalUsers", "ResetPasswords", "ViewAllUsers", "EditTask", "EditEvent", "ConvertLeads", "ImportLeads", "RunReports", "ExportReport"}},
	{"Standard User", "Salesforce", []string{"ApiEnabled", "ActivitiesAccess", "EditTask", "EditEvent", "ConvertLeads", "RunReports", "ExportReport"}},
	{"Read Only", "Salesforce", []string{"ApiEnabled", "RunReports"}},
	{"Minimum Access - Salesforce", "Salesforce", nil},
	{"Standard Platform User", "Salesforce Platform", []string{"ApiEnabled", "ActivitiesAccess", "EditTask", "EditEvent", "RunReports"}},
	{IntegrationProfile, IntegrationLicense, []string{"ApiEnabled", "ApiUserOnly"}},
	{"Chatter Free User", "Chatter Free", nil},
	{"Analytics Cloud Integration User", "Analytics Cloud Integration User", []string{"ApiEnabled", "ApiUserOnly", "ViewAllData"}},
}

// populate creates the fresh org's records and applies the seed.
func (o *Org) populate(seed *Seed) error {
	now := timestamp(o.now())
	orgObj, _ := o.cat.Object("Organization")
	o.meta.Counter++
	o.meta.OrgID = sfid.New(orgObj.KeyPrefix, o.meta.Counter)
	// The admin user's Id is needed for CreatedById of everything, including itself.
	userObj, _ := o.cat.Object("User")
	o.meta.AdminID = o.newID(userObj)

	seats := map[string]int{}
	for _, l := range seed.Licenses {
		seats[strings.ToLower(l.Name)] = l.Seats
	}
	seatsFor := func(name string, def int) int {
		if n, ok := seats[strings.ToLower(name)]; ok {
			return n
		}
		return def
	}

	o.seedInsert("Organization", soql.Record{"Id": o.meta.OrgID, "Name": "sfprov Emulator Org", "Country": "US",
		"DefaultLocaleSidKey": "en_US", "TimeZoneSidKey": "America/Los_Angeles", "LanguageLocaleKey": "en_US",
		"OrganizationType": "Enterprise Edition", "InstanceName": "EMU1", "IsSandbox": seed.Sandbox, "FiscalYearStartMonth": 1.0,
		"ReceivesInfoEmails": true, "ReceivesAdminInfoEmails": true, "PrimaryContact": "Admin User",
		// Org-wide sharing defaults and the rest as sobject-Organization.json records them.
		"DefaultAccountAccess": "Edit", "DefaultContactAccess": "ControlledByParent", "DefaultOpportunityAccess": "Edit",
		"DefaultLeadAccess": "ReadEditTransfer", "DefaultCaseAccess": "ReadEditTransfer", "DefaultCalendarAccess": "HideDetailsInsert",
		"DefaultPricebookAccess": "ReadSelect", "DefaultCampaignAccess": "All", "UiSkin": "Theme3", "SignupCountryIsoCode": "US",
		"WebToCaseDefaultOrigin": "Web", "NumKnowledgeService": 0.0, "MonthlyPageViewsUsed": 0.0, "MonthlyPageViewsEntitlement": 0.0}, now)

	licenseIDs := map[string]string{}
	for _, l := range freshLicenses {
		licenseIDs[l.name] = o.seedInsert("UserLicense", soql.Record{"Name": l.name, "MasterLabel": l.name, "LicenseDefinitionKey": l.key,
			"TotalLicenses": float64(seatsFor(l.name, l.seats)), "UsedLicenses": 0.0, "Status": "Active", "UsedLicensesLastUpdated": now}, now)
	}
	o.seedInsert("PermissionSetLicense", soql.Record{"DeveloperName": IntegrationPSL, "MasterLabel": "Salesforce API Integration",
		"PermissionSetLicenseKey": IntegrationPSL, "TotalLicenses": float64(seatsFor(IntegrationPSL, seatsFor("Salesforce API Integration", 5))),
		"UsedLicenses": 0.0, "Status": "Active", "IsAvailableForIntegrations": true, "Language": "en_US"}, now)

	// The dependency table first: the standard profiles follow it.
	if err := o.storePermDeps(); err != nil {
		return err
	}
	profileIDs := map[string]string{}
	for _, p := range freshProfiles {
		grant := map[string]bool{}
		for _, n := range p.perms {
			if _, ok := o.cat.Permission(n); ok {
				grant[n] = true
			}
		}
		o.userPermClosure(grant)
		profileIDs[p.name] = o.seedProfile(p.name, licenseIDs[p.license], grant, now)
	}
	o.seedProfileAccess(profileIDs, now)
	// Seed licence names must exist.
	for _, l := range seed.Licenses {
		found := false
		for _, fl := range freshLicenses {
			found = found || strings.EqualFold(fl.name, l.Name)
		}
		found = found || strings.EqualFold(l.Name, IntegrationPSL) || strings.EqualFold(l.Name, "Salesforce API Integration")
		if !found {
			return fmt.Errorf("licenses: no user licence or permission set licence named %q", l.Name)
		}
	}

	o.seedUser(o.meta.AdminID, AdminUsername, "Admin", "User", "admin@emulator.sfprov.local", "admin", profileIDs["System Administrator"], true, now)

	// A few business records, as a fresh Developer/Enterprise org has sample data.
	acme := o.seedInsert("Account", soql.Record{"Name": "Acme Corporation", "Industry": "Manufacturing", "Type": "Customer - Direct"}, now)
	globex := o.seedInsert("Account", soql.Record{"Name": "Globex", "Industry": "Technology", "Type": "Prospect"}, now)
	jane := o.seedInsert("Contact", soql.Record{"FirstName": "Jane", "LastName": "Doe", "AccountId": acme, "Email": "jane.doe@example.com"}, now)
	o.seedInsert("Contact", soql.Record{"FirstName": "John", "LastName": "Roe", "AccountId": globex}, now)
	o.seedInsert("Case", soql.Record{"Subject": "Cannot log in", "Status": "New", "Origin": "Web", "AccountId": acme, "ContactId": jane}, now)
	o.seedInsert("Lead", soql.Record{"LastName": "Smith", "Company": "Initech", "Status": "Open - Not Contacted"}, now)
	o.seedInsert("Opportunity", soql.Record{"Name": "Acme renewal", "StageName": "Prospecting", "CloseDate": "2027-01-31", "AccountId": acme}, now)
	for _, n := range []string{"SiteLoginController", "ChangePasswordController"} {
		o.seedInsert("ApexClass", soql.Record{"Name": n, "ApiVersion": 62.0, "Status": "Active", "IsValid": true, "LengthWithoutComments": 512.0}, now)
	}
	o.seedInsert("ConnectedApplication", soql.Record{"Name": "Salesforce CLI", "OptionsAllowAdminApprovedUsersOnly": false}, now)
	// The connected app behind the OAuth client (Options.ClientID).
	app := SeedOAuthApp{Name: DefaultOAuthAppName}
	if seed.OAuthApp != nil {
		app = *seed.OAuthApp
		if app.Name == "" {
			app.Name = DefaultOAuthAppName
		}
	}
	o.meta.OAuthAppID = o.seedInsert("ConnectedApplication", soql.Record{"Name": app.Name,
		"OptionsAllowAdminApprovedUsersOnly": permittedUsers[strings.ToLower(app.PermittedUsers)]}, now)

	if seed.PersonAccounts {
		// Source: describe-Account-personaccounts-v59.json recordTypeInfos
		// (DeveloperName PersonAccount, label "Person Account"); facts §13.
		o.seedInsert("RecordType", soql.Record{"Name": "Person Account", "DeveloperName": "PersonAccount", "SobjectType": "Account",
			"IsActive": true, "IsPersonType": true}, now)
	}

	for _, p := range seed.Packages {
		o.seedPackage(p, now)
	}
	for _, u := range seed.Users {
		pid, ok := profileIDs[u.Profile]
		if !ok {
			return fmt.Errorf("users: %s: no profile named %q (have: %s)", u.Username, u.Profile, strings.Join(sortedKeys(profileIDs), ", "))
		}
		active := u.Active == nil || *u.Active
		alias := u.Alias
		if alias == "" {
			alias = defaultAlias(u.FirstName, u.LastName)
		}
		email := u.Email
		if email == "" {
			email = u.Username
		}
		id := o.newID(userObj)
		if _, dup := o.userByUsername(u.Username); dup {
			return fmt.Errorf("users: %s appears twice", u.Username)
		}
		o.seedUser(id, u.Username, u.FirstName, u.LastName, email, alias, pid, active, now)
		if u.Password != "" {
			o.setPassword(id, u.Password)
		}
		for _, name := range u.PermissionSets {
			ps := o.seedPermissionSet(name)
			if ps == "" {
				return fmt.Errorf("users: %s: no permission set named %q (a package's sets come from packages[].permissionSets)", u.Username, name)
			}
			o.seedInsert("PermissionSetAssignment", soql.Record{"AssigneeId": id, "PermissionSetId": ps, "IsActive": true}, now)
		}
	}
	if err := o.seedAudit(seed); err != nil {
		return err
	}
	o.recountLicenses()
	o.entityDefinitions()
	// A seed cannot give a licence more active users than it has seats, any
	// more than the API can (LICENSE_LIMIT_EXCEEDED, facts §1).
	for _, l := range o.st.All("UserLicense") {
		if used, total := l["UsedLicenses"].(float64), l["TotalLicenses"].(float64); used > total {
			return fmt.Errorf("users: %d active users need the %q licence, which has %d seats", int(used), str(l, "Name"), int(total))
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func defaultAlias(first, last string) string {
	a := strings.ToLower(last)
	if first != "" {
		a = strings.ToLower(first[:1]) + a
	}
	a = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, a)
	if len(a) > 8 {
		a = a[:8]
	}
	if a == "" {
		a = "user"
	}
	return a
}

// entityDefinitions regenerates the EntityDefinition rows from the catalog.
// They are not persisted (save skips them): they follow the catalog.
func (o *Org) entityDefinitions() {
	for _, r := range o.st.All("EntityDefinition") {
		o.st.drop("EntityDefinition", r["Id"].(string))
	}
	for i, obj := range o.cat.Objects() {
		if obj.Name == "EntityDefinition" || !obj.Data {
			continue
		}
		rec := soql.Record{"Id": sfid.New("4ie", uint64(i+1)), "DurableId": obj.Name, "QualifiedApiName": obj.Name,
			"DeveloperName": strings.TrimSuffix(obj.Name, "__c"), "MasterLabel": obj.Label, "Label": obj.Label,
			"PluralLabel": obj.LabelPlural, "KeyPrefix": nilIfEmpty(obj.KeyPrefix), "IsCustomizable": obj.Custom || !obj.Setup,
			"IsCustomSetting": false, "IsQueryable": obj.Queryable, "IsLayoutable": !obj.Setup, "IsTriggerable": !obj.Setup,
			"IsSearchable": !obj.Setup, "IsDeprecatedAndHidden": false}
		o.st.putDerived("EntityDefinition", rec)
	}
}

// seedInsert stores a record without rules (the org's own data).
func (o *Org) seedInsert(object string, fields soql.Record, now string) string {
	obj, ok := o.cat.Object(object)
	if !ok {
		panic("emulator: fresh org refers to unknown object " + object) // programming error, not user input
	}
	r := o.blankRecord(obj, now, o.meta.AdminID)
	for k, v := range fields {
		r[k] = v
	}
	if _, ok := r["Id"].(string); !ok || r["Id"] == "" {
		r["Id"] = o.newID(obj)
	}
	// Seeded records get the derived fields an API insert gets (the full
	// Name of Contacts and Leads, emulator-gaps.md G4).
	computeName(obj, r)
	o.st.insert(obj.Name, r)
	return r["Id"].(string)
}

// blankRecord is a new record with the defaults the platform fills in:
// booleans false (or their default), defaulted picklists, audit fields.
func (o *Org) blankRecord(obj *schema.Object, now, userID string) soql.Record {
	r := maps.Clone(o.blankTemplate(obj))
	for _, k := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp"} {
		if _, ok := r[k]; ok {
			r[k] = now
		}
	}
	for _, k := range []string{"CreatedById", "LastModifiedById", "OwnerId"} {
		if _, ok := r[k]; ok {
			r[k] = userID
		}
	}
	for _, f := range obj.Fields {
		if f.AutoNumber() {
			r[f.Name] = o.nextAutoNumber(obj, f)
		}
	}
	return r
}

// blankTemplate is what every new record of obj starts from: the fields'
// defaults, and the audit fields (filled in by blankRecord). It is made
// once per object of the catalog and cloned, since building a record of a
// hundred fields one at a time was most of the cost of a large seed.
func (o *Org) blankTemplate(obj *schema.Object) soql.Record {
	if t, ok := o.blanks[obj]; ok {
		return t
	}
	r := make(soql.Record, len(obj.Fields)+4)
	for _, f := range obj.Fields {
		switch {
		case f.Type == "boolean":
			dv, _ := f.Fact("defaultValue").(bool)
			r[f.Name] = dv
		case f.Type == "picklist" && f.DefaultedOnCreate && f.Createable:
			// The describe's defaultValue, else the picklist entry marked
			// defaultValue (describe-Case-v48.json Status, Priority, Origin).
			if dv, ok := f.Fact("defaultValue").(string); ok {
				r[f.Name] = dv
			} else {
				for _, p := range f.Picklist {
					if p.Default {
						r[f.Name] = p.Value
						break
					}
				}
			}
		}
	}
	for _, k := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp", "CreatedById", "LastModifiedById", "OwnerId"} {
		if _, ok := obj.Field(k); ok {
			r[k] = ""
		}
	}
	if _, ok := obj.Field("IsDeleted"); ok {
		r["IsDeleted"] = false
	}
	if o.blanks == nil {
		o.blanks = map[*schema.Object]soql.Record{}
	}
	o.blanks[obj] = r
	return r
}

// nextAutoNumber is the next value of an auto-number field: one more than
// the highest number the object's records (the Recycle Bin included) hold,
// so that it survives restarts without a counter of its own. Source: describe
// autoNumber (describe-Case-v48.json CaseNumber, read-only, defaultedOnCreate);
// the standard Case Number display format is eight zero-padded digits
// ("00001001" in recorded cases, emulator-gaps.md G5); starting at 00001000
// is UNCONFIRMED.
func (o *Org) nextAutoNumber(obj *schema.Object, f *schema.Field) string {
	next := 1000
	for _, r := range (withDeleted{o.st}).All(obj.Name) {
		if n, err := strconv.Atoi(str(r, f.Name)); err == nil && n >= next {
			next = n + 1
		}
	}
	return fmt.Sprintf("%08d", next)
}

// seedProfile creates a profile and its profile-owned permission set.
// Source: facts §2 ("Every profile has a hidden PermissionSet with
// IsOwnedByProfile = true and ProfileId set"). The owned set's Name
// ("X" + profile Id) is UNCONFIRMED.
func (o *Org) seedProfile(name, licenseID string, grant map[string]bool, now string) string {
	prof, _ := o.cat.Object("Profile")
	pid := o.newID(prof)
	fields := soql.Record{"Id": pid, "Name": name, "UserLicenseId": licenseID, "UserType": "Standard"}
	for _, p := range o.cat.Permissions() {
		if f := p.ProfileField(); f != "" {
			fields[f] = grant[p.Name]
		}
	}
	o.seedInsert("Profile", fields, now)
	o.insertOwnedPermissionSet(pid, licenseID, fields, now)
	return pid
}

// standardObjectAccess is the object access of the standard profiles over the
// emulator's standard business objects. Source: Salesforce Help "Standard
// Profiles": Standard User "can create and edit most major types of records",
// Read Only "can view, but not edit", System Administrator has "access to all
// functionality that does not require an extra license", Standard Platform
// User has core platform objects (accounts, contacts) but no CRM ones (the
// Salesforce Platform licence has no leads, opportunities or cases); the
// Minimum Access and integration profiles have none. Which flags exactly is
// the emulator's default, not a recording. Field access follows the object:
// every permissionable field, editable where the object is and the field can
// be written. Activities (Event, Task) are governed by system permissions,
// not object rows.
var standardObjectAccess = map[string]map[string][]string{
	"System Administrator": {"*": {"Read", "Create", "Edit", "Delete", "ViewAllRecords", "ModifyAllRecords"}},
	"Standard User":        {"*": {"Read", "Create", "Edit", "Delete"}},
	"Read Only":            {"*": {"Read"}},
	"Standard Platform User": {"Account": {"Read", "Create", "Edit", "Delete"},
		"Contact": {"Read", "Create", "Edit", "Delete"}},
}

// crmObjects are the standard objects whose access standardObjectAccess's
// "*" stands for.
var crmObjects = []string{"Account", "Contact", "Lead", "Opportunity", "Case"}

// seedProfileAccess writes the ObjectPermissions and FieldPermissions rows of
// the standard profiles' own permission sets, as a new org has them, so that
// a profile cloned from one of them has something to copy.
func (o *Org) seedProfileAccess(profileIDs map[string]string, now string) {
	for _, p := range freshProfiles {
		access := standardObjectAccess[p.name]
		if access == nil {
			continue
		}
		owned := str(o.ownedPermissionSet(profileIDs[p.name]), "Id")
		for _, name := range crmObjects {
			flags, ok := access[name]
			if !ok {
				if flags, ok = access["*"]; !ok {
					continue
				}
			}
			obj, ok := o.cat.Object(name)
			if !ok {
				continue
			}
			row := soql.Record{"ParentId": owned, "SobjectType": obj.Name}
			edit := false
			for _, f := range flags {
				row["Permissions"+f] = true
				edit = edit || f == "Edit"
			}
			o.seedInsert("ObjectPermissions", row, now)
			for _, f := range obj.Fields {
				if !f.Permissionable {
					continue
				}
				o.seedInsert("FieldPermissions", soql.Record{"ParentId": owned, "SobjectType": obj.Name, "Field": obj.Name + "." + f.Name,
					"PermissionsRead": true, "PermissionsEdit": edit && !f.Calculated && (f.Updateable || f.Createable)}, now)
			}
		}
	}
}

func (o *Org) insertOwnedPermissionSet(profileID, licenseID string, profile soql.Record, now string) string {
	ps := soql.Record{"Name": "X" + profileID, "Label": profileID, "ProfileId": profileID, "IsOwnedByProfile": true,
		"IsCustom": false, "Type": "Profile", "LicenseId": licenseID}
	for k, v := range o.noPermissions() {
		ps[k] = v
	}
	for k, v := range o.profilePermsAsSet(profile) {
		ps[k] = v
	}
	return o.seedInsert("PermissionSet", ps, now)
}

func (o *Org) seedUser(id, username, first, last, email, alias, profileID string, active bool, now string) {
	name := strings.TrimSpace(first + " " + last)
	defer func() {
		_, u, _ := o.st.Get(id)
		o.assignProfileSet(u)
	}()
	o.seedInsert("User", soql.Record{"Id": id, "Username": username, "FirstName": nilIfEmpty(first), "LastName": last, "Name": name,
		"Email": email, "Alias": alias, "CommunityNickname": nickname(username), "IsActive": active,
		"TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US", "LanguageLocaleKey": "en_US", "EmailEncodingKey": "UTF-8",
		"ProfileId": profileID, "UserType": "Standard", "DigestFrequency": "N", "DefaultGroupNotificationFrequency": "N",
		"ReceivesInfoEmails": true}, now)
}

func nickname(username string) string {
	n := username
	if i := strings.IndexByte(n, '@'); i > 0 {
		n = n[:i]
	}
	if len(n) > 40 {
		n = n[:40]
	}
	return n
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// seedPackage installs a managed package: Tooling rows for the package and its
// version (fixtures tooling-query-InstalledSubscriberPackage.json and
// tooling-query-SubscriberPackageVersion.json), its permission sets with the
// namespace (sf CLI queries them with NamespacePrefix, real-clients.md §3.4),
// and its connected apps.
// seedPermissionSet finds a permission set (not a profile's) by Name, as
// ns__Name or Name; "" when there is none.
func (o *Org) seedPermissionSet(name string) string {
	for _, ps := range o.st.All("PermissionSet") {
		if ps["IsOwnedByProfile"] == true {
			continue
		}
		full := str(ps, "Name")
		if ns := str(ps, "NamespacePrefix"); ns != "" {
			full = ns + "__" + full
		}
		if strings.EqualFold(name, full) || strings.EqualFold(name, str(ps, "Name")) {
			return str(ps, "Id")
		}
	}
	return ""
}

func (o *Org) seedPackage(p SeedPackage, now string) {
	v, _ := parseVersion(p.Version)
	if p.Version == "" {
		v = packageVersion{1, 0, 0, 1}
	}
	name := p.Name
	if name == "" {
		name = p.Namespace
	}
	pkg := o.seedInsert("SubscriberPackage", soql.Record{"Name": name, "NamespacePrefix": p.Namespace, "IsPackageValid": true}, now)
	spv := soql.Record{"SubscriberPackageId": pkg, "Name": name + " " + p.Version,
		"MajorVersion": float64(v.major), "MinorVersion": float64(v.minor), "PatchVersion": float64(v.patch),
		"BuildNumber": float64(v.build), "IsBeta": false, "IsManaged": true, "Package2ContainerOptions": "Managed"}
	if p.VersionID != "" {
		spv["Id"] = sfid.To18(p.VersionID) // the seed's 04t Id (packages_install.go)
	}
	ver := o.seedInsert("SubscriberPackageVersion", spv, now)
	o.seedInsert("InstalledSubscriberPackage", soql.Record{"SubscriberPackageId": pkg, "SubscriberPackageVersionId": ver}, now)
	for _, ps := range p.PermissionSets {
		fields := soql.Record{"Name": ps, "Label": strings.ReplaceAll(ps, "_", " "), "NamespacePrefix": p.Namespace,
			"IsOwnedByProfile": false, "IsCustom": true, "Type": "Regular"}
		for k, v := range o.noPermissions() {
			fields[k] = v
		}
		o.seedInsert("PermissionSet", fields, now)
	}
	for _, a := range p.ConnectedApps {
		o.seedInsert("ConnectedApplication", soql.Record{"Name": a.Name,
			"OptionsAllowAdminApprovedUsersOnly": permittedUsers[strings.ToLower(a.PermittedUsers)]}, now)
	}
}
