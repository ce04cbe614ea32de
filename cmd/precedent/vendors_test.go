package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestETLVendorExports loads vendor exports through the command, with the
// vendors section of the configuration, and checks what it prints.
func TestETLVendorExports(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "precedent.yaml")
	conf := "data: " + filepath.Join(dir, "data") + "\nas_of: 2026-06-30\nvendors:\n  escalation_tags: [escalated, sev1]\n  files:\n    tickets.csv: zendesk/tickets\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "etl", "--config", cfg, "--source", "../../etl/adapters/testdata/mixed")
	for _, want := range []string{
		"run 1: success",
		"salesforce/Opportunity.csv (salesforce Opportunity): 4 rows: 4 loaded, 0 quarantined",
		"docusign/envelopes.csv (docusign envelopes): 6 rows: 0 loaded, 1 quarantined, 3 enrichment, 2 recorded",
		"tickets.csv (zendesk tickets): 4 rows: 3 loaded, 1 quarantined",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("etl output lacks %q:\n%s", want, out)
		}
	}
	if out := mustRun(t, "", "config", "--config", cfg); !strings.Contains(out, "- sev1") || !strings.Contains(out, "tickets.csv: zendesk/tickets") {
		t.Errorf("config does not print the vendors section:\n%s", out)
	}
}
