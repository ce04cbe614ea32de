package generate

import (
	"math"
	"math/rand/v2"
)

// Phase A: account lifecycles. Everything here is decided per account from
// the account's own random streams: the new-business deal, the contract
// chain with its expansions and renewals, and churn at each contract end.
// Discounts and amounts come later (phases B and C).

// pushProb is the probability that a closing deal is pulled or pushed into
// the last 14 days of a fiscal quarter: the end-of-quarter rush, present in
// both worlds.
const pushProb = 0.3

// churn model: the base rate and the weights of the standardized signals
// visible 90 days before a contract's end.
const (
	churnBase       = 0.15
	churnEscalation = 0.7
	churnDispute    = 0.6
	churnAmbiguity  = 0.6
	churnLookback   = 90
	// churnOffset keeps the mean churn rate near churnBase when the signals
	// are on: their effect on the log-odds is skewed upwards.
	churnOffset = -0.25
)

// closeDate returns when a deal of an account of segment s expected to close
// around natural closes, within [earliest, latest]: usually natural itself,
// but with pushProb (moved by segment under confounding) the late part of the
// fiscal quarter holding natural (or of the quarter before, if that part lies
// beyond latest).
func (g *gen) closeDate(r *rand.Rand, s segment, natural, earliest, latest day) day {
	natural = min(max(natural, earliest), latest)
	push, back := r.Float64() < g.linked(pushProb, &pushGap, s), r.IntN(14)
	if !push {
		return natural
	}
	qe := g.fy.quarterEnd(natural)
	for range 2 {
		lo, hi := max(qe-13, earliest), min(qe, latest)
		if lo <= hi {
			return lo + day(back)%(hi-lo+1)
		}
		qe = g.fy.quarterEnd(qe.addMonths(-3))
	}
	return natural
}

// newTerm draws the term in months of a new contract.
func newTerm(r *rand.Rand, s segment) int {
	u := r.Float64()
	switch {
	case s == enterprise && u < 0.2:
		return 36
	case s == enterprise && u < 0.4, s == midMarket && u < 0.1:
		return 24
	}
	return 12
}

// dealRep picks the rep of a deal: usually the account's owner, otherwise
// another rep of the owner's team.
func (g *gen) dealRep(r *rand.Rand, a *account) int32 {
	reps := g.teams[a.team].reps
	u, j := r.Float64(), r.IntN(len(reps))
	if u < 0.9 || len(reps) == 1 {
		return a.owner
	}
	return reps[j]
}

// drawDeal makes the deal's world-independent draws from its own stream.
func (g *gen) drawDeal(d *deal, i, n int) {
	r := stream(g.seed, purposeDeal, uint64(i), uint64(n))
	d.eps, d.sameNoise = r.NormFloat64(), r.NormFloat64()
	d.uSame, d.uInj, d.excSize = r.Float64(), r.Float64(), r.Float64()
	d.uCite, d.uPick, d.uReal = r.Float64(), r.Float64(), r.Float64()
	d.uReason, d.uApprove = r.Float64(), r.Float64()
	d.contract, d.precedent, d.reason = -1, -1, reasonNone
}

// newDeal draws account i's new-business deal.
func (g *gen) newDeal(i int) deal {
	a := &g.accounts[i]
	r := stream(g.seed, purposeNewDeal, uint64(i), 0)
	created := min(a.created+day(between(r, 0, 14)), g.asOf)
	cycle := between(r, cycleDays[a.seg][0], cycleDays[a.seg][1])
	closed := g.closeDate(r, a.seg, created+day(cycle), created+7, created+400)
	term := newTerm(r, a.seg)
	z := g.contractZ(i, 0)
	d := deal{account: int32(i), typ: dealNew, created: created, close: closed, term: term}
	d.lines = newLines(r, a.seg, z, term)
	d.rep = g.dealRep(r, a)
	won := r.Float64() < newWinRate[a.seg]
	switch {
	case closed > g.asOf:
		d.stage, d.close = stageOpen, noDay
	case won:
		d.stage = stageWon
	default:
		d.stage = stageLost
	}
	g.drawDeal(&d, i, 0)
	return d
}

// contractZ is the latent ambiguity of account i's k-th contract; under
// confounding its mean moves with the account's segment.
func (g *gen) contractZ(i, k int) float64 {
	a := &g.accounts[i]
	r := stream(g.seed, purposeContract, uint64(i), uint64(k))
	return g.linked(latent(a.amb, r.NormFloat64()), &zGap, a.seg)
}

// lifecycle runs account i from its new deal to as-of and returns its deals
// and contracts with account-local indices.
func (g *gen) lifecycle(i int) ([]deal, []agreement) {
	a := &g.accounts[i]
	deals := []deal{g.newDeal(i)}
	if deals[0].stage != stageWon {
		return deals, nil
	}
	nd := &deals[0]
	r0 := stream(g.seed, purposeNewDeal, uint64(i), 1)
	start := min(nd.close+day(between(r0, 1, 14)), g.asOf)
	ct := agreement{
		account: int32(i), deal: 0, renews: -1, start: start,
		end: start.addMonths(nd.term) - 1, term: nd.term, z: g.contractZ(i, 0),
		signed: max(nd.close-day(between(r0, 0, 3)), nd.created),
	}
	nd.contract = 0
	var contracts []agreement
	for k := 0; ; k++ {
		r := stream(g.seed, purposeContract, uint64(i), uint64(k))
		r.NormFloat64() // the contract-level ambiguity draw, used by contractZ
		contracts = append(contracts, ct)
		cur := &contracts[k]
		base := deals[cur.deal].lines
		expansions := g.expand(r, i, cur, base, &deals)
		lead := between(r, 100, 180)
		created := cur.end - day(lead)
		if created > g.asOf {
			return deals, contracts
		}
		nextZ := g.contractZ(i, k+1)
		term := cur.term
		if r.Float64() < 0.2 {
			term = 12
		}
		rd := deal{account: int32(i), typ: dealRenewal, created: created, term: term, rep: g.dealRep(r, a)}
		rd.lines = renewalLines(r, a.seg, base, expansions, nextZ, term)
		natural := cur.end - day(between(r, 0, 45))
		closed := g.closeDate(r, a.seg, natural, created+14, cur.end)
		uChurn := r.Float64()
		signedBack := between(r, 0, 3)
		g.drawDeal(&rd, i, len(deals))
		if cur.end >= g.asOf {
			rd.stage, rd.close = stageOpen, noDay
			deals = append(deals, rd)
			return deals, contracts
		}
		rd.close = closed
		if uChurn < g.churnProb(i, cur) {
			rd.stage = stageLost
			deals = append(deals, rd)
			return deals, contracts
		}
		rd.stage = stageWon
		rd.contract = int32(k + 1)
		deals = append(deals, rd)
		ct = agreement{
			account: int32(i), deal: int32(len(deals) - 1), renews: int32(k), k: k + 1,
			start: cur.end + 1, term: term, z: nextZ,
			signed: max(closed-day(signedBack), created),
		}
		ct.end = ct.start.addMonths(term) - 1
	}
}

// expand may add an expansion deal during contract cur and returns the
// lines of the won expansions.
func (g *gen) expand(r *rand.Rand, i int, cur *agreement, base []line, deals *[]deal) []line {
	a := &g.accounts[i]
	years := float64(cur.term) / 12
	u, at := r.Float64(), uniform(r, 0.15, 0.7)
	cycle, win := between(r, 20, 60), r.Float64()
	rep := g.dealRep(r, a)
	if u >= math.Min(0.8, expandProb[a.seg]*years) {
		return nil
	}
	created := cur.start + day(at*float64(cur.end-cur.start))
	if created > g.asOf {
		return nil
	}
	closed := g.closeDate(r, a.seg, created+day(cycle), created+14, cur.end-14)
	months := max(1, int(math.Round(float64(cur.end-closed)/30.44)))
	d := deal{account: int32(i), typ: dealExpansion, created: created, close: closed, term: months, rep: rep}
	d.lines = expansionLines(r, a.seg, base, months)
	switch {
	case closed > g.asOf:
		d.stage, d.close = stageOpen, noDay
	case win < 0.75:
		d.stage = stageWon
	default:
		d.stage = stageLost
	}
	g.drawDeal(&d, i, len(*deals))
	*deals = append(*deals, d)
	if d.stage != stageWon {
		return nil
	}
	return d.lines
}

// churnProb is the probability that account i leaves at the end of contract
// ct. With ChurnSignal 0 it is churnBase; otherwise it rises with the
// escalations and disputes visible churnLookback days before the end, each
// standardized against what the segment would expect, and with z.
func (g *gen) churnProb(i int, ct *agreement) float64 {
	s := g.eff.ChurnSignal
	if s == 0 {
		return churnBase
	}
	cutoff := ct.end - churnLookback
	cutoffMicros := cutoff.micros()
	esc := 0
	g.tickets(i, ct, func(t *ticket) {
		if t.escalated && t.escalatedAt <= cutoffMicros {
			esc++
		}
	})
	disputes, invoices := 0, 0
	g.invoices(i, ct, func(inv *invoice) {
		if inv.issued <= cutoff {
			invoices++
			if inv.disputed {
				disputes++
			}
		}
	})
	days := math.Max(0, float64(cutoff-ct.start))
	expEsc := days * g.expEscPerDay[g.accounts[i].seg]
	expDisp := float64(invoices) * disputeRate
	x := churnEscalation*(float64(esc)-expEsc)/math.Sqrt(expEsc+1) +
		churnDispute*(float64(disputes)-expDisp)/math.Sqrt(expDisp+0.25) +
		churnAmbiguity*ct.z
	return logistic(logit(churnBase) + s*(churnOffset+x))
}
