package etl

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// A record the vendor marked deleted loads no row, and the merge with the
// earlier load keeps every earlier row whose key the run loaded no row
// for. So once an entity is merged, removeDeleted removes the earlier rows
// of the records the vendor step marked deleted (their keys computed by
// the adapters' mapping), then the earlier rows that refer to a removed
// row through a foreign key of the contract: a fresh load would quarantine
// those, as it would this run's rows that refer to one (its checks run
// against the entity once merged). Rows the run itself loaded are never
// removed. What was removed is counted per entity (EntityResult
// RowsDeleted and RowsOrphaned) and changes the entity's version.

// deletedKeys types the keys the vendor step computed for entity e's
// deleted records (raw: _file, _row, then the key columns as text) as
// the key columns, into temp table deleted_<entity>. A key that does not
// type is no row's key and is left out.
func (b *build) deletedKeys(ctx context.Context, e *contract.Entity, raw string) error {
	keys := &contract.Entity{Name: e.Name}
	for _, k := range e.Key {
		c, _ := e.Column(k)
		keys.Columns = append(keys.Columns, c)
	}
	q := "CREATE OR REPLACE TEMP TABLE " + wh.Ident("deleted_"+e.Name) + " AS SELECT DISTINCT " + keyList(e) +
		" FROM (" + typedSQL(keys, wh.Ident(raw), b.opts.MaxTextLength, true) + ") d WHERE len(_errors) = 0"
	// A deletion read again from a vendor file unchanged is no newer than
	// its first load: it leaves alone a row a later run loaded from
	// another file.
	if stale := b.staleVendorRows("d._file"); stale != "" && b.prev && !b.opts.FullRefresh {
		has, err := b.prevHas(ctx, e.Name)
		if err != nil {
			return err
		}
		if has {
			q += " AND NOT (" + stale + " AND EXISTS (SELECT 1 FROM prev." + wh.Ident(e.Name) + " pv WHERE " +
				keyJoin(e, "d", "pv") + " AND " + b.newerLoad("d._file", "pv") + "))"
		}
	}
	if err := b.exec(ctx, e.Name+": deleted keys", q, b.opts.BaseCurrency); err != nil {
		return fmt.Errorf("keys of deleted records: %w", err)
	}
	b.deleted[e.Name] = true
	return nil
}

// removeDeleted removes from entity e's merged table the earlier rows of
// its records deleted at the vendor, then the earlier rows whose foreign
// key names a row removed from its entity, and counts both into er.
func (b *build) removeDeleted(ctx context.Context, e *contract.Entity, er *EntityResult) error {
	if !b.prev || b.opts.FullRefresh {
		return nil
	}
	if b.deleted[e.Name] {
		n, err := b.remove(ctx, e, "EXISTS (SELECT 1 FROM "+wh.Ident("deleted_"+e.Name)+" d WHERE "+keyJoin(e, "d", "t")+")")
		if err != nil {
			return err
		}
		er.RowsDeleted = n
	}
	var conds []string
	self, others := false, 0
	for _, col := range e.Columns {
		target, tcol, ok := strings.Cut(col.Ref, ".")
		switch {
		case !ok || col.RefIfLoaded && b.entityRows(target) == 0:
			continue
		case target == e.Name:
			self = true
		case b.removed[target] == 0:
			continue
		default:
			others++
		}
		conds = append(conds, "t."+wh.Ident(col.Name)+" IN (SELECT "+wh.Ident(tcol)+" FROM "+wh.Ident("removed_"+target)+")")
	}
	// A row that refers to a row of its own entity loses it when that row
	// goes here: repeat until no more rows go.
	for others > 0 || b.removed[e.Name] > 0 && self {
		n, err := b.remove(ctx, e, strings.Join(conds, " OR "))
		if err != nil {
			return err
		}
		er.RowsOrphaned += n
		if n == 0 || !self {
			break
		}
	}
	if er.RowsDeleted+er.RowsOrphaned == 0 {
		return nil
	}
	b.opts.Logger.Info("earlier rows removed: deleted at the vendor, or referring to a removed row",
		"entity", e.Name, "deleted", er.RowsDeleted, "orphaned", er.RowsOrphaned)
	// The lake keeps the removed keys beside the run's rows, so that a
	// rebuild replaying the run removes them too.
	lake := filepath.Join(b.stage, wh.LakeRemoved(e.Name, b.res.RunID))
	if err := mkdirFor(lake); err != nil {
		return err
	}
	if err := b.exec(ctx, e.Name+": lake", "COPY (SELECT * FROM "+wh.Ident("removed_"+e.Name)+") TO ? (FORMAT parquet, COMPRESSION zstd)", lake); err != nil {
		return fmt.Errorf("write lake file of removed rows: %w", err)
	}
	return nil
}

// remove removes the rows of e's table that an earlier run loaded and
// that meet cond (on alias t), adding their keys to temp table
// removed_<entity>; it returns how many it removed.
func (b *build) remove(ctx context.Context, e *contract.Entity, cond string) (int64, error) {
	gone := wh.Ident("removed_" + e.Name)
	if _, ok := b.removed[e.Name]; !ok {
		if err := b.exec(ctx, e.Name+": removed keys", "CREATE OR REPLACE TEMP TABLE "+gone+" AS SELECT "+keyList(e)+" FROM main."+wh.Ident(e.Name)+" WHERE false"); err != nil {
			return 0, fmt.Errorf("remove deleted rows: %w", err)
		}
		b.removed[e.Name] = 0
	}
	earlier := fmt.Sprintf("t._run_id <> %d", b.res.RunID)
	r, err := b.conn.ExecContext(ctx, "INSERT INTO "+gone+" SELECT "+keyList(e)+" FROM main."+wh.Ident(e.Name)+" t WHERE "+earlier+" AND ("+cond+")")
	if err != nil {
		return 0, fmt.Errorf("remove deleted rows: %w", err)
	}
	n, _ := r.RowsAffected()
	if n == 0 {
		return 0, nil
	}
	if err := b.exec(ctx, e.Name+": remove deleted rows", "DELETE FROM main."+wh.Ident(e.Name)+" t USING "+gone+" g WHERE "+earlier+" AND "+keyJoin(e, "g", "t")); err != nil {
		return 0, fmt.Errorf("remove deleted rows: %w", err)
	}
	b.removed[e.Name] += n
	return n, nil
}

// doomedKeys finds, before entity e's rows are checked, the keys of its
// earlier rows that removeDeleted will remove: records deleted at the
// vendor, rows whose foreign key names a row removed from another entity,
// and, following the self references, the rows that name one of those;
// but keys the run's own rows in chk hold, which replace the earlier rows
// rather than leave with them. They go into temp table doomed_<entity>,
// so that a row of this run cannot take one for the row its self
// reference names (earlierKeys). It does nothing when nothing is removed.
func (b *build) doomedKeys(ctx context.Context, e *contract.Entity, chk, bad string) error {
	if !b.prev || b.opts.FullRefresh || len(e.Key) != 1 {
		return nil
	}
	key := wh.Ident(e.Key[0])
	var base, self []string
	if b.deleted[e.Name] {
		base = append(base, "p."+key+" IN (SELECT "+key+" FROM "+wh.Ident("deleted_"+e.Name)+")")
	}
	for _, col := range e.Columns {
		target, tcol, ok := strings.Cut(col.Ref, ".")
		switch {
		case !ok:
		case target == e.Name:
			if tcol == e.Key[0] {
				self = append(self, "p."+wh.Ident(col.Name)+" = d.k")
			}
		case b.removed[target] > 0 && !(col.RefIfLoaded && b.entityRows(target) == 0):
			base = append(base, "p."+wh.Ident(col.Name)+" IN (SELECT "+wh.Ident(tcol)+" FROM "+wh.Ident("removed_"+target)+")")
		}
	}
	if len(base) == 0 || len(self) == 0 {
		return nil
	}
	accepted := "len(_errors) = 0"
	if bad != "" {
		accepted = "NOT EXISTS (SELECT 1 FROM " + bad + " x WHERE x._file = c._file AND x._row = c._row)"
	}
	kept := "p." + key + " NOT IN (SELECT " + key + " FROM " + chk + " c WHERE " + accepted + " AND " + key + " IS NOT NULL)"
	prev := "prev." + wh.Ident(e.Name)
	q := "CREATE OR REPLACE TEMP TABLE " + wh.Ident("doomed_"+e.Name) + " AS WITH RECURSIVE d(k) AS (" +
		"SELECT p." + key + " FROM " + prev + " p WHERE (" + strings.Join(base, " OR ") + ") AND " + kept +
		" UNION SELECT p." + key + " FROM " + prev + " p JOIN d ON " + strings.Join(self, " OR ") + " WHERE " + kept +
		") SELECT k FROM d"
	if err := b.exec(ctx, e.Name+": doomed keys", q); err != nil {
		return fmt.Errorf("keys of the rows to remove: %w", err)
	}
	b.doomed[e.Name] = true
	return nil
}
