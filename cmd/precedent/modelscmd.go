package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/queries"
)

func (m *Main) modelsCommand() *cobra.Command {
	var lineage, dot bool
	cmd := &cobra.Command{
		Use:   "models [NAME] [--lineage [--dot]]",
		Short: "List the models of the published warehouse, one model in detail, or their lineage",
		Long: `Without NAME, lists every model with its layer, grain, description, row count, build time,
data tests and dependencies. With NAME, shows that model's columns and their documentation
and its tests. --lineage prints the dependency graph as a tree (marts at the top, source
tables at the leaves); add --dot for Graphviz DOT.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := m.openPublished(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			cat, err := readCatalog(cmd.Context(), db)
			if err != nil {
				return err
			}
			switch {
			case dot:
				return cat.writeDOT(m.Stdout)
			case lineage:
				return cat.writeTree(m.Stdout)
			case len(args) == 1:
				return cat.writeModel(cmd.Context(), m.Stdout, db, args[0])
			}
			return cat.writeList(m.Stdout)
		},
	}
	cmd.Flags().BoolVar(&lineage, "lineage", false, "print the dependency graph as a tree")
	cmd.Flags().BoolVar(&dot, "dot", false, "print the dependency graph as Graphviz DOT")
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	return cmd
}

// openPublished opens the published warehouse in the sandbox.
func (m *Main) openPublished(ctx context.Context) (*sql.DB, error) {
	gen, err := m.dataDir().Published()
	if err != nil {
		return nil, err
	}
	return wh.Sandbox(ctx, gen.Path, m.duckdb())
}

// catalog is the models of the published warehouse, as its catalog
// records them.
type catalog []queries.CatalogModel

func readCatalog(ctx context.Context, db *sql.DB) (catalog, error) {
	models, err := queries.ReadCatalog(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("read models (was this warehouse built by precedent etl?): %w", err)
	}
	return models, nil
}

func (c catalog) byName(name string) (queries.CatalogModel, bool) {
	i := slices.IndexFunc(c, func(m queries.CatalogModel) bool { return m.Name == name })
	if i < 0 {
		return queries.CatalogModel{}, false
	}
	return c[i], true
}

func (c catalog) writeList(w io.Writer) error {
	for _, mo := range c {
		tests := fmt.Sprintf("tests %d/%d pass", mo.TestsPassed, mo.TestsPassed+mo.TestsFailed)
		layer := mo.Layer
		if mo.Materialized == queries.View {
			layer += ", view"
		}
		fmt.Fprintf(w, "%s  [%s]  %d rows  %.2fs  %s", mo.Name, layer, mo.Rows, mo.Seconds, tests)
		if mo.Status != queries.Built {
			fmt.Fprintf(w, "  %s: %s", strings.ToUpper(mo.Status), mo.Error)
		}
		fmt.Fprintln(w)
		if mo.Grain != "" {
			fmt.Fprintf(w, "    grain: %s\n", mo.Grain)
		}
		if mo.Description != "" {
			fmt.Fprintf(w, "    %s\n", strings.Join(strings.Fields(mo.Description), " "))
		}
		if len(mo.DependsOn) > 0 {
			fmt.Fprintf(w, "    depends on: %s\n", strings.Join(mo.DependsOn, ", "))
		}
	}
	return nil
}

func (c catalog) writeModel(ctx context.Context, w io.Writer, db *sql.DB, name string) error {
	mo, ok := c.byName(name)
	if !ok {
		return fmt.Errorf("no model named %s (precedent models lists them)", name)
	}
	if err := (catalog{mo}).writeList(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "    file: %s\n\ncolumns:\n", mo.Path)
	cols, err := wh.Query(ctx, db, "SELECT column_name, data_type, coalesce(description, '') FROM _model_columns WHERE model = ? ORDER BY position", 0, name)
	if err != nil {
		return err
	}
	for _, r := range cols.Values {
		fmt.Fprintf(w, "  %-28s %-14s %s\n", r[0], r[1], r[2])
	}
	tests, err := wh.Query(ctx, db, "SELECT test, status, failing_rows FROM _data_tests WHERE model = ? ORDER BY test", 0, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\ntests:")
	width := 0
	for _, r := range tests.Values {
		width = max(width, utf8.RuneCountInString(fmt.Sprint(r[0])))
	}
	for _, r := range tests.Values {
		fmt.Fprintf(w, "  %-*s  %s (%v failing rows)\n", width, r[0], r[1], r[2])
	}
	return nil
}

// roots are the models no other model reads, in catalog order.
func (c catalog) roots() []queries.CatalogModel {
	read := map[string]bool{}
	for _, mo := range c {
		for _, d := range mo.DependsOn {
			read[d] = true
		}
	}
	var out []queries.CatalogModel
	for _, mo := range c {
		if !read[mo.Name] {
			out = append(out, mo)
		}
	}
	return out
}

// writeTree prints each root with what it reads, recursively; a model
// already shown is marked rather than expanded again.
func (c catalog) writeTree(w io.Writer) error {
	shown := map[string]bool{}
	var walk func(name, prefix string, last bool, depth int)
	walk = func(name, prefix string, last bool, depth int) {
		branch, next := "├── ", "│   "
		if last {
			branch, next = "└── ", "    "
		}
		if depth == 0 {
			branch, next = "", ""
		}
		mo, isModel := c.byName(name)
		label := name
		switch {
		case !isModel:
			label += " (source)"
		case shown[name] && len(mo.DependsOn) > 0:
			label += " (see above)"
		default:
			label += " [" + mo.Layer + "]"
		}
		fmt.Fprintln(w, prefix+branch+label)
		if !isModel || shown[name] {
			return
		}
		shown[name] = true
		for i, d := range mo.DependsOn {
			walk(d, prefix+next, i == len(mo.DependsOn)-1, depth+1)
		}
	}
	for _, r := range c.roots() {
		walk(r.Name, "", true, 0)
	}
	return nil
}

func (c catalog) writeDOT(w io.Writer) error {
	fmt.Fprintln(w, "digraph precedent {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];")
	for _, mo := range c {
		fmt.Fprintf(w, "  %q [label=%q];\n", mo.Name, mo.Name+"\n"+mo.Layer)
		for _, d := range mo.DependsOn {
			fmt.Fprintf(w, "  %q -> %q;\n", d, mo.Name)
		}
	}
	fmt.Fprintln(w, "}")
	return nil
}
