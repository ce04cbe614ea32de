package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// syncColumns are the connectors' sync time columns, in the order one is
// chosen as a table's cursor: Fivetran, Airbyte (v2, v1), Stitch.
var syncColumns = []string{"_fivetran_synced", "_airbyte_extracted_at", "_airbyte_emitted_at", "_sdc_batched_at"}

// Source is one connector database.
type Source struct {
	SourceName string
	Settings   Settings
	Vendors    adapters.Config // recognises the tables the adapters read
	DuckDB     wh.Settings     // the DuckDB that writes the Parquet files
	Logger     *slog.Logger
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the last pull of one table stopped: the greatest sync
// time it landed, or, for a table without a sync column (read whole each
// time), the digest of what it landed.
type cursor struct {
	Column string `json:"column,omitempty"`
	Sync   string `json:"sync,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// table is a table of a vendor's schema that an adapter reads.
type table struct {
	vendor, schema, name string
	columns, types       []string
}

func (t table) object() string { return t.vendor + "/" + t.name }
func (t table) key() string    { return t.schema + "." + t.name }

// Pull lands, for every table of the configured schemas that an adapter
// reads, the rows synced since the table's cursor as
// <vendor>/<table>/run-NNNNNN.parquet in the landing folder, then moves
// the cursor. A table is landed and its cursor saved before the next is
// read, so a pull that stops half-way continues where it stopped.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "postgres"}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return rep, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tables, err := s.tables(ctx, conn, log)
	if err != nil {
		return rep, err
	}
	cursors := map[string]cursor{} // by schema.table
	if err := etl.LoadCursors(env.Cursors, &cursors); err != nil {
		return rep, err
	}
	duck, err := wh.Open(ctx, "", s.DuckDB)
	if err != nil {
		return rep, err
	}
	defer duck.Close()
	tmp, err := os.MkdirTemp("", "precedent-pull-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	for _, t := range tables {
		obj, next, err := s.pullTable(ctx, conn, duck, t, cursors[t.key()], env, tmp)
		rep.Objects = append(rep.Objects, obj)
		if err != nil {
			return rep, fmt.Errorf("%s (%s): %w", obj.Object, obj.Table, err)
		}
		if next != cursors[t.key()] {
			cursors[t.key()] = next
			if err := etl.SaveCursors(env.Cursors, cursors); err != nil {
				return rep, err
			}
		}
		log.Info("pulled table", "source", s.SourceName, "table", obj.Table, "rows", obj.Rows, "deleted", obj.Deleted, "file", obj.File)
	}
	return rep, nil
}

// connect opens a read-only session in UTC with ISO dates.
func (s *Source) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(s.Settings.DSN)
	if err != nil {
		// pgx's message may quote the connection string: say only that it is wrong.
		return nil, errors.New("dsn: cannot be parsed as a connection string")
	}
	pw, err := s.Settings.Password()
	if err != nil {
		return nil, err
	}
	if pw != "" {
		cfg.Password = pw
	}
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["application_name"] = "precedent"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s:%d database %s as %s: %w", cfg.Host, cfg.Port, cfg.Database, cfg.User, redact(err, pw))
	}
	return conn, nil
}

// redact removes a password from an error's text.
func redact(err error, pw string) error {
	if pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, "********"))
}

// tables lists the tables of the configured schemas that an adapter
// reads, recognised by their names and columns as files are; the rest
// (the connectors' own audit tables, objects Precedent does not read) are
// logged and passed over.
func (s *Source) tables(ctx context.Context, conn *pgx.Conn, log *slog.Logger) ([]table, error) {
	var out []table
	for _, vendor := range sortedKeys(s.Settings.Schemas) {
		schema := s.Settings.Schemas[vendor]
		rows, err := conn.Query(ctx, `SELECT c.table_name::text, c.column_name::text, c.data_type::text
FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`, schema)
		if err != nil {
			return nil, fmt.Errorf("list the tables of schema %s: %w", schema, err)
		}
		var found []table
		for rows.Next() {
			var name, col, typ string
			if err := rows.Scan(&name, &col, &typ); err != nil {
				rows.Close()
				return nil, fmt.Errorf("list the tables of schema %s: %w", schema, err)
			}
			if len(found) == 0 || found[len(found)-1].name != name {
				found = append(found, table{vendor: vendor, schema: schema, name: name})
			}
			t := &found[len(found)-1]
			t.columns, t.types = append(t.columns, col), append(t.types, typ)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list the tables of schema %s: %w", schema, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("schemas.%s: schema %s has no table this role can read", vendor, schema)
		}
		for _, t := range found {
			d, ok, err := s.Vendors.Detect(t.vendor+"/"+t.name+".parquet", t.columns)
			switch {
			case err != nil || !ok:
				log.Debug("table not read: no object an adapter reads", "source", s.SourceName, "table", t.key())
			case d.Object.Vendor != vendor:
				log.Debug("table not read: an object of another vendor", "source", s.SourceName, "table", t.key(), "object", d.Object.ID())
			default:
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// pullTable lands the rows of t synced after cur and returns the cursor
// to keep.
func (s *Source) pullTable(ctx context.Context, conn *pgx.Conn, duck *sql.DB, t table, cur cursor, env etl.PullEnv, tmp string) (etl.PullObject, cursor, error) {
	obj := etl.PullObject{Object: t.object(), Table: t.key()}
	ident := pgx.Identifier{t.schema, t.name}.Sanitize()
	next := cur
	var where string
	if i := slices.IndexFunc(t.columns, func(c string) bool { return slices.Contains(syncColumns, c) }); i >= 0 {
		col := t.columns[i]
		if cur.Column != col {
			cur = cursor{} // a new sync column: read the table whole again
		}
		next = cursor{Column: col, Sync: cur.Sync}
		if cur.Sync != "" {
			where = fmt.Sprintf(" WHERE %s > %s::%s", pgx.Identifier{col}.Sanitize(), quote(cur.Sync), t.types[i])
			obj.Since = cur.Sync
		}
	}
	// One snapshot for the rows and the cursor, so a row synced while the
	// pull runs is either in both or in neither.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return obj, cur, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if next.Column != "" {
		var max *string
		q := fmt.Sprintf("SELECT max(%s)::text FROM %s%s", pgx.Identifier{next.Column}.Sanitize(), ident, where)
		if err := tx.QueryRow(ctx, q).Scan(&max); err != nil {
			return obj, cur, fmt.Errorf("read the sync time: %w", err)
		}
		if max == nil {
			return obj, cur, nil // nothing new
		}
		next.Sync = *max
	}
	csvPath := filepath.Join(tmp, strings.ReplaceAll(t.key(), "/", "_")+".csv")
	f, err := os.Create(csvPath)
	if err != nil {
		return obj, cur, err
	}
	h := sha256.New()
	w := &progressWriter{w: io.MultiWriter(f, h), report: func(rows int64) {
		if env.Progress != nil {
			env.Progress(etl.Progress{Stage: "pull", Entity: t.object(), Rows: rows})
		}
	}}
	order := ""
	if next.Column != "" {
		order = " ORDER BY " + pgx.Identifier{next.Column}.Sanitize()
	}
	_, err = tx.Conn().PgConn().CopyTo(ctx, w, fmt.Sprintf("COPY (SELECT * FROM %s%s%s) TO STDOUT WITH (FORMAT csv, HEADER true)", ident, where, order))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return obj, cur, fmt.Errorf("read rows: %w", err)
	}
	if next.Column == "" {
		next.SHA256 = hex.EncodeToString(h.Sum(nil))
		if next.SHA256 == cur.SHA256 {
			return obj, cur, nil // read whole, and the same as last time
		}
	}
	rel := wh.LandedFile(t.object(), env.RunID)
	dst := filepath.Join(env.Landing, rel)
	rows, deleted, err := land(ctx, duck, csvPath, env.Landing, dst, t.columns)
	if err != nil {
		return obj, cur, err
	}
	if env.Progress != nil {
		env.Progress(etl.Progress{Stage: "pull", Entity: t.object(), Rows: rows})
	}
	if rows == 0 {
		os.Remove(dst)
		return obj, next, nil
	}
	obj.Rows, obj.Deleted, obj.Cursor = rows, deleted, next.Sync
	obj.File = filepath.ToSlash(filepath.Join(etl.LandingPrefix, s.SourceName, rel))
	return obj, next, nil
}

// land writes the CSV the database sent as a Parquet file at dst (every
// column as text, as the database wrote it), through a temporary file, and
// counts its rows and those marked deleted.
func land(ctx context.Context, duck *sql.DB, csvPath, landing, dst string, columns []string) (rows, deleted int64, err error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, 0, err
	}
	read := fmt.Sprintf("read_csv(%s, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true, hive_partitioning = false)", wh.Literal(csvPath))
	if _, err := duck.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE landed AS SELECT * FROM "+read); err != nil {
		return 0, 0, fmt.Errorf("read the rows sent: %s", wh.Message(err))
	}
	defer duck.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS landed")
	// The deletion flags as the adapters read them: Salesforce's IsDeleted
	// (is_deleted in Fivetran's tables, "IsDeleted" in Airbyte's),
	// _fivetran_deleted, and the Stitch and Airbyte CDC deletion times.
	del := []string{"false"}
	for _, c := range columns {
		switch isBool, ok := adapters.DeletionFlag(c); {
		case ok && isBool:
			del = append(del, "coalesce(lower("+wh.Ident(c)+") IN ('t', 'true'), false)")
		case ok:
			del = append(del, "coalesce("+wh.Ident(c)+", '') <> ''")
		}
	}
	if err := duck.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE "+strings.Join(del, " OR ")+") FROM landed").Scan(&rows, &deleted); err != nil {
		return 0, 0, fmt.Errorf("count the rows sent: %s", wh.Message(err))
	}
	if rows == 0 {
		return 0, 0, nil
	}
	// Written beside the landing folder, not in it: a file left by a
	// pull that stopped is never read as landed.
	part := filepath.Join(filepath.Dir(landing), "."+filepath.Base(landing)+"-"+strings.ReplaceAll(filepath.Base(dst), ".parquet", ".part"))
	if _, err := duck.ExecContext(ctx, "COPY landed TO "+wh.Literal(part)+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
		return 0, 0, fmt.Errorf("write %s: %s", dst, wh.Message(err))
	}
	if err := etl.LandFile(part, dst); err != nil {
		return 0, 0, fmt.Errorf("land %s: %w", dst, err)
	}
	return rows, deleted, nil
}

// quote is a SQL string literal for PostgreSQL.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// progressWriter counts the lines the database sends (about its rows) and
// reports them now and then.
type progressWriter struct {
	w      io.Writer
	lines  int64
	last   time.Time
	report func(rows int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	for _, c := range b {
		if c == '\n' {
			p.lines++
		}
	}
	if time.Since(p.last) > 100*time.Millisecond {
		p.last = time.Now()
		p.report(max(p.lines-1, 0))
	}
	return p.w.Write(b)
}
