package metadata

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

// PermissionSet is a permission set as a Metadata API file, for what only
// the Metadata API can set: user permissions with no PermissionSet sObject
// field, such as CanApproveUninstalledApps ("Approve Uninstalled Connected
// Apps"; integration-metadata-facts.md, permission names), and record-type
// visibility.
//
// A PermissionSet deploy REPLACES the set, unlike a Profile deploy: "when you
// deploy a permission set, you must include all of its metadata to avoid
// accidentally overwriting the permission set's contents", and for
// userPermissions "In API Version 40.0 and later, if a permission isn't
// specified for a deployment, it's disabled" (Metadata API Developer Guide,
// meta_permissionset.htm, v67). Practitioners report the same: a removed
// userPermissions entry turns the permission off in the target (Copado
// Manual PR #8); a minimal file removed everything it did not list, object
// permissions included (salto-io/salto PR #4123). So deploy this file only
// for a permission set whose whole content it describes: one sfprov owns
// for metadata-only permissions, or one whose every setting the caller read
// and passes back.
type PermissionSet struct {
	FullName string // the set's API name (PermissionSet.Name)
	// Label is required: a file without it fails with "Required field is
	// missing: label" (amtrack/force-dev-tool#89; meta_permissionset.htm
	// "label ... Required").
	Label       string
	Description string
	// License is the permission set licence or user licence the set is tied
	// to; "" for none. A set licensed in the org keeps that licence only if
	// it is written here (the deploy replaces the set).
	License                string
	RecordTypeVisibilities []PermissionSetRecordTypeVisibility
	UserPermissions        []UserPermission
}

// PermissionSetRecordTypeVisibility is PermissionSetRecordTypeVisibility:
// recordType, visible (Metadata WSDL). Defaults live on profiles only.
type PermissionSetRecordTypeVisibility struct {
	RecordType string // Object.DeveloperName
	Visible    bool
}

// UserPermission is PermissionSetUserPermission: enabled, name (Metadata
// WSDL order), e.g. {true, "CanApproveUninstalledApps"}. Name is the Metadata
// API name, without the "Permissions" prefix of the sObject field.
type UserPermission struct {
	Enabled bool
	Name    string
}

// PermissionSet's elements, in the Metadata WSDL sequence (applicationVisibilities,
// classAccesses, customMetadataTypeAccesses, customPermissions, description,
// externalDataSourceAccesses, fieldPermissions, flowAccesses,
// hasActivationRequired, label, license, objectPermissions, pageAccesses,
// recordTypeVisibilities, tabSettings, userPermissions), of which sfprov
// writes description, label, license, recordTypeVisibilities, userPermissions.
type permissionSetXML struct {
	XMLName                xml.Name              `xml:"http://soap.sforce.com/2006/04/metadata PermissionSet"`
	Description            string                `xml:"description,omitempty"`
	Label                  string                `xml:"label"`
	License                string                `xml:"license,omitempty"`
	RecordTypeVisibilities []psRecordTypeVisXML  `xml:"recordTypeVisibilities"`
	UserPermissions        []psUserPermissionXML `xml:"userPermissions"`
}

type psRecordTypeVisXML struct {
	RecordType string `xml:"recordType"`
	Visible    bool   `xml:"visible"`
}

type psUserPermissionXML struct {
	Enabled bool   `xml:"enabled"`
	Name    string `xml:"name"`
}

// PermissionSetFile builds permissionsets/<FullName>.permissionset (type
// PermissionSet). Entries are sorted by name, as a retrieve gives them.
func PermissionSetFile(ps PermissionSet) (File, error) {
	if strings.TrimSpace(ps.Label) == "" {
		return File{}, fmt.Errorf("PermissionSet %s: label is required", ps.FullName)
	}
	if len([]rune(ps.Label)) > 80 {
		return File{}, fmt.Errorf("PermissionSet %s: label longer than 80 characters", ps.FullName)
	}
	if len([]rune(ps.Description)) > 255 {
		return File{}, fmt.Errorf("PermissionSet %s: description longer than 255 characters", ps.FullName)
	}
	doc := permissionSetXML{Description: ps.Description, Label: ps.Label, License: ps.License}
	seen := map[string]bool{}
	for _, v := range ps.RecordTypeVisibilities {
		if _, _, ok := splitRecordType(v.RecordType); !ok {
			return File{}, fmt.Errorf("PermissionSet %s: record type %q is not Object.DeveloperName", ps.FullName, v.RecordType)
		}
		if seen[v.RecordType] {
			return File{}, fmt.Errorf("PermissionSet %s: record type %s listed twice", ps.FullName, v.RecordType)
		}
		seen[v.RecordType] = true
		doc.RecordTypeVisibilities = append(doc.RecordTypeVisibilities, psRecordTypeVisXML{RecordType: v.RecordType, Visible: v.Visible})
	}
	seen = map[string]bool{}
	for _, p := range ps.UserPermissions {
		name := strings.TrimSpace(p.Name)
		if name == "" {
			return File{}, fmt.Errorf("PermissionSet %s: user permission without a name", ps.FullName)
		}
		if seen[name] {
			return File{}, fmt.Errorf("PermissionSet %s: user permission %s listed twice", ps.FullName, name)
		}
		seen[name] = true
		doc.UserPermissions = append(doc.UserPermissions, psUserPermissionXML{Enabled: p.Enabled, Name: name})
	}
	sort.Slice(doc.RecordTypeVisibilities, func(i, j int) bool {
		return doc.RecordTypeVisibilities[i].RecordType < doc.RecordTypeVisibilities[j].RecordType
	})
	sort.Slice(doc.UserPermissions, func(i, j int) bool { return doc.UserPermissions[i].Name < doc.UserPermissions[j].Name })
	return file("PermissionSet", "permissionsets", "permissionset", ps.FullName, doc)
}
