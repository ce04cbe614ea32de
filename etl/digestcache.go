package etl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// A run hashes every source file to know what changed, which at scale 100
// means reading 1.2 GB before anything else. The digest cache keeps each
// file's SHA-256 with what stat said of the file when it was hashed (size,
// modification and change times, inode): a later run whose stat says the
// same uses the sum without reading the file. Writing a file changes its
// change time, which no tool sets back, so a file rewritten with the same
// size and modification time is still read again. A file changed within
// racyWindow before it was hashed is not cached: a write in the same tick
// of the file system's clock could leave its times as they were. A
// --full-refresh reads every file.

// racyWindow is how long before its hashing a file must have last changed
// for its sum to be cached (a variable for tests).
var racyWindow = 2 * time.Second

// digestCacheFile is the digest cache, in the data directory.
func digestCacheFile(d wh.Dir) string { return d.Path("source-digests.json") }

// cachedDigest is one file's sum and the stat it was taken under.
type cachedDigest struct {
	Stat   string `json:"stat"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// digestCache is the cache a run reads, and the one it writes.
type digestCache struct {
	mu   sync.Mutex
	old  map[string]cachedDigest // by absolute path, as the last run left it
	next map[string]cachedDigest
}

// loadDigestCache reads the data directory's digest cache; an absent or
// unreadable one is empty (the files are hashed), as is every one on a full
// refresh.
func loadDigestCache(opts Options) *digestCache {
	c := &digestCache{old: map[string]cachedDigest{}, next: map[string]cachedDigest{}}
	if opts.FullRefresh || opts.Data == "" {
		return c
	}
	b, err := os.ReadFile(digestCacheFile(opts.Data))
	if err == nil {
		err = json.Unmarshal(b, &c.old)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		opts.Logger.Warn("source digest cache unreadable: every file is hashed", "file", digestCacheFile(opts.Data), "err", err)
		c.old = map[string]cachedDigest{}
	}
	return c
}

// hash returns the size and SHA-256 of the file at path, from the cache
// when its stat is the one cached, else by reading it.
func (c *digestCache) hash(path string) (fileDigest, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fileDigest{}, err
	}
	start := time.Now()
	fi, err := os.Stat(path)
	if err != nil {
		return fileDigest{}, err
	}
	key, changed := statKey(fi)
	c.mu.Lock()
	was, ok := c.old[abs]
	c.mu.Unlock()
	if ok && was.Stat == key && was.Size == fi.Size() {
		c.keep(abs, was)
		return fileDigest{size: was.Size, sum: was.SHA256}, nil
	}
	sum, n, err := hashFile(path)
	if err != nil {
		return fileDigest{}, err
	}
	if n == fi.Size() && changed.Before(start.Add(-racyWindow)) {
		c.keep(abs, cachedDigest{Stat: key, Size: n, SHA256: sum})
	}
	return fileDigest{size: n, sum: sum}, nil
}

func (c *digestCache) keep(abs string, d cachedDigest) {
	c.mu.Lock()
	c.next[abs] = d
	c.mu.Unlock()
}

// save writes the sums of this run's files, through a temporary file.
func (c *digestCache) save(d wh.Dir) error {
	if d == "" {
		return nil
	}
	b, err := json.Marshal(c.next)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return err
	}
	path := digestCacheFile(d)
	if err := os.WriteFile(path+".tmp", b, 0o644); err != nil {
		return fmt.Errorf("source digest cache: %w", err)
	}
	return os.Rename(path+".tmp", path)
}
