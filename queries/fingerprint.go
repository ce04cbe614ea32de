package queries

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Fingerprint identifies everything the models' tables depend on besides
// the loaded entities: the built-in models' SQL, the analysts' models in
// userDir (every file, by name and content) and the settings (the as-of
// date among them). Two builds with the same fingerprint on the same
// tables give the same models, so an ETL run that finds its source and
// this unchanged keeps the published generation.
func Fingerprint(s Settings, userDir string) (string, error) {
	h := sha256.New()
	if err := hashTree(h, builtin, "."); err != nil {
		return "", fmt.Errorf("fingerprint models: %w", err)
	}
	if userDir != "" {
		if _, err := os.Stat(userDir); err == nil {
			fmt.Fprintf(h, "user models\n")
			if err := hashTree(h, os.DirFS(userDir), "."); err != nil {
				return "", fmt.Errorf("fingerprint models in %s: %w", userDir, err)
			}
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("fingerprint settings: %w", err)
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashTree writes every file under root of fsys into h: its path, size
// and content, in lexical order.
func hashTree(h io.Writer, fsys fs.FS, root string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(p), len(b))
		_, err = h.Write(b)
		return err
	})
}
