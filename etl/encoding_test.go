package etl

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name, in, want, encoding string
		decoded, bad             int
		// noNUL: the text is known to hold no NUL byte (only a UTF-8
		// file is scanned for one: a decoded copy may hold one)
		noNUL bool
	}{
		{"UTF8", "a,b\nZoë,x\n", "a,b\nZoë,x\n", "", 0, 0, true},
		{"UTF8WithNUL", "a,b\nZo\x00ë,x\n", "a,b\nZo\x00ë,x\n", "", 0, 0, false},
		{"NULOnTheLastLine", "a,b\nx,y\n\"z\x00\"", "a,b\nx,y\n\"z\x00\"", "", 0, 0, false},
		{"Windows1252", "a,b\nZo\xeb,\x93q\x94\n", "a,b\nZoë,“q”\n", "Windows-1252", 1, 0, false},
		{"Latin1IsWindows1252", "a\nS\xf8ren \xe0 \xff\n", "a\nSøren à ÿ\n", "Windows-1252", 1, 0, false},
		{"MixedByLine", "a\nZoë\nZo\xeb\n", "a\nZoë\nZoë\n", "Windows-1252", 1, 0, false},
		{"UTF8BOMThenWindows1252", "\xef\xbb\xbfa\nZo\xeb\n", "a\nZoë\n", "Windows-1252", 1, 0, false},
		{"MixedInOneLine", "a\nZoë Zo\xeb\n", "a\nZoë Zo\uf7eb\n", "Windows-1252", 0, 1, false},
		{"UndefinedInWindows1252", "a\nx\x81y\n", "a\nx\uf781y\n", "Windows-1252", 0, 1, false},
		{"UTF16LE", "\xff\xfea\x00,\x00\xeb\x00\n\x00", "a,ë\n", "UTF-16 (little-endian, from its byte order mark)", 0, 0, false},
		{"UTF16BE", "\xfe\xff\x00a\x00,\x00\xeb\x00\n", "a,ë\n", "UTF-16 (big-endian, from its byte order mark)", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "x.csv")
			fixture.WriteFile(t, src, tt.in)
			got, err := decodeText(src, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if got.encoding != tt.encoding || got.decoded != tt.decoded || got.bad != tt.bad {
				t.Errorf("got encoding %q, %d decoded, %d bad; want %q, %d, %d", got.encoding, got.decoded, got.bad, tt.encoding, tt.decoded, tt.bad)
			}
			if got.noNUL != tt.noNUL {
				t.Errorf("noNUL = %v, want %v", got.noNUL, tt.noNUL)
			}
			if tt.encoding == "" && got.path != src {
				t.Errorf("a UTF-8 file is read through a copy %s", got.path)
			}
			text, err := os.ReadFile(got.path)
			if err != nil {
				t.Fatal(err)
			}
			if string(text) != tt.want {
				t.Errorf("got text %q, want %q", text, tt.want)
			}
		})
	}
}

// TestEncodings loads files that are not UTF-8 on top of the good set:
// every row that decodes loads, with its text right and a warning naming
// the file and the encoding; a row no candidate decodes is quarantined
// alone, naming its file, row and field.
func TestEncodings(t *testing.T) {
	tests := []struct {
		name, source, file, warning string
		loaded, quarantined         int64
		values                      map[string]string // query -> want
		rejects                     map[int64]string  // row -> reason part
	}{
		{
			name: "Windows1252", source: "testdata/encoding/windows1252", file: "tickets.csv",
			warning: "tickets.csv: not UTF-8: 1 lines read as Windows-1252", loaded: 5,
			values: map[string]string{"SELECT subject FROM tickets WHERE ticket_id = 'TCK-20'": "Zoë cannot log in “again”"},
		},
		{
			name: "UTF16WithBOM", source: "testdata/encoding/utf16", file: "accounts.csv",
			warning: "accounts.csv: not UTF-8: read as UTF-16 (little-endian", loaded: 2,
			values: map[string]string{
				"SELECT account_name FROM accounts WHERE account_id = 'ACC-7'":          "Zoë Café GmbH",
				"SELECT created_date::VARCHAR FROM accounts WHERE account_id = 'ACC-8'": "2023-04-02",
			},
		},
		{
			name: "UndecodableRows", source: "testdata/encoding/undecodable", file: "tickets.csv",
			warning: "2 lines decode as neither", loaded: 3, quarantined: 2,
			values: map[string]string{
				"SELECT subject FROM tickets WHERE ticket_id = 'TCK-30'":              "Zoë (UTF-8)",
				"SELECT subject FROM tickets WHERE ticket_id = 'TCK-31'":              "Zoë (Windows-1252)",
				"SELECT _source_row::VARCHAR FROM tickets WHERE ticket_id = 'TCK-34'": "5",
			},
			rejects: map[int64]string{
				3: `tickets.csv row 3, field subject: bytes \xeb are neither UTF-8 nor Windows-1252`,
				4: `tickets.csv row 4, field subject: bytes \x81 are neither`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := wh.Dir(t.TempDir())
			mustRun(t, "testdata/good", data)
			res := mustRun(t, tt.source, data)
			if res.Status != runlog.Warning {
				t.Errorf("status = %s, want warning", res.Status)
			}
			if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, tt.warning) }) {
				t.Errorf("warnings %q, want one containing %q", res.Warnings, tt.warning)
			}
			i := slices.IndexFunc(res.Files, func(f FileResult) bool { return f.Path == tt.file })
			if i < 0 {
				t.Fatalf("%s: no result", tt.file)
			}
			f := res.Files[i]
			if f.Status != FileLoaded || f.RowsLoaded != tt.loaded || f.RowsQuarantined != tt.quarantined || f.RowsRead != f.RowsLoaded+f.RowsQuarantined {
				t.Errorf("%s: %s, read %d, loaded %d, quarantined %d; want loaded, %d loaded, %d quarantined",
					tt.file, f.Status, f.RowsRead, f.RowsLoaded, f.RowsQuarantined, tt.loaded, tt.quarantined)
			}
			db := fixture.OpenPublished(t, data)
			for q, want := range tt.values {
				var got string
				if err := db.QueryRow(q).Scan(&got); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if got != want {
					t.Errorf("%s: got %q, want %q", q, got, want)
				}
			}
			for row, reason := range tt.rejects {
				var column, got, raw string
				err := db.QueryRow("SELECT column_name, reason, raw_values FROM quarantine WHERE run_id = 2 AND source_file = ? AND row_number = ?", tt.file, row).Scan(&column, &got, &raw)
				if err != nil {
					t.Fatalf("row %d: %v", row, err)
				}
				if column != "subject" || !strings.Contains(got, reason) || strings.ContainsRune(raw, 0xF700+0x81) {
					t.Errorf("row %d: column %q reason %q raw %q, want subject, %q, bytes shown as \\xNN", row, column, got, raw, reason)
				}
			}
			// A run that builds (another program, so the same files are no
			// reason to keep the generation) passes the file over as loaded.
			if res := mustRun(t, tt.source, data, rebuild); res.Status != runlog.Success {
				t.Errorf("rerun: status %s, warnings %q; want success: the file is already loaded", res.Status, res.Warnings)
			}
		})
	}
}

// TestNothingLoadedIsNoSuccess checks that a run that loads nothing new for
// a reason the user must act on ends with a warning: a file with the same
// content as one rejected before, and a source that yields no rows.
func TestNothingLoadedIsNoSuccess(t *testing.T) {
	rejected := fixture.CopySource(t, "testdata/good")
	b, err := os.ReadFile("testdata/bad/contract_terms.csv")
	if err != nil {
		t.Fatal(err)
	}
	fixture.WriteFile(t, filepath.Join(rejected, "contract_terms.csv"), string(b))
	tests := []struct {
		name, source, file, warning string
	}{
		{"RejectedFileSkippedAgain", rejected, "contract_terms.csv",
			"contract_terms.csv: skipped: same content as contract_terms.csv (run 1), which was rejected and is still not loaded (missing required column is_standard"},
		{"EmptySource", t.TempDir(), "", "yielded no rows: it holds no entity file or vendor export"},
		{"HeadersOnly", headersOnly(t), "", "yielded no rows: 1 files read, none with a row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := wh.Dir(t.TempDir())
			mustRun(t, rejected, data)
			res := mustRun(t, tt.source, data, rebuild)
			if res.Status != runlog.Warning {
				t.Errorf("status = %s, want warning", res.Status)
			}
			if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, tt.warning) }) {
				t.Errorf("warnings %q, want one containing %q", res.Warnings, tt.warning)
			}
			var status string
			if err := fixture.OpenPublished(t, data).QueryRow("SELECT status FROM etl_runs WHERE run_id = 2").Scan(&status); err != nil || status != runlog.Warning {
				t.Errorf("etl_runs: run 2 status %q (%v), want warning", status, err)
			}
			if tt.file == "" {
				return
			}
			i := slices.IndexFunc(res.Files, func(f FileResult) bool { return f.Path == tt.file })
			if i < 0 || res.Files[i].Status != FileUnchanged {
				t.Errorf("%s: want a result with status unchanged; got %+v", tt.file, res.Files)
			}
		})
	}
	t.Run("RerunOfLoadedFilesIsSuccess", func(t *testing.T) {
		data := wh.Dir(t.TempDir())
		mustRun(t, "testdata/good", data)
		if res := mustRun(t, "testdata/good", data, rebuild); res.Status != runlog.Success || len(res.Warnings) > 0 {
			t.Errorf("status = %s, warnings %q; want success", res.Status, res.Warnings)
		}
	})
}

// rebuild makes a run another program's, so that it builds a generation
// even when its files are those of the run before (TestNothingChanged
// covers the run that keeps it).
func rebuild(o *Options) { o.Program = "the next release" }

// headersOnly writes a source whose one file has a header and no row.
func headersOnly(tb testing.TB) string {
	tb.Helper()
	src := tb.TempDir()
	fixture.WriteFile(tb, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\n")
	return src
}
