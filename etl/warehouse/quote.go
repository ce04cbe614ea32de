package warehouse

import (
	"context"
	"database/sql"
	"strings"
)

// Ident quotes a SQL identifier for DuckDB. Every identifier that is not a
// literal in a .sql file goes through it.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Literal quotes a string as a SQL literal. Values are bound as parameters;
// this is only for the few statements where DuckDB takes no parameters
// (ATTACH, SET) and for text that comes from Precedent's own code.
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Message is the first line of a DuckDB error: what went wrong, without the
// hints and stack that may follow.
func Message(err error) string {
	s, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return s
}

// InTx runs fn inside one transaction on conn: many small statements
// commit once instead of once each (each commit of a file database writes
// and syncs its WAL).
func InTx(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	_, err := conn.ExecContext(ctx, "COMMIT")
	return err
}
