package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// build is one run's work on its new generation.
type build struct {
	opts     Options
	db       *sql.DB
	conn     *sql.Conn
	reader   *sql.Conn  // reads the next entity's files beside the load (readahead.go)
	lake     *wh.Beside // writes the entities' lake files beside the load
	res      *Result
	stage    string
	digests  digests         // the source files' sums, hashed once per run
	filled   map[string]bool // entities whose earlier rows fillEarlier completed
	copied   bool            // the generation started as a copy of prev (copy.go)
	appended map[string]bool // copied tables the run added rows to in place (copy.go)
	verifier *wh.Verifier    // the run's checksum verdicts: each generation hashed once
	runs     []runlog.Record // the run log's ETL runs, read once when the run started; this one last
	prev     bool            // the generation the run builds on is attached as prev
	// scratch: prev is the run's rebuilt copy of an intact generation;
	// damaged: the published generation it replaces.
	scratch bool
	damaged wh.Generation
	seq     int // file sequence numbers, unique in the run
	// texts holds the UTF-8 text of each source file read so far, by
	// absolute path; decoded copies are written into folder tmp. The
	// reader of the next entity's files uses them too, hence textsMu.
	texts   map[string]decodedText
	tmp     string
	textsMu sync.Mutex

	vendor    *adapters.Set    // the run's vendor files, nil without any
	vendorRaw []*rawFile       // their raw tables
	vendorIn  map[string]int64 // rows the vendor step handed to (or quarantined for) each entity
	// vendorSince: of the run's vendor files read again unchanged (with
	// one that changed), by sequence number, since when and from where
	// each has been loaded.
	vendorSince map[int]loadedFrom
	// deleted: entities with keys of records deleted at the vendor, in
	// temp table deleted_<entity>; removed: earlier rows removed from each
	// entity, their keys in temp table removed_<entity> (deleted.go).
	deleted map[string]bool
	removed map[string]int64
	// doomed: entities with earlier rows about to be removed, their keys
	// in temp table doomed_<entity> (deleted.go).
	doomed map[string]bool
	// reload: the loader options changed since the published generation,
	// so files loaded before are read again (options.go).
	reload bool
	// rereadVendors: a rebuild restored vendor files into the ledger; the
	// vendor set is read again (vendor records are in no lake file), as
	// files loaded before.
	rereadVendors bool
}

// loadAll loads every entity in contract order, so parents are merged
// before their children's foreign keys are checked. The next entity's
// files are read beside the one being loaded (readAhead).
func (b *build) loadAll(ctx context.Context, files, vendorFiles []SourceFile) error {
	o, err := b.loaderOptions()
	if err != nil {
		return err
	}
	if b.reload, err = b.checkOptions(ctx, o); err != nil {
		return err
	}
	if err := b.createLedgers(ctx); err != nil {
		return err
	}
	if err := b.recordOptions(ctx, o); err != nil {
		return err
	}
	seen, err := b.seenFiles(ctx)
	if err != nil {
		return err
	}
	if err := b.readVendors(ctx, vendorFiles, seen); err != nil {
		return err
	}
	plans := b.planLoads(files, seen)
	ahead := b.readAhead(ctx, plans)
	defer ahead.stop()
	for i := range contract.Entities {
		e := &contract.Entities[i]
		for _, u := range plans[i].unchanged {
			b.unchanged(u.file, u.was)
		}
		if err := b.loadEntity(ctx, e, ahead.next(i)); err != nil {
			return fmt.Errorf("load %s: %w", e.Name, err)
		}
	}
	if err := wh.DetachTexts(ctx, b.conn); err != nil {
		return err
	}
	if err := b.vendorAccounting(ctx); err != nil {
		return err
	}
	for _, name := range []string{"accounts", "deals", "contracts"} {
		if n := b.entityRows(name); n == 0 {
			return fmt.Errorf("required entity %s has no rows: the source needs %s.csv, %s.parquet, %s.jsonl, %s.json or a %s/ folder with valid rows", name, name, name, name, name, name)
		}
	}
	b.warnIfNoRows()
	return nil
}

// warnIfNoRows warns when the source yielded no rows at all: no file in it
// had a row, and none was passed over as already loaded. The warehouse
// then keeps its earlier data, but a run that read nothing is no success.
func (b *build) warnIfNoRows() {
	for _, er := range b.res.Entities {
		if er.RowsRead > 0 {
			return
		}
	}
	for _, f := range b.res.Files {
		if f.RowsRead > 0 || f.Status == FileUnchanged {
			return
		}
	}
	why := "it holds no entity file or vendor export"
	if n := len(b.res.Files); n > 0 {
		why = fmt.Sprintf("%d files read, none with a row", n)
	}
	w := fmt.Sprintf("source %s yielded no rows: %s; the warehouse keeps its earlier data", b.opts.Source, why)
	b.res.Warnings = append(b.res.Warnings, w)
	b.opts.Logger.Warn("source yielded no rows", "source", b.opts.Source)
}

func (b *build) entityRows(name string) int64 {
	for _, er := range b.res.Entities {
		if er.Entity == name {
			return er.Rows
		}
	}
	return 0
}

// earlier is a file with the same content as one read before: where it
// was, and why it was rejected, if it was.
type earlier struct {
	where    string
	path     string
	rejected string
	run      int // the run that read it; 0: this run
}

// readBefore is what the file ledger says of the files earlier runs read:
// each content (entity/sha256) and where it was last read, the last run
// that loaded each content, the content last loaded at each path
// (entity/path) and the run since which the path has held it, and, for a
// vendor file's rows, the run since which that content has been loaded
// without a break (also at another path, before a move) and those paths.
type readBefore struct {
	sums     map[string]earlier
	loadedAt map[string]int
	last     map[string]string
	since    map[string]int
	stretch  map[string]int
	origin   map[string][]string
}

// same tells whether f holds content read before, and where: content this
// run read already, or content an earlier run read, unless its path loaded
// other content after this content's last load. A file changed back to an
// earlier content (v1, v2, v1) is read again, since the newest load wins;
// one renamed or moved unchanged is not, nor one changed back over content
// that was rejected (v1, v2 rejected, v1).
func (r readBefore) same(f SourceFile) (earlier, bool) {
	sum := f.Entity + "/" + f.SHA256
	was, ok := r.sums[sum]
	if !ok {
		return earlier{}, false
	}
	at := f.Entity + "/" + f.Path
	if last, ok := r.last[at]; ok && last != f.SHA256 && was.run > 0 && r.since[at] >= r.loadedAt[sum] {
		return earlier{}, false
	}
	return was, true
}

// add notes that this run reads f.
func (r readBefore) add(f SourceFile) {
	r.sums[f.Entity+"/"+f.SHA256] = earlier{where: f.Path + " (this run)"}
}

// loadedSince gives the run since which f's content, read before, has
// been loaded without a break, and the paths it was loaded from: f's own,
// and, for a file moved, the one it was at.
func (r readBefore) loadedSince(f SourceFile) (int, []string) {
	if at := f.Entity + "/" + f.Path; r.last[at] == f.SHA256 {
		return r.stretch[at], append([]string{f.Path}, r.origin[at]...)
	}
	was := r.sums[f.Entity+"/"+f.SHA256]
	if at := f.Entity + "/" + was.path; r.last[at] == f.SHA256 {
		return r.stretch[at], append([]string{f.Path, was.path}, r.origin[at]...)
	}
	return r.loadedAt[f.Entity+"/"+f.SHA256], []string{f.Path, was.path}
}

// seenFiles reads the file ledger of the generation the run builds on.
func (b *build) seenFiles(ctx context.Context) (readBefore, error) {
	seen := readBefore{sums: map[string]earlier{}, loadedAt: map[string]int{}, last: map[string]string{}, since: map[string]int{}, stretch: map[string]int{}, origin: map[string][]string{}}
	held := map[string]string{} // entity/sha256 -> the path that loaded it last
	if !b.prev || b.opts.FullRefresh || b.reload {
		return seen, nil
	}
	rows, err := b.conn.QueryContext(ctx, `SELECT entity, sha256, path, run_id, status, coalesce(error, '') FROM prev.etl_files WHERE status IN ('loaded', 'rejected') ORDER BY run_id`)
	if err != nil {
		return seen, fmt.Errorf("read file ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ent, sum, path, status, why string
		var run int
		if err := rows.Scan(&ent, &sum, &path, &run, &status, &why); err != nil {
			return seen, fmt.Errorf("read file ledger: %w", err)
		}
		was := earlier{where: fmt.Sprintf("%s (run %d)", path, run), path: path, run: run}
		if status == FileRejected {
			was.rejected = why
		}
		seen.sums[ent+"/"+sum] = was
		if status != FileLoaded {
			continue
		}
		// A content's last load moves when it starts a new stretch of
		// loads, not when its vendor set is read again unchanged.
		if at := ent + "/" + path; seen.last[at] != sum {
			seen.last[at], seen.since[at], seen.stretch[at], seen.origin[at] = sum, run, run, nil
			seen.loadedAt[ent+"/"+sum] = run
			// A vendor file moved unchanged and read again with its set:
			// its content has been loaded since it was at its old path.
			if q := held[ent+"/"+sum]; q != "" && q != path && seen.last[ent+"/"+q] == sum {
				seen.stretch[at], seen.origin[at] = seen.stretch[ent+"/"+q], append([]string{q}, seen.origin[ent+"/"+q]...)
				seen.loadedAt[ent+"/"+sum] = seen.stretch[at]
			}
		}
		held[ent+"/"+sum] = path
	}
	return seen, rows.Err()
}

// unchanged records a file not read again because the same content was
// read before. When that content was rejected, the file is still not
// loaded: the run warns, rather than pass it over as already loaded.
func (b *build) unchanged(f SourceFile, was earlier) {
	fr := FileResult{SourceFile: f, Status: FileUnchanged, Error: "same content as " + was.where}
	if was.rejected != "" {
		fr.Error += ", which was rejected"
		w := fmt.Sprintf("%s: skipped: same content as %s, which was rejected and is still not loaded (%s); fix the file to load it",
			f.Path, was.where, strings.TrimPrefix(was.rejected, f.Path+": "))
		b.res.Warnings = append(b.res.Warnings, w)
		b.opts.Logger.Warn("source file skipped: its content was rejected before", "file", f.Path, "before", was.where)
	}
	b.res.Files = append(b.res.Files, fr)
}

// loadEntity quarantines, validates and merges one entity's new files,
// read into raw tables by readAhead. Its time is its own work: reading its
// files (while the entity before was loaded), then the rest.
func (b *build) loadEntity(ctx context.Context, e *contract.Entity, files []fileRead) error {
	start := time.Now()
	er := EntityResult{Entity: e.Name, Files: len(files)}
	var raws []*rawFile
	var rowsSoFar int64
	var reading time.Duration // the time reading its files took
	for _, rd := range files {
		f, raw, err := rd.file, rd.raw, rd.err
		if rd.textErr != nil {
			return rd.textErr
		}
		fr := FileResult{SourceFile: f}
		b.warnText(f, rd.text)
		rd.text.describe(f, &fr)
		reading += rd.took
		b.opts.Logger.Debug("etl statement", "step", e.Name+": read "+f.Path, "seconds", rd.took.Seconds())
		var unreadable *errUnreadable
		switch {
		case errors.As(err, &unreadable):
			fr.Status, fr.Error = FileUnreadable, unreadable.Error()
			b.opts.Logger.Error("source file cannot be read", "entity", e.Name, "file", f.Path, "err", unreadable.reason)
			b.res.Files = append(b.res.Files, fr)
			continue
		case err != nil:
			return err
		}
		if len(raw.extra) > 0 {
			fr.Ignored = raw.extra
			b.opts.Logger.Warn("ignored columns the contract does not know", "entity", e.Name, "file", f.Path, "columns", strings.Join(raw.extra, ", "))
		}
		if err := b.registerFile(ctx, raw); err != nil {
			return err
		}
		if len(raw.missing) > 0 {
			fr.Status = FileRejected
			fr.Error = fmt.Sprintf("%s: missing required column %s; the file is rejected and %s keeps its earlier data", f.Path, strings.Join(raw.missing, ", "), e.Name)
			b.opts.Logger.Error("source file rejected", "entity", e.Name, "file", f.Path, "missing", strings.Join(raw.missing, ", "))
			if err := b.quarantineFile(ctx, e, raw, raw.missing[0], "file rejected: missing required column "+strings.Join(raw.missing, ", ")); err != nil {
				return err
			}
		} else {
			fr.Status = FileLoaded
			raws = append(raws, raw)
		}
		if err := b.quarantineRejects(ctx, e, raw); err != nil {
			return err
		}
		rowsSoFar += raw.rows + int64(len(raw.rejects))
		b.res.Files = append(b.res.Files, fr)
		b.progress(ctx, Progress{Stage: "load", Entity: e.Name, File: f.Path, Rows: rowsSoFar, Elapsed: reading})
	}
	vr, err := b.vendorRows(ctx, e, &er)
	if err != nil {
		return err
	}
	if vr != nil {
		raws = append(raws, vr)
	}
	if err := b.validate(ctx, e, raws); err != nil {
		return err
	}
	if err := b.removeDeleted(ctx, e, &er); err != nil {
		return err
	}
	if err := b.count(ctx, e, &er); err != nil {
		return err
	}
	er.Seconds = (reading + time.Since(start)).Seconds()
	b.res.Entities = append(b.res.Entities, er)
	for _, r := range raws {
		b.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+r.ref())
	}
	return nil
}

// exec runs one statement of the build, logging its duration at debug level.
func (b *build) exec(ctx context.Context, step, q string, args ...any) error {
	return b.execOn(ctx, b.conn, step, q, args...)
}

// execOn runs one statement on conn (the build's, or one beside it), as
// exec does.
func (b *build) execOn(ctx context.Context, conn *sql.Conn, step, q string, args ...any) error {
	start := time.Now()
	_, err := conn.ExecContext(ctx, q, args...)
	b.opts.Logger.Debug("etl statement", "step", step, "seconds", time.Since(start).Seconds(), "err", err)
	return err
}

// registerFile notes a file's sequence number and path for this run.
func (b *build) registerFile(ctx context.Context, raw *rawFile) error {
	_, err := b.conn.ExecContext(ctx, `INSERT INTO run_files VALUES (?, ?, ?, ?, ?, ?, ?)`,
		raw.seq, raw.file.Entity, raw.file.Path, raw.file.Format, raw.file.Size, raw.file.SHA256, raw.rows+int64(len(raw.rejects)))
	if err != nil {
		return fmt.Errorf("register %s: %w", raw.file.Path, err)
	}
	return nil
}

// validate types and checks the rows of an entity's readable files straight
// into the entity's warehouse table, with two working columns: _file and
// _errors, the rules each row breaks. It then finds every row that breaks a
// rule (its own, a duplicate key, a foreign key) into temp table
// bad_<entity>, quarantines and deletes those, drops the working columns,
// and merges in the earlier loads' rows. Writing the table at once, rather
// than a checked copy first, saves a copy of every row (docs/benchmarks.md).
func (b *build) validate(ctx context.Context, e *contract.Entity, raws []*rawFile) error {
	tbl, bad := wh.Ident(e.Name), wh.Ident("bad_"+e.Name)
	defer b.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+bad)
	withPrev := b.prev && !b.opts.FullRefresh
	if withPrev {
		has, err := b.prevHas(ctx, e.Name)
		if err != nil {
			return err
		}
		withPrev = has
	}
	copied, err := b.keepCopied(ctx, e)
	if err != nil || (copied && len(raws) == 0) {
		return err
	}
	if len(raws) == 0 {
		return b.keepEarlier(ctx, e, withPrev)
	}
	// Into a copied table, the run's rows are checked in a table of their
	// own and merged in place: the earlier rows are not written again.
	into := tbl
	if copied {
		tbl = wh.Ident("_new_" + e.Name)
		defer b.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+tbl)
	}
	var parts []string
	nul := false
	for _, r := range raws {
		parts = append(parts, "SELECT * FROM "+r.ref())
		nul = nul || r.mayHoldNUL()
	}
	path, err := b.sourcePath(ctx, "t._file")
	if err != nil {
		return err
	}
	q := fmt.Sprintf(`CREATE TABLE %s AS SELECT %s, %d::INTEGER AS _run_id, %s AS _source_file, t._row::BIGINT AS _row, t._file, t._errors FROM (%s) t`,
		tbl, tableColumns(e, "t."), b.res.RunID, path, typedSQL(e, "("+strings.Join(parts, " UNION ALL ")+")", b.opts.MaxTextLength, nul))
	if err := b.exec(ctx, e.Name+": validate", q, b.opts.BaseCurrency); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	dup, err := b.hasDuplicates(ctx, e, tbl)
	if err != nil {
		return err
	}
	if err := b.doomedKeys(ctx, e, tbl, ""); err != nil {
		return err
	}
	var earlierRows string
	switch {
	case copied:
		earlierRows = into
	case withPrev:
		earlierRows = "prev." + tbl
	}
	if err := b.exec(ctx, e.Name+": keys", "CREATE OR REPLACE TEMP TABLE "+bad+" AS "+b.badSQL(e, tbl, earlierRows)); err != nil {
		return fmt.Errorf("check keys: %w", err)
	}
	if err := b.badSelfReferences(ctx, e, tbl, bad); err != nil {
		return err
	}
	if dup {
		if err := b.supersede(ctx, e, tbl, bad); err != nil {
			return err
		}
	}
	var nbad int64
	if err := b.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+bad).Scan(&nbad); err != nil {
		return fmt.Errorf("count bad rows: %w", err)
	}
	if nbad > 0 {
		if err := b.quarantineBad(ctx, e, bad, parts); err != nil {
			return err
		}
		if err := b.exec(ctx, e.Name+": drop bad rows", "DELETE FROM "+tbl+" USING "+bad+" x WHERE x._file = "+tbl+"._file AND x._row = "+tbl+"._row"); err != nil {
			return fmt.Errorf("drop quarantined rows: %w", err)
		}
	}
	for _, s := range []string{"DROP COLUMN _errors", "DROP COLUMN _file", "RENAME COLUMN _row TO _source_row"} {
		if err := b.exec(ctx, e.Name+": "+strings.ToLower(s), "ALTER TABLE "+tbl+" "+s); err != nil {
			return fmt.Errorf("finish table: %w", err)
		}
	}
	switch {
	case copied:
		// The run's rows replace the earlier rows of their keys, which the
		// models updated in place read as changed too (BuildEnv.Delta).
		replaced := "CREATE OR REPLACE TABLE " + wh.Scratched("_replaced_"+e.Name) + " AS SELECT p.* FROM " + into + " p SEMI JOIN " + tbl + " n ON " + keyJoin(e, "p", "n")
		if err := b.exec(ctx, e.Name+": merge in place", replaced); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if err := b.exec(ctx, e.Name+": merge in place", "DELETE FROM "+into+" p USING "+tbl+" n WHERE "+keyJoin(e, "p", "n")); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if err := b.exec(ctx, e.Name+": merge in place", "INSERT INTO "+into+" BY NAME SELECT * FROM "+tbl); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		b.appended[e.Name] = true
		tbl = into
	case withPrev:
		// By name: a generation built by an earlier version may lack
		// columns added since (fillEarlier completes them).
		q := "INSERT INTO " + tbl + " BY NAME SELECT p.* FROM prev." + tbl + " p ANTI JOIN " + tbl + " n ON " + keyJoin(e, "p", "n")
		if err := b.exec(ctx, e.Name+": merge", q); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if err := b.fillEarlier(ctx, e, tbl); err != nil {
			return err
		}
	}
	lake := filepath.Join(b.stage, wh.LakeEntity(e.Name, b.res.RunID))
	if err := mkdirFor(lake); err != nil {
		return err
	}
	// The run id is an int, written into the SQL: DuckDB binds COPY's
	// target before the query's parameters. The file is written beside
	// the load of the next entities: nothing changes the run's rows of
	// this one from here on (removing deleted rows keeps them).
	q = fmt.Sprintf("COPY (SELECT * FROM %s WHERE _run_id = %d) TO ? (FORMAT parquet, COMPRESSION zstd)", tbl, b.res.RunID)
	b.lake.Do(ctx, func(ctx context.Context, conn *sql.Conn) error {
		if err := b.execOn(ctx, conn, e.Name+": lake", q, lake); err != nil {
			return fmt.Errorf("write lake file of %s: %w", e.Name, err)
		}
		return nil
	})
	return nil
}

// quarantineBad quarantines the rows listed in bad, with the text values
// the raw tables in parts hold for them.
func (b *build) quarantineBad(ctx context.Context, e *contract.Entity, bad string, parts []string) error {
	// A vendor file's row names the vendor field that feeds the column.
	column, fields := "x.errors[1].column", ""
	if b.vendor != nil {
		column = "coalesce(vf.field, x.errors[1].column)"
		fields = " LEFT JOIN vendor_fields vf ON vf.seq = x._file AND vf.entity = " + wh.Literal(e.Name) + " AND vf.column_name = x.errors[1].column"
	}
	err := b.exec(ctx, e.Name+": quarantine", `INSERT INTO quarantine
SELECT ?, ?, f.path, x._row, `+column+`, list_aggregate(list_transform(x.errors, e -> e.column || ': ' || e.reason), 'string_agg', '; '), `+rawValuesSQL(e, "r", b.opts.MaxTextLength)+`, now()::TIMESTAMP
FROM `+bad+` x JOIN (`+strings.Join(parts, " UNION ALL ")+`) r ON r._file = x._file AND r._row = x._row
JOIN run_files f ON f.seq = x._file`+fields+` ORDER BY x._file, x._row`, b.res.RunID, e.Name)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	return nil
}

// sourcePath is a SQL expression giving the path of the run's source file
// whose sequence number is in column file (a CASE over the run's few files,
// cheaper per row than a join).
func (b *build) sourcePath(ctx context.Context, file string) (string, error) {
	rows, err := b.conn.QueryContext(ctx, "SELECT seq, path FROM run_files ORDER BY seq")
	if err != nil {
		return "", fmt.Errorf("source paths: %w", err)
	}
	defer rows.Close()
	var sb strings.Builder
	sb.WriteString("CASE " + file)
	for rows.Next() {
		var seq int
		var path string
		if err := rows.Scan(&seq, &path); err != nil {
			return "", fmt.Errorf("source paths: %w", err)
		}
		fmt.Fprintf(&sb, " WHEN %d THEN %s", seq, wh.Literal(path))
	}
	sb.WriteString(" END")
	return sb.String(), rows.Err()
}

func (b *build) hasDuplicates(ctx context.Context, e *contract.Entity, tbl string) (bool, error) {
	var dup bool
	err := b.conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT "+keyList(e)+" FROM "+tbl+" GROUP BY ALL HAVING count(*) > 1)").Scan(&dup)
	if err != nil {
		return false, fmt.Errorf("find duplicates: %w", err)
	}
	return dup, nil
}

// badSQL selects (_file, _row, errors) for every checked row that breaks a
// rule: its own rules, foreign keys that match no row of this or an
// earlier load, and, for a row of a vendor file read again unchanged, a
// row of its key an earlier run loaded after it from another file (in
// table earlierRows). Duplicate keys among the rows left are supersede's.
func (b *build) badSQL(e *contract.Entity, chk string, earlierRows string) string {
	var refs, conds, items, joins []string
	if stale := b.staleVendorRows("c._file"); stale != "" && earlierRows != "" {
		refs = append(refs, "("+stale+" AND pv._run_id IS NOT NULL) AS _newer_load, pv._run_id AS _newer_run, pv._source_file AS _newer_file, pv._source_row AS _newer_row")
		joins = append(joins, "LEFT JOIN (SELECT "+keyList(e)+", _run_id, _source_file, _source_row FROM "+earlierRows+") pv ON "+keyJoin(e, "c", "pv")+" AND "+b.newerLoad("c._file", "pv"))
		conds = append(conds, "c._newer_load")
		items = append(items, errorItem(e.Key[0], "c._newer_load",
			"'duplicate key, superseded by ' || c._newer_file || ' row ' || c._newer_row || ' (run ' || c._newer_run || '), loaded after this unchanged file'"))
	}
	for i, col := range e.Columns {
		if col.Ref == "" {
			continue
		}
		target, tcol, _ := strings.Cut(col.Ref, ".")
		alias := fmt.Sprintf("p%d", i)
		var keys string
		if target == e.Name {
			// A self reference may point at an accepted row of this load
			// or at a row of an earlier one (badSelfReferences then
			// follows the rows this finds bad).
			keys = "SELECT DISTINCT " + wh.Ident(tcol) + " AS k FROM " + chk + " WHERE len(_errors) = 0" + b.earlierKeys(target, tcol)
		} else {
			if col.RefIfLoaded && b.entityRows(target) == 0 {
				continue
			}
			keys = "SELECT DISTINCT " + wh.Ident(tcol) + " AS k FROM main." + wh.Ident(target)
		}
		ref := wh.Ident("_ref_" + col.Name)
		refs = append(refs, "(c."+wh.Ident(col.Name)+" IS NOT NULL AND "+alias+".k IS NULL) AS "+ref)
		joins = append(joins, "LEFT JOIN ("+keys+") "+alias+" ON "+alias+".k = c."+wh.Ident(col.Name))
		conds = append(conds, "c."+ref)
		items = append(items, errorItem(col.Name, "c."+ref,
			"'''' || c."+wh.Ident(col.Name)+" || ''' matches no "+target+"."+tcol+" of this or an earlier load'"))
	}
	from := chk
	if len(refs) > 0 {
		from = "(SELECT c.*, " + strings.Join(refs, ", ") + " FROM " + chk + " c " + strings.Join(joins, " ") + ")"
	}
	from += " c"
	errs, where := "c._errors", "len(c._errors) > 0"
	if len(items) > 0 {
		errs = "list_concat(c._errors, list_filter([" + strings.Join(items, ", ") + "], x -> x IS NOT NULL))"
		where += " OR " + strings.Join(conds, " OR ")
	}
	return "SELECT c._file, c._row, " + errs + " AS errors FROM " + from + " WHERE " + where
}

// staleVendorRows is a condition on a row whose file's sequence number is
// in column file: it comes from a vendor file read again unchanged (""
// when the run has none).
func (b *build) staleVendorRows(file string) string {
	if len(b.vendorSince) == 0 {
		return ""
	}
	var seqs []string
	for _, seq := range slices.Sorted(maps.Keys(b.vendorSince)) {
		seqs = append(seqs, strconv.Itoa(seq))
	}
	return file + " IN (" + strings.Join(seqs, ", ") + ")"
}

// loadedFrom is since when a vendor file read again unchanged has been
// loaded, and the paths it was loaded from (its own; where it was, when
// it moved).
type loadedFrom struct {
	since int
	paths []string
}

// newerLoad is a condition on an earlier row (alias pv) of the key of a
// row from the vendor file whose sequence number is in column file, read
// again unchanged: a later run loaded it from another file.
func (b *build) newerLoad(file, pv string) string {
	var since, paths strings.Builder
	for _, seq := range slices.Sorted(maps.Keys(b.vendorSince)) {
		v := b.vendorSince[seq]
		fmt.Fprintf(&since, " WHEN %d THEN %d", seq, v.since)
		fmt.Fprintf(&paths, " WHEN %d THEN [%s]", seq, wh.Literals(v.paths))
	}
	return pv + "._run_id > CASE " + file + since.String() + " END AND NOT list_contains(CASE " + file + paths.String() + " END, coalesce(" + pv + "._source_file, ''))"
}

// earlierKeys is the UNION part of a self reference's keys that the rows
// of earlier loads hold (none in a full refresh), but those of rows about
// to be removed (doomedKeys).
func (b *build) earlierKeys(target, tcol string) string {
	if !b.prev || b.opts.FullRefresh {
		return ""
	}
	q := " UNION SELECT " + wh.Ident(tcol) + " FROM prev." + wh.Ident(target)
	if b.doomed[target] {
		q += " WHERE " + wh.Ident(tcol) + " NOT IN (SELECT k FROM " + wh.Ident("doomed_"+target) + ")"
	}
	return q
}

// supersede adds to bad the rows of chk that lose to a later row of their
// key: among the rows no rule quarantined, the later file, then the later
// row, wins. A row quarantined for a rule of its own, a foreign key or a
// self reference (found by then) supersedes nothing: the latest good row
// of its key wins, as when the good one was loaded by an earlier run.
func (b *build) supersede(ctx context.Context, e *contract.Entity, chk, bad string) error {
	q := "INSERT INTO " + bad + " SELECT c._file, c._row, [{'column': " + wh.Literal(e.Key[0]) + ", 'reason': 'duplicate key, superseded by ' || wf.path || ' row ' || c._win_row}]" +
		" FROM (SELECT _file, _row, row_number() OVER w AS _rank, first_value(_file) OVER w AS _win_file, first_value(_row) OVER w AS _win_row FROM " + chk + " c" +
		" WHERE NOT EXISTS (SELECT 1 FROM " + bad + " x WHERE x._file = c._file AND x._row = c._row)" +
		" WINDOW w AS (PARTITION BY " + keyList(e) + " ORDER BY _file DESC, _row DESC)) c" +
		" LEFT JOIN run_files wf ON wf.seq = c._win_file WHERE c._rank > 1"
	if err := b.exec(ctx, e.Name+": duplicate keys", q); err != nil {
		return fmt.Errorf("check duplicate keys: %w", err)
	}
	return nil
}

// badSelfReferences adds to bad the rows of chk whose self reference
// points at a row of this load that bad holds (quarantined for a foreign
// key, which badSQL's first look cannot know), and again for the rows pointing at those, until none is left: a
// renewal of a contract that is quarantined is quarantined too, as the
// data contract says, whatever the length of the chain.
func (b *build) badSelfReferences(ctx context.Context, e *contract.Entity, chk, bad string) error {
	var refs []contract.Column
	for _, c := range e.Columns {
		if target, _, _ := strings.Cut(c.Ref, "."); target == e.Name {
			refs = append(refs, c)
		}
	}
	accepted := "NOT EXISTS (SELECT 1 FROM " + bad + " x WHERE x._file = c._file AND x._row = c._row)"
	for {
		if err := b.doomedKeys(ctx, e, chk, bad); err != nil {
			return err
		}
		var added int64
		for _, col := range refs {
			target, tcol, _ := strings.Cut(col.Ref, ".")
			keys := "SELECT " + wh.Ident(tcol) + " AS k FROM " + chk + " c WHERE " + accepted + b.earlierKeys(target, tcol)
			v := "c." + wh.Ident(col.Name)
			reason := "'''' || " + v + " || ''' matches no " + target + "." + tcol + " of this or an earlier load (the row with it is quarantined)'"
			q := "INSERT INTO " + bad + " SELECT c._file, c._row, [{'column': " + wh.Literal(col.Name) + ", 'reason': " + reason + "}] FROM " + chk + " c WHERE " +
				v + " IS NOT NULL AND " + accepted + " AND NOT EXISTS (SELECT 1 FROM (" + keys + ") k WHERE k.k = " + v + ")"
			res, err := b.conn.ExecContext(ctx, q)
			if err != nil {
				return fmt.Errorf("check %s: %w", col.Name, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("check %s: %w", col.Name, err)
			}
			added += n
		}
		if added == 0 {
			return nil
		}
	}
}

// keepEarlier builds the table of an entity this run brought no rows for:
// the earlier loads' rows, or an empty table.
func (b *build) keepEarlier(ctx context.Context, e *contract.Entity, withPrev bool) error {
	tbl := wh.Ident(e.Name)
	var cols []string
	for _, c := range slices.Concat(e.Columns, e.Derived()) {
		cols = append(cols, wh.Ident(c.Name)+" "+c.Type.SQLType())
	}
	q := "CREATE TABLE " + tbl + " (" + strings.Join(cols, ", ") + ", _run_id INTEGER, _source_file VARCHAR, _source_row BIGINT)"
	if err := b.exec(ctx, e.Name+": merge", q); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if !withPrev {
		return nil
	}
	// By name into this version's columns: a generation built by an
	// earlier version may lack some (fillEarlier completes them).
	if err := b.exec(ctx, e.Name+": merge", "INSERT INTO "+tbl+" BY NAME SELECT * FROM prev."+tbl); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return b.fillEarlier(ctx, e, tbl)
}

// fillEarlier completes the rows an earlier version of Precedent loaded,
// before amounts were converted to the base currency: every such row was in
// the base currency (others were quarantined), so its originals are its
// amounts and its rate is 1.
func (b *build) fillEarlier(ctx context.Context, e *contract.Entity, tbl string) error {
	if e.FX == nil {
		return nil
	}
	var sets []string
	var args []any
	for _, c := range e.Converted() {
		orig := wh.Ident(c.Name + "_original")
		sets = append(sets, orig+" = coalesce("+orig+", "+wh.Ident(c.Name)+")")
	}
	if e.FX.Parent != "" {
		sets = append(sets, "currency = coalesce(currency, ?)")
		args = append(args, b.opts.BaseCurrency)
	}
	sets = append(sets, "fx_rate = 1")
	r, err := b.conn.ExecContext(ctx, "UPDATE "+tbl+" SET "+strings.Join(sets, ", ")+" WHERE fx_rate IS NULL", args...)
	if err != nil {
		return fmt.Errorf("complete rows of an earlier version: %w", err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		b.filled[e.Name] = true
	}
	return nil
}

// prevHas reports whether the published generation has the table.
func (b *build) prevHas(ctx context.Context, table string) (bool, error) {
	var n int
	err := b.conn.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND schema_name = 'main' AND table_name = ?", table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for %s in the published generation: %w", table, err)
	}
	return n > 0, nil
}

// count fills in an entity's row counts and checks that every row read was
// either loaded or quarantined.
func (b *build) count(ctx context.Context, e *contract.Entity, er *EntityResult) error {
	err := b.conn.QueryRowContext(ctx, `SELECT
  (SELECT coalesce(sum(rows_read), 0) FROM run_files WHERE entity = $1),
  (SELECT count(*) FROM main.`+wh.Ident(e.Name)+` WHERE _run_id = $2),
  (SELECT count(*) FROM quarantine WHERE run_id = $2 AND entity = $1),
  (SELECT count(*) FROM main.`+wh.Ident(e.Name)+`)`, e.Name, b.res.RunID).Scan(&er.RowsRead, &er.RowsLoaded, &er.RowsQuarantined, &er.Rows)
	if err != nil {
		return fmt.Errorf("count rows: %w", err)
	}
	er.RowsRead += b.vendorIn[e.Name]
	if er.RowsRead != er.RowsLoaded+er.RowsQuarantined {
		return fmt.Errorf("row accounting broken: read %d, loaded %d, quarantined %d", er.RowsRead, er.RowsLoaded, er.RowsQuarantined)
	}
	return nil
}

func keyList(e *contract.Entity) string {
	var out []string
	for _, k := range e.Key {
		out = append(out, wh.Ident(k))
	}
	return strings.Join(out, ", ")
}

func keyJoin(e *contract.Entity, a, b string) string {
	var out []string
	for _, k := range e.Key {
		out = append(out, a+"."+wh.Ident(k)+" = "+b+"."+wh.Ident(k))
	}
	return strings.Join(out, " AND ")
}
