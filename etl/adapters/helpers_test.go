package adapters_test

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// run runs the ETL over source with the vendor settings and returns the
// result and the published warehouse, opened read-only.
func run(tb testing.TB, source string, mod ...func(*etl.Options)) (*etl.Result, *sql.DB) {
	tb.Helper()
	res, err := runErr(tb, source, mod...)
	if err != nil {
		tb.Fatalf("etl %s: %v", source, err)
	}
	return res, published(tb, res)
}

func runErr(tb testing.TB, source string, mod ...func(*etl.Options)) (*etl.Result, error) {
	tb.Helper()
	data := wh.Dir(tb.TempDir())
	opts := etl.Options{Source: source, Data: data, DuckDB: wh.Settings{Threads: 2, MemoryLimit: "1GB"}, Vendors: adapters.DefaultConfig()}
	for _, f := range mod {
		f(&opts)
	}
	res, err := etl.Run(context.Background(), opts)
	if res != nil {
		res.Generation = string(opts.Data) // where published() looks
	}
	return res, err
}

// published opens the warehouse a run published.
func published(tb testing.TB, res *etl.Result) *sql.DB {
	tb.Helper()
	return fixture.OpenPublished(tb, wh.Dir(res.Generation))
}

// fileResult finds the result of one source file.
func fileResult(tb testing.TB, res *etl.Result, path string) etl.FileResult {
	tb.Helper()
	for _, f := range res.Files {
		if f.Path == path {
			return f
		}
	}
	tb.Fatalf("no result for %s in %+v", path, res.Files)
	return etl.FileResult{}
}

// mixedOnce is one run over testdata/mixed shared by the tests that only
// read it.
var mixedOnce struct {
	sync.Once
	res *etl.Result
	err error
	dir string
}

// mixed returns the shared run over testdata/mixed and its warehouse.
func mixed(tb testing.TB) (*etl.Result, *sql.DB) {
	tb.Helper()
	mixedOnce.Do(func() {
		mixedOnce.dir, mixedOnce.err = os.MkdirTemp("", "vendor-mixed-")
		if mixedOnce.err != nil {
			return
		}
		mixedOnce.res, mixedOnce.err = etl.Run(context.Background(), etl.Options{Source: "testdata/mixed", Data: wh.Dir(mixedOnce.dir),
			DuckDB: wh.Settings{Threads: 2, MemoryLimit: "1GB"}, Vendors: adapters.DefaultConfig()})
		if mixedOnce.res != nil {
			mixedOnce.res.Generation = mixedOnce.dir
		}
	})
	if mixedOnce.err != nil {
		tb.Fatalf("etl testdata/mixed: %v", mixedOnce.err)
	}
	return mixedOnce.res, published(tb, mixedOnce.res)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if mixedOnce.dir != "" {
		os.RemoveAll(mixedOnce.dir)
	}
	os.Exit(code)
}
