package generate

import (
	"fmt"
	"testing"
)

// bounds is the range a metric must fall in.
type bounds struct{ lo, hi float64 }

func (b bounds) String() string { return fmt.Sprintf("[%g, %g]", b.lo, b.hi) }

// effectChecks gives, per metric, the range expected in the default world
// and in the null world at scale 2. The ranges are wide enough for seed
// noise (measured over several seeds) and narrow enough that a planted
// effect cannot pass as null or the other way round.
var effectChecks = []struct {
	metric        string
	dflt, nullish bounds
}{
	{"eoq_close_share", bounds{0.35, 0.45}, bounds{0.35, 0.45}},
	{"late_quarter_discount_uplift_new", bounds{0.045, 0.08}, bounds{-0.01, 0.01}},
	{"late_quarter_exception_share", bounds{0.6, 0.8}, bounds{0.25, 0.55}},
	{"won_late_share", bounds{0.37, 0.47}, bounds{0.37, 0.47}},
	{"exception_share", bounds{0.18, 0.35}, bounds{0, 0.02}},
	{"renewal_discount_slope", bounds{0.6, 0.8}, bounds{-0.08, 0.08}},
	{"precedent_cite_share", bounds{0.012, 0.05}, bounds{0.012, 0.05}},
	{"precedent_anchor_rate", bounds{0.6, 0.95}, bounds{0, 0.25}},
	{"rep_contagion_uplift", bounds{0.035, 0.08}, bounds{-0.012, 0.012}},
	{"scope_escalation_rate_ratio", bounds{2.2, 3.4}, bounds{0.8, 1.25}},
	{"scope_escalations_per_year_ratio", bounds{2.6, 4.6}, bounds{0.8, 1.25}},
	{"escalation_delay_ratio", bounds{0.2, 0.5}, bounds{0.8, 1.25}},
	{"scope_question_rate_ratio", bounds{2.6, 4.6}, bounds{0.8, 1.25}},
	{"ambiguity_escalation_spearman", bounds{0.15, 0.3}, bounds{-0.05, 0.05}},
	{"shared_config_dispute_ratio", bounds{2.2, 4}, bounds{0.7, 1.35}},
	{"churn_rate", bounds{0.11, 0.19}, bounds{0.11, 0.19}},
	{"renewal_risk_auc", bounds{0.64, 0.75}, bounds{0.43, 0.57}},
}

// TestEffects generates the same company in both worlds and measures every
// planted effect with SQL on the files: the default world must show each in
// its planted direction and the null world must not.
func TestEffects(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two companies at scale 2")
	}
	worlds := []struct {
		name    string
		effects Effects
	}{{"default", DefaultEffects()}, {"null", NoEffects()}}
	for _, w := range worlds {
		t.Run(w.name, func(t *testing.T) {
			dir, _ := mustGenerate(t, Options{Scale: 2, Seed: 2024, Format: "parquet", Effects: w.effects})
			got := measure(mustOpenLake(t, dir, "parquet"), testAsOf, 1)
			for _, c := range effectChecks {
				b := c.dflt
				if w.name == "null" {
					b = c.nullish
				}
				v := got[c.metric]
				t.Logf("%-32s %7.3f", c.metric, v)
				if v < b.lo || v > b.hi {
					t.Errorf("%s: got %.3f, want %v in the %s world", c.metric, v, b, w.name)
				}
			}
		})
	}
}

// TestQuarterRush checks the end-of-quarter rush is there in both worlds
// and follows the fiscal calendar: 35-45% of closes fall in the last 14 days
// of a fiscal quarter.
func TestQuarterRush(t *testing.T) {
	for _, tc := range []struct {
		name    string
		month   int
		effects Effects
	}{
		{"DefaultJanuary", 1, DefaultEffects()},
		{"NullJanuary", 1, NoEffects()},
		{"DefaultFebruary", 2, DefaultEffects()},
		{"NullFebruary", 2, NoEffects()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := mustGenerate(t, Options{Scale: 0.3, Seed: 8, Format: "parquet", Effects: tc.effects, FiscalYearStartMonth: tc.month})
			l := mustOpenLake(t, dir, "parquet")
			got := measure(l, testAsOf, tc.month)["eoq_close_share"]
			if got < 0.35 || got > 0.45 {
				t.Errorf("fiscal year from month %d: %.3f of closes in the last 14 days of the quarter, want 0.35..0.45", tc.month, got)
			}
			// measured against the wrong calendar the rush mostly disappears
			other := measure(mustOpenLake(t, dir, "parquet"), testAsOf, tc.month%12+1)["eoq_close_share"]
			if other > 0.3 {
				t.Errorf("fiscal year from month %d: %.3f of closes late in quarters shifted by a month, want below 0.3", tc.month, other)
			}
		})
	}
}
