package contract

import "strings"

// FXRates is the entity holding exchange rates to the base currency.
const FXRates = "fx_rates"

// FX says how an entity's rows convert to the base currency. Every Money
// and Price column of the entity is stored in the base currency; the value
// as the source wrote it is kept beside it as <column>_original, with the
// row's currency and the rate used (fx_rate).
type FX struct {
	// Date is a SQL expression over the entity's typed columns: the date
	// whose rate converts the row (the rate of the row's currency dated on
	// or before it, the newest such). Empty takes the parent's rate.
	Date string
	// Parent, "entity.column", names the row's parent: the row is in the
	// parent's currency (matched on the column of the same name). Empty
	// means the entity has a currency column of its own.
	Parent string
}

// ParentEntity returns the parent entity and the column joining the two.
func (f *FX) ParentEntity() (entity, column string) {
	entity, column, _ = strings.Cut(f.Parent, ".")
	return entity, column
}

// Converted lists the entity's columns converted to the base currency.
func (e *Entity) Converted() []Column {
	if e.FX == nil {
		return nil
	}
	var out []Column
	for _, c := range e.Columns {
		if c.Type == Money || c.Type == Price {
			out = append(out, c)
		}
	}
	return out
}

// Derived lists the columns the warehouse table of an entity holds beyond
// its contract columns: the original of each converted column, the
// currency of a row whose currency is its parent's, and the rate used.
func (e *Entity) Derived() []Column {
	if e.FX == nil {
		return nil
	}
	var out []Column
	for _, c := range e.Converted() {
		out = append(out, Column{Name: c.Name + "_original", Type: c.Type, Doc: "`" + c.Name + "` as the source wrote it, in `currency`."})
	}
	if e.FX.Parent != "" {
		p, _ := e.FX.ParentEntity()
		out = append(out, Column{Name: "currency", Type: Currency, Doc: "The currency of the " + strings.TrimSuffix(p, "s") + " the row belongs to."})
	}
	out = append(out, Column{Name: "fx_rate", Type: Rate, Doc: "The rate that converted the row to the base currency: 1 for the base currency."})
	return out
}
