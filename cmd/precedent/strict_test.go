package main

import (
	"strings"
	"testing"
)

// TestETLWarnings checks what `precedent etl` says and returns for runs
// that end in a warning: an empty source, and a file that is not UTF-8. A
// warning exits 0, and with --strict it is an error.
func TestETLWarnings(t *testing.T) {
	tests := []struct {
		name, source, want string
		strict             bool
	}{
		{"EmptySource", t.TempDir(), "warning: source ", false},
		{"EmptySourceStrict", t.TempDir(), "warning: source ", true},
		{"Windows1252", "../../etl/testdata/encoding/windows1252", "warning: tickets.csv: not UTF-8: 1 lines read as Windows-1252", false},
		{"Windows1252Strict", "../../etl/testdata/encoding/windows1252", "warning: tickets.csv: not UTF-8: 1 lines read as Windows-1252", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cfg := loaded(t)
			args := []string{"etl", "--config", cfg, "--source", tt.source, "--no-models"}
			if tt.strict {
				args = append(args, "--strict")
			}
			out, _, err := run(t, "", args...)
			if tt.strict && (err == nil || !strings.Contains(err.Error(), "--strict")) {
				t.Errorf("err = %v, want an error under --strict", err)
			}
			if !tt.strict && err != nil {
				t.Errorf("err = %v, want exit 0 without --strict", err)
			}
			if !strings.Contains(out, tt.want) || !strings.Contains(out, "run 2: warning") {
				t.Errorf("output lacks %q and run 2: warning:\n%s", tt.want, out)
			}
		})
	}
}
