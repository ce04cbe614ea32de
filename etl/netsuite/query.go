package netsuite

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// object is a record type the pull reads with SuiteQL, and what it lands:
// netsuite/<table>, read by the NetSuite adapter of that name. Field ids
// are the Records Catalog's, the analytics data source SuiteQL reads
// (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html).
type object struct {
	table string // customer, transaction, transactionline
	from  string // FROM with its joins
	where string // which records, besides the cursor
	// fields are the columns landed, in order: the adapter's field id and
	// the SuiteQL expression read as it.
	fields [][2]string
	// modified is the record's last change, the cursor's time; keys (SQL
	// and landed column) order the records changed in one second.
	modified string
	keys     [][2]string
	// deleted are the deletedrecord types of the object's records; none:
	// deletions are not read.
	deleted []string
}

// tsFormat is how times are written to and read from SuiteQL: TO_CHAR and
// TO_TIMESTAMP with it, on the clock of the token's user. In the hour the
// end of daylight saving time repeats, such a time names two instants.
// SuiteQL lists SYS_EXTRACT_UTC and FROM_TZ among its functions
// (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_158513731864.html),
// but no NetSuite page says how lastmodifieddate is stored (a time zone
// with it, or the user's wall clock) nor which time zone a SuiteQL
// session has, so a UTC comparison could not be checked; the times stay
// on the user's clock, and settled keeps a saved cursor out of the
// repeated hour when vendors.time_zones.netsuite names the zone.
const tsFormat = "YYYY-MM-DD HH24:MI:SS"

var (
	tsRe  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	keyRe = regexp.MustCompile(`^[0-9]{1,20}$`)
)

func day(col string) string   { return "TO_CHAR(" + col + ", 'YYYY-MM-DD')" }
func stamp(col string) string { return "TO_CHAR(" + col + ", '" + tsFormat + "')" }

// objects are read in this order: customers first, so an invoice's
// customer is landed before or with it.
var objects = []object{
	{
		table: "customer", from: "customer c",
		fields: [][2]string{
			{"id", "c.id"}, {"entityid", "c.entityid"}, {"companyname", "c.companyname"}, {"externalid", "c.externalid"},
			{"lastmodifieddate", stamp("c.lastmodifieddate")},
		},
		modified: "c.lastmodifieddate", keys: [][2]string{{"c.id", "id"}},
		deleted: []string{"customer"},
	},
	{
		table: "transaction", from: "transaction t LEFT JOIN currency cur ON cur.id = t.currency",
		where: "t.type IN ('CustInvc', 'CustCred')",
		fields: [][2]string{
			{"id", "t.id"}, {"type", "t.type"}, {"tranid", "t.tranid"},
			{"trandate", day("t.trandate")}, {"duedate", day("t.duedate")}, {"closedate", day("t.closedate")},
			{"startdate", day("t.startdate")}, {"enddate", day("t.enddate")},
			{"entity", "t.entity"}, {"currency", "cur.symbol"}, {"exchangerate", "t.exchangerate"},
			{"status", "t.status"}, {"foreigntotal", "t.foreigntotal"}, {"memo", "t.memo"},
			// The invoice a credit memo is applied to.
			{"appliedtotransaction", "CASE WHEN t.type = 'CustCred' THEN (SELECT MIN(l.previousdoc) FROM previoustransactionlinelink l " +
				"JOIN transaction i ON i.id = l.previousdoc WHERE l.nextdoc = t.id AND i.type = 'CustInvc') END"},
			{"lastmodifieddate", stamp("t.lastmodifieddate")},
		},
		modified: "t.lastmodifieddate", keys: [][2]string{{"t.id", "id"}},
		deleted: []string{"invoice", "creditmemo"},
	},
	{
		// An invoice's item lines, read again whenever the invoice changes
		// (their cursor is the invoice's lastmodifieddate).
		table: "transactionline", from: "transactionline tl JOIN transaction t ON t.id = tl.transaction",
		where: "t.type = 'CustInvc' AND tl.mainline = 'F' AND tl.taxline = 'F'",
		fields: [][2]string{
			{"transaction", "tl.transaction"}, {"linesequencenumber", "tl.linesequencenumber"},
			{"item", "BUILTIN.DF(tl.item)"}, {"memo", "tl.memo"}, {"quantity", "tl.quantity"}, {"rate", "tl.rate"},
			{"foreignamount", "tl.foreignamount"},
			{"lastmodifieddate", stamp("t.lastmodifieddate")},
		},
		modified: "t.lastmodifieddate", keys: [][2]string{{"tl.transaction", "transaction"}, {"tl.linesequencenumber", "linesequencenumber"}},
	},
}

// alias is the table alias extra fields are read from.
func (o object) alias() string { return strings.Fields(o.from)[1] }

// columns are the landed columns: the object's fields, then extra.
func (o object) columns(extra []string) []string {
	var out []string
	for _, f := range o.fields {
		out = append(out, f[0])
	}
	return append(out, extra...)
}

// query selects the records changed after cur, oldest first.
func (o object) query(cur position, extra []string) string {
	var sel []string
	for _, f := range o.fields {
		sel = append(sel, f[1]+" AS "+f[0])
	}
	for _, f := range extra {
		sel = append(sel, o.alias()+"."+f+" AS "+f)
	}
	var where []string
	if o.where != "" {
		where = append(where, o.where)
	}
	var keys []string
	for _, k := range o.keys {
		keys = append(keys, k[0])
	}
	if c := after(o.modified, keys, cur); c != "" {
		where = append(where, c)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + o.from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return q + " ORDER BY " + o.modified + ", " + strings.Join(keys, ", ")
}

// deletedQuery selects the object's deletions after cur, oldest first.
func (o object) deletedQuery(cur position) string {
	types := make([]string, len(o.deleted))
	for i, t := range o.deleted {
		types[i] = "'" + t + "'"
	}
	q := "SELECT d.recordid AS recordid, d.type AS type, " + stamp("d.deleteddate") + " AS deleteddate FROM deletedrecord d WHERE d.type IN (" + strings.Join(types, ", ") + ")"
	if c := after("d.deleteddate", []string{"d.recordid"}, cur); c != "" {
		q += " AND " + c
	}
	return q + " ORDER BY d.deleteddate, d.recordid"
}

// position is where a read stands: the last record's time and keys.
type position struct {
	Time string   `json:"time,omitempty"`
	Keys []string `json:"keys,omitempty"`
}

// String is p as the pull report shows it: the time, then the keys.
func (p *position) String() string {
	return strings.TrimSpace(p.Time + " " + strings.Join(p.Keys, "/"))
}

// before says whether a comes before b in the order (time, keys...); the
// start (no time) comes before any position. Keys are internal ids,
// compared as numbers.
func before(a, b position) bool {
	if a.Time != b.Time {
		return a.Time < b.Time
	}
	for i := range min(len(a.Keys), len(b.Keys)) {
		x, _ := strconv.ParseUint(a.Keys[i], 10, 64)
		y, _ := strconv.ParseUint(b.Keys[i], 10, 64)
		if x != y {
			return x < y
		}
	}
	return false
}

// after is the condition of the records after p in the order (time, keys...),
// "" at the start. Its values were checked when p was set (tsRe, keyRe).
func after(timeCol string, keys []string, p position) string {
	if p.Time == "" {
		return ""
	}
	ts := fmt.Sprintf("TO_TIMESTAMP('%s', '%s')", p.Time, tsFormat)
	cond := ""
	for i := len(keys) - 1; i >= 0; i-- {
		c := keys[i] + " > " + p.Keys[i]
		if cond != "" {
			c += " OR (" + keys[i] + " = " + p.Keys[i] + " AND (" + cond + "))"
		}
		cond = c
	}
	return "(" + timeCol + " > " + ts + " OR (" + timeCol + " = " + ts + " AND (" + cond + ")))"
}
