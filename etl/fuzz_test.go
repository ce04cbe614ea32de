package etl

import (
	"context"
	"database/sql"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// fuzzMaxText is the value length limit of the fuzzed validator: small,
// so the fuzzer reaches it.
const fuzzMaxText = 40

// FuzzValidateRow feeds arbitrary text into the row validator for deals and
// checks, against Go's own parsers, that a row is either accepted with
// values that mean what the text said or rejected with reasons naming
// columns; never an SQL error. A currency other than the base currency is
// accepted only when fx_rates has a rate for it. A value with a NUL byte or longer than the
// limit is always rejected, naming its column.
func FuzzValidateRow(f *testing.F) {
	f.Add("DEAL-1", "won", "2024-03-31", "1000.50", "900", "12", "vp", "2024-03-30T10:00:00Z", "USD")
	f.Add(" D ", "OPEN", "", "0", "0", "", "", "", "")
	f.Add("D2", "lost", "2024-02-30", "-1", "1,000", "12.5", "ceo", "yesterday", "EUR")
	f.Add("D3", "won", "2024-1-5", "1e3", "NaN", "+7", "None", "2024-01-05 10:00", "usd")
	f.Add("", "won", "99999-01-01", "inf", ".5", "99999999999", "cfo", "2024-01-05T10:00:00+05:30", "US")
	f.Add("D\x00", "won", "2024-03-31", "1", "1", "12", "vp", "", "US\x00D")
	f.Add(strings.Repeat("é", fuzzMaxText+1), "open", "", "1", "1", "", "", "", "")
	e, _ := contract.Lookup("deals")
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		f.Fatal(err)
	}
	var cols []string
	for _, c := range e.Columns {
		cols = append(cols, wh.Ident(c.Name)+" VARCHAR")
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE raw (_file INTEGER, _row BIGINT, "+strings.Join(cols, ", ")+")"); err != nil {
		f.Fatal(err)
	}
	// EUR has a rate for any date the fuzzer can write; no other foreign
	// currency has one.
	if _, err := conn.ExecContext(ctx, "CREATE TABLE fx_rates AS SELECT 'EUR' AS currency, DATE '0001-01-01' AS date, 1.1::DECIMAL(18,8) AS rate_to_base"); err != nil {
		f.Fatal(err)
	}
	q := typedSQL(e, "raw", fuzzMaxText, true)
	// Without the NUL check, as for a CSV file seen to hold none.
	sansNUL := typedSQL(e, "raw", fuzzMaxText, false)
	trim := func(s string) string { return strings.Trim(s, " \t\n\v\f\r") }
	f.Fuzz(func(t *testing.T, id, stage, closeDate, list, net, term, approval, approvedAt, currency string) {
		if _, err := conn.ExecContext(ctx, "DELETE FROM raw"); err != nil {
			t.Fatal(err)
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO raw (_file, _row, deal_id, account_id, deal_type, stage, close_date, list_amount, net_amount, term_months, approval_level, approved_at, currency)
VALUES (1, 1, ?, 'ACC-1', 'new', ?, ?, ?, ?, ?, ?, ?, ?)`, id, stage, closeDate, list, net, term, approval, approvedAt, currency)
		if err != nil {
			t.Skip("not storable as text:", err)
		}
		got, err := validateOne(ctx, conn, q)
		if err != nil {
			t.Fatalf("validator failed on input: %v", err)
		}
		fields := map[string]string{"deal_id": id, "stage": stage, "close_date": closeDate, "list_amount": list, "net_amount": net,
			"term_months": term, "approval_level": approval, "approved_at": approvedAt, "currency": currency}
		if !slices.ContainsFunc(slices.Collect(maps.Values(fields)), func(v string) bool { return strings.Contains(v, "\x00") }) {
			if sans, err := validateOne(ctx, conn, sansNUL); err != nil || !reflect.DeepEqual(sans, got) {
				t.Errorf("without the NUL check: %+v (%v); with it %+v", sans, err, got)
			}
		}
		for col, v := range fields {
			if strings.Contains(v, "\x00") || utf8.RuneCountInString(trim(v)) > fuzzMaxText {
				if !slices.Contains(got.errors, col) {
					t.Errorf("%s %q (%d characters) not rejected; errors %v", col, v, utf8.RuneCountInString(trim(v)), got.errors)
				}
			}
		}
		if len(got.errors) > 0 {
			for _, c := range got.errors {
				if _, ok := e.Column(c); !ok {
					t.Errorf("reason names unknown column %q", c)
				}
			}
			return
		}
		// Accepted: every value must mean what the text said.
		if trim(id) == "" || got.id != trim(id) {
			t.Errorf("deal_id %q accepted as %q", id, got.id)
		}
		if !slices.Contains([]string{"won", "lost", "open"}, got.stage) || got.stage != strings.ToLower(trim(stage)) {
			t.Errorf("stage %q accepted as %q", stage, got.stage)
		}
		if cd := trim(closeDate); cd != "" {
			d, err := time.Parse(time.DateOnly, cd)
			if err != nil || !got.closeDate.Valid || !got.closeDate.Time.Equal(d) {
				t.Errorf("close_date %q accepted as %v (Go: %v)", closeDate, got.closeDate, err)
			}
		} else if got.stage != "open" {
			t.Errorf("won/lost deal accepted without close_date")
		}
		for _, m := range []struct {
			in  string
			out float64
		}{{list, got.list}, {net, got.net}} {
			v, err := strconv.ParseFloat(trim(m.in), 64)
			if err != nil || v < -0.005 || abs(v-m.out) > 0.0051*max(1, abs(v)) {
				t.Errorf("amount %q accepted as %v (Go: %v, %v)", m.in, m.out, v, err)
			}
		}
		if tm := trim(term); tm == "" {
			if got.term != 12 {
				t.Errorf("empty term_months accepted as %d, want default 12", got.term)
			}
		} else if n, err := strconv.Atoi(strings.TrimPrefix(tm, "+")); err != nil || int64(n) != got.term || n <= 0 {
			t.Errorf("term_months %q accepted as %d (Go: %v)", term, got.term, err)
		}
		if a := strings.ToLower(trim(approval)); a != "" && a != got.approval {
			t.Errorf("approval_level %q accepted as %q", approval, got.approval)
		}
		if cur := trim(currency); cur != "" && !strings.EqualFold(cur, "USD") && !strings.EqualFold(cur, "EUR") {
			t.Errorf("currency %q accepted without a rate", currency)
		}
		if trim(approvedAt) != "" && !got.approvedAt.Valid {
			t.Errorf("approved_at %q accepted as null", approvedAt)
		}
	})
}

type validated struct {
	errors                []string
	id, stage, approval   string
	closeDate, approvedAt sql.NullTime
	list, net             float64
	term                  int64
}

func validateOne(ctx context.Context, conn *sql.Conn, q string) (validated, error) {
	var v validated
	var errs string
	err := conn.QueryRowContext(ctx, `SELECT coalesce(list_aggregate(list_transform(_errors, x -> x.column), 'string_agg', ','), ''),
  coalesce(deal_id, ''), coalesce(stage, ''), coalesce(approval_level, ''), close_date, approved_at,
  coalesce(list_amount::DOUBLE, 0), coalesce(net_amount::DOUBLE, 0), coalesce(term_months, 0)
FROM (`+q+`)`, "USD").Scan(&errs, &v.id, &v.stage, &v.approval, &v.closeDate, &v.approvedAt, &v.list, &v.net, &v.term)
	if errs != "" {
		v.errors = strings.Split(errs, ",")
	}
	return v, err
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
