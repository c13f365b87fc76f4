package emulator

import (
	"time"
)

// januaryFirst is the reference instant for standard-time offsets.
var januaryFirst = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func loadLocation(tz string) (*time.Location, error) {
	if tz == "GMT" {
		return time.UTC, nil
	}
	return time.LoadLocation(tz)
}
