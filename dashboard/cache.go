package dashboard

import "sync"

// genCache keeps values per generation: a new generation starts empty, so
// serving a new warehouse drops everything made from the previous one.
// Keys come from requests, so it also empties itself when it holds max
// entries, or, when size is set, maxBytes bytes.
type genCache[V any] struct {
	max      int
	maxBytes int64
	size     func(V) int64
	mu       sync.Mutex
	gen      int
	entries  map[string]V
	bytes    int64
}

func (c *genCache[V]) get(gen int, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		var zero V
		return zero, false
	}
	v, ok := c.entries[key]
	return v, ok
}

func (c *genCache[V]) put(gen int, key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	if c.size != nil {
		if n = c.size(v); n > c.maxBytes {
			return // too large to keep at all
		}
	}
	if c.gen != gen || c.entries == nil || len(c.entries) >= c.max || c.bytes+n > c.maxBytes && c.size != nil {
		c.gen, c.entries, c.bytes = gen, map[string]V{}, 0
	}
	if old, ok := c.entries[key]; ok && c.size != nil {
		c.bytes -= c.size(old)
	}
	c.entries[key] = v
	c.bytes += n
}

// memoPage returns what build makes for key, kept per generation: the
// charts of a page cost far more than their cached query results. build
// must depend only on the generation and key, and nobody may change what
// it returns, since requests share it. The generation is read before
// build: a page built from a newer one is then kept under an older key,
// which the newer one replaces, and never the other way round.
func memoPage[T any](s *Server, key string, build func() (T, error)) (T, error) {
	gen := 0
	if g, ok := s.wh.current(); ok {
		gen = g.ID
	}
	if v, ok := s.pageData.get(gen, key); ok {
		if t, ok := v.(T); ok {
			return t, nil
		}
	}
	v, err := build()
	if err == nil && gen != 0 {
		s.pageData.put(gen, key, v)
	}
	return v, err
}
