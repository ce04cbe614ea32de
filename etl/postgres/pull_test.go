package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/postgres"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestPull writes one generated company in the connector layout, loads it
// once from its files and once from a real PostgreSQL holding the same
// tables (as Fivetran writes them), and checks, run by run:
//  1. a pull that fails half-way fails the run, records why, and keeps
//     what it landed and the cursors of the tables it finished;
//  2. the rerun pulls the rest, and the company loads to the same rows and
//     headline metrics as from its files, the deleted rows counted deleted;
//  3. after a row changes and one is added (their sync times moved on),
//     a pull lands only those two, and each record loads once;
//  4. a pull that cannot reach the database fails the run, keeps the
//     published warehouse and records the reason, without the password.
func TestPull(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and loads the company twice")
	}
	dsn := startPostgres(t)
	ctx := context.Background()
	gen, vendors, want := company.FromLayout(t, "connector")
	schemas := map[string]string{"salesforce": "fivetran_salesforce", "stripe": "stripe", "zendesk": "zendesk"}
	conn := connect(t, dsn)
	loadTables(t, conn, gen, schemas, fivetranTypes)

	// The source folder keeps what no connector table holds.
	src := ownFiles(t, gen)
	const secret = "not-the-password-9f3a"
	t.Setenv("TEST_PG_PASSWORD", secret)
	data := wh.Dir(t.TempDir())
	pg := &postgres.Source{SourceName: "crm_db", Vendors: vendors, DuckDB: fixture.DuckDB,
		Settings: postgres.Settings{DSN: dsn, PasswordEnv: "TEST_PG_PASSWORD", Schemas: schemas}}
	if err := pg.Settings.Validate("sources[0] (crm_db)"); err != nil {
		t.Fatal(err)
	}
	opts := etl.Options{Source: src, Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: company.ModelsAsOf(company.LayoutAsOf), Pullers: []etl.Puller{pg}}

	// 1. A bad cursor for zendesk.ticket stops the pull after Salesforce and Stripe.
	fixture.WriteFile(t, data.Cursors("crm_db"), `{"zendesk.ticket": {"column": "_fivetran_synced", "sync": "not a time"}}`)
	res, err := etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull crm_db: zendesk/ticket") {
		t.Fatalf("err = %v, want the pull of zendesk/ticket failing", err)
	}
	if _, err := data.Published(); err == nil {
		t.Error("a failed pull published a generation")
	}
	last := lastRun(t, data)
	if last.Status != runlog.Failed || !strings.Contains(last.Error, "zendesk/ticket") {
		t.Errorf("run log: %s %q, want failed naming zendesk/ticket", last.Status, last.Error)
	}
	if _, err := os.Stat(filepath.Join(data.Landing("crm_db"), "salesforce", "opportunity", "run-000001.parquet")); err != nil {
		t.Errorf("the tables pulled before the failure were not landed: %v", err)
	}
	if landed := landedObjects(res); len(landed) != 12 || landed["zendesk/organization"] == 0 {
		t.Errorf("landed %v, want the 6 Salesforce and 5 Stripe tables and zendesk/organization", landed)
	}

	// 2. The rerun pulls the rest and loads the company as from files.
	fixture.WriteFile(t, data.Cursors("crm_db"), readCursorsWithout(t, data.Cursors("crm_db"), "zendesk.ticket"))
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	landed := landedObjects(res)
	if len(landed) != 3 || landed["zendesk/ticket"] == 0 || landed["zendesk/organization"] != 0 {
		t.Errorf("rerun landed %v, want only the three Zendesk tables the failed pull did not land", landed)
	}
	got := fixture.OpenPublished(t, data)
	fixture.SameCompany(t, got, want)
	for _, path := range []string{"landing/crm_db/salesforce/opportunity/run-000001.parquet", "landing/crm_db/zendesk/ticket/run-000002.parquet"} {
		f := fileResult(t, res, path)
		if f.RowsDeleted == 0 || f.RowsQuarantined != 0 {
			t.Errorf("%s: %d rows deleted, %d quarantined; want the rows marked _fivetran_deleted counted deleted, none quarantined", path, f.RowsDeleted, f.RowsQuarantined)
		}
	}
	tickets := fixture.Number(t, got, "SELECT count(*) FROM tickets")

	// 3. One ticket changes, one is added: only they are landed, and load once.
	execSQL(t, conn,
		`UPDATE zendesk.ticket SET subject = 'Changed in Zendesk', _fivetran_synced = '2026-02-01T00:00:00Z' WHERE id = '1'`,
		`INSERT INTO zendesk.ticket SELECT '9999999', organization_id, created_at, updated_at, status, priority, type, 'Added in Zendesk', group_id, false, '2026-02-01T00:00:00Z' FROM zendesk.ticket WHERE id = '2'`)
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if landed := landedObjects(res); len(landed) != 1 || landed["zendesk/ticket"] != 2 {
		t.Errorf("landed %v, want the two changed rows of zendesk/ticket only", landed)
	}
	got = fixture.OpenPublished(t, data)
	if n := fixture.Number(t, got, "SELECT count(*) FROM tickets"); n != tickets+1 {
		t.Errorf("tickets = %v, want %v (one added)", n, tickets+1)
	}
	for _, subject := range []string{"Changed in Zendesk", "Added in Zendesk"} {
		if n := fixture.Number(t, got, "SELECT count(*) FROM tickets WHERE subject = ?", subject); n != 1 {
			t.Errorf("tickets with subject %q: %v, want 1", subject, n)
		}
	}
	for _, f := range res.Files {
		if f.RowsQuarantined != 0 {
			t.Errorf("%s: %d rows quarantined, want none (%s)", f.Path, f.RowsQuarantined, f.Error)
		}
	}
	old := fileResult(t, res, "landing/crm_db/zendesk/ticket/run-000002.parquet")
	if old.RowsSkipped != 1 {
		t.Errorf("first landed ticket file: %d rows skipped, want 1 (the changed ticket's old version, superseded)", old.RowsSkipped)
	}
	published, err := data.Published()
	if err != nil {
		t.Fatal(err)
	}

	// 4. The database is gone: the run fails and the warehouse stays.
	bad := *pg
	bad.Settings.DSN = "host=" + t.TempDir() + " port=5432 user=postgres dbname=postgres sslmode=disable"
	opts.Pullers = []etl.Puller{&bad}
	if _, err := etl.Run(ctx, opts); err == nil || !strings.Contains(err.Error(), "pull crm_db") {
		t.Fatalf("err = %v, want the pull failing", err)
	}
	if g, err := data.Published(); err != nil || g.ID != published.ID {
		t.Errorf("published %v (%v) after a failed pull, want %v kept", g.ID, err, published.ID)
	}
	if last := lastRun(t, data); last.Status != runlog.Failed || !strings.Contains(last.Error, "connect to") {
		t.Errorf("run log: %s %q, want failed, saying it could not connect", last.Status, last.Error)
	}
	b, err := os.ReadFile(data.RunLog())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secret) {
		t.Error("the run log holds the password")
	}
}

// landedObjects are the rows a run's pulls landed, by object.
func landedObjects(res *etl.Result) map[string]int64 {
	out := map[string]int64{}
	for _, p := range res.Pulls {
		for _, o := range p.Objects {
			if o.File != "" {
				out[o.Object] += o.Rows
			}
		}
	}
	return out
}

func fileResult(t *testing.T, res *etl.Result, path string) etl.FileResult {
	t.Helper()
	for _, f := range res.Files {
		if f.Path == path {
			return f
		}
	}
	var paths []string
	for _, f := range res.Files {
		paths = append(paths, f.Path)
	}
	t.Fatalf("no result for %s among %v", path, paths)
	return etl.FileResult{}
}

func lastRun(t *testing.T, data wh.Dir) runlog.Record {
	t.Helper()
	runs, err := runlog.Open(data.RunLog()).Runs("etl")
	if err != nil || len(runs) == 0 {
		t.Fatalf("run log: %v (%d runs)", err, len(runs))
	}
	return runs[len(runs)-1]
}

func readCursorsWithout(t *testing.T, path, key string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, key)
	out, _ := json.Marshal(m)
	return string(out)
}

// ownFiles copies the files of a generated layout that no connector table
// holds (contract terms, exchange rates) into a new source folder.
func ownFiles(t *testing.T, gen string) string {
	t.Helper()
	src := t.TempDir()
	for _, name := range []string{"contract_terms.csv", "fx_rates.csv"} {
		b, err := os.ReadFile(filepath.Join(gen, name))
		if err != nil {
			t.Fatal(err)
		}
		fixture.WriteFile(t, filepath.Join(src, name), string(b))
	}
	return src
}
