package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
)

// TestPullHubSpotCustomFields checks that precedent pull gives a HubSpot
// source the configuration's vendors: the custom property vendors.fields
// maps for deals is asked for and landed.
func TestPullHubSpotCustomFields(t *testing.T) {
	fake := hubspotfake.New(t)
	fake.Put("deals", hubspotfake.Record{ID: "201", Modified: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC),
		Props: map[string]string{"amount": "8000", "dealstage": "closedwon", "discount_reason": "multi-year commitment"}})
	t.Setenv("TEST_HUBSPOT_TOKEN", hubspotfake.Token)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := filepath.Join(dir, "precedent.yaml")
	conf := "data: " + data + `
sources:
  - name: crm
    kind: hubspot
    api_url: ` + fake.URL() + `
    access_token_env: TEST_HUBSPOT_TOKEN
vendors:
  fields:
    hubspot/deals:
      discount_reason: discount_reason
`
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "pull", "--config", cfg)
	b, err := os.ReadFile(filepath.Join(data, "landing", "crm", "hubspot", "deals", "run-000001.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"discount_reason":"multi-year commitment"`) {
		t.Errorf("landed deals %s, want the custom property discount_reason", b)
	}
}
