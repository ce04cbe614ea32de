package generate

import (
	"context"
	"database/sql"
	"fmt"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// converter turns the Parquet files the generator writes into CSV or
// newline-delimited JSON with DuckDB. DuckDB runs with one thread per query so
// that rows keep their Parquet order and the output is byte-identical from
// run to run; several files can be converted at once on separate connections.
type converter struct {
	db *sql.DB
}

// copyStatements are the COPY statements per output format. The source and
// target paths are bound as parameters, by number: with positional "?"
// parameters DuckDB 1.5.6 bound the TO target first and read_parquet got the
// output path.
var copyStatements = map[string]string{
	"csv": `COPY (SELECT * FROM read_parquet($1)) TO $2 (FORMAT csv, HEADER, DELIMITER ',', ` +
		`DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')`,
	"jsonl": `COPY (SELECT * FROM read_parquet($1)) TO $2 (FORMAT json, ` +
		`DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')`,
}

// newConverter opens an in-memory DuckDB database.
func newConverter(ctx context.Context) (*converter, error) {
	db, err := wh.Open(ctx, "", wh.Settings{Threads: 1})
	if err != nil {
		return nil, err
	}
	return &converter{db: db}, nil
}

// convert writes the Parquet file src as dst in the given format.
func (c *converter) convert(ctx context.Context, format, src, dst string) error {
	stmt, ok := copyStatements[format]
	if !ok {
		return fmt.Errorf("convert: unknown format %q", format)
	}
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("convert %s: %w", src, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, stmt, src, dst); err != nil {
		return fmt.Errorf("convert %s to %s: %w", src, format, err)
	}
	return nil
}

// close closes the database.
func (c *converter) close() error { return c.db.Close() }
