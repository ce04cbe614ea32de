package adapters

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// custom is one setting of vendors.fields resolved against its object: the
// export's field that fills a contract column.
type custom struct {
	Entity, Column string // the contract column it fills
	Name           string // the field as the setting spells it
	Key            string // the column of the object's raw table holding it
	Conv           Conv   // the conversion of the contract column's type
	known          bool   // the field is one of the object's own
}

// Col is the column of the object's converted table holding the value.
func (c custom) Col() string { return "custom_" + c.Entity + "_" + c.Column }

// customs resolves the custom-field settings of object o, in a stable
// order; settings that do not validate are left out.
func (c Config) customs(o *Object) []custom {
	var out []custom
	for id, cols := range c.CustomFields {
		if lo, ok := Lookup(id); !ok || lo != o || o.Role != Load {
			continue
		}
		for target, name := range cols {
			ent, col, err := customTarget(o, target)
			if err != nil || strings.TrimSpace(name) == "" {
				continue
			}
			e, _ := contract.Lookup(ent)
			cc, _ := e.Column(col)
			cu := custom{Entity: ent, Column: col, Name: strings.TrimSpace(name), Conv: convOf(cc.Type)}
			if k, ok := o.match(c.baseFields(o), cu.Name); ok {
				cu.Key, cu.known = k, true
			} else {
				cu.Key = Canonical(cu.Name)
			}
			out = append(out, cu)
		}
	}
	slices.SortFunc(out, func(a, b custom) int { return strings.Compare(a.Col(), b.Col()) })
	return out
}

// customTarget reads a setting's inner key: a column of the entity o loads,
// or entity.column of another entity o's fields feed.
func customTarget(o *Object, target string) (string, string, error) {
	ent, col, qualified := strings.Cut(strings.TrimSpace(target), ".")
	if !qualified {
		ent, col = o.Entity, ent
	}
	feeds := o.feeds()
	if !slices.Contains(feeds, ent) {
		return "", "", fmt.Errorf("%s %s does not feed %s (it feeds %s)", o.Vendor, o.Name, ent, strings.Join(feeds, ", "))
	}
	e, ok := contract.Lookup(ent)
	if !ok {
		return "", "", fmt.Errorf("%s is no contract entity", ent)
	}
	if _, ok := e.Column(col); !ok {
		var names []string
		for _, c := range e.Columns {
			names = append(names, c.Name)
		}
		return "", "", fmt.Errorf("%s has no column %q (%s)", ent, col, strings.Join(names, ", "))
	}
	return ent, col, nil
}

// feeds lists the entities whose rows o's rows become: its own, then those
// its fields map to.
func (o *Object) feeds() []string {
	out := []string{o.Entity}
	for _, f := range o.Fields {
		for _, m := range strings.Split(f.Maps, ", ") {
			if ent, _, ok := strings.Cut(m, "."); ok && !slices.Contains(out, ent) {
				out = append(out, ent)
			}
		}
	}
	return out
}

// validateCustom checks vendors.fields, naming the setting that is wrong.
func (c Config) validateCustom() []error {
	var errs []error
	for _, id := range sortedKeys(c.CustomFields) {
		o, ok := Lookup(id)
		if !ok {
			errs = append(errs, fmt.Errorf("vendors.fields.%s: %q is no vendor object (vendor/Object, see docs/vendors.md)", id, id))
			continue
		}
		if o.Role != Load {
			errs = append(errs, fmt.Errorf("vendors.fields.%s: %s %s %s %s; custom fields map only objects whose rows load", id, o.Vendor, o.Name, o.Role, o.Entity))
			continue
		}
		for _, target := range sortedKeys(c.CustomFields[id]) {
			if _, _, err := customTarget(o, target); err != nil {
				errs = append(errs, fmt.Errorf("vendors.fields.%s.%s: %w", id, target, err))
			}
			if strings.TrimSpace(c.CustomFields[id][target]) == "" {
				errs = append(errs, fmt.Errorf("vendors.fields.%s.%s: no field name", id, target))
			}
		}
	}
	return errs
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// convOf is the conversion a value bound for a column of type t gets.
func convOf(t contract.Type) Conv {
	switch t {
	case contract.Text:
		return Text
	case contract.Enum:
		return Lower
	case contract.Date:
		return Date
	case contract.Timestamp:
		return Time
	case contract.Money, contract.Price, contract.Quantity, contract.Int:
		return Number
	case contract.Bool:
		return Bool
	case contract.Currency:
		return Upper
	default:
		return Keep
	}
}

// applyCustom overwrites entity e's columns in table vb with the custom
// fields mapped onto them, for the rows their input rows gave; an empty
// custom value leaves the mapped value.
func (s *Set) applyCustom(ctx context.Context, e *contract.Entity, vb string) error {
	for _, o := range Objects() {
		for _, cu := range s.cfg.customs(o) {
			if cu.Entity != e.Name {
				continue
			}
			c := wh.Ident(cu.Col())
			q := fmt.Sprintf("UPDATE %s SET %s = x.%s FROM %s x WHERE %[1]s._file = x._file AND %[1]s._row = x._row AND x.%[3]s IS NOT NULL",
				vb, wh.Ident(cu.Column), c, wh.Ident(o.Table))
			if err := s.exec(ctx, q); err != nil {
				return fmt.Errorf("vendors.fields.%s.%s: %w", o.ID(), cu.Column, err)
			}
		}
	}
	return nil
}

// customFieldsDoc documents vendors.fields in docs/vendors.md.
const customFieldsDoc = `
## Custom fields

Companies keep what no standard field holds in custom fields: ` + "`Auto_Renew__c`" + ` and ` + "`Side_Letter__c`" + ` on a
Salesforce contract, a ` + "`custbody_`" + ` field on a NetSuite transaction. ` + "`vendors.fields`" + ` maps any such field
of an object whose rows load (keys ` + "`vendor/Object`" + ` as the tables below name them) onto a column of the
entity it loads (` + "`column`" + `), or of another entity its rows feed (` + "`entity.column`" + `, for example
` + "`credit_notes.reason`" + ` for NetSuite transactions). The field is matched in any spelling or case, like
every header; its value is converted by the contract column's type (a boolean, a date, a number...) and
overrides what the mapping tables give the column; an empty value leaves that. A setting naming an
unknown object, an object that only enriches or identifies, an entity the object does not feed, or a
column the entity does not have stops the start-up with an error naming the setting.

` + "```yaml" + `
vendors:
  fields:
    salesforce/Contract:        # contracts
      auto_renew: Auto_Renew__c
      has_side_letter: Side_Letter__c
    salesforce/Opportunity:     # deals
      discount_reason: Discount_Reason__c
    netsuite/transaction:       # invoices (and credit_notes)
      is_disputed: custbody_disputed
      dispute_reason: custbody_dispute_reason
    hubspot/deals:              # deals
      discount_reason: discount_reason
    stripe/invoices:            # invoices
      billing_config_id: collection_method
    zendesk/tickets:            # tickets
      contract_id: custom_field_contract_id
` + "```" + `
`
