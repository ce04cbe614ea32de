package warehouse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// fullRefreshMarker in a stage says the run replaced the whole lake.
const fullRefreshMarker = "FULL_REFRESH"

// MarkFullRefresh records in run id's stage that committing it replaces the
// lake's entity files of earlier runs.
func (d Dir) MarkFullRefresh(id int) error {
	if err := os.MkdirAll(d.Stage(id), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d.Stage(id), fullRefreshMarker), nil, 0o644)
}

// Commit moves the files staged by run id into place. It is called after
// the run's generation is published, and again by Recover if the process
// died in between; moving is idempotent.
func (d Dir) Commit(id int) error {
	stage := d.Stage(id)
	if _, err := os.Stat(stage); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(stage, fullRefreshMarker)); err == nil {
		if err := d.dropLakeBefore(id); err != nil {
			return err
		}
	}
	err := filepath.WalkDir(stage, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || e.Name() == fullRefreshMarker {
			return err
		}
		rel, err := filepath.Rel(stage, path)
		if err != nil {
			return err
		}
		dst := d.Path(rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.Rename(path, dst)
	})
	if err != nil {
		return fmt.Errorf("commit run %d: %w", id, err)
	}
	return os.RemoveAll(stage)
}

// dropLakeBefore removes the entity files of runs before id from the lake.
func (d Dir) dropLakeBefore(id int) error {
	entities, err := os.ReadDir(d.Lake())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entities {
		if !e.IsDir() || e.Name() == "marts" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		files, err := os.ReadDir(filepath.Join(d.Lake(), e.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			if n, ok := runOf(f.Name()); ok && n < id {
				if err := os.Remove(filepath.Join(d.Lake(), e.Name(), f.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func runOf(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "run-")
	if !ok {
		return 0, false
	}
	s, _, _ = strings.Cut(s, ".")
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// Recover deals with what runs that died left behind: a stage whose
// generation was published is committed, any other stage is discarded, and
// unfinished generation files are removed, including one renamed into
// place by a run that died before it switched the published link. Runs call
// it first, holding the ETL lock, so a published run's stage never outlives
// the next run.
func (d Dir) Recover() error {
	// The link decides what was published, even when its file is damaged
	// or gone (the run then rebuilds it).
	published := 0
	switch g, err := d.linked(); {
	case err == nil:
		published = g.ID
	case !errors.Is(err, ErrNoWarehouse):
		return fmt.Errorf("recover: %w", err)
	}
	stages, err := os.ReadDir(d.Path(".staging"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("recover: %w", err)
	}
	for _, s := range stages {
		id, ok := runOf(s.Name())
		if !ok {
			continue
		}
		gen := filepath.Join(d.Generations(), genName(id))
		if _, err := os.Stat(gen); err == nil {
			if id <= published {
				if err := d.Commit(id); err != nil {
					return fmt.Errorf("recover: %w", err)
				}
				continue
			}
			if err := os.Remove(gen); err != nil {
				return fmt.Errorf("recover: %w", err)
			}
			if err := os.Remove(checksumPath(gen)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("recover: %w", err)
			}
		}
		if err := os.RemoveAll(d.Stage(id)); err != nil {
			return fmt.Errorf("recover: %w", err)
		}
	}
	return d.Prune(KeepGenerations)
}

// KeepGenerations is how many published generations stay on disk, so a
// reader that opened one a moment ago can finish.
const KeepGenerations = 3
