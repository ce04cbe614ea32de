package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// The outcomes of a vendor input row. Every row of a vendor file gets
// exactly one, in temp table vendor_outcome (seq, row, outcome, entity,
// field, reason, raw).
const (
	Mapped      = "mapped"      // handed to its contract entity, where it loads or is quarantined
	Quarantined = "quarantined" // quarantined here, with its field and reason
	Enrichment  = "enrichment"  // its values filled columns of other rows (or said whose account a record is)
	Recorded    = "recorded"    // kept in vendor_records only (declined envelopes, card disputes)
	Deleted     = "deleted"     // marked deleted by the vendor or connector
	Skipped     = "skipped"     // not a record of its own (draft contract, superseded product line, main line)
)

// File is a vendor file that package etl read into a raw table: _row,
// _file (Seq), then one VARCHAR column per key of Config.Fields(Object), in
// that order, null where the file lacks the field.
type File struct {
	Seq    int
	Path   string
	Object *Object
	Table  string
	Header map[string]string // field key -> the column as the file spells it
	// DateOrder is how the file writes slash dates: mdy or dmy (see
	// Config.DateOrder); empty reads them month first.
	DateOrder string
	// Landed says a pull landed the file: the run's landed files of an
	// object come in pull order (Seq), and a later landing of a record
	// without a sync time supersedes the earlier ones (see versions).
	Landed bool
}

// Set is one run's vendor files, converted into one temp table per object
// (Object.Table) on the run's connection, ready to be built into contract
// entities in load order.
type Set struct {
	conn  *sql.Conn
	cfg   Config
	files []File
	// deleted holds the loading objects with rows the vendor marked
	// deleted, kept in deletedTable(o) (deleted.go).
	deleted map[*Object]bool
}

// Open converts the files of a run: it creates the macros and the outcome
// tables, converts every object's rows into its table (setting deleted
// rows apart), and resolves identities.
func Open(ctx context.Context, conn *sql.Conn, cfg Config, files []File) (*Set, error) {
	s := &Set{conn: conn, cfg: cfg.WithDefaults(), files: files, deleted: map[*Object]bool{}}
	stmts := append(slices.Clone(macros),
		`CREATE OR REPLACE TEMP TABLE vendor_outcome (seq INTEGER, "row" BIGINT, outcome VARCHAR, entity VARCHAR, field VARCHAR, reason VARCHAR, raw VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE vendor_fields (seq INTEGER, entity VARCHAR, column_name VARCHAR, field VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE vendor_deleted (seq INTEGER, "row" BIGINT, object VARCHAR, id VARCHAR, field VARCHAR, reason VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE vendor_record_rows (seq INTEGER, "row" BIGINT, vendor VARCHAR, object VARCHAR, record_id VARCHAR, status VARCHAR, detail VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE vendor_record_ids (vendor VARCHAR, object VARCHAR, record_id VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE vendor_categories (k VARCHAR, category VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE vendor_levels (step VARCHAR, level VARCHAR, rank INTEGER)`,
	)
	for _, q := range stmts {
		if err := s.exec(ctx, q); err != nil {
			return nil, fmt.Errorf("vendor setup: %w", err)
		}
	}
	if err := s.settings(ctx); err != nil {
		return nil, err
	}
	for _, o := range Objects() {
		if err := s.convert(ctx, o); err != nil {
			return nil, fmt.Errorf("convert %s %s: %w", o.Vendor, o.Name, err)
		}
	}
	if err := s.fields(ctx); err != nil {
		return nil, err
	}
	if err := s.exec(ctx, identitySQL); err != nil {
		return nil, fmt.Errorf("resolve identities: %w", err)
	}
	if err := s.exec(ctx, envelopesSQL); err != nil {
		return nil, fmt.Errorf("read envelopes: %w", err)
	}
	return s, nil
}

func (s *Set) exec(ctx context.Context, q string, args ...any) error {
	_, err := s.conn.ExecContext(ctx, q, args...)
	return err
}

// settings writes the category and approval level maps, values bound as parameters.
func (s *Set) settings(ctx context.Context) error {
	for k, v := range s.cfg.Categories {
		if err := s.exec(ctx, "INSERT INTO vendor_categories VALUES (lower(?), ?)", k, v); err != nil {
			return fmt.Errorf("vendor settings: %w", err)
		}
	}
	deals, _ := contract.Lookup("deals")
	lvl, _ := deals.Column("approval_level")
	for k, v := range s.cfg.ApprovalLevels {
		if err := s.exec(ctx, "INSERT INTO vendor_levels VALUES (lower(trim(?)), ?, ?)", k, v, slices.Index(lvl.Values, v)); err != nil {
			return fmt.Errorf("vendor settings: %w", err)
		}
	}
	return nil
}

// convert creates o's table from its files' raw tables: each field
// converted, metadata keys extracted, the versions a later one supersedes
// skipped, deleted rows dropped, counted, listed with their record id
// in vendor_deleted (so that rows of other objects can name the deleted
// record they belong to) and set apart (keepDeleted).
func (s *Set) convert(ctx context.Context, o *Object) error {
	var src []string
	var landed []string
	for _, f := range s.files {
		if f.Object == o {
			order := f.DateOrder
			if order == "" {
				order = MDY
			}
			src = append(src, "SELECT *, "+wh.Literal(order)+" AS _date_order FROM "+wh.Ident(f.Table))
			if f.Landed {
				landed = append(landed, strconv.Itoa(f.Seq))
			}
		}
	}
	if len(src) == 0 {
		// No file: an empty table of the same shape, without binding the conversions.
		cols := []string{"_file INTEGER", "_row BIGINT"}
		for _, f := range o.Fields {
			cols = append(cols, wh.Ident(f.Key())+" VARCHAR")
		}
		if _, ok := o.Field("metadata"); ok {
			cols = append(cols, "md_account VARCHAR", "md_contract VARCHAR", "md_dispute VARCHAR")
		}
		for _, cu := range s.cfg.customs(o) {
			cols = append(cols, wh.Ident(cu.Col())+" VARCHAR")
		}
		return s.exec(ctx, "CREATE OR REPLACE TEMP TABLE "+wh.Ident(o.Table)+" ("+strings.Join(cols, ", ")+")")
	}
	var args []any
	zone := func() string { args = append(args, s.cfg.zone(o.Vendor)); return "?" }
	cols := []string{"_file", "_row"}
	for _, f := range o.Fields {
		cols = append(cols, convSQL(f, f.Key(), "currency", "_date_order", zone)+" AS "+wh.Ident(f.Key()))
	}
	if _, ok := o.Field("metadata"); ok {
		for i, name := range []string{"md_account", "md_contract", "md_dispute"} {
			key := s.cfg.metadataKeys()[i]
			args = append(args, `$."`+strings.ReplaceAll(key, `"`, `\"`)+`"`)
			cols = append(cols, "coalesce(CASE WHEN json_valid(metadata) AND json_type(metadata) = 'OBJECT' THEN v_clean(json_extract_string(metadata, ?)) END, "+
				wh.Ident(Canonical("metadata."+key))+") AS "+name)
		}
	}
	for _, cu := range s.cfg.customs(o) {
		cols = append(cols, convSQL(Field{Conv: cu.Conv}, cu.Key, "currency", "_date_order", zone)+" AS "+wh.Ident(cu.Col()))
	}
	deleted, status := "(v_true(is_deleted) OR v_true(_fivetran_deleted) OR _sdc_deleted_at IS NOT NULL OR _ab_cdc_deleted_at IS NOT NULL)", "false"
	if o.DeletedStatus != "" {
		status = "coalesce(lower(status) = " + wh.Literal(o.DeletedStatus) + ", false)"
		deleted = "(" + deleted + " OR " + status + ")"
	}
	clean := []string{"_file", "_row", "_date_order"}
	for _, f := range s.cfg.Fields(o) {
		clean = append(clean, cleanSQL(f, f.Key())+" AS "+wh.Ident(f.Key()))
	}
	cleaned := "SELECT " + strings.Join(clean, ", ") + " FROM (" + strings.Join(src, " UNION ALL ") + ")"
	superseded := "false"
	if len(src) > 1 || len(landed) > 0 {
		cleaned, superseded = versions(o, cleaned, landed), "_version > 1"
	}
	q := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT %s FROM (%s) src WHERE NOT %s AND NOT %s",
		wh.Ident(o.Table), strings.Join(cols, ", "), cleaned, superseded, deleted)
	if err := s.exec(ctx, q, args...); err != nil {
		return err
	}
	if superseded != "false" {
		err := s.exec(ctx, fmt.Sprintf(`INSERT INTO vendor_outcome SELECT _file, _row, 'skipped', ?, CASE WHEN _synced THEN ? ELSE ? END,
    CASE WHEN _synced THEN 'superseded by a later sync of the record' ELSE 'superseded by a later landing of the record' END, NULL
FROM (%s) src WHERE %s`, cleaned, superseded), o.Entity, s.header(o, "_fivetran_synced"), s.header(o, strings.Join(o.RecordKey(), ", ")))
		if err != nil {
			return err
		}
	}
	id := "NULL"
	if keys := o.RecordKey(); len(keys) > 0 {
		var cols []string
		for _, k := range keys {
			cols = append(cols, wh.Ident(k)+"::VARCHAR")
		}
		id = "concat_ws('|', " + strings.Join(cols, ", ") + ")"
	}
	err := s.exec(ctx, fmt.Sprintf(`INSERT INTO vendor_deleted SELECT _file, _row, ?, %[5]s, CASE WHEN %[3]s THEN ? ELSE 'IsDeleted' END,
    CASE WHEN %[3]s THEN ? ELSE ? END FROM (%[1]s) src WHERE NOT %[4]s AND %[2]s`, cleaned, deleted, status, superseded, id),
		o.ID(), s.header(o, "status"), "status "+o.DeletedStatus+" in "+o.Vendor, "deleted in "+o.Vendor+" (IsDeleted, _fivetran_deleted, _sdc_deleted_at or _ab_cdc_deleted_at)")
	if err != nil {
		return err
	}
	if err := s.exec(ctx, `INSERT INTO vendor_outcome SELECT seq, "row", 'deleted', ?, field, reason, NULL FROM vendor_deleted WHERE object = ?`, o.Entity, o.ID()); err != nil {
		return err
	}
	return s.keepDeleted(ctx, o, fmt.Sprintf("SELECT %s FROM (%s) src WHERE NOT %s AND %s", strings.Join(cols, ", "), cleaned, superseded, deleted), args)
}

// versions numbers the versions of each record that a connector synced
// or a pull landed more than once (successive pulls land a record again
// when it changed): _version 1 is the latest. A record is its RecordKey
// (rows without one are no versions of each other), or all its fields for
// objects without a key. Of the rows with a sync time, the latest is by
// file, then sync time (or the object's Modified time), then row. Of the rows without one, those the
// landed files hold (Seq in landed) are versions by file, then row: an
// object's landed files are named run-NNNNNN, so their order is the pull
// order, and a pull lands objects in the order the API listed them. Rows
// of exported files without a sync time are each their own version 1: of
// two exports holding a record neither is known to be the later, and the
// entity's duplicate key check quarantines one, naming the row that wins.
// _synced says a row has a sync time.
func versions(o *Object, cleaned string, landed []string) string {
	var sync []string
	for _, k := range syncKeys {
		sync = append(sync, wh.Ident(k))
	}
	if o.Modified != "" {
		sync = append(sync, wh.Ident(Canonical(o.Modified)))
	}
	if o.Modified != "" {
		sync = append(sync, wh.Ident(Canonical(o.Modified)))
	}
	st := "coalesce(" + strings.Join(sync, ", ") + ")"
	var key, notNull []string
	keyed := "true"
	if keys := o.RecordKey(); len(keys) > 0 {
		for _, k := range keys {
			key, notNull = append(key, wh.Ident(k)), append(notNull, wh.Ident(k)+" IS NOT NULL")
		}
		keyed = strings.Join(notNull, " AND ")
	} else {
		for _, f := range o.Fields {
			key = append(key, wh.Ident(f.Key()))
		}
	}
	inLanded := "false"
	if len(landed) > 0 {
		inLanded = "_file IN (" + strings.Join(landed, ", ") + ")"
	}
	return fmt.Sprintf(`SELECT *, CASE WHEN _kind IS NULL THEN 1 ELSE row_number() OVER (PARTITION BY %[2]s, _kind ORDER BY _file DESC, %[1]s DESC, _row DESC) END AS _version,
    _kind = 'synced' AS _synced
FROM (
    SELECT *, CASE WHEN NOT %[5]s THEN NULL WHEN %[1]s IS NOT NULL THEN 'synced' WHEN %[4]s THEN 'landed' END AS _kind FROM (%[3]s)
)`, st, strings.Join(key, ", "), cleaned, inLanded, keyed)
}

// fields records, per file and contract column, the vendor field (as the
// file spells it) that feeds the column, so a quarantined row names it.
func (s *Set) fields(ctx context.Context) error {
	for _, f := range s.files {
		done := map[string]bool{}
		for _, cu := range s.cfg.customs(f.Object) {
			m := cu.Entity + "." + cu.Column
			if header, ok := f.Header[cu.Key]; ok && !done[m] {
				done[m] = true
				if err := s.exec(ctx, "INSERT INTO vendor_fields VALUES (?, ?, ?, ?)", f.Seq, cu.Entity, cu.Column, header); err != nil {
					return fmt.Errorf("vendor fields: %w", err)
				}
			}
		}
		for pass := 0; pass < 2; pass++ {
			for _, fl := range f.Object.Fields {
				header, present := f.Header[fl.Key()]
				if pass == 0 && !present {
					continue
				}
				if !present {
					header = fl.Name
				}
				for _, m := range strings.Split(fl.Maps, ", ") {
					ent, col, ok := strings.Cut(m, ".")
					if !ok || done[m] {
						continue
					}
					done[m] = true
					if err := s.exec(ctx, "INSERT INTO vendor_fields VALUES (?, ?, ?, ?)", f.Seq, ent, col, header); err != nil {
						return fmt.Errorf("vendor fields: %w", err)
					}
				}
			}
		}
	}
	return nil
}

// header is how the files of object o spell a field (its vendor name when
// no file has it).
func (s *Set) header(o *Object, key string) string {
	for _, f := range s.files {
		if f.Object == o {
			if h, ok := f.Header[key]; ok {
				return h
			}
		}
	}
	if f, ok := o.Field(key); ok {
		return f.Name
	}
	return key
}

// identitySQL resolves other systems' customer records to accounts:
// account_xref.csv first, then the id the record carries. Nothing else.
const identitySQL = `CREATE OR REPLACE TEMP TABLE v_identity AS
WITH ids AS (
    SELECT source, source_id, v_anyid(account_id) AS account_id, 'account_xref' AS how, 1 AS pri, _file, _row
    FROM v_account_xref WHERE source IS NOT NULL AND source_id IS NOT NULL AND account_id IS NOT NULL
    UNION ALL SELECT 'stripe', id, v_anyid(md_account), 'metadata', 2, _file, _row FROM v_st_customer WHERE md_account IS NOT NULL
    UNION ALL SELECT 'zendesk', id, v_anyid(external_id), 'external_id', 2, _file, _row FROM v_zd_organization WHERE external_id IS NOT NULL
    UNION ALL SELECT 'netsuite', id, v_anyid(externalid), 'externalid', 2, _file, _row FROM v_ns_customer WHERE externalid IS NOT NULL
    -- A saved search shows a transaction's customer as its display name,
    -- the entity id and company name ("CUST42 Acme Corp"): the entity id
    -- in it identifies the customer, never the name alone.
    UNION ALL SELECT 'netsuite', entityid, v_anyid(externalid), 'externalid by entity id', 3, _file, _row FROM v_ns_customer WHERE externalid IS NOT NULL AND entityid IS NOT NULL
    UNION ALL SELECT 'netsuite', entityid || ' ' || companyname, v_anyid(externalid), 'externalid by display name', 3, _file, _row FROM v_ns_customer
        WHERE externalid IS NOT NULL AND entityid IS NOT NULL AND companyname IS NOT NULL
)
SELECT source, source_id, arg_min(account_id, (pri, _file, _row)) AS account_id, arg_min(how, (pri, _file, _row)) AS how
FROM ids GROUP BY source, source_id`

// envelopesSQL reads both DocuSign layouts into one table. The REST API
// nests the DocuSign for Salesforce custom fields under customFields.
const envelopesSQL = `CREATE OR REPLACE TEMP TABLE v_envelope AS
WITH cf AS (
    SELECT _file, _row, lower(regexp_replace(f->>'name', '^#+', '')) AS name, v_clean(f->>'value') AS value
    FROM (
        SELECT _file, _row, unnest(list_concat(
            CASE WHEN json_type(custom_fields, '$.textCustomFields') = 'ARRAY' THEN CAST(json_extract(custom_fields, '$.textCustomFields') AS JSON[]) END,
            CASE WHEN json_type(custom_fields, '$.listCustomFields') = 'ARRAY' THEN CAST(json_extract(custom_fields, '$.listCustomFields') AS JSON[]) END)) AS f
        FROM v_ds_envelope WHERE json_valid(custom_fields)
    )
), cfr AS (
    SELECT _file, _row, any_value(value) FILTER (WHERE name = 'sfopportunity') AS opp, any_value(value) FILTER (WHERE name = 'sfaccount') AS acct
    FROM cf GROUP BY _file, _row
)
SELECT e._file, e._row, 'envelopes' AS object, envelope_id, status, completed_date_time AS completed_at, sent_date_time AS sent_at,
    email_subject AS subject, coalesce(sf_opportunity, v_sfid(cfr.opp)) AS opportunity_id, coalesce(sf_account, v_sfid(cfr.acct)) AS account_id
FROM v_ds_envelope e LEFT JOIN cfr ON cfr._file = e._file AND cfr._row = e._row
UNION ALL
SELECT _file, _row, 'dsfs__DocuSign_Status__c', coalesce(dsfs_docu_sign_envelope_id_c, id), dsfs_envelope_status_c, dsfs_completed_date_time_c,
    dsfs_sent_date_time_c, dsfs_subject_c, dsfs_opportunity_c, dsfs_company_c
FROM v_ds_status`
