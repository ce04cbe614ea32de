// Package queries holds Precedent's SQL models and the runner that builds
// them: .sql files in dbt-style layers (staging -> intermediate -> marts)
// embedded in the binary, plus analysts' own models from a folder. The runner
// reads each file's header, infers dependencies from the relations the query
// references, builds in dependency order, runs the data tests, exports the
// marts and records the catalog of models, columns and tests in the
// generation (ReadCatalog reads it back). It knows nothing of where the
// loaded data came from.
package queries

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed staging/*.sql intermediate/*.sql marts/*.sql
var builtin embed.FS

// How a model is materialized (Header.Materialized).
const (
	Table = "table"
	View  = "view"
)

// View says the model is materialized as a view.
func (m *Model) View() bool { return m.Header.Materialized == View }

// Layers in build order; analysts' models form the last layer.
const (
	Staging      = "staging"
	Intermediate = "intermediate"
	Marts        = "marts"
	User         = "user"
)

// Model is one .sql file: a SELECT materialized as a table named after the
// file, or as a view when its header says materialized: view.
type Model struct {
	Name   string
	Layer  string
	Path   string // queries/marts/x.sql, or the analyst's file
	SQL    string // the query, header included
	Header Header
	Deps   []string // relations it reads: models and sources
	// Volatile says why the model's rows may differ on the same tables at
	// another time (it reads a file or the clock); "" when they cannot.
	// Such a model is computed on every run, and so is what reads it.
	Volatile string
	Builtin  bool
	// assertReads are the relations each assert of the header reads, by
	// its text, as Resolve found them.
	assertReads map[string][]string
	// Err is a problem found before building (a broken header, an unknown
	// relation): the model is reported failed and not built.
	Err error
}

// Header is the comment block that opens a model file. Its lines, with the
// leading "--" removed, are YAML:
//
//	-- grain: one row per won deal
//	-- key: deal_id
//	-- description: Won deals with their discount and fiscal timing.
//	-- columns:
//	--   discount_pct: 1 - net_amount / list_amount
//	-- tests:
//	--   - not_null: [account_id, segment]
//	--   - accepted_values: {column: segment, values: [enterprise, mid_market, smb]}
//	--   - relationships: {column: account_id, to: stg_accounts.account_id}
//	--   - assert: select * from deal_discounts where discount_pct > 1
//
// The key is tested unique and not null without saying so.
type Header struct {
	Grain       string       `yaml:"grain"`
	Key         StringList   `yaml:"key"`
	Description string       `yaml:"description"`
	Columns     yaml.Node    `yaml:"columns"`
	Tests       []TestSpec   `yaml:"tests"`
	DependsOn   StringList   `yaml:"depends_on"`
	Incremental *Incremental `yaml:"incremental"`
	// Materialized is "table" (the default: the rows are computed and
	// stored) or "view" (the query is stored, and run by what reads it).
	// A view suits a projection of one table, as the staging models are
	// (dbt's staging convention): storing it would copy the table.
	Materialized string            `yaml:"materialized"`
	columnDocs   map[string]string // from Columns, in file order in columnOrder
	columnOrder  []string
}

// Incremental declares that a model's rows can be updated in place: its
// rows with value k in column Key are computed from the rows of the From
// tables with the same value of Key (a column of each; the model's key or
// a coarser one, such as the account of a per-contract row) and from the
// other tables the model reads. When, since the previous generation, only
// From tables changed, and only in known rows, a build deletes the model's
// rows of the Key values those rows hold (in their earlier and new
// versions) and inserts them computed again, instead of computing every
// row. Written in a header as
//
//	-- incremental: {key: ticket_id, from: stg_tickets}
//	-- incremental: {key: account_id, from: [int_renewal_risk_accounts, support_tickets]}
//
// A From table is an entity table (whose changed rows are those the run
// loaded and the earlier versions they replaced) or a model (kept, updated
// in place, or computed in full and compared with the previous
// generation's). FromKey names the From tables' column when it is not
// called Key there (a ticket's attributed_contract_id for a contract's
// contract_id).
//
// AsOf names a date column of the From tables when the model reads the
// as-of date only to keep the From rows dated on or before it:
//
//	-- incremental: {key: ticket_id, from: stg_tickets, as_of: ticket_date}
//
// A new as-of date then changes only the rows of the Key values of the From
// rows dated between the two dates, and the model is updated in place for
// them too (its other settings must be those of the previous generation).
// The rows between are taken by the column's date, both dates included, so
// the model may keep the rows before the as-of date or on or before it, by
// a date or by a timestamp's date.
type Incremental struct {
	Key     string     `yaml:"key"`
	From    StringList `yaml:"from"`
	FromKey string     `yaml:"from_key"`
	AsOf    string     `yaml:"as_of"`
}

// TestSpec is one data test as written in a header; exactly one field is set.
type TestSpec struct {
	Unique         StringList      `yaml:"unique"`
	NotNull        StringList      `yaml:"not_null"`
	AcceptedValues *AcceptedValues `yaml:"accepted_values"`
	Relationships  *Relationship   `yaml:"relationships"`
	Assert         string          `yaml:"assert"`
}

// AcceptedValues says a column holds only the listed values (or null).
type AcceptedValues struct {
	Column string   `yaml:"column"`
	Values []string `yaml:"values"`
}

// Relationship says every non-null value of Column appears in To ("model.column").
type Relationship struct {
	Column string `yaml:"column"`
	To     string `yaml:"to"`
}

// StringList reads either one string or a list of strings.
type StringList []string

// UnmarshalYAML accepts "a", "a, b" or [a, b].
func (s *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		for _, part := range strings.Split(n.Value, ",") {
			if p := strings.TrimSpace(part); p != "" {
				*s = append(*s, p)
			}
		}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// ColumnNames lists the documented columns in the order the header gives them.
func (h Header) ColumnNames() []string { return h.columnOrder }

// parseModel reads a model file's header.
func parseModel(name, layer, path string, src []byte, builtin bool) (*Model, error) {
	m := &Model{Name: name, Layer: layer, Path: path, SQL: string(src), Builtin: builtin}
	var yamlLines []string
	lines := strings.Split(string(src), "\n")
	for _, line := range lines {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			break
		}
		body := strings.TrimPrefix(strings.TrimSpace(line), "--")
		yamlLines = append(yamlLines, strings.TrimPrefix(body, " "))
	}
	if strings.TrimSpace(strings.Join(yamlLines, "")) == "" {
		if builtin {
			return nil, fmt.Errorf("%s:1: a built-in model needs a header with grain, key and description", path)
		}
		return m, nil
	}
	text := []byte(strings.Join(yamlLines, "\n"))
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		// Comments that are not a key: value header are just comments.
		if builtin {
			return nil, fmt.Errorf("%s:1: a built-in model needs a header with grain, key and description", path)
		}
		if err != nil && strings.Contains(string(text), ":") {
			return nil, fmt.Errorf("%s: header: %w", path, err)
		}
		return m, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&m.Header); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if err := m.Header.readColumns(); err != nil {
		return nil, fmt.Errorf("%s: header columns: %w", path, err)
	}
	if builtin && (m.Header.Grain == "" || len(m.Header.Key) == 0 || m.Header.Description == "") {
		return nil, fmt.Errorf("%s:1: a built-in model's header needs grain, key and description", path)
	}
	if inc := m.Header.Incremental; inc != nil && (inc.Key == "" || len(inc.From) == 0) {
		return nil, fmt.Errorf("%s: header: incremental needs key (a column of the model and of from) and from (the table or tables the rows of a key value come from)", path)
	}
	switch m.Header.Materialized {
	case "", Table:
	case View:
		// precedent_changed is a temporary macro of the build's
		// connection: a stored query calling it would depend on the model
		// being built when it is read, and fail anywhere else.
		if strings.Contains(strings.ToLower(strings.Join(lines[len(yamlLines):], "\n")), "precedent_changed") {
			return nil, fmt.Errorf("%s: header: a view cannot call precedent_changed; make it materialized: table", path)
		}
	default:
		return nil, fmt.Errorf("%s: header: materialized is %q; want table or view", path, m.Header.Materialized)
	}
	for _, t := range m.Header.Tests {
		if n := t.count(); n != 1 {
			return nil, fmt.Errorf("%s: header: each test needs exactly one of unique, not_null, accepted_values, relationships, assert (found %d)", path, n)
		}
	}
	return m, nil
}

func (t TestSpec) count() int {
	n := 0
	for _, set := range []bool{len(t.Unique) > 0, len(t.NotNull) > 0, t.AcceptedValues != nil, t.Relationships != nil, t.Assert != ""} {
		if set {
			n++
		}
	}
	return n
}

func (h *Header) readColumns() error {
	h.columnDocs = map[string]string{}
	if h.Columns.Kind == 0 {
		return nil
	}
	if h.Columns.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping of column: description", h.Columns.Line)
	}
	for i := 0; i+1 < len(h.Columns.Content); i += 2 {
		name := h.Columns.Content[i].Value
		h.columnDocs[name] = strings.TrimSpace(h.Columns.Content[i+1].Value)
		h.columnOrder = append(h.columnOrder, name)
	}
	return nil
}

// Load reads the built-in models and every .sql file under userDir (which
// may be empty or absent). Analysts' models may not reuse a built-in name.
func Load(userDir string) ([]*Model, error) {
	var models []*Model
	for _, layer := range []string{Staging, Intermediate, Marts} {
		entries, err := fs.ReadDir(builtin, layer)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			src, err := fs.ReadFile(builtin, layer+"/"+e.Name())
			if err != nil {
				return nil, err
			}
			m, err := parseModel(strings.TrimSuffix(e.Name(), ".sql"), layer, "queries/"+layer+"/"+e.Name(), src, true)
			if err != nil {
				return nil, err
			}
			models = append(models, m)
		}
	}
	user, err := loadUser(userDir, models)
	if err != nil {
		return nil, err
	}
	return append(models, user...), nil
}

func loadUser(dir string, builtins []*Model) ([]*Model, error) {
	if dir == "" {
		return nil, nil
	}
	var out []*Model
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) && path == dir {
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".sql") {
			return nil
		}
		name := strings.TrimSuffix(d.Name(), ".sql")
		if slices.ContainsFunc(builtins, func(m *Model) bool { return m.Name == name }) {
			return fmt.Errorf("%s: a built-in model is already named %s; rename the file", path, name)
		}
		if slices.ContainsFunc(out, func(m *Model) bool { return m.Name == name }) {
			return fmt.Errorf("%s: another model in %s is already named %s", path, dir, name)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := parseModel(name, User, path, src, false)
		if err != nil {
			// A broken header is the analyst's error: keep the model so the
			// build reports it, and let the rest build.
			m = &Model{Name: name, Layer: User, Path: path, SQL: string(src), Err: err}
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models folder %s: %w", dir, err)
	}
	return out, nil
}
