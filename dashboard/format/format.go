// Package format writes numbers for people, the same way on the dashboard,
// in the weekly report and in the mail: money shortly ($1.2M, $45k,
// $9,999), counts with thousands separators, and reads query values as
// numbers strictly.
package format

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Money writes an amount of money shortly: $1.2M, $45k, $9,999, -$45k;
// "–" for NaN.
func Money(f float64) string {
	if math.IsNaN(f) {
		return "–"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	switch {
	case f >= 1e6:
		return fmt.Sprintf("%s$%.1fM", sign, f/1e6)
	case f >= 1e4:
		return fmt.Sprintf("%s$%.0fk", sign, f/1e3)
	}
	return sign + "$" + Count(math.Round(f))
}

// MoneyAxis writes an amount of money as a chart axis labels it, as
// short as its value allows: $40M, $1.5M, $250k, $900, $0.
func MoneyAxis(f float64) string {
	s := Money(f)
	if strings.HasSuffix(s, ".0M") {
		s = strings.TrimSuffix(s, ".0M") + "M"
	}
	return s
}

// Dollars writes an amount of money in whole dollars with thousands
// separators, for tables and sentences that give the exact figure:
// $177,614, -$1,250; "–" for NaN.
func Dollars(f float64) string {
	if math.IsNaN(f) {
		return "–"
	}
	f = math.Round(f)
	if f < 0 {
		return "-$" + Count(-f)
	}
	return "$" + Count(f)
}

// Count writes a number with thousands separators, or with two decimals
// when it is not whole; "–" for NaN.
func Count(f float64) string {
	if math.IsNaN(f) {
		return "–"
	}
	if f != math.Trunc(f) {
		return fmt.Sprintf("%.2f", f)
	}
	s := strconv.FormatInt(int64(math.Abs(f)), 10)
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Fixed writes f with thousands separators and exactly places decimals:
// 1,391,256.80; "–" for NaN.
func Fixed(f float64, places int) string {
	if math.IsNaN(f) {
		return "–"
	}
	return Group(strconv.FormatFloat(f, 'f', places, 64))
}

// Decimal writes f with thousands separators and at most places decimals,
// trailing zeros dropped: 2.145, 1,200, 0.3333; a small number keeps
// three significant digits (0.000123). "–" for NaN.
func Decimal(f float64, places int) string {
	if math.IsNaN(f) {
		return "–"
	}
	if a := math.Abs(f); a > 0 && a < 1 {
		places = min(max(places, 2-int(math.Floor(math.Log10(a)))), 15)
	}
	s := strconv.FormatFloat(f, 'f', places, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return Group(s)
}

// Group puts thousands separators into a number written in digits
// ("-1234567.5" -> "-1,234,567.5"), exactly, whatever its size; anything
// else comes back unchanged.
func Group(s string) string {
	sign, digits := "", s
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	whole, frac, hasFrac := strings.Cut(digits, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" {
		return s
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Number reads a query value (or a value decoded from JSON) as a number:
// NaN for null and for anything that is not a number, never a silent 0.
func Number(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case int:
		return float64(x)
	case int16:
		return float64(x)
	case int8:
		return float64(x)
	case uint64:
		return float64(x)
	case uint32:
		return float64(x)
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f
		}
	case interface{ Float64() float64 }: // duckdb.Decimal
		return x.Float64()
	}
	return math.NaN()
}
