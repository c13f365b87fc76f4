package plan

import "fmt"

// Channel is the way apply writes a kind of step: each channel has one writer.
type Channel string

// Channels.
const (
	// ChannelCollections: sObject records, batched into sObject Collections
	// calls packed into /composite.
	ChannelCollections Channel = "collections"
	// ChannelTooling: Tooling API records, one request each.
	ChannelTooling Channel = "tooling"
	// ChannelPassword: a new user's password, set or reset.
	ChannelPassword Channel = "password"
	// ChannelMetadata: Metadata API components, deployed together.
	ChannelMetadata Channel = "metadata"
	// ChannelPackage: package installs (Tooling PackageInstallRequest),
	// waited for.
	ChannelPackage Channel = "package"
)

// Kind is everything sfprov knows about one kind of step: how it is named,
// where it comes in a plan, which wave apply writes it in (a wave needs only
// Ids that earlier waves created), and through which channel. A new kind of
// thing sfprov manages is one entry here and, at most, one writer in apply.
type Kind struct {
	Type    string // the step type, as the JSON plan names it
	Noun    string // for people: "permission set"
	Order   int    // plan and in-wave order: each kind after those whose Ids it needs
	Wave    int
	Channel Channel
}

// kinds is the registry. Licences come before permission set assignments
// because the Salesforce Integration licence refuses standard-object access
// without the PSL (salesforce-api-facts.md §1); records have a wave of their
// own, since setup and data objects never share a call
// (salesforce-api-facts.md §10); users need only their profile.
var kinds = map[string]Kind{}

func init() {
	for _, k := range []Kind{
		// A package comes first: what it brings is planned after it (apply
		// plans again once it is installed). The audit-fields preference
		// goes in a deploy of its own before the permissions that need it.
		{TypePackage, "package", 0, 0, ChannelPackage},
		{TypeOrgSettings, "org settings", 0, 0, ChannelMetadata},
		{TypeProfile, "profile", 0, 0, ChannelCollections},
		{TypeRemoteSite, "remote site", 0, 0, ChannelTooling},
		{TypePermissionSet, "permission set", 1, 1, ChannelCollections},
		// Record type defaults need only the profile (wave 0), but go in
		// the last wave, in the one deploy with the permission sets'
		// Metadata: every deploy costs a request and its polls.
		{TypeRecordTypeDefaults, "record type defaults", 1, 4, ChannelMetadata},
		{TypeObjectAccess, "object access", 2, 2, ChannelCollections},
		{TypeSetupEntity, "app access", 2, 2, ChannelCollections},
		{TypeFieldAccess, "field access", 3, 2, ChannelCollections},
		{TypeLatePermissions, "system permissions", 3, 3, ChannelCollections},
		{TypeGroup, "permission set group", 4, 1, ChannelCollections},
		{TypeGroupMember, "group member", 5, 2, ChannelCollections},
		{TypeUser, "user", 6, 1, ChannelCollections},
		{TypePassword, "password", 7, 3, ChannelPassword},
		{TypeLicenseAssign, "licence", 8, 3, ChannelCollections},
		{TypePermSetAssign, "permission set", 9, 3, ChannelCollections},
		{TypeGroupAssign, "permission set group", 10, 3, ChannelCollections},
		{TypeRecord, "record", 11, 4, ChannelCollections},
		// An app comes first; its policies after the permission sets they
		// pre-authorise are assigned to the deploying admin (eca.go).
		{TypeExternalClientApp, "external client app", 0, 0, ChannelMetadata},
		{TypeECAPolicies, "external client app policies", 13, 4, ChannelMetadata},
		// Last on a set: the deploy carries the whole set as it is then.
		{TypePermSetMetadata, "permission set", 12, 4, ChannelMetadata},
	} {
		kinds[k.Type] = k
	}
}

// KindOf returns the registry entry of a step type. An unknown type is a
// programming error, never user input.
func KindOf(typ string) Kind {
	k, ok := kinds[typ]
	if !ok {
		panic(fmt.Sprintf("plan: no kind %q in the registry", typ))
	}
	return k
}

// Wave returns the execution wave of a step type.
func Wave(typ string) int { return KindOf(typ).Wave }

// Order returns where a step type's steps come in a plan and in a wave.
func Order(typ string) int { return KindOf(typ).Order }
