package etl

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// An ordinary run (the published generation intact and current, no
// --full-refresh) starts its new generation as a byte copy of the published
// one rather than an empty file: a copy is sequential I/O, while writing
// tables into DuckDB's storage again costs more than reading the source.
// The run then drops what it rebuilds (the ledgers, the catalogs, the
// entity tables it loads rows into) and leaves the rest: an entity it
// loads nothing into and a model nothing it reads changed in stay as they
// are, and the closing checkpoint writes only what changed.

// startFromPublished copies the published generation to the run's staging
// file when the run can build on it in the ordinary way; it reports
// whether it did. The copy verifies the generation as it reads it (the
// verifier remembers the verdict), so the file is read once; a copy of a
// generation the run cannot build on, damaged or followed by a run whose
// generation is gone, is removed. runs are the run log's ETL runs.
func startFromPublished(opts Options, v *wh.Verifier, runID int, runs []runlog.Record) (bool, error) {
	if opts.FullRefresh {
		return false, nil
	}
	g, err := opts.Data.Published()
	if err != nil {
		return false, nil // current, for the runs that need to know, says why
	}
	if err := os.MkdirAll(opts.Data.Generations(), 0o755); err != nil {
		return false, fmt.Errorf("warehouse folder: %w", err)
	}
	dst := opts.Data.Staging(runID)
	if err := v.Copy(g.Path, dst); err != nil {
		os.Remove(dst)
		return false, fmt.Errorf("copy generation %d: %w", g.ID, err)
	}
	if !current(opts, v, runs) {
		os.Remove(dst)
		return false, nil
	}
	return true, nil
}

// mostlyFree reports whether more of the database conn is on is free
// blocks than used ones: each copy carries the blocks its predecessors
// freed, so once they outnumber the used ones the run writes a compact
// generation instead.
func mostlyFree(ctx context.Context, conn *sql.Conn) (bool, error) {
	var used, free int64
	if err := conn.QueryRowContext(ctx, "SELECT used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()").Scan(&used, &free); err != nil {
		return false, fmt.Errorf("size of the copied generation: %w", err)
	}
	return free > used, nil
}

// ordinary says the run builds on the published generation attached as
// prev in the ordinary way: not a rebuild, not a catch-up, not a full
// refresh. Only such a run keeps tables and models of prev.
func (b *build) ordinary() bool { return b.prev && !b.scratch && !b.opts.FullRefresh }

// settleCopy runs once prev is attached: when the run builds on prev in
// the ordinary way it drops from the copy every table but the entity
// tables, the ledgers the run appends to (createLedgers) and, when the run
// builds models, the models prev's catalog lists as built (a run without
// models publishes none, as from nothing); otherwise (a rebuild, a
// catch-up) it drops every table, and the run builds from an empty
// generation as without a copy.
func (b *build) settleCopy(ctx context.Context) error {
	if !b.copied {
		return nil
	}
	// Views too: a model may be materialized as one.
	all, err := wh.Relations(ctx, b.conn)
	if err != nil {
		return fmt.Errorf("list the copied tables: %w", err)
	}
	keep := map[string]bool{}
	if b.ordinary() {
		for _, e := range contract.Entities {
			keep[e.Name] = true
		}
		for _, l := range ledgers {
			keep[l.name] = true
		}
		models, err := wh.Strings(ctx, b.conn, "SELECT name FROM main._models WHERE status = 'built' AND state IS NOT NULL")
		if err == nil && b.opts.Models != nil {
			for _, m := range models {
				keep[m] = true
			}
		}
	} else {
		b.copied = false
	}
	for _, r := range all {
		if keep[r.Name] {
			continue
		}
		if err := b.exec(ctx, "drop "+r.Name+" from the copy", r.Drop()); err != nil {
			return fmt.Errorf("drop %s from the copy: %w", r.Name, err)
		}
	}
	return nil
}

// keepCopied reports whether entity e's table stays as the copy has it:
// its columns and their types are this version's, so the run merges the
// rows it loads into it in place (or, loading none, leaves it). When it
// cannot, the copied table is dropped for the run to build.
func (b *build) keepCopied(ctx context.Context, e *contract.Entity) (bool, error) {
	if !b.copied {
		return false, nil
	}
	var want []string
	for _, c := range slices.Concat(e.Columns, e.Derived()) {
		want = append(want, c.Name+" "+c.Type.SQLType())
	}
	want = append(want, "_run_id INTEGER", "_source_file VARCHAR", "_source_row BIGINT")
	return b.keepTable(ctx, e.Name, want)
}

// keepTable reports whether the copied table name has the columns want,
// each "name TYPE", in that order. A copied table with other columns is
// dropped, for the run to create as this version has it.
func (b *build) keepTable(ctx context.Context, name string, want []string) (bool, error) {
	cols, err := wh.Strings(ctx, b.conn, "SELECT column_name || ' ' || data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index", name)
	if err != nil {
		return false, fmt.Errorf("columns of the copied %s: %w", name, err)
	}
	same := func(a, b string) bool { return strings.EqualFold(a, strings.Join(strings.Fields(b), " ")) }
	if slices.EqualFunc(cols, want, same) {
		return true, nil
	}
	if len(cols) > 0 {
		if err := b.exec(ctx, name+": drop the copied table", "DROP TABLE "+wh.Ident(name)); err != nil {
			return false, fmt.Errorf("drop the copied %s: %w", name, err)
		}
	}
	return false, nil
}

// maxExtraRowGroups is how many more row groups than its rows fill a table
// the runs append to in place may collect before a checkpoint merges them.
const maxExtraRowGroups = 8

// rowGroupRows is DuckDB's default row group size, the rows one holds.
const rowGroupRows = 122880

// vacuumPolicy decides whether the closing checkpoint of a copied
// generation may merge row groups (DuckDB's vacuum). Appending a few rows
// to a copied table adds a small row group, and the vacuum folds it with
// the table's partly filled one: when that one comes first, as a parallel
// insert leaves it, the checkpoint rewrites the whole table (0.3 s for each
// of the three ticket tables at scale 10, more than their update). So the
// vacuum waits until a table appended to in place holds more than
// maxExtraRowGroups row groups beyond those its rows need; that run's
// checkpoint merges them, and the deleted rows' space with them.
func (b *build) vacuumPolicy(ctx context.Context) error {
	if !b.copied {
		return nil
	}
	tables := slices.Sorted(maps.Keys(b.appended))
	if b.res.Models != nil {
		tables = append(tables, b.res.Models.InPlace...)
	}
	merge := false
	for _, t := range tables {
		var groups, rows int64
		q := "SELECT (SELECT count(DISTINCT row_group_id) FROM pragma_storage_info(?)), (SELECT count(*) FROM " + wh.Ident(t) + ")"
		if err := b.conn.QueryRowContext(ctx, q, t).Scan(&groups, &rows); err != nil {
			return fmt.Errorf("row groups of %s: %w", t, err)
		}
		if groups > (rows+rowGroupRows-1)/rowGroupRows+maxExtraRowGroups {
			merge = true
			b.opts.Logger.Debug("checkpoint merges row groups", "table", t, "row_groups", groups, "rows", rows)
		}
	}
	tasks := 0
	if merge {
		tasks = 100 // DuckDB's default
	}
	if _, err := b.conn.ExecContext(ctx, fmt.Sprintf("SET max_vacuum_tasks = %d", tasks)); err != nil {
		return fmt.Errorf("configure the checkpoint: %w", err)
	}
	return nil
}
