package dashboard

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

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

// maxPage bounds page numbers, so an offset never overflows.
const maxPage = 1_000_000

// pageParam reads a page number (1 when absent): a whole number from 1 to
// maxPage, else a 400 that says so.
func pageParam(v string) (int, error) {
	return wholeParam("page", v, 1, maxPage)
}

// wholeParam reads a whole number from lo to hi (lo when absent).
func wholeParam(name, v string, lo, hi int) (int, error) {
	if v == "" {
		return lo, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%s: want a whole number from %d to %d, not %q", name, lo, hi, clip(v)))
	}
	return n, nil
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
