package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// WriteParquet runs q on db and streams its result to w as zstd Parquet
// through DuckDB's Arrow interface, stopping after maxRows rows (0 = all).
// It needs no file system access, so it works on the sandbox. It returns
// the number of rows written. (Build with -tags duckdb_arrow.)
func WriteParquet(ctx context.Context, db *sql.DB, q string, w io.Writer, maxRows int64, args ...any) (int64, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	return writeParquet(ctx, conn, q, w, maxRows, args...)
}

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
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
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
