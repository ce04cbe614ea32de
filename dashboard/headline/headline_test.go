package headline

import (
	"math"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	nan := math.NaN()
	ratio := func(v, lo, hi, raw, rawLo, rawHi float64) Metric {
		return Metric{Name: "scope_escalation_rate_ratio", Value: v, CILow: lo, CIHigh: hi, Null: 1, Raw: raw, RawLow: rawLo, RawHigh: rawHi, N: 1200,
			AdjustedFor: "segment (ambiguity fifths ranked within segment); region and contract term where the sample allows"}
	}
	tests := []struct {
		name      string
		m         Metric
		value     string
		effect    bool
		disagrees bool
		words     []string // in the sentence or the adjustment
	}{
		{"SegmentMix", ratio(1.02, 0.85, 1.2, 1.85, 1.63, 2.10), "1.0x", false, true,
			[]string{"1.9x raw, segments pooled; 1.0x within segment.", "the mix of segments, not this effect", "1,200 contracts"}},
		{"Agree", ratio(2.8, 2.1, 3.6, 2.9, 2.3, 3.7), "2.8x", true, false,
			[]string{"2.9x raw, segments pooled; 2.8x within segment."}},
		{"Hidden", ratio(1.6, 1.2, 2.1, 1.1, 0.9, 1.3), "1.6x", true, true,
			[]string{"shows only within segments"}},
		{"Reversed", ratio(0.7, 0.6, 0.8, 1.4, 1.2, 1.6), "0.7x", true, true,
			[]string{"points the other way"}},
		{"NoRawColumns", ratio(2, 1.5, 2.5, nan, nan, nan), "2.0x", true, false, nil},
		{"NotAnEffect", Metric{Name: "arr_at_risk_90d", Value: 1.25e6, CILow: nan, CIHigh: nan, Null: nan, Raw: 1.25e6, N: 3, AdjustedFor: notAnEffect}, "$1.2M", false, false,
			[]string{"$1.2M of ARR renewing in the next 90 days is high risk (3 contracts)."}},
		{"NoData", Metric{Name: "renewal_risk_auc", Value: nan, N: 4}, "–", false, false, []string{"Not enough data yet (4 in the sample)."}},
		{"ShareAboveChance", Metric{Name: "late_quarter_exception_share", Value: 0.4, CILow: 0.3, CIHigh: 0.5, Null: 0.2, Raw: 0.4, RawLow: 0.3, RawHigh: 0.5, N: 50,
			AdjustedFor: "segment (in null_value only)"}, "40%", true, false, []string{"where 20% would by chance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Read(tt.m)
			if c.Value != tt.value || c.Effect != tt.effect || c.Disagrees != tt.disagrees {
				t.Errorf("value %q effect %v disagrees %v; want %q %v %v", c.Value, c.Effect, c.Disagrees, tt.value, tt.effect, tt.disagrees)
			}
			text := c.Sentence + " " + c.Adjustment
			for _, w := range tt.words {
				if !strings.Contains(text, w) {
					t.Errorf("%q lacks %q", text, w)
				}
			}
			if tt.m.AdjustedFor == notAnEffect && c.Adjustment != "" {
				t.Errorf("a level carries an adjustment: %q", c.Adjustment)
			}
		})
	}
}

// TestCardsStandAlone checks every headline metric has a title in words and
// a sentence that names its own subject, not its neighbour's ("It raises
// ...").
func TestCardsStandAlone(t *testing.T) {
	for name := range titles {
		t.Run(name, func(t *testing.T) {
			c := Read(Metric{Name: name, Value: 0.5, CILow: 0.4, CIHigh: 0.6, Null: 0, N: 100})
			if c.Title == "" || strings.Contains(c.Title, "_") {
				t.Errorf("title %q, want words", c.Title)
			}
			first := strings.Fields(c.Sentence)[0]
			for _, pronoun := range []string{"It", "This", "These", "They", "Its"} {
				if first == pronoun {
					t.Errorf("sentence %q starts with %q: it refers to another card", c.Sentence, pronoun)
				}
			}
		})
	}
	if got, want := Title("some_new_metric"), "Some new metric"; got != want {
		t.Errorf("Title of an unknown metric: got %q, want %q", got, want)
	}
}
