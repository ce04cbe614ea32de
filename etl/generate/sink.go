package generate

import (
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// batchRows is the number of rows buffered before a record batch is flushed
// to the Parquet file as one row group.
const batchRows = 1 << 16

// sink streams the rows of one entity into a zstd Parquet file, one record
// batch (and row group) per batchRows rows. Rows are appended one cell at a
// time, in contract column order, through the methods of row.
type sink struct {
	entity string
	path   string
	file   *os.File
	fw     *pqarrow.FileWriter
	rb     *array.RecordBuilder
	cols   int
	rows   int
	buffer int
	col    int
}

// newSink creates the Parquet file for entity at path.
func newSink(entity, path string) (*sink, error) {
	schema, err := schemaFor(entity)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", entity, err)
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(batchRows),
		parquet.WithCreatedBy("precedent generate"),
	)
	fw, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.NewArrowWriterProperties())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open parquet writer for %s: %w", entity, err)
	}
	return &sink{
		entity: entity, path: path, file: f, fw: fw,
		rb:   array.NewRecordBuilder(memory.DefaultAllocator, schema),
		cols: len(schema.Fields()),
	}, nil
}

// end finishes the current row, checks it had every column and flushes a
// full batch.
func (s *sink) end() error {
	if s.col != s.cols {
		panic(fmt.Sprintf("%s: row has %d columns, want %d", s.entity, s.col, s.cols))
	}
	s.col = 0
	s.rows++
	s.buffer++
	if s.buffer >= batchRows {
		return s.flush()
	}
	return nil
}

// flush writes the buffered rows as one record batch.
func (s *sink) flush() error {
	if s.buffer == 0 {
		return nil
	}
	rec := s.rb.NewRecordBatch()
	defer rec.Release()
	s.buffer = 0
	if err := s.fw.Write(rec); err != nil {
		return fmt.Errorf("write %s: %w", s.entity, err)
	}
	return nil
}

// close flushes the last batch and closes the file.
func (s *sink) close() error {
	defer s.rb.Release()
	if err := s.flush(); err != nil {
		s.fw.Close()
		return err
	}
	if err := s.fw.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.entity, err)
	}
	return nil
}

// abort closes the file after an error, ignoring further errors.
func (s *sink) abort() {
	s.rb.Release()
	s.fw.Close()
}

func (s *sink) next() array.Builder {
	b := s.rb.Field(s.col)
	s.col++
	return b
}

// str appends a string cell; the empty string is written as null.
func (s *sink) str(v string) {
	b := s.next().(*array.StringBuilder)
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}

// date appends a date cell; noDay is written as null.
func (s *sink) date(d day) {
	b := s.next().(*array.Date32Builder)
	if d == noDay {
		b.AppendNull()
		return
	}
	b.Append(arrow.Date32(d))
}

// ts appends a timestamp given in microseconds, truncated to the second so
// that every output format carries the same value; a negative value is
// written as null.
func (s *sink) ts(us int64) {
	b := s.next().(*array.TimestampBuilder)
	if us < 0 {
		b.AppendNull()
		return
	}
	b.Append(arrow.Timestamp(us - us%1e6))
}

// dec appends a decimal cell from its unscaled value (cents for money,
// ten-thousandths for prices and quantities).
func (s *sink) dec(unscaled int64) {
	s.next().(*array.Decimal128Builder).Append(decimal128.FromI64(unscaled))
}

// int32 appends an integer cell.
func (s *sink) int32(v int) { s.next().(*array.Int32Builder).Append(int32(v)) }

// bool appends a boolean cell.
func (s *sink) bool(v bool) { s.next().(*array.BooleanBuilder).Append(v) }
