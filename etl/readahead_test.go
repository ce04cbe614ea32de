package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/internal/fixture"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestReadAhead reads the files of accounts (two, one unreadable), deals
// and tickets through the read-ahead, with a reader connection and
// without one: each entity gets its own files' rows, in order, numbered in
// contract order, and an unreadable file is passed over, not the entity.
// With a reader, the next entity with files is read ahead as soon as one
// entity's reads are taken, skipping entities without files; with none,
// nothing is read ahead. A file read before is planned as unchanged.
func TestReadAhead(t *testing.T) {
	src := t.TempDir()
	files := []struct{ entity, name, content string }{
		{"accounts", "accounts/a.csv", "account_id,account_name,segment\nACC-1,One,smb\nACC-2,Two,smb\n"},
		{"accounts", "accounts/b.csv", "account_id,account_id\nACC-3,ACC-3\n"}, // a column twice: unreadable
		{"accounts", "accounts/c.csv", "account_id,account_name,segment\nACC-4,Four,smb\n"},
		{"deals", "deals.csv", "deal_id,account_id\nD-1,ACC-1\nD-2,ACC-2\nD-3,ACC-4\n"},
		{"tickets", "tickets.csv", "ticket_id\nT-1\n"},
		{"reps", "reps.csv", "rep_id\nR-1\n"}, // read before: not read again
	}
	var source []SourceFile
	for _, f := range files {
		path := filepath.Join(src, f.name)
		fixture.WriteFile(t, path, f.content)
		source = append(source, SourceFile{Entity: f.entity, Path: f.name, Format: "csv", SHA256: f.name, abs: path})
	}
	index := func(name string) int {
		return slices.IndexFunc(contract.Entities, func(e contract.Entity) bool { return e.Name == name })
	}
	for _, withReader := range []bool{true, false} {
		t.Run(map[bool]string{true: "Reader", false: "InTurn"}[withReader], func(t *testing.T) {
			ctx := context.Background()
			conns := buildConns(t)
			// DuckDB's profile of the last statement on the reader's
			// connection says whether it read.
			profile := filepath.Join(t.TempDir(), "reader.json")
			for _, q := range []string{"PRAGMA enable_profiling = 'json'", "PRAGMA profiling_output = '" + profile + "'"} {
				if _, err := conns[1].ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			b := &build{opts: Options{Logger: slog.New(slog.DiscardHandler)}, conn: conns[0], seq: 5}
			if withReader {
				b.reader = conns[1]
			}
			defer b.removeTexts()
			seen := readBefore{sums: map[string]earlier{"reps/reps.csv": {where: "reps.csv (run 1)", run: 1}}}
			plans := b.planLoads(source, seen)
			if got := plans[index("reps")]; len(got.read) != 0 || len(got.unchanged) != 1 {
				t.Errorf("reps: %d to read, %d unchanged; want 0 and 1", len(got.read), len(got.unchanged))
			}
			a := b.readAhead(ctx, plans)
			defer a.stop()
			want := map[string]struct {
				seqs []int
				rows []int64
			}{
				"accounts": {[]int{6, 7, 8}, []int64{2, -1, 1}},
				"deals":    {[]int{9}, []int64{3}},
				"tickets":  {[]int{10}, []int64{1}},
			}
			for i, e := range contract.Entities {
				reads := a.next(i)
				var seqs []int
				var rows []int64
				for _, rd := range reads {
					if rd.textErr != nil {
						t.Fatalf("%s: %v", rd.file.Path, rd.textErr)
					}
					if rd.took <= 0 {
						t.Errorf("%s: read in %v", rd.file.Path, rd.took)
					}
					var unreadable *errUnreadable
					switch {
					case errors.As(rd.err, &unreadable):
						seqs, rows = append(seqs, plans[i].read[len(seqs)].seq), append(rows, -1)
						continue
					case rd.err != nil:
						t.Fatalf("%s: %v", rd.file.Path, rd.err)
					}
					var n int64
					if err := b.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rd.raw.ref()).Scan(&n); err != nil {
						t.Fatal(err)
					}
					if n != rd.raw.rows {
						t.Errorf("%s: %d rows in its table, %d counted", rd.file.Path, n, rd.raw.rows)
					}
					seqs, rows = append(seqs, rd.raw.seq), append(rows, n)
				}
				w := want[e.Name]
				if !slices.Equal(seqs, w.seqs) || !slices.Equal(rows, w.rows) {
					t.Errorf("%s: files %v with rows %v; want %v with %v", e.Name, seqs, rows, w.seqs, w.rows)
				}
				// What is read ahead once entity i's reads are taken.
				ahead := -1
				if withReader {
					for j := i + 1; j < len(plans); j++ {
						if len(plans[j].read) > 0 {
							ahead = j
							break
						}
					}
				}
				if a.pending != ahead {
					t.Errorf("after %s, reading ahead entity %d; want %d", e.Name, a.pending, ahead)
				}
			}
			last, _ := os.ReadFile(profile)
			if read := strings.Contains(string(last), `raw_10`); read != withReader {
				t.Errorf("tickets (raw_10) read on the reader's connection: %v, want %v", read, withReader)
			}
		})
	}
}

// TestReadAheadStop stops the read-ahead while it reads: stop returns once
// the read under way has ended, so the reader's connection is free.
func TestReadAheadStop(t *testing.T) {
	src := t.TempDir()
	var files []SourceFile
	for i := range 40 {
		name := fmt.Sprintf("deals/%02d.csv", i)
		path := filepath.Join(src, name)
		fixture.WriteFile(t, path, fmt.Sprintf("deal_id,account_id\nD-%d,ACC-1\n", i))
		files = append(files, SourceFile{Entity: "deals", Path: name, Format: "csv", SHA256: name, abs: path})
	}
	ctx := context.Background()
	conns := buildConns(t)
	b := &build{opts: Options{Logger: slog.New(slog.DiscardHandler)}, conn: conns[0], reader: conns[1]}
	defer b.removeTexts()
	a := b.readAhead(ctx, b.planLoads(files, readBefore{sums: map[string]earlier{}}))
	a.next(0) // accounts: no files; the deals are read ahead
	done := a.done
	if a.pending < 0 {
		t.Fatal("nothing read ahead")
	}
	a.stop()
	if a.pending != -1 {
		t.Errorf("after stop, entity %d still pending", a.pending)
	}
	select {
	case <-done:
		t.Error("a read ended after stop returned")
	case <-time.After(300 * time.Millisecond):
	}
}

// buildConns opens a database file with two connections, the build's
// (with database wh.Texts attached) and the reader's, closed with the test.
func buildConns(t *testing.T) [2]*sql.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := wh.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), wh.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var conns [2]*sql.Conn
	for i := range conns {
		if conns[i], err = db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conns[i].Close() })
	}
	if err := wh.AttachTexts(ctx, conns[0]); err != nil {
		t.Fatal(err)
	}
	return conns
}
