// Package spec reads sfprov spec files (format version 1, see
// shared/design/spec-v1.md) into the data model in types.go, and checks
// everything that can be known without an org.
//
// Decoding walks yaml.Node trees by hand so that it can be strict (unknown
// keys, wrong types and duplicate keys are errors) and report every problem
// at once, each at the key or value it concerns, as FILE:LINE:COL: message.
// Unknown keys, enum values, system permissions and standard objects get a
// "did you mean" from the nearest valid choice.
//
// The files are organised by domain: each block of the format (packages.go,
// profiles.go, permsets.go, access.go for the object, field and system access
// both take, apps.go, remotesites.go, records.go, orgsettings.go, users.go,
// assignments.go, manualsteps.go) holds its types, its keys and its decoder;
// decode.go walks a document; names.go checks names offline; defaults.go holds
// every default; encode.go writes a Spec back as YAML.
//
// Choices this package makes where spec-v1.md leaves room:
//   - ${NAME} is expanded in every scalar value except `if:` conditions and the
//     `variables:` block itself; `$${` is a literal `${`. --var wins over the
//     environment, which wins over the declared default. Values that used a
//     `secret: true` variable are marked Secret and never appear in messages.
//   - Several documents and files merge; each file's first document must say
//     `version: 1`. A thing defined twice (same permission set, profile, group,
//     user, app, remote site, package, variable, record key or org setting) is
//     reported at both places. Names compare case-insensitively, as in the org.
//   - List items that are names (permissions, connected apps, permission sets…)
//     may be written as `{name: X, if: <condition>}` to carry a condition.
//   - Defaults: a permission set's, group's or external client app's label
//     comes from its name (underscores become spaces); a user's alias is the
//     first 8 letters and digits of the last name, lower-cased; emailEncoding
//     is UTF-8. Time zone, locale and language stay empty when unset (the
//     planner takes them from the admin running sfprov).
//   - Object names without "__" must be standard objects (the embedded list
//     comes from a live org's global describe); custom and namespaced objects,
//     and field names, are checked against the org at plan time.
package spec
