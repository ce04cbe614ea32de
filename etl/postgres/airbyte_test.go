package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/postgres"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestPullAirbyte loads one generated company written in Airbyte's table
// layout (precedent generate --layout airbyte: quoted mixed-case
// Salesforce tables such as "Opportunity" with "IsDeleted", Stripe and
// Zendesk streams, Airbyte's metadata columns) into a real PostgreSQL, and
// checks that:
//  1. a pull loads the company to the same rows and headline metrics as its
//     files, nothing quarantined, the rows Airbyte keeps as deleted
//     (Salesforce IsDeleted, Stripe is_deleted, Zendesk status deleted)
//     counted deleted by the pull and by the load;
//  2. every table's cursor is its _airbyte_extracted_at;
//  3. after a ticket changes and one is added (extracted by a later sync),
//     a pull reads only the rows extracted since the cursor, and each
//     record loads once.
func TestPullAirbyte(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and loads the company twice")
	}
	dsn := startPostgres(t)
	ctx := context.Background()
	gen, vendors, want := company.FromLayout(t, "airbyte")
	schemas := map[string]string{"salesforce": "salesforce", "stripe": "stripe", "zendesk": "zendesk_support"}
	conn := connect(t, dsn)
	loadTables(t, conn, gen, schemas, airbyteTypes)

	data := wh.Dir(t.TempDir())
	pg := &postgres.Source{SourceName: "airbyte_db", Vendors: vendors, DuckDB: fixture.DuckDB, Settings: postgres.Settings{DSN: dsn, Schemas: schemas}}
	opts := etl.Options{Source: ownFiles(t, gen), Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: company.ModelsAsOf(company.LayoutAsOf), Pullers: []etl.Puller{pg}}

	// 1. The company loads as from its files.
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if landed := landedObjects(res); len(landed) != 14 {
		t.Errorf("landed %v, want the 6 Salesforce, 5 Stripe and 3 Zendesk tables", landed)
	}
	got := fixture.OpenPublished(t, data)
	fixture.SameCompany(t, got, want)
	for _, f := range res.Files {
		if f.RowsQuarantined != 0 {
			t.Errorf("%s: %d rows quarantined, want none (%s)", f.Path, f.RowsQuarantined, f.Error)
		}
	}
	// The pull counts the rows a deletion flag marks (IsDeleted, is_deleted)
	// as the load does; a ticket deleted in Zendesk has a status, not a
	// flag, and only the load drops it.
	pulled := pulledObjects(res)
	for obj, flagged := range map[string]bool{"salesforce/Opportunity": true, "stripe/customers": true, "zendesk/tickets": false} {
		path := "landing/airbyte_db/" + obj + "/run-000001.parquet"
		f := fileResult(t, res, path)
		if f.RowsDeleted == 0 {
			t.Errorf("%s: no row deleted; the layout keeps deleted rows there", path)
		}
		if flagged && pulled[obj].Deleted != f.RowsDeleted {
			t.Errorf("%s: the pull counted %d rows deleted, the load %d", obj, pulled[obj].Deleted, f.RowsDeleted)
		}
	}

	// 2. Every table's cursor is Airbyte's extraction time.
	b, err := os.ReadFile(data.Cursors("airbyte_db"))
	if err != nil {
		t.Fatal(err)
	}
	var cursors map[string]struct{ Column, Sync string }
	if err := json.Unmarshal(b, &cursors); err != nil {
		t.Fatal(err)
	}
	if len(cursors) != 14 {
		t.Errorf("cursors of %d tables, want 14: %s", len(cursors), b)
	}
	for table, c := range cursors {
		if c.Column != "_airbyte_extracted_at" || c.Sync != "2026-01-01 00:00:00+00" {
			t.Errorf("cursor of %s: %s %q, want _airbyte_extracted_at at the layout's extraction time", table, c.Column, c.Sync)
		}
	}
	tickets := fixture.Number(t, got, "SELECT count(*) FROM tickets")

	// 3. A later sync changes one ticket and adds one: only they are read.
	execSQL(t, conn,
		`UPDATE zendesk_support.tickets SET subject = 'Changed in Zendesk', _airbyte_extracted_at = '2026-02-01 00:00:00+00' WHERE id = '1'`,
		`CREATE TEMP TABLE added AS SELECT * FROM zendesk_support.tickets WHERE id = '2'`,
		`UPDATE added SET id = '9999999', subject = 'Added in Zendesk', _airbyte_raw_id = 'a1b2c3d4-0000-4000-8000-000000000001', _airbyte_extracted_at = '2026-02-01 00:00:00+00'`,
		`INSERT INTO zendesk_support.tickets SELECT * FROM added`)
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if landed := landedObjects(res); len(landed) != 1 || landed["zendesk/tickets"] != 2 {
		t.Errorf("landed %v, want the two rows of zendesk/tickets extracted since the cursor", landed)
	}
	if obj := pulledObjects(res)["zendesk/tickets"]; obj.Since != "2026-01-01 00:00:00+00" || obj.Cursor != "2026-02-01 00:00:00+00" {
		t.Errorf("zendesk/tickets read since %q up to %q, want from the first sync's extraction time to the second's", obj.Since, obj.Cursor)
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
}

// pulledObjects are what a run's pulls read, by object.
func pulledObjects(res *etl.Result) map[string]etl.PullObject {
	out := map[string]etl.PullObject{}
	for _, p := range res.Pulls {
		for _, o := range p.Objects {
			out[o.Object] = o
		}
	}
	return out
}
