package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReportLinksFallBackToPublicURL checks the report links to the
// dashboard at server.public_url when report.base_url is empty, and at
// report.base_url when both are set. Week 2022-W13 of the good fixture has
// renewals and signings, so the report links to accounts.
func TestReportLinksFallBackToPublicURL(t *testing.T) {
	_, cfg := loaded(t)
	conf, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, conf, want string
	}{
		{"PublicURL", "server:\n  public_url: https://dash.example.com\n", "https://dash.example.com/"},
		{"BaseURL", "server:\n  public_url: https://dash.example.com\nreport:\n  base_url: https://reports.example.com/precedent/\n", "https://reports.example.com/precedent/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := filepath.Join(t.TempDir(), "precedent.yaml")
			if err := os.WriteFile(c, append(conf, tt.conf...), 0o644); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			mustRun(t, "", "report", "--config", c, "--week", "2022-W13", "--out", out)
			page, err := os.ReadFile(filepath.Join(out, "2022-W13", "report.html"))
			if err != nil {
				t.Fatal(err)
			}
			links := regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(string(page), -1)
			var accounts int
			for _, l := range links {
				if !strings.HasPrefix(l[1], tt.want) {
					t.Errorf("the report links to %s, want an address under %s", l[1], tt.want)
				}
				if strings.HasPrefix(l[1], tt.want+"accounts/") {
					accounts++
				}
			}
			if !strings.Contains(string(page), `href="`+tt.want+`reports/2022-W13"`) {
				t.Errorf("the report does not link to its page at %sreports/2022-W13", tt.want)
			}
			if accounts == 0 {
				t.Errorf("the report has no links to accounts under %saccounts/", tt.want)
			}
		})
	}
}
