package generate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// group is a set of entities written in one pass, because their IDs or
// rows are produced together.
type group struct {
	entities []string
	write    func(ctx context.Context, sinks []*sink) error
}

// groups lists every entity of the contract exactly once.
func (g *gen) groups() []group {
	return []group{
		{[]string{"tickets"}, g.writeTickets},
		{[]string{"invoices", "invoice_lines", "credit_notes"}, g.writeInvoices},
		{[]string{"deals", "deal_lines"}, g.writeDeals},
		{[]string{"contracts", "contract_terms"}, g.writeContracts},
		{[]string{"accounts"}, g.writeAccounts},
		{[]string{"reps"}, g.writeReps},
		{[]string{"fx_rates"}, g.writeFXRates},
	}
}

// write writes every entity file, running the groups concurrently, and
// returns the row count per entity. Parquet goes straight to the output
// directory; CSV and JSON lines are converted from Parquet in a temporary
// directory inside it; a vendor layout is written from the Parquet files
// there once all are written, and its files returned.
func (g *gen) write(ctx context.Context, opts Options) (map[string]int, []File, error) {
	dir := opts.Out
	var conv *converter
	if opts.Format != "parquet" || opts.Layout != "contract" {
		tmp, err := os.MkdirTemp(opts.Out, ".generate-")
		if err != nil {
			return nil, nil, fmt.Errorf("write: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if opts.Format != "parquet" && opts.Layout == "contract" {
		var err error
		if conv, err = newConverter(ctx); err != nil {
			return nil, nil, err
		}
		defer conv.close()
	}
	var (
		mu       sync.Mutex
		rows     = map[string]int{}
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	for _, gr := range g.groups() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			counts, err := g.writeGroup(ctx, gr, dir)
			if err != nil {
				fail(err)
				return
			}
			for j, entity := range gr.entities {
				src := filepath.Join(dir, entity+".parquet")
				if conv != nil {
					dst := filepath.Join(opts.Out, entity+"."+opts.Format)
					if err := conv.convert(ctx, opts.Format, src, dst); err != nil {
						fail(fmt.Errorf("write %s: %w", entity, err))
						return
					}
					os.Remove(src)
				}
				mu.Lock()
				rows[entity] = counts[j]
				if opts.Progress != nil {
					opts.Progress(entity, counts[j])
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	if opts.Layout == "contract" {
		return rows, nil, nil
	}
	files, err := writeLayout(ctx, opts.Layout, dir, opts.Out)
	return rows, files, err
}

// writeGroup opens the group's Parquet files, writes them and returns their
// row counts.
func (g *gen) writeGroup(ctx context.Context, gr group, dir string) ([]int, error) {
	sinks := make([]*sink, 0, len(gr.entities))
	abort := func() {
		for _, s := range sinks {
			s.abort()
		}
	}
	for _, entity := range gr.entities {
		s, err := newSink(entity, filepath.Join(dir, entity+".parquet"))
		if err != nil {
			abort()
			return nil, err
		}
		sinks = append(sinks, s)
	}
	if err := gr.write(ctx, sinks); err != nil {
		abort()
		return nil, fmt.Errorf("write %s: %w", gr.entities[0], err)
	}
	counts := make([]int, len(sinks))
	for i, s := range sinks {
		counts[i] = s.rows
		if err := s.close(); err != nil {
			for _, rest := range sinks[i+1:] {
				rest.abort()
			}
			return nil, err
		}
	}
	return counts, nil
}
