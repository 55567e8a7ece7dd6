package schema_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// eventRecorder is an EventPublisher that remembers what it was told.
type eventRecorder struct {
	mu       sync.Mutex
	centre   []konullu.CentreEvent
	notes    []konullu.NotificationEvent
	accounts []int64
}

func (r *eventRecorder) PublishCentreEvent(_ context.Context, e konullu.CentreEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.centre = append(r.centre, e)
	return nil
}

func (r *eventRecorder) PublishNotification(_ context.Context, n konullu.NotificationEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, n)
	return nil
}

func (r *eventRecorder) PublishAccountChange(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.accounts = append(r.accounts, id)
	return nil
}

// take returns the centre events so far, without their times, and forgets them.
func (r *eventRecorder) take() []konullu.CentreEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.centre
	r.centre = nil
	for i := range out {
		out[i].At = time.Time{}
	}
	return out
}

// TestCentreEventsFromMutations: each change at a centre is announced once
// it committed, with the centre, shift and assignment; a refused change
// announces nothing; a promotion made inside the store is announced too.
func TestCentreEventsFromMutations(t *testing.T) {
	rec := &eventRecorder{}
	e := newEnv(t, withEvents(rec))
	admin := e.admin()
	c := e.centre("ASAN Xidmət 1", "Asia/Baku")
	p := e.position("Greeter")
	s := e.shift(c, p, t0.Add(48*time.Hour), 1, true)
	ua := e.account("aysel@example.az", "Aysel Məmmədova")
	ub := e.account("bahar@example.az", "Bahar Əliyeva")
	ta, tb := e.login(ua.Email), e.login(ub.Email)
	rec.take()

	signUp := `mutation($s: ID!) { signUp(shiftId: $s) { id status } }`
	var a struct{ SignUp struct{ ID, Status string } }
	e.post(ta, signUp, map[string]any{"s": gid("Shift", s.ID)}).ok(t, &a)
	var b struct{ SignUp struct{ ID, Status string } }
	e.post(tb, signUp, map[string]any{"s": gid("Shift", s.ID)}).ok(t, &b)
	if b.SignUp.Status != "WAITLISTED" {
		t.Fatalf("second signup: %+v", b)
	}
	aID, bID := assignmentIDOf(t, e, ua), assignmentIDOf(t, e, ub)
	want := []konullu.CentreEvent{
		{Kind: konullu.CentreSignedUp, CentreID: c.ID, ShiftID: s.ID, AssignmentID: aID},
		{Kind: konullu.CentreWaitlisted, CentreID: c.ID, ShiftID: s.ID, AssignmentID: bID},
	}
	if got := rec.take(); !slices.Equal(got, want) {
		t.Fatalf("signups announced %+v, want %+v", got, want)
	}

	// Bahar may not check Aysel in: refused, nothing announced.
	e.post(tb, `mutation($a: ID!) { checkIn(assignmentId: $a) { id } }`, map[string]any{"a": a.SignUp.ID}).wantError(t, konullu.ENOTFOUND, "")
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("a refused check-in announced %+v", got)
	}

	// Aysel withdraws; the store promotes Bahar in the same transaction.
	e.post(ta, `mutation($a: ID!) { withdraw(assignmentId: $a) { status } }`, map[string]any{"a": a.SignUp.ID}).ok(t, nil)
	want = []konullu.CentreEvent{
		{Kind: konullu.CentrePromoted, CentreID: c.ID, ShiftID: s.ID, AssignmentID: bID},
		{Kind: konullu.CentreWithdrawn, CentreID: c.ID, ShiftID: s.ID, AssignmentID: aID},
	}
	if got := rec.take(); !slices.Equal(got, want) {
		t.Fatalf("withdrawal announced %+v, want %+v", got, want)
	}

	e.post(admin, `mutation($s: ID!) { cancelShift(id: $s, reason: "flood") { status } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	want = []konullu.CentreEvent{{Kind: konullu.CentreShiftCancelled, CentreID: c.ID, ShiftID: s.ID}}
	if got := rec.take(); !slices.Equal(got, want) {
		t.Fatalf("cancellation announced %+v, want %+v", got, want)
	}

	// Suspending an account tells its subscriptions to check their rights.
	e.post(admin, `mutation($u: ID!) { suspendUser(userId: $u, reason: "test") { suspended } }`, map[string]any{"u": gid("User", ub.ID)}).ok(t, nil)
	rec.mu.Lock()
	accounts := slices.Clone(rec.accounts)
	rec.mu.Unlock()
	if !slices.Contains(accounts, ub.ID) {
		t.Fatalf("suspension announced for %v, want user %d", accounts, ub.ID)
	}
}

// assignmentIDOf returns the id of the user's only assignment.
func assignmentIDOf(t *testing.T, e *env, u *konullu.User) int64 {
	t.Helper()
	list, err := e.db.AssignmentsOfVolunteer(context.Background(), u.VolunteerID, t0.Add(-24*time.Hour), t0.Add(30*24*time.Hour))
	if err != nil || len(list) != 1 {
		t.Fatalf("assignments of %d: %v %v", u.ID, list, err)
	}
	return list[0].ID
}
