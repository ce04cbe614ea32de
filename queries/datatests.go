package queries

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Test statuses.
const (
	Pass  = "pass"
	Fail  = "fail"  // the test found failing rows
	Error = "error" // the test itself could not run
)

// TestResult is one data test's outcome.
type TestResult struct {
	Model       string
	Name        string
	SQL         string // counts the failing rows
	Status      string
	FailingRows int64
	Error       string
	// Reused says the result is the previous generation's: the test reads
	// only its model's table, which was kept.
	Reused bool
	// Counted says the model was updated in place and the test counted
	// only the rows of the changed keys, in both versions of the table,
	// taking the rest of the count from the previous generation's result
	// (changedCount).
	Counted bool
}

func (t TestResult) detail() string {
	if t.Status == Error {
		return t.Error
	}
	return fmt.Sprintf("%d failing rows (%s)", t.FailingRows, t.SQL)
}

type dataTest struct {
	name  string
	sql   string
	args  []any
	self  bool   // reads only the model's own table
	reads string // else, for a relationship, the one other table it reads
	// assertReads, for an assert, are the relations it reads.
	assertReads []string
	// A test of the model's own rows: where says a row fails (not_null,
	// accepted_values), or unique names the columns whose repeated
	// values fail (a group each).
	where  string
	unique []string
}

// relations are the relations test dt reads besides its model's table, as
// far as known: a relationship's table, an assert's relations.
func (dt dataTest) relations() []string {
	if dt.reads != "" {
		return []string{dt.reads}
	}
	return dt.assertReads
}

// tests turns a model's header into SQL that counts failing rows. The key
// is always tested unique and not null. Each test is listed once, however
// many times the header implies it (a key column also named under
// not_null), and an assert is named by its condition.
func (m *Model) tests() []dataTest {
	t := wh.Ident(m.Name)
	var out []dataTest
	unique := func(cols []string) {
		var q []string
		for _, c := range cols {
			q = append(q, wh.Ident(c))
		}
		out = append(out, dataTest{
			name:   "unique(" + strings.Join(cols, ", ") + ")",
			sql:    "SELECT count(*) FROM (SELECT " + strings.Join(q, ", ") + " FROM " + t + " GROUP BY ALL HAVING count(*) > 1)",
			self:   true,
			unique: cols,
		})
	}
	notNull := func(c string) {
		where := wh.Ident(c) + " IS NULL"
		out = append(out, dataTest{name: "not_null(" + c + ")", sql: "SELECT count(*) FROM " + t + " WHERE " + where, self: true, where: where})
	}
	if len(m.Header.Key) > 0 {
		unique(m.Header.Key)
		for _, k := range m.Header.Key {
			notNull(k)
		}
	}
	for _, spec := range m.Header.Tests {
		switch {
		case len(spec.Unique) > 0:
			unique(spec.Unique)
		case len(spec.NotNull) > 0:
			for _, c := range spec.NotNull {
				notNull(c)
			}
		case spec.AcceptedValues != nil:
			av := spec.AcceptedValues
			where := wh.Ident(av.Column) + " IS NOT NULL AND NOT list_contains(?::VARCHAR[], " + wh.Ident(av.Column) + "::VARCHAR)"
			out = append(out, dataTest{
				name:  "accepted_values(" + av.Column + ")",
				sql:   "SELECT count(*) FROM " + t + " WHERE " + where,
				args:  []any{av.Values},
				self:  true,
				where: where,
			})
		case spec.Relationships != nil:
			r := spec.Relationships
			toTable, toCol, _ := strings.Cut(r.To, ".")
			out = append(out, dataTest{
				name: "relationships(" + r.Column + " -> " + r.To + ")",
				sql: "SELECT count(*) FROM " + t + " c WHERE c." + wh.Ident(r.Column) + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
					wh.Ident(toTable) + " p WHERE p." + wh.Ident(toCol) + " = c." + wh.Ident(r.Column) + ")",
				reads: strings.ToLower(toTable),
			})
		case spec.Assert != "":
			out = append(out, dataTest{
				name:        assertName(spec.Assert),
				sql:         "SELECT count(*) FROM (" + strings.TrimRight(strings.TrimSpace(spec.Assert), ";") + ")",
				assertReads: m.assertReads[spec.Assert],
			})
		}
	}
	return dedupe(out)
}

// dedupe keeps the first of tests with the same SQL and arguments, and
// numbers a name that two different tests would share: "name (2)".
func dedupe(tests []dataTest) []dataTest {
	seen, names := map[string]bool{}, map[string]int{}
	var out []dataTest
	for _, dt := range tests {
		k := dt.sql + "\x00" + fmt.Sprint(dt.args)
		if seen[k] {
			continue
		}
		seen[k] = true
		if names[dt.name]++; names[dt.name] > 1 {
			dt.name = fmt.Sprintf("%s (%d)", dt.name, names[dt.name])
		}
		out = append(out, dt)
	}
	return out
}

// assertNameMax bounds the condition an assert's name shows.
const assertNameMax = 70

// assertName names an assert by what it checks, readably: its last WHERE
// condition (the rows it finds are the failures), else its whole text,
// on one line and cut to assertNameMax characters.
func assertName(q string) string {
	text := strings.Join(strings.Fields(strings.TrimRight(strings.TrimSpace(q), ";")), " ")
	if i := strings.LastIndex(strings.ToLower(text), " where "); i >= 0 {
		text = text[i+len(" where "):]
	}
	if r := []rune(text); len(r) > assertNameMax {
		text = string(r[:assertNameMax-1]) + "…"
	}
	return "assert: " + text
}

// runTests runs tests, data tests of model m. When m was kept (its table is the
// previous generation's), a test with a result in earlier is not run again
// if it reads only m's table, or m's and that of another model kept. When
// m was updated in place (changed, else nil), a test of its own rows with
// a result in earlier counts only the rows of the changed keys
// (changedCount).
func runTests(ctx context.Context, conn *sql.Conn, m *Model, tests []dataTest, earlier map[[3]string]TestResult, kept map[string]bool, changed *changedKeys) []TestResult {
	var out []TestResult
	for _, dt := range tests {
		was, ok := earlier[[3]string{m.Name, dt.name, dt.sql}]
		if ok && kept[m.Name] && (dt.self || dt.reads != "" && kept[dt.reads]) {
			was.Reused = true
			out = append(out, was)
			continue
		}
		r := TestResult{Model: m.Name, Name: dt.name, SQL: dt.sql, Status: Pass}
		if q, args := changed.count(m, dt); q != "" && ok && was.Status != Error {
			var gone, came int64
			if err := conn.QueryRowContext(ctx, q, args...).Scan(&gone, &came); err == nil {
				r.FailingRows, r.Counted = was.FailingRows-gone+came, true
			}
		}
		var err error
		if !r.Counted {
			err = conn.QueryRowContext(ctx, dt.sql, dt.args...).Scan(&r.FailingRows)
		}
		if err != nil {
			r.Status, r.Error = Error, wh.Message(err)
		} else if r.FailingRows > 0 {
			r.Status = Fail
		}
		out = append(out, r)
	}
	return out
}

// changedKeys are the key values a model updated in place changed in
// (updates.model): its rows of other keys are those of the previous
// generation prev.
type changedKeys struct {
	prev    string // the previous generation, attached
	key     string // the model's column (Incremental.Key)
	table   string // the changed values, in column key
	nullKey bool   // a row without a key changed too
}

// count returns the query giving, for data test dt of model m, the
// failures among the rows of the changed keys in the previous version of
// m's table and in the new one; "" when dt cannot be counted so. Every
// other row is the same in both versions, so the test's new count is the
// previous one less the first plus the second. A test of rows (not_null,
// accepted_values) counts so; a unique test only when its columns hold
// the key, so that no group of repeated values mixes changed and
// unchanged rows.
func (c *changedKeys) count(m *Model, dt dataTest) (string, []any) {
	if c == nil || (dt.where == "" && !slices.ContainsFunc(dt.unique, func(col string) bool { return strings.EqualFold(col, c.key) })) {
		return "", nil
	}
	key := wh.Ident(c.key)
	in := key + " IN (SELECT " + key + " FROM " + c.table + ")"
	if c.nullKey {
		in = "(" + in + " OR " + key + " IS NULL)"
	}
	failing := func(tbl string) string {
		if dt.where != "" {
			return "(SELECT count(*) FROM " + tbl + " WHERE " + in + " AND (" + dt.where + "))"
		}
		var cols []string
		for _, col := range dt.unique {
			cols = append(cols, wh.Ident(col))
		}
		return "(SELECT count(*) FROM (SELECT " + strings.Join(cols, ", ") + " FROM " + tbl + " WHERE " + in + " GROUP BY ALL HAVING count(*) > 1))"
	}
	return "SELECT " + failing(wh.Ident(c.prev)+".main."+wh.Ident(m.Name)) + ", " + failing("main."+wh.Ident(m.Name)), slices.Concat(dt.args, dt.args)
}

// earlierTests reads the results of the data tests the previous
// generation prev recorded, by model, test name and SQL; a kept model's
// (copied from prev) stand for this build's when the test reads nothing
// else that changed (runTests).
func earlierTests(ctx context.Context, conn *sql.Conn, prev string) (map[[3]string]TestResult, error) {
	out := map[[3]string]TestResult{}
	if prev == "" {
		return out, nil
	}
	if has, err := hasTable(ctx, conn, prev, "_data_tests"); err != nil || !has {
		return out, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT model, test, status, failing_rows, sql, coalesce(error, '') FROM `+wh.Ident(prev)+`.main._data_tests`)
	if err != nil {
		return nil, fmt.Errorf("read the previous data tests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r TestResult
		if err := rows.Scan(&r.Model, &r.Name, &r.Status, &r.FailingRows, &r.SQL, &r.Error); err != nil {
			return nil, fmt.Errorf("read the previous data tests: %w", err)
		}
		out[[3]string{r.Model, r.Name, r.SQL}] = r
	}
	return out, rows.Err()
}
