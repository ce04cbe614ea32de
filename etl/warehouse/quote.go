package warehouse

import (
	"context"
	"database/sql"
	"regexp"
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

// Literals quotes strings as SQL literals (Literal), separated by commas:
// the items of an IN list or of a list literal.
func Literals(values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = Literal(v)
	}
	return strings.Join(out, ", ")
}

// Message is the first line of a DuckDB error: what went wrong, without the
// hints and stack that may follow.
func Message(err error) string {
	s, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return s
}

// MissingTable reports the table a query failed to find, if that is why it
// failed: after an upgrade the published generation lacks the models new
// in this version until the next ETL builds them.
func MissingTable(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	m := missingTable.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	return m[1], true
}

var missingTable = regexp.MustCompile(`Table with name (\w+) does not exist`)

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
