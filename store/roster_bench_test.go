package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// BenchmarkRosterWeek plans one demo-like centre week through the store and
// the availability index, as planRoster does (SQLite, or PostgreSQL with
// KONULLU_TEST_DATABASE_URL; Redis with KONULLU_TEST_REDIS_URL, embedded
// otherwise), and prints the product's figures: the whole plan's time and
// its ratio to the 2 s aim, places filled against the exact maximum, and the
// fairness spread before and after.
//
//	go test -run '^$' -bench RosterWeek -benchtime 3x ./store
//
// The week: Monday to Saturday, 25 shifts a day at 09:00 and 13:00 (3 to 8
// places) and one evening shift 18:00–22:00 (30 places), 156 shifts; 2,000
// volunteers free four or five days a week by day, a quarter committed to
// one shift a week, 50 of them free in the evenings too, and 300 holding a
// place already. Only the evenings are scarce and no two of them overlap,
// so the flow's bound (per day, week and period) is the exact maximum.
func BenchmarkRosterWeek(b *testing.B) {
	ctx := context.Background()
	clock := storetest.NewClock(monday)
	db := storetest.Open(b, store.Options{Now: clock.Now})
	centre := &konullu.Centre{Name: "ASAN xidmət №1", City: "Bakı", Timezone: "Asia/Baku"}
	if err := db.CreateCentre(ctx, centre); err != nil {
		b.Fatal(err)
	}
	pos := &konullu.Position{Name: "Reception guide"}
	if err := db.CreatePosition(ctx, pos); err != nil {
		b.Fatal(err)
	}
	var seed []store.SeedVolunteer
	for i := 0; i < 2000; i++ {
		end := fmt.Sprintf("%02d:00", 17+i%2) // 17:00 or 18:00: never an evening
		if i%40 == 0 {
			end = "22:00"
		}
		var av konullu.Availability
		for d := 1; d <= 7; d++ {
			if (i+d)%3 != 0 {
				av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: d, Start: "08:00", End: end})
			}
		}
		seed = append(seed, store.SeedVolunteer{Account: konullu.NewAccount{Email: fmt.Sprintf("w%d@example.az", i),
			FullName: fmt.Sprintf("W %d", i), BirthDate: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
			Status: konullu.VolunteerActive}, Availability: av})
	}
	ids, err := db.SeedVolunteers(ctx, seed)
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		if i%4 == 1 {
			if _, err := db.SetCommitment(ctx, konullu.Commitment{VolunteerID: id, MaxShiftsPerWeek: 1}); err != nil {
				b.Fatal(err)
			}
		}
	}
	baku, _ := time.LoadLocation("Asia/Baku")
	week := time.Date(2030, 3, 11, 0, 0, 0, 0, baku) // the Monday after monday
	var shifts []int64
	add := func(day, hour, hours, capacity int) {
		start := week.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour)
		list, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: centre.ID, PositionID: pos.ID, Capacity: capacity, Publish: true,
			Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(time.Duration(hours) * time.Hour)}}})
		if err != nil {
			b.Fatal(err)
		}
		shifts = append(shifts, list[0].ID)
	}
	for day := 0; day < 6; day++ {
		for k := 0; k < 25; k++ {
			add(day, 9+k%2*4, 4, 3+k%6)
		}
		add(day, 18, 4, 30)
	}
	// 300 volunteers hold a place already: the fairness before is not flat.
	for i := 0; i < 300; i++ {
		if _, err := db.SignUp(ctx, shifts[(i*7)%len(shifts)], ids[1000+i], false); err != nil {
			b.Fatal(err)
		}
	}
	rdb := redistest.Open(b)
	ix := availability.New(rdb.Client, db, availability.Options{Now: clock.Now, Prefix: rdb.Prefix,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	b.Cleanup(func() { ix.Close() })
	if err := ix.Rebuild(ctx, nil); err != nil {
		b.Fatal(err)
	}
	planner := &konullu.RosterPlanner{Store: db, Free: ix.FreeVolunteers, Rules: konullu.DefaultRules(), Now: clock.Now}
	req := konullu.RosterRequest{CentreID: centre.ID, Location: baku, From: week, To: week.AddDate(0, 0, 7),
		TimeLimit: 5 * time.Second, Seed: 1}

	b.ResetTimer()
	var p *konullu.RosterPlan
	var total time.Duration
	cpu0 := cpuTime()
	for range b.N {
		started := time.Now()
		if p, err = planner.Plan(ctx, req); err != nil {
			b.Fatal(err)
		}
		total += time.Since(started)
	}
	b.StopTimer()
	per := total / time.Duration(b.N)
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	filled := p.OpenBefore - p.OpenAfter
	if filled != p.Bound {
		b.Errorf("filled %d places, the maximum is %d", filled, p.Bound)
	}
	b.ReportMetric(float64(per.Milliseconds()), "ms/plan")
	b.ReportMetric(float64(cpu.Milliseconds()), "cpu-ms/plan")
	b.ReportMetric(per.Seconds()/2, "of-2s-aim")
	b.ReportMetric(float64(filled), "filled")
	b.ReportMetric(float64(p.Bound), "max-flow")
	fmt.Printf("roster week (%s): %d shifts, %d candidates, %d open; plan %s (solve %d ms, CPU %s) = %.2f of the 2 s aim; "+
		"filled %d of max-flow bound %d (%d open after); minutes per volunteer %d–%d (mean %.0f) before, %d–%d (mean %.0f) after\n",
		db.Dialect(), len(shifts), p.FairnessBefore.Volunteers, p.OpenBefore, per.Round(time.Millisecond), p.SolveMillis, cpu.Round(time.Millisecond), per.Seconds()/2,
		filled, p.Bound, p.OpenAfter, p.FairnessBefore.MinMinutes, p.FairnessBefore.MaxMinutes, p.FairnessBefore.MeanMinutes,
		p.FairnessAfter.MinMinutes, p.FairnessAfter.MaxMinutes, p.FairnessAfter.MeanMinutes)
}

// cpuTime is the CPU time this process used: on a loaded machine the wall
// time of a plan says more about the neighbours than about the plan.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
