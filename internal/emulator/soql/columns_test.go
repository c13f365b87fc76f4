package soql_test

import (
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// col renders one expected column the way Salesforce orders its keys.
func col(aggregate bool, apexType, name, display, fk string, insertable, updatable bool, join string, number, text, boolean bool) string {
	q := func(s string) string {
		if s == "" {
			return "null"
		}
		return `"` + s + `"`
	}
	b := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	return `{"aggregate":` + b(aggregate) + `,"apexType":` + q(apexType) + `,"booleanType":` + b(boolean) +
		`,"columnName":"` + name + `","custom":false,"displayName":"` + display + `","foreignKeyName":` + q(fk) +
		`,"insertable":` + b(insertable) + `,"joinColumns":[` + join + `],"numberType":` + b(number) +
		`,"textType":` + b(text) + `,"updatable":` + b(updatable) + `}`
}

func TestColumns(t *testing.T) {
	s, _ := newOrg()
	id := col(false, "Id", "Id", "Id", "", false, false, "", false, false, false)
	username := col(false, "String", "Username", "Username", "", true, true, "", false, true, false)
	name := col(false, "String", "Name", "Name", "", true, true, "", false, true, false)
	tests := []struct {
		q    string
		want string
	}{
		{"SELECT Id, Username FROM User", "[" + id + "," + username + "]"},
		{
			// Fields of one parent share a column, with joinColumns.
			"SELECT Id, Profile.Name, IsActive, Profile.Id FROM User",
			"[" + id + "," + col(false, "", "Profile", "Profile", "ProfileId", false, false, name+","+id, false, false, false) + "," +
				col(false, "Boolean", "IsActive", "IsActive", "", true, true, "", false, false, true) + "]",
		},
		{
			"SELECT Assignee.Profile.Name FROM PermissionSetAssignment",
			"[" + col(false, "", "Assignee", "Assignee", "AssigneeId", false, false,
				col(false, "", "Profile", "Profile", "ProfileId", false, false, name, false, false, false), false, false, false) + "]",
		},
		{
			// A child subquery is an aggregate column whose joinColumns are its fields.
			"SELECT Username, (SELECT PermissionSetId FROM PermissionSetAssignments) FROM User",
			"[" + username + "," + col(true, "", "PermissionSetAssignments", "PermissionSetAssignments", "", false, false,
				col(false, "Id", "PermissionSetId", "PermissionSetId", "", true, true, "", false, false, false), false, false, false) + "]",
		},
		{
			// Aggregates are named exprN or by alias, displayed as written.
			"SELECT Industry, count(Id), MAX(NumberOfEmployees) most FROM Account GROUP BY Industry",
			"[" + col(false, "String", "Industry", "Industry", "", true, true, "", false, true, false) + "," +
				col(true, "", "expr0", "count(Id)", "", false, false, "", true, false, false) + "," +
				col(true, "", "most", "MAX(NumberOfEmployees)", "", false, false, "", true, false, false) + "]",
		},
		{"SELECT COUNT() FROM Account", "[]"},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			pq, err := soql.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := soql.Columns(pq, s)
			if err != nil {
				t.Fatal(err)
			}
			if got := encode(t, cols); got != tc.want {
				t.Errorf("columns mismatch\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func TestColumnsError(t *testing.T) {
	s, _ := newOrg()
	pq, err := soql.Parse("SELECT Nope FROM User")
	if err != nil {
		t.Fatal(err)
	}
	_, err = soql.Columns(pq, s)
	var se *soql.Error
	if !asError(err, &se) || se.Code != "INVALID_FIELD" {
		t.Errorf("err = %v, want INVALID_FIELD", err)
	}
}

func TestQueryAccessors(t *testing.T) {
	tests := []struct {
		q       string
		object  string
		grouped bool
	}{
		{"SELECT Id FROM user", "user", false},
		{"SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry", "Account", true},
		{"SELECT COUNT(Id) FROM Account", "Account", false},
	}
	for _, tc := range tests {
		pq, err := soql.Parse(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if pq.Object() != tc.object || pq.Grouped() != tc.grouped || pq.String() != tc.q {
			t.Errorf("%q: Object=%q Grouped=%v String=%q, want %q %v", tc.q, pq.Object(), pq.Grouped(), pq.String(), tc.object, tc.grouped)
		}
	}
}
