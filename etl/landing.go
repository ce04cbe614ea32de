package etl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// LoadCursors reads a source's cursors file into c (a map or struct the
// puller defines); c is left as it is when the file does not exist yet.
func LoadCursors(path string, c any) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cursors: %w", err)
	}
	if err := json.Unmarshal(b, c); err != nil {
		return fmt.Errorf("cursors %s: %w", path, err)
	}
	return nil
}

// SaveCursors writes a source's cursors file atomically.
func SaveCursors(path string, c any) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cursors: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("cursors: %w", err)
	}
	if err := LandFile(tmp, path); err != nil {
		return fmt.Errorf("cursors: %w", err)
	}
	return nil
}

// LandFile moves a file written beside its folder (part) to its place
// (dst) durably: the file is flushed to disk before the rename and the
// folder after it, so that after a host crash a cursor saved later never
// survives without the file it covers.
func LandFile(part, dst string) error {
	if err := wh.SyncPath(part); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Rename(part, dst); err != nil {
		return err
	}
	return wh.SyncPath(filepath.Dir(dst))
}

// JSONLines lands the objects an API sent for one of a source's objects
// as JSON lines, <object>/run-NNNNNN.jsonl in the landing folder. Lines are
// written beside the landing folder and moved into it by Land, so a pull
// that stops before never leaves a file that a run would read.
type JSONLines struct {
	object, part, dst, rel string
	f                      *os.File
	w                      *bufio.Writer
	rows                   int64
}

// NewJSONLines starts the file run env.RunID lands object in (such as
// "stripe/customers").
func NewJSONLines(env PullEnv, source, object string) *JSONLines {
	rel := wh.LandedJSONLines(object, env.RunID)
	dir, base := filepath.Split(filepath.Clean(env.Landing))
	return &JSONLines{
		object: object,
		dst:    filepath.Join(env.Landing, rel),
		rel:    filepath.ToSlash(filepath.Join(LandingPrefix, source, rel)),
		part:   filepath.Join(dir, "."+base+"-"+filepath.Base(filepath.Dir(rel))+"-"+filepath.Base(rel)+".part"),
	}
}

// Add writes one object, a JSON value on one line.
func (j *JSONLines) Add(obj json.RawMessage) error {
	if j.f == nil {
		f, err := os.Create(j.part)
		if err != nil {
			return fmt.Errorf("%s: %w", j.object, err)
		}
		j.f, j.w = f, bufio.NewWriter(f)
	}
	var line bytes.Buffer
	if err := json.Compact(&line, obj); err != nil {
		return fmt.Errorf("%s: the API sent an object that is not JSON: %w", j.object, err)
	}
	line.WriteByte('\n')
	if _, err := j.w.Write(line.Bytes()); err != nil {
		return fmt.Errorf("%s: write %s: %w", j.object, j.part, err)
	}
	j.rows++
	return nil
}

// Rows are the objects added so far.
func (j *JSONLines) Rows() int64 { return j.rows }

// Land moves the file into the landing folder and returns its path
// relative to the data directory, or "" when no object was added.
func (j *JSONLines) Land() (string, error) {
	if j.f == nil {
		return "", nil
	}
	err := j.w.Flush()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	j.f = nil
	if err == nil {
		err = LandFile(j.part, j.dst)
	}
	if err != nil {
		os.Remove(j.part)
		return "", fmt.Errorf("land %s: %w", j.object, err)
	}
	return j.rel, nil
}

// Discard drops what was added without landing it.
func (j *JSONLines) Discard() {
	if j.f != nil {
		j.f.Close()
		j.f = nil
		os.Remove(j.part)
	}
}
