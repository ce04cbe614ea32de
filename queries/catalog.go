package queries

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// writeCatalog records, in the generation, every model (layer, grain, key,
// description, dependencies, rows, build time, status, test counts), the
// columns of each with their documentation, and every data test's result,
// so `precedent models` and the dashboard's schema browser read them back.
func writeCatalog(ctx context.Context, conn *sql.Conn, models []*Model, rep *Report) error {
	stmts := []string{
		`CREATE OR REPLACE TABLE _models (name VARCHAR, layer VARCHAR, path VARCHAR, grain VARCHAR, key VARCHAR[], description VARCHAR,
  depends_on VARCHAR[], status VARCHAR, error VARCHAR, row_count BIGINT, build_seconds DOUBLE, tests_passed INTEGER, tests_failed INTEGER, sql VARCHAR)`,
		`CREATE OR REPLACE TABLE _model_columns (model VARCHAR, position INTEGER, column_name VARCHAR, data_type VARCHAR, description VARCHAR)`,
		`CREATE OR REPLACE TABLE _data_tests (model VARCHAR, test VARCHAR, status VARCHAR, failing_rows BIGINT, sql VARCHAR, error VARCHAR)`,
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("write catalog: %w", err)
		}
	}
	byName := map[string]ModelResult{}
	for _, r := range rep.Models {
		byName[r.Name] = r
	}
	for _, m := range models {
		r := byName[m.Name]
		var passed, failed int
		for _, t := range rep.Tests {
			if t.Model != m.Name {
				continue
			}
			if t.Status == Pass {
				passed++
			} else {
				failed++
			}
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO _models VALUES (?, ?, ?, ?, ?::VARCHAR[], ?, ?::VARCHAR[], ?, ?, ?, ?, ?, ?, ?)`,
			m.Name, m.Layer, m.Path, m.Header.Grain, []string(m.Header.Key), strings.TrimSpace(m.Header.Description),
			nonNil(m.Deps), r.Status, r.Error, r.Rows, r.Seconds, passed, failed, m.SQL)
		if err != nil {
			return fmt.Errorf("write catalog: %w", err)
		}
		if r.Status != Built {
			continue
		}
		// Column types come from the built table; descriptions from the header.
		_, err = conn.ExecContext(ctx, `INSERT INTO _model_columns
SELECT ?, column_index, column_name, data_type, NULL
FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index`,
			m.Name, m.Name)
		if err != nil {
			return fmt.Errorf("write catalog columns of %s: %w", m.Name, err)
		}
		for _, col := range m.Header.columnOrder {
			_, err := conn.ExecContext(ctx, `UPDATE _model_columns SET description = ? WHERE model = ? AND column_name = ?`,
				m.Header.columnDocs[col], m.Name, col)
			if err != nil {
				return fmt.Errorf("write catalog columns of %s: %w", m.Name, err)
			}
		}
	}
	for _, t := range rep.Tests {
		if _, err := conn.ExecContext(ctx, `INSERT INTO _data_tests VALUES (?, ?, ?, ?, ?, ?)`, t.Model, t.Name, t.Status, t.FailingRows, t.SQL, t.Error); err != nil {
			return fmt.Errorf("write catalog: %w", err)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
