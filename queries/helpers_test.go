package queries_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/queries"
)

// builder runs the models inside an ETL run, as the precedent command does.
type builder struct {
	settings queries.Settings
	userDir  string
	report   *queries.Report
}

func (b *builder) Build(ctx context.Context, env etl.BuildEnv) (etl.ModelsReport, error) {
	rep, err := queries.Build(ctx, env.Conn, queries.Options{Settings: b.settings, UserDir: b.userDir, Stage: env.Stage})
	b.report = rep
	return etl.ModelsReport{}, err
}

// load runs the ETL and the models over source and returns the published
// warehouse, opened read-only.
func load(tb testing.TB, source string, settings queries.Settings, userDir string) (*sql.DB, *queries.Report, wh.Dir) {
	tb.Helper()
	data := wh.Dir(tb.TempDir())
	b := &builder{settings: settings, userDir: userDir}
	_, err := etl.Run(context.Background(), etl.Options{Source: source, Data: data, Models: b, DuckDB: wh.Settings{Threads: 2, MemoryLimit: "2GB"}})
	if err != nil {
		tb.Fatalf("etl %s: %v", source, err)
	}
	g, err := data.Published()
	if err != nil {
		tb.Fatal(err)
	}
	db, err := wh.OpenReadOnly(context.Background(), g.Path, wh.Settings{Threads: 2})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, b.report, data
}

func settingsAsOf(date string) queries.Settings {
	s := queries.DefaultSettings()
	s.AsOf, _ = time.Parse(time.DateOnly, date)
	return s
}

// value runs a one-value query and renders the value as text ("<null>" for null).
func value(tb testing.TB, db *sql.DB, q string, args ...any) string {
	tb.Helper()
	var v sql.NullString
	if err := db.QueryRow("SELECT ("+q+")::VARCHAR", args...).Scan(&v); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	if !v.Valid {
		return "<null>"
	}
	return v.String
}

func number(tb testing.TB, db *sql.DB, q string, args ...any) float64 {
	tb.Helper()
	var v sql.NullFloat64
	if err := db.QueryRow("SELECT ("+q+")::DOUBLE", args...).Scan(&v); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	if !v.Valid {
		tb.Fatalf("%s: null", q)
	}
	return v.Float64
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
