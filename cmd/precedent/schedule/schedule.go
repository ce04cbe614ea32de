// Package schedule runs Precedent's recurring work in-process with
// robfig/cron: each job has a cron spec and a time zone, never overlaps a
// run of its own kind, is retried a bounded number of times with backoff
// when it fails, and, when asked, runs once at start-up if its last
// scheduled time passed while the server was down. The jobs themselves are
// the same functions the commands call.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/precedent-dev/precedent/etl/runlog"
)

// Triggers, as recorded in the run log.
const (
	Scheduled = "schedule"
	Manual    = "manual"
	Startup   = "startup" // a schedule missed while the server was down
	Retry     = "retry"
)

// Job is one kind of recurring run.
type Job struct {
	Kind      string // "etl" or "report": the run log's kind
	Spec      string // five-field cron spec, e.g. "0 2 * * *"
	TimeZone  string // IANA name, e.g. "Europe/Berlin"; empty means UTC
	RunMissed bool
	Retries   int           // attempts after the first
	Backoff   time.Duration // wait before the first retry, doubled for each next one
	// Run performs one attempt. It records the run in the run log itself
	// (kind, trigger, attempt, start, end, status, error).
	Run func(ctx context.Context, trigger string, attempt int) error

	schedule cron.Schedule
	running  atomic.Bool
}

// ErrBusy means a run of the job's kind is already going.
var ErrBusy = errors.New("a run of this kind is already going")

// Parse checks a job's spec and time zone and returns its schedule.
func (j *Job) Parse() error {
	tz := j.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Errorf("schedules.%s.timezone: %q: %v", j.Kind, j.TimeZone, err)
	}
	s, err := cron.ParseStandard("CRON_TZ=" + tz + " " + j.Spec)
	if err != nil {
		return fmt.Errorf("schedules.%s.cron: %q: %v", j.Kind, j.Spec, err)
	}
	j.schedule = s
	return nil
}

// Next is the job's first scheduled time after t.
func (j *Job) Next(t time.Time) time.Time { return j.schedule.Next(t) }

// Scheduler runs jobs.
type Scheduler struct {
	jobs   []*Job
	log    *runlog.Log
	logger *slog.Logger
	cron   *cron.Cron
	wg     sync.WaitGroup
	runCtx context.Context // Start's: ending it cancels runs in progress

	// Now and Sleep are the clock; tests replace them.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// New checks the jobs and returns a scheduler for them.
func New(log *runlog.Log, logger *slog.Logger, jobs ...*Job) (*Scheduler, error) {
	for _, j := range jobs {
		if err := j.Parse(); err != nil {
			return nil, err
		}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{jobs: jobs, log: log, logger: logger, Now: time.Now, Sleep: sleep}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Start runs each job on its schedule until ctx ends, and runs once now
// each job that asked for it and missed its last scheduled time.
func (s *Scheduler) Start(ctx context.Context) error {
	s.runCtx = ctx
	s.cron = cron.New()
	for _, j := range s.jobs {
		j := j
		s.cron.Schedule(j.schedule, cron.FuncJob(func() { s.start(ctx, j, Scheduled) }))
		missed, err := s.Missed(j)
		if err != nil {
			return err
		}
		if missed {
			s.logger.Info("running a schedule missed while the server was down", "kind", j.Kind)
			s.start(ctx, j, Startup)
		}
		s.logger.Info("scheduled", "kind", j.Kind, "cron", j.Spec, "timezone", j.TimeZone, "next", j.Next(s.Now()).Format(time.RFC3339))
	}
	s.cron.Start()
	return nil
}

// Stop stops scheduling and waits for runs in progress.
func (s *Scheduler) Stop() {
	if s.cron != nil {
		<-s.cron.Stop().Done()
	}
	s.wg.Wait()
}

// Missed reports whether a job that asks for it missed a scheduled time
// since its last run. A job that never ran has missed nothing.
func (s *Scheduler) Missed(j *Job) (bool, error) {
	if !j.RunMissed {
		return false, nil
	}
	runs, err := s.log.Runs(j.Kind)
	if err != nil {
		return false, err
	}
	if len(runs) == 0 {
		return false, nil
	}
	last := runs[len(runs)-1].StartedAt
	return j.Next(last).Before(s.Now()), nil
}

// Trigger starts a run of kind now, in the background. The run outlives
// the request that asked for it and ends with the scheduler.
func (s *Scheduler) Trigger(ctx context.Context, kind string) error {
	runCtx := s.runCtx
	if runCtx == nil {
		runCtx = context.WithoutCancel(ctx)
	}
	for _, j := range s.jobs {
		if j.Kind == kind {
			if !s.start(runCtx, j, Manual) {
				return ErrBusy
			}
			return nil
		}
	}
	return fmt.Errorf("no job %q", kind)
}

// start runs a job in the background unless one of its kind is running,
// and reports whether it started it.
func (s *Scheduler) start(ctx context.Context, j *Job, trigger string) bool {
	if !j.running.CompareAndSwap(false, true) {
		s.logger.Warn("skipped: the previous run is still going", "kind", j.Kind, "trigger", trigger)
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer j.running.Store(false)
		s.RunNow(ctx, j, trigger)
	}()
	return true
}

// RunNow runs a job and its retries in the caller's goroutine and returns
// the last attempt's error.
func (s *Scheduler) RunNow(ctx context.Context, j *Job, trigger string) error {
	var err error
	attempts := 0
	for attempt := 1; attempt <= 1+j.Retries; attempt++ {
		attempts = attempt
		t := trigger
		if attempt > 1 {
			t = Retry
			wait := j.Backoff << (attempt - 2)
			s.logger.Warn("retrying after a failed run", "kind", j.Kind, "attempt", attempt, "wait", wait, "err", err)
			if serr := s.Sleep(ctx, wait); serr != nil {
				return errors.Join(err, serr)
			}
		}
		if err = j.Run(ctx, t, attempt); err == nil {
			return nil
		}
		if errors.Is(err, runlog.ErrBusy) || ctx.Err() != nil {
			break
		}
	}
	s.logger.Error("run failed", "kind", j.Kind, "trigger", trigger, "attempts", attempts, "err", err)
	return err
}
