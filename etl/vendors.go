package etl

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// A vendor file's rows each end in exactly one outcome (see package vendor):
// loaded into a contract entity, quarantined with file, row, field and
// reason, used as an enrichment of other rows, recorded in vendor_records,
// deleted by the vendor, or skipped as no record of its own. FileResult
// counts them, and the run fails if any row has none or two.

// detectVendors finds the vendor files among what discover did not take:
// files it ignored, files in folders it ignored, and contract-named files
// whose header is not the contract's but a vendor object's.
func (b *build) detectVendors(ctx context.Context, files []SourceFile, ignored []string) ([]SourceFile, []SourceFile, []string, error) {
	cfg := b.opts.Vendors
	var candidates []SourceFile
	var still []string
	for _, name := range ignored {
		sub, rest, skipped, err := listFiles(b.opts.root(name), name)
		if err != nil {
			return nil, nil, nil, err
		}
		candidates = append(candidates, sub...)
		still = append(still, rest...)
		b.res.Skipped = append(b.res.Skipped, skipped...)
	}
	var keep []SourceFile
	for _, f := range files {
		if strings.Contains(f.Path, "/") {
			keep = append(keep, f)
			continue
		}
		e, _ := contract.Lookup(f.Entity)
		header, err := b.header(ctx, f)
		if err != nil || !lacksRequired(e, header) {
			keep = append(keep, f)
			continue
		}
		d, ok, err := cfg.Detect(f.Path, header)
		if err != nil || !ok || len(d.Missing) > 0 {
			keep = append(keep, f)
			continue
		}
		candidates = append(candidates, f)
	}
	var vendorFiles []SourceFile
	for _, f := range candidates {
		header, err := b.header(ctx, f)
		if err != nil {
			still = append(still, f.Path)
			b.res.Warnings = append(b.res.Warnings, f.Path+": cannot read its header: "+err.Error())
			continue
		}
		d, ok, err := cfg.Detect(f.Path, header)
		if err != nil {
			still = append(still, f.Path)
			msg := err.Error()
			if !strings.HasPrefix(msg, f.Path+":") {
				msg = f.Path + ": " + msg
			}
			b.res.Warnings = append(b.res.Warnings, msg)
			continue
		}
		if !ok {
			still = append(still, f.Path)
			continue
		}
		f.Vendor, f.Object, f.Entity, f.DetectedBy = d.Object.Vendor, d.Object.Name, d.Object.ID(), d.By
		f.header = header
		vendorFiles = append(vendorFiles, f)
	}
	slices.SortFunc(vendorFiles, func(a, b SourceFile) int { return strings.Compare(a.Path, b.Path) })
	for i := range vendorFiles {
		if err := vendorFiles[i].stat(b.digests); err != nil {
			return nil, nil, nil, err
		}
	}
	return keep, vendorFiles, still, nil
}

// lacksRequired says a header misses a required column of entity e.
func lacksRequired(e *contract.Entity, header []string) bool {
	have := map[string]bool{}
	for _, h := range header {
		have[strings.ToLower(strings.TrimSpace(h))] = true
	}
	for _, c := range e.RequiredColumns() {
		if !have[c] {
			return true
		}
	}
	return false
}

// header reads a file's column names: the CSV header, the keys of the
// first JSON lines, or the Parquet schema.
func (b *build) header(ctx context.Context, f SourceFile) ([]string, error) {
	if f.Format == "csv" {
		if rec, ok := plainHeader(f.abs); ok {
			return rec, nil
		}
	}
	text, err := b.text(f)
	if err != nil {
		return nil, err
	}
	switch f.Format {
	case "csv":
		return csvHeader(text.path)
	case "jsonl", "json":
		if text.problem != "" {
			return nil, errors.New(text.problem)
		}
		h, err := os.Open(text.path)
		if err != nil {
			return nil, err
		}
		defer h.Close()
		var keys []string
		seen := map[string]bool{}
		sc := bufio.NewScanner(h)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 0; n < 100 && sc.Scan(); n++ {
			var obj map[string]json.RawMessage
			if json.Unmarshal([]byte(strings.TrimPrefix(sc.Text(), "\ufeff")), &obj) != nil {
				continue
			}
			for k := range obj {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		slices.Sort(keys)
		return keys, nil
	default:
		keys, err := wh.Strings(ctx, b.conn, "SELECT name FROM parquet_schema(?) WHERE num_children IS NULL OR num_children = 0", f.abs)
		if err != nil {
			return nil, errors.New(wh.Message(err))
		}
		return keys, nil
	}
}

// readVendors reads the run's vendor files into raw tables, rejects those
// missing a required field, and converts the rest (adapters.Open).
func (b *build) readVendors(ctx context.Context, files []SourceFile, seen readBefore) error {
	if len(files) == 0 {
		return nil
	}
	// Vendor objects enrich each other, so they are read as a set: all of
	// them again when any changed.
	if !anyChanged(files, seen) && !b.rereadVendors {
		for _, f := range files {
			was, _ := seen.same(f)
			b.unchanged(f, was)
		}
		return nil
	}
	b.vendorIn, b.vendorSince = map[string]int64{}, map[int]loadedFrom{}
	var read []adapters.File
	for _, f := range files {
		vf, ok, err := b.readVendorFile(ctx, f)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		read = append(read, vf)
		// Its rows are no newer than when it was loaded first: they do
		// not replace what a later run loaded from another file.
		if _, same := seen.same(f); same {
			since, paths := seen.loadedSince(f)
			b.vendorSince[vf.Seq] = loadedFrom{since, paths}
		}
	}
	set, err := adapters.Open(ctx, b.conn, b.opts.Vendors, read)
	if err != nil {
		return err
	}
	b.vendor = set
	return nil
}

// anyChanged tells whether a file is new or its content changed since the
// runs seen recorded.
func anyChanged(files []SourceFile, seen readBefore) bool {
	for _, f := range files {
		if _, ok := seen.same(f); !ok {
			return true
		}
	}
	return false
}

// readVendorFile reads one vendor file into a raw table, quarantines the
// rows it cannot read, and records the file's result. It returns the file
// as the adapters read it, and ok false when the file was unreadable or
// rejected (every row quarantined).
func (b *build) readVendorFile(ctx context.Context, f SourceFile) (vf adapters.File, ok bool, err error) {
	o, _ := adapters.Lookup(f.Entity)
	b.seq++
	fr := FileResult{SourceFile: f}
	pseudo := &contract.Entity{Name: o.Entity}
	fields := b.opts.Vendors.Fields(o)
	for _, fl := range fields {
		pseudo.Columns = append(pseudo.Columns, contract.Column{Name: fl.Key(), Type: contract.Text})
	}
	// Each column fills at most one field and each field takes one
	// column; a column that loses to a closer spelling is ignored.
	cols := b.opts.Vendors.Resolve(o, f.header)
	byName := map[string]string{}
	for i, h := range f.header {
		if cols.Keys[i] != "" {
			byName[h] = cols.Keys[i]
		}
		if why, ok := cols.Dropped[i]; ok {
			// Listed with the file's ignored columns; the log says why.
			b.opts.Logger.Info("vendor column ignored", "file", f.Path, "column", h, "reason", why)
		}
	}
	text, err := b.readText(f)
	if err != nil {
		return vf, false, err
	}
	text.describe(f, &fr)
	raw := &rawFile{table: fmt.Sprintf("raw_%d", b.seq), db: "temp", file: f, text: text, seq: b.seq,
		match: func(h string) (string, bool) { k, ok := byName[h]; return k, ok }}
	err = raw.read(ctx, b.conn, pseudo)
	var unreadable *errUnreadable
	switch {
	case errors.As(err, &unreadable):
		fr.Status, fr.Error = FileUnreadable, unreadable.Error()
		b.opts.Logger.Error("source file cannot be read", "vendor", o.ID(), "file", f.Path, "err", unreadable.reason)
		b.res.Files = append(b.res.Files, fr)
		return vf, false, nil
	case err != nil:
		return vf, false, err
	}
	fr.Ignored = raw.extra
	for i, h := range f.header {
		k := cols.Keys[i]
		if j := slices.IndexFunc(fields, func(fl adapters.Field) bool { return fl.Key() == k }); k != "" && j >= 0 {
			fl := fields[j]
			fr.Columns = append(fr.Columns, ColumnMapping{Column: h, Field: fl.Name, Maps: fl.Maps, Conversion: fl.Conv.String()})
		}
	}
	raw.missing = o.Missing(f.header)
	if err := b.registerFile(ctx, raw); err != nil {
		return vf, false, err
	}
	if err := b.quarantineRejects(ctx, pseudo, raw); err != nil {
		return vf, false, err
	}
	b.vendorIn[o.Entity] += int64(len(raw.rejects))
	fr.RowsRead = raw.rows + int64(len(raw.rejects))
	fr.RowsQuarantined = int64(len(raw.rejects))
	if len(raw.missing) > 0 {
		fr.Error = fmt.Sprintf("%s: %s %s is missing required field %s; the file is rejected", f.Path, o.Vendor, o.Name, strings.Join(raw.missing, ", "))
		b.opts.Logger.Error("source file rejected", "vendor", o.Vendor, "object", o.Name, "file", f.Path, "missing", strings.Join(raw.missing, ", "))
		return vf, false, b.rejectVendorFile(ctx, fr, pseudo, raw, raw.missing[0], fmt.Sprintf("file rejected: %s %s is missing required field %s", o.Vendor, o.Name, strings.Join(raw.missing, ", ")))
	}
	vf = adapters.File{Seq: b.seq, Path: f.Path, Object: o, Table: raw.table, Header: map[string]string{}, Landed: b.opts.landed(f.Path)}
	for i, h := range f.header {
		if cols.Keys[i] != "" {
			vf.Header[cols.Keys[i]] = h
		}
	}
	order, column, problem, err := b.opts.Vendors.FileDateOrder(ctx, b.conn, o, f.Path, raw.table, vf.Header)
	if err != nil {
		return vf, false, err
	}
	if problem != "" {
		fr.Error = problem + "; the file is rejected"
		b.opts.Logger.Error("source file rejected", "vendor", o.Vendor, "object", o.Name, "file", f.Path, "reason", problem)
		return vf, false, b.rejectVendorFile(ctx, fr, pseudo, raw, column, "file rejected: "+strings.TrimPrefix(problem, f.Path+": "))
	}
	vf.DateOrder = order
	if fr.DateOrder = order; order != "" {
		fr.DateOrderBy = "the file's values"
		if b.opts.Vendors.DateOrder[o.Vendor] != "" {
			fr.DateOrderBy = "vendors.date_order." + o.Vendor
		}
	}
	fr.Status = FileLoaded
	b.res.Files = append(b.res.Files, fr)
	b.vendorRaw = append(b.vendorRaw, raw)
	return vf, true, nil
}

// rejectVendorFile quarantines the rows of a rejected vendor file that
// were read, against column with reason, and records the file's result.
func (b *build) rejectVendorFile(ctx context.Context, fr FileResult, pseudo *contract.Entity, raw *rawFile, column, reason string) error {
	if err := b.quarantineFile(ctx, pseudo, raw, column, reason); err != nil {
		return err
	}
	fr.Status = FileRejected
	b.vendorIn[pseudo.Name] += raw.rows
	fr.RowsQuarantined += raw.rows
	b.res.Files = append(b.res.Files, fr)
	return nil
}

// vendorRows builds entity e's rows from the vendor files, copies the rows
// the vendor step quarantined into the quarantine, and returns the rows to
// validate (nil when there are none).
func (b *build) vendorRows(ctx context.Context, e *contract.Entity, er *EntityResult) (*rawFile, error) {
	if b.vendor == nil {
		return nil, nil
	}
	built, err := b.vendor.Build(ctx, e)
	if err != nil {
		return nil, err
	}
	er.Files += built.Files
	_, err = b.conn.ExecContext(ctx, `INSERT INTO quarantine
SELECT ?, o.entity, f.path, o."row", o.field, o.reason, o.raw, now()::TIMESTAMP
FROM vendor_outcome o JOIN run_files f ON f.seq = o.seq WHERE o.outcome = 'quarantined' AND o.entity = ? ORDER BY o.seq, o."row"`, b.res.RunID, e.Name)
	if err != nil {
		return nil, fmt.Errorf("quarantine vendor rows: %w", err)
	}
	b.vendorIn[e.Name] += built.Rows + built.Quarantined
	if built.Deleted != "" {
		if err := b.deletedKeys(ctx, e, built.Deleted); err != nil {
			return nil, err
		}
	}
	if built.Rows == 0 {
		return nil, nil
	}
	return &rawFile{table: built.Table, db: "temp", rows: built.Rows}, nil
}

// vendorAccounting resolves every vendor row's outcome, fills in the
// vendor files' counts and records the vendor records. A row without an
// outcome, or with two, fails the run.
func (b *build) vendorAccounting(ctx context.Context) error {
	if b.vendor == nil {
		return nil
	}
	var loaded []string
	for _, e := range contract.Entities {
		loaded = append(loaded, fmt.Sprintf("SELECT _source_file AS path, _source_row AS r FROM main.%s WHERE _run_id = %d", wh.Ident(e.Name), b.res.RunID))
	}
	rows, err := b.conn.QueryContext(ctx, `WITH loaded AS (SELECT DISTINCT path, r FROM (`+strings.Join(loaded, " UNION ALL ")+`)),
q AS (SELECT DISTINCT source_file AS path, row_number AS r FROM quarantine WHERE run_id = ?),
o AS (SELECT o.seq, o."row" AS r, o.outcome, f.path FROM vendor_outcome o JOIN run_files f ON f.seq = o.seq),
x AS (
    SELECT o.*, CASE WHEN o.outcome <> 'mapped' THEN o.outcome WHEN l.path IS NOT NULL THEN 'loaded' WHEN q.path IS NOT NULL THEN 'quarantined' ELSE 'lost' END AS final
    FROM o LEFT JOIN loaded l ON l.path = o.path AND l.r = o.r LEFT JOIN q ON q.path = o.path AND q.r = o.r
)
SELECT seq, count(*), count(DISTINCT r),
    count(*) FILTER (WHERE final = 'loaded'), count(*) FILTER (WHERE final = 'quarantined'), count(*) FILTER (WHERE final = 'enrichment'),
    count(*) FILTER (WHERE final = 'recorded'), count(*) FILTER (WHERE final = 'deleted'), count(*) FILTER (WHERE final = 'skipped'),
    count(*) FILTER (WHERE final = 'lost')
FROM x GROUP BY seq`, b.res.RunID)
	if err != nil {
		return fmt.Errorf("vendor row accounting: %w", err)
	}
	type counts struct{ n, distinct, loaded, quar, enrich, rec, del, skip, lost int64 }
	bySeq := map[int]counts{}
	for rows.Next() {
		var seq int
		var c counts
		if err := rows.Scan(&seq, &c.n, &c.distinct, &c.loaded, &c.quar, &c.enrich, &c.rec, &c.del, &c.skip, &c.lost); err != nil {
			rows.Close()
			return fmt.Errorf("vendor row accounting: %w", err)
		}
		bySeq[seq] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("vendor row accounting: %w", err)
	}
	for _, raw := range b.vendorRaw {
		c := bySeq[raw.seq]
		if c.n != raw.rows || c.distinct != c.n || c.lost > 0 {
			return fmt.Errorf("row accounting broken for vendor file %s: %d rows read, %d outcomes for %d distinct rows, %d mapped rows neither loaded nor quarantined",
				raw.file.Path, raw.rows, c.n, c.distinct, c.lost)
		}
		i := slices.IndexFunc(b.res.Files, func(f FileResult) bool { return f.Path == raw.file.Path })
		fr := &b.res.Files[i]
		fr.RowsLoaded, fr.RowsQuarantined = c.loaded, fr.RowsQuarantined+c.quar
		fr.RowsEnrichment, fr.RowsRecorded, fr.RowsDeleted, fr.RowsSkipped = c.enrich, c.rec, c.del, c.skip
		if fr.RowsRead != fr.RowsLoaded+fr.RowsQuarantined+fr.RowsEnrichment+fr.RowsRecorded+fr.RowsDeleted+fr.RowsSkipped {
			return fmt.Errorf("row accounting broken for vendor file %s", raw.file.Path)
		}
	}
	return b.recordVendorRecords(ctx)
}

// recordVendorRecords keeps one row per vendor record in vendor_records,
// its latest version's: the run reads every vendor file again when one
// changed, so the records it read replace what earlier runs recorded of
// them (also when the run recorded nothing of one: a sent envelope since
// completed), and of a record recorded twice in the run the later file's
// row wins.
func (b *build) recordVendorRecords(ctx context.Context) error {
	_, err := b.conn.ExecContext(ctx, `DELETE FROM vendor_records v USING vendor_record_ids i
WHERE v.vendor = i.vendor AND v.object = i.object AND v.record_id = i.record_id`)
	if err != nil {
		return fmt.Errorf("record vendor records: %w", err)
	}
	_, err = b.conn.ExecContext(ctx, `INSERT INTO vendor_records SELECT ?, r.vendor, r.object, r.record_id, r.status, r.detail, f.path, r."row"
FROM vendor_record_rows r JOIN run_files f ON f.seq = r.seq
QUALIFY r.record_id IS NULL OR row_number() OVER (PARTITION BY r.vendor, r.object, r.record_id ORDER BY r.seq DESC, r."row" DESC) = 1
ORDER BY r.seq, r."row"`, b.res.RunID)
	if err != nil {
		return fmt.Errorf("record vendor records: %w", err)
	}
	return nil
}
