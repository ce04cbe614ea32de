package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Settings bound what one DuckDB database may use.
type Settings struct {
	Threads     int    // 0 = DuckDB's default (all cores)
	MemoryLimit string // e.g. "2GB"; empty = DuckDB's default (80% of RAM)
	TempDir     string // where DuckDB spills; empty = next to the database
	// ModelBuilds is how many models an ETL run builds at once, each on a
	// connection of its own; 0 = DefaultModelBuilds. One model at a time
	// keeps a tight MemoryLimit for one model's work.
	ModelBuilds int
}

// DefaultModelBuilds is how many models a run builds at once by default:
// two keep a small machine's cores busy where one model's statements
// alone would not (docs/benchmarks.md, eighth measurement).
const DefaultModelBuilds = 2

// Open opens (creating if absent) a DuckDB database read-write.
func Open(ctx context.Context, path string, s Settings) (*sql.DB, error) {
	return open(ctx, path, s, nil)
}

// OpenReadOnly opens an existing DuckDB database read-only.
func OpenReadOnly(ctx context.Context, path string, s Settings) (*sql.DB, error) {
	return open(ctx, path, s, url.Values{"access_mode": {"read_only"}})
}

func open(ctx context.Context, path string, s Settings, extra url.Values) (*sql.DB, error) {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if s.Threads > 0 {
		q.Set("threads", strconv.Itoa(s.Threads))
	}
	if s.MemoryLimit != "" {
		q.Set("memory_limit", s.MemoryLimit)
	}
	if s.TempDir != "" {
		q.Set("temp_directory", s.TempDir)
	}
	// Precedent never downloads: extensions that are not built in stay absent.
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	dsn := path
	if len(q) > 0 {
		dsn += "?" + q.Encode()
	}
	return connect(ctx, path, dsn, func(execer driver.ExecerContext) error {
		// Timestamps without a zone are UTC, on every machine.
		_, err := execer.ExecContext(ctx, "SET TimeZone = 'UTC'", nil)
		return err
	})
}

// connect opens a database with init run on each new connection, and
// checks it answers.
func connect(ctx context.Context, path, dsn string, init func(driver.ExecerContext) error) (*sql.DB, error) {
	c, err := duckdb.NewConnector(dsn, init)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := sql.OpenDB(c)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}
