package queries

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Options configure one build of the models.
type Options struct {
	Settings Settings
	UserDir  string // analysts' models; empty for none
	// Stage is the folder files for the data directory go to, under their
	// final relative path (lake/marts/<model>.parquet).
	Stage  string
	Logger *slog.Logger
	// Prev names the attached database of the generation this build
	// follows ("" for none). A model whose state (its SQL, the program, and
	// the versions of everything it reads) is the state Prev recorded for
	// it is copied from Prev instead of computed again.
	Prev string
	// Versions are the versions of the tables the models read (the entity
	// tables); a table without one counts as changed. Program identifies
	// the program's build.
	Versions map[string]string
	Program  string
	// Delta lists the entity tables whose only change since Prev is their
	// rows loaded by run RunID (column _run_id), replacing the earlier
	// versions that temporary table _replaced_<entity> holds: a model
	// declared incremental from one of them recomputes only the keys those
	// rows hold.
	Delta []string
	// Same lists the entity tables whose rows did not change since Prev.
	Same  []string
	RunID int
	// Data is the data directory; a kept mart whose lake file is there is
	// not exported again.
	Data string
	// Side is a second connection to the same database, on which the data
	// tests run and the marts are exported while later models build; nil
	// runs them in turn on the build's connection.
	Side *sql.Conn
	// More are more connections to the same database, used with Side: a
	// model whose inputs are built builds on any of them or on the
	// build's connection, beside the others building.
	More []*sql.Conn
}

// Model statuses.
const (
	Built   = "built"
	Failed  = "failed"
	Skipped = "skipped" // a model it reads failed
)

// ModelResult is how one model's build went.
type ModelResult struct {
	Name    string
	Layer   string
	Path    string
	Status  string
	Rows    int64
	Seconds float64
	Error   string
	// State identifies what the model's table was computed from; Kept says
	// it was copied from the previous generation, whose state was the same.
	State string
	Kept  bool
	// Incremental says the model's table was updated in place: the rows of
	// the keys that changed were computed again, the others kept (see
	// Incremental). Base is the state the update relied on.
	Incremental bool
	Base        string
	// View says the model is materialized as a view: it stores no rows.
	View bool
	// Volatile says why the model is computed on every run (Model.Volatile).
	Volatile string
}

// Report is what a build did.
type Report struct {
	Models []ModelResult
	Tests  []TestResult
}

// FailedModels lists the analysts' models that failed or were skipped, with why.
func (r *Report) FailedModels() []string {
	var out []string
	for _, m := range r.Models {
		if m.Status != Built {
			out = append(out, m.Path+": "+m.Error)
		}
	}
	return out
}

// kept is the set of models the build kept: copied from the previous
// generation, since nothing they read changed.
func (r *Report) kept() map[string]bool {
	out := map[string]bool{}
	for _, m := range r.Models {
		if m.Kept {
			out[m.Name] = true
		}
	}
	return out
}

// Build writes the settings, builds every model in dependency order on
// conn, runs the data tests, records the catalog tables (_models,
// _model_columns, _data_tests) and exports the marts to the stage. A failing
// built-in model or a failing test on one is an error: the caller must not
// publish. A failing analyst's model is reported and skipped, with whatever
// depends on it.
func Build(ctx context.Context, conn *sql.Conn, opts Options) (*Report, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := opts.Settings.Validate(); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	if err := wh.InTx(ctx, conn, func() error { return opts.Settings.write(ctx, conn) }); err != nil {
		return nil, err
	}
	if err := setChanged(ctx, conn, "", false); err != nil {
		return nil, err
	}
	if err := wh.CreateScratch(ctx, conn); err != nil {
		return nil, err
	}
	models, err := Load(opts.UserDir)
	if err != nil {
		return nil, err
	}
	st, err := newStates(ctx, conn, opts)
	if err != nil {
		return nil, err
	}
	// A generation that started as a copy holds the tables of models the
	// previous one built: those of models gone since go before anything
	// resolves, so that a model reading one fails as it would in a build
	// from nothing, instead of reading the gone model's last rows.
	if err := st.dropStale(ctx, conn, models); err != nil {
		return nil, err
	}
	sources, err := tables(ctx, conn)
	if err != nil {
		return nil, err
	}
	// A model named like a table that is not a model's fails, and the
	// name stays the table's for the models that read it.
	clash := st.claimNames(models, sources)
	models = slices.DeleteFunc(models, func(m *Model) bool { return slices.Contains(clash, m) })
	for _, m := range models {
		sources = slices.DeleteFunc(sources, func(s string) bool { return s == m.Name })
	}
	phase := time.Now()
	lap := func(what string) {
		opts.Logger.Debug("models phase", "phase", what, "seconds", time.Since(phase).Seconds())
		phase = time.Now()
	}
	ordered, err := Resolve(ctx, conn, models, sources)
	if err != nil {
		return nil, err
	}
	ordered = append(ordered, clash...)
	lap("resolve dependencies")
	rep := &Report{}
	// The states first: they follow from the SQL and the inputs alone, and
	// say which models may be updated in place, so that the changed rows
	// of a model computed in full are found only when one will use them.
	states, bases := map[string]string{}, map[string]string{}
	var inPlace []*Model
	for _, m := range ordered {
		states[m.Name], bases[m.Name] = st.of(m), st.base(m)
		if !st.kept(m, states[m.Name]) && bases[m.Name] != "" && st.wasBase[m.Name] == bases[m.Name] {
			inPlace = append(inPlace, m)
		}
	}
	earlier, err := earlierTests(ctx, conn, opts.Prev)
	if err != nil {
		return nil, err
	}
	follow, err := newFollower(ctx, conn, opts.Side, opts, earlier, ordered)
	if err != nil {
		return nil, err
	}
	defer follow.beside.Wait()
	prevAsOf, err := previousAsOf(ctx, conn, opts.Prev)
	if err != nil {
		return nil, err
	}
	up := newUpdates(opts, inPlace, prevAsOf)
	defer up.close(ctx, conn)
	conns := []*sql.Conn{conn}
	if opts.Side != nil {
		conns = append(conns, opts.More...)
	}
	for _, c := range conns[1:] {
		if err := setChanged(ctx, c, "", false); err != nil {
			return nil, err
		}
	}
	// What one connection does for model m: keep it, update it in place
	// or compute it; an analyst's model not built leaves no table behind.
	one := func(ctx context.Context, conn *sql.Conn, m *Model, failed string) ModelResult {
		var res ModelResult
		switch state := states[m.Name]; {
		case failed != "" && m.Err == nil:
			res = ModelResult{Name: m.Name, Layer: m.Layer, Path: m.Path, Status: Skipped, Error: "reads " + failed + ", which was not built"}
		case st.kept(m, state):
			res = keepModel(ctx, conn, m, opts.Prev)
		case slices.Contains(inPlace, m):
			res = up.model(ctx, conn, m)
		default:
			res = up.build(ctx, conn, m)
		}
		if res.Status == Built {
			up.built(m.Name, res.Kept)
			return res
		}
		// Its table, as a copied generation holds it from the previous
		// build, goes: a model not built has no rows to show.
		if _, ok := st.was[m.Name]; ok && !m.Builtin {
			if err := dropRelation(ctx, conn, m.Name); err != nil {
				up.fail(fmt.Errorf("model %s: drop its table, as it was not built: %w", m.Name, err))
			}
		}
		return res
	}
	kept := map[string]bool{}
	var buildErr error
	results := make([]*ModelResult, len(ordered))
	schedule(ctx, conns, ordered, one, func(i int, res ModelResult) bool {
		m := ordered[i]
		res.State, res.Base, res.View, res.Volatile = states[m.Name], bases[m.Name], m.View(), m.Volatile
		results[i] = &res
		if buildErr != nil {
			return true // stopping: a model that was building is only listed
		}
		if err := up.failure(); err != nil {
			buildErr = err
			return true
		}
		if res.Status == Built {
			opts.Logger.Debug("model built", "model", m.Name, "rows", res.Rows, "seconds", res.Seconds, "kept", res.Kept, "incremental", res.Incremental)
			kept[m.Name] = res.Kept
			follow.add(ctx, m, kept, up.updatedBy(m.Name))
			return false
		}
		if m.Builtin {
			buildErr = fmt.Errorf("model %s: %s", m.Name, res.Error)
			return true
		}
		opts.Logger.Warn("analyst's model not built", "model", m.Name, "file", m.Path, "err", res.Error)
		return false
	})
	// The report lists the models in dependency order, whatever order
	// they finished in.
	for _, res := range results {
		if res != nil {
			rep.Models = append(rep.Models, *res)
		}
	}
	if buildErr != nil {
		return rep, buildErr
	}
	lap("build")
	tests, followErr := follow.result(ctx, kept)
	rep.Tests = tests
	lap("data tests and marts")
	if err := wh.InTx(ctx, conn, func() error { return writeCatalog(ctx, conn, ordered, rep, opts.Prev) }); err != nil {
		return rep, err
	}
	lap("catalog")
	return rep, followErr
}

func buildModel(ctx context.Context, conn *sql.Conn, m *Model) ModelResult {
	res := ModelResult{Name: m.Name, Layer: m.Layer, Path: m.Path, Status: Built}
	if m.Err != nil {
		res.Status, res.Error = Failed, m.Err.Error()
		return res
	}
	start := time.Now()
	if _, err := conn.ExecContext(ctx, createSQL(m, "CREATE OR REPLACE")); err != nil {
		res.Status, res.Error = Failed, wh.Message(err)
		return res
	}
	res.Seconds = time.Since(start).Seconds()
	// A view's query has not run yet: counting whole rows runs it, where
	// count(*) would not compute the columns (a bad cast would pass). A
	// view that fails goes: a model not built leaves nothing behind.
	count := "SELECT count(*) FROM " + wh.Ident(m.Name)
	if m.View() {
		count = "SELECT count(v) FROM " + wh.Ident(m.Name) + " v"
	}
	if err := conn.QueryRowContext(ctx, count).Scan(&res.Rows); err != nil {
		res.Status, res.Error = Failed, wh.Message(err)
		if m.View() {
			conn.ExecContext(ctx, "DROP VIEW IF EXISTS main."+wh.Ident(m.Name))
		}
	}
	return res
}

// previousAsOf is the as-of date (YYYY-MM-DD) the generation attached as
// prev was built with; "" when there is none.
func previousAsOf(ctx context.Context, conn *sql.Conn, prev string) (string, error) {
	if prev == "" {
		return "", nil
	}
	if has, err := hasTable(ctx, conn, prev, "precedent_settings"); err != nil || !has {
		return "", err
	}
	var asOf sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT strftime(max(as_of), '%Y-%m-%d') FROM "+wh.Ident(prev)+".main.precedent_settings").Scan(&asOf); err != nil {
		return "", fmt.Errorf("the previous generation's as-of date: %w", err)
	}
	return asOf.String, nil
}

// createSQL is the statement that materializes model m, starting with
// create ("CREATE" or "CREATE OR REPLACE").
func createSQL(m *Model, create string) string {
	kind := " TABLE "
	if m.View() {
		kind = " VIEW "
	}
	return create + kind + wh.Ident(m.Name) + " AS " + strings.TrimRight(strings.TrimSpace(m.SQL), ";")
}

// hasTable reports whether the main schema of attached database has
// table name; relation looks in the generation's own.
func hasTable(ctx context.Context, conn *sql.Conn, database, name string) (bool, error) {
	var n int
	err := conn.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' AND table_name = ?", database, name).Scan(&n)
	return n > 0, err
}

// relation finds what the generation's main schema holds under name, a
// table or a view; ok is false when it holds nothing.
func relation(ctx context.Context, conn *sql.Conn, name string) (r wh.Relation, ok bool, err error) {
	all, err := wh.Relations(ctx, conn)
	if err != nil {
		return r, false, fmt.Errorf("look for %s: %w", name, err)
	}
	i := slices.IndexFunc(all, func(r wh.Relation) bool { return r.Name == name })
	if i < 0 {
		return r, false, nil
	}
	return all[i], true, nil
}

// dropRelation drops the table or view the generation holds under name,
// if any.
func dropRelation(ctx context.Context, conn *sql.Conn, name string) error {
	r, ok, err := relation(ctx, conn, name)
	if err != nil || !ok {
		return err
	}
	_, err = conn.ExecContext(ctx, r.Drop())
	return err
}

// tables lists the tables of the generation's main schema.
func tables(ctx context.Context, conn *sql.Conn) ([]string, error) {
	out, err := wh.Strings(ctx, conn, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return out, nil
}
