package soql_test

import (
	"fmt"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// fakeSchema is an in-memory describe of a few objects, shaped like the
// emulator's: canonical names, case-insensitive lookup.
type fakeSchema struct {
	objects  []string
	fields   map[string][]soql.Field
	children map[string][]soql.ChildRelationship
}

func (s *fakeSchema) Object(name string) (string, bool) {
	for _, o := range s.objects {
		if strings.EqualFold(o, name) {
			return o, true
		}
	}
	return "", false
}

func (s *fakeSchema) Field(object, name string) (soql.Field, bool) {
	for _, f := range s.fields[object] {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return soql.Field{}, false
}

func (s *fakeSchema) Fields(object string) []soql.Field { return s.fields[object] }

func (s *fakeSchema) ChildRelationships(object string) []soql.ChildRelationship {
	return s.children[object]
}

func fld(name, typ string) soql.Field {
	return soql.Field{Name: name, Type: typ, Filterable: true, Sortable: true, Groupable: true, Createable: typ != "id", Updateable: typ != "id"}
}

// longText is a long text area: describe marks it neither filterable,
// sortable nor groupable.
func longText(name string) soql.Field {
	f := fld(name, "textarea")
	f.Filterable, f.Sortable, f.Groupable = false, false, false
	return f
}

func ref(name, rel string, to ...string) soql.Field {
	f := fld(name, "reference")
	f.RelationshipName = rel
	f.ReferenceTo = to
	return f
}

func newSchema() *fakeSchema {
	return &fakeSchema{
		objects: []string{"User", "Profile", "PermissionSet", "PermissionSetAssignment", "Account", "Contact", "Event"},
		fields: map[string][]soql.Field{
			"User": {fld("Id", "id"), fld("Username", "string"), fld("LastName", "string"), fld("Email", "email"),
				fld("IsActive", "boolean"), ref("ProfileId", "Profile", "Profile"), ref("ManagerId", "Manager", "User"),
				fld("CreatedDate", "datetime"), fld("NumberOfFailedLogins", "int")},
			"Profile": {fld("Id", "id"), fld("Name", "string"), longText("Description"), fld("Address", "address")},
			"PermissionSet": {fld("Id", "id"), fld("Name", "string"), fld("Label", "string"), fld("NamespacePrefix", "string"),
				fld("IsOwnedByProfile", "boolean"), ref("ProfileId", "Profile", "Profile")},
			"PermissionSetAssignment": {fld("Id", "id"), ref("AssigneeId", "Assignee", "User"),
				ref("PermissionSetId", "PermissionSet", "PermissionSet")},
			"Account": {fld("Id", "id"), fld("Name", "string"), fld("AnnualRevenue", "currency"), fld("NumberOfEmployees", "int"),
				fld("Industry", "picklist"), fld("Markets__c", "multipicklist"), fld("LastActivityDate", "date"),
				fld("CreatedDate", "datetime"), ref("OwnerId", "Owner", "User"), ref("ParentId", "Parent", "Account"),
				fld("Rating__c", "string")},
			"Contact": {fld("Id", "id"), fld("LastName", "string"), fld("Email", "email"), ref("AccountId", "Account", "Account")},
			"Event": {fld("Id", "id"), fld("Subject", "string"), ref("WhoId", "Who", "Contact", "User"),
				ref("WhatId", "What", "Account"), fld("DurationInMinutes", "int")},
		},
		children: map[string][]soql.ChildRelationship{
			"User":          {{RelationshipName: "PermissionSetAssignments", ChildSObject: "PermissionSetAssignment", Field: "AssigneeId"}},
			"PermissionSet": {{RelationshipName: "Assignments", ChildSObject: "PermissionSetAssignment", Field: "PermissionSetId"}},
			"Account":       {{RelationshipName: "Contacts", ChildSObject: "Contact", Field: "AccountId"}},
		},
	}
}

// fakeStore keeps records in insertion order per object.
type fakeStore struct {
	byObject map[string][]soql.Record
	byID     map[string]string // 15-character Id → object
	recs     map[string]soql.Record
}

func newStore() *fakeStore {
	return &fakeStore{byObject: map[string][]soql.Record{}, byID: map[string]string{}, recs: map[string]soql.Record{}}
}

func (st *fakeStore) add(object string, r soql.Record) {
	id := r["Id"].(string)
	st.byObject[object] = append(st.byObject[object], r)
	st.byID[id[:15]] = object
	st.recs[id[:15]] = r
}

func (st *fakeStore) All(object string) []soql.Record {
	return append([]soql.Record(nil), st.byObject[object]...)
}

func (st *fakeStore) Get(id string) (string, soql.Record, bool) {
	if len(id) != 15 && len(id) != 18 {
		return "", nil, false
	}
	o, ok := st.byID[id[:15]]
	if !ok {
		return "", nil, false
	}
	return o, st.recs[id[:15]], true
}

// id makes an 18-character Id from a key prefix and a number.
func id(prefix string, n int) string { return fmt.Sprintf("%s%09dAAA", prefix+"dM", n)[:15] + "AAA" }

// Ids used by the tests.
var (
	profAdmin   = id("00e", 1)
	profMin     = id("00e", 2)
	userAdmin   = id("005", 1)
	userInteg   = id("005", 2)
	userOld     = id("005", 3)
	psAPI       = id("0PS", 1)
	psCoconut   = id("0PS", 2)
	psOwned     = id("0PS", 3)
	psaInteg    = id("0Pa", 1)
	psaInteg2   = id("0Pa", 2)
	psaAdmin    = id("0Pa", 3)
	acctAcme    = id("001", 1)
	acctGlobex  = id("001", 2)
	acctInitech = id("001", 3)
	acctNull    = id("001", 4)
	contactBob  = id("003", 1)
	eventOne    = id("00U", 1)
	eventTwo    = id("00U", 2)
)

func newOrg() (*fakeSchema, *fakeStore) {
	st := newStore()
	st.add("Profile", soql.Record{"Id": profAdmin, "Name": "System Administrator", "Description": nil, "Address": nil})
	st.add("Profile", soql.Record{"Id": profMin, "Name": "Minimum Access - API Only Integrations", "Description": "API only", "Address": nil})
	st.add("User", soql.Record{"Id": userAdmin, "Username": "admin@example.com", "LastName": "Admin", "Email": "admin@example.com",
		"IsActive": true, "ProfileId": profAdmin, "ManagerId": nil, "CreatedDate": "2024-01-01T00:00:00.000+0000", "NumberOfFailedLogins": 0.0})
	st.add("User", soql.Record{"Id": userInteg, "Username": "integ@example.com", "LastName": "Integration", "Email": "integ@example.com",
		"IsActive": true, "ProfileId": profMin, "ManagerId": userAdmin, "CreatedDate": "2026-11-20T10:00:00.000+0000", "NumberOfFailedLogins": 2.0})
	st.add("User", soql.Record{"Id": userOld, "Username": "old@example.com", "LastName": "Old", "Email": nil,
		"IsActive": false, "ProfileId": nil, "ManagerId": nil, "CreatedDate": "2020-05-05T05:05:05.000+0000", "NumberOfFailedLogins": 5.0})
	st.add("PermissionSet", soql.Record{"Id": psAPI, "Name": "API_Access", "Label": "API Access", "NamespacePrefix": nil, "IsOwnedByProfile": false, "ProfileId": nil})
	st.add("PermissionSet", soql.Record{"Id": psCoconut, "Name": "Coconut_Integration_Config", "Label": "Coconut", "NamespacePrefix": "coconut", "IsOwnedByProfile": false, "ProfileId": nil})
	st.add("PermissionSet", soql.Record{"Id": psOwned, "Name": "X00ex00000018ozh_128_09_04_12_1", "Label": "Owned", "NamespacePrefix": nil, "IsOwnedByProfile": true, "ProfileId": profAdmin})
	st.add("PermissionSet", soql.Record{"Id": id("0PS", 4), "Name": "Unset_Flag", "Label": "Unset", "NamespacePrefix": nil, "IsOwnedByProfile": nil, "ProfileId": nil})
	st.add("PermissionSetAssignment", soql.Record{"Id": psaInteg, "AssigneeId": userInteg, "PermissionSetId": psAPI})
	st.add("PermissionSetAssignment", soql.Record{"Id": psaInteg2, "AssigneeId": userInteg, "PermissionSetId": psCoconut})
	st.add("PermissionSetAssignment", soql.Record{"Id": psaAdmin, "AssigneeId": userAdmin, "PermissionSetId": psOwned})
	st.add("Account", soql.Record{"Id": acctAcme, "Name": "Acme", "AnnualRevenue": 1000000.0, "NumberOfEmployees": 250.0, "Industry": "Manufacturing",
		"Markets__c": "EU;US", "LastActivityDate": "2026-11-22", "CreatedDate": "2026-11-23T08:00:00.000+0000", "OwnerId": userAdmin, "ParentId": nil, "Rating__c": "Hot"})
	st.add("Account", soql.Record{"Id": acctGlobex, "Name": "globex", "AnnualRevenue": 50.5, "NumberOfEmployees": 10.0, "Industry": "Energy",
		"Markets__c": "US", "LastActivityDate": "2026-10-01", "CreatedDate": "2025-01-15T12:00:00.000+0000", "OwnerId": userInteg, "ParentId": acctAcme, "Rating__c": nil})
	st.add("Account", soql.Record{"Id": acctInitech, "Name": "Initech 100% O'Brien_Co", "AnnualRevenue": nil, "NumberOfEmployees": 99.0, "Industry": "Manufacturing",
		"Markets__c": "APAC", "LastActivityDate": nil, "CreatedDate": "2026-11-23T09:30:00.000+0000", "OwnerId": userAdmin, "ParentId": acctGlobex, "Rating__c": "Cold"})
	st.add("Account", soql.Record{"Id": acctNull, "Name": "Zeta <&> \"Quoted\"", "AnnualRevenue": 7.0, "NumberOfEmployees": nil, "Industry": nil,
		"Markets__c": nil, "LastActivityDate": "2026-11-23", "CreatedDate": "2026-01-01T00:00:00.000+0000", "OwnerId": nil, "ParentId": nil, "Rating__c": nil})
	st.add("Contact", soql.Record{"Id": contactBob, "LastName": "Bob", "Email": "bob@example.com", "AccountId": acctAcme})
	st.add("Event", soql.Record{"Id": eventOne, "Subject": "Kickoff", "WhoId": contactBob, "WhatId": acctAcme, "DurationInMinutes": 60.0})
	st.add("Event", soql.Record{"Id": eventTwo, "Subject": "Sync", "WhoId": userInteg, "WhatId": nil, "DurationInMinutes": 30.0})
	return newSchema(), st
}
