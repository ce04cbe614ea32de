package etl

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// A text file (CSV or JSON lines) that is not valid UTF-8 is read through a
// UTF-8 copy. A file starting with a UTF-16 byte order mark is decoded as
// UTF-16. Otherwise each line is decoded on its own: a line that is valid
// UTF-8 stays as it is, and a line that is not is decoded as Windows-1252
// (which reads every printable Latin-1 character the same way) when that
// decodes cleanly: no byte Windows-1252 leaves undefined, and no well-formed
// UTF-8 sequence beside the invalid bytes, which would mean the line mixes
// encodings. In a line no candidate decodes, each invalid byte b becomes the
// private-use character U+F700+b, so that after the copy is read the rows
// holding one are found, field by field, and quarantined (undecodable).

// escapeBase + b stands for the undecodable byte b (0x80 to 0xFF).
const escapeBase = 0xF700

// escapedRE matches an escaped byte, in DuckDB's regular expressions.
const escapedRE = `[\x{F780}-\x{F7FF}]`

// decodedText is a source file's text as UTF-8.
type decodedText struct {
	path     string // the UTF-8 text to read: the file itself or a decoded copy
	encoding string // what the file was read as; empty when it is UTF-8
	decoded  int    // lines decoded as encoding (Windows-1252 only)
	mixed    bool   // other lines are UTF-8 beyond ASCII
	bad      int    // lines no candidate decodes, their invalid bytes escaped
	// noNUL: the file is UTF-8 and holds no NUL byte, so no value read as
	// CSV can hold one (a JSON value can, escaped as \u0000).
	noNUL bool
	// records is, for a JSON document, the member its records were under
	// ("" for a top-level list); problem says why a JSON document cannot be
	// read, and the file is then unreadable.
	records, problem string
}

// warning is the run's warning line for a file read in another encoding
// than UTF-8.
func (t decodedText) warning(path string) string {
	if t.encoding != "Windows-1252" {
		return fmt.Sprintf("%s: not UTF-8: read as %s", path, t.encoding)
	}
	msg := fmt.Sprintf("%s: not UTF-8: %d lines read as Windows-1252 (Latin-1)", path, t.decoded)
	if t.mixed {
		msg += ", the others as UTF-8"
	}
	if t.bad > 0 {
		msg += fmt.Sprintf("; %d lines decode as neither, and their rows are quarantined", t.bad)
	}
	return msg
}

// decodeText returns the UTF-8 text of the file at src: src itself when it
// is valid UTF-8, else a decoded copy written into folder dir.
func decodeText(src, dir string) (decodedText, error) {
	h, err := os.Open(src)
	if err != nil {
		return decodedText{}, err
	}
	defer h.Close()
	br := bufio.NewReaderSize(h, 1<<16)
	bom, _ := br.Peek(2)
	utf16 := bytes.Equal(bom, []byte{0xff, 0xfe}) || bytes.Equal(bom, []byte{0xfe, 0xff})
	if !utf16 {
		valid, nul := true, false
		err := eachLine(br, func(line []byte) error {
			if !utf8.Valid(line) {
				valid = false
				return io.EOF
			}
			nul = nul || bytes.IndexByte(line, 0) >= 0
			return nil
		})
		if err != nil && !errors.Is(err, io.EOF) {
			return decodedText{}, err
		}
		if valid {
			return decodedText{path: src, noNUL: !nul}, nil
		}
		if _, err := h.Seek(0, io.SeekStart); err != nil {
			return decodedText{}, err
		}
		br.Reset(h)
	}
	out, err := os.CreateTemp(dir, "*"+filepath.Ext(src))
	if err != nil {
		return decodedText{}, err
	}
	defer out.Close()
	w := bufio.NewWriterSize(out, 1<<16)
	t := decodedText{path: out.Name()}
	if utf16 {
		t.encoding = "UTF-16 (little-endian, from its byte order mark)"
		if bom[0] == 0xfe {
			t.encoding = "UTF-16 (big-endian, from its byte order mark)"
		}
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if _, err := io.Copy(w, transform.NewReader(br, dec)); err != nil {
			return decodedText{}, fmt.Errorf("decode UTF-16: %w", err)
		}
	} else {
		t.encoding = "Windows-1252"
		first := true
		err = eachLine(br, func(line []byte) error {
			if first {
				line, first = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")), false
			}
			_, err := w.Write(t.decodeLine(line))
			return err
		})
		if err != nil {
			return decodedText{}, err
		}
	}
	if err := w.Flush(); err != nil {
		return decodedText{}, err
	}
	return t, out.Close()
}

// decodeLine returns one line as UTF-8 and counts how it was decoded.
func (t *decodedText) decodeLine(line []byte) []byte {
	if utf8.Valid(line) {
		if !isASCII(line) {
			t.mixed = true
		}
		return line
	}
	if !hasUTF8Sequence(line) {
		if s, err := charmap.Windows1252.NewDecoder().Bytes(line); err == nil && !bytes.ContainsRune(s, utf8.RuneError) {
			t.decoded++
			return s
		}
	}
	t.bad++
	out := make([]byte, 0, len(line)+16)
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		if r == utf8.RuneError && n == 1 {
			r = escapeBase + rune(line[0])
		}
		out = utf8.AppendRune(out, r)
		line = line[n:]
	}
	return out
}

// hasUTF8Sequence says a line holds a well-formed multi-byte UTF-8 sequence.
func hasUTF8Sequence(line []byte) bool {
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		if n > 1 && r != utf8.RuneError {
			return true
		}
		line = line[n:]
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// eachLine calls fn with each line of r, its line end included, until fn
// returns an error (returned as is) or the text ends.
func eachLine(r *bufio.Reader, fn func(line []byte) error) error {
	var long []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if long != nil {
			line, long = append(long, chunk...), nil
		}
		if len(line) > 0 {
			if ferr := fn(line); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// escapedBytes lists the undecodable bytes a value holds, as \xNN, and
// whether it holds any.
func escapedBytes(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		if r >= escapeBase+0x80 && r <= escapeBase+0xff {
			fmt.Fprintf(&b, `\x%02x`, r-escapeBase)
		}
	}
	return b.String(), b.Len() > 0
}

// showEscaped shows each undecodable byte of s as \xNN; in JSON text the
// backslash is doubled.
func showEscaped(s string, inJSON bool) string {
	format := `\x%02x`
	if inJSON {
		format = `\\x%02x`
	}
	var b strings.Builder
	for _, r := range s {
		if r >= escapeBase+0x80 && r <= escapeBase+0xff {
			fmt.Fprintf(&b, format, r-escapeBase)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rejectUndecodable moves the rows of r's table that hold an undecodable
// byte in a column of e to r.rejects, one by one, naming the first such
// field.
func (r *rawFile) rejectUndecodable(ctx context.Context, conn *sql.Conn, e *contract.Entity) error {
	var conds, parts []string
	for _, c := range e.Columns {
		conds = append(conds, "regexp_matches("+wh.Ident(c.Name)+", "+wh.Literal(escapedRE)+")")
		parts = append(parts, wh.Literal(c.Name)+": "+wh.Ident(c.Name))
	}
	where := strings.Join(conds, " OR ")
	rows, err := conn.QueryContext(ctx, "SELECT _row, to_json({"+strings.Join(parts, ", ")+"})::VARCHAR FROM "+r.ref()+
		" WHERE "+where+" ORDER BY _row")
	if err != nil {
		return fmt.Errorf("find undecodable rows of %s: %w", r.file.Path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var q quarantined
		if err := rows.Scan(&q.Row, &q.Raw); err != nil {
			return fmt.Errorf("find undecodable rows of %s: %w", r.file.Path, err)
		}
		var values map[string]*string
		if err := json.Unmarshal([]byte(q.Raw), &values); err != nil {
			return fmt.Errorf("find undecodable rows of %s: %w", r.file.Path, err)
		}
		for _, c := range e.Columns {
			if v := values[c.Name]; v != nil {
				if b, ok := escapedBytes(*v); ok {
					q.Column = c.Name
					q.Reason = fmt.Sprintf("undecodable text: %s row %d, field %s: bytes %s are neither UTF-8 nor Windows-1252 (Latin-1) in this row", r.file.Path, q.Row, c.Name, b)
					break
				}
			}
		}
		q.Raw = showEscaped(q.Raw, true)
		r.rejects = append(r.rejects, q)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find undecodable rows of %s: %w", r.file.Path, err)
	}
	for i := range r.rejects {
		r.rejects[i].Raw = showEscaped(r.rejects[i].Raw, false)
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM "+r.ref()+" WHERE "+where); err != nil {
		return fmt.Errorf("drop undecodable rows of %s: %w", r.file.Path, err)
	}
	return nil
}

// text returns the UTF-8 text of source file f, decoding it once per run.
func (b *build) text(f SourceFile) (decodedText, error) {
	if f.Format != "csv" && f.Format != "jsonl" && f.Format != "json" {
		return decodedText{path: f.abs}, nil
	}
	b.textsMu.Lock()
	defer b.textsMu.Unlock()
	if t, ok := b.texts[f.abs]; ok {
		return t, nil
	}
	if b.tmp == "" {
		dir, err := os.MkdirTemp("", "precedent-text-")
		if err != nil {
			return decodedText{}, fmt.Errorf("folder for decoded files: %w", err)
		}
		b.tmp, b.texts = dir, map[string]decodedText{}
	}
	t, err := decodeText(f.abs, b.tmp)
	if err != nil {
		return decodedText{}, fmt.Errorf("decode %s: %w", f.Path, err)
	}
	if f.Format == "json" {
		// A JSON document is read as the JSON lines of its records.
		path, key, err := jsonLines(t.path, f.Path, b.tmp)
		var unreadable *errUnreadable
		switch {
		case errors.As(err, &unreadable):
			t.problem = unreadable.reason
		case err != nil:
			return decodedText{}, fmt.Errorf("read %s: %w", f.Path, err)
		default:
			t.path, t.records = path, key
		}
	}
	b.texts[f.abs] = t
	return t, nil
}

// readText returns the UTF-8 text of source file f for reading its rows,
// and warns when the file is not UTF-8. (Looking at a header does not
// warn: a file already loaded is not read again, and not warned about.)
func (b *build) readText(f SourceFile) (decodedText, error) {
	t, err := b.text(f)
	if err != nil {
		return t, err
	}
	b.warnText(f, t)
	return t, nil
}

// warnText warns when t, the text of f read for its rows, is not UTF-8.
func (b *build) warnText(f SourceFile, t decodedText) {
	if t.encoding == "" {
		return
	}
	b.res.Warnings = append(b.res.Warnings, t.warning(f.Path))
	b.opts.Logger.Warn("source file is not UTF-8", "file", f.Path, "read_as", t.encoding, "lines_decoded", t.decoded, "lines_undecodable", t.bad)
}

// describe records in fr how the text of f was read: its encoding and,
// for a JSON document, where its records were.
func (t decodedText) describe(f SourceFile, fr *FileResult) {
	if f.Format == "parquet" {
		return
	}
	fr.Encoding = "UTF-8"
	if t.encoding != "" {
		fr.Encoding = t.encoding
	}
	if f.Format == "json" && t.problem == "" {
		fr.Records = t.records
		if fr.Records == "" {
			fr.Records = "(list)"
		}
	}
}

// removeTexts removes the run's decoded copies of source files.
func (b *build) removeTexts() {
	if b.tmp == "" {
		return
	}
	if err := os.RemoveAll(b.tmp); err != nil {
		b.opts.Logger.Warn("remove decoded copies of source files", "folder", b.tmp, "err", err)
	}
}
