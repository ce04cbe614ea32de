package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// The lake's checksums. Every file a run adds to the lake (an entity's
// accepted rows, a mart) is hashed before it is moved into place, and the
// checksum is kept twice: in the generation's table etl_lake_files, which
// lists every lake file the generation stands on, and in the run's Result
// in the run log, outside any generation, so a rebuild can verify the
// files of runs whose generation is damaged. A file whose checksum does
// not match is never read. etl_files stays the ledger of source files
// read: a different grain, and its counts would not fit a lake file.
const lakeFilesSchema = `run_id INTEGER, path VARCHAR, size BIGINT, sha256 VARCHAR`

// LakeFile is one file a run wrote to the lake.
type LakeFile struct {
	Path   string `json:"path"` // relative to the data directory, with forward slashes
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Verify checks the file in data against its checksum: nil when it
// matches, a *warehouse.DamagedError when it differs or is gone.
func (f LakeFile) Verify(data wh.Dir) error {
	return wh.FileSum{Size: f.Size, SHA256: f.SHA256}.Check(data.Path(filepath.FromSlash(f.Path)))
}

// Mart says the file is a mart's, which every run with models rewrites;
// an entity's lake file is written once, by the run that loaded its rows.
func (f LakeFile) Mart() bool { return strings.HasPrefix(f.Path, martsPrefix) }

// LakeFiles reads the lake files a generation lists in etl_lake_files;
// none, and no error, for a generation built before they were kept.
func LakeFiles(ctx context.Context, db *sql.DB) ([]LakeFile, error) {
	var has bool
	if err := db.QueryRowContext(ctx, "SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'etl_lake_files'").Scan(&has); err != nil {
		return nil, fmt.Errorf("read lake files: %w", err)
	}
	if !has {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT path, size, sha256 FROM etl_lake_files ORDER BY path")
	if err != nil {
		return nil, fmt.Errorf("read lake files: %w", err)
	}
	defer rows.Close()
	var out []LakeFile
	for rows.Next() {
		var f LakeFile
		if err := rows.Scan(&f.Path, &f.Size, &f.SHA256); err != nil {
			return nil, fmt.Errorf("read lake files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// martsPrefix starts the paths of mart files, which each run rewrites in
// place; entity files are new per run.
const martsPrefix = "lake/marts/"

// recordLake hashes the lake files this run staged into res.Lake and
// writes etl_lake_files: the published generation's entries that still
// stand (a full refresh drops the entity files of earlier runs; a path
// this run rewrote takes its new checksum) and this run's.
func (b *build) recordLake(ctx context.Context) error {
	if err := b.lake.Wait(); err != nil {
		return err
	}
	root := filepath.Join(b.stage, "lake")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == root {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(b.stage, path)
		if err != nil {
			return err
		}
		sum, err := wh.SumFile(path)
		if err != nil {
			return err
		}
		b.res.Lake = append(b.res.Lake, LakeFile{Path: filepath.ToSlash(rel), Size: sum.Size, SHA256: sum.SHA256})
		return nil
	})
	if err != nil {
		return fmt.Errorf("checksum lake files: %w", err)
	}
	if _, err := b.conn.ExecContext(ctx, "CREATE TABLE etl_lake_files ("+lakeFilesSchema+")"); err != nil {
		return fmt.Errorf("record lake files: %w", err)
	}
	if b.prev {
		has, err := b.prevHas(ctx, "etl_lake_files")
		if err != nil {
			return fmt.Errorf("record lake files: %w", err)
		}
		if has {
			paths := []string{}
			for _, f := range b.res.Lake {
				paths = append(paths, f.Path)
			}
			q := "INSERT INTO etl_lake_files SELECT * FROM prev.etl_lake_files WHERE NOT list_contains(?::VARCHAR[], path)"
			if b.opts.FullRefresh {
				q += " AND starts_with(path, " + wh.Literal(martsPrefix) + ")"
			}
			// A run without models publishes no marts, and its lake none:
			// publish removes the earlier runs' files (removeMarts).
			if b.opts.Models == nil {
				q += " AND NOT starts_with(path, " + wh.Literal(martsPrefix) + ")"
			}
			if _, err := b.conn.ExecContext(ctx, q, paths); err != nil {
				return fmt.Errorf("record lake files: %w", err)
			}
		}
	}
	for _, f := range b.res.Lake {
		if _, err := b.conn.ExecContext(ctx, "INSERT INTO etl_lake_files VALUES (?, ?, ?, ?)", b.res.RunID, f.Path, f.Size, f.SHA256); err != nil {
			return fmt.Errorf("record lake file %s: %w", f.Path, err)
		}
	}
	return nil
}

// removeMarts removes the marts' lake files of earlier runs, once a run
// without models published a generation without marts, so that the lake
// offers no marts of other data than the warehouse's.
func (b *build) removeMarts() error {
	dir := b.opts.Data.Path(filepath.FromSlash(martsPrefix))
	files, err := filepath.Glob(filepath.Join(dir, "*.parquet"))
	if err != nil {
		return fmt.Errorf("remove the marts' lake files: %w", err)
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			return fmt.Errorf("remove the marts' lake files: %w", err)
		}
	}
	return nil
}

// exists says a file of the data directory is there.
func exists(data wh.Dir, rel string) bool {
	_, err := os.Stat(data.Path(filepath.FromSlash(rel)))
	return err == nil
}
