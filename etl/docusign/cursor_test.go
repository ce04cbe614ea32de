package docusign_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/docusign"
	"github.com/precedent-dev/precedent/etl/docusign/docusignfake"
)

// pulls pulls run after run into one data folder, keeping the cursor.
type pulls struct {
	src  *docusign.Source
	dir  string
	runs int
}

// landedEnvelope is an envelope as a pull landed it.
type landedEnvelope struct {
	ID, Status, Changed string
}

// pull runs the next pull and reads what it landed.
func (p *pulls) pull(t *testing.T) (etl.PullObject, []landedEnvelope) {
	t.Helper()
	p.runs++
	landing := filepath.Join(p.dir, "landing", "esign")
	if err := os.MkdirAll(landing, 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := p.src.Pull(context.Background(), etl.PullEnv{RunID: p.runs, Landing: landing, Cursors: filepath.Join(p.dir, "cursors.json")})
	if err != nil {
		t.Fatal(err)
	}
	obj := rep.Objects[0]
	if obj.File == "" {
		return obj, nil
	}
	b, err := os.ReadFile(filepath.Join(p.dir, obj.File))
	if err != nil {
		t.Fatal(err)
	}
	var out []landedEnvelope
	for line := range strings.Lines(string(b)) {
		var e struct {
			EnvelopeID, Status, StatusChangedDateTime string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, landedEnvelope{e.EnvelopeID, e.Status, e.StatusChangedDateTime})
	}
	return obj, out
}

// ids are the envelopes landed, in order.
func ids(landed []landedEnvelope) []string {
	var out []string
	for _, e := range landed {
		out = append(out, e.ID[len(e.ID)-4:]+" "+e.Status)
	}
	return out
}

// TestChangeWhilePaging: an envelope read on the first page is completed
// before the second is asked for, so it moves to the end of the list and
// the envelopes after it shift left by one. Each page asks from the cursor
// so far, so none is skipped: every envelope lands, the completed one a
// second time, last.
func TestChangeWhilePaging(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes = sixEnvelopes()
	first := fake.Envelopes[0]["envelopeId"].(string)
	fake.AfterList = func() {
		fake.AfterList = nil
		fake.Envelopes[0] = docusignfake.Envelope(first, "completed", "2025-09-01T08:00:00.0000000Z", "0065g00000Ap2Bb")
	}
	p := &pulls{src: source(t, fake, keyPEM), dir: t.TempDir()}
	obj, landed := p.pull(t)
	want := []string{"0010 sent", "0011 sent", "0012 sent", "0013 sent", "0014 sent", "0015 sent", "0010 completed"}
	if got := ids(landed); !slices.Equal(got, want) {
		t.Errorf("landed %v, want %v: every envelope, the completed one again", got, want)
	}
	if obj.Cursor != "2025-09-01T08:00:00.0000000Z" {
		t.Errorf("cursor %s, want the completion", obj.Cursor)
	}
	for _, call := range fake.Reset() {
		if strings.Contains(call, "/envelopes?") && !strings.Contains(call, "start_position=0") {
			t.Errorf("call %s, want every page from the cursor at start_position 0", call)
		}
	}
}

// TestSameInstant: five envelopes whose status changed at one instant,
// more than a page of two: the pages at that instant move on by
// start_position, and each envelope lands once; the next pull lands none
// again.
func TestSameInstant(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	for i := range 5 {
		id := fmt.Sprintf("4b728be4-%04d-4d6e-9a1a-7c5d0e0f%04d", 20+i, 20+i)
		fake.Envelopes = append(fake.Envelopes, docusignfake.Envelope(id, "sent", "2025-08-01T10:00:00.0000000Z", "0065g00000Ap2Bb"))
	}
	fake.Envelopes = append(fake.Envelopes, docusignfake.Envelope("4b728be4-0025-4d6e-9a1a-7c5d0e0f0025", "voided", "2025-08-02T10:00:00.0000000Z", "0065g00000Ap2Bb"))
	p := &pulls{src: source(t, fake, keyPEM), dir: t.TempDir()}
	_, landed := p.pull(t)
	want := []string{"0020 sent", "0021 sent", "0022 sent", "0023 sent", "0024 sent", "0025 voided"}
	if got := ids(landed); !slices.Equal(got, want) {
		t.Errorf("landed %v, want %v, each once", got, want)
	}
	at := "2025-08-01T10:00:00.0000000Z"
	var pages []string
	for _, call := range fake.Reset() {
		if strings.Contains(call, "/envelopes?") {
			pages = append(pages, strings.TrimPrefix(call, "GET "))
		}
	}
	if wantPages := []string{listCall("2025-01-01T00:00:00Z", 0), listCall(at, 0), listCall(at, 2), listCall(at, 4)}; !slices.Equal(pages, wantPages) {
		t.Errorf("pages:\n%s\nwant:\n%s", strings.Join(pages, "\n"), strings.Join(wantPages, "\n"))
	}
	if _, landed := p.pull(t); len(landed) != 0 {
		t.Errorf("the next pull landed %v, want none", ids(landed))
	}
}

// TestSettle: the pull asks for changes up to five minutes before
// DocuSign's time (its answers' Date). An envelope completed 20 seconds
// before is left to the next pull; so is one whose change, 30 seconds
// before, commits only after the pull read (it is not listed yet): had the
// cursor passed the completed one, the next pull, asking from it, would
// never read the late one.
func TestSettle(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	src := source(t, fake, keyPEM)
	at := func(d time.Duration) string { return testNow.Add(d).Format("2006-01-02T15:04:05.0000000Z") }
	fake.Envelopes = []map[string]any{
		docusignfake.Envelope("4b728be4-0030-4d6e-9a1a-7c5d0e0f0030", "sent", at(-10*time.Minute), "0065g00000Ap1Aa"),
		docusignfake.Envelope("4b728be4-0031-4d6e-9a1a-7c5d0e0f0031", "completed", at(-20*time.Second), "0065g00000Ap2Bb"),
	}
	p := &pulls{src: src, dir: t.TempDir()}
	obj, landed := p.pull(t)
	if got := ids(landed); !slices.Equal(got, []string{"0030 sent"}) || obj.Cursor != at(-10*time.Minute) {
		t.Errorf("landed %v, cursor %s; want only the envelope changed before the margin, and its change", got, obj.Cursor)
	}
	if calls := strings.Join(fake.Reset(), "\n"); !strings.Contains(calls, "to_date="+url.QueryEscape(upTo)) {
		t.Errorf("calls:\n%s\nwant to_date %s, five minutes before the Date of DocuSign's answers", calls, upTo)
	}
	fake.Envelopes = append(fake.Envelopes, docusignfake.Envelope("4b728be4-0032-4d6e-9a1a-7c5d0e0f0032", "voided", at(-30*time.Second), "0065g00000Ap2Bb"))
	fake.Clock.Advance(10 * time.Minute)
	obj, landed = p.pull(t)
	if got := ids(landed); !slices.Equal(got, []string{"0032 voided", "0031 completed"}) || obj.Cursor != at(-20*time.Second) {
		t.Errorf("the next pull landed %v, cursor %s; want the late envelope and the one within the margin", got, obj.Cursor)
	}
}

// TestCursorWithinMargin: a cursor later than five minutes before
// DocuSign's time (saved before pulls kept the margin) asks for nothing
// until DocuSign's time has moved past it: no envelopes call, the cursor
// kept.
func TestCursorWithinMargin(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes = sixEnvelopes()
	p := &pulls{src: source(t, fake, keyPEM), dir: t.TempDir()}
	from := testNow.Add(-time.Minute).Format(time.RFC3339)
	if err := etl.SaveCursors(filepath.Join(p.dir, "cursors.json"), map[string]any{"docusign/envelopes": map[string]any{"from_date": from}}); err != nil {
		t.Fatal(err)
	}
	obj, landed := p.pull(t)
	if len(landed) != 0 || obj.Cursor != from {
		t.Errorf("landed %v, cursor %s; want none and the cursor kept", ids(landed), obj.Cursor)
	}
	if calls := strings.Join(fake.Reset(), "\n"); strings.Contains(calls, "/envelopes?") {
		t.Errorf("calls:\n%s\nwant no envelopes call", calls)
	}
}
