package main

import (
	"strings"
	"testing"
)

// TestPullWithoutSources checks precedent pull says what is missing when
// the configuration lists no sources to pull.
func TestPullWithoutSources(t *testing.T) {
	_, _, err := run(t, "", "pull", "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no sources to pull") {
		t.Errorf("got %v, want an error saying there are no sources to pull", err)
	}
}
