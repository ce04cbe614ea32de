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
	if _, err := os.Stat(target); err != nil {
		return Generation{}, fmt.Errorf("published generation %s: %w", target, err)
	}
	return Generation{ID: id, Path: target, PublishedAt: fi.ModTime()}, nil
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
// published warehouse. Each step is atomic on POSIX file systems: readers see
// either the old generation or the new one, never a mix, and a crash at any
// point leaves the previous generation published.
func (d Dir) Publish(id int) error {
	final := filepath.Join(d.Generations(), genName(id))
	if err := syncPath(d.Staging(id)); err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	if err := os.Rename(d.Staging(id), final); err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	link := d.Current() + ".next"
	os.Remove(link)
	rel, err := filepath.Rel(filepath.Dir(d.Current()), final)
	if err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	if err := os.Symlink(rel, link); err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	if err := os.Rename(link, d.Current()); err != nil {
		return fmt.Errorf("publish generation %d: %w", id, err)
	}
	return syncPath(filepath.Dir(d.Current()))
}

// Prune deletes all but the newest keep published generations and any
// staging file left by a run that died. Readers that still hold a deleted
// generation open keep reading it until they close it.
func (d Dir) Prune(keep int) error {
	entries, err := os.ReadDir(d.Generations())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("prune generations: %w", err)
	}
	cur, _ := d.Published()
	var ids []int
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".building") || strings.HasSuffix(name, ".building.wal") {
			os.Remove(filepath.Join(d.Generations(), name))
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
		if err := os.Remove(filepath.Join(d.Generations(), genName(id))); err != nil {
			return fmt.Errorf("prune generation %d: %w", id, err)
		}
	}
	return nil
}

// syncPath flushes a file, or a directory's entries, to disk.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
