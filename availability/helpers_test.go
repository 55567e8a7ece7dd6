package availability_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

var baku = konullu.VolunteerLocation("Asia/Baku")

// now is Wednesday 20 March 2030, 14:00 in Baku: Berlin changes its clocks
// eleven days later, within the weeks the tests ask about.
var now = time.Date(2030, 3, 20, 14, 0, 0, 0, baku)

type env struct {
	t        *testing.T
	ctx      context.Context
	clock    *storetest.Clock
	db       *store.DB
	rdb      redis.UniversalClient
	prefix   string
	ix       *availability.Index
	centre   *konullu.Centre
	position *konullu.Position
	n        int
}

type envOption func(*envSetup)

type envSetup struct {
	rdb     redis.UniversalClient
	opts    availability.Options
	noClean bool
}

// withRedis makes the test use the given client (the test owns it).
func withRedis(rdb redis.UniversalClient) envOption { return func(s *envSetup) { s.rdb = rdb } }

// withHungRedis makes the test use a client of a Redis that never answers:
// its keys are not looked for at the end.
func withHungRedis(rdb redis.UniversalClient) envOption {
	return func(s *envSetup) { s.rdb, s.noClean = rdb, true }
}

func withOptions(o availability.Options) envOption { return func(s *envSetup) { s.opts = o } }

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	var setup envSetup
	for _, o := range opts {
		o(&setup)
	}
	ctx := context.Background()
	c := storetest.NewClock(now)
	e := &env{t: t, ctx: ctx, clock: c, db: storetest.Open(t, store.Options{Now: c.Now})}
	if setup.rdb == nil {
		r := redistest.Open(t)
		e.rdb, e.prefix = r.Client, r.Prefix
	} else {
		// A prefix of its own per test: tests of several packages may share
		// one real Redis, and none may see or delete another's keys.
		e.rdb, e.prefix = setup.rdb, redistest.NewPrefix()
		if !setup.noClean {
			t.Cleanup(func() { redistest.DeletePrefix(e.rdb, e.prefix) })
		}
	}
	o := setup.opts
	o.Prefix, o.Now = e.prefix, c.Now
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e.ix = availability.New(e.rdb, e.db, o)
	t.Cleanup(func() { e.ix.Close() })

	e.centre = &konullu.Centre{Name: "ASAN xidmət №1", City: "Bakı", Timezone: "Asia/Baku"}
	if err := e.db.CreateCentre(ctx, e.centre); err != nil {
		t.Fatal(err)
	}
	e.position = &konullu.Position{Name: "Reception guide"}
	if err := e.db.CreatePosition(ctx, e.position); err != nil {
		t.Fatal(err)
	}
	return e
}

type volunteerOption func(*store.SeedVolunteer)

func weekly(windows ...konullu.AvailabilityWindow) volunteerOption {
	return func(s *store.SeedVolunteer) { s.Availability.Weekly = append(s.Availability.Weekly, windows...) }
}

func zone(tz string) volunteerOption { return func(s *store.SeedVolunteer) { s.Timezone = tz } }

func status(st konullu.VolunteerStatus) volunteerOption {
	return func(s *store.SeedVolunteer) { s.Account.Status = st }
}

func skills(sk ...string) volunteerOption {
	return func(s *store.SeedVolunteer) { s.Account.Skills = sk }
}

func born(d time.Time) volunteerOption {
	return func(s *store.SeedVolunteer) { s.Account.BirthDate = d }
}

func city(c string) volunteerOption { return func(s *store.SeedVolunteer) { s.Account.City = c } }

func win(wd int, start, end string) konullu.AvailabilityWindow {
	return konullu.AvailabilityWindow{Weekday: wd, Start: start, End: end}
}

// volunteer creates one volunteer (active, 25 years old, in Baku unless told).
func (e *env) volunteer(opts ...volunteerOption) int64 {
	e.t.Helper()
	e.n++
	s := store.SeedVolunteer{Account: konullu.NewAccount{
		Email: fmt.Sprintf("v%d@example.az", e.n), FullName: fmt.Sprintf("Könüllü %d", e.n),
		BirthDate: time.Date(2005, 1, 2, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive,
	}}
	for _, o := range opts {
		o(&s)
	}
	ids, err := e.db.SeedVolunteers(e.ctx, []store.SeedVolunteer{s})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids[0]
}

// shift creates a published shift at the centre.
func (e *env) shift(start, end time.Time, capacity int) *konullu.Shift {
	e.t.Helper()
	s, err := e.db.CreateShifts(e.ctx, konullu.NewShifts{
		CentreID: e.centre.ID, PositionID: e.position.ID, Capacity: capacity, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: end}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return s[0]
}

func (e *env) rebuild() {
	e.t.Helper()
	if err := e.ix.Rebuild(e.ctx, nil); err != nil {
		e.t.Fatal(err)
	}
}

// match asks the index alone.
func (e *env) match(start, end time.Time, skills ...string) []int64 {
	e.t.Helper()
	ids, err := e.ix.Match(e.ctx, konullu.FreeQuery{Start: start, End: end, Skills: skills})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// free asks the way the API does (index, or SQL while it is missing) and
// checks that the SQL fallback agrees.
func (e *env) free(start, end time.Time, skills ...string) []int64 {
	e.t.Helper()
	q := konullu.FreeQuery{Start: start, End: end, Skills: skills}
	ids, err := e.ix.FreeVolunteers(e.ctx, q)
	if err != nil {
		e.t.Fatal(err)
	}
	sqlIDs, err := e.db.FreeVolunteersSQL(e.ctx, q)
	if err != nil {
		e.t.Fatal(err)
	}
	if !slices.Equal(ids, sqlIDs) {
		e.t.Fatalf("%v–%v: the index says %v, SQL says %v", start, end, ids, sqlIDs)
	}
	return ids
}

func wantIDs(t *testing.T, got []int64, want ...int64) {
	t.Helper()
	slices.Sort(want)
	if want == nil {
		want = []int64{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got volunteers %v, want %v", got, want)
	}
}

// waitReady waits until the index has rebuilt itself; the deadline only
// bounds a broken test, it measures nothing.
func (e *env) waitReady() {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := e.ix.Status(e.ctx); err == nil && st.Ready && !st.Rebuilding {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatal("the index did not rebuild itself")
}
