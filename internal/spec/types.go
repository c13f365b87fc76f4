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

// NamedRef is a reference by name to something in the org (a connected app, an
// Apex class, a permission set, a licence...), with its own condition.
type NamedRef struct {
	Name string
	If   *Condition
	Pos  Pos
}
