package adapters_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// connectorRun1 is what a first pull of a Fivetran database lands, in
// CSV: two accounts, two opportunities (Dl1's synced quote with two
// lines), their contracts, a Zendesk organization and two tickets.
var connectorRun1 = map[string]string{
	"salesforce/account/run-000001.csv": "id,name,number_of_employees,billing_country,industry,created_date,is_deleted,_fivetran_synced\n" +
		"0015g00000DlAcAAAV,Acme Corp,5000,US,Manufacturing,2024-01-15T09:00:00.000Z,false,2026-06-01T00:00:00Z\n" +
		"0015g00000DlBeAAAV,Beta Ltd,80,GB,Retail,2024-02-01T09:00:00.000Z,false,2026-06-01T00:00:00Z\n",
	"salesforce/opportunity/run-000001.csv": "id,account_id,type,stage_name,is_won,is_closed,created_date,close_date,amount,synced_quote_id,is_deleted,_fivetran_synced\n" +
		"0065g00000Dl1AaAAJ,0015g00000DlAcAAAV,New Business,Closed Won,true,true,2025-01-10T10:00:00Z,2025-02-14,1200,a0x5g00000Dq1AaAAJ,false,2026-06-01T00:00:00Z\n" +
		"0065g00000Dl2BbAAJ,0015g00000DlBeAAAV,New Business,Closed Won,true,true,2025-03-01T10:00:00Z,2025-04-01,2400,,false,2026-06-01T00:00:00Z\n",
	"salesforce/sbqq_quote_line_c/run-000001.csv": "id,sbqq_quote_c,sbqq_product_code_c,sbqq_quantity_c,sbqq_list_price_c,sbqq_net_price_c,is_deleted,_fivetran_synced\n" +
		"a0y5g00000Dq1AaAAJ,a0x5g00000Dq1AaAAJ,SEATS,10,100,90,false,2026-06-01T00:00:00Z\n" +
		"a0y5g00000Dq2BbAAJ,a0x5g00000Dq1AaAAJ,SUPPORT,1,300,300,false,2026-06-01T00:00:00Z\n",
	"salesforce/contract/run-000001.csv": "id,account_id,start_date,contract_term,status,sbqq_opportunity_c,is_deleted,_fivetran_synced\n" +
		"8005g00000Dl1AaAAJ,0015g00000DlAcAAAV,2025-03-01,12,Activated,0065g00000Dl1AaAAJ,false,2026-06-01T00:00:00Z\n" +
		"8005g00000Dl2BbAAJ,0015g00000DlBeAAAV,2025-04-01,12,Activated,0065g00000Dl2BbAAJ,false,2026-06-01T00:00:00Z\n",
	"zendesk/organization/run-000001.csv": "id,external_id,name,_fivetran_deleted,_fivetran_synced\n" +
		"701,0015g00000DlAcAAAV,Acme Corp,false,2026-06-01T00:00:00Z\n",
	"zendesk/ticket/run-000001.csv": "id,organization_id,created_at,updated_at,status,priority,type,subject,_fivetran_deleted,_fivetran_synced\n" +
		"3001,701,2026-03-01T10:00:00Z,2026-03-05T10:00:00Z,closed,high,task,Export API,false,2026-06-01T00:00:00Z\n" +
		"3002,701,2026-03-10T10:00:00Z,2026-03-11T10:00:00Z,open,normal,question,Who owns our SLA?,false,2026-06-01T00:00:00Z\n",
}

// connectorRun2 is what the next pull lands: opportunity Dl1 deleted
// (is_deleted) and ticket 3002 deleted (_fivetran_deleted).
var connectorRun2 = map[string]string{
	"salesforce/opportunity/run-000002.csv": "id,account_id,type,stage_name,is_won,is_closed,created_date,close_date,amount,synced_quote_id,is_deleted,_fivetran_synced\n" +
		"0065g00000Dl1AaAAJ,0015g00000DlAcAAAV,New Business,Closed Won,true,true,2025-01-10T10:00:00Z,2025-02-14,1200,a0x5g00000Dq1AaAAJ,true,2026-06-02T00:00:00Z\n",
	"zendesk/ticket/run-000002.csv": "id,organization_id,created_at,updated_at,status,priority,type,subject,_fivetran_deleted,_fivetran_synced\n" +
		"3002,701,2026-03-10T10:00:00Z,2026-03-11T10:00:00Z,open,normal,question,Who owns our SLA?,true,2026-06-02T00:00:00Z\n",
}

// TestDeletedAtTheVendor loads a connector database's first landing, then
// its second, in which an opportunity and a ticket are marked deleted: the
// rows the first run loaded of them are removed, and so are the rows that
// refer to the deleted opportunity (its quote lines and its contract,
// which its next sync quarantines for the missing deal); each is counted;
// the warehouse equals a fresh load of the same files, also when a rebuild
// replays run 2 from the lake; and a later run that reads the deletions
// again removes nothing more.
func TestDeletedAtTheVendor(t *testing.T) {
	src := t.TempDir()
	write := func(files map[string]string) {
		for name, body := range files {
			fixture.WriteFile(t, filepath.Join(src, "landing", "db", name), body)
		}
	}
	write(connectorRun1)
	data := wh.Dir(t.TempDir())
	opts := func(o *etl.Options) { o.Data = data }
	if _, err := runErr(t, src, opts); err != nil {
		t.Fatal(err)
	}
	db := published(t, &etl.Result{Generation: string(data)})
	if got := fixture.Value(t, db, "SELECT (SELECT count(*) FROM deals) || ' ' || (SELECT count(*) FROM deal_lines) || ' ' || (SELECT count(*) FROM contracts) || ' ' || (SELECT count(*) FROM tickets)"); got != "2 2 2 2" {
		t.Fatalf("first load: deals, deal lines, contracts, tickets %s, want 2 2 2 2", got)
	}
	db.Close()

	write(connectorRun2)
	res, err := runErr(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	removed := map[string][2]int64{}
	for _, er := range res.Entities {
		if er.RowsDeleted+er.RowsOrphaned > 0 {
			removed[er.Entity] = [2]int64{er.RowsDeleted, er.RowsOrphaned}
		}
		if er.RowsRead != er.RowsLoaded+er.RowsQuarantined {
			t.Errorf("%s: read %d, loaded %d, quarantined %d", er.Entity, er.RowsRead, er.RowsLoaded, er.RowsQuarantined)
		}
	}
	want := map[string][2]int64{"deals": {1, 0}, "deal_lines": {0, 2}, "contracts": {0, 1}, "tickets": {1, 0}}
	if er := res.Entities[slices.IndexFunc(res.Entities, func(er etl.EntityResult) bool { return er.Entity == "deal_lines" })]; er.RowsLoaded != 0 || er.RowsQuarantined != 2 {
		t.Errorf("deal lines: %d loaded, %d quarantined, want the deleted opportunity's two quarantined", er.RowsLoaded, er.RowsQuarantined)
	}
	if len(removed) != len(want) {
		t.Errorf("removed (deleted, orphaned) %v, want %v", removed, want)
	}
	for e, w := range want {
		if removed[e] != w {
			t.Errorf("%s: removed (deleted, orphaned) %v, want %v", e, removed[e], w)
		}
	}
	for path, del := range map[string]int64{"landing/db/salesforce/opportunity/run-000002.csv": 1, "landing/db/zendesk/ticket/run-000002.csv": 1} {
		if f := fileResult(t, res, path); f.RowsDeleted != del || f.RowsRead != f.RowsDeleted {
			t.Errorf("%s: %d of %d rows deleted, want %d of %d", path, f.RowsDeleted, f.RowsRead, del, del)
		}
	}
	db = published(t, &etl.Result{Generation: string(data)})
	for q, want := range map[string]string{
		"SELECT count(*) FROM deals WHERE deal_id = '0065g00000Dl1AaAAJ'": "0",
		"SELECT count(*) FROM deal_lines":                                 "0",
		"SELECT string_agg(contract_id, ',') FROM contracts":              "8005g00000Dl2BbAAJ",
		"SELECT string_agg(ticket_id, ',') FROM tickets":                  "3001",
		"SELECT count(*) FROM accounts":                                   "2",
		// Its rows were quarantined: the entity changed by its removals alone.
		"SELECT version FROM _table_versions WHERE table_name = 'deal_lines'": "run 2",
	} {
		if got := fixture.Value(t, db, q); got != want {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}
	_, fresh := run(t, src)
	for _, e := range contract.Entities {
		if got, w := digest(t, db, e.Name), digest(t, fresh, e.Name); got != w {
			t.Errorf("%s: after the deletions %s, want %s (a fresh load of the same files)", e.Name, got, w)
		}
	}
	db.Close()

	// The link pointed back at generation 1 (as precedent doctor --repair
	// does), and the landing folder emptied: the next run replays run 2's
	// lake files, its removals too.
	if err := data.Repoint(1); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(t.TempDir(), "landing")
	if err := os.Rename(filepath.Join(src, "landing"), moved); err != nil {
		t.Fatal(err)
	}
	res, err = runErr(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Recovered, "the lake files of run 2") {
		t.Errorf("recovered %q, want run 2 replayed", res.Recovered)
	}
	db = published(t, &etl.Result{Generation: string(data)})
	for _, e := range contract.Entities {
		if got, w := digest(t, db, e.Name), digest(t, fresh, e.Name); got != w {
			t.Errorf("%s: replayed %s, want %s (a fresh load of the same files)", e.Name, got, w)
		}
	}
	db.Close()
	if err := os.Rename(moved, filepath.Join(src, "landing")); err != nil {
		t.Fatal(err)
	}

	// A further landing: the deletions are read again with the set, and
	// remove nothing more.
	write(map[string]string{"zendesk/ticket/run-000003.csv": "id,organization_id,created_at,updated_at,status,priority,type,subject,_fivetran_deleted,_fivetran_synced\n" +
		"3001,701,2026-03-01T10:00:00Z,2026-03-06T10:00:00Z,solved,high,task,Export API,false,2026-06-03T00:00:00Z\n"})
	res, err = runErr(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, er := range res.Entities {
		if er.RowsDeleted+er.RowsOrphaned > 0 {
			t.Errorf("%s: third run removed %d deleted and %d orphaned rows, want none", er.Entity, er.RowsDeleted, er.RowsOrphaned)
		}
	}
}

// TestNewRowCitingAnOrphan: a row of this run whose self reference names
// an earlier row the run removes as an orphan (a contract of the deleted
// opportunity) is quarantined, as a fresh load of the same files does,
// rather than loaded pointing at nothing.
func TestNewRowCitingAnOrphan(t *testing.T) {
	src := t.TempDir()
	for name, body := range connectorRun1 {
		fixture.WriteFile(t, filepath.Join(src, "landing", "db", name), body)
	}
	data := wh.Dir(t.TempDir())
	opts := func(o *etl.Options) { o.Data = data }
	if _, err := runErr(t, src, opts); err != nil {
		t.Fatal(err)
	}
	for name, body := range connectorRun2 {
		fixture.WriteFile(t, filepath.Join(src, "landing", "db", name), body)
	}
	// The run's own row of the orphaned contract fails a foreign key: it
	// replaces nothing, and the earlier row still goes.
	fixture.WriteFile(t, filepath.Join(src, "contracts", "renewals.csv"),
		"contract_id,account_id,deal_id,start_date,end_date,arr,currency,auto_renew,renews_contract_id\n"+
			"8005g00000Dl1AaAAJ,ACC-404,0065g00000Dl2BbAAJ,2025-03-01,2026-02-28,1000,USD,yes,\n"+
			"C-RENEWAL,0015g00000DlBeAAAV,0065g00000Dl2BbAAJ,2026-03-01,2027-02-28,1000,USD,yes,8005g00000Dl1AaAAJ\n")
	res, err := runErr(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f := fileResult(t, res, "contracts/renewals.csv"); f.RowsQuarantined != 2 {
		t.Errorf("contracts/renewals.csv: %d loaded, %d quarantined, want both rows quarantined", f.RowsLoaded, f.RowsQuarantined)
	}
	db := published(t, &etl.Result{Generation: string(data)})
	defer db.Close()
	if got := fixture.Value(t, db, "SELECT coalesce(string_agg(contract_id, ',' ORDER BY contract_id), '') FROM contracts"); got != "8005g00000Dl2BbAAJ" {
		t.Errorf("contracts %s, want the one of the opportunity not deleted", got)
	}
	reason := fixture.Value(t, db, "SELECT reason FROM quarantine WHERE source_file = 'contracts/renewals.csv' AND raw_values LIKE '%C-RENEWAL%'")
	if !strings.Contains(reason, "'8005g00000Dl1AaAAJ' matches no contracts.contract_id") {
		t.Errorf("quarantine reason %q", reason)
	}
	_, fresh := run(t, src)
	for _, e := range contract.Entities {
		if got, w := digest(t, db, e.Name), digest(t, fresh, e.Name); got != w {
			t.Errorf("%s: %s, want %s (a fresh load of the same files)", e.Name, got, w)
		}
	}
}
