package generate

import (
	"math"
	"math/rand/v2"
)

// Stream purposes: each kind of draw has its own random stream, keyed by the
// seed, the purpose and the owning record, so that one record's draws never
// depend on how many draws another record made.
const (
	purposeAccounts uint64 = iota + 1
	purposeAccount
	purposeNames
	purposeConfigs
	purposeNewDeal
	purposeContract
	purposeTickets
	purposeInvoices
	purposeScope
	purposeDeal
)

// splitmix is SplitMix64's finaliser, used to spread keys over 64 bits.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream returns a PCG generator for the seed and the given keys.
func stream(seed uint64, purpose, a, b uint64) *rand.Rand {
	h := splitmix(seed ^ splitmix(purpose))
	h = splitmix(h ^ a)
	h = splitmix(h ^ (b + 0x632be59bd9b4e019))
	return rand.New(rand.NewPCG(h, splitmix(h^seed)))
}

// uniform returns a float in [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// logistic is the inverse of the logit.
func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// logit is the log-odds of p.
func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// poisson draws a Poisson count with mean lambda.
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		n := int(math.Round(lambda + math.Sqrt(lambda)*r.NormFloat64()))
		return max(n, 0)
	}
	l, k, p := math.Exp(-lambda), 0, r.Float64()
	for p > l {
		k++
		p *= r.Float64()
	}
	return k
}

// pick returns an index drawn with the given weights.
func pick(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	u := r.Float64() * total
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(weights) - 1
}

// clip bounds x to [lo, hi].
func clip(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }
