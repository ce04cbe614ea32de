package generate

import (
	"context"
	"fmt"
)

// writeTickets writes the tickets, account by account and contract by
// contract, each contract's in time order.
func (g *gen) writeTickets(ctx context.Context, sinks []*sink) error {
	s := sinks[0]
	n := 0
	var err error
	for i := range g.accounts {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a := &g.accounts[i]
		account := accountID(i)
		for ci := a.ctrLo; ci < a.ctrHi; ci++ {
			cid := g.contractID(ci)
			g.tickets(i, &g.contracts[ci], func(t *ticket) {
				if err != nil {
					return
				}
				n++
				sub := subjects[t.cat][t.subject]
				s.str(fmt.Sprintf("TCK-%08d", n))
				s.str(account)
				if t.linked {
					s.str(cid)
				} else {
					s.str("")
				}
				s.ts(t.created)
				s.ts(t.resolved)
				s.str(categoryNames[t.cat])
				s.str(priorityNames[t.prio])
				s.bool(t.escalated)
				s.ts(t.escalatedAt)
				s.str(sub.text)
				s.str(sub.tags)
				err = s.end()
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
