package queries

import (
	"context"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestFollowerWaitingTestsReused checks that a test reading a model built
// after its own is reused when both models were kept, whichever of the two
// finished first: the models built in the end decide, not those built when
// its own was. Not reused, the test runs and finds a failing row.
func TestFollowerWaitingTestsReused(t *testing.T) {
	ctx := context.Background()
	_, conn := fixture.Conn(t, "")
	for _, q := range []string{
		"CREATE TABLE r AS SELECT 1 AS id",
		"CREATE TABLE m AS SELECT * FROM (VALUES (1), (2)) t(id)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	r := &Model{Name: "r", Layer: Intermediate}
	m := &Model{Name: "m", Layer: Intermediate, Header: Header{Tests: []TestSpec{{Relationships: &Relationship{Column: "id", To: "r.id"}}}}}
	dt := m.tests()[0]
	earlier := map[[3]string]TestResult{{"m", dt.name, dt.sql}: {Model: "m", Name: dt.name, SQL: dt.sql, Status: Pass}}
	for _, tt := range []struct {
		name     string
		finished []*Model
	}{
		{"the model it reads first", []*Model{r, m}},
		{"its own model first", []*Model{m, r}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := newFollower(ctx, conn, nil, Options{}, earlier, []*Model{r, m})
			if err != nil {
				t.Fatal(err)
			}
			kept := map[string]bool{}
			for _, x := range tt.finished {
				kept[x.Name] = true
				f.add(ctx, x, kept, nil)
			}
			tests, err := f.result(ctx, kept)
			if err != nil {
				t.Fatal(err)
			}
			if len(tests) != 1 || !tests[0].Reused || tests[0].Status != Pass {
				t.Errorf("tests %+v, want the earlier pass reused", tests)
			}
		})
	}
}
