package warehouse

import (
	"context"
	"database/sql"
	"fmt"
)

// Relation is a table or a view of a database's main schema.
type Relation struct {
	Name string
	Kind string // "TABLE" or "VIEW", as CREATE and DROP write it
}

// Drop is the statement that drops the relation.
func (r Relation) Drop() string { return "DROP " + r.Kind + " main." + Ident(r.Name) }

// Relations lists the tables and views of the main schema of the database
// q is on, by name, leaving out temporary ones and DuckDB's own views.
// Listing them all costs what looking one up does: the catalog functions
// enumerate every entry either way.
func Relations(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]Relation, error) {
	rows, err := q.QueryContext(ctx, `SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list tables and views: %w", err)
	}
	defer rows.Close()
	var out []Relation
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.Name, &r.Kind); err != nil {
			return nil, fmt.Errorf("list tables and views: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Scratch is the schema of a build's working tables (the rows a run
// replaced, the keys a model changed in), which every connection to the
// build sees, unlike temporary tables. The build drops it before the
// generation is published.
const Scratch = "precedent_build"

// Scratched qualifies the name of a working table in schema Scratch.
func Scratched(name string) string { return Scratch + "." + Ident(name) }

// CreateScratch makes schema Scratch in the database conn is on.
func CreateScratch(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+Scratch); err != nil {
		return fmt.Errorf("create schema %s: %w", Scratch, err)
	}
	return nil
}

// Texts is the in-memory database a build reads source files into, as
// tables of text values, before it types them. Every connection of the
// build sees it, unlike temporary tables, so one connection can read the
// next files while another validates those read before.
const Texts = "precedent_text"

// AttachTexts attaches database Texts, in memory, to the database conn is
// on; DetachTexts lets it go with the tables left in it.
func AttachTexts(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "ATTACH ':memory:' AS "+Texts); err != nil {
		return fmt.Errorf("attach %s: %w", Texts, err)
	}
	return nil
}

// DetachTexts detaches database Texts (AttachTexts).
func DetachTexts(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "DETACH DATABASE IF EXISTS "+Texts); err != nil {
		return fmt.Errorf("detach %s: %w", Texts, err)
	}
	return nil
}

// HasScratch reports whether schema Scratch holds table name.
func HasScratch(ctx context.Context, conn *sql.Conn, name string) (bool, error) {
	var n int
	err := conn.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?", Scratch, name).Scan(&n)
	return n > 0, err
}
