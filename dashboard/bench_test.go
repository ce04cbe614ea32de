package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// benchTargets are the requests of make bench-serve.
var benchTargets = []struct{ name, path string }{
	{"Overview", "/"},
	{"DiscountsFiltered", "/discounts?segment=enterprise&from=FY2024-Q1&to=FY2025-Q4"},
	{"ModelAPI", "/api/v1/models/deal_discounts?segment=smb&page_size=100"},
}

// BenchmarkServe runs make bench-serve's requests through the handler, one
// at a time, over the test warehouse or, when PRECEDENT_BENCH_DATA names a
// data directory (make bench-serve leaves one per scale under
// data/bench-serve/scale-N/data), over that one. For profiles:
//
//	PRECEDENT_BENCH_DATA=$PWD/data/bench-serve/scale-10/data \
//	  go test -tags duckdb_arrow ./dashboard -run '^$' -bench Serve -cpuprofile cpu.prof
func BenchmarkServe(b *testing.B) {
	data := testData
	if d := os.Getenv("PRECEDENT_BENCH_DATA"); d != "" {
		data = wh.Dir(d)
	}
	s, err := New(Options{Data: data, Addr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.wh.close)
	h := s.Handler()
	for _, t := range benchTargets {
		b.Run(t.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+t.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d", t.path, rec.Code)
				}
			}
		})
	}
}
