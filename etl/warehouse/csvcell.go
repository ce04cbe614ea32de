package warehouse

import "regexp"

// SafeCell neutralises a CSV cell that a spreadsheet would read as a
// formula (CSV injection): text starting with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, as OWASP and Apache Superset
// recommend. Negative numbers are left as they are. Only CSVs for people
// go through it; Parquet and JSON keep the values unchanged.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if negativeNumber.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}

var negativeNumber = regexp.MustCompile(`^-[$€£]?[0-9][0-9,]*(\.[0-9]+)?([eE][-+]?[0-9]+)?%?$`)
