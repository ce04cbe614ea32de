package main

import (
	"strings"
	"testing"
)

// TestModelTests lists each data test of a model once, with a readable
// name: a key column also named under not_null is one test, and an assert
// is named by its condition.
func TestModelTests(t *testing.T) {
	_, cfg := loaded(t)
	out := mustRun(t, "", "models", "exception_register", "--config", cfg)
	for _, once := range []string{"not_null(kind) ", "not_null(source_id) ", "unique(kind, source_id) "} {
		if n := strings.Count(out, once); n != 1 {
			t.Errorf("%s listed %d times, want once:\n%s", once, n, out)
		}
	}
	out = mustRun(t, "", "models", "headline_metrics", "--config", cfg)
	if strings.Contains(out, "assert#") || !strings.Contains(out, "assert: ci_low > value + 1e-9 or ci_high < value - 1e-9  ") {
		t.Errorf("asserts are not named by their condition:\n%s", out)
	}
}
