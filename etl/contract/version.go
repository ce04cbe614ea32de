package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Version identifies the rules rows are loaded by: a hash of every
// entity's key, columns, types, allowed values, bounds, references, checks
// and currency conversion, leaving out the documentation. A new version of
// Precedent that changes a rule changes it.
func Version() string {
	rules := make([]Entity, len(Entities))
	for i, e := range Entities {
		e.Doc = ""
		e.Columns = append([]Column(nil), e.Columns...)
		for j := range e.Columns {
			e.Columns[j].Doc = ""
		}
		rules[i] = e
	}
	b, err := json.Marshal(rules)
	if err != nil {
		panic("contract: " + err.Error()) // plain data: cannot fail
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
