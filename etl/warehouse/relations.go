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
