package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// The date orders of slash dates (vendors.date_order). ISO dates
// (YYYY-MM-DD) and dotted dates (D.M.YYYY) never depend on it.
const (
	MDY = "mdy" // 11/3/2026 is 3 November 2026 (US exports)
	DMY = "dmy" // 11/3/2026 is 11 March 2026
)

// DateOrders are the accepted values of vendors.date_order.
var DateOrders = []string{MDY, DMY}

// dateEvidence is what one date column's slash dates say about their order.
type dateEvidence struct {
	header              string
	mdy, dmy, ambiguous int64  // values only month first reads, only day first reads, either reads
	mdyEx, dmyEx, ambEx string // an example of each
}

// FileDateOrder decides the date order of a vendor file read into raw
// table table, from its date and time columns (header maps field keys to
// the file's column names). The vendor's vendors.date_order wins unless the
// file's values contradict it (a column with values only the other order
// reads, such as 25/3/2026 under mdy, and none only it reads). Without a
// setting the values decide: a first part above 12 means day first, a
// second part above 12 month first. problem is non-empty, naming the file
// and column, when the file contradicts the setting, mixes both orders, or
// has slash dates and nothing decides; the file is then rejected. column
// is the file's column the problem names.
func (c Config) FileDateOrder(ctx context.Context, conn *sql.Conn, o *Object, path, table string, header map[string]string) (order, column, problem string, err error) {
	var cols []dateEvidence
	for _, f := range o.Fields {
		h, ok := header[f.Key()]
		if !ok || (f.Conv != Date && f.Conv != Time) {
			continue
		}
		ev := dateEvidence{header: h}
		col := wh.Ident(f.Key())
		q := `WITH p AS (
    SELECT v, try_cast(regexp_extract(v, '^(\d{1,2})/(\d{1,2})/\d{4}', 1) AS INTEGER) AS a, try_cast(regexp_extract(v, '^(\d{1,2})/(\d{1,2})/\d{4}', 2) AS INTEGER) AS b
    FROM (SELECT trim(` + col + `) AS v FROM ` + wh.Ident(table) + `) WHERE regexp_matches(v, '^\d{1,2}/\d{1,2}/\d{4}')
)
SELECT count(*) FILTER (WHERE b > 12 AND a <= 12), count(*) FILTER (WHERE a > 12 AND b <= 12), count(*) FILTER (WHERE a <= 12 AND b <= 12 AND a <> b),
    coalesce(min(v) FILTER (WHERE b > 12 AND a <= 12), ''), coalesce(min(v) FILTER (WHERE a > 12 AND b <= 12), ''), coalesce(min(v) FILTER (WHERE a <= 12 AND b <= 12 AND a <> b), '')
FROM p`
		if err := conn.QueryRowContext(ctx, q).Scan(&ev.mdy, &ev.dmy, &ev.ambiguous, &ev.mdyEx, &ev.dmyEx, &ev.ambEx); err != nil {
			return "", "", "", fmt.Errorf("date order of %s: %w", path, err)
		}
		cols = append(cols, ev)
	}
	setting := c.DateOrder[o.Vendor]
	if setting != "" {
		for _, ev := range cols {
			if setting == MDY && ev.dmy > 0 && ev.mdy == 0 {
				return "", ev.header, fmt.Sprintf("%s: column %q writes dates day first (%s), but vendors.date_order.%s is mdy", path, ev.header, ev.dmyEx, o.Vendor), nil
			}
			if setting == DMY && ev.mdy > 0 && ev.dmy == 0 {
				return "", ev.header, fmt.Sprintf("%s: column %q writes dates month first (%s), but vendors.date_order.%s is dmy", path, ev.header, ev.mdyEx, o.Vendor), nil
			}
		}
		return setting, "", "", nil
	}
	var mdyCol, dmyCol, ambCol *dateEvidence
	for i := range cols {
		ev := &cols[i]
		if ev.mdy > 0 && mdyCol == nil {
			mdyCol = ev
		}
		if ev.dmy > 0 && dmyCol == nil {
			dmyCol = ev
		}
		if ev.ambiguous > 0 && ambCol == nil {
			ambCol = ev
		}
	}
	switch {
	case mdyCol != nil && dmyCol != nil:
		return "", dmyCol.header, fmt.Sprintf("%s: dates are written both month first (%s in column %q) and day first (%s in column %q); set vendors.date_order.%s to %s",
			path, mdyCol.mdyEx, mdyCol.header, dmyCol.dmyEx, dmyCol.header, o.Vendor, strings.Join(DateOrders, " or ")), nil
	case mdyCol != nil:
		return MDY, "", "", nil
	case dmyCol != nil:
		return DMY, "", "", nil
	case ambCol != nil:
		return "", ambCol.header, fmt.Sprintf("%s: column %q has dates such as %s that read both month first and day first, and no value decides; set vendors.date_order.%s to %s",
			path, ambCol.header, ambCol.ambEx, o.Vendor, strings.Join(DateOrders, " or ")), nil
	}
	return "", "", "", nil
}
