package soql_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// now is the instant date literals are evaluated against in these tests.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func run(t *testing.T, q string, s soql.Schema, st soql.Store, opts soql.Options) *soql.Result {
	t.Helper()
	pq, err := soql.Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	if opts.APIVersion == "" {
		opts.APIVersion = "62.0"
	}
	if opts.Now.IsZero() {
		opts.Now = now
	}
	res, err := soql.Execute(pq, s, st, opts)
	if err != nil {
		t.Fatalf("Execute(%q): %v", q, err)
	}
	return res
}

// column returns the value of key in every row, as text ("<null>" for null).
func column(t *testing.T, res *soql.Result, key string) []string {
	t.Helper()
	out := []string{}
	for _, r := range res.Rows {
		v, ok := r.Get(key)
		if !ok {
			t.Fatalf("row has no %q: %+v", key, r)
		}
		if v == nil {
			out = append(out, "<null>")
			continue
		}
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// encode marshals v the way the emulator must: without HTML escaping.
func encode(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encode: %v", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

const (
	acme    = "Acme"
	globex  = "globex"
	initech = "Initech 100% O'Brien_Co"
	zeta    = "Zeta <&> \"Quoted\""
)

func TestWhereOperators(t *testing.T) {
	s, st := newOrg()
	tests := []struct {
		where string
		want  []string
	}{
		// Equality on text is case-insensitive.
		{"Name = 'ACME'", []string{acme}},
		{"Name != 'acme'", []string{globex, initech, zeta}},
		{"Name <> 'acme'", []string{globex, initech, zeta}},
		{"Name='Acme'", []string{acme}},
		{"Industry = 'manufacturing'", []string{acme, initech}},
		// Numbers.
		{"AnnualRevenue > 100", []string{acme}},
		{"AnnualRevenue >= 50.5", []string{acme, globex}},
		{"AnnualRevenue < 50.5", []string{zeta}},
		{"AnnualRevenue <= 50.5", []string{globex, zeta}},
		{"NumberOfEmployees = 10", []string{globex}},
		{"AnnualRevenue > -1", []string{acme, globex, zeta}},
		// null: = null and != null test for it; a null field differs from every value.
		{"AnnualRevenue = null", []string{initech}},
		{"AnnualRevenue != NULL", []string{acme, globex, zeta}},
		{"Rating__c != 'Hot'", []string{globex, initech, zeta}},
		{"Rating__c = 'hot'", []string{acme}},
		// LIKE: % and _ wildcards, case-insensitive, \% \_ and \' literal.
		{"Name LIKE 'a%'", []string{acme}},
		{"Name LIKE '%EX'", []string{globex}},
		{"Name LIKE '_lobex'", []string{globex}},
		{"Name LIKE '%100\\%%'", []string{initech}},
		{"Name LIKE '%\\_Co'", []string{initech}},
		{"Name LIKE '%O\\'Brien%'", []string{initech}},
		{"Name LIKE '%'", []string{acme, globex, initech, zeta}},
		{"Name LIKE 'Acm'", []string{}},
		{"Rating__c LIKE '%'", []string{acme, initech}},
		// IN and NOT IN.
		{"Industry IN ('energy', 'Retail')", []string{globex}},
		{"Industry NOT IN ('Energy')", []string{acme, initech, zeta}},
		{"NumberOfEmployees IN (10, 99)", []string{globex, initech}},
		{"Name IN ('Acme')", []string{acme}},
		// Multi-select picklists.
		{"Markets__c INCLUDES ('US')", []string{acme, globex}},
		{"Markets__c INCLUDES ('EU;US')", []string{acme}},
		{"Markets__c INCLUDES ('APAC', 'EU')", []string{acme, initech}},
		{"Markets__c EXCLUDES ('US')", []string{initech, zeta}},
		// Dates and datetimes.
		{"LastActivityDate = 2026-11-22", []string{acme}},
		{"LastActivityDate > 2026-11-01", []string{acme, zeta}},
		{"LastActivityDate = null", []string{initech}},
		{"CreatedDate > 2026-11-23T08:30:00Z", []string{initech}},
		{"CreatedDate >= 2026-11-23T09:30:00.000+0000", []string{initech}},
		{"CreatedDate < 2025-06-01T00:00:00-05:00", []string{globex}},
		{"CreatedDate = TODAY", []string{acme, initech}},
		{"CreatedDate < TODAY", []string{globex, zeta}},
		{"CreatedDate > YESTERDAY", []string{acme, initech}},
		{"LastActivityDate = YESTERDAY", []string{acme}},
		{"LastActivityDate = today", []string{zeta}},
		{"CreatedDate = LAST_N_DAYS:365", []string{acme, initech, zeta}},
		{"CreatedDate = THIS_YEAR", []string{acme, initech, zeta}},
		{"CreatedDate = LAST_YEAR", []string{globex}},
		{"LastActivityDate = THIS_MONTH", []string{acme, zeta}},
		// Relationship fields, one and two levels up.
		{"Owner.Username = 'integ@example.com'", []string{globex}},
		{"Parent.Name = 'acme'", []string{globex}},
		{"Parent.Parent.Name = 'Acme'", []string{initech}},
		{"Owner.Profile.Name LIKE 'System%'", []string{acme, initech}},
		{"Parent.Name = null", []string{acme, zeta}},
		{"Account.Name = 'Acme'", []string{acme}},
		// Ids: 15 and 18 characters are the same record; case matters.
		{"Id = '" + acctAcme[:15] + "'", []string{acme}},
		{"Id = '" + acctAcme + "'", []string{acme}},
		{"Id = '" + strings.ToLower(acctAcme) + "'", []string{}},
		{"Id IN ('" + acctAcme + "', '" + acctInitech[:15] + "')", []string{acme, initech}},
		{"Id != '" + acctAcme + "'", []string{globex, initech, zeta}},
		{"ParentId = '" + acctAcme[:15] + "'", []string{globex}},
		{"OwnerId = null", []string{zeta}},
		// AND, OR, NOT and parentheses.
		{"Name = 'Acme' OR (Name = 'globex' AND Industry = 'Retail')", []string{acme}},
		{"(Name = 'Acme' OR Name = 'globex') AND Industry = 'Energy'", []string{globex}},
		{"Name = 'Acme' OR Name = 'globex' OR Name = 'nobody'", []string{acme, globex}},
		{"Industry = 'Manufacturing' AND AnnualRevenue > 10 AND Name LIKE 'A%'", []string{acme}},
		{"NOT Name = 'Acme'", []string{globex, initech, zeta}},
		{"NOT (Name = 'Acme' OR Name = 'globex')", []string{initech, zeta}},
		{"NOT Name = 'Acme' AND Industry = 'Manufacturing'", []string{initech}},
		{"NOT (NOT Name = 'Acme')", []string{acme}},
		{"((Name = 'Acme'))", []string{acme}},
		// Semi-join and anti-join.
		{"OwnerId IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.Name = 'API_Access')", []string{globex}},
		{"OwnerId NOT IN (SELECT AssigneeId FROM PermissionSetAssignment)", []string{zeta}},
	}
	for _, tc := range tests {
		t.Run(tc.where, func(t *testing.T) {
			res := run(t, "SELECT Name FROM Account WHERE "+tc.where, s, st, soql.Options{})
			got := column(t, res, "Name")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if res.TotalSize != len(tc.want) {
				t.Errorf("TotalSize = %d, want %d", res.TotalSize, len(tc.want))
			}
		})
	}
}

func TestClientQueries(t *testing.T) {
	s, st := newOrg()
	tests := []struct {
		name, q, key string
		want         []string
	}{
		// Source: real-clients.md §2 (jsforce find().limit(1)).
		{"jsforce", "SELECT Id, Username FROM User WHERE Username = 'integ@example.com' AND IsActive = true LIMIT 1", "Username", []string{"integ@example.com"}},
		// Source: real-clients.md §3.4 (sf org assign permset, no spaces around =).
		{"sf permset", "SELECT Id FROM PermissionSet WHERE Name='Coconut_Integration_Config' AND NamespacePrefix='coconut'", "Id", []string{psCoconut}},
		{"sf user", "SELECT Id FROM User WHERE Username='admin@example.com'", "Id", []string{userAdmin}},
		{"keywords in any case", "select id from user where isactive = TRUE order by username desc limit 1", "Id", []string{userInteg}},
		{"assignments by user", "SELECT Id FROM PermissionSetAssignment WHERE Assignee.Username = 'integ@example.com' AND PermissionSet.IsOwnedByProfile = false", "Id", []string{psaInteg, psaInteg2}},
		{"profile name", "SELECT Username FROM User WHERE Profile.Name = 'system administrator'", "Username", []string{"admin@example.com"}},
		{"semi-join", "SELECT Username FROM User WHERE Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.Name = 'API_Access')", "Username", []string{"integ@example.com"}},
		{"anti-join", "SELECT Username FROM User WHERE Id NOT IN (SELECT AssigneeId FROM PermissionSetAssignment)", "Username", []string{"old@example.com"}},
		{"boolean false", "SELECT Username FROM User WHERE IsActive = FALSE", "Username", []string{"old@example.com"}},
		// Source: SOQL "Use null in WHERE" (null matches false on a boolean).
		{"boolean = null", "SELECT Name FROM PermissionSet WHERE IsOwnedByProfile = null", "Name", []string{"API_Access", "Coconut_Integration_Config", "Unset_Flag"}},
		{"boolean != null", "SELECT Name FROM PermissionSet WHERE IsOwnedByProfile != null", "Name", []string{"X00ex00000018ozh_128_09_04_12_1"}},
		{"stored null boolean is false", "SELECT Name FROM PermissionSet WHERE IsOwnedByProfile = false AND Label = 'Unset'", "Name", []string{"Unset_Flag"}},
		{"with security_enforced", "SELECT Username FROM User WITH SECURITY_ENFORCED WHERE IsActive = false", "Username", []string{"old@example.com"}},
		{"for view", "SELECT Username FROM User WHERE IsActive = false FOR VIEW", "Username", []string{"old@example.com"}},
		{"multi-line", "SELECT Username\n  FROM User\n WHERE LastName = 'Old'", "Username", []string{"old@example.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := column(t, run(t, tc.q, s, st, soql.Options{}), tc.key)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.q, diff)
			}
		})
	}
}

func TestOrderLimitOffset(t *testing.T) {
	s, st := newOrg()
	tests := []struct {
		tail string
		want []string
	}{
		{"", []string{acme, globex, initech, zeta}},
		{"ORDER BY Name", []string{acme, globex, initech, zeta}},
		{"ORDER BY Name DESC", []string{zeta, initech, globex, acme}},
		// Nulls come first by default, in either direction.
		{"ORDER BY AnnualRevenue", []string{initech, zeta, globex, acme}},
		{"ORDER BY AnnualRevenue ASC NULLS FIRST", []string{initech, zeta, globex, acme}},
		{"ORDER BY AnnualRevenue DESC", []string{initech, acme, globex, zeta}},
		{"ORDER BY AnnualRevenue DESC NULLS LAST", []string{acme, globex, zeta, initech}},
		{"ORDER BY AnnualRevenue NULLS LAST", []string{zeta, globex, acme, initech}},
		{"ORDER BY Industry, Name DESC", []string{zeta, globex, initech, acme}},
		{"ORDER BY Owner.Username NULLS LAST, Name", []string{acme, initech, globex, zeta}},
		{"ORDER BY CreatedDate DESC", []string{initech, acme, zeta, globex}},
		{"ORDER BY LastActivityDate DESC NULLS LAST", []string{zeta, acme, globex, initech}},
		{"ORDER BY Name LIMIT 2", []string{acme, globex}},
		{"ORDER BY Name LIMIT 2 OFFSET 1", []string{globex, initech}},
		{"ORDER BY Name OFFSET 3", []string{zeta}},
		{"ORDER BY Name OFFSET 10", []string{}},
		{"LIMIT 0", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.tail, func(t *testing.T) {
			got := column(t, run(t, "SELECT Name FROM Account "+tc.tail, s, st, soql.Options{}), "Name")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCount(t *testing.T) {
	s, st := newOrg()
	tests := []struct {
		q    string
		want int
	}{
		{"SELECT COUNT() FROM Account", 4},
		{"SELECT count() FROM Account WHERE Industry = 'Manufacturing'", 2},
		{"SELECT COUNT() FROM Account LIMIT 1", 1},
		{"SELECT COUNT() FROM Account WHERE Name = 'nobody'", 0},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			res := run(t, tc.q, s, st, soql.Options{})
			if res.TotalSize != tc.want {
				t.Errorf("TotalSize = %d, want %d", res.TotalSize, tc.want)
			}
			// Source: fixtures/query-count-v50.json ("records" : [ ]).
			if got := encode(t, res.Rows); got != "[]" {
				t.Errorf("rows = %s, want []", got)
			}
		})
	}
}

func TestRowJSON(t *testing.T) {
	s, st := newOrg()
	tests := []struct {
		name string
		q    string
		opts soql.Options
		want string
	}{
		{
			name: "fields in SELECT order, parent relationships nested, null parent",
			q:    "SELECT Id, Username, IsActive, NumberOfFailedLogins, Profile.Name, Email, Manager.Username, Manager.Profile.Name FROM User WHERE Username LIKE 'integ%' OR Username = 'old@example.com' ORDER BY Username",
			want: `[{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000002AAAA"},"Id":"005dM000000002AAAA","Username":"integ@example.com","IsActive":true,"NumberOfFailedLogins":2,"Profile":{"attributes":{"type":"Profile","url":"/services/data/v62.0/sobjects/Profile/00edM000000002AAAA"},"Name":"Minimum Access - API Only Integrations"},"Email":"integ@example.com","Manager":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000001AAAA"},"Username":"admin@example.com","Profile":{"attributes":{"type":"Profile","url":"/services/data/v62.0/sobjects/Profile/00edM000000001AAAA"},"Name":"System Administrator"}}},` +
				`{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000003AAAA"},"Id":"005dM000000003AAAA","Username":"old@example.com","IsActive":false,"NumberOfFailedLogins":5,"Profile":null,"Email":null,"Manager":null}]`,
		},
		{
			name: "names come back canonical; tooling urls",
			q:    "select username, PROFILE.name from USER where username = 'admin@example.com'",
			opts: soql.Options{APIVersion: "51.0", Tooling: true},
			want: `[{"attributes":{"type":"User","url":"/services/data/v51.0/tooling/sobjects/User/005dM000000001AAAA"},"Username":"admin@example.com","Profile":{"attributes":{"type":"Profile","url":"/services/data/v51.0/tooling/sobjects/Profile/00edM000000001AAAA"},"Name":"System Administrator"}}]`,
		},
		{
			name: "text is not HTML-escaped; numbers are JSON numbers",
			q:    "SELECT Name, AnnualRevenue, NumberOfEmployees FROM Account WHERE Name LIKE 'Zeta%'",
			want: `[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001dM000000004AAAA"},"Name":"Zeta <&> \"Quoted\"","AnnualRevenue":7,"NumberOfEmployees":null}]`,
		},
		{
			name: "child subquery: records, or null when there are none",
			q:    "SELECT Username, (SELECT PermissionSet.Name FROM PermissionSetAssignments ORDER BY PermissionSet.Name DESC) FROM User ORDER BY Username",
			want: `[{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000001AAAA"},"Username":"admin@example.com","PermissionSetAssignments":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"PermissionSetAssignment","url":"/services/data/v62.0/sobjects/PermissionSetAssignment/0PadM000000003AAAA"},"PermissionSet":{"attributes":{"type":"PermissionSet","url":"/services/data/v62.0/sobjects/PermissionSet/0PSdM000000003AAAA"},"Name":"X00ex00000018ozh_128_09_04_12_1"}}]}},` +
				`{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000002AAAA"},"Username":"integ@example.com","PermissionSetAssignments":{"totalSize":2,"done":true,"records":[{"attributes":{"type":"PermissionSetAssignment","url":"/services/data/v62.0/sobjects/PermissionSetAssignment/0PadM000000002AAAA"},"PermissionSet":{"attributes":{"type":"PermissionSet","url":"/services/data/v62.0/sobjects/PermissionSet/0PSdM000000002AAAA"},"Name":"Coconut_Integration_Config"}},{"attributes":{"type":"PermissionSetAssignment","url":"/services/data/v62.0/sobjects/PermissionSetAssignment/0PadM000000001AAAA"},"PermissionSet":{"attributes":{"type":"PermissionSet","url":"/services/data/v62.0/sobjects/PermissionSet/0PSdM000000001AAAA"},"Name":"API_Access"}}]}},` +
				`{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000003AAAA"},"Username":"old@example.com","PermissionSetAssignments":null}]`,
		},
		{
			name: "child subquery with WHERE and LIMIT",
			q:    "SELECT Name, (SELECT Id FROM Assignments WHERE Assignee.IsActive = true LIMIT 1) FROM PermissionSet WHERE IsOwnedByProfile = false",
			want: `[{"attributes":{"type":"PermissionSet","url":"/services/data/v62.0/sobjects/PermissionSet/0PSdM000000001AAAA"},"Name":"API_Access","Assignments":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"PermissionSetAssignment","url":"/services/data/v62.0/sobjects/PermissionSetAssignment/0PadM000000001AAAA"},"Id":"0PadM000000001AAAA"}]}},` +
				`{"attributes":{"type":"PermissionSet","url":"/services/data/v62.0/sobjects/PermissionSet/0PSdM000000002AAAA"},"Name":"Coconut_Integration_Config","Assignments":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"PermissionSetAssignment","url":"/services/data/v62.0/sobjects/PermissionSetAssignment/0PadM000000002AAAA"},"Id":"0PadM000000002AAAA"}]}},` +
				`{"attributes":{"type":"PermissionSet","url":"/services/data/v62.0/sobjects/PermissionSet/0PSdM000000004AAAA"},"Name":"Unset_Flag","Assignments":null}]`,
		},
		{
			name: "TYPEOF picks the fields of the record's type",
			q:    "SELECT Subject, TYPEOF Who WHEN Contact THEN LastName, Email WHEN User THEN Username ELSE Id END, What.Name FROM Event",
			want: `[{"attributes":{"type":"Event","url":"/services/data/v62.0/sobjects/Event/00UdM000000001AAAA"},"Subject":"Kickoff","Who":{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003dM000000001AAAA"},"LastName":"Bob","Email":"bob@example.com"},"What":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001dM000000001AAAA"},"Name":"Acme"}},` +
				`{"attributes":{"type":"Event","url":"/services/data/v62.0/sobjects/Event/00UdM000000002AAAA"},"Subject":"Sync","Who":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000002AAAA"},"Username":"integ@example.com"},"What":null}]`,
		},
		{
			name: "polymorphic relationship field without TYPEOF",
			q:    "SELECT Who.LastName FROM Event ORDER BY Subject",
			want: `[{"attributes":{"type":"Event","url":"/services/data/v62.0/sobjects/Event/00UdM000000001AAAA"},"Who":{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003dM000000001AAAA"},"LastName":"Bob"}},` +
				`{"attributes":{"type":"Event","url":"/services/data/v62.0/sobjects/Event/00UdM000000002AAAA"},"Who":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005dM000000002AAAA"},"LastName":"Integration"}}]`,
		},
		{
			name: "FIELDS(STANDARD) in describe order",
			q:    "SELECT FIELDS(STANDARD) FROM Profile WHERE Name = 'System Administrator'",
			want: `[{"attributes":{"type":"Profile","url":"/services/data/v62.0/sobjects/Profile/00edM000000001AAAA"},"Id":"00edM000000001AAAA","Name":"System Administrator","Description":null,"Address":null}]`,
		},
		{
			name: "FIELDS(CUSTOM)",
			q:    "SELECT FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme' LIMIT 200",
			want: `[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001dM000000001AAAA"},"Markets__c":"EU;US","Rating__c":"Hot"}]`,
		},
		{
			name: "COUNT(Id) is one AggregateResult row named expr0",
			q:    "SELECT COUNT(Id) FROM User",
			// Source: fixtures/query-aggregate-countId.json.
			want: `[{"attributes":{"type":"AggregateResult"},"expr0":3}]`,
		},
		{
			name: "GROUP BY with aliases and several aggregates",
			q:    "SELECT Industry, COUNT(Id) cnt, MAX(AnnualRevenue), SUM(NumberOfEmployees), MIN(Name) FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST",
			want: `[{"attributes":{"type":"AggregateResult"},"Industry":"Energy","cnt":1,"expr0":50.5,"expr1":10,"expr2":"globex"},` +
				`{"attributes":{"type":"AggregateResult"},"Industry":"Manufacturing","cnt":2,"expr0":1000000,"expr1":349,"expr2":"Acme"},` +
				`{"attributes":{"type":"AggregateResult"},"Industry":null,"cnt":1,"expr0":7,"expr1":null,"expr2":"Zeta <&> \"Quoted\""}]`,
		},
		{
			name: "GROUP BY a relationship field; COUNT_DISTINCT and AVG",
			q:    "SELECT Assignee.Username, COUNT_DISTINCT(PermissionSetId) n, AVG(Assignee.NumberOfFailedLogins) FROM PermissionSetAssignment GROUP BY Assignee.Username ORDER BY Assignee.Username",
			want: `[{"attributes":{"type":"AggregateResult"},"Username":"admin@example.com","n":1,"expr0":0},{"attributes":{"type":"AggregateResult"},"Username":"integ@example.com","n":2,"expr0":2}]`,
		},
		{
			name: "HAVING on a count; ORDER BY an aggregate",
			q:    "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING COUNT(Id) >= 1 AND Industry != null ORDER BY COUNT(Id) DESC, Industry",
			want: `[{"attributes":{"type":"AggregateResult"},"Industry":"Manufacturing","expr0":2},{"attributes":{"type":"AggregateResult"},"Industry":"Energy","expr0":1}]`,
		},
		{
			name: "HAVING filters groups out; ORDER BY an aggregate that is not selected",
			q:    "SELECT Industry FROM Account GROUP BY Industry HAVING MAX(AnnualRevenue) > 10 OR Industry = null ORDER BY MAX(AnnualRevenue) DESC NULLS LAST",
			want: `[{"attributes":{"type":"AggregateResult"},"Industry":"Manufacturing"},{"attributes":{"type":"AggregateResult"},"Industry":"Energy"},{"attributes":{"type":"AggregateResult"},"Industry":null}]`,
		},
		{
			name: "duplicate check with HAVING",
			q:    "SELECT AssigneeId, COUNT(Id) n FROM PermissionSetAssignment GROUP BY AssigneeId HAVING COUNT(Id) > 1",
			want: `[{"attributes":{"type":"AggregateResult"},"AssigneeId":"005dM000000002AAAA","n":2}]`,
		},
		{
			name: "HAVING without GROUP BY",
			q:    "SELECT COUNT(Id) FROM Account HAVING COUNT(Id) > 10",
			want: `[]`,
		},
		{
			name: "aggregate over no rows",
			q:    "SELECT COUNT(Id), SUM(AnnualRevenue) FROM Account WHERE Name = 'nobody'",
			want: `[{"attributes":{"type":"AggregateResult"},"expr0":0,"expr1":null}]`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.q, s, st, tc.opts)
			got := encode(t, res.Rows)
			if got != tc.want {
				t.Errorf("JSON mismatch\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func TestRowMarshalJSON(t *testing.T) {
	// json.Marshal on a Row goes through MarshalJSON (and escapes HTML, as
	// encoding/json always does for Marshaler output).
	row := soql.Row{Type: "User", URL: "/services/data/v62.0/sobjects/User/005", Fields: []soql.RowField{
		{Name: "Id", Value: "005"},
		{Name: "Manager", Value: (*soql.Row)(nil)},
		{Name: "PermissionSetAssignments", Value: (*soql.SubResult)(nil)},
		{Name: "Ratio", Value: 0.25},
		{Name: "Count", Value: 3},
	}}
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/005"},"Id":"005","Manager":null,"PermissionSetAssignments":null,"Ratio":0.25,"Count":3}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestResultObject(t *testing.T) {
	s, st := newOrg()
	res := run(t, "SELECT Id FROM permissionsetassignment", s, st, soql.Options{})
	if res.Object != "PermissionSetAssignment" {
		t.Errorf("Object = %q, want PermissionSetAssignment", res.Object)
	}
}

func TestFilter(t *testing.T) {
	s, st := newOrg()
	recs, err := soql.Filter("PermissionSetAssignment", "Assignee.Username = 'integ@example.com' AND PermissionSet.NamespacePrefix = 'coconut'", s, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0]["Id"] != psaInteg2 {
		t.Errorf("Filter = %v, want the coconut assignment %s", recs, psaInteg2)
	}
	_, err = soql.Filter("PermissionSetAssignment", "Nope = 1", s, st)
	var se *soql.Error
	if !asError(err, &se) || se.Code != "INVALID_FIELD" {
		t.Errorf("Filter with unknown field: err = %v, want INVALID_FIELD", err)
	}
}
