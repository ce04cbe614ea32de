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

// references parses a query with DuckDB's own parser (json_serialize_sql)
// and returns the tables it reads, leaving out its CTEs.
func references(ctx context.Context, db queryer, query string) ([]reference, error) {
	var out string
	if err := db.QueryRowContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR", query).Scan(&out); err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("parse tree: %w", err)
	}
	if e, _ := doc["error"].(bool); e {
		msg, _ := doc["error_message"].(string)
		if pos, ok := doc["position"].(string); ok {
			return nil, &syntaxError{msg: msg, offset: atoi(pos)}
		}
		if pos, ok := doc["position"].(float64); ok {
			return nil, &syntaxError{msg: msg, offset: int(pos)}
		}
		return nil, &syntaxError{msg: msg, offset: -1}
	}
	ctes := map[string]bool{}
	var refs []reference
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "BASE_TABLE" {
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
	var tables []reference
	for _, r := range refs {
		if !ctes[r.name] {
			tables = append(tables, r)
		}
	}
	slices.SortFunc(tables, func(a, b reference) int { return a.offset - b.offset })
	return tables, nil
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
	for _, m := range models {
		if m.Err != nil {
			continue
		}
		refs, err := references(ctx, db, m.SQL)
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
		m.Deps = nil
		for _, r := range refs {
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
