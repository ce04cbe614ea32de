package etl

import (
	"context"
	"fmt"
)

// Table versions let the models step keep what did not change: each
// entity table of a generation has a version, recorded in _table_versions,
// that stays the same from one generation to the next as long as the
// table's rows do. A run that builds on the published generation in the
// ordinary way (no rebuild, no --full-refresh) keeps the version of every
// entity it loaded no row into, removed no row from (etl/deleted.go) and
// whose earlier rows it did not complete; every other table gets the
// run's own version.

// tableVersions returns the version of each entity table this run built,
// and writes them to _table_versions.
func (b *build) tableVersions(ctx context.Context) (map[string]string, error) {
	prevs := map[string]string{}
	if b.ordinary() {
		if ok, err := b.prevHas(ctx, "_table_versions"); err != nil {
			return nil, err
		} else if ok {
			rows, err := b.conn.QueryContext(ctx, "SELECT table_name, version FROM prev._table_versions")
			if err != nil {
				return nil, fmt.Errorf("read table versions: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var t, v string
				if err := rows.Scan(&t, &v); err != nil {
					return nil, fmt.Errorf("read table versions: %w", err)
				}
				prevs[t] = v
			}
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("read table versions: %w", err)
			}
		}
	}
	mine := fmt.Sprintf("run %d", b.res.RunID)
	versions := map[string]string{}
	for _, er := range b.res.Entities {
		v, ok := prevs[er.Entity]
		if !ok || er.RowsLoaded > 0 || b.filled[er.Entity] || er.RowsDeleted+er.RowsOrphaned > 0 {
			v = mine
		}
		versions[er.Entity] = v
	}
	if _, err := b.conn.ExecContext(ctx, "CREATE TABLE _table_versions (table_name VARCHAR, version VARCHAR)"); err != nil {
		return nil, fmt.Errorf("record table versions: %w", err)
	}
	for t, v := range versions {
		if _, err := b.conn.ExecContext(ctx, "INSERT INTO _table_versions VALUES (?, ?)", t, v); err != nil {
			return nil, fmt.Errorf("record table versions: %w", err)
		}
	}
	return versions, nil
}

// same lists the entities whose version is the published generation's:
// their rows did not change.
func (b *build) same(versions map[string]string) []string {
	mine := fmt.Sprintf("run %d", b.res.RunID)
	var out []string
	for _, er := range b.res.Entities {
		if versions[er.Entity] != mine {
			out = append(out, er.Entity)
		}
	}
	return out
}

// delta lists the entities whose new version comes from the rows the run
// loaded alone: every other row is the published generation's, unchanged
// (an entity whose earlier rows fillEarlier completed, or that lost
// earlier rows, changed elsewhere: no row of this run names the change).
func (b *build) delta(versions map[string]string) []string {
	mine := fmt.Sprintf("run %d", b.res.RunID)
	var out []string
	for _, er := range b.res.Entities {
		if versions[er.Entity] == mine && er.RowsLoaded > 0 && !b.filled[er.Entity] && er.RowsDeleted+er.RowsOrphaned == 0 {
			out = append(out, er.Entity)
		}
	}
	return out
}
