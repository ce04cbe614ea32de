package etl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// attachPrev attaches, as prev, the generation this run builds on: the
// published one when it is intact. When it is damaged, missing or cannot
// be attached, the run heals the warehouse instead of failing: it copies
// the newest intact older generation, brings the copy up to the published
// run with the verified lake files of the runs since (rebuildFrom), and
// builds on that; a --full-refresh run needs an intact generation only
// for the quarantine history; with no intact generation left the run
// becomes a full refresh from the source. Result.Recovered says which.
func (b *build) attachPrev(ctx context.Context) error {
	v := b.verifier
	h, err := b.opts.Data.Check(v)
	if errors.Is(err, wh.ErrNoWarehouse) {
		return nil
	}
	if err != nil {
		return err
	}
	if h.Damage == nil {
		caughtUp, err := b.catchUp(ctx, h.Published)
		if caughtUp || err != nil {
			return err
		}
		err = b.attach(ctx, h.Published.Path, true)
		if err == nil {
			return nil
		}
		h.Damage = fmt.Errorf("%s cannot be read: %s", filepath.Base(h.Published.Path), wh.Message(err))
		if h.Intact, err = b.opts.Data.IntactBefore(v, h.Published.ID); err != nil {
			return err
		}
	}
	b.damaged = h.Published
	b.opts.Logger.Error("the published warehouse is damaged; this run rebuilds it", "damage", h.Damage)
	for _, g := range h.Intact {
		how := fmt.Sprintf("full refresh from the source, keeping the quarantine history of generation %d", g.ID)
		if b.opts.FullRefresh {
			err = b.attach(ctx, g.Path, true)
		} else {
			how, err = b.rebuildFrom(ctx, g)
		}
		if err == nil {
			b.res.Recovered = h.Damage.Error() + "; " + how
			return nil
		}
		b.opts.Logger.Warn("cannot build on an older generation", "generation", g.ID, "err", err)
	}
	b.opts.FullRefresh, b.res.FullRefresh = true, true
	b.res.Recovered = h.Damage.Error() + "; no intact generation is left to build on: full refresh from the source"
	return nil
}

// catchUp builds on an intact published generation that is older than
// runs that published after it (its link was pointed back, by precedent
// doctor --repair or by hand): like a rebuild, it replays those runs'
// verified lake files onto a copy, so their loads are not forgotten. It
// reports whether it attached prev; a --full-refresh run needs no catching up.
func (b *build) catchUp(ctx context.Context, g wh.Generation) (bool, error) {
	if b.opts.FullRefresh {
		return false, nil
	}
	later, err := b.publishedRuns(g.ID)
	if err != nil || len(later) == 0 {
		return false, err
	}
	how, err := b.rebuildFrom(ctx, g)
	if err != nil {
		b.opts.Logger.Warn("cannot replay the runs published after the published generation", "generation", g.ID, "err", err)
		return false, nil
	}
	b.res.Recovered = fmt.Sprintf("%s is published, but %s published after it; %s", filepath.Base(g.Path), runList(later), how)
	b.opts.Logger.Warn("the published warehouse is older than runs that published after it; this run replays them", "generation", g.ID)
	return true, nil
}

// attach attaches the generation at path as prev.
func (b *build) attach(ctx context.Context, path string, readOnly bool) error {
	q := "ATTACH " + wh.Literal(path) + " AS prev"
	if readOnly {
		q += " (READ_ONLY)"
	}
	if _, err := b.conn.ExecContext(ctx, q); err != nil {
		return err
	}
	b.prev = true
	return nil
}

// rebuildFrom copies generation g to the run's scratch file (a byte copy
// is far cheaper than re-encoding its tables), attaches the copy as prev
// and replays onto it the runs that published after g. It returns how the
// warehouse was rebuilt, for Result.Recovered.
func (b *build) rebuildFrom(ctx context.Context, g wh.Generation) (string, error) {
	scratch := b.opts.Data.Scratch(b.res.RunID)
	if err := b.verifier.Copy(g.Path, scratch); err != nil {
		return "", fmt.Errorf("copy generation %d: %w", g.ID, err)
	}
	if err := b.attach(ctx, scratch, false); err != nil {
		b.removeScratch()
		return "", err
	}
	runs, untrusted, err := b.replay(ctx, g.ID)
	if err != nil {
		b.conn.ExecContext(ctx, "DETACH prev")
		b.prev = false
		b.removeScratch()
		return "", err
	}
	b.scratch = true
	how := fmt.Sprintf("rebuilt from generation %d", g.ID)
	if len(runs) > 0 {
		how += " and the lake files of " + runList(runs)
	}
	if untrusted > 0 {
		how += fmt.Sprintf("; %s not trusted, their rows read again from the source", plural(untrusted, "1 lake file", fmt.Sprintf("%d lake files", untrusted)))
	}
	return how, nil
}

// replayed is a run a rebuild replays, with what it recorded and when it
// ended.
type replayed struct {
	id  int
	res Result
	at  time.Time
}

// replay merges into prev the lake files of the runs after base that
// published, in run order, as each run merged them: the newer row of a key
// wins, and a full refresh starts over. Each file is read only if it
// matches the checksum its run recorded in the run log;
// any other is not trusted: it is reported (and, when damaged, set aside).
// Of each entity whose files of a run were all trusted, prev's file ledger
// and quarantine get the run's entries back (restoreLedgers), so this run
// passes over its source files as loaded; those of the others it reads
// again from the source. It returns the runs replayed and the number of
// files not trusted.
func (b *build) replay(ctx context.Context, base int) ([]replayed, int, error) {
	todo, err := b.publishedRuns(base)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range []string{"etl_lake_files (" + lakeFilesSchema + ")", "etl_files (" + filesSchema + ")", "quarantine (" + quarantineSchema + ")"} {
		if _, err := b.conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS prev."+t); err != nil {
			return nil, 0, fmt.Errorf("rebuild: %w", err)
		}
	}
	untrusted := 0
	type mart struct {
		run int
		f   LakeFile
	}
	marts := map[string]mart{} // the newest run's checksum of each mart file
	for _, r := range todo {
		recorded := map[string]LakeFile{}
		for _, f := range r.res.Lake {
			recorded[f.Path] = f
			if f.Mart() {
				marts[f.Path] = mart{r.id, f}
			}
		}
		if r.res.FullRefresh {
			if err := b.startOver(ctx); err != nil {
				return nil, 0, err
			}
		}
		trusted := map[string]bool{}
		for i := range contract.Entities {
			e := &contract.Entities[i]
			trusted[e.Name] = true
			// The run's rows, then the keys of the earlier rows it removed.
			for _, lf := range []struct {
				rel   string
				apply func(path string) error
			}{
				{filepath.ToSlash(wh.LakeEntity(e.Name, r.id)), func(path string) error { return b.mergeLake(ctx, e, path) }},
				{filepath.ToSlash(wh.LakeRemoved(e.Name, r.id)), func(path string) error { return b.removeLake(ctx, e, path) }},
			} {
				f, ok := recorded[lf.rel]
				switch {
				case !ok && exists(b.opts.Data, lf.rel):
					b.distrust(lf.rel, fmt.Sprintf("run %d recorded no checksum for it", r.id), false)
					untrusted++
					trusted[e.Name] = false
				case !ok:
					// The run brought no rows for the entity, or removed none.
				default:
					ok, err := b.replayFile(ctx, r.id, f, func() error { return lf.apply(f.Path) })
					if err != nil {
						return nil, 0, err
					}
					if !ok {
						untrusted++
						trusted[e.Name] = false
					}
				}
			}
		}
		if err := b.restoreLedgers(ctx, r, trusted); err != nil {
			return nil, 0, err
		}
	}
	paths := make([]string, 0, len(marts))
	for p := range marts {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		trusted, err := b.replayFile(ctx, marts[p].run, marts[p].f, nil)
		if err != nil {
			return nil, 0, err
		}
		if !trusted {
			untrusted++
		}
	}
	return todo, untrusted, nil
}

// restoreLedgers adds to prev's file ledger the files run r read of the
// entities whose lake files were trusted, and to its quarantine the rows r
// quarantined for those entities, from its quarantine files. Its vendor
// files go in too, for their load order, and the run reads the vendor set
// again all the same (rereadVendors), as files loaded before: the vendor
// records they gave (vendor_records) are in no lake file, and an entity
// whose lake file was not trusted gets its vendor rows back.
func (b *build) restoreLedgers(ctx context.Context, r replayed, trusted map[string]bool) error {
	for _, f := range r.res.Files {
		if f.Status == FileUnchanged || f.Vendor == "" && !trusted[f.Entity] {
			continue
		}
		if f.Vendor != "" {
			b.rereadVendors = true
		}
		_, err := b.conn.ExecContext(ctx, `INSERT INTO prev.etl_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.id, f.Entity, f.Path, f.Format, f.Size, f.SHA256, f.Status, f.RowsRead, f.RowsLoaded, f.RowsQuarantined, f.Error)
		if err != nil {
			return fmt.Errorf("rebuild: file ledger of run %d: %w", r.id, err)
		}
	}
	for _, e := range contract.Entities {
		rel := wh.QuarantineFile(e.Name, r.id)
		if !trusted[e.Name] || !exists(b.opts.Data, filepath.ToSlash(rel)) {
			continue
		}
		err := b.exec(ctx, e.Name+": rebuild quarantine", `INSERT INTO prev.quarantine
SELECT ?, ?, source_file, row_number::BIGINT, column_name, reason, raw_values, ?::TIMESTAMP
FROM read_csv(?, header = true, auto_detect = false, hive_partitioning = false, allow_quoted_nulls = false,
  columns = {'source_file': 'VARCHAR', 'row_number': 'VARCHAR', 'column_name': 'VARCHAR', 'reason': 'VARCHAR', 'raw_values': 'VARCHAR'})`,
			r.id, e.Name, r.at.UTC(), b.opts.Data.Path(rel))
		if err != nil {
			// The history of one run's quarantine is no reason to give the
			// rebuild up: the run says it is missing.
			msg := fmt.Sprintf("%s: cannot be read (%s): the quarantine of run %d keeps no rows of %s", filepath.ToSlash(rel), wh.Message(err), r.id, e.Name)
			b.res.Warnings = append(b.res.Warnings, msg)
			b.opts.Logger.Error("quarantine file cannot be read", "file", rel, "err", err)
		}
	}
	return nil
}

// publishedRuns returns the run log's ETL runs after base that published a
// generation, oldest first, with what each recorded.
func (b *build) publishedRuns(base int) ([]replayed, error) {
	var out []replayed
	for _, r := range b.runs {
		if r.ID <= base || r.Status != runlog.Success && r.Status != runlog.Warning {
			continue
		}
		rp := replayed{id: r.ID, at: r.EndedAt}
		if err := json.Unmarshal(r.Detail, &rp.res); err != nil {
			rp.res = Result{}
		}
		out = append(out, rp)
	}
	return out, nil
}

// runList names runs for a person: "run 4", "runs 2, 3, 4".
func runList(runs []replayed) string {
	var ids []string
	for _, r := range runs {
		ids = append(ids, fmt.Sprint(r.id))
	}
	if len(ids) == 1 {
		return "run " + ids[0]
	}
	return "runs " + strings.Join(ids, ", ")
}

// replayFile verifies lake file f of run id, applies it with apply (nil:
// nothing to apply) and records it in prev.etl_lake_files. It reports
// whether the file could be trusted.
func (b *build) replayFile(ctx context.Context, id int, f LakeFile, apply func() error) (bool, error) {
	err := f.Verify(b.opts.Data)
	var damaged *wh.DamagedError
	if errors.As(err, &damaged) {
		b.distrust(f.Path, damaged.Reason, true)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if apply != nil {
		if err := apply(); err != nil {
			return false, fmt.Errorf("rebuild from %s: %w", f.Path, err)
		}
	}
	if _, err := b.conn.ExecContext(ctx, "DELETE FROM prev.etl_lake_files WHERE path = ?", f.Path); err != nil {
		return false, fmt.Errorf("rebuild: record %s: %w", f.Path, err)
	}
	if _, err := b.conn.ExecContext(ctx, "INSERT INTO prev.etl_lake_files VALUES (?, ?, ?, ?)", id, f.Path, f.Size, f.SHA256); err != nil {
		return false, fmt.Errorf("rebuild: record %s: %w", f.Path, err)
	}
	return true, nil
}

// mergeLake merges the rows of an entity's lake file into prev's table:
// its rows replace those of the same key.
func (b *build) mergeLake(ctx context.Context, e *contract.Entity, rel string) error {
	path := b.opts.Data.Path(filepath.FromSlash(rel))
	tbl := "prev." + wh.Ident(e.Name)
	has, err := b.prevHas(ctx, e.Name)
	if err != nil {
		return err
	}
	if !has {
		return b.exec(ctx, e.Name+": rebuild", "CREATE TABLE "+tbl+" AS SELECT * FROM "+readParquet, path)
	}
	var match []string
	for _, k := range e.Key {
		match = append(match, "n."+wh.Ident(k)+" = "+wh.Ident(e.Name)+"."+wh.Ident(k))
	}
	if err := b.exec(ctx, e.Name+": rebuild", "DELETE FROM "+tbl+" WHERE EXISTS (SELECT 1 FROM "+readParquet+" n WHERE "+strings.Join(match, " AND ")+")", path); err != nil {
		return err
	}
	return b.exec(ctx, e.Name+": rebuild", "INSERT INTO "+tbl+" BY NAME SELECT * FROM "+readParquet, path)
}

// removeLake removes from prev's table the rows whose keys a run's lake
// file of removed rows lists.
func (b *build) removeLake(ctx context.Context, e *contract.Entity, rel string) error {
	path := b.opts.Data.Path(filepath.FromSlash(rel))
	has, err := b.prevHas(ctx, e.Name)
	if err != nil || !has {
		return err
	}
	return b.exec(ctx, e.Name+": rebuild", "DELETE FROM prev."+wh.Ident(e.Name)+" t USING "+readParquet+" g WHERE "+keyJoin(e, "g", "t"), path)
}

// startOver empties prev's entity tables, file ledger and entity lake
// files, as a full refresh being replayed did.
func (b *build) startOver(ctx context.Context) error {
	stmts := []string{"DELETE FROM prev.etl_lake_files WHERE NOT starts_with(path, " + wh.Literal(martsPrefix) + ")"}
	for _, t := range append([]string{"etl_files"}, entityNames()...) {
		has, err := b.prevHas(ctx, t)
		if err != nil {
			return err
		}
		if has {
			stmts = append(stmts, "DELETE FROM prev."+wh.Ident(t))
		}
	}
	for _, s := range stmts {
		if err := b.exec(ctx, "rebuild: full refresh", s); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
	}
	return nil
}

func entityNames() []string {
	var out []string
	for _, e := range contract.Entities {
		out = append(out, e.Name)
	}
	return out
}

// distrust reports a lake file a rebuild will not read, and why. A file
// that is there but damaged is set aside under data/damaged, so no reader
// of the lake meets it again.
func (b *build) distrust(rel, why string, damaged bool) {
	msg := fmt.Sprintf("%s: %s; not trusted: its rows are read again from the source where the source still holds them", rel, why)
	if damaged && exists(b.opts.Data, rel) {
		if dst, err := b.opts.Data.SetAside(filepath.FromSlash(rel)); err == nil {
			msg += "; the file was moved to " + dst
		}
	}
	b.opts.Logger.Error("lake file not trusted", "file", rel, "reason", why)
	b.res.Warnings = append(b.res.Warnings, msg)
}

// removeScratch removes the run's scratch copy and DuckDB's files beside it.
func (b *build) removeScratch() {
	files, _ := filepath.Glob(b.opts.Data.Scratch(b.res.RunID) + "*")
	for _, f := range files {
		os.RemoveAll(f)
	}
}

// setAsideDamaged moves the damaged generation this run replaced to
// data/damaged, once the run's own generation is published: it is never
// deleted, and nothing reads it again.
func (b *build) setAsideDamaged() {
	if b.damaged.ID == 0 {
		return
	}
	if _, err := os.Stat(b.damaged.Path); err != nil {
		return
	}
	dst, err := b.opts.Data.SetAside(filepath.Join("warehouse", filepath.Base(b.damaged.Path)))
	if err != nil {
		b.opts.Logger.Warn("set the damaged generation aside", "err", err)
		return
	}
	b.res.Recovered += "; the damaged generation was moved to " + dst
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
