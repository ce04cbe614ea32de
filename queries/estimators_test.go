package queries

import (
	"context"
	"math"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestEstimators pins effect_estimates' pooled estimators on hand-made
// strata, each worked out by hand below: two strata with the same effect
// inside each but different baselines and sizes, so the crude comparison
// is wrong and the pooled one is right.
func TestEstimators(t *testing.T) {
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// metric, units, treated, control, mean_t, mean_c, var_t, var_c, events_t, events_c, exposure_t, exposure_c, spearman
	if _, err := db.Exec(`CREATE TABLE effect_strata AS SELECT * FROM (VALUES
		('late_quarter_discount_uplift', 8, 4, 4, 0.20, 0.10, 0.0004, 0.0004, 0, 0, 4, 4, NULL),
		('late_quarter_discount_uplift', 10, 2, 8, 0.30, 0.28, 0.0002, 0.0008, 0, 0, 2, 8, NULL),
		('late_quarter_discount_uplift', 9, 1, 8, 0.90, 0.00, NULL, 0.0008, 0, 0, 1, 8, NULL),
		('scope_escalation_rate_ratio', 20, 10, 10, NULL, NULL, NULL, NULL, 10, 5, 100, 100, NULL),
		('scope_escalation_rate_ratio', 40, 4, 36, NULL, NULL, NULL, NULL, 4, 20, 20, 200, NULL),
		('shared_config_dispute_ratio', 80, 40, 40, NULL, NULL, NULL, NULL, 8, 4, 40, 40, NULL),
		('shared_config_dispute_ratio', 210, 10, 200, NULL, NULL, NULL, NULL, 3, 30, 10, 200, NULL),
		('ambiguity_escalation_spearman', 13, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0.5),
		('ambiguity_escalation_spearman', 23, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0.2),
		('ambiguity_escalation_spearman', 3, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0.9)
	) t(metric, units, units_treated, units_control, mean_treated, mean_control, var_treated, var_control,
		events_treated, events_control, exposure_treated, exposure_control, spearman)`); err != nil {
		t.Fatal(err)
	}
	src, err := builtin.ReadFile("marts/effect_estimates.sql")
	if err != nil {
		t.Fatal(err)
	}
	// Stratified difference: d = 0.10 (w = 4*4/8 = 2) and d = 0.02 (w = 2*8/10 = 1.6);
	// the stratum with one treated deal carries no weight. Both v = 0.0002.
	diff := (2*0.10 + 1.6*0.02) / 3.6
	diffSE := math.Sqrt(2*2*0.0002+1.6*1.6*0.0002) / 3.6
	// Rate ratio 2 in both strata (crude 14/120 over 25/300 = 1.4).
	// R = 10*100/200 + 4*200/220, S = 5*100/200 + 20*20/220,
	// P = 15*100*100/200^2 + 24*20*200/220^2.
	r, s := 10*100/200.0+4*200/220.0, 5*100/200.0+20*20/220.0
	rateSE := math.Sqrt((15*100*100/40000.0 + 24*20*200/48400.0) / (r * s))
	// Risk ratio 2 in both strata (crude 11/50 over 34/240 = 1.55).
	// R = 8*40/80 + 3*200/210, S = 4*40/80 + 30*10/210,
	// P = 12*40*40/80^2 - 8*4/80 + 33*10*200/210^2 - 3*30/210.
	r2, s2 := 8*40/80.0+3*200/210.0, 4*40/80.0+30*10/210.0
	riskSE := math.Sqrt((12*40*40/6400.0 - 32/80.0 + 33*10*200/44100.0 - 90/210.0) / (r2 * s2))
	// Spearman: Fisher z pooled with weights n - 3 = 10 and 20; n = 3 carries none.
	z := (10*math.Atanh(0.5) + 20*math.Atanh(0.2)) / 30
	zSE := 1 / math.Sqrt(30)
	tests := []struct {
		metric           string
		value, low, high float64
		n, strata        int64
	}{
		{"late_quarter_discount_uplift", diff, diff - 1.96*diffSE, diff + 1.96*diffSE, 18, 2},
		{"scope_escalation_rate_ratio", 2, 2 * math.Exp(-1.96*rateSE), 2 * math.Exp(1.96*rateSE), 60, 2},
		{"shared_config_dispute_ratio", 2, 2 * math.Exp(-1.96*riskSE), 2 * math.Exp(1.96*riskSE), 290, 2},
		{"ambiguity_escalation_spearman", math.Tanh(z), math.Tanh(z - 1.96*zSE), math.Tanh(z + 1.96*zSE), 36, 2},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			var v, lo, hi float64
			var n, strata int64
			var adj string
			if err := db.QueryRow("SELECT value, ci_low, ci_high, n, strata, adjusted_for FROM ("+string(src)+") WHERE metric = ?", tt.metric).Scan(&v, &lo, &hi, &n, &strata, &adj); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"value", v, tt.value}, {"ci_low", lo, tt.low}, {"ci_high", hi, tt.high}} {
				if math.Abs(c.got-c.want) > 1e-9 {
					t.Errorf("%s = %.10f, want %.10f", c.name, c.got, c.want)
				}
			}
			if n != tt.n || strata != tt.strata || adj == "" {
				t.Errorf("n = %d, strata = %d, adjusted_for %q; want %d, %d", n, strata, adj, tt.n, tt.strata)
			}
		})
	}
}
