package etl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestJSONDocuments loads more deals as one JSON document, as an API page
// or a plain list writes it, beside the good set's files: the records
// under the page's list load, a record that is not an object is
// quarantined with its place in the list, and a document that holds no
// list of records is refused saying what it holds.
func TestJSONDocuments(t *testing.T) {
	deal := func(id string) string {
		return `{"deal_id": "` + id + `", "account_id": "ACC-1", "deal_type": "new", "stage": "won", "close_date": "2021-03-29", "list_amount": 100, "net_amount": 90}`
	}
	tests := []struct {
		name        string
		doc         string
		loaded      int64
		quarantined int64
		status      string
		problem     string
	}{
		{"List", "[" + deal("D-1") + ",\n" + deal("D-2") + "]", 2, 0, FileLoaded, ""},
		{"SalesforcePage", `{"totalSize": 2, "done": true, "records": [` + deal("D-1") + "," + deal("D-2") + "]}", 2, 0, FileLoaded, ""},
		{"SuiteQLPage", `{"links": [{"rel": "self", "href": "x"}], "count": 1, "items": [` + deal("D-1") + "]}", 1, 0, FileLoaded, ""},
		{"OneListUnknownName", `{"deals": [` + deal("D-1") + "], \"next_page\": null}", 1, 0, FileLoaded, ""},
		{"NotAnObject", "[" + deal("D-1") + `, 42]`, 1, 1, FileLoaded, ""},
		{"NoList", `{"deal_id": "D-1"}`, 0, 0, FileUnreadable, "holds no list of records (members: deal_id)"},
		{"TwoUnknownLists", `{"a": [], "b": []}`, 0, 0, FileUnreadable, "several lists (a, b)"},
		{"Truncated", "[" + deal("D-1") + ",", 0, 0, FileUnreadable, "malformed JSON"},
		{"Scalar", `"deals"`, 0, 0, FileUnreadable, "must be a list of records or an object holding one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			if err := os.CopyFS(src, os.DirFS("testdata/good")); err != nil {
				t.Fatal(err)
			}
			// The good set's deals stay, in a deals/ folder beside the document.
			if err := os.Mkdir(filepath.Join(src, "deals"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(src, "deals.csv"), filepath.Join(src, "deals", "a.csv")); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, "deals", "b.json"), []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			res, _ := runETL(t, src, wh.Dir(t.TempDir()))
			if res == nil {
				t.Fatal("no result")
			}
			var f *FileResult
			for i := range res.Files {
				if res.Files[i].Path == "deals/b.json" {
					f = &res.Files[i]
				}
			}
			if f == nil {
				t.Fatalf("deals/b.json not among the files: %+v", res.Files)
			}
			if f.Status != tt.status || f.RowsLoaded != tt.loaded || f.RowsQuarantined != tt.quarantined {
				t.Errorf("got %s, %d loaded, %d quarantined (%s); want %s, %d, %d", f.Status, f.RowsLoaded, f.RowsQuarantined, f.Error, tt.status, tt.loaded, tt.quarantined)
			}
			if tt.problem != "" && (!strings.Contains(f.Error, tt.problem) || !strings.Contains(f.Error, "deals/b.json")) {
				t.Errorf("error %q, want one naming deals/b.json and saying %q", f.Error, tt.problem)
			}
		})
	}
}
