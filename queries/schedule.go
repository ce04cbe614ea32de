package queries

import (
	"context"
	"database/sql"
)

// schedule builds the models of ordered (in dependency order) on conns,
// one model at a time on each connection, each model as soon as every model
// it reads is done: independent models build at once, which keeps the
// cores busy where one model's statements would not (DuckDB scans a table
// of fewer than one row group, 122,880 rows, on one thread).
//
// A model reading one that did not build is given to build with the
// name of that one (failed), to skip it. finish gets each result on the
// calling goroutine as soon as the model is done, in the order the models
// finished in: what follows a model's build (its tests, its file) starts
// then, rather than waiting for every model before it in ordered, and the
// caller puts the results back in the order of ordered. When finish says
// stop, no model starts any more; finish still gets the models building
// then as they finish, and schedule returns once they have.
func schedule(ctx context.Context, conns []*sql.Conn, ordered []*Model,
	build func(ctx context.Context, conn *sql.Conn, m *Model, failed string) ModelResult,
	finish func(i int, res ModelResult) (stop bool)) {
	index := make(map[string]int, len(ordered))
	for i, m := range ordered {
		index[m.Name] = i
	}
	// deps[i] are the models model i reads, by their place in ordered:
	// all before it, so the first model not started can always start once
	// nothing is building.
	deps := make([][]int, len(ordered))
	for i, m := range ordered {
		for _, d := range m.Deps {
			if j, ok := index[d]; ok && j < i {
				deps[i] = append(deps[i], j)
			}
		}
	}
	type finished struct {
		i    int
		conn *sql.Conn
		res  ModelResult
	}
	var (
		results  = make([]*ModelResult, len(ordered))
		started  = make([]bool, len(ordered))
		idle     = append([]*sql.Conn(nil), conns...)
		out      = make(chan finished)
		running  int
		stopping bool
	)
	// ready is the first model not started whose inputs are all done, or
	// -1, with the first of its inputs that did not build, if any.
	ready := func() (int, string) {
		for i := range ordered {
			if started[i] {
				continue
			}
			waiting, failed := false, ""
			for _, j := range deps[i] {
				switch r := results[j]; {
				case r == nil:
					waiting = true
				case r.Status != Built && failed == "":
					failed = ordered[j].Name
				}
			}
			if !waiting {
				return i, failed
			}
		}
		return -1, ""
	}
	for {
		for !stopping && len(idle) > 0 {
			i, failed := ready()
			if i < 0 {
				break
			}
			started[i] = true
			conn := idle[len(idle)-1]
			idle = idle[:len(idle)-1]
			running++
			go func() { out <- finished{i, conn, build(ctx, conn, ordered[i], failed)} }()
		}
		if running == 0 {
			return
		}
		f := <-out
		running--
		results[f.i] = &f.res
		idle = append(idle, f.conn)
		if finish(f.i, f.res) {
			stopping = true
		}
	}
}
