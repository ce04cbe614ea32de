package queries_test

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/generate"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// TestHonesty generates the same company twice, once with every effect of
// docs/generator.md planted and once with none, and reads the headline
// metrics from the published marts only. Each planted effect must be found
// in the right direction near its documented strength, and each metric
// must sit at its null when there is nothing to find. The seed is fixed, so
// the test is deterministic; the tolerances are about three standard errors
// at this scale (about 2,000 accounts), so another seed passes too.
func TestHonesty(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads two companies")
	}
	asOf := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	world := func(t *testing.T, fx generate.Effects) *testDB {
		data, err := company.Company(context.Background(), t.TempDir(), generate.Options{Scale: 1, Seed: 42, AsOf: asOf, Format: "parquet", Effects: fx}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return &testDB{t: t, db: fixture.OpenPublished(t, data)}
	}
	type bound struct{ lo, hi float64 }
	t.Run("Planted", func(t *testing.T) {
		w := world(t, generate.DefaultEffects())
		tests := []struct {
			metric string
			want   bound
		}{
			{"renewal_discount_slope", bound{0.55, 0.85}},        // planted 0.6 kept + 0.4 * 0.3 partial = 0.72
			{"late_quarter_discount_uplift", bound{0.03, 0.07}},  // planted +0.06 on late-quarter deals
			{"rep_contagion_uplift", bound{0.025, 0.09}},         // planted +0.04 after the first exception
			{"scope_escalation_rate_ratio", bound{2.0, 4.5}},     // about 2.8 at scale 10
			{"scope_question_rate_ratio", bound{2.5, 5.5}},       // about 3.5 at scale 10
			{"ambiguity_escalation_spearman", bound{0.12, 0.35}}, // about 0.24 at scale 10
			{"shared_config_dispute_ratio", bound{2.2, 4.5}},     // planted 3x
			{"renewal_risk_auc", bound{0.62, 0.80}},              // about 0.7
			{"billing_leakage_pct", bound{-0.03, 0.05}},          // nothing planted
		}
		for _, tt := range tests {
			v, lo, hi, n := metric(t, w.db, tt.metric)
			if v < tt.want.lo || v > tt.want.hi {
				t.Errorf("%s = %.3f (n=%d, CI %.3f-%.3f), want %.2f-%.2f", tt.metric, v, n, lo, hi, tt.want.lo, tt.want.hi)
			}
		}
		// Shares have no fixed null: compare with what chance gives.
		share, _, _, _ := metric(t, w.db, "late_quarter_exception_share")
		if base := w.number("SELECT null_value FROM headline_metrics WHERE metric = 'late_quarter_exception_share'"); share < base+0.15 {
			t.Errorf("late_quarter_exception_share = %.3f, want well above the late share of all won deals %.3f", share, base)
		}
		if rate, _, _, _ := metric(t, w.db, "precedent_anchor_rate"); rate < 0.35 {
			t.Errorf("precedent_anchor_rate = %.3f, want above 0.35 (chance is about 0.1)", rate)
		}
		// The CI of every planted ratio excludes its null.
		for _, m := range []string{"scope_escalation_rate_ratio", "scope_question_rate_ratio", "shared_config_dispute_ratio"} {
			if _, lo, _, _ := metric(t, w.db, m); lo <= 1 {
				t.Errorf("%s: CI low %.3f does not exclude 1", m, lo)
			}
		}
	})
	t.Run("Null", func(t *testing.T) {
		w := world(t, generate.NoEffects())
		tests := []struct {
			metric string
			want   bound
		}{
			{"renewal_discount_slope", bound{-0.1, 0.1}},
			{"late_quarter_discount_uplift", bound{-0.01, 0.01}},
			{"rep_contagion_uplift", bound{-0.02, 0.02}},
			{"scope_escalation_rate_ratio", bound{0.7, 1.4}},
			{"scope_question_rate_ratio", bound{0.7, 1.4}},
			{"ambiguity_escalation_spearman", bound{-0.06, 0.06}},
			{"shared_config_dispute_ratio", bound{0.7, 1.45}},
			{"renewal_risk_auc", bound{0.42, 0.58}},
			{"billing_leakage_pct", bound{-0.03, 0.05}},
			{"precedent_anchor_rate", bound{0, 0.3}},
		}
		for _, tt := range tests {
			v, lo, hi, n := metric(t, w.db, tt.metric)
			if v < tt.want.lo || v > tt.want.hi {
				t.Errorf("%s = %.3f (n=%d, CI %.3f-%.3f), want %.2f-%.2f", tt.metric, v, n, lo, hi, tt.want.lo, tt.want.hi)
			}
		}
		share, _, _, n := metric(t, w.db, "late_quarter_exception_share")
		base := w.number("SELECT null_value FROM headline_metrics WHERE metric = 'late_quarter_exception_share'")
		if se := math.Sqrt(base * (1 - base) / float64(n)); math.Abs(share-base) > 3*se {
			t.Errorf("late_quarter_exception_share = %.3f (n=%d), want within 3 SE of the late share of all won deals %.3f", share, n, base)
		}
	})
}

// TestHonestyConfounded is the world real companies look like: segment
// drives both sides of every effect (enterprise deals close late and carry
// larger discounts; enterprise contracts are vaguer and raise more tickets;
// small accounts share billing templates and dispute more) and nothing
// happens within a segment. The raw comparisons are fooled, and must be,
// or the world tests nothing; every adjusted estimate must cover its null.
func TestHonestyConfounded(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a company")
	}
	asOf := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	data, err := company.Company(context.Background(), t.TempDir(), generate.Options{Scale: 2, Seed: 42, AsOf: asOf, Format: "parquet", Effects: generate.ConfoundedEffects()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := fixture.OpenPublished(t, data)
	w := &testDB{t: t, db: db}
	// fooled: the raw comparison is further from the null than the adjusted
	// one; excluded: its interval even excludes the null (the dispute gap is
	// the weakest at this scale). tolerance: an adjusted value this close to
	// the null passes even if its interval misses it (about 1 SE here).
	tests := []struct {
		metric           string
		fooled, excluded bool
		tolerance        float64
	}{
		{"late_quarter_discount_uplift", true, true, 0.003},
		{"scope_escalation_rate_ratio", true, true, 0.1},
		{"scope_question_rate_ratio", true, true, 0.1},
		{"ambiguity_escalation_spearman", true, true, 0.04},
		{"shared_config_dispute_ratio", true, false, 0.1},
		{"renewal_discount_slope", true, true, 0.06},
		{"rep_contagion_uplift", false, false, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			var v, lo, hi, null, raw, rawLo, rawHi float64
			var adj string
			if err := db.QueryRow(`SELECT value, ci_low, ci_high, null_value, value_unadjusted, ci_low_unadjusted, ci_high_unadjusted, adjusted_for
				FROM headline_metrics WHERE metric = ?`, tt.metric).Scan(&v, &lo, &hi, &null, &raw, &rawLo, &rawHi, &adj); err != nil {
				t.Fatal(err)
			}
			if covers := lo <= null && null <= hi; !covers && math.Abs(v-null) > tt.tolerance {
				t.Errorf("adjusted %.4f (CI %.4f-%.4f) finds an effect where there is none (null %g; raw %.4f)", v, lo, hi, null, raw)
			}
			if tt.fooled && math.Abs(raw-null) <= math.Abs(v-null) {
				t.Errorf("raw %.4f is no further from the null %g than adjusted %.4f: the world is not confounded for this metric", raw, null, v)
			}
			if excluded := rawLo > null || rawHi < null; tt.excluded && !excluded {
				t.Errorf("raw %.4f (CI %.4f-%.4f) covers the null %g: the world is not confounded for this metric", raw, rawLo, rawHi, null)
			}
			if !strings.HasPrefix(adj, "segment") {
				t.Errorf("adjusted_for = %q, want it to name segment first", adj)
			}
		})
	}
	share, _, _, n := metric(t, db, "late_quarter_exception_share")
	base := w.number("SELECT null_value FROM headline_metrics WHERE metric = 'late_quarter_exception_share'")
	if se := math.Sqrt(base * (1 - base) / float64(n)); math.Abs(share-base) > 3*se {
		t.Errorf("late_quarter_exception_share = %.3f (n=%d), want within 3 SE of the share expected from each segment's mix %.3f", share, n, base)
	}
}

type testDB struct {
	t  *testing.T
	db *sql.DB
}

func (w *testDB) number(q string) float64 { return fixture.Number(w.t, w.db, q) }

// TestLexiconMatchesGenerator checks that the default vague-phrase lexicon
// is the one the generator writes scope text from: the honesty tests find
// the planted ambiguity only if the models look for the same phrases.
func TestLexiconMatchesGenerator(t *testing.T) {
	got, want := queries.DefaultSettings().VaguePhrases, generate.VaguePhrases
	if !slices.Equal(got, want) {
		t.Errorf("default lexicon %q differs from the generator's %q", got, want)
	}
}
