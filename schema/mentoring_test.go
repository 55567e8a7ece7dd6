package schema_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
)

// programme is a fixture of the youth programme: two centres with a
// coordinator each, staff, and volunteers with credited hours.
type programme struct {
	*env
	a, b         *konullu.Centre
	pos          *konullu.Position
	coordA       string
	coordB       string
	staff, admin string
	users        map[string]*konullu.User
	tokens       map[string]string
	day          int
}

func newProgramme(t *testing.T, volunteers ...string) *programme {
	e := newEnv(t)
	p := &programme{env: e, users: map[string]*konullu.User{}, tokens: map[string]string{}}
	p.a, p.b = e.centre("Bakı ASAN 1", "Asia/Baku"), e.centre("Gəncə ASAN", "Asia/Baku")
	p.pos = e.position("Reception guide")
	for _, n := range append([]string{"coordA", "coordB", "staff"}, volunteers...) {
		p.users[n] = e.account(n+"@example.az", "Volunteer "+n)
		p.tokens[n] = e.login(n + "@example.az")
	}
	e.grant(p.users["coordA"], konullu.RoleCoordinator, p.a.ID)
	e.grant(p.users["coordB"], konullu.RoleCoordinator, p.b.ID)
	e.grant(p.users["staff"], konullu.RoleStaff)
	p.coordA, p.coordB, p.staff = p.tokens["coordA"], p.tokens["coordB"], p.tokens["staff"]
	p.admin = e.admin()
	return p
}

// attend credits a volunteer with n past four-hour shifts at centre c.
func (p *programme) attend(name string, c *konullu.Centre, n int) []*konullu.Assignment {
	p.t.Helper()
	ctx := context.Background()
	var out []*konullu.Assignment
	for i := 0; i < n; i++ {
		p.day++
		s := p.shift(c, p.pos, t0.Add(-time.Duration(p.day)*24*time.Hour-6*time.Hour), 10, true)
		out = append(out, must(p.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: s.ID, VolunteerID: p.users[name].VolunteerID,
			CheckedInAt: s.StartsAt, CheckedOutAt: s.EndsAt})))
	}
	return out
}

// drain delivers the outbox (in-app notifications).
func (p *programme) drain() {
	p.t.Helper()
	if _, err := notify.New(notify.Config{Store: p.db, Now: p.clock.Now}).Drain(context.Background()); err != nil {
		p.t.Fatal(err)
	}
}

func (p *programme) vid(name string) string { return gid("Volunteer", p.users[name].VolunteerID) }

func (p *programme) assignMentor(token, mentee, mentor string) *result {
	return p.post(token, `mutation($v: ID!, $m: ID!) { assignMentor(volunteerId: $v, mentorId: $m) { id mentor { fullName } } }`,
		map[string]any{"v": p.vid(mentee), "m": p.vid(mentor)})
}

// TestMentors: who may choose a mentor, who may be one (experienced, not
// oneself, no cycles), what a mentor sees of a mentee (hours and shifts,
// never contact details) and booking the first shift together.
func TestMentors(t *testing.T) {
	p := newProgramme(t, "mentor", "novice", "mentee", "stranger", "e2", "e3")
	for _, n := range []string{"mentor", "e2", "e3"} {
		p.attend(n, p.b, 5) // 20 hours: experienced
	}
	p.attend("novice", p.a, 4) // 16 hours
	// The mentee holds a place at centre A: A's coordinators are tied to them.
	ahead := p.shift(p.a, p.pos, t0.Add(72*time.Hour), 5, true)
	p.signUp(ahead, p.users["mentee"].VolunteerID, false)
	draft := p.shift(p.a, p.pos, t0.Add(120*time.Hour), 5, false)
	p.signUp(draft, p.users["mentee"].VolunteerID, true)

	// Who may choose: staff, admins, coordinators tied to the volunteer.
	p.assignMentor(p.tokens["stranger"], "mentee", "mentor").wantError(t, konullu.EFORBIDDEN, "")
	p.assignMentor(p.coordB, "mentee", "mentor").wantError(t, konullu.EFORBIDDEN, "")
	p.assignMentor(p.tokens["mentee"], "mentee", "mentor").wantError(t, konullu.EFORBIDDEN, "")
	// Who may be one.
	p.assignMentor(p.coordA, "mentee", "novice").wantError(t, konullu.ENOTEXPERIENCED, "")
	p.assignMentor(p.coordA, "mentee", "mentee").wantError(t, konullu.EINVALID, "mentorId")
	p.post(p.coordA, `mutation($v: ID!) { assignMentor(volunteerId: $v, mentorId: "not an id") { id } }`,
		map[string]any{"v": p.vid("mentee")}).wantError(t, konullu.EINVALID, "mentorId")
	var assigned struct {
		AssignMentor struct{ Mentor struct{ FullName string } }
	}
	p.assignMentor(p.coordA, "mentee", "mentor").ok(t, &assigned)
	if assigned.AssignMentor.Mentor.FullName != "Volunteer mentor" {
		t.Errorf("mentor: %+v", assigned)
	}
	// No cycles, however long.
	p.assignMentor(p.staff, "e2", "mentor").ok(t, nil)
	p.assignMentor(p.staff, "mentor", "e2").wantError(t, konullu.ECONFLICT, "")
	p.assignMentor(p.staff, "e3", "e2").ok(t, nil)
	p.assignMentor(p.staff, "mentor", "e3").wantError(t, konullu.ECONFLICT, "")

	// The mentor sees the mentee's name, hours and shifts (not drafts), never contact details.
	const look = `query($id: ID!) { volunteer(id: $id) { fullName email phone totalMinutes
		assignments { status shift { id } } } }`
	type seen struct {
		Volunteer *struct {
			FullName     string
			Email, Phone *string
			TotalMinutes int
			Assignments  []struct {
				Status string
				Shift  struct{ ID string }
			}
		}
	}
	var m seen
	p.post(p.tokens["mentor"], look, map[string]any{"id": p.vid("mentee")}).ok(t, &m)
	if m.Volunteer == nil || m.Volunteer.FullName != "Volunteer mentee" || m.Volunteer.Email != nil || m.Volunteer.Phone != nil ||
		len(m.Volunteer.Assignments) != 1 || m.Volunteer.Assignments[0].Shift.ID != gid("Shift", ahead.ID) {
		t.Errorf("the mentor sees: %+v", m.Volunteer)
	}
	for _, field := range []string{"birthDate", "city", "skills"} {
		r := p.post(p.tokens["mentor"], `query($id: ID!) { volunteer(id: $id) { `+field+` } }`, map[string]any{"id": p.vid("mentee")})
		if !strings.Contains(string(r.Body), `"`+field+`":null`) && r.code() != konullu.EFORBIDDEN {
			t.Errorf("the mentor sees the mentee's %s: %s", field, r.Body)
		}
	}
	// The coordinator of the mentee's centre sees contact details by the contact rule; a stranger sees nothing.
	var c seen
	p.post(p.coordA, look, map[string]any{"id": p.vid("mentee")}).ok(t, &c)
	if c.Volunteer == nil || c.Volunteer.Email == nil || len(c.Volunteer.Assignments) != 2 {
		t.Errorf("coordinator A sees: %+v", c.Volunteer)
	}
	var s seen
	p.post(p.tokens["stranger"], look, map[string]any{"id": p.vid("mentee")}).ok(t, &s)
	if s.Volunteer != nil {
		t.Errorf("a stranger sees the mentee: %+v", s.Volunteer)
	}
	// The mentor's own list, and the mentee's view of the mentor: the name only.
	var mine struct {
		Me struct {
			Volunteer struct {
				Mentees []struct {
					FullName     string
					Email        *string
					TotalMinutes int
				}
			}
		}
	}
	p.post(p.tokens["mentor"], `{ me { volunteer { mentees { fullName email totalMinutes } } } }`, nil).ok(t, &mine)
	if ms := mine.Me.Volunteer.Mentees; len(ms) != 2 || ms[0].FullName != "Volunteer e2" || ms[0].TotalMinutes != 1200 ||
		ms[1].FullName != "Volunteer mentee" || ms[1].Email != nil {
		t.Errorf("mentees: %+v", ms)
	}
	r := p.post(p.tokens["mentee"], `{ me { volunteer { mentor { fullName email phone } } } }`, nil)
	if !strings.Contains(string(r.Body), `"mentor":{"fullName":"Volunteer mentor","email":null,"phone":null}`) {
		t.Errorf("the mentee sees their mentor as %s", r.Body)
	}
	p.post(p.tokens["mentee"], `query($id: ID!) { volunteer(id: $id) { totalMinutes } }`, map[string]any{"id": p.vid("mentor")}).
		wantError(t, konullu.EFORBIDDEN, "")

	// The first shift together: both places or none.
	const together = `mutation($s: ID!, $m: ID!) { signUpWithMentee(shiftId: $s, menteeId: $m) { status volunteer { fullName } shift { id } } }`
	tight := p.shift(p.a, p.pos, t0.Add(30*time.Hour), 2, true)
	p.signUp(tight, p.users["novice"].VolunteerID, false) // one place left
	p.post(p.tokens["mentor"], together, map[string]any{"s": gid("Shift", tight.ID), "m": p.vid("mentee")}).wantError(t, konullu.ECONFLICT, "")
	if held := must(p.db.AssignmentsOfShifts(context.Background(), []int64{tight.ID}, nil))[tight.ID]; len(held) != 1 {
		t.Errorf("a refused booking together left %d assignments", len(held))
	}
	p.post(p.tokens["stranger"], together, map[string]any{"s": gid("Shift", tight.ID), "m": p.vid("mentee")}).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.tokens["mentor"], together, map[string]any{"s": gid("Shift", draft.ID), "m": p.vid("mentee")}).wantError(t, konullu.ENOTFOUND, "shiftId")
	// Training is no service: the mentee attended a course's session yesterday and still has their first shift to take.
	ctx := context.Background()
	q := &konullu.Qualification{Name: "ASAN School basic course"}
	if err := p.db.CreateQualification(ctx, q); err != nil {
		t.Fatal(err)
	}
	course := &konullu.Course{Name: "Basic course", QualificationID: q.ID}
	if err := p.db.CreateCourse(ctx, course); err != nil {
		t.Fatal(err)
	}
	sessions := must(p.db.CreateShifts(ctx, konullu.NewShifts{CentreID: p.a.ID, PositionID: p.pos.ID, Capacity: 5, Publish: true,
		Kind: konullu.ShiftTraining, CourseID: course.ID, Periods: []konullu.Period{{StartsAt: t0.Add(-24 * time.Hour), EndsAt: t0.Add(-22 * time.Hour)}}}))
	p.pastWork(sessions[0], p.users["mentee"].VolunteerID)
	first := p.shift(p.a, p.pos, t0.Add(26*time.Hour), 4, true)
	var both struct {
		SignUpWithMentee []struct {
			Status    string
			Volunteer struct{ FullName string }
		}
	}
	p.post(p.tokens["mentor"], together, map[string]any{"s": gid("Shift", first.ID), "m": p.vid("mentee")}).ok(t, &both)
	if b := both.SignUpWithMentee; len(b) != 2 || b[0].Status != "CONFIRMED" || b[1].Status != "CONFIRMED" ||
		b[0].Volunteer.FullName != "Volunteer mentor" || b[1].Volunteer.FullName != "Volunteer mentee" {
		t.Errorf("booked together: %+v", b)
	}
	// The mentee's signup rules hold: they are not booked twice into overlapping shifts.
	clash := p.shift(p.a, p.pos, t0.Add(27*time.Hour), 4, true)
	p.post(p.tokens["mentor"], together, map[string]any{"s": gid("Shift", clash.ID), "m": p.vid("mentee")}).wantError(t, konullu.EOVERLAP, "")
	// It is for a first shift: e3 has served already.
	p.post(p.tokens["e2"], together, map[string]any{"s": gid("Shift", first.ID), "m": p.vid("e3")}).wantError(t, konullu.ECONFLICT, "")

	// Both were told.
	p.drain()
	var notes struct {
		MyNotifications []struct{ Kind, Title string }
	}
	p.post(p.tokens["mentee"], `{ myNotifications { kind title } }`, nil).ok(t, &notes)
	if !hasKind(notes.MyNotifications, "MENTOR_ASSIGNED") {
		t.Errorf("the mentee was not told: %+v", notes)
	}
	p.post(p.tokens["mentor"], `{ myNotifications { kind title } }`, nil).ok(t, &notes)
	if !hasKind(notes.MyNotifications, "MENTEE_ASSIGNED") {
		t.Errorf("the mentor was not told: %+v", notes)
	}
	// Removing ends what the mentor sees.
	p.post(p.coordA, `mutation($v: ID!) { removeMentor(volunteerId: $v) { mentor { id } } }`, map[string]any{"v": p.vid("mentee")}).ok(t, nil)
	// (They share the shift they booked together: the name stays, hours and shifts do not.)
	p.post(p.tokens["mentor"], look, map[string]any{"id": p.vid("mentee")}).wantError(t, konullu.EFORBIDDEN, "")
}

func hasKind(list []struct{ Kind, Title string }, kind string) bool {
	for _, n := range list {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

// TestHourCorrections: a volunteer disputes a no-show; times are checked;
// only a coordinator of the centre, never the volunteer, decides; approval
// changes credited minutes, tallies, reports and certificates.
func TestHourCorrections(t *testing.T) {
	p := newProgramme(t, "vol", "other")
	ctx := context.Background()
	missed := p.shift(p.a, p.pos, t0.Add(-30*time.Hour), 3, true) // four hours, ended 26 hours ago
	a := p.assignedAhead(missed, p.users["vol"].VolunteerID)
	must(p.db.MarkNoShow(ctx, a.ID, "not seen"))
	aid := gid("Assignment", a.ID)
	const request = `mutation($a: ID!, $in: DateTime!, $out: DateTime!, $r: String!) {
		requestHourCorrection(assignmentId: $a, checkedInAt: $in, checkedOutAt: $out, reason: $r) { id status creditedMinutes } }`
	at := func(d time.Duration) string { return missed.StartsAt.Add(d).Format(time.RFC3339) }
	req := func(token, in, out, reason string) *result {
		return p.post(token, request, map[string]any{"a": aid, "in": in, "out": out, "r": reason})
	}
	const why = "Kiosk ekranı işləmirdi, koordinatora dedim"
	req(p.tokens["vol"], at(3*time.Hour), at(time.Hour), why).wantError(t, konullu.EINVALID, "checkedOutAt")
	req(p.tokens["vol"], at(-3*time.Hour), at(time.Hour), why).wantError(t, konullu.EINVALID, "checkedInAt")
	req(p.tokens["vol"], at(0), at(7*time.Hour), why).wantError(t, konullu.EINVALID, "checkedOutAt")
	req(p.tokens["vol"], at(-90*time.Minute), at(-30*time.Minute), why).wantError(t, konullu.EINVALID, "checkedInAt")
	req(p.tokens["vol"], at(0), at(3*time.Hour), "  ").wantError(t, konullu.EINVALID, "reason")
	req(p.tokens["vol"], at(0), at(3*time.Hour), strings.Repeat("x", 1001)).wantError(t, konullu.EINVALID, "reason")
	req(p.tokens["vol"], "yesterday", at(3*time.Hour), why).wantError(t, konullu.EINVALID, "")
	req(p.tokens["other"], at(0), at(3*time.Hour), why).wantError(t, konullu.ENOTFOUND, "assignmentId")
	req(p.coordA, at(0), at(3*time.Hour), why).wantError(t, konullu.EFORBIDDEN, "")
	var made struct {
		RequestHourCorrection struct {
			ID, Status      string
			CreditedMinutes int
		}
	}
	req(p.tokens["vol"], at(15*time.Minute), at(3*time.Hour+15*time.Minute), why).ok(t, &made)
	c := made.RequestHourCorrection
	if c.Status != "PENDING" || c.CreditedMinutes != 180 {
		t.Fatalf("requested: %+v", c)
	}
	req(p.tokens["vol"], at(0), at(4*time.Hour), why).wantError(t, konullu.ECONFLICT, "")

	// The queue: the centre's coordinators, staff; the volunteer their own.
	const queue = `query($c: ID, $s: CorrectionStatus) { hourCorrections(centreId: $c, status: $s) { id status reason
		assignment { status volunteer { fullName } shift { centre { name } } } } }`
	count := func(token string, vars map[string]any) int {
		var q struct{ HourCorrections []struct{ ID string } }
		p.post(token, queue, vars).ok(t, &q)
		return len(q.HourCorrections)
	}
	if n := count(p.coordA, map[string]any{"s": "PENDING"}); n != 1 {
		t.Errorf("coordinator A's queue: %d", n)
	}
	if n := count(p.coordB, nil); n != 0 {
		t.Errorf("coordinator B's queue: %d", n)
	}
	p.post(p.coordB, queue, map[string]any{"c": gid("Centre", p.a.ID)}).wantError(t, konullu.EFORBIDDEN, "")
	if count(p.staff, nil) != 1 || count(p.tokens["vol"], nil) != 1 || count(p.tokens["other"], nil) != 0 {
		t.Error("staff, the volunteer or another volunteer see the wrong corrections")
	}
	p.post(p.tokens["other"], `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": c.ID}).ok(t, nil)
	if r := p.post(p.tokens["other"], `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": c.ID}); !strings.Contains(string(r.Body), `"node":null`) {
		t.Errorf("another volunteer reads the correction: %s", r.Body)
	}

	// Who decides.
	const decide = `mutation($id: ID!, $ok: Boolean!, $n: String) { decideHourCorrection(id: $id, approve: $ok, note: $n) {
		status decisionNote assignment { status creditedMinutes presence checkedInAt volunteer { totalMinutes } } } }`
	p.post(p.tokens["vol"], decide, map[string]any{"id": c.ID, "ok": true}).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.coordB, decide, map[string]any{"id": c.ID, "ok": true}).wantError(t, konullu.ENOTFOUND, "id")
	p.post(p.staff, decide, map[string]any{"id": c.ID, "ok": true}).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.coordA, decide, map[string]any{"id": c.ID, "ok": false}).wantError(t, konullu.EINVALID, "note")
	p.post(p.coordA, decide, map[string]any{"id": c.ID, "ok": true, "n": strings.Repeat("n", 501)}).wantError(t, konullu.EINVALID, "note")
	var done struct {
		DecideHourCorrection struct {
			Status, DecisionNote string
			Assignment           struct {
				Status, Presence, CheckedInAt string
				CreditedMinutes               int
				Volunteer                     struct{ TotalMinutes int }
			}
		}
	}
	p.post(p.coordA, decide, map[string]any{"id": c.ID, "ok": true, "n": "Kiosk was down that day"}).ok(t, &done)
	d := done.DecideHourCorrection
	if d.Status != "APPROVED" || d.Assignment.Status != "COMPLETED" || d.Assignment.CreditedMinutes != 180 ||
		d.Assignment.Presence != "RECORDED" || d.Assignment.Volunteer.TotalMinutes != 180 || d.Assignment.CheckedInAt != at(15*time.Minute) {
		t.Errorf("approved: %+v", d)
	}
	p.post(p.coordA, decide, map[string]any{"id": c.ID, "ok": false, "n": "again"}).wantError(t, konullu.ECONFLICT, "")

	// The tally, the report and a certificate count the corrected minutes.
	if _, err := p.db.TallyHours(ctx, t0, konullu.TallyOptions{}); err != nil {
		t.Fatal(err)
	}
	tallies := must(p.db.HourTallies(ctx, []int64{p.users["vol"].VolunteerID}))
	if len(tallies) != 1 || tallies[0].Minutes != 180 {
		t.Errorf("tallies: %+v", tallies)
	}
	var rep struct{ ParticipationReport struct{ TotalMinutes int } }
	p.post(p.coordA, `{ participationReport(from: "2025-03-01", to: "2025-03-10") { totalMinutes } }`, nil).ok(t, &rep)
	if rep.ParticipationReport.TotalMinutes != 180 {
		t.Errorf("report: %+v", rep)
	}
	var cert struct{ IssueCertificate struct{ Minutes int } }
	p.post(p.tokens["vol"], `mutation { issueCertificate(input: {from: "2025-03-01", to: "2025-03-09", language: "en"}) { minutes } }`, nil).ok(t, &cert)
	if cert.IssueCertificate.Minutes != 180 {
		t.Errorf("certificate: %+v", cert)
	}

	// A rejection leaves the record as it was; the volunteer hears of both.
	p.day++ // the first day's shift is the corrected one: hours are credited once for a time
	short := p.attend("vol", p.a, 1)[0]
	req2 := map[string]any{"a": gid("Assignment", short.ID), "in": short.CheckedInAt.Format(time.RFC3339),
		"out": short.CheckedOutAt.Add(time.Hour).Format(time.RFC3339), "r": "I stayed an hour longer"}
	var second struct{ RequestHourCorrection struct{ ID string } }
	p.post(p.tokens["vol"], request, req2).ok(t, &second)
	p.post(p.coordA, decide, map[string]any{"id": second.RequestHourCorrection.ID, "ok": false, "n": "The centre closed on time"}).ok(t, &done)
	if d := done.DecideHourCorrection; d.Status != "REJECTED" || d.Assignment.CreditedMinutes != 240 || d.DecisionNote != "The centre closed on time" {
		t.Errorf("rejected: %+v", d)
	}
	p.drain()
	var notes struct {
		MyNotifications []struct{ Kind, Title string }
	}
	p.post(p.tokens["vol"], `{ myNotifications { kind title } }`, nil).ok(t, &notes)
	if !hasKind(notes.MyNotifications, "CORRECTION_APPROVED") || !hasKind(notes.MyNotifications, "CORRECTION_REJECTED") {
		t.Errorf("notifications: %+v", notes)
	}
	// Audited, with the assignment as it was before and after.
	entries := p.auditLog(t, p.admin, map[string]any{"a": "decideHourCorrection"})
	if len(entries) < 4 {
		t.Fatalf("audit entries: %+v", entries)
	}
	var approved *auditLogEntry
	for i := range entries {
		if entries[i].Outcome == "DONE" && strings.Contains(entries[i].Arguments, "Kiosk was down") {
			approved = &entries[i]
		}
	}
	if approved == nil || len(approved.Changes) != 1 || approved.Changes[0].Before == nil || approved.Changes[0].After == nil ||
		!strings.Contains(*approved.Changes[0].Before, `"NO_SHOW"`) || !strings.Contains(*approved.Changes[0].After, `"COMPLETED"`) {
		t.Errorf("audit of the approval: %+v", approved)
	}

	// Nobody decides their own: a coordinator of A who volunteered at A.
	own := p.attend("coordA", p.a, 1)[0]
	var mine struct{ RequestHourCorrection struct{ ID string } }
	p.post(p.coordA, request, map[string]any{"a": gid("Assignment", own.ID), "in": own.CheckedInAt.Format(time.RFC3339),
		"out": own.CheckedOutAt.Add(30 * time.Minute).Format(time.RFC3339), "r": "late check-out"}).ok(t, &mine)
	p.post(p.coordA, decide, map[string]any{"id": mine.RequestHourCorrection.ID, "ok": true}).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.admin, decide, map[string]any{"id": mine.RequestHourCorrection.ID, "ok": true}).ok(t, nil)
}

// TestRecommendationLetters: who writes and reads letters, the limits of
// the text, and the figures a letter records.
func TestRecommendationLetters(t *testing.T) {
	p := newProgramme(t, "vol", "other")
	p.attend("vol", p.a, 2)
	p.attend("vol", p.b, 1)
	const issue = `mutation($v: ID!, $t: String!, $l: String!) { issueRecommendation(volunteerId: $v, text: $t, language: $l) {
		id code language verifyUrl downloadUrl minutes centres positions authorName from to volunteer { fullName } } }`
	text := "Aysel proqramda çalışqan və məsuliyyətli könüllü olub.\nВолонтёр рекомендован без оговорок."
	vars := func(lang, text string) map[string]any {
		return map[string]any{"v": p.vid("vol"), "t": text, "l": lang}
	}
	p.post(p.tokens["other"], issue, vars("az", text)).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.staff, issue, vars("az", text)).wantError(t, konullu.EFORBIDDEN, "")
	p.post(p.coordA, issue, vars("az", "Too short.")).wantError(t, konullu.EINVALID, "text")
	p.post(p.coordA, issue, vars("az", strings.Repeat("ə", 3001))).wantError(t, konullu.EINVALID, "text")
	p.post(p.coordA, issue, vars("az", text+"\x00")).wantError(t, konullu.EINVALID, "text")
	p.post(p.coordA, issue, vars("de", text)).wantError(t, konullu.EINVALID, "language")
	// Coordinator B's centre saw one shift: enough. A coordinator of neither is refused.
	u := p.account("coordC@example.az", "Coordinator C")
	c := p.centre("Sumqayıt ASAN", "Asia/Baku")
	p.grant(u, konullu.RoleCoordinator, c.ID)
	p.post(p.login("coordC@example.az"), issue, vars("en", text)).wantError(t, konullu.EFORBIDDEN, "")
	var l struct {
		IssueRecommendation struct {
			ID, Code, Language, VerifyUrl, DownloadUrl, AuthorName string
			Minutes                                                int
			Centres, Positions                                     []string
			From, To                                               string
		}
	}
	p.post(p.coordA, issue, vars("az", text)).ok(t, &l)
	got := l.IssueRecommendation
	if got.Minutes != 720 || len(got.Centres) != 2 || got.Positions[0] != "Reception guide" || got.AuthorName != "Volunteer coordA" ||
		got.VerifyUrl != "/verify/"+got.Code || got.DownloadUrl != "/letters/"+got.Code+".pdf" || got.From == "" || got.To < got.From {
		t.Errorf("letter: %+v", got)
	}
	p.post(p.coordB, issue, vars("ru", text)).ok(t, nil)

	// Who reads them: the volunteer, the author, staff; the coordinator of a
	// centre the contact rule names; not another coordinator or volunteer.
	const list = `query($v: ID!) { volunteer(id: $v) { letters { code language } } }`
	letters := func(token string) int {
		var d struct {
			Volunteer *struct{ Letters []struct{ Code string } }
		}
		p.post(token, list, map[string]any{"v": p.vid("vol")}).ok(t, &d)
		if d.Volunteer == nil {
			return -1
		}
		return len(d.Volunteer.Letters)
	}
	if n := letters(p.tokens["vol"]); n != 2 {
		t.Errorf("the volunteer lists %d letters", n)
	}
	if n := letters(p.staff); n != 2 {
		t.Errorf("staff list %d letters", n)
	}
	// Coordinator A reads their own letter, not B's: attendance recorded
	// after the shift gives no contact tie (the contact rule).
	if n := letters(p.coordA); n != 1 {
		t.Errorf("coordinator A lists %d letters", n)
	}
	if n := letters(p.login("coordC@example.az")); n != 0 {
		t.Errorf("an unrelated coordinator lists %d letters", n)
	}
	if n := letters(p.tokens["other"]); n != -1 {
		t.Errorf("another volunteer lists %d letters", n)
	}
	var byCode struct{ RecommendationLetter *struct{ Code string } }
	p.post(p.tokens["other"], `query($c: String!) { recommendationLetter(code: $c) { code } }`, map[string]any{"c": got.Code}).ok(t, &byCode)
	if byCode.RecommendationLetter != nil {
		t.Error("another volunteer reads the letter by its code")
	}
	p.post(p.tokens["vol"], `query($c: String!) { recommendationLetter(code: $c) { code } }`, map[string]any{"c": strings.ToLower(got.Code)}).ok(t, &byCode)
	if byCode.RecommendationLetter == nil || byCode.RecommendationLetter.Code != got.Code {
		t.Error("the volunteer cannot read the letter by its code")
	}
	p.drain()
	var notes struct {
		MyNotifications []struct{ Kind, Title string }
	}
	p.post(p.tokens["vol"], `{ myNotifications { kind title } }`, nil).ok(t, &notes)
	if !hasKind(notes.MyNotifications, "LETTER_ISSUED") {
		t.Errorf("notifications: %+v", notes)
	}
}

// TestProgrammeRaces: two mentorships asked at once that would make a cycle
// leave at most one; two corrections of one assignment at once leave one
// pending.
func TestProgrammeRaces(t *testing.T) {
	p := newProgramme(t, "x", "y")
	p.attend("x", p.a, 5)
	p.attend("y", p.a, 5)
	ctx := context.Background()
	for round := 0; round < 3; round++ {
		codes := make(chan string, 2)
		go func() { codes <- p.assignMentor(p.staff, "x", "y").code() }()
		go func() { codes <- p.assignMentor(p.staff, "y", "x").code() }()
		a, b := <-codes, <-codes
		if a == "" && b == "" {
			t.Fatalf("round %d: both directions were accepted: a cycle", round)
		}
		m := must(p.db.MentorsOf(ctx, []int64{p.users["x"].VolunteerID, p.users["y"].VolunteerID}))
		if len(m) != 1 {
			t.Fatalf("round %d: mentorships %v", round, m)
		}
		for _, n := range []string{"x", "y"} {
			must(0, p.db.RemoveMentor(ctx, p.users[n].VolunteerID))
		}
	}
	missed := p.shift(p.a, p.pos, t0.Add(-30*time.Hour), 3, true)
	a := p.assignedAhead(missed, p.users["x"].VolunteerID)
	must(p.db.MarkNoShow(ctx, a.ID, "not seen"))
	const request = `mutation($a: ID!, $in: DateTime!, $out: DateTime!) {
		requestHourCorrection(assignmentId: $a, checkedInAt: $in, checkedOutAt: $out, reason: "I was there") { id } }`
	vars := map[string]any{"a": gid("Assignment", a.ID), "in": missed.StartsAt.Format(time.RFC3339), "out": missed.EndsAt.Format(time.RFC3339)}
	codes := make(chan string, 4)
	for i := 0; i < 4; i++ {
		go func() { codes <- p.post(p.tokens["x"], request, vars).code() }()
	}
	ok := 0
	for i := 0; i < 4; i++ {
		switch c := <-codes; c {
		case "":
			ok++
		case konullu.ECONFLICT:
		default:
			t.Errorf("a concurrent request answered %s", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d corrections of one assignment were accepted at once", ok)
	}
}
