package generate

import (
	"math"
	"time"
)

// day is a calendar date as days since 1970-01-01, the Arrow date32 value.
type day int32

// noDay marks an absent date.
const noDay day = math.MinInt32

const (
	microsPerDay  = int64(86400) * 1e6
	microsPerHour = int64(3600) * 1e6
)

// dayOf returns the UTC date of t.
func dayOf(t time.Time) day {
	y, m, d := t.UTC().Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// time returns the date as UTC midnight.
func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// micros returns UTC midnight of the date in microseconds since the epoch.
func (d day) micros() int64 { return int64(d) * microsPerDay }

// addMonths moves the date by n calendar months, clamping the day of month to
// the target month's last day (Jan 31 + 1 month = Feb 28).
func (d day) addMonths(n int) day {
	y, m, dd := d.time().Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if dd > last {
		dd = last
	}
	return dayOf(first.AddDate(0, 0, dd-1))
}

// monthEnd returns the last day of the month that is n months after the
// date's month.
func (d day) monthEnd(n int) day {
	y, m, _ := d.time().Date()
	return dayOf(time.Date(y, m+time.Month(n)+1, 0, 0, 0, 0, 0, time.UTC))
}

// fiscal answers questions about fiscal quarters for a fiscal year starting
// in startMonth (1..12).
type fiscal struct{ startMonth int }

// quarterEnd returns the last day of the fiscal quarter holding d.
func (f fiscal) quarterEnd(d day) day {
	m := int(d.time().Month())
	off := (m - f.startMonth + 12) % 12 // months into the fiscal year
	return d.monthEnd(2 - off%3)
}

// isLate reports whether d lies in the last 14 days of its fiscal quarter,
// that is less than 14 days before the quarter's last day.
func (f fiscal) isLate(d day) bool { return f.quarterEnd(d)-d < 14 }
