package etl

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPlainHeader checks that a header of printable ASCII is read from the
// first line alone, as csvHeader reads it from the decoded file, and that
// every other first line is left to the decoding path.
func TestPlainHeader(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string // nil: not read from the first line
	}{
		{"Plain", "deal_id,account_id,amount\nD-1,A-1,10\n", []string{"deal_id", "account_id", "amount"}},
		{"CRLF", "deal_id,amount\r\nD-1,10\r\n", []string{"deal_id", "amount"}},
		{"UTF8BOM", "\xef\xbb\xbfdeal_id,amount\nD-1,10\n", []string{"deal_id", "amount"}},
		{"Quoted", "\"deal_id\",\"Amount (USD)\"\nD-1,10\n", []string{"deal_id", "Amount (USD)"}},
		{"HeaderOnly", "deal_id,amount", []string{"deal_id", "amount"}},
		{"Windows1252", "deal_id,Montant \xe9\nD-1,10\n", nil},
		{"UTF8Accent", "deal_id,Montant \xc3\xa9\nD-1,10\n", nil},
		{"UTF16", "\xff\xfed\x00e\x00a\x00l\x00\n\x00", nil},
		{"QuotedNewline", "deal_id,\"amount\nin USD\"\nD-1,10\n", nil},
		{"EmptyFirstLine", "\ndeal_id,amount\nD-1,10\n", nil},
		{"Empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "deals.csv")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, ok := plainHeader(path)
			if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
				t.Fatalf("plainHeader = %q, %v; want %q", got, ok, tt.want)
			}
			if ok {
				// The decoding path reads the same header.
				if full, err := csvHeader(path); err != nil || !slices.Equal(full, got) {
					t.Errorf("csvHeader = %q, %v; plainHeader read %q", full, err, got)
				}
			}
		})
	}
}
