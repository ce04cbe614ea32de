package generate

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/etl/contract"
)

// TestWorldsUnchanged pins the bytes of a small company in the default and
// null worlds: a new world or knob must not shift their random draws, so the
// honesty tests and golden files built on them keep their meaning. If a
// change to these worlds is intended, say so in the commit and update the
// hashes.
func TestWorldsUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		effects Effects
		want    string
	}{
		{"Default", DefaultEffects(), "101ecd48e8b7bae6027993438474ac91aac61a5473211576b0ea7b0d6eb49f5b"},
		{"Null", NoEffects(), "f915e1a59d8fcf171920a569fd9970efead03a4725a031e5ba07274ba9a9ab0a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := mustGenerate(t, Options{Scale: 0.1, Seed: 42, Format: "csv", Effects: tc.effects})
			h := sha256.New()
			for _, e := range contract.Entities {
				if e.Name == contract.FXRates {
					continue // empty: the company sells in the base currency only; the hashes predate the file
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				h.Write([]byte(e.Name))
				h.Write(b)
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != tc.want {
				t.Errorf("got hash %s, want %s: the %s world's files changed for a fixed seed", got, tc.want, tc.name)
			}
		})
	}
}
