package generate

// Confounding links segment to both sides of an effect. Each gap below is per
// segment (enterprise, mid_market, smb) and is scaled by Effects.Confounding;
// at 0 the base values are used untouched, so the default and null worlds
// make exactly the draws they made before (TestWorldsUnchanged).
var (
	// pushGap moves pushProb (0.3), the probability that a close is pulled
	// into the last 14 days of its fiscal quarter: 0.66, 0.30, 0.08.
	pushGap = [...]float64{0.36, 0, -0.22}
	// zGap moves the mean of the latent scope ambiguity z.
	zGap = [...]float64{1.0, 0.12, -0.4}
	// scopeQuestionGap scales the rate of scope_question tickets by 1 + gap.
	scopeQuestionGap = [...]float64{0.5, 0, -0.25}
	// escalationGap is added to every ticket's log-odds of escalation.
	escalationGap = [...]float64{0.3, 0, -0.3}
	// templateGap moves templateShare (0.15), the share of new customers
	// put on a shared billing template: 0.02, 0.03, 0.35. SMB invoices
	// (monthly) are most of all invoices, so only a wide gap shows.
	templateGap = [...]float64{-0.13, -0.12, 0.20}
	// disputeGap scales the invoice dispute probability by 1 + gap; the
	// overall dispute rate stays about 3%.
	disputeGap = [...]float64{-0.85, -0.8, 0.2}
)

// linked returns base moved by Effects.Confounding times the segment's gap,
// or base itself when there is no confounding.
func (g *gen) linked(base float64, gap *[3]float64, s segment) float64 {
	if g.eff.Confounding == 0 {
		return base
	}
	return base + g.eff.Confounding*gap[s]
}
