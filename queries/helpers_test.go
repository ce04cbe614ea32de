package queries_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// load runs the ETL and the models over source and returns the published
// warehouse, opened read-only, the models' report and the data directory.
func load(tb testing.TB, source string, settings queries.Settings, userDir string) (*sql.DB, *queries.Report, wh.Dir) {
	tb.Helper()
	data := wh.Dir(tb.TempDir())
	rep := loadInto(tb, source, data, settings, userDir)
	return fixture.OpenPublished(tb, data), rep, data
}

// loadInto runs the ETL and the models over source into the data
// directory data, on top of what it holds, and returns the models' report.
func loadInto(tb testing.TB, source string, data wh.Dir, settings queries.Settings, userDir string) *queries.Report {
	tb.Helper()
	m := &company.Models{Settings: settings, UserDir: userDir}
	if _, err := company.Load(context.Background(), source, data, m); err != nil {
		tb.Fatal(err)
	}
	return m.Report
}

// kindOf says what db holds under name: "table", "view" or "none".
func kindOf(tb testing.TB, db *sql.DB, name string) string {
	tb.Helper()
	return fixture.Value(tb, db, "SELECT coalesce((SELECT 'table' FROM duckdb_tables() WHERE table_name = $1), (SELECT 'view' FROM duckdb_views() WHERE view_name = $1), 'none')", name)
}

func settingsAsOf(date string) queries.Settings {
	s := queries.DefaultSettings()
	s.AsOf, _ = time.Parse(time.DateOnly, date)
	return s
}

func metric(tb testing.TB, db *sql.DB, name string) (value, low, high float64, n int64) {
	tb.Helper()
	var v, lo, hi sql.NullFloat64
	err := db.QueryRow("SELECT value, ci_low, ci_high, n FROM headline_metrics WHERE metric = ?", name).Scan(&v, &lo, &hi, &n)
	if err != nil {
		tb.Fatalf("metric %s: %v", name, err)
	}
	if !v.Valid {
		tb.Fatalf("metric %s has no value (n=%d)", name, n)
	}
	return v.Float64, lo.Float64, hi.Float64, n
}
