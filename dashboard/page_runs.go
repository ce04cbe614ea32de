package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/etl/runlog"
)

type runsPage struct {
	Runs    []runView
	Tests   []record
	Failing int
	Models  []record
	Lineage Chart
	// LineageModel is the model the lineage is drawn around (?model=).
	LineageModel string
	CanTrigger   bool
	Message      string
	Damage       string // why the published generation is not served, and what is
	// LastETL is the newest ETL run that read files, with how it read them.
	LastETL *runView
}

type runView struct {
	runlog.Record
	Totals runTotals
}

func (s *Server) runs(c echo.Context) error {
	ctx := c.Request().Context()
	all, err := s.runlog.Runs("")
	if err != nil {
		return err
	}
	slices.Reverse(all)
	p := runsPage{CanTrigger: s.opts.Runs != nil && sessionOf(c).Role.Allows("admin"), Message: runMessage(c.QueryParam("run"), c.QueryParam("result")), Damage: s.wh.damaged()}
	for i, r := range all {
		if i == 50 {
			break
		}
		p.Runs = append(p.Runs, runView{Record: r, Totals: detailOf(r)})
	}
	for i := range p.Runs {
		if r := &p.Runs[i]; r.Kind == "etl" && len(r.Totals.Result.Files) > 0 {
			p.LastETL = r
			break
		}
	}
	if _, ok := s.wh.current(); ok {
		tests, err := s.run(ctx, "data_tests", Filters{}, nil)
		if err != nil {
			return err
		}
		p.Tests = records(tests)
		for _, t := range p.Tests {
			if t.str("status") != "pass" {
				p.Failing++
			}
		}
		models, err := s.run(ctx, "models", Filters{}, nil)
		if err != nil {
			return err
		}
		p.Models = records(models)
		p.LineageModel = c.QueryParam("model")
		if !slices.ContainsFunc(p.Models, func(m record) bool { return m.str("name") == p.LineageModel }) {
			p.LineageModel = lineageModel
		}
		p.Lineage = lineageGraph(p.Models, p.LineageModel)
	}
	return s.render(c, http.StatusOK, "runs", "Runs", "runs", p)
}

type quarantinePage struct {
	Run    int
	Entity string
	Rows   []record
	Pager  pager
	CSV    string
}

func (s *Server) quarantineParams(c echo.Context) (run int, entity string) {
	fmt.Sscan(c.QueryParam("run"), &run)
	return run, clip(c.QueryParam("entity"))
}

func (s *Server) quarantine(c echo.Context) error {
	run, entity := s.quarantineParams(c)
	page, err := pageParam(c.QueryParam("page"))
	if err != nil {
		return err
	}
	rows, err := s.run(c.Request().Context(), "quarantine", Filters{}, map[string]any{"run": run, "entity": entity, "limit": pageSize, "offset": (page - 1) * pageSize})
	if err != nil {
		return err
	}
	p := quarantinePage{Run: run, Entity: entity, Rows: records(rows)}
	var total int64
	if len(p.Rows) > 0 {
		total = int64(p.Rows[0].num("total"))
	}
	q := func(kv ...string) string {
		return withParams("/runs/quarantine", Filters{}, append([]string{"run", fmt.Sprint(run), "entity", entity}, kv...)...)
	}
	if run == 0 {
		q = func(kv ...string) string {
			return withParams("/runs/quarantine", Filters{}, append([]string{"entity", entity}, kv...)...)
		}
	}
	p.Pager = newPager(page, len(p.Rows), total, func(n int) string { return q("page", fmt.Sprint(n)) })
	p.CSV = "/runs/quarantine.csv" + q()[len("/runs/quarantine"):]
	return s.render(c, http.StatusOK, "quarantine", "Quarantined rows", "runs", p)
}

func (s *Server) quarantineCSV(c echo.Context) error {
	run, entity := s.quarantineParams(c)
	rows, err := s.run(c.Request().Context(), "quarantine", Filters{}, map[string]any{"run": run, "entity": entity, "limit": s.opts.RowCap, "offset": 0})
	if err != nil {
		return err
	}
	return writeCSV(c, "quarantine.csv", dropColumn(rows, "total"))
}

// triggerRun starts a run for an admin and comes back to the Runs page.
func (s *Server) triggerRun(c echo.Context) error {
	kind := c.FormValue("kind")
	if s.opts.Runs == nil || (kind != "etl" && kind != "report") {
		return echo.NewHTTPError(http.StatusBadRequest, "runs cannot be started from here")
	}
	result := "started"
	err := s.opts.Runs.Trigger(c.Request().Context(), kind)
	switch {
	case errors.Is(err, ErrBusy):
		result = "busy"
	case err != nil:
		result = "failed"
	}
	s.opts.Logger.Info("run triggered from the dashboard", "kind", kind, "user", sessionOf(c).User, "result", result, "err", err)
	return c.Redirect(http.StatusSeeOther, withParams("/runs", Filters{}, "run", kind, "result", result))
}

// lineageModel is the model the Runs page's lineage starts from when the
// link names none: the mart most pages read.
const lineageModel = "renewal_risk"

// lineageGraph draws one model with everything upstream of it (what it
// reads, and what those read) on its left and everything downstream (what
// reads it) on its right, one column per step, each node labelled; the
// whole graph of every model is too dense to read.
func lineageGraph(models []record, focus string) Chart {
	const title = "Model lineage"
	if len(models) == 0 {
		return emptyChart("lineage", title)
	}
	layer := map[string]string{}
	up := map[string][]string{}   // model -> what it reads
	down := map[string][]string{} // model -> what reads it
	for _, m := range models {
		name := m.str("name")
		layer[name] = m.str("layer")
		deps, _ := m["depends_on"].([]any)
		for _, d := range deps {
			dep := fmt.Sprint(d)
			up[name] = append(up[name], dep)
			down[dep] = append(down[dep], name)
		}
	}
	if _, ok := layer[focus]; !ok {
		return emptyChart("lineage", title)
	}
	// Column of each node: -steps upstream, +steps downstream (the longest
	// way, so every arrow points right).
	col := map[string]int{focus: 0}
	var walk func(name string, next map[string][]string, dir int)
	walk = func(name string, next map[string][]string, dir int) {
		for _, n := range next[name] {
			if c, ok := col[n]; !ok || (dir < 0 && col[name]-1 < c) || (dir > 0 && col[name]+1 > c) {
				if n == focus {
					continue
				}
				col[n] = col[name] + dir
				walk(n, next, dir)
			}
		}
	}
	walk(focus, up, -1)
	walk(focus, down, 1)
	names := make([]string, 0, len(col))
	for n := range col {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if col[a] != col[b] {
			return col[a] - col[b]
		}
		return strings.Compare(a, b)
	})
	layers := []string{"source", "staging", "intermediate", "marts", "user"}
	var cats []*opts.GraphCategory
	for _, l := range layers {
		cats = append(cats, &opts.GraphCategory{Name: l})
	}
	rows := map[int]int{}
	for _, n := range names {
		rows[col[n]]++
	}
	tallest := 0
	for _, r := range rows {
		tallest = max(tallest, r)
	}
	var nodes []opts.GraphNode
	placed := map[int]int{}
	pos := map[string][2]float64{} // go-echarts drops a zero x or y
	for _, n := range names {
		l := layer[n]
		if l == "" {
			l = "source"
		}
		size := float64(10)
		if n == focus {
			size = 22
		}
		c := col[n]
		y := float64(placed[c]) - float64(rows[c]-1)/2
		placed[c]++
		pos[n] = [2]float64{float64(c) * 100, float64(y) * 40}
		nodes = append(nodes, opts.GraphNode{Name: n, Category: slices.Index(layers, l), SymbolSize: size})
	}
	var links []opts.GraphLink
	for _, n := range names {
		for _, d := range up[n] {
			if _, ok := col[d]; ok && (col[d] < col[n]) {
				links = append(links, opts.GraphLink{Source: d, Target: n})
			}
		}
	}
	g := charts.NewGraph()
	g.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{AssetsHost: assetsHost}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithAnimation(false),
	)
	g.AddSeries("lineage", nodes, links, charts.WithGraphChartOpts(opts.GraphChart{
		Layout: "none", Roam: opts.Bool(true), Categories: cats, EdgeSymbol: []string{"none", "arrow"},
	}), charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "bottom", FontSize: 11}))
	height := min(max(260, 40*tallest+120), 900)
	ch := newChart("lineage", title+": "+focus, height, g, nil, func(option map[string]any) {
		for _, s := range objects(option, "series") {
			s["left"], s["right"], s["top"], s["bottom"] = 90, 90, 30, 50
			data, _ := s["data"].([]any)
			for _, d := range data {
				if node, ok := d.(map[string]any); ok {
					name, _ := node["name"].(string)
					node["x"], node["y"] = pos[name][0], pos[name][1]
				}
			}
		}
	})
	ch.Note = fmt.Sprintf("%s (large dot), the %d models and tables it reads on its left and the %d that read it on its right, one column per step. Pick another model above.",
		focus, countIf(col, func(c int) bool { return c < 0 }), countIf(col, func(c int) bool { return c > 0 }))
	return ch
}

func countIf(col map[string]int, ok func(int) bool) int {
	n := 0
	for _, c := range col {
		if ok(c) {
			n++
		}
	}
	return n
}

// runMessage is the notice after an admin started a run: fixed sentences
// chosen by code, so that no link can put words of its own on the page.
func runMessage(kind, result string) string {
	if kind != "etl" && kind != "report" {
		return ""
	}
	switch result {
	case "started":
		return kind + " run started."
	case "busy":
		return kind + " run not started: one is already going."
	case "failed":
		return kind + " run not started: see the server's log."
	}
	return ""
}
