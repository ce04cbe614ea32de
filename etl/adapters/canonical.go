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

// SalesforceID18 returns the 18-character, case-insensitive form of a
// 15-character Salesforce id: three check characters, one per five
// characters, each encoding which of those five are upper case. Other
// values are returned unchanged. The SQL macro v_sfid does the same; tests
// hold the two together.
func SalesforceID18(id string) string {
	if len(id) != 15 {
		return id
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	suffix := make([]byte, 3)
	for c := 0; c < 3; c++ {
		n := 0
		for i := 0; i < 5; i++ {
			ch := id[c*5+i]
			if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9') {
				return id
			}
			if 'A' <= ch && ch <= 'Z' {
				n |= 1 << i
			}
		}
		suffix[c] = alphabet[n]
	}
	return id + string(suffix)
}
