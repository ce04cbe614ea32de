package generate

import (
	"math"
	"math/rand/v2"
)

const unit = 10000 // ten-thousandths: the scale of quantities and unit prices

// maxCatalogLines caps the catalog lines of a quote; custom lines come on top.
const maxCatalogLines = 5

// termPrice is the unit list price of a product for months of service, in
// ten-thousandths of a dollar.
func termPrice(annual int64, months int) int64 {
	return (annual*unit*int64(months) + 6) / 12
}

// customLines draws the custom, non-catalog lines of a deal: their number
// rises with the contract's latent ambiguity z.
func customLines(r *rand.Rand, s segment, z, intercept float64, months int) []line {
	n := min(3, poisson(r, math.Exp(intercept+1.0*z)))
	factor := [...]float64{2, 1, 0.4}[s]
	out := make([]line, 0, n)
	for range n {
		annual := int64(math.Round(uniform(r, 3000, 40000)*factor/500) * 500)
		desc := r.IntN(len(customTemplates))*len(customSystems) + r.IntN(len(customSystems))
		out = append(out, line{sku: -1, custom: int16(desc), qty: unit, list: termPrice(annual, months)})
	}
	return out
}

// newLines draws the quote of a new-business deal: an edition for the named
// users, add-ons, and custom lines depending on z.
func newLines(r *rand.Rand, s segment, z float64, months int) []line {
	edition := pick(r, editionWeights[s])
	lo, hi := seatRange[s][0], seatRange[s][1]
	seats := math.Exp(uniform(r, math.Log(lo), math.Log(hi)))
	round := [...]float64{10, 5, 1}[s]
	seats = math.Max(round, math.Round(seats/round)*round)
	lines := []line{{sku: int8(edition), qty: int64(seats) * unit, list: termPrice(catalog[edition].price[s], months)}}
	var addOns []int
	for p := firstAddOn; p < len(catalog); p++ {
		if catalog[p].price[s] > 0 {
			addOns = append(addOns, p)
		}
	}
	r.Shuffle(len(addOns), func(i, j int) { addOns[i], addOns[j] = addOns[j], addOns[i] })
	n := between(r, addOnRange[s][0], addOnRange[s][1])
	for _, p := range addOns[:n] {
		lines = append(lines, addOnLine(r, s, p, months))
	}
	return append(lines, customLines(r, s, z, -1.5, months)...)
}

func addOnLine(r *rand.Rand, s segment, p int, months int) line {
	q := between(r, catalog[p].qty[0], catalog[p].qty[1])
	return line{sku: int8(p), qty: int64(q) * unit, list: termPrice(catalog[p].price[s], months)}
}

// renewalLines carries the catalog lines of the prior contract's deal and
// the won expansions into a renewal quote at current prices, with a drift
// in seats, plus fresh custom lines for the next contract's z.
func renewalLines(r *rand.Rand, s segment, prior, expansions []line, z float64, months int) []line {
	var out []line
	add := func(l line) {
		for i := range out {
			if out[i].sku == l.sku {
				out[i].qty += l.qty
				return
			}
		}
		out = append(out, line{sku: l.sku, qty: l.qty})
	}
	for _, l := range prior {
		if l.sku >= 0 {
			add(l)
		}
	}
	for _, l := range expansions {
		if l.sku >= 0 {
			add(l)
		}
	}
	out = out[:min(len(out), maxCatalogLines)]
	for i := range out {
		p := catalog[out[i].sku]
		if p.unit == "user" {
			growth := 1 + clip(0.03+0.08*r.NormFloat64(), -0.3, 0.4)
			out[i].qty = max(unit, int64(math.Round(float64(out[i].qty/unit)*growth))*unit)
		}
		out[i].list = termPrice(p.price[s], months)
	}
	return append(out, customLines(r, s, z, -2.2, months)...)
}

// expansionLines draws an expansion quote for the remaining months of a
// contract: more seats of the edition, a new add-on, or both.
func expansionLines(r *rand.Rand, s segment, current []line, months int) []line {
	edition := current[0]
	seats := max(1, int64(math.Round(float64(edition.qty/unit)*uniform(r, 0.1, 0.3))))
	more := line{sku: edition.sku, qty: seats * unit, list: termPrice(catalog[edition.sku].price[s], months)}
	var candidates []int
	for p := firstAddOn; p < len(catalog); p++ {
		if catalog[p].price[s] == 0 {
			continue
		}
		owned := false
		for _, l := range current {
			owned = owned || int(l.sku) == p
		}
		if !owned {
			candidates = append(candidates, p)
		}
	}
	u, c := r.Float64(), r.IntN(max(1, len(candidates)))
	switch {
	case len(candidates) == 0 || u < 0.55:
		return []line{more}
	case u < 0.85:
		return []line{addOnLine(r, s, candidates[c], months)}
	default:
		return []line{more, addOnLine(r, s, candidates[c], months)}
	}
}

// listCents is the deal's list amount: the exact sum of quantity times unit
// list price (in 1e-8 dollars), rounded half up once to the cent.
func listCents(lines []line) int64 {
	var sum int64
	for _, l := range lines {
		sum += l.qty * l.list
	}
	return (sum + 500000) / 1000000
}

// netCents is the same for the net unit prices.
func netCents(lines []line) int64 {
	var sum int64
	for _, l := range lines {
		sum += l.qty * l.net
	}
	return (sum + 500000) / 1000000
}
