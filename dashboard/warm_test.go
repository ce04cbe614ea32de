package dashboard

import (
	"strings"
	"testing"
	"time"
)

// TestWarm checks that a running server builds the default views of its
// heaviest pages for the generation in use before anyone asks for them.
func TestWarm(t *testing.T) {
	s, _, cancel, done := runServer(t)
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	plain := Filters{}.Values().Encode()
	keys := []string{"overview?" + plain, "discounts?graph=account&" + plain, "scope?" + plain}
	deadline := time.Now().Add(30 * time.Second)
	for _, key := range keys {
		for {
			g, ok := s.wh.current()
			if ok {
				if _, ok := s.pageData.get(g.ID, key); ok {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("page %q was not warmed", key)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// The billing page keeps no built page, only its queries' results.
	for !s.cache.hasPrefix("billing_quarters") {
		if time.Now().After(deadline) {
			t.Fatalf("the billing page's queries were not warmed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hasPrefix reports whether the cache holds a key starting with prefix.
func (c *genCache[V]) hasPrefix(prefix string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
