package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateEffects checks that --effects names each world and refuses
// anything else.
func TestGenerateEffects(t *testing.T) {
	for _, tc := range []struct {
		effects, want, wantErr string
	}{
		{"default", "effects default", ""},
		{"none", "effects none", ""},
		{"confounded", "effects confounded", ""},
		{"planted", "", "want default, none or confounded"},
	} {
		t.Run(tc.effects, func(t *testing.T) {
			out, _, err := run(t, "", "generate", "--out", filepath.Join(t.TempDir(), "src"), "--scale", "0.05", "--effects", tc.effects)
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got error %v, want one saying %q", err, tc.wantErr)
			case tc.wantErr == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case !strings.Contains(out, tc.want):
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}
