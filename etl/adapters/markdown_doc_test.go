// The document is written by TestMarkdown with -update and read by
// people; no program renders it, so its renderer lives with its test.

package adapters

import (
	"fmt"
	"io"
	"strings"
)

// vendorTitles are the vendors as the document heads them.
var vendorTitles = map[string]string{
	"salesforce": "Salesforce (with CPQ and Advanced Approvals)", "docusign": "DocuSign", "netsuite": "NetSuite",
	"hubspot": "HubSpot", "stripe": "Stripe", "zendesk": "Zendesk", "precedent": "Precedent's own mapping file",
}

// writeMarkdown renders the mapping tables as docs/vendors.md.
func writeMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString(markdownIntro)
	b.WriteString(customFieldsDoc)
	b.WriteString("\n## Conversions\n\n| conversion | what it does |\n|---|---|\n")
	for c := Keep; c <= Percent; c++ {
		fmt.Fprintf(&b, "| %s | %s |\n", c, convDocs[c])
	}
	b.WriteString("\n## Mapping tables\n\nA header names a field when it equals the vendor field or one of its other spellings, ignoring\n" +
		"case, spaces and punctuation (see above); a file without a required field is rejected. The table column\n" +
		"is the field's snake_case name.\n")
	for _, v := range Vendors {
		fmt.Fprintf(&b, "\n### %s\n", vendorTitles[v])
		for _, o := range Objects() {
			if o.Vendor != v {
				continue
			}
			names := append([]string{Canonical(o.Name)}, o.Files...)
			fmt.Fprintf(&b, "\n#### %s/%s\n\n%s It %s `%s`. File names: `%s`.\n\n", o.Vendor, o.Name, o.Doc, o.Role, o.Entity, strings.Join(names, "`, `"))
			b.WriteString("| vendor field | other spellings | contract column | conversion | required | notes |\n|---|---|---|---|---|---|\n")
			for _, f := range o.Fields {
				req := ""
				if f.Required {
					req = "yes"
				}
				other := []string{"`" + f.Key() + "`"}
				for _, a := range f.Aliases {
					other = append(other, "`"+a+"`")
				}
				for _, l := range f.Labels {
					other = append(other, `"`+l+`"`)
				}
				cols := "-"
				if f.Maps != "" {
					cols = "`" + strings.ReplaceAll(f.Maps, ", ", "`, `") + "`"
				}
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", f.Name, strings.Join(other, ", "), cols, f.Conv, req, f.Note)
			}
			for _, g := range o.OneOf {
				fmt.Fprintf(&b, "\nOne of `%s` is required.\n", strings.Join(g, "`, `"))
			}
		}
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

// convDocs explain each conversion.
var convDocs = map[Conv]string{
	Keep:     "surrounding white space trimmed; empty is null",
	Text:     "as written; empty is null",
	SFID:     "a 15-character Salesforce id gets its three check characters, so 15- and 18-character references match; 18-character ids are kept",
	Date:     "`YYYY-MM-DD` kept; `M/D/YYYY` or `D/M/YYYY` read in the file's date order (see Dates below), `D.M.YYYY` day first; a date with a time gives its date in UTC",
	Time:     "ISO 8601 with an offset converted to UTC; without one, read in the vendor's zone (`vendors.time_zones`, default UTC); slash and dotted dates with `H:MM`, `H:MM:SS` or `h:mm AM`/`PM` read in the file's date order",
	Unix:     "Unix seconds (or milliseconds, 12 digits or more) to a UTC timestamp; ISO 8601 as `timestamp -> UTC`",
	UnixDate: "as `Unix seconds -> UTC`, then its date",
	Minor:    "an integer in the currency's minor unit divided by 100; by 1 for zero-decimal currencies (BIF, CLP, DJF, GNF, JPY, KMF, KRW, MGA, PYG, RWF, UGX, VND, VUV, XAF, XOF, XPF) and by 1000 for BHD, JOD, KWD, OMR, TND",
	Upper:    "trimmed, upper case: currency codes (money in a currency other than the base currency is converted with fx_rates, see docs/data-contract.md)",
	Lower:    "trimmed, lower case",
	Bool:     "`true`/`false`, `1`/`0`, `yes`/`no`, `T`/`F`, `Y`/`N`, `checked`/`unchecked`, `X`, in any case",
	Number:   "a decimal number; thousands separators (`1,234.56`), a currency symbol or code before or after (`$1,234.56`, `USD 1,234.56`, `1,234.56 EUR`) and parentheses for negatives (`(1,234.56)`) are read; anything else (a decimal comma, `1.234,56`) is passed on and quarantined by the contract",
	JSON:     "JSON text: metadata objects, envelope custom fields, audit events, tag arrays",
	Percent:  "a number of percent: `15`, `15%`, `15.0 %` are 15",
}

const markdownIntro = `# Loading exports of Salesforce, DocuSign, NetSuite, HubSpot, Stripe and Zendesk

<!-- Generated from the mapping tables in etl/adapters by ` + "`go test ./etl/adapters -update`" + `; do not edit by hand. -->

A source folder may hold vendor exports next to (or instead of) files in Precedent's own format
([data-contract.md](data-contract.md)). ` + "`precedent etl --source DIR`" + ` detects each file's vendor and
object, maps it onto the contract's entities with the tables below, and sends the result through
the same validation, quarantine, deduplication, foreign-key checks, lake and merge as any contract file.

## What to export

Put the files anywhere in the source folder, as CSV (a header row), JSON lines, JSON (a list of records, or an
API page holding one: Salesforce REST ` + "`records`" + `, Stripe ` + "`data`" + `, Zendesk ` + "`tickets`" + `, DocuSign ` + "`envelopes`" + `) or Parquet. Both
spellings work: the API names of a report or Data Loader export (` + "`Id`, `AccountId`, `SBQQ__NetPrice__c`" + `)
and the snake_case columns of connector-synced tables (` + "`id`, `account_id`, `sbqq_net_price_c`" + `, with
` + "`_fivetran_synced`" + ` and ` + "`is_deleted`" + `: rows marked deleted by ` + "`is_deleted`, `_fivetran_deleted`" + `, Stitch's
` + "`_sdc_deleted_at`" + `, Airbyte's ` + "`_ab_cdc_deleted_at`" + ` or HubSpot's ` + "`archived`" + ` load no row, are counted as deleted, and
remove what an earlier run loaded of the record: see "Records deleted at the vendor" below). When an object has
several files holding one record synced more than once (by ` + "`_fivetran_synced`, `_airbyte_extracted_at`" + `,
` + "`_sdc_batched_at`" + ` or Salesforce's ` + "`SystemModstamp`" + `; for NetSuite and HubSpot records, by their last-modified date;
for DocuSign envelopes, by their status change time), its latest
sync loads and the earlier ones are skipped as superseded: so the files a connector database's pulls land
([sources.md](sources.md)) load each record once. Files a pull landed from an API with no such time: of
those, the latest landing of a record loads (the later run's file, then the later line) and the earlier ones
are skipped as superseded. Exported files carry no order: of two holding one record, the entity's duplicate
key check loads the later file's row (by name) and quarantines the other.

- **Salesforce**: Account, User, Opportunity, OpportunityLineItem, Contract; with CPQ, SBQQ__QuoteLine__c;
  with Advanced Approvals, sbaa__Approval__c (with its opportunity or quote lookup). Data Loader, a report
  or a connector table each work; export all related objects together.
- **DocuSign**: the envelope export of eSignature (with the ` + "`##SFOpportunity`" + ` / ` + "`##SFAccount`" + ` custom
  fields as columns) or DocuSign for Salesforce's dsfs__DocuSign_Status__c.
- **NetSuite**: saved searches of transactions (customer invoices and credit memos, with their custom form or
  billing schedule and, for credit memos, the transaction they are applied to; export the currency's ISO
  symbol), of transaction lines, and of customers (with their external id); or the connector tables
  ` + "`transaction`, `transactionline`, `customer`" + `.
- **HubSpot**: deals (with their associated company), line items (with their deal), companies, tickets (with
  their company) and the ticket-to-deal association.
- **Stripe**: customers, invoices, invoice line items, credit notes, subscriptions, and dispute records with
  their charge's invoice; amounts stay in the minor unit, times in Unix seconds: both are converted.
- **Zendesk**: organizations, tickets, and ticket field history or ticket audits (escalations come from
  them); the connector's ticket_tag table when tags are not on the ticket.

To see a complete set, write the sample company as one: ` + "`precedent generate --out DIR --layout exports`" + `
(Salesforce Data Loader extracts with CPQ and Advanced Approvals, DocuSign REST envelopes, NetSuite saved
searches with their default labels, Zendesk API JSON with deleted tickets) or ` + "`--layout connector`" + `
(snake_case Salesforce, Stripe and Zendesk tables as Fivetran syncs them, deleted rows included). Each
writes ` + "`precedent.yaml`" + ` beside the files with the custom-field settings it needs, and loads to the same
rows and headline metrics as the company's contract files (docs/generator.md, "Vendor layouts").

## How a file is recognised

1. ` + "`vendors.files`" + ` in the configuration names it: a path or glob relative to the source, mapped to
   ` + "`vendor/Object`" + ` (for example ` + "`exports/extract.csv: salesforce/Opportunity`" + `).
2. Its name: the object's name or a listed file name, in any case, optionally after a vendor prefix
   (` + "`salesforce_`, `sf_`, `stripe_`, `zendesk_`, `zd_`, `netsuite_`, `ns_`, `hubspot_`, `docusign_`" + `)
   or inside a folder named after the vendor (` + "`stripe/invoices.jsonl`" + `); or, when the file's name names no
   object, the name of the folder holding it (` + "`salesforce/opportunity/run-000017.parquet`" + `). When several vendors use the name,
   the header decides. A file named like a contract entity (` + "`tickets.csv`" + `) is a contract file unless
   its header lacks the contract's required columns and has a vendor object's.
3. Its header alone: all required fields and at least three fields of exactly one object.

Header names are compared ignoring case, spaces and punctuation, against every spelling a field
lists: its API name (` + "`AccountId`, `ACCOUNTID`, `accountid`" + ` and connector ` + "`account_id`" + ` all match it),
its aliases and its labels as report and saved-search exports head the column (` + "`Account ID`" + `). When two
columns name one field, or one column names two fields, the closer spelling wins: first a spelling written
exactly as listed, then the API name, then an alias, then a label (in the order listed). So in a NetSuite
customer search with both ` + "`ID`" + ` and ` + "`Internal ID`" + `, ` + "`Internal ID`" + ` is the internal id and ` + "`ID`" + ` is the
entity id, as NetSuite labels them; a column that loses is ignored (listed per file in the run result, its
reason in the log). Unknown columns are ignored too. A file missing a required field is
rejected with an error naming the vendor, object and field; its rows are quarantined.

## Dates

` + "`YYYY-MM-DD`" + ` (with or without a time) and ` + "`D.M.YYYY`" + ` mean one thing. Slash dates do not: ` + "`11/3/2026`" + ` is
3 November in a US account and 11 March elsewhere. ` + "`vendors.date_order`" + ` says per vendor how its exports
write them, as the exporting account's date preference (Salesforce: the user's locale; NetSuite: Set
Preferences > Date Format): ` + "`mdy`" + ` or ` + "`dmy`" + `. Every file is checked:

- with a setting, a date column whose values only the other order reads (` + "`25/3/2026`" + ` under ` + "`mdy`" + `), and none
  only the setting reads, rejects the file with an error naming the file, column and value;
- without one, the values decide: a first part above 12 means day first, a second part above 12 month first;
  a file with both, or with slash dates none of which decides (all parts 12 or less), is rejected with an
  error naming the file and column and asking for ` + "`vendors.date_order`" + `.

A single date that cannot be read in the file's order is quarantined with its value, as any unreadable value.

## Identity across systems

A Stripe customer, a Zendesk organization or a NetSuite customer is an account only through an id the
data carries or through ` + "`account_xref.csv`" + `, never by name or e-mail:

- Stripe: the customer's (or invoice's) metadata key ` + "`vendors.stripe_account_key`" + ` (default
  ` + "`salesforce_account_id`" + `), as a metadata object or a flattened ` + "`key (metadata)`" + ` column;
- Zendesk: the organization's ` + "`external_id`" + `; NetSuite: the customer's ` + "`externalid`" + `;
- ` + "`account_xref.csv`" + ` anywhere in the source folder, columns ` + "`source,source_id,account_id`" + ` (source
  ` + "`stripe`, `zendesk` or `netsuite`" + `); a row there wins over a carried id.

A 15-character Salesforce account id carried elsewhere gets its check characters. A record that
resolves to no account is quarantined with that reason and counted; so are its invoices and tickets.

## What happens to each row

Every row of a vendor file ends in exactly one outcome, counted per file in the run result
(` + "`rows_loaded`, `rows_quarantined`, `rows_enrichment`, `rows_recorded`, `rows_deleted`, `rows_skipped`" + `,
which add up to ` + "`rows_read`" + `); a run where a row has none fails:

- **loaded**: it became a row of a contract entity (with ` + "`_source_file`" + ` and ` + "`_source_row`" + ` pointing at it);
- **quarantined**: in the ` + "`quarantine`" + ` table with its file, row, vendor field and reason;
- **enrichment**: its values filled columns of other rows (an approval, a completed envelope, a field
  history row, a tag, a ticket-deal association, a resolved customer, an account_xref row);
- **recorded**: kept in the warehouse table ` + "`vendor_records`" + ` only: declined, voided or unfinished envelopes
  (never turned into contracts) and card disputes (not B2B invoice disputes). It holds one row per record,
  its latest version's: the records a run reads replace what earlier runs recorded of them (a sent envelope
  since completed is no longer there);
- **deleted**: marked deleted by the vendor or connector, or belonging to a record that is (the field
  history, audits, events and tags of a deleted Zendesk ticket); see below;
- **skipped**: not a record of its own: a draft contract, an opportunity product superseded by CPQ quote
  lines, a NetSuite main or tax line, a void credit note, an earlier sync or landing of a record.

Per entity, rows read (contract files plus rows the vendor step handed to the entity or quarantined for
it) = loaded + quarantined, as for contract files. Vendor objects enrich each other, so they are read as
a set: when any vendor file changed, all are read again; when none did, all are skipped as unchanged.
The rows of a file read again unchanged are no newer than its first load: a row of the same key that a
later run loaded from another file (a correction in ` + "`accounts/fix.csv`" + `, say) stays, the vendor
row is quarantined as superseded by it, and a record the file marks deleted does not remove it. A file
moved unchanged counts from its first load where it was. A changed export of the file is the newest
load and wins.

## Records deleted at the vendor

A row marked deleted loads nothing, and the run removes from the warehouse the row an earlier run loaded
of the record. The record's key is the one its entity's mapping gives it (an Opportunity's ` + "`Id`" + ` is
` + "`deals.deal_id`" + `, a Zendesk ticket's ` + "`id`" + ` is ` + "`tickets.ticket_id`" + `, a NetSuite credit memo's ` + "`id`" + `
is ` + "`credit_notes.credit_note_id`" + `): the mapping runs over the deleted rows too. Rows that refer to a removed
row through a foreign key of the contract (a deleted opportunity's deal lines and contract, a deleted
invoice's lines and credit notes) are removed with it: a fresh load would quarantine them, as the run
quarantines those of its own rows that still refer to it (a quote line of the deleted opportunity's
quote, a renewal of the contract removed with it). So after a run the warehouse holds what a fresh load of the same files would. The run result
counts both per entity (` + "`rows_deleted`, `rows_orphaned`" + `; ` + "`precedent etl`" + ` prints them), the entity's
table version changes, and the lake keeps the removed keys beside the run's rows
(` + "`lake/<entity>/run-NNNNNN.removed.parquet`" + `), so a rebuild replaying the run removes them too. Rows a
run loads itself are never removed. A record deleted without a trace (a hard delete, a row missing from
a new full export) is not seen: only ` + "`--full-refresh`" + ` drops it.

## Configuration

` + "```yaml" + `
vendors:
  files:                        # file -> vendor/Object, when name and header do not say
    exports/extract.csv: salesforce/Opportunity
  time_zones:                   # zone of times written without an offset, per vendor (default UTC)
    salesforce: America/New_York
  date_order:                   # how slash dates are written, per vendor: mdy or dmy (default: each file's values decide)
    netsuite: mdy
  stripe_account_key: salesforce_account_id   # Stripe metadata key holding the account id
  stripe_contract_key: salesforce_contract_id # ... holding the contract id (invoices, subscriptions)
  stripe_dispute_key: disputed  # invoice metadata key marking a dispute
  stripe_billing_config: price  # what of an invoice's lines is its billing_config_id: price, plan or none
  dispute_credit_reasons: [product_unsatisfactory]   # credit note reasons that mark a dispute
  dispute_reasons: [product_unacceptable, product_not_received, subscription_canceled, credit_not_processed, duplicate, general]
  escalation_tags: [escalated]  # a tag added means escalated (Zendesk)
  escalation_groups: []         # group ids meaning escalated (Zendesk)
  categories:                   # tag, Zendesk type or HubSpot category -> ticket category
    scope_question: scope_question
    problem: bug
  approval_levels:              # Advanced Approvals step -> approval level
    "1": manager
    "2": director
    "3": vp
    "4": cfo
` + "```" + `

An invoice without a contract id (metadata or its subscription's) belongs to its account's contract
running on its issue date, the latest starting one, as the models attribute tickets.
`
