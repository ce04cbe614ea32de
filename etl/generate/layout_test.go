package generate

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLayoutsDeterministic checks that each vendor layout writes the same
// bytes from the same options, one file per query of the layout plus its
// settings, each with rows, and nothing else (no Parquet left behind).
func TestLayoutsDeterministic(t *testing.T) {
	for _, l := range Layouts {
		t.Run(l.Name, func(t *testing.T) {
			opts := Options{Scale: 0.05, Seed: 7, Layout: l.Name, Effects: DefaultEffects()}
			a, sum := mustGenerate(t, opts)
			b, _ := mustGenerate(t, opts)
			want := layoutFiles(t, l.Name)
			if got := tree(t, a); !slices.Equal(got, want) {
				t.Errorf("wrote %v, want %v", got, want)
			}
			for _, f := range sum.Files {
				if f.Rows == 0 {
					t.Errorf("%s: no rows", f.Entity)
				}
			}
			if len(sum.Files) != len(want)-1 {
				t.Errorf("summary lists %d files, want %d (every file but %s)", len(sum.Files), len(want)-1, LayoutConfig)
			}
			for _, name := range want {
				fa, err := os.ReadFile(filepath.Join(a, name))
				if err != nil {
					t.Fatal(err)
				}
				fb, err := os.ReadFile(filepath.Join(b, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(fa, fb) {
					t.Errorf("%s differs between two runs with the same options", name)
				}
			}
		})
	}
}

// layoutFiles lists the files a layout writes: its queries' targets and
// its other files.
func layoutFiles(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	root := "layouts/" + name
	err := fs.WalkDir(layoutFS, root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".sql"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// tree lists the files under dir, slash-separated and sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
