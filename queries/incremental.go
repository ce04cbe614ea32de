package queries

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// updates updates models in place (see Incremental) during one build. It
// keeps, for each model it updated, a temporary table of the model's
// changed rows, their earlier and new versions, from which the models
// that read it take the key values they changed in; only the columns those
// models take are kept.
//
// Models build at once on several connections, so these tables are in
// the build's schema wh.Scratch, which every connection sees, and the
// fields below mu are shared.
type updates struct {
	delta map[string]bool // entity tables changed only in their run's rows
	same  map[string]bool // entity tables whose rows did not change
	runID int
	prev  string // the previous generation's database, "" for none
	// asOf and prevAsOf are this build's as-of date and the previous
	// generation's (YYYY-MM-DD; prevAsOf "" when unknown).
	asOf, prevAsOf string
	log            *slog.Logger
	feeds          map[string][]string // models some model may be updated in place from -> the key columns it takes

	mu      sync.Mutex
	kept    map[string]bool         // models kept so far: their rows did not change
	changed map[string]string       // model -> table of its changed rows
	byKeys  map[string]*changedKeys // models updated in place -> the keys they changed in
	tables  []string                // the tables made
	fatal   error                   // the build cannot go on (precedent_changed not reset)
}

// newUpdates prepares the updates of the models in inPlace, those whose
// base state is the one the previous generation recorded.
func newUpdates(opts Options, inPlace []*Model, prevAsOf string) *updates {
	u := &updates{same: map[string]bool{}, asOf: opts.Settings.AsOf.Format(time.DateOnly), prevAsOf: prevAsOf, delta: map[string]bool{}, kept: map[string]bool{}, runID: opts.RunID, prev: opts.Prev, log: opts.Logger, feeds: map[string][]string{}, changed: map[string]string{}, byKeys: map[string]*changedKeys{}}
	if opts.RunID > 0 {
		for _, e := range opts.Delta {
			u.delta[strings.ToLower(e)] = true
		}
	}
	for _, e := range opts.Same {
		u.same[strings.ToLower(e)] = true
	}
	for _, m := range inPlace {
		inc := m.Header.Incremental
		key := strings.ToLower(cmp.Or(inc.FromKey, inc.Key))
		for _, f := range inc.From {
			f = strings.ToLower(f)
			if !slices.Contains(u.feeds[f], key) {
				u.feeds[f] = append(u.feeds[f], key)
			}
		}
	}
	return u
}

// built notes that model name was built, and whether it was kept.
func (u *updates) built(name string, kept bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.kept[name] = kept
}

// fail notes that the build cannot go on, for err, unless an earlier
// error said so.
func (u *updates) fail(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.fatal == nil {
		u.fatal = err
	}
}

// failure is the error the build cannot go on for, or nil.
func (u *updates) failure() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.fatal
}

// setChangedRows records the table of model name's changed rows.
func (u *updates) setChangedRows(name, table string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.changed[name] = table
}

// updated records that model name was updated in place by the values of
// its column key in table keys (nullKey: and rows without a key), for its
// data tests (changedKeys).
func (u *updates) updated(name, key, keys string, nullKey bool) {
	if u.prev == "" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.byKeys[name] = &changedKeys{prev: u.prev, key: key, table: keys, nullKey: nullKey}
}

// updatedBy returns the keys model name was updated in place by, nil
// when it was not.
func (u *updates) updatedBy(name string) *changedKeys {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byKeys[name]
}

// keyColumns is the select list of the columns of model name's rows that
// the models updated from it take (those it has).
func (u *updates) keyColumns(name string) string {
	return "COLUMNS(c -> list_contains([" + wh.Literals(u.feeds[name]) + "], lower(c)))"
}

// build computes model m in full, as buildModel does, and records its
// changed rows.
func (u *updates) build(ctx context.Context, conn *sql.Conn, m *Model) ModelResult {
	res := buildModel(ctx, conn, m)
	if res.Status == Built {
		u.computed(ctx, conn, m, res.Rows)
	}
	return res
}

// computed records the changed rows of model m, just computed in full
// into a table of n rows, when a model may be updated in place from it:
// the rows its new table and the previous generation's do not share.
// Without a previous table of the same columns, or when more than a
// quarter of the rows changed (updating the models that read m in place
// would then cost more than computing them), they stay unknown, and the
// models reading m are computed in full too.
func (u *updates) computed(ctx context.Context, conn *sql.Conn, m *Model, n int64) {
	if u.prev == "" || len(u.feeds[m.Name]) == 0 {
		return
	}
	rows := u.table("_changed_rows_" + m.Name)
	tbl, old := wh.Ident(m.Name), wh.Ident(u.prev)+".main."+wh.Ident(m.Name)
	// A built-in model's rows are unique (its key is tested, and a failed
	// test stops the run), so set difference, five times as fast as
	// EXCEPT ALL, misses no change; an analyst's may repeat a row.
	except := "EXCEPT ALL"
	if m.Builtin && len(m.Header.Key) > 0 {
		except = "EXCEPT"
	}
	q := "CREATE OR REPLACE TABLE " + rows + " AS SELECT " + u.keyColumns(m.Name) + " FROM ((SELECT * FROM " + tbl + " " + except + " SELECT * FROM " + old + ") UNION ALL (SELECT * FROM " + old + " " + except + " SELECT * FROM " + tbl + "))"
	if _, err := conn.ExecContext(ctx, q); err != nil {
		u.log.Debug("changed rows unknown", "model", m.Name, "err", wh.Message(err))
		return
	}
	// Each changed row is there twice, its earlier and its new version.
	var changed int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rows).Scan(&changed); err != nil || changed > n/2 {
		return
	}
	u.setChangedRows(m.Name, rows)
}

// model updates m in place when the key values its rows changed in are
// known and its table, as the previous generation left it, is in the
// generation; otherwise, or when the update fails (Key not a column of
// both tables), it computes m in full (build). The caller has checked
// that nothing m reads but the Incremental.From tables changed.
func (u *updates) model(ctx context.Context, conn *sql.Conn, m *Model) ModelResult {
	inc := m.Header.Incremental
	keys, nullKey, err := u.changedKeys(ctx, conn, m.Name, inc)
	if err != nil || keys == "" {
		if err != nil {
			u.log.Debug("model computed in full", "model", m.Name, "err", err)
		}
		return u.build(ctx, conn, m)
	}
	want := "TABLE"
	if m.View() {
		want = "VIEW"
	}
	if r, ok, err := relation(ctx, conn, m.Name); err != nil || !ok || r.Kind != want {
		u.log.Debug("model computed in full: its "+strings.ToLower(want)+" is not in the generation", "model", m.Name, "err", err)
		return u.build(ctx, conn, m)
	}
	// in says that a row (of the relation qualified as q, "" for the
	// table's own) holds a changed key; NULL is one when a changed row
	// held it (the rows of no contract), though IN never matches it.
	tbl, key := wh.Ident(m.Name), wh.Ident(inc.Key)
	in := func(q string) string {
		c := q + key + " IN (SELECT " + key + " FROM " + keys + ")"
		if nullKey {
			c = "(" + c + " OR " + q + key + " IS NULL)"
		}
		return c
	}
	if m.View() {
		res := u.view(ctx, conn, m, in)
		if res.Incremental {
			u.updated(m.Name, inc.Key, keys, nullKey)
		}
		return res
	}
	// When the changed keys hold more than a quarter of the rows (a new
	// as-of date moves every current renewal's score), computing them all
	// costs less than deleting and inserting most of them; so many of its
	// rows change that its own changed rows are not looked for either.
	var affected, all int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE "+in("")+"), count(*) FROM "+tbl).Scan(&affected, &all); err != nil || affected > all/4 {
		if err != nil {
			u.log.Debug("model computed in full: its changed rows cannot be counted", "model", m.Name, "err", wh.Message(err))
		} else {
			u.log.Debug("model computed in full: more than a quarter of its rows changed", "model", m.Name, "changed", affected, "rows", all)
		}
		return buildModel(ctx, conn, m)
	}
	res := ModelResult{Name: m.Name, Layer: m.Layer, Path: m.Path, Status: Built, Incremental: true}
	start := time.Now()
	if err := setChanged(ctx, conn, keys, nullKey); err != nil {
		return u.build(ctx, conn, m)
	}
	stmts := []string{
		"DELETE FROM " + tbl + " WHERE " + in(""),
		"INSERT INTO " + tbl + " BY NAME SELECT * FROM (" + strings.TrimRight(strings.TrimSpace(m.SQL), ";") + "\n) q WHERE " + in("q."),
	}
	// The changed rows, both versions, for the models updated from m.
	rows := ""
	if len(u.feeds[m.Name]) > 0 {
		rows = u.table("_changed_rows_" + m.Name)
		cols := u.keyColumns(m.Name)
		stmts = slices.Concat([]string{"CREATE OR REPLACE TABLE " + rows + " AS SELECT " + cols + " FROM " + tbl + " WHERE " + in("")}, stmts,
			[]string{"INSERT INTO " + rows + " SELECT " + cols + " FROM " + tbl + " WHERE " + in("")})
	}
	err = wh.InTx(ctx, conn, func() error {
		for _, q := range stmts {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	// precedent_changed is true for every value again before anything
	// else is computed, the fallback below included; a build that cannot
	// say so must stop.
	if rerr := setChanged(ctx, conn, "", false); rerr != nil {
		u.fail(fmt.Errorf("model %s: %w", m.Name, rerr))
		res.Status, res.Error = Failed, rerr.Error()
		return res
	}
	if err != nil {
		u.log.Debug("model computed in full", "model", m.Name, "err", wh.Message(err))
		return u.build(ctx, conn, m)
	}
	if rows != "" {
		u.setChangedRows(m.Name, rows)
	}
	u.updated(m.Name, inc.Key, keys, nullKey)
	res.Seconds = time.Since(start).Seconds()
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl).Scan(&res.Rows); err != nil {
		res.Status, res.Error = Failed, err.Error()
	}
	return res
}

// view updates view model m in place, which only its changed rows' key
// values (the condition in, of a relation's qualifier) say: the view stays as it is, its query
// being the one the previous generation stored, and its changed rows,
// both versions, are read through it and through the previous
// generation's view, for the models updated from it.
func (u *updates) view(ctx context.Context, conn *sql.Conn, m *Model, in func(q string) string) ModelResult {
	res := ModelResult{Name: m.Name, Layer: m.Layer, Path: m.Path, Status: Built, Incremental: true}
	start := time.Now()
	if len(u.feeds[m.Name]) > 0 {
		rows, cols := u.table("_changed_rows_"+m.Name), u.keyColumns(m.Name)
		q := "CREATE OR REPLACE TABLE " + rows + " AS SELECT " + cols + " FROM " + wh.Ident(u.prev) + ".main." + wh.Ident(m.Name) + " WHERE " + in("") +
			" UNION ALL SELECT " + cols + " FROM main." + wh.Ident(m.Name) + " WHERE " + in("")
		if _, err := conn.ExecContext(ctx, q); err != nil {
			u.log.Debug("model computed in full", "model", m.Name, "err", wh.Message(err))
			return u.build(ctx, conn, m)
		}
		u.setChangedRows(m.Name, rows)
	}
	res.Seconds = time.Since(start).Seconds()
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+wh.Ident(m.Name)).Scan(&res.Rows); err != nil {
		res.Status, res.Error = Failed, err.Error()
	}
	return res
}

// setChanged defines the macro precedent_changed(value) for the model
// built next: true for every value, or with keys (an update in place)
// whether value is one of the keys in that table, or NULL when nullKey
// says a changed row held NULL. An incremental model may
// call it on its key column where it selects the rows it starts from, so
// that an update computes only the changed keys' rows instead of
// computing every row and keeping some (DuckDB does not push the filter
// on the result into the query's common table expressions).
func setChanged(ctx context.Context, conn *sql.Conn, keys string, nullKey bool) error {
	body := "true"
	if keys != "" {
		body = "value IN (SELECT * FROM " + keys + ")"
		if nullKey {
			body += " OR value IS NULL"
		}
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP MACRO precedent_changed(value) AS "+body); err != nil {
		return fmt.Errorf("define precedent_changed: %w", err)
	}
	return nil
}

// changedKeys makes a temporary table of the values of inc.FromKey (by
// default inc.Key) in which the rows of the inc.From tables changed, as
// column inc.Key, for model name, and names it; "" when they are not
// known. nullKey says a changed row held NULL there. A model's changed rows are those computed records or an update in
// place kept, in both versions, and a kept model has none; an entity's are
// the rows the run loaded and the earlier versions they replaced
// (_replaced_<entity>, from the loader), and an unchanged one has none.
// With Incremental.AsOf and a new as-of date, the keys of the From rows
// dated between the two dates, both included, are changed too.
func (u *updates) changedKeys(ctx context.Context, conn *sql.Conn, name string, inc *Incremental) (keys string, nullKey bool, err error) {
	key := wh.Ident(inc.Key)
	if inc.FromKey != "" {
		key = wh.Ident(inc.FromKey)
	}
	var srcs []string
	u.mu.Lock()
	changed, kept := maps.Clone(u.changed), maps.Clone(u.kept)
	u.mu.Unlock()
	// A new as-of date changes the keys of the From rows dated between
	// the two dates, after the earlier one and up to the later one.
	if inc.AsOf != "" && u.asOf != u.prevAsOf {
		if u.prevAsOf == "" {
			return "", false, nil
		}
		lo, hi := min(u.asOf, u.prevAsOf), max(u.asOf, u.prevAsOf)
		for _, f := range inc.From {
			srcs = append(srcs, "SELECT "+key+" FROM "+wh.Ident(strings.ToLower(f))+" WHERE CAST("+wh.Ident(inc.AsOf)+" AS DATE) BETWEEN DATE "+wh.Literal(lo)+" AND DATE "+wh.Literal(hi))
		}
	}
	for _, f := range inc.From {
		from := strings.ToLower(f)
		switch t, ok := changed[from]; {
		case ok:
			srcs = append(srcs, "SELECT "+key+" FROM "+t)
		case kept[from], u.same[from]:
		case u.delta[from]:
			replaced := "_replaced_" + from
			if has, err := wh.HasScratch(ctx, conn, replaced); err != nil || !has {
				return "", false, err
			}
			srcs = append(srcs, fmt.Sprintf("SELECT %s FROM %s WHERE _run_id = %d UNION ALL SELECT %s FROM %s", key, wh.Ident(from), u.runID, key, wh.Scratched(replaced)))
		default:
			return "", false, nil
		}
	}
	if len(srcs) == 0 {
		return "", false, nil
	}
	t := u.table("_changed_keys_" + name)
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+t+" AS SELECT DISTINCT "+key+" AS "+wh.Ident(inc.Key)+" FROM ("+strings.Join(srcs, " UNION ALL ")+")"); err != nil {
		return "", false, fmt.Errorf("keys %s changed in: %w", strings.Join(inc.From, ", "), err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT count(*) > 0 FROM "+t+" WHERE "+wh.Ident(inc.Key)+" IS NULL").Scan(&nullKey); err != nil {
		return "", false, fmt.Errorf("keys %s changed in: %w", strings.Join(inc.From, ", "), err)
	}
	return t, nullKey, nil
}

// table names a working table of the build in schema wh.Scratch, to be
// dropped by close.
func (u *updates) table(name string) string {
	t := wh.Scratched(name)
	u.mu.Lock()
	defer u.mu.Unlock()
	if !slices.Contains(u.tables, t) {
		u.tables = append(u.tables, t)
	}
	return t
}

// close drops the working tables.
func (u *updates) close(ctx context.Context, conn *sql.Conn) {
	for _, t := range u.tables {
		conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
	}
}
