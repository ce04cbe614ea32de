package etl

import (
	"errors"
	"strings"
	"testing"
)

// TestReadBounded reads answers at, under and over the limit: one over it
// fails with ErrTooLarge instead of coming back cut short.
func TestReadBounded(t *testing.T) {
	for _, tt := range []struct {
		body    string
		limit   int64
		tooMany bool
	}{
		{"", 4, false},
		{"abc", 4, false},
		{"abcd", 4, false},
		{"abcde", 4, true},
	} {
		b, err := ReadBounded(strings.NewReader(tt.body), tt.limit)
		if got := errors.Is(err, ErrTooLarge); got != tt.tooMany {
			t.Errorf("%q with limit %d: error %v, want too large %v", tt.body, tt.limit, err, tt.tooMany)
		}
		if !tt.tooMany && string(b) != tt.body {
			t.Errorf("%q with limit %d: read %q", tt.body, tt.limit, b)
		}
	}
}
