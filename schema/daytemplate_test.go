package schema_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/schema"
)

const centreTemplateQuery = `query($id: ID!) { node(id: $id) { ... on Centre { dayTemplateSet dayTemplate { weekday start end } } } }`

const setDayTemplate = `mutation($c: ID!, $b: [DayBlockInput!]!) { setCentreDayTemplate(centreId: $c, blocks: $b) {
	dayTemplateSet dayTemplate { weekday start end } } }`

// blocksText writes blocks as "1 09:00-13:30, …" for comparison.
func blocksText(raw json.RawMessage) string {
	var bs []struct {
		Weekday    int
		Start, End string
	}
	if err := json.Unmarshal(raw, &bs); err != nil {
		return "bad JSON: " + string(raw)
	}
	var parts []string
	for _, b := range bs {
		parts = append(parts, string(rune('0'+b.Weekday))+" "+b.Start+"-"+b.End)
	}
	return strings.Join(parts, ", ")
}

// createPeriods creates published shifts of a centre at the given local times.
func createPeriods(t *testing.T, e *env, c *konullu.Centre, p *konullu.Position, periods ...konullu.Period) []*konullu.Shift {
	t.Helper()
	list, err := e.db.CreateShifts(context.Background(), konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 3, Publish: true, Periods: periods})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// at is a time on the date of day (in Baku) at hh:mm.
func at(day time.Time, hh, mm int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, konullu.VolunteerLocation("Asia/Baku"))
}

// TestDayTemplate: a centre's template is derived from its shifts until its
// coordinator sets one; bad templates are refused naming the field; only the
// centre's coordinators and admins set it, audited with the template before
// and after; volunteers are offered the blocks of the centres they prefer.
func TestDayTemplate(t *testing.T) {
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	other := e.centre("Gəncə ASAN", "Asia/Baku")
	p := e.position("Guide")
	tue, sat := time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	createPeriods(t, e, c, p,
		konullu.Period{StartsAt: at(tue, 9, 0), EndsAt: at(tue, 13, 30)},
		konullu.Period{StartsAt: at(tue, 13, 30), EndsAt: at(tue, 18, 0)},
		konullu.Period{StartsAt: at(sat, 10, 0), EndsAt: at(sat, 15, 0)},
		konullu.Period{StartsAt: at(sat, 10, 0), EndsAt: at(sat, 15, 0)})
	// The other centre: a long day and a late shift overlap.
	createPeriods(t, e, other, p,
		konullu.Period{StartsAt: at(tue, 9, 0), EndsAt: at(tue, 17, 0)},
		konullu.Period{StartsAt: at(tue, 12, 0), EndsAt: at(tue, 20, 0)})

	coord := e.account("coord@example.az", "Koordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	ct := e.login("coord@example.az")
	admin := e.admin()

	template := func(tok string, centre *konullu.Centre) (string, bool) {
		t.Helper()
		var d struct {
			Node struct {
				DayTemplateSet bool
				DayTemplate    json.RawMessage
			}
		}
		e.post(tok, centreTemplateQuery, map[string]any{"id": gid("Centre", centre.ID)}).ok(t, &d)
		return blocksText(d.Node.DayTemplate), d.Node.DayTemplateSet
	}

	t.Run("DerivedFromShifts", func(t *testing.T) {
		if got, set := template(ct, c); set || got != "2 09:00-13:30, 2 13:30-18:00, 6 10:00-15:00" {
			t.Fatalf("derived template %q (set %v)", got, set)
		}
		if got, _ := template(ct, other); got != "2 09:00-12:00, 2 12:00-17:00, 2 17:00-20:00" {
			t.Fatalf("derived from overlapping shifts: %q", got)
		}
	})

	week := []map[string]any{}
	for d := 1; d <= 5; d++ {
		week = append(week, map[string]any{"weekday": d, "start": "09:00", "end": "13:30"}, map[string]any{"weekday": d, "start": "13:30", "end": "18:00"})
	}
	week = append(week, map[string]any{"weekday": 6, "start": "10:00", "end": "15:00"})

	t.Run("SetByCoordinator", func(t *testing.T) {
		var d struct {
			SetCentreDayTemplate struct {
				DayTemplateSet bool
				DayTemplate    json.RawMessage
			}
		}
		e.post(ct, setDayTemplate, map[string]any{"c": gid("Centre", c.ID), "b": week}).ok(t, &d)
		got := blocksText(d.SetCentreDayTemplate.DayTemplate)
		if !d.SetCentreDayTemplate.DayTemplateSet || !strings.HasPrefix(got, "1 09:00-13:30, 1 13:30-18:00, 2 09:00-13:30") || !strings.HasSuffix(got, "5 13:30-18:00, 6 10:00-15:00") {
			t.Fatalf("set: %q", got)
		}
		if again, set := template(admin, c); again != got || !set {
			t.Fatalf("read back %q (set %v), want %q", again, set, got)
		}
		// Audited: the template before (none) and after.
		entries := e.auditLog(t, admin, map[string]any{"a": "setCentreDayTemplate"})
		if len(entries) == 0 || entries[0].Outcome != "DONE" {
			t.Fatalf("audit entries: %+v", entries)
		}
		found := false
		for _, ch := range entries[0].Changes {
			if ch.After != nil && strings.Contains(*ch.After, `"DayTemplate"`) && strings.Contains(*ch.After, `"13:30"`) {
				found = true
			}
		}
		if !found {
			t.Fatalf("the audit entry does not show the template after: %+v", entries[0].Changes)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			blocks []map[string]any
			field  string
		}{
			{"Overlapping", []map[string]any{{"weekday": 1, "start": "09:00", "end": "13:30"}, {"weekday": 1, "start": "13:00", "end": "18:00"}}, "blocks[1].start"},
			{"Unsorted", []map[string]any{{"weekday": 1, "start": "13:30", "end": "18:00"}, {"weekday": 1, "start": "09:00", "end": "13:30"}}, "blocks[1].start"},
			{"UnsortedWeekdays", []map[string]any{{"weekday": 2, "start": "09:00", "end": "13:30"}, {"weekday": 1, "start": "13:30", "end": "18:00"}}, "blocks[1].start"},
			{"BadTime", []map[string]any{{"weekday": 1, "start": "9:00", "end": "13:30"}}, "blocks[0].start"},
			{"NotQuarterHour", []map[string]any{{"weekday": 1, "start": "09:00", "end": "13:20"}}, "blocks[0].end"},
			{"EndBeforeStart", []map[string]any{{"weekday": 1, "start": "13:00", "end": "09:00"}}, "blocks[0].end"},
			{"Weekday", []map[string]any{{"weekday": 8, "start": "09:00", "end": "13:00"}}, "blocks[0].weekday"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.post(ct, setDayTemplate, map[string]any{"c": gid("Centre", c.ID), "b": tc.blocks}).wantError(t, konullu.EINVALID, tc.field)
			})
		}
		if got, set := template(ct, c); !set || !strings.HasPrefix(got, "1 09:00-13:30") {
			t.Fatalf("a refused template changed the stored one: %q", got)
		}
	})

	t.Run("OnlyTheCentresCoordinatorsAndAdmins", func(t *testing.T) {
		vars := map[string]any{"c": gid("Centre", other.ID), "b": week}
		e.post(ct, setDayTemplate, vars).wantError(t, konullu.EFORBIDDEN, "")
		e.account("v@example.az", "Volunteer")
		e.post(e.login("v@example.az"), setDayTemplate, vars).wantError(t, konullu.EFORBIDDEN, "")
		e.post("", setDayTemplate, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
		e.post(admin, setDayTemplate, vars).ok(t, nil)
		// An empty template returns the centre to the derived one.
		e.post(admin, setDayTemplate, map[string]any{"c": gid("Centre", other.ID), "b": []any{}}).ok(t, nil)
		if got, set := template(admin, other); set || got != "2 09:00-12:00, 2 12:00-17:00, 2 17:00-20:00" {
			t.Fatalf("after clearing: %q (set %v)", got, set)
		}
	})

	t.Run("VolunteersAreOfferedTheBlocksOfTheirCentres", func(t *testing.T) {
		u := e.account("aysel@example.az", "Aysel")
		tok := e.login("aysel@example.az")
		blocks := func() string {
			var d struct {
				Me struct {
					Volunteer struct {
						AvailabilityBlocks []struct {
							Weekday    int
							Start, End string
							Centres    []struct{ Name string }
						}
					}
				}
			}
			e.post(tok, `{ me { volunteer { availabilityBlocks { weekday start end centres { name } } } } }`, nil).ok(t, &d)
			var parts []string
			for _, b := range d.Me.Volunteer.AvailabilityBlocks {
				var names []string
				for _, c := range b.Centres {
					names = append(names, c.Name)
				}
				parts = append(parts, string(rune('0'+b.Weekday))+" "+b.Start+"-"+b.End+" "+strings.Join(names, "+"))
			}
			return strings.Join(parts, ", ")
		}
		// No preference and no city: every centre's blocks.
		all := blocks()
		if !strings.Contains(all, "1 09:00-13:30 Bakı ASAN 1") || !strings.Contains(all, "2 12:00-17:00 Gəncə ASAN") ||
			!strings.Contains(all, "2 09:00-13:30 Bakı ASAN 1,") {
			t.Fatalf("every centre's blocks: %s", all)
		}
		e.post(tok, `mutation($c: ID!) { setMyCommitment(input: {preferredCentreIds: [$c]}) { maxShiftsPerWeek } }`,
			map[string]any{"c": gid("Centre", other.ID)}).ok(t, nil)
		if got := blocks(); got != "2 09:00-12:00 Gəncə ASAN, 2 12:00-17:00 Gəncə ASAN, 2 17:00-20:00 Gəncə ASAN" {
			t.Fatalf("the preferred centre's blocks: %s", got)
		}
		// A stranger does not read them.
		e.account("x@example.az", "X")
		var d struct{ Volunteer *struct{ FullName string } }
		e.post(e.login("x@example.az"), `query($id: ID!) { volunteer(id: $id) { fullName availabilityBlocks { start } } }`,
			map[string]any{"id": gid("Volunteer", u.VolunteerID)}).ok(t, &d)
		if d.Volunteer != nil {
			t.Fatalf("a stranger read %+v", d.Volunteer)
		}
	})
}

// TestAdjacentBlocksRoundTrip: two adjacent blocks chosen stay two after
// saving and reading back (the web app ticks each), while matching treats
// them as one stretch: a shift across the boundary is covered, by SQL and
// by the index alike.
func TestAdjacentBlocksRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	u := e.account("aysel@example.az", "Aysel")
	tok := e.login("aysel@example.az")
	in := map[string]any{"weekly": []map[string]any{
		{"weekday": 2, "start": "13:30", "end": "18:00"},
		{"weekday": 2, "start": "09:00", "end": "13:30"},
		{"weekday": 2, "start": "18:00", "end": "20:00"},
		{"weekday": 4, "start": "09:00", "end": "13:30"},
	}}
	const want = `{"weekly":[{"weekday":2,"start":"09:00","end":"13:30"},{"weekday":2,"start":"13:30","end":"18:00"},{"weekday":2,"start":"18:00","end":"20:00"},{"weekday":4,"start":"09:00","end":"13:30"}]}`
	var saved struct{ SetMyAvailability json.RawMessage }
	e.post(tok, `mutation($in: AvailabilityInput!) { setMyAvailability(input: $in) { weekly { weekday start end } } }`, map[string]any{"in": in}).ok(t, &saved)
	if got := string(saved.SetMyAvailability); got != want {
		t.Fatalf("saved\n got %s\nwant %s", got, want)
	}
	var read struct {
		Me struct {
			Volunteer struct{ Availability json.RawMessage }
		}
	}
	e.post(tok, `{ me { volunteer { availability { weekly { weekday start end } } } } }`, nil).ok(t, &read)
	if got := string(read.Me.Volunteer.Availability); got != want {
		t.Fatalf("read back\n got %s\nwant %s", got, want)
	}

	// Tuesday 11 March 12:00–19:00 spans the three blocks.
	tue := time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
	q := konullu.FreeQuery{Start: at(tue, 12, 0), End: at(tue, 19, 0)}
	ids, err := e.db.FreeVolunteersSQL(ctx, q)
	if err != nil || len(ids) != 1 || ids[0] != u.VolunteerID {
		t.Fatalf("SQL: %v %v, want the volunteer", ids, err)
	}
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
	if ids, err := ix.FreeVolunteers(ctx, q); err != nil || len(ids) != 1 || ids[0] != u.VolunteerID {
		t.Fatalf("index: %v %v, want the volunteer", ids, err)
	}
	// The index's check finds nothing to repair: it reads the windows as stored.
	if n, err := ix.CheckAndRepair(ctx); err != nil || n != 0 {
		t.Fatalf("check and repair: %d differences, %v", n, err)
	}
}

const partialQuery = `query($s: ID!, $partial: Boolean) { availableVolunteers(shiftId: $s, first: 20, partial: $partial) {
	volunteer { fullName } partial coveredMinutes } }`

// TestPartialMatches: availableVolunteers keeps its meaning (free for the
// whole shift); partial: true lists those free for part of it, at least an
// hour, most minutes covered first, marked partial, never the busy; the
// roster planner proposes none of them.
func TestPartialMatches(t *testing.T) {
	for _, withIndex := range []bool{false, true} {
		name := "SQL"
		if withIndex {
			name = "Index"
		}
		t.Run(name, func(t *testing.T) { testPartialMatches(t, withIndex) })
	}
}

func testPartialMatches(t *testing.T, withIndex bool) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Guide")
	sat := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	s := createPeriods(t, e, c, p, konullu.Period{StartsAt: at(sat, 10, 0), EndsAt: at(sat, 15, 0)})[0]
	elsewhere := createPeriods(t, e, c, e.position("Other"), konullu.Period{StartsAt: at(sat, 14, 0), EndsAt: at(sat, 17, 0)})[0]
	volunteer := func(email, name string, weekly ...konullu.AvailabilityWindow) int64 {
		u := e.account(email, name)
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, konullu.Availability{Weekly: weekly}); err != nil {
			t.Fatal(err)
		}
		return u.VolunteerID
	}
	w := func(start, end string) konullu.AvailabilityWindow {
		return konullu.AvailabilityWindow{Weekday: 6, Start: start, End: end}
	}
	volunteer("full@example.az", "Full", w("09:00", "13:30"), w("13:30", "18:00")) // two blocks: the whole shift
	volunteer("morning@example.az", "Morning", w("09:00", "13:30"))                // 10:00–13:30: 210 minutes
	volunteer("late@example.az", "Late", w("12:00", "18:00"))                      // 12:00–15:00: 180 minutes
	volunteer("brief@example.az", "Brief", w("14:30", "18:00"))                    // 30 minutes: too little
	busy := volunteer("busy@example.az", "Busy", w("09:00", "13:30"))              // holds another shift at 14:00
	e.signUp(elsewhere, busy, true)
	volunteer("sunday@example.az", "Sunday", konullu.AvailabilityWindow{Weekday: 7, Start: "09:00", End: "18:00"})

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
	coord := e.account("coord@example.az", "Koordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	ct := e.login("coord@example.az")

	list := func(partial any) string {
		t.Helper()
		var d struct {
			AvailableVolunteers []struct {
				Volunteer      struct{ FullName string }
				Partial        bool
				CoveredMinutes int
			}
		}
		vars := map[string]any{"s": gid("Shift", s.ID)}
		if partial != nil {
			vars["partial"] = partial
		}
		e.post(ct, partialQuery, vars).ok(t, &d)
		var parts []string
		for _, m := range d.AvailableVolunteers {
			mark := "full"
			if m.Partial {
				mark = "partial"
			}
			parts = append(parts, m.Volunteer.FullName+" "+mark+" "+time.Duration(m.CoveredMinutes*int(time.Minute)).String())
		}
		return strings.Join(parts, ", ")
	}
	if got := list(nil); got != "Full full 5h0m0s" {
		t.Fatalf("availableVolunteers: %s", got)
	}
	if got := list(false); got != "Full full 5h0m0s" {
		t.Fatalf("availableVolunteers(partial: false): %s", got)
	}
	if got := list(true); got != "Morning partial 3h30m0s, Late partial 3h0m0s" {
		t.Fatalf("availableVolunteers(partial: true): %s", got)
	}
	// Volunteers may not ask, partial or not.
	e.post(e.login("morning@example.az"), partialQuery, map[string]any{"s": gid("Shift", s.ID), "partial": true}).wantError(t, konullu.EFORBIDDEN, "")

	// The roster planner proposes only the volunteer free for the whole
	// shift: the partial ones are never auto-assigned.
	var plan struct{ PlanRoster planData }
	e.post(ct, planRosterQuery, map[string]any{"in": map[string]any{"centreId": gid("Centre", c.ID),
		"from": at(sat, 0, 0).Format(time.RFC3339), "to": at(sat, 23, 0).Format(time.RFC3339),
		"positionIds": []string{gid("Position", p.ID)}, "timeLimitSeconds": 1}}).ok(t, &plan)
	var proposed []string
	for _, pr := range plan.PlanRoster.Proposals {
		proposed = append(proposed, pr.Volunteer.ID)
	}
	var full struct {
		AvailableVolunteers []struct{ Volunteer struct{ ID string } }
	}
	e.post(ct, `query($s: ID!) { availableVolunteers(shiftId: $s) { volunteer { id } } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, &full)
	if len(proposed) != 1 || proposed[0] != full.AvailableVolunteers[0].Volunteer.ID {
		t.Fatalf("the planner proposed %v; only the volunteer free for the whole shift may be", proposed)
	}
}

// TestCostLeavesOutSkippedSelections: the cost limit counts what runs, so a
// selection left out by @include(if: false) or @skip(if: true) costs
// nothing (the understaffed page's shift list, with the volunteer's own
// places and obstacles excluded, was refused as too complex).
func TestCostLeavesOutSkippedSelections(t *testing.T) {
	e := newEnv(t)
	tok := e.admin()
	const q = `query($x: Boolean!, $y: Boolean!) { shifts(from: "2025-03-10T00:00:00Z", to: "2025-03-17T00:00:00Z", first: 100) {
		edges { node { id
			assignments @include(if: $x) { volunteer { assignments { shift { assignments { id } } } } }
			other: assignments @skip(if: $y) { volunteer { assignments { shift { assignments { id } } } } } } } } }`
	e.post(tok, q, map[string]any{"x": false, "y": true}).ok(t, nil)
	e.post(tok, q, map[string]any{"x": true, "y": true}).wantError(t, konullu.ETOOCOMPLEX, "")
	e.post(tok, q, map[string]any{"x": false, "y": false}).wantError(t, konullu.ETOOCOMPLEX, "")
}
