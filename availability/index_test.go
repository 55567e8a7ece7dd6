package availability_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/redisconn/redistest"
)

// nextMonday is Monday 25 March 2030 in Baku.
func nextMonday(h, m int) time.Time { return time.Date(2030, 3, 25, h, m, 0, 0, baku) }

// TestCoordinatorFindsFreeVolunteers is the story of the issue: a
// coordinator asks who can take next Monday 10:00–14:00 and gets exactly the
// volunteers free then; one who signs up elsewhere at 13:00 drops out, and
// so does one who marks that Monday off.
func TestCoordinatorFindsFreeVolunteers(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	wide := e.volunteer(weekly(win(1, "09:00", "15:00")))
	exact := e.volunteer(weekly(win(1, "10:00", "12:00"), win(1, "12:00", "14:00"))) // touching windows merge
	early := e.volunteer(weekly(win(1, "10:00", "13:45")))                           // leaves too early
	e.volunteer(weekly(win(2, "10:00", "14:00")))                                    // Tuesdays only
	e.volunteer(weekly(win(1, "08:00", "18:00")), status(konullu.VolunteerSuspended))
	e.volunteer(weekly(win(1, "08:00", "18:00")), status(konullu.VolunteerPending))
	signsUp := e.volunteer(weekly(win(1, "09:00", "17:00")))
	takesDayOff := e.volunteer(weekly(win(1, "09:00", "17:00")))
	// 10:00–14:00 in Baku is 07:00–11:00 in Berlin in March (UTC+1 there, UTC+4 here).
	berlin := e.volunteer(zone("Europe/Berlin"), weekly(win(1, "07:00", "11:00")))
	e.volunteer(zone("Europe/Berlin"), weekly(win(1, "10:00", "14:00")))
	e.rebuild()

	start, end := nextMonday(10, 0), nextMonday(14, 0)
	wantIDs(t, e.free(start, end), wide, exact, signsUp, takesDayOff, berlin)

	// Signs up for a shift elsewhere from 13:00: busy for part of ours.
	other := e.shift(nextMonday(13, 0), nextMonday(17, 0), 3)
	if _, err := e.db.SignUp(ctx, other.ID, signsUp, false); err != nil {
		t.Fatal(err)
	}
	if err := e.ix.UpdateShift(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, e.free(start, end), wide, exact, takesDayOff, berlin)
	// Back to back is not busy: the same volunteer may take 10:00–13:00.
	wantIDs(t, e.free(start, nextMonday(13, 0)), wide, exact, early, signsUp, takesDayOff, berlin)

	// Marks that Monday off.
	_, err := e.db.SetAvailability(ctx, takesDayOff, konullu.Availability{
		Weekly:     []konullu.AvailabilityWindow{win(1, "09:00", "17:00")},
		Exceptions: []konullu.AvailabilityException{{Date: konullu.DateOf(start), Available: false}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ix.UpdateVolunteer(ctx, takesDayOff); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, e.free(start, end), wide, exact, berlin)
	// ... only that Monday. (A week later Berlin keeps summer time: 10:00
	// in Baku is 08:00 there, past the Berlin volunteer's start.)
	wantIDs(t, e.free(start.AddDate(0, 0, 7), end.AddDate(0, 0, 7)), wide, exact, signsUp, takesDayOff)

	// The shift elsewhere is cancelled: free again.
	if _, err := e.db.CancelShift(ctx, other.ID, "the centre is closed"); err != nil {
		t.Fatal(err)
	}
	if err := e.ix.UpdateShift(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, e.free(start, end), wide, exact, signsUp, berlin)
}

// TestSkillsAndRanking: the position's skills filter (case-insensitively);
// the ranking puts the fewest minutes this month first, then the centre's
// city, and leaves out those too young on the shift date.
func TestSkillsAndRanking(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	mon := weekly(win(1, "08:00", "20:00"))
	a := e.volunteer(mon, skills("First aid", "English"), city("Sumqayıt"))
	b := e.volunteer(mon, skills("first AID"), city("Bakı"))
	c := e.volunteer(mon, skills("English"), city("Bakı"))
	young := e.volunteer(mon, skills("first aid"), born(time.Date(2012, 3, 26, 0, 0, 0, 0, time.UTC))) // 18 the day after
	worked := e.volunteer(mon, skills("first aid"), city("Bakı"))
	e.rebuild()

	// Minutes this month: a completed shift earlier in March.
	past := e.shift(time.Date(2030, 3, 4, 10, 0, 0, 0, baku), time.Date(2030, 3, 4, 12, 0, 0, 0, baku), 2)
	if _, err := e.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: past.ID, VolunteerID: worked, CheckedInAt: past.StartsAt, CheckedOutAt: past.EndsAt}); err != nil {
		t.Fatal(err)
	}

	start, end := nextMonday(10, 0), nextMonday(14, 0)
	wantIDs(t, e.free(start, end, "FIRST AID"), a, b, young, worked)
	wantIDs(t, e.free(start, end, "first aid", "english"), a)
	wantIDs(t, e.free(start, end, "sign language"))

	from, to := konullu.MonthOf(now, baku)
	matches, err := e.db.RankVolunteers(ctx, konullu.RankQuery{
		Candidates: e.free(start, end, "first aid"), BornOnOrBefore: konullu.BornOnOrBefore(start, baku, 18),
		City: "Bakı", MonthFrom: from, MonthTo: to, Limit: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []konullu.VolunteerMatch{{VolunteerID: b}, {VolunteerID: a}, {VolunteerID: worked, MinutesThisMonth: 120}}
	if len(matches) != len(want) {
		t.Fatalf("got %v, want %v", matches, want)
	}
	for i := range want {
		if matches[i] != want[i] {
			t.Fatalf("got %v, want %v", matches, want)
		}
	}
	_ = c
}

// TestDSTWallClock: a Berlin volunteer free Mondays 09:00–12:00 is free at
// 08:00–11:00 UTC before the clocks change and at 07:00–10:00 UTC after.
func TestDSTWallClock(t *testing.T) {
	e := newEnv(t)
	v := e.volunteer(zone("Europe/Berlin"), weekly(win(1, "09:00", "12:00"), win(7, "01:00", "04:00")))
	e.volunteer(weekly(win(1, "00:00", "24:00"), win(7, "00:00", "24:00"))) // in Baku, never changes
	e.rebuild()
	utc := func(d, h int) time.Time { return time.Date(2030, 3, d, h, 0, 0, 0, time.UTC) }
	// Monday 25 March: CET.
	if got := e.free(utc(25, 8), utc(25, 11)); len(got) != 2 || got[0] != v {
		t.Fatalf("before the change: %v", got)
	}
	if got := e.free(utc(25, 7), utc(25, 10)); len(got) != 1 {
		t.Fatalf("before the change, an hour early: %v", got)
	}
	// Monday 1 April: CEST.
	if got := e.free(time.Date(2030, 4, 1, 7, 0, 0, 0, time.UTC), time.Date(2030, 4, 1, 10, 0, 0, 0, time.UTC)); len(got) != 2 || got[0] != v {
		t.Fatalf("after the change: %v", got)
	}
	// Sunday 31 March 01:00–04:00 local lasts two real hours: 00:00–02:00 UTC.
	if got := e.free(utc(31, 0), utc(31, 2)); len(got) != 2 || got[0] != v {
		t.Fatalf("the night of the change: %v", got)
	}
	if got := e.free(utc(31, 0), utc(31, 3)); len(got) != 1 {
		t.Fatalf("the night of the change, an hour too long: %v", got)
	}
}

// TestFlushHealsItself: after FLUSHALL the answers stay right (from SQL at
// once) and the index rebuilds itself, without a restart.
func TestFlushHealsItself(t *testing.T) {
	rdb, flush := flushableRedis(t)
	e := newEnv(t, withRedis(rdb), withOptions(availability.Options{CheckEvery: 50 * time.Millisecond, RetryAfter: 10 * time.Millisecond}))
	ctx := e.ctx
	a := e.volunteer(weekly(win(1, "09:00", "15:00")))
	b := e.volunteer(weekly(win(1, "09:00", "15:00")))
	busy := e.shift(nextMonday(9, 0), nextMonday(10, 0), 1)
	if _, err := e.db.SignUp(ctx, busy.ID, b, false); err != nil {
		t.Fatal(err)
	}
	e.rebuild()
	start, end := nextMonday(9, 30), nextMonday(12, 0)
	wantIDs(t, e.free(start, end), a)

	flush()
	if _, err := e.ix.Match(ctx, konullu.FreeQuery{Start: start, End: end}); !errors.Is(err, availability.ErrNotReady) {
		t.Fatalf("after a flush the index must say it is not ready, got %v", err)
	}
	wantIDs(t, e.free(start, end), a) // from SQL meanwhile

	// A change while the index is missing is not lost either.
	c := e.volunteer(weekly(win(1, "09:00", "15:00")))
	if err := e.ix.UpdateVolunteer(ctx, c); err != nil {
		t.Fatal(err)
	}
	e.waitReady()
	wantIDs(t, e.match(start, end), a, c)
}

// flushableRedis returns a Redis that the test may flush: an embedded one,
// or database 9 of the test Redis, which no other test uses.
func flushableRedis(t *testing.T) (redis.UniversalClient, func()) {
	t.Helper()
	if _, rdb := redistest.OwnDB(t, 9); rdb != nil {
		return rdb, func() { rdb.FlushDB(context.Background()) }
	}
	r := redistest.Open(t) // an embedded one of its own
	return r.Client, func() { r.Client.FlushAll(context.Background()) }
}

// TestCheckAndRepair: deliberately corrupted entries are found, counted and
// repaired; a second check finds nothing.
func TestCheckAndRepair(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	mon := weekly(win(1, "09:00", "15:00"))
	a := e.volunteer(mon)
	b := e.volunteer(mon)
	off := e.volunteer(weekly(win(2, "09:00", "15:00"))) // not free on Mondays
	exc := e.volunteer(mon)
	if _, err := e.db.SetAvailability(ctx, exc, konullu.Availability{
		Weekly:     []konullu.AvailabilityWindow{win(1, "09:00", "15:00")},
		Exceptions: []konullu.AvailabilityException{{Date: konullu.DateOf(nextMonday(0, 0))}},
	}); err != nil {
		t.Fatal(err)
	}
	busy := e.volunteer(mon)
	sh := e.shift(nextMonday(11, 0), nextMonday(12, 0), 1)
	if _, err := e.db.SignUp(ctx, sh.ID, busy, false); err != nil {
		t.Fatal(err)
	}
	e.rebuild()
	start, end := nextMonday(10, 0), nextMonday(14, 0)
	wantIDs(t, e.match(start, end), a, b)

	st, _ := e.ix.Status(ctx)
	base := e.prefix + ":" + st.Generation + ":"
	// Mondays 10:00–14:00 in Baku (UTC+4 all year) are the UTC slots of
	// the week 24 to 39, which all fixed-offset zones share.
	for s := 24; s < 40; s++ {
		e.rdb.SetBit(ctx, base+"u:"+strconv.Itoa(s), off, 1)
	}
	e.rdb.SetBit(ctx, base+"active", b, 0)
	day := strconv.FormatInt(konullu.DateOf(nextMonday(0, 0)).Unix()/86400, 10)
	e.rdb.SetBit(ctx, base+"xo:Asia/Baku:"+day, exc, 0)
	e.rdb.SRem(ctx, base+"a:"+strconv.FormatInt(sh.ID, 10), busy)
	wantIDs(t, e.match(start, end), a, off, exc, busy)

	drift, err := e.ix.CheckAndRepair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if drift != 4 {
		t.Fatalf("drift %d, want 4 (off, b, exc, busy)", drift)
	}
	wantIDs(t, e.match(start, end), a, b)
	if drift, err = e.ix.CheckAndRepair(ctx); err != nil || drift != 0 {
		t.Fatalf("second check: drift %d, %v", drift, err)
	}
}

// TestUpdatesDuringRebuild: a change committed while a rebuild reads the
// database is replayed into the new generation.
func TestUpdatesDuringRebuild(t *testing.T) {
	e := newEnv(t, withOptions(availability.Options{PageSize: 2}))
	ctx := e.ctx
	mon := weekly(win(1, "09:00", "15:00"))
	first := e.volunteer(mon)
	for range 5 {
		e.volunteer(mon)
	}
	e.rebuild()
	start, end := nextMonday(10, 0), nextMonday(14, 0)
	all := e.match(start, end)

	var once bool
	err := e.ix.Rebuild(ctx, func(done, total int) {
		if once {
			return
		}
		once = true
		// The first page is read; its first volunteer now changes.
		if _, err := e.db.SetVolunteerStatus(ctx, first, konullu.VolunteerSuspended); err != nil {
			t.Error(err)
		}
		if err := e.ix.UpdateVolunteer(ctx, first); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, e.match(start, end), all[1:]...)
}

// TestOneRebuildAtATime: a second rebuild, here or in another instance, waits
// its turn instead of writing over the first.
func TestOneRebuildAtATime(t *testing.T) {
	e := newEnv(t)
	if err := e.rdb.Set(e.ctx, e.prefix+":building", "someone else", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := e.ix.Rebuild(e.ctx, nil); !errors.Is(err, availability.ErrRebuildRunning) {
		t.Fatalf("got %v", err)
	}
	// Meanwhile the answers come from SQL.
	v := e.volunteer(weekly(win(1, "09:00", "15:00")))
	wantIDs(t, e.free(nextMonday(10, 0), nextMonday(11, 0)), v)
	e.rdb.Del(e.ctx, e.prefix+":building")
	e.rebuild()
	wantIDs(t, e.match(nextMonday(10, 0), nextMonday(11, 0)), v)
}

// TestMemoryUsage: the index can tell how much Redis memory it takes.
func TestMemoryUsage(t *testing.T) {
	e := newEnv(t)
	e.volunteer(weekly(win(1, "09:00", "15:00")))
	e.rebuild()
	bytes, keys, err := e.ix.MemoryUsage(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if keys < 24 || bytes <= 0 {
		t.Fatalf("%d bytes in %d keys", bytes, keys)
	}
}

// TestSignupsOnTwoInstancesAllCount: 30 volunteers sign up at once for one
// shift through two instances (two indexes over one Redis and one
// database), as a storm does; each instance adds its own volunteers to the
// shift's busy set. Every one of them is busy afterwards: none was lost to
// another instance's concurrent update, and the index agrees with SQL.
func TestSignupsOnTwoInstancesAllCount(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	other := availability.New(e.rdb, e.db, availability.Options{Prefix: e.prefix, Now: e.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(func() { other.Close() })
	var vols []int64
	for range 30 {
		vols = append(vols, e.volunteer(weekly(win(1, "09:00", "17:00"))))
	}
	bystander := e.volunteer(weekly(win(1, "09:00", "17:00")))
	e.rebuild()
	s := e.shift(nextMonday(10, 0), nextMonday(14, 0), 10)
	var wg sync.WaitGroup
	for i, v := range vols {
		ix := e.ix
		if i%2 == 1 {
			ix = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := e.db.SignUp(ctx, s.ID, v, false)
			if err != nil {
				t.Error(err)
				return
			}
			if a.Status != konullu.AssignmentConfirmed && a.Status != konullu.AssignmentWaitlisted {
				t.Errorf("volunteer %d: %s", v, a.Status)
			}
			if err := ix.AddBusy(ctx, s.ID, v); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Confirmed or waitlisted, all 30 are busy then; only the bystander is free.
	wantIDs(t, e.match(nextMonday(11, 0), nextMonday(12, 0)), bystander)
	wantIDs(t, e.free(nextMonday(9, 0), nextMonday(10, 0)), append(slices.Clone(vols), bystander)...)

	// A withdrawal rewrites the shift from the database: the volunteer is free again.
	as, err := e.db.AssignmentsOfShifts(ctx, []int64{s.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := as[s.ID][0]
	if _, err := e.db.Withdraw(ctx, first.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := other.UpdateShift(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, e.free(nextMonday(11, 0), nextMonday(12, 0)), first.VolunteerID, bystander)
}

// TestHungRedisIsBounded: a Redis that accepts connections and never
// answers costs a match at most RedisTimeout, then the database answers;
// an update gives up as soon and marks the index for a rebuild. Nothing
// waits on it for the client's read timeout (seconds, on every retry).
func TestHungRedisIsBounded(t *testing.T) {
	rdb, err := redisconn.NewClient(redistest.Silent(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	e := newEnv(t, withHungRedis(rdb))
	wide := e.volunteer(weekly(win(1, "09:00", "15:00")))
	e.volunteer(weekly(win(2, "10:00", "14:00")))
	const bound = 2 * time.Second // generous: the default RedisTimeout is 500 ms

	start := time.Now()
	ids, err := e.ix.FreeVolunteers(e.ctx, konullu.FreeQuery{Start: nextMonday(10, 0), End: nextMonday(14, 0)})
	if took := time.Since(start); err != nil || took > bound {
		t.Fatalf("a match on a hung Redis: %v after %v", err, took)
	}
	wantIDs(t, ids, wide)

	start = time.Now()
	err = e.ix.UpdateVolunteer(e.ctx, wide)
	if took := time.Since(start); err == nil || took > bound {
		t.Fatalf("an update on a hung Redis: %v after %v", err, took)
	}
}
