package etl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestDigestCache checks that a file whose stat is unchanged is not read
// again (a sum planted in the cache is what the run sees), and that a
// rewrite of the same size, one with its modification time set back, one
// too recent to trust, and a full refresh are read.
func TestDigestCache(t *testing.T) {
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = 50 * time.Millisecond
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	const planted = "0000000000000000000000000000000000000000000000000000000000000000"

	setup := func(t *testing.T) (Options, string) {
		src, data := t.TempDir(), wh.Dir(t.TempDir())
		path := filepath.Join(src, "reps.csv")
		if err := os.WriteFile(path, []byte("rep_id\nREP-1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * racyWindow)
		return Options{Source: src, Data: data, Logger: slog.New(slog.DiscardHandler)}, path
	}
	hashed := func(t *testing.T, opts Options, path string) string {
		t.Helper()
		d, err := hashSource(opts)
		if err != nil {
			t.Fatal(err)
		}
		return d[path].sum
	}
	// plant replaces the cached sum of path, as if its content had been
	// read as something else.
	plant := func(t *testing.T, opts Options, path string) {
		t.Helper()
		b, err := os.ReadFile(digestCacheFile(opts.Data))
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]cachedDigest
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		e, ok := c[path]
		if !ok {
			t.Fatalf("%s not cached: %s", path, b)
		}
		e.SHA256 = planted
		c[path] = e
		b, _ = json.Marshal(c)
		if err := os.WriteFile(digestCacheFile(opts.Data), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("Unchanged", func(t *testing.T) {
		opts, path := setup(t)
		if got := hashed(t, opts, path); got != sum("rep_id\nREP-1\n") {
			t.Fatalf("first run: sum %s", got)
		}
		plant(t, opts, path)
		if got := hashed(t, opts, path); got != planted {
			t.Fatalf("an unchanged file was read again: sum %s, want the cached %s", got, planted)
		}
	})
	t.Run("SameSizeRewritten", func(t *testing.T) {
		opts, path := setup(t)
		hashed(t, opts, path)
		plant(t, opts, path)
		fi, _ := os.Stat(path)
		if err := os.WriteFile(path, []byte("rep_id\nREP-2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS == "linux" {
			// The change time still moves: the file is read again.
			os.Chtimes(path, fi.ModTime(), fi.ModTime())
		}
		if got := hashed(t, opts, path); got != sum("rep_id\nREP-2\n") {
			t.Fatalf("a rewritten file was not read: sum %s", got)
		}
	})
	t.Run("TooRecent", func(t *testing.T) {
		opts, path := setup(t)
		racyWindow = time.Hour
		defer func() { racyWindow = 50 * time.Millisecond }()
		hashed(t, opts, path)
		b, _ := os.ReadFile(digestCacheFile(opts.Data))
		var c map[string]cachedDigest
		json.Unmarshal(b, &c)
		if _, ok := c[path]; ok {
			t.Fatalf("a file changed within the racy window was cached: %s", b)
		}
	})
	t.Run("FullRefresh", func(t *testing.T) {
		opts, path := setup(t)
		hashed(t, opts, path)
		plant(t, opts, path)
		opts.FullRefresh = true
		if got := hashed(t, opts, path); got != sum("rep_id\nREP-1\n") {
			t.Fatalf("a full refresh used the cache: sum %s", got)
		}
	})
}
