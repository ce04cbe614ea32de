package generate

import (
	"context"
	"testing"
)

// BenchmarkGenerate generates the scale-1 company (about 2,000 accounts and
// 100,000 rows) in each format.
func BenchmarkGenerate(b *testing.B) {
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				opts := Options{Out: b.TempDir(), Scale: 1, Seed: 1, AsOf: testAsOf, Format: format, Effects: DefaultEffects()}
				if _, err := Generate(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
