package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
)

func TestSetAvailability(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := f.volunteer()
	d := func(day int) time.Time { return time.Date(2030, 3, day, 0, 0, 0, 0, time.UTC) }

	t.Run("OKMergedReplacedAndReadBack", func(t *testing.T) {
		in := konullu.Availability{
			Weekly: []konullu.AvailabilityWindow{{Weekday: 2, Start: "12:00", End: "14:00"}, {Weekday: 2, Start: "09:00", End: "12:00"}},
			Exceptions: []konullu.AvailabilityException{
				{Date: d(5), Available: false},
				{Date: d(9), Available: true, Start: "10:00", End: "12:00"},
			},
		}
		// Touching windows stay two, as chosen; they are stored as one
		// merged row (what the SQL matching reads) with the break between.
		want := konullu.Availability{
			Weekly:     []konullu.AvailabilityWindow{{Weekday: 2, Start: "09:00", End: "12:00"}, {Weekday: 2, Start: "12:00", End: "14:00"}},
			Exceptions: in.Exceptions,
		}
		got, err := f.db.SetAvailability(ctx, v, in)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Fatalf("set: %+v %v", got, err)
		}
		var rows, start, end int
		var breaks string
		if err := f.db.SQL().QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*), MIN(start_minute), MAX(end_minute), MAX(breaks) FROM availability_windows WHERE volunteer_id = %d`, v)).
			Scan(&rows, &start, &end, &breaks); err != nil || rows != 1 || start != 9*60 || end != 14*60 || breaks != "720" {
			t.Fatalf("stored rows %d, %d–%d, breaks %q, %v; want one row 540–840 with the break 720", rows, start, end, breaks, err)
		}
		all, err := f.db.AvailabilityOf(ctx, []int64{v, 999})
		if err != nil || !reflect.DeepEqual(*all[v], want) {
			t.Fatalf("read back: %+v %v", all[v], err)
		}
		if empty := all[999]; empty == nil || len(empty.Weekly) != 0 || empty.Exceptions == nil {
			t.Fatalf("a volunteer without availability reads as empty lists: %+v", empty)
		}
		// A second set replaces everything.
		if _, err := f.db.SetAvailability(ctx, v, konullu.Availability{Weekly: []konullu.AvailabilityWindow{{Weekday: 7, Start: "10:00", End: "11:00"}}}); err != nil {
			t.Fatal(err)
		}
		all, _ = f.db.AvailabilityOf(ctx, []int64{v})
		if len(all[v].Weekly) != 1 || all[v].Weekly[0].Weekday != 7 || len(all[v].Exceptions) != 0 {
			t.Fatalf("after replacing: %+v", all[v])
		}
	})
	t.Run("ErrInvalidNamesTheField", func(t *testing.T) {
		_, err := f.db.SetAvailability(ctx, v, konullu.Availability{Weekly: []konullu.AvailabilityWindow{{Weekday: 1, Start: "10:00", End: "09:00"}}})
		if e, ok := err.(*konullu.Error); !ok || e.Code != konullu.EINVALID || e.Field != "weekly[0].end" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := f.db.SetAvailability(ctx, 999, konullu.Availability{})
		wantCode(t, err, konullu.ENOTFOUND)
	})
	t.Run("TodayIsTheVolunteers", func(t *testing.T) {
		// 06:00 UTC on 4 March: the 4th in Baku, still the 3rd in Los Angeles.
		yesterday := konullu.Availability{Exceptions: []konullu.AvailabilityException{{Date: d(3)}}}
		_, err := f.db.SetAvailability(ctx, v, yesterday)
		wantCode(t, err, konullu.EINVALID)
		la := f.volunteer()
		tz := "America/Los_Angeles"
		if _, err := f.db.UpdateProfile(ctx, la, konullu.ProfileUpdate{Timezone: &tz}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetAvailability(ctx, la, yesterday); err != nil {
			t.Fatalf("in Los Angeles the 3rd is today: %v", err)
		}
	})
}

func TestVolunteersForIndex(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var ids []int64
	for range 5 {
		ids = append(ids, f.volunteer())
	}
	mon := konullu.Availability{
		Weekly:     []konullu.AvailabilityWindow{{Weekday: 1, Start: "09:00", End: "17:00"}},
		Exceptions: []konullu.AvailabilityException{{Date: time.Date(2030, 3, 11, 0, 0, 0, 0, time.UTC)}},
	}
	if _, err := f.db.SetAvailability(ctx, ids[1], mon); err != nil {
		t.Fatal(err)
	}
	soon := f.shift(24*time.Hour, 4*time.Hour, 3)
	gone := f.shift(-72*time.Hour, time.Hour, 3) // ended before Since
	if _, err := f.db.SignUp(ctx, soon.ID, ids[1], false); err != nil {
		t.Fatal(err)
	}
	f.assignedAhead(gone, ids[1])
	a, err := f.db.SignUp(ctx, soon.ID, ids[2], false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Withdraw(ctx, a.ID, false); err != nil { // no longer busy
		t.Fatal(err)
	}

	since := f.clock.Now().Add(-48 * time.Hour)
	var got []int64
	for after := int64(0); ; {
		page, err := f.db.VolunteersForIndex(ctx, konullu.IndexFilter{AfterID: after, Limit: 2, Since: since})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 2 {
			t.Fatalf("page of %d", len(page))
		}
		for _, v := range page {
			got = append(got, v.ID)
			switch v.ID {
			case ids[1]:
				if !reflect.DeepEqual(v.Availability, mon) || len(v.Busy) != 1 || v.Busy[0].ShiftID != soon.ID ||
					v.Timezone != konullu.DefaultTimezone || v.Status != konullu.VolunteerActive {
					t.Errorf("volunteer %d: %+v", v.ID, v)
				}
			default:
				if len(v.Busy) != 0 || len(v.Availability.Weekly) != 0 {
					t.Errorf("volunteer %d: %+v", v.ID, v)
				}
			}
		}
		after = page[len(page)-1].ID
	}
	if !reflect.DeepEqual(got, ids) {
		t.Fatalf("pages gave %v, want %v", got, ids)
	}
	one, err := f.db.VolunteersForIndex(ctx, konullu.IndexFilter{IDs: []int64{ids[1]}, Since: since})
	if err != nil || len(one) != 1 || len(one[0].Busy) != 1 {
		t.Fatalf("by id: %+v %v", one, err)
	}
	if n, err := f.db.CountVolunteers(ctx); err != nil || n != 5 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestSeedVolunteers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var in []store.SeedVolunteer
	for i, tz := range []string{"", "Europe/Berlin", "Asia/Baku"} {
		in = append(in, store.SeedVolunteer{
			Account:      konullu.NewAccount{Email: "seed" + string(rune('a'+i)) + "@example.az", FullName: "Seed", Skills: []string{"English"}},
			Timezone:     tz,
			Availability: konullu.Availability{Weekly: []konullu.AvailabilityWindow{{Weekday: i + 1, Start: "10:00", End: "12:00"}}},
		})
	}
	ids, err := f.db.SeedVolunteers(ctx, in)
	if err != nil || len(ids) != 3 {
		t.Fatalf("%v %v", ids, err)
	}
	vs, _ := f.db.VolunteersForIndex(ctx, konullu.IndexFilter{IDs: ids})
	for i, v := range vs {
		wantTZ := in[i].Timezone
		if wantTZ == "" {
			wantTZ = konullu.DefaultTimezone
		}
		if v.ID != ids[i] || v.Timezone != wantTZ || v.Status != konullu.VolunteerActive ||
			len(v.Availability.Weekly) != 1 || v.Availability.Weekly[0].Weekday != i+1 {
			t.Errorf("seeded %d: %+v", i, v)
		}
	}
	_, err = f.db.SeedVolunteers(ctx, []store.SeedVolunteer{{Account: konullu.NewAccount{Email: "bad@example.az"},
		Availability: konullu.Availability{Weekly: []konullu.AvailabilityWindow{{Weekday: 9, Start: "10:00", End: "12:00"}}}}})
	wantCode(t, err, konullu.EINVALID)
}
