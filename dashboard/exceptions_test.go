package dashboard

import (
	"html"
	"net/http"
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

// TestExceptionKindUnknown checks an unknown kind is shown as such, with
// the kinds allowed, and answered 400, as an unknown segment is; and that
// the register's CSV answers a bad filter in plain text, not with a page.
func TestExceptionKindUnknown(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	code, body, _ := c.get("/exceptions?kind=bogus&q=x")
	body = html.UnescapeString(body)
	if code != http.StatusBadRequest {
		t.Errorf("GET /exceptions?kind=bogus = %d, want 400", code)
	}
	for _, want := range []string{`<li data-param="kind">Cannot filter: kind="bogus" is not a kind of exception; allowed: `, "discount_exception", `<a href="/exceptions?q=x">`} {
		if !strings.Contains(body, want) {
			t.Errorf("kind=bogus: the page does not say %q", want)
		}
	}
	if strings.Contains(body, "Summary by kind and severity") {
		t.Errorf("kind=bogus: the page shows the register for a kind it cannot apply")
	}
	// A bad kind and a bad segment are named together.
	_, body, _ = c.get("/exceptions?kind=bogus&segment=Mars")
	if !strings.Contains(body, `data-param="kind"`) || !strings.Contains(body, `data-param="segment"`) {
		t.Errorf("kind=bogus&segment=Mars: the page does not name both problems")
	}
	for _, path := range []string{"/exceptions.csv?kind=bogus", "/exceptions.csv?segment=Mars"} {
		code, body, h := c.get(path)
		if code != http.StatusBadRequest || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") || strings.Contains(body, "<") || !strings.Contains(body, "allowed: ") {
			t.Errorf("GET %s = %d %s %q, want 400 in plain text naming the allowed values", path, code, h.Get("Content-Type"), body)
		}
	}
	if code, _, _ := c.get("/exceptions?kind=discount_exception"); code != http.StatusOK {
		t.Errorf("GET /exceptions?kind=discount_exception = %d, want 200", code)
	}
}
