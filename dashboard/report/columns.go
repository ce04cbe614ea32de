package report

import (
	"strings"
	"time"

	"github.com/precedent-dev/precedent/dashboard/format"
)

// Column kinds: how a table's cells are written for people. The CSVs keep
// the raw values and the column names.
const (
	kindText   = "text"
	kindID     = "id"     // an identifier people quote (INV-..., TCK-...)
	kindMoney  = "money"  // whole dollars: $177,614
	kindNumber = "number" // a count or a score
	kindPct    = "pct"    // a percent, already times 100
	kindDate   = "date"
	kindTime   = "time"  // a timestamp, written to the minute in UTC
	kindBool   = "bool"  // yes or no
	kindProse  = "prose" // free text, on its own line in the text version
	kindHidden = "hidden"
)

// column is how one column of the report's tables reads.
type column struct{ label, kind string }

// columns name the report's columns in words. A column not listed keeps
// its name as its label and reads as text.
var columns = map[string]column{
	"account_id":             {"", kindHidden}, // the account's link
	"account_name":           {"Account", kindText},
	"owner_name":             {"Owner", kindText},
	"segment":                {"Segment", kindText},
	"contract_id":            {"Contract", kindID},
	"end_date":               {"Renews", kindDate},
	"arr":                    {"ARR", kindMoney},
	"account_arr":            {"Account ARR", kindMoney},
	"risk_score":             {"Risk", kindNumber},
	"risk_tier":              {"Tier", kindText},
	"arr_at_risk":            {"ARR at risk", kindMoney},
	"reasons":                {"Why", kindProse},
	"next_step":              {"Next step", kindProse},
	"ticket_id":              {"Ticket", kindID},
	"created_at":             {"Opened", kindTime},
	"escalation_at":          {"Escalated", kindTime},
	"category":               {"Category", kindText},
	"priority":               {"Priority", kindText},
	"subject":                {"Subject", kindProse},
	"is_escalated":           {"Escalated", kindBool},
	"invoice_id":             {"Invoice", kindID},
	"issued_date":            {"Issued", kindDate},
	"amount":                 {"Amount", kindMoney},
	"billing_config_id":      {"Billing config", kindID},
	"is_shared_config":       {"Shared config", kindBool},
	"dispute_reason":         {"Reason", kindProse},
	"credit_note_id":         {"Credit note", kindID},
	"description":            {"Description", kindProse},
	"deal_id":                {"Deal", kindID},
	"rep_name":               {"Rep", kindText},
	"close_date":             {"Closed", kindDate},
	"discount_pct":           {"Discount", kindPct},
	"policy_max_pct":         {"Policy max", kindPct},
	"is_late_quarter":        {"Late quarter", kindBool},
	"days_to_quarter_end":    {"Days to quarter end", kindNumber},
	"approval_level":         {"Approval", kindText},
	"net_amount":             {"Net amount", kindMoney},
	"precedent_deal_id":      {"Precedent", kindID},
	"precedent_discount_pct": {"Precedent discount", kindPct},
	"precedent_account_name": {"Precedent account", kindText},
}

func columnOf(name string) column {
	if c, ok := columns[name]; ok {
		return c
	}
	return column{name, kindText}
}

// Cell is one cell of a table as people read it.
type Cell struct {
	Label string // the column's label
	Text  string
	Num   bool   // right-aligned
	Prose bool   // free text: on its own line in the text version
	Href  string // the account's dashboard page, on the account's name
}

// Row is one row of a table as people read it.
type Row struct {
	Cells []Cell
	Link  string // the account's dashboard page, if known
}

// View is a table as people read it: labels in words, amounts in dollars,
// each account linked to its dashboard page.
type View struct {
	Name, Title string
	Head        []Cell
	Rows        []Row
	Total       int // rows in the table; Rows may hold only the first
}

// View reads the table for people, its first limit rows (all when limit
// is 0). accountURL gives an account's dashboard page; nil gives no links.
func (t Table) View(limit int, accountURL func(id string) string) View {
	v := View{Name: t.Name, Title: t.Title, Total: len(t.Rows)}
	var visible []int
	for i, name := range t.Columns {
		c := columnOf(name)
		if c.kind == kindHidden {
			continue
		}
		visible = append(visible, i)
		v.Head = append(v.Head, Cell{Label: c.label, Text: c.label, Num: numeric(c.kind), Prose: c.kind == kindProse})
	}
	rows := t.Rows
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	for _, raw := range rows {
		var r Row
		if accountURL != nil {
			for i, name := range t.Columns {
				if name == "account_id" && i < len(raw) && raw[i] != "" {
					r.Link = accountURL(raw[i])
				}
			}
		}
		for _, i := range visible {
			c := columnOf(t.Columns[i])
			cell := Cell{Label: c.label, Num: numeric(c.kind), Prose: c.kind == kindProse}
			if i < len(raw) {
				cell.Text = cellText(raw[i], c.kind)
			}
			if t.Columns[i] == "account_name" {
				cell.Href = r.Link
			}
			r.Cells = append(r.Cells, cell)
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

func numeric(kind string) bool {
	return kind == kindMoney || kind == kindNumber || kind == kindPct
}

// cellText writes one raw cell (as the warehouse formats it) for people.
func cellText(s, kind string) string {
	if s == "" {
		return ""
	}
	switch kind {
	case kindMoney:
		return format.Dollars(format.Number(s))
	case kindNumber:
		return format.Decimal(format.Number(s), 0)
	case kindPct:
		return format.Decimal(format.Number(s), 1) + "%"
	case kindTime:
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC().Format("2006-01-02 15:04")
		}
	case kindBool:
		switch s {
		case "true":
			return "yes"
		case "false":
			return "no"
		}
	}
	return s
}

// Text writes the view as aligned columns under a header; each row's free
// text and its dashboard link follow it on their own indented lines.
func (v View) Text() string {
	var cols []int
	for i, h := range v.Head {
		if !h.Prose {
			cols = append(cols, i)
		}
	}
	width := make([]int, len(v.Head))
	for _, i := range cols {
		width[i] = len([]rune(v.Head[i].Text))
		for _, r := range v.Rows {
			width[i] = max(width[i], len([]rune(r.Cells[i].Text)))
		}
	}
	line := func(cells []Cell) string {
		var parts []string
		for _, i := range cols {
			pad := strings.Repeat(" ", width[i]-len([]rune(cells[i].Text)))
			if cells[i].Num {
				parts = append(parts, pad+cells[i].Text)
			} else {
				parts = append(parts, cells[i].Text+pad)
			}
		}
		return strings.TrimRight("  "+strings.Join(parts, "  "), " ") + "\n"
	}
	var b strings.Builder
	b.WriteString(line(v.Head))
	for _, r := range v.Rows {
		b.WriteString(line(r.Cells))
		for _, c := range r.Cells {
			if c.Prose && c.Text != "" {
				b.WriteString("      " + strings.ToLower(c.Label[:1]) + c.Label[1:] + ": " + c.Text + "\n")
			}
		}
		if r.Link != "" {
			b.WriteString("      " + r.Link + "\n")
		}
	}
	return b.String()
}
