package soql_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// FuzzParse checks that no input makes the engine panic, and that every
// failure is a *soql.Error whose message has Salesforce's shape.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"SELECT Id, Username FROM User WHERE Username = 'u' AND IsActive = true LIMIT 1",
		"SELECT Id FROM PermissionSet WHERE Name='X' AND NamespacePrefix='ns'",
		"SELECT Id, (SELECT Id FROM PermissionSetAssignments) FROM User",
		"SELECT COUNT() FROM Account",
		"SELECT Industry, COUNT(Id) cnt FROM Account GROUP BY Industry ORDER BY Industry DESC NULLS LAST LIMIT 5 OFFSET 1",
		"SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:30 OR (Name LIKE '%\\_x' AND NOT Industry IN ('a', 'b'))",
		"SELECT Subject, TYPEOF Who WHEN Contact THEN LastName ELSE Id END FROM Event",
		"SELECT Id FROM User WHERE Id IN (SELECT AssigneeId FROM PermissionSetAssignment)",
		"SELECT FIELDS(ALL) FROM Account LIMIT 200",
		"SELECT Id FROM Account WHERE CreatedDate > 2024-01-31T10:00:00.000+01:00",
		"SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC",
		"SELECT Xyzzy FROM Xyzzy",
		"SELECT Id FROM User WHERE (Id = 'somethingwonky')",
		"SELECT Name FROM Account WHERE Name = 'é\\'\\n'",
		"SELECT",
		"",
	} {
		f.Add(seed)
	}
	s, st := newOrg()
	f.Fuzz(func(t *testing.T, q string) {
		pq, err := soql.Parse(q)
		if err == nil {
			_, err = soql.Execute(pq, s, st, soql.Options{APIVersion: "62.0", Now: now})
			if err == nil {
				_, err = soql.Columns(pq, s)
			}
		}
		if err == nil {
			return
		}
		var se *soql.Error
		if !errors.As(err, &se) {
			t.Fatalf("%q: error %T %v is not *soql.Error", q, err, err)
		}
		if se.Code == "NUMBER_OUTSIDE_VALID_RANGE" {
			return
		}
		if !strings.HasPrefix(se.Message, "\n") || !strings.Contains(se.Message, fmt.Sprintf("\nERROR at Row:%d:Column:%d\n", se.Row, se.Column)) {
			t.Fatalf("%q: message %q lacks the caret block", q, se.Message)
		}
	})
}
