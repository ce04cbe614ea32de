package etl

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
)

// SourceFile is one file of a source directory and the entity it holds.
type SourceFile struct {
	Entity string `json:"entity"`
	Path   string `json:"path"` // relative to the source directory
	Format string `json:"format"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Vendor files: the vendor and object (Entity is then vendor/Object)
	// and how they were detected (config, name or header).
	Vendor     string `json:"vendor,omitempty"`
	Object     string `json:"object,omitempty"`
	DetectedBy string `json:"detected_by,omitempty"`
	abs        string
	header     []string
}

// SkippedFile is a source file (or folder) a run did not read because of
// its name, and why. Runs report every one; none is passed over silently.
type SkippedFile struct {
	Path   string `json:"path"` // relative to the source directory
	Reason string `json:"reason"`
}

// hidden says a name is hidden: it starts with a dot. Such files are never
// read (editors' swap files, .DS_Store, and names like "..%2f...csv" that
// try to look like a path), and each is reported as skipped.
func hidden(rel string, dir bool) (SkippedFile, bool) {
	if !strings.HasPrefix(filepath.Base(rel), ".") {
		return SkippedFile{}, false
	}
	if dir {
		return SkippedFile{Path: rel + "/", Reason: "hidden folder (its name starts with a dot): nothing in it is read; rename it to load its files"}, true
	}
	return SkippedFile{Path: rel, Reason: "hidden file (its name starts with a dot): not read; rename it to load it"}, true
}

// warning is the run's warning line for a skipped file; the name is quoted,
// since it may hold anything.
func (s SkippedFile) warning() string { return fmt.Sprintf("%q: skipped: %s", s.Path, s.Reason) }

// discover lists the entity files of a source directory: <entity>.<format>
// or any file of a known format under <entity>/, in lexical order per entity
// and in contract order across entities. Files it does not recognise are
// returned as ignored, for a warning; hidden ones as skipped.
func discover(dir string, known digests) (files []SourceFile, ignored []string, skipped []SkippedFile, err error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("source %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, nil, nil, fmt.Errorf("source %s is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("source %s: %w", dir, err)
	}
	byEntity := map[string][]SourceFile{}
	for _, e := range entries {
		name := e.Name()
		if s, ok := hidden(name, e.IsDir()); ok {
			skipped = append(skipped, s)
			continue
		}
		if e.IsDir() {
			if _, ok := contract.Lookup(strings.ToLower(name)); !ok {
				ignored = append(ignored, name+"/")
				continue
			}
			sub, subIgnored, subSkipped, err := walkEntityDir(dir, name)
			if err != nil {
				return nil, nil, nil, err
			}
			byEntity[strings.ToLower(name)] = append(byEntity[strings.ToLower(name)], sub...)
			ignored = append(ignored, subIgnored...)
			skipped = append(skipped, subSkipped...)
			continue
		}
		stem, format, ok := splitFormat(name)
		if _, known := contract.Lookup(strings.ToLower(stem)); !ok || !known {
			ignored = append(ignored, name)
			continue
		}
		ent := strings.ToLower(stem)
		byEntity[ent] = append(byEntity[ent], SourceFile{Entity: ent, Path: name, Format: format, abs: filepath.Join(dir, name)})
	}
	for _, e := range contract.Entities {
		fs := byEntity[e.Name]
		slices.SortFunc(fs, func(a, b SourceFile) int { return strings.Compare(a.Path, b.Path) })
		files = append(files, fs...)
	}
	for i := range files {
		if err := files[i].stat(known); err != nil {
			return nil, nil, nil, err
		}
	}
	return files, ignored, skipped, nil
}

func walkEntityDir(root, name string) (files []SourceFile, ignored []string, skipped []SkippedFile, err error) {
	files, ignored, skipped, err = listFiles(root, name)
	for i := range files {
		files[i].Entity = strings.ToLower(name)
	}
	return files, ignored, skipped, err
}

// listFiles lists the files of a supported format that an entry of the
// source holds: the file itself, or the files under a folder; hidden ones
// are returned as skipped, anything else as ignored.
func listFiles(root, name string) (files []SourceFile, ignored []string, skipped []SkippedFile, err error) {
	rel := strings.TrimSuffix(name, "/")
	abs := filepath.Join(root, filepath.FromSlash(rel))
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if s, ok := hidden(filepath.ToSlash(r), d.IsDir()); ok && path != abs {
			skipped = append(skipped, s)
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if _, format, ok := splitFormat(d.Name()); ok {
			files = append(files, SourceFile{Path: filepath.ToSlash(r), Format: format, abs: path})
		} else {
			ignored = append(ignored, filepath.ToSlash(r))
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("source %s: %w", name, err)
	}
	return files, ignored, skipped, nil
}

// splitFormat splits a file name into its stem and a supported format.
func splitFormat(name string) (stem, format string, ok bool) {
	ext := strings.ToLower(filepath.Ext(name))
	format = strings.TrimPrefix(ext, ".")
	if !slices.Contains(contract.Formats, format) {
		return "", "", false
	}
	return strings.TrimSuffix(name, filepath.Ext(name)), format, true
}

// stat fills in the file's size and content hash, from known when the
// run hashed the file already.
func (f *SourceFile) stat(known digests) error {
	if d, ok := known[f.abs]; ok && d.size >= 0 {
		f.Size, f.SHA256 = d.size, d.sum
		return nil
	}
	sum, n, err := hashFile(f.abs)
	if err != nil {
		return fmt.Errorf("source file %s: %w", f.Path, err)
	}
	f.Size, f.SHA256 = n, sum
	return nil
}

// addLanding adds the run's landing folders to the entries of its source
// that vendor detection looks into (as folder landing/<source>/). A source
// folder holding an entry of that name would be read twice: that is an
// error naming it.
func addLanding(opts Options, ignored []string) ([]string, error) {
	names := opts.landingNames()
	if len(names) == 0 {
		return ignored, nil
	}
	if _, err := os.Lstat(filepath.Join(opts.Source, LandingPrefix)); err == nil {
		return nil, fmt.Errorf("source %s holds %s, the name its pulled sources' landed files are read under: rename it", opts.Source, LandingPrefix)
	}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(string(opts.Data), filepath.FromSlash(name))); err == nil {
			ignored = append(ignored, name)
		}
	}
	return ignored, nil
}
