package format

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"
)

func TestMoney(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{1.25e6, "$1.2M"}, {15_100_000, "$15.1M"}, {45_000, "$45k"}, {-45_000, "-$45k"}, {9999, "$9,999"},
		{9999.6, "$10,000"}, {0, "$0"}, {-12.4, "-$12"}, {math.NaN(), "–"},
	} {
		if got := Money(tt.f); got != tt.want {
			t.Errorf("Money(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestDollars(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{177613.99, "$177,614"}, {0, "$0"}, {-1250.4, "-$1,250"}, {1e6, "$1,000,000"}, {0.4, "$0"}, {math.NaN(), "–"},
	} {
		if got := Dollars(tt.f); got != tt.want {
			t.Errorf("Dollars(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestMoneyAxis(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{4e7, "$40M"}, {1.5e6, "$1.5M"}, {250000, "$250k"}, {900, "$900"}, {0, "$0"}, {-2e6, "-$2M"},
	} {
		if got := MoneyAxis(tt.f); got != tt.want {
			t.Errorf("MoneyAxis(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {-4611, "-4,611"}, {2.5, "2.50"}, {math.NaN(), "–"},
	} {
		if got := Count(tt.f); got != tt.want {
			t.Errorf("Count(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestFixedDecimalGroup(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{Fixed(1391256.8, 2), "1,391,256.80"}, {Fixed(-45, 2), "-45.00"}, {Fixed(math.NaN(), 2), "–"},
		{Decimal(2.1450000000000005, 4), "2.145"}, {Decimal(0.123456789, 4), "0.1235"}, {Decimal(1200, 4), "1,200"},
		{Decimal(-0.00001, 2), "-0.00001"}, {Decimal(0.000123456, 4), "0.000123"}, {Decimal(-0.0000412345, 4), "-0.0000412"},
		{Decimal(0, 4), "0"}, {Decimal(-1234567.25, 4), "-1,234,567.25"},
		{Group("1234567.8900"), "1,234,567.8900"}, {Group("-999"), "-999"}, {Group("170141183460469231731687303715884105727"), "170,141,183,460,469,231,731,687,303,715,884,105,727"},
		{Group("abc"), "abc"}, {Group("1e10"), "1e10"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

type decimal struct{ f float64 }

func (d decimal) Float64() float64 { return d.f }

func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want float64 // NaN: not a number
	}{
		{1.5, 1.5}, {int64(7), 7}, {int32(-3), -3}, {big.NewInt(1 << 40), 1 << 40}, {json.Number("2.25"), 2.25},
		{"12.5", 12.5}, {decimal{3.75}, 3.75}, {nil, math.NaN()}, {"12,5", math.NaN()}, {"abc", math.NaN()}, {true, math.NaN()},
	} {
		got := Number(tt.v)
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("Number(%#v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
