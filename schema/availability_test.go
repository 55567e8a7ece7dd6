package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/schema"
)

const setAvailability = `mutation($in: AvailabilityInput!) { setMyAvailability(input: $in) {
	weekly { weekday start end } exceptions { date available start end } } }`

func TestSetMyAvailability(t *testing.T) {
	e := newEnv(t)
	u := e.account("aysel@example.az", "Aysel")
	tok := e.login("aysel@example.az")

	t.Run("OKMergedAndReadBack", func(t *testing.T) {
		in := map[string]any{
			"weekly": []map[string]any{
				{"weekday": 1, "start": "12:00", "end": "14:00"},
				{"weekday": 1, "start": "09:00", "end": "12:00"},
				{"weekday": 6, "start": "10:00", "end": "24:00"},
			},
			"exceptions": []map[string]any{
				{"date": "2025-03-10", "available": false},
				{"date": "2025-03-15", "available": true, "start": "18:00", "end": "20:00"},
			},
		}
		// Touching windows stay two, as chosen (see TestAdjacentBlocksRoundTrip).
		want := `{"setMyAvailability":{"weekly":[{"weekday":1,"start":"09:00","end":"12:00"},{"weekday":1,"start":"12:00","end":"14:00"},{"weekday":6,"start":"10:00","end":"24:00"}],` +
			`"exceptions":[{"date":"2025-03-10","available":false,"start":null,"end":null},{"date":"2025-03-15","available":true,"start":"18:00","end":"20:00"}]}}`
		r := e.post(tok, setAvailability, map[string]any{"in": in})
		r.ok(t, nil)
		if string(r.Data) != want {
			t.Fatalf("got  %s\nwant %s", r.Data, want)
		}
		// The next day, the day off is past and no longer listed.
		e.clock.Set(t0.Add(24 * time.Hour))
		defer e.clock.Set(t0)
		var d struct {
			Volunteer struct{ Availability json.RawMessage }
		}
		e.post(tok, `query($id: ID!) { volunteer(id: $id) { availability { weekly { weekday } exceptions { date } } } }`,
			map[string]any{"id": gid("Volunteer", u.VolunteerID)}).ok(t, &d)
		if got := string(d.Volunteer.Availability); got != `{"weekly":[{"weekday":1},{"weekday":1},{"weekday":6}],"exceptions":[{"date":"2025-03-15"}]}` {
			t.Fatalf("read back: %s", got)
		}
	})
	for _, tc := range []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"ErrStartNotQuarterHour", map[string]any{"weekly": []map[string]any{{"weekday": 1, "start": "09:00", "end": "10:00"}, {"weekday": 2, "start": "09:10", "end": "10:00"}}}, "weekly[1].start"},
		{"ErrEndBeforeStart", map[string]any{"weekly": []map[string]any{{"weekday": 1, "start": "18:00", "end": "09:00"}}}, "weekly[0].end"},
		{"ErrWeekday", map[string]any{"weekly": []map[string]any{{"weekday": 0, "start": "09:00", "end": "10:00"}}}, "weekly[0].weekday"},
		{"ErrExceptionInPast", map[string]any{"weekly": []map[string]any{}, "exceptions": []map[string]any{{"date": "2025-03-09", "available": false}}}, "exceptions[0].date"},
		{"ErrExceptionTooFar", map[string]any{"weekly": []map[string]any{}, "exceptions": []map[string]any{{"date": "2026-03-11", "available": false}}}, "exceptions[0].date"},
		{"ErrExceptionHalfTimes", map[string]any{"weekly": []map[string]any{}, "exceptions": []map[string]any{{"date": "2025-03-11", "available": true, "start": "10:00"}}}, "exceptions[0].end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.post(tok, setAvailability, map[string]any{"in": tc.in}).wantError(t, konullu.EINVALID, tc.field)
		})
	}
	t.Run("ErrTooManyWindows", func(t *testing.T) {
		var weekly []map[string]any
		for range 51 {
			weekly = append(weekly, map[string]any{"weekday": 1, "start": "09:00", "end": "10:00"})
		}
		e.post(tok, setAvailability, map[string]any{"in": map[string]any{"weekly": weekly}}).wantError(t, konullu.EINVALID, "weekly")
	})
	t.Run("ErrAnonymous", func(t *testing.T) {
		e.post("", setAvailability, map[string]any{"in": map[string]any{"weekly": []any{}}}).wantError(t, konullu.EUNAUTHENTICATED, "")
	})
	t.Run("StrangersSeeNothing", func(t *testing.T) {
		// Another volunteer who shares no shift does not even see the name.
		e.account("other@example.az", "Other")
		var d struct{ Volunteer *struct{ FullName string } }
		e.post(e.login("other@example.az"), `query($id: ID!) { volunteer(id: $id) { fullName availability { weekly { weekday } } } }`,
			map[string]any{"id": gid("Volunteer", u.VolunteerID)}).ok(t, &d)
		if d.Volunteer != nil {
			t.Errorf("a stranger sees %+v", d.Volunteer)
		}
	})
}

const availableVolunteers = `query($s: ID!, $n: Int) { availableVolunteers(shiftId: $s, first: $n) {
	volunteer { fullName } minutesThisMonth } }`

// TestAvailableVolunteers: a coordinator asks who can take next Monday
// 10:00–14:00 and gets exactly those free then, eligible for the position,
// fewest minutes this month first; volunteers may not ask.
func TestAvailableVolunteers(t *testing.T) {
	for _, withIndex := range []bool{false, true} {
		name := "SQL"
		if withIndex {
			name = "Index"
		}
		t.Run(name, func(t *testing.T) { testAvailableVolunteers(t, withIndex) })
	}
}

func testAvailableVolunteers(t *testing.T, withIndex bool) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	other := e.centre("Gəncə ASAN", "Asia/Baku")
	p := &konullu.Position{Name: "First aid desk", RequiredSkills: []string{"First aid"}, MinimumAge: 18}
	if err := e.db.CreatePosition(ctx, p); err != nil {
		t.Fatal(err)
	}
	baku := konullu.VolunteerLocation("Asia/Baku")
	monday := time.Date(2025, 3, 17, 10, 0, 0, 0, baku)
	s := e.shift(c, p, monday, 3, true)

	volunteer := func(email, name string, skills []string, born time.Time, weekly ...konullu.AvailabilityWindow) int64 {
		u := e.account(email, name)
		if _, err := e.db.SetVolunteerSkills(ctx, u.VolunteerID, skills); err != nil {
			t.Fatal(err)
		}
		if !born.IsZero() {
			// Both dialects read a date literal; the values are ours.
			if _, err := e.db.SQL().ExecContext(ctx, fmt.Sprintf(`UPDATE volunteers SET birth_date = '%s' WHERE id = %d`, born.Format(time.DateOnly), u.VolunteerID)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, konullu.Availability{Weekly: weekly}); err != nil {
			t.Fatal(err)
		}
		return u.VolunteerID
	}
	mon := konullu.AvailabilityWindow{Weekday: 1, Start: "09:00", End: "15:00"}
	volunteer("leyla@example.az", "Leyla", []string{"first aid"}, time.Time{}, mon)
	worked := volunteer("rashad@example.az", "Rashad", []string{"First aid"}, time.Time{}, mon)
	volunteer("nigar@example.az", "Nigar", []string{"First aid"}, time.Date(2007, 3, 18, 0, 0, 0, 0, time.UTC), mon) // 18 the day after
	volunteer("elvin@example.az", "Elvin", nil, time.Time{}, mon)                                                    // no first aid
	volunteer("tural@example.az", "Tural", []string{"First aid"}, time.Time{}, konullu.AvailabilityWindow{Weekday: 1, Start: "11:00", End: "15:00"})
	// Rashad worked two hours earlier this month.
	past := e.shift(c, e.position("Reception"), t0.Add(-72*time.Hour), 1, true)
	if _, err := e.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: past.ID, VolunteerID: worked, CheckedInAt: past.StartsAt, CheckedOutAt: past.StartsAt.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	if withIndex {
		rdb, closeRedis, err := redisconn.Open(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { closeRedis() })
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		ix := availability.New(rdb, e.db, availability.Options{Now: e.clock.Now, Logger: quiet})
		t.Cleanup(func() { ix.Close() })
		if err := ix.Rebuild(ctx, nil); err != nil {
			t.Fatal(err)
		}
		e.h = schema.NewHandler(schema.Config{Store: e.db, Logger: quiet, Now: e.clock.Now, Argon2: testArgon2, Availability: ix})
	}

	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	vars := map[string]any{"s": gid("Shift", s.ID)}
	var d struct {
		AvailableVolunteers []struct {
			Volunteer        struct{ FullName string }
			MinutesThisMonth int
		}
	}
	e.post(e.login("coord@konullu.az"), availableVolunteers, vars).ok(t, &d)
	var got []string
	for _, m := range d.AvailableVolunteers {
		got = append(got, m.Volunteer.FullName)
	}
	if len(got) != 2 || got[0] != "Leyla" || got[1] != "Rashad" || d.AvailableVolunteers[1].MinutesThisMonth != 120 {
		t.Fatalf("got %+v, want Leyla, then Rashad with 120 minutes", d.AvailableVolunteers)
	}
	e.post(e.login("coord@konullu.az"), availableVolunteers, map[string]any{"s": gid("Shift", s.ID), "n": 1}).ok(t, &d)
	if len(d.AvailableVolunteers) != 1 {
		t.Fatalf("first: 1 gave %d", len(d.AvailableVolunteers))
	}

	e.post(e.admin(), availableVolunteers, vars).ok(t, nil)
	e.post(e.login("leyla@example.az"), availableVolunteers, vars).wantError(t, konullu.EFORBIDDEN, "")
	elsewhere := e.account("coord2@konullu.az", "Coordinator elsewhere")
	e.grant(elsewhere, konullu.RoleCoordinator, other.ID)
	e.post(e.login("coord2@konullu.az"), availableVolunteers, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post("", availableVolunteers, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(e.login("coord@konullu.az"), availableVolunteers, map[string]any{"s": gid("Shift", s.ID), "n": 0}).wantError(t, konullu.EINVALID, "first")
}
