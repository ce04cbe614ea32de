package generate

import (
	"math"
)

// priorityLogit is added to a ticket's escalation log-odds by priority.
var priorityLogit = [...]float64{-0.6, 0, 0.6, 1.2}

// resolveHours is the median time to resolve a ticket by priority.
var resolveHours = [...]float64{110, 50, 20, 6}

// escalationChance is the probability that a ticket of the category is
// escalated, averaged over its priorities, for ambiguity term x.
func escalationChance(cat int, x float64) float64 {
	p := 0.0
	for prio, w := range priorityWeights[cat] {
		p += w * logistic(escalationLogit[cat]+priorityLogit[prio]+x)
	}
	return p
}

// ticket is one support ticket before it gets an ID. Timestamps are
// microseconds; -1 means none.
type ticket struct {
	created, resolved, escalatedAt int64
	cat, prio                      int
	subject                        int
	escalated                      bool
	linked                         bool // carries the contract_id
}

// tickets calls fn for each ticket of contract ct of account i, in time
// order. Tickets arrive as a Poisson process over the contract's term, up to
// as-of; the rate depends on the segment and, for scope questions, on z.
// Under confounding the segment also moves the scope-question rate and the
// log-odds of escalation. The same contract always yields the same tickets,
// so phase A can count them for churn and the writer can regenerate them.
func (g *gen) tickets(i int, ct *agreement, fn func(*ticket)) {
	a := &g.accounts[i]
	e := g.eff
	r := stream(g.seed, purposeTickets, uint64(i), uint64(ct.k))
	weights := categoryShare
	sq := e.ScopeQuestionZ
	weights[catScopeQuestion] *= math.Exp(sq*ct.z-sq*sq/2) * g.linked(1, &scopeQuestionGap, a.seg)
	total := 0.0
	for _, w := range weights {
		total += w
	}
	perMicro := ticketRate[a.seg] * total / 365.25 / float64(microsPerDay)
	limit := min((ct.end + 1).micros(), g.asOfMicros())
	t := float64(ct.start.micros())
	x := e.EscalationZ * ct.z
	segX := g.linked(0, &escalationGap, a.seg)
	var tk ticket
	for {
		t += r.ExpFloat64() / perMicro
		if int64(t) >= limit {
			return
		}
		// tickets arrive in working hours: the arrival's place in its day
		// maps onto 07:00-19:00 UTC, which keeps their order
		midnight := int64(t) / microsPerDay * microsPerDay
		created := midnight + 7*microsPerHour + (int64(t)-midnight)/2
		tk = ticket{created: created, escalatedAt: -1, resolved: -1}
		tk.cat = pick(r, weights[:])
		tk.prio = pick(r, priorityWeights[tk.cat])
		tk.subject = r.IntN(len(subjects[tk.cat]))
		uEsc, delay, resolve := r.Float64(), r.ExpFloat64(), math.Exp(0.8*r.NormFloat64())
		tk.linked = r.Float64() < 0.85
		from := tk.created
		if uEsc < logistic(escalationLogit[tk.cat]+priorityLogit[tk.prio]+x+segX) {
			at := tk.created + int64(delay*30*math.Exp(-x)*float64(microsPerHour))
			if at <= g.asOfMicros() {
				tk.escalated, tk.escalatedAt, from = true, at, at
			}
		}
		if res := from + int64(resolve*resolveHours[tk.prio]*float64(microsPerHour)); res <= g.asOfMicros() {
			tk.resolved = res
		}
		fn(&tk)
	}
}
