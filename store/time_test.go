package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// assignedAhead assigns v to s as a coordinator did the day before s
// started (the clock is set back for it): a place held in a shift that has
// since ended. A place can no longer be assigned once a shift has ended.
func (f *fixture) assignedAhead(s *konullu.Shift, v int64) *konullu.Assignment {
	f.t.Helper()
	now := f.clock.Now()
	f.clock.Set(s.StartsAt.Add(-24 * time.Hour))
	defer f.clock.Set(now)
	a, err := f.db.SignUp(context.Background(), s.ID, v, true)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// pastWork credits v with work in the ended shift s from in to out.
func (f *fixture) pastWork(s *konullu.Shift, v int64, in, out time.Time) *konullu.Assignment {
	f.t.Helper()
	a, err := f.db.RecordPastWork(context.Background(), konullu.PastWork{ShiftID: s.ID, VolunteerID: v, CheckedInAt: in, CheckedOutAt: out})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// TestEndedShiftTakesNoPlace: once a shift has ended no path gives a place
// in it (a coordinator's assignment, a roster proposal, a volunteer's
// signup, a mentor's booking); a shift under way still takes a
// coordinator's assignment.
func TestEndedShiftTakesNoPlace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ended := f.shift(-5*time.Hour, 4*time.Hour, 3)
	v := f.volunteer()
	_, err := f.db.SignUp(ctx, ended.ID, v, true)
	wantCode(t, err, konullu.ESHIFTENDED)
	_, err = f.db.SignUp(ctx, ended.ID, v, false)
	wantCode(t, err, konullu.ESIGNUPCLOSED)
	// The end itself is the limit.
	f.clock.Set(ended.EndsAt.Add(-time.Minute))
	inProgress, err := f.db.SignUp(ctx, ended.ID, v, true)
	if err != nil || inProgress.Status != konullu.AssignmentConfirmed {
		t.Fatalf("a shift under way: %+v %v", inProgress, err)
	}
	f.clock.Set(ended.EndsAt)
	_, err = f.db.SignUp(ctx, ended.ID, f.volunteer(), true)
	wantCode(t, err, konullu.ESHIFTENDED)
	var e *konullu.Error
	if !errors.As(err, &e) || e.Field != "shiftId" {
		t.Errorf("the refusal names no field: %v", err)
	}
}

// TestRecordPastWork: work in an ended shift is credited to a volunteer who
// held no place, as a COMPLETED place with presence RECORDED, under the
// rules a place keeps (requirements, capacity, one shift at a time), and
// to one who held a place by recording its attendance.
func TestRecordPastWork(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(-6*time.Hour, 4*time.Hour, 2) // 02:00–06:00 UTC today, over
	v := f.volunteer()
	in, out := s.StartsAt.Add(30*time.Minute), s.EndsAt
	a := f.pastWork(s, v, in, out)
	if a.Status != konullu.AssignmentCompleted || a.CreditedMinutes != 210 || a.Presence != konullu.PresenceRecorded {
		t.Fatalf("credited %+v", a)
	}
	vols, _ := f.db.VolunteersByIDs(ctx, []int64{v})
	if vols[v].TotalMinutes != 210 {
		t.Fatalf("total %d minutes", vols[v].TotalMinutes)
	}
	// Again: the same place, corrected.
	again := f.pastWork(s, v, s.StartsAt, s.EndsAt)
	if again.ID != a.ID || again.CreditedMinutes != 240 {
		t.Fatalf("again %+v", again)
	}
	// One who held a place and was marked a no-show: that place.
	held := f.assignedAhead(s, f.volunteer())
	if _, err := f.db.MarkNoShow(ctx, held.ID, "not seen"); err != nil {
		t.Fatal(err)
	}
	corrected := f.pastWork(s, held.VolunteerID, s.StartsAt, s.EndsAt)
	if corrected.ID != held.ID || corrected.Status != konullu.AssignmentCompleted {
		t.Fatalf("no-show corrected %+v", corrected)
	}
	pw := func(v int64, in, out time.Time) error {
		_, err := f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: s.ID, VolunteerID: v, CheckedInAt: in, CheckedOutAt: out})
		return err
	}
	// Full: both places are held.
	wantCode(t, pw(f.volunteer(), s.StartsAt, s.EndsAt), konullu.ECONFLICT)
	// Times: out before in, in the future, outside the shift.
	wide := f.shift(-30*time.Hour, 4*time.Hour, 5)
	w := f.volunteer()
	add := func(err error, code string) { t.Helper(); wantCode(t, err, code) }
	_, err := f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: wide.ID, VolunteerID: w, CheckedInAt: wide.EndsAt, CheckedOutAt: wide.StartsAt})
	add(err, konullu.EINVALID)
	_, err = f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: wide.ID, VolunteerID: w, CheckedInAt: wide.EndsAt.Add(time.Hour), CheckedOutAt: wide.EndsAt.Add(2 * time.Hour)})
	add(err, konullu.EINVALID)
	// Not ended, not yet: assign instead.
	soon := f.shift(-time.Hour, 4*time.Hour, 5)
	_, err = f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: soon.ID, VolunteerID: w, CheckedInAt: soon.StartsAt, CheckedOutAt: f.clock.Now()})
	add(err, konullu.ECONFLICT)
	// Cancelled.
	gone := f.shift(-50*time.Hour, 2*time.Hour, 5)
	if _, err := f.db.CancelShift(ctx, gone.ID, "closed"); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: gone.ID, VolunteerID: w, CheckedInAt: gone.StartsAt, CheckedOutAt: gone.EndsAt})
	add(err, konullu.ECONFLICT)
	// Hours are credited once for a time: not beside another shift then.
	f.pastWork(wide, w, wide.StartsAt, wide.EndsAt)
	twin := f.shift(-29*time.Hour, 2*time.Hour, 5)
	_, err = f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: twin.ID, VolunteerID: w, CheckedInAt: twin.StartsAt, CheckedOutAt: twin.EndsAt})
	add(err, konullu.EOVERLAP)
	// The position's age holds for past work too.
	adults := &konullu.Position{Name: "Queue assistant", MinimumAge: 18}
	if err := f.db.CreatePosition(ctx, adults); err != nil {
		t.Fatal(err)
	}
	forAdults, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: adults.ID, Capacity: 2, Publish: true,
		Periods: []konullu.Period{{StartsAt: wide.StartsAt.Add(-24 * time.Hour), EndsAt: wide.EndsAt.Add(-24 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	young := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = monday.AddDate(-15, 0, 0) })
	_, err = f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: forAdults[0].ID, VolunteerID: young, CheckedInAt: forAdults[0].StartsAt, CheckedOutAt: forAdults[0].EndsAt})
	add(err, konullu.EREQUIREMENT)
	// A withdrawn volunteer gets their row back, completed.
	later := f.shift(20*time.Hour, 2*time.Hour, 5)
	x := f.volunteer()
	left, err := f.db.SignUp(ctx, later.ID, x, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Withdraw(ctx, left.ID, false); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(later.EndsAt.Add(time.Hour))
	back := f.pastWork(later, x, later.StartsAt, later.EndsAt)
	if back.ID != left.ID || back.Status != konullu.AssignmentCompleted || back.CancelledBy != "" {
		t.Fatalf("withdrawn, then credited: %+v", back)
	}
}

// TestCancelledBy: a place cancelled with its shift says the centre
// cancelled it, apart from the volunteer's own withdrawal, a coordinator's
// release and a place given on offer.
func TestCancelledBy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 3)
	self, err := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	if err != nil {
		t.Fatal(err)
	}
	released, _ := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	held, _ := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	if _, err := f.db.Withdraw(ctx, self.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Withdraw(ctx, released.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CancelShift(ctx, s.ID, "the centre is closed"); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.AssignmentsByIDs(ctx, []int64{self.ID, released.ID, held.ID})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]konullu.CancelCause{self.ID: konullu.CancelWithdrawn, released.ID: konullu.CancelReleased,
		held.ID: konullu.CancelShiftCancelled} {
		if a := got[id]; a.Status != konullu.AssignmentCancelled || a.CancelledBy != want {
			t.Errorf("assignment %d: %s by %q, want by %s", id, a.Status, a.CancelledBy, want)
		}
	}
	// Signing up again clears the cause.
	other := f.shift(72*time.Hour, 4*time.Hour, 3)
	a, _ := f.db.SignUp(ctx, other.ID, self.VolunteerID, false)
	if _, err := f.db.Withdraw(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
	a, err = f.db.SignUp(ctx, other.ID, self.VolunteerID, false)
	if err != nil || a.CancelledBy != "" {
		t.Fatalf("back: %+v %v", a, err)
	}
	if list, _ := f.db.AssignmentsByIDs(ctx, []int64{a.ID}); list[a.ID].CancelledBy != "" {
		t.Errorf("back, read again: %+v", list[a.ID])
	}
}

// TestAppLanguage: notifications follow the language a person uses the app
// in until they choose one apart; following again takes the app's.
func TestAppLanguage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "lang@example.az", FullName: "Dil", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	get := func() konullu.NotificationSettings {
		t.Helper()
		m, err := f.db.NotificationSettings(ctx, []int64{u.ID})
		if err != nil {
			t.Fatal(err)
		}
		return m[u.ID]
	}
	if s := get(); s.Language != konullu.LanguageAz || s.LanguageApart || s.AppLanguage != "" {
		t.Fatalf("defaults %+v", s)
	}
	s, err := f.db.SetAppLanguage(ctx, u.ID, konullu.LanguageRu)
	if err != nil || s.Language != konullu.LanguageRu || s.AppLanguage != konullu.LanguageRu || s.LanguageApart {
		t.Fatalf("app in Russian: %+v %v", s, err)
	}
	// Channels changed, the language still follows.
	s.Channels = []konullu.Channel{konullu.ChannelInApp}
	if s, err = f.db.SetNotificationSettings(ctx, u.ID, s); err != nil || s.Language != konullu.LanguageRu || len(s.Channels) != 1 {
		t.Fatalf("channels: %+v %v", s, err)
	}
	// Chosen apart: English, whatever the app says.
	s.Language, s.LanguageApart = konullu.LanguageEn, true
	if _, err := f.db.SetNotificationSettings(ctx, u.ID, s); err != nil {
		t.Fatal(err)
	}
	if s, err = f.db.SetAppLanguage(ctx, u.ID, konullu.LanguageAz); err != nil || s.Language != konullu.LanguageEn || s.AppLanguage != konullu.LanguageAz {
		t.Fatalf("apart: %+v %v", s, err)
	}
	// Following again: the app's.
	s.LanguageApart = false
	if s, err = f.db.SetNotificationSettings(ctx, u.ID, s); err != nil || s.Language != konullu.LanguageAz || s.LanguageApart {
		t.Fatalf("following again: %+v %v", s, err)
	}
	// And the app switched again: the notifications follow.
	if s, err = f.db.SetAppLanguage(ctx, u.ID, konullu.LanguageEn); err != nil || s.Language != konullu.LanguageEn {
		t.Fatalf("the app in English again: %+v %v", s, err)
	}
	_, err = f.db.SetAppLanguage(ctx, u.ID, "fr")
	wantCode(t, err, konullu.EINVALID)
}

// TestRosterProposalForEndedShift: a roster plan's proposal applied after
// its shift ended gives no place.
func TestRosterProposalForEndedShift(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(2*time.Hour, 4*time.Hour, 1)
	v := f.volunteer()
	f.available(v, allWeek())
	p := f.plan(f.clock.Now(), f.clock.Now().Add(24*time.Hour))
	if len(p.Proposals) != 1 || p.Proposals[0].ShiftID != s.ID {
		t.Fatalf("proposals %+v", p.Proposals)
	}
	f.clock.Set(s.EndsAt)
	_, err := f.db.AssignRosterProposal(ctx, p.Proposals[0], time.UTC)
	wantCode(t, err, konullu.ESHIFTENDED)
}
