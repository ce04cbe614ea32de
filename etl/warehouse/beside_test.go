package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// TestBeside checks that work given to a Beside runs in order, sees every
// table the caller committed before handing it over, stops at the first
// error and reports it; on a connection of its own and in turn alike.
func TestBeside(t *testing.T) {
	ctx := context.Background()
	for _, own := range []bool{true, false} {
		t.Run(fmt.Sprintf("OwnConnection=%v", own), func(t *testing.T) {
			db, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), Settings{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var side *sql.Conn
			if own {
				if side, err = db.Conn(ctx); err != nil {
					t.Fatal(err)
				}
				defer side.Close()
			}
			b := NewBeside(ctx, conn, side)
			var seen []int64
			boom := errors.New("boom")
			for i := 1; i <= 5; i++ {
				if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE TABLE t%d AS SELECT range AS x FROM range(%d)", i, i*1000)); err != nil {
					t.Fatal(err)
				}
				b.Do(ctx, func(ctx context.Context, c *sql.Conn) error {
					if i == 4 {
						return boom
					}
					var n int64
					if err := c.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM t%d", i)).Scan(&n); err != nil {
						return err
					}
					seen = append(seen, n)
					return nil
				})
			}
			if err := b.Wait(); !errors.Is(err, boom) {
				t.Errorf("Wait = %v, want the first error", err)
			}
			if want := []int64{1000, 2000, 3000}; !slices.Equal(seen, want) {
				t.Errorf("work saw %v, want %v: in order, each table whole, nothing after the error", seen, want)
			}
		})
	}
}
