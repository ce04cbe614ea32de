package warehouse

import (
	"context"
	"strings"
	"testing"
)

// TestRowsText writes nested values as JSON text, dates as dates and
// floats without binary noise, in CSV and in JSON.
func TestRowsText(t *testing.T) {
	db, err := Open(context.Background(), "", Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := Query(context.Background(), db, `SELECT DATE '2026-01-31' AS day, (0.1::DOUBLE + 0.2::DOUBLE) AS points,
		[{'factor': 'ambiguity', 'points': (0.1::DOUBLE + 0.2::DOUBLE)}] AS contributions, MAP {'a': 1} AS m`, 0)
	if err != nil {
		t.Fatal(err)
	}
	var csv, js strings.Builder
	if err := rows.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if err := rows.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	wantCSV := "day,points,contributions,m\n2026-01-31,0.3,\"[{\"\"factor\"\":\"\"ambiguity\"\",\"\"points\"\":0.3}]\",\"{\"\"a\"\":1}\"\n"
	if csv.String() != wantCSV {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv.String(), wantCSV)
	}
	wantJSON := `{"day":"2026-01-31","points":0.3,"contributions":[{"factor":"ambiguity","points":0.3}],"m":{"a":1}}`
	if !strings.Contains(js.String(), wantJSON) {
		t.Errorf("JSON:\n%s\nwant %s", js.String(), wantJSON)
	}
}
