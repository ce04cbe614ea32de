package etl

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// rawFile is one source file read into a table of text values: _file (the
// file's sequence number), _row (its data row number, from 1) and one
// VARCHAR per contract column, null where the file lacks the column.
type rawFile struct {
	table   string
	db      string // the database of table: wh.Texts, or temp for a vendor set's
	file    SourceFile
	text    decodedText // the file's text as UTF-8 (CSV and JSON lines)
	seq     int
	rows    int64         // rows in table
	rejects []quarantined // rows too malformed to read, quarantined one by one
	missing []string      // required columns the file lacks: the file is rejected
	extra   []string      // columns the contract does not know, ignored
	// match names the column a header holds; nil matches contract columns
	// case-insensitively. Vendor files match their object's fields.
	match func(header string) (string, bool)
}

// errUnreadable marks a file that cannot be read at all.
type errUnreadable struct {
	path   string
	reason string
}

func (e *errUnreadable) Error() string { return e.path + ": " + e.reason }

// unreadable is the error of DuckDB failing to read the file at path:
// the file's fault, passed over as unreadable, unless the machine or the
// run failed (out of memory, interrupted, DuckDB's fatal error, the run
// cancelled), which stops the run rather than leave the file out.
func unreadable(ctx context.Context, path string, err error) error {
	var de *duckdb.Error
	if ctx.Err() != nil || errors.As(err, &de) && slices.Contains([]duckdb.ErrorType{duckdb.ErrorTypeOutOfMemory, duckdb.ErrorTypeInterrupt, duckdb.ErrorTypeFatal}, de.Type) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return &errUnreadable{path, wh.Message(err)}
}

// readFile reads one source file of entity e, whose text is t, into a
// table of the build's text database (wh.Texts), which every connection of
// the build sees.
func readFile(ctx context.Context, conn *sql.Conn, e *contract.Entity, f SourceFile, t decodedText, seq int) (*rawFile, error) {
	r := &rawFile{table: fmt.Sprintf("raw_%d", seq), db: wh.Texts, file: f, text: t, seq: seq}
	return r, r.read(ctx, conn, e)
}

// ref is r's table in SQL, qualified by its database.
func (r *rawFile) ref() string { return r.db + "." + wh.Ident(r.table) }

// create begins the statement that creates r's table.
func (r *rawFile) create() string {
	if r.db == "temp" {
		return "CREATE TEMP TABLE " + wh.Ident(r.table)
	}
	return "CREATE TABLE " + r.ref()
}

// mayHoldNUL says a value of r may hold a NUL byte: anything but a CSV
// file seen to hold none (decodedText.noNUL).
func (r *rawFile) mayHoldNUL() bool { return r.file.Format != "csv" || !r.text.noNUL }

// read reads the file into r's table.
func (r *rawFile) read(ctx context.Context, conn *sql.Conn, e *contract.Entity) error {
	f := r.file
	var err error
	switch f.Format {
	case "csv":
		err = r.readCSV(ctx, conn, e)
	case "parquet":
		err = r.readParquet(ctx, conn, e)
	case "jsonl", "json":
		if r.text.problem != "" {
			return &errUnreadable{f.Path, r.text.problem}
		}
		err = r.readJSONL(ctx, conn, e)
	default:
		err = &errUnreadable{f.Path, "unsupported format " + f.Format}
	}
	if err != nil {
		return err
	}
	if r.text.bad > 0 {
		if err := r.rejectUndecodable(ctx, conn, e); err != nil {
			return err
		}
	}
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+r.ref()).Scan(&r.rows); err != nil {
		return fmt.Errorf("count %s: %w", f.Path, err)
	}
	return nil
}

// mapColumns matches a file's column names to the entity's columns, case-
// insensitively. It returns, per contract column, the indexes of the file
// columns holding it (none when absent). Only JSON lines may spell one
// column several ways (each line is its own object); in a header that is an
// error.
func (r *rawFile) mapColumns(e *contract.Entity, names []string, manySpellings bool) ([][]int, error) {
	at := map[string][]int{}
	for i, n := range names {
		key := strings.ToLower(strings.TrimSpace(n))
		_, ok := e.Column(key)
		if r.match != nil {
			key, ok = r.match(n)
		}
		if !ok {
			r.extra = append(r.extra, n)
			continue
		}
		if prev := at[key]; len(prev) > 0 && !manySpellings {
			return nil, &errUnreadable{r.file.Path, fmt.Sprintf("column %q appears twice (columns %d and %d)", key, prev[0]+1, i+1)}
		}
		at[key] = append(at[key], i)
	}
	idx := make([][]int, len(e.Columns))
	for i, c := range e.Columns {
		idx[i] = at[c.Name]
		if len(idx[i]) == 0 && c.Required {
			r.missing = append(r.missing, c.Name)
		}
	}
	return idx, nil
}

// projection selects the contract's columns from expressions of the file's
// columns; value(j) gives the text expression of file column j.
func (r *rawFile) projection(e *contract.Entity, idx [][]int, value func(j int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d AS _file", r.seq)
	for i, c := range e.Columns {
		b.WriteString(", ")
		switch len(idx[i]) {
		case 0:
			b.WriteString("NULL::VARCHAR")
		case 1:
			b.WriteString(value(idx[i][0]))
		default:
			var alts []string
			for _, j := range idx[i] {
				alts = append(alts, value(j))
			}
			b.WriteString("coalesce(" + strings.Join(alts, ", ") + ")")
		}
		b.WriteString(" AS " + wh.Ident(c.Name))
	}
	return b.String()
}

func (r *rawFile) readCSV(ctx context.Context, conn *sql.Conn, e *contract.Entity) error {
	header, err := csvHeader(r.text.path)
	if err != nil {
		return &errUnreadable{r.file.Path, err.Error()}
	}
	idx, err := r.mapColumns(e, header, false)
	if err != nil {
		return err
	}
	var cols strings.Builder
	for i := range header {
		if i > 0 {
			cols.WriteString(", ")
		}
		fmt.Fprintf(&cols, "'c%d': 'VARCHAR'", i)
	}
	rej, scan := "rej_"+r.table, "rejscan_"+r.table
	// DuckDB's read buffer is 16 times max_line_size unless set: 256 MB
	// for every file, counted against memory_limit, so that a tight limit
	// failed even on a small file. Twice the line size holds any line.
	q := fmt.Sprintf(`%s AS
SELECT row_number() OVER () AS _row, %s
FROM read_csv(?, columns = {%s}, header = true, delim = ',', quote = '"', escape = '"',
  auto_detect = false, store_rejects = true, rejects_table = %s, rejects_scan = %s,
  max_line_size = 16777216, buffer_size = 33554432, hive_partitioning = false)`,
		r.create(), r.projection(e, idx, func(j int) string { return fmt.Sprintf("c%d", j) }),
		cols.String(), wh.Literal(rej), wh.Literal(scan))
	if _, err := conn.ExecContext(ctx, q, r.text.path); err != nil {
		return unreadable(ctx, r.file.Path, err)
	}
	return r.collectCSVRejects(ctx, conn, r.fieldNames(e, header, idx), rej, scan)
}

// fieldNames names each column of a CSV file for its quarantined rows: the
// contract column it holds, else the file's own name for it (a column the
// contract does not know). A vendor file's columns keep the file's names,
// as its other quarantined rows name them.
func (r *rawFile) fieldNames(e *contract.Entity, header []string, idx [][]int) []string {
	names := make([]string, len(header))
	for j, h := range header {
		names[j] = strings.TrimSpace(h)
	}
	if r.match != nil {
		return names
	}
	for i, c := range e.Columns {
		for _, j := range idx[i] {
			names[j] = c.Name
		}
	}
	return names
}

// collectCSVRejects turns the rows DuckDB's CSV reader rejected into
// quarantine entries and renumbers the rows it kept to their true positions.
// fields names the file's columns, which the reader knows as c0, c1, ...;
// the reader names none for a row with more values than the header.
func (r *rawFile) collectCSVRejects(ctx context.Context, conn *sql.Conn, fields []string, rej, scan string) error {
	defer conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+wh.Ident(rej)+"; DROP TABLE IF EXISTS "+wh.Ident(scan))
	rows, err := conn.QueryContext(ctx, `SELECT line, coalesce(column_name, ''), error_type, error_message, coalesce(csv_line, '')
FROM `+wh.Ident(rej)+` ORDER BY line, column_idx`)
	if err != nil {
		return fmt.Errorf("read rejects of %s: %w", r.file.Path, err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	var lines []int64
	for rows.Next() {
		var q quarantined
		var typ, msg, line string
		var column string
		if err := rows.Scan(&q.Row, &column, &typ, &msg, &line); err != nil {
			return fmt.Errorf("read rejects of %s: %w", r.file.Path, err)
		}
		if seen[q.Row] {
			continue
		}
		seen[q.Row] = true
		lines = append(lines, q.Row)
		if j, err := strconv.Atoi(strings.TrimPrefix(column, "c")); err == nil && j >= 0 && j < len(fields) {
			q.Column = fields[j]
		}
		q.Reason = "malformed CSV row: " + strings.ToLower(typ) + ": " + wh.Message(errors.New(msg))
		q.Raw = strings.Trim(line, "\r\n") // the reader's line holds blank lines before the row
		r.rejects = append(r.rejects, q)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rejects of %s: %w", r.file.Path, err)
	}
	if len(r.rejects) == 0 {
		return nil
	}
	// The reader's record numbers count the header and blank lines,
	// which it skips and the kept rows' numbers do not.
	blanks, err := blankRecords(r.text.path, lines)
	if err != nil {
		return fmt.Errorf("number rejected rows of %s: %w", r.file.Path, err)
	}
	for i := range r.rejects {
		r.rejects[i].Row -= 1 + blanks[i]
	}
	// The reader numbers only the rows it kept; shift each past the
	// rejected rows before it. With rejected rows R1 < R2 < ..., kept row k
	// is at k + #{j : Rj - j < k}.
	var list []string
	for i, q := range r.rejects {
		list = append(list, fmt.Sprintf("%d", q.Row-int64(i+1)))
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET _row = _row + (
  SELECT count(*) FROM unnest([%s]) AS g(gap) WHERE g.gap < %s._row)`,
		r.ref(), strings.Join(list, ","), r.ref()))
	if err != nil {
		return fmt.Errorf("renumber rows of %s: %w", r.file.Path, err)
	}
	return nil
}

// blankRecords counts, for each of the ascending record numbers the CSV
// reader gives rejected rows (the header is record 1; a blank line is a
// record of its own, a quoted value spanning lines is in one), the blank
// lines before it. It reads records as the reader does: a line ends at
// LF, CRLF or a lone CR; a quote opens a value only at its start (after
// any spaces), and a doubled quote inside is one. Past the end of the
// text it keeps the count so far.
func blankRecords(path string, lines []int64) ([]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	out := make([]int64, len(lines))
	record, blanks := int64(1), int64(0)
	start, quoted, empty := true, false, true // start: at a value's start
	for i, line := range lines {
		for record < line {
			c, err := br.ReadByte()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			switch {
			case quoted && c == '"':
				if next, _ := br.Peek(1); len(next) == 1 && next[0] == '"' {
					br.ReadByte()
				} else {
					quoted = false
				}
			case quoted:
			case c == '\n' || c == '\r':
				if next, _ := br.Peek(1); c == '\r' && len(next) == 1 && next[0] == '\n' {
					br.ReadByte()
				}
				if empty {
					blanks++
				}
				record++
				start, empty = true, true
				continue
			case c == '"' && start:
				quoted = true
			}
			empty = false
			start = c == ',' || start && c == ' '
		}
		out[i] = blanks
	}
	return out, nil
}

// csvHeader reads the header record of a CSV file's UTF-8 text.
func csvHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	rec, err := csv.NewReader(br).Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the header row: %v", err)
	}
	for _, h := range rec {
		if b, ok := escapedBytes(h); ok {
			return nil, fmt.Errorf("the header row cannot be decoded (bytes %s are neither UTF-8 nor Windows-1252)", b)
		}
	}
	return rec, nil
}

// plainHeader reads the header row of the CSV file at path when its first
// line is printable ASCII: such bytes read the same in every encoding the
// loader accepts (UTF-8, Windows-1252, Latin-1; a UTF-16 file starts with
// its byte-order mark), so the header is known without decoding the whole
// file, which means reading every row of a file that is only looked at.
// ok is false otherwise (a quoted header spanning lines among them): the
// caller decodes the file and reads its header with csvHeader.
func plainHeader(path string) (rec []string, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	line, err := br.ReadSlice('\n')
	if err != nil && !errors.Is(err, io.EOF) || len(bytes.TrimSpace(line)) == 0 {
		return nil, false
	}
	for _, c := range line {
		if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\r' && c != '\n' {
			return nil, false
		}
	}
	rec, err = csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		return nil, false
	}
	return rec, true
}

// readParquet reads one Parquet file as it is, whatever its path: DuckDB
// would otherwise take a folder named key=value on the path (region=EMEA,
// date=2026-01-31) for a Hive partition and overwrite the file's column of
// that name with the folder's value.
const readParquet = "read_parquet(?, hive_partitioning = false)"

func (r *rawFile) readParquet(ctx context.Context, conn *sql.Conn, e *contract.Entity) error {
	rows, err := conn.QueryContext(ctx, "DESCRIBE SELECT * FROM "+readParquet, r.file.abs)
	if err != nil {
		return unreadable(ctx, r.file.Path, err)
	}
	var names, types []string
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			rows.Close()
			return fmt.Errorf("describe %s: %w", r.file.Path, err)
		}
		names, types = append(names, name), append(types, typ)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return unreadable(ctx, r.file.Path, err)
	}
	idx, err := r.mapColumns(e, names, false)
	if err != nil {
		return err
	}
	byFileCol := map[int]contract.Column{}
	for i, js := range idx {
		for _, j := range js {
			byFileCol[j] = e.Columns[i]
		}
	}
	value := func(j int) string {
		col := wh.Ident(names[j])
		// A date column stored as a timestamp keeps only its date.
		if byFileCol[j].Type == contract.Date && strings.HasPrefix(types[j], "TIMESTAMP") {
			return "strftime(CAST(" + col + " AS DATE), '%Y-%m-%d')"
		}
		// Text stored as bytes without the UTF-8 annotation (Impala, older
		// Spark, pyarrow's binary) is read as its UTF-8 text; a cast
		// would escape every byte past ASCII (Caf\xC3\xA9). Bytes that are
		// no UTF-8 keep that escaped form.
		if types[j] == "BLOB" {
			return "coalesce(try(decode(" + col + ")), CAST(" + col + " AS VARCHAR))"
		}
		return "CAST(" + col + " AS VARCHAR)"
	}
	q := fmt.Sprintf("%s AS SELECT file_row_number + 1 AS _row, %s FROM read_parquet(?, file_row_number = true, hive_partitioning = false)",
		r.create(), r.projection(e, idx, value))
	if _, err := conn.ExecContext(ctx, q, r.file.abs); err != nil {
		return unreadable(ctx, r.file.Path, err)
	}
	return nil
}

func (r *rawFile) readJSONL(ctx context.Context, conn *sql.Conn, e *contract.Entity) error {
	lines := "jl_" + r.table
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+wh.Ident(lines)+" (_row BIGINT, line VARCHAR)"); err != nil {
		return fmt.Errorf("read %s: %w", r.file.Path, err)
	}
	defer conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+wh.Ident(lines))
	if err := appendLines(conn, lines, r.file.Path, r.text.path); err != nil {
		return err
	}
	keys, err := jsonKeys(ctx, conn, lines)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.file.Path, err)
	}
	idx, err := r.mapColumns(e, keys, true)
	if err != nil {
		return err
	}
	var args []any
	value := func(j int) string {
		args = append(args, `$."`+strings.ReplaceAll(keys[j], `"`, `\"`)+`"`)
		return "json_extract_string(line, ?)"
	}
	proj := r.projection(e, idx, value)
	q := fmt.Sprintf(`%s AS SELECT _row, %s FROM %s WHERE json_valid(line) AND json_type(line) = 'OBJECT'`,
		r.create(), proj, wh.Ident(lines))
	if _, err := conn.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("read %s: %w", r.file.Path, err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT _row, left(line, 500), json_valid(line) FROM `+wh.Ident(lines)+`
WHERE NOT json_valid(line) OR json_type(line) <> 'OBJECT' ORDER BY _row`)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.file.Path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var q quarantined
		var valid bool
		if err := rows.Scan(&q.Row, &q.Raw, &valid); err != nil {
			return fmt.Errorf("read %s: %w", r.file.Path, err)
		}
		q.Reason = "malformed JSON line"
		if valid {
			q.Reason = "JSON line is not an object"
		}
		r.rejects = append(r.rejects, q)
	}
	return rows.Err()
}

// appendLines loads the non-blank lines of the UTF-8 text of JSON-lines
// file name, at path, with their line numbers through DuckDB's appender.
func appendLines(conn *sql.Conn, table, name, path string) error {
	h, err := os.Open(path)
	if err != nil {
		return &errUnreadable{name, err.Error()}
	}
	defer h.Close()
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", table)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		sc := bufio.NewScanner(h)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		var n int64
		for sc.Scan() {
			n++
			line := sc.Bytes()
			if n == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			line = bytes.TrimRight(line, "\r")
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if err := app.AppendRow(n, string(line)); err != nil {
				app.Close()
				return fmt.Errorf("read %s: %w", name, err)
			}
		}
		if err := sc.Err(); err != nil {
			app.Close()
			return &errUnreadable{name, fmt.Sprintf("line %d: %v", n+1, err)}
		}
		return app.Close()
	})
}

// jsonKeys lists the keys used by the objects of a JSON-lines table.
func jsonKeys(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	return wh.Strings(ctx, conn, `SELECT k FROM (
  SELECT _row, unnest(json_keys(line)) AS k FROM `+wh.Ident(table)+`
  WHERE json_valid(line) AND json_type(line) = 'OBJECT')
GROUP BY k ORDER BY min(_row), k`)
}
