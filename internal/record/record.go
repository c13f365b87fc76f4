// Package record holds the one shape every layer shares for a Salesforce
// record's fields: a map as the REST API answers it, read by dotted paths.
// The client decodes into it and the org state keeps it, so neither has to
// know the other and the planner needs neither the client nor its wire
// types.
package record

import (
	"fmt"
	"strings"
)

// Fields is one record's fields (strings, booleans, numbers, nil, and a
// nested Fields or map for a parent relationship such as Profile;
// "attributes" kept as returned).
type Fields map[string]any

// Get returns the value at a dotted path such as "Profile.Name"; nil when any
// step is missing or null.
func (r Fields) Get(path string) any {
	var cur any = map[string]any(r)
	for _, part := range strings.Split(path, ".") {
		var m map[string]any
		switch v := cur.(type) {
		case map[string]any:
			m = v
		case Fields:
			m = v
		default:
			return nil
		}
		cur = m[part]
	}
	return cur
}

// String returns the value at path as a string ("" when null or absent).
func (r Fields) String(path string) string {
	switch v := r.Get(path).(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// Bool returns the value at path as a boolean (false when null or absent).
func (r Fields) Bool(path string) bool {
	b, _ := r.Get(path).(bool)
	return b
}
