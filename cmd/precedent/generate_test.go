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

// TestGenerateLayout checks that --layout writes a vendor layout and says
// how to load it, and refuses an unknown layout or a format beside one.
func TestGenerateLayout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{"Exports", []string{"--layout", "exports"}, "salesforce/Opportunity", ""},
		{"Connector", []string{"--layout", "connector"}, "stripe/invoice_line_item", ""},
		{"Airbyte", []string{"--layout", "airbyte"}, "salesforce/SBQQ__QuoteLine__c", ""},
		{"Contract", []string{"--layout", "contract", "--format", "jsonl"}, "deals.jsonl", ""},
		{"Unknown", []string{"--layout", "hubspot"}, "", `--layout "hubspot": want contract, exports, connector, airbyte`},
		{"FormatBeside", []string{"--layout", "exports", "--format", "csv"}, "", "--format applies to the contract layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "src")
			out, _, err := run(t, "", append([]string{"generate", "--out", dir, "--scale", "0.02"}, tc.args...)...)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("got error %v, want one saying %q", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("got error %v, want none", err)
			case !strings.Contains(out, tc.want):
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			case tc.name != "Contract" && !strings.Contains(out, "load it with: precedent etl --source "+dir+" --config "+filepath.Join(dir, "precedent.yaml")):
				t.Errorf("output does not say how to load the layout:\n%s", out)
			}
		})
	}
}

// TestETLNothingChanged runs precedent etl twice on the same files and
// as-of date: the second run keeps the generation and says so; a new as-of
// date builds one.
func TestETLNothingChanged(t *testing.T) {
	data := t.TempDir()
	src := "../../etl/testdata/good"
	mustRun(t, "", "etl", "--source", src, "--data", data, "--as-of", "2026-06-30")
	if out := mustRun(t, "", "etl", "--source", src, "--data", data, "--as-of", "2026-06-30"); !strings.Contains(out, "run 2: nothing changed, generation 1 kept") {
		t.Errorf("second run on the same files and as-of:\n%s", out)
	}
	if out := mustRun(t, "", "etl", "--source", src, "--data", data, "--as-of", "2026-07-01"); !strings.Contains(out, "run 3: success, published") {
		t.Errorf("a new as-of date:\n%s", out)
	}
}
