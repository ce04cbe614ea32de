// Package adapters reads the exports of the tools companies already run
// (Salesforce with CPQ and Advanced Approvals, DocuSign, NetSuite, HubSpot,
// Stripe and Zendesk) and maps them onto Precedent's data contract. It
// detects each file's vendor and object from its name and header, keeps one
// readable mapping table per object (vendor field, contract column,
// conversion; docs/vendors.md is generated from it), converts values
// (Salesforce 15/18-character ids, minor units, Unix times, time zones,
// currencies) and joins objects in DuckDB SQL into rows of the contract
// entities. Package etl reads the files and validates what this package
// produces exactly like a contract file; identity across systems goes only
// through ids the data carries or account_xref.csv, never a guess.
package adapters

import (
	"slices"
	"strings"
)

// Role says what the rows of an object become.
type Role int

// The roles of vendor objects.
const (
	Load     Role = iota // rows load into Object.Entity
	Enrich               // rows fill columns of Object.Entity's rows
	Identity             // rows say which account a record of another system belongs to
)

// String says what the role does, as the document phrases it.
func (r Role) String() string {
	return [...]string{"loads into", "enriches", "identifies accounts for"}[r]
}

// Object is one kind of vendor record: a Salesforce object, a Stripe
// resource, a connector table.
type Object struct {
	Vendor string   // salesforce, docusign, netsuite, hubspot, stripe, zendesk, precedent
	Name   string   // as the vendor names it: Opportunity, SBQQ__QuoteLine__c, invoices
	Table  string   // the temp table of its converted rows: v_<vendor>_<short name>
	Files  []string // canonical file stems that name it (besides its canonical name)
	Role   Role
	Entity string // the contract entity it loads into, enriches or identifies for
	Doc    string
	Fields []Field
	// OneOf lists groups of fields of which at least one must be present
	// (each group by field Name).
	OneOf [][]string
	// DeletedStatus is the value of the object's status field that marks a
	// row deleted by the vendor (Zendesk's "deleted"), besides IsDeleted.
	DeletedStatus string
	// Modified is the key of the field holding when the vendor last changed
	// a record (NetSuite's lastmodifieddate, HubSpot's hs_lastmodifieddate):
	// a row with no connector sync time (an API pull's) is versioned by it
	// as by a sync time, so of a record landed by several pulls the latest
	// wins.
	Modified string
	// Key lists the keys of the fields that identify a record, by which the
	// versions of one record are told apart: "id" when empty (NetSuite's
	// transaction lines: transaction and line; HubSpot's hs_object_id).
	Key []string
}

// Field is one vendor field and what becomes of it.
type Field struct {
	Name     string   // as the vendor's API names it
	Aliases  []string // other spellings (connector columns, other API spellings)
	Labels   []string // how report and saved-search exports head the column
	Conv     Conv
	Required bool   // a file without it is rejected
	Maps     string // contract column(s) it feeds, e.g. "deals.net_amount"; empty when used otherwise
	Note     string // how it is used
}

// Key is the field's canonical snake name: the column of the object's table.
func (f Field) Key() string { return Canonical(f.Name) }

// RecordKey lists the canonical keys of the fields that identify a
// record, by which the versions of one record are told apart: Key when
// set, else id when the object has it; none when a field is missing.
func (o *Object) RecordKey() []string {
	keys := o.Key
	if len(keys) == 0 {
		keys = []string{"id"}
	}
	var out []string
	for _, k := range keys {
		if _, ok := o.Field(Canonical(k)); !ok {
			return nil
		}
		out = append(out, Canonical(k))
	}
	return out
}

// ID names the object as configuration does: vendor/Name.
func (o *Object) ID() string { return o.Vendor + "/" + o.Name }

// common are the connector columns every object may carry: the deletion
// flags of Salesforce, Fivetran, Stitch and Airbyte, and their sync times.
var common = []Field{
	{Name: "IsDeleted", Aliases: []string{"archived"}, Conv: Bool, Note: "rows marked deleted (HubSpot's archived) load nothing, are counted as deleted and remove what an earlier run loaded of the record"},
	{Name: "_fivetran_deleted", Conv: Bool, Note: "true: deleted, as IsDeleted"},
	{Name: "_sdc_deleted_at", Conv: Text, Note: "Stitch: a time means deleted"},
	{Name: "_ab_cdc_deleted_at", Conv: Text, Note: "Airbyte (CDC): a time means deleted"},
	{Name: "_fivetran_synced", Conv: Text, Note: "Fivetran's sync time: of two versions of a record, the later sync wins"},
	{Name: "_airbyte_extracted_at", Conv: Text, Note: "Airbyte's sync time, as _fivetran_synced"},
	{Name: "_sdc_batched_at", Conv: Text, Note: "Stitch's sync time, as _fivetran_synced"},
	{Name: "SystemModstamp", Conv: Text, Note: "Salesforce's last change time, as the API sends it: as _fivetran_synced"},
}

// DeletionFlag says whether column, spelled as a table or file heads it,
// is one of the connector columns every object may carry that mark a row
// deleted (IsDeleted, _fivetran_deleted, _sdc_deleted_at,
// _ab_cdc_deleted_at), matched as headers are: IsDeleted, ISDELETED and
// is_deleted alike. isBool is true for the flags that mark a row deleted
// when true; the others mark it deleted when set.
func DeletionFlag(column string) (isBool, ok bool) {
	for _, f := range common {
		if strings.Contains(f.Key(), "deleted") && key(f.Name) == key(column) {
			return f.Conv == Bool, true
		}
	}
	return false, false
}

// syncKeys are the keys of the connector sync times, in the order a row's
// sync time is taken from them; Salesforce's SystemModstamp, which the
// records a Salesforce source pulls carry, last.
var syncKeys = []string{"_fivetran_synced", "_airbyte_extracted_at", "_sdc_batched_at", "system_modstamp"}

// Columns lists the object's fields, with the connector columns every
// object may carry.
func (o *Object) Columns() []Field {
	return append(slices.Clip(o.Fields), common...)
}

// Field returns the field with the given canonical key.
func (o *Object) Field(key string) (Field, bool) {
	for _, f := range o.Columns() {
		if f.Key() == key {
			return f, true
		}
	}
	return Field{}, false
}

// Missing lists the required fields (and one-of groups) a header lacks,
// by the vendor's names.
func (o *Object) Missing(header []string) []string {
	have := map[string]bool{}
	for _, k := range o.Resolve(o.Columns(), header).Keys {
		have[k] = true
	}
	var out []string
	for _, f := range o.Fields {
		if f.Required && !have[f.Key()] {
			out = append(out, f.Name)
		}
	}
	for _, group := range o.OneOf {
		found := false
		for _, n := range group {
			found = found || have[Canonical(n)]
		}
		if !found {
			out = append(out, strings.Join(group, " or "))
		}
	}
	return out
}

// Lookup finds an object by "vendor/Name", matched canonically.
func Lookup(id string) (*Object, bool) {
	v, n, ok := strings.Cut(id, "/")
	if !ok {
		return nil, false
	}
	for _, o := range Objects() {
		if strings.EqualFold(o.Vendor, v) && (Canonical(o.Name) == Canonical(n) || slices.Contains(o.Files, Canonical(n))) {
			return o, true
		}
	}
	return nil, false
}

// Objects is the mapping table of every vendor, in the order the document
// lists them.
func Objects() []*Object {
	var out []*Object
	for _, list := range [][]Object{salesforce, docusign, netsuite, hubspot, stripe, zendesk, precedent} {
		for i := range list {
			out = append(out, &list[i])
		}
	}
	return out
}

// Vendors lists the vendors in document order.
var Vendors = []string{"salesforce", "docusign", "netsuite", "hubspot", "stripe", "zendesk", "precedent"}
