package dashboard

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestStaleWarehouse serves a generation built before two of this
// version's marts existed, as after an upgrade: the overview still shows
// what it can and says why the rest is missing; a page that needs a
// missing mart answers 503 with what to do instead of a bare error.
func TestStaleWarehouse(t *testing.T) {
	g, err := testData.Published()
	if err != nil {
		t.Fatal(err)
	}
	data := wh.Dir(t.TempDir())
	os.MkdirAll(data.Generations(), 0o755)
	b, err := os.ReadFile(g.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data.Staging(1), b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := wh.Open(context.Background(), data.Staging(1), wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE renewal_risk_weekly; DROP TABLE billing_quarterly; CHECKPOINT"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := data.Publish(1); err != nil {
		t.Fatal(err)
	}
	_, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0"})
	c := newClient(t, ts)
	code, body, _ := c.get("/")
	if code != http.StatusOK || !strings.Contains(body, "has no renewal_risk_weekly: it was built by an earlier version of Precedent; run precedent etl") {
		t.Errorf("overview on a stale warehouse = %d:\n%.500s", code, body)
	}
	code, body, _ = c.get("/billing")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "has no billing_quarterly") {
		t.Errorf("billing on a stale warehouse = %d:\n%.500s", code, body)
	}
}
