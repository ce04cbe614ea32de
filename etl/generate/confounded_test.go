package generate

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
)

var confoundedSeed = flag.Uint64("confounded-seed", 7, "seed of the company TestConfounded generates")

// rateRatioSQL is the ratio of %[1]s per exposure year in the top fifth of
// contracts by ambiguity score over the bottom fifth, with the fifths taken
// over all contracts for the pooled row and within the segment for the
// others, and the Poisson standard error of its log.
const rateRatioSQL = `with t as (
	select segment, years, %[1]s as k,
	       ntile(5) over (order by score, contract_id) as qa,
	       ntile(5) over (partition by segment order by score, contract_id) as qs
	from per_ctr where years > 0),
s as (
	select 'all' as stratum, qa as q, sum(k) as k, sum(years) as years from t where qa in (1, 5) group by all
	union all
	select segment, qs, sum(k), sum(years) from t where qs in (1, 5) group by all)
select stratum,
       (sum(k) filter (where q = 5) / sum(years) filter (where q = 5)) / (sum(k) filter (where q = 1) / sum(years) filter (where q = 1)),
       sqrt(1 / sum(k) filter (where q = 5) + 1 / sum(k) filter (where q = 1))
from s group by stratum`

// confoundedChecks measure each effect pooled over segments and within each
// segment. Every query returns rows (stratum, value, se): the stratum is
// "all" or a segment, and se is the standard error of the value on the
// check's scale (the log for ratios, Fisher's z for the correlation), where
// the null is 0.
var confoundedChecks = []struct {
	name  string
	query string
	scale func(float64) float64
	raw   bounds // of the pooled value
}{
	{
		name: "late_quarter_discount_uplift",
		query: `select coalesce(segment, 'all'), avg(disc) filter (where late) - avg(disc) filter (where not late),
			sqrt(var_samp(disc) filter (where late) / count(*) filter (where late) + var_samp(disc) filter (where not late) / count(*) filter (where not late))
			from won group by grouping sets ((segment), ())`,
		scale: func(x float64) float64 { return x },
		raw:   bounds{0.012, 0.025},
	},
	{
		name:  "tickets_per_year_ratio",
		query: fmt.Sprintf(rateRatioSQL, "tickets"),
		scale: math.Log,
		raw:   bounds{1.3, 2.5},
	},
	{
		name:  "scope_escalations_per_year_ratio",
		query: fmt.Sprintf(rateRatioSQL, "escalated"),
		scale: math.Log,
		raw:   bounds{1.4, 2.8},
	},
	{
		name:  "scope_question_rate_ratio",
		query: fmt.Sprintf(rateRatioSQL, "scope_q"),
		scale: math.Log,
		raw:   bounds{1.4, 2.8},
	},
	{
		name: "ambiguity_escalation_spearman",
		query: `with x as (select segment, score, escalated / years as rate from per_ctr where years > 0.25),
		r as (select segment,
		             rank() over (order by score) + (count(*) over (partition by score) - 1) / 2.0 as ra,
		             rank() over (order by rate) + (count(*) over (partition by rate) - 1) / 2.0 as rb,
		             rank() over (partition by segment order by score) + (count(*) over (partition by segment, score) - 1) / 2.0 as sa,
		             rank() over (partition by segment order by rate) + (count(*) over (partition by segment, rate) - 1) / 2.0 as sb
		      from x)
		select 'all', corr(ra, rb), sqrt(1.06 / (count(*) - 3)) from r
		union all select segment, corr(sa, sb), sqrt(1.06 / (count(*) - 3)) from r group by segment`,
		scale: math.Atanh,
		raw:   bounds{0.07, 0.2},
	},
	{
		name: "shared_config_dispute_ratio",
		query: `with cfg as (select billing_config_id, count(distinct account_id) >= 2 as shared from invoices group by 1),
		c as (select coalesce(a.segment, 'all') as stratum,
		             count(*) filter (where shared and i.is_disputed) as a, count(*) filter (where shared) as n1,
		             count(*) filter (where not shared and i.is_disputed) as b, count(*) filter (where not shared) as n0
		      from invoices i join cfg using (billing_config_id) join accounts a using (account_id)
		      group by grouping sets ((a.segment), ()))
		select stratum, (a / n1) / (b / n0), sqrt(1 / nullif(a, 0) - 1 / n1 + 1 / nullif(b, 0) - 1 / n0) from c`,
		scale: math.Log,
		raw:   bounds{1.1, 1.5},
	},
}

// maxSE is how many standard errors from the null a within-segment
// estimate may lie.
const maxSE = 3.5

// unconfounded are the metrics segment does not link in the confounded
// world: they must read as in the null world (effectChecks' null bounds).
var unconfounded = []string{"renewal_discount_slope", "precedent_anchor_rate", "rep_contagion_uplift", "churn_rate", "renewal_risk_auc"}

// TestConfounded generates a company with ConfoundedEffects and measures each
// effect from the files. Pooled over segments it must be clearly there (the
// raw bounds). Within every segment it must be null within 3.5 standard
// errors (so 24 comparisons rarely fail by chance), and so must the
// inverse-variance average of the segments' estimates. For that average at
// scale 2 the tolerance is about +-0.4 points of discount, +-6% on the ticket
// ratio, +-20-25% on the escalation, scope-question and dispute ratios and
// +-0.05 on the correlation, all well short of the pooled values; a
// within-segment effect of about a third of the default world's is caught.
// Enterprise and mid-market accounts rarely share a template (2% and 3%) and
// rarely dispute, so their dispute ratios rest on a handful of invoices (or
// none: then there is nothing to check) and the average is carried by smb.
// The effects segment does not link must read as in the null world.
func TestConfounded(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a company at scale 2")
	}
	dir, _ := mustGenerate(t, Options{Scale: 2, Seed: *confoundedSeed, Format: "parquet", Effects: ConfoundedEffects()})
	l := mustOpenLake(t, dir, "parquet")
	got := measure(l, testAsOf, 1)
	for _, c := range confoundedChecks {
		t.Run(c.name, func(t *testing.T) {
			var sumW, sumWX float64
			for _, row := range l.rows(c.query) {
				stratum := row[0]
				v, err1 := strconv.ParseFloat(row[1], 64)
				se, err2 := strconv.ParseFloat(row[2], 64)
				if err1 != nil || err2 != nil || se == 0 {
					t.Logf("%-10s value %q, se %q: too few events to check", stratum, row[1], row[2])
					continue
				}
				x := c.scale(v)
				t.Logf("%-10s %7.3f  (scale %+.3f +- %.3f)", stratum, v, x, se)
				if stratum == "all" {
					if v < c.raw.lo || v > c.raw.hi {
						t.Errorf("pooled: got %.3f, want %v", v, c.raw)
					}
					continue
				}
				if math.Abs(x) > maxSE*se {
					t.Errorf("within %s: got %.3f, %.1f standard errors from the null, want at most %g", stratum, v, math.Abs(x)/se, maxSE)
				}
				sumW += 1 / (se * se)
				sumWX += x / (se * se)
			}
			if sumW == 0 {
				t.Fatal("no segment has the events to check")
			}
			avg, se := sumWX/sumW, 1/math.Sqrt(sumW)
			t.Logf("%-10s %+.3f +- %.3f on the check's scale", "within", avg, se)
			if math.Abs(avg) > maxSE*se {
				t.Errorf("average within segments: got %+.3f on the check's scale, %.1f standard errors from the null, want at most %g", avg, math.Abs(avg)/se, maxSE)
			}
		})
	}
	t.Run("Unconfounded", func(t *testing.T) {
		for _, c := range effectChecks {
			if !slices.Contains(unconfounded, c.metric) {
				continue
			}
			if v := got[c.metric]; v < c.nullish.lo || v > c.nullish.hi {
				t.Errorf("%s: got %.3f, want %v as in the null world", c.metric, v, c.nullish)
			}
		}
	})
}
