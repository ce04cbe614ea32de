package schedule

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestNext checks that specs with a time zone fire at the right instants,
// through the schedule itself (cron's clock cannot be faked, its
// schedules can).
func TestNext(t *testing.T) {
	tests := []struct {
		spec, tz, after, want string
	}{
		{"0 2 * * *", "UTC", "2026-11-26T01:00:00Z", "2026-11-26T02:00:00Z"},
		{"0 2 * * *", "UTC", "2026-11-26T02:00:00Z", "2026-11-27T02:00:00Z"},
		{"0 2 * * *", "Europe/Berlin", "2026-11-26T00:00:00Z", "2026-11-26T01:00:00Z"},    // CET = UTC+1
		{"0 2 * * *", "Europe/Berlin", "2026-07-01T00:00:00Z", "2026-07-02T00:00:00Z"},    // CEST = UTC+2: 00:00 UTC is 02:00, already passed
		{"0 7 * * 1", "America/New_York", "2026-11-26T00:00:00Z", "2026-11-30T12:00:00Z"}, // Monday 07:00 EST
		{"0 7 * * 1", "America/New_York", "2026-03-05T00:00:00Z", "2026-03-09T11:00:00Z"}, // the Monday after DST starts: EDT
		{"30 1 * * *", "Asia/Kolkata", "2026-11-26T00:00:00Z", "2026-11-26T20:00:00Z"},    // UTC+5:30
		{"0 2 * * *", "Europe/Berlin", "2026-03-28T23:00:00Z", "2026-03-30T00:00:00Z"},    // 02:00 does not exist on 29 March
	}
	for _, tt := range tests {
		j := &Job{Kind: "etl", Spec: tt.spec, TimeZone: tt.tz}
		if err := j.Parse(); err != nil {
			t.Fatal(err)
		}
		after, _ := time.Parse(time.RFC3339, tt.after)
		if got := j.Next(after).UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("%q in %s after %s: %s, want %s", tt.spec, tt.tz, tt.after, got, tt.want)
		}
	}
	for _, bad := range []*Job{{Kind: "etl", Spec: "0 25 * * *"}, {Kind: "etl", Spec: "0 2 * * *", TimeZone: "Mars/Olympus"}} {
		if err := bad.Parse(); err == nil {
			t.Errorf("%s in %q parsed", bad.Spec, bad.TimeZone)
		}
	}
}

// fakeClock records sleeps instead of sleeping.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func newScheduler(t *testing.T, jobs ...*Job) (*Scheduler, *fakeClock, *runlog.Log) {
	t.Helper()
	log := runlog.Open(filepath.Join(t.TempDir(), "runs.jsonl"))
	s, err := New(log, nil, jobs...)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	s.Now, s.Sleep = clock.Now, clock.Sleep
	return s, clock, log
}

func TestRunsDoNotOverlap(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var calls []string
	job := &Job{Kind: "etl", Spec: "* * * * *", Run: func(ctx context.Context, trigger string, _ int) error {
		mu.Lock()
		calls = append(calls, trigger)
		mu.Unlock()
		<-release
		return nil
	}}
	s, _, _ := newScheduler(t, job)
	ctx := context.Background()
	if err := s.Trigger(ctx, "etl"); err != nil {
		t.Fatal(err)
	}
	for !job.running.Load() {
		time.Sleep(time.Millisecond)
	}
	if err := s.Trigger(ctx, "etl"); !errors.Is(err, ErrBusy) {
		t.Errorf("second manual trigger: err = %v, want ErrBusy", err)
	}
	s.start(ctx, job, Scheduled) // the schedule fires while the run goes on
	close(release)
	s.Stop()
	if len(calls) != 1 || calls[0] != Manual {
		t.Errorf("runs = %v, want one manual run", calls)
	}
	if err := s.Trigger(ctx, "report"); err == nil {
		t.Errorf("triggering an unknown kind worked")
	}
}

func TestRetryWithBackoff(t *testing.T) {
	var triggers []string
	var attempts []int
	fails := 2
	job := &Job{Kind: "report", Spec: "0 7 * * 1", Retries: 3, Backoff: time.Minute, Run: func(_ context.Context, trigger string, attempt int) error {
		triggers, attempts = append(triggers, trigger), append(attempts, attempt)
		if fails > 0 {
			fails--
			return errors.New("smtp down")
		}
		return nil
	}}
	s, clock, _ := newScheduler(t, job)
	if err := s.RunNow(context.Background(), job, Scheduled); err != nil {
		t.Fatalf("run: %v", err)
	}
	if want := []string{Scheduled, Retry, Retry}; !equal(triggers, want) {
		t.Errorf("triggers = %v, want %v", triggers, want)
	}
	if len(attempts) != 3 || attempts[2] != 3 {
		t.Errorf("attempts = %v", attempts)
	}
	if len(clock.sleeps) != 2 || clock.sleeps[0] != time.Minute || clock.sleeps[1] != 2*time.Minute {
		t.Errorf("backoff = %v, want 1m then 2m", clock.sleeps)
	}
	// Bounded: a job that keeps failing stops after its retries.
	fails, triggers = 100, nil
	if err := s.RunNow(context.Background(), job, Scheduled); err == nil || len(triggers) != 4 {
		t.Errorf("always failing: err %v after %d attempts, want an error after 4", err, len(triggers))
	}
}

// TestFailingETLRetriedAndRecorded runs the real ETL on a source it
// cannot load: every attempt is recorded as failed, with its trigger.
func TestFailingETLRetriedAndRecorded(t *testing.T) {
	data := wh.Dir(t.TempDir())
	src := t.TempDir() // no accounts, deals or contracts
	job := &Job{Kind: "etl", Spec: "0 2 * * *", Retries: 2, Backoff: time.Second, Run: func(ctx context.Context, trigger string, attempt int) error {
		_, err := etl.Run(ctx, etl.Options{Source: src, Data: data, Trigger: trigger, Attempt: attempt, DuckDB: wh.Settings{Threads: 1}})
		return err
	}}
	s, _, _ := newScheduler(t, job)
	if err := s.RunNow(context.Background(), job, Scheduled); err == nil {
		t.Fatal("the ETL of an empty source succeeded")
	}
	runs, err := runlog.Open(data.RunLog()).Runs("etl")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Fatalf("recorded %d runs, want 3", len(runs))
	}
	for i, r := range runs {
		want := Retry
		if i == 0 {
			want = Scheduled
		}
		if r.Status != runlog.Failed || r.Trigger != want || r.Attempt != i+1 || r.Error == "" || r.EndedAt.IsZero() {
			t.Errorf("run %d = %+v, want failed, trigger %s, attempt %d, with its error", i+1, r, want, i+1)
		}
	}
}

func TestMissedAtStartup(t *testing.T) {
	var mu sync.Mutex
	var ran []string
	mk := func(runMissed bool) *Job {
		return &Job{Kind: "etl", Spec: "0 2 * * *", RunMissed: runMissed, Run: func(_ context.Context, trigger string, _ int) error {
			mu.Lock()
			ran = append(ran, trigger)
			mu.Unlock()
			return nil
		}}
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		runMissed bool
		lastRun   time.Time // zero: never ran
		want      int
	}{
		{"MissedLastNight", true, now.Add(-36 * time.Hour), 1},
		{"RanThisMorning", true, now.Add(-9 * time.Hour), 0},
		{"NotAsked", false, now.Add(-36 * time.Hour), 0},
		{"NeverRan", true, time.Time{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = nil
			job := mk(tt.runMissed)
			s, _, log := newScheduler(t, job)
			if !tt.lastRun.IsZero() {
				log.Append(runlog.Record{Kind: "etl", ID: 1, Status: runlog.Success, StartedAt: tt.lastRun, EndedAt: tt.lastRun.Add(time.Minute)})
			}
			ctx, cancel := context.WithCancel(context.Background())
			if err := s.Start(ctx); err != nil {
				t.Fatal(err)
			}
			cancel()
			s.Stop()
			if len(ran) != tt.want || (tt.want == 1 && ran[0] != Startup) {
				t.Errorf("runs at start-up = %v, want %d", ran, tt.want)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
