package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/precedent-dev/precedent/dashboard"
	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/docusign/docusignfake"
	"github.com/precedent-dev/precedent/etl/generate"
	"github.com/precedent-dev/precedent/etl/netsuite/netsuitefake"
	"github.com/precedent-dev/precedent/etl/runlog"
	"github.com/precedent-dev/precedent/etl/salesforce/salesforcefake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk/zendeskfake"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// The Salesforce connected app's credentials the fake org accepts (no
// real org's).
const (
	e2eClientID = "3MVG9fakeConsumerKey.forPrecedentEndToEnd"
	e2eSecret   = "sf-not-a-real-secret-e2e-41d7"
)

// TestEndToEndSources runs the built binary against the fakes of four
// systems' APIs, Salesforce, NetSuite, DocuSign and Zendesk, serving one
// company generated in the exports layout (Stripe's stripe-mock cannot
// serve a generated company; docs/sources.md):
//  0. a run killed (SIGKILL) once its pull landed the first object is
//     followed by one that fetches the rest and loads the same company,
//     each record once;
//  1. precedent etl with the four in sources: and only the files no API
//     serves in the source folder pulls and loads, in one run, the company
//     precedent etl loads from the whole exports folder: every entity's
//     rows, the headline metrics, signed dates, escalations and custom
//     fields; nothing quarantined; its output names each object pulled
//     with the records the API served;
//  2. run again with nothing changed at the vendors, it pulls nothing new
//     and keeps the generation;
//  3. with the Salesforce API answering 503 until its retries run out, the
//     run fails naming the source, the published generation stays, and
//     the Runs page shows the failure with its reason;
//  4. no secret is in the run log.
func TestEndToEndSources(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	precedent := func(env []string, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--as-of", "2026-06-30")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(env []string, args ...string) string {
		t.Helper()
		out, err := precedent(env, args...)
		if err != nil {
			t.Fatalf("precedent %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	gen := filepath.Join(dir, "company")
	must(nil, "generate", "--out", gen, "--layout", "exports", "--scale", "0.1", "--seed", "5")
	files := filepath.Join(dir, "files")
	must(nil, "etl", "--config", filepath.Join(gen, generate.LayoutConfig), "--source", gen, "--data", files)

	sf := salesforcefake.New(t)
	sf.ClientID, sf.Secret = e2eClientID, e2eSecret
	sf.AddObjects("OpportunityLineItem")
	served := sf.ServeCompany(t, gen)
	ns := netsuitefake.New(t)
	ns.ServeCompany(t, gen)
	key, keyPEM := docusignfake.NewKey(t)
	ds := docusignfake.New(t, &key.PublicKey)
	ds.ServeCompany(t, gen)
	zd := zendeskfake.New(t)
	zd.ServeCompany(t, gen)
	src := nonVendorFiles(t, gen, filepath.Join(dir, "src"))
	cfg := filepath.Join(dir, "pulled.yaml")
	writeSourcesConfig(t, filepath.Join(gen, generate.LayoutConfig), cfg, sf, ns, ds, zd)
	env := []string{
		"E2E_SF_SECRET=" + e2eSecret,
		"E2E_NS_CONSUMER_KEY=" + netsuitefake.ConsumerKey, "E2E_NS_CONSUMER_SECRET=" + netsuitefake.ConsumerSecret,
		"E2E_NS_TOKEN_ID=" + netsuitefake.TokenID, "E2E_NS_TOKEN_SECRET=" + netsuitefake.TokenSecret,
		"E2E_DOCUSIGN_KEY=" + keyPEM, "E2E_ZENDESK_TOKEN=" + zendeskfake.Token,
	}
	data := filepath.Join(dir, "pulled")
	etlArgs := []string{"etl", "--config", cfg, "--source", src, "--data", data}

	// 0. A run killed (SIGKILL) once its pull landed the first object: the
	// next run fetches the rest and loads each record once.
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	killed := filepath.Join(dir, "killed")
	killAt(t, bin, dir, "salesforce object pulled", "etl", "--config", cfg, "--source", src, "--data", killed, "--as-of", "2026-06-30")
	out := must(env, "etl", "--config", cfg, "--source", src, "--data", killed)
	if again, all := pulledObjects(t, out)["crm salesforce/Account"], served["Account"]; again >= all {
		t.Errorf("after the kill, the pull fetched %d of %d accounts again; want only the rest", again, all)
	}
	if runs := etlRuns(t, killed); len(runs) != 2 || runs[1].Status != runlog.Success {
		t.Errorf("runs after the kill: %+v, want the killed one and a successful one", runs)
	} else {
		for _, f := range runs[1].ETL().Files {
			if f.RowsQuarantined > 0 {
				t.Errorf("after the kill, %s: %d rows quarantined", f.Path, f.RowsQuarantined)
			}
		}
	}
	kdb, fdb := fixture.OpenPublished(t, wh.Dir(killed)), fixture.OpenPublished(t, wh.Dir(files))
	fixture.SameCompany(t, kdb, fdb)
	kdb.Close()
	fdb.Close()

	// 1.
	out = must(env, etlArgs...)
	want := map[string]int{}
	for object, n := range served {
		want["crm salesforce/"+object] = n
	}
	for _, table := range []string{"customer", "transaction", "transactionline"} {
		want["erp netsuite/"+table] = len(ns.Tables[table])
	}
	want["esign docusign/envelopes"] = len(ds.Envelopes)
	want["support zendesk/organizations"] = len(zd.Orgs)
	want["support zendesk/ticket_events"] = len(zd.Events)
	for _, pg := range zd.Pages {
		want["support zendesk/tickets"] += len(pg.Tickets)
	}
	maps.DeleteFunc(want, func(_ string, n int) bool { return n == 0 })
	for _, source := range []string{"crm ", "erp ", "esign ", "support "} {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(want)), func(k string) bool { return strings.HasPrefix(k, source) }) {
			t.Fatalf("the %sfake serves nothing of the company", source)
		}
	}
	if got := pulledObjects(t, out); !maps.Equal(got, want) {
		t.Errorf("objects pulled, by the output:\n%v\nwant the records each API served:\n%v\n%s", got, want, out)
	}
	fromFiles, pulled := etlRuns(t, files), etlRuns(t, data)
	if len(pulled) != 1 || pulled[0].Status != runlog.Success || len(fromFiles) != 1 || fromFiles[0].Status != runlog.Success {
		t.Fatalf("run logs: pulled %+v, from files %+v; want one successful run each\n%s", pulled, fromFiles, out)
	}
	for _, r := range []runlog.Record{fromFiles[0], pulled[0]} {
		for _, f := range r.ETL().Files {
			if f.RowsQuarantined > 0 || f.Error != "" || f.Status != string(etl.FileLoaded) {
				t.Errorf("%s: %s, %d rows quarantined %s", f.Path, f.Status, f.RowsQuarantined, f.Error)
			}
		}
	}
	if n := len(pullReport(t, pulled[0]).Pulls); n != 4 {
		t.Errorf("the run pulled %d sources, want 4", n)
	}
	got, wantDB := fixture.OpenPublished(t, wh.Dir(data)), fixture.OpenPublished(t, wh.Dir(files))
	fixture.SameCompany(t, got, wantDB)
	// What the headline metrics do not read: the contracts' signed dates
	// (DocuSign), the escalations (Zendesk's ticket events), the custom
	// fields (Salesforce's, NetSuite's custbody_ fields).
	for _, q := range []string{
		"SELECT count(signed_date) || ' ' || sum(hash(contract_id || signed_date::VARCHAR)) FROM contracts",
		"SELECT count(*) FILTER (WHERE is_escalated) || ' ' || coalesce(sum(epoch(escalated_at)), 0) FROM tickets",
		"SELECT count(discount_reason) || ' ' || count(precedent_deal_id) FROM deals",
		"SELECT count(*) FILTER (auto_renew) || ' ' || count(*) FILTER (has_side_letter) FROM contracts",
		"SELECT count(*) FILTER (is_disputed) || ' ' || count(dispute_reason) || ' ' || count(contract_id) FROM invoices",
	} {
		if g, w := fixture.Value(t, got, q), fixture.Value(t, wantDB, q); g != w {
			t.Errorf("%s: pulled %s, from files %s", q, g, w)
		}
	}
	got.Close()
	wantDB.Close()

	// 2.
	out = must(env, etlArgs...)
	if !strings.Contains(out, "run 2: nothing changed, generation 1 kept") || len(pulledObjects(t, out)) > 0 {
		t.Errorf("second run:\n%s\nwant nothing pulled, generation 1 kept", out)
	}
	runs := etlRuns(t, data)
	if len(runs) != 2 || runs[1].Status != runlog.Unchanged {
		t.Fatalf("runs %+v, want the second unchanged", runs)
	}
	for _, p := range pullReport(t, runs[1]).Pulls {
		for _, o := range p.Objects {
			if o.Rows != 0 || o.File != "" {
				t.Errorf("second run pulled %s %s: %d rows in %q, want none", p.Source, o.Object, o.Rows, o.File)
			}
		}
	}

	// 3.
	sf.Take()
	sf.Set(func() {
		sf.Fail["describe Account"] = salesforcefake.Failure{Status: http.StatusServiceUnavailable, Times: -1}
	})
	const reason = "pull crm: salesforce Account: GET /services/data/" + salesforcefake.APIVersion + "/sobjects/Account/describe: 503 SERVER_UNAVAILABLE"
	out, err := precedent(env, etlArgs...)
	if err == nil || !strings.Contains(out, reason) {
		t.Errorf("a run whose pull fails: %v\n%s\nwant it failed with %q", err, out, reason)
	}
	if calls := sf.Take(); len(calls) != 6 || calls[5] != "describe Account" {
		t.Errorf("calls %v, want a token and describe Account 5 times (4 retries)", calls)
	}
	if g, err := wh.Dir(data).Published(); err != nil || g.ID != 1 {
		t.Errorf("published generation %d (%v), want 1 still", g.ID, err)
	}
	runs = etlRuns(t, data)
	if len(runs) != 3 || runs[2].Status != runlog.Failed || !strings.Contains(runs[2].Error, reason) {
		t.Errorf("runs %+v, want the third failed with %q", runs, reason)
	}
	page := runsPage(t, data)
	if !strings.Contains(page, `<td title="status failed">`) || !strings.Contains(page, reason) {
		t.Errorf("the Runs page does not show run 3 failed with %q", reason)
	}

	// 4.
	log, err := os.ReadFile(wh.Dir(data).RunLog())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{e2eSecret, "FakeAccessToken", netsuitefake.ConsumerSecret, netsuitefake.TokenSecret, zendeskfake.Token, "PRIVATE KEY"} {
		if strings.Contains(string(log), secret) {
			t.Errorf("the run log holds %s", secret)
		}
	}
	for tok := range ds.Tokens {
		if strings.Contains(string(log), tok) {
			t.Errorf("the run log holds DocuSign access token %s", tok)
		}
	}
}

// nonVendorFiles copies into dst the files of the exports company in gen
// that no API serves (contract terms, FX rates...), and checks that the
// vendors' folders are those of the four APIs.
func nonVendorFiles(t *testing.T, gen, dst string) string {
	t.Helper()
	entries, err := os.ReadDir(gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	var vendors []string
	for _, e := range entries {
		if e.IsDir() {
			vendors = append(vendors, e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join(gen, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"docusign", "netsuite", "salesforce", "zendesk"}; !slices.Equal(vendors, want) {
		t.Fatalf("the exports layout's vendor folders are %v, want %v: serve the others' files from a fake too", vendors, want)
	}
	return dst
}

// writeSourcesConfig writes to path the configuration of a pull from the
// four fakes: the vendors settings of the layout's configuration file,
// NetSuite's custom body fields named by their ids (as SuiteQL names them;
// the saved searches name them by their labels), and sources: with the
// secrets read from E2E_* environment variables.
func writeSourcesConfig(t *testing.T, layout, path string, sf *salesforcefake.Org, ns *netsuitefake.NetSuite, ds *docusignfake.DocuSign, zd *zendeskfake.Zendesk) {
	t.Helper()
	b, err := os.ReadFile(layout)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("%s: %v", layout, err)
	}
	fields, ok := cfg["vendors"].(map[string]any)["fields"].(map[string]any)
	if !ok {
		t.Fatalf("%s: no vendors.fields", layout)
	}
	fields["netsuite/transaction"] = map[string]string{
		"is_disputed": "custbody_disputed", "dispute_reason": "custbody_dispute_reason", "contract_id": "custbody_sf_contract_id",
	}
	cfg["sources"] = []map[string]any{
		{"name": "crm", "kind": "salesforce", "login_url": sf.URL(), "flow": "client_credentials", "client_id": e2eClientID,
			"client_secret_env": "E2E_SF_SECRET"},
		{"name": "erp", "kind": "netsuite", "account_id": netsuitefake.Account, "suitetalk_url": ns.URL(),
			"consumer_key_env": "E2E_NS_CONSUMER_KEY", "consumer_secret_env": "E2E_NS_CONSUMER_SECRET",
			"token_id_env": "E2E_NS_TOKEN_ID", "token_secret_env": "E2E_NS_TOKEN_SECRET",
			"extra_fields": map[string][]string{"transaction": {"billingschedule", "custbody_disputed", "custbody_dispute_reason", "custbody_sf_contract_id"}}},
		{"name": "esign", "kind": "docusign", "auth_server": ds.URL(), "integration_key": docusignfake.IntegrationKey,
			"user_id": docusignfake.UserID, "private_key_env": "E2E_DOCUSIGN_KEY", "from_date": "2000-01-01"},
		{"name": "support", "kind": "zendesk", "base_url": zd.URL(), "email": zendeskfake.Email, "token_env": "E2E_ZENDESK_TOKEN"},
	}
	b, err = yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var pulledRe = regexp.MustCompile(`(?m)^pulled (\S+) (\S+) \(.*\): (\d+) rows, `)

// pulledObjects reads precedent etl's output: the rows pulled by "source
// vendor/object".
func pulledObjects(t *testing.T, out string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, m := range pulledRe.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[3])
		got[m[1]+" "+m[2]] += n
	}
	return got
}

// etlRuns are the ETL runs of a data directory's run log.
func etlRuns(t *testing.T, data string) []runlog.Record {
	t.Helper()
	runs, err := runlog.Open(wh.Dir(data).RunLog()).Runs("etl")
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// pullReport is the result an ETL run recorded, with its pulls.
func pullReport(t *testing.T, r runlog.Record) etl.Result {
	t.Helper()
	var res etl.Result
	if err := json.Unmarshal(r.Detail, &res); err != nil {
		t.Fatalf("run %d's detail: %v", r.ID, err)
	}
	return res
}

// runsPage is the dashboard's Runs page for a data directory, unescaped.
func runsPage(t *testing.T, data string) string {
	t.Helper()
	srv, err := dashboard.New(dashboard.Options{Data: wh.Dir(data), DuckDB: fixture.DuckDB, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	res, err := http.Get(ts.URL + "/runs")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /runs: %d %v\n%s", res.StatusCode, err, b)
	}
	return html.UnescapeString(string(b))
}
