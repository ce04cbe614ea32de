package docusign_test

import (
	"context"
	"fmt"
	"net/http"
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
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// Envelopes of the tests: opportunity Ap1Aa's order form, signed; and
// opportunity Ap2Bb's, voided and sent again.
const (
	env1 = "4b728be4-0001-4d6e-9a1a-7c5d0e0f0001"
	env2 = "4b728be4-0002-4d6e-9a1a-7c5d0e0f0002"
	env3 = "4b728be4-0003-4d6e-9a1a-7c5d0e0f0003"
)

// salesforce is the account, opportunities and contracts the envelopes
// sign, as Salesforce exports them.
var salesforce = map[string]string{
	"salesforce/Account.csv": "Id,Name,Industry,NumberOfEmployees,BillingCountry,CreatedDate\n" +
		"0015g00000ApIxAAAV,Apex Ltd,Software,1200,GB,2024-03-01T09:00:00.000Z\n",
	"salesforce/Opportunity.csv": "Id,AccountId,Type,StageName,IsWon,IsClosed,CreatedDate,CloseDate,Amount\n" +
		"0065g00000Ap1AaAAJ,0015g00000ApIxAAAV,New Business,Closed Won,true,true,2025-02-01T12:00:00.000Z,2025-03-25,60000\n" +
		"0065g00000Ap2BbAAJ,0015g00000ApIxAAAV,Existing Customer - Upgrade,Closed Won,true,true,2025-05-01T12:00:00.000Z,2025-05-30,24000\n",
	"salesforce/Contract.csv": "Id,AccountId,StartDate,EndDate,ContractTerm,Status,Description,SBQQ__Opportunity__c\n" +
		"8005g00000Ap1AaAAJ,0015g00000ApIxAAAV,2025-04-01,,12,Activated,Platform subscription,0065g00000Ap1AaAAJ\n" +
		"8005g00000Ap2BbAAJ,0015g00000ApIxAAAV,2025-07-01,2026-03-31,9,Activated,Platform upgrade,0065g00000Ap2BbAAJ\n",
}

// testNow is where the tests stop the fake's clock; listStatusChanges is
// asked for changes up to five minutes before (upTo).
var testNow = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

const upTo = "2026-07-01T11:55:00Z"

// listCall is the call of a page of listStatusChanges as the pull makes it
// while the fake's clock stands at testNow.
func listCall(from string, start int) string {
	q := url.Values{"from_date": {from}, "to_date": {upTo}, "include": {"custom_fields"}, "order_by": {"status_changed"}, "order": {"asc"},
		"count": {"2"}, "start_position": {fmt.Sprint(start)}}
	return "/restapi/v2.1/accounts/" + docusignfake.AccountID + "/envelopes?" + q.Encode()
}

// source is a pull from the fake with the key in an environment variable,
// two envelopes a page; it stops the fake's clock at testNow.
func source(t *testing.T, fake *docusignfake.DocuSign, keyPEM string) *docusign.Source {
	t.Helper()
	fake.Clock.Stop(testNow)
	t.Setenv("TEST_DOCUSIGN_KEY", keyPEM)
	settings := docusign.Settings{AuthServer: fake.URL(), IntegrationKey: docusignfake.IntegrationKey, UserID: docusignfake.UserID,
		PrivateKeyEnv: "TEST_DOCUSIGN_KEY", FromDate: "2025-01-01"}
	if err := settings.Validate("sources[0] (esign)"); err != nil {
		t.Fatal(err)
	}
	return &docusign.Source{SourceName: "esign", Settings: settings, Retries: 2, Backoff: time.Millisecond, PageSize: 2,
		Now: fake.Clock.Now, HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}}
}

// TestPull pulls from a fake DocuSign and loads what it landed, run by run:
//  1. a JWT grant the fake verifies with the public key, the default
//     account from /oauth/userinfo, then the envelopes changed since
//     from_date in two pages, the second from the first's last change: the
//     first answered 500 once, the second late once (a timeout) and 429
//     once (waited until X-RateLimit-Reset); the
//     signed envelope signs its contract, the voided and the sent one are
//     recorded, none quarantined;
//  2. the sent envelope is completed: the next pull asks from the cursor,
//     its access token has expired (401), so it gets a new one and asks
//     again; it lands the envelope a second time and its contract is signed;
//     its sent version is superseded and no longer recorded, and the voided
//     envelope stays recorded once;
//  3. a page that keeps failing fails the run: the pages before it are
//     landed and the cursor is their last status change;
//  4. the rerun continues from the cursor, and each envelope loads once
//     and is recorded once;
//  5. no access token, assertion or key is in the errors or the run log.
func TestPull(t *testing.T) {
	ctx := context.Background()
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes = []map[string]any{
		docusignfake.Envelope(env1, "completed", "2025-03-27T09:45:02.5070000Z", "0065g00000Ap1Aa"),
		docusignfake.Envelope(env2, "sent", "2025-06-02T10:00:02.0000000Z", "0065g00000Ap2Bb"),
		docusignfake.Envelope(env3, "voided", "2025-06-01T11:00:00.0000000Z", "0065g00000Ap2Bb"),
	}
	first, second := "2025-01-01T00:00:00Z", "2025-06-01T11:00:00.0000000Z"
	fake.Fail[listCall(first, 0)] = []docusignfake.Failure{{Status: http.StatusInternalServerError, Times: 1}}
	fake.Fail[listCall(second, 0)] = []docusignfake.Failure{{Sleep: 400 * time.Millisecond, Times: 1}, {Status: http.StatusTooManyRequests, Reset: 2 * time.Second, Times: 1}}
	src := source(t, fake, keyPEM)
	dir := t.TempDir()
	for name, body := range salesforce {
		fixture.WriteFile(t, filepath.Join(dir, name), body)
	}
	data := wh.Dir(t.TempDir())
	var progress []etl.Progress
	opts := etl.Options{Source: dir, Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}, Progress: func(p etl.Progress) {
		if p.Stage == "pull" {
			progress = append(progress, p)
		}
	}}

	// 1.
	start := time.Now()
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("the run took %v: the 429 was not waited for until X-RateLimit-Reset", d)
	}
	want := []string{
		"POST /oauth/token?", "GET /oauth/userinfo?",
		"GET " + listCall(first, 0), "GET " + listCall(first, 0),
		"GET " + listCall(second, 0), "GET " + listCall(second, 0), "GET " + listCall(second, 0),
	}
	if got := fake.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant (a 500, a timeout and a 429 retried):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(fake.Grants) != 1 || fake.Grants[0]["sub"] != docusignfake.UserID || fake.Grants[0]["aud"] != fake.Host() {
		t.Errorf("grants %v, want one for the user, to the authentication service", fake.Grants)
	}
	obj := pulled(t, res)
	if obj.Rows != 3 || obj.File != "landing/esign/docusign/envelopes/run-000001.jsonl" || obj.Since != first ||
		obj.Cursor != "2025-06-02T10:00:02.0000000Z" || obj.Table != "/restapi/v2.1/accounts/"+docusignfake.AccountID+"/envelopes" {
		t.Errorf("pulled %+v, want 3 envelopes in run-000001.jsonl, cursor the last status change", obj)
	}
	if len(progress) == 0 || progress[len(progress)-1].Rows != 3 || progress[len(progress)-1].Entity != "docusign/envelopes" {
		t.Errorf("progress %+v, want the envelopes' rows", progress)
	}
	lines := landed(t, data, 1)
	if len(lines) != 3 || !strings.Contains(lines[0], env1) || !strings.Contains(lines[1], `"status":"voided"`) ||
		!strings.Contains(lines[2], `"customFields":{"listCustomFields":[],"textCustomFields":[{"fieldId":"10541937601","name":"##SFOpportunity"`) {
		t.Errorf("landed:\n%s\nwant one envelope a line as sent, oldest change first, custom fields nested", strings.Join(lines, "\n"))
	}
	checkFiles(t, res, map[string][2]int64{"landing/esign/docusign/envelopes/run-000001.jsonl": {1, 2}})
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ap1AaAAJ'"); got != "2025-03-27" {
		t.Errorf("contract Ap1Aa signed %s, want 2025-03-27 (its completed envelope)", got)
	}
	if got := fixture.Value(t, db, "SELECT coalesce(signed_date::VARCHAR, '-') FROM contracts WHERE contract_id = '8005g00000Ap2BbAAJ'"); got != "-" {
		t.Errorf("contract Ap2Bb signed %s, want unsigned (its envelope is only sent)", got)
	}
	if got := fixture.Value(t, db, "SELECT string_agg(status, ',' ORDER BY status) FROM vendor_records WHERE vendor = 'docusign'"); got != "sent,voided" {
		t.Errorf("recorded envelopes %s, want sent,voided", got)
	}
	db.Close()

	// 2.
	fake.Envelopes[1] = docusignfake.Envelope(env2, "completed", "2025-06-05T16:20:00.1230000Z", "0065g00000Ap2Bb")
	cur := "2025-06-02T10:00:02.0000000Z"
	fake.Expire[listCall(cur, 0)] = true
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"POST /oauth/token?", "GET /oauth/userinfo?", "GET " + listCall(cur, 0), "POST /oauth/token?", "GET " + listCall(cur, 0)}
	if got := fake.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant the expired token replaced and the call made again:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if obj := pulled(t, res); obj.Rows != 1 || obj.Since != cur || obj.Cursor != "2025-06-05T16:20:00.1230000Z" {
		t.Errorf("pulled %+v, want the completed envelope only", obj)
	}
	if lines := landed(t, data, 2); len(lines) != 1 || !strings.Contains(lines[0], `"status":"completed"`) {
		t.Errorf("landed %v, want the completed envelope", lines)
	}
	// The envelope's sent version is superseded by its completed one, and
	// no longer recorded; the voided envelope is recorded once.
	checkFiles(t, res, map[string][2]int64{
		"landing/esign/docusign/envelopes/run-000001.jsonl": {1, 1},
		"landing/esign/docusign/envelopes/run-000002.jsonl": {1, 0},
	})
	if f := res.Files[slices.IndexFunc(res.Files, func(f etl.FileResult) bool { return strings.HasSuffix(f.Path, "run-000001.jsonl") })]; f.RowsSkipped != 1 {
		t.Errorf("run-000001.jsonl: %d rows skipped, want the sent envelope's first version", f.RowsSkipped)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT string_agg(record_id || ' ' || status || ' ' || run_id, ',' ORDER BY record_id) FROM vendor_records WHERE vendor = 'docusign'"); got != env3+" voided 2" {
		t.Errorf("recorded envelopes %s, want only the voided one, once", got)
	}
	if got := fixture.Value(t, db, "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ap2BbAAJ'"); got != "2025-06-05" {
		t.Errorf("contract Ap2Bb signed %s, want 2025-06-05 (the envelope as completed)", got)
	}
	if got := fixture.Value(t, db, "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ap1AaAAJ'"); got != "2025-03-27" {
		t.Errorf("contract Ap1Aa signed %s, want it kept", got)
	}
	db.Close()

	// 3. Six more envelopes, pages of two from the cursor so far, each
	// listing first the envelope landed at the cursor: the fourth page keeps
	// failing.
	cur = "2025-06-05T16:20:00.1230000Z"
	statuses := []string{"sent", "delivered", "declined", "sent", "voided", "sent"}
	for i, status := range statuses {
		id := fmt.Sprintf("4b728be4-%04d-4d6e-9a1a-7c5d0e0f%04d", 4+i, 4+i)
		fake.Envelopes = append(fake.Envelopes, docusignfake.Envelope(id, status, fmt.Sprintf("2025-07-%02dT10:00:00.0000000Z", 1+i), "0065g00000Ap2Bb"))
	}
	failing := listCall("2025-07-03T10:00:00.0000000Z", 0)
	fake.Fail[failing] = []docusignfake.Failure{{Status: http.StatusServiceUnavailable, Times: -1}}
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull esign: docusign/envelopes: GET /envelopes?") || !strings.Contains(err.Error(), "503 UNSPECIFIED_ERROR") {
		t.Fatalf("got %v, want the fourth page's 503", err)
	}
	if n := strings.Count(strings.Join(fake.Reset(), "\n"), failing); n != 3 {
		t.Errorf("%d calls of the failing page, want 3 (two retries)", n)
	}
	if lines := landed(t, data, 3); len(lines) != 3 {
		t.Errorf("landed %d envelopes before the failure, want 3 (the changed one at the cursor skipped)", len(lines))
	}
	var cursors map[string]map[string]any
	if err := etl.LoadCursors(data.Cursors("esign"), &cursors); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cursors["docusign/envelopes"]); got != "map[envelope_ids:[4b728be4-0006-4d6e-9a1a-7c5d0e0f0006] from_date:2025-07-03T10:00:00.0000000Z]" {
		t.Errorf("cursor %s, want the last envelope landed", got)
	}

	// 4.
	delete(fake.Fail, failing)
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	cur = "2025-07-03T10:00:00.0000000Z"
	want = []string{"POST /oauth/token?", "GET /oauth/userinfo?", "GET " + listCall(cur, 0),
		"GET " + listCall("2025-07-04T10:00:00.0000000Z", 0), "GET " + listCall("2025-07-05T10:00:00.0000000Z", 0)}
	if got := fake.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant the rest from the cursor:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if obj := pulled(t, res); obj.Rows != 3 || obj.Since != cur {
		t.Errorf("pulled %+v, want the three envelopes after the cursor", obj)
	}
	checkFiles(t, res, map[string][2]int64{
		"landing/esign/docusign/envelopes/run-000003.jsonl": {0, 3},
		"landing/esign/docusign/envelopes/run-000004.jsonl": {0, 3},
	})
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) || ' ' || count(DISTINCT record_id) FROM vendor_records WHERE vendor = 'docusign'"); got != "7 7" {
		t.Errorf("recorded (rows, envelopes) %s, want 7 7: the voided one and the six later ones, each once", got)
	}
	db.Close()

	// 5.
	log, _ := os.ReadFile(data.RunLog())
	for tok := range fake.Tokens {
		if strings.Contains(string(log), tok) {
			t.Errorf("the run log holds access token %s", tok)
		}
	}
	if strings.Contains(string(log), "PRIVATE KEY") || strings.Contains(string(log), "eyJhbGciOiJSUzI1NiIs") {
		t.Error("the run log holds the key or an assertion")
	}
}

// pulled is what a run's pull read.
func pulled(t *testing.T, res *etl.Result) etl.PullObject {
	t.Helper()
	if len(res.Pulls) != 1 || res.Pulls[0].Kind != "docusign" || res.Pulls[0].Source != "esign" || len(res.Pulls[0].Objects) != 1 {
		t.Fatalf("pulls %+v, want one of source esign", res.Pulls)
	}
	return res.Pulls[0].Objects[0]
}

// landed are the lines a run landed.
func landed(t *testing.T, data wh.Dir, run int) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data.Landing("esign"), fmt.Sprintf("docusign/envelopes/run-%06d.jsonl", run)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// checkFiles checks that the landed files a run read loaded, none of their
// rows quarantined, and that those of want were read, with the envelopes
// that sign contracts and those recorded (a run reads again the vendor's
// files it read before when one is new).
func checkFiles(t *testing.T, res *etl.Result, want map[string][2]int64) {
	t.Helper()
	seen := 0
	for _, f := range res.Files {
		if !strings.HasPrefix(f.Path, "landing/") || f.Status == etl.FileUnchanged {
			continue
		}
		if f.Status != etl.FileLoaded || f.RowsQuarantined != 0 || f.Error != "" {
			t.Errorf("%s: %s, %d rows quarantined (%s)", f.Path, f.Status, f.RowsQuarantined, f.Error)
		}
		if w, ok := want[f.Path]; ok {
			seen++
			if got := [2]int64{f.RowsEnrichment, f.RowsRecorded}; got != w {
				t.Errorf("%s: %d envelopes signing contracts and %d recorded, want %v", f.Path, got[0], got[1], w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the landed files %v read, want all", seen, want)
	}
}
