package salesforce_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/salesforce"
	"github.com/precedent-dev/precedent/etl/salesforce/salesforcefake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

const (
	clientID = "3MVG9fakeConsumerKey.forPrecedentTests"
	secret   = "sf-not-a-real-secret-77c1"
)

// smallOrg is a fake org with three accounts (one with AnnualRevenue
// 1.5E9, as the API writes large doubles), a user, two opportunities (one
// deleted), and Contract and OpportunityLineItem without records; it has
// neither CPQ, Advanced Approvals nor multiple currencies.
func smallOrg(t *testing.T) *salesforcefake.Org {
	f := salesforcefake.New(t)
	f.ClientID, f.Secret = clientID, secret
	f.AddObjects("Account", "User", "Opportunity", "OpportunityLineItem", "Contract")
	f.Objects["Account"].Records = []salesforcefake.Record{
		{"Id": "0015g00000SfA01AAA", "IsDeleted": false, "Name": "Northwind Sales", "Type": "Customer", "BillingCountry": "NA", "Industry": "Software",
			"NumberOfEmployees": 1200, "AnnualRevenue": nil, "CreatedDate": "2025-11-03T09:00:00.000Z", "SystemModstamp": "2026-01-05T10:00:00.000Z"},
		{"Id": "0015g00000SfA02AAA", "IsDeleted": false, "Name": "Heron Retail", "Type": "Customer", "BillingCountry": "EMEA", "Industry": "Retail",
			"NumberOfEmployees": nil, "AnnualRevenue": salesforcefake.Double(6.5e7), "CreatedDate": "2025-11-04T09:00:00.000Z", "SystemModstamp": "2026-01-05T10:00:01.000Z"},
		{"Id": "0015g00000SfA03AAA", "IsDeleted": false, "Name": "Corvid Bio", "Type": "Customer", "BillingCountry": "APAC", "Industry": "Biotech",
			"NumberOfEmployees": nil, "AnnualRevenue": salesforcefake.Double(1.5e9), "CreatedDate": "2025-11-05T09:00:00.000Z", "SystemModstamp": "2026-01-05T10:00:02.000Z"},
	}
	f.Objects["User"].Records = []salesforcefake.Record{
		{"Id": "0055g00000SfU01AAA", "Name": "Ines Duarte", "Department": "Enterprise East", "ManagerId": nil, "IsActive": true, "SystemModstamp": "2025-10-01T08:00:00.000Z"},
	}
	f.Objects["Opportunity"].Records = []salesforcefake.Record{
		{"Id": "0065g00000SfO01AAA", "IsDeleted": false, "AccountId": "0015g00000SfA01AAA", "Name": "Northwind - New", "OwnerId": "0055g00000SfU01AAA",
			"Type": "New Business", "StageName": "Closed Won", "IsWon": true, "IsClosed": true, "CreatedDate": "2025-12-01T09:00:00.000Z",
			"CloseDate": "2025-12-20", "Amount": salesforcefake.Double(48000), "CurrencyIsoCode": "USD", "FiscalQuarter": 4, "SystemModstamp": "2026-01-05T11:00:00.000Z"},
		{"Id": "0065g00000SfO02AAA", "IsDeleted": true, "AccountId": "0015g00000SfA02AAA", "Name": "Heron - New", "OwnerId": "0055g00000SfU01AAA",
			"Type": "New Business", "StageName": "Prospecting", "IsWon": false, "IsClosed": false, "CreatedDate": "2025-12-02T09:00:00.000Z",
			"CloseDate": "2026-02-20", "Amount": salesforcefake.Double(12000.5), "CurrencyIsoCode": "USD", "FiscalQuarter": 1, "SystemModstamp": "2026-01-05T11:00:01.000Z"},
	}
	return f
}

// setup is a source of kind salesforce reading the fake org with the
// client credentials flow, and the ETL options that pull and load it over
// testdata/good.
func setup(t *testing.T, f *salesforcefake.Org) (*salesforce.Source, etl.Options, wh.Dir) {
	t.Setenv("TEST_SF_SECRET", secret)
	settings := salesforce.Settings{LoginURL: f.URL(), ClientID: clientID, Flow: salesforce.FlowClientCredentials,
		ClientSecretEnv: "TEST_SF_SECRET", APIVersion: salesforcefake.APIVersion}
	if err := settings.Validate("sources[0] (crm)"); err != nil {
		t.Fatal(err)
	}
	src := &salesforce.Source{SourceName: "crm", Settings: settings, Retries: 2, Backoff: time.Millisecond, Poll: time.Millisecond,
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}}
	data := wh.Dir(t.TempDir())
	opts := etl.Options{Source: fixture.CopySource(t, "../testdata/good"), Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}}
	return src, opts, data
}

// TestPull pulls from a fake org and loads what it landed, run by run:
//  1. Account in two pages through nextRecordsUrl (a 503 and a 429
//     retried), the token expiring before User (a new one, the call
//     retried), Opportunity's describe timing out once; objects the org
//     lacks skipped, listed as skipped, once the API version is known to
//     be served; a deleted opportunity counted deleted; JSON numbers,
//     booleans and nulls loaded, nothing quarantined;
//  2. a changed account: only it is landed again, and its latest version
//     loads;
//  3. a pull failing midway lands what it read, its cursor moves only to
//     that, and the rerun continues from it, each record loading once;
//  4. a pull reaching api_share stops before the next call, saying so;
//  5. refused credentials and a revoked token fail without the secret.
func TestPull(t *testing.T) {
	ctx := context.Background()
	f := smallOrg(t)
	f.PageSize = 2
	f.ExpireAt = 4 // describe User
	f.Fail["queryAll Account"] = salesforcefake.Failure{Status: http.StatusServiceUnavailable, Times: 1}
	f.Fail["more 2"] = salesforcefake.Failure{Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1}
	f.Fail["describe Opportunity"] = salesforcefake.Failure{Sleep: time.Second, Times: 1}
	_, opts, data := setup(t, f)
	var progress []etl.Progress
	opts.Progress = func(p etl.Progress) {
		if p.Stage == "pull" {
			progress = append(progress, p)
		}
	}

	// 1.
	start := time.Now()
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("the run took %v: the 429's Retry-After: 1 was not waited for", d)
	}
	want := []string{"token", "describe Account", "queryAll Account", "queryAll Account", "more 2", "more 2",
		"describe User", "token", "describe User", "queryAll User", "describe Opportunity", "describe Opportunity", "queryAll Opportunity",
		"describe OpportunityLineItem", "queryAll OpportunityLineItem", "describe SBQQ__QuoteLine__c", "versions", "describe Contract", "queryAll Contract",
		"describe sbaa__Approval__c", "describe DatedConversionRate", "describe CurrencyType"}
	if got := f.Take(); !slices.Equal(got, want) {
		t.Errorf("calls:\n%s\nwant (503, 429 and a timeout retried, a new token after the 401):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	objs := pulled(t, res)
	if o := objs["salesforce/Account"]; o.Rows != 3 || o.File != "landing/crm/salesforce/Account/run-000001.jsonl" || o.Cursor != "2026-01-05T10:00:02Z" {
		t.Errorf("Account pulled %+v, want 3 rows in run-000001.jsonl, cursor the last SystemModstamp", o)
	}
	if o := objs["salesforce/Opportunity"]; o.Rows != 2 || o.Deleted != 1 {
		t.Errorf("Opportunity pulled %+v, want 2 rows, 1 deleted", o)
	}
	if o := objs["salesforce/SBQQ__QuoteLine__c"]; o.Skipped != "not in the org, or not visible to the user (describe answered 404)" || o.Rows != 0 {
		t.Errorf("SBQQ__QuoteLine__c pulled %+v, want it skipped: the org has no CPQ", o)
	}
	if o := objs["salesforce/Contract"]; o.Rows != 0 || o.File != "" {
		t.Errorf("Contract pulled %+v, want nothing landed", o)
	}
	if len(progress) == 0 || progress[0].Entity != "salesforce/Account" || progress[0].Rows != 2 {
		t.Errorf("progress %+v, want the Account's first page first", progress)
	}
	b, err := os.ReadFile(filepath.Join(string(data), "landing/crm/salesforce/Account/run-000001.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "attributes") || !strings.Contains(s, `"AnnualRevenue":1.5E9`) || strings.Count(s, "\n") != 3 {
		t.Errorf("landed accounts:\n%s\nwant one record a line, as the API sent them without attributes", s)
	}
	noQuarantine(t, res)
	if fr := file(t, res, "landing/crm/salesforce/Opportunity/run-000001.jsonl"); fr.RowsLoaded != 1 || fr.RowsDeleted != 1 {
		t.Errorf("Opportunity file loaded %d and deleted %d rows, want 1 and 1", fr.RowsLoaded, fr.RowsDeleted)
	}
	db := fixture.OpenPublished(t, data)
	for id, segment := range map[string]string{"0015g00000SfA01AAA": "enterprise", "0015g00000SfA02AAA": "mid_market", "0015g00000SfA03AAA": "enterprise"} {
		if got := fixture.Value(t, db, "SELECT segment FROM accounts WHERE account_id = ?", id); got != segment {
			t.Errorf("account %s: segment %s, want %s (from NumberOfEmployees or AnnualRevenue)", id, got, segment)
		}
	}
	if got := fixture.Value(t, db, "SELECT stage || ' ' || net_amount || ' ' || rep_id FROM deals WHERE deal_id = '0065g00000SfO01AAA'"); got != "won 48000.00 0055g00000SfU01AAA" {
		t.Errorf("deal: %s, want won 48000.00 by the user", got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM deals WHERE deal_id = '0065g00000SfO02AAA'"); got != "0" {
		t.Errorf("the deleted opportunity loaded %s times, want 0", got)
	}
	db.Close()

	// 2. An account changes: only it is landed, and its new name loads.
	f.Set(func() {
		f.Objects["Account"].Records[0]["Name"] = "Northwind Sales Group"
		f.Objects["Account"].Records[0]["SystemModstamp"] = "2026-01-06T08:00:00.000Z"
	})
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(f.Queries, "SELECT Id, IsDeleted, SystemModstamp, Name, Segment__c, NumberOfEmployees, AnnualRevenue, BillingCountry, Industry, CreatedDate, Type, OwnerId, ParentId FROM Account WHERE SystemModstamp > 2026-01-05T10:00:02Z ORDER BY SystemModstamp") {
		t.Errorf("queries %q, want Account's from its cursor", f.Queries)
	}
	f.Take()
	objs = pulled(t, res)
	if o := objs["salesforce/Account"]; o.Rows != 1 || o.Since != "2026-01-05T10:00:02Z" || o.Cursor != "2026-01-06T08:00:00Z" {
		t.Errorf("second pull's Account %+v, want the changed account only", o)
	}
	if o := objs["salesforce/Opportunity"]; o.Rows != 0 || o.File != "" {
		t.Errorf("second pull's Opportunity %+v, want none", o)
	}
	if fr := file(t, res, "landing/crm/salesforce/Account/run-000001.jsonl"); fr.RowsSkipped != 1 {
		t.Errorf("first Account file: %d rows skipped, want 1 (the changed account's old version, superseded)", fr.RowsSkipped)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT string_agg(account_name, '|') FROM accounts WHERE account_id = '0015g00000SfA01AAA'"); got != "Northwind Sales Group" {
		t.Errorf("changed account: %s, want its latest name once", got)
	}
	db.Close()

	// 3. Three accounts are added; the page after the first two keeps
	// failing. The pull lands those two, and the cursor moves to the
	// first (the second's SystemModstamp might be shared by records not
	// read yet).
	f.Set(func() {
		for i, id := range []string{"0015g00000SfA04AAA", "0015g00000SfA05AAA", "0015g00000SfA06AAA"} {
			f.Objects["Account"].Records = append(f.Objects["Account"].Records, salesforcefake.Record{"Id": id, "IsDeleted": false, "Name": "Added " + id[12:15],
				"BillingCountry": "NA", "NumberOfEmployees": 20, "SystemModstamp": "2026-01-07T00:00:0" + string(rune('1'+i)) + ".000Z"})
		}
		f.Fail["more 2"] = salesforcefake.Failure{Status: http.StatusServiceUnavailable, Times: -1}
	})
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull crm: salesforce Account: GET /services/data/v62.0/query/") || !strings.Contains(err.Error(), "503 SERVER_UNAVAILABLE") {
		t.Fatalf("got %v, want Account's 503", err)
	}
	if n := slices.Index(f.Take(), "describe User"); n >= 0 {
		t.Errorf("the failed pull went on to User")
	}
	var cursors map[string]map[string]string
	if err := etl.LoadCursors(data.Cursors("crm"), &cursors); err != nil {
		t.Fatal(err)
	}
	if got := cursors["salesforce/Account"]["system_modstamp"]; got != "2026-01-07T00:00:01Z" {
		t.Errorf("Account cursor %s, want the first added account's SystemModstamp", got)
	}
	f.Set(func() { delete(f.Fail, "more 2") })
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if o := pulled(t, res)["salesforce/Account"]; o.Rows != 2 || o.Since != "2026-01-07T00:00:01Z" {
		t.Errorf("rerun's Account %+v, want the last two added accounts from the kept cursor", o)
	}
	noQuarantine(t, res)
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) || ' ' || count(DISTINCT account_id) FROM accounts WHERE account_id LIKE '0015g00000SfA%'"); got != "6 6" {
		t.Errorf("accounts: %s, want 6, each once", got)
	}
	db.Close()
	f.Take()

	// 4. The org has used all but 4 requests of the pull's share: the pull
	// makes 4 calls (besides the token request, which is not counted) and
	// stops.
	f.Set(func() { f.Used, f.Limit = 49996, 100000 })
	_, err = etl.Run(ctx, opts)
	if !errors.Is(err, salesforce.ErrAPIShare) || !strings.Contains(err.Error(), "salesforce Opportunity: api_share reached: the org has used 50000 of its 100000 daily API requests and a pull may use up to 50000 (api_share 0.5)") {
		t.Errorf("got %v, want the pull stopped at api_share before Opportunity", err)
	}
	if got := f.Take(); len(got) != 5 || got[4] != "queryAll User" {
		t.Errorf("calls %v, want a token and 4 calls, the last User's query", got)
	}
	f.Set(func() { f.Used = 0 })

	// 5. A wrong secret is refused at the token endpoint, not retried; a
	// revoked token is asked for again once.
	const wrong = "sf-wrong-secret-0b3d"
	t.Setenv("TEST_SF_SECRET", wrong)
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "400 Salesforce refused the client_credentials credentials (client_id, the client secret): invalid_client: invalid client credentials") {
		t.Errorf("got %v, want the token endpoint's refusal", err)
	}
	if got := f.Take(); !slices.Equal(got, []string{"token"}) {
		t.Errorf("calls %v, want one token request", got)
	}
	t.Setenv("TEST_SF_SECRET", secret)
	f.Set(func() { f.Revoked = true })
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "401 INVALID_SESSION_ID: Session expired or invalid") {
		t.Errorf("got %v, want the 401", err)
	}
	if got := f.Take(); !slices.Equal(got, []string{"token", "describe Account", "token", "describe Account"}) {
		t.Errorf("calls %v, want one new token and one retry", got)
	}
	log, _ := os.ReadFile(data.RunLog())
	for _, s := range []string{secret, wrong, "FakeAccessToken"} {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("the error holds a secret: %v", err)
		}
		if strings.Contains(string(log), s) {
			t.Errorf("the run log holds %s", s)
		}
	}
}

// pulled are the objects a run's pull read, by object.
func pulled(t *testing.T, res *etl.Result) map[string]etl.PullObject {
	t.Helper()
	out := map[string]etl.PullObject{}
	for _, p := range res.Pulls {
		if p.Kind != "salesforce" {
			t.Errorf("pull report %s of kind %s", p.Source, p.Kind)
		}
		for _, o := range p.Objects {
			out[o.Object] = o
		}
	}
	return out
}

// file is a run's result for a file.
func file(t *testing.T, res *etl.Result, path string) etl.FileResult {
	t.Helper()
	for _, f := range res.Files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("%s not loaded", path)
	return etl.FileResult{}
}

// noQuarantine fails t for a landed file not loaded whole (or skipped as
// already loaded).
func noQuarantine(t *testing.T, res *etl.Result) {
	t.Helper()
	for _, f := range res.Files {
		if f.Status == etl.FileUnchanged {
			continue
		}
		if strings.HasPrefix(f.Path, "landing/") && (f.RowsQuarantined > 0 || f.Error != "" || f.Status != etl.FileLoaded) {
			t.Errorf("%s: %s, %d rows quarantined %s", f.Path, f.Status, f.RowsQuarantined, f.Error)
		}
	}
}

// TestWrongVersion checks that an API version the instance does not serve
// fails the pull, naming the versions it serves, instead of every object
// answering 404 and being skipped as not in the org.
func TestWrongVersion(t *testing.T) {
	f := smallOrg(t)
	src, opts, _ := setup(t, f)
	src.Settings.APIVersion = "v99.0"
	_, err := etl.Run(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "pull crm: salesforce Account: api_version v99.0 is not one the org's instance "+f.URL()+" serves (v62.0)") {
		t.Errorf("got %v, want the version refused", err)
	}
	if got := f.Take(); !slices.Equal(got, []string{"token", "GET /services/data/v99.0/sobjects/Account/describe", "versions"}) {
		t.Errorf("calls %v", got)
	}
}

// TestRequired checks that an org whose Account or Opportunity the user
// cannot see fails the pull, instead of landing nothing.
func TestRequired(t *testing.T) {
	f := smallOrg(t)
	delete(f.Objects, "Opportunity")
	_, opts, _ := setup(t, f)
	_, err := etl.Run(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "pull crm: salesforce Opportunity: not in the org, or not visible to the user (describe answered 404): every org has Opportunity; the user needs read access to it") {
		t.Errorf("got %v, want Opportunity required", err)
	}
}
