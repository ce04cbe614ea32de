package etl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Fingerprinter is a models step that can say what its tables depend on
// besides the loaded entities (its SQL, its settings, the as-of date).
// Without it a run always builds a new generation.
type Fingerprinter interface {
	Fingerprint() (string, error)
}

// digests are the sizes and SHA-256 sums of a source's files, by path.
type digests map[string]fileDigest

type fileDigest struct {
	size int64
	sum  string
}

// hashSource hashes every file under the source directory that a run could
// read: all of them but hidden ones and those inside hidden folders, which
// are listed by name alone (size -1), since a run warns about them; and the
// files of the run's landing folders.
func hashSource(opts Options) (digests, error) {
	d := digests{}
	dirs := []string{opts.Source}
	for _, p := range opts.Pullers {
		dirs = append(dirs, opts.Data.Landing(p.Name()))
	}
	cache := loadDigestCache(opts)
	for _, dir := range dirs {
		if err := hashDir(dir, d, cache); err != nil {
			return nil, err
		}
	}
	if err := cache.save(opts.Data); err != nil {
		opts.Logger.Warn("source digest cache not written: the next run hashes every file", "err", err)
	}
	return d, nil
}

// hashDir hashes the files under dir into d, as many at once as there
// are cores: the largest file alone then bounds the time, not the sum.
// Files the cache knows unchanged are not read.
func hashDir(dir string, d digests, cache *digestCache) error {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		if _, skip := hidden(path, e.IsDir()); skip {
			d[path] = fileDigest{size: -1}
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.Type().IsRegular() {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("source %s: %w", dir, err)
	}
	sums := make([]fileDigest, len(paths))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, path := range paths {
		g.Go(func() error {
			var err error
			sums[i], err = cache.hash(path)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("source %s: %w", dir, err)
	}
	for i, path := range paths {
		d[path] = sums[i]
	}
	return nil
}

// hashFile returns the SHA-256 of the file at path, in hex, and its size.
func hashFile(path string) (string, int64, error) {
	h, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer h.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, h)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(sum.Sum(nil)), n, nil
}

// fingerprint identifies everything a run's generation depends on: every
// source file by path and content, the options that change what loads (the
// vendor settings, the base currency, the text limit), the program's build,
// and the models step's own fingerprint. ok is false when the models step
// cannot say what it depends on; such runs always build.
func fingerprint(opts Options, src digests) (fp string, ok bool, err error) {
	h := sha256.New()
	paths := make([]string, 0, len(src))
	for p := range src {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		rel, err := filepath.Rel(opts.Source, p)
		if landing, lerr := filepath.Rel(string(opts.Data), p); lerr == nil && strings.HasPrefix(filepath.ToSlash(landing), LandingPrefix+"/") {
			rel, err = landing, nil
		}
		if err != nil {
			rel = p
		}
		fmt.Fprintf(h, "%s %d %s\n", filepath.ToSlash(rel), src[p].size, src[p].sum)
	}
	loader, err := json.Marshal(struct {
		Vendors       any
		BaseCurrency  string
		MaxTextLength int
		Program       string
		Rules         string
	}{opts.Vendors, opts.BaseCurrency, opts.MaxTextLength, opts.Program, contract.Version()})
	if err != nil {
		return "", false, fmt.Errorf("fingerprint: %w", err)
	}
	h.Write(loader)
	switch m := opts.Models.(type) {
	case nil:
		fmt.Fprint(h, "\nno models")
	case Fingerprinter:
		mf, err := m.Fingerprint()
		if err != nil {
			return "", false, err
		}
		fmt.Fprint(h, "\nmodels ", mf)
	default:
		return "", false, nil
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

// keepPublished ends a run that found nothing changed: when the published
// generation is intact, no run published after it, and the run that
// published it had the same fingerprint, the run publishes nothing, keeps
// that generation (status unchanged) and carries over its warnings, which
// still hold. It returns false when the run must build. The fingerprint is
// compared first: only a run that would keep the generation reads it here
// to verify it, and one that builds verifies it as it copies it. runs are
// the run log's ETL runs.
func keepPublished(opts Options, v *wh.Verifier, res *Result, fp string, runs []runlog.Record) (bool, error) {
	g, err := opts.Data.Published()
	if err != nil {
		return false, nil
	}
	i := slices.IndexFunc(runs, func(r runlog.Record) bool { return r.ID == g.ID && len(r.Detail) > 0 })
	var was Result
	if i < 0 || json.Unmarshal(runs[i].Detail, &was) != nil || was.Fingerprint != fp {
		return false, nil
	}
	if ok := current(opts, v, runs); !ok {
		return false, nil
	}
	res.Kept, res.Generation = g.ID, g.Path
	res.Status, res.Warnings = runlog.Unchanged, was.Warnings
	opts.Logger.Info("nothing changed: generation kept", "run", res.RunID, "generation", g.ID)
	return true, nil
}

// current reports whether a run can build on the published generation in
// the ordinary way: it is intact and no run published after it (else the
// link was pointed back and the run catches up), as runs, the run log's
// ETL runs, say. v remembers the generation's verdict, so a run hashes the
// generation once.
func current(opts Options, v *wh.Verifier, runs []runlog.Record) bool {
	h, err := opts.Data.Check(v)
	if err != nil || h.Damage != nil || h.Published.ID == 0 {
		return false
	}
	for _, r := range runs {
		if r.ID > h.Published.ID && (r.Status == runlog.Success || r.Status == runlog.Warning) {
			return false
		}
	}
	return true
}
