package warehouse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Leftover is a file a run that died left in the data directory.
type Leftover struct {
	Path string // relative to the data directory
	What string // what it is, for a person
	// commit is set for the stage of a run whose generation was published:
	// its files belong in the data directory, so clearing commits it.
	commit bool
	run    int
}

// Leftovers lists what runs that died left behind: staging generation
// files (.building*), stages of runs, the link's temporary twin, unfinished
// checksum files and checksum files whose generation is gone. Call it
// holding the ETL lock: a running ETL's own files look the same.
func (d Dir) Leftovers() ([]Leftover, error) {
	var out []Leftover
	entries, err := os.ReadDir(d.Generations())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("leftovers: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		rel := filepath.Join("warehouse", name)
		switch {
		case isStaging(name):
			out = append(out, Leftover{Path: rel, What: "staging file of a run that did not finish"})
		case strings.HasSuffix(name, ".sha256.tmp"):
			out = append(out, Leftover{Path: rel, What: "unfinished checksum file"})
		case strings.HasSuffix(name, ".sha256"):
			if _, err := os.Stat(filepath.Join(d.Generations(), strings.TrimSuffix(name, ".sha256"))); errors.Is(err, fs.ErrNotExist) {
				out = append(out, Leftover{Path: rel, What: "checksum file of a generation that is gone"})
			}
		}
	}
	if _, err := os.Lstat(d.Current() + ".next"); err == nil {
		out = append(out, Leftover{Path: filepath.Base(d.Current()) + ".next", What: "temporary link of a publish that did not finish"})
	}
	stages, err := os.ReadDir(d.Path(".staging"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("leftovers: %w", err)
	}
	published := 0
	if g, err := d.linked(); err == nil {
		published = g.ID
	}
	for _, s := range stages {
		id, ok := runOf(s.Name())
		if !ok {
			continue
		}
		l := Leftover{Path: filepath.Join(".staging", s.Name()), What: "files of a run that did not finish", run: id}
		if _, err := os.Stat(filepath.Join(d.Generations(), genName(id))); err == nil && id <= published {
			l.What, l.commit = "files of a published run not yet moved into place", true
		}
		out = append(out, l)
	}
	return out, nil
}

// Clear removes a leftover; the stage of a published run is committed
// instead. It never removes a generation.
func (d Dir) Clear(l Leftover) error {
	if l.commit {
		return d.Commit(l.run)
	}
	if err := os.RemoveAll(d.Path(l.Path)); err != nil {
		return fmt.Errorf("clear %s: %w", l.Path, err)
	}
	return nil
}
