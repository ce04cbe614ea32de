package namedsql

import (
	"database/sql"
	"strings"
	"testing"
	"testing/fstest"
)

func TestArgs(t *testing.T) {
	set, err := Load(fstest.MapFS{
		"sql/week.sql":  {Data: []byte("select * from t where d >= $from and d < $from_date and x = $from")},
		"sql/plain.sql": {Data: []byte("select 1")},
		"sql/notes.txt": {Data: []byte("$ignored")},
	}, "sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 2 {
		t.Fatalf("loaded %d queries, want 2", len(set))
	}
	tests := []struct {
		name   string
		values map[string]any
		want   []string // bound names, in order
		err    string
	}{
		{"week", map[string]any{"from": 1, "from_date": 2, "to": 3}, []string{"from", "from_date"}, ""},
		{"week", map[string]any{"from_date": 2}, nil, "needs $from"},
		{"week", map[string]any{"from": 1}, nil, "needs $from_date"},
		{"plain", map[string]any{"from": 1}, []string{}, ""},
	}
	for _, tt := range tests {
		args, err := set[tt.name].Args(tt.values)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s %v: err = %v, want %q", tt.name, tt.values, err, tt.err)
			}
			continue
		}
		var got []string
		for _, a := range args {
			got = append(got, a.(sql.NamedArg).Name)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") || err != nil {
			t.Errorf("%s %v: bound %v (%v), want %v", tt.name, tt.values, got, err, tt.want)
		}
	}
}

func TestKey(t *testing.T) {
	set, err := Load(fstest.MapFS{
		"sql/week.sql":  {Data: []byte("select * from t where d >= $from and x = $segment")},
		"sql/plain.sql": {Data: []byte("select 1")},
	}, "sql")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"week", map[string]any{"from": "2026-11-16", "segment": "smb"}, "week\x00from=2026-11-16\x00segment=smb"},
		{"week", map[string]any{"from": "2026-11-16", "segment": "smb", "region": "EMEA"}, "week\x00from=2026-11-16\x00segment=smb"},
		{"week", map[string]any{"segment": 3}, "week\x00from=<nil>\x00segment=3"},
		{"plain", map[string]any{"from": 1}, "plain"},
	}
	for _, tt := range tests {
		if got := set[tt.name].Key(tt.values); got != tt.want {
			t.Errorf("%s %v: key %q, want %q", tt.name, tt.values, got, tt.want)
		}
	}
}
