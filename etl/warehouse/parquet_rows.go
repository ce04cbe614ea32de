//go:build !duckdb_arrow

package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// parquetBatch is how many rows go into one record batch.
const parquetBatch = 8192

// writeParquet scans q's rows through database/sql into Arrow record
// batches: booleans, integers, floats, decimals, dates, timestamps and
// blobs keep their types; any other column is written as its text.
func writeParquet(ctx context.Context, conn *sql.Conn, q string, w io.Writer, maxRows int64, args ...any) (int64, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	fields := make([]arrow.Field, len(types))
	for i, t := range types {
		fields[i] = arrow.Field{Name: t.Name(), Type: arrowType(t.DatabaseTypeName()), Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, writerProps(), pqarrow.DefaultWriterProps())
	if err != nil {
		return 0, fmt.Errorf("parquet writer: %w", err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		return fw.WriteBuffered(rec)
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var written, pending int64
	for rows.Next() && (maxRows == 0 || written < maxRows) {
		if err := rows.Scan(ptrs...); err != nil {
			fw.Close()
			return written, err
		}
		for i, v := range vals {
			if err := appendValue(b.Field(i), v, types[i].DatabaseTypeName()); err != nil {
				fw.Close()
				return written, fmt.Errorf("column %s: %w", types[i].Name(), err)
			}
		}
		written++
		if pending++; pending == parquetBatch {
			if err := flush(); err != nil {
				fw.Close()
				return written, fmt.Errorf("write parquet: %w", err)
			}
			pending = 0
		}
	}
	if err := rows.Err(); err != nil {
		fw.Close()
		return written, err
	}
	if pending > 0 {
		if err := flush(); err != nil {
			fw.Close()
			return written, fmt.Errorf("write parquet: %w", err)
		}
	}
	return written, fw.Close()
}

var decimalRe = regexp.MustCompile(`^DECIMAL\((\d+),(\d+)\)$`)

// arrowType is the Arrow type a DuckDB column is written as.
func arrowType(duck string) arrow.DataType {
	switch duck {
	case "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT":
		return arrow.PrimitiveTypes.Int64
	case "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT":
		return arrow.PrimitiveTypes.Uint64
	case "FLOAT", "DOUBLE":
		return arrow.PrimitiveTypes.Float64
	case "DATE":
		return arrow.FixedWidthTypes.Date32
	case "TIMESTAMP":
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case "BLOB":
		return arrow.BinaryTypes.Binary
	}
	if m := decimalRe.FindStringSubmatch(duck); m != nil {
		p, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}
	}
	return arrow.BinaryTypes.String
}

// appendValue appends one scanned value to its column's builder.
func appendValue(b array.Builder, v any, duck string) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.Int64Builder:
		n, err := toInt64(v)
		if err != nil {
			return err
		}
		b.Append(n)
	case *array.Uint64Builder:
		n, err := toInt64(v)
		if err != nil {
			return err
		}
		b.Append(uint64(n))
	case *array.Float64Builder:
		switch x := v.(type) {
		case float64:
			b.Append(x)
		case float32:
			b.Append(float64(x))
		default:
			return fmt.Errorf("unexpected %T", v)
		}
	case *array.Date32Builder:
		b.Append(arrow.Date32FromTime(v.(time.Time)))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.(time.Time).UnixMicro()))
	case *array.BinaryBuilder:
		b.Append(v.([]byte))
	case *array.Decimal128Builder:
		d, ok := v.(duckdb.Decimal)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		b.Append(decimal128.FromBigInt(d.Value))
	case *array.StringBuilder:
		b.Append(Format(v, duck))
	default:
		return fmt.Errorf("no builder for %s", duck)
	}
	return nil
}

func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return int64(x), nil
	}
	return 0, fmt.Errorf("unexpected %T", v)
}
