package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
)

func names(list []*konullu.Volunteer) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = v.FullName
	}
	return out
}

func TestFindVolunteers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	named := func(name string, mods ...func(*konullu.NewAccount)) int64 {
		return f.volunteer(append([]func(*konullu.NewAccount){func(a *konullu.NewAccount) { a.FullName = name }}, mods...)...)
	}
	aysel := named("Aysel Məmmədova")
	ivan := named("Иван Петров")
	ilqar := named("İlqar ŞAHİN")
	named("Rəşad 100%_Əliyev")
	pending := named("Zaur Pending", func(a *konullu.NewAccount) { a.Status = konullu.VolunteerPending })
	// 16 on monday (2030-03-04).
	teen := named("Nigar Teen", func(a *konullu.NewAccount) { a.BirthDate = time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC) })
	noBirth := named("No Birth Date", func(a *konullu.NewAccount) { a.BirthDate = time.Time{} })
	// 18 today exactly: no consent needed; 18 tomorrow: still a minor.
	named("Eighteen Today", func(a *konullu.NewAccount) { a.BirthDate = time.Date(2012, 3, 4, 0, 0, 0, 0, time.UTC) })
	tomorrow := named("Eighteen Tomorrow", func(a *konullu.NewAccount) { a.BirthDate = time.Date(2012, 3, 5, 0, 0, 0, 0, time.UTC) })
	// A deleted account leaves an anonymous row behind: never listed.
	gone := named("Gone Soon")
	vols, err := f.db.VolunteersByIDs(ctx, []int64{gone})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.DeleteAccount(ctx, vols[gone].UserID); err != nil {
		t.Fatal(err)
	}

	find := func(t *testing.T, flt konullu.VolunteerFilter) ([]*konullu.Volunteer, int) {
		t.Helper()
		if flt.Now.IsZero() {
			flt.Now = f.clock.Now()
		}
		list, total, err := f.db.FindVolunteers(ctx, flt)
		if err != nil {
			t.Fatal(err)
		}
		return list, total
	}

	t.Run("AllOrderedWithoutAnonymised", func(t *testing.T) {
		list, total := find(t, konullu.VolunteerFilter{Limit: 100})
		if total != 9 || len(list) != 9 {
			t.Fatalf("total %d, got %v", total, names(list))
		}
		for i, v := range list {
			if v.FullName == store.AnonymousName {
				t.Fatalf("anonymised row listed: %v", names(list))
			}
			if i > 0 && list[i-1].FullName > v.FullName {
				t.Fatalf("not ordered by name: %v", names(list))
			}
		}
	})
	t.Run("SearchUnicode", func(t *testing.T) {
		for _, q := range []string{"məm", "MƏM", "Məmmədova", "aysel"} {
			list, total := find(t, konullu.VolunteerFilter{Search: q})
			if total != 1 || len(list) != 1 || list[0].ID != aysel {
				t.Errorf("%q: %d %v", q, total, names(list))
			}
		}
		// Case differences beyond ASCII, on both databases (SQLite's own
		// lower() folds ASCII only; FindVolunteers folds in Go there).
		for q, want := range map[string]int64{"иван": ivan, "ПЕТРОВ": ivan, "петров": ivan, "ilqar": ilqar, "şahin": ilqar, "Şahİn": ilqar} {
			list, total := find(t, konullu.VolunteerFilter{Search: q})
			if total != 1 || len(list) != 1 || list[0].ID != want {
				t.Errorf("%q: %d %v", q, total, names(list))
			}
		}
		// With the other filters and pages.
		list, total := find(t, konullu.VolunteerFilter{Search: "E", Limit: 2})
		all, _ := find(t, konullu.VolunteerFilter{Search: "E", Limit: 100})
		if total < 4 || len(list) != 2 || len(all) != total {
			t.Fatalf("e: %d %v %v", total, names(list), names(all))
		}
		next, _ := find(t, konullu.VolunteerFilter{Search: "E", Limit: 100, After: &konullu.VolunteerCursor{FullName: list[1].FullName, ID: list[1].ID}})
		if fmt.Sprint(append(names(list), names(next)...)) != fmt.Sprint(names(all)) {
			t.Fatalf("pages %v + %v, want %v", names(list), names(next), names(all))
		}
		if list, _ := find(t, konullu.VolunteerFilter{Search: "pending", Status: konullu.VolunteerActive}); len(list) != 0 {
			t.Fatalf("status and search: %v", names(list))
		}
	})
	t.Run("SearchIsLiteral", func(t *testing.T) {
		for q, want := range map[string]int{"%": 1, "_": 1, "100%_": 1, "a%d": 0, "n_g": 0, `\`: 0} {
			if list, total := find(t, konullu.VolunteerFilter{Search: q}); total != want || len(list) != want {
				t.Errorf("%q: %d %v, want %d", q, total, names(list), want)
			}
		}
	})
	t.Run("Status", func(t *testing.T) {
		list, total := find(t, konullu.VolunteerFilter{Status: konullu.VolunteerPending})
		if total != 1 || len(list) != 1 || list[0].ID != pending {
			t.Fatalf("%d %v", total, names(list))
		}
	})
	t.Run("NeedsGuardianConsent", func(t *testing.T) {
		// Minors, and those whose age is unknown (konullu.NeedsGuardianConsent).
		list, total := find(t, konullu.VolunteerFilter{NeedsGuardianConsent: true})
		if total != 3 || len(list) != 3 || list[0].ID != tomorrow || list[1].ID != teen || list[2].ID != noBirth {
			t.Fatalf("%d %v", total, names(list))
		}
		// At 00:30 on the 5th in Baku (20:30 UTC on the 4th) the one born on
		// 5 March is 18 in the deployment's zone, not yet in UTC.
		late := time.Date(2030, 3, 4, 20, 30, 0, 0, time.UTC)
		list, _ = find(t, konullu.VolunteerFilter{NeedsGuardianConsent: true, Now: late, Location: konullu.ZoneLocation("Asia/Baku")})
		if len(list) != 2 || list[0].ID != teen {
			t.Fatalf("00:30 in Baku: %v", names(list))
		}
		list, _ = find(t, konullu.VolunteerFilter{NeedsGuardianConsent: true, Now: late, Location: time.UTC})
		if len(list) != 3 || list[0].ID != tomorrow {
			t.Fatalf("20:30 in UTC: %v", names(list))
		}
		if _, err := f.db.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: teen, GuardianName: "Leyla", Relationship: "mother"}); err != nil {
			t.Fatal(err)
		}
		list, total = find(t, konullu.VolunteerFilter{NeedsGuardianConsent: true})
		if total != 2 || len(list) != 2 || list[0].ID != tomorrow || list[1].ID != noBirth {
			t.Fatalf("after consent: %d %v", total, names(list))
		}
		// The next day the other one is 18; the unknown age stays.
		list, _ = find(t, konullu.VolunteerFilter{NeedsGuardianConsent: true, Now: monday.Add(24 * time.Hour)})
		if len(list) != 1 || list[0].ID != noBirth {
			t.Fatalf("next day: %v", names(list))
		}
	})
	t.Run("Pages", func(t *testing.T) {
		all, _ := find(t, konullu.VolunteerFilter{Limit: 100})
		var got []string
		var after *konullu.VolunteerCursor
		for range 10 {
			page, total := find(t, konullu.VolunteerFilter{Limit: 3, After: after})
			if total != len(all) {
				t.Fatalf("total %d on a later page, want %d", total, len(all))
			}
			if len(page) == 0 {
				break
			}
			got = append(got, names(page)...)
			last := page[len(page)-1]
			after = &konullu.VolunteerCursor{FullName: last.FullName, ID: last.ID}
		}
		if fmt.Sprint(got) != fmt.Sprint(names(all)) {
			t.Fatalf("pages %v, want %v", got, names(all))
		}
	})
}

func TestMinorsBoundaryLeapDay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.clock.Set(time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC))
	// On 29 February 2024 someone born 1 March 2006 is 17 (konullu.AgeOn).
	minor := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(2006, 3, 1, 0, 0, 0, 0, time.UTC) })
	f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(2006, 2, 28, 0, 0, 0, 0, time.UTC) })
	list, _, err := f.db.FindVolunteers(ctx, konullu.VolunteerFilter{NeedsGuardianConsent: true, Now: f.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != minor {
		t.Fatalf("got %v", names(list))
	}
	if got := konullu.AgeOn(list[0].BirthDate, f.clock.Now()); got >= konullu.AdultAge {
		t.Fatalf("age %d", got)
	}
}
