package emulator

import (
	"time"
	_ "time/tzdata" // the org's time zones do not depend on the machine's zoneinfo
)

// januaryFirst is the reference instant for standard-time offsets.
var januaryFirst = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func loadLocation(tz string) (*time.Location, error) {
	if tz == "GMT" {
		return time.UTC, nil
	}
	return time.LoadLocation(tz)
}
