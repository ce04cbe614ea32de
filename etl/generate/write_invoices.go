package generate

import (
	"context"
	"fmt"
)

// invoiceLine is one line every invoice of a contract carries; weight is
// its share of the contract's net amount.
type invoiceLine struct {
	sku, desc string
	qty       int64
	weight    int64
}

// invoiceLines groups a contract's quote lines into at most three invoice
// lines: the edition, the largest other catalog line, and everything else.
func (g *gen) invoiceLines(c *agreement) []invoiceLine {
	lines := g.deals[c.deal].lines
	ed := lines[0]
	out := []invoiceLine{{sku: catalog[ed.sku].sku, desc: catalog[ed.sku].name + " subscription", qty: ed.qty, weight: ed.qty / unit * ed.net}}
	big := -1
	for j, l := range lines[1:] {
		if l.sku >= 0 && (big < 0 || l.qty/unit*l.net > lines[big].qty/unit*lines[big].net) {
			big = j + 1
		}
	}
	if big > 0 {
		l := lines[big]
		out = append(out, invoiceLine{sku: catalog[l.sku].sku, desc: catalog[l.sku].name, qty: l.qty, weight: l.qty / unit * l.net})
	}
	var rest int64
	for j, l := range lines[1:] {
		if j+1 != big {
			rest += l.qty / unit * l.net
		}
	}
	if rest > 0 {
		out = append(out, invoiceLine{desc: "Other items and services", qty: unit, weight: rest})
	}
	return out
}

// writeInvoices writes invoices, their lines and credit notes, account by
// account and contract by contract.
func (g *gen) writeInvoices(ctx context.Context, sinks []*sink) error {
	is, ls, cs := sinks[0], sinks[1], sinks[2]
	invNo, cnNo := 0, 0
	var err error
	for i := range g.accounts {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a := &g.accounts[i]
		account, config := accountID(i), g.configID(i)
		for ci := a.ctrLo; ci < a.ctrHi; ci++ {
			c := &g.contracts[ci]
			cid := g.contractID(ci)
			lines := g.invoiceLines(c)
			var total int64
			for _, l := range lines {
				total += l.weight
			}
			g.invoices(i, c, func(inv *invoice) {
				if err != nil {
					return
				}
				invNo++
				id := fmt.Sprintf("INV-%08d", invNo)
				amount := (c.arr*int64(inv.months) + 6) / 12
				is.str(id)
				is.str(account)
				is.str(cid)
				is.date(inv.issued)
				is.date(inv.due)
				is.date(inv.periodStart)
				is.date(inv.periodEnd)
				is.dec(amount)
				is.str("USD")
				is.str(invoiceStatusNames[inv.status])
				is.date(inv.paid)
				is.str(config)
				is.bool(inv.disputed)
				if inv.disputed {
					is.str(disputeReasons[inv.reason])
				} else {
					is.str("")
				}
				if err = is.end(); err != nil {
					return
				}
				left := amount
				for n, l := range lines {
					part := left
					if n < len(lines)-1 {
						part = (amount*l.weight + total/2) / total
						left -= part
					}
					ls.str(id)
					ls.int32(n + 1)
					ls.str(l.sku)
					ls.str(l.desc)
					ls.dec(l.qty)
					ls.dec((part*100*unit + l.qty/2) / l.qty)
					ls.dec(part)
					if err = ls.end(); err != nil {
						return
					}
				}
				if inv.credit {
					cnNo++
					cs.str(fmt.Sprintf("CN-%07d", cnNo))
					cs.str(id)
					cs.date(inv.creditIssued)
					cs.dec(max(1, int64(float64(amount)*inv.creditFrac+0.5)))
					cs.str(creditReasons[inv.creditReason])
					err = cs.end()
				}
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
