package dashboard

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// auditLog appends one JSON line per statement run from the SQL page or
// exported from it: who, when, what, how many rows, how long, and the
// error if it failed. Admins read it with any JSON tool; it is never served.
type auditLog struct {
	path   string
	logger *slog.Logger
	mu     sync.Mutex
}

// auditEntry is one line of the audit log.
type auditEntry struct {
	Time      time.Time `json:"time"`
	User      string    `json:"user"`
	Client    string    `json:"client"`
	Action    string    `json:"action"` // query, export csv, export parquet
	Statement string    `json:"statement"`
	Rows      int64     `json:"rows"`
	Millis    int64     `json:"duration_ms"`
	Error     string    `json:"error,omitempty"`
}

// auditStatementMax bounds the statement text kept per line.
const auditStatementMax = 20000

func (a *auditLog) write(e auditEntry) {
	if len(e.Statement) > auditStatementMax {
		e.Statement = e.Statement[:auditStatementMax] + fmt.Sprintf("… (%d bytes in all)", len(e.Statement))
	}
	a.logger.Info("sql statement", "user", e.User, "client", e.Client, "action", e.Action, "rows", e.Rows, "duration_ms", e.Millis, "error", e.Error)
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.append(append(b, '\n')); err != nil {
		a.logger.Error("write the SQL audit log", "path", a.path, "err", err)
	}
}

func (a *auditLog) append(line []byte) error {
	if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
