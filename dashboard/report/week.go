package report

import (
	"fmt"
	"time"
)

// Week is an ISO 8601 week.
type Week struct {
	Year int
	Num  int
}

// ParseWeek reads "2026-W47".
func ParseWeek(s string) (Week, error) {
	var w Week
	if _, err := fmt.Sscanf(s, "%4d-W%2d", &w.Year, &w.Num); err != nil || w.String() != s {
		return Week{}, fmt.Errorf("week %q: want an ISO week like 2026-W47", s)
	}
	if w.Num < 1 || w.Num > 53 || w.Start().AddDate(0, 0, 3).Year() != w.Year {
		return Week{}, fmt.Errorf("week %q: %d has no week %d", s, w.Year, w.Num)
	}
	return w, nil
}

// WeekOf is the ISO week t falls in.
func WeekOf(t time.Time) Week {
	y, n := t.UTC().ISOWeek()
	return Week{y, n}
}

// LastComplete is the last ISO week that ended before now.
func LastComplete(now time.Time) Week {
	return WeekOf(now.UTC().AddDate(0, 0, -7))
}

// String is the week as ISO 8601 writes it: 2026-W47.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Start is the week's Monday, 00:00 UTC.
func (w Week) Start() time.Time {
	// January 4th is always in week 1.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w.Num-1))
}

// End is the next week's Monday, 00:00 UTC (exclusive).
func (w Week) End() time.Time { return w.Start().AddDate(0, 0, 7) }

// Prev is the week before.
func (w Week) Prev() Week { return WeekOf(w.Start().AddDate(0, 0, -7)) }
