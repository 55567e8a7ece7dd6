package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// TestConsentCentres: a minor is tied to a centre for recording consent by
// a place there that is not cancelled (drafts too) or by an application (a
// signup refused for want of consent), each for 90 days.
func TestConsentCentres(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	minor := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC) })
	ties := func(want ...int64) {
		t.Helper()
		got, err := f.db.ConsentCentres(ctx, minor)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("consent centres %v, want %v", got, want)
		}
	}
	ties()
	s := f.shift(48*time.Hour, 4*time.Hour, 5)
	if _, err := f.db.SignUp(ctx, s.ID, minor, true); err == nil {
		t.Fatal("a minor without consent was assigned")
	}
	ties() // a coordinator's attempt is no application
	if _, err := f.db.SignUp(ctx, s.ID, minor, false); err == nil {
		t.Fatal("a minor without consent signed up")
	}
	ties(f.centre.ID)
	f.clock.Set(monday.Add(konullu.ConsentTieWindow + time.Hour))
	ties() // the application is old

	// A place in a draft ties; a cancelled one does not.
	now := f.clock.Now()
	drafts, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 3,
		Periods: []konullu.Period{{StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(28 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: minor, GuardianName: "Leyla", Relationship: "mother"}); err != nil {
		t.Fatal(err)
	}
	a, err := f.db.SignUp(ctx, drafts[0].ID, minor, true)
	if err != nil {
		t.Fatal(err)
	}
	ties(f.centre.ID)
	if _, err := f.db.Withdraw(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	ties()
}

// TestGuardianConsentHistory: each record supersedes the one before, which
// is kept with its recorder; deleting the account erases the history too.
func TestGuardianConsentHistory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	minor := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC) })
	coordA, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "a@konullu.az", FullName: "Kamal A", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	coordB, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "b@konullu.az", FullName: "Leyla B", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []konullu.GuardianConsent{
		{VolunteerID: minor, GuardianName: "First Guardian", Relationship: "mother", Contact: "+994 50 1", RecordedBy: coordA.ID},
		{VolunteerID: minor, GuardianName: "Second Guardian", Relationship: "father", RecordedBy: coordB.ID},
		{VolunteerID: minor, GuardianName: "Third Guardian", Relationship: "legal guardian", RecordedBy: coordA.ID},
	} {
		f.clock.Set(monday.Add(time.Duration(i) * time.Hour))
		if _, err := f.db.RecordGuardianConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	h, err := f.db.GuardianConsentHistory(ctx, []int64{minor})
	if err != nil {
		t.Fatal(err)
	}
	list := h[minor]
	if len(list) != 3 {
		t.Fatalf("history of %d records, want 3", len(list))
	}
	type row struct {
		name, by     string
		recorded     time.Time
		superseded   *time.Time
		supersededBy int64
	}
	at := func(h int) *time.Time { t := monday.Add(time.Duration(h) * time.Hour).UTC(); return &t }
	want := []row{
		{"Third Guardian", "Kamal A", *at(2), nil, 0},
		{"Second Guardian", "Leyla B", *at(1), at(2), coordA.ID},
		{"First Guardian", "Kamal A", *at(0), at(1), coordB.ID},
	}
	for i, c := range list {
		got := row{c.GuardianName, c.RecordedByName, c.RecordedAt.UTC(), c.SupersededAt, c.SupersededBy}
		w := want[i]
		if got.name != w.name || got.by != w.by || !got.recorded.Equal(w.recorded) || got.supersededBy != w.supersededBy ||
			(got.superseded == nil) != (w.superseded == nil) || got.superseded != nil && !got.superseded.Equal(*w.superseded) {
			t.Errorf("record %d: got %+v, want %+v", i, got, w)
		}
	}
	if list[2].Contact != "+994 50 1" {
		t.Errorf("the superseded record lost its contact: %+v", list[2])
	}

	users, err := f.db.VolunteersByIDs(ctx, []int64{minor})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.DeleteAccount(ctx, users[minor].UserID); err != nil {
		t.Fatal(err)
	}
	if all := dumpAll(t, f.db); containsAny(all, "First Guardian", "Second Guardian", "Third Guardian") {
		t.Error("the deleted minor's guardians are still in the database")
	}
}

func containsAny(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(x string) bool { return strings.Contains(s, x) })
}
