package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

var monday = time.Date(2030, 3, 4, 6, 0, 0, 0, time.UTC) // 10:00 in Baku

var quiet = slog.New(slog.DiscardHandler)

// world is one database shared by several instances, each with its own
// connection pool, scheduler and dispatcher.
type world struct {
	t        *testing.T
	clock    *storetest.Clock
	url      string
	db       *store.DB // the first instance's, for setting up
	centre   *konullu.Centre
	position *konullu.Position
	n        int
}

func newWorld(t *testing.T, tz string) *world {
	t.Helper()
	w := &world{t: t, clock: storetest.NewClock(monday), url: storetest.MigratedURL(t)}
	w.db = w.open()
	if err := w.db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.centre = &konullu.Centre{Name: "ASAN xidmət", City: "Bakı", Timezone: tz}
	if err := w.db.CreateCentre(context.Background(), w.centre); err != nil {
		t.Fatal(err)
	}
	w.position = &konullu.Position{Name: "Bələdçi"}
	if err := w.db.CreatePosition(context.Background(), w.position); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) open() *store.DB {
	w.t.Helper()
	db, err := store.Open(context.Background(), w.url, store.Options{Now: w.clock.Now, Logger: quiet})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	return db
}

func (w *world) volunteer() int64 {
	w.t.Helper()
	w.n++
	u, err := w.db.CreateAccount(context.Background(), konullu.NewAccount{Email: fmt.Sprintf("v%d@example.az", w.n),
		FullName: fmt.Sprintf("Könüllü %d", w.n), BirthDate: time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
	if err != nil {
		w.t.Fatal(err)
	}
	return u.VolunteerID
}

func (w *world) shiftAt(start time.Time, length time.Duration, capacity int) *konullu.Shift {
	w.t.Helper()
	s, err := w.db.CreateShifts(context.Background(), konullu.NewShifts{CentreID: w.centre.ID, PositionID: w.position.ID,
		Capacity: capacity, Publish: true, Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(length)}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return s[0]
}

// signUp fills a shift with new volunteers and returns the assignment ids.
func (w *world) signUp(s *konullu.Shift, n int) []int64 {
	w.t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		a, err := w.db.SignUp(context.Background(), s.ID, w.volunteer(), false)
		if err != nil {
			w.t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

func (w *world) scheduler(db *store.DB, lease *jobs.RedisLease, set jobs.Settings) *jobs.Scheduler {
	w.t.Helper()
	s, err := jobs.New(jobs.Config{Store: db, Lease: lease, Logger: quiet, Now: w.clock.Now, Settings: set})
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// reminders returns, per assignment, the reminder kinds and when they were written.
func (w *world) reminders() map[int64]map[string]time.Time {
	w.t.Helper()
	rows, err := w.db.SQL().Query(`SELECT assignment_id, kind, created_at FROM reminders`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]map[string]time.Time{}
	for rows.Next() {
		var a int64
		var k string
		var at any
		if err := rows.Scan(&a, &k, &at); err != nil {
			w.t.Fatal(err)
		}
		var ts time.Time
		switch v := at.(type) {
		case time.Time:
			ts = v
		case string:
			ts, _ = time.Parse("2006-01-02T15:04:05.000000Z", v)
		}
		if out[a] == nil {
			out[a] = map[string]time.Time{}
		}
		out[a][k] = ts.UTC()
	}
	return out
}

// inAppReminders counts in-app reminder notifications per assignment.
func (w *world) inAppReminders() map[int64]int {
	w.t.Helper()
	rows, err := w.db.SQL().Query(`SELECT assignment_id, COUNT(*) FROM notifications WHERE kind = 'REMINDER' GROUP BY assignment_id`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var a int64
		var n int
		rows.Scan(&a, &n)
		out[a] = n
	}
	return out
}

// TestRemindersRunOnceAcrossInstances: five instances (own connection pools,
// schedulers and dispatchers on one database, one Redis) fire the reminders
// job at the same moment; every reminder is delivered once. Then Redis
// goes away: the jobs run without the lease and still deliver each once;
// when Redis returns the lease is used again.
func TestRemindersRunOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	r := redistest.Open(t)
	client, prefix, mini := r.Client, r.Prefix+":", r.Mini
	const instances = 5
	var assignments []int64
	for i := 0; i < 20; i++ {
		assignments = append(assignments, w.signUp(w.shiftAt(monday.Add(time.Duration(60+i)*time.Minute), time.Hour, 10), 10)...)
	}
	type instance struct {
		sched *jobs.Scheduler
		disp  *notify.Dispatcher
	}
	var fleet []instance
	for i := 0; i < instances; i++ {
		db := w.open()
		fleet = append(fleet, instance{
			sched: w.scheduler(db, &jobs.RedisLease{Client: client, Prefix: prefix}, jobs.Settings{}),
			disp:  notify.New(notify.Config{Store: db, Now: w.clock.Now, Logger: quiet, Batch: 37}),
		})
	}
	fire := func() {
		var start, done sync.WaitGroup
		start.Add(1)
		for _, in := range fleet {
			done.Add(2)
			go func() { defer done.Done(); start.Wait(); in.sched.Fire(konullu.JobReminders) }()
			go func() { defer done.Done(); start.Wait(); in.disp.Drain(ctx) }()
		}
		start.Done()
		done.Wait()
		for _, in := range fleet { // deliver what was enqueued after the dispatchers looked
			in.disp.Drain(ctx)
		}
	}
	fire()
	got := w.inAppReminders()
	for _, a := range assignments {
		if got[a] != 1 {
			t.Fatalf("assignment %d got %d reminders", a, got[a])
		}
	}
	runs, _ := w.db.JobRuns(ctx, konullu.JobReminders, 100)
	if len(runs) != 1 || runs[0].Items != len(assignments) || runs[0].Status != konullu.JobOK {
		t.Fatalf("with the lease one instance runs the job: %+v", runs)
	}
	fire() // timers that fire late, within the same minute: the tick was run
	if runs, _ := w.db.JobRuns(ctx, konullu.JobReminders, 100); len(runs) != 1 {
		t.Fatalf("a tick ran %d times", len(runs))
	}

	if mini == nil {
		return // a real Redis is not ours to stop
	}
	t.Run("RedisDown", func(t *testing.T) {
		mini.Close()
		w.clock.Set(monday.Add(time.Minute))
		later := w.signUp(w.shiftAt(monday.Add(100*time.Minute), time.Hour, 10), 10) // 2h reminders due now
		fire()
		got := w.inAppReminders()
		for _, a := range later {
			if got[a] != 1 {
				t.Fatalf("without Redis, assignment %d got %d reminders", a, got[a])
			}
		}
		runs, _ := w.db.JobRuns(ctx, konullu.JobReminders, 100)
		sum := 0
		for _, r := range runs[:instances] {
			sum += r.Items
		}
		if len(runs) != 1+instances || sum != len(later) {
			t.Fatalf("without the lease every instance runs, and together they send each once: %d runs, %d items", len(runs), sum)
		}
		if err := mini.Restart(); err != nil {
			t.Fatal(err)
		}
		// The client notices after its next dial attempt (about a second).
		for deadline := time.Now().Add(10 * time.Second); client.Ping(ctx).Err() != nil; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("redis did not come back")
			}
		}
		w.clock.Set(monday.Add(2 * time.Minute))
		fire()
		if runs, _ := w.db.JobRuns(ctx, konullu.JobReminders, 100); len(runs) != 2+instances {
			t.Fatalf("after Redis returned: %d runs, want one more", len(runs))
		}
	})
}

// TestRemindersAcrossDST: a centre in Europe/Berlin with shifts at 09:00,
// 02:30 and 03:00 local around the March and October changes of 2030; the
// reminders job runs every minute (UTC ticks) and each assignment gets its
// 24h and 2h reminders exactly once, each at its minute.
func TestRemindersAcrossDST(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Europe/Berlin")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	type day struct{ y, m, d, h, min int }
	days := []day{
		{2030, 3, 30, 9, 0}, {2030, 3, 31, 9, 0}, {2030, 3, 31, 3, 0}, {2030, 4, 1, 9, 0}, // spring forward on 31 March 02:00
		{2030, 10, 26, 9, 0}, {2030, 10, 27, 9, 0}, {2030, 10, 27, 2, 30}, {2030, 10, 28, 9, 0}, // fall back on 27 October 03:00
	}
	starts := map[int64]time.Time{}
	for _, d := range days {
		start := time.Date(d.y, time.Month(d.m), d.d, d.h, d.min, 0, 0, berlin)
		w.clock.Set(start.Add(-3 * 24 * time.Hour))
		for _, a := range w.signUp(w.shiftAt(start, 4*time.Hour, 3), 2) {
			starts[a] = start.UTC()
		}
	}
	s := w.scheduler(w.db, nil, jobs.Settings{})
	sched, err := cron.ParseStandard(jobs.DefaultSchedules[konullu.JobReminders])
	if err != nil {
		t.Fatal(err)
	}
	for _, span := range [][2]time.Time{
		{time.Date(2030, 3, 29, 6, 0, 0, 0, time.UTC), time.Date(2030, 4, 1, 8, 0, 0, 0, time.UTC)},
		{time.Date(2030, 10, 25, 6, 0, 0, 0, time.UTC), time.Date(2030, 10, 28, 9, 0, 0, 0, time.UTC)},
	} {
		ticks := 0
		// The schedule's own ticks, in UTC: one a minute, through the change.
		// The job runs at every tick within 20 minutes of a due time and at
		// every tenth elsewhere, where nothing is due (a run costs a few
		// milliseconds under -race; 8,000 of them would dominate the suite).
		for now := span[0]; now.Before(span[1]); now = sched.Next(now) {
			ticks++
			if ticks%10 != 0 && !nearDue(now, starts) {
				continue
			}
			w.clock.Set(now)
			if _, err := s.RunAt(ctx, konullu.JobReminders, now); err != nil {
				t.Fatal(err)
			}
		}
		if want := int(span[1].Sub(span[0]) / time.Minute); ticks != want {
			t.Fatalf("%d ticks from %s to %s, want %d", ticks, span[0], span[1], want)
		}
	}
	got := w.reminders()
	for a, start := range starts {
		r := got[a]
		if len(r) != 2 || !r["24h"].Equal(start.Add(-24*time.Hour)) || !r["2h"].Equal(start.Add(-2*time.Hour)) {
			t.Errorf("assignment starting %s: reminders %v", start.In(berlin), r)
		}
	}
}

// nearDue reports whether now is within 20 minutes of a reminder's due time.
func nearDue(now time.Time, starts map[int64]time.Time) bool {
	for _, st := range starts {
		for _, lead := range konullu.DefaultReminderLeads {
			if d := now.Sub(st.Add(-lead)); d > -20*time.Minute && d < 20*time.Minute {
				return true
			}
		}
	}
	return false
}

// TestRemindersCatchUp: the instance is down for three hours. When it comes
// back, reminders still useful are sent (the nearest due kind), those of
// shifts that started meanwhile are not.
func TestRemindersCatchUp(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	down := monday
	up := down.Add(3 * time.Hour)
	started := w.signUp(w.shiftAt(down.Add(2*time.Hour), time.Hour, 2), 1)                  // 2h mark at the crash; started while down
	twoHour := w.signUp(w.shiftAt(down.Add(4*time.Hour), time.Hour, 2), 1)                  // 2h mark passed while down
	dayAhead := w.signUp(w.shiftAt(down.Add(25*time.Hour+30*time.Minute), time.Hour, 2), 1) // 24h mark passed while down
	notYet := w.signUp(w.shiftAt(down.Add(30*time.Hour), time.Hour, 2), 1)                  // 24h mark still ahead
	s := w.scheduler(w.db, nil, jobs.Settings{})
	// The last run before the crash sent the 24h reminders then due.
	if n, _ := s.RunAt(ctx, konullu.JobReminders, down.Add(-time.Minute)); n != 2 {
		t.Fatalf("before the downtime %d were due, want 2", n)
	}
	w.clock.Set(up)
	n, err := s.RunAt(ctx, konullu.JobReminders, up)
	if err != nil || n != 2 {
		t.Fatalf("catch-up sent %d (%v), want 2", n, err)
	}
	got := w.reminders()
	if _, ok := got[started[0]]["2h"]; ok || len(got[notYet[0]]) != 0 {
		t.Fatalf("useless reminders: %v", got)
	}
	if _, ok := got[twoHour[0]]["2h"]; !ok {
		t.Fatalf("the shift in an hour got %v, want its 2h reminder", got[twoHour[0]])
	}
	if r := got[dayAhead[0]]; len(r) != 1 || r["24h"].IsZero() {
		t.Fatalf("the shift in 22.5 hours got %v, want the 24h reminder", r)
	}
}

type reindexer struct {
	calls atomic.Int32
	fn    func(ctx context.Context) (int, error)
}

func (r *reindexer) CheckAndRepair(ctx context.Context) (int, error) {
	r.calls.Add(1)
	return r.fn(ctx)
}

func TestJobRunsAreRecorded(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	w.signUp(w.shiftAt(monday.Add(time.Hour), time.Hour, 3), 3)
	s := w.scheduler(w.db, nil, jobs.Settings{})
	run, err := s.Run(ctx, konullu.JobReminders, time.Second)
	if err != nil || run.Status != konullu.JobOK || run.Items != 3 || run.FinishedAt == nil || run.Instance != s.Instance() {
		t.Fatalf("%+v %v", run, err)
	}
	run, err = s.Run(ctx, konullu.JobReindex, time.Second)
	if err != nil || run.Status != konullu.JobSkipped || run.Error == "" {
		t.Fatalf("reindex without an index: %+v %v", run, err)
	}
	if _, err := s.Run(ctx, "nope", time.Second); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Fatalf("unknown job: %v", err)
	}
	panicky := &reindexer{fn: func(context.Context) (int, error) { panic("index on fire") }}
	s2, _ := jobs.New(jobs.Config{Store: w.db, Reindexer: panicky, Logger: quiet, Now: w.clock.Now})
	run, err = s2.Run(ctx, konullu.JobReindex, time.Second)
	if err != nil || run.Status != konullu.JobFailed || run.Error != "panic: index on fire" {
		t.Fatalf("a panicking job: %+v %v", run, err)
	}
	failing := &reindexer{fn: func(context.Context) (int, error) { return 2, errors.New("redis said no") }}
	s3, _ := jobs.New(jobs.Config{Store: w.db, Reindexer: failing, Logger: quiet, Now: w.clock.Now})
	if run, _ := s3.Run(ctx, konullu.JobReindex, time.Second); run.Status != konullu.JobFailed || run.Items != 2 {
		t.Fatalf("a failing job: %+v", run)
	}
	runs, err := w.db.JobRuns(ctx, "", 10)
	if err != nil || len(runs) != 4 || runs[0].Job != konullu.JobReindex || runs[3].Job != konullu.JobReminders {
		t.Fatalf("job runs %+v %v", runs, err)
	}
}

// TestLeaseHeldWhileRunning: a run longer than the lease keeps renewing it,
// so another instance's tick is skipped and a manual run waits, then fails
// with CONFLICT.
func TestLeaseHeldWhileRunning(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	// Leases run out with the wall clock here, on miniredis too: without
	// renewal, b would take the lease while a still runs.
	r := redistest.Open(t, redistest.WallClock())
	client, prefix := r.Client, r.Prefix+":"
	release := make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce()
	var first atomic.Bool
	// The first run waits to be released; a second one (the lease was not
	// kept) returns at once, so the test fails fast instead of hanging.
	slow := &reindexer{fn: func(ctx context.Context) (int, error) {
		if first.CompareAndSwap(false, true) {
			<-release
		}
		return 1, nil
	}}
	// Renewal comes every third of the TTL: at 150 ms a loaded CI machine
	// once missed two renewals in a row and the test failed.
	set := jobs.Settings{LeaseTTL: 600 * time.Millisecond}
	mk := func() *jobs.Scheduler {
		s, err := jobs.New(jobs.Config{Store: w.open(), Lease: &jobs.RedisLease{Client: client, Prefix: prefix},
			Reindexer: slow, Logger: quiet, Now: w.clock.Now, Settings: set})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk(), mk()
	done := make(chan struct{})
	go func() { defer close(done); a.Fire(konullu.JobReindex) }()
	for slow.calls.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(3 * set.LeaseTTL) // several TTLs: only renewal keeps it
	b.Fire(konullu.JobReindex)
	if _, err := b.Run(ctx, konullu.JobReindex, set.LeaseTTL); !errors.Is(err, jobs.ErrBusy) {
		t.Fatalf("manual run while held: %v", err)
	}
	releaseOnce()
	<-done
	if slow.calls.Load() != 1 {
		t.Fatalf("the job ran %d times", slow.calls.Load())
	}
	if run, err := b.Run(ctx, konullu.JobReindex, time.Second); err != nil || run.Status != konullu.JobOK {
		t.Fatalf("after release: %+v %v", run, err)
	}
	if n, _ := client.Exists(ctx, prefix+konullu.JobReindex).Result(); n != 0 {
		t.Fatal("the lease was not released")
	}
}

func TestDigestOnMondayMorningOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	coord, _ := w.db.CreateAccount(ctx, konullu.NewAccount{Email: "coord@example.az", FullName: "K"})
	w.db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{w.centre.ID})
	staff, _ := w.db.CreateAccount(ctx, konullu.NewAccount{Email: "staff@example.az", FullName: "S"})
	w.db.GrantRole(ctx, staff.ID, konullu.RoleStaff, nil)
	s := w.scheduler(w.db, nil, jobs.Settings{})
	baku8 := time.Date(2030, 3, 4, 4, 0, 0, 0, time.UTC) // Monday 08:00 in Baku
	for _, c := range []struct {
		at   time.Time
		want int
	}{
		{baku8.Add(-15 * time.Minute), 0}, // 07:45
		{baku8, 2},                        // coordinator and staff
		{baku8.Add(15 * time.Minute), 0},  // once a week
		{baku8.Add(19 * time.Hour), 0},    // Monday 23:00: still that week
		{baku8.Add(24 * time.Hour), 0},    // Tuesday
		{baku8.Add(7 * 24 * time.Hour), 2},
	} {
		w.clock.Set(c.at)
		if n, err := s.RunAt(ctx, konullu.JobDigest, c.at); err != nil || n != c.want {
			t.Fatalf("at %s: %d digests (%v), want %d", c.at, n, err, c.want)
		}
	}
}

func TestStartStop(t *testing.T) {
	w := newWorld(t, "Asia/Baku")
	s := w.scheduler(w.db, nil, jobs.Settings{Schedules: map[string]string{konullu.JobReindex: "off"}})
	if len(s.Jobs()) != len(konullu.JobNames) {
		t.Fatal(s.Jobs())
	}
	s.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.New(jobs.Config{Store: w.db, Settings: jobs.Settings{Schedules: map[string]string{konullu.JobDigest: "every tuesday"}}}); err == nil {
		t.Fatal("a bad schedule was accepted")
	}
}
