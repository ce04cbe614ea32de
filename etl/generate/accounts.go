package generate

import (
	"fmt"
	"math"
	"slices"
)

// accountGrowth makes the company grow: the density of account creation
// rises linearly to 1+accountGrowth times its starting value.
const accountGrowth = 1.5

// templateShare is the share of customers billed from a copied, shared
// billing template rather than their own configuration.
const templateShare = 0.15

// accountCount is the number of accounts at the scale.
func accountCount(scale float64) int { return max(1, int(math.Round(2000*scale))) }

// buildAccounts creates the accounts, in order of creation, with their
// segment, region, industry, owner and latent ambiguity.
func (g *gen) buildAccounts() {
	n := accountCount(g.scale)
	r := stream(g.seed, purposeAccounts, 0, 0)
	us := make([]float64, n)
	for i := range us {
		us[i] = r.Float64()
	}
	slices.Sort(us)
	span := float64(g.asOf - g.begin)
	gr := accountGrowth
	g.accounts = make([]account, n)
	for i, u := range us {
		t := (-1 + math.Sqrt(1+2*gr*u*(1+gr/2))) / gr
		a := &g.accounts[i]
		a.created = min(g.begin+day(t*span), g.asOf)
		ar := stream(g.seed, purposeAccount, uint64(i), 0)
		a.seg = segment(pick(ar, segmentShare))
		a.region = uint8(pick(ar, regionShares))
		a.industry = uint8(ar.IntN(len(industries)))
		a.amb = ar.NormFloat64()
		a.team = uint8(teamFor(a.seg, int(a.region), ar.Float64()))
		team := g.teams[a.team]
		a.owner = team.reps[pick(ar, g.teamWeights(int(a.team)))]
		switch a.seg {
		case smb:
			a.billMonths = 1
		case midMarket:
			a.billMonths = 12
			if ar.Float64() < 0.6 {
				a.billMonths = 3
			}
		default:
			a.billMonths = 12
		}
		a.config = -1
	}
}

// assignConfigs puts about 15% of customers (accounts whose new deal was
// won; under confounding a share that depends on the segment) on copied
// billing templates, each shared by 2 to 10 of them.
func (g *gen) assignConfigs() {
	r := stream(g.seed, purposeConfigs, 0, 0)
	var customers, marked []int
	for i := range g.accounts {
		if g.newDeals[i].stage != stageWon {
			continue
		}
		customers = append(customers, i)
		if r.Float64() < g.linked(templateShare, &templateGap, g.accounts[i].seg) {
			marked = append(marked, i)
		}
	}
	if len(marked) < 2 {
		return
	}
	r.Shuffle(len(marked), func(i, j int) { marked[i], marked[j] = marked[j], marked[i] })
	tpl := int32(0)
	for lo := 0; lo < len(marked); tpl++ {
		hi := min(lo+between(r, 2, 10), len(marked))
		if len(marked)-hi == 1 {
			hi++
		}
		for _, i := range marked[lo:hi] {
			g.accounts[i].config = tpl
		}
		lo = hi
	}
	g.sharedShare = float64(len(marked)) / float64(len(customers))
}

// configID is the billing configuration the account's invoices come from.
func (g *gen) configID(i int) string {
	if c := g.accounts[i].config; c >= 0 {
		return fmt.Sprintf("BC-TPL-%03d", c+1)
	}
	return "BC-" + accountID(i)
}
