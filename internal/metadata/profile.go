package metadata

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

// Profile is the part of a profile sfprov manages: its record-type
// visibilities and defaults. Nothing else is written.
//
// A partial Profile file is safe to deploy: "We designed Profile metadata
// deployment to overlay the existing Profile settings in a target org"
// (Metadata API Developer Guide, meta_profile.htm, 216.0; also
// salesforce-api-facts.md §2). Settings the file leaves out keep their org
// values; to turn something off, write it with false. Permission sets behave
// the other way (see PermissionSet).
type Profile struct {
	// FullName is the profile's Metadata API name, as the Tooling Profile's
	// FullName gives it: "Admin" for System Administrator, not its label.
	FullName               string
	RecordTypeVisibilities []ProfileRecordTypeVisibility
}

// ProfileRecordTypeVisibility is one record type's visibility on a profile
// (ProfileRecordTypeVisibility: default, personAccountDefault, recordType,
// visible, in that order — Metadata WSDL; salesforce-api-facts.md §2).
type ProfileRecordTypeVisibility struct {
	RecordType string // Object.DeveloperName, e.g. "Account.Partner"
	Default    bool
	// PersonAccountDefault is written only when set: orgs without person
	// accounts have no such element (CumulusCI update_admin_profile writes it
	// only where the retrieved XML has it; salesforce-api-facts.md §2).
	PersonAccountDefault *bool
	Visible              bool
}

type profileXML struct {
	XMLName                xml.Name                  `xml:"http://soap.sforce.com/2006/04/metadata Profile"`
	RecordTypeVisibilities []profileRecordTypeVisXML `xml:"recordTypeVisibilities"`
}

type profileRecordTypeVisXML struct {
	Default              bool   `xml:"default"`
	PersonAccountDefault *bool  `xml:"personAccountDefault,omitempty"`
	RecordType           string `xml:"recordType"`
	Visible              bool   `xml:"visible"`
}

// ProfileFile builds profiles/<FullName>.profile (type Profile). It refuses
// what the org would refuse or silently fix: a record type not named
// Object.DeveloperName, one named twice, a default that is not visible, two
// defaults (or two person-account defaults) for one object.
func ProfileFile(p Profile) (File, error) {
	if len(p.RecordTypeVisibilities) == 0 {
		return File{}, fmt.Errorf("Profile %s: nothing to deploy", p.FullName)
	}
	doc := profileXML{}
	seen := map[string]bool{}
	defaults := map[string]string{}
	paDefaults := map[string]string{}
	for _, v := range p.RecordTypeVisibilities {
		obj, _, ok := splitRecordType(v.RecordType)
		if !ok {
			return File{}, fmt.Errorf("Profile %s: record type %q is not Object.DeveloperName", p.FullName, v.RecordType)
		}
		if seen[v.RecordType] {
			return File{}, fmt.Errorf("Profile %s: record type %s listed twice", p.FullName, v.RecordType)
		}
		seen[v.RecordType] = true
		pad := v.PersonAccountDefault != nil && *v.PersonAccountDefault
		if (v.Default || pad) && !v.Visible {
			return File{}, fmt.Errorf("Profile %s: default record type %s must be visible", p.FullName, v.RecordType)
		}
		if v.Default {
			if other, dup := defaults[obj]; dup {
				return File{}, fmt.Errorf("Profile %s: two default record types for %s (%s, %s)", p.FullName, obj, other, v.RecordType)
			}
			defaults[obj] = v.RecordType
		}
		if pad {
			if other, dup := paDefaults[obj]; dup {
				return File{}, fmt.Errorf("Profile %s: two person account default record types for %s (%s, %s)", p.FullName, obj, other, v.RecordType)
			}
			paDefaults[obj] = v.RecordType
		}
		doc.RecordTypeVisibilities = append(doc.RecordTypeVisibilities, profileRecordTypeVisXML{
			Default: v.Default, PersonAccountDefault: v.PersonAccountDefault, RecordType: v.RecordType, Visible: v.Visible,
		})
	}
	sort.Slice(doc.RecordTypeVisibilities, func(i, j int) bool {
		return doc.RecordTypeVisibilities[i].RecordType < doc.RecordTypeVisibilities[j].RecordType
	})
	return file("Profile", "profiles", "profile", p.FullName, doc)
}

// splitRecordType splits "Account.Partner" (or "ns__Obj__c.ns__Type") at its
// one dot.
func splitRecordType(rt string) (object, name string, ok bool) {
	object, name, ok = strings.Cut(rt, ".")
	if !ok || object == "" || name == "" || strings.Contains(name, ".") || strings.ContainsAny(rt, " /") {
		return "", "", false
	}
	return object, name, true
}
