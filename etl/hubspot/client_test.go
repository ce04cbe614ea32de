package hubspot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
)

// TestAnswerTooLarge checks that an answer larger than the client reads
// fails the call, rather than being cut (a cut page would lose records
// and move the cursor past them).
func TestAnswerTooLarge(t *testing.T) {
	fake := hubspotfake.New(t)
	for i := 1; i <= 20; i++ {
		fake.Put("companies", hubspotfake.Record{ID: fmt.Sprint(i), Modified: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), Props: map[string]string{"name": fmt.Sprint("Company ", i)}})
	}
	list := func(maxBody int) error {
		c := &client{http: &http.Client{Timeout: 10 * time.Second}, base: fake.URL(), token: hubspotfake.Token, retries: 2, backoff: time.Millisecond,
			sleep: sleep, log: slog.New(slog.DiscardHandler), dailyLeft: -1, maxBody: maxBody}
		var pg page
		_, err := c.do(context.Background(), http.MethodGet, "/crm/v3/objects/companies", url.Values{"limit": {"100"}, "properties": {"name"}}, nil, &pg)
		if err == nil && len(pg.Results) != 20 {
			t.Errorf("%d companies read, want 20", len(pg.Results))
		}
		return err
	}
	if err := list(2000); err == nil || !strings.Contains(err.Error(), "200: the answer is larger than 2000 bytes") {
		t.Errorf("got %v, want the answer too large", err)
	}
	if calls := fake.Reset(); len(calls) != 1 {
		t.Errorf("%d calls, want 1: an answer too large is not retried", len(calls))
	}
	if err := list(0); err != nil {
		t.Errorf("with the default limit: %v", err)
	}
}
