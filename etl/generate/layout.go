package generate

import (
	"bufio"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// layoutFS holds one folder per layout: each file NAME.sql is a query over
// the contract entities whose rows become the export file NAME (its
// extension, .csv or .jsonl, is the format); other files are copied as they
// are. macros.sql defines the helpers every layout's queries use.
//
//go:embed layouts
var layoutFS embed.FS

// Layout is a named set of vendor exports the same company can be written
// as, instead of the contract's own files.
type Layout struct {
	Name string
	Doc  string
}

// Layouts are the vendor layouts Generate writes (besides the contract's
// files, the default).
var Layouts = []Layout{
	{Name: "exports", Doc: "the files a company exports by hand: Salesforce Data Loader extracts (UPPER-case API names, every value quoted) of accounts, users, opportunities, CPQ quote lines, Advanced Approvals and contracts; DocuSign eSignature REST envelopes; NetSuite saved searches with their default labels (M/D/YYYY dates, 1,234.56 amounts); Zendesk Support API JSON with deleted tickets and audits"},
	{Name: "connector", Doc: "the tables a connector (Fivetran) syncs into a database, as CSV: snake_case Salesforce, Stripe and Zendesk tables with _fivetran_synced, is_deleted and _fivetran_deleted, deleted rows included"},
	{Name: "airbyte", Doc: "the tables Airbyte's PostgreSQL destination writes, as CSV as PostgreSQL prints them: Salesforce objects and fields by their API names (Opportunity, IsDeleted), Stripe and Zendesk Support streams by the APIs' field names (objects and arrays as JSON), Airbyte's _airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta and _airbyte_generation_id, deleted rows included"},
}

// LayoutNames lists the layouts by name, the contract's own first.
func LayoutNames() []string {
	names := []string{"contract"}
	for _, l := range Layouts {
		names = append(names, l.Name)
	}
	return names
}

// LayoutConfig is the configuration file each layout writes beside its
// files: the vendors settings (custom fields) its exports need.
const LayoutConfig = "precedent.yaml"

// writeLayout writes the company whose contract entities are Parquet files
// in dir as the named layout's export files under out.
func writeLayout(ctx context.Context, name, dir, out string) ([]File, error) {
	db, err := wh.Open(ctx, "", wh.Settings{Threads: 1})
	if err != nil {
		return nil, fmt.Errorf("layout %s: %w", name, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("layout %s: %w", name, err)
	}
	defer conn.Close()
	for _, e := range contract.Entities {
		src := filepath.Join(dir, e.Name+".parquet")
		if _, err := conn.ExecContext(ctx, "CREATE VIEW "+wh.Ident(e.Name)+" AS SELECT * FROM read_parquet("+wh.Literal(src)+")"); err != nil {
			return nil, fmt.Errorf("layout %s: read %s: %w", name, e.Name, err)
		}
	}
	macros, err := layoutFS.ReadFile("layouts/macros.sql")
	if err != nil {
		return nil, fmt.Errorf("layout %s: %w", name, err)
	}
	if _, err := conn.ExecContext(ctx, string(macros)); err != nil {
		return nil, fmt.Errorf("layout %s: macros: %w", name, err)
	}
	root := "layouts/" + name
	var files []File
	err = fs.WalkDir(layoutFS, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, root+"/")
		body, err := layoutFS.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(out, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		if !strings.HasSuffix(rel, ".sql") {
			return os.WriteFile(filepath.Join(out, rel), body, 0o644)
		}
		target := strings.TrimSuffix(rel, ".sql")
		dst := filepath.Join(out, target)
		res, err := conn.ExecContext(ctx, copyStatement(path.Ext(target), string(body)), dst)
		if err != nil {
			return fmt.Errorf("write %s: %w", target, err)
		}
		n, _ := res.RowsAffected()
		files = append(files, File{Entity: strings.TrimSuffix(target, path.Ext(target)), Path: dst, Rows: int(n)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("layout %s: %w", name, err)
	}
	return files, nil
}

// copyStatement wraps a layout query into the COPY that writes it: CSV
// with a header, or JSON lines, plus the options of the query's "-- copy:"
// comment line.
func copyStatement(ext, query string) string {
	opts := []string{"FORMAT csv", "HEADER"}
	if ext == ".jsonl" {
		opts = []string{"FORMAT json"}
	}
	sc := bufio.NewScanner(strings.NewReader(query))
	for sc.Scan() {
		if o, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "-- copy:"); ok {
			opts = append(opts, strings.TrimSpace(o))
		}
	}
	return "COPY (\n" + strings.TrimRight(strings.TrimSpace(query), ";") + "\n) TO $1 (" + strings.Join(opts, ", ") + ")"
}

// validLayout says whether name is a layout Generate writes.
func validLayout(name string) bool {
	return slices.Contains(LayoutNames(), name)
}
