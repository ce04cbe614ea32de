package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestSources runs the dry run on fixtures of each kind and compares its
// output with testdata/sources/<name>.txt (-update rewrites them): contract
// files, vendor exports, Salesforce Data Loader and report layouts, a
// NetSuite saved search, API JSON, connector tables, custom fields, a
// Windows-1252 file, an empty source, and a small company written as each
// vendor layout of precedent generate --layout (read with the settings the
// layout writes).
func TestSources(t *testing.T) {
	tests := []struct {
		name, source string
		fails        bool
		layout       string
	}{
		{"contract", "../../etl/testdata/good", false, ""},
		{"mixed", "../../etl/adapters/testdata/mixed", false, ""},
		{"dataloader", "../../etl/adapters/testdata/dataloader", false, ""},
		{"report", "../../etl/adapters/testdata/report", false, ""},
		{"netsuite_search", "../../etl/adapters/testdata/netsuite_search", false, ""},
		{"api", "../../etl/adapters/testdata/api", false, ""},
		{"api_pages", "../../etl/adapters/testdata/api_pages", false, ""},
		{"connector", "../../etl/adapters/testdata/connector", false, ""},
		{"custom", "../../etl/adapters/testdata/custom", false, ""},
		{"layout_exports", t.TempDir(), false, "exports"},
		{"layout_connector", t.TempDir(), false, "connector"},
		{"layout_airbyte", t.TempDir(), false, "airbyte"},
		{"encoding", "../../etl/testdata/encoding/windows1252", true, ""},
		{"empty", t.TempDir(), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.source); err != nil {
				t.Fatalf("fixture: %v", err)
			}
			args := []string{"sources", "--source", tt.source, "--as-of", "2026-11-26"}
			if tt.layout != "" {
				mustRun(t, "", "generate", "--out", tt.source, "--layout", tt.layout, "--scale", "0.02", "--seed", "3", "--as-of", "2026-11-26")
				args = append(args, "--config", filepath.Join(tt.source, "precedent.yaml"))
			}
			data := t.TempDir()
			out, _, err := run(t, "", append(args, "--data", data)...)
			if (err != nil) != tt.fails {
				t.Fatalf("err = %v, want failure %v\n%s", err, tt.fails, out)
			}
			if entries, _ := os.ReadDir(data); len(entries) > 0 {
				t.Errorf("the dry run wrote %d entries into the data directory", len(entries))
			}
			golden := filepath.Join("testdata", "sources", tt.name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/precedent -run TestSources -update)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s:\n%s", golden, out)
			}
		})
	}
	// JSON has the same content for scripts.
	out, _, err := run(t, "", "sources", "--data", t.TempDir(), "--source", "../../etl/adapters/testdata/mixed", "--format", "json")
	var p etl.Preview
	if err != nil || json.Unmarshal([]byte(out), &p) != nil || len(p.Result.Files) == 0 || len(p.Samples) == 0 {
		t.Errorf("json: %v %.200s", err, out)
	}
	if !strings.Contains(out, `"quarantine_samples"`) {
		t.Errorf("json lacks the quarantine samples")
	}
}
