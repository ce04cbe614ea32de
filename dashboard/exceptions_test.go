package dashboard

import (
	"strings"
	"testing"
)

func TestSummarise(t *testing.T) {
	rows := []record{
		{"kind": "discount_exception", "n": int64(3), "high": int64(1), "medium": int64(1), "low": int64(1), "impact": 72000.0, "impact_definition": "discount beyond policy"},
		{"kind": "nonstandard_term", "n": int64(10), "high": int64(0), "medium": int64(2), "low": int64(8), "impact": nil, "impact_definition": "no dollar impact"},
	}
	s := summarise(rows, func(k string) string { return "/exceptions?kind=" + k })
	if len(s.Kinds) != 2 {
		t.Fatalf("got %d kinds, want 2", len(s.Kinds))
	}
	d, terms := s.Kinds[0], s.Kinds[1]
	if d.Name != "Discount beyond policy" || !d.Priced || d.Impact != 72000 || d.High+d.Medium+d.Low != d.N {
		t.Errorf("discounts: got %+v", d)
	}
	if terms.Priced || terms.Name != "Non-standard contract term" || terms.Link != "/exceptions?kind=nonstandard_term" {
		t.Errorf("terms: got %+v, want unpriced, named in words, linked", terms)
	}
	if s.Total.N != 13 || s.Total.High != 1 || s.Total.Medium != 3 || s.Total.Low != 9 || s.Total.Impact != 72000 {
		t.Errorf("total: got %+v, want 13 rows (1 high, 3 medium, 9 low), $72,000", s.Total)
	}
	if got := kindName("something_new"); got != "something_new" {
		t.Errorf("kindName of an unknown kind: got %q", got)
	}
}

// TestExceptionRegister checks, on the test warehouse, that the register
// opens with its summary and that impact is one dollar definition per kind:
// a shared billing config's impact is its disputed invoices, never all it
// was invoiced, so sorting by impact does not put whole configs on top.
func TestExceptionRegister(t *testing.T) {
	s, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	_, body, _ := c.get("/exceptions")
	summary, register := strings.Index(body, "Summary by kind and severity"), strings.Index(body, "<h2>Register</h2>")
	if summary < 0 || register < 0 || summary > register {
		t.Fatalf("the summary does not come before the register")
	}
	ctx := t.Context()
	check := func(name, q, want string) {
		t.Helper()
		g, err := s.wh.acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer g.release()
		var got string
		if err := g.db.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
	check("OneDefinitionPerKind", `SELECT count(*)::varchar FROM (SELECT kind FROM exception_register GROUP BY kind HAVING count(DISTINCT impact_definition) <> 1)`, "0")
	check("SharedConfigIsDisputedAmount", `
		SELECT count(*)::varchar FROM exception_register e
		WHERE e.kind = 'shared_billing_config' AND abs(e.amount_impact - coalesce((
			SELECT sum(i.amount) FROM stg_invoices i
			WHERE i.account_id || '/' || i.billing_config_id = e.source_id AND i.is_disputed
			  AND i.issued_date <= (SELECT as_of FROM precedent_settings)), 0)) > 0.01`, "0")
	check("DiscountBeyondPolicy", `
		SELECT count(*)::varchar FROM exception_register e JOIN deal_discounts d ON d.deal_id = e.source_id
		WHERE e.kind IN ('discount_exception', 'late_quarter_exception')
		  AND abs(e.amount_impact - d.list_amount * (d.discount_pct - d.policy_max_pct)) > 0.01`, "0")
	check("TermsUnpriced", `SELECT count(*)::varchar FROM exception_register WHERE kind IN ('nonstandard_term', 'side_letter') AND amount_impact IS NOT NULL`, "0")
	check("EverySeverity", `SELECT count(*)::varchar FROM exception_register WHERE severity NOT IN ('high', 'medium', 'low') OR severity IS NULL`, "0")
}
