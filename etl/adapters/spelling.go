package adapters

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// A header names a field when its key (lower case, letters and digits
// only) equals the key of one of the field's spellings: its API name, its
// aliases (connector columns, other API spellings) and its labels (report
// and saved-search columns). So AccountId, ACCOUNTID, accountid,
// account_id and "Account ID" all name Opportunity.AccountId.
//
// When two columns name one field, or one column names two fields, the
// closer spelling wins, in this order:
//
//  1. written exactly as listed (NetSuite's "Internal ID" label beats "ID",
//     which is the API name id in another case and, as written, the label
//     of entityid);
//  2. the API name, then an alias, then a label (in the order listed).
//
// A column that loses is ignored and reported with the column that won.

// Spelling ranks.
const (
	rankName  = iota // the field's API name
	rankAlias        // an alias: a connector column or another API spelling
	rankLabel        // a label: how reports and saved searches head the column
)

// key is a spelling's comparison form: lower case letters and digits only.
func key(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Spellings lists every accepted spelling of the field: its name, aliases
// and labels, in priority order.
func (f Field) Spellings() []string {
	return slices.Concat([]string{f.Name}, f.Aliases, f.Labels)
}

// candidate is one field a header column may fill, and how closely.
type candidate struct {
	col   int
	field string
	score int // lower is closer
}

// candidates lists the fields among fields that header names, closest first.
func (o *Object) candidates(fields []Field, col int, header string) []candidate {
	h := strings.TrimPrefix(strings.TrimSpace(header), "\ufeff")
	k := key(h)
	if o.Vendor == "hubspot" {
		// HubSpot connector columns carry a property_ prefix.
		if rest, ok := strings.CutPrefix(Canonical(h), "property_"); ok {
			k = key(rest)
		}
	}
	var out []candidate
	for _, f := range fields {
		best := -1
		for i, s := range f.Spellings() {
			if key(s) != k {
				continue
			}
			rank := rankLabel
			switch {
			case i == 0:
				rank = rankName
			case i <= len(f.Aliases):
				rank = rankAlias
			}
			score := rank*100 + i
			if s != h {
				score += 1000
			}
			if best < 0 || score < best {
				best = score
			}
		}
		if best >= 0 {
			out = append(out, candidate{col: col, field: f.Key(), score: best})
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return a.score - b.score })
	return out
}

// Resolution says which field each column of a header fills.
type Resolution struct {
	// Keys holds, per column, the key of the field it fills, or "" when it
	// fills none.
	Keys []string
	// Dropped explains, per column that names a field another column
	// fills, which column won; by column index.
	Dropped map[int]string
}

// Resolve maps the columns of a header onto fields (see the rules above).
func (o *Object) Resolve(fields []Field, header []string) Resolution {
	var all []candidate
	for i, h := range header {
		all = append(all, o.candidates(fields, i, h)...)
	}
	slices.SortStableFunc(all, func(a, b candidate) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return a.col - b.col
	})
	res := Resolution{Keys: make([]string, len(header)), Dropped: map[int]string{}}
	taken := map[string]int{}
	named := map[int]string{}
	for _, c := range all {
		if _, ok := named[c.col]; !ok {
			named[c.col] = c.field
		}
		if res.Keys[c.col] != "" {
			continue
		}
		if _, ok := taken[c.field]; ok {
			continue
		}
		res.Keys[c.col] = c.field
		taken[c.field] = c.col
	}
	for col, field := range named {
		if res.Keys[col] == "" {
			res.Dropped[col] = fmt.Sprintf("column %q also names %s, which column %q fills (closer spelling)", header[col], field, header[taken[field]])
		}
	}
	return res
}

// match returns the key of the field a header names among fields: its
// closest candidate.
func (o *Object) match(fields []Field, header string) (string, bool) {
	c := o.candidates(fields, 0, header)
	if len(c) == 0 {
		return "", false
	}
	return c[0].field, true
}
