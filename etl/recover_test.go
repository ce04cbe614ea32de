package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
)

// threeLoads are the sources of three runs: the good set, then two runs
// that each bring accounts only, from folders that are gone afterwards (so
// a later run can get their rows only from the warehouse or the lake).
func threeLoads(t *testing.T) (second, third string) {
	t.Helper()
	second, third = t.TempDir(), t.TempDir()
	fixture.WriteFile(t, filepath.Join(second, "accounts.csv"), "account_id,account_name,segment\nACC-2,Blue Heron Group,mid_market\nACC-9,New Co,smb\n")
	fixture.WriteFile(t, filepath.Join(third, "accounts.csv"), "account_id,account_name,segment\nACC-10,Newer Co,smb\n")
	return second, third
}

// TestRebuildDamagedGeneration damages the published generation in place,
// or points the link back at an older one (as precedent doctor --repair
// does), and runs the ETL again: instead of failing or forgetting run 2,
// the run rebuilds from the newest intact generation and the verified lake
// files of the runs since, says so, and publishes exactly what a run on
// the undamaged warehouse would have.
func TestRebuildDamagedGeneration(t *testing.T) {
	second, third := threeLoads(t)
	clean := wh.Dir(t.TempDir())
	for _, src := range []string{"testdata/good", second, third} {
		mustRun(t, src, clean)
	}
	want := snapshot(t, clean)
	tests := []struct {
		name      string
		damage    func(t *testing.T, data wh.Dir)
		recovered []string
		setAside  bool
	}{
		{"DamagedInPlace", func(t *testing.T, data wh.Dir) {
			warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000002.duckdb"))
		}, []string{"gen-000002.duckdb is damaged: its SHA-256 is", "rebuilt from generation 1 and the lake files of run 2"}, true},
		{"LinkPointedBack", func(t *testing.T, data wh.Dir) {
			if err := data.Repoint(1); err != nil {
				t.Fatal(err)
			}
		}, []string{"gen-000001.duckdb is published, but run 2 published after it; rebuilt from generation 1 and the lake files of run 2"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := wh.Dir(t.TempDir())
			mustRun(t, "testdata/good", data)
			mustRun(t, second, data)
			tt.damage(t, data)
			res := mustRun(t, third, data)
			for _, w := range tt.recovered {
				if !strings.Contains(res.Recovered, w) {
					t.Errorf("recovered = %q, want %q", res.Recovered, w)
				}
			}
			if res.Status != runlog.Warning {
				t.Errorf("status = %s, want warning", res.Status)
			}
			if got := snapshot(t, data); !slices.Equal(got, want) {
				t.Errorf("rebuilt warehouse differs from one never damaged:\n got %v\nwant %v", got, want)
			}
			if err := (&wh.Verifier{}).Verify(filepath.Join(data.Generations(), "gen-000003.duckdb")); err != nil {
				t.Errorf("the new generation: %v", err)
			}
			if _, err := os.Stat(filepath.Join(data.Damaged(), "warehouse", "gen-000002.duckdb")); (err == nil) != tt.setAside {
				t.Errorf("damaged generation set aside: %v, want %v", err == nil, tt.setAside)
			}
			if left, _ := filepath.Glob(filepath.Join(data.Generations(), "*.building*")); len(left) > 0 {
				t.Errorf("the rebuild left %v", left)
			}
		})
	}
}

// TestRebuildDistrustsDamagedLake damages a lake file the rebuild needs:
// it is not read, it is reported and set aside, and its rows come back
// from the source when the source still has them.
func TestRebuildDistrustsDamagedLake(t *testing.T) {
	tests := []struct {
		name       string
		sourceHas  bool
		wantACC9   int64
		wantInLake bool
	}{
		{"SourceStillHasTheFile", true, 1, true},
		{"SourceLostTheFile", false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second, third := threeLoads(t)
			if tt.sourceHas {
				fixture.WriteFile(t, filepath.Join(third, "accounts", "earlier.csv"), mustRead(t, filepath.Join(second, "accounts.csv")))
				fixture.WriteFile(t, filepath.Join(third, "accounts", "later.csv"), mustRead(t, filepath.Join(third, "accounts.csv")))
				os.Remove(filepath.Join(third, "accounts.csv"))
			}
			data := wh.Dir(t.TempDir())
			mustRun(t, "testdata/good", data)
			mustRun(t, second, data)
			lake := data.Path(wh.LakeEntity("accounts", 2))
			warehousetest.Damage(t, lake)
			warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000002.duckdb"))
			res := mustRun(t, third, data)
			if !strings.Contains(res.Recovered, "1 lake file not trusted, their rows read again from the source") {
				t.Errorf("recovered = %q", res.Recovered)
			}
			i := slices.IndexFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, "lake/accounts/run-000002.parquet: its SHA-256 is") })
			if i < 0 || !strings.Contains(res.Warnings[i], "moved to "+filepath.Join(data.Damaged(), "lake")) {
				t.Errorf("warnings = %q, want one naming the damaged lake file", res.Warnings)
			}
			if _, err := os.Stat(lake); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the damaged lake file is still in the lake")
			}
			db := fixture.OpenPublished(t, data)
			if n := queryInt(t, db, "SELECT count(*) FROM accounts WHERE account_id = 'ACC-9'"); n != tt.wantACC9 {
				t.Errorf("ACC-9 rows = %d, want %d", n, tt.wantACC9)
			}
			if n := queryInt(t, db, "SELECT count(*) FROM etl_lake_files WHERE path = 'lake/accounts/run-000002.parquet'"); n != 0 {
				t.Errorf("etl_lake_files still lists the damaged file")
			}
		})
	}
}

// TestRecoveryModes damages the warehouse in other ways and runs again:
// every run publishes, and says what it did.
func TestRecoveryModes(t *testing.T) {
	tests := []struct {
		name     string
		damage   func(t *testing.T, data wh.Dir)
		full     bool
		want     string
		wantFull bool
	}{
		{"FullRefreshFlag", func(t *testing.T, data wh.Dir) {
			warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000002.duckdb"))
		}, true, "full refresh from the source, keeping the quarantine history of generation 1", true},
		{"NoIntactGeneration", func(t *testing.T, data wh.Dir) {
			warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000001.duckdb"))
			warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000002.duckdb"))
		}, false, "no intact generation is left to build on: full refresh from the source", true},
		{"PublishedFileGone", func(t *testing.T, data wh.Dir) {
			os.Remove(filepath.Join(data.Generations(), "gen-000002.duckdb"))
		}, false, "gen-000002.duckdb is damaged: the file is missing; rebuilt from generation 1 and the lake files of run 2", false},
		{"LinkGone", func(t *testing.T, data wh.Dir) {
			os.Remove(data.Current())
		}, false, wh.ErrNoLink.Error() + "; rebuilt from generation 2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second, _ := threeLoads(t)
			data := wh.Dir(t.TempDir())
			mustRun(t, "testdata/good", data)
			mustRun(t, second, data)
			tt.damage(t, data)
			res := mustRun(t, "testdata/good", data, func(o *Options) { o.FullRefresh = tt.full })
			if !strings.Contains(res.Recovered, tt.want) {
				t.Errorf("recovered = %q, want %q", res.Recovered, tt.want)
			}
			if res.FullRefresh != tt.wantFull {
				t.Errorf("full refresh = %v, want %v", res.FullRefresh, tt.wantFull)
			}
			if g, err := data.Published(); err != nil || g.ID != 3 {
				t.Errorf("published = %d (%v), want 3", g.ID, err)
			}
			db := fixture.OpenPublished(t, data)
			if n := queryInt(t, db, "SELECT count(*) FROM deals"); n != 5 {
				t.Errorf("deals = %d, want 5", n)
			}
		})
	}
}

// TestLakeChecksums checks that etl_lake_files lists every file of the
// lake with its checksum, that Result.Lake holds the run's own, and that a
// full refresh drops the entries of the entity files it removes.
func TestLakeChecksums(t *testing.T) {
	data := wh.Dir(t.TempDir())
	first := mustRun(t, "testdata/good", data)
	second, _ := threeLoads(t)
	res := mustRun(t, second, data)
	if len(res.Lake) != 1 || res.Lake[0].Path != "lake/accounts/run-000002.parquet" {
		t.Errorf("run 2 lake = %+v, want its one accounts file", res.Lake)
	}
	check := func(t *testing.T) {
		t.Helper()
		onDisk, _ := filepath.Glob(data.Path("lake", "*", "*.parquet"))
		listed, err := LakeFiles(context.Background(), fixture.OpenPublished(t, data))
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, f := range listed {
			paths = append(paths, data.Path(filepath.FromSlash(f.Path)))
			if err := f.Verify(data); err != nil {
				t.Errorf("%s: %v", f.Path, err)
			}
		}
		slices.Sort(onDisk)
		if !slices.Equal(paths, onDisk) {
			t.Errorf("etl_lake_files lists %v, the lake holds %v", paths, onDisk)
		}
	}
	check(t)
	if len(first.Lake) != 11 {
		t.Errorf("run 1 recorded %d lake files, want one per entity (11)", len(first.Lake))
	}
	mustRun(t, "testdata/good", data, func(o *Options) { o.FullRefresh = true })
	check(t)
}

// TestRebuildKeepsLedgers: a rebuild gives back the file ledger and the
// quarantine of the runs it replays, so the run passes over their source
// files as loaded rather than read them again in file-name order (which
// would let accounts/z.csv of run 2 beat accounts/a.csv of run 3).
func TestRebuildKeepsLedgers(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	clean, damaged := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
	for _, data := range []wh.Dir{clean, damaged} {
		mustRun(t, src, data)
	}
	runs := []struct{ file, content string }{
		{"z.csv", "account_id,account_name,segment\nACC-2,Zed Group,mid_market\nACC-8,Bad Co,galactic\nACC-7,Malformed,smb,one too many\n"},
		{"a.csv", "account_id,account_name,segment\nACC-2,Ay Group,mid_market\n"},
	}
	for _, r := range runs {
		fixture.WriteFile(t, filepath.Join(src, "accounts", r.file), r.content)
		for _, data := range []wh.Dir{clean, damaged} {
			mustRun(t, src, data)
		}
	}
	warehousetest.Damage(t, filepath.Join(damaged.Generations(), "gen-000002.duckdb"))
	warehousetest.Damage(t, filepath.Join(damaged.Generations(), "gen-000003.duckdb"))
	mustRun(t, src, clean)
	res := mustRun(t, src, damaged)
	if !strings.Contains(res.Recovered, "rebuilt from generation 1 and the lake files of runs 2, 3") {
		t.Fatalf("recovered = %q", res.Recovered)
	}
	for _, f := range res.Files {
		if f.Status != FileUnchanged {
			t.Errorf("%s: %s after the rebuild, want unchanged", f.Path, f.Status)
		}
	}
	if got := fixture.Value(t, fixture.OpenPublished(t, damaged), "SELECT account_name FROM accounts WHERE account_id = 'ACC-2'"); got != "Ay Group" {
		t.Errorf("ACC-2 = %q, want run 3's", got)
	}
	if a, b := snapshot(t, damaged), snapshot(t, clean); !slices.Equal(a, b) {
		t.Errorf("rebuilt warehouse differs from one never damaged:\n got %v\nwant %v", a, b)
	}
	for _, q := range []string{
		"SELECT run_id, entity, path, sha256, status, rows_read, rows_loaded, rows_quarantined FROM etl_files ORDER BY ALL",
		"SELECT run_id, entity, source_file, row_number, column_name IS NULL, column_name, reason, raw_values FROM quarantine ORDER BY ALL",
	} {
		if a, b := rowsOf(t, fixture.OpenPublished(t, damaged), q), rowsOf(t, fixture.OpenPublished(t, clean), q); !slices.Equal(a, b) {
			t.Errorf("%s:\n got %v\nwant %v", q, a, b)
		}
	}
}

// rowsOf gives each row of query q as text.
func rowsOf(tb testing.TB, db *sql.DB, q string) []string {
	tb.Helper()
	rows, err := db.Query("SELECT t::VARCHAR FROM (" + q + ") t")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestRebuildKeepsVendorRecords: the vendor records (envelopes, disputes)
// of the runs a rebuild replays are not in the lake; their vendor files
// are read again, so the records come back, whether or not a vendor file
// changed since.
func TestRebuildKeepsVendorRecords(t *testing.T) {
	for _, changed := range []bool{false, true} {
		t.Run(fmt.Sprintf("VendorFileChanged=%v", changed), func(t *testing.T) {
			src := fixture.CopySource(t, "adapters/testdata/mixed")
			clean, damaged := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
			for _, data := range []wh.Dir{clean, damaged} {
				mustRun(t, "testdata/good", data)
				mustRun(t, src, data)
			}
			warehousetest.Damage(t, filepath.Join(damaged.Generations(), "gen-000002.duckdb"))
			if changed {
				appendLine(t, filepath.Join(src, "zendesk", "organizations.csv"), "903,,Gamma Ltd,2024-07-01T00:00:00Z\n")
			}
			mustRun(t, src, clean)
			res := mustRun(t, src, damaged)
			if !strings.Contains(res.Recovered, "rebuilt from generation 1 and the lake files of run 2") {
				t.Fatalf("recovered = %q", res.Recovered)
			}
			q := "SELECT vendor, object, record_id, status, detail, source_file, source_row FROM vendor_records ORDER BY ALL"
			want := rowsOf(t, fixture.OpenPublished(t, clean), q)
			if len(want) == 0 {
				t.Fatal("the fixture records no vendor records")
			}
			if got := rowsOf(t, fixture.OpenPublished(t, damaged), q); !slices.Equal(got, want) {
				t.Errorf("vendor records after the rebuild:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// acmeID is an account of the mixed vendor fixture; acmeQuery its name.
const acmeID = "0015g00000AbCdEAAV"
const acmeQuery = "SELECT coalesce(max(account_name), '') FROM accounts WHERE account_id = '" + acmeID + "'"

// TestRebuildKeepsVendorFilesOrder: a rebuild replaying the run that
// loaded the vendor files and a later run's correction from another file
// reads the vendor files again (for their vendor records) as files loaded
// before, so the correction stays, as on the undamaged warehouse; also
// when a lake file of another entity of the vendor run is not trusted.
func TestRebuildKeepsVendorFilesOrder(t *testing.T) {
	damageGenerations := func(t *testing.T, data wh.Dir) {
		warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000002.duckdb"))
		warehousetest.Damage(t, filepath.Join(data.Generations(), "gen-000003.duckdb"))
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, data wh.Dir)
	}{
		{"LinkPointedBack", func(t *testing.T, data wh.Dir) {
			if err := data.Repoint(1); err != nil {
				t.Fatal(err)
			}
		}},
		{"Damaged", damageGenerations},
		{"OneLakeFileNotTrusted", func(t *testing.T, data wh.Dir) {
			warehousetest.Damage(t, data.Path(wh.LakeEntity("contract_terms", 2)))
			damageGenerations(t, data)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "adapters/testdata/mixed")
			clean, damaged := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
			for _, data := range []wh.Dir{clean, damaged} {
				mustRun(t, "testdata/good", data)
				mustRun(t, src, data)
			}
			fixture.WriteFile(t, filepath.Join(src, "accounts", "fix.csv"), "account_id,account_name,segment\n"+acmeID+",Acme Corporation,enterprise\n")
			for _, data := range []wh.Dir{clean, damaged} {
				mustRun(t, src, data)
			}
			tt.damage(t, damaged)
			mustRun(t, src, clean)
			if res := mustRun(t, src, damaged); res.Recovered == "" {
				t.Fatalf("the run did not rebuild")
			}
			if got := fixture.Value(t, fixture.OpenPublished(t, damaged), acmeQuery); got != "Acme Corporation" {
				t.Errorf("acme after the rebuild %q, want the correction kept", got)
			}
			if a, b := snapshot(t, clean, "_run_id"), snapshot(t, damaged, "_run_id"); !slices.Equal(a, b) {
				t.Errorf("clean and rebuilt differ:\n%v\n%v", a, b)
			}
		})
	}
}
