package soql

import (
	"time"
)

// dateFunctions are SOQL's date functions. Source: SOQL and SOSL Reference,
// "Date Functions": usable in SELECT (of a grouped query), WHERE and GROUP
// BY, over date and dateTime fields; DAY_ONLY takes a dateTime and gives a
// date, the others give numbers. The fiscal year is the calendar year here
// (the emulated org's FiscalYearStartMonth is 1). dateTime values are taken
// in UTC: Salesforce converts them to the user's time zone first
// (convertTimezone() aside), which the emulator does not (UNCONFIRMED
// simplification).
var dateFunctions = map[string]bool{
	"CALENDAR_MONTH": true, "CALENDAR_QUARTER": true, "CALENDAR_YEAR": true,
	"DAY_IN_MONTH": true, "DAY_IN_WEEK": true, "DAY_IN_YEAR": true, "DAY_ONLY": true,
	"FISCAL_MONTH": true, "FISCAL_QUARTER": true, "FISCAL_YEAR": true,
	"HOUR_IN_DAY": true, "WEEK_IN_MONTH": true, "WEEK_IN_YEAR": true,
}

// applyDateFn computes fn over a stored date or dateTime value (nil stays nil).
func applyDateFn(fn string, v any) any {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	t, ok := asTime(s)
	if !ok {
		return nil
	}
	t = t.UTC()
	switch fn {
	case "CALENDAR_MONTH", "FISCAL_MONTH":
		return float64(t.Month())
	case "CALENDAR_QUARTER", "FISCAL_QUARTER":
		return float64((int(t.Month())-1)/3 + 1)
	case "CALENDAR_YEAR", "FISCAL_YEAR":
		return float64(t.Year())
	case "DAY_IN_MONTH":
		return float64(t.Day())
	case "DAY_IN_WEEK":
		// 1 is Sunday (the reference's table).
		return float64(t.Weekday() + 1)
	case "DAY_IN_YEAR":
		return float64(t.YearDay())
	case "DAY_ONLY":
		return t.Format(time.DateOnly)
	case "HOUR_IN_DAY":
		return float64(t.Hour())
	case "WEEK_IN_MONTH":
		// Days 1-7 are week 1 (the reference: "the first week is from the
		// first through the seventh day of the month").
		return float64((t.Day()-1)/7 + 1)
	case "WEEK_IN_YEAR":
		return float64((t.YearDay()-1)/7 + 1)
	}
	return nil
}

// dateFnRef makes ref the value of fn over its field: numbers, or a date for
// DAY_ONLY. ok is false when the field is not a date or dateTime.
func dateFnRef(fn string, ref *fieldRef) (*fieldRef, bool) {
	if ref.kind != kDate && ref.kind != kDateTime || fn == "DAY_ONLY" && ref.kind != kDateTime {
		return nil, false
	}
	out := *ref
	out.dateFn = fn
	out.kind = kNumber
	if fn == "DAY_ONLY" {
		out.kind = kDate
	}
	return &out, true
}
