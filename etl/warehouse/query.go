package warehouse

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Rows is a query result held in memory.
type Rows struct {
	Columns   []string
	Types     []string // DuckDB type names
	Values    [][]any
	Truncated bool // the query had more than the rows asked for
}

// Limits bound a query's answer.
type Limits struct {
	Rows  int   // rows kept at most (0 = no cap); Rows.Truncated says more were left
	Bytes int64 // size of the kept values at most (0 = no cap); past it, a TooLargeError
}

// Query runs q and keeps at most maxRows rows (0 = no cap), noting whether
// more were left. Cancel ctx to stop a long statement.
func Query(ctx context.Context, db Queryer, q string, maxRows int, args ...any) (*Rows, error) {
	return QueryLimited(ctx, db, q, Limits{Rows: maxRows}, args...)
}

// QueryLimited runs q and keeps what fits in lim.
func QueryLimited(ctx context.Context, db Queryer, q string, lim Limits, args ...any) (*Rows, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := &Rows{}
	for _, c := range cols {
		out.Columns = append(out.Columns, c.Name())
		out.Types = append(out.Types, c.DatabaseTypeName())
	}
	var size int64
	for rows.Next() {
		if lim.Rows > 0 && len(out.Values) == lim.Rows {
			out.Truncated = true
			break
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			vals[i] = plain(v)
			size += sizeOf(vals[i])
		}
		if lim.Bytes > 0 && size > lim.Bytes {
			return nil, &TooLargeError{Limit: lim.Bytes}
		}
		out.Values = append(out.Values, vals)
	}
	return out, rows.Err()
}

// sizeOf estimates the memory a plain value holds.
func sizeOf(v any) int64 {
	const header = 16
	switch x := v.(type) {
	case string:
		return header + int64(len(x))
	case json.Number:
		return header + int64(len(x))
	case []any:
		n := int64(header)
		for _, e := range x {
			n += sizeOf(e)
		}
		return n
	case map[string]any:
		n := int64(header)
		for k, e := range x {
			n += header + int64(len(k)) + sizeOf(e)
		}
		return n
	}
	return header
}

// plain turns driver values into values that print and encode well,
// inside lists, structs and maps too (a MAP becomes a map by key text).
func plain(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	case duckdb.OrderedMap:
		out := make(map[string]any, x.Len())
		vals := x.Values()
		for i, k := range x.Keys() {
			out[fmt.Sprint(plain(k))] = plain(vals[i])
		}
		return out
	case duckdb.Decimal:
		// Exact, and still a number when encoded as JSON.
		return json.Number(x.String())
	case *big.Int:
		return x.String()
	case time.Time:
		return x.UTC()
	case []byte:
		return string(x)
	case duckdb.UUID:
		return x.String()
	case duckdb.Interval:
		return fmt.Sprintf("%d months %d days %d µs", x.Months, x.Days, x.Micros)
	}
	return v
}

// Format renders one value for text output: dates as YYYY-MM-DD,
// timestamps in ISO 8601, floats to 10 significant digits, lists, structs
// and maps as JSON text, null as empty.
func Format(v any, typ string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []any, map[string]any:
		b, err := json.Marshal(JSONValue(x, ""))
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	case time.Time:
		if typ == "DATE" {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02T15:04:05Z07:00")
	case float64:
		return fmt.Sprintf("%.10g", x)
	case float32:
		return fmt.Sprintf("%.7g", x)
	}
	return fmt.Sprint(v)
}

// Round rounds a float to the 10 significant digits text output shows, so
// binary noise (2.1450000000000005) does not reach people or programs.
func Round(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 10, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// JSONValue is a plain value of a column of type typ ready for JSON: a
// DATE as YYYY-MM-DD, other times in ISO 8601, floats rounded (Round),
// inside lists, structs and maps too; DECIMALs stay exact.
func JSONValue(v any, typ string) any {
	switch x := v.(type) {
	case time.Time:
		return Format(x, typ)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil // JSON has no NaN
		}
		return Round(x)
	case float32:
		return JSONValue(float64(x), typ)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = JSONValue(e, "")
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = JSONValue(e, "")
		}
		return out
	}
	return v
}

// WriteCSV writes the rows as CSV with a header row, for people: text
// that a spreadsheet would run as a formula is neutralised (SafeCell).
func (r *Rows) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		rec[i] = SafeCell(c)
	}
	cw.Write(rec)
	for _, row := range r.Values {
		for i, v := range row {
			rec[i] = Format(v, r.Types[i])
			if _, text := v.(string); text {
				rec[i] = SafeCell(rec[i])
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the rows as a JSON array of objects whose keys keep the
// columns' order.
func (r *Rows) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for n, row := range r.Values {
		if n > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n{")
		for i, v := range row {
			if i > 0 {
				bw.WriteString(",")
			}
			k, _ := json.Marshal(r.Columns[i])
			val, err := json.Marshal(JSONValue(v, r.Types[i]))
			if err != nil {
				return fmt.Errorf("encode %s: %w", r.Columns[i], err)
			}
			bw.Write(k)
			bw.WriteString(":")
			bw.Write(val)
		}
		bw.WriteString("}")
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// Strings runs a query of one text column and returns its values in order.
func Strings(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
