package salesforce

import (
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl/adapters"
)

// The fields every pulled object is read with besides the adapter's: the
// id, the deletion flag queryAll sets, and the time the cursor follows.
const (
	fieldID       = "Id"
	fieldDeleted  = "IsDeleted"
	fieldModstamp = "SystemModstamp"
)

// adapterObjects are the Salesforce objects the adapters read, in the
// adapters' order.
func adapterObjects() []*adapters.Object {
	var out []*adapters.Object
	for _, o := range adapters.Objects() {
		if o.Vendor == "salesforce" {
			out = append(out, o)
		}
	}
	return out
}

// adapterObject is the adapter object of an API name, case-insensitively.
func adapterObject(name string) (*adapters.Object, bool) {
	for _, o := range adapterObjects() {
		if strings.EqualFold(o.Name, name) {
			return o, true
		}
	}
	return nil, false
}

func adapterObjectNames() []string {
	var out []string
	for _, o := range adapterObjects() {
		out = append(out, o.Name)
	}
	return out
}

// wanted are the fields a pull asks of object o: the adapter's, the custom
// fields the configuration maps for it, and Id, IsDeleted and
// SystemModstamp.
func wanted(o *adapters.Object, vendors adapters.Config) []string {
	out := []string{fieldID, fieldDeleted, fieldModstamp}
	for _, f := range o.Fields {
		out = append(out, f.Name)
	}
	for id, cols := range vendors.CustomFields {
		if lo, ok := adapters.Lookup(id); ok && lo == o {
			for _, name := range cols {
				out = append(out, strings.TrimSpace(name))
			}
		}
	}
	return out
}

// present keeps the fields of want that the object's describe lists,
// spelt as the describe spells them, each once, in the order of want.
func present(want []string, described []describedField) []describedField {
	var out []describedField
	for _, w := range want {
		i := slices.IndexFunc(described, func(f describedField) bool { return strings.EqualFold(f.Name, w) })
		if i >= 0 && !slices.ContainsFunc(out, func(f describedField) bool { return f.Name == described[i].Name }) {
			out = append(out, described[i])
		}
	}
	return out
}
