package spec

import (
	"strings"
	"unicode"
)

// Defaults apply when sfprov creates a thing, never to a thing that exists:
// a spec that leaves out label: must not overwrite a label changed in Setup.
// The parser leaves unset values unset, and the planner asks for these when
// it creates (spec-v1.md: "label defaults from it").

// DefaultEmailEncoding is a new user's emailEncoding when the spec gives none.
const DefaultEmailEncoding = "UTF-8"

// DefaultLabel is the label of a new permission set, group or app whose spec
// gives none: its API name with underscores as spaces.
func DefaultLabel(name string) string { return labelFromName(name) }

// DefaultAlias is a new user's alias when the spec gives none.
func DefaultAlias(u User) *Value { return deriveAlias(u) }

// labelFromName turns an API name into a label: underscores become spaces.
func labelFromName(name string) string {
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '_' }), " ")
}

// deriveAlias makes the default alias: the first 8 letters and digits of the
// last name, lower-cased (the username's local part when the last name has none).
func deriveAlias(u User) *Value {
	from := func(v Value) *Value {
		var b strings.Builder
		n := 0
		for _, r := range strings.ToLower(v.Value) {
			if n == 8 {
				break
			}
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return &Value{Value: b.String(), Secret: v.Secret, Pos: v.Pos}
	}
	if u.LastName != nil {
		if a := from(*u.LastName); a != nil {
			return a
		}
	}
	local, _, _ := strings.Cut(u.Username.Value, "@")
	if a := from(Value{Value: local, Secret: u.Username.Secret, Pos: u.Username.Pos}); a != nil {
		return a
	}
	return nil
}
