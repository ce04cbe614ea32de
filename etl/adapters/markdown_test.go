package adapters

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/vendors.md from the mapping tables")

// TestMarkdown keeps docs/vendors.md in step with the mapping tables.
func TestMarkdown(t *testing.T) {
	var got bytes.Buffer
	if err := writeMarkdown(&got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "vendors.md")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run go test ./etl/adapters -update)", path, err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s is out of date: run go test ./etl/adapters -update", path)
	}
}
