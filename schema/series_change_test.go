package schema_test

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const (
	updateSeries = `mutation($in: SeriesChangeInput!) { updateSeries(input: $in) { notifiedVolunteers shifts { id startsAt endsAt capacity confirmedCount waitlistCount status position { id } } } }`
	cancelSeries = `mutation($id: ID!, $from: Date!, $reason: String!) { cancelSeries(shiftId: $id, from: $from, reason: $reason) { notifiedVolunteers shifts { id startsAt status } } }`
)

type seriesChange struct {
	NotifiedVolunteers int
	Shifts             []struct {
		ID, StartsAt, EndsAt, Status            string
		Capacity, ConfirmedCount, WaitlistCount int
		Position                                struct{ ID string }
	}
}

// A weekly series is changed and cancelled from a date on: held places are
// never dropped (a lower capacity than held is refused), a higher one
// promotes from the waitlist, new times that would clash are refused, and
// each volunteer is told once however many of their shifts changed.
func TestSeriesChangeAndCancel(t *testing.T) {
	e, d := jobsEnv(t)
	admin := e.admin()
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	guide := e.position("Reception guide")
	queue := e.position("Queue assistant")
	// Tuesdays and Thursdays 09:00–13:00 in Baku from Tuesday 11 March 2025
	// (t0 is Monday 10 March): 11, 13, 18, 20, 25, 27 March.
	var made created
	e.post(admin, createShifts, map[string]any{"in": map[string]any{
		"centreId": gid("Centre", c.ID), "positionId": gid("Position", guide.ID),
		"startsAt": "2025-03-11T05:00:00Z", "endsAt": "2025-03-11T09:00:00Z", "capacity": 2,
		"repeatWeekdays": []int{2, 4}, "repeatUntil": "2025-03-27", "publish": true,
	}}).ok(t, &made)
	if len(made.CreateShifts) != 6 {
		t.Fatalf("%d shifts, want 6", len(made.CreateShifts))
	}
	shift := func(i int) *konullu.Shift {
		id := must(parseGID(made.CreateShifts[i].ID))
		return must(e.db.ShiftsByIDs(context.Background(), []int64{id}))[id]
	}
	var ids struct {
		A, B struct{ SeriesID *string }
	}
	single := e.shift(c, guide, t0.Add(50*time.Hour), 2, true)
	e.post(admin, `query($a: ID!, $b: ID!) { a: shift(id: $a) { seriesId } b: shift(id: $b) { seriesId } }`,
		map[string]any{"a": made.CreateShifts[5].ID, "b": gid("Shift", single.ID)}).ok(t, &ids)
	if ids.A.SeriesID == nil || ids.B.SeriesID != nil {
		t.Fatalf("seriesId: series %v, single shift %v", ids.A.SeriesID, ids.B.SeriesID)
	}

	aysel := e.account("aysel@example.az", "Aysel")
	vusal := e.account("vusal@example.az", "Vüsal")
	leyla := e.account("leyla@example.az", "Leyla")
	for _, i := range []int{1, 2, 3, 4, 5} { // Aysel: 13, 18, 20, 25, 27
		e.signUp(shift(i), aysel.VolunteerID, false)
	}
	e.signUp(shift(2), vusal.VolunteerID, false) // 18: full
	if a := e.signUp(shift(2), leyla.VolunteerID, false); a.Status != konullu.AssignmentWaitlisted {
		t.Fatalf("Leyla: %s", a.Status)
	}
	// Vüsal also holds another shift on 25 March 14:00–18:00 Baku.
	other := e.shift(c, queue, time.Date(2025, 3, 25, 10, 0, 0, 0, time.UTC), 2, true)
	e.signUp(other, vusal.VolunteerID, false)
	e.signUp(shift(4), vusal.VolunteerID, false) // 25 March 09:00–13:00
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	kinds := func(email string) map[string]int {
		t.Helper()
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		var got struct{ MyNotifications []struct{ Kind, Body string } }
		e.post(e.login(email), `{ myNotifications(first: 100) { kind body } }`, nil).ok(t, &got)
		out := map[string]int{}
		for _, n := range got.MyNotifications {
			out[n.Kind]++
		}
		return out
	}
	in := func(from string, change map[string]any) map[string]any {
		m := map[string]any{"shiftId": made.CreateShifts[2].ID, "from": from}
		for k, v := range change {
			m[k] = v
		}
		return map[string]any{"in": m}
	}

	t.Run("CapacityBelowHeldRefused", func(t *testing.T) {
		e.post(admin, updateSeries, in("2025-03-11", map[string]any{"capacity": 1})).wantError(t, konullu.ECONFLICT, "capacity")
		if s := shift(2); s.Capacity != 2 || s.ConfirmedCount != 2 {
			t.Fatalf("after a refused change: capacity %d, held %d", s.Capacity, s.ConfirmedCount)
		}
		if s := shift(0); s.Capacity != 2 {
			t.Fatalf("an earlier shift changed: capacity %d", s.Capacity)
		}
	})
	t.Run("CapacityUpPromotes", func(t *testing.T) {
		var got struct{ UpdateSeries seriesChange }
		e.post(admin, updateSeries, in("2025-03-18", map[string]any{"capacity": 3})).ok(t, &got)
		if len(got.UpdateSeries.Shifts) != 4 || got.UpdateSeries.NotifiedVolunteers != 0 {
			t.Fatalf("%+v", got.UpdateSeries)
		}
		if s := shift(2); s.Capacity != 3 || s.ConfirmedCount != 3 || s.WaitlistCount != 0 {
			t.Fatalf("18 March: %+v", s)
		}
		if s := shift(1); s.Capacity != 2 {
			t.Fatalf("13 March changed: %+v", s)
		}
		if k := kinds("leyla@example.az"); k["PROMOTED"] != 1 {
			t.Fatalf("Leyla's notifications: %v", k)
		}
	})
	t.Run("ClashRefused", func(t *testing.T) {
		// 14:00–18:00 would put Vüsal's 25 March in two places at once.
		e.post(admin, updateSeries, in("2025-03-18", map[string]any{"startTime": "14:00", "endTime": "18:00"})).
			wantError(t, konullu.EOVERLAP, "startTime")
		if s := shift(2); !s.StartsAt.Equal(time.Date(2025, 3, 18, 5, 0, 0, 0, time.UTC)) {
			t.Fatalf("moved after a refusal: %s", s.StartsAt)
		}
	})
	t.Run("TimesAndPosition", func(t *testing.T) {
		var got struct{ UpdateSeries seriesChange }
		e.post(admin, updateSeries, in("2025-03-13", map[string]any{"startTime": "08:30", "endTime": "13:30",
			"positionId": gid("Position", queue.ID)})).ok(t, &got)
		u := got.UpdateSeries
		if len(u.Shifts) != 5 || u.NotifiedVolunteers != 3 {
			t.Fatalf("%d shifts, %d notified: %+v", len(u.Shifts), u.NotifiedVolunteers, u)
		}
		for _, s := range u.Shifts {
			start, _ := time.Parse(time.RFC3339, s.StartsAt)
			end, _ := time.Parse(time.RFC3339, s.EndsAt)
			if start.UTC().Hour() != 4 || start.UTC().Minute() != 30 || end.Sub(start) != 5*time.Hour || s.Position.ID != gid("Position", queue.ID) {
				t.Errorf("shift %s: %s–%s at %s", s.ID, s.StartsAt, s.EndsAt, s.Position.ID)
			}
		}
		if s := shift(0); s.StartsAt.UTC().Hour() != 5 || s.PositionID != guide.ID {
			t.Errorf("11 March changed: %+v", s)
		}
		// Once each, though Aysel holds five of these shifts.
		if k := kinds("aysel@example.az"); k["SERIES_CHANGED"] != 1 {
			t.Fatalf("Aysel's notifications: %v", k)
		}
		if k := kinds("vusal@example.az"); k["SERIES_CHANGED"] != 1 {
			t.Fatalf("Vüsal's notifications: %v", k)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		var got struct{ CancelSeries seriesChange }
		e.post(admin, cancelSeries, map[string]any{"id": made.CreateShifts[0].ID, "from": "2025-03-20", "reason": "repairs"}).ok(t, &got)
		u := got.CancelSeries
		if len(u.Shifts) != 3 || u.NotifiedVolunteers != 2 {
			t.Fatalf("%+v", u)
		}
		for _, s := range u.Shifts {
			if s.Status != "CANCELLED" {
				t.Errorf("%s: %s", s.ID, s.Status)
			}
		}
		if s := shift(2); s.Status != konullu.ShiftPublished || s.ConfirmedCount != 3 {
			t.Errorf("18 March: %+v", s)
		}
		k := kinds("aysel@example.az")
		if k["SERIES_CANCELLED"] != 1 || k["SHIFT_CANCELLED"] != 0 {
			t.Fatalf("Aysel's notifications: %v", k)
		}
		var mine struct {
			Shift struct{ Assignments []struct{ Status string } }
		}
		e.post(e.login("aysel@example.az"), `query($id: ID!) { shift(id: $id) { assignments { status } } }`,
			map[string]any{"id": made.CreateShifts[5].ID}).ok(t, &mine)
		if len(mine.Shift.Assignments) != 1 || mine.Shift.Assignments[0].Status != "CANCELLED" {
			t.Fatalf("Aysel's place on 27 March: %+v", mine)
		}
		// Nothing left from that date on.
		e.post(admin, cancelSeries, map[string]any{"id": made.CreateShifts[0].ID, "from": "2025-03-20", "reason": "again"}).
			wantError(t, konullu.EINVALID, "from")
	})
	t.Run("Authorisation", func(t *testing.T) {
		vars := map[string]any{"id": made.CreateShifts[1].ID, "from": "2025-03-11", "reason": "x"}
		e.post(e.login("aysel@example.az"), cancelSeries, vars).wantError(t, konullu.EFORBIDDEN, "")
		e.post("", cancelSeries, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
		coord := e.account("nigar@example.az", "Nigar")
		elsewhere := e.centre("Gəncə ASAN", "Asia/Baku")
		e.grant(coord, konullu.RoleCoordinator, elsewhere.ID)
		e.post(e.login("nigar@example.az"), cancelSeries, vars).wantError(t, konullu.EFORBIDDEN, "")
		if s := shift(1); s.Status != konullu.ShiftPublished {
			t.Fatalf("cancelled by someone else: %+v", s)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		e.post(admin, updateSeries, in("2025-03-11", map[string]any{"startTime": "09:00"})).wantError(t, konullu.EINVALID, "endTime")
		e.post(admin, updateSeries, in("2025-03-11", map[string]any{"startTime": "25:00", "endTime": "13:00"})).wantError(t, konullu.EINVALID, "startTime")
		e.post(admin, updateSeries, in("2025-03-11", map[string]any{"capacity": 0})).wantError(t, konullu.EINVALID, "capacity")
		e.post(admin, updateSeries, in("2025-03-11", nil)).wantError(t, konullu.EINVALID, "input")
		e.post(admin, updateSeries, map[string]any{"in": map[string]any{"shiftId": gid("Shift", single.ID), "from": "2025-03-11", "capacity": 3}}).
			wantError(t, konullu.EINVALID, "shiftId")
		e.post(admin, cancelSeries, map[string]any{"id": made.CreateShifts[1].ID, "from": "2025-03-11", "reason": " "}).wantError(t, konullu.EINVALID, "reason")
	})
}

// parseGID reads the database id of a global id.
func parseGID(id string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return 0, err
	}
	_, n, _ := strings.Cut(string(raw), ":")
	return strconv.ParseInt(n, 10, 64)
}
