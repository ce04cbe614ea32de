package dashboard

import (
	"fmt"
	"math"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// record is one result row by column name, for templates and charts.
type record map[string]any

func records(r *wh.Rows) []record {
	out := make([]record, len(r.Values))
	for i, row := range r.Values {
		rec := make(record, len(row))
		for j, v := range row {
			rec[r.Columns[j]] = v
		}
		out[i] = rec
	}
	return out
}

func (r record) str(k string) string {
	if r[k] == nil {
		return ""
	}
	return wh.Format(r[k], "")
}

func (r record) num(k string) float64 {
	f := num(r[k])
	if math.IsNaN(f) {
		return 0
	}
	return f
}

func (r record) has(k string) bool { return r[k] != nil }

func (r record) String() string { return fmt.Sprint(map[string]any(r)) }

// paging reads the page number from the query and builds the pager.
type pager struct {
	From, To, Total int64
	Prev, Next      string
}

const pageSize = 50

func pageOf(s string) int {
	var p int
	fmt.Sscan(s, &p)
	if p < 1 {
		return 1
	}
	return p
}

func newPager(page int, rows int, total int64, link func(page int) string) pager {
	p := pager{From: int64((page-1)*pageSize + 1), To: int64((page-1)*pageSize + rows), Total: total}
	if rows == 0 {
		p.From = 0
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if p.To < total {
		p.Next = link(page + 1)
	}
	return p
}
