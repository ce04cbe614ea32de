package generate

import (
	"math"
	"slices"
)

// Phase B: one chronological pass over the won deals, by close date and then
// deal ID, assigning discounts. The pass tracks each account's prior
// discount and latest exception and each rep's first and latest exception,
// which the planted effects act on.

// Default injection probabilities: they also decide, in both worlds, which
// deals cite a precedent, so the null world has the same share of citations.
var (
	citeSlotLate  = DefaultEffects().ExceptionLateProb
	citeSlotOther = DefaultEffects().ExceptionProb
)

const (
	citeExceptionProb = 0.5 // an injected exception cites a precedent
	citeRenewalProb   = 0.3 // a renewal of an account with a precedent cites it
	maxDiscount       = 0.7
	discountedFrom    = 0.05 // smaller discounts need no approval or reason
)

// Approval levels in contract order.
var approvalNames = [...]string{"none", "manager", "director", "vp", "cfo"}

// approvalLevel rises with the discount relative to the segment's policy.
func approvalLevel(disc, pmax float64) int {
	switch {
	case disc < discountedFrom:
		return 0
	case disc < 0.6*pmax:
		return 1
	case disc <= pmax:
		return 2
	case disc <= pmax+0.10:
		return 3
	}
	return 4
}

// pricing is the state of the chronological pass.
type pricing struct {
	acctPrior   []float64 // discount of the latest won new or renewal deal
	acctLastExc []int32
	acctSlot    []bool // the account has had a deal drawn for injection at the default rate
	repHadExc   []bool
	repLastExc  []int32
	repWon      [][]int32
}

// price runs phase B over all deals.
func (g *gen) price() {
	var won []int32
	for i := range g.deals {
		if g.deals[i].stage == stageWon {
			won = append(won, int32(i))
		}
	}
	slices.SortFunc(won, func(a, b int32) int {
		if ca, cb := g.deals[a].close, g.deals[b].close; ca != cb {
			return int(ca - cb)
		}
		return int(g.dealNum[a] - g.dealNum[b])
	})
	p := pricing{
		acctPrior:   make([]float64, len(g.accounts)),
		acctLastExc: make([]int32, len(g.accounts)),
		acctSlot:    make([]bool, len(g.accounts)),
		repHadExc:   make([]bool, len(g.reps)),
		repLastExc:  make([]int32, len(g.reps)),
		repWon:      make([][]int32, len(g.reps)),
	}
	for i := range p.acctPrior {
		p.acctPrior[i], p.acctLastExc[i] = math.NaN(), -1
	}
	for i := range p.repLastExc {
		p.repLastExc[i] = -1
	}
	for _, di := range won {
		g.priceWon(&p, di)
	}
	for i := range g.deals {
		d := &g.deals[i]
		if d.stage != stageWon {
			s := g.accounts[d.account].seg
			d.disc = clip(baseDiscount[s]+discountSD*d.eps, 0, maxDiscount)
			d.reason = g.reasonFor(d)
		}
	}
}

// priceWon sets the discount of won deal di.
func (g *gen) priceWon(p *pricing, di int32) {
	e := g.eff
	d := &g.deals[di]
	acc, rep := d.account, d.rep
	s := g.accounts[acc].seg
	base, pmax := baseDiscount[s], policyMax[s]
	d.late = g.fy.isLate(d.close)
	var disc, pInj, slot float64
	switch d.typ {
	case dealRenewal:
		prior := p.acctPrior[acc]
		if d.uSame < e.RenewalSameProb {
			d.same = true
			disc = prior + 0.01*d.sameNoise
		} else {
			disc = base + e.RenewalPartialBeta*(prior-base) + discountSD*d.eps
			if d.late {
				disc += e.LateQuarterUplift
			}
		}
		pInj, slot = e.ExceptionProb, citeSlotOther
	default:
		disc = base + discountSD*d.eps
		if d.late {
			disc += e.LateQuarterUplift
		}
		if p.repHadExc[rep] {
			disc += e.RepContagion
		}
		pInj, slot = e.ExceptionProb, citeSlotOther
		if d.late {
			pInj, slot = e.ExceptionLateProb, citeSlotLate
		}
	}
	if d.uInj < pInj {
		d.injected = true
		disc = pmax + 0.03 + 0.12*d.excSize
	}
	slotA := d.uInj < slot && d.uCite < citeExceptionProb
	slotB := !slotA && d.typ == dealRenewal && p.acctSlot[acc] && d.uCite < citeRenewalProb
	switch {
	case !slotA && !slotB:
	case d.uReal < e.PrecedentPull:
		if slotA && d.injected {
			c := p.acctLastExc[acc]
			if c < 0 {
				c = p.repLastExc[rep]
			}
			if c >= 0 {
				d.precedent = c
				disc = g.deals[c].disc + 0.02*(d.excSize-0.5)
				if disc <= pmax {
					disc = pmax + 0.005
				}
			}
		} else if slotB {
			d.precedent = p.acctLastExc[acc]
		}
	default:
		if prior := p.repWon[rep]; len(prior) > 0 {
			d.precedent = prior[int(d.uPick*float64(len(prior)))]
		}
	}
	if d.uInj < slot {
		p.acctSlot[acc] = true
	}
	d.disc = clip(disc, 0, maxDiscount)
	if d.disc > pmax {
		p.acctLastExc[acc], p.repLastExc[rep], p.repHadExc[rep] = di, di, true
	}
	if d.typ != dealExpansion {
		p.acctPrior[acc] = d.disc
	}
	p.repWon[rep] = append(p.repWon[rep], di)
	d.reason = g.reasonFor(d)
}

// reasonFor picks the discount reason of a deal, or reasonNone.
func (g *gen) reasonFor(d *deal) int8 {
	switch {
	case d.precedent >= 0:
		return reasonMatching
	case d.disc < discountedFrom:
		return reasonNone
	case d.same:
		return reasonRenewalHold
	case d.late && (d.injected || d.uReason < 0.5):
		return reasonEndOfQuarter
	case d.term > 12 && d.uReason < 0.6:
		return reasonMultiYear
	}
	return int8(reasonCompetitive + int(d.uReason*float64(reasonMatching-reasonCompetitive)))
}

// Phase C: net prices, amounts and ARR from the discounts.
func (g *gen) amounts() {
	for i := range g.deals {
		d := &g.deals[i]
		for j := range d.lines {
			l := &d.lines[j]
			l.net = int64(math.Round(float64(l.list) * (1 - d.disc)))
		}
		d.listCents, d.netCents = listCents(d.lines), netCents(d.lines)
	}
	for i := range g.contracts {
		c := &g.contracts[i]
		c.arr = (g.deals[c.deal].netCents*12 + int64(c.term)/2) / int64(c.term)
	}
}
