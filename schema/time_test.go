package schema_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// assignedAhead assigns a volunteer as a coordinator did the day before the
// shift started (the clock set back for it): a place held in a shift that
// may since have ended. A place can no longer be assigned once a shift has
// ended (SHIFT_ENDED).
func (e *env) assignedAhead(s *konullu.Shift, volunteerID int64) *konullu.Assignment {
	e.t.Helper()
	now := e.clock.Now()
	e.clock.Set(s.StartsAt.Add(-24 * time.Hour))
	defer e.clock.Set(now)
	return e.signUp(s, volunteerID, true)
}

// pastWork credits a volunteer with the whole of an ended shift, as a
// coordinator does afterwards (recordPastWork).
func (e *env) pastWork(s *konullu.Shift, volunteerID int64) *konullu.Assignment {
	e.t.Helper()
	a, err := e.db.RecordPastWork(context.Background(), konullu.PastWork{ShiftID: s.ID, VolunteerID: volunteerID,
		CheckedInAt: s.StartsAt, CheckedOutAt: s.EndsAt})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// TestShiftEndedAndPastWork: the API refuses a place in an ended shift on
// every path, names the refusal, and credits the work done there through
// recordPastWork: the centre's coordinators only, audited.
func TestShiftEndedAndPastWork(t *testing.T) {
	e, _ := jobsEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	other := e.centre("Gəncə ASAN", "Asia/Baku")
	p := e.position("Reception guide")
	ended := e.shift(c, p, t0.Add(-30*time.Hour), 3, true) // four hours, ended 26 hours ago
	vol := e.account("vol@example.az", "Aysel Məmmədova")
	e.grant(e.account("coord@konullu.az", "Coordinator"), konullu.RoleCoordinator, c.ID)
	e.grant(e.account("coord.b@konullu.az", "Coordinator B"), konullu.RoleCoordinator, other.ID)
	coord, coordB, volTok, admin := e.login("coord@konullu.az"), e.login("coord.b@konullu.az"), e.login("vol@example.az"), e.admin()
	ids := map[string]any{"s": gid("Shift", ended.ID), "v": gid("Volunteer", vol.VolunteerID)}

	const assign = `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }`
	e.post(coord, assign, ids).wantError(t, konullu.ESHIFTENDED, "shiftId")
	e.post(admin, assign, ids).wantError(t, konullu.ESHIFTENDED, "shiftId")
	e.post(volTok, `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, ids).wantError(t, konullu.ESIGNUPCLOSED, "")

	const record = `mutation($s: ID!, $v: ID!, $in: DateTime!, $out: DateTime!) {
		recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $in, checkedOutAt: $out) { id status creditedMinutes cancelledBy volunteer { fullName } } }`
	vars := map[string]any{"s": ids["s"], "v": ids["v"], "in": ended.StartsAt.Add(time.Hour).Format(time.RFC3339), "out": ended.EndsAt.Format(time.RFC3339)}
	e.post(volTok, record, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post(coordB, record, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post("", record, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
	var d struct {
		RecordPastWork struct {
			ID, Status      string
			CreditedMinutes int
			CancelledBy     *string
			Volunteer       struct{ FullName string }
		}
	}
	e.post(coord, record, vars).ok(t, &d)
	if r := d.RecordPastWork; r.Status != "COMPLETED" || r.CreditedMinutes != 180 || r.CancelledBy != nil || r.Volunteer.FullName != "Aysel Məmmədova" {
		t.Errorf("recorded %+v", r)
	}
	var entries []auditLogEntry
	for _, en := range e.auditLog(t, admin, map[string]any{"a": "recordPastWork"}) {
		if en.Outcome == "DONE" {
			entries = append(entries, en)
		}
	}
	if len(entries) != 1 || entries[0].Actor == nil || entries[0].Actor.Email != "coord@konullu.az" {
		t.Errorf("audit %+v", entries)
	}
	// Times in the future, a shift not ended yet, a bad id.
	bad := map[string]any{"s": ids["s"], "v": ids["v"], "in": ended.StartsAt.Format(time.RFC3339), "out": t0.Add(time.Hour).Format(time.RFC3339)}
	e.post(coord, record, bad).wantError(t, konullu.EINVALID, "checkedOutAt")
	soon := e.shift(c, p, t0.Add(-time.Hour), 3, true)
	e.post(coord, record, map[string]any{"s": gid("Shift", soon.ID), "v": ids["v"], "in": soon.StartsAt.Format(time.RFC3339),
		"out": t0.Format(time.RFC3339)}).wantError(t, konullu.ECONFLICT, "shiftId")
	e.post(coord, record, map[string]any{"s": ids["s"], "v": "nonsense", "in": vars["in"], "out": vars["out"]}).wantError(t, konullu.EINVALID, "volunteerId")
	// A shift under way still takes an assignment.
	var under struct{ AssignVolunteer struct{ ID string } }
	e.post(coord, assign, map[string]any{"s": gid("Shift", soon.ID), "v": ids["v"]}).ok(t, &under)
	// An ended shift with free places is not open.
	var open struct{ Shifts struct{ TotalCount int } }
	e.post(coord, `query($f: DateTime!, $t: DateTime!) { shifts(from: $f, to: $t, openOnly: true) { totalCount } }`,
		map[string]any{"f": t0.Add(-48 * time.Hour).Format(time.RFC3339), "t": t0.Format(time.RFC3339)}).ok(t, &open)
	if open.Shifts.TotalCount != 0 {
		t.Errorf("%d ended or started shifts listed as open", open.Shifts.TotalCount)
	}
}

// TestCancelledByTheCentreInRussian: a volunteer who uses the app in
// Russian hears in Russian that the centre cancelled their shift, and their
// place says it was cancelled by the centre, apart from one they withdrew.
func TestCancelledByTheCentreInRussian(t *testing.T) {
	e, dispatcher := jobsEnv(t)
	ctx := context.Background()
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(48*time.Hour), 3, true)
	left := e.shift(c, p, t0.Add(96*time.Hour), 3, true)
	vol := e.account("vol@example.az", "Aysel")
	e.grant(e.account("coord@konullu.az", "Coordinator"), konullu.RoleCoordinator, c.ID)
	volTok, coord := e.login("vol@example.az"), e.login("coord@konullu.az")
	e.signUp(s, vol.VolunteerID, false)
	w := e.signUp(left, vol.VolunteerID, false)
	e.post(volTok, `mutation($a: ID!) { withdraw(assignmentId: $a) { status } }`, map[string]any{"a": gid("Assignment", w.ID)}).ok(t, nil)

	var set struct {
		SetMyAppLanguage struct {
			Language, AppLanguage string
			FollowsAppLanguage    bool
		}
	}
	e.post(volTok, `mutation { setMyAppLanguage(language: RU) { language appLanguage followsAppLanguage } }`, nil).ok(t, &set)
	if r := set.SetMyAppLanguage; r.Language != "RU" || r.AppLanguage != "RU" || !r.FollowsAppLanguage {
		t.Fatalf("app language %+v", r)
	}
	e.post("", `mutation { setMyAppLanguage(language: RU) { language } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(coord, `mutation($s: ID!) { cancelShift(id: $s, reason: "the centre is closed") { status } }`,
		map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	if _, err := dispatcher.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var got struct {
		MyNotifications []struct{ Kind, Title, Body string }
		Me              struct {
			Volunteer struct {
				Assignments []struct {
					Status      string
					CancelledBy *string
					Shift       struct{ ID string }
				}
			}
		}
	}
	e.post(volTok, `{ myNotifications(first: 5) { kind title body } me { volunteer { assignments { status cancelledBy shift { id } } } } }`, nil).ok(t, &got)
	var cancelled bool
	for _, n := range got.MyNotifications {
		if n.Kind == "SHIFT_CANCELLED" {
			cancelled = true
			if n.Title != "Центр отменил смену" || !strings.Contains(n.Body, "Центр отменил смену «Reception guide»") || !strings.Contains(n.Body, "the centre is closed") {
				t.Errorf("notification %+v", n)
			}
		}
	}
	if !cancelled {
		t.Errorf("no SHIFT_CANCELLED among %+v", got.MyNotifications)
	}
	by := map[string]string{}
	for _, a := range got.Me.Volunteer.Assignments {
		if a.CancelledBy != nil {
			by[a.Shift.ID] = *a.CancelledBy
		}
	}
	if by[gid("Shift", s.ID)] != "SHIFT_CANCELLED" || by[gid("Shift", left.ID)] != "WITHDRAWN" {
		t.Errorf("cancelled by %v", by)
	}

	// Chosen apart: the app's language no longer moves it; following again does.
	var ns struct {
		UpdateMyNotificationSettings struct {
			Language           string
			FollowsAppLanguage bool
		}
	}
	e.post(volTok, `mutation { updateMyNotificationSettings(input: {language: EN}) { language followsAppLanguage } }`, nil).ok(t, &ns)
	if r := ns.UpdateMyNotificationSettings; r.Language != "EN" || r.FollowsAppLanguage {
		t.Errorf("apart %+v", r)
	}
	e.post(volTok, `mutation { setMyAppLanguage(language: AZ) { language } }`, nil).ok(t, &set)
	if set.SetMyAppLanguage.Language != "EN" {
		t.Errorf("apart, then the app in az: %+v", set.SetMyAppLanguage)
	}
	e.post(volTok, `mutation { updateMyNotificationSettings(input: {followAppLanguage: true}) { language followsAppLanguage } }`, nil).ok(t, &ns)
	if r := ns.UpdateMyNotificationSettings; r.Language != "AZ" || !r.FollowsAppLanguage {
		t.Errorf("following again %+v", r)
	}
}
