package schema

// Objects behind the org's Metadata half (the emulator package's
// metadata_*.go and packages_install.go): the Tooling PackageInstallRequest
// and the data API's ExternalClientApplication.

func metadataObjects(std *stdData) []*Object {
	// PackageInstallRequest (Tooling API 41.0+; REST GET, POST, Query; SOAP
	// create, describeSObjects, query, retrieve). Fields and their values:
	// the Tooling API reference (tooling_api_objects_packageinstallrequest.htm,
	// 212.0, 220.0, current; salesforce-api-facts.md §9) and the sf CLI's
	// schema of the record it reads back (salesforcecli/plugin-packaging
	// schemas/package-install-report.json: Id, IsDeleted, the audit fields,
	// SubscriberPackageVersionKey, NameConflictResolution Block |
	// RenameMetadata, SecurityType Custom | Full | None, PackageInstallSource,
	// ProfileMappings, Password, EnableRss, UpgradeType delete-only |
	// deprecate-only | mixed-mode, ApexCompileType all | package,
	// SkipHandlers, Status ERROR | IN_PROGRESS | SUCCESS | UNKNOWN, Errors
	// {errors:[{message}]}). Key prefix 0Hf: plugin-packaging's report schema
	// and the CLI's request ids (integration-metadata-facts.md §3.3). The
	// picklists are not restricted, since CumulusCI sends SecurityType in
	// upper case (FULL, NONE) and UpgradeType "mixed" (§9); the defaults
	// (Block, None, IN_PROGRESS), labels and lengths are UNCONFIRMED.
	pir := obj(std, "PackageInstallRequest", true, []fieldSpec{
		idField("Package Install Request"),
		{name: "IsDeleted", label: "Deleted", typ: "boolean"},
		{name: "SubscriberPackageVersionKey", label: "Subscriber Package Version Key", typ: "string", flags: "c", length: 18},
		{name: "NameConflictResolution", typ: "picklist", flags: "cnd", length: 40, picklist: []string{"Block", "RenameMetadata"}, defaultValue: "Block"},
		{name: "SecurityType", typ: "picklist", flags: "cnd", length: 40, picklist: []string{"Custom", "Full", "None"}, defaultValue: "None"},
		{name: "PackageInstallSource", typ: "string", flags: "cn", length: 255},
		{name: "ProfileMappings", typ: "complexvalue", flags: "cn"},
		{name: "Password", typ: "string", flags: "cn", length: 255},
		{name: "EnableRss", label: "Enable Remote Site Settings", typ: "boolean", flags: "c"},
		{name: "UpgradeType", typ: "picklist", flags: "cn", length: 40, picklist: []string{"delete-only", "deprecate-only", "mixed-mode"}},
		{name: "ApexCompileType", typ: "picklist", flags: "cn", length: 40, picklist: []string{"all", "package"}},
		{name: "SkipHandlers", typ: "string", flags: "cn", length: 255},
		{name: "Status", typ: "picklist", flags: "nd", length: 40, picklist: []string{"ERROR", "IN_PROGRESS", "SUCCESS", "UNKNOWN"}, defaultValue: "IN_PROGRESS"},
		{name: "Errors", typ: "complexvalue", flags: "n"},
	}, audit())
	pir.Data, pir.Tooling, pir.Queryable = false, true, true
	pir.Label, pir.LabelPlural, pir.KeyPrefix = "Package Install Request", "Package Install Requests", "0Hf"
	pir.Createable, pir.Updateable, pir.Deletable = true, false, false

	// ExternalClientApplication, the data API's view of the org's External
	// Client Apps ("For internal use only. Introduced in API version 56.0";
	// describeSObjects(), retrieve(), search(): the object reference,
	// object-externalclientapplication.html, which lists email, phone,
	// string, the DeveloperName rules, picklist, url fields without their
	// names in the copy read). A SOQL query of it through the data API works
	// and through Tooling answers INVALID_TYPE (practitioner notes: "SELECT Id
	// FROM ExternalClientApplication WHERE DeveloperName='…' (regular SOQL
	// works; NOT a Tooling object)"; "querying it via /tooling/query returns
	// INVALID_TYPE in every org"), so it is a data object only, read-only
	// (written by Metadata deploys of the .eca type). Field names other than
	// Id and DeveloperName follow the Metadata type's fields
	// (meta_externalclientapplication.htm: contactEmail, contactPhone,
	// description, distributionState, iconUrl, infoUrl, isProtected, label,
	// logoUrl, orgScopedExternalApp) and are UNCONFIRMED, as is the key prefix
	// 0xI (a practitioner's test fixture, "0xI000000000001AAA").
	eca := obj(std, "ExternalClientApplication", true, []fieldSpec{
		idField("External Client App"),
		{name: "DeveloperName", label: "API Name", typ: "string", length: 40},
		{name: "MasterLabel", label: "External Client App Name", typ: "string", flags: "N", length: 255},
		{name: "NamespacePrefix", typ: "string", flags: "n", length: 15},
		{name: "ContactEmail", typ: "email", flags: "n", length: 80},
		{name: "ContactPhone", typ: "phone", flags: "n", length: 40},
		{name: "Description", typ: "textarea", flags: "n", length: 4000},
		{name: "DistributionState", typ: "picklist", flags: "ndr", length: 40, picklist: []string{"Local", "Packaged"}, defaultValue: "Local"},
		{name: "IconUrl", label: "Icon URL", typ: "url", flags: "n", length: 1000},
		{name: "InfoUrl", label: "Info URL", typ: "url", flags: "n", length: 1000},
		{name: "LogoUrl", label: "Logo URL", typ: "url", flags: "n", length: 1000},
		{name: "IsProtected", label: "Protected", typ: "boolean"},
		{name: "OrgScopedExternalApp", typ: "string", flags: "n", length: 255},
	}, audit())
	eca.Queryable = true
	eca.Label, eca.LabelPlural, eca.KeyPrefix = "External Client App", "External Client Apps", "0xI"
	eca.Createable, eca.Updateable, eca.Deletable = false, false, false

	return []*Object{pir, eca}
}
