package spec

// This file is the data model of a spec (shared/design/spec-v1.md). The parser in
// this package fills it from YAML; everything downstream (plan, apply) reads only
// these types. Every item keeps its Pos so that later stages can point back at the
// file, line and column that asked for it.

// Pos is a position in a spec file: 1-based line and column.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String renders the position as FILE:LINE:COL, leaving out unknown parts.
func (p Pos) String() string { return posString(p) }

// Spec is the merged desired state of one or more spec documents.
type Spec struct {
	Version     int
	Name        string
	Description string
	Files       []string // every file that contributed, in command-line order

	Variables           map[string]Variable
	Packages            []Package
	Profiles            []Profile
	PermissionSets      []PermissionSet
	PermissionSetGroups []PermissionSetGroup
	ConnectedApps       []ConnectedApp
	ExternalClientApps  []ExternalClientApp
	RemoteSites         []RemoteSite
	Records             []RecordSet
	OrgSettings         *OrgSettings
	Users               []User
	Assignments         []Assignment
	ManualSteps         []ManualStep

	// secrets are the values that secret variables put into this spec,
	// longest first (see SecretValues).
	secrets []string
}

// SecretValues returns every value that a `secret: true` variable put into
// the spec, longest first, so that an output path which cannot use
// Value.Redacted (a log line, an error from the org echoing a field) can
// replace them with "(secret)". The slice is a copy.
func (s *Spec) SecretValues() []string { return append([]string(nil), s.secrets...) }

// Value is a scalar string from the spec after ${VAR} expansion. Secret is true
// when any variable that went into it was declared `secret: true`; renderers
// must print "(secret)" instead of Value then.
type Value struct {
	Value  string
	Secret bool
	Pos    Pos
}

// Redacted returns the value as it may be shown to a human or written to a log.
func (v Value) Redacted() string {
	if v.Secret {
		return "(secret)"
	}
	return v.Value
}

// Variable is a declaration under `variables:`.
type Variable struct {
	Name        string
	Description string
	Default     *string
	Secret      bool
	Placeholder bool // the default is an example (placeholder.go)
	Pos         Pos
}

// Condition is an `if:` expression, kept as written and parsed.
// Kinds: personAccounts, sandbox, production, package, var; Negate for `not`.
type Condition struct {
	Raw       string
	Kind      string // "personAccounts" | "sandbox" | "production" | "package" | "var"
	Negate    bool
	Namespace string // Kind == "package"
	Op        string // "", "<", "<=", ">=", ">" (Kind == "package")
	Version   string // Kind == "package" with Op
	Var       string // Kind == "var"
	Pos       Pos
}

// Package is a managed package the integration needs.
type Package struct {
	Namespace    string
	VersionID    Value
	SecurityType string // AdminsOnly | AllUsers
	Password     *Value
	If           *Condition
	Pos          Pos
}

// Access levels for objects, spelled as in the spec.
const (
	AccessRead          = "read"
	AccessCreate        = "create"
	AccessEdit          = "edit"
	AccessDelete        = "delete"
	AccessViewAll       = "viewAll"
	AccessModifyAll     = "modifyAll"
	AccessViewAllFields = "viewAllFields"
)

// Field access levels.
const (
	FieldRead = "read"
	FieldEdit = "edit"
)

// ObjectAccess is one entry of `objects:` on a profile or permission set.
type ObjectAccess struct {
	Object string
	Access []string // the Access* constants, deduplicated, in spec order
	// FieldsAll is "all-read" or "all-edit" when the spec used the shorthand;
	// Fields holds explicit per-field levels (field API name → FieldRead|FieldEdit).
	FieldsAll   string
	Fields      map[string]string
	FieldPos    map[string]Pos
	RecordTypes []string // DeveloperNames
	If          *Condition
	Pos         Pos
}

// SystemPermission is a system permission after the catalog resolved it.
type SystemPermission struct {
	Written string // as written in the spec (label or API name)
	Name    string // API name without the Permissions prefix, e.g. "ApiEnabled"
	If      *Condition
	Pos     Pos
}

// Field returns the sObject field that holds the permission, e.g. "PermissionsApiEnabled".
func (p SystemPermission) Field() string { return "Permissions" + p.Name }

// NamedRef is a reference by name to something in the org (a connected app, an
// Apex class, a permission set, a licence...), with its own condition.
type NamedRef struct {
	Name string
	If   *Condition
	Pos  Pos
}

// RecordTypeDefault is a profile's default record type for one object.
type RecordTypeDefault struct {
	Object               string
	RecordType           string
	PersonAccountDefault string
	If                   *Condition
	Pos                  Pos
}

// Profile is a profile to create (from CloneFrom) or edit.
type Profile struct {
	Name               string
	CloneFrom          string
	Description        *string
	SystemPermissions  []SystemPermission
	Objects            []ObjectAccess
	RecordTypeDefaults []RecordTypeDefault
	Prune              bool
	If                 *Condition
	Pos                Pos
}

// PermissionSet is a permission set to create or converge.
type PermissionSet struct {
	Name              string
	Label             string // defaults from Name
	Description       *string
	License           string // PermissionSetLicense DeveloperName or MasterLabel, or UserLicense Name
	SystemPermissions []SystemPermission
	Objects           []ObjectAccess
	ConnectedApps     []NamedRef
	ApexClasses       []NamedRef
	Prune             bool
	If                *Condition
	Pos               Pos
}

// PermissionSetGroup is a group and the permission sets it contains.
type PermissionSetGroup struct {
	Name           string
	Label          string
	Description    *string
	PermissionSets []NamedRef
	Prune          bool
	If             *Condition
	Pos            Pos
}

// RefreshTokenPolicy: Mode "untilRevoked" | "immediately" | "expireAfter" (with ExpireAfter like "90d").
type RefreshTokenPolicy struct {
	Mode        string
	ExpireAfter string
}

// AppPolicy is the OAuth policy of a connected app or external client app.
type AppPolicy struct {
	PermittedUsers        string // adminApproved | allSelfAuthorize
	IPRelaxation          string // enforce | relax | relaxWithSecondFactor
	RefreshToken          *RefreshTokenPolicy
	PreAuthorizedPermSets []NamedRef
	PreAuthorizedProfiles []NamedRef
	ClientCredentialsUser *Value
}

// ConnectedApp is a (legacy) connected app's policy.
type ConnectedApp struct {
	Name   string
	Policy *AppPolicy
	If     *Condition
	Pos    Pos
}

// ExternalClientApp is an external client app and its OAuth settings and policy.
type ExternalClientApp struct {
	Name           string
	Label          string
	ContactEmail   *Value
	CallbackURL    string
	Scopes         []string
	JWTCertificate string // path, relative to the spec file, resolved to absolute
	Policy         *AppPolicy
	If             *Condition
	Pos            Pos
}

// RemoteSite is a Remote Site Setting.
type RemoteSite struct {
	Name                    string
	URL                     string
	Description             *string
	DisableProtocolSecurity bool
	Active                  *bool
	If                      *Condition
	Pos                     Pos
}

// RecordSet is configuration data upserted by key: inline Values or a CSV file.
type RecordSet struct {
	Object string
	Key    []string
	Values map[string]Value // one record
	CSV    string           // path resolved against the spec file
	If     *Condition
	Pos    Pos
}

// OrgSettings are org preferences a guide asks for.
type OrgSettings struct {
	SetAuditFieldsOnCreation        *bool
	UpdateRecordsWithInactiveOwners *bool
	Pos                             Pos
}

// Password modes for users.
const (
	PasswordNone    = "none"
	PasswordReset   = "reset"
	PasswordFromEnv = "fromEnv"
)

// UserPassword is what to do about a user's password.
type UserPassword struct {
	Mode    string // PasswordNone | PasswordReset | PasswordFromEnv
	FromEnv string // environment variable name, Mode == PasswordFromEnv
}

// User is a user to create or converge, keyed by Username.
type User struct {
	Username              Value
	FirstName             *Value
	LastName              *Value
	Email                 *Value
	Alias                 *Value
	Profile               string
	TimeZone              string
	Locale                string
	Language              string
	EmailEncoding         string
	Active                *bool
	Password              *UserPassword
	Fields                map[string]Value // any other writable User field
	PermissionSetLicenses []NamedRef
	PermissionSets        []NamedRef
	PermissionSetGroups   []NamedRef
	Prune                 bool
	If                    *Condition
	Pos                   Pos
}

// AssignmentTarget selects users (the union of the selectors; active users only).
type AssignmentTarget struct {
	Users               []Value
	Profiles            []string
	PermissionSets      []string
	PermissionSetGroups []string
	Where               string
}

// Assignment gives many existing users one permission set, group or licence.
type Assignment struct {
	PermissionSet        string
	PermissionSetGroup   string
	PermissionSetLicense string
	To                   AssignmentTarget
	If                   *Condition
	Pos                  Pos
}

// ManualStep is printed after apply as a checklist item.
type ManualStep struct {
	Text  string
	If    *Condition
	After *After // nil: not tied to a change (manual_after.go)
	Pos   Pos
}
