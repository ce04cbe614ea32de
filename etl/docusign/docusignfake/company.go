package docusignfake

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ServeCompany serves the envelopes of a company generated with layout
// exports, src/docusign/envelopes.jsonl (one envelope a line, as
// listStatusChanges lists it).
func (f *DocuSign) ServeCompany(tb testing.TB, src string) {
	tb.Helper()
	path := filepath.Join(src, "docusign", "envelopes.jsonl")
	fh, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	var out []map[string]any
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no envelopes", path)
	}
	f.mu.Lock()
	f.Envelopes = append(f.Envelopes, out...)
	f.mu.Unlock()
}
