package netsuite

import (
	"slices"
	"time"
)

// settle is how long before the server's time a record's
// lastmodifieddate must be for a saved cursor to pass it: a record saved
// in a transaction that commits after a read may carry an earlier
// lastmodifieddate, and is read by the next pull (read again, the later
// landing wins).
const settle = time.Minute

// earliestClock is the earliest any time zone's clock is behind UTC
// (UTC-12): capped on it, a cursor is no later than the token user's
// clock, whatever that user's time zone preference.
const earliestClock = -12 * time.Hour

// settled is the cursor to save after a read that started at start, got
// to cur, and was first answered at asOf (the server's Date; zero when
// not known): cur, but
//   - no later than asOf less settle on the token user's clock, the time
//     zone SuiteQL writes and reads times in (vendors.time_zones.netsuite;
//     when unset, the earliest clock anywhere, so the cursor may lag up to
//     a day);
//   - with that zone known, out of a wall-clock hour that the end of
//     daylight saving time repeats: a time in it names two instants, and
//     a record saved in the second with a time before the cursor's would
//     never be read. The cursor moves back an hour, so the next pull
//     reads the repeated hour again;
//   - never before start.
//
// A cursor moved back keeps its time with zero keys, before every record
// of that second.
func settled(start, cur position, asOf time.Time, loc *time.Location) position {
	if cur.Time == "" || !before(start, cur) {
		return cur
	}
	out := cur
	if !asOf.IsZero() {
		var limit string
		if loc == nil {
			limit = asOf.UTC().Add(earliestClock - settle).Format(time.DateTime)
		} else {
			limit = asOf.In(loc).Add(-settle).Format(time.DateTime)
		}
		if out.Time > limit {
			out = position{Time: limit, Keys: make([]string, len(cur.Keys))}
		}
	}
	for repeated(out.Time, loc) {
		w, _ := time.Parse(time.DateTime, out.Time)
		out = position{Time: w.Add(-time.Hour).Format(time.DateTime), Keys: make([]string, len(cur.Keys))}
	}
	for i, k := range out.Keys {
		if k == "" {
			out.Keys[i] = "0"
		}
	}
	if before(out, start) {
		return start
	}
	return out
}

// repeated says whether wall, a time on loc's clock, names two instants:
// the clock went back over it at the end of daylight saving time.
func repeated(wall string, loc *time.Location) bool {
	w, err := time.Parse(time.DateTime, wall)
	if err != nil || loc == nil {
		return false
	}
	var instants []time.Time
	for _, around := range []time.Duration{-24 * time.Hour, 24 * time.Hour} {
		_, offset := w.Add(around).In(loc).Zone()
		t := w.Add(-time.Duration(offset) * time.Second)
		if t.In(loc).Format(time.DateTime) == wall && !slices.ContainsFunc(instants, t.Equal) {
			instants = append(instants, t)
		}
	}
	return len(instants) == 2
}
