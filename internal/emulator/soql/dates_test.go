package soql_test

import (
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// TestDateLiterals evaluates every relative date literal on Monday
// 2026-11-23 12:00 UTC; weeks start on Sunday 2026-11-22.
// Source: SOQL "Date Formats and Date Literals".
func TestDateLiterals(t *testing.T) {
	s := newSchema()
	st := newStore()
	dates := []string{"2025-11-23", "2026-08-25", "2026-10-15", "2026-11-21", "2026-11-22", "2026-11-23",
		"2026-11-24", "2026-11-30", "2026-12-05", "2027-01-01"}
	for i, d := range dates {
		st.add("Account", soql.Record{"Id": id("001", 100+i), "Name": d, "LastActivityDate": d,
			"CreatedDate": d + "T23:59:59.000+0000"})
	}
	tests := []struct {
		cond string
		want string
	}{
		{"= YESTERDAY", "2026-11-22"},
		{"= TODAY", "2026-11-23"},
		{"= TOMORROW", "2026-11-24"},
		{"= THIS_WEEK", "2026-11-22 2026-11-23 2026-11-24"},
		{"= LAST_WEEK", "2026-11-21"},
		{"= NEXT_WEEK", "2026-11-30 2026-12-05"},
		{"= THIS_MONTH", "2026-11-21 2026-11-22 2026-11-23 2026-11-24 2026-11-30"},
		{"= LAST_MONTH", "2026-10-15"},
		{"= NEXT_MONTH", "2026-12-05"},
		{"= LAST_90_DAYS", "2026-08-25 2026-10-15 2026-11-21 2026-11-22 2026-11-23"},
		{"= NEXT_90_DAYS", "2026-11-24 2026-11-30 2026-12-05 2027-01-01"},
		{"= THIS_YEAR", "2026-08-25 2026-10-15 2026-11-21 2026-11-22 2026-11-23 2026-11-24 2026-11-30 2026-12-05"},
		{"= LAST_YEAR", "2025-11-23"},
		{"= NEXT_YEAR", "2027-01-01"},
		{"= LAST_N_DAYS:2", "2026-11-21 2026-11-22 2026-11-23"},
		{"= NEXT_N_DAYS:7", "2026-11-24 2026-11-30"},
		{"= N_DAYS_AGO:2", "2026-11-21"},
		{"= LAST_N_WEEKS:1", "2026-11-21"},
		{"= NEXT_N_WEEKS:2", "2026-11-30 2026-12-05"},
		{"= N_WEEKS_AGO:1", "2026-11-21"},
		{"= LAST_N_MONTHS:1", "2026-10-15"},
		{"= NEXT_N_MONTHS:2", "2026-12-05 2027-01-01"},
		{"= N_MONTHS_AGO:3", "2026-08-25"},
		{"= LAST_N_YEARS:1", "2025-11-23"},
		{"= NEXT_N_YEARS:1", "2027-01-01"},
		{"= N_YEARS_AGO:1", "2025-11-23"},
		{"!= THIS_YEAR", "2025-11-23 2027-01-01"},
		{"< TODAY", "2025-11-23 2026-08-25 2026-10-15 2026-11-21 2026-11-22"},
		{"<= YESTERDAY", "2025-11-23 2026-08-25 2026-10-15 2026-11-21 2026-11-22"},
		{"> THIS_MONTH", "2026-12-05 2027-01-01"},
		{">= TOMORROW", "2026-11-24 2026-11-30 2026-12-05 2027-01-01"},
		{"IN (TODAY, LAST_YEAR)", "2025-11-23 2026-11-23"},
	}
	for _, tc := range tests {
		for _, field := range []string{"LastActivityDate", "CreatedDate"} {
			t.Run(field+" "+tc.cond, func(t *testing.T) {
				res := run(t, "SELECT Name FROM Account WHERE "+field+" "+tc.cond, s, st, soql.Options{})
				if got := strings.Join(column(t, res, "Name"), " "); got != tc.want {
					t.Errorf("got  %s\nwant %s", got, tc.want)
				}
			})
		}
	}
}
