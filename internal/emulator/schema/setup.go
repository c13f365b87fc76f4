package schema

import (
	"sort"
	"strings"
)

// Hand-written field lists. Field names, types and create/update flags come
// from the Salesforce Object Reference page of each object (cited per object);
// the object-level flags, labels and key prefixes come from the recorded
// global describe (describe-global-v59.json) through stdfields.json.

func audit() []fieldSpec {
	// System fields of every object. Source: Object Reference, "System Fields".
	return []fieldSpec{
		{name: "CreatedDate", typ: "datetime", flags: "d"},
		{name: "CreatedById", typ: "reference", flags: "d", refTo: []string{"User"}, relName: "CreatedBy"},
		{name: "LastModifiedDate", typ: "datetime", flags: "d"},
		{name: "LastModifiedById", typ: "reference", flags: "d", refTo: []string{"User"}, relName: "LastModifiedBy"},
		{name: "SystemModstamp", label: "System Modstamp", typ: "datetime", flags: "d"},
	}
}

func idField(label string) fieldSpec {
	return fieldSpec{name: "Id", label: label + " ID", typ: "id", flags: "di"}
}

func obj(std *stdData, name string, setup bool, specs ...[]fieldSpec) *Object {
	o := &Object{Data: true, Setup: setup}
	applyGlobal(o, std.Global[name])
	if o.Name == "" {
		o.Name = name
	}
	for _, list := range specs {
		for _, s := range list {
			o.AddField(build(s))
		}
	}
	if keys := std.RecordKeys[name]; len(keys) > 0 {
		// Describe and records list the fields in the recorded order.
		rank := make(map[string]int, len(keys))
		for i, k := range keys {
			rank[k] = i
		}
		pos := func(f *Field) int {
			if r, ok := rank[f.Name]; ok {
				return r
			}
			return len(keys)
		}
		sort.SliceStable(o.Fields, func(i, j int) bool { return pos(o.Fields[i]) < pos(o.Fields[j]) })
	}
	return o
}

// geocodeAccuracies are the values of the GeocodeAccuracy picklist of
// compound addresses (Object Reference, "Compound Fields: Address").
var geocodeAccuracies = []string{"Address", "NearAddress", "Block", "Street", "ExtendedZip", "Zip", "Neighborhood", "City", "County", "State", "Unknown"}

// recordedBooleans are the boolean fields of a recorded record whose names
// start with one of prefixes (UserPreferences*, Preferences*: about a
// hundred flags that the recorded records carry, all booleans), with the
// given flags.
func recordedBooleans(std *stdData, object, flags string, prefixes ...string) []fieldSpec {
	var out []fieldSpec
	for _, k := range std.RecordKeys[object] {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				out = append(out, fieldSpec{name: k, label: labelFor(strings.TrimPrefix(k, p)), typ: "boolean", flags: flags})
				break
			}
		}
	}
	return out
}

// Restricted picklist values for the user locale fields. Source: the picklist
// lists of hashicorp/terraform-provider-salesforce internal/picklists
// (salesforce-api-facts.md §1); a subset of the full lists.
var (
	TimeZones = []string{"Pacific/Kiritimati", "Pacific/Chatham", "Pacific/Auckland", "Pacific/Enderbury", "Pacific/Fiji",
		"Pacific/Tongatapu", "Asia/Kamchatka", "Australia/Lord_Howe", "Australia/Sydney", "Pacific/Guadalcanal",
		"Pacific/Norfolk", "Australia/Adelaide", "Australia/Brisbane", "Australia/Darwin", "Asia/Seoul", "Asia/Tokyo",
		"Asia/Hong_Kong", "Asia/Kuala_Lumpur", "Asia/Manila", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei",
		"Australia/Perth", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Rangoon", "Asia/Dhaka",
		"Asia/Kathmandu", "Asia/Colombo", "Asia/Kolkata", "Asia/Karachi", "Asia/Tashkent", "Asia/Yekaterinburg",
		"Asia/Kabul", "Asia/Baku", "Asia/Dubai", "Asia/Tbilisi", "Asia/Yerevan", "Asia/Tehran", "Africa/Nairobi",
		"Asia/Baghdad", "Asia/Kuwait", "Asia/Riyadh", "Europe/Istanbul", "Europe/Minsk", "Europe/Moscow",
		"Africa/Cairo", "Africa/Johannesburg", "Asia/Jerusalem", "Europe/Athens", "Europe/Bucharest",
		"Europe/Helsinki", "Africa/Algiers", "Europe/Amsterdam", "Europe/Berlin", "Europe/Brussels",
		"Europe/Paris", "Europe/Prague", "Europe/Rome", "Europe/Madrid", "Europe/Stockholm", "Europe/Zurich",
		"Europe/Vienna", "Europe/Warsaw", "Europe/Dublin", "Europe/Lisbon", "Europe/London", "GMT",
		"Atlantic/Cape_Verde", "Atlantic/South_Georgia", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
		"America/St_Johns", "America/Halifax", "America/Puerto_Rico", "Atlantic/Bermuda", "America/Caracas",
		"America/Bogota", "America/Indiana/Indianapolis", "America/Lima", "America/New_York", "America/Panama",
		"America/Chicago", "America/El_Salvador", "America/Mexico_City", "America/Denver", "America/Phoenix",
		"America/Los_Angeles", "America/Tijuana", "America/Anchorage", "Pacific/Honolulu", "Pacific/Niue",
		"Pacific/Pago_Pago"}
	Locales = []string{"en_US", "en_GB", "en_CA", "en_AU", "en_IE", "en_IN", "en_NZ", "en_ZA", "de_DE", "de_AT",
		"de_CH", "fr_FR", "fr_CA", "fr_BE", "fr_CH", "es_ES", "es_MX", "it_IT", "nl_NL", "nl_BE", "pt_BR", "pt_PT",
		"ja_JP", "ko_KR", "zh_CN", "zh_TW", "sv_SE", "da_DK", "fi_FI", "no_NO", "pl_PL", "ru_RU", "tr_TR"}
	Languages = []string{"en_US", "en_GB", "de", "es", "es_MX", "fi", "fr", "it", "ja", "ko", "nl_NL", "no",
		"pt_BR", "ru", "sv", "th", "zh_CN", "zh_TW", "da"}
	EmailEncodings = []string{"UTF-8", "ISO-8859-1", "Shift_JIS", "ISO-2022-JP", "EUC-JP", "ks_c_5601-1987",
		"Big5", "GB2312", "Big5-HKSCS", "x-SJIS_0213"}
)

// SetupEntityTypes lists the setup entities SetupEntityAccess can point at.
// Source: SetupEntityAccess object reference (salesforce-api-facts.md §5).
var SetupEntityTypes = []string{"ApexClass", "ApexPage", "ConnectedApplication", "CustomPermission", "ServiceProvider", "TabSet", "CustomEntityDefinition"}

func handWritten(std *stdData, permList []UserPermission) []*Object {
	var out []*Object
	add := func(o *Object) *Object { out = append(out, o); return o }

	// Organization. Source: sobject-Organization.json (a recorded record) for the field list.
	add(obj(std, "Organization", true, []fieldSpec{
		idField("Organization"),
		{name: "Name", typ: "string", length: 80},
		{name: "Division", typ: "string", flags: "n", length: 80},
		{name: "Street", typ: "textarea", flags: "n"},
		{name: "City", typ: "string", flags: "n", length: 40},
		{name: "State", typ: "string", flags: "n", length: 80},
		{name: "PostalCode", typ: "string", flags: "n", length: 20},
		{name: "Country", typ: "string", flags: "n", length: 80},
		{name: "Phone", typ: "phone", flags: "n", length: 40},
		{name: "Fax", typ: "phone", flags: "n", length: 40},
		{name: "PrimaryContact", typ: "string", flags: "n", length: 80},
		{name: "DefaultLocaleSidKey", label: "Locale", typ: "picklist", flags: "r", length: 40, picklist: Locales},
		{name: "TimeZoneSidKey", label: "Default Time Zone", typ: "picklist", flags: "r", length: 40, picklist: TimeZones},
		{name: "LanguageLocaleKey", label: "Language", typ: "picklist", flags: "r", length: 40, picklist: Languages},
		{name: "ReceivesInfoEmails", typ: "boolean"},
		{name: "ReceivesAdminInfoEmails", typ: "boolean"},
		{name: "FiscalYearStartMonth", typ: "int", flags: "n"},
		{name: "OrganizationType", label: "Edition", typ: "picklist", flags: "n", length: 40,
			picklist: []string{"Team Edition", "Professional Edition", "Enterprise Edition", "Developer Edition", "Personal Edition", "Unlimited Edition", "Contact Manager Edition", "Base Edition"}},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "InstanceName", typ: "string", flags: "n", length: 5},
		{name: "IsSandbox", typ: "boolean"},
		{name: "TrialExpirationDate", typ: "datetime", flags: "n"},
		{name: "IsReadOnly", typ: "boolean"},
		// Fields the recorded Organization has besides (emulator-gaps.md G19);
		// all read-only through the API.
		{name: "Latitude", typ: "double", flags: "n"},
		{name: "Longitude", typ: "double", flags: "n"},
		{name: "GeocodeAccuracy", typ: "picklist", flags: "n", length: 40, picklist: geocodeAccuracies},
		{name: "Address", typ: "address", flags: "n"},
		{name: "UsesStartDateAsFiscalYearName", label: "Fiscal Year Name by Start", typ: "boolean"},
		{name: "DefaultAccountAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "Read", "Edit", "ControlledByLeadOrContact", "ControlledByCampaign", "ReadEditTransfer", "ReadSelect", "All"}},
		{name: "DefaultContactAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "Read", "Edit", "ControlledByParent"}},
		{name: "DefaultOpportunityAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "Read", "Edit"}},
		{name: "DefaultLeadAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "Read", "Edit", "ReadEditTransfer"}},
		{name: "DefaultCaseAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "Read", "Edit", "ReadEditTransfer"}},
		{name: "DefaultCalendarAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"HideDetails", "HideDetailsInsert", "ShowDetails", "ShowDetailsInsert", "AllowEdits"}},
		{name: "DefaultPricebookAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "ReadSelect", "All"}},
		{name: "DefaultCampaignAccess", typ: "picklist", flags: "n", length: 40, picklist: []string{"None", "Read", "Edit", "All"}},
		{name: "DelegatedAuthenticationServiceUrl", typ: "url", flags: "n", length: 1000},
		{name: "ComplianceBccEmail", typ: "email", flags: "n", length: 80},
		{name: "UiSkin", typ: "picklist", flags: "n", length: 40, picklist: []string{"Theme1", "Theme2", "PortalDefault", "Webstore", "Theme3", "Theme4d", "Theme4t", "Theme4u"}},
		{name: "SignupCountryIsoCode", typ: "string", flags: "n", length: 2},
		{name: "NumKnowledgeService", typ: "int", flags: "n"},
		{name: "WebToCaseDefaultOrigin", typ: "string", flags: "n", length: 40},
		{name: "MonthlyPageViewsUsed", typ: "int", flags: "n"},
		{name: "MonthlyPageViewsEntitlement", typ: "int", flags: "n"},
	}, audit(), recordedBooleans(std, "Organization", "", "Preferences")))

	// User. Source: User object reference (sforce_api_objects_user.htm);
	// field list and order as in sobject-User-by-id-v60.json.
	// The recorded preference and permission flags come first, so that the
	// hand-written entries below (with their labels) replace them.
	add(obj(std, "User", true, recordedBooleans(std, "User", "cu", "UserPreferences", "UserPermissions"), []fieldSpec{
		idField("User"),
		{name: "Username", typ: "string", flags: "cuiq", length: 80},
		{name: "LastName", typ: "string", flags: "cu", length: 80},
		{name: "FirstName", typ: "string", flags: "cun", length: 40},
		{name: "Name", label: "Full Name", typ: "string", flags: "N", length: 121},
		{name: "CompanyName", typ: "string", flags: "cun", length: 80},
		{name: "Division", typ: "string", flags: "cun", length: 80},
		{name: "Department", typ: "string", flags: "cun", length: 80},
		{name: "Title", typ: "string", flags: "cun", length: 80},
		{name: "Street", typ: "textarea", flags: "cun"},
		{name: "City", typ: "string", flags: "cun", length: 40},
		{name: "State", typ: "string", flags: "cun", length: 80},
		{name: "PostalCode", typ: "string", flags: "cun", length: 20},
		{name: "Country", typ: "string", flags: "cun", length: 80},
		{name: "Email", typ: "email", flags: "cu", length: 128},
		{name: "SenderEmail", typ: "email", flags: "cun", length: 80},
		{name: "SenderName", typ: "string", flags: "cun", length: 80},
		{name: "Signature", typ: "textarea", flags: "cun", length: 1333},
		{name: "Phone", typ: "phone", flags: "cun", length: 40},
		{name: "Fax", typ: "phone", flags: "cun", length: 40},
		{name: "MobilePhone", typ: "phone", flags: "cun", length: 40},
		{name: "Alias", typ: "string", flags: "cu", length: 8},
		{name: "CommunityNickname", label: "Nickname", typ: "string", flags: "cud", length: 40},
		{name: "IsActive", label: "Active", typ: "boolean", flags: "cu", defaultValue: true},
		{name: "TimeZoneSidKey", label: "Time Zone", typ: "picklist", flags: "cur", length: 40, picklist: TimeZones},
		{name: "UserRoleId", label: "Role ID", typ: "reference", flags: "cun", refTo: []string{"UserRole"}, relName: "UserRole", childRel: "Users"},
		{name: "LocaleSidKey", label: "Locale", typ: "picklist", flags: "cur", length: 40, picklist: Locales},
		{name: "ReceivesInfoEmails", label: "Info Emails", typ: "boolean", flags: "cu"},
		{name: "ReceivesAdminInfoEmails", label: "Admin Info Emails", typ: "boolean", flags: "cu"},
		{name: "EmailEncodingKey", label: "Email Encoding", typ: "picklist", flags: "cur", length: 40, picklist: EmailEncodings},
		{name: "ProfileId", label: "Profile ID", typ: "reference", flags: "cu", refTo: []string{"Profile"}, relName: "Profile", childRel: "Users"},
		{name: "UserType", typ: "picklist", flags: "dn", length: 40, picklist: []string{"Standard", "PowerPartner", "PowerCustomerSuccess", "CustomerSuccess", "Guest", "CspLitePortal", "CsnOnly", "SelfService"}},
		{name: "LanguageLocaleKey", label: "Language", typ: "picklist", flags: "cur", length: 40, picklist: Languages},
		{name: "EmployeeNumber", typ: "string", flags: "cun", length: 20},
		{name: "DelegatedApproverId", typ: "reference", flags: "cun", refTo: []string{"Group", "User"}},
		{name: "ManagerId", typ: "reference", flags: "cun", refTo: []string{"User"}, relName: "Manager"},
		{name: "LastLoginDate", typ: "datetime", flags: "n"},
		{name: "LastPasswordChangeDate", typ: "datetime", flags: "n"},
		{name: "ContactId", typ: "reference", flags: "cn", refTo: []string{"Contact"}, relName: "Contact"},
		{name: "AccountId", typ: "reference", flags: "n", refTo: []string{"Account"}, relName: "Account"},
		{name: "FederationIdentifier", label: "SAML Federation ID", typ: "string", flags: "cuni", length: 512},
		{name: "AboutMe", typ: "textarea", flags: "cun", length: 1000},
		{name: "UserPermissionsMarketingUser", label: "Marketing User", typ: "boolean", flags: "cu"},
		{name: "UserPermissionsOfflineUser", label: "Offline User", typ: "boolean", flags: "cu"},
		{name: "UserPermissionsKnowledgeUser", label: "Knowledge User", typ: "boolean", flags: "cu"},
		{name: "UserPermissionsSupportUser", label: "Service Cloud User", typ: "boolean", flags: "cu"},
		{name: "UserPermissionsInteractionUser", label: "Flow User", typ: "boolean", flags: "cu"},
		{name: "ForecastEnabled", label: "Allow Forecasting", typ: "boolean", flags: "cu"},
		{name: "DigestFrequency", label: "Chatter Email Highlights Frequency", typ: "picklist", flags: "cud", length: 40, picklist: []string{"D", "W", "N"}},
		{name: "DefaultGroupNotificationFrequency", typ: "picklist", flags: "cud", length: 40, picklist: []string{"P", "D", "W", "N"}},
		{name: "IndividualId", typ: "reference", flags: "cun", refTo: []string{"Individual"}, relName: "Individual"},
		// Fields the recorded User has besides (emulator-gaps.md G19). Which
		// are writable follows the User object reference.
		{name: "StateCode", label: "State/Province Code", typ: "picklist", flags: "cun", length: 255},
		{name: "CountryCode", label: "Country Code", typ: "picklist", flags: "cun", length: 255},
		{name: "Latitude", typ: "double", flags: "cun"},
		{name: "Longitude", typ: "double", flags: "cun"},
		{name: "GeocodeAccuracy", typ: "picklist", flags: "cun", length: 40, picklist: geocodeAccuracies},
		{name: "Address", typ: "address", flags: "n"},
		{name: "EmailPreferencesAutoBcc", label: "AutoBcc", typ: "boolean", flags: "cu"},
		{name: "EmailPreferencesAutoBccStayInTouch", label: "AutoBccStayInTouch", typ: "boolean", flags: "cu"},
		{name: "EmailPreferencesStayInTouchReminder", label: "StayInTouchReminder", typ: "boolean", flags: "cu"},
		{name: "StayInTouchSubject", typ: "string", flags: "cun", length: 80},
		{name: "StayInTouchSignature", typ: "textarea", flags: "cun", length: 512},
		{name: "StayInTouchNote", typ: "string", flags: "cun", length: 512},
		{name: "BadgeText", label: "User Photo badge text overlay", typ: "string", flags: "n", length: 80},
		{name: "StartDay", label: "Start of Day", typ: "picklist", flags: "cun", length: 40},
		{name: "EndDay", label: "End of Day", typ: "picklist", flags: "cun", length: 40},
		{name: "PasswordExpirationDate", typ: "datetime", flags: "n"},
		{name: "NumberOfFailedLogins", label: "Failed Login Attempts", typ: "int", flags: "n"},
		{name: "SuAccessExpirationDate", label: "SU Access Expiration Date", typ: "date", flags: "n"},
		{name: "OfflineTrialExpirationDate", typ: "datetime", flags: "n"},
		{name: "OfflinePdaTrialExpirationDate", label: "Sales Anywhere Trial Expiration Date", typ: "datetime", flags: "n"},
		{name: "CallCenterId", typ: "reference", flags: "cun", refTo: []string{"CallCenter"}},
		{name: "Extension", typ: "phone", flags: "cun", length: 40},
		{name: "FullPhotoUrl", label: "Url for full-sized Photo", typ: "url", flags: "n", length: 1024},
		{name: "SmallPhotoUrl", label: "Photo", typ: "url", flags: "n", length: 1024},
		{name: "IsExtIndicatorVisible", label: "Show external indicator", typ: "boolean"},
		{name: "OutOfOfficeMessage", label: "Out of office message", typ: "string", flags: "n", length: 40},
		{name: "MediumPhotoUrl", label: "Url for medium profile photo", typ: "url", flags: "n", length: 1024},
		{name: "JigsawImportLimitOverride", label: "Data.com Monthly Addition Limit", typ: "int", flags: "cun"},
		{name: "LastViewedDate", typ: "datetime", flags: "n"},
		{name: "LastReferencedDate", typ: "datetime", flags: "n"},
		{name: "BannerPhotoUrl", label: "Url for banner photo", typ: "url", flags: "n", length: 1024},
		{name: "SmallBannerPhotoUrl", label: "Url for IOS banner photo", typ: "url", flags: "n", length: 1024},
		{name: "MediumBannerPhotoUrl", label: "Url for Android banner photo", typ: "url", flags: "n", length: 1024},
		{name: "IsProfilePhotoActive", label: "Has Profile Photo", typ: "boolean"},
	}, audit()))

	// UserLicense (read-only). Source: UserLicense object reference; salesforce-api-facts.md §1.
	add(obj(std, "UserLicense", true, []fieldSpec{
		idField("User License"),
		{name: "LicenseDefinitionKey", typ: "string", length: 40},
		{name: "TotalLicenses", typ: "int"},
		{name: "Status", typ: "picklist", length: 40, picklist: []string{"Active", "Disabled"}},
		{name: "UsedLicenses", typ: "int"},
		{name: "UsedLicensesLastUpdated", typ: "datetime"},
		{name: "Name", typ: "string", flags: "N", length: 40},
		{name: "MasterLabel", typ: "string", length: 40},
		{name: "MonthlyLoginsUsed", typ: "int", flags: "n"},
		{name: "MonthlyLoginsEntitlement", typ: "int", flags: "n"},
	}, audit()))

	// Profile. Source: Profile object reference (salesforce-api-facts.md §2):
	// Name, Description and UserLicenseId on create; UserLicenseId not updateable.
	add(obj(std, "Profile", true, []fieldSpec{
		idField("Profile"),
		{name: "Name", typ: "string", flags: "cuN", length: 255},
	}, permFields(permList, true, "cu"), []fieldSpec{
		{name: "UserLicenseId", label: "User License ID", typ: "reference", flags: "c", refTo: []string{"UserLicense"}, relName: "UserLicense", childRel: "Profiles"},
		{name: "UserType", typ: "picklist", flags: "dn", length: 40, picklist: []string{"Standard", "PowerPartner", "CsnOnly", "Guest"}},
		{name: "Description", typ: "string", flags: "cun", length: 255},
		{name: "LastViewedDate", typ: "datetime", flags: "n"},
		{name: "LastReferencedDate", typ: "datetime", flags: "n"},
	}, audit()))
	// Profile in the Tooling API is read-only (salesforce-api-facts.md §2).
	out[len(out)-1].Tooling = true

	// PermissionSetLicense (read-only). Source: salesforce-api-facts.md §6.
	add(obj(std, "PermissionSetLicense", true, []fieldSpec{
		idField("Permission Set License"),
		{name: "DeveloperName", typ: "string", length: 80},
		{name: "Language", typ: "picklist", flags: "n", length: 40, picklist: Languages},
		{name: "MasterLabel", typ: "string", flags: "N", length: 80},
		{name: "PermissionSetLicenseKey", typ: "string", length: 255},
		{name: "TotalLicenses", typ: "int"},
		{name: "Status", typ: "picklist", length: 40, picklist: []string{"Active", "Disabled", "Expired"}},
		{name: "ExpirationDate", typ: "date", flags: "n"},
		{name: "IsAvailableForIntegrations", typ: "boolean"},
		{name: "UsedLicenses", typ: "int"},
	}, audit()))

	// PermissionSet. Source: PermissionSet object reference (salesforce-api-facts.md §3).
	ps := add(obj(std, "PermissionSet", true, []fieldSpec{
		idField("Permission Set"),
		{name: "Name", typ: "string", flags: "cu", length: 80},
		{name: "Label", typ: "string", flags: "cuN", length: 80},
		{name: "LicenseId", label: "License ID", typ: "reference", flags: "cn", refTo: []string{"PermissionSetLicense", "UserLicense"}, relName: "License"},
		{name: "ProfileId", label: "Profile ID", typ: "reference", flags: "n", refTo: []string{"Profile"}, relName: "Profile"},
		{name: "IsOwnedByProfile", typ: "boolean"},
		{name: "IsCustom", label: "Custom", typ: "boolean"},
	}, permFields(permList, false, "cu"), []fieldSpec{
		{name: "Description", typ: "textarea", flags: "cun", length: 255},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "HasActivationRequired", label: "Session Activation Required", typ: "boolean", flags: "cu"},
		{name: "PermissionSetGroupId", label: "Permission Set Group ID", typ: "reference", flags: "n", refTo: []string{"PermissionSetGroup"}, relName: "PermissionSetGroup"},
		{name: "Type", typ: "picklist", flags: "dn", length: 40, picklist: []string{"Regular", "Session", "Profile", "Group", "Standard"}},
	}, audit()))
	ps.Tooling = true // read-only in Tooling (salesforce-api-facts.md §3)

	// PermissionSetLicenseAssign. Source: salesforce-api-facts.md §6 (create, delete; no update).
	add(obj(std, "PermissionSetLicenseAssign", true, []fieldSpec{
		idField("Permission Set License Assignment"),
		{name: "IsDeleted", label: "Deleted", typ: "boolean"},
		{name: "PermissionSetLicenseId", typ: "reference", flags: "c", refTo: []string{"PermissionSetLicense"}, relName: "PermissionSetLicense", childRel: "PermissionSetLicenseAssignments"},
		{name: "AssigneeId", typ: "reference", flags: "c", refTo: []string{"User"}, relName: "Assignee", childRel: "PermissionSetLicenseAssignments"},
	}, audit()))

	// PermissionSetAssignment. Source: salesforce-api-facts.md §6.
	add(obj(std, "PermissionSetAssignment", true, []fieldSpec{
		idField("Permission Set Assignment"),
		{name: "PermissionSetId", typ: "reference", flags: "cn", refTo: []string{"PermissionSet"}, relName: "PermissionSet", childRel: "Assignments"},
		{name: "PermissionSetGroupId", typ: "reference", flags: "cn", refTo: []string{"PermissionSetGroup"}, relName: "PermissionSetGroup"},
		{name: "AssigneeId", typ: "reference", flags: "c", refTo: []string{"User"}, relName: "Assignee", childRel: "PermissionSetAssignments"},
		{name: "SystemModstamp", label: "System Modstamp", typ: "datetime", flags: "d"},
		{name: "ExpirationDate", typ: "datetime", flags: "cun"},
		{name: "IsActive", typ: "boolean", defaultValue: true},
	}))

	// PermissionSetGroup. Source: salesforce-api-facts.md §6.
	add(obj(std, "PermissionSetGroup", true, []fieldSpec{
		idField("Permission Set Group"),
		{name: "IsDeleted", label: "Deleted", typ: "boolean"},
		{name: "DeveloperName", typ: "string", flags: "cu", length: 80},
		{name: "Language", typ: "picklist", flags: "cun", length: 40, picklist: Languages},
		{name: "MasterLabel", typ: "string", flags: "cuN", length: 80},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "Description", typ: "textarea", flags: "cun", length: 255},
		{name: "HasActivationRequired", typ: "boolean", flags: "cu"},
		{name: "Status", typ: "picklist", flags: "dn", length: 40, picklist: []string{"Updated", "Outdated", "Updating", "Failed"}},
	}, audit()))

	// PermissionSetGroupComponent (create, delete). Source: salesforce-api-facts.md §6; describe-global-v59.json.
	add(obj(std, "PermissionSetGroupComponent", true, []fieldSpec{
		idField("Permission Set Group Component"),
		{name: "IsDeleted", label: "Deleted", typ: "boolean"},
		{name: "PermissionSetGroupId", typ: "reference", flags: "c", refTo: []string{"PermissionSetGroup"}, relName: "PermissionSetGroup", childRel: "PermissionSetGroupComponents"},
		{name: "PermissionSetId", typ: "reference", flags: "c", refTo: []string{"PermissionSet"}, relName: "PermissionSet", childRel: "PermissionSetGroupComponents"},
	}, audit()))

	// ObjectPermissions. Source: ObjectPermissions object reference (salesforce-api-facts.md §4).
	add(obj(std, "ObjectPermissions", true, []fieldSpec{
		idField("Object Permissions"),
		{name: "ParentId", typ: "reference", flags: "c", refTo: []string{"PermissionSet"}, relName: "Parent", childRel: "ObjectPerms"},
		{name: "SobjectType", typ: "picklist", flags: "c", length: 40},
		{name: "PermissionsCreate", label: "Create Records", typ: "boolean", flags: "cu"},
		{name: "PermissionsRead", label: "Read Records", typ: "boolean", flags: "cu"},
		{name: "PermissionsEdit", label: "Edit Records", typ: "boolean", flags: "cu"},
		{name: "PermissionsDelete", label: "Delete Records", typ: "boolean", flags: "cu"},
		{name: "PermissionsViewAllRecords", label: "View All Records", typ: "boolean", flags: "cu"},
		{name: "PermissionsModifyAllRecords", label: "Modify All Records", typ: "boolean", flags: "cu"},
		{name: "PermissionsViewAllFields", label: "View All Fields", typ: "boolean", flags: "cu"},
	}, audit()))

	// FieldPermissions. Source: FieldPermissions object reference (salesforce-api-facts.md §4).
	add(obj(std, "FieldPermissions", true, []fieldSpec{
		idField("Field Permissions"),
		{name: "ParentId", typ: "reference", flags: "c", refTo: []string{"PermissionSet"}, relName: "Parent", childRel: "FieldPerms"},
		{name: "SobjectType", typ: "picklist", flags: "c", length: 40},
		{name: "Field", label: "Field Name", typ: "picklist", flags: "c", length: 255},
		{name: "PermissionsEdit", label: "Edit Field", typ: "boolean", flags: "cu"},
		{name: "PermissionsRead", label: "Read Field", typ: "boolean", flags: "cu"},
	}, audit()))

	// SetupEntityAccess (create, delete). Source: salesforce-api-facts.md §5.
	add(obj(std, "SetupEntityAccess", true, []fieldSpec{
		idField("Setup Entity Access"),
		{name: "ParentId", typ: "reference", flags: "c", refTo: []string{"PermissionSet"}, relName: "Parent", childRel: "SetupEntityAccessItems"},
		{name: "SetupEntityId", typ: "reference", flags: "c", refTo: SetupEntityTypes},
		{name: "SetupEntityType", typ: "picklist", flags: "n", length: 40, picklist: SetupEntityTypes},
	}, audit()))

	// ConnectedApplication (read-only). Source: ConnectedApplication object reference (salesforce-api-facts.md §7).
	add(obj(std, "ConnectedApplication", true, []fieldSpec{
		idField("Connected App"),
		{name: "Name", typ: "string", flags: "N", length: 255},
		{name: "OptionsAllowAdminApprovedUsersOnly", label: "Admin Approved Users Only", typ: "boolean"},
		{name: "OptionsRefreshTokenValidityMetric", typ: "boolean"},
		{name: "OptionsHasSessionLevelPolicy", typ: "boolean"},
		{name: "OptionsIsInternal", typ: "boolean"},
		{name: "OptionsFullContentPushNotifications", typ: "boolean"},
		{name: "RefreshTokenValidityPeriod", typ: "int", flags: "n"},
		{name: "MobileSessionTimeout", typ: "picklist", flags: "n", length: 40},
		{name: "PinLength", typ: "picklist", flags: "n", length: 40},
		{name: "StartUrl", typ: "url", flags: "n", length: 1024},
		{name: "MobileStartUrl", typ: "url", flags: "n", length: 1024},
	}, audit()))

	// LoginHistory (read-only: describeSObjects, query, retrieve; the
	// recorded global describe has it neither createable nor deletable).
	// Source: LoginHistory object reference (sforce_api_objects_loginhistory.htm,
	// 188.0 to 264.0) and the Field Reference's LoginHistory table (names,
	// types, lengths). The lengths of Platform, SourceIp, Status and
	// TlsProtocol were cut off in the excerpts read and are UNCONFIRMED.
	// LoginType's values are not listed there (UNCONFIRMED; the emulator
	// writes "Remote Access 2.0" for OAuth logins), so it is not restricted
	// here. The object has no audit fields.
	add(obj(std, "LoginHistory", true, []fieldSpec{
		idField("Login History"),
		{name: "UserId", label: "User ID", typ: "reference", flags: "n", refTo: []string{"User"}},
		{name: "LoginTime", typ: "datetime", flags: "n"},
		{name: "LoginType", typ: "picklist", length: 40},
		{name: "LoginSubType", typ: "picklist", flags: "n", length: 40},
		{name: "SourceIp", label: "Source IP", typ: "string", flags: "n", length: 39},
		{name: "LoginUrl", label: "Login URL", typ: "string", flags: "n", length: 255},
		{name: "Browser", typ: "string", flags: "n", length: 64},
		{name: "Platform", typ: "string", flags: "n", length: 64},
		{name: "Status", typ: "string", flags: "n", length: 128},
		{name: "Application", typ: "string", flags: "n", length: 64},
		{name: "ClientVersion", typ: "string", flags: "n", length: 64},
		{name: "ApiType", label: "API Type", typ: "string", flags: "n", length: 64},
		{name: "ApiVersion", label: "API Version", typ: "string", flags: "n", length: 32},
		{name: "CountryIso", label: "Country Code", typ: "string", flags: "n", length: 3},
		{name: "ForwardedForIp", label: "Forwarded For IP", typ: "string", flags: "n", length: 255},
		{name: "CipherSuite", label: "TLS Cipher Suite", typ: "picklist", flags: "n", length: 40},
		{name: "TlsProtocol", label: "TLS Protocol", typ: "picklist", flags: "n", length: 40},
		{name: "AuthenticationServiceId", label: "Authentication Service ID", typ: "reference", flags: "n", refTo: []string{"AuthConfig"}},
		{name: "AuthMethodReference", typ: "string", flags: "n", length: 128},
		{name: "LoginGeoId", label: "Login Geo Data ID", typ: "reference", flags: "n", refTo: []string{"LoginGeo"}, relName: "LoginGeo"},
		{name: "NetworkId", label: "Network ID", typ: "reference", flags: "n", refTo: []string{"Network"}},
		{name: "OptionsIsGet", label: "Login via GET", typ: "boolean"},
		{name: "OptionsIsPost", label: "Login via POST", typ: "boolean"},
	}))

	// OauthToken (describeSObjects and query only: "Supported Calls
	// describeSObjects(), query()"; the recorded global describe has it
	// neither deletable nor retrieveable). A token is revoked at the OAuth
	// revoke endpoint with its DeleteToken, not by a DML delete ("To delete an
	// AccessToken, send a request to the revoke OAuth token endpoint with
	// DeleteToken as a parameter", Usage). Id is "Reserved for future use.
	// Currently, the value is always null" (queries answer it so: auditStore,
	// audit.go). Source: OauthToken object reference
	// (sforce_api_objects_oauthtoken.htm, 202.0 to current) and the Field
	// Reference (CreatedDate is its only audit field).
	add(obj(std, "OauthToken", true, []fieldSpec{
		idField("OAuth Token"),
		{name: "AccessToken", typ: "string", flags: "n", length: 255},
		{name: "AppMenuItemId", label: "AppMenuItem ID", typ: "reference", flags: "n", refTo: []string{"AppMenuItem"}, relName: "AppMenuItem"},
		{name: "AppName", label: "Application Name", typ: "string", flags: "n", length: 255},
		{name: "CreatedDate", typ: "datetime", flags: "d"},
		{name: "DeleteToken", typ: "string", flags: "n", length: 255},
		{name: "LastUsedDate", typ: "datetime", flags: "n"},
		{name: "RequestToken", typ: "string", flags: "n", length: 255},
		{name: "UseCount", typ: "int", flags: "n"},
		// No relationship name: whether User.Username can be queried
		// through it is UNCONFIRMED, so clients filter by UserId.
		{name: "UserId", label: "User ID", typ: "reference", flags: "n", refTo: []string{"User"}},
	}))

	// RecordType. Source: RecordType object reference.
	add(obj(std, "RecordType", true, []fieldSpec{
		idField("Record Type"),
		{name: "Name", label: "Record Type Label", typ: "string", flags: "cuN", length: 80},
		{name: "DeveloperName", label: "Record Type Name", typ: "string", flags: "cu", length: 80},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "Description", typ: "string", flags: "cun", length: 255},
		{name: "BusinessProcessId", typ: "reference", flags: "cun", refTo: []string{"BusinessProcess"}},
		{name: "SobjectType", typ: "picklist", flags: "c", length: 40},
		{name: "IsActive", typ: "boolean", flags: "cu"},
		{name: "IsPersonType", typ: "boolean"},
	}, audit()))

	// UserRole. Source: UserRole object reference.
	add(obj(std, "UserRole", true, []fieldSpec{
		idField("Role"),
		{name: "Name", typ: "string", flags: "cuN", length: 80},
		{name: "ParentRoleId", typ: "reference", flags: "cun", refTo: []string{"UserRole"}},
		{name: "RollupDescription", typ: "string", flags: "cun", length: 80},
		{name: "OpportunityAccessForAccountOwner", typ: "picklist", flags: "cud", length: 40, picklist: []string{"None", "Read", "Edit"}},
		{name: "CaseAccessForAccountOwner", typ: "picklist", flags: "cun", length: 40, picklist: []string{"None", "Read", "Edit"}},
		{name: "ContactAccessForAccountOwner", typ: "picklist", flags: "cun", length: 40, picklist: []string{"None", "Read", "Edit"}},
		{name: "DeveloperName", typ: "string", flags: "cud", length: 80},
		{name: "PortalType", typ: "picklist", flags: "dn", length: 40, picklist: []string{"None", "CustomerPortal", "Partner"}},
	}, audit()))

	// Group. Source: Group object reference.
	add(obj(std, "Group", true, []fieldSpec{
		idField("Group"),
		{name: "Name", typ: "string", flags: "cuN", length: 40},
		{name: "DeveloperName", typ: "string", flags: "cud", length: 80},
		{name: "RelatedId", typ: "reference", flags: "n", refTo: []string{"User", "UserRole"}},
		{name: "Type", typ: "picklist", flags: "cd", length: 40, picklist: []string{"Regular", "Queue", "Role", "RoleAndSubordinates", "Organization"}},
		{name: "Email", typ: "email", flags: "cun", length: 255},
		{name: "DoesSendEmailToMembers", typ: "boolean", flags: "cu"},
		{name: "DoesIncludeBosses", typ: "boolean", flags: "cu"},
	}, audit()))

	// ApexClass. Source: ApexClass object reference (the data API cannot compile
	// Apex, so no field is createable here).
	apex := add(obj(std, "ApexClass", true, []fieldSpec{
		idField("Class"),
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "Name", typ: "string", flags: "N", length: 255},
		{name: "ApiVersion", typ: "double"},
		{name: "Status", typ: "picklist", length: 40, picklist: []string{"Inactive", "Active", "Deleted"}},
		{name: "IsValid", typ: "boolean"},
		{name: "BodyCrc", typ: "double", flags: "n"},
		{name: "Body", typ: "textarea", flags: "n", length: 1000000},
		{name: "LengthWithoutComments", typ: "int"},
	}, audit()))

	apex.Tooling = true // Tooling API ApexClass (queried by tools; read here)
	// SymbolTable exists in the Tooling API only: sf's real-org tests query
	// "SELECT Id, Name, SymbolTable from ApexClass" with --use-tooling-api and
	// expect the same query on the data API to fail with "No such column
	// 'SymbolTable' on entity 'ApexClass'" (salesforcecli/plugin-data
	// query.nut.ts; Tooling API ApexClass reference: SymbolTable, a
	// complexvalue). Null here: the emulator compiles no Apex.
	apex.AddToolingFields(build(fieldSpec{name: "SymbolTable", typ: "complexvalue", flags: "n"}))

	// EntityDefinition: one row per sObject, generated from the catalog
	// (describe-global-v59.json: key prefix 4ie, query only; the Tooling API
	// has it too). Field names from the EntityDefinition object reference.
	ed := add(obj(std, "EntityDefinition", false, []fieldSpec{
		idField("Entity Definition"),
		{name: "DurableId", typ: "string", length: 70},
		{name: "QualifiedApiName", typ: "string", flags: "N", length: 250},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "DeveloperName", typ: "string", length: 40},
		{name: "MasterLabel", typ: "string", length: 40},
		{name: "Label", typ: "string", length: 40},
		{name: "PluralLabel", typ: "string", length: 40},
		{name: "KeyPrefix", typ: "string", flags: "n", length: 3},
		{name: "IsCustomizable", typ: "boolean"},
		{name: "IsCustomSetting", typ: "boolean"},
		{name: "IsQueryable", typ: "boolean"},
		{name: "IsLayoutable", typ: "boolean"},
		{name: "IsTriggerable", typ: "boolean"},
		{name: "IsSearchable", typ: "boolean"},
		{name: "IsDeprecatedAndHidden", typ: "boolean"},
	}))
	ed.Tooling = true

	// Lead. Source: Lead object reference (required: LastName, Company; Status defaulted).
	lead := add(obj(std, "Lead", false, []fieldSpec{
		idField("Lead"),
		{name: "IsDeleted", label: "Deleted", typ: "boolean"},
		{name: "LastName", typ: "string", flags: "cu", length: 80},
		{name: "FirstName", typ: "string", flags: "cun", length: 40},
		{name: "Salutation", typ: "picklist", flags: "cun", length: 40, picklist: []string{"Mr.", "Ms.", "Mrs.", "Dr.", "Prof."}},
		{name: "Name", label: "Full Name", typ: "string", flags: "N", length: 121},
		{name: "Title", typ: "string", flags: "cunp", length: 128},
		{name: "Company", typ: "string", flags: "cu", length: 255},
		{name: "Street", typ: "textarea", flags: "cunp"},
		{name: "City", typ: "string", flags: "cunp", length: 40},
		{name: "State", typ: "string", flags: "cunp", length: 80},
		{name: "PostalCode", typ: "string", flags: "cunp", length: 20},
		{name: "Country", typ: "string", flags: "cunp", length: 80},
		{name: "Phone", typ: "phone", flags: "cunp", length: 40},
		{name: "MobilePhone", typ: "phone", flags: "cunp", length: 40},
		{name: "Email", typ: "email", flags: "cunpi", length: 80},
		{name: "Website", typ: "url", flags: "cunp", length: 255},
		{name: "Description", typ: "textarea", flags: "cunp", length: 32000},
		{name: "LeadSource", typ: "picklist", flags: "cunp", length: 255, picklist: []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}},
		{name: "Status", typ: "picklist", flags: "cud", length: 255, picklist: []string{"Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"}, defaultValue: "Open - Not Contacted"},
		{name: "Industry", typ: "picklist", flags: "cunp", length: 255},
		{name: "Rating", typ: "picklist", flags: "cunp", length: 255, picklist: []string{"Hot", "Warm", "Cold"}},
		{name: "AnnualRevenue", typ: "currency", flags: "cunp"},
		{name: "NumberOfEmployees", label: "Employees", typ: "int", flags: "cunp"},
		{name: "OwnerId", typ: "reference", flags: "cud", refTo: []string{"Group", "User"}, relName: "Owner"},
		{name: "IsConverted", label: "Converted", typ: "boolean"},
		{name: "ConvertedDate", typ: "date", flags: "n"},
		{name: "ConvertedAccountId", typ: "reference", flags: "n", refTo: []string{"Account"}, relName: "ConvertedAccount"},
		{name: "ConvertedContactId", typ: "reference", flags: "n", refTo: []string{"Contact"}, relName: "ConvertedContact"},
		{name: "ConvertedOpportunityId", typ: "reference", flags: "n", refTo: []string{"Opportunity"}, relName: "ConvertedOpportunity"},
		{name: "IsUnreadByOwner", typ: "boolean", flags: "cu"},
	}, audit()))

	lead.RecordTypes = true

	// Opportunity. Source: Opportunity object reference (required: Name, StageName, CloseDate).
	opp := add(obj(std, "Opportunity", false, []fieldSpec{
		idField("Opportunity"),
		{name: "IsDeleted", label: "Deleted", typ: "boolean"},
		{name: "AccountId", typ: "reference", flags: "cunp", refTo: []string{"Account"}, relName: "Account", childRel: "Opportunities"},
		{name: "ContactId", typ: "reference", flags: "cunp", refTo: []string{"Contact"}, relName: "Contact", childRel: "Opportunities"},
		{name: "RecordTypeId", typ: "reference", flags: "cun", refTo: []string{"RecordType"}, relName: "RecordType"},
		{name: "IsPrivate", label: "Private", typ: "boolean", flags: "cup"},
		{name: "Name", typ: "string", flags: "cuN", length: 120},
		{name: "Description", typ: "textarea", flags: "cunp", length: 32000},
		{name: "StageName", label: "Stage", typ: "picklist", flags: "cu", length: 255, picklist: []string{"Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}},
		{name: "Amount", typ: "currency", flags: "cunp"},
		{name: "Probability", label: "Probability (%)", typ: "percent", flags: "cunp"},
		{name: "CloseDate", typ: "date", flags: "cu"},
		{name: "Type", typ: "picklist", flags: "cunp", length: 255, picklist: []string{"Existing Customer - Upgrade", "Existing Customer - Replacement", "Existing Customer - Downgrade", "New Customer"}},
		{name: "NextStep", typ: "string", flags: "cunp", length: 255},
		{name: "LeadSource", typ: "picklist", flags: "cunp", length: 255, picklist: []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}},
		{name: "IsClosed", label: "Closed", typ: "boolean"},
		{name: "IsWon", label: "Won", typ: "boolean"},
		{name: "ForecastCategory", typ: "picklist", flags: "d", length: 40, picklist: []string{"Omitted", "Pipeline", "BestCase", "Forecast", "Closed"}},
		{name: "OwnerId", typ: "reference", flags: "cud", refTo: []string{"User"}, relName: "Owner"},
	}, audit()))

	opp.RecordTypes = true
	// Opportunities go with their Account (describe-Account-v58.json
	// Opportunity.AccountId cascadeDelete true; ContactId false).
	setChild(opp, "AccountId", "Opportunities", true, false)

	// Event and Task. Source: Event / Task object references (Event requires
	// DurationInMinutes and ActivityDateTime unless IsAllDayEvent; Task's
	// Status and Priority are defaulted).
	// WhoId and WhatId make the Tasks/Events child relationships of their
	// targets, deleted with their parent (describe-Account-v58.json
	// Task.WhatId "Tasks" cascadeDelete true; describe-Contact.json
	// Task.WhoId "Tasks"; describe-Case-v48.json; emulator-gaps.md G16).
	activity := func(name string, extra []fieldSpec) *Object {
		o := add(obj(std, name, false, []fieldSpec{
			idField(name),
			{name: "WhoId", label: "Name ID", typ: "reference", flags: "cunp", refTo: []string{"Contact", "Lead"}, relName: "Who", childRel: name + "s"},
			{name: "WhatId", label: "Related To ID", typ: "reference", flags: "cunp", refTo: []string{"Account", "Opportunity", "Case"}, relName: "What", childRel: name + "s"},
			{name: "Subject", typ: "combobox", flags: "cun", length: 255},
			{name: "ActivityDate", label: "Due Date Only", typ: "date", flags: "cun"},
			{name: "Description", typ: "textarea", flags: "cunp", length: 32000},
			{name: "OwnerId", label: "Assigned To ID", typ: "reference", flags: "cud", refTo: []string{"Group", "User"}, relName: "Owner"},
			{name: "IsDeleted", label: "Deleted", typ: "boolean"},
			{name: "AccountId", typ: "reference", flags: "n", refTo: []string{"Account"}, relName: "Account"},
		}, extra, audit()))
		setChild(o, "WhoId", name+"s", true, false)
		setChild(o, "WhatId", name+"s", true, false)
		return o
	}
	activity("Event", []fieldSpec{
		{name: "Location", typ: "string", flags: "cunp", length: 255},
		{name: "IsAllDayEvent", label: "All-Day Event", typ: "boolean", flags: "cu"},
		{name: "ActivityDateTime", label: "Due Date Time", typ: "datetime", flags: "cun"},
		{name: "DurationInMinutes", label: "Duration", typ: "int", flags: "cun"},
		{name: "StartDateTime", typ: "datetime", flags: "cun"},
		{name: "EndDateTime", typ: "datetime", flags: "cun"},
		{name: "ShowAs", label: "Show Time As", typ: "picklist", flags: "cunp", length: 40, picklist: []string{"Busy", "OutOfOffice", "Free"}},
	})
	activity("Task", []fieldSpec{
		{name: "Status", typ: "picklist", flags: "cud", length: 40, picklist: []string{"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"}, defaultValue: "Not Started"},
		{name: "Priority", typ: "picklist", flags: "cud", length: 40, picklist: []string{"High", "Normal", "Low"}, defaultValue: "Normal"},
		{name: "IsClosed", label: "Closed", typ: "boolean"},
		{name: "IsHighPriority", label: "High Priority", typ: "boolean"},
		{name: "CallDurationInSeconds", typ: "int", flags: "cunp"},
		{name: "TaskSubtype", typ: "picklist", flags: "cun", length: 40, picklist: []string{"Task", "Email", "ListEmail", "Cadence", "Call"}},
	})

	// Tooling-only objects. Source: salesforce-api-facts.md §8 (RemoteProxy), §9
	// (InstalledSubscriberPackage, SubscriberPackage, SubscriberPackageVersion);
	// fixtures tooling-query-*.json.
	tooling := func(o *Object) *Object {
		o.Data, o.Tooling, o.Queryable = false, true, true
		return add(o)
	}
	rp := tooling(obj(std, "RemoteProxy", true, []fieldSpec{
		idField("Remote Site"),
		{name: "SiteName", label: "Remote Site Name", typ: "string", flags: "N", length: 40},
		{name: "EndpointUrl", label: "Remote Site URL", typ: "url", length: 1024},
		{name: "Description", typ: "textarea", flags: "n", length: 1024},
		{name: "IsActive", typ: "boolean"},
		{name: "DisableProtocolSecurity", typ: "boolean"},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "ManageableState", typ: "picklist", flags: "n", length: 40, picklist: []string{"unmanaged", "installed", "released"}},
		{name: "ProtocolMismatch", typ: "boolean"},
		{name: "FullName", typ: "string", flags: "cn", length: 255},
		{name: "Metadata", typ: "complexvalue", flags: "cun"},
	}, audit()))
	rp.Label, rp.LabelPlural, rp.KeyPrefix = "Remote Site", "Remote Sites", "0rp"
	rp.Createable, rp.Updateable, rp.Deletable = true, true, true

	spkg := tooling(obj(std, "SubscriberPackage", false, []fieldSpec{
		idField("Subscriber Package"),
		{name: "Name", typ: "string", flags: "N", length: 255},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "Description", typ: "textarea", flags: "n", length: 255},
		{name: "IsPackageValid", typ: "boolean"},
	}))
	spkg.Label, spkg.LabelPlural, spkg.KeyPrefix = "Subscriber Package", "Subscriber Packages", "033"

	spv := tooling(obj(std, "SubscriberPackageVersion", false, []fieldSpec{
		idField("Subscriber Package Version"),
		{name: "SubscriberPackageId", typ: "reference", refTo: []string{"SubscriberPackage"}, relName: "SubscriberPackage"},
		{name: "Name", typ: "string", flags: "N", length: 255},
		{name: "MajorVersion", typ: "int"},
		{name: "MinorVersion", typ: "int"},
		{name: "PatchVersion", typ: "int"},
		{name: "BuildNumber", typ: "int"},
		{name: "IsBeta", typ: "boolean"},
		{name: "IsManaged", typ: "boolean"},
		{name: "Package2ContainerOptions", typ: "picklist", flags: "n", length: 40, picklist: []string{"Managed", "Unlocked"}},
	}))
	spv.Label, spv.LabelPlural, spv.KeyPrefix = "Subscriber Package Version", "Subscriber Package Versions", "04t"

	isp := tooling(obj(std, "InstalledSubscriberPackage", false, []fieldSpec{
		idField("Installed Subscriber Package"),
		{name: "SubscriberPackageId", typ: "reference", refTo: []string{"SubscriberPackage"}, relName: "SubscriberPackage"},
		{name: "SubscriberPackageVersionId", typ: "reference", refTo: []string{"SubscriberPackageVersion"}, relName: "SubscriberPackageVersion"},
		{name: "MinPackageVersionId", typ: "reference", flags: "n", refTo: []string{"SubscriberPackageVersion"}},
	}, audit()))
	isp.Label, isp.LabelPlural, isp.KeyPrefix = "Installed Package", "Installed Packages", "0A3"

	// PermissionDependency (Tooling API 46.0+; describeSObjects, query,
	// retrieve; REST Query and GET). Fields and types: the Tooling API
	// reference (tooling_api_objects_permissiondependency.htm: Permission,
	// PermissionType, RequiredPermission, RequiredPermissionType, all
	// "string", "Filter"). Lengths, labels and the key prefix are UNCONFIRMED.
	// Readable only with View Setup and Configuration (rules_access.go).
	pd := tooling(obj(std, "PermissionDependency", true, []fieldSpec{
		idField("Permission Dependency"),
		{name: "Permission", typ: "string", length: 255},
		{name: "PermissionType", typ: "string", length: 255},
		{name: "RequiredPermission", typ: "string", length: 255},
		{name: "RequiredPermissionType", typ: "string", length: 255},
	}))
	pd.Label, pd.LabelPlural, pd.KeyPrefix = "Permission Dependency", "Permission Dependencies", "2Pd"

	return out
}
