package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Analyst runs statements written by people (the SQL page, exports,
// `precedent sql` and its shell) on the sandbox, sealed: each statement is
// checked on DuckDB's parse (Check), runs on a connection of its own that
// nothing else uses, and that connection is closed afterwards, so nothing
// one statement leaves on it (TEMP objects, settings, variables) reaches
// anyone else. Answers are bounded in rows, bytes and time.
type Analyst struct {
	db      *sql.DB
	timeout time.Duration
}

// OpenAnalyst opens the warehouse file at path for analysts' statements,
// stopped after timeout (0 = no limit).
func OpenAnalyst(ctx context.Context, path string, s Settings, timeout time.Duration) (*Analyst, error) {
	db, err := Sandbox(ctx, path, s)
	if err != nil {
		return nil, err
	}
	// No idle connections: each statement's connection is closed when
	// released, never handed to the next statement.
	db.SetMaxIdleConns(0)
	return &Analyst{db: db, timeout: timeout}, nil
}

// Close closes the analyst's connections.
func (a *Analyst) Close() error { return a.db.Close() }

// Window selects the part of a result an answer holds, and bounds it.
type Window struct {
	Offset int   // rows to skip (queries only; EXPLAIN starts at 0)
	Rows   int   // rows to return at most (0 = all); Rows.Truncated says more were left
	Bytes  int64 // the answer's size at most (0 = no limit); past it, a TooLargeError
}

// TooLargeError is an answer that outgrew its byte budget.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("result larger than %s: narrow the query or export it", megabytes(e.Limit))
}

// TimeoutError is a statement stopped by the time limit.
type TimeoutError struct{ Limit time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the query ran longer than the %s limit and was stopped: narrow it (filter, aggregate, fewer joins) or run it with precedent sql --timeout", e.Limit)
}

func megabytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d kB", max(n>>10, 1))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// Query checks q and runs it sealed, returning the rows of w.
func (a *Analyst) Query(ctx context.Context, q string, w Window) (*Rows, error) {
	var out *Rows
	err := a.sealed(ctx, q, func(ctx context.Context, conn *sql.Conn, kind string, cols []column) error {
		text := strings.TrimRight(strings.TrimSpace(q), ";")
		if kind == KindSelect {
			text = bounded(text, cols, w)
		}
		var err error
		out, err = QueryLimited(ctx, conn, text, Limits{Rows: w.Rows, Bytes: w.Bytes})
		return err
	})
	return out, err
}

// WriteParquet checks q and streams its result sealed to out as zstd
// Parquet, at most maxRows rows (0 = all) and maxBytes bytes (0 = no limit).
func (a *Analyst) WriteParquet(ctx context.Context, q string, out io.Writer, maxRows, maxBytes int64) (int64, error) {
	var n int64
	err := a.sealed(ctx, q, func(ctx context.Context, conn *sql.Conn, kind string, cols []column) error {
		text := strings.TrimRight(strings.TrimSpace(q), ";")
		if kind == KindSelect {
			text = bounded(text, cols, Window{Bytes: maxBytes})
		}
		lw := &limitWriter{w: out, limit: maxBytes}
		var err error
		n, err = writeParquet(ctx, conn, text, lw, maxRows)
		if lw.over {
			return &TooLargeError{Limit: maxBytes}
		}
		return err
	})
	return n, err
}

// sealed runs fn on a connection of its own after checking q, and closes
// that connection afterwards whatever happened.
func (a *Analyst) sealed(ctx context.Context, q string, fn func(ctx context.Context, conn *sql.Conn, kind string, cols []column) error) error {
	if a.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return a.explain(ctx, err)
	}
	defer func() {
		// driver.ErrBadConn tells database/sql to close the connection
		// rather than keep it.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	kind, err := Check(ctx, conn, q)
	if err != nil {
		return a.explain(ctx, err)
	}
	cols, err := describe(ctx, conn, q, kind)
	if err != nil {
		return a.explain(ctx, err)
	}
	return a.explain(ctx, fn(ctx, conn, kind, cols))
}

// describe prepares q (one statement, checked) and confirms from DuckDB's
// statement type that it is what Check found; for a query it returns the
// column types.
func describe(ctx context.Context, conn *sql.Conn, q, kind string) ([]column, error) {
	var cols []column
	err := conn.Raw(func(dc any) error {
		st, err := dc.(*duckdb.Conn).PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		s := st.(*duckdb.Stmt)
		typ, err := s.StatementType()
		if err != nil {
			return err
		}
		want := duckdb.STATEMENT_TYPE_SELECT
		if kind == KindExplain {
			want = duckdb.STATEMENT_TYPE_EXPLAIN
		}
		if typ != want {
			return refused("only queries run here")
		}
		if kind != KindSelect {
			return nil
		}
		n, err := s.ColumnCount()
		if err != nil {
			return err
		}
		for i := range n {
			t, err := s.ColumnType(i)
			if err != nil {
				return err
			}
			name, err := s.ColumnName(i)
			if err != nil {
				return err
			}
			cols = append(cols, column{name: name, typ: t})
		}
		return nil
	})
	return cols, err
}

// column is a query's column as DuckDB describes it before running it.
type column struct {
	name string
	typ  duckdb.Type
}

// bounded wraps a checked query so DuckDB returns only the window, and
// stops with an error of its own, before handing it over, a text or blob
// value larger than the whole byte budget.
func bounded(q string, cols []column, w Window) string {
	sel := make([]string, len(cols))
	for i, c := range cols {
		t := c.typ
		ref := fmt.Sprintf("#%d", i+1)
		switch {
		case w.Bytes > 0 && (t == duckdb.TYPE_VARCHAR || t == duckdb.TYPE_BLOB):
			size := "strlen"
			if t == duckdb.TYPE_BLOB {
				size = "octet_length"
			}
			sel[i] = fmt.Sprintf("CASE WHEN %s(%s) > %d THEN error(%s) ELSE %s END", size, ref, w.Bytes, Literal((&TooLargeError{Limit: w.Bytes}).Error()), ref)
		default:
			sel[i] = ref
		}
		sel[i] += " AS " + Ident(c.name)
	}
	out := "SELECT " + strings.Join(sel, ", ") + " FROM (\n" + q + "\n) AS analyst_query"
	if w.Rows > 0 {
		out += fmt.Sprintf(" LIMIT %d", w.Rows+1)
	}
	if w.Offset > 0 {
		out += fmt.Sprintf(" OFFSET %d", w.Offset)
	}
	return out
}

// explain turns DuckDB's errors into what the person who wrote the
// statement needs: timeouts, the size guard and refusals as sentences,
// anything else as DuckDB's full text, hints and caret line included.
func (a *Analyst) explain(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{Limit: a.timeout}
	}
	var tl *TooLargeError
	if errors.As(err, &tl) {
		return err
	}
	var re *RefusedError
	if errors.As(err, &re) {
		return err
	}
	if msg := err.Error(); strings.Contains(msg, "result larger than") {
		_, after, _ := strings.Cut(msg, "result larger than")
		return errors.New("result larger than" + strings.SplitN(after, "\n", 2)[0])
	}
	if msg := Refusal(err); msg != "" {
		return &RefusedError{Reason: strings.TrimPrefix(msg, "refused: ")}
	}
	// DuckDB's whole text: the first line says what went wrong, the
	// rest (candidate bindings, the caret under the culprit) how to fix it.
	return errors.New(strings.TrimSpace(err.Error()))
}

// limitWriter passes at most limit bytes (0 = no limit), then fails.
type limitWriter struct {
	w        io.Writer
	limit, n int64
	over     bool
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.limit > 0 && l.n+int64(len(p)) > l.limit {
		l.over = true
		return 0, errors.New("result too large")
	}
	l.n += int64(len(p))
	return l.w.Write(p)
}
