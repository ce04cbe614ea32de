package generate

import (
	"testing"
	"time"
)

func date(s string) day {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return dayOf(t)
}

func TestQuarterEnd(t *testing.T) {
	for _, tc := range []struct {
		start   int
		d, want string
		late    bool
	}{
		{1, "2024-01-01", "2024-03-31", false},
		{1, "2024-03-18", "2024-03-31", true},
		{1, "2024-03-17", "2024-03-31", false},
		{1, "2024-12-31", "2024-12-31", true},
		{2, "2024-01-20", "2024-01-31", true},
		{2, "2024-01-17", "2024-01-31", false},
		{2, "2024-02-01", "2024-04-30", false},
		{7, "2024-06-20", "2024-06-30", true},
		{7, "2024-07-01", "2024-09-30", false},
		{11, "2024-12-01", "2025-01-31", false},
	} {
		f := fiscal{startMonth: tc.start}
		d := date(tc.d)
		if got := f.quarterEnd(d); got != date(tc.want) {
			t.Errorf("fiscal start %d, %s: got quarter end %s, want %s", tc.start, tc.d, got.time().Format("2006-01-02"), tc.want)
		}
		if got := f.isLate(d); got != tc.late {
			t.Errorf("fiscal start %d, %s: got late %v, want %v", tc.start, tc.d, got, tc.late)
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct {
		d    string
		n    int
		want string
	}{
		{"2024-01-31", 1, "2024-02-29"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-03-15", 12, "2025-03-15"},
		{"2024-08-31", -6, "2024-02-29"},
		{"2024-12-01", 3, "2025-03-01"},
	} {
		if got := date(tc.d).addMonths(tc.n); got != date(tc.want) {
			t.Errorf("%s + %d months: got %s, want %s", tc.d, tc.n, got.time().Format("2006-01-02"), tc.want)
		}
	}
}
