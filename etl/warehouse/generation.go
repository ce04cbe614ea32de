package warehouse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNoWarehouse means no generation has been published in the data directory yet.
var ErrNoWarehouse = errors.New("no warehouse has been published yet: run precedent etl first")

// Generation is one complete warehouse file, built by one run.
type Generation struct {
	ID          int
	Path        string
	PublishedAt time.Time
}

func runName(id int) string { return fmt.Sprintf("run-%06d", id) }

func genName(id int) string { return fmt.Sprintf("gen-%06d.duckdb", id) }

// Staging returns the path a run builds its generation at. Nothing reads
// it until Publish renames it into place.
func (d Dir) Staging(id int) string {
	return filepath.Join(d.Generations(), genName(id)+".building")
}

// Published returns the generation the Current link points at.
func (d Dir) Published() (Generation, error) {
	g, err := d.linked()
	if err != nil {
		return Generation{}, err
	}
	if _, err := os.Stat(g.Path); err != nil {
		return Generation{}, fmt.Errorf("published generation %s: %w", g.Path, err)
	}
	return g, nil
}

// linked returns the generation the Current link names, whether or not
// its file is there.
func (d Dir) linked() (Generation, error) {
	target, err := os.Readlink(d.Current())
	if errors.Is(err, fs.ErrNotExist) {
		return Generation{}, ErrNoWarehouse
	}
	if err != nil {
		return Generation{}, fmt.Errorf("read warehouse link: %w", err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(d.Current()), target)
	}
	id, err := parseGen(filepath.Base(target))
	if err != nil {
		return Generation{}, fmt.Errorf("warehouse link %s: %w", d.Current(), err)
	}
	fi, err := os.Lstat(d.Current())
	if err != nil {
		return Generation{}, fmt.Errorf("stat warehouse link: %w", err)
	}
	return Generation{ID: id, Path: target, PublishedAt: fi.ModTime()}, nil
}

// List returns the generations in the warehouse folder, newest first,
// each with its file's modification time as PublishedAt.
func (d Dir) List() ([]Generation, error) {
	entries, err := os.ReadDir(d.Generations())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list generations: %w", err)
	}
	var out []Generation
	for _, e := range entries {
		id, err := parseGen(e.Name())
		if err != nil || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("list generations: %w", err)
		}
		out = append(out, Generation{ID: id, Path: filepath.Join(d.Generations(), e.Name()), PublishedAt: fi.ModTime()})
	}
	slices.SortFunc(out, func(a, b Generation) int { return b.ID - a.ID })
	return out, nil
}

func parseGen(name string) (int, error) {
	s, ok := strings.CutPrefix(name, "gen-")
	if !ok {
		return 0, fmt.Errorf("%q is not a generation file", name)
	}
	s, ok = strings.CutSuffix(s, ".duckdb")
	if !ok {
		return 0, fmt.Errorf("%q is not a generation file", name)
	}
	return strconv.Atoi(s)
}

// Publish makes generation id, built at Staging(id) and closed, the
// published warehouse. It writes the generation's checksum file
// (gen-NNNNNN.duckdb.sha256) before it switches the link, so every
// published generation can be verified. Each step is atomic on POSIX file
// systems: readers see either the old generation or the new one, never a
// mix, and a crash at any point leaves the previous generation published.
func (d Dir) Publish(id int) error {
	final := filepath.Join(d.Generations(), genName(id))
	if err := SyncPath(d.Staging(id)); err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	if err := os.Rename(d.Staging(id), final); err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	err := writeChecksum(final, genName(id))
	if err == nil {
		err = d.link(id)
	}
	if err != nil {
		if g, lerr := d.linked(); lerr != nil || g.ID != id {
			// Not published: back where a failed run's files are removed from.
			os.Remove(checksumPath(final))
			os.Remove(checksumPath(final) + ".tmp")
			os.Rename(final, d.Staging(id))
		}
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	return nil
}

// Repoint publishes generation id, which is already on disk: the repair
// for a link that names a damaged or missing generation. The caller has
// verified the generation.
func (d Dir) Repoint(id int) error {
	if _, err := os.Stat(filepath.Join(d.Generations(), genName(id))); err != nil {
		return fmt.Errorf("repoint to generation %d: %w", id, err)
	}
	if err := d.link(id); err != nil {
		return fmt.Errorf("repoint to generation %d: %w", id, err)
	}
	return nil
}

// link atomically replaces the Current link with one to generation id.
func (d Dir) link(id int) error {
	final := filepath.Join(d.Generations(), genName(id))
	link := d.Current() + ".next"
	os.Remove(link)
	rel, err := filepath.Rel(filepath.Dir(d.Current()), final)
	if err != nil {
		return err
	}
	if err := os.Symlink(rel, link); err != nil {
		return err
	}
	if err := os.Rename(link, d.Current()); err != nil {
		return err
	}
	return SyncPath(filepath.Dir(d.Current()))
}

// Scratch is where a run that rebuilds a damaged warehouse copies the
// intact generation it starts from. Like Staging it is the run's own, and
// RemoveStaging removes it.
func (d Dir) Scratch(id int) string { return d.Staging(id) + ".base" }

// RemoveStaging removes every file run id's build left in the warehouse
// folder: the staging generation, DuckDB's write-ahead log and temporary
// folder beside it, and a rebuild's scratch copy. A failed run calls it so
// nothing of it waits for the next run.
func (d Dir) RemoveStaging(id int) error {
	files, err := filepath.Glob(filepath.Join(d.Generations(), genName(id)+".building*"))
	if err != nil {
		return fmt.Errorf("remove staging files of run %d: %w", id, err)
	}
	var errs []error
	for _, f := range files {
		if err := os.RemoveAll(f); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove staging files of run %d: %w", id, err)
	}
	return nil
}

// isStaging says a file in the warehouse folder belongs to a build, not to
// a published generation.
func isStaging(name string) bool { return strings.Contains(name, ".duckdb.building") }

// Prune deletes all but the newest keep published generations (with their
// checksum files) and any staging file left by a run that died. Readers
// that still hold a deleted generation open keep reading it until they
// close it.
func (d Dir) Prune(keep int) error {
	entries, err := os.ReadDir(d.Generations())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("prune generations: %w", err)
	}
	cur, _ := d.linked()
	var ids []int
	for _, e := range entries {
		name := e.Name()
		if isStaging(name) {
			os.RemoveAll(filepath.Join(d.Generations(), name))
			continue
		}
		if id, err := parseGen(name); err == nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for i, id := range ids {
		if i >= len(ids)-keep || id == cur.ID {
			continue
		}
		path := filepath.Join(d.Generations(), genName(id))
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("prune generation %d: %w", id, err)
		}
		if err := os.Remove(checksumPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("prune generation %d: %w", id, err)
		}
	}
	return nil
}

// SyncPath flushes a file, or a directory's entries, to disk: after a
// rename, syncing the folder makes the new name survive a host crash.
func SyncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
