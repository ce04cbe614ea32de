package contract

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/data-contract.md from the contract")

// TestMarkdown keeps docs/data-contract.md in step with the contract table.
func TestMarkdown(t *testing.T) {
	var got bytes.Buffer
	if err := writeMarkdown(&got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "data-contract.md")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run go test ./etl/contract -update)", path, err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s is out of date: run go test ./etl/contract -update", path)
	}
}

// TestEntities checks the contract table is consistent with itself.
func TestEntities(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Entities {
		if seen[e.Name] {
			t.Errorf("entity %s declared twice", e.Name)
		}
		seen[e.Name] = true
		cols := map[string]bool{}
		for _, c := range e.Columns {
			if cols[c.Name] {
				t.Errorf("%s.%s declared twice", e.Name, c.Name)
			}
			cols[c.Name] = true
			if (c.Type == Enum) != (len(c.Values) > 0) {
				t.Errorf("%s.%s: enum values must go with the enum type", e.Name, c.Name)
			}
			if c.Ref == "" {
				continue
			}
			target, col, ok := strings.Cut(c.Ref, ".")
			te, found := Lookup(target)
			if !ok || !found {
				t.Errorf("%s.%s references unknown %q", e.Name, c.Name, c.Ref)
				continue
			}
			if _, ok := te.Column(col); !ok {
				t.Errorf("%s.%s references unknown column %q", e.Name, c.Name, c.Ref)
			}
			if target != e.Name && !seen[target] {
				t.Errorf("%s references %s, which must come earlier in load order", e.Name, target)
			}
		}
		for _, k := range e.Key {
			c, ok := e.Column(k)
			if !ok || !c.Required {
				t.Errorf("%s: key column %s must be a required column", e.Name, k)
			}
		}
		for _, ck := range e.Checks {
			if !cols[ck.Column] {
				t.Errorf("%s: check reports unknown column %s", e.Name, ck.Column)
			}
		}
	}
	for _, name := range []string{"accounts", "deals", "contracts"} {
		e, ok := Lookup(name)
		if !ok || !e.Required {
			t.Errorf("%s must be a required entity", name)
		}
	}
	optional := 0
	for _, e := range Entities {
		if !e.Required {
			optional++
		}
	}
	if optional != 8 {
		t.Errorf("optional entities = %d, want 8", optional)
	}
}

// TestVersion: the contract's version changes with a rule and not with
// the documentation.
func TestVersion(t *testing.T) {
	base := Version()
	saved := Entities
	t.Cleanup(func() { Entities = saved })
	Entities = append([]Entity(nil), saved...)
	Entities[0].Doc += " more words"
	Entities[0].Columns = append([]Column(nil), Entities[0].Columns...)
	Entities[0].Columns[0].Doc += " more words"
	if v := Version(); v != base {
		t.Errorf("documentation changed the version")
	}
	for i, c := range Entities[0].Columns {
		if c.Type == Enum {
			Entities[0].Columns[i].Values = append(append([]string(nil), c.Values...), "new_value")
			break
		}
	}
	if v := Version(); v == base {
		t.Errorf("a new allowed value left the version as it was")
	}
}
