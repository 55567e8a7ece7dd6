package jobs_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/redisconn/redistest"
)

// TestRosterProposalsOnceAcrossInstances: the daily job plans each centre's
// coming calendar week (Monday to Monday in the centre's zone, the window
// the week calendar shows, so the coordinator finds the plan there) once,
// whatever the number of instances firing it (lease in Redis, then the
// job's plan of that week in the database), assigns nothing and tells the
// centre's coordinator which week to open.
func TestRosterProposalsOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	r := redistest.Open(t)
	client, prefix := r.Client, r.Prefix+":"
	baku := konullu.ZoneLocation("Asia/Baku")
	nextMonday := time.Date(2030, 3, 11, 0, 0, 0, 0, baku)                          // monday is 2030-03-04, 10:00 in Baku
	w.shiftAt(monday.Add(26*time.Hour), 4*time.Hour, 2)                             // Tuesday of this week: not the coming one
	s1 := w.shiftAt(nextMonday.Add(36*time.Hour), 4*time.Hour, 2)                   // Tuesday 12:00 Baku
	s2 := w.shiftAt(nextMonday.Add(60*time.Hour), 4*time.Hour, 1)                   // Wednesday
	later := w.shiftAt(nextMonday.Add(7*24*time.Hour+12*time.Hour), 4*time.Hour, 3) // the week after
	for i := 0; i < 3; i++ {
		v := w.volunteer()
		var av konullu.Availability
		for d := 1; d <= 7; d++ {
			av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: d, Start: "08:00", End: "20:00"})
		}
		if _, err := w.db.SetAvailability(ctx, v, av); err != nil {
			t.Fatal(err)
		}
	}
	coord, err := w.db.CreateAccount(ctx, konullu.NewAccount{Email: "coord@example.az", FullName: "Koordinator", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{w.centre.ID}); err != nil {
		t.Fatal(err)
	}

	var fleet []*jobs.Scheduler
	for i := 0; i < 3; i++ {
		db := w.open()
		pl := &konullu.RosterPlanner{Store: db, Free: db.FreeVolunteersSQL, Rules: konullu.DefaultRules(), Now: w.clock.Now}
		s, err := jobs.New(jobs.Config{Store: db, Lease: &jobs.RedisLease{Client: client, Prefix: prefix}, Logger: quiet,
			Now: w.clock.Now, Roster: pl, Centres: db, Settings: jobs.Settings{RosterTimeout: time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		fleet = append(fleet, s)
	}
	fire := func() {
		var start, done sync.WaitGroup
		start.Add(1)
		for _, s := range fleet {
			done.Add(1)
			go func() { defer done.Done(); start.Wait(); s.Fire(konullu.JobRosterProposals) }()
		}
		start.Done()
		done.Wait()
	}
	fire()
	plans, err := w.db.RosterPlans(ctx, w.centre.ID, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 {
		t.Fatalf("%d plans, want 1", len(plans))
	}
	p := plans[0]
	if p.Status != konullu.RosterProposed || p.OpenBefore != 3 || p.OpenAfter != 0 || len(p.Proposals) != 3 || p.CreatedBy != 0 {
		t.Fatalf("plan %+v", p)
	}
	if !p.From.Equal(nextMonday) || !p.To.Equal(nextMonday.AddDate(0, 0, 7)) {
		t.Fatalf("plan from %s to %s, want the calendar week from %s", p.From, p.To, nextMonday)
	}
	for _, pr := range p.Proposals {
		if pr.ShiftID != s1.ID && pr.ShiftID != s2.ID {
			t.Fatalf("proposed shift %d outside the coming week", pr.ShiftID)
		}
	}
	held := must(w.db.ShiftsByIDs(ctx, []int64{s1.ID, s2.ID}))
	if held[s1.ID].ConfirmedCount+held[s2.ID].ConfirmedCount != 0 {
		t.Fatal("the job assigned places")
	}
	var told int
	if err := w.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = 'ROSTER_PROPOSED' AND payload LIKE '%2030-03-11 – 2030-03-17%' AND user_id = ` + strconv.FormatInt(coord.ID, 10)).Scan(&told); err != nil || told == 0 {
		t.Fatalf("the coordinator was not told which week (%d, %v)", told, err)
	}

	// An hour later (another tick, runJob) and the next days: the week
	// has its plan; no second one.
	for _, at := range []time.Time{monday.Add(time.Hour), monday.Add(24 * time.Hour), monday.Add(5 * 24 * time.Hour)} {
		w.clock.Set(at)
		if _, err := fleet[1].RunAt(ctx, konullu.JobRosterProposals, at); err != nil {
			t.Fatal(err)
		}
		if plans, _ := w.db.RosterPlans(ctx, w.centre.ID, "", 10); len(plans) != 1 {
			t.Fatalf("%d plans after a run on %s", len(plans), at)
		}
	}
	// A week later it plans the week after.
	at := monday.Add(7 * 24 * time.Hour)
	w.clock.Set(at)
	if n, err := fleet[2].RunAt(ctx, konullu.JobRosterProposals, at); err != nil || n != 1 {
		t.Fatalf("a week later: %d plans, %v", n, err)
	}
	plans, _ = w.db.RosterPlans(ctx, w.centre.ID, "", 10)
	for _, p := range plans {
		if p.From.Equal(nextMonday.AddDate(0, 0, 7)) && (len(p.Proposals) != 3 || p.Proposals[0].ShiftID != later.ID) {
			t.Fatalf("the week after: %+v", p)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
