// Package jobs runs Könüllü's scheduled work: reminders, attendance upkeep
// (no-shows), hour tallies and awards, Monday digests and the availability
// index check. One file per job; this one holds the scheduler.
//
// Every instance schedules every job with robfig/cron in UTC (DST cannot
// skip or repeat a UTC tick), with panic recovery and skip-if-still-running.
// A lease (Redis SET NX PX) lets one instance at a time run each job, and a
// claim of the tick lets one run it per tick, which saves work; correctness
// never depends on either: each job works from database
// state, not from the tick, and is idempotent through database keys
// (a reminder's (assignment, kind), a digest's (week, recipient), an award's
// (volunteer, threshold, seq); tallies are recomputed, never adjusted).
// Every run is recorded in job_runs.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/redisconn/lease"
)

// Func is the work of a job at now; it returns how many items it handled.
type Func func(ctx context.Context, now time.Time) (items int, err error)

// Job is a named piece of scheduled work.
type Job struct {
	Name    string
	Spec    string // cron expression, evaluated in UTC
	Run     Func
	Timeout time.Duration
}

// skipped is returned by a job that had nothing it could do.
type skipped struct{ reason string }

func (s skipped) Error() string { return s.reason }

// Skip makes a run end as SKIPPED with the given reason.
func Skip(reason string) error { return skipped{reason} }

// Reindexer checks the availability index against the database and repairs
// drift, returning how many entries it repaired.
type Reindexer interface {
	CheckAndRepair(ctx context.Context) (int, error)
}

// Waker is told when a job enqueued messages (the in-process dispatcher).
type Waker interface{ Wake() }

// Observer hears of every finished run (metrics.Metrics is one).
type Observer interface {
	JobFinished(job, status string, d time.Duration)
}

// Settings are the configurable parts of the jobs; zero values select the defaults.
type Settings struct {
	ReminderLeads  []time.Duration    // 24h and 2h
	NoShowGrace    time.Duration      // after the end; 30 minutes (konullu.Rules.NoShowGrace)
	CompleteAfter  time.Duration      // close open check-ins this long after the end; 1 hour
	AwardBands     konullu.AwardBands // 15–25: 100/175/250 h; 26+: 100/250/500 h
	TallyFullEvery time.Duration      // a full tally at least this often; 24 hours
	DigestLocation *time.Location     // the deployment's time zone; Asia/Baku
	DigestHour     int                // local hour on Mondays; 8
	LeaseTTL       time.Duration      // renewed every third of it while a job runs; 1 minute
	KeepRuns       time.Duration      // job_runs older than this are deleted; 30 days
	RosterTimeout  time.Duration      // search time per centre; 5 seconds
	Schedules      map[string]string  // cron specs by job name, overriding the defaults
}

// DefaultSchedules are the cron specs of the jobs, in UTC. The digest runs
// every quarter hour and acts on Mondays from 08:00 local time, so it needs
// no local-time cron entry (which DST could skip or repeat).
var DefaultSchedules = map[string]string{
	konullu.JobReminders: "* * * * *",
	konullu.JobNoShows:   "*/15 * * * *",
	konullu.JobHourTally: "7 * * * *",
	konullu.JobDigest:    "*/15 * * * *",
	konullu.JobReindex:   "30 22 * * *", // 02:30 in Baku
	// 07:00 in Baku, before coordinators start their day.
	konullu.JobRosterProposals: "0 3 * * *",
	// Offers expire at the withdrawal cut-off: the minute it comes.
	konullu.JobPlaceOffers: "* * * * *",
	// 09:00 in Baku: volunteers are warned 30 days before a qualification expires.
	konullu.JobQualificationExpiry: "0 5 * * *",
}

// Config holds a scheduler's dependencies.
type Config struct {
	Store     konullu.JobStore
	Lease     *RedisLease            // nil: no cross-instance lease (a single instance)
	Reindexer Reindexer              // nil: reindex is skipped
	Roster    *konullu.RosterPlanner // nil: roster-proposals is skipped
	Centres   CentreLister           // required with Roster
	Notifier  Waker                  // optional
	Observer  Observer               // optional
	Logger    *slog.Logger
	Now       func() time.Time
	Instance  string // names this instance in job_runs; host-pid-random when empty
	Settings  Settings
}

// Scheduler runs the jobs on their schedules and on demand.
type Scheduler struct {
	cfg   Config
	set   Settings
	log   *slog.Logger
	jobs  map[string]Job
	order []string
	cron  *cron.Cron
	ctx   context.Context
	stop  context.CancelFunc

	local     sync.Map // job name → *sync.Mutex: one run per job in this instance
	pruneMu   sync.Mutex
	lastPrune time.Time
}

// New builds a scheduler with the six jobs.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Store == nil {
		return nil, errors.New("jobs: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Instance == "" {
		cfg.Instance = InstanceID()
	}
	set := cfg.Settings
	if len(set.ReminderLeads) == 0 {
		set.ReminderLeads = konullu.DefaultReminderLeads
	}
	if set.NoShowGrace <= 0 {
		set.NoShowGrace = konullu.DefaultRules().NoShowGrace
	}
	if set.CompleteAfter <= 0 {
		set.CompleteAfter = time.Hour
	}
	if set.AwardBands == nil {
		set.AwardBands = konullu.DefaultAwardBands()
	}
	if set.TallyFullEvery <= 0 {
		set.TallyFullEvery = 24 * time.Hour
	}
	if set.DigestLocation == nil {
		loc, err := time.LoadLocation(konullu.DefaultTimezone)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		set.DigestLocation = loc
	}
	if set.DigestHour <= 0 {
		set.DigestHour = konullu.DefaultDigestHour
	}
	if set.LeaseTTL <= 0 {
		set.LeaseTTL = time.Minute
	}
	if set.KeepRuns <= 0 {
		set.KeepRuns = 30 * 24 * time.Hour
	}
	if set.RosterTimeout <= 0 {
		set.RosterTimeout = konullu.DefaultRosterTimeout
	}
	s := &Scheduler{cfg: cfg, set: set, log: cfg.Logger.With("component", "jobs", "instance", cfg.Instance), jobs: map[string]Job{}}
	s.ctx, s.stop = context.WithCancel(context.Background())
	for _, j := range s.definitions() {
		if spec, ok := set.Schedules[j.Name]; ok {
			j.Spec = spec
		}
		s.jobs[j.Name] = j
		s.order = append(s.order, j.Name)
	}
	logger := cronLogger{s.log}
	s.cron = cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	for _, name := range s.order {
		j := s.jobs[name]
		if j.Spec == "" || j.Spec == "off" {
			continue
		}
		if _, err := s.cron.AddFunc(j.Spec, func() { s.scheduled(j) }); err != nil {
			return nil, fmt.Errorf("jobs: schedule %s %q: %w", j.Name, j.Spec, err)
		}
	}
	return s, nil
}

// InstanceID names this process: host, pid and a random suffix.
func InstanceID() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Instance is the name this scheduler records its runs under.
func (s *Scheduler) Instance() string { return s.cfg.Instance }

// Jobs returns the jobs, in a fixed order.
func (s *Scheduler) Jobs() []Job {
	out := make([]Job, 0, len(s.order))
	for _, n := range s.order {
		out = append(out, s.jobs[n])
	}
	return out
}

// Start starts the schedule.
func (s *Scheduler) Start() {
	s.log.Info("scheduler started", "jobs", len(s.cron.Entries()))
	s.cron.Start()
}

// Stop stops the schedule, cancels running jobs and waits for them (or ctx).
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	s.stop()
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrBusy says that a job is running elsewhere and its lease did not free up in time.
var ErrBusy = konullu.Errorf(konullu.ECONFLICT, "the job is running on another instance; try again shortly")

// Run runs a job now (runJob, `konullu jobs run NAME`), waiting up to wait
// for its lease, and returns the recorded run.
func (s *Scheduler) Run(ctx context.Context, name string, wait time.Duration) (*konullu.JobRun, error) {
	j, ok := s.jobs[name]
	if !ok {
		return nil, konullu.Invalid("name", "unknown job %q; jobs are %v", name, konullu.JobNames)
	}
	deadline := time.Now().Add(wait)
	for {
		run, err := s.run(ctx, j, time.Time{})
		if !errors.Is(err, errLeaseHeld) {
			return run, err
		}
		if time.Now().After(deadline) {
			return nil, ErrBusy
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// RunNow runs a job now for runJob and `konullu jobs run NAME`, waiting up
// to 30 seconds for another instance's run of it to end.
func (s *Scheduler) RunNow(ctx context.Context, name string) (*konullu.JobRun, error) {
	return s.Run(ctx, name, 30*time.Second)
}

// RunAt runs a job at a given moment, without lease or record: for tests
// and tools that replay time.
func (s *Scheduler) RunAt(ctx context.Context, name string, now time.Time) (int, error) {
	j, ok := s.jobs[name]
	if !ok {
		return 0, konullu.Invalid("name", "unknown job %q", name)
	}
	return j.Run(ctx, now)
}

// scheduled is a cron tick: run unless another instance ran this tick or
// holds the lease. Every schedule is on whole minutes, so the minute names
// the tick on every instance.
func (s *Scheduler) scheduled(j Job) {
	tick := s.cfg.Now().UTC().Truncate(time.Minute)
	if _, err := s.run(s.ctx, j, tick); err != nil && !errors.Is(err, errLeaseHeld) && s.ctx.Err() == nil {
		s.log.Error("job failed", "job", j.Name, "err", err)
	}
}

var errLeaseHeld = errors.New("jobs: lease held elsewhere")

// tickTTL is how long an instance's claim of a tick is kept: longer than
// the clocks of the instances can disagree.
const tickTTL = 10 * time.Minute

// run takes the local lock and the lease, runs the job, records the run and
// renews the lease while it lasts. A scheduled run (tick not zero) first
// claims its tick, which is never released: without that, an instance whose
// timer fires a little late would run the job again right after another
// finished a short run. Redis being unreachable does not stop the jobs: they
// run without the lease, and the database keeps them correct.
func (s *Scheduler) run(ctx context.Context, j Job, tick time.Time) (*konullu.JobRun, error) {
	mu, _ := s.local.LoadOrStore(j.Name, &sync.Mutex{})
	if !mu.(*sync.Mutex).TryLock() {
		return nil, errLeaseHeld
	}
	defer mu.(*sync.Mutex).Unlock()

	var held *lease.Lease
	if s.cfg.Lease != nil {
		// A Redis that does not answer must not hold the jobs up for long.
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		defer acancel()
		if !tick.IsZero() {
			_, ok, err := s.cfg.Lease.acquire(actx, j.Name+"@"+tick.Format("2006-01-02T15:04Z"), tickTTL)
			if err == nil && !ok {
				return nil, errLeaseHeld // another instance has run, or is running, this tick
			}
		}
		h, ok, err := s.cfg.Lease.acquire(actx, j.Name, s.set.LeaseTTL)
		switch {
		case err != nil:
			s.log.Warn("job lease unavailable; running without it", "job", j.Name, "err", err)
		case !ok:
			return nil, errLeaseHeld
		default:
			held = h
		}
	}
	var jctx context.Context
	var cancel context.CancelFunc
	if j.Timeout > 0 {
		jctx, cancel = context.WithTimeout(ctx, j.Timeout)
	} else {
		jctx, cancel = context.WithCancel(ctx)
	}
	defer cancel()
	if held != nil {
		// A lost lease is logged, not fatal: the job is safe to finish.
		stop := held.Keep(jctx, s.set.LeaseTTL, func(err error) {
			s.log.Warn("job lease lost; another instance may run the job too", "job", j.Name, "err", err)
		})
		defer func() {
			stop()
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer rcancel()
			if err := held.Release(rctx); err != nil {
				s.log.Warn("releasing job lease", "job", j.Name, "err", err)
			}
		}()
	}

	now := s.cfg.Now()
	run, err := s.cfg.Store.StartJobRun(ctx, j.Name, s.cfg.Instance, now)
	if err != nil {
		return nil, err
	}
	items, err := s.call(jctx, j, now)
	finished := s.cfg.Now().UTC()
	run.FinishedAt, run.Items, run.Status = &finished, items, konullu.JobOK
	var skip skipped
	switch {
	case errors.As(err, &skip):
		run.Status, run.Error = konullu.JobSkipped, skip.reason
	case err != nil:
		run.Status, run.Error = konullu.JobFailed, err.Error()
	}
	if ferr := s.cfg.Store.FinishJobRun(context.WithoutCancel(ctx), run); ferr != nil {
		s.log.Error("recording job run", "job", j.Name, "err", ferr)
	}
	level := slog.LevelInfo
	if run.Status == konullu.JobFailed {
		level = slog.LevelError
	} else if items == 0 {
		level = slog.LevelDebug
	}
	if s.cfg.Observer != nil {
		s.cfg.Observer.JobFinished(j.Name, string(run.Status), finished.Sub(now))
	}
	s.log.Log(ctx, level, "job run", "job", j.Name, "status", run.Status, "items", items, "duration", finished.Sub(now).String(), "err", run.Error)
	if items > 0 && s.cfg.Notifier != nil {
		s.cfg.Notifier.Wake()
	}
	s.prune(ctx, now)
	return run, nil
}

// call runs the job, turning a panic into a failed run (cron.Recover would
// log it, but the run would stay RUNNING forever).
func (s *Scheduler) call(ctx context.Context, j Job, now time.Time) (items int, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("job panicked", "job", j.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return j.Run(ctx, now)
}

// prune deletes old job runs, at most once an hour per instance.
func (s *Scheduler) prune(ctx context.Context, now time.Time) {
	s.pruneMu.Lock()
	due := now.Sub(s.lastPrune) >= time.Hour
	if due {
		s.lastPrune = now
	}
	s.pruneMu.Unlock()
	if !due {
		return
	}
	if n, err := s.cfg.Store.PruneJobRuns(context.WithoutCancel(ctx), now.Add(-s.set.KeepRuns)); err != nil {
		s.log.Warn("pruning job runs", "err", err)
	} else if n > 0 {
		s.log.Info("pruned job runs", "deleted", n)
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
