package soql_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

func asError(err error, target **soql.Error) bool { return errors.As(err, target) }

const (
	wsdlField  = " If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
	wsdlObject = " If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
	wsdlRel    = " If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
)

// queryError parses and executes q and returns the *soql.Error it fails with.
func queryError(t *testing.T, q string, s soql.Schema, st soql.Store) *soql.Error {
	t.Helper()
	pq, err := soql.Parse(q)
	if err == nil {
		_, err = soql.Execute(pq, s, st, soql.Options{APIVersion: "62.0", Now: now})
	}
	if err == nil {
		t.Fatalf("%q: no error", q)
	}
	var se *soql.Error
	if !errors.As(err, &se) {
		t.Fatalf("%q: error %T %v is not *soql.Error", q, err, err)
	}
	return se
}

func TestErrors(t *testing.T) {
	s, st := newOrg()
	tests := []struct {
		name, q, code, msg string
	}{
		{
			// Exactly the recorded body: fixtures/error-INVALID_TYPE-query-v50.json.
			name: "unknown object (recorded)",
			q:    "SELECT Xyzzy FROM Xyzzy",
			code: "INVALID_TYPE",
			msg:  "\nSELECT Xyzzy FROM Xyzzy\n                  ^\nERROR at Row:1:Column:19\nsObject type 'Xyzzy' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
		},
		{
			name: "unknown object as written",
			q:    "SELECT Id FROM XYZZY WHERE Name = 'x'",
			code: "INVALID_TYPE",
			msg:  "\nSELECT Id FROM XYZZY WHERE Name = 'x'\n               ^\nERROR at Row:1:Column:16\nsObject type 'XYZZY' is not supported." + wsdlObject,
		},
		{
			// ORDER is not reserved: Order is a standard object.
			name: "Order parses as an object name",
			q:    "SELECT Id FROM Order ORDER BY Id",
			code: "INVALID_TYPE",
			msg:  "\nSELECT Id FROM Order ORDER BY Id\n               ^\nERROR at Row:1:Column:16\nsObject type 'Order' is not supported." + wsdlObject,
		},
		{
			name: "unknown field",
			q:    "SELECT Id, Foo FROM User",
			code: "INVALID_FIELD",
			msg:  "\nSELECT Id, Foo FROM User\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'User'." + wsdlField,
		},
		{
			name: "unknown field in WHERE: four tokens of context",
			q:    "SELECT Id, Username FROM User WHERE Usernme = 'x'",
			code: "INVALID_FIELD",
			msg:  "\nUsername FROM User WHERE Usernme = 'x'\n                         ^\nERROR at Row:1:Column:37\nNo such column 'Usernme' on entity 'User'." + wsdlField,
		},
		{
			name: "unknown field on a parent",
			q:    "SELECT Id, Profile.Foo FROM User",
			code: "INVALID_FIELD",
			msg:  "\nSELECT Id, Profile.Foo FROM User\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Profile'." + wsdlField,
		},
		{
			name: "unknown relationship",
			q:    "SELECT Id, Boss.Name FROM User",
			code: "INVALID_FIELD",
			msg:  "\nSELECT Id, Boss.Name FROM User\n           ^\nERROR at Row:1:Column:12\nDidn't understand relationship 'Boss' in field path." + wsdlRel,
		},
		{
			name: "field through a polymorphic relationship resolves on Name",
			q:    "SELECT Who.Industry FROM Event",
			code: "INVALID_FIELD",
			msg:  "\nSELECT Who.Industry FROM Event\n       ^\nERROR at Row:1:Column:8\nNo such column 'Industry' on entity 'Name'." + wsdlField,
		},
		{
			name: "unknown child relationship",
			q:    "SELECT Id, (SELECT Id FROM Assignments) FROM User",
			code: "INVALID_TYPE",
			msg:  "\n, (SELECT Id FROM Assignments) FROM User\n                  ^\nERROR at Row:1:Column:28\nDidn't understand relationship 'Assignments' in FROM part of query call." + wsdlRel,
		},
		{
			// FORM reads as an alias of Id; the parser then fails on User.
			name: "misspelt FROM",
			q:    "SELECT Id FORM User",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT Id FORM User\n              ^\nERROR at Row:1:Column:15\nunexpected token: 'User'",
		},
		{
			name: "missing comma",
			q:    "SELECT Id Name FROM Account",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT Id Name FROM Account\n          ^\nERROR at Row:1:Column:11\nonly aggregate expressions use field aliasing",
		},
		{
			name: "syntax errors come before a misplaced alias",
			q:    "SELECT Id Name FROM Account WHERE",
			code: "MALFORMED_QUERY",
			msg:  "\nId Name FROM Account WHERE\n                         ^\nERROR at Row:1:Column:33\nunexpected token: '<EOF>'",
		},
		{
			// The same query and column a public client's tests record.
			name: "trailing comma",
			q:    "SELECT Id, FROM Bar__c",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT Id, FROM Bar__c\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FROM'",
		},
		{
			name: "query ends after WHERE",
			q:    "SELECT Id FROM Bar__c WHERE",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT Id FROM Bar__c WHERE\n                          ^\nERROR at Row:1:Column:27\nunexpected token: '<EOF>'",
		},
		{
			name: "AND and OR mixed without parentheses",
			q:    "SELECT Id FROM User WHERE IsActive = true AND Username = 'a' OR Username = 'b'",
			code: "MALFORMED_QUERY",
			msg:  "\nAND Username = 'a' OR Username = 'b'\n                  ^\nERROR at Row:1:Column:61\nunexpected token: 'OR'",
		},
		{
			name: "unquoted text value",
			q:    "SELECT Id FROM User WHERE Username = bob",
			code: "MALFORMED_QUERY",
			msg:  "\nUser WHERE Username = bob\n                     ^\nERROR at Row:1:Column:37\nunexpected token: 'bob'",
		},
		{
			name: "unterminated string",
			q:    "SELECT Id FROM User WHERE Username = 'bob",
			code: "MALFORMED_QUERY",
			msg:  "\nUser WHERE Username = 'bob\n                     ^\nERROR at Row:1:Column:37\nunexpected token: ''bob'",
		},
		{
			name: "stray character",
			q:    "SELECT Id FROM User WHERE Username = 'a' && IsActive = true",
			code: "MALFORMED_QUERY",
			msg:  "\nWHERE Username = 'a' && IsActive = true\n                    ^\nERROR at Row:1:Column:41\nunexpected token: '&'",
		},
		{
			name: "error on a later line",
			q:    "SELECT Id\nFROM User\n  WHERE Foo = 1",
			code: "INVALID_FIELD",
			msg:  "\n  WHERE Foo = 1\n        ^\nERROR at Row:3:Column:9\nNo such column 'Foo' on entity 'User'." + wsdlField,
		},
		{
			// fixtures/error-INVALID_QUERY_FILTER_OPERATOR-invalid-id-v51.json
			// for the wording; the caret is under the field, and the "(" does not
			// count towards the four tokens of context.
			name: "malformed Id literal",
			q:    "SELECT Id FROM User WHERE (Id = 'somethingwonky') LIMIT 1",
			code: "INVALID_QUERY_FILTER_OPERATOR",
			msg:  "\nId FROM User WHERE (Id = 'somethingwonky') LIMIT 1\n                    ^\nERROR at Row:1:Column:28\ninvalid ID field: somethingwonky",
		},
		{
			name: "malformed Id in IN list on a reference field",
			q:    "SELECT Id FROM User WHERE ProfileId IN ('00e000000000001', '00e1')",
			code: "INVALID_QUERY_FILTER_OPERATOR",
			msg:  "\nId FROM User WHERE ProfileId IN ('00e000000000001', '00e1')\n                   ^\nERROR at Row:1:Column:27\ninvalid ID field: 00e1",
		},
		{
			// Wording: jetstreamapp/jetstream#270 (recorded org error).
			name: "quoted boolean",
			q:    "SELECT Id FROM User WHERE IsActive = 'TRUE'",
			code: "INVALID_FIELD",
			msg:  "\nId FROM User WHERE IsActive = 'TRUE'\n                   ^\nERROR at Row:1:Column:27\nvalue of filter criterion for field 'IsActive' must be of type boolean and should not be enclosed in quotes",
		},
		{
			// Wording: roblesterjr04/EloquentSalesForce#68 (recorded org error).
			name: "unquoted number for a text field",
			q:    "SELECT Id FROM User WHERE Username = 3999",
			code: "INVALID_FIELD",
			msg:  "\nId FROM User WHERE Username = 3999\n                   ^\nERROR at Row:1:Column:27\nvalue of filter criterion for field 'Username' must be of type string and should be enclosed in quotes",
		},
		{
			name: "quoted number",
			q:    "SELECT Id FROM Account WHERE AnnualRevenue >= '1'",
			code: "INVALID_FIELD",
			msg:  "\nId FROM Account WHERE AnnualRevenue >= '1'\n                      ^\nERROR at Row:1:Column:30\nvalue of filter criterion for field 'AnnualRevenue' must be of type double and should not be enclosed in quotes",
		},
		{
			name: "quoted datetime",
			q:    "SELECT Id FROM Account WHERE CreatedDate > '2024-01-01T00:00:00Z'",
			code: "INVALID_FIELD",
			msg:  "\nId FROM Account WHERE CreatedDate > '2024-01-01T00:00:00Z'\n                      ^\nERROR at Row:1:Column:30\nvalue of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
		},
		{
			name: "date literal on a dateTime field",
			q:    "SELECT COUNT() FROM Account WHERE CreatedDate > 2020-01-01",
			code: "INVALID_FIELD",
			msg:  "\nCOUNT() FROM Account WHERE CreatedDate > 2020-01-01\n                           ^\nERROR at Row:1:Column:35\nvalue of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
		},
		{
			name: "field neither grouped nor aggregated",
			q:    "SELECT Name, COUNT(Id) FROM Account GROUP BY Industry",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT Name, COUNT(Id) FROM Account GROUP BY Industry\n       ^\nERROR at Row:1:Column:8\nField must be grouped or aggregated: Name",
		},
		{
			name: "ordering an aggregate query by an ungrouped field",
			q:    "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY Name",
			code: "MALFORMED_QUERY",
			msg:  "\nBY Industry ORDER BY Name\n                     ^\nERROR at Row:1:Column:68\nOrdered field must be grouped or aggregated: Name",
		},
		{
			name: "long text area in WHERE",
			q:    "SELECT Id FROM Profile WHERE Description = 'x'",
			code: "INVALID_FIELD",
			msg:  "\nId FROM Profile WHERE Description = 'x'\n                      ^\nERROR at Row:1:Column:30\nfield 'Description' can not be filtered in query call",
		},
		{
			name: "long text area through a relationship",
			q:    "SELECT Id FROM User WHERE profile.description LIKE 'x%'",
			code: "INVALID_FIELD",
			msg:  "\nId FROM User WHERE profile.description LIKE 'x%'\n                   ^\nERROR at Row:1:Column:27\nfield 'Description' can not be filtered in query call",
		},
		{
			name: "address field in WHERE",
			q:    "SELECT Id FROM Profile WHERE Address = null",
			code: "INVALID_FIELD",
			msg:  "\nId FROM Profile WHERE Address = null\n                      ^\nERROR at Row:1:Column:30\nAddress fields can only be filtered using Distance expressions",
		},
		{
			name: "long text area in ORDER BY",
			q:    "SELECT Id FROM Profile ORDER BY Description",
			code: "MALFORMED_QUERY",
			msg:  "\nFROM Profile ORDER BY Description\n                      ^\nERROR at Row:1:Column:33\nfield 'Description' can not be sorted in a query call",
		},
		{
			name: "long text area in GROUP BY",
			q:    "SELECT Description FROM Profile GROUP BY Description",
			code: "MALFORMED_QUERY",
			msg:  "\nFROM Profile GROUP BY Description\n                      ^\nERROR at Row:1:Column:42\nfield 'Description' can not be grouped in a query call",
		},
		{
			name: "HAVING on an ungrouped field",
			q:    "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING Name = 'x'",
			code: "MALFORMED_QUERY",
			msg:  "\nGROUP BY Industry HAVING Name = 'x'\n                         ^\nERROR at Row:1:Column:66\nField must be grouped or aggregated: Name",
		},
		{
			name: "aggregate in WHERE",
			q:    "SELECT Id FROM Account WHERE COUNT(Id) > 1",
			code: "MALFORMED_QUERY",
			msg:  "\nId FROM Account WHERE COUNT(Id) > 1\n                          ^\nERROR at Row:1:Column:34\nunexpected token: '('",
		},
		{
			name: "alias on a plain field",
			q:    "SELECT TOLABEL(Industry) ind FROM Account",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT TOLABEL(Industry) ind FROM Account\n                         ^\nERROR at Row:1:Column:26\nonly aggregate expressions use field aliasing",
		},
		{
			name: "duplicate field",
			q:    "SELECT Id, Name, id FROM Account",
			code: "INVALID_FIELD",
			msg:  "\nId, Name, id FROM Account\n          ^\nERROR at Row:1:Column:18\nduplicate field selected: id",
		},
		{
			name: "duplicate through FIELDS()",
			q:    "SELECT Id, FIELDS(ALL) FROM User LIMIT 200",
			code: "INVALID_FIELD",
			msg:  "\nSELECT Id, FIELDS(ALL) FROM User LIMIT 200\n           ^\nERROR at Row:1:Column:12\nduplicate field selected: Id",
		},
		{
			name: "FIELDS(ALL) needs a LIMIT",
			q:    "SELECT FIELDS(ALL) FROM User",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT FIELDS(ALL) FROM User\n       ^\nERROR at Row:1:Column:8\nThe SOQL FIELDS function must have a LIMIT of at most 200",
		},
		{
			name: "FIELDS(CUSTOM) with too large a LIMIT",
			q:    "SELECT FIELDS(CUSTOM) FROM Account LIMIT 201",
			code: "MALFORMED_QUERY",
			msg:  "\nSELECT FIELDS(CUSTOM) FROM Account LIMIT 201\n       ^\nERROR at Row:1:Column:8\nThe SOQL FIELDS function must have a LIMIT of at most 200",
		},
		{
			name: "OFFSET above 2000",
			q:    "SELECT Id FROM User OFFSET 2001",
			code: "NUMBER_OUTSIDE_VALID_RANGE",
			msg:  "Maximum SOQL offset allowed is 2000",
		},
		{
			name: "semi-join must select one Id field",
			q:    "SELECT Id FROM User WHERE Id IN (SELECT Name FROM PermissionSet)",
			code: "MALFORMED_QUERY",
			msg:  "\nIN (SELECT Name FROM PermissionSet)\n                     ^\nERROR at Row:1:Column:51\nsemi join sub-selects are only allowed to have one field of type ID",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			se := queryError(t, tc.q, s, st)
			if se.Code != tc.code {
				t.Errorf("code = %s, want %s", se.Code, tc.code)
			}
			if se.Message != tc.msg {
				t.Errorf("message mismatch\n got: %q\nwant: %q", se.Message, tc.msg)
			}
		})
	}
}

// TestRecordedInvalidID reproduces the recorded error body byte for byte:
// the query had 257 characters before the Id the caret points at.
// Source: fixtures/error-INVALID_QUERY_FILTER_OPERATOR-invalid-id-v51.json.
func TestRecordedInvalidID(t *testing.T) {
	s, st := newOrg()
	var fields []string
	for i := 0; len(strings.Join(fields, ", ")) < 190; i++ {
		fields = append(fields, fmt.Sprintf("Pad%02d__c", i))
	}
	prefix := "SELECT " + strings.Join(fields, ", ") + ", "
	// Pad the last field name so that "Assignable_Adoption_Date__c" starts at offset 209.
	extra := 209 - len(prefix)
	if extra < 0 {
		t.Fatalf("prefix too long: %d", len(prefix))
	}
	fields[len(fields)-1] += strings.Repeat("x", extra)
	fields = append(fields, "Assignable_Adoption_Date__c")
	for _, f := range fields {
		s.fields["Contact"] = append(s.fields["Contact"], fld(f, "string"))
	}
	q := "SELECT " + strings.Join(fields, ", ") + " FROM Contact WHERE (Id = 'somethingwonky') LIMIT 1"
	se := queryError(t, q, s, st)
	want := "\nAssignable_Adoption_Date__c FROM Contact WHERE (Id = 'somethingwonky') LIMIT 1\n                                                ^\nERROR at Row:1:Column:258\ninvalid ID field: somethingwonky"
	if se.Code != "INVALID_QUERY_FILTER_OPERATOR" || se.Message != want {
		t.Errorf("got %s %q\nwant INVALID_QUERY_FILTER_OPERATOR %q", se.Code, se.Message, want)
	}
	if se.Row != 1 || se.Column != 258 {
		t.Errorf("position = %d:%d, want 1:258", se.Row, se.Column)
	}
}

// TestRecordedUnexpectedToken checks the caret and fragment against an
// error recorded in a public client: the caret sits on the space before the
// unexpected token, at Column:78.
func TestRecordedUnexpectedToken(t *testing.T) {
	prefix := "SELECT Id, Name, Type, Phone, Industry,   "
	if len(prefix) != 42 {
		t.Fatalf("prefix is %d bytes", len(prefix))
	}
	_, err := soql.Parse(prefix + "LastModifiedById, LastModifiedDate, From Account ")
	var se *soql.Error
	if !asError(err, &se) {
		t.Fatalf("err = %v", err)
	}
	want := "\nLastModifiedById, LastModifiedDate, From Account \n                                   ^\nERROR at Row:1:Column:78\nunexpected token: 'From'"
	if se.Code != "MALFORMED_QUERY" || se.Message != want {
		t.Errorf("got %s %q\nwant MALFORMED_QUERY %q", se.Code, se.Message, want)
	}
}

func TestErrorString(t *testing.T) {
	_, err := soql.Parse("SELECT")
	if err == nil {
		t.Fatal("no error")
	}
	want := "MALFORMED_QUERY: \nSELECT\n     ^\nERROR at Row:1:Column:6\nunexpected token: '<EOF>'"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
