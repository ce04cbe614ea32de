package generate

// Invoice statuses in contract order.
const (
	invOpen = iota
	invPaid
	invVoid
	invUncollectible
)

var invoiceStatusNames = [...]string{"open", "paid", "void", "uncollectible"}

// disputeRate is the overall share of disputed invoices in both worlds.
const disputeRate = 0.03

// invoice is one invoice of a contract before it gets an ID or an amount.
type invoice struct {
	periodStart, periodEnd day
	issued, due, paid      day
	months                 int
	status                 int
	disputed               bool
	reason                 int
	credit                 bool
	creditFrac             float64
	creditIssued           day
	creditReason           int
}

// disputeProb is the probability that an invoice of account i is disputed:
// SharedConfigDisputeRatio times higher on a shared template, scaled so the
// overall rate stays disputeRate, and under confounding moved by segment.
func (g *gen) disputeProb(i int) float64 {
	ratio := g.eff.SharedConfigDisputeRatio
	if ratio <= 0 {
		ratio = 1
	}
	s := g.accounts[i].seg
	base := g.linked(1, &disputeGap, s) * disputeRate / (1 - g.sharedShare + g.sharedShare*ratio)
	if g.accounts[i].config >= 0 {
		return base * ratio
	}
	return base
}

// invoices calls fn for each invoice of contract ct issued by as-of: one per
// billing period, issued at the period's start and due 30 days later.
func (g *gen) invoices(i int, ct *agreement, fn func(*invoice)) {
	a := &g.accounts[i]
	r := stream(g.seed, purposeInvoices, uint64(i), uint64(ct.k))
	months := int(a.billMonths)
	pDispute := g.disputeProb(i)
	var inv invoice
	for p := 0; p*months < ct.term; p++ {
		start := ct.start.addMonths(p * months)
		if start > g.asOf {
			return
		}
		inv = invoice{
			periodStart: start, periodEnd: ct.start.addMonths((p+1)*months) - 1,
			issued: start, due: start + 30, paid: noDay, creditIssued: noDay, months: months,
		}
		uDispute, reason, uStatus, uLate, pay := r.Float64(), r.IntN(len(disputeReasons)), r.Float64(), r.Float64(), r.ExpFloat64()
		uCredit, frac, creditDelay, creditReason := r.Float64(), uniform(r, 0.1, 0.6), between(r, 10, 60), r.IntN(len(creditReasons))
		if uDispute < pDispute {
			inv.disputed, inv.reason = true, reason
		}
		var days float64
		switch {
		case inv.disputed:
			days = 25 + 35*pay
		case uLate < 0.12:
			days = 31 + 20*pay
		default:
			days = 3 + 27*uLate
		}
		switch {
		case uStatus < 0.006:
			inv.status = invVoid
		case uStatus < 0.014 && inv.issued+90 <= g.asOf:
			inv.status = invUncollectible
		case inv.issued+day(days) <= g.asOf:
			inv.status, inv.paid = invPaid, inv.issued+day(days)
		default:
			inv.status = invOpen
		}
		if inv.disputed && uCredit < 0.5 && inv.issued+day(creditDelay) <= g.asOf {
			inv.credit, inv.creditFrac = true, frac
			inv.creditIssued, inv.creditReason = inv.issued+day(creditDelay), creditReason
		}
		fn(&inv)
	}
}
