package generate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/contract"
)

// TestDeterministic checks that the same options give byte-identical files
// in every format.
func TestDeterministic(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			opts := Options{Scale: 0.1, Seed: 42, Format: format, Effects: DefaultEffects()}
			a, _ := mustGenerate(t, opts)
			b, _ := mustGenerate(t, opts)
			for _, e := range contract.Entities {
				name := e.Name + "." + format
				fa, err := os.ReadFile(filepath.Join(a, name))
				if err != nil {
					t.Fatal(err)
				}
				fb, err := os.ReadFile(filepath.Join(b, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(fa, fb) {
					t.Errorf("%s differs between two runs with the same options", name)
				}
			}
			entries, err := os.ReadDir(a)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(contract.Entities) {
				t.Errorf("got %d entries in the output directory, want %d (one per entity, no leftovers)", len(entries), len(contract.Entities))
			}
		})
	}
}

// TestSeedsDiffer checks that a different seed gives a different company.
func TestSeedsDiffer(t *testing.T) {
	a, _ := mustGenerate(t, Options{Scale: 0.05, Seed: 1, Format: "csv", Effects: DefaultEffects()})
	b, _ := mustGenerate(t, Options{Scale: 0.05, Seed: 2, Format: "csv", Effects: DefaultEffects()})
	for _, entity := range []string{"accounts", "deals", "contracts", "invoices", "tickets"} {
		fa, _ := os.ReadFile(filepath.Join(a, entity+".csv"))
		fb, _ := os.ReadFile(filepath.Join(b, entity+".csv"))
		if bytes.Equal(fa, fb) {
			t.Errorf("%s is the same for seeds 1 and 2", entity)
		}
	}
}

// TestScaleLinear checks that row counts grow about linearly with scale.
func TestScaleLinear(t *testing.T) {
	_, small := mustGenerate(t, Options{Scale: 0.3, Seed: 3, Format: "parquet", Effects: DefaultEffects()})
	_, large := mustGenerate(t, Options{Scale: 1.2, Seed: 3, Format: "parquet", Effects: DefaultEffects()})
	for _, e := range contract.Entities {
		if e.Name == contract.FXRates {
			continue // one rate a quarter, whatever the company's size
		}
		s, l := small.Rows(e.Name), large.Rows(e.Name)
		if s < 12 {
			t.Errorf("%s: only %d rows at scale 0.3", e.Name, s)
			continue
		}
		// credit notes are rare, so their ratio is noisier
		lo, hi := 3.4, 4.6
		if e.Name == "credit_notes" {
			lo, hi = 2.5, 5.5
		}
		if ratio := float64(l) / float64(s); ratio < lo || ratio > hi {
			t.Errorf("%s: %d rows at scale 1.2 vs %d at 0.3, ratio %.2f, want %.1f..%.1f", e.Name, l, s, ratio, lo, hi)
		}
	}
}

// TestColumns checks that every file carries exactly the contract's
// columns, in contract order.
func TestColumns(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			dir, _ := mustGenerate(t, Options{Scale: 0.05, Seed: 5, Format: format, Effects: DefaultEffects()})
			for _, e := range contract.Entities {
				var want []string
				for _, c := range e.Columns {
					want = append(want, c.Name)
				}
				got := fileColumns(t, filepath.Join(dir, e.Name+"."+format), format)
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s columns: got %v, want %v", e.Name, got, want)
				}
			}
		})
	}
}

// fileColumns reads the column names of a generated file.
func fileColumns(t *testing.T, path, format string) []string {
	t.Helper()
	switch format {
	case "csv":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		header, err := bufio.NewReader(f).ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(header), ",")
	case "jsonl":
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dec := json.NewDecoder(f)
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		var names []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, tok.(string))
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
		}
		return names
	default:
		l := mustOpenLake(t, filepath.Dir(path), "parquet")
		var names []string
		for _, r := range l.rows("select column_name, column_type from (describe select * from read_parquet(?))", path) {
			names = append(names, r[0])
		}
		return names
	}
}

// TestParquetTypes checks the Arrow types land as the contract's SQL types.
func TestParquetTypes(t *testing.T) {
	dir, _ := mustGenerate(t, Options{Scale: 0.05, Seed: 5, Format: "parquet", Effects: DefaultEffects()})
	l := mustOpenLake(t, dir, "parquet")
	for _, e := range contract.Entities {
		rows := l.rows("select column_name, column_type from (describe select * from read_parquet(?))",
			filepath.Join(dir, e.Name+".parquet"))
		for i, c := range e.Columns {
			want := c.Type.SQLType()
			if c.Type == contract.Timestamp {
				want = "TIMESTAMP WITH TIME ZONE"
			}
			if got := rows[i][1]; got != want {
				t.Errorf("%s.%s: got %s, want %s", e.Name, c.Name, got, want)
			}
		}
	}
}

// TestOptions checks option validation.
func TestOptions(t *testing.T) {
	out := t.TempDir()
	asOf := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"ErrOutRequired", Options{AsOf: asOf}, "output directory is required"},
		{"ErrAsOfRequired", Options{Out: out}, "as-of date is required"},
		{"ErrFormat", Options{Out: out, AsOf: asOf, Format: "xlsx"}, `unknown format "xlsx"`},
		{"ErrScale", Options{Out: out, AsOf: asOf, Scale: -1}, "scale -1 out of range"},
		{"ErrFiscalMonth", Options{Out: out, AsOf: asOf, FiscalYearStartMonth: 13}, "fiscal year start month 13"},
		{"ErrLayout", Options{Out: out, AsOf: asOf, Layout: "hubspot"}, `unknown layout "hubspot" (want contract, exports, connector, airbyte)`},
		{"ErrLayoutFormat", Options{Out: out, AsOf: asOf, Layout: "exports", Format: "parquet"}, "layout exports writes each vendor's own formats"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(context.Background(), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestProgressAndSummary checks Progress is called once per entity with the
// summary's row counts, and that the default format is CSV.
func TestProgressAndSummary(t *testing.T) {
	seen := map[string]int{}
	dir, sum := mustGenerate(t, Options{Scale: 0.05, Seed: 9, Effects: DefaultEffects(),
		Progress: func(entity string, rows int) { seen[entity] += rows + 1_000_000 }})
	if len(sum.Files) != len(contract.Entities) {
		t.Fatalf("got %d files in the summary, want %d", len(sum.Files), len(contract.Entities))
	}
	for i, e := range contract.Entities {
		f := sum.Files[i]
		if f.Entity != e.Name || f.Path != filepath.Join(dir, e.Name+".csv") {
			t.Errorf("summary file %d: got %s at %s, want %s.csv", i, f.Entity, f.Path, e.Name)
		}
		if seen[e.Name] != f.Rows+1_000_000 {
			t.Errorf("%s: progress reported %d, summary %d (each entity once)", e.Name, seen[e.Name]-1_000_000, f.Rows)
		}
		if _, err := os.Stat(f.Path); err != nil {
			t.Error(err)
		}
	}
}

// TestCancel checks that a cancelled context stops the run with its error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Generate(ctx, Options{Out: t.TempDir(), Scale: 0.05, AsOf: testAsOf})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("got %v, want context canceled", err)
	}
}

// TestFormatsAgree checks that CSV and JSON lines carry exactly the values
// of the Parquet files, read back with the contract's types.
func TestFormatsAgree(t *testing.T) {
	opts := Options{Scale: 0.05, Seed: 13, Effects: DefaultEffects()}
	opts.Format = "parquet"
	pq, _ := mustGenerate(t, opts)
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			opts.Format = format
			dir, _ := mustGenerate(t, opts)
			l := mustOpenLake(t, dir, format)
			for _, e := range contract.Entities {
				path := filepath.Join(pq, e.Name+".parquet")
				for _, q := range []string{
					"select count(*) from (select * from read_parquet(?) except all select * from %s)",
					"select count(*) from (select * from %s except all select * from read_parquet(?))",
				} {
					if n := l.float(strings.Replace(q, "%s", e.Name, 1), path); n != 0 {
						t.Errorf("%s: %v rows differ between %s and parquet", e.Name, n, format)
					}
				}
			}
		})
	}
}
