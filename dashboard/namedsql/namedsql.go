// Package namedsql holds the named SQL files of the dashboard and the
// weekly report: embedded .sql files whose $name parameters are found once,
// when the files are loaded, and bound by exact name, never spliced. Each
// query defines the key its results are cached under.
package namedsql

import (
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Query is one named SQL file.
type Query struct {
	Name   string
	Text   string
	Params []string // $name parameters, in order of first use
}

// Set is the queries of one folder, by name (the file name without .sql).
type Set map[string]Query

var paramRe = regexp.MustCompile(`\$([a-z_]+)`)

// Load reads every .sql file of dir in fsys.
func Load(fsys fs.FS, dir string) (Set, error) {
	out := Set{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".sql" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		q := Query{Name: strings.TrimSuffix(path.Base(p), ".sql"), Text: string(b)}
		for _, m := range paramRe.FindAllStringSubmatch(q.Text, -1) {
			if !slices.Contains(q.Params, m[1]) {
				q.Params = append(q.Params, m[1])
			}
		}
		out[q.Name] = q
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load queries %s: %w", dir, err)
	}
	return out, nil
}

// Args binds the query's parameters from values by exact name; values it
// does not name are left out, and a parameter without a value is an error.
func (q Query) Args(values map[string]any) ([]any, error) {
	args := make([]any, 0, len(q.Params))
	for _, p := range q.Params {
		v, ok := values[p]
		if !ok {
			return nil, fmt.Errorf("query %s needs $%s", q.Name, p)
		}
		args = append(args, sql.Named(p, v))
	}
	return args, nil
}

// Key is the cache key of the query run with values: its name and the
// values of the parameters it takes, in name order. Values it does not
// take leave the key alone, so they cannot multiply a cache's entries; two
// runs share a key exactly when they bind the same arguments.
func (q Query) Key(values map[string]any) string {
	var key strings.Builder
	key.WriteString(q.Name)
	for _, p := range slices.Sorted(slices.Values(q.Params)) {
		fmt.Fprintf(&key, "\x00%s=%v", p, values[p])
	}
	return key.String()
}
