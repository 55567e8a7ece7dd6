package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

var monday = time.Date(2030, 3, 4, 6, 0, 0, 0, time.UTC) // Monday 10:00 in Baku

type fixture struct {
	t        *testing.T
	db       *store.DB
	clock    *storetest.Clock
	centre   *konullu.Centre
	position *konullu.Position
	n        int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := storetest.NewClock(monday)
	db := storetest.Open(t, store.Options{Now: c.Now})
	f := &fixture{t: t, db: db, clock: c}
	f.centre = &konullu.Centre{Name: "ASAN xidmət №1", City: "Bakı", Timezone: "Asia/Baku"}
	if err := db.CreateCentre(context.Background(), f.centre); err != nil {
		t.Fatal(err)
	}
	f.position = &konullu.Position{Name: "Reception guide"}
	if err := db.CreatePosition(context.Background(), f.position); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) volunteer(mods ...func(*konullu.NewAccount)) int64 {
	f.t.Helper()
	f.n++
	a := konullu.NewAccount{
		Email: fmt.Sprintf("v%d@example.az", f.n), FullName: fmt.Sprintf("Könüllü %d", f.n),
		BirthDate: time.Date(2004, 5, 6, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive,
	}
	for _, m := range mods {
		m(&a)
	}
	u, err := f.db.CreateAccount(context.Background(), a)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.VolunteerID
}

// shift creates a published shift starting after the given offset from now.
func (f *fixture) shift(in time.Duration, length time.Duration, capacity int) *konullu.Shift {
	f.t.Helper()
	start := f.clock.Now().Add(in)
	s, err := f.db.CreateShifts(context.Background(), konullu.NewShifts{
		CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: capacity, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(length)}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return s[0]
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := konullu.ErrorCode(err); got != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "aysel@example.az", PasswordHash: "h", FullName: "Aysel Məmmədova", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrDuplicateEmailAnyCase", func(t *testing.T) {
		_, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "AYSEL@example.az", FullName: "X"})
		wantCode(t, err, konullu.ECONFLICT)
	})
	t.Run("Credentials", func(t *testing.T) {
		id, hash, err := f.db.Credentials(ctx, "Aysel@Example.az")
		if err != nil || id != u.ID || hash != "h" {
			t.Fatalf("got %d %q %v", id, hash, err)
		}
		_, _, err = f.db.Credentials(ctx, "nobody@example.az")
		wantCode(t, err, konullu.ENOTFOUND)
	})
	t.Run("SessionExpiresAndIsRevoked", func(t *testing.T) {
		tok := []byte("token-hash-1")
		if err := f.db.CreateSession(ctx, u.ID, tok, f.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		v, err := f.db.SessionViewer(ctx, tok)
		if err != nil || v.UserID != u.ID || v.VolunteerID != u.VolunteerID || !v.Has(konullu.RoleVolunteer) {
			t.Fatalf("viewer %+v %v", v, err)
		}
		f.clock.Set(monday.Add(2 * time.Hour))
		defer f.clock.Set(monday)
		_, err = f.db.SessionViewer(ctx, tok)
		wantCode(t, err, konullu.EUNAUTHENTICATED)
		f.clock.Set(monday)
		if err := f.db.DeleteSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.SessionViewer(ctx, tok)
		wantCode(t, err, konullu.EUNAUTHENTICATED)
	})
	t.Run("GrantCoordinator", func(t *testing.T) {
		_, err := f.db.GrantRole(ctx, u.ID, konullu.RoleCoordinator, nil)
		wantCode(t, err, konullu.EINVALID)
		_, err = f.db.GrantRole(ctx, u.ID, konullu.RoleCoordinator, []int64{999})
		wantCode(t, err, konullu.ENOTFOUND)
		got, err := f.db.GrantRole(ctx, u.ID, konullu.RoleCoordinator, []int64{f.centre.ID})
		if err != nil || len(got.CentreIDs) != 1 || got.CentreIDs[0] != f.centre.ID || len(got.Roles) != 2 {
			t.Fatalf("got %+v %v", got, err)
		}
		_, err = f.db.GrantRole(ctx, 12345, konullu.RoleStaff, nil)
		wantCode(t, err, konullu.ENOTFOUND)
	})
	t.Run("EnsureAdminOnce", func(t *testing.T) {
		created, err := f.db.EnsureAdmin(ctx, "admin@example.az", "hash")
		if err != nil || !created {
			t.Fatal(created, err)
		}
		created, err = f.db.EnsureAdmin(ctx, "ADMIN@example.az", "other")
		if err != nil || created {
			t.Fatal(created, err)
		}
		_, hash, _ := f.db.Credentials(ctx, "admin@example.az")
		if hash != "hash" {
			t.Fatal("the bootstrap admin's password was replaced")
		}
	})
}

// TestSignUpRace: 50 volunteers race for a 5-place shift.
func TestSignUpRace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 5)
	vols := make([]int64, 50)
	for i := range vols {
		vols[i] = f.volunteer()
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(vols))
	for _, v := range vols {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	list, err := f.db.AssignmentsOfShifts(ctx, []int64{s.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var confirmed int
	var positions []int
	for _, a := range list[s.ID] {
		switch a.Status {
		case konullu.AssignmentConfirmed:
			confirmed++
		case konullu.AssignmentWaitlisted:
			positions = append(positions, a.WaitlistPosition)
		}
	}
	sort.Ints(positions)
	if confirmed != 5 || len(positions) != 45 {
		t.Fatalf("confirmed %d, waitlisted %d", confirmed, len(positions))
	}
	for i, p := range positions {
		if p != i+1 {
			t.Fatalf("waitlist positions %v, want 1..45", positions)
		}
	}
	got, _ := f.db.ShiftsByIDs(ctx, []int64{s.ID})
	if got[s.ID].ConfirmedCount != 5 || got[s.ID].WaitlistCount != 45 {
		t.Fatalf("counts %+v", got[s.ID])
	}
}

// TestOverlapRace: one volunteer races for two overlapping shifts and gets exactly one.
func TestOverlapRace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for round := 0; round < 10; round++ {
		a := f.shift(time.Duration(24+round*24)*time.Hour, 4*time.Hour, 3)
		b := f.shift(time.Duration(24+round*24)*time.Hour+2*time.Hour, 4*time.Hour, 3)
		v := f.volunteer()
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i, s := range []*konullu.Shift{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = f.db.SignUp(ctx, s.ID, v, false)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else {
				wantCode(t, err, konullu.EOVERLAP)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d signups succeeded: %v", round, ok, results)
		}
	}
	t.Run("BackToBackIsFine", func(t *testing.T) {
		v := f.volunteer()
		a := f.shift(30*24*time.Hour, 4*time.Hour, 3)
		b := f.shift(30*24*time.Hour+4*time.Hour, 4*time.Hour, 3)
		for _, s := range []*konullu.Shift{a, b} {
			if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestRepeatedSignUpReturnsExisting(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(24*time.Hour, time.Hour, 1)
	v := f.volunteer()
	a1, err := f.db.SignUp(ctx, s.ID, v, false)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := f.db.SignUp(ctx, s.ID, v, false)
	if err != nil || a2.ID != a1.ID || a2.Status != konullu.AssignmentConfirmed {
		t.Fatalf("%+v %v", a2, err)
	}
	// After withdrawing, signing up again reuses the row and joins the queue anew.
	if _, err := f.db.Withdraw(ctx, a1.ID, false); err != nil {
		t.Fatal(err)
	}
	other := f.volunteer()
	if _, err := f.db.SignUp(ctx, s.ID, other, false); err != nil {
		t.Fatal(err)
	}
	a3, err := f.db.SignUp(ctx, s.ID, v, false)
	if err != nil || a3.ID != a1.ID || a3.Status != konullu.AssignmentWaitlisted || a3.WaitlistPosition != 1 {
		t.Fatalf("%+v %v", a3, err)
	}
}

func TestWithdrawPromotesFirstWaitlistedWithoutOverlap(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 1)
	holder, first, second := f.volunteer(), f.volunteer(), f.volunteer()
	aHolder, _ := f.db.SignUp(ctx, s.ID, holder, false)
	aFirst, _ := f.db.SignUp(ctx, s.ID, first, false)
	aSecond, _ := f.db.SignUp(ctx, s.ID, second, false)
	if aFirst.WaitlistPosition != 1 || aSecond.WaitlistPosition != 2 {
		t.Fatalf("positions %d %d", aFirst.WaitlistPosition, aSecond.WaitlistPosition)
	}
	// The first in the queue meanwhile took a shift that a coordinator later
	// moved so that it overlaps this one.
	other := f.shift(96*time.Hour, 2*time.Hour, 1)
	if _, err := f.db.SignUp(ctx, other.ID, first, false); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Exec(`UPDATE shifts SET starts_at = ?, ends_at = ? WHERE id = ?`, s.StartsAt.Add(time.Hour), s.StartsAt.Add(3*time.Hour), other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Withdraw(ctx, aHolder.ID, false); err != nil {
		t.Fatal(err)
	}
	got, _ := f.db.AssignmentsByIDs(ctx, []int64{aFirst.ID, aSecond.ID})
	if got[aFirst.ID].Status != konullu.AssignmentWaitlisted || got[aFirst.ID].WaitlistPosition != 1 {
		t.Fatalf("the overlapping volunteer: %+v", got[aFirst.ID])
	}
	if got[aSecond.ID].Status != konullu.AssignmentConfirmed {
		t.Fatalf("the next volunteer was not promoted: %+v", got[aSecond.ID])
	}
	t.Run("WithoutOverlapTheFirstIsPromoted", func(t *testing.T) {
		s := f.shift(10*24*time.Hour, 4*time.Hour, 1)
		h, w1, w2 := f.volunteer(), f.volunteer(), f.volunteer()
		ah, _ := f.db.SignUp(ctx, s.ID, h, false)
		a1, _ := f.db.SignUp(ctx, s.ID, w1, false)
		a2, _ := f.db.SignUp(ctx, s.ID, w2, false)
		if _, err := f.db.Withdraw(ctx, ah.ID, false); err != nil {
			t.Fatal(err)
		}
		got, _ := f.db.AssignmentsByIDs(ctx, []int64{a1.ID, a2.ID})
		if got[a1.ID].Status != konullu.AssignmentConfirmed || got[a2.ID].WaitlistPosition != 1 {
			t.Fatalf("%+v %+v", got[a1.ID], got[a2.ID])
		}
	})
}

func TestWithdrawRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(2*time.Hour, 4*time.Hour, 2) // inside the 3-hour cut-off
	v := f.volunteer()
	a, err := f.db.SignUp(ctx, s.ID, v, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.db.Withdraw(ctx, a.ID, false)
	wantCode(t, err, konullu.ESIGNUPCLOSED)
	got, err := f.db.Withdraw(ctx, a.ID, true) // a coordinator may release the place
	if err != nil || got.Status != konullu.AssignmentCancelled {
		t.Fatalf("%+v %v", got, err)
	}
	// A retry of a withdrawal (its first answer lost) gets the same answer
	// and changes nothing: no second promotion, no new message.
	again, err := f.db.Withdraw(ctx, a.ID, false)
	if err != nil || again.Status != konullu.AssignmentCancelled || !again.UpdatedAt.Equal(got.UpdatedAt) {
		t.Fatalf("withdrawn twice: %+v %v", again, err)
	}
	// A finished assignment cannot be withdrawn.
	past := f.shift(-5*time.Hour, time.Hour, 1)
	done := f.pastWork(past, f.volunteer(), past.StartsAt, past.EndsAt)
	_, err = f.db.Withdraw(ctx, done.ID, true)
	wantCode(t, err, konullu.ECONFLICT)
}

func TestSignUpRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := f.volunteer()
	t.Run("ErrDraft", func(t *testing.T) {
		s, _ := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 1,
			Periods: []konullu.Period{{StartsAt: monday.Add(24 * time.Hour), EndsAt: monday.Add(26 * time.Hour)}}})
		_, err := f.db.SignUp(ctx, s[0].ID, v, false)
		wantCode(t, err, konullu.ESIGNUPCLOSED)
		// A coordinator may assign to a draft.
		if _, err := f.db.SignUp(ctx, s[0].ID, v, true); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrStarted", func(t *testing.T) {
		s := f.shift(-time.Hour, 4*time.Hour, 1)
		_, err := f.db.SignUp(ctx, s.ID, v, false)
		wantCode(t, err, konullu.ESIGNUPCLOSED)
	})
	t.Run("ErrBeyondHorizon", func(t *testing.T) {
		s := f.shift(61*24*time.Hour, time.Hour, 1)
		_, err := f.db.SignUp(ctx, s.ID, v, false)
		wantCode(t, err, konullu.ESIGNUPCLOSED)
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		s := f.shift(5*24*time.Hour, time.Hour, 1)
		f.db.CancelShift(ctx, s.ID, "flood")
		_, err := f.db.SignUp(ctx, s.ID, v, true)
		wantCode(t, err, konullu.ESIGNUPCLOSED)
	})
	t.Run("ErrPendingVolunteer", func(t *testing.T) {
		p := f.volunteer(func(a *konullu.NewAccount) { a.Status = konullu.VolunteerPending })
		s := f.shift(6*24*time.Hour, time.Hour, 1)
		_, err := f.db.SignUp(ctx, s.ID, p, false)
		wantCode(t, err, konullu.EREQUIREMENT)
		if _, err := f.db.SetVolunteerStatus(ctx, p, konullu.VolunteerActive); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SignUp(ctx, s.ID, p, false); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("SkillsAndAge", func(t *testing.T) {
		pos := &konullu.Position{Name: "Language support", RequiredSkills: []string{"English"}, MinimumAge: 18}
		if err := f.db.CreatePosition(ctx, pos); err != nil {
			t.Fatal(err)
		}
		start := monday.Add(7 * 24 * time.Hour) // 2030-03-11
		shifts, _ := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: pos.ID, Capacity: 5, Publish: true,
			Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(time.Hour)}}})
		s := shifts[0]
		_, err := f.db.SignUp(ctx, s.ID, v, false)
		wantCode(t, err, konullu.EREQUIREMENT)
		if _, err := f.db.SetVolunteerSkills(ctx, v, []string{"english"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
			t.Fatal(err)
		}
		// Turns 18 the day after the shift: too young on the shift date.
		young := f.volunteer(func(a *konullu.NewAccount) {
			a.BirthDate = time.Date(2012, 3, 12, 0, 0, 0, 0, time.UTC)
			a.Skills = []string{"English"}
		})
		_, err = f.db.SignUp(ctx, s.ID, young, false)
		wantCode(t, err, konullu.EREQUIREMENT)
		// Turns 18 on the shift date: old enough.
		exact := f.volunteer(func(a *konullu.NewAccount) {
			a.BirthDate = time.Date(2012, 3, 11, 0, 0, 0, 0, time.UTC)
			a.Skills = []string{"English"}
		})
		if _, err := f.db.SignUp(ctx, s.ID, exact, false); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrUnknownShift", func(t *testing.T) {
		_, err := f.db.SignUp(ctx, 987654, v, false)
		wantCode(t, err, konullu.ENOTFOUND)
	})
}

func TestCancelShiftCancelsAssignments(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(24*time.Hour, 2*time.Hour, 1)
	a1, _ := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	a2, _ := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	got, err := f.db.CancelShift(ctx, s.ID, "Centre closed for repairs")
	if err != nil || got.Status != konullu.ShiftCancelled || got.CancelReason != "Centre closed for repairs" || got.ConfirmedCount != 0 {
		t.Fatalf("%+v %v", got, err)
	}
	as, _ := f.db.AssignmentsByIDs(ctx, []int64{a1.ID, a2.ID})
	for _, a := range as {
		if a.Status != konullu.AssignmentCancelled {
			t.Fatalf("assignment %d is %s", a.ID, a.Status)
		}
	}
	_, err = f.db.PublishShifts(ctx, []int64{s.ID})
	wantCode(t, err, konullu.ECONFLICT)
}

func TestAttendanceAndHours(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(-5*time.Hour, 4*time.Hour, 3) // 01:00–05:00 UTC today, over
	v1, v2 := f.volunteer(), f.volunteer()
	a1, a2 := f.assignedAhead(s, v1), f.assignedAhead(s, v2)
	// Arrived 30 minutes late, left 30 minutes after the end: 3h30 credited.
	got, err := f.db.RecordAttendance(ctx, a1.ID, s.StartsAt.Add(30*time.Minute), s.EndsAt.Add(30*time.Minute))
	if err != nil || got.Status != konullu.AssignmentCompleted || got.CreditedMinutes != 210 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := f.db.MarkNoShow(ctx, a2.ID, "did not come"); err != nil {
		t.Fatal(err)
	}
	vols, _ := f.db.VolunteersByIDs(ctx, []int64{v1, v2})
	if vols[v1].TotalMinutes != 210 || vols[v2].TotalMinutes != 0 {
		t.Fatalf("minutes %d %d", vols[v1].TotalMinutes, vols[v2].TotalMinutes)
	}
	// Correcting v1 to a no-show and back changes nobody else's hours.
	s2 := f.shift(-10*time.Hour, 2*time.Hour, 2)
	a3 := f.pastWork(s2, v2, s2.StartsAt, s2.EndsAt)
	if _, err := f.db.MarkNoShow(ctx, a1.ID, "was not there after all"); err != nil {
		t.Fatal(err)
	}
	vols, _ = f.db.VolunteersByIDs(ctx, []int64{v1, v2})
	if vols[v1].TotalMinutes != 0 || vols[v2].TotalMinutes != 120 {
		t.Fatalf("after no-show: %d %d", vols[v1].TotalMinutes, vols[v2].TotalMinutes)
	}
	t.Run("ErrBadTimes", func(t *testing.T) {
		_, err := f.db.RecordAttendance(ctx, a3.ID, s2.EndsAt, s2.StartsAt)
		wantCode(t, err, konullu.EINVALID)
		_, err = f.db.RecordAttendance(ctx, a3.ID, s2.StartsAt.Add(-5*time.Hour), s2.StartsAt.Add(-4*time.Hour))
		wantCode(t, err, konullu.EINVALID)
		_, err = f.db.RecordAttendance(ctx, a3.ID, monday, monday.Add(time.Hour))
		wantCode(t, err, konullu.EINVALID)
	})
	t.Run("ErrNoShowBeforeStart", func(t *testing.T) {
		fut := f.shift(24*time.Hour, time.Hour, 1)
		a, _ := f.db.SignUp(ctx, fut.ID, v1, false)
		_, err := f.db.MarkNoShow(ctx, a.ID, "x")
		wantCode(t, err, konullu.ECONFLICT)
	})
}

func TestCheckInOut(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(time.Hour, 4*time.Hour, 1)
	a, _ := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	_, err := f.db.CheckIn(ctx, a.ID) // an hour early: not yet
	wantCode(t, err, konullu.ESIGNUPCLOSED)
	f.clock.Set(s.StartsAt.Add(-20 * time.Minute))
	got, err := f.db.CheckIn(ctx, a.ID)
	if err != nil || got.Status != konullu.AssignmentCheckedIn || got.CheckedInAt == nil {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = f.db.CheckIn(ctx, a.ID)
	wantCode(t, err, konullu.ECONFLICT)
	f.clock.Set(s.StartsAt.Add(2 * time.Hour))
	got, err = f.db.CheckOut(ctx, a.ID)
	if err != nil || got.Status != konullu.AssignmentCompleted || got.CreditedMinutes != 120 {
		t.Fatalf("%+v %v", got, err)
	}
	// A completed volunteer still holds the place: nobody else gets it.
	wantHeld := 1
	shifts, _ := f.db.ShiftsByIDs(ctx, []int64{s.ID})
	if shifts[s.ID].ConfirmedCount != wantHeld {
		t.Fatalf("held %d", shifts[s.ID].ConfirmedCount)
	}
}

func TestFindShifts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var ids []int64
	for i := 0; i < 7; i++ {
		ids = append(ids, f.shift(time.Duration(24+i)*time.Hour, time.Hour, 1).ID)
	}
	draft, _ := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 1,
		Periods: []konullu.Period{{StartsAt: monday.Add(30 * time.Hour), EndsAt: monday.Add(31 * time.Hour)}}})
	full := f.shift(40*time.Hour, time.Hour, 1)
	f.db.SignUp(ctx, full.ID, f.volunteer(), false)

	filter := konullu.ShiftFilter{From: monday, To: monday.Add(7 * 24 * time.Hour), Limit: 3}
	var seen []int64
	for page := 0; page < 10; page++ {
		list, total, err := f.db.FindShifts(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		if total != 8 {
			t.Fatalf("total %d, want 8 (drafts hidden)", total)
		}
		for _, s := range list {
			seen = append(seen, s.ID)
		}
		if len(list) < 3 {
			break
		}
		last := list[len(list)-1]
		filter.After = &konullu.ShiftCursor{StartsAt: last.StartsAt, ID: last.ID}
	}
	if len(seen) != 8 {
		t.Fatalf("pages gave %v", seen)
	}
	list, total, _ := f.db.FindShifts(ctx, konullu.ShiftFilter{From: monday, To: monday.Add(7 * 24 * time.Hour), Drafts: konullu.DraftAccess{CentreIDs: []int64{f.centre.ID}}, Limit: 100})
	if total != 9 || len(list) != 9 {
		t.Fatalf("a coordinator sees %d", total)
	}
	_, total, _ = f.db.FindShifts(ctx, konullu.ShiftFilter{From: monday, To: monday.Add(7 * 24 * time.Hour), OpenOnly: true, Now: monday, Drafts: konullu.DraftAccess{All: true}, Limit: 100})
	if total != 7 {
		t.Fatalf("open shifts %d, want 7 (no draft %d, no full %d)", total, draft[0].ID, full.ID)
	}
}

// TestMigrateConcurrently: instances starting together take turns.
func TestMigrateConcurrently(t *testing.T) {
	url := storetest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(context.Background(), url, store.Options{})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(context.Background())
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// A signup answers with exactly what the database then holds (status, place
// in the waitlist, times) without reading it back, and costs a bounded
// number of statements: it is the transaction of a signup storm.
func TestSignUpAnswerIsWhatTheDatabaseHolds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(24*time.Hour, time.Hour, 2)
	var answers []*konullu.Assignment
	for i := range 5 {
		v := f.volunteer()
		before := f.db.QueryCount()
		a, err := f.db.SignUp(ctx, s.ID, v, false)
		if err != nil {
			t.Fatal(err)
		}
		// BEGIN, the two locks, the facts, the write (two on SQLite), the
		// message for a confirmed place, COMMIT.
		if n := f.db.QueryCount() - before; n > 8 {
			t.Errorf("signup %d took %d statements, want at most 8", i+1, n)
		}
		answers = append(answers, a)
	}
	wantStatus := []konullu.AssignmentStatus{"CONFIRMED", "CONFIRMED", "WAITLISTED", "WAITLISTED", "WAITLISTED"}
	wantPlace := []int{0, 0, 1, 2, 3}
	ids := make([]int64, len(answers))
	for i, a := range answers {
		ids[i] = a.ID
		if a.Status != wantStatus[i] || a.WaitlistPosition != wantPlace[i] || a.ShiftID != s.ID {
			t.Errorf("signup %d answered %s #%d, want %s #%d", i+1, a.Status, a.WaitlistPosition, wantStatus[i], wantPlace[i])
		}
	}
	held, err := f.db.AssignmentsByIDs(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range answers {
		h := held[a.ID]
		if h == nil {
			t.Fatalf("signup %d: assignment %d is not in the database", i+1, a.ID)
		}
		if h.Status != a.Status || h.WaitlistPosition != a.WaitlistPosition || h.VolunteerID != a.VolunteerID ||
			!h.CreatedAt.Equal(a.CreatedAt) || !h.UpdatedAt.Equal(a.UpdatedAt) {
			t.Errorf("signup %d answered %+v, the database holds %+v", i+1, a, h)
		}
	}
	// A withdrawal promotes the first in the queue; the next signup joins
	// the end of the queue, behind the two still waiting.
	if _, err := f.db.Withdraw(ctx, answers[0].ID, false); err != nil {
		t.Fatal(err)
	}
	late, err := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	if err != nil || late.Status != konullu.AssignmentWaitlisted || late.WaitlistPosition != 3 {
		t.Fatalf("late signup: %+v %v", late, err)
	}
}
