package generate

import (
	"fmt"
	"math"
)

// dealType, stage: the enums of a deal.
type dealType uint8

const (
	dealNew dealType = iota
	dealRenewal
	dealExpansion
)

var dealTypeNames = [...]string{"new", "renewal", "expansion"}

type stage uint8

const (
	stageWon stage = iota
	stageLost
	stageOpen
)

var stageNames = [...]string{"won", "lost", "open"}

// regions and their shares of accounts.
var (
	regionNames  = [...]string{"NA", "EMEA", "APAC", "LATAM"}
	regionShares = []float64{0.50, 0.28, 0.14, 0.08}
	segmentShare = []float64{0.15, 0.35, 0.50}
)

const (
	regionNA = iota
	regionEMEA
	regionAPAC
	regionLATAM
)

// account is a company, customer or prospect.
type account struct {
	created    day
	seg        segment
	region     uint8
	industry   uint8
	team       uint8
	owner      int32
	billMonths uint8   // invoice period: 1, 3 or 12 months
	amb        float64 // account-level latent ambiguity, N(0, 1)
	config     int32   // shared billing template number, or -1 for the account's own
	// range of the account's contracts in world.contracts, filled by phase A
	ctrLo, ctrHi int32
}

// line is one quote line. Quantities and unit prices are in ten-thousandths;
// list is the unit list price for the deal's whole term.
type line struct {
	sku    int8  // index into catalog, or -1 for a custom line
	custom int16 // custom description: template*len(customSystems) + system
	qty    int64
	list   int64
	net    int64
}

// deal is an opportunity with its quote lines, the world-independent random
// draws phase B needs, and the results of phases B and C.
type deal struct {
	account  int32
	rep      int32
	typ      dealType
	stage    stage
	created  day
	close    day
	term     int
	lines    []line
	contract int32 // the contract the deal produced, or -1

	// draws made in phase A, the same in both worlds
	eps, sameNoise       float64 // N(0, 1)
	uSame, uInj, excSize float64 // U(0, 1)
	uCite, uPick, uReal  float64
	uReason, uApprove    float64

	// phase B
	disc      float64
	late      bool
	injected  bool
	same      bool
	precedent int32 // cited deal, or -1
	reason    int8

	// phase C
	listCents, netCents int64
}

// agreement is a signed agreement produced by a won new or renewal deal.
type agreement struct {
	account int32
	deal    int32
	renews  int32 // the contract this one renews, or -1
	k       int   // position in the account's chain, 0 for the first
	start   day
	end     day
	signed  day
	term    int
	z       float64 // latent scope ambiguity, N(0, 1)
	arr     int64   // cents, phase C
}

// gen holds the whole generated company: options, reps, accounts and the
// deal and contract skeletons, plus the ID order of deals and contracts.
type gen struct {
	seed  uint64
	scale float64
	asOf  day
	begin day
	fy    fiscal
	eff   Effects

	reps     []rep
	teams    []team
	accounts []account
	newDeals []deal // each account's new-business deal, before phase A

	deals     []deal      // in account order
	contracts []agreement // in account order, each account's chain in order
	dealOrder []int32     // deal indices in ID order
	dealNum   []int32     // deal index -> ID number
	ctrOrder  []int32
	ctrNum    []int32

	sharedShare  float64    // share of customers on a shared billing template
	expEscPerDay [3]float64 // expected escalations per contract-day at z = 0
}

func newGen(opts Options) *gen {
	asOf := dayOf(opts.AsOf)
	g := &gen{
		seed:  opts.Seed,
		scale: opts.Scale,
		asOf:  asOf,
		begin: asOf.addMonths(-60),
		fy:    fiscal{startMonth: opts.FiscalYearStartMonth},
		eff:   opts.Effects,
	}
	for s := range g.expEscPerDay {
		weights := categoryShare
		weights[catScopeQuestion] *= g.linked(1, &scopeQuestionGap, segment(s))
		x := g.linked(0, &escalationGap, segment(s))
		rate := 0.0
		for c, w := range weights {
			rate += w * escalationChance(c, x)
		}
		g.expEscPerDay[s] = ticketRate[s] * rate / 365.25
	}
	return g
}

// ID formats.
func accountID(i int) string { return fmt.Sprintf("ACC-%06d", i+1) }
func repID(i int) string     { return fmt.Sprintf("REP-%04d", i+1) }
func (g *gen) dealID(i int32) string {
	return fmt.Sprintf("DEAL-%07d", g.dealNum[i])
}
func (g *gen) contractID(i int32) string {
	return fmt.Sprintf("CTR-%07d", g.ctrNum[i])
}

// latent combines the account's and the contract's ambiguity into z ~ N(0,1).
func latent(acct, own float64) float64 {
	return (0.7*acct + 0.3*own) / math.Sqrt(0.7*0.7+0.3*0.3)
}

// stamp returns the timestamp (microseconds) of a date plus hours.
func stamp(d day, hours float64) int64 {
	return d.micros() + int64(hours*float64(microsPerHour))
}

// asOfMicros is the latest timestamp the data may carry.
func (g *gen) asOfMicros() int64 { return g.asOf.micros() }
