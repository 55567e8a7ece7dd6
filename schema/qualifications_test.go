package schema_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// The course path through the API: a coordinator creates a qualification,
// a course and its two TRAINING sessions; a volunteer attends both and is
// marked passed; a position requiring the qualification then takes them and
// refuses a volunteer without it, naming it.
func TestCourseToQualification(t *testing.T) {
	p := newProgramme(t, "aysel", "rauf", "other")
	ctx := context.Background()
	var q struct {
		CreateQualification struct{ ID string }
	}
	p.post(p.coordA, `mutation { createQualification(name: "First aid", validityMonths: 24,
		names: {az: "İlk tibbi yardım", ru: "Первая помощь"}) { id } }`, nil).ok(t, &q)
	p.post(p.tokens["aysel"], `mutation { createQualification(name: "x") { id } }`, nil).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.coordA, `mutation { createQualification(name: "Y", validityMonths: 0) { id } }`, nil).wantError(t, konullu.EINVALID, "validityMonths")
	p.post(p.coordA, `mutation { createQualification(name: " first AID ") { id } }`, nil).wantError(t, konullu.ECONFLICT, "name")
	var c struct {
		CreateCourse struct{ ID string }
	}
	p.post(p.coordA, `mutation($q: ID!) { createCourse(name: "First aid, March", qualificationId: $q) { id } }`,
		map[string]any{"q": q.CreateQualification.ID}).ok(t, &c)
	var sessions []string
	for i := range 2 {
		start := t0.Add(time.Duration(i+1) * 24 * time.Hour)
		var s struct {
			CreateShifts []struct {
				ID     string
				Kind   string
				Course struct{ Name string }
			}
		}
		p.post(p.coordA, `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id kind course { name } } }`, map[string]any{"in": map[string]any{
			"centreId": gid("Centre", p.a.ID), "positionId": gid("Position", p.pos.ID), "capacity": 10, "publish": true,
			"startsAt": start, "endsAt": start.Add(2 * time.Hour), "courseId": c.CreateCourse.ID}}).ok(t, &s)
		if s.CreateShifts[0].Kind != "TRAINING" || s.CreateShifts[0].Course.Name != "First aid, March" {
			t.Fatalf("session %+v", s)
		}
		sessions = append(sessions, s.CreateShifts[0].ID)
	}
	p.post(p.coordA, `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"centreId": gid("Centre", p.a.ID), "positionId": gid("Position", p.pos.ID), "capacity": 10, "kind": "TRAINING",
		"startsAt": t0.Add(time.Hour), "endsAt": t0.Add(2 * time.Hour)}}).wantError(t, konullu.EINVALID, "courseId")

	aysel := p.users["aysel"].VolunteerID
	var aids []int64
	for _, sid := range sessions {
		var r struct{ SignUp struct{ ID string } }
		p.post(p.tokens["aysel"], `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, map[string]any{"s": sid}).ok(t, &r)
		aids = append(aids, localID(t, r.SignUp.ID))
	}
	p.clock.Set(t0.Add(3 * 24 * time.Hour))
	mark := `mutation($c: ID!, $v: ID!) { markCoursePassed(courseId: $c, volunteerId: $v) { grantedAt expiresAt source
		qualification { name names { az ru } } course { name } } }`
	vars := map[string]any{"c": c.CreateCourse.ID, "v": gid("Volunteer", aysel)}
	// The coordinator records the first session only.
	as, _ := p.db.AssignmentsByIDs(ctx, aids)
	ss, _ := p.db.ShiftsByIDs(ctx, []int64{as[aids[0]].ShiftID, as[aids[1]].ShiftID})
	must(p.db.RecordAttendance(ctx, aids[0], ss[as[aids[0]].ShiftID].StartsAt, ss[as[aids[0]].ShiftID].EndsAt))
	res := p.post(p.coordA, mark, vars)
	res.wantError(t, konullu.EREQUIREMENT, "")
	if !strings.Contains(string(res.Body), `"missedSessions":["`+sessions[1]+`"]`) {
		t.Fatalf("the missed session is not named: %s", res.Body)
	}
	must(p.db.RecordAttendance(ctx, aids[1], ss[as[aids[1]].ShiftID].StartsAt, ss[as[aids[1]].ShiftID].EndsAt))
	// A coordinator of another centre may not mark it; a volunteer neither.
	p.post(p.coordB, mark, vars).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.tokens["aysel"], mark, vars).wantError(t, konullu.EFORBIDDEN, "")
	var m struct {
		MarkCoursePassed struct {
			ExpiresAt     time.Time
			Source        string
			Qualification struct {
				Name  string
				Names struct{ Az, Ru string }
			}
		}
	}
	p.post(p.coordA, mark, vars).ok(t, &m)
	if want := p.clock.Now().AddDate(2, 0, 0); !m.MarkCoursePassed.ExpiresAt.Equal(want) || m.MarkCoursePassed.Source != "COURSE" ||
		m.MarkCoursePassed.Qualification.Names.Az != "İlk tibbi yardım" {
		t.Fatalf("passed %+v, want expiry %v", m.MarkCoursePassed, want)
	}
	// The profile shows it, with the training minutes apart from service.
	var prof struct {
		Me struct {
			Volunteer struct {
				TotalMinutes    int
				TrainingMinutes int
				Qualifications  []struct {
					Qualification struct{ Name string }
					ExpiresAt     *time.Time
				}
			}
		}
	}
	p.post(p.tokens["aysel"], `{ me { volunteer { totalMinutes trainingMinutes qualifications { qualification { name } expiresAt } } } }`, nil).ok(t, &prof)
	pv := prof.Me.Volunteer
	if len(pv.Qualifications) != 1 || pv.Qualifications[0].Qualification.Name != "First aid" || pv.Qualifications[0].ExpiresAt == nil ||
		pv.TrainingMinutes != 240 || pv.TotalMinutes != 0 {
		t.Fatalf("profile %+v", pv)
	}
	// Another volunteer may not read them.
	res = p.post(p.tokens["other"], `query($id: ID!) { node(id: $id) { ... on Volunteer { qualifications { note } } } }`, map[string]any{"id": gid("Volunteer", aysel)})
	if strings.Contains(string(res.Body), `"qualifications":[{`) {
		t.Fatalf("another volunteer reads the qualifications: %s", res.Body)
	}

	// The position requires it (staff), and refuses rauf naming it.
	setPos := `mutation($p: ID!, $q: [ID!]!) { setPositionQualifications(positionId: $p, qualificationIds: $q) { requiredQualifications { name } requiredSkills } }`
	pvars := map[string]any{"p": gid("Position", p.pos.ID), "q": []string{q.CreateQualification.ID}}
	p.post(p.coordA, setPos, pvars).wantError(t, konullu.EFORBIDDEN, "")
	var sp struct {
		SetPositionQualifications struct {
			RequiredQualifications []struct{ Name string }
		}
	}
	p.post(p.staff, setPos, pvars).ok(t, &sp)
	if len(sp.SetPositionQualifications.RequiredQualifications) != 1 {
		t.Fatalf("position %+v", sp)
	}
	service := p.shift(p.a, p.pos, p.clock.Now().Add(48*time.Hour), 5, true)
	signUp := `mutation($s: ID!) { signUp(shiftId: $s) { id } }`
	res = p.post(p.tokens["rauf"], signUp, map[string]any{"s": gid("Shift", service.ID)})
	res.wantError(t, konullu.EREQUIREMENT, "")
	var ext struct {
		Errors []struct {
			Extensions struct {
				Qualifications []string
				Expiring       []string
			}
		}
	}
	json.Unmarshal(res.Body, &ext)
	if got := ext.Errors[0].Extensions.Qualifications; len(got) != 1 || got[0] != "First aid" ||
		!strings.Contains(string(res.Body), `"qualificationNames":[{"az":"İlk tibbi yardım","name":"First aid","ru":"Первая помощь"}]`) {
		t.Fatalf("the refusal does not name the qualification: %s", res.Body)
	}
	// The coordinator's assignment is refused too; matching leaves rauf out.
	p.post(p.coordA, `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }`,
		map[string]any{"s": gid("Shift", service.ID), "v": gid("Volunteer", p.users["rauf"].VolunteerID)}).wantError(t, konullu.EREQUIREMENT, "")
	p.post(p.tokens["aysel"], signUp, map[string]any{"s": gid("Shift", service.ID)}).ok(t, nil)

	// A grant with a note, as evidence, lets rauf in.
	var g struct {
		GrantQualification struct{ Note string }
	}
	p.post(p.coordB, `mutation($v: ID!, $q: ID!) { grantQualification(volunteerId: $v, qualificationId: $q, note: "Red Crescent certificate 2291") { note } }`,
		map[string]any{"v": gid("Volunteer", p.users["rauf"].VolunteerID), "q": q.CreateQualification.ID}).ok(t, &g)
	if g.GrantQualification.Note != "Red Crescent certificate 2291" {
		t.Fatalf("grant %+v", g)
	}
	p.post(p.tokens["rauf"], signUp, map[string]any{"s": gid("Shift", service.ID)}).ok(t, nil)

	// Every mutation is in the audit trail.
	for _, action := range []string{"createQualification", "createCourse", "markCoursePassed", "setPositionQualifications", "grantQualification"} {
		done := false
		for _, e := range p.auditLog(t, p.admin, map[string]any{"a": action}) {
			done = done || e.Outcome == "DONE"
		}
		if !done {
			t.Errorf("%s not audited", action)
		}
	}
}

// localID is the number of a global id.
func localID(t *testing.T, id string) int64 {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		t.Fatal(err)
	}
	_, n, _ := strings.Cut(string(b), ":")
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
