package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/cmd/precedent/schedule"
	"github.com/precedent-dev/precedent/dashboard/report"
	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/docusign"
	"github.com/precedent-dev/precedent/etl/hubspot"
	"github.com/precedent-dev/precedent/etl/netsuite"
	"github.com/precedent-dev/precedent/etl/postgres"
	"github.com/precedent-dev/precedent/etl/runlog"
	"github.com/precedent-dev/precedent/etl/salesforce"
	"github.com/precedent-dev/precedent/etl/stripe"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk"
)

// etlOptions are the options of an ETL run from the configuration.
func (m *Main) etlOptions(source, trigger string, attempt int) etl.Options {
	if source == "" {
		source = m.config.Source
	}
	return etl.Options{
		Source:        source,
		Data:          m.dataDir(),
		BaseCurrency:  m.config.BaseCurrency,
		MaxTextLength: m.config.ETL.MaxTextLength,
		Trigger:       trigger,
		Attempt:       attempt,
		DuckDB:        m.duckdb(),
		Models:        modelsStep{m},
		Vendors:       m.config.Vendors,
		Program:       program(),
		Logger:        m.logger,
		Pullers:       m.pullers(),
	}
}

// pullers are the configured sources that are pulled before each ETL run.
func (m *Main) pullers() []etl.Puller {
	var out []etl.Puller
	for _, s := range m.config.Sources {
		switch s.Kind {
		case "postgres":
			out = append(out, &postgres.Source{SourceName: s.Name, Settings: s.Postgres, Vendors: m.config.Vendors, DuckDB: m.duckdb(), Logger: m.logger})
		case "stripe":
			out = append(out, &stripe.Source{SourceName: s.Name, Settings: s.Stripe, Logger: m.logger})
		case "zendesk":
			out = append(out, &zendesk.Source{SourceName: s.Name, Settings: s.Zendesk, Logger: m.logger})
		case "netsuite":
			out = append(out, &netsuite.Source{SourceName: s.Name, Settings: s.NetSuite, Vendors: m.config.Vendors, Logger: m.logger})
		case "docusign":
			out = append(out, &docusign.Source{SourceName: s.Name, Settings: s.DocuSign, Logger: m.logger})
		case "hubspot":
			out = append(out, &hubspot.Source{SourceName: s.Name, Settings: s.HubSpot, Vendors: m.config.Vendors, Logger: m.logger})
		case "salesforce":
			out = append(out, &salesforce.Source{SourceName: s.Name, Settings: s.Salesforce, Vendors: m.config.Vendors, Logger: m.logger})
		}
	}
	return out
}

// runETL is the scheduled ETL job: the configured source, recorded by etl.Run.
func (m *Main) runETL(ctx context.Context, trigger string, attempt int) error {
	_, err := etl.Run(ctx, m.etlOptions("", trigger, attempt))
	return err
}

// reportRun is one build (and maybe send) of a weekly report.
type reportRun struct {
	Week  string
	Out   string
	Send  bool
	Force bool
}

// reportDetail is what the run log keeps of a report run.
type reportDetail struct {
	Week       string   `json:"week"`
	Folder     string   `json:"folder"`
	Sent       bool     `json:"sent"`
	Recipients []string `json:"recipients,omitempty"`
	Note       string   `json:"note,omitempty"`
}

// runReport builds a week's report from the published warehouse, archives
// it and mails it when asked, recording the run in the run log. It returns
// the archived report's HTML file.
func (m *Main) runReport(ctx context.Context, trigger string, attempt int, r reportRun) (path string, err error) {
	week, err := m.reportWeek(r.Week)
	if err != nil {
		return "", err
	}
	data := m.dataDir()
	rl, err := runlog.Start(string(data), data.RunLog(), "report", trigger, attempt)
	if err != nil {
		return "", err
	}
	detail := reportDetail{Week: week.String()}
	defer func() {
		if ferr := rl.Finish(runlog.Success, err, detail); ferr != nil && err == nil {
			err = ferr
		}
	}()
	rep, err := m.buildReport(ctx, week)
	if err != nil {
		return "", err
	}
	folder := report.Dir(data.Reports(), week)
	if r.Out != "" {
		folder = report.Dir(r.Out, week)
	}
	detail.Folder = string(folder)
	base := m.dashboardURL()
	if err := folder.Write(rep, base); err != nil {
		return "", err
	}
	path = filepath.Join(string(folder), "report.html")
	m.logger.Info("report written", "week", week.String(), "folder", folder)
	if !r.Send {
		return path, nil
	}
	return path, m.sendReport(ctx, folder, rep, base, r.Force, &detail)
}

// reportWeek is the week named, or, when none is, the last complete week.
func (m *Main) reportWeek(name string) (report.Week, error) {
	if name == "" {
		return report.LastComplete(m.Now()), nil
	}
	return report.ParseWeek(name)
}

// buildReport builds a week's report from the published generation,
// opened in the sandbox.
func (m *Main) buildReport(ctx context.Context, week report.Week) (*report.Report, error) {
	gen, err := m.dataDir().Published()
	if err != nil {
		return nil, err
	}
	db, err := wh.Sandbox(ctx, gen.Path, m.duckdb())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return report.Build(ctx, db, week, m.freshness(gen))
}

// sendReport mails an archived report to the configured recipients,
// unless it was sent already and force is false, and notes in detail
// what happened.
func (m *Main) sendReport(ctx context.Context, folder report.Archive, rep *report.Report, base string, force bool, detail *reportDetail) error {
	if m.config.SMTP.Host == "" {
		detail.Note = "not mailed: no smtp.host in the configuration"
		return errors.New("cannot send: set smtp.host, smtp.from and report.recipients in the configuration")
	}
	mail := report.Mail{
		Host: m.config.SMTP.Host, Port: m.config.SMTP.Port, TLS: m.config.SMTP.TLS,
		Username: m.config.SMTP.Username, Password: m.config.SMTPPassword(),
		From: m.config.SMTP.From, To: m.config.Report.Recipients,
	}
	sent, err := folder.Send(ctx, rep, mail, base, force)
	detail.Sent, detail.Recipients = sent, mail.To
	if err != nil {
		return err
	}
	if !sent {
		detail.Note = "already sent"
		m.logger.Info("report already sent; not sending again", "week", rep.Week)
	}
	return nil
}

// scheduledReport is the scheduled report job: last week's report, mailed
// when mail is configured.
func (m *Main) scheduledReport(ctx context.Context, trigger string, attempt int) error {
	_, err := m.runReport(ctx, trigger, attempt, reportRun{Send: m.config.SMTP.Host != ""})
	return err
}

// freshness describes the warehouse a report is built from.
func (m *Main) freshness(gen wh.Generation) report.Freshness {
	f := report.Freshness{Generation: gen.ID, AsOf: m.config.AsOfDate(m.Now()).Format(time.DateOnly)}
	if r, ok, err := runlog.Open(m.dataDir().RunLog()).LastSuccess("etl"); err == nil && ok {
		f.LastETLRun, f.LastETLEnded, f.LastETLStatus = r.ID, r.EndedAt, r.Status
		_, _, f.QuarantinedRun = r.ETL().Totals()
	}
	return f
}

// dashboardURL is the dashboard's address the report links to (its page
// and each account's): report.base_url, else server.public_url, else ""
// (no links).
func (m *Main) dashboardURL() string {
	if m.config.Report.BaseURL != "" {
		return strings.TrimRight(m.config.Report.BaseURL, "/")
	}
	return strings.TrimRight(m.config.Serve.PublicURL, "/")
}

// jobs are the recurring runs, from the configuration.
func (m *Main) jobs() []*schedule.Job {
	s := m.config.Schedules
	return []*schedule.Job{
		{Kind: "etl", Spec: s.ETL.Cron, TimeZone: s.ETL.TimeZone, RunMissed: s.ETL.RunMissed, Retries: s.ETL.Retries, Backoff: s.ETL.Backoff, Run: m.runETL},
		{Kind: "report", Spec: s.Report.Cron, TimeZone: s.Report.TimeZone, RunMissed: s.Report.RunMissed, Retries: s.Report.Retries, Backoff: s.Report.Backoff, Run: m.scheduledReport},
	}
}

// program identifies this build of precedent: its module version and
// commit, and the executable's size and time, which change with every
// build, so that a new program never keeps a generation an older one
// published.
func program() string {
	var id []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		id = append(id, bi.Main.Version, bi.GoVersion)
		for _, s := range bi.Settings {
			if strings.HasPrefix(s.Key, "vcs.") {
				id = append(id, s.Key+"="+s.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			id = append(id, fmt.Sprint(fi.Size()), fi.ModTime().UTC().Format(time.RFC3339Nano))
		}
	}
	return strings.Join(id, " ")
}
