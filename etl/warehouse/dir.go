// Package warehouse is the one place that handles DuckDB for Precedent: the
// layout of the data directory, opening databases (read-write, read-only and
// sandboxed for analysts' SQL), building and publishing warehouse
// generations atomically, and quoting identifiers. Its pitfalls are written
// down in README.md next to this file.
package warehouse

import "path/filepath"

// Dir is a data directory and the layout of everything Precedent keeps in it.
type Dir string

// Path joins elements onto the data directory.
func (d Dir) Path(elem ...string) string {
	return filepath.Join(append([]string{string(d)}, elem...)...)
}

// Lake is the Parquet lake of accepted rows and marts.
func (d Dir) Lake() string { return d.Path("lake") }

// Stage is where run runID writes the files it adds to the data directory
// (lake files, marts, quarantine files), laid out as they will be. Commit
// moves them into place once the run's generation is published.
func (d Dir) Stage(runID int) string { return d.Path(".staging", runName(runID)) }

// LakeEntity is the lake file of the rows an entity accepted in one run,
// relative to the data directory.
func LakeEntity(entity string, runID int) string {
	return filepath.Join("lake", entity, runName(runID)+".parquet")
}

// LakeRemoved is the lake file of the keys of the rows of earlier loads
// that one run removed from an entity (deleted at the vendor, or referring
// to a removed row), relative to the data directory.
func LakeRemoved(entity string, runID int) string {
	return filepath.Join("lake", entity, runName(runID)+".removed.parquet")
}

// LakeMart is the lake file of a mart, relative to the data directory.
func LakeMart(model string) string { return filepath.Join("lake", "marts", model+".parquet") }

// QuarantineFile holds one run's quarantined rows of an entity, relative
// to the data directory.
func QuarantineFile(entity string, runID int) string {
	return filepath.Join("quarantine", runName(runID), entity+".csv")
}

// Generations is the folder of warehouse generations.
func (d Dir) Generations() string { return d.Path("warehouse") }

// Current is the published warehouse: a symbolic link to the newest
// generation, so any DuckDB client can open it.
func (d Dir) Current() string { return d.Path("warehouse.duckdb") }

// RunLog is the append-only log of every run.
func (d Dir) RunLog() string { return d.Path("runs.jsonl") }

// Audit is the append-only log of statements people ran on the SQL page
// and its exports (one JSON object per line).
func (d Dir) Audit() string { return d.Path("audit", "sql.jsonl") }

// Models is the folder of analysts' own SQL models.
func (d Dir) Models() string { return d.Path("models") }

// Reports is the archive of weekly reports.
func (d Dir) Reports() string { return d.Path("reports") }

// Landing is the landing folder of a source that is pulled (a connector's
// database): what each pull read, as files <object>/<run>.parquet, kept so
// that every load can be replayed and audited without the source.
func (d Dir) Landing(source string) string { return d.Path("landing", source) }

// LandedFile is the file run runID lands an object of a source in,
// relative to the source's landing folder: run-000017.parquet sorts in
// run order.
func LandedFile(object string, runID int) string {
	return filepath.Join(filepath.FromSlash(object), runName(runID)+".parquet")
}

// LandedJSONLines is the file run runID lands an object pulled from an
// API in, as JSON lines (one object as the API sent it per line), relative
// to the source's landing folder: <object>/run-000017.jsonl.
func LandedJSONLines(object string, runID int) string {
	return filepath.Join(filepath.FromSlash(object), runName(runID)+".jsonl")
}

// Cursors is the file where a pulled source keeps its cursors: where the
// last pull of each of its tables stopped.
func (d Dir) Cursors(source string) string { return d.Path("cursors", source+".json") }
