package generate

import (
	"context"
	"runtime"
	"slices"
	"sync"
)

// chunkAccounts is how many accounts a worker takes at a time.
const chunkAccounts = 512

// parallel runs fn over [0, n) in chunks on up to GOMAXPROCS goroutines.
// Each chunk writes only its own results, so the outcome does not depend on
// scheduling.
func parallel(ctx context.Context, n int, fn func(lo, hi int)) error {
	chunks := (n + chunkAccounts - 1) / chunkAccounts
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(chunks, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				fn(c*chunkAccounts, min((c+1)*chunkAccounts, n))
			}
		}()
	}
	var err error
	for c := 0; c < chunks; c++ {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- c
	}
	close(next)
	wg.Wait()
	return err
}

// build runs phase A for every account and lays the results out in account
// order, then numbers deals by creation and contracts by start date.
func (g *gen) build(ctx context.Context) error {
	g.buildReps()
	g.buildAccounts()
	n := len(g.accounts)
	g.newDeals = make([]deal, n)
	if err := parallel(ctx, n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g.newDeals[i] = g.newDeal(i)
		}
	}); err != nil {
		return err
	}
	g.assignConfigs()
	g.newDeals = nil
	deals := make([][]deal, n)
	contracts := make([][]agreement, n)
	if err := parallel(ctx, n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			deals[i], contracts[i] = g.lifecycle(i)
		}
	}); err != nil {
		return err
	}
	nd, nc := 0, 0
	for i := range n {
		nd += len(deals[i])
		nc += len(contracts[i])
	}
	g.deals = make([]deal, 0, nd)
	g.contracts = make([]agreement, 0, nc)
	for i := range n {
		a := &g.accounts[i]
		d0, c0 := int32(len(g.deals)), int32(len(g.contracts))
		a.ctrLo = c0
		for _, d := range deals[i] {
			if d.contract >= 0 {
				d.contract += c0
			}
			g.deals = append(g.deals, d)
		}
		for _, c := range contracts[i] {
			c.deal += d0
			if c.renews >= 0 {
				c.renews += c0
			}
			g.contracts = append(g.contracts, c)
		}
		a.ctrHi = int32(len(g.contracts))
		deals[i], contracts[i] = nil, nil
	}
	g.dealOrder, g.dealNum = order(len(g.deals), func(i int) day { return g.deals[i].created })
	g.ctrOrder, g.ctrNum = order(len(g.contracts), func(i int) day { return g.contracts[i].start })
	return nil
}

// order sorts indices by date, ties by index, and returns the order and
// each index's 1-based position.
func order(n int, date func(int) day) ([]int32, []int32) {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if da, db := date(int(a)), date(int(b)); da != db {
			return int(da - db)
		}
		return int(a - b)
	})
	num := make([]int32, n)
	for pos, i := range idx {
		num[i] = int32(pos + 1)
	}
	return idx, num
}
