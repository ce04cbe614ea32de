package queries_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/queries"
)

// TestFingerprint checks that the models' fingerprint is stable for the
// same settings and analysts' models, and moves with the as-of date, any
// other setting, and any change to the analysts' models.
func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	write := func(name, sql string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("my_model.sql", "-- grain: one row\nselect 1 as x")
	base := queries.DefaultSettings()
	base.AsOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	fp := func(s queries.Settings) string {
		t.Helper()
		f, err := queries.Fingerprint(s, dir)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	want := fp(base)
	if again := fp(base); again != want {
		t.Fatalf("two fingerprints of the same inputs differ: %s, %s", want, again)
	}
	later := base
	later.AsOf = base.AsOf.AddDate(0, 0, 1)
	tier := base
	tier.RiskTierHigh++
	for name, s := range map[string]queries.Settings{"AsOf": later, "RiskTierHigh": tier} {
		if fp(s) == want {
			t.Errorf("%s changed but the fingerprint did not", name)
		}
	}
	write("my_model.sql", "-- grain: one row\nselect 2 as x")
	if fp(base) == want {
		t.Errorf("an analyst's model changed but the fingerprint did not")
	}
	write("my_model.sql", "-- grain: one row\nselect 1 as x")
	if fp(base) != want {
		t.Errorf("the analyst's model is back as it was but the fingerprint is not")
	}
}
