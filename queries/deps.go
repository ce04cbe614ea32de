package queries

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// reference is a relation named in a query and where.
type reference struct {
	name   string
	offset int
}

// parsed is what a query reads, as its parse tree names it: the tables
// (leaving out its CTEs), the functions it calls and the table functions
// it reads from.
type parsed struct {
	tables    []reference
	shadowed  []string // relations read under the name of a CTE of the query
	functions []string
	tableFns  []string
}

// clockColumns are the SQL keywords DuckDB parses as column references
// and binds to the clock when no column has the name.
var clockColumns = map[string]bool{"current_date": true, "current_time": true, "current_timestamp": true, "localtime": true, "localtimestamp": true}

// deterministicTableFns are the table functions whose rows follow from
// their arguments alone; any other reads outside the generation (a file,
// the catalog, a setting) or a clock.
var deterministicTableFns = map[string]bool{"range": true, "generate_series": true, "unnest": true}

// volatile says why a query gives other rows on the same tables at another
// time ("" when it does not): it reads from a table function that is not
// deterministic (read_csv, glob, ...), calls a function DuckDB marks
// volatile or fixed only within one query (random, now, current_date),
// or names the clock. unstable lists such functions (volatileFunctions).
func (p parsed) volatile(unstable map[string]bool) string {
	for _, f := range p.tableFns {
		if !deterministicTableFns[f] {
			return "reads from " + f + "()"
		}
	}
	for _, f := range p.functions {
		if clockColumns[f] {
			return "reads " + f
		}
		if unstable[f] {
			return "calls " + f + "()"
		}
	}
	return ""
}

// volatileFunctions lists the functions whose result is not fixed by
// their arguments, as DuckDB's catalog says (stability VOLATILE or
// CONSISTENT_WITHIN_QUERY), with the built-in macros that call the clock
// or read files (ago, pg_postmaster_start_time).
func volatileFunctions(ctx context.Context, db queryer) (map[string]bool, error) {
	var list string
	err := db.QueryRowContext(ctx, `SELECT coalesce(string_agg(DISTINCT lower(function_name), ','), '') FROM duckdb_functions()
WHERE stability IN ('VOLATILE', 'CONSISTENT_WITHIN_QUERY')
   OR (function_type IN ('macro', 'table_macro') AND regexp_matches(lower(macro_definition), 'current_(date|time|timestamp)|now\(|random\(|today\(|read_|glob\('))`).Scan(&list)
	if err != nil {
		return nil, fmt.Errorf("list volatile functions: %w", err)
	}
	out := map[string]bool{}
	for _, f := range strings.Split(list, ",") {
		if f != "" {
			out[f] = true
		}
	}
	return out, nil
}

// references parses a query with DuckDB's own parser (json_serialize_sql)
// and returns what it reads.
func references(ctx context.Context, db queryer, query string) (parsed, error) {
	var p parsed
	var out string
	if err := db.QueryRowContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR", query).Scan(&out); err != nil {
		return p, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return p, fmt.Errorf("parse tree: %w", err)
	}
	if e, _ := doc["error"].(bool); e {
		msg, _ := doc["error_message"].(string)
		if pos, ok := doc["position"].(string); ok {
			return p, &syntaxError{msg: msg, offset: atoi(pos)}
		}
		if pos, ok := doc["position"].(float64); ok {
			return p, &syntaxError{msg: msg, offset: int(pos)}
		}
		return p, &syntaxError{msg: msg, offset: -1}
	}
	ctes := map[string]bool{}
	var refs []reference
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			switch x["type"] {
			case "FUNCTION":
				if name, _ := x["function_name"].(string); name != "" {
					p.functions = append(p.functions, strings.ToLower(name))
				}
			case "TABLE_FUNCTION":
				if fn, ok := x["function"].(map[string]any); ok {
					if name, _ := fn["function_name"].(string); name != "" {
						p.tableFns = append(p.tableFns, strings.ToLower(name))
					}
				}
			case "COLUMN_REF":
				if names, ok := x["column_names"].([]any); ok && len(names) == 1 {
					if name, _ := names[0].(string); clockColumns[strings.ToLower(name)] {
						p.functions = append(p.functions, strings.ToLower(name))
					}
				}
			case "BASE_TABLE":
				if name, _ := x["table_name"].(string); name != "" {
					off := -1
					if loc, ok := x["query_location"].(float64); ok && loc < 1e15 {
						off = int(loc)
					}
					refs = append(refs, reference{name: strings.ToLower(name), offset: off})
				}
			}
			if cm, ok := x["cte_map"].(map[string]any); ok {
				if entries, ok := cm["map"].([]any); ok {
					for _, e := range entries {
						if em, ok := e.(map[string]any); ok {
							if k, ok := em["key"].(string); ok {
								ctes[strings.ToLower(k)] = true
							}
						}
					}
				}
			}
			for _, child := range x {
				walk(child)
			}
		case []any:
			for _, child := range x {
				walk(child)
			}
		}
	}
	walk(doc)
	for _, r := range refs {
		if !ctes[r.name] {
			p.tables = append(p.tables, r)
		} else if !slices.Contains(p.shadowed, r.name) {
			p.shadowed = append(p.shadowed, r.name)
		}
	}
	slices.SortFunc(p.tables, func(a, b reference) int { return a.offset - b.offset })
	return p, nil
}

type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string { return e.msg }

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// lineOf returns the 1-based line of a byte offset in src.
func lineOf(src string, offset int) int {
	if offset < 0 || offset > len(src) {
		return 1
	}
	return strings.Count(src[:offset], "\n") + 1
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Resolve fills in each model's dependencies from its query, checks that
// every relation it reads is a model or one of sources, and returns the
// models in build order: a model after everything it reads, layers in order,
// names alphabetical among equals. A problem in a built-in model is an
// error; a problem in an analyst's model marks that model (and whatever
// depends on it) failed.
func Resolve(ctx context.Context, db queryer, models []*Model, sources []string) ([]*Model, error) {
	byName := map[string]*Model{}
	for _, m := range models {
		byName[m.Name] = m
	}
	isSource := map[string]bool{}
	for _, s := range sources {
		isSource[strings.ToLower(s)] = true
	}
	// Only an analyst's model can be volatile (TestBuiltinNotVolatile
	// checks the built-in ones): the catalog is read only when there is one.
	var unstable map[string]bool
	if slices.ContainsFunc(models, func(m *Model) bool { return !m.Builtin }) {
		var err error
		if unstable, err = volatileFunctions(ctx, db); err != nil {
			return nil, err
		}
	}
	for _, m := range models {
		if m.Err != nil {
			continue
		}
		p, err := references(ctx, db, m.SQL)
		if err != nil {
			if se, ok := err.(*syntaxError); ok {
				err = fmt.Errorf("%s:%d: %s", m.Path, lineOf(m.SQL, se.offset), se.msg)
			} else {
				err = fmt.Errorf("%s: %w", m.Path, err)
			}
			if m.Builtin {
				return nil, err
			}
			m.Err = err
			continue
		}
		m.Deps, m.Volatile = nil, ""
		if !m.Builtin {
			m.Volatile = p.volatile(unstable)
		}
		m.assertReads = map[string][]string{}
		for _, spec := range m.Header.Tests {
			if spec.Assert == "" {
				continue
			}
			// An assert that does not parse fails when it runs, with
			// DuckDB's message.
			if a, err := references(ctx, db, spec.Assert); err == nil {
				for _, r := range a.tables {
					m.assertReads[spec.Assert] = append(m.assertReads[spec.Assert], r.name)
				}
			}
		}
		for _, r := range p.tables {
			if r.name == m.Name {
				m.Err = fmt.Errorf("%s:%d: %s reads itself", m.Path, lineOf(m.SQL, r.offset), m.Name)
				break
			}
			dep, isModel := byName[r.name]
			switch {
			case isModel && m.Builtin && !dep.Builtin:
				m.Err = fmt.Errorf("%s:%d: a built-in model cannot read the analyst's model %s", m.Path, lineOf(m.SQL, r.offset), r.name)
			case !isModel && !isSource[r.name]:
				m.Err = fmt.Errorf("%s:%d: unknown relation %s", m.Path, lineOf(m.SQL, r.offset), r.name)
			}
			if m.Err != nil {
				break
			}
			if !slices.Contains(m.Deps, r.name) {
				m.Deps = append(m.Deps, r.name)
			}
		}
		// A CTE named like a model may read that model (with x as (select
		// * from x)): it is built first, and its state is read. A CTE
		// named like a source table is not counted (int_ticket_attribution
		// names its tickets so): sources exist before any model builds.
		for _, d := range p.shadowed {
			if _, isModel := byName[d]; isModel && d != m.Name && m.Err == nil && !slices.Contains(m.Deps, d) {
				m.Deps = append(m.Deps, d)
			}
		}
		for _, d := range m.Header.DependsOn {
			if _, ok := byName[d]; !ok && !isSource[d] && m.Err == nil {
				m.Err = fmt.Errorf("%s: depends_on names unknown relation %s", m.Path, d)
			}
			if !slices.Contains(m.Deps, d) {
				m.Deps = append(m.Deps, d)
			}
		}
		if m.Err != nil && m.Builtin {
			return nil, m.Err
		}
	}
	return order(models, byName)
}

var layerRank = map[string]int{Staging: 0, Intermediate: 1, Marts: 2, User: 3}

// order sorts models topologically and reports a cycle with its path.
func order(models []*Model, byName map[string]*Model) ([]*Model, error) {
	sorted := slices.Clone(models)
	slices.SortStableFunc(sorted, func(a, b *Model) int {
		if d := layerRank[a.Layer] - layerRank[b.Layer]; d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var out []*Model
	var stack []string
	var visit func(m *Model) error
	visit = func(m *Model) error {
		switch state[m.Name] {
		case done:
			return nil
		case visiting:
			i := slices.Index(stack, m.Name)
			cycle := append(slices.Clone(stack[i:]), m.Name)
			err := fmt.Errorf("%s: dependency cycle: %s", m.Path, strings.Join(cycle, " -> "))
			if slices.ContainsFunc(cycle, func(n string) bool { return byName[n].Builtin }) {
				return err
			}
			for _, n := range cycle {
				byName[n].Err = err
			}
			return nil
		}
		state[m.Name] = visiting
		stack = append(stack, m.Name)
		for _, d := range m.Deps {
			if dep, ok := byName[d]; ok {
				if err := visit(dep); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[m.Name] = done
		out = append(out, m)
		return nil
	}
	for _, m := range sorted {
		if err := visit(m); err != nil {
			return nil, err
		}
	}
	return out, nil
}
