package schema_test

import (
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const assignmentFields = `id status waitlistPosition checkedInAt checkedOutAt creditedMinutes
  shift { confirmedCount waitlistCount } volunteer { fullName }`

type assignment struct {
	ID               string
	Status           string
	WaitlistPosition *int
	CheckedInAt      *string
	CheckedOutAt     *string
	CreditedMinutes  int
	Shift            struct{ ConfirmedCount, WaitlistCount int }
	Volunteer        struct{ FullName string }
}

// TestSignupFlow walks a shift's life as its people would, through the API:
// signups, the waitlist, a withdrawal that promotes, check-in and -out.
func TestSignupFlow(t *testing.T) {
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	start := t0.Add(48 * time.Hour)
	s := e.shift(c, p, start, 1, true)
	overlapping := e.shift(c, p, start.Add(2*time.Hour), 3, true)
	e.account("vusal@example.az", "Vüsal")
	e.account("nigar@example.az", "Nigar")
	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	vusal, nigar, coordinator := e.login("vusal@example.az"), e.login("nigar@example.az"), e.login("coord@konullu.az")

	mutate := func(token, field, arg, id string) *result {
		return e.post(token, `mutation($id: ID!) { `+field+`(`+arg+`: $id) { `+assignmentFields+` } }`, map[string]any{"id": id})
	}
	get := func(r *result, field string) assignment {
		t.Helper()
		var d map[string]assignment
		r.ok(t, &d)
		return d[field]
	}
	shiftID := gid("Shift", s.ID)

	first := get(mutate(vusal, "signUp", "shiftId", shiftID), "signUp")
	if first.Status != "CONFIRMED" || first.Shift.ConfirmedCount != 1 {
		t.Fatalf("first signup: %+v", first)
	}
	if again := get(mutate(vusal, "signUp", "shiftId", shiftID), "signUp"); again.ID != first.ID {
		t.Errorf("a repeated signup made a new assignment: %s vs %s", again.ID, first.ID)
	}
	second := get(mutate(nigar, "signUp", "shiftId", shiftID), "signUp")
	if second.Status != "WAITLISTED" || second.WaitlistPosition == nil || *second.WaitlistPosition != 1 || second.Shift.WaitlistCount != 1 {
		t.Fatalf("second signup: %+v", second)
	}
	mutate(nigar, "signUp", "shiftId", gid("Shift", overlapping.ID)).wantError(t, konullu.EOVERLAP, "")

	// Vüsal withdraws: Nigar moves up, and the answer already shows it.
	withdrawn := get(mutate(vusal, "withdraw", "assignmentId", first.ID), "withdraw")
	if withdrawn.Status != "CANCELLED" || withdrawn.Shift.ConfirmedCount != 1 || withdrawn.Shift.WaitlistCount != 0 {
		t.Errorf("after withdrawal: %+v", withdrawn)
	}
	var n struct{ Node assignment }
	e.post(nigar, `query($id: ID!) { node(id: $id) { ... on Assignment { `+assignmentFields+` } } }`, map[string]any{"id": second.ID}).ok(t, &n)
	if n.Node.Status != "CONFIRMED" || n.Node.WaitlistPosition != nil {
		t.Errorf("the waitlisted volunteer was not promoted: %+v", n.Node)
	}

	// Check-in opens 30 minutes before the start.
	mutate(nigar, "checkIn", "assignmentId", second.ID).wantError(t, konullu.ESIGNUPCLOSED, "")
	e.clock.Set(start.Add(-10 * time.Minute))
	in := get(mutate(nigar, "checkIn", "assignmentId", second.ID), "checkIn")
	if in.Status != "CHECKED_IN" || in.CheckedInAt == nil || *in.CheckedInAt != "2025-03-12T07:50:00Z" {
		t.Errorf("check-in: %+v", in)
	}
	e.clock.Set(start.Add(3 * time.Hour))
	out := get(mutate(coordinator, "checkOut", "assignmentId", second.ID), "checkOut")
	if out.Status != "COMPLETED" || out.CreditedMinutes != 180 {
		t.Errorf("check-out: %+v, want 180 credited minutes (the time before the start does not count)", out)
	}
	var v struct {
		Volunteer struct {
			TotalMinutes int
			Assignments  []struct{ Status string }
		}
	}
	mutate(nigar, "checkOut", "assignmentId", second.ID).wantError(t, konullu.ECONFLICT, "")
	var me struct {
		Me struct{ Volunteer struct{ ID string } }
	}
	e.post(nigar, `{ me { volunteer { id } } }`, nil).ok(t, &me)
	e.post(coordinator, `query($id: ID!) { volunteer(id: $id) { totalMinutes assignments { status } } }`,
		map[string]any{"id": me.Me.Volunteer.ID}).ok(t, &v)
	if v.Volunteer.TotalMinutes != 180 || len(v.Volunteer.Assignments) != 1 {
		t.Errorf("the volunteer's record: %+v", v.Volunteer)
	}
}

func TestCancelShift(t *testing.T) {
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(48*time.Hour), 3, true)
	vol := e.account("vusal@example.az", "Vüsal")
	e.signUp(s, vol.VolunteerID, false)
	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	token := e.login("coord@konullu.az")
	cancel := `mutation($id: ID!, $reason: String!) { cancelShift(id: $id, reason: $reason) { status cancelReason confirmedCount assignments { status }
		cancelled: assignments(status: [CANCELLED, NO_SHOW]) { id } confirmed: assignments(status: [CONFIRMED]) { id } } }`

	e.post(token, cancel, map[string]any{"id": gid("Shift", s.ID), "reason": "  "}).wantError(t, konullu.EINVALID, "reason")
	var d struct {
		CancelShift struct {
			Status, CancelReason string
			ConfirmedCount       int
			Assignments          []struct{ Status string }
			Cancelled, Confirmed []struct{ ID string }
		}
	}
	e.post(token, cancel, map[string]any{"id": gid("Shift", s.ID), "reason": "The centre is closed for repairs"}).ok(t, &d)
	got := d.CancelShift
	if len(got.Cancelled) != 1 || len(got.Confirmed) != 0 {
		t.Errorf("assignments by status: %d cancelled, %d confirmed; want 1 and 0", len(got.Cancelled), len(got.Confirmed))
	}
	if got.Status != "CANCELLED" || got.CancelReason != "The centre is closed for repairs" || got.ConfirmedCount != 0 ||
		len(got.Assignments) != 1 || got.Assignments[0].Status != "CANCELLED" {
		t.Errorf("cancelled shift: %+v", got)
	}
	e.post(e.login("vusal@example.az"), `mutation($id: ID!) { signUp(shiftId: $id) { id } }`, map[string]any{"id": gid("Shift", s.ID)}).
		wantError(t, konullu.ESIGNUPCLOSED, "")
}

func TestPublishShifts(t *testing.T) {
	e := newEnv(t)
	a := e.centre("Bakı ASAN 1", "Asia/Baku")
	b := e.centre("Gəncə ASAN", "Asia/Baku")
	p := e.position("Reception guide")
	d1 := e.shift(a, p, t0.Add(48*time.Hour), 3, false)
	d2 := e.shift(a, p, t0.Add(72*time.Hour), 3, false)
	other := e.shift(b, p, t0.Add(72*time.Hour), 3, false)
	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, a.ID)
	token := e.login("coord@konullu.az")
	publish := `mutation($ids: [ID!]!) { publishShifts(ids: $ids) { id status } }`

	e.post(token, publish, map[string]any{"ids": []string{gid("Shift", d1.ID), gid("Shift", other.ID)}}).wantError(t, konullu.ENOTFOUND, "ids")
	e.post(token, publish, map[string]any{"ids": []string{}}).wantError(t, konullu.EINVALID, "ids")
	var d struct{ PublishShifts []struct{ ID, Status string } }
	e.post(token, publish, map[string]any{"ids": []string{gid("Shift", d1.ID), gid("Shift", d2.ID)}}).ok(t, &d)
	if len(d.PublishShifts) != 2 || d.PublishShifts[0].Status != "PUBLISHED" || d.PublishShifts[1].Status != "PUBLISHED" {
		t.Errorf("published: %+v", d.PublishShifts)
	}
	// Volunteers see them now.
	var s struct{ Shift *struct{ Status string } }
	e.post("", `query($id: ID!) { shift(id: $id) { status } }`, map[string]any{"id": gid("Shift", d2.ID)}).ok(t, &s)
	if s.Shift == nil {
		t.Error("a published shift is hidden")
	}
}

func TestProfile(t *testing.T) {
	e := newEnv(t)
	e.account("vusal@example.az", "Vüsal")
	coord := e.account("coord@konullu.az", "Coordinator")
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	vusal, coordinator := e.login("vusal@example.az"), e.login("coord@konullu.az")
	update := `mutation($in: ProfileInput!) { updateMyProfile(input: $in) { id fullName phone city skills languages } }`
	type profile struct {
		ID, FullName      string
		Phone, City       *string
		Skills, Languages []string
	}
	var d struct{ UpdateMyProfile profile }
	e.post(vusal, update, map[string]any{"in": map[string]any{"fullName": "Vüsal Əliyev", "phone": nil, "languages": []string{"az", "en", "EN"}}}).ok(t, &d)
	got := d.UpdateMyProfile
	if got.FullName != "Vüsal Əliyev" || got.Phone != nil || got.City == nil || *got.City != "Baku" || len(got.Languages) != 2 {
		t.Errorf("after update: %+v", got)
	}
	e.post(vusal, update, map[string]any{"in": map[string]any{"fullName": nil}}).wantError(t, konullu.EINVALID, "fullName")
	e.post(vusal, update, map[string]any{"in": map[string]any{"timezone": "Mars/Olympus"}}).wantError(t, konullu.EINVALID, "timezone")
	// Skills are the coordinator's to verify.
	e.post(vusal, update, map[string]any{"in": map[string]any{"skills": []string{"first aid"}}}).wantError(t, konullu.EINVALID, "skills")
	var s struct{ SetVolunteerSkills struct{ Skills []string } }
	set := `mutation($v: ID!, $s: [String!]!) { setVolunteerSkills(volunteerId: $v, skills: $s) { skills } }`
	e.post(vusal, set, map[string]any{"v": got.ID, "s": []string{"first aid"}}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(coordinator, set, map[string]any{"v": got.ID, "s": []string{" first aid ", "sign language"}}).ok(t, &s)
	if len(s.SetVolunteerSkills.Skills) != 2 || s.SetVolunteerSkills.Skills[0] != "first aid" {
		t.Errorf("skills: %v", s.SetVolunteerSkills.Skills)
	}
	// Sending the verified list back unchanged is fine.
	e.post(vusal, update, map[string]any{"in": map[string]any{"skills": []string{"Sign Language", "first aid"}, "city": "Sumqayıt"}}).ok(t, nil)
	e.post("", update, map[string]any{"in": map[string]any{"city": "x"}}).wantError(t, konullu.EUNAUTHENTICATED, "")
}
