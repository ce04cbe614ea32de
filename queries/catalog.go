package queries

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// writeCatalog records, in the generation, every model (layer, grain, key,
// description, dependencies, rows, build time, status, test counts), the
// columns of each with their documentation, and every data test's result,
// so `precedent models` (through ReadCatalog) and the dashboard's schema
// browser read them back.
//
// The columns of the models rep kept are copied from the previous
// generation prev's catalog in one statement: their tables and headers
// are the ones it records.
func writeCatalog(ctx context.Context, conn *sql.Conn, models []*Model, rep *Report, prev string) error {
	stmts := []string{
		`CREATE OR REPLACE TABLE _models (name VARCHAR, layer VARCHAR, path VARCHAR, grain VARCHAR, key VARCHAR[], description VARCHAR,
  depends_on VARCHAR[], status VARCHAR, error VARCHAR, row_count BIGINT, build_seconds DOUBLE, tests_passed INTEGER, tests_failed INTEGER, sql VARCHAR,
  state VARCHAR, kept BOOLEAN, base_state VARCHAR, incremental BOOLEAN, materialized VARCHAR)`,
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
	if kept := slices.Collect(maps.Keys(rep.kept())); prev != "" && len(kept) > 0 {
		_, err := conn.ExecContext(ctx, `INSERT INTO _model_columns SELECT * FROM `+wh.Ident(prev)+`.main._model_columns WHERE list_contains(?::VARCHAR[], model) ORDER BY model, position`, kept)
		if err != nil {
			return fmt.Errorf("write catalog columns of the kept models: %w", err)
		}
	}
	// One statement for the models' rows and one for the tests': a
	// statement per row cost a fifth of a second on a delta run.
	var modelRows [][]any
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
		modelRows = append(modelRows, []any{m.Name, m.Layer, m.Path, m.Header.Grain, []string(m.Header.Key), strings.TrimSpace(m.Header.Description),
			nonNil(m.Deps), r.Status, r.Error, r.Rows, r.Seconds, passed, failed, m.SQL, r.State, r.Kept, r.Base, r.Incremental, cmp.Or(m.Header.Materialized, Table)})
	}
	if err := insertRows(ctx, conn, "_models", "(?, ?, ?, ?, ?::VARCHAR[], ?, ?::VARCHAR[], ?, ?, ?, ?, ?, ?, ?, nullif(?, ''), ?, nullif(?, ''), ?, ?)", modelRows); err != nil {
		return fmt.Errorf("write catalog: %w", err)
	}
	// The computed models' columns: types from the built tables,
	// descriptions from the headers, in one statement each.
	var built, docModels, docCols, docs []string
	for _, m := range models {
		if r := byName[m.Name]; r.Status != Built || (r.Kept && prev != "") {
			continue
		}
		built = append(built, m.Name)
		for _, col := range m.Header.columnOrder {
			docModels, docCols, docs = append(docModels, m.Name), append(docCols, col), append(docs, m.Header.columnDocs[col])
		}
	}
	if len(built) > 0 {
		_, err := conn.ExecContext(ctx, `INSERT INTO _model_columns
SELECT table_name, column_index, column_name, data_type, NULL
FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND list_contains(?::VARCHAR[], table_name)
ORDER BY list_position(?::VARCHAR[], table_name), column_index`, built, built)
		if err != nil {
			return fmt.Errorf("write catalog columns: %w", err)
		}
	}
	if len(docs) > 0 {
		_, err := conn.ExecContext(ctx, `UPDATE _model_columns c SET description = d.description
FROM (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::VARCHAR[]) AS column_name, unnest(?::VARCHAR[]) AS description) d
WHERE c.model = d.model AND c.column_name = d.column_name`, docModels, docCols, docs)
		if err != nil {
			return fmt.Errorf("write catalog column descriptions: %w", err)
		}
	}
	var testRows [][]any
	for _, t := range rep.Tests {
		testRows = append(testRows, []any{t.Model, t.Name, t.Status, t.FailingRows, t.SQL, t.Error})
	}
	if err := insertRows(ctx, conn, "_data_tests", "(?, ?, ?, ?, ?, ?)", testRows); err != nil {
		return fmt.Errorf("write catalog: %w", err)
	}
	return nil
}

// insertRows inserts rows into catalog table tbl in statements of up to
// 100 rows, each row's values bound to the placeholders of tuple.
func insertRows(ctx context.Context, conn *sql.Conn, tbl, tuple string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), 100)
		var args []any
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		q := "INSERT INTO " + wh.Ident(tbl) + " VALUES " + strings.Repeat(tuple+", ", n-1) + tuple
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CatalogModel is one model as a generation's catalog (its _models table)
// records it.
type CatalogModel struct {
	Name, Layer, Path, Grain string
	Key                      []string
	Description              string
	DependsOn                []string
	Status                   string // Built, Failed or Skipped
	Error                    string
	Rows                     int64
	Seconds                  float64
	TestsPassed, TestsFailed int
	SQL                      string
	// Materialized is Table or View; a catalog recorded before models
	// could be views holds tables only.
	Materialized string
}

// ReadCatalog reads the models of the catalog that Build recorded in a
// generation, in the order they were recorded.
func ReadCatalog(ctx context.Context, db *sql.DB) ([]CatalogModel, error) {
	var has int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = '_models' AND column_name = 'materialized'").Scan(&has); err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	materialized := "'" + Table + "'"
	if has > 0 {
		materialized = "coalesce(materialized, " + materialized + ")"
	}
	rows, err := db.QueryContext(ctx, `SELECT name, layer, path, coalesce(grain, ''), to_json(coalesce(key, []::VARCHAR[]))::VARCHAR, coalesce(description, ''),
  to_json(coalesce(depends_on, []::VARCHAR[]))::VARCHAR, status, coalesce(error, ''), coalesce(row_count, 0), coalesce(build_seconds, 0), tests_passed, tests_failed, coalesce(sql, ''), `+materialized+`
FROM _models`)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	defer rows.Close()
	var out []CatalogModel
	for rows.Next() {
		var m CatalogModel
		var key, deps string
		if err := rows.Scan(&m.Name, &m.Layer, &m.Path, &m.Grain, &key, &m.Description, &deps, &m.Status, &m.Error, &m.Rows, &m.Seconds, &m.TestsPassed, &m.TestsFailed, &m.SQL, &m.Materialized); err != nil {
			return nil, fmt.Errorf("read catalog: %w", err)
		}
		if err := json.Unmarshal([]byte(key), &m.Key); err != nil {
			return nil, fmt.Errorf("read catalog key of %s: %w", m.Name, err)
		}
		if err := json.Unmarshal([]byte(deps), &m.DependsOn); err != nil {
			return nil, fmt.Errorf("read catalog dependencies of %s: %w", m.Name, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	return out, nil
}
