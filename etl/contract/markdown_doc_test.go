// The document is written by TestMarkdown with -update and read by
// people; no program renders it, so its renderer lives with its test.

package contract

import (
	"fmt"
	"io"
	"strings"
)

// typeRules says how a value of each type is written in a source file.
var typeRules = map[Type]string{
	ID:        "text; surrounding spaces trimmed",
	Text:      "text as written",
	Enum:      "one of the listed values, any letter case",
	Date:      "`YYYY-MM-DD`",
	Timestamp: "ISO 8601 (`2026-03-31T17:05:00Z`, `2026-03-31 17:05:00+02:00`); no zone means UTC; stored in UTC",
	Money:     "decimal number in the currency's major unit (`1250.50`); no thousands separators or symbols; stored with 2 decimals",
	Price:     "decimal number, stored with 4 decimals",
	Quantity:  "decimal number, stored with 4 decimals",
	Int:       "whole number",
	Bool:      "`true`/`false`, `1`/`0` or `yes`/`no`, any letter case",
	Currency:  "ISO 4217 code, any letter case; empty means the base currency; stored upper case",
	Rate:      "decimal number, stored with 8 decimals",
}

// writeMarkdown renders the contract as the document docs/data-contract.md.
func writeMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString(markdownIntro)
	b.WriteString("\n## Types\n\n| type | written as | stored as |\n|---|---|---|\n")
	for t := ID; t <= Rate; t++ {
		fmt.Fprintf(&b, "| %s | %s | `%s` |\n", t, typeRules[t], t.SQLType())
	}
	b.WriteString("\n## Entities\n\n")
	for _, e := range Entities {
		need := "optional"
		if e.Required {
			need = "required"
		}
		fmt.Fprintf(&b, "### %s (%s)\n\n%s Primary key: `%s`.\n\n", e.Name, need, e.Doc, strings.Join(e.Key, "`, `"))
		b.WriteString("| column | type | required | rules | notes |\n|---|---|---|---|---|\n")
		for _, c := range e.Columns {
			req := ""
			if c.Required {
				req = "yes"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.Name, c.Type, req, columnRules(c), c.Doc)
		}
		if d := e.Derived(); len(d) > 0 {
			b.WriteString("\nAdded at load (see Currencies):\n\n")
			for _, c := range d {
				fmt.Fprintf(&b, "- `%s` (%s): %s\n", c.Name, c.Type, c.Doc)
			}
		}
		if len(e.Checks) > 0 {
			b.WriteString("\nRow rules:\n\n")
			for _, ck := range e.Checks {
				fmt.Fprintf(&b, "- `%s`: %s (fails when `%s`).\n", ck.Column, ck.Message, ck.Fails)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

func columnRules(c Column) string {
	var rules []string
	if len(c.Values) > 0 {
		rules = append(rules, "one of `"+strings.Join(c.Values, "`, `")+"`")
	}
	if c.Min != "" {
		rules = append(rules, "`"+c.Min+"`")
	}
	if c.Ref != "" {
		ref := "references `" + c.Ref + "`"
		if c.RefIfLoaded {
			ref += " when that entity has rows"
		}
		rules = append(rules, ref)
	}
	if c.Default != "" {
		rules = append(rules, "default `"+strings.Trim(c.Default, "'")+"`")
	}
	return strings.Join(rules, "; ")
}

const markdownIntro = `# Data contract

<!-- Generated from etl/contract/contract.go by ` + "`go test ./etl/contract -update`" + `; do not edit by hand. -->

This is what ` + "`precedent etl --source DIR`" + ` reads. The same table in code drives validation,
so this document and the loader cannot disagree.

## Files

- A source is a directory. Each entity is ` + "`<entity>.csv`, `<entity>.parquet`, `<entity>.jsonl`, `<entity>.json`" + `, or a
  folder ` + "`<entity>/`" + ` holding any number of such files (for example daily exports). Files of
  one entity are read in lexical order of their paths; when two rows share a primary key the
  row from the later file (or the later row of one file) wins and the others are quarantined
  as duplicates. A row that breaks a rule of its own or a foreign key wins over nothing: it is
  quarantined for that, and the latest good row of its key stands (or, when an earlier run loaded one,
  that row stays).
- Each run reads only what is new: a file whose content an earlier run loaded is passed over as
  unchanged (a file renamed or moved unchanged too), and the rows of earlier loads stay unless a
  newer row of their key replaces them. A file changed back to content loaded before (v1, then
  v2, then v1 again) is read again: its rows are the newest load.
- CSV: a header row, comma separated, RFC 4180 quoting, UTF-8 (a byte-order mark and CRLF line
  ends are fine). An empty field is null.
- Encodings: a CSV or JSON-lines file that is not valid UTF-8 is still read, with a warning
  naming the file and the encoding used. A file starting with a UTF-16 byte-order mark is read
  as UTF-16. Otherwise each line that is not UTF-8 is read as Windows-1252 (what Excel on
  Windows writes; it reads Latin-1 text the same way), and the other lines as UTF-8. A line
  that decodes as neither (a byte Windows-1252 leaves undefined, such as 0x81, or UTF-8 and
  another encoding mixed in one line) does not stop the file: each row holding such a value is
  quarantined, naming its field and the bytes (shown as ` + "`\\xNN`" + `), and the other rows load.
- JSON lines: one object per line; keys are column names.
- JSON (` + "`.json`" + `): one document, a list of objects or an object holding one list of them, as an
  API page does (` + "`records`" + ` of Salesforce REST, ` + "`data`" + ` of Stripe, ` + "`results`" + ` of HubSpot, ` + "`items`" + ` of
  SuiteQL, ` + "`tickets`" + ` of Zendesk, ` + "`envelopes`" + ` of DocuSign; the only list, else the first of these).
  Each object is a row, numbered by its place in the list. A document holding no list of
  records is refused, saying what it holds. The document is read whole: export large tables as
  JSON lines.
- Parquet: column names as below; typed columns are accepted when their values convert. Text
  stored as bytes without the UTF-8 annotation (as Impala, older Spark and pyarrow's ` + "`binary`" + `
  write it) is read as UTF-8 text; bytes that are not UTF-8 keep an escaped form (` + "`\\xFF`" + `). A
  folder named like a Hive partition (` + "`region=EMEA/`" + `) is only a folder: its name never becomes a
  column.
- Column names are case-insensitive and their order does not matter. Extra columns are ignored
  with one warning per file.
- Hidden files and folders (names starting with a dot) are never read; each is reported as
  skipped, with a warning, in the run's result, the run log and the Runs page.
- Required entities: accounts, deals, contracts. The others are optional: analyses that need a
  missing one show "no data".

## What happens to a bad row

Every input row is either loaded or quarantined with its file, row number (the first data row
is row 1; the header and blank lines are not counted, and a quoted value spanning lines is in one
row), column and reason. Quarantined rows are kept in the
warehouse table ` + "`quarantine`" + ` and as CSV files under ` + "`data/quarantine/run-NNNNNN/`" + `.

- A file missing a required column is rejected whole (its rows are quarantined with that
  reason) and the entity keeps the data of earlier loads.
- A file that cannot be read (truncated Parquet, malformed, a header row no encoding decodes) is
  rejected with a message naming it; the run goes on with the other files and reports the
  failure.
- A file with the same content as one rejected before is not read again; each run warns that it
  is still not loaded, until it is fixed.
- A run ends in success, warning or failure. A warning (which ` + "`precedent etl --strict`" + ` turns into
  an error) means something needs a look: a file rejected, unreadable, skipped as the same
  content as a rejected one, or read in an encoding other than UTF-8; a hidden file skipped; a
  source that yielded no rows at all (the warehouse keeps its earlier data); an analyst's model
  failing; a damaged warehouse rebuilt. Quarantined rows alone do not make a warning. Running
  again on files already loaded is a success.
- Row by row: a required value missing, a value of the wrong type, an unknown enum value, a
  number below its minimum, a row rule below failing, a duplicate primary key, a foreign key
  that matches no row of this or any earlier load, or money in a currency other than the base
  currency for which ` + "`fx_rates`" + ` has no rate dated on or before the row's date.
- Any value longer than ` + "`etl.max_text_length`" + ` characters (10,000 unless configured) or holding a
  NUL byte is quarantined, whatever its column; the quarantine keeps its first
  ` + "`etl.max_text_length`" + ` characters.
- A row whose foreign key points at a quarantined row is quarantined too: fix the parent and
  load both again.
- A CSV row that cannot be split into the header's fields (fewer values than columns, a quote
  left open or followed by text) is quarantined as a malformed CSV row, naming the field where it
  went wrong (the contract's name for it, or the file's for a column the contract does not
  know and in a vendor's export); a row with more values than the header has columns names no
  field.

## Currencies

Money may be in any currency. Every money and price column of the warehouse holds the base
currency (` + "`base_currency`" + ` in the configuration, USD unless set); the value as the source
wrote it stays beside it as ` + "`<column>_original`" + `, in the row's ` + "`currency`" + `, with the
rate that converted it as ` + "`fx_rate`" + ` (1 for the base currency).

- ` + "`fx_rates`" + ` comes from an ` + "`fx_rates`" + ` file of the source and from the rates the vendors export
  (docs/vendors.md): Salesforce DatedConversionRate (and CurrencyType for a currency without dated
  rates; the rate to base is the inverse of Salesforce's ConversionRate, so ` + "`base_currency`" + ` must be
  the org's corporate currency), the exchange rate of a Stripe balance transaction that settled an
  invoice in another currency (dated its day; ` + "`base_currency`" + ` must be the settlement currency) and the
  Exchange Rate of NetSuite transactions (one rate per currency and day). All of them are one table: a row takes the newest rate of its currency on or before its
  date, whichever source gave it.
- The rate is the one of the row's currency in ` + "`fx_rates`" + ` dated on or before the row's date,
  the newest such. The row's date: ` + "`deals`" + ` close_date (created_date for an open deal
  without one, the day of the run when it has neither), ` + "`contracts`" + ` start_date,
  ` + "`invoices`" + ` and ` + "`credit_notes`" + ` issued_date.
- Rows without a currency column are in their parent's currency: ` + "`deal_lines`" + ` in their
  deal's and convert with the deal's rate, ` + "`invoice_lines`" + ` in their invoice's with the
  invoice's rate (so lines add up to their parent in the base currency too), ` + "`credit_notes`" + `
  in their invoice's with the rate of their own issued_date.
- A row in a currency with no such rate is quarantined against its ` + "`currency`" + ` column (a credit
  note against ` + "`amount`" + `) with the reason "no rate for EUR dated on or before 2026-03-01 in
  fx_rates", naming the file and row as every quarantined row does. Rows of the base currency
  never need a rate.
- The conversion happens at load, not in the models: the quarantine that decides whether a row
  loads needs the rate anyway, and converting once means the entity tables, the lake's Parquet
  files, every model (analysts' own too) and every export hold one currency, so no sum can mix
  two. The rate used is stored with the row, so a converted figure can be checked by hand. A
  row keeps the rate it loaded with: a corrected rate applies to rows loaded after it (load
  the rows again, or run with ` + "`--full-refresh`" + `, to convert earlier rows anew).
`
