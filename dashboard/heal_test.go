package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// twoGenerations loads the good fixture, then one more account, with the
// models: generation 1 has 3 accounts, generation 2 has 4.
func twoGenerations(t *testing.T) (data wh.Dir, load func() *etl.Result) {
	t.Helper()
	data = wh.Dir(t.TempDir())
	src := fixture.CopySource(t, "../etl/testdata/good")
	load = func() *etl.Result {
		t.Helper()
		res, err := company.Load(context.Background(), src, data, company.ModelsAsOf(time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC)))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	load()
	os.MkdirAll(filepath.Join(src, "accounts"), 0o755)
	os.Rename(filepath.Join(src, "accounts.csv"), filepath.Join(src, "accounts", "a.csv"))
	os.WriteFile(filepath.Join(src, "accounts", "b.csv"), []byte("account_id,account_name,segment\nACC-9,New Co,smb\n"), 0o644)
	// A file skipped for its name, which the Runs page must name.
	os.WriteFile(filepath.Join(src, "..%2f...csv"), []byte("account_id,account_name,segment\nACC-66,Sneaky,smb\n"), 0o644)
	load()
	return data, load
}

type readiness struct {
	Ready      bool   `json:"ready"`
	Reason     string `json:"reason"`
	Generation int    `json:"generation"`
}

func ready(t *testing.T, c *client) (int, readiness) {
	t.Helper()
	code, body, _ := c.get("/readyz")
	var r readiness
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("/readyz: %v: %s", err, body)
	}
	return code, r
}

func accounts(t *testing.T, c *client) int {
	t.Helper()
	_, body, _ := c.get("/api/v1/models/account_summary")
	var res struct{ Rows []map[string]any }
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return len(res.Rows)
}

// TestServeFallsBack damages the live generation under a running server,
// restarts on it, damages the last intact one, and lets the ETL heal it:
// the server never serves a damaged file, says on every page and on
// /readyz what is damaged and what it serves instead, and starts on a
// damaged warehouse instead of exiting.
func TestServeFallsBack(t *testing.T) {
	data, load := twoGenerations(t)
	s, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0", Refresh: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.wh.watch(ctx, 20*time.Millisecond)
	c := newClient(t, ts)
	if code, r := ready(t, c); code != http.StatusOK || r.Generation != 2 || accounts(t, c) != 4 {
		t.Fatalf("before the damage: /readyz %d %+v", code, r)
	}
	if _, body, _ := c.get("/runs"); !strings.Contains(body, "&#34;..%2f...csv&#34;: skipped: hidden file") {
		t.Errorf("the Runs page does not name the skipped file")
	}

	warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000002.duckdb"))
	banner := "gen-000002.duckdb is damaged: its SHA-256 is"
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, r := ready(t, c)
		if code == http.StatusServiceUnavailable && r.Generation == 1 && strings.Contains(r.Reason, banner) && strings.Contains(r.Reason, "Serving generation 1 (published") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not fall back: /readyz %d %+v", code, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Run("WhileServing", func(t *testing.T) {
		if n := accounts(t, c); n != 3 {
			t.Errorf("accounts = %d, want generation 1's 3", n)
		}
		for _, page := range []string{"/", "/accounts", "/runs"} {
			code, body, _ := c.get(page)
			if code != http.StatusOK || !strings.Contains(body, `<div class="alert" role="alert">`) || !strings.Contains(body, banner) {
				t.Errorf("%s: %d, want 200 with the red banner naming the damage", page, code)
			}
		}
		if _, body, _ := c.get("/runs"); !strings.Contains(body, "<h2>Warehouse damaged</h2>") {
			t.Errorf("the Runs page has no section on the damage")
		}
	})
	t.Run("Restart", func(t *testing.T) {
		_, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0"})
		c := newClient(t, ts)
		if code, r := ready(t, c); code != http.StatusServiceUnavailable || r.Generation != 1 {
			t.Errorf("after a restart: /readyz %d %+v, want 503 serving generation 1", code, r)
		}
		if code, _, _ := c.get("/"); code != http.StatusOK {
			t.Errorf("overview after a restart = %d", code)
		}
	})
	t.Run("NothingIntact", func(t *testing.T) {
		g1 := filepath.Join(data.Generations(), "gen-000001.duckdb")
		intact, err := os.ReadFile(g1)
		if err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(g1, intact, 0o644)
		warehousetest.Damage(t, g1)
		_, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0"})
		c := newClient(t, ts)
		if code, r := ready(t, c); code != http.StatusServiceUnavailable || r.Generation != 0 || !strings.Contains(r.Reason, "No intact generation is left") {
			t.Errorf("/readyz %d %+v", code, r)
		}
		if code, body, _ := c.get("/accounts"); code != http.StatusServiceUnavailable || !strings.Contains(body, "No intact generation is left to serve; precedent etl rebuilds the warehouse") {
			t.Errorf("a page with nothing to serve = %d:\n%.300s", code, body)
		}
	})
	t.Run("Healed", func(t *testing.T) {
		// Generation 1 was put back: the next run rebuilds on it.
		if res := load(); !strings.Contains(res.Recovered, "rebuilt from generation 1") {
			t.Fatalf("recovered = %q", res.Recovered)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			code, r := ready(t, c)
			if code == http.StatusOK && r.Generation == 3 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server did not serve the rebuilt generation: /readyz %d %+v", code, r)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, body, _ := c.get("/"); strings.Contains(body, `class="alert"`) {
			t.Errorf("the banner stayed after the warehouse was rebuilt")
		}
		if n := accounts(t, c); n != 4 {
			t.Errorf("accounts = %d, want 4", n)
		}
	})
}
