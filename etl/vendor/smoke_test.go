package vendor_test

import (
	"encoding/json"
	"testing"
)

func TestSmoke(t *testing.T) {
	res, db := run(t, "testdata/mixed")
	b, _ := json.MarshalIndent(res, "", " ")
	t.Log(string(b))
	rows, err := db.Query("SELECT entity, source_file, row_number, column_name, reason FROM quarantine ORDER BY ALL")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b2, d, e string
		var c int
		rows.Scan(&a, &b2, &c, &d, &e)
		t.Log(a, b2, c, d, e)
	}
}
