package state

import (
	"strings"

	"github.com/sfprov/sfprov/internal/record"
)

// Record is one org record's fields as read. It is the state's name for the
// shape the client decodes into (package record), so that the planner
// depends on what the org holds rather than on the client that fetched it.
type Record = record.Fields

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

// permissionColumns files the Permissions* fields of the describe in b
// (PermissionSet's, whose permissions are its boolean ones, or
// ObjectPermissions') into into.
func permissionColumns(b []byte, booleanOnly bool, into map[string]bool) error {
	var d Describe
	if err := decode(b, &d); err != nil {
		return err
	}
	for _, f := range d.Fields {
		if strings.HasPrefix(f.Name, "Permissions") && (!booleanOnly || f.Type == "boolean") {
			into[f.Name] = true
		}
	}
	return nil
}
