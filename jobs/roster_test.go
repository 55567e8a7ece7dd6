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
// coming week once, whatever the number of instances firing it (lease in
// Redis, then the plan of the last 20 hours in the database), assigns
// nothing and tells the centre's coordinator.
func TestRosterProposalsOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	r := redistest.Open(t)
	client, prefix := r.Client, r.Prefix+":"
	s1 := w.shiftAt(monday.Add(26*time.Hour), 4*time.Hour, 2) // Tuesday 12:00 Baku
	s2 := w.shiftAt(monday.Add(50*time.Hour), 4*time.Hour, 1) // Wednesday
	w.shiftAt(monday.Add(10*24*time.Hour), 4*time.Hour, 3)    // beyond the coming week
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
	for _, pr := range p.Proposals {
		if pr.ShiftID != s1.ID && pr.ShiftID != s2.ID {
			t.Fatalf("proposed shift %d beyond the coming week", pr.ShiftID)
		}
	}
	held := must(w.db.ShiftsByIDs(ctx, []int64{s1.ID, s2.ID}))
	if held[s1.ID].ConfirmedCount+held[s2.ID].ConfirmedCount != 0 {
		t.Fatal("the job assigned places")
	}
	var told int
	if err := w.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = 'ROSTER_PROPOSED' AND user_id = ` + strconv.FormatInt(coord.ID, 10)).Scan(&told); err != nil || told == 0 {
		t.Fatalf("the coordinator was not told (%d, %v)", told, err)
	}

	// An hour later (another tick, runJob): the morning's plan stands.
	w.clock.Set(monday.Add(time.Hour))
	if _, err := fleet[1].RunNow(ctx, konullu.JobRosterProposals); err != nil {
		t.Fatal(err)
	}
	if plans, _ := w.db.RosterPlans(ctx, w.centre.ID, "", 10); len(plans) != 1 {
		t.Fatalf("%d plans after a second run the same day", len(plans))
	}
	// The next day it plans again.
	w.clock.Set(monday.Add(24 * time.Hour))
	if n, err := fleet[2].RunAt(ctx, konullu.JobRosterProposals, monday.Add(24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("next day: %d plans, %v", n, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
