package generate

import (
	"context"
	"fmt"
)

// writeDeals writes deals and their quote lines in deal ID order.
func (g *gen) writeDeals(ctx context.Context, sinks []*sink) error {
	ds, ls := sinks[0], sinks[1]
	lineNo := 0
	for n, di := range g.dealOrder {
		if n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		d := &g.deals[di]
		id := g.dealID(di)
		seg := g.accounts[d.account].seg
		level := approvalLevel(d.disc, policyMax[seg])
		ds.str(id)
		ds.str(accountID(int(d.account)))
		ds.str(repID(int(d.rep)))
		ds.str(dealTypeNames[d.typ])
		ds.str(stageNames[d.stage])
		ds.date(d.created)
		ds.date(d.close)
		ds.dec(d.listCents)
		ds.dec(d.netCents)
		ds.str("USD")
		ds.int32(d.term)
		ds.str(approvalNames[level])
		if level > 0 {
			ds.ts(g.approvedAt(d))
		} else {
			ds.ts(-1)
		}
		ds.str(g.reasonText(d))
		if d.precedent >= 0 {
			ds.str(g.dealID(d.precedent))
		} else {
			ds.str("")
		}
		if err := ds.end(); err != nil {
			return err
		}
		for _, l := range d.lines {
			lineNo++
			ls.str(fmt.Sprintf("LN-%08d", lineNo))
			ls.str(id)
			if l.sku >= 0 {
				ls.str(catalog[l.sku].sku)
				ls.str(catalog[l.sku].name)
			} else {
				ls.str("")
				ls.str(customText(l.custom))
			}
			ls.dec(l.qty)
			ls.dec(l.list)
			ls.dec(l.net)
			if err := ls.end(); err != nil {
				return err
			}
		}
	}
	return nil
}

// customText is the description of a custom line.
func customText(c int16) string {
	t, s := int(c)/len(customSystems), int(c)%len(customSystems)
	return fmt.Sprintf(customTemplates[t], customSystems[s])
}

// approvedAt is when a discount needing approval was approved: a few days
// before a closed deal's close, or soon after an open deal's creation, in
// working hours and never after as-of.
func (g *gen) approvedAt(d *deal) int64 {
	hours := 9 + 8*d.uApprove
	var at int64
	if d.close != noDay {
		at = stamp(d.close-1-day(d.uApprove*6), hours)
	} else {
		at = stamp(d.created+2+day(d.uApprove*10), hours)
	}
	return max(min(at, g.asOfMicros()), d.created.micros())
}

// reasonText is the deal's discount reason as written.
func (g *gen) reasonText(d *deal) string {
	switch d.reason {
	case reasonNone:
		return ""
	case reasonMatching:
		return "matching " + g.dealID(d.precedent)
	}
	return discountReasons[d.reason]
}
