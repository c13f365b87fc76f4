package schema

import (
	"fmt"
	"regexp"
	"strings"
)

// CustomObject is a custom object from the org's seed.
type CustomObject struct {
	Name   string // API name ending in __c
	Label  string
	Fields []CustomField
}

// CustomField is a custom field of a seed object.
type CustomField struct {
	Name       string // API name ending in __c
	Type       string // string, textarea, boolean, int, double, currency, percent, date, datetime, email, phone, url, picklist, reference:Object
	ExternalID bool   // External ID: usable as an upsert key (describe externalId and idLookup)
}

// Config says what the org's catalog holds beyond the fixed objects.
type Config struct {
	PersonAccounts bool
	// Preferences are the org preferences that are on (names from
	// Preferences); some add system permissions (userperms.tsv "pref").
	Preferences map[string]bool
	Custom      []CustomObject
}

// New builds the catalog of an org.
func New(cfg Config) (*Catalog, error) {
	std, err := loadStd()
	if err != nil {
		return nil, err
	}
	c := &Catalog{perms: orgPermissions(cfg.Preferences)}
	acct := std.Account
	if cfg.PersonAccounts {
		acct = std.PersonAccount
	}
	account := fromRecorded(acct, std.Global["Account"])
	account.RecordTypes = true
	contact := fromRecorded(std.Contact, std.Global["Contact"])
	contact.RecordTypes = true
	cs := fromRecorded(std.Case, std.Global["Case"])
	cs.RecordTypes = true
	// Child relationship names of the standard objects and what deleting the
	// parent does to the children (describe-Account-v58.json childRelationships:
	// Contacts cascadeDelete, Cases restrictedDelete, Opportunities cascadeDelete;
	// describe-Contact.json: Cases restrictedDelete; describe-Case-v48.json:
	// Case.ParentId Cases, neither).
	setChild(contact, "AccountId", "Contacts", true, false)
	setChild(cs, "AccountId", "Cases", false, true)
	setChild(cs, "ContactId", "Cases", false, true)
	setChild(cs, "ParentId", "Cases", false, false)
	for _, o := range []*Object{account, contact, cs} {
		c.Add(o)
	}
	for _, o := range handWritten(std, c.perms) {
		c.Add(o)
	}
	for _, o := range metadataObjects(std) {
		c.Add(o)
	}
	for i, co := range cfg.Custom {
		o, err := customObject(co, i)
		if err != nil {
			return nil, err
		}
		if _, dup := c.Object(o.Name); dup {
			return nil, fmt.Errorf("schema: custom object %s: already exists", o.Name)
		}
		c.Add(o)
	}
	return c, nil
}

// setChild names the child relationship a reference field makes and what
// deleting the parent does: cascade deletes the child too, restricted refuses
// the delete while children exist (describe cascadeDelete, restrictedDelete).
func setChild(o *Object, field, rel string, cascade, restricted bool) {
	if f, ok := o.Field(field); ok {
		f.ChildRelationship = rel
		f.CascadeDelete, f.RestrictedDelete = cascade, restricted
	}
}

var customName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*__c$`)

// customObject builds a seed object with the standard fields every custom
// object has (Id, OwnerId, IsDeleted, Name, audit fields). Source: Salesforce
// "Custom Objects" standard fields (object reference, "System Fields").
func customObject(co CustomObject, n int) (*Object, error) {
	if !customName.MatchString(co.Name) || strings.Contains(strings.TrimSuffix(co.Name, "__c"), "__") && strings.Count(co.Name, "__") > 2 {
		return nil, fmt.Errorf("schema: custom object name %q must be an API name ending in __c", co.Name)
	}
	label := co.Label
	if label == "" {
		label = labelFor(co.Name)
	}
	o := &Object{Name: co.Name, Label: label, LabelPlural: label + "s", KeyPrefix: fmt.Sprintf("a%02d", n+1), Custom: true,
		Createable: true, Updateable: true, Deletable: true, Queryable: true, Data: true, RecordTypes: true}
	o.facts = map[string]any{"feedEnabled": false, "layoutable": true, "mergeable": false, "mruEnabled": true, "searchable": true,
		"replicateable": true, "triggerable": true, "undeletable": true}
	for _, s := range []fieldSpec{
		{name: "Id", label: label + " ID", typ: "id", flags: "di"},
		{name: "OwnerId", label: "Owner ID", typ: "reference", flags: "cud", refTo: []string{"User", "Group"}, relName: "Owner"},
		{name: "IsDeleted", label: "Deleted", typ: "boolean", flags: "d"},
		// The record name of a text-named custom object is required.
		{name: "Name", label: label + " Name", typ: "string", flags: "cuNi", length: 80},
		{name: "CreatedDate", typ: "datetime", flags: "d"},
		{name: "CreatedById", typ: "reference", flags: "d", refTo: []string{"User"}, relName: "CreatedBy"},
		{name: "LastModifiedDate", typ: "datetime", flags: "d"},
		{name: "LastModifiedById", typ: "reference", flags: "d", refTo: []string{"User"}, relName: "LastModifiedBy"},
		{name: "SystemModstamp", label: "System Modstamp", typ: "datetime", flags: "d"},
	} {
		o.AddField(build(s))
	}
	for _, cf := range co.Fields {
		if !customName.MatchString(cf.Name) {
			return nil, fmt.Errorf("schema: field %s.%s: name must be an API name ending in __c", co.Name, cf.Name)
		}
		s := fieldSpec{name: cf.Name, typ: cf.Type, flags: "cunpC"}
		if cf.ExternalID {
			s.flags += "xi"
		}
		switch {
		case strings.HasPrefix(cf.Type, "reference:"):
			target := strings.TrimPrefix(cf.Type, "reference:")
			s.typ, s.refTo = "reference", []string{target}
			s.relName = strings.TrimSuffix(cf.Name, "__c") + "__r"
		case cf.Type == "boolean":
			s.flags = "cupC"
		case cf.Type == "textarea":
			s.length = 32768
		case validCustomType[cf.Type]:
		default:
			return nil, fmt.Errorf("schema: field %s.%s: unknown type %q (want one of string, textarea, boolean, int, double, currency, percent, date, datetime, email, phone, url, picklist, reference:Object)", co.Name, cf.Name, cf.Type)
		}
		o.AddField(build(s))
	}
	return o, nil
}

var validCustomType = map[string]bool{"string": true, "int": true, "double": true, "currency": true, "percent": true,
	"date": true, "datetime": true, "email": true, "phone": true, "url": true, "picklist": true}
