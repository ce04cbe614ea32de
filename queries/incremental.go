package queries

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// updates updates models in place (see Incremental) during one build. It
// keeps, for each table whose changed keys are known, a temporary table of
// those keys: an entity's are its rows loaded by the run, a model's the
// keys it was updated for.
type updates struct {
	delta map[string]bool // entity tables changed only in their run's rows
	runID int
	keys  map[string]string // table -> temp table of its changed keys
}

func newUpdates(opts Options) *updates {
	u := &updates{delta: map[string]bool{}, runID: opts.RunID, keys: map[string]string{}}
	if opts.RunID > 0 {
		for _, e := range opts.Delta {
			u.delta[strings.ToLower(e)] = true
		}
	}
	return u
}

// model updates m in place when the keys its rows changed in are known and
// its table, as the previous generation left it, is in the generation;
// otherwise it builds m as buildModel does. The caller has checked that
// nothing m reads but Incremental.From changed.
func (u *updates) model(ctx context.Context, conn *sql.Conn, m *Model, failed map[string]bool) ModelResult {
	inc := m.Header.Incremental
	keys, err := u.changedKeys(ctx, conn, inc)
	if err != nil || keys == "" || slices.ContainsFunc(m.Deps, func(d string) bool { return failed[d] }) {
		return buildModel(ctx, conn, m, failed)
	}
	var has int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?", m.Name).Scan(&has); err != nil || has == 0 {
		return buildModel(ctx, conn, m, failed)
	}
	res := ModelResult{Name: m.Name, Layer: m.Layer, Path: m.Path, Status: Built, Incremental: true}
	start := time.Now()
	tbl, key := wh.Ident(m.Name), wh.Ident(inc.Key)
	in := key + " IN (SELECT " + key + " FROM " + keys + ")"
	err = wh.InTx(ctx, conn, func() error {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+tbl+" WHERE "+in); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, "INSERT INTO "+tbl+" BY NAME SELECT * FROM ("+strings.TrimRight(strings.TrimSpace(m.SQL), ";")+"\n) q WHERE q."+in)
		return err
	})
	if err != nil {
		res.Status, res.Error = Failed, wh.Message(err)
		return res
	}
	u.keys[m.Name] = keys
	res.Seconds = time.Since(start).Seconds()
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl).Scan(&res.Rows); err != nil {
		res.Status, res.Error = Failed, err.Error()
	}
	return res
}

// changedKeys names the temporary table of the keys inc.From changed in,
// making it for an entity; "" when they are not known.
func (u *updates) changedKeys(ctx context.Context, conn *sql.Conn, inc *Incremental) (string, error) {
	from := strings.ToLower(inc.From)
	if t, ok := u.keys[from]; ok {
		return t, nil
	}
	if !u.delta[from] {
		return "", nil
	}
	t := wh.Ident("_changed_keys_" + from)
	key := wh.Ident(inc.Key)
	q := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT DISTINCT %s FROM %s WHERE _run_id = %d", t, key, wh.Ident(from), u.runID)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("keys %s changed in: %w", inc.From, err)
	}
	u.keys[from] = t
	return t, nil
}

// close drops the temporary tables of changed keys.
func (u *updates) close(ctx context.Context, conn *sql.Conn) {
	dropped := map[string]bool{}
	for _, t := range u.keys {
		if !dropped[t] {
			conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
			dropped[t] = true
		}
	}
}
