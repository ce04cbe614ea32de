package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Sandbox opens a published warehouse for queries written by people: read
// only, no file system access (no read_csv('/etc/passwd'), COPY, ATTACH,
// INSTALL or LOAD), configuration locked so none of that can be switched
// back on. Statement timeouts and row caps are the caller's, through ctx and
// by reading no more rows than it wants.
func Sandbox(ctx context.Context, path string, s Settings) (*sql.DB, error) {
	q := url.Values{
		"access_mode":                  {"read_only"},
		"enable_external_access":       {"false"},
		"autoinstall_known_extensions": {"false"},
		"autoload_known_extensions":    {"false"},
		"allow_community_extensions":   {"false"},
	}
	if s.Threads > 0 {
		q.Set("threads", strconv.Itoa(s.Threads))
	}
	if s.MemoryLimit != "" {
		q.Set("memory_limit", s.MemoryLimit)
	}
	var once sync.Once
	var initErr error
	return connect(ctx, path, path+"?"+q.Encode(), func(execer driver.ExecerContext) error {
		// Settings are global; the first connection sets them and locks
		// them. A second Sandbox on the same file in this process shares
		// the database instance, which is then already locked.
		once.Do(func() {
			var locked bool
			row := execer.(driver.QueryerContext)
			if rows, err := row.QueryContext(ctx, "SELECT current_setting('lock_configuration')", nil); err == nil {
				dest := []driver.Value{nil}
				if rows.Next(dest) == nil {
					locked, _ = dest[0].(bool)
				}
				rows.Close()
			}
			if locked {
				return
			}
			for _, stmt := range []string{
				"SET GLOBAL TimeZone = 'UTC'",
				"SET lock_configuration = true",
			} {
				if _, err := execer.ExecContext(ctx, stmt, nil); err != nil {
					initErr = fmt.Errorf("%s: %w", stmt, err)
					return
				}
			}
		})
		return initErr
	})
}

// Refusal turns DuckDB's error for a statement the sandbox refused into a
// sentence for the person who wrote it, or returns "" when err is not one.
func Refusal(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "disabled by configuration"), strings.Contains(msg, "disabled through configuration"):
		return "refused: queries here cannot read or write files, attach databases or load extensions"
	case strings.Contains(msg, "configuration has been locked"):
		return "refused: settings cannot be changed here"
	case strings.Contains(msg, "read-only mode"):
		return "refused: the warehouse is read-only here"
	}
	return ""
}
