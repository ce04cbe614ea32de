package dashboard

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/auth"
	"github.com/precedent-dev/precedent/dashboard/format"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// parsePages parses each page template with the layout and partials, once,
// at start-up.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// view is what every page template gets.
type view struct {
	Title   string
	Active  string
	Session *auth.Session
	Demo    bool
	CSRF    string
	Path    string
	Filters Filters
	// Problems are the filters in the URL the page does not apply or
	// cannot apply, each shown in a notice above the page's numbers.
	Problems []filterProblem
	Options  filterOptions
	// Keep are the URL's other parameters, carried by the filter bar of a
	// page shown for its filters' problems.
	Keep   [][2]string
	Fresh  freshness
	CanSQL bool
	Page   any

	srv     *Server
	tmpl    *template.Template
	gen     int    // the generation the filter options were read from, or an older one
	scope   string // the page's key in pageFilters: its filter bar offers those
	bodyKey string // with it, the page's content is rendered once per generation and key
}

// Body is the page's content (its "content" template) as HTML. Pages that
// depend only on the generation and their URL (not on the user) render it
// once per generation and key: it is most of a page's rendering.
// A page whose URL has filter problems is rendered each time, with its
// notices.
func (v view) Body() (template.HTML, error) {
	cached := v.bodyKey != "" && v.gen != 0 && len(v.Problems) == 0
	if cached {
		if h, ok := v.srv.bodies.get(v.gen, v.bodyKey); ok {
			return h, nil
		}
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer renderBuffers.Put(buf)
	if err := v.tmpl.ExecuteTemplate(buf, "content", v); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if cached {
		v.srv.bodies.put(v.gen, v.bodyKey, h)
	}
	return h, nil
}

// FilterBar is the filter bar ("filters" in partials.html) as HTML, rendered
// by html/template once per generation, page and filters: with a few
// hundred reps and quarters to choose from, its options cost more than the
// rest of a page.
// A bar with problems is rendered each time: its key would be whatever
// the URL holds.
func (v view) FilterBar() (template.HTML, error) {
	key := v.Path + "?" + v.Filters.Values().Encode()
	cached := len(v.Problems) == 0 && len(v.Keep) == 0
	if h, ok := v.srv.filterBars.get(v.gen, key); ok && cached {
		return h, nil
	}
	var buf bytes.Buffer
	if err := v.tmpl.ExecuteTemplate(&buf, "filters", v); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if cached {
		v.srv.filterBars.put(v.gen, key, h)
	}
	return h, nil
}

// filterField is one select of a filter bar.
type filterField struct {
	Name, Label, Blank string
	Options            []string
	Value              string // the applied value, selected
	Bad                string // a value that cannot be applied, shown selected and marked
}

// Fields are the selects of the page's filter bar: the filters the page
// applies (pageFilters), nothing else.
func (v view) Fields() []filterField {
	options := map[string][]string{
		"segment": v.Options.Segments, "region": v.Options.Regions, "team": v.Options.Teams, "rep": v.Options.Reps,
		"from": v.Options.Quarters, "to": v.Options.Quarters,
	}
	var out []filterField
	for _, p := range pageFilters[v.scope].Offers {
		fl := filterNamed(p)
		fd := filterField{Name: p, Label: fl.Label, Blank: fl.Blank, Options: options[p], Value: v.Filters.get(p)}
		for _, pr := range v.Problems {
			if pr.Param == p && !pr.Ignored {
				fd.Bad = pr.Value
			}
		}
		out = append(out, fd)
	}
	return out
}

// Cleared is the page's URL with the filters it can apply and the other
// parameters it keeps, without those it cannot.
func (v view) Cleared() string {
	var kv []string
	for _, k := range v.Keep {
		kv = append(kv, k[0], k[1])
	}
	return withParams(v.Path, v.Filters, kv...)
}

// renderBuffers hold pages while they render: a page is 25 kB to 350 kB,
// and growing a new buffer for each request kept the garbage collector busy.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *Server) render(c echo.Context, status int, page, title, active string, data any) error {
	return s.renderKeyed(c, status, page, title, active, "", data)
}

// renderCached renders a page whose content depends only on the generation
// and key, never on who asks: its content is rendered once per generation.
func (s *Server) renderCached(c echo.Context, page, title, active, key string, data any) error {
	return s.renderKeyed(c, http.StatusOK, page, title, active, page+"|"+key, data)
}

func (s *Server) renderKeyed(c echo.Context, status int, page, title, active, key string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("no page template %s", page)
	}
	v := s.newView(c, page, title, active, data)
	v.tmpl, v.bodyKey = t, key
	return s.execute(c, status, page, v)
}

// newView is what every page gets, with the filters of scope (a page's key
// in pageFilters; pages without filters have none) read from the URL.
func (s *Server) newView(c echo.Context, scope, title, active string, data any) view {
	ses := sessionOf(c)
	v := view{
		Title: title, Active: active, Session: ses, Demo: s.demo, Path: c.Request().URL.Path,
		Page: data, srv: s,
	}
	if tok, ok := c.Get(csrfContextKey).(string); ok {
		v.CSRF = tok
	}
	if ses != nil {
		v.CanSQL = ses.Role.Allows(auth.Analyst)
		// Read before the options; see filterOptions.
		if g, ok := s.wh.current(); ok {
			v.gen = g.ID
		}
		v.Options = s.filterOptions(c.Request().Context(), v.gen)
		v.Fresh = s.freshness()
		if pf, ok := pageFilters[scope]; ok {
			v.scope = scope
			v.Filters, v.Problems = checkFilters(c.QueryParams(), pf.Offers, v.Options)
		}
	}
	return v
}

// renderFilterError shows a page whose filters cannot be applied: its
// filter bar with the values marked, the problems, and no numbers.
func (s *Server) renderFilterError(c echo.Context, fe *filterError) error {
	t, ok := s.pages["badfilter"]
	if !ok {
		return fmt.Errorf("no page template badfilter")
	}
	v := s.newView(c, fe.page, pageFilters[fe.page].Title, fe.page, nil)
	v.tmpl = t
	// A page's own parameters (the register's kind) are checked by the
	// page: their problems join the filter bar's, and the link that clears
	// the problems drops them.
	own := func(k string) bool {
		return slices.ContainsFunc(fe.problems, func(p filterProblem) bool { return p.Param == k })
	}
	for _, p := range fe.problems {
		if !slices.ContainsFunc(v.Problems, func(q filterProblem) bool { return q.Param == p.Param }) {
			v.Problems = append(v.Problems, p)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.QueryParams())) {
		if !slices.ContainsFunc(filterList, func(fl filter) bool { return fl.Param == k }) && k != "page" && !own(k) {
			v.Keep = append(v.Keep, [2]string{k, clip(c.QueryParam(k))})
		}
	}
	return s.execute(c, http.StatusBadRequest, "badfilter", v)
}

// execute renders v with its page template and sends it with status.
func (s *Server) execute(c echo.Context, status int, page string, v view) error {
	t := v.tmpl
	buf := renderBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer renderBuffers.Put(buf)
	if err := t.Execute(buf, v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	// Written to the connection before render returns the buffer.
	return c.HTMLBlob(status, buf.Bytes())
}

// renderStatus shows an error page.
func (s *Server) renderStatus(c echo.Context, code int, msg string) {
	if err := s.render(c, code, "error", http.StatusText(code), "", msg); err != nil {
		c.String(code, msg)
	}
}

var funcs = template.FuncMap{
	"money":   money,
	"dollars": func(v any) string { return format.Dollars(num(v)) },
	"pct":     func(v any) string { return fmt.Sprintf("%.1f%%", 100*num(v)) },
	"num":     func(v any) string { return thousands(num(v)) },
	"dec":     func(v any, places int) string { return fmt.Sprintf("%.*f", places, num(v)) },
	"date":    func(v any) string { return wh.Format(v, "DATE") },
	"text":    func(v any) string { return cellText(wh.Format(v, "")) },
	"ago":     ago,
	"with":    withParams,
	"add":     func(a, b int) int { return a + b },
	"list":    func(s ...string) []string { return s },
	// kindName names an exception kind in words (page_exceptions.go).
	"kindName": kindName,
}

// cellChars is the most characters one value shows in a page's table; the
// rest is summarised (exports carry the whole value).
const cellChars = 1000

// cellText cuts a long value for display.
func cellText(s string) string {
	if len(s) <= cellChars {
		return s
	}
	r := []rune(s)
	if len(r) <= cellChars {
		return s
	}
	return fmt.Sprintf("%s… (%d more characters; export to see all)", string(r[:cellChars]), len(r)-cellChars)
}

// num reads a number from a query value: NaN for null or not a number.
func num(v any) float64 { return format.Number(v) }

func money(v any) string { return format.Money(num(v)) }

func thousands(f float64) string { return format.Count(f) }

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// withParams returns path with the filters' query string, with pairs of
// key, value overriding it ("" removes a key).
func withParams(path string, f Filters, kv ...string) string {
	v := f.Values()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
