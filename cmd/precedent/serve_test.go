package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/cmd/precedent/schedule"
	"github.com/precedent-dev/precedent/dashboard"
	"github.com/precedent-dev/precedent/etl/runlog"
)

// TestDashboardRuns checks that the Runs page learns when a run of the kind
// it asked for is already going.
func TestDashboardRuns(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{})
	job := &schedule.Job{Kind: "etl", Spec: "0 2 * * *", Run: func(ctx context.Context, _ string, _ int) error {
		close(started)
		<-release
		return nil
	}}
	s, err := schedule.New(runlog.Open(filepath.Join(t.TempDir(), "runs.jsonl")), slog.New(slog.DiscardHandler), job)
	if err != nil {
		t.Fatal(err)
	}
	runs := dashboardRuns{s}
	if err := runs.Trigger(context.Background(), "etl"); err != nil {
		t.Fatal(err)
	}
	<-started
	if err := runs.Trigger(context.Background(), "etl"); !errors.Is(err, dashboard.ErrBusy) {
		t.Errorf("second trigger: err = %v, want dashboard.ErrBusy", err)
	}
	close(release)
	s.Stop()
}
