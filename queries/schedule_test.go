package queries

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSchedule checks which models build and what finish gets, without a
// database: each connection is only a token of which one builds.
func TestSchedule(t *testing.T) {
	// a and b read nothing; c reads a; d reads c and b; e reads d.
	graph := []*Model{
		{Name: "a"}, {Name: "b"}, {Name: "c", Deps: []string{"a", "stg"}},
		{Name: "d", Deps: []string{"c", "b"}}, {Name: "e", Deps: []string{"d"}},
	}
	tests := []struct {
		name  string
		conns int
		fail  string // the model that fails
		stop  bool   // done says stop at the failure
		// done: the models finish gets, with their status, in the order
		// they finished in; on one connection that is the graph's order.
		done []string
	}{
		{name: "one connection", conns: 1, done: []string{"a built", "b built", "c built", "d built", "e built"}},
		{name: "two connections", conns: 2, done: []string{"a built", "b built", "c built", "d built", "e built"}},
		{name: "more connections than models", conns: 8, done: []string{"a built", "b built", "c built", "d built", "e built"}},
		{name: "what reads a failed model is skipped", conns: 2, fail: "c", done: []string{"a built", "b built", "c failed", "d skipped:c", "e skipped:d"}},
		{name: "a stop starts nothing more", conns: 1, fail: "b", stop: true, done: []string{"a built", "b failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conns := make([]*sql.Conn, tt.conns)
			for i := range conns {
				conns[i] = new(sql.Conn)
			}
			var mu sync.Mutex
			finished := map[string]bool{}
			busy := map[*sql.Conn]bool{}
			var started []string
			build := func(ctx context.Context, conn *sql.Conn, m *Model, failed string) ModelResult {
				mu.Lock()
				if busy[conn] {
					t.Errorf("%s starts on a connection in use", m.Name)
				}
				busy[conn] = true
				started = append(started, m.Name)
				for _, d := range m.Deps {
					if slices.ContainsFunc(graph, func(g *Model) bool { return g.Name == d }) && !finished[d] {
						t.Errorf("%s starts before %s, which it reads, finished", m.Name, d)
					}
				}
				mu.Unlock()
				res := ModelResult{Name: m.Name, Status: Built}
				switch {
				case failed != "":
					res.Status, res.Error = Skipped, failed
				case m.Name == tt.fail:
					res.Status = Failed
				}
				mu.Lock()
				finished[m.Name], busy[conn] = true, false
				mu.Unlock()
				return res
			}
			var done []string
			schedule(context.Background(), conns, graph, build, func(i int, res ModelResult) bool {
				mu.Lock()
				if !finished[graph[i].Name] {
					t.Errorf("finish got %s before it finished", graph[i].Name)
				}
				mu.Unlock()
				for _, d := range graph[i].Deps {
					if slices.ContainsFunc(graph, func(g *Model) bool { return g.Name == d }) && !slices.ContainsFunc(done, func(s string) bool { return strings.HasPrefix(s, d+" ") }) {
						t.Errorf("finish got %s before %s, which it reads", graph[i].Name, d)
					}
				}
				s := graph[i].Name + " " + res.Status
				if res.Status == Skipped {
					s += ":" + res.Error
				}
				done = append(done, s)
				return tt.stop && res.Status != Built
			})
			// On more connections the order is the one they finished
			// in, which the checks above hold to the graph.
			if tt.conns > 1 {
				slices.Sort(done)
				slices.Sort(tt.done)
			}
			if !slices.Equal(done, tt.done) {
				t.Errorf("finish got %q, want %q", done, tt.done)
			}
			if tt.stop && slices.Contains(started, "c") {
				t.Errorf("c started after the stop: %q", started)
			}
		})
	}
}

// TestScheduleAtOnce checks that two models reading nothing build at
// once on two connections: each waits until the other has started.
func TestScheduleAtOnce(t *testing.T) {
	graph := []*Model{{Name: "a"}, {Name: "b"}, {Name: "c", Deps: []string{"a", "b"}}}
	var wg sync.WaitGroup
	wg.Add(2)
	build := func(ctx context.Context, conn *sql.Conn, m *Model, failed string) ModelResult {
		if m.Name != "c" {
			wg.Done()
			both := make(chan struct{})
			go func() { wg.Wait(); close(both) }()
			select {
			case <-both:
			case <-time.After(30 * time.Second):
				t.Errorf("%s built alone: the other model did not start beside it", m.Name)
			}
		}
		return ModelResult{Name: m.Name, Status: Built}
	}
	n := 0
	schedule(context.Background(), []*sql.Conn{new(sql.Conn), new(sql.Conn)}, graph, build, func(i int, res ModelResult) bool {
		n++
		return false
	})
	if n != 3 {
		t.Errorf("done called %d times, want 3", n)
	}
}

// TestScheduleFinishAtOnce checks that finish gets a model as soon as it is
// built, before models earlier in the graph's order that still build: a
// waits until finish has got b.
func TestScheduleFinishAtOnce(t *testing.T) {
	graph := []*Model{{Name: "a"}, {Name: "b"}}
	gotB := make(chan struct{})
	build := func(ctx context.Context, conn *sql.Conn, m *Model, failed string) ModelResult {
		if m.Name == "a" {
			select {
			case <-gotB:
			case <-time.After(30 * time.Second):
				t.Errorf("finish did not get b while a was building")
			}
		}
		return ModelResult{Name: m.Name, Status: Built}
	}
	var got []string
	schedule(context.Background(), []*sql.Conn{new(sql.Conn), new(sql.Conn)}, graph, build, func(i int, res ModelResult) bool {
		got = append(got, graph[i].Name)
		if graph[i].Name == "b" {
			close(gotB)
		}
		return false
	})
	if !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("finish got %q, want b then a", got)
	}
}

// TestScheduleStopListsBuilding checks that after finish says stop, no
// model starts but the one still building is handed to finish when done:
// a fails while b builds, and c, which nothing reads, never starts.
func TestScheduleStopListsBuilding(t *testing.T) {
	graph := []*Model{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	stopped := make(chan struct{})
	var mu sync.Mutex
	var started []string
	build := func(ctx context.Context, conn *sql.Conn, m *Model, failed string) ModelResult {
		mu.Lock()
		started = append(started, m.Name)
		mu.Unlock()
		switch m.Name {
		case "a":
			return ModelResult{Name: m.Name, Status: Failed}
		case "b":
			select {
			case <-stopped:
			case <-time.After(30 * time.Second):
				t.Errorf("b was not building beside a")
			}
		}
		return ModelResult{Name: m.Name, Status: Built}
	}
	var got []string
	schedule(context.Background(), []*sql.Conn{new(sql.Conn), new(sql.Conn)}, graph, build, func(i int, res ModelResult) bool {
		got = append(got, graph[i].Name+" "+res.Status)
		if graph[i].Name == "a" {
			close(stopped)
		}
		return res.Status != Built
	})
	if want := []string{"a failed", "b built"}; !slices.Equal(got, want) {
		t.Errorf("finish got %q, want %q", got, want)
	}
	if slices.Contains(started, "c") {
		t.Errorf("c started after the stop: %q", started)
	}
}
