package state

import (
	"fmt"
	"strings"
)

// Record is one org record's fields as read (strings, booleans, numbers,
// nil, and a map for a parent relationship such as Profile). It is the
// state's own type, not the client's wire record, so that the planner
// depends on what the org holds rather than on how it was fetched.
type Record map[string]any

// Get returns the value at a dotted path such as "Profile.Name"; nil when any
// step is missing or null.
func (r Record) Get(path string) any {
	var cur any = map[string]any(r)
	for _, part := range strings.Split(path, ".") {
		var m map[string]any
		switch v := cur.(type) {
		case map[string]any:
			m = v
		case Record:
			m = v
		default:
			return nil
		}
		cur = m[part]
	}
	return cur
}

// String returns the value at path as a string ("" when null or absent).
func (r Record) String(path string) string {
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
func (r Record) Bool(path string) bool {
	b, _ := r.Get(path).(bool)
	return b
}

// Describe is what the planner uses of an object's describe: its fields and
// record types. The JSON names are the REST describe's, so it decodes
// straight from the answer.
type Describe struct {
	Name            string           `json:"name"`
	Fields          []DescribeField  `json:"fields"`
	RecordTypeInfos []RecordTypeInfo `json:"recordTypeInfos"`
}

// DescribeField is one field of a describe.
type DescribeField struct {
	Name           string `json:"name"`
	Type           string `json:"type"`
	Createable     bool   `json:"createable"`
	Updateable     bool   `json:"updateable"`
	Nillable       bool   `json:"nillable"`
	Permissionable bool   `json:"permissionable"`
	Calculated     bool   `json:"calculated"`
}

// RecordTypeInfo is one record type of a describe.
type RecordTypeInfo struct {
	DeveloperName string `json:"developerName"`
	RecordTypeID  string `json:"recordTypeId"`
	Master        bool   `json:"master"`
}

// HasField reports whether the describe names field (case-insensitively).
func (d *Describe) HasField(name string) bool {
	for _, f := range d.Fields {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}
