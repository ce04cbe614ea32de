package queries

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// states decides which models a build can copy from the previous
// generation rather than compute, as dbt's state:modified does: a model's
// state hashes its SQL, the program and the version of every table it
// reads (an entity's version from the loader, the settings' from their
// values, a model's from its own state). A model whose state is the one
// the previous generation's catalog recorded reads exactly what it read
// then, so its table is the same.
type states struct {
	prev     string            // the previous generation's database; "" for none
	program  string            // the program's build
	versions map[string]string // table -> version; a missing one is unknown
	// sansAsOf is the version of precedent_settings without its as-of
	// date, which a model declaring Incremental.AsOf reads in its base.
	sansAsOf string
	was      map[string]string // model -> the state the previous catalog recorded
	wasBase  map[string]string // model -> the base state the previous catalog recorded
}

// settingsTables are the tables Settings.write fills; each one's version
// is a hash of its rows, so a model changes with the settings it reads
// (the as-of date is in precedent_settings).
var settingsTables = []string{"precedent_settings", "discount_policy", "vague_phrases", "risk_weights"}

func newStates(ctx context.Context, conn *sql.Conn, opts Options) (*states, error) {
	st := &states{prev: opts.Prev, program: opts.Program, versions: map[string]string{}, was: map[string]string{}, wasBase: map[string]string{}}
	for t, v := range opts.Versions {
		st.versions[t] = v
	}
	for _, t := range settingsTables {
		var v string
		q := "SELECT md5(coalesce(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR), '')) FROM " + wh.Ident(t) + " t"
		if err := conn.QueryRowContext(ctx, q).Scan(&v); err != nil {
			return nil, fmt.Errorf("version of %s: %w", t, err)
		}
		st.versions[t] = "settings " + v
	}
	q := "SELECT md5(coalesce(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR), '')) FROM (SELECT * EXCLUDE (as_of) FROM precedent_settings) t"
	if err := conn.QueryRowContext(ctx, q).Scan(&st.sansAsOf); err != nil {
		return nil, fmt.Errorf("version of precedent_settings: %w", err)
	}
	st.sansAsOf = "settings without as_of " + st.sansAsOf
	if st.prev == "" {
		return st, nil
	}
	// An older generation's catalog has no states: nothing is kept.
	var n int
	err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' AND table_name = '_models' AND column_name = 'state'`, st.prev).Scan(&n)
	if err != nil || n == 0 {
		return st, err
	}
	// A catalog before models were updated in place has no base states.
	base := "NULL"
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' AND table_name = '_models' AND column_name = 'base_state'`, st.prev).Scan(&n); err != nil {
		return nil, err
	} else if n > 0 {
		base = "base_state"
	}
	rows, err := conn.QueryContext(ctx, `SELECT name, state, coalesce(`+base+`, '') FROM `+wh.Ident(st.prev)+`.main._models WHERE status = ? AND state IS NOT NULL`, Built)
	if err != nil {
		return nil, fmt.Errorf("read the previous models' states: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, state, base string
		if err := rows.Scan(&name, &state, &base); err != nil {
			return nil, fmt.Errorf("read the previous models' states: %w", err)
		}
		st.was[name] = state
		if base != "" {
			st.wasBase[name] = base
		}
	}
	return st, rows.Err()
}

// base returns the base state of a model declared incremental: its state
// leaving out the tables its rows come from (Incremental.From); "" for
// another model, when it does not read every From table, or when something
// else it reads has no known version. A model declaring Incremental.AsOf
// reads the settings without the as-of date in its base (the date's change
// is a change of its From rows, those dated between the two dates). When
// the base state is the one the
// previous generation recorded, the model read then what it reads now but
// for the From tables.
func (st *states) base(m *Model) string {
	inc := m.Header.Incremental
	if inc == nil || m.Err != nil || m.Volatile != "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\nincremental\n", st.program, m.SQL)
	deps := slices.Clone(m.Deps)
	slices.Sort(deps)
	from := 0
	for _, d := range deps {
		if slices.ContainsFunc(inc.From, func(f string) bool { return strings.EqualFold(d, f) }) {
			from++
			continue
		}
		v := st.versions[strings.ToLower(d)]
		if inc.AsOf != "" && strings.EqualFold(d, "precedent_settings") {
			v = st.sansAsOf
		}
		if v == "" {
			return ""
		}
		fmt.Fprintf(h, "%s=%s\n", d, v)
	}
	if inc.AsOf != "" {
		fmt.Fprintf(h, "as_of=%s\n", inc.AsOf)
	}
	if from != len(inc.From) {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// of returns model m's state, and records it as the version of m's table
// for the models that read it; "" when something m reads has no known
// version or m is volatile (m is then computed, and so is everything that
// reads it).
func (st *states) of(m *Model) string {
	if m.Volatile != "" {
		st.versions[m.Name] = ""
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", st.program, m.SQL)
	deps := slices.Clone(m.Deps)
	slices.Sort(deps)
	for _, d := range deps {
		v := st.versions[strings.ToLower(d)]
		if v == "" {
			st.versions[m.Name] = ""
			return ""
		}
		fmt.Fprintf(h, "%s=%s\n", d, v)
	}
	state := hex.EncodeToString(h.Sum(nil))
	st.versions[m.Name] = state
	return state
}

// kept says whether model m can be copied from the previous generation.
func (st *states) kept(m *Model, state string) bool {
	return state != "" && m.Err == nil && st.was[m.Name] == state
}

// keepModel keeps model m's table as the previous generation prev has it:
// the table the new generation copied from prev, or a copy made here.
func keepModel(ctx context.Context, conn *sql.Conn, m *Model, prev string) ModelResult {
	res := ModelResult{Name: m.Name, Layer: m.Layer, Path: m.Path, Status: Built, Kept: true}
	start := time.Now()
	// A generation that started as a copy of prev has the table (or
	// view) already; a view is made again from its query, which is prev's.
	_, has, err := relation(ctx, conn, m.Name)
	if err != nil {
		res.Status, res.Error = Failed, err.Error()
		return res
	}
	if !has {
		q := "CREATE TABLE " + wh.Ident(m.Name) + " AS SELECT * FROM " + wh.Ident(prev) + ".main." + wh.Ident(m.Name)
		if m.View() {
			q = createSQL(m, "CREATE")
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			res.Status, res.Error = Failed, wh.Message(err)
			return res
		}
	}
	res.Seconds = time.Since(start).Seconds()
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+wh.Ident(m.Name)).Scan(&res.Rows); err != nil {
		res.Status, res.Error = Failed, err.Error()
	}
	return res
}

// claimNames fails, and returns, each analyst's model named like a table
// of the warehouse that is not a model's (an entity, a ledger, a setting:
// tables lists them, with the models' tables a copied generation holds,
// which the previous catalog names): building it would replace that table.
func (st *states) claimNames(models []*Model, tables []string) []*Model {
	var clash []*Model
	for _, m := range models {
		if m.Builtin {
			continue
		}
		if _, ok := st.was[m.Name]; ok {
			continue
		}
		if slices.ContainsFunc(tables, func(t string) bool { return strings.EqualFold(t, m.Name) }) {
			m.Err = fmt.Errorf("%s: the warehouse already has a table named %s (an entity, a ledger or a setting); rename the file", m.Path, m.Name)
			clash = append(clash, m)
		}
	}
	return clash
}

// dropStale drops what a generation that started as a copy of the
// previous one holds under the names of models the previous generation
// built, where it no longer stands: a model this build no longer has, and
// a model changed from a table to a view or back (DuckDB replaces a
// relation only with one of its kind).
func (st *states) dropStale(ctx context.Context, conn *sql.Conn, models []*Model) error {
	if len(st.was) == 0 {
		return nil
	}
	held, err := wh.Relations(ctx, conn)
	if err != nil {
		return fmt.Errorf("list the copied models: %w", err)
	}
	for _, r := range held {
		if _, ok := st.was[r.Name]; !ok {
			continue
		}
		i := slices.IndexFunc(models, func(m *Model) bool { return m.Name == r.Name })
		if i >= 0 && (r.Kind == "VIEW") == models[i].View() {
			continue
		}
		if _, err := conn.ExecContext(ctx, r.Drop()); err != nil {
			kind := strings.ToLower(r.Kind)
			return fmt.Errorf("drop the %s of model %s, which is gone or no longer a %s: %w", kind, r.Name, kind, err)
		}
	}
	return nil
}
