package etl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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

// discover lists the entity files of a source directory: <entity>.<format>
// or any file of a known format under <entity>/, in lexical order per entity
// and in contract order across entities. Files it does not recognise are
// returned as ignored, for a warning.
func discover(dir string) (files []SourceFile, ignored []string, err error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("source %s is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: %w", dir, err)
	}
	byEntity := map[string][]SourceFile{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() {
			if _, ok := contract.Lookup(strings.ToLower(name)); !ok {
				ignored = append(ignored, name+"/")
				continue
			}
			sub, subIgnored, err := walkEntityDir(dir, name)
			if err != nil {
				return nil, nil, err
			}
			byEntity[strings.ToLower(name)] = append(byEntity[strings.ToLower(name)], sub...)
			ignored = append(ignored, subIgnored...)
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
		if err := files[i].stat(); err != nil {
			return nil, nil, err
		}
	}
	return files, ignored, nil
}

func walkEntityDir(root, name string) (files []SourceFile, ignored []string, err error) {
	files, ignored, err = listFiles(root, name)
	for i := range files {
		files[i].Entity = strings.ToLower(name)
	}
	return files, ignored, err
}

// listFiles lists the files of a supported format that an entry of the
// source holds: the file itself, or the files under a folder (hidden ones
// left out); anything else is returned as ignored.
func listFiles(root, name string) (files []SourceFile, ignored []string, err error) {
	rel := strings.TrimSuffix(name, "/")
	abs := filepath.Join(root, filepath.FromSlash(rel))
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != abs {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		r, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if _, format, ok := splitFormat(d.Name()); ok {
			files = append(files, SourceFile{Path: filepath.ToSlash(r), Format: format, abs: path})
		} else {
			ignored = append(ignored, filepath.ToSlash(r))
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: %w", name, err)
	}
	return files, ignored, nil
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

// stat fills in the file's size and content hash.
func (f *SourceFile) stat() error {
	h, err := os.Open(f.abs)
	if err != nil {
		return fmt.Errorf("source file %s: %w", f.Path, err)
	}
	defer h.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, h)
	if err != nil {
		return fmt.Errorf("source file %s: %w", f.Path, err)
	}
	f.Size = n
	f.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return nil
}
