package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Statement kinds an analyst may run.
const (
	KindSelect  = "select"  // SELECT, WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW, SUMMARIZE, a parenthesised query
	KindExplain = "explain" // EXPLAIN [ANALYZE] of one of those
)

// allowedTableFunctions are the table functions analysts' queries may
// call: generators and read-only catalog views. Everything else (read_*,
// glob, *_scan, query, enable_logging, checkpoint, duckdb_settings...) is
// refused before DuckDB binds it, because binding some of them already acts.
var allowedTableFunctions = []string{
	"range", "generate_series", "unnest", "repeat", "repeat_row", "json_each", "json_tree",
	"duckdb_columns", "duckdb_tables", "duckdb_views", "duckdb_schemas", "duckdb_types", "duckdb_functions",
	"duckdb_keywords", "duckdb_constraints", "duckdb_indexes", "duckdb_dependencies", "duckdb_sequences",
	"pragma_table_info", "pragma_show", "pragma_version", "pragma_platform", "pragma_storage_info",
	"histogram", "histogram_values", "summary", "pg_timezone_names", "icu_calendar_names",
}

// RefusedError is a statement the analyst sandbox will not run, with the
// reason as a sentence for the person who wrote it.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "refused: " + e.Reason }

func refused(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// serialized is json_serialize_sql's answer.
type serialized struct {
	Error        bool              `json:"error"`
	ErrorType    string            `json:"error_type"`
	ErrorMessage string            `json:"error_message"`
	Statements   []json.RawMessage `json:"statements"`
}

// Check decides, on DuckDB's own parse of q, whether an analyst may run it,
// and returns its kind and the query to run (for EXPLAIN, the explained
// query is checked too). Only one statement that reads: SELECT and its
// forms, or EXPLAIN of one; no CALL, PRAGMA, SET, CREATE (TEMP included),
// ATTACH, COPY, EXPORT, INSTALL, LOAD, CHECKPOINT or transaction control,
// and only the table functions in the allow-list. Nothing in q runs.
func Check(ctx context.Context, q Queryer, text string) (kind string, err error) {
	p, err := parse(ctx, q, text)
	if err != nil {
		return "", err
	}
	if p.Error {
		if p.ErrorType != "not implemented" {
			return "", fmt.Errorf("%s", p.ErrorMessage)
		}
		// Not a SELECT. EXPLAIN is the one other statement allowed; what
		// it explains must pass on its own.
		word, rest := firstWord(text)
		if strings.EqualFold(word, "EXPLAIN") {
			if w, r := firstWord(rest); strings.EqualFold(w, "ANALYZE") || strings.EqualFold(w, "ANALYSE") {
				rest = r
			}
			if k, err := Check(ctx, q, rest); err != nil || k != KindSelect {
				if err == nil {
					err = refused("EXPLAIN explains one query")
				}
				return "", err
			}
			return KindExplain, nil
		}
		return "", refused("only queries run here (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); this is %s", statementName(word))
	}
	if len(p.Statements) != 1 {
		return "", refused("run one statement at a time (this text holds %d)", len(p.Statements))
	}
	var tree any
	if err := json.Unmarshal(p.Statements[0], &tree); err != nil {
		return "", fmt.Errorf("read parse tree: %w", err)
	}
	if fn, ok := forbiddenFunction(tree); ok {
		if readsFiles(fn) {
			return "", refused("queries here cannot read or write files (%s); load files with precedent etl", fn)
		}
		return "", refused("the table function %s is not available here; these are: %s", fn, strings.Join(allowedTableFunctions, ", "))
	}
	return KindSelect, nil
}

// Queryer runs a query: a *sql.DB, *sql.Conn or *sql.Tx.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func parse(ctx context.Context, q Queryer, text string) (serialized, error) {
	var p serialized
	rows, err := q.QueryContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR", text)
	if err != nil {
		return p, fmt.Errorf("parse statement: %w", err)
	}
	defer rows.Close()
	var out string
	if rows.Next() {
		if err := rows.Scan(&out); err != nil {
			return p, fmt.Errorf("parse statement: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("parse statement: %w", err)
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		return p, fmt.Errorf("parse statement: %w", err)
	}
	return p, nil
}

// forbiddenFunction walks a parse tree for a table function outside the
// allow-list.
func forbiddenFunction(node any) (string, bool) {
	switch n := node.(type) {
	case map[string]any:
		if n["type"] == "TABLE_FUNCTION" {
			if f, ok := n["function"].(map[string]any); ok {
				name, _ := f["function_name"].(string)
				schema, _ := f["schema"].(string)
				catalog, _ := f["catalog"].(string)
				if name == "" || schema != "" || catalog != "" || !slices.Contains(allowedTableFunctions, strings.ToLower(name)) {
					return strings.Trim(catalog+"."+schema+"."+name, "."), true
				}
			}
		}
		for _, v := range n {
			if fn, ok := forbiddenFunction(v); ok {
				return fn, true
			}
		}
	case []any:
		for _, v := range n {
			if fn, ok := forbiddenFunction(v); ok {
				return fn, true
			}
		}
	}
	return "", false
}

// firstWord skips white space and SQL comments and splits off the first
// word (letters only).
func firstWord(s string) (word, rest string) {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(s, "--"):
			_, s, _ = strings.Cut(s, "\n")
			continue
		case strings.HasPrefix(s, "/*"):
			var ok bool
			if _, s, ok = strings.Cut(s[2:], "*/"); !ok {
				return "", ""
			}
			continue
		}
		break
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		end = len(s)
	}
	return s[:end], s[end:]
}

// readsFiles reports whether a table function's name says it reads files.
func readsFiles(fn string) bool {
	fn = strings.ToLower(fn)
	return strings.HasPrefix(fn, "read_") || strings.HasPrefix(fn, "parquet_") || strings.HasSuffix(fn, "_scan") || fn == "glob"
}

// statementName names a refused statement by its first word.
func statementName(word string) string {
	switch strings.ToUpper(word) {
	case "":
		return "not a query"
	case "SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "SHOW", "SUMMARIZE":
		// The first statement is a query; a later one is not.
		return "more than one statement, and not all of them queries: run one statement at a time"
	case "SET", "RESET", "PRAGMA":
		return "a " + strings.ToUpper(word) + " statement: settings cannot be changed here"
	}
	return "a " + strings.ToUpper(word) + " statement"
}
