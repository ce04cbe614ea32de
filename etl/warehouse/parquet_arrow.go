//go:build duckdb_arrow

package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// writeParquet streams q's result through DuckDB's Arrow interface.
func writeParquet(ctx context.Context, conn *sql.Conn, q string, w io.Writer, maxRows int64, args ...any) (int64, error) {
	var written int64
	err := conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rr.Release()
		props := writerProps()
		// The writer closes what it writes to when it is an io.Closer;
		// the caller's file stays the caller's to close.
		fw, err := pqarrow.NewFileWriter(rr.Schema(), struct{ io.Writer }{w}, props, pqarrow.DefaultWriterProps())
		if err != nil {
			return fmt.Errorf("parquet writer: %w", err)
		}
		for rr.Next() {
			rec := rr.RecordBatch()
			if maxRows > 0 && written+rec.NumRows() > maxRows {
				rec = rec.NewSlice(0, maxRows-written)
				defer rec.Release()
			}
			if err := fw.WriteBuffered(rec); err != nil {
				fw.Close()
				return fmt.Errorf("write parquet: %w", err)
			}
			written += rec.NumRows()
			if maxRows > 0 && written >= maxRows {
				break
			}
		}
		if err := rr.Err(); err != nil {
			fw.Close()
			return err
		}
		return fw.Close()
	})
	return written, err
}
