package salesforcefake

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ServeCompany gives the org the objects of the Data Loader extracts in
// src/salesforce, a company generated with layout exports, with their
// records: each value typed as the object's field is (booleans, numbers,
// null for an empty value), IsDeleted false, and a SystemModstamp a second
// apart. It returns the records served by object.
func (f *Org) ServeCompany(tb testing.TB, src string) map[string]int {
	tb.Helper()
	dir := filepath.Join(src, "salesforce")
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no extracts in %s: %v", dir, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	modstamp := time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC)
	served := map[string]int{}
	for _, path := range files {
		object := strings.TrimSuffix(filepath.Base(path), ".csv")
		f.AddObjects(object)
		o := f.Objects[object]
		rows := readCSV(tb, path)
		for _, row := range rows[1:] {
			rec := Record{"SystemModstamp": modstamp.Format("2006-01-02T15:04:05.000Z")}
			modstamp = modstamp.Add(time.Second)
			if slices.ContainsFunc(o.Fields, func(fl Field) bool { return fl.Name == "IsDeleted" }) {
				rec["IsDeleted"] = false
			}
			for i, h := range rows[0] {
				j := slices.IndexFunc(o.Fields, func(fl Field) bool { return strings.EqualFold(fl.Name, h) })
				if j < 0 {
					tb.Fatalf("%s: the fake's %s has no field %s", path, object, h)
				}
				rec[o.Fields[j].Name] = typedValue(tb, row[i], o.Fields[j].Type)
			}
			o.Records = append(o.Records, rec)
		}
		served[object] = len(rows) - 1
	}
	return served
}

// typedValue is a Data Loader value as the REST API types it.
func typedValue(tb testing.TB, v, typ string) any {
	tb.Helper()
	if v == "" {
		return nil
	}
	var err error
	var out any = v
	switch typ {
	case "boolean":
		out, err = strconv.ParseBool(v)
	case "int":
		out, err = strconv.Atoi(v)
	case "double", "currency", "percent":
		var d float64
		d, err = strconv.ParseFloat(v, 64)
		out = Double(d)
	}
	if err != nil {
		tb.Fatalf("%q is no %s: %v", v, typ, err)
	}
	return out
}

func readCSV(tb testing.TB, path string) [][]string {
	tb.Helper()
	h, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer h.Close()
	rows, err := csv.NewReader(h).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return rows
}
