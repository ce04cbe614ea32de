package generate

import (
	"math"
	"slices"
)

// rep is a sales representative; the first rep of each team is its manager.
type rep struct {
	team    int
	manager int32 // -1 for a team manager
	weight  float64
}

// team is a sales team and its reps, manager first.
type team struct {
	name string
	reps []int32
}

// teamNames lists the sales teams; teamWeight is each team's expected share
// of the selling work at the default account mix (enterprise accounts need
// about twice a mid-market account's time and five times an SMB account's).
var (
	teamNames = []string{
		"Enterprise East", "Enterprise West", "Mid-Market North America", "Mid-Market EMEA", "SMB", "APAC",
	}
	teamWeight = []float64{0.2385, 0.1485, 0.3045, 0.147, 0.258, 0.1785}
)

const (
	teamEntEast = iota
	teamEntWest
	teamMMNA
	teamMMEMEA
	teamSMB
	teamAPAC
)

// teamFor returns the team covering an account of the segment and region;
// u splits North American enterprise accounts between East and West.
func teamFor(s segment, region int, u float64) int {
	switch {
	case region == regionAPAC:
		return teamAPAC
	case s == enterprise && region == regionEMEA:
		return teamEntEast
	case s == enterprise && region == regionLATAM:
		return teamEntWest
	case s == enterprise && u < 0.5:
		return teamEntEast
	case s == enterprise:
		return teamEntWest
	case s == midMarket && region == regionEMEA:
		return teamMMEMEA
	case s == midMarket:
		return teamMMNA
	default:
		return teamSMB
	}
}

// buildReps creates about 40 reps per unit of scale, at least 8, spread over
// the teams by workload with at least one per team.
func (g *gen) buildReps() {
	n := max(8, int(math.Round(40*g.scale)))
	sizes := make([]int, len(teamNames))
	left := n - len(teamNames)
	total := 0.0
	for _, w := range teamWeight {
		total += w
	}
	type rem struct {
		team int
		frac float64
	}
	var rems []rem
	given := 0
	for t, w := range teamWeight {
		exact := float64(left) * w / total
		sizes[t] = 1 + int(exact)
		given += int(exact)
		rems = append(rems, rem{t, exact - math.Floor(exact)})
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.frac > b.frac:
			return -1
		case a.frac < b.frac:
			return 1
		}
		return 0
	})
	for i := 0; given < left; i++ {
		sizes[rems[i].team]++
		given++
	}
	g.teams = make([]team, len(teamNames))
	for t, size := range sizes {
		g.teams[t].name = teamNames[t]
		for j := range size {
			id := int32(len(g.reps))
			r := rep{team: t, manager: -1, weight: 0.5}
			if j > 0 {
				r.manager = g.teams[t].reps[0]
				r.weight = 1
			}
			g.reps = append(g.reps, r)
			g.teams[t].reps = append(g.teams[t].reps, id)
		}
	}
}

// teamWeights returns the ownership weights of a team's reps: managers carry
// half a rep's book.
func (g *gen) teamWeights(t int) []float64 {
	ws := make([]float64, len(g.teams[t].reps))
	for i, r := range g.teams[t].reps {
		ws[i] = g.reps[r].weight
	}
	return ws
}
