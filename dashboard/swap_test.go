package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestSwapOnPublish keeps a request on the old generation while a new one
// is published: the request finishes on the old one, new requests see the
// new one, and cached results of the old one are not served again.
func TestSwapOnPublish(t *testing.T) {
	live := newLiveSource(t)
	data := live.data
	s, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0", Refresh: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	swapped := make(chan int, 4) // what Run hooks cache warming on
	s.wh.onSwap = func(g wh.Generation) { swapped <- g.ID }
	go s.wh.watch(ctx, 20*time.Millisecond)
	c := newClient(t, ts)
	count := func() int {
		t.Helper()
		_, body, _ := c.get("/api/v1/models/account_summary")
		var res struct{ Rows []map[string]any }
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return len(res.Rows)
	}
	if n := count(); n != 3 {
		t.Fatalf("accounts = %d, want 3", n)
	}
	old, err := s.wh.acquire()
	if err != nil {
		t.Fatal(err)
	}
	live.addAccount()
	waitForGeneration(t, c, 2)
	if n := count(); n != 4 {
		t.Errorf("after publish accounts = %d, want 4 (a stale cache?)", n)
	}
	select {
	case id := <-swapped:
		if id != 2 {
			t.Errorf("swap hook called for generation %d, want 2", id)
		}
	default:
		t.Errorf("the swap hook was not called")
	}
	// The request that held generation 1 still reads it.
	var n int
	if err := old.db.QueryRow("SELECT count(*) FROM accounts").Scan(&n); err != nil || n != 3 {
		t.Errorf("old generation answers %d (%v), want 3", n, err)
	}
	old.release()
	if err := old.db.Ping(); err == nil {
		t.Errorf("the old generation is still open after its last request")
	}
	if code, _, _ := c.get("/"); code != http.StatusOK {
		t.Errorf("overview after the swap = %d", code)
	}
}

// liveSource is the good fixture copied to a source of its own and loaded
// into a data directory of its own, for tests that publish while serving.
type liveSource struct {
	t    *testing.T
	src  string
	data wh.Dir
}

func newLiveSource(t *testing.T) *liveSource {
	t.Helper()
	l := &liveSource{t: t, src: fixture.CopySource(t, "../etl/testdata/good"), data: wh.Dir(t.TempDir())}
	l.load()
	return l
}

// load runs the ETL and the models over the source.
func (l *liveSource) load() {
	l.t.Helper()
	if _, err := company.Load(context.Background(), l.src, l.data, company.ModelsAsOf(time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC))); err != nil {
		l.t.Fatal(err)
	}
}

// addAccount publishes a generation with one more account, ACC-9.
func (l *liveSource) addAccount() {
	l.t.Helper()
	os.MkdirAll(filepath.Join(l.src, "accounts"), 0o755)
	os.Rename(filepath.Join(l.src, "accounts.csv"), filepath.Join(l.src, "accounts", "a.csv"))
	os.WriteFile(filepath.Join(l.src, "accounts", "b.csv"), []byte("account_id,account_name,segment\nACC-9,New Co,smb\n"), 0o644)
	l.load()
}

// waitForGeneration polls /readyz until the server serves generation id.
func waitForGeneration(t *testing.T, c *client, id int) {
	t.Helper()
	want := fmt.Sprintf(`"generation":%d`, id)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body, _ := c.get("/readyz")
		if strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not switch to generation %d: %s", id, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
