package adapters

import (
	"strings"
	"unicode"
)

// Canonical is the one snake_case form a header is matched on. It spells
// names the way connectors (Fivetran style) do: AccountId -> account_id,
// SBQQ__NetPrice__c -> sbqq_net_price_c, envelopeId -> envelope_id,
// "Close Date" -> close_date. A leading underscore is kept
// (_fivetran_synced); any other run of non-letters and non-digits becomes
// one underscore.
func Canonical(name string) string {
	// "IDs" is one word (Associated Company IDs -> associated_company_ids).
	name = strings.ReplaceAll(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")), "IDs", "Ids")
	rs := []rune(name)
	var b strings.Builder
	lead := len(rs) > 0 && rs[0] == '_'
	sep := false
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			sep = true
			continue
		}
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				sep = true
			}
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(unicode.ToLower(r))
	}
	if lead {
		return "_" + b.String()
	}
	return b.String()
}
