package generate

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// scopeTerm is one term of a contract as written.
type scopeTerm struct {
	typ      int
	standard bool
	text     string
}

// scope writes a contract's scope prose, side letter and terms. Clear
// sentences describe what was bought; vague sentences, non-standard terms
// and side letters become more frequent as the latent ambiguity z rises.
// The same in both worlds for the same contract. It also draws auto_renew.
func (g *gen) scope(ci int32) (string, bool, bool, []scopeTerm) {
	c := &g.contracts[ci]
	a := &g.accounts[c.account]
	r := stream(g.seed, purposeScope, uint64(c.account), uint64(c.k))
	lines := g.deals[c.deal].lines
	ed := lines[0]
	head := fmt.Sprintf("Customer is licensed for %d named users of the %s for %d months.",
		ed.qty/unit, catalog[ed.sku].name, c.term)
	var body []string
	custom := false
	for _, l := range lines[1:] {
		switch {
		case l.sku < 0:
			custom = true
		case len(body) < 2:
			body = append(body, fmt.Sprintf("The order includes %d x %s.", l.qty/unit, catalog[l.sku].name))
		}
	}
	body = append(body, fmt.Sprintf("Fees are invoiced %s in advance.", billingWord(int(a.billMonths))))
	body = append(body, fmt.Sprintf(clearSentences[0], hostingRegion(int(a.region))))
	extra := r.Perm(len(clearSentences) - 1)
	for _, j := range extra[:between(r, 1, 3)] {
		body = append(body, clearSentences[j+1])
	}
	vague := r.Perm(len(vagueSentences))
	nVague := min(6, poisson(r, math.Exp(0.0+1.0*c.z)))
	for _, j := range vague[:nVague] {
		body = append(body, vagueSentences[j])
	}
	r.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	text := head + " " + strings.Join(body, " ")

	side := r.Float64() < logistic(-3.4+1.1*c.z)

	kinds := []int{termPayment, termLiability, termTermination}
	optional := []int{termSLA, termPriceCap, termMFN, termCustomDeliverable, termOther}
	r.Shuffle(len(optional), func(i, j int) { optional[i], optional[j] = optional[j], optional[i] })
	if custom {
		for i, t := range optional {
			if t == termCustomDeliverable {
				optional[0], optional[i] = optional[i], optional[0]
			}
		}
	}
	kinds = append(kinds, optional[:between(r, 0, 4)]...)
	pNegotiated := logistic(-1.0 + 1.2*c.z)
	terms := make([]scopeTerm, len(kinds))
	for i, t := range kinds {
		u, v := r.Float64(), r.IntN(8)
		std := u >= pNegotiated && !(t == termCustomDeliverable && custom)
		text := termTexts[t].standard
		if !std {
			neg := termTexts[t].negotiated
			text = neg[v%len(neg)]
		}
		terms[i] = scopeTerm{typ: t, standard: std, text: text}
	}
	auto := r.Float64() < autoRenew[a.seg]
	return text, side, auto, terms
}

func billingWord(months int) string {
	switch months {
	case 1:
		return "monthly"
	case 3:
		return "quarterly"
	}
	return "annually"
}

func hostingRegion(region int) string {
	switch region {
	case regionEMEA:
		return "EU"
	case regionAPAC:
		return "Singapore"
	}
	return "US"
}

// writeContracts writes contracts and their terms in contract ID order.
func (g *gen) writeContracts(ctx context.Context, sinks []*sink) error {
	cs, ts := sinks[0], sinks[1]
	termNo := 0
	for n, ci := range g.ctrOrder {
		if n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c := &g.contracts[ci]
		id := g.contractID(ci)
		text, side, auto, terms := g.scope(ci)
		cs.str(id)
		cs.str(accountID(int(c.account)))
		cs.str(g.dealID(c.deal))
		cs.date(c.start)
		cs.date(c.end)
		cs.dec(c.arr)
		cs.str("USD")
		cs.bool(auto)
		if c.renews >= 0 {
			cs.str(g.contractID(c.renews))
		} else {
			cs.str("")
		}
		cs.date(c.signed)
		cs.str(text)
		cs.bool(side)
		if err := cs.end(); err != nil {
			return err
		}
		for _, t := range terms {
			termNo++
			ts.str(fmt.Sprintf("TRM-%08d", termNo))
			ts.str(id)
			ts.str(termTexts[t.typ].typ)
			ts.bool(t.standard)
			ts.str(t.text)
			if err := ts.end(); err != nil {
				return err
			}
		}
	}
	return nil
}
