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

// outboxKinds counts the outbox rows of a kind by recipient user.
func outboxKinds(t *testing.T, f *fixture, kind konullu.NotificationKind) map[int64]int {
	t.Helper()
	rows, err := f.db.SQL().Query(`SELECT user_id FROM outbox WHERE kind = `+map[bool]string{true: "$1", false: "?"}[f.db.Dialect() == "postgres"]+` AND channel = 'IN_APP'`, string(kind))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		out[u]++
	}
	return out
}

func (f *fixture) userOf(volunteerID int64) int64 {
	f.t.Helper()
	m, err := f.db.VolunteersByIDs(context.Background(), []int64{volunteerID})
	if err != nil || m[volunteerID] == nil {
		f.t.Fatalf("volunteer %d: %v", volunteerID, err)
	}
	return m[volunteerID].UserID
}

// TestTakePlaceRace: many volunteers take one offered place at once, each
// in its own transaction (on PostgreSQL with KONULLU_TEST_DATABASE_URL,
// really concurrently): exactly one gets it, every other is told CONFLICT,
// the offerer is released, and the shift never holds more than its places.
func TestTakePlaceRace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 2)
	offerer, other := f.volunteer(), f.volunteer()
	a, err := f.db.SignUp(ctx, s.ID, offerer, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SignUp(ctx, s.ID, other, false); err != nil {
		t.Fatal(err)
	}
	var takers []int64
	for range 8 {
		takers = append(takers, f.volunteer())
	}
	o, err := f.db.OfferPlace(ctx, a.ID, takers[:2])
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != konullu.OfferOpen || !o.ExpiresAt.Equal(s.StartsAt.Add(-3*time.Hour)) {
		t.Fatalf("offer %+v", o)
	}
	// Offered, the place is still the offerer's.
	if got, _ := f.db.AssignmentsByIDs(ctx, []int64{a.ID}); got[a.ID].Status != konullu.AssignmentConfirmed {
		t.Fatalf("offered place is %s", got[a.ID].Status)
	}
	if told := outboxKinds(t, f, konullu.NotifyPlaceOffered); len(told) != 2 {
		t.Fatalf("told %v, want the two candidates", told)
	}
	// A repeated offer returns the open one and tells nobody again.
	if again, err := f.db.OfferPlace(ctx, a.ID, takers); err != nil || again.ID != o.ID {
		t.Fatalf("repeated offer: %+v %v", again, err)
	}
	if told := outboxKinds(t, f, konullu.NotifyPlaceOffered); len(told) != 2 {
		t.Fatalf("a repeated offer told %v", told)
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]error, len(takers))
	got := make([]*konullu.Assignment, len(takers))
	for i, v := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i], results[i] = f.db.TakePlace(ctx, o.ID, v)
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range results {
		switch konullu.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Fatalf("two takers got the place: %d and %d", takers[winner], takers[i])
			}
			winner = i
		case konullu.ECONFLICT:
			// The second taker is told why, in words.
			if !strings.Contains(err.Error(), "someone else took this place first") {
				t.Fatalf("taker %d is told %q, want that someone else took the place first", i, err)
			}
		default:
			t.Fatalf("taker %d: want CONFLICT, got %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("nobody got the place")
	}
	if got[winner].Status != konullu.AssignmentConfirmed || got[winner].VolunteerID != takers[winner] {
		t.Fatalf("winner's assignment %+v", got[winner])
	}
	after, _ := f.db.AssignmentsByIDs(ctx, []int64{a.ID})
	if after[a.ID].Status != konullu.AssignmentCancelled || after[a.ID].CreditedMinutes != 0 {
		t.Fatalf("offerer is %s, want CANCELLED with no minutes", after[a.ID].Status)
	}
	shifts, _ := f.db.ShiftsByIDs(ctx, []int64{s.ID})
	if c := shifts[s.ID].ConfirmedCount; c != 2 {
		t.Fatalf("shift holds %d places, want its 2", c)
	}
	offers, _ := f.db.PlaceOffersByIDs(ctx, []int64{o.ID})
	if offers[o.ID].Status != konullu.OfferTaken || offers[o.ID].TakenBy != takers[winner] {
		t.Fatalf("offer after: %+v", offers[o.ID])
	}
	if told := outboxKinds(t, f, konullu.NotifyPlaceTaken); told[f.userOf(offerer)] != 1 || len(told) != 1 {
		t.Fatalf("PLACE_TAKEN to %v, want the offerer once", told)
	}
	// Taking again, by the winner or anyone: CONFLICT.
	_, err = f.db.TakePlace(ctx, o.ID, takers[winner])
	wantCode(t, err, konullu.ECONFLICT)
}

func TestTakePlaceRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 1)
	offerer := f.volunteer()
	a, err := f.db.SignUp(ctx, s.ID, offerer, false)
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.db.OfferPlace(ctx, a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrOwnOffer", func(t *testing.T) {
		_, err := f.db.TakePlace(ctx, o.ID, offerer)
		wantCode(t, err, konullu.ECONFLICT)
	})
	t.Run("ErrOverlap", func(t *testing.T) {
		v := f.volunteer()
		busy := f.shift(49*time.Hour, 2*time.Hour, 5)
		if _, err := f.db.SignUp(ctx, busy.ID, v, false); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.TakePlace(ctx, o.ID, v)
		wantCode(t, err, konullu.EOVERLAP)
		if ok, err := f.db.OpenPlaceOffers(ctx, konullu.OfferFilter{VolunteerID: v, Now: f.clock.Now()}); err != nil || len(ok) != 0 {
			t.Fatalf("a busy volunteer is shown %d offers (%v)", len(ok), err)
		}
	})
	t.Run("ErrCommitment", func(t *testing.T) {
		v := f.volunteer()
		if _, err := f.db.SetCommitment(ctx, konullu.Commitment{VolunteerID: v, MaxMinutesPerWeek: 120}); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.TakePlace(ctx, o.ID, v)
		wantCode(t, err, konullu.EREQUIREMENT)
		// Nor is the offer put to them: neither told nor listed.
		if ids, err := f.db.OfferCandidates(ctx, o.AssignmentID, []int64{v}, 10); err != nil || len(ids) != 0 {
			t.Fatalf("candidates %v (%v), want none: the place would exceed the commitment", ids, err)
		}
		if list, err := f.db.OpenPlaceOffers(ctx, konullu.OfferFilter{VolunteerID: v, Now: f.clock.Now()}); err != nil || len(list) != 0 {
			t.Fatalf("a volunteer at their weekly limit is shown %d offers (%v)", len(list), err)
		}
	})
	t.Run("ErrMinor", func(t *testing.T) {
		v := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = f.clock.Now().AddDate(-16, 0, 0) })
		_, err := f.db.TakePlace(ctx, o.ID, v)
		wantCode(t, err, konullu.EREQUIREMENT)
		ids, err := f.db.OfferCandidates(ctx, a.ID, []int64{v, offerer}, 10)
		if err != nil || len(ids) != 0 {
			t.Fatalf("candidates %v (%v), want none: a minor without consent, and the offerer", ids, err)
		}
	})
	t.Run("OKListedThenExpired", func(t *testing.T) {
		v := f.volunteer()
		list, err := f.db.OpenPlaceOffers(ctx, konullu.OfferFilter{VolunteerID: v, Now: f.clock.Now()})
		if err != nil || len(list) != 1 || list[0].ID != o.ID {
			t.Fatalf("open offers %v (%v)", list, err)
		}
		if ids, _ := f.db.OfferCandidates(ctx, a.ID, []int64{v}, 10); len(ids) != 1 {
			t.Fatalf("candidates %v", ids)
		}
		// At the cut-off the offer can no longer be taken, even before the job ran.
		f.clock.Set(o.ExpiresAt)
		_, err = f.db.TakePlace(ctx, o.ID, v)
		wantCode(t, err, konullu.ECONFLICT)
		if list, _ := f.db.OpenPlaceOffers(ctx, konullu.OfferFilter{VolunteerID: v, Now: f.clock.Now()}); len(list) != 0 {
			t.Fatalf("an expired offer is listed")
		}
	})
}

// TestExpirePlaceOffers: the job expires open offers at the cut-off, once
// however often it runs, and tells the offerer and the coordinators.
func TestExpirePlaceOffers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 2)
	offerer := f.volunteer()
	a, err := f.db.SignUp(ctx, s.ID, offerer, false)
	if err != nil {
		t.Fatal(err)
	}
	coord, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "coord@example.az", FullName: "Koordinator", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{f.centre.ID}); err != nil {
		t.Fatal(err)
	}
	rec := &centreEvents{}
	f.db.SetEvents(rec)
	o, err := f.db.OfferPlace(ctx, a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Withdrawn and offered again: only the open offer expires.
	if _, err := f.db.WithdrawOffer(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	o2, err := f.db.OfferPlace(ctx, a.ID, nil)
	if err != nil || o2.ID == o.ID {
		t.Fatalf("offer again: %+v %v", o2, err)
	}
	if n, err := f.db.ExpirePlaceOffers(ctx, o2.ExpiresAt.Add(-time.Second)); err != nil || n != 0 {
		t.Fatalf("before the cut-off: %d %v", n, err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 3)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := f.db.ExpirePlaceOffers(ctx, o2.ExpiresAt.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	if counts[0]+counts[1]+counts[2] != 1 {
		t.Fatalf("expired %v, want one offer once", counts)
	}
	offers, _ := f.db.PlaceOffersByIDs(ctx, []int64{o.ID, o2.ID})
	if offers[o.ID].Status != konullu.OfferWithdrawn || offers[o2.ID].Status != konullu.OfferExpired {
		t.Fatalf("offers %s and %s", offers[o.ID].Status, offers[o2.ID].Status)
	}
	told := outboxKinds(t, f, konullu.NotifyOfferExpired)
	if told[coord.ID] != 1 || told[f.userOf(offerer)] != 1 || len(told) != 2 {
		t.Fatalf("OFFER_EXPIRED to %v, want the coordinator %d and the offerer once", told, coord.ID)
	}
	if got, _ := f.db.AssignmentsByIDs(ctx, []int64{a.ID}); got[a.ID].Status != konullu.AssignmentConfirmed {
		t.Fatalf("after expiry the place is %s, want still the offerer's", got[a.ID].Status)
	}
	// The centre's live views hear of it once, about the offerer's place.
	var expired []string
	for _, e := range rec.take() {
		if strings.HasPrefix(e, string(konullu.CentrePlaceOfferExpired)) {
			expired = append(expired, e)
		}
	}
	if want := fmt.Sprintf("PLACE_OFFER_EXPIRED %d", a.ID); len(expired) != 1 || expired[0] != want {
		t.Fatalf("expiry events %v, want one %s", expired, want)
	}
}

// TestOfferClosedWithPlace: withdrawing the place (or a cancelled shift)
// closes its offer, so nobody can take a place no longer held.
func TestOfferClosedWithPlace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 1)
	a, err := f.db.SignUp(ctx, s.ID, f.volunteer(), false)
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.db.OfferPlace(ctx, a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Withdraw(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.TakePlace(ctx, o.ID, f.volunteer())
	wantCode(t, err, konullu.ECONFLICT)
	offers, _ := f.db.PlaceOffersByIDs(ctx, []int64{o.ID})
	if offers[o.ID].Status != konullu.OfferWithdrawn {
		t.Fatalf("offer is %s", offers[o.ID].Status)
	}
	// A place inside the cut-off cannot be offered.
	late := f.shift(2*time.Hour, 4*time.Hour, 1)
	b, err := f.db.SignUp(ctx, late.ID, f.volunteer(), false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.db.OfferPlace(ctx, b.ID, nil)
	wantCode(t, err, konullu.ESIGNUPCLOSED)
}
