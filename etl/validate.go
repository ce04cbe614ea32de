package etl

import (
	"fmt"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// quarantined is one input row that could not load.
type quarantined struct {
	Row    int64
	Column string
	Reason string
	Raw    string
}

// DefaultMaxTextLength is the most characters a value may have when
// Options.MaxTextLength is not set.
const DefaultMaxTextLength = 10000

// typedSQL returns the SELECT that turns an entity's raw text table into
// _file, _row, the typed columns and _errors, a list of {column, reason}
// for every rule the row breaks (empty for a good row; the list is only
// built for rows that break a rule). A value longer than maxText
// characters, or holding a NUL byte, breaks a rule in every column; nul
// false says no value can hold one (every file was seen to have none),
// which spares scanning every value for it. An
// entity with money in several currencies also gets _fx_currency, _fx_date
// and _fx_rate (fx.go). The base currency is bound as the query's only
// parameter.
func typedSQL(e *contract.Entity, raw string, maxText int, nul bool) string {
	var typed, conds, items []string
	add := func(column, cond, reason string) {
		conds = append(conds, "coalesce("+cond+", false)")
		items = append(items, errorItem(column, cond, reason))
	}
	for _, c := range e.Columns {
		v := "_v_" + c.Name
		typed = append(typed, typedExpr(c, v)+" AS "+wh.Ident(c.Name))
		for _, r := range append(inputRules(v, maxText, nul), columnRules(c, v)...) {
			add(c.Name, r.cond, r.reason)
		}
	}
	for _, ck := range e.Checks {
		add(ck.Column, "("+ck.Fails+")", wh.Literal(ck.Message))
	}
	from := "typed"
	fx := ""
	if e.FX != nil {
		column, cond, reason := fxRule(e)
		add(column, cond, reason)
		from, fx = "rated", ",\n"+fxSQL(e, "typed")
	}
	var clean, cleaned []string
	for _, c := range e.Columns {
		clean = append(clean, cleanExpr(c)+" AS "+wh.Ident("_v_"+c.Name))
		cleaned = append(cleaned, wh.Ident("_v_"+c.Name))
	}
	// The text values are not kept: a quarantined row's come from the raw
	// table, as read.
	return fmt.Sprintf(`WITH src AS (
  SELECT _file, _row, %s FROM %s
), typed AS (
  SELECT *, %s FROM src
)%s
SELECT * EXCLUDE (%s), CASE WHEN %s THEN list_filter([%s], e -> e IS NOT NULL) ELSE [] END AS _errors FROM %s`,
		strings.Join(clean, ", "), raw,
		strings.Join(typed, ",\n    "), fx,
		strings.Join(cleaned, ", "),
		strings.Join(conds, " OR "),
		strings.Join(items, ",\n  "), from)
}

// rawValuesSQL is the JSON object of a row's text values as read from the
// raw table aliased alias, kept with a quarantined row so nobody has to
// re-export to see what was wrong; each value is cut at maxText characters,
// so the quarantine holds no more of a value than the warehouse would.
func rawValuesSQL(e *contract.Entity, alias string, maxText int) string {
	var parts []string
	for _, c := range e.Columns {
		parts = append(parts, fmt.Sprintf("%s: left(%s.%s, %d)", wh.Literal(c.Name), alias, wh.Ident(c.Name), maxText))
	}
	return "to_json({" + strings.Join(parts, ", ") + "})::VARCHAR"
}

// whitespace is what trimming removes (space, tab, newlines, vertical tab,
// form feed), as a SQL literal: DuckDB's one-argument trim removes only
// spaces, and a literal is cheaper per row than building the set.
const whitespace = "' \t\n\v\f\r'"

// cleanExpr normalises a raw text value: empty means null, and every type
// but free text is trimmed of whitespace (all of which sorts at or below
// the space character).
func cleanExpr(c contract.Column) string {
	col := wh.Ident(c.Name)
	if c.Type == contract.Text {
		return "nullif(" + col + ", '')"
	}
	// Most values have nothing to trim; test the ends before copying.
	return "CASE WHEN ascii(" + col + ") > 32 AND ascii(" + col + "[-1:]) > 32 THEN " + col +
		" ELSE nullif(trim(" + col + ", " + whitespace + "), '') END"
}

// typedExpr converts the cleaned text value v to the column's type; the
// result is null when v is null (before defaults) or does not convert.
func typedExpr(c contract.Column, v string) string {
	v = wh.Ident(v)
	var conv string
	switch c.Type {
	case contract.ID, contract.Text:
		conv = v
	case contract.Enum:
		conv = "CASE WHEN lower(" + v + ") IN (" + wh.Literals(c.Values) + ") THEN lower(" + v + ") END"
	case contract.Date:
		// YYYY-MM-DD exactly: DuckDB's cast alone also takes 2024-1-5.
		conv = "CASE WHEN length(" + v + ") = 10 AND substr(" + v + ", 5, 1) = '-' AND substr(" + v + ", 8, 1) = '-' THEN try_cast(" + v + " AS DATE) END"
	case contract.Timestamp:
		conv = "CASE WHEN length(" + v + ") >= 10 AND substr(" + v + ", 5, 1) = '-' AND substr(" + v + ", 8, 1) = '-' THEN try_cast(" + v + " AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END"
	case contract.Money, contract.Price, contract.Quantity, contract.Rate:
		conv = "try_cast(" + v + " AS " + c.Type.SQLType() + ")"
	case contract.Int:
		conv = "CASE WHEN regexp_full_match(" + v + `, '[+-]?\d{1,9}') THEN try_cast(` + v + " AS INTEGER) END"
	case contract.Bool:
		conv = "CASE WHEN lower(" + v + ") IN ('true', '1', 'yes') THEN true WHEN lower(" + v + ") IN ('false', '0', 'no') THEN false END"
	case contract.Currency:
		conv = "CASE WHEN regexp_full_match(" + v + ", '[A-Za-z]{3}') THEN upper(" + v + ") END"
	}
	if c.Default != "" {
		return "CASE WHEN " + v + " IS NULL THEN " + c.Default + " ELSE " + conv + " END"
	}
	if c.Type == contract.Currency {
		// No currency means the base currency.
		return "coalesce(" + conv + ", CASE WHEN " + v + " IS NULL THEN upper($1) END)"
	}
	return conv
}

// rule is one way a value can be wrong: a SQL condition true for a bad
// row, and the reason as a SQL string expression.
type rule struct{ cond, reason string }

// inputRules bound what any value may hold, whatever its column: at most
// maxText characters (counted only when its bytes exceed that, which is
// cheap) and, when nul says it may hold one, no NUL byte, which other tools
// cut text at.
func inputRules(v string, maxText int, nul bool) []rule {
	vi := wh.Ident(v)
	out := []rule{
		{fmt.Sprintf("(strlen(%s) > %d AND length(%s) > %d)", vi, maxText, vi, maxText),
			fmt.Sprintf("'value is ' || length(%s) || ' characters long; the limit is %d'", vi, maxText)},
	}
	if nul {
		out = append(out, rule{"contains(" + vi + ", chr(0))", "'value holds a NUL byte'"})
	}
	return out
}

// columnRules are the rules of one column.
func columnRules(c contract.Column, v string) []rule {
	vi, ti := wh.Ident(v), wh.Ident(c.Name)
	shown := "'''' || left(" + vi + ", 80) || ''''"
	var out []rule
	if c.Required {
		out = append(out, rule{vi + " IS NULL", "'required value missing'"})
	}
	var bad string
	switch c.Type {
	case contract.ID, contract.Text:
	case contract.Enum:
		bad = shown + " || ' is not one of " + strings.Join(c.Values, ", ") + "'"
	case contract.Currency:
		bad = shown + " || ' is not an ISO 4217 currency code'"
	default:
		bad = shown + " || ' is not a valid " + c.Type.String() + hint(c.Type) + "'"
	}
	if bad != "" {
		out = append(out, rule{"(" + vi + " IS NOT NULL AND " + ti + " IS NULL)", bad})
	}
	if c.Min != "" {
		out = append(out, rule{"NOT (" + ti + " " + c.Min + ")", "'must be " + c.Min + ", got ' || " + ti + "::VARCHAR"})
	}
	return out
}

func hint(t contract.Type) string {
	switch t {
	case contract.Date:
		return " (YYYY-MM-DD)"
	case contract.Timestamp:
		return " (ISO 8601)"
	case contract.Bool:
		return " (true/false, 1/0, yes/no)"
	case contract.Int:
		return " (whole number)"
	}
	return " (decimal number)"
}

func errorItem(column, cond, reason string) string {
	return "CASE WHEN " + cond + " THEN {'column': " + wh.Literal(column) + ", 'reason': " + reason + "} END"
}
