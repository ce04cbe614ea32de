package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/precedent-dev/precedent/dashboard/format"
	"github.com/precedent-dev/precedent/dashboard/headline"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

//go:embed templates
var templateFS embed.FS

var funcs = map[string]any{
	"date":  func(t time.Time) string { return t.Format(time.DateOnly) },
	"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"money": format.Money,
	"moneyChange": func(this, prev float64) string {
		if this == prev {
			return "same"
		}
		if this > prev {
			return "+" + format.Money(this-prev)
		}
		return "-" + format.Money(prev-this)
	},
	"dollars": format.Dollars,
	"pad":     func(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len([]rune(s)))) },
	"upper":   strings.ToUpper,
	"title":   headline.Title,
}

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.New("report.html").Funcs(funcs).ParseFS(templateFS, "templates/report.html"))
	textTmpl = texttemplate.Must(texttemplate.New("report.txt").Funcs(funcs).ParseFS(templateFS, "templates/report.txt"))
)

type imageRef struct {
	Title, Unit string
	Src         htmltemplate.URL
}

type view struct {
	R      *Report
	Last   time.Time // the week's Sunday
	Link   string    // the report's page on the dashboard, if its address is known
	Images []imageRef
	Tables []View
}

// tableRows is how many rows of each table the HTML and text versions
// show; the CSVs hold them all.
const tableRows = 25

// newView prepares the report for its templates. base is the dashboard's
// address (such as https://precedent.example.com), "" when unknown: then
// the report links to nothing.
func newView(r *Report, base string) view {
	v := view{R: r, Last: r.To.AddDate(0, 0, -1)}
	var accountURL func(string) string
	if base = strings.TrimRight(base, "/"); base != "" {
		v.Link = base + "/reports/" + url.PathEscape(r.Week)
		accountURL = func(id string) string { return base + "/accounts/" + url.PathEscape(id) }
	}
	for _, t := range r.Tables {
		v.Tables = append(v.Tables, t.View(tableRows, accountURL))
	}
	return v
}

// HTML renders the report. cid chooses image sources: "cid:" references
// for a mail's inline parts, or data: URLs for a self-contained file.
// base is the dashboard's address for the links, "" for none.
func (r *Report) HTML(images []Image, base string, cid bool) (string, error) {
	v := newView(r, base)
	for _, im := range images {
		src := "data:image/png;base64," + base64.StdEncoding.EncodeToString(im.PNG)
		if cid {
			src = "cid:" + im.Name
		}
		v.Images = append(v.Images, imageRef{Title: im.Title, Unit: im.Unit, Src: htmltemplate.URL(src)})
	}
	var b bytes.Buffer
	if err := htmlTmpl.Execute(&b, v); err != nil {
		return "", fmt.Errorf("render report: %w", err)
	}
	return b.String(), nil
}

// Text renders the report as plain text: the mail's text part, and the
// content the golden test pins. base is the dashboard's address for the
// links, "" for none.
func (r *Report) Text(base string) (string, error) {
	var b bytes.Buffer
	if err := textTmpl.Execute(&b, newView(r, base)); err != nil {
		return "", fmt.Errorf("render report: %w", err)
	}
	return b.String(), nil
}

// CSV renders one table, its cells neutralised against formula injection
// (the archive's CSVs and the mailed attachments are opened in
// spreadsheets).
func (t Table) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = wh.SafeCell(c)
	}
	w.Write(rec)
	for _, row := range t.Rows {
		rec = rec[:0]
		for _, c := range row {
			rec = append(rec, wh.SafeCell(c))
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// Archive is a report's folder: data/reports/<year>-W<week>/.
type Archive string

// Dir returns the archive folder of week w under reports.
func Dir(reports string, w Week) Archive { return Archive(filepath.Join(reports, w.String())) }

// Write renders the report and writes its files: report.html
// (self-contained), report.txt, report.json, the charts and one CSV per
// table. It writes to a temporary folder and renames it into place, so a
// reader never sees half a report; the send ledger, if any, is kept.
// base is the dashboard's address for the links, "" for none.
func (a Archive) Write(r *Report, base string) error {
	images, err := r.images()
	if err != nil {
		return err
	}
	html, err := r.HTML(images, base, false)
	if err != nil {
		return err
	}
	text, err := r.Text(base)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	files := map[string][]byte{"report.html": []byte(html), "report.txt": []byte(text), "report.json": js}
	for _, im := range images {
		files[im.Name] = im.PNG
	}
	for _, t := range r.Tables {
		files[t.Name+".csv"] = t.CSV()
	}
	tmp := string(a) + ".writing"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	// The send ledger carries over: a rewritten report is not mailed again.
	switch b, err := os.ReadFile(filepath.Join(string(a), ledgerFile)); {
	case err == nil:
		if err := os.WriteFile(filepath.Join(tmp, ledgerFile), b, 0o644); err != nil {
			return fmt.Errorf("write report: keep its send ledger: %w", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write report: read its send ledger: %w", err)
	}
	old := string(a) + ".old"
	os.RemoveAll(old)
	if _, err := os.Stat(string(a)); err == nil {
		if err := os.Rename(string(a), old); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if err := os.Rename(tmp, string(a)); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return os.RemoveAll(old)
}

// Read loads an archived report.
func (a Archive) Read() (*Report, error) {
	b, err := os.ReadFile(filepath.Join(string(a), "report.json"))
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", a, err)
	}
	return &r, nil
}

// List returns the archived weeks under reports, newest first.
func List(reports string) ([]Week, error) {
	entries, err := os.ReadDir(reports)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Week
	for i := len(entries) - 1; i >= 0; i-- {
		if w, err := ParseWeek(entries[i].Name()); err == nil && entries[i].IsDir() {
			if _, err := os.Stat(filepath.Join(reports, entries[i].Name(), "report.json")); err == nil {
				out = append(out, w)
			}
		}
	}
	return out, nil
}
