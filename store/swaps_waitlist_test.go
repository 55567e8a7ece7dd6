package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// centreEvents records what the store announces to live subscribers.
type centreEvents struct {
	mu     sync.Mutex
	centre []konullu.CentreEvent
}

func (r *centreEvents) PublishCentreEvent(_ context.Context, e konullu.CentreEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.centre = append(r.centre, e)
	return nil
}
func (r *centreEvents) PublishNotification(context.Context, konullu.NotificationEvent) error {
	return nil
}
func (r *centreEvents) PublishAccountChange(context.Context, int64) error { return nil }

// take returns "KIND assignment" of each event so far and forgets them.
func (r *centreEvents) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.centre {
		out = append(out, fmt.Sprintf("%s %d", e.Kind, e.AssignmentID))
	}
	r.centre = nil
	return out
}

// exec runs SQL written with ? on either database.
func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if f.db.Dialect() == "postgres" {
		var b strings.Builder
		n := 0
		for _, r := range query {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		query = b.String()
	}
	for i, a := range args {
		if tm, ok := a.(time.Time); ok && f.db.Dialect() != "postgres" {
			args[i] = tm.UTC().Format("2006-01-02T15:04:05.000000Z") // as the store writes times in SQLite
		}
	}
	if _, err := f.db.SQL().Exec(query, args...); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) statuses(ids ...int64) []konullu.AssignmentStatus {
	f.t.Helper()
	m, err := f.db.AssignmentsByIDs(context.Background(), ids)
	if err != nil {
		f.t.Fatal(err)
	}
	out := make([]konullu.AssignmentStatus, len(ids))
	for i, id := range ids {
		out[i] = m[id].Status
	}
	return out
}

func sameStatuses(got []konullu.AssignmentStatus, want ...konullu.AssignmentStatus) bool {
	return fmt.Sprint(got) == fmt.Sprint(want)
}

// TestOfferWaitlistComesFirst: the rule between an offered place and its
// shift's waitlist. People on a waitlist signed up to come and queued first
// come, first served; an offered place is one its holder gives up. So the
// waitlist comes first, as a withdrawal would move it: an offer on a shift
// with a waitlist gives the place at once to the first waitlisted volunteer
// who could come (the offer is TAKEN by them, the offerer released and told
// PLACE_TAKEN, nobody else told of the offer); a volunteer joining the
// waitlist of a shift whose place is on offer gets that place; and an offer
// beside a waitlist (made before this rule, or whose first waiting
// volunteer has only now become free) goes to the waitlist when someone
// tries to take it, and at the next run of the place-offers job.
func TestOfferWaitlistComesFirst(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	rec := &centreEvents{}
	f.db.SetEvents(rec)
	s := f.shift(48*time.Hour, 4*time.Hour, 1)
	offerer, first, second := f.volunteer(), f.volunteer(), f.volunteer()
	a, err := f.db.SignUp(ctx, s.ID, offerer, false)
	if err != nil {
		t.Fatal(err)
	}
	w1, err := f.db.SignUp(ctx, s.ID, first, false)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := f.db.SignUp(ctx, s.ID, second, false)
	if err != nil || w2.WaitlistPosition != 2 {
		t.Fatalf("second waiting: %+v %v", w2, err)
	}
	rec.take()

	t.Run("OfferGoesToTheFirstWaiting", func(t *testing.T) {
		outsider := f.volunteer()
		o, err := f.db.OfferPlace(ctx, a.ID, []int64{outsider, first, second})
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != konullu.OfferTaken || o.TakenBy != first {
			t.Fatalf("offer %+v, want TAKEN by the first waiting (%d)", o, first)
		}
		if got := f.statuses(a.ID, w1.ID, w2.ID); !sameStatuses(got, konullu.AssignmentCancelled, konullu.AssignmentConfirmed, konullu.AssignmentWaitlisted) {
			t.Fatalf("offerer, first, second: %v", got)
		}
		if m, _ := f.db.AssignmentsByIDs(ctx, []int64{w2.ID}); m[w2.ID].WaitlistPosition != 1 {
			t.Fatalf("second is #%d in the queue, want #1", m[w2.ID].WaitlistPosition)
		}
		if told := outboxKinds(t, f, konullu.NotifyPlaceOffered); len(told) != 0 {
			t.Fatalf("PLACE_OFFERED to %v: nobody should be asked to take a place the waitlist took", told)
		}
		if told := outboxKinds(t, f, konullu.NotifyPlaceTaken); told[f.userOf(offerer)] != 1 || len(told) != 1 {
			t.Fatalf("PLACE_TAKEN to %v, want the offerer once", told)
		}
		if told := outboxKinds(t, f, konullu.NotifyPromoted); told[f.userOf(first)] != 1 || len(told) != 1 {
			t.Fatalf("PROMOTED to %v, want the first waiting once", told)
		}
		want := []string{fmt.Sprintf("WITHDRAWN %d", a.ID), fmt.Sprintf("PROMOTED %d", w1.ID)}
		if got := rec.take(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("events %v, want %v", got, want)
		}
		shifts, _ := f.db.ShiftsByIDs(ctx, []int64{s.ID})
		if c := shifts[s.ID].ConfirmedCount; c != 1 {
			t.Fatalf("shift holds %d places, want its 1", c)
		}
	})

	t.Run("JoiningTheWaitlistTakesTheOfferedPlace", func(t *testing.T) {
		// The second waiting gets the first's place the same way; then
		// nobody waits, and the next offer stays open.
		if o, err := f.db.OfferPlace(ctx, w1.ID, nil); err != nil || o.Status != konullu.OfferTaken || o.TakenBy != second {
			t.Fatalf("offer of the first: %+v %v", o, err)
		}
		o, err := f.db.OfferPlace(ctx, w2.ID, nil)
		if err != nil || o.Status != konullu.OfferOpen {
			t.Fatalf("offer with nobody waiting: %+v %v", o, err)
		}
		rec.take()
		late := f.volunteer()
		got, err := f.db.SignUp(ctx, s.ID, late, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != konullu.AssignmentConfirmed || got.WaitlistPosition != 0 {
			t.Fatalf("joining a full shift with a place on offer: %s #%d, want CONFIRMED", got.Status, got.WaitlistPosition)
		}
		held, _ := f.db.AssignmentsByIDs(ctx, []int64{got.ID})
		if held[got.ID].Status != got.Status || held[got.ID].WaitlistPosition != 0 {
			t.Fatalf("answered %s, the database holds %s #%d", got.Status, held[got.ID].Status, held[got.ID].WaitlistPosition)
		}
		if got := f.statuses(w2.ID); got[0] != konullu.AssignmentCancelled {
			t.Fatalf("the offerer is %s, want CANCELLED", got[0])
		}
		offers, _ := f.db.PlaceOffersByIDs(ctx, []int64{o.ID})
		if offers[o.ID].Status != konullu.OfferTaken || offers[o.ID].TakenBy != late {
			t.Fatalf("offer after: %+v", offers[o.ID])
		}
		// The signup's own event is the API's (SIGNED_UP); the store says the offerer left.
		if got, want := rec.take(), []string{fmt.Sprintf("WITHDRAWN %d", w2.ID)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("events %v, want %v", got, want)
		}
		if told := outboxKinds(t, f, konullu.NotifySignupConfirmed); told[f.userOf(late)] != 1 {
			t.Fatalf("SIGNUP_CONFIRMED to %v, want the newcomer", told)
		}
	})

	t.Run("TakingBesideAWaitlist", func(t *testing.T) {
		// An offer made before the rule, beside a waitlist: an outsider
		// trying to take it is refused and the place goes to the queue.
		s := f.shift(72*time.Hour, 4*time.Hour, 1)
		holder, waiting, outsider := f.volunteer(), f.volunteer(), f.volunteer()
		h, _ := f.db.SignUp(ctx, s.ID, holder, false)
		w, _ := f.db.SignUp(ctx, s.ID, waiting, false)
		f.exec(`INSERT INTO place_offers (assignment_id, shift_id, volunteer_id, status, created_at, expires_at) VALUES (?, ?, ?, 'OPEN', ?, ?)`,
			h.ID, s.ID, holder, f.clock.Now(), s.StartsAt.Add(-3*time.Hour))
		open, err := f.db.PlaceOffersOfAssignments(ctx, []int64{h.ID})
		if err != nil {
			t.Fatal(err)
		}
		o := open[h.ID]
		_, err = f.db.TakePlace(ctx, o.ID, outsider)
		wantCode(t, err, konullu.ECONFLICT)
		if !strings.Contains(err.Error(), "waitlist") {
			t.Fatalf("the outsider is told %q, want it to say the waitlist took the place", err)
		}
		if got := f.statuses(h.ID, w.ID); !sameStatuses(got, konullu.AssignmentCancelled, konullu.AssignmentConfirmed) {
			t.Fatalf("holder, waiting: %v", got)
		}
	})

	t.Run("TheJobGivesWhatNobodySaw", func(t *testing.T) {
		s := f.shift(96*time.Hour, 4*time.Hour, 1)
		holder, waiting := f.volunteer(), f.volunteer()
		h, _ := f.db.SignUp(ctx, s.ID, holder, false)
		w, _ := f.db.SignUp(ctx, s.ID, waiting, false)
		f.exec(`INSERT INTO place_offers (assignment_id, shift_id, volunteer_id, status, created_at, expires_at) VALUES (?, ?, ?, 'OPEN', ?, ?)`,
			h.ID, s.ID, holder, f.clock.Now(), s.StartsAt.Add(-3*time.Hour))
		var wg sync.WaitGroup
		counts := make([]int, 3)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := f.db.GiveOffersToWaitlists(ctx, f.clock.Now())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1]+counts[2] != 1 {
			t.Fatalf("given %v, want one place once", counts)
		}
		if got := f.statuses(h.ID, w.ID); !sameStatuses(got, konullu.AssignmentCancelled, konullu.AssignmentConfirmed) {
			t.Fatalf("holder, waiting: %v", got)
		}
	})
}
