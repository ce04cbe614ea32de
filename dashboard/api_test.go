package dashboard

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestAPIModels lists the models the API serves, with their keys and
// columns, and no model it does not serve.
func TestAPIModels(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	code, body, _ := c.get("/api/v1/models")
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/models = %d %.300s", code, body)
	}
	var res struct {
		Formats []string
		Models  []struct {
			Name, Layer, Grain, URL string
			Key                     []string
			Columns                 []struct{ Name, Type, Description string }
		}
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range res.Models {
		names = append(names, m.Name)
		if m.Layer != "marts" && m.Layer != "user" {
			t.Errorf("%s: layer %s is not served", m.Name, m.Layer)
		}
		if m.Name != "deal_discounts" {
			continue
		}
		if strings.Join(m.Key, ",") != "deal_id" || m.URL != "/api/v1/models/deal_discounts" || m.Grain == "" {
			t.Errorf("deal_discounts: key %v, url %s, grain %q", m.Key, m.URL, m.Grain)
		}
		i := slices.IndexFunc(m.Columns, func(c struct{ Name, Type, Description string }) bool { return c.Name == "discount_pct" })
		if i < 0 || m.Columns[i].Type == "" || m.Columns[0].Name != "deal_id" {
			t.Errorf("deal_discounts columns: %+v", m.Columns)
		}
	}
	for _, want := range []string{"deal_discounts", "headline_metrics", "renewal_risk"} {
		if !slices.Contains(names, want) {
			t.Errorf("models lack %s: %v", want, names)
		}
	}
	if slices.ContainsFunc(names, func(n string) bool {
		return strings.HasPrefix(n, "stg_") || strings.HasPrefix(n, "int_") || strings.HasPrefix(n, "_")
	}) {
		t.Errorf("models list ones the API does not serve: %v", names)
	}
	if !slices.Contains(res.Formats, "csv") {
		t.Errorf("formats = %v, want csv for the demo's admin", res.Formats)
	}
}

// TestAPIRows pages CSV and Parquet like JSON, orders rows by each mart's
// key, and writes nested values as JSON text, dates as dates and floats
// without binary noise.
func TestAPIRows(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	ids := func(path string) []string {
		t.Helper()
		_, body, _ := c.get(path)
		var res struct{ Rows []map[string]any }
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatalf("%s: %v %.200s", path, err, body)
		}
		var out []string
		for _, r := range res.Rows {
			out = append(out, r["deal_id"].(string))
		}
		return out
	}
	t.Run("Order", func(t *testing.T) {
		all := ids("/api/v1/models/deal_discounts")
		if len(all) < 20 || !slices.IsSorted(all) {
			t.Errorf("deal_discounts rows not in deal_id order: %v", all[:min(10, len(all))])
		}
	})
	t.Run("CSVPages", func(t *testing.T) {
		want := ids("/api/v1/models/deal_discounts?page=2&page_size=5")
		code, body, h := c.get("/api/v1/models/deal_discounts?format=csv&page=2&page_size=5")
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if code != http.StatusOK || err != nil {
			t.Fatalf("csv page: %d %v", code, err)
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, r[0])
		}
		if !slices.Equal(got, want) || h.Get("X-Page") != "2" || h.Get("X-Page-Size") != "5" || h.Get("X-Has-More") != "true" {
			t.Errorf("csv page 2 of 5 = %v (headers %s %s %s), want %v", got, h.Get("X-Page"), h.Get("X-Page-Size"), h.Get("X-Has-More"), want)
		}
		_, body, h = c.get("/api/v1/models/deal_discounts?format=csv")
		if n := strings.Count(body, "\n") - 1; n != len(ids("/api/v1/models/deal_discounts")) || h.Get("X-Has-More") != "false" {
			t.Errorf("csv without paging: %d rows, has more %s, want every row", n, h.Get("X-Has-More"))
		}
	})
	t.Run("ParquetPages", func(t *testing.T) {
		code, body, h := c.get("/api/v1/models/deal_discounts?format=parquet&page=3&page_size=4")
		if code != http.StatusOK || h.Get("X-Has-More") != "true" || h.Get("X-Page-Size") != "4" {
			t.Fatalf("parquet page: %d, headers %v", code, h)
		}
		path := filepath.Join(t.TempDir(), "p.parquet")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := wh.Query(context.Background(), db, "SELECT deal_id FROM read_parquet(?)", 0, path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows.Values {
			got = append(got, r[0].(string))
		}
		if want := ids("/api/v1/models/deal_discounts?page=3&page_size=4"); !slices.Equal(got, want) {
			t.Errorf("parquet page 3 of 4 = %v, want %v", got, want)
		}
	})
	t.Run("Values", func(t *testing.T) {
		_, body, _ := c.get("/api/v1/models/renewal_risk?format=csv")
		if strings.Contains(body, "map[") || !strings.Contains(body, `[{""factor"":""`) {
			t.Errorf("renewal_risk CSV: contributions are not JSON text:\n%.600s", body)
		}
		// Noise is more than the 10 significant digits a float means.
		number := regexp.MustCompile(`[0-9]+\.[0-9]+`)
		for _, path := range []string{"/api/v1/models/renewal_risk?format=csv", "/api/v1/models/renewal_risk", "/api/v1/models/exception_register", "/api/v1/models/headline_metrics"} {
			_, body, _ := c.get(path)
			for _, m := range number.FindAllString(body, -1) {
				if digits := strings.TrimLeft(strings.Replace(m, ".", "", 1), "0"); len(digits) > 10 {
					t.Errorf("%s: float noise %s", path, m)
					break
				}
			}
			if strings.Contains(body, "T00:00:00Z") {
				t.Errorf("%s: a date written as a timestamp", path)
			}
		}
	})
}
