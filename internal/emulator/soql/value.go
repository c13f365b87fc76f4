package soql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// fkind groups describe types by how SOQL compares them.
type fkind int

const (
	kString fkind = iota
	kID
	kBool
	kNumber
	kDate
	kDateTime
)

func kindOf(t string) fkind {
	switch strings.ToLower(t) {
	case "id", "reference":
		return kID
	case "boolean":
		return kBool
	case "int", "double", "currency", "percent", "long":
		return kNumber
	case "date":
		return kDate
	case "datetime":
		return kDateTime
	}
	return kString
}

// typeWord is the type name Salesforce uses in "must be of type X" messages.
// "string", "boolean" and "double" are recorded (see errors.go); the others
// follow the same pattern and are not confirmed.
func typeWord(t string) string {
	switch strings.ToLower(t) {
	case "id", "reference":
		return "id"
	case "boolean":
		return "boolean"
	case "int":
		return "integer"
	case "double", "currency", "percent", "long":
		return "double"
	case "date":
		return "date"
	case "datetime":
		return "dateTime"
	}
	return "string"
}

// validID reports whether s is shaped like a Salesforce Id: 15 or 18
// alphanumeric characters. Source: fixture
// error-INVALID_QUERY_FILTER_OPERATOR-invalid-id-v51.json (a 14-character
// value is rejected); declarative-lookup-rollup-summaries#626 (both 15- and
// 18-character forms are accepted, 14 and 17 are not).
func validID(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i]) || s[i] == '_' {
			return false
		}
	}
	return true
}

// id15 returns the case-sensitive 15-character form of an Id: an
// 18-character Id equals its 15-character form.
func id15(s string) string {
	if len(s) == 18 {
		return s[:15]
	}
	return s
}

// asString renders a stored value as text for string comparisons.
func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// timeLayouts are the forms dates and datetimes are stored or written in:
// the REST API's "2024-11-07T07:00:00.000+0000" (fixtures) and SOQL literals.
var timeLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02",
}

func asTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	// SOQL also allows a lower-case 't' and 'z'.
	if u := strings.ToUpper(s); u != s {
		return asTime(u)
	}
	return time.Time{}, false
}

// cval is a literal made ready for comparison against one field kind.
type cval struct {
	null bool
	str  string  // kString: lower-cased; kID: 15-character form
	raw  string  // kString: as written, for LIKE
	num  float64 // kNumber
	b    bool    // kBool
	// kDate / kDateTime: the instant, or the half-open range [from, to) of a
	// date literal (TODAY) or of a whole day compared to a datetime.
	from, to time.Time
	isRange  bool
	like     []likeElem // the compiled pattern, for LIKE
}

// unescapeWildcards turns the \_ and \% escapes, which the lexer keeps for
// LIKE, into plain characters for every other operator.
func unescapeWildcards(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '_' || s[i+1] == '%') {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// dayStart truncates t to 00:00 UTC.
func dayStart(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateRange gives the [from, to) range of a relative date literal.
// Weeks start on Sunday and all ranges are in UTC (the emulated org's
// users are in GMT). Source: SOQL "Date Formats and Date Literals".
func dateRange(name string, n int, now time.Time) (time.Time, time.Time) {
	d0 := dayStart(now)
	week := d0.AddDate(0, 0, -int(d0.Weekday()))
	month := time.Date(d0.Year(), d0.Month(), 1, 0, 0, 0, 0, time.UTC)
	year := time.Date(d0.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	switch name {
	case "YESTERDAY":
		return d0.AddDate(0, 0, -1), d0
	case "TODAY":
		return d0, d0.AddDate(0, 0, 1)
	case "TOMORROW":
		return d0.AddDate(0, 0, 1), d0.AddDate(0, 0, 2)
	case "LAST_WEEK":
		return week.AddDate(0, 0, -7), week
	case "THIS_WEEK":
		return week, week.AddDate(0, 0, 7)
	case "NEXT_WEEK":
		return week.AddDate(0, 0, 7), week.AddDate(0, 0, 14)
	case "LAST_MONTH":
		return month.AddDate(0, -1, 0), month
	case "THIS_MONTH":
		return month, month.AddDate(0, 1, 0)
	case "NEXT_MONTH":
		return month.AddDate(0, 1, 0), month.AddDate(0, 2, 0)
	case "LAST_90_DAYS":
		return d0.AddDate(0, 0, -90), d0.AddDate(0, 0, 1)
	case "NEXT_90_DAYS":
		return d0.AddDate(0, 0, 1), d0.AddDate(0, 0, 91)
	case "THIS_YEAR":
		return year, year.AddDate(1, 0, 0)
	case "LAST_YEAR":
		return year.AddDate(-1, 0, 0), year
	case "NEXT_YEAR":
		return year.AddDate(1, 0, 0), year.AddDate(2, 0, 0)
	case "LAST_N_DAYS:":
		return d0.AddDate(0, 0, -n), d0.AddDate(0, 0, 1)
	case "NEXT_N_DAYS:":
		return d0.AddDate(0, 0, 1), d0.AddDate(0, 0, 1+n)
	case "N_DAYS_AGO:":
		return d0.AddDate(0, 0, -n), d0.AddDate(0, 0, -n+1)
	case "LAST_N_WEEKS:":
		return week.AddDate(0, 0, -7*n), week
	case "NEXT_N_WEEKS:":
		return week.AddDate(0, 0, 7), week.AddDate(0, 0, 7+7*n)
	case "N_WEEKS_AGO:":
		return week.AddDate(0, 0, -7*n), week.AddDate(0, 0, -7*n+7)
	case "LAST_N_MONTHS:":
		return month.AddDate(0, -n, 0), month
	case "NEXT_N_MONTHS:":
		return month.AddDate(0, 1, 0), month.AddDate(0, 1+n, 0)
	case "N_MONTHS_AGO:":
		return month.AddDate(0, -n, 0), month.AddDate(0, -n+1, 0)
	case "LAST_N_YEARS:":
		return year.AddDate(-n, 0, 0), year
	case "NEXT_N_YEARS:":
		return year.AddDate(1, 0, 0), year.AddDate(1+n, 0, 0)
	case "N_YEARS_AGO:":
		return year.AddDate(-n, 0, 0), year.AddDate(-n+1, 0, 0)
	}
	return d0, d0.AddDate(0, 0, 1)
}

// likeElem is one element of a compiled LIKE pattern.
type likeElem struct {
	any  bool // %
	one  bool // _
	char rune
}

// compileLike turns a SOQL LIKE pattern into elements: % is any run of
// characters, _ exactly one, \% and \_ are literal, and the match is
// case-insensitive. Source: SOQL "Comparison Operators" (LIKE).
func compileLike(pattern string) []likeElem {
	var pat []likeElem
	pr := []rune(strings.ToLower(pattern))
	for i := 0; i < len(pr); i++ {
		switch c := pr[i]; {
		case c == '\\' && i+1 < len(pr) && (pr[i+1] == '%' || pr[i+1] == '_'):
			pat = append(pat, likeElem{char: pr[i+1]})
			i++
		case c == '%':
			pat = append(pat, likeElem{any: true})
		case c == '_':
			pat = append(pat, likeElem{one: true})
		default:
			pat = append(pat, likeElem{char: c})
		}
	}
	return pat
}

// likeMatch reports whether s matches a compiled LIKE pattern.
func likeMatch(s string, pat []likeElem) bool {
	str := []rune(strings.ToLower(s))
	// Iterative wildcard match with one backtrack point (the last %).
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(pat) && !pat[pi].any && (pat[pi].one || pat[pi].char == str[si]):
			si++
			pi++
		case pi < len(pat) && pat[pi].any:
			star = pi
			mark = si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].any {
		pi++
	}
	return pi == len(pat)
}
