package netsuitefake

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ServeCompany serves the saved searches of a company generated with
// layout exports, src/netsuite, as SuiteQL would answer them: field ids,
// ISO dates, numbers, status codes, the customer's internal id as entity,
// custom body fields as custbody_ ids, a transaction's lines modified with
// it, a second after the transaction before.
func (f *NetSuite) ServeCompany(tb testing.TB, src string) {
	tb.Helper()
	dir := filepath.Join(src, "netsuite")
	f.mu.Lock()
	defer f.mu.Unlock()
	customers := readCSV(tb, filepath.Join(dir, "customer.csv"))
	byEntity := map[string]string{}
	for _, c := range customers {
		byEntity[c["ID"]] = c["Internal ID"]
		f.Tables["customer"] = append(f.Tables["customer"], Row{
			"id": c["Internal ID"], "entityid": c["ID"], "companyname": nullable(c["Company Name"]),
			"externalid": nullable(c["External ID"]), "lastmodifieddate": "2026-06-01 00:00:00",
		})
	}
	txs := readCSV(tb, filepath.Join(dir, "transaction.csv"))
	byTranID, modified := map[string]string{}, map[string]string{}
	for i, tx := range txs {
		byTranID[tx["Document Number"]] = tx["Internal ID"]
		modified[tx["Internal ID"]] = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.DateTime)
	}
	for _, tx := range txs {
		typ := map[string]string{"Invoice": "CustInvc", "Credit Memo": "CustCred"}[tx["Type"]]
		status := map[string]string{"Open": "A", "Paid In Full": "B", "Voided": "V", "Fully Applied": "B"}[tx["Status"]]
		if status == "" {
			status = tx["Status"]
		}
		r := Row{
			"id": tx["Internal ID"], "type": typ, "tranid": tx["Document Number"],
			"trandate": iso(tb, tx["Date"]), "duedate": iso(tb, tx["Due Date"]), "closedate": iso(tb, tx["Date Closed"]),
			"startdate": iso(tb, tx["Start Date"]), "enddate": iso(tb, tx["End Date"]),
			"entity": byEntity[strings.Fields(tx["Name"])[0]], "currency": tx["Currency"], "status": status,
			"foreigntotal": amount(tb, tx["Amount (Foreign Currency)"]), "memo": nullable(tx["Memo"]),
			"billingschedule": nullable(tx["Billing Schedule"]), "custbody_disputed": map[string]string{"Yes": "T", "No": "F"}[tx["Disputed"]],
			"custbody_dispute_reason": nullable(tx["Dispute Reason"]), "custbody_sf_contract_id": nullable(tx["Salesforce Contract ID"]),
			"lastmodifieddate": modified[tx["Internal ID"]],
		}
		if applied := tx["Applied To Transaction"]; applied != "" {
			r["appliedtotransaction"] = byTranID[applied]
		}
		f.Tables["transaction"] = append(f.Tables["transaction"], r)
	}
	for _, l := range readCSV(tb, filepath.Join(dir, "transactionline.csv")) {
		seq, _ := strconv.Atoi(l["Line Sequence Number"])
		f.Tables["transactionline"] = append(f.Tables["transactionline"], Row{
			"transaction": l["Internal ID"], "linesequencenumber": seq, "item": nullable(l["Item"]), "memo": nullable(l["Memo"]),
			"quantity": amount(tb, l["Quantity"]), "rate": amount(tb, l["Item Rate"]), "foreignamount": amount(tb, l["Amount"]),
			"lastmodifieddate": modified[l["Internal ID"]],
		})
	}
}

func readCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	fh, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[strings.TrimPrefix(h, "\ufeff")] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// iso is a saved search's M/D/YYYY date as TO_CHAR(..., 'YYYY-MM-DD') writes it.
func iso(tb testing.TB, s string) any {
	if s == "" {
		return nil
	}
	d, err := time.Parse("1/2/2006", s)
	if err != nil {
		tb.Fatalf("date %q: %v", s, err)
	}
	return d.Format(time.DateOnly)
}

// amount is a saved search's 1,234.56 or (1,234.56) as SuiteQL's number.
func amount(tb testing.TB, s string) any {
	if s == "" {
		return nil
	}
	neg := strings.HasPrefix(s, "(")
	v, err := strconv.ParseFloat(strings.NewReplacer(",", "", "(", "", ")", "").Replace(s), 64)
	if err != nil {
		tb.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		v = -v
	}
	return v
}
