package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/etl/runlog"
)

type runsPage struct {
	Runs       []runView
	Tests      []record
	Failing    int
	Models     []record
	Lineage    Chart
	CanTrigger bool
	Message    string
	Damage     string // why the published generation is not served, and what is
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
		p.Lineage = lineageGraph(p.Models)
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

// lineageGraph draws models and what they read, coloured by layer.
func lineageGraph(models []record) Chart {
	if len(models) == 0 {
		return emptyChart("lineage", "Model lineage")
	}
	layers := []string{"source", "staging", "intermediate", "marts", "user"}
	var cats []*opts.GraphCategory
	for _, l := range layers {
		cats = append(cats, &opts.GraphCategory{Name: l})
	}
	seen := map[string]bool{}
	var nodes []opts.GraphNode
	var links []opts.GraphLink
	addNode := func(name, layer string) {
		if seen[name] {
			return
		}
		seen[name] = true
		size := map[string]float64{"source": 8, "staging": 10, "intermediate": 12, "marts": 18, "user": 16}[layer]
		nodes = append(nodes, opts.GraphNode{Name: name, Category: slices.Index(layers, layer), SymbolSize: size})
	}
	for _, m := range models {
		addNode(m.str("name"), m.str("layer"))
	}
	for _, m := range models {
		deps, _ := m["depends_on"].([]any)
		for _, d := range deps {
			dep := fmt.Sprint(d)
			addNode(dep, "source")
			links = append(links, opts.GraphLink{Source: dep, Target: m.str("name")})
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
		Layout: "force", Roam: opts.Bool(true), Draggable: opts.Bool(true),
		Force:      &opts.GraphForce{Repulsion: 80, EdgeLength: 50, Gravity: 0.08},
		Categories: cats, EdgeSymbol: []string{"none", "arrow"},
	}), charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", FontSize: 10}))
	ch := newChart("lineage", "Model lineage", 520, g, nil)
	ch.Note = "Each model and the tables it reads, from the loaded sources through staging and intermediate models to the marts."
	return ch
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
