package adapters

import (
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Conv is how a vendor value is converted before it is mapped. A value a
// conversion cannot read is passed on as written, so the contract's
// validation quarantines it with the value in its reason.
type Conv int

// The conversions.
const (
	Keep     Conv = iota // trimmed text; empty is null
	Text                 // free text as written; empty is null
	SFID                 // Salesforce id: a 15-character id gets its 3 check characters (18-character form)
	Date                 // YYYY-MM-DD, M/D/YYYY or D/M/YYYY (the file's date order), D.M.YYYY, or a timestamp's date in UTC
	Time                 // timestamp to UTC; without an offset it is in the vendor's time zone (default UTC)
	Unix                 // Unix seconds (a fraction allowed), milliseconds or ISO 8601 to a UTC timestamp
	UnixDate             // Unix seconds (or ISO 8601) to the UTC date
	Minor                // integer in the currency's minor unit to the major unit (JPY and other zero-decimal currencies are not divided)
	Upper                // trimmed, upper case (currency codes)
	Lower                // trimmed, lower case (statuses, picklists)
	Bool                 // true/false, 1/0, yes/no, T/F, checked/unchecked to true or false
	Number               // decimal number; thousands separators, currency symbol or code, (x) negative
	JSON                 // JSON text (metadata, custom fields, events, tag lists)
	Percent              // a number of percent: 15, 15%, 15.0 %
)

// String is the conversion as the document names it.
func (c Conv) String() string {
	return [...]string{"trim", "text", "Salesforce id 15->18", "date", "timestamp -> UTC", "Unix seconds -> UTC",
		"Unix seconds -> UTC date", "minor units -> major", "upper case", "lower case", "boolean", "number", "JSON", "percent"}[c]
}

// zeroDecimal and threeDecimal are Stripe's currencies whose minor unit is
// not a hundredth.
const (
	zeroDecimal  = "'BIF','CLP','DJF','GNF','JPY','KMF','KRW','MGA','PYG','RWF','UGX','VND','VUV','XAF','XOF','XPF'"
	threeDecimal = "'BHD','JOD','KWD','OMR','TND'"
)

// ws is what trimming removes.
const ws = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"

// macros are the SQL functions the conversions use, created as temporary
// macros on the run's connection. Their input is already clean (trimmed,
// empty as null): binding nested macros is what costs time here.
var macros = []string{
	`CREATE OR REPLACE TEMP MACRO v_clean(x) AS nullif(trim(x, ` + ws + `), '')`,
	// Salesforce's check characters: for each 5 characters, a bit per upper-case letter.
	`CREATE OR REPLACE TEMP MACRO v_sfchunk(x, c) AS substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 +
  (ascii(substr(x, c * 5 + 1, 1)) BETWEEN 65 AND 90)::INTEGER +
  (ascii(substr(x, c * 5 + 2, 1)) BETWEEN 65 AND 90)::INTEGER * 2 +
  (ascii(substr(x, c * 5 + 3, 1)) BETWEEN 65 AND 90)::INTEGER * 4 +
  (ascii(substr(x, c * 5 + 4, 1)) BETWEEN 65 AND 90)::INTEGER * 8 +
  (ascii(substr(x, c * 5 + 5, 1)) BETWEEN 65 AND 90)::INTEGER * 16, 1)`,
	`CREATE OR REPLACE TEMP MACRO v_sfid(x) AS CASE WHEN regexp_full_match(x, '[A-Za-z0-9]{15}')
  THEN x || v_sfchunk(x, 0) || v_sfchunk(x, 1) || v_sfchunk(x, 2) ELSE x END`,
	// An id that may be Salesforce's (an account id carried by another
	// system): 15 letters and digits, not all digits, gets its check characters.
	`CREATE OR REPLACE TEMP MACRO v_anyid(x) AS CASE WHEN NOT regexp_full_match(x, '[0-9]+') THEN v_sfid(x) ELSE x END`,
	`CREATE OR REPLACE TEMP MACRO v_fmt_ts(t) AS strftime(t, '%Y-%m-%d %H:%M:%S')`,
	// A local date or time as exports write it, read in date order ord
	// (mdy or dmy; slashes only, dots are always day first), as a TIMESTAMP.
	`CREATE OR REPLACE TEMP MACRO v_local(x, ord) AS CASE
  WHEN regexp_matches(x, '^\d{4}-\d{2}-\d{2}') THEN try_cast(x AS TIMESTAMP)
  WHEN regexp_matches(x, '^\d{1,2}\.\d{1,2}\.\d{4}') THEN try_strptime(x, ['%d.%m.%Y', '%d.%m.%Y %H:%M', '%d.%m.%Y %H:%M:%S'])
  WHEN NOT regexp_matches(x, '^\d{1,2}/\d{1,2}/\d{4}') THEN NULL
  WHEN ord = 'dmy' THEN try_strptime(x, ['%d/%m/%Y', '%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %I:%M %p', '%d/%m/%Y %I:%M:%S %p'])
  ELSE try_strptime(x, ['%m/%d/%Y', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %I:%M %p', '%m/%d/%Y %I:%M:%S %p']) END`,
	// A timestamp to UTC: with an offset as written, without one in zone tz.
	`CREATE OR REPLACE TEMP MACRO v_ts(x, tz, ord) AS CASE
  WHEN x IS NULL THEN NULL
  WHEN regexp_matches(x, '^\d{4}-\d{2}-\d{2}[T ].*(Z|z|[+-]\d{2}(:?\d{2})?)$')
    THEN coalesce(v_fmt_ts(try_cast(x AS TIMESTAMPTZ) AT TIME ZONE 'UTC'), x)
  ELSE coalesce(v_fmt_ts(timezone(tz, v_local(x, ord)) AT TIME ZONE 'UTC'), x)
  END`,
	// Unix seconds may come with a fraction: Airbyte's PostgreSQL
	// destination keeps a JSON-schema number (Stripe's due_date,
	// period_start) in a DECIMAL(38,9) column, printed 1743465600.000000000.
	`CREATE OR REPLACE TEMP MACRO v_unix(x) AS CASE
  WHEN regexp_full_match(x, '\d{12,}') THEN v_fmt_ts(to_timestamp(x::BIGINT / 1000.0) AT TIME ZONE 'UTC')
  WHEN regexp_full_match(x, '\d{1,11}') THEN v_fmt_ts(to_timestamp(x::BIGINT) AT TIME ZONE 'UTC')
  WHEN regexp_full_match(x, '\d{1,11}\.\d+') THEN v_fmt_ts(to_timestamp(x::DOUBLE) AT TIME ZONE 'UTC')
  ELSE v_ts(x, 'UTC', 'mdy') END`,
	// A date as written; a date with a time is converted to UTC first.
	`CREATE OR REPLACE TEMP MACRO v_date(x, tz, ord) AS CASE
  WHEN x IS NULL THEN NULL
  WHEN regexp_full_match(x, '\d{4}-\d{2}-\d{2}') THEN x
  WHEN regexp_full_match(x, '\d{1,2}[/.]\d{1,2}[/.]\d{4}') THEN coalesce(strftime(v_local(x, ord), '%Y-%m-%d'), x)
  ELSE coalesce(left(v_ts(x, tz, ord), 10), x) END`,
	`CREATE OR REPLACE TEMP MACRO v_minor(x, cur) AS CASE
  WHEN NOT regexp_full_match(x, '[+-]?\d{1,30}') THEN x
  WHEN upper(cur) IN (` + zeroDecimal + `) THEN x::DECIMAL(38,0)::VARCHAR
  WHEN upper(cur) IN (` + threeDecimal + `) THEN (x::DECIMAL(35,0) * 0.001::DECIMAL(3,3))::VARCHAR
  ELSE (x::DECIMAL(36,0) * 0.01::DECIMAL(2,2))::VARCHAR END`,
	`CREATE OR REPLACE TEMP MACRO v_bool(x) AS CASE
  WHEN lower(x) IN ('true', '1', 'yes', 't', 'y', 'checked', 'x') THEN 'true'
  WHEN lower(x) IN ('false', '0', 'no', 'f', 'n', 'unchecked') THEN 'false'
  ELSE x END`,
	// An amount as exports write it: 1,234.56, $1,234.56, USD 1,234.56,
	// 1 234.56 EUR, (1,234.56) or -1,234.56 to plain decimal text. Anything
	// else passes on as written.
	`CREATE OR REPLACE TEMP MACRO v_amount_parts(x) AS regexp_extract(x,
  '^(\()?\s*([+-])?\s*(?:[A-Z]{3}\s+|[$€£¥]\s*)?([+-])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:\s[A-Z]{3}|[$€£¥])?\s*(\))?$',
  ['open', 'sign', 'sign2', 'int', 'frac', 'close'])`,
	`CREATE OR REPLACE TEMP MACRO v_amount_of(p, x) AS CASE
  WHEN p.int = '' OR (p.open = '') <> (p.close = '') OR (p.open <> '' AND p.sign || p.sign2 <> '') OR (p.sign <> '' AND p.sign2 <> '') THEN x
  ELSE CASE WHEN p.open <> '' OR p.sign = '-' OR p.sign2 = '-' THEN '-' ELSE '' END || replace(p.int, ',', '') || p.frac END`,
	`CREATE OR REPLACE TEMP MACRO v_amount(x) AS CASE
  WHEN x IS NULL OR regexp_full_match(x, '-?\d+(\.\d+)?') THEN x
  ELSE v_amount_of(v_amount_parts(x), x) END`,
	`CREATE OR REPLACE TEMP MACRO v_pct(x) AS CASE
  WHEN regexp_full_match(x, '.*\d\s*%') THEN v_amount(trim(rtrim(x, '%')))
  ELSE v_amount(x) END`,
	`CREATE OR REPLACE TEMP MACRO v_num(x) AS try_cast(x AS DECIMAL(38,6))`,
	`CREATE OR REPLACE TEMP MACRO v_true(x) AS coalesce(v_bool(x) = 'true', false)`,
	// The words of a tag list written as text, a JSON array or separated by spaces, commas or semicolons.
	`CREATE OR REPLACE TEMP MACRO v_words(x) AS list_filter(string_split_regex(lower(coalesce(x, '')), '[\[\]",;\s]+'), w -> w <> '')`,
}

// cleanSQL is a raw column made clean: empty is null, and all but free
// text and JSON trimmed.
func cleanSQL(f Field, col string) string {
	if f.Conv == Text || f.Conv == JSON {
		return "nullif(" + wh.Ident(col) + ", '')"
	}
	return "v_clean(" + wh.Ident(col) + ")"
}

// convSQL is the SQL expression converting clean column col; zone returns the
// placeholder of the vendor's time zone (binding it), currency names the
// column of the row's currency and order the column of its file's date
// order (mdy or dmy).
func convSQL(f Field, col, currency, order string, zone func() string) string {
	c := wh.Ident(col)
	switch f.Conv {
	case Text, JSON:
		return c
	case SFID:
		return "v_sfid(" + c + ")"
	case Date:
		return "v_date(" + c + ", " + zone() + ", " + wh.Ident(order) + ")"
	case Time:
		return "v_ts(" + c + ", " + zone() + ", " + wh.Ident(order) + ")"
	case Unix:
		return "v_unix(" + c + ")"
	case UnixDate:
		return "left(v_unix(" + c + "), 10)"
	case Minor:
		return "v_minor(" + c + ", " + wh.Ident(currency) + ")"
	case Upper:
		return "upper(" + c + ")"
	case Lower:
		return "lower(" + c + ")"
	case Bool:
		return "v_bool(" + c + ")"
	case Number:
		return "v_amount(" + c + ")"
	case Percent:
		return "v_pct(" + c + ")"
	default:
		return c
	}
}
