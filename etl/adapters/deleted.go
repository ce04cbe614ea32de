package adapters

import (
	"context"
	"fmt"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// A record the vendor marked deleted (IsDeleted, _fivetran_deleted,
// _sdc_deleted_at, _ab_cdc_deleted_at, HubSpot's archived, Zendesk's
// status deleted) loads no row, but an earlier run may have loaded it: the
// load removes that row by the record's entity key. The key is computed by
// the entity's own mapping, so that it is the key the record loaded under:
// the deleted rows of a loading object are kept apart in deletedTable(o),
// and Build runs each part whose rows are its object's again over the
// object's rows together with the deleted ones (a CTE of the table's name
// stands in for the table), keeping the keys of the rows the deleted ones
// become.

// deletedTable is the temp table of a loading object's converted rows that
// the vendor marked deleted (latest versions only).
func deletedTable(o *Object) string { return o.Table + "_deleted" }

// keepDeleted keeps the rows of q, o's converted rows marked deleted, in
// deletedTable(o) when o loads an entity and has any.
func (s *Set) keepDeleted(ctx context.Context, o *Object, q string, args []any) error {
	if o.Role != Load {
		return nil
	}
	var seqs []string
	for _, f := range s.files {
		if f.Object == o {
			seqs = append(seqs, fmt.Sprint(f.Seq))
		}
	}
	var n int64
	err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM vendor_outcome WHERE outcome = 'deleted' AND seq IN ("+strings.Join(seqs, ", ")+")").Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	s.deleted[o] = true
	return s.exec(ctx, "CREATE OR REPLACE TEMP TABLE "+wh.Ident(deletedTable(o))+" AS "+q, args...)
}

// deletions leaves in temp table vdel_<entity> (_file, _row, then the
// entity's key columns as text) the key of every record of e's objects
// that the vendor marked deleted, as e's mapping computes it (see above).
// It returns the table's name, or "" when no such record was deleted.
func (s *Set) deletions(ctx context.Context, e *contract.Entity, parts []part) (string, error) {
	tbl := "vdel_" + e.Name
	var cols, keys []string
	for _, k := range e.Key {
		cols = append(cols, wh.Ident(k)+" VARCHAR")
		keys = append(keys, "p."+wh.Ident(k))
	}
	made := false
	for _, p := range parts {
		if p.from == nil || !s.deleted[p.from] {
			continue
		}
		if !made {
			if err := s.exec(ctx, "CREATE OR REPLACE TEMP TABLE "+wh.Ident(tbl)+" (_file INTEGER, _row BIGINT, "+strings.Join(cols, ", ")+")"); err != nil {
				return "", fmt.Errorf("deleted %s: %w", e.Name, err)
			}
			made = true
		}
		live, gone := "temp.main."+wh.Ident(p.from.Table), "temp.main."+wh.Ident(deletedTable(p.from))
		q := "INSERT INTO " + wh.Ident(tbl) + " SELECT * FROM (WITH " + wh.Ident(p.from.Table) + " AS (SELECT * FROM " + live + " UNION ALL SELECT * FROM " + gone + ")\n" +
			"SELECT p._file, p._row, " + strings.Join(keys, ", ") + " FROM (" + p.sql + ") p SEMI JOIN " + gone + " d ON d._file = p._file AND d._row = p._row WHERE p._primary)"
		if err := s.exec(ctx, q, p.args...); err != nil {
			return "", fmt.Errorf("deleted %s %s: %w", p.from.Vendor, p.from.Name, err)
		}
	}
	if !made {
		return "", nil
	}
	return tbl, nil
}
