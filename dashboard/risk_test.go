package dashboard

import (
	"database/sql"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"
)

// serverDB returns the warehouse s serves, for a test to compare a page
// with (a second connection with other settings cannot open the file).
func serverDB(t *testing.T, s *Server) *sql.DB {
	t.Helper()
	g, err := s.wh.acquire()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.release)
	return g.db
}

// firstAccount returns the account the first row of a page's table of
// class class links to.
func firstAccount(t *testing.T, body, class string) string {
	t.Helper()
	i := strings.Index(body, `<table class="`+class+`">`)
	if i < 0 {
		t.Fatalf("no table %s on the page", class)
	}
	m := regexp.MustCompile(`<tbody>\s*<tr>\s*<td><a href="/accounts/([^"]+)">`).FindStringSubmatch(body[i:])
	if m == nil {
		t.Fatalf("the table %s has no rows", class)
	}
	return m[1]
}

// TestRiskiestRankedByDollars checks the overview ranks renewals by ARR at
// risk, with the score order one click away, and shows each one's owner
// and next step.
func TestRiskiestRankedByDollars(t *testing.T) {
	s, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	db := serverDB(t, s)
	for _, tt := range []struct{ path, order string }{
		{"/", "arr_at_risk DESC, risk_score DESC, contract_id"},
		{"/?sort=score", "risk_score DESC, arr_at_risk DESC, contract_id"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			code, body, _ := c.get(tt.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, code)
			}
			want := fixture.Value(t, db, "SELECT account_id FROM renewal_risk ORDER BY "+tt.order+" LIMIT 1")
			if got := firstAccount(t, body, "riskiest"); got != want {
				t.Errorf("first row is %s, want %s (renewal_risk by %s)", got, want, tt.order)
			}
			owner := fixture.Value(t, db, "SELECT owner_name FROM renewal_risk ORDER BY "+tt.order+" LIMIT 1")
			step := fixture.Value(t, db, "SELECT next_step FROM renewal_risk ORDER BY "+tt.order+" LIMIT 1")
			if owner == "<null>" || !strings.Contains(body, owner) || !strings.Contains(body, step) {
				t.Errorf("the first row does not show its owner %q and next step %q", owner, step)
			}
		})
	}
	if fixture.Value(t, db, "SELECT account_id FROM renewal_risk ORDER BY arr_at_risk DESC LIMIT 1") == fixture.Value(t, db, "SELECT account_id FROM renewal_risk ORDER BY risk_score DESC, arr DESC LIMIT 1") {
		t.Errorf("the test company's largest ARR at risk is also its highest score: the test cannot tell the orders apart")
	}
	_, body, _ := c.get("/")
	if !strings.Contains(body, `href="/?sort=score#riskiest"`) {
		t.Errorf("the overview has no link to rank by risk score")
	}
	if strings.Count(body, "<th>Next step</th>") != 1 || strings.Count(body, "<th>Owner</th>") != 1 {
		t.Errorf("the riskiest renewals have no owner or next-step column")
	}
}

// TestAccountsCoverEveryRenewal checks the accounts list shows every
// account's next renewal and risk, beyond renewal_risk's 180 days, and
// sorts by ARR, risk and renewal date.
func TestAccountsCoverEveryRenewal(t *testing.T) {
	s, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	db := serverDB(t, s)
	// Every account with a contract in force that is not yet renewed has
	// its next renewal, however far away.
	if n := fixture.Value(t, db, `SELECT count(*) FROM account_summary a WHERE next_renewal_date IS NULL AND EXISTS (
		SELECT 1 FROM stg_contracts c, precedent_settings s WHERE c.account_id = a.account_id AND c.start_date <= s.as_of AND c.end_date >= s.as_of
		AND c.contract_id NOT IN (SELECT renews_contract_id FROM stg_contracts WHERE renews_contract_id IS NOT NULL))`); n != "0" {
		t.Errorf("%s accounts with a renewal to come have no next renewal", n)
	}
	if n := fixture.Value(t, db, "SELECT count(*) FROM account_summary s, precedent_settings p WHERE s.next_renewal_date > p.as_of + 180 AND s.risk_tier IS NOT NULL"); n == "0" {
		t.Errorf("no account shows a renewal beyond 180 days")
	}
	for _, tt := range []struct{ sort, order string }{
		{"", "current_arr DESC, account_name, account_id"},
		{"risk", "risk_score DESC NULLS LAST, current_arr DESC, account_name, account_id"},
		{"renewal", "next_renewal_date NULLS LAST, current_arr DESC, account_name, account_id"},
	} {
		t.Run("sort="+tt.sort, func(t *testing.T) {
			code, body, _ := c.get("/accounts?sort=" + tt.sort)
			if code != http.StatusOK {
				t.Fatalf("GET /accounts?sort=%s = %d", tt.sort, code)
			}
			want := fixture.Value(t, db, "SELECT account_id FROM account_summary ORDER BY "+tt.order+" LIMIT 1")
			if got := firstAccount(t, body, "accounts"); got != want {
				t.Errorf("first row is %s, want %s", got, want)
			}
		})
	}
	// Sorted by ARR, the largest accounts all show their next renewal,
	// none blank.
	_, body, _ := c.get("/accounts")
	rows := regexp.MustCompile(`<td class="num key">\$[^<]+</td><td>([^<]*)</td>`).FindAllStringSubmatch(body, -1)
	if len(rows) < 10 {
		t.Fatalf("the accounts list has %d rows", len(rows))
	}
	for i, r := range rows[:10] {
		if r[1] == "" {
			t.Errorf("row %d of the accounts list has no next renewal", i+1)
		}
	}
}

// TestAccountRiskSaysWhoAndWhat checks an account's renewal risk table
// shows each renewal's owner and next step, as the overview does.
func TestAccountRiskSaysWhoAndWhat(t *testing.T) {
	s, ts := newServer(t, nil, nil)
	db := serverDB(t, s)
	const top = "FROM renewal_risk ORDER BY arr_at_risk DESC, contract_id LIMIT 1"
	account := fixture.Value(t, db, "SELECT account_id "+top)
	owner := fixture.Value(t, db, "SELECT owner_name "+top)
	step := fixture.Value(t, db, "SELECT next_step "+top)
	if owner == "<null>" || step == "<null>" {
		t.Fatalf("the test company's top renewal has owner %q and next step %q: the test cannot see them", owner, step)
	}
	code, body, _ := newClient(t, ts).get("/accounts/" + account)
	if code != http.StatusOK {
		t.Fatalf("GET /accounts/%s = %d", account, code)
	}
	i := strings.Index(body, `<table class="account-risk">`)
	if i < 0 {
		t.Fatalf("/accounts/%s has no renewal risk table", account)
	}
	table := html.UnescapeString(body[i : i+strings.Index(body[i:], "</table>")])
	for _, want := range []string{"<th>Owner</th>", "<th>Next step</th>", owner, step} {
		if !strings.Contains(table, want) {
			t.Errorf("/accounts/%s: the renewal risk table does not show %q", account, want)
		}
	}
}
