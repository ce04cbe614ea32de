package generate

// Effects are the planted causal effects: the patterns Precedent's models
// are built to find. Each field has a default strength (DefaultEffects) and a
// null value (NoEffects) under which the pattern is absent while the company
// otherwise looks the same; ConfoundedEffects is the null world with segment
// linked to both sides of each effect. Texture that is not an effect, such as
// the end-of-quarter rush in close dates, is present in every world.
type Effects struct {
	// LateQuarterUplift is added to the discount of won deals that close in
	// the last 14 days of their fiscal quarter. Renewals priced "same as
	// before" keep the prior discount and get no uplift. Default 0.06; null 0.
	LateQuarterUplift float64

	// ExceptionLateProb is the probability that a won new or expansion deal
	// closing late in the quarter is pushed past the segment's policy
	// maximum (to policy max + U(0.03, 0.15), approved by a VP or the CFO).
	// Default 0.10; null 0.
	ExceptionLateProb float64

	// ExceptionProb is the same probability for every other won deal.
	// Default 0.03; null 0.
	ExceptionProb float64

	// RenewalSameProb is the probability that a won renewal keeps the prior
	// deal's discount, give or take N(0, 0.01): the CPQ "Same" renewal pricing
	// method. Default 0.6; null 0.
	RenewalSameProb float64

	// RenewalPartialBeta is, for the other renewals, the share of the prior
	// deal's distance from the segment's base discount that carries over:
	// discount = base + beta*(prior - base) + noise. Default 0.3; null 0
	// (the renewal discount is independent of the prior).
	RenewalPartialBeta float64

	// RepContagion is added to the discount of every new or expansion deal a
	// rep closes after the rep's first exception. Default 0.04; null 0.
	RepContagion float64

	// PrecedentPull is the probability that a deal citing a precedent cites
	// the real one (the account's, else the rep's, latest exception; for
	// renewals the account's latest exception) and, for exceptions, has its
	// discount pulled to within 0.01 of the cited deal's. Otherwise it cites a
	// random earlier won deal of the same rep with no pull on the discount.
	// The same deals cite something in both worlds. Default 1; null 0.
	PrecedentPull float64

	// ScopeQuestionZ is the log-rate slope of scope_question tickets on the
	// contract's latent ambiguity z: their rate is multiplied by
	// exp(ScopeQuestionZ*z - ScopeQuestionZ^2/2), which leaves the mean rate
	// unchanged. Default 0.6; null 0.
	ScopeQuestionZ float64

	// EscalationZ is the log-odds slope of a ticket's escalation on z; it
	// also shortens the time to escalation by exp(-EscalationZ*z).
	// Default 0.5; null 0.
	EscalationZ float64

	// SharedConfigDisputeRatio is how many times more often invoices on a
	// billing configuration shared by several accounts are disputed than
	// invoices on an account's own configuration; the overall dispute rate
	// stays about 3%. Default 3; null 1.
	SharedConfigDisputeRatio float64

	// ChurnSignal scales how much churn depends on what was visible at least
	// 90 days before a contract's end (escalations, disputes) and on z:
	// churn probability = logistic(logit(0.15) + ChurnSignal*(...)).
	// Default 1; null 0 (a constant 15%).
	ChurnSignal float64

	// Confounding links segment to both sides of each effect without
	// planting any effect within a segment. At 1 (ConfoundedEffects), for
	// enterprise / mid-market / SMB: closes are pulled into the last 14 days
	// of the quarter with probability 0.66 / 0.30 / 0.08 (base discounts
	// already differ by segment: 0.14 / 0.10 / 0.06); the mean of z moves by
	// +1.0 / +0.12 / -0.4, scope questions come 1.5 / 1 / 0.75 times as
	// often and the log-odds of escalation move by +0.3 / 0 / -0.3 (ticket
	// rates already differ by segment: 12 / 8 / 4 a year); 2% / 3% / 35% of
	// new customers are put on shared billing templates and invoices are
	// disputed 0.15 / 0.2 / 1.2 times the base rate. Other values scale these
	// gaps (confounding.go). Default and null 0.
	Confounding float64
}

// DefaultEffects returns every effect at its default strength.
func DefaultEffects() Effects {
	return Effects{
		LateQuarterUplift:        0.06,
		ExceptionLateProb:        0.10,
		ExceptionProb:            0.03,
		RenewalSameProb:          0.6,
		RenewalPartialBeta:       0.3,
		RepContagion:             0.04,
		PrecedentPull:            1,
		ScopeQuestionZ:           0.6,
		EscalationZ:              0.5,
		SharedConfigDisputeRatio: 3,
		ChurnSignal:              1,
	}
}

// NoEffects returns the same company with every planted effect switched to
// its null value.
func NoEffects() Effects {
	return Effects{SharedConfigDisputeRatio: 1}
}

// ConfoundedEffects returns the null world with segment linked to both sides
// of every effect (Confounding 1): there is no effect within any segment, but
// a pooled analysis that ignores segment finds one.
func ConfoundedEffects() Effects {
	e := NoEffects()
	e.Confounding = 1
	return e
}
