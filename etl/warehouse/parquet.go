package warehouse

import (
	"context"
	"database/sql"
	"io"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// WriteParquet runs q on db and streams its result to w as zstd Parquet,
// stopping after maxRows rows (0 = all). It needs no file system access,
// so it works on the sandbox. It returns the number of rows written.
//
// Built with the tag duckdb_arrow (the Makefile's default), the rows come
// through DuckDB's Arrow interface and keep every type, nested ones
// included (parquet_arrow.go); a plain go build scans them through
// database/sql and writes scalar types as themselves and any other as its
// text (parquet_rows.go).
func WriteParquet(ctx context.Context, db *sql.DB, q string, w io.Writer, maxRows int64, args ...any) (int64, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	return writeParquet(ctx, conn, q, w, maxRows, args...)
}

// writerProps are the Parquet writer's properties: zstd, as the lake.
func writerProps() *parquet.WriterProperties {
	return parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
}
