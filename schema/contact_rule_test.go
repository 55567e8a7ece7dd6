package schema_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// contactEnv is a platform for the rules of who sees what: centres A and B
// with a coordinator each, staff, an admin and a stranger to every centre.
type contactEnv struct {
	*env
	a, b                   *konullu.Centre
	pos                    *konullu.Position
	coordA, coordB         *konullu.User
	tokA, tokB, staff, adm string
	stranger               *konullu.User
	strangerTok            string
}

func newContactEnv(t *testing.T) *contactEnv {
	e := &contactEnv{env: newEnv(t)}
	e.a = e.centre("Bakı ASAN 1", "Asia/Baku")
	e.b = e.centre("Gəncə ASAN", "Asia/Baku")
	e.pos = e.position("Reception guide")
	e.coordA = e.account("coord.a@konullu.az", "Kamal Coordinator")
	e.coordB = e.account("coord.b@konullu.az", "Leyla Coordinator")
	e.grant(e.coordA, konullu.RoleCoordinator, e.a.ID)
	e.grant(e.coordB, konullu.RoleCoordinator, e.b.ID)
	st := e.account("staff@konullu.az", "Staff Member")
	e.grant(st, konullu.RoleStaff)
	e.stranger = e.account("stranger@example.az", "Səbinə Yadova")
	e.relogin()
	// Guardian details are contact details: an admin records some, so that
	// every check below also asks whether they show.
	e.post(e.adm, `mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "Aygün Yadova", relationship: "mother", contact: "+994 55 111 22 33"}) { id } }`,
		map[string]any{"v": gid("Volunteer", e.stranger.VolunteerID)}).ok(t, nil)
	return e
}

// relogin signs everyone in again: sessions last 30 days, and some tests
// move the clock by months.
func (e *contactEnv) relogin() {
	e.tokA = e.login("coord.a@konullu.az")
	e.tokB = e.login("coord.b@konullu.az")
	e.staff = e.login("staff@konullu.az")
	e.adm = e.admin()
	e.strangerTok = e.login("stranger@example.az")
}

// sees tells what a viewer sees of volunteer id's contact details: "contact"
// or "hidden". Every way to reach the volunteer (by id, by node, in the
// volunteers list, through an assignment of shift) must agree.
func (e *contactEnv) sees(tok string, id int64, shift *konullu.Shift) string {
	e.t.Helper()
	const fields = `id email phone guardianConsent { guardianName contact } guardianConsentHistory { guardianName }`
	q := `query($id: ID!) { volunteer(id: $id) { ` + fields + ` } node(id: $id) { ... on Volunteer { ` + fields + ` } }
		volunteers(search: "Yadova") { edges { node { ` + fields + ` } } } }`
	vars := map[string]any{"id": gid("Volunteer", id)}
	if shift != nil {
		q = `query($id: ID!, $s: ID!) { volunteer(id: $id) { ` + fields + ` } node(id: $id) { ... on Volunteer { ` + fields + ` } }
			volunteers(search: "Yadova") { edges { node { ` + fields + ` } } }
			shift(id: $s) { assignments { volunteer { ` + fields + ` } } } }`
		vars["s"] = gid("Shift", shift.ID)
	}
	type contact struct {
		ID              string
		Email, Phone    *string
		GuardianConsent *struct {
			GuardianName string
			Contact      *string
		}
		GuardianConsentHistory *[]struct{ GuardianName string }
	}
	var d struct {
		Volunteer  *contact
		Node       *contact
		Volunteers *struct {
			Edges []struct{ Node contact }
		}
		Shift *struct {
			Assignments []struct{ Volunteer contact }
		}
	}
	r := e.post(tok, q, vars)
	if r.code() == konullu.EFORBIDDEN && strings.Contains(string(r.Body), `"volunteers"`) {
		// A volunteer may not list volunteers; ask by id only.
		r = e.post(tok, `query($id: ID!) { volunteer(id: $id) { `+fields+` } node(id: $id) { ... on Volunteer { `+fields+` } } }`,
			map[string]any{"id": gid("Volunteer", id)})
	}
	r.ok(e.t, &d)
	var all []contact
	if d.Volunteer != nil {
		all = append(all, *d.Volunteer)
	}
	if d.Node != nil {
		all = append(all, *d.Node)
	}
	if d.Volunteers != nil {
		for _, ed := range d.Volunteers.Edges {
			all = append(all, ed.Node)
		}
	}
	if d.Shift != nil {
		for _, a := range d.Shift.Assignments {
			if a.Volunteer.ID == gid("Volunteer", id) {
				all = append(all, a.Volunteer)
			}
		}
	}
	if len(all) == 0 {
		return "hidden" // not even the name
	}
	verdict := func(c contact) string {
		switch {
		case c.Email != nil && c.Phone != nil && c.GuardianConsent != nil && c.GuardianConsent.Contact != nil &&
			c.GuardianConsentHistory != nil && len(*c.GuardianConsentHistory) > 0:
			return "contact"
		case c.Email == nil && c.Phone == nil && c.GuardianConsent == nil && c.GuardianConsentHistory == nil:
			return "hidden"
		}
		return fmt.Sprintf("inconsistent %+v", c)
	}
	first := verdict(all[0])
	for _, c := range all[1:] {
		if v := verdict(c); v != first {
			e.t.Fatalf("the ways to reach a volunteer disagree (%s and %s): %s", first, v, r.Body)
		}
	}
	return first
}

// expect checks what each viewer sees of the stranger's contact details.
func (e *contactEnv) expect(step string, shift *konullu.Shift, want map[string]string) {
	e.t.Helper()
	toks := map[string]string{"coordinator A": e.tokA, "coordinator B": e.tokB, "staff": e.staff, "admin": e.adm, "the volunteer": e.strangerTok}
	for _, who := range []string{"coordinator A", "coordinator B", "staff", "admin", "the volunteer"} {
		w, ok := want[who]
		if !ok {
			w = map[string]string{"admin": "contact", "the volunteer": "contact"}[who]
			if w == "" {
				w = "hidden"
			}
		}
		if got := e.sees(toks[who], e.stranger.VolunteerID, shift); got != w {
			e.t.Errorf("%s: %s sees %s, want %s", step, who, got, w)
		}
	}
}

func (e *contactEnv) assign(tok string, s *konullu.Shift, volunteerID int64) (id, status string) {
	e.t.Helper()
	var d struct{ AssignVolunteer struct{ ID, Status string } }
	e.post(tok, `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id status } }`,
		map[string]any{"s": gid("Shift", s.ID), "v": gid("Volunteer", volunteerID)}).ok(e.t, &d)
	return d.AssignVolunteer.ID, d.AssignVolunteer.Status
}

func (e *contactEnv) withdraw(tok, assignment string) {
	e.t.Helper()
	e.post(tok, `mutation($a: ID!) { withdraw(assignmentId: $a) { status } }`, map[string]any{"a": assignment}).ok(e.t, nil)
}

// TestContactRuleDraftAttack: assigning a stranger to a draft shift and
// withdrawing at once used to open their contact details to the
// coordinator for good. Drafts and cancelled places give nothing.
func TestContactRuleDraftAttack(t *testing.T) {
	e := newContactEnv(t)
	e.expect("no ties", nil, nil)

	draft := e.shift(e.a, e.pos, t0.Add(48*time.Hour), 5, false)
	id, status := e.assign(e.tokA, draft, e.stranger.VolunteerID)
	if status != "CONFIRMED" {
		t.Fatalf("assigned to the draft: %s", status)
	}
	e.expect("a place in a draft", draft, nil)
	e.withdraw(e.tokA, id)
	e.expect("assigned to a draft and withdrawn", draft, nil)

	// The same on a published shift: contact while the place is held, and
	// nothing once it is given up.
	pub := e.shift(e.a, e.pos, t0.Add(72*time.Hour), 1, true)
	id, _ = e.assign(e.tokA, pub, e.stranger.VolunteerID)
	e.expect("a confirmed place in a published shift", pub, map[string]string{"coordinator A": "contact"})
	e.withdraw(e.tokA, id)
	e.expect("assigned to a published shift and withdrawn", pub, nil)

	// A place on the waitlist is a place.
	full := e.shift(e.a, e.pos, t0.Add(96*time.Hour), 1, true)
	filler := e.account("filler@example.az", "Filler Volunteer")
	e.signUp(full, filler.VolunteerID, false)
	id, status = e.assign(e.tokA, full, e.stranger.VolunteerID)
	if status != "WAITLISTED" {
		t.Fatalf("assigned to a full shift: %s", status)
	}
	e.expect("waitlisted in a published shift", full, map[string]string{"coordinator A": "contact"})

	// A centre's shift being cancelled cancels the places in it.
	e.post(e.tokA, `mutation($s: ID!) { cancelShift(id: $s, reason: "closed") { status } }`, map[string]any{"s": gid("Shift", full.ID)}).ok(t, nil)
	e.expect("the shift was cancelled", nil, nil)
	_ = id
}

// TestContactRuleRemovedFromCentre: a coordinator removed from the centre
// loses the contact details with the next request, session unchanged.
func TestContactRuleRemovedFromCentre(t *testing.T) {
	e := newContactEnv(t)
	pub := e.shift(e.a, e.pos, t0.Add(72*time.Hour), 5, true)
	e.assign(e.tokA, pub, e.stranger.VolunteerID)
	e.expect("confirmed", pub, map[string]string{"coordinator A": "contact"})

	if _, err := e.db.SQL().ExecContext(context.Background(),
		fmt.Sprintf(`DELETE FROM coordinator_centres WHERE user_id = %d AND centre_id = %d`, e.coordA.ID, e.a.ID)); err != nil {
		t.Fatal(err)
	}
	if got := e.sees(e.tokA, e.stranger.VolunteerID, nil); got != "hidden" {
		t.Errorf("removed from the centre, the coordinator still sees %s", got)
	}
	e.grant(e.coordA, konullu.RoleCoordinator, e.a.ID)
	if got := e.sees(e.tokA, e.stranger.VolunteerID, nil); got != "contact" {
		t.Errorf("given the centre back, the coordinator sees %s", got)
	}
}

// TestContactRuleAttendedWindow: an attended shift gives its centre's
// coordinators the contact details for 90 days after its end; a no-show
// gives nothing, and so does a place taken after the shift began (attendance
// recorded for a stranger after the fact).
func TestContactRuleAttendedWindow(t *testing.T) {
	e := newContactEnv(t)
	start := t0.Add(24 * time.Hour)
	s := e.shift(e.a, e.pos, start, 5, true)
	id, _ := e.assign(e.tokA, s, e.stranger.VolunteerID)
	end := start.Add(4 * time.Hour)

	e.clock.Set(end.Add(time.Hour))
	e.post(e.tokA, `mutation($a: ID!, $in: DateTime!, $out: DateTime!) { recordAttendance(assignmentId: $a, checkedInAt: $in, checkedOutAt: $out) { status } }`,
		map[string]any{"a": id, "in": start.Format(time.RFC3339), "out": end.Format(time.RFC3339)}).ok(t, nil)
	e.expect("attended yesterday", s, map[string]string{"coordinator A": "contact"})

	e.clock.Set(end.Add(konullu.ContactWindow - time.Hour))
	e.relogin()
	e.expect("attended 89 days and 23 hours ago", nil, map[string]string{"coordinator A": "contact"})

	e.clock.Set(end.Add(konullu.ContactWindow + time.Hour))
	e.relogin()
	e.expect("attended 90 days and an hour ago", nil, nil)

	// A no-show gives nothing, even the day after.
	now := e.clock.Now()
	s2 := e.shift(e.a, e.pos, now.Add(24*time.Hour), 5, true)
	id2, _ := e.assign(e.tokA, s2, e.stranger.VolunteerID)
	e.clock.Set(now.Add(30 * time.Hour))
	e.relogin()
	e.post(e.tokA, `mutation($a: ID!) { markNoShow(assignmentId: $a, note: "did not come") { status } }`, map[string]any{"a": id2}).ok(t, nil)
	e.expect("a no-show yesterday", nil, nil)

	// Work credited after the shift ended (a place can no longer be
	// assigned there): a claim, not a tie.
	now = e.clock.Now()
	past := e.shift(e.a, e.pos, now.Add(-10*time.Hour), 5, true)
	e.post(e.tokA, `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }`,
		map[string]any{"s": gid("Shift", past.ID), "v": gid("Volunteer", e.stranger.VolunteerID)}).wantError(t, konullu.ESHIFTENDED, "shiftId")
	e.post(e.tokA, `mutation($s: ID!, $v: ID!, $in: DateTime!, $out: DateTime!) {
		recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $in, checkedOutAt: $out) { status } }`,
		map[string]any{"s": gid("Shift", past.ID), "v": gid("Volunteer", e.stranger.VolunteerID),
			"in": past.StartsAt.Format(time.RFC3339), "out": past.EndsAt.Format(time.RFC3339)}).ok(t, nil)
	e.expect("work credited after the shift", past, nil)
}

// TestNamesRule: a volunteer sees another volunteer's name only when both
// hold a place (not cancelled) in the same published shift; to anyone else
// the volunteer does not exist, by id or by node. PENDING and SUSPENDED
// volunteers see only themselves.
func TestNamesRule(t *testing.T) {
	e := newContactEnv(t)
	mate := e.account("mate@example.az", "Nigar Həmkar")
	stranger := e.account("far@example.az", "Elvin Uzaq")
	draftMate := e.account("draft@example.az", "Orxan Qaralama")
	gone := e.account("gone@example.az", "Rəşad Getmiş")
	pub := e.shift(e.a, e.pos, t0.Add(48*time.Hour), 5, true)
	draft := e.shift(e.a, e.pos, t0.Add(96*time.Hour), 5, false)
	e.signUp(pub, e.stranger.VolunteerID, false)
	e.signUp(pub, mate.VolunteerID, false)
	left := e.signUp(pub, gone.VolunteerID, false)
	if _, err := e.db.Withdraw(context.Background(), left.ID, false); err != nil {
		t.Fatal(err)
	}
	e.signUp(draft, e.stranger.VolunteerID, true)
	e.signUp(draft, draftMate.VolunteerID, true)

	name := func(tok string, id int64) string {
		t.Helper()
		var d struct {
			Volunteer, Node *struct{ FullName string }
		}
		e.post(tok, `query($id: ID!) { volunteer(id: $id) { fullName } node(id: $id) { ... on Volunteer { fullName } } }`,
			map[string]any{"id": gid("Volunteer", id)}).ok(t, &d)
		switch {
		case d.Volunteer == nil && d.Node == nil:
			return "null"
		case d.Volunteer != nil && d.Node != nil && d.Volunteer.FullName == d.Node.FullName:
			return d.Volunteer.FullName
		}
		t.Fatalf("volunteer and node disagree: %+v %+v", d.Volunteer, d.Node)
		return ""
	}
	tok := e.strangerTok
	for _, c := range []struct {
		who  *konullu.User
		want string
	}{
		{mate, "Nigar Həmkar"},        // shares the published shift
		{stranger, "null"},            // shares nothing
		{draftMate, "null"},           // shares a draft only
		{gone, "null"},                // withdrew from the shared shift
		{e.stranger, "Səbinə Yadova"}, // oneself
	} {
		if got := name(tok, c.who.VolunteerID); got != c.want {
			t.Errorf("%s: got %s, want %s", c.who.Email, got, c.want)
		}
	}
	// The one who withdrew sees nobody of that shift either.
	if got := name(e.login("gone@example.az"), mate.VolunteerID); got != "null" {
		t.Errorf("after withdrawing: got %s", got)
	}
	// Coordinators and staff see names across centres.
	for _, tk := range []string{e.tokB, e.staff, e.adm} {
		if got := name(tk, stranger.VolunteerID); got != "Elvin Uzaq" {
			t.Errorf("a coordinator, staff or admin: got %s", got)
		}
	}
	// A field of a volunteer the viewer may not see is FORBIDDEN, not empty.
	e.post(tok, `query($id: ID!) { volunteer(id: $id) { fullName totalMinutes } }`,
		map[string]any{"id": gid("Volunteer", mate.VolunteerID)}).wantError(t, konullu.EFORBIDDEN, "")

	for _, status := range []konullu.VolunteerStatus{konullu.VolunteerPending, konullu.VolunteerSuspended} {
		if _, err := e.db.SetVolunteerStatus(context.Background(), e.stranger.VolunteerID, status); err != nil {
			t.Fatal(err)
		}
		if got := name(tok, mate.VolunteerID); got != "null" {
			t.Errorf("%s: sees a shift mate's name %s", status, got)
		}
		if got := name(tok, e.stranger.VolunteerID); got != "Səbinə Yadova" {
			t.Errorf("%s: does not see themselves: %s", status, got)
		}
	}
}

// TestGuardianConsentRule: only admins and coordinators of a centre where
// the minor holds or applied for a place record consent; a new record
// supersedes the old one, which stays in the history with its recorder.
func TestGuardianConsentRule(t *testing.T) {
	e := newContactEnv(t)
	minor, err := e.db.CreateAccount(context.Background(), konullu.NewAccount{
		Email: "minor@example.az", PasswordHash: must(konullu.HashPassword(password, testArgon2)), FullName: "Aylin Gənc",
		BirthDate: time.Date(2010, 6, 1, 0, 0, 0, 0, time.UTC), Phone: "+994 50 765 43 21", Status: konullu.VolunteerActive,
	})
	if err != nil {
		t.Fatal(err)
	}
	minorTok := e.login("minor@example.az")
	vid := gid("Volunteer", minor.VolunteerID)
	record := func(tok, guardian string) *result {
		return e.post(tok, `mutation($v: ID!, $g: String!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: $g, relationship: "father"}) { hasGuardianConsent } }`,
			map[string]any{"v": vid, "g": guardian})
	}
	refused := func(r *result) {
		t.Helper()
		r.wantError(t, konullu.EFORBIDDEN, "volunteerId")
		if !strings.Contains(r.Errors[0].Message, "holds or applied for a place at one of your centres") {
			t.Errorf("unclear refusal: %s", r.Errors[0].Message)
		}
	}
	refused(record(e.tokA, "Unrelated Person"))
	e.post(e.staff, `mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "X", relationship: "father"}) { id } }`,
		map[string]any{"v": vid}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(minorTok, `mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "X", relationship: "father"}) { id } }`,
		map[string]any{"v": vid}).wantError(t, konullu.EFORBIDDEN, "")

	// The minor applies at A and is refused for want of consent: that is an
	// application, which lets A's coordinators record it (and B's still not).
	pub := e.shift(e.a, e.pos, t0.Add(48*time.Hour), 5, true)
	e.post(minorTok, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", pub.ID)}).
		wantError(t, konullu.EREQUIREMENT, "")
	// A coordinator's own attempt to assign the minor is no application.
	pubB := e.shift(e.b, e.pos, t0.Add(50*time.Hour), 5, true)
	e.post(e.tokB, `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }`,
		map[string]any{"s": gid("Shift", pubB.ID), "v": vid}).wantError(t, konullu.EREQUIREMENT, "")
	refused(record(e.tokB, "Unrelated Person"))
	record(e.tokA, "Rauf Gənc").ok(t, nil)

	// B assigns the minor to a draft of B (consent is on record now): a place
	// in a draft ties the minor to B for recording consent.
	draftB := e.shift(e.b, e.pos, t0.Add(24*time.Hour), 5, false)
	e.assign(e.tokB, draftB, minor.VolunteerID)
	record(e.tokB, "Rauf Gənc (corrected)").ok(t, nil)
	record(e.adm, "Səbinə Gənc").ok(t, nil)

	// The history, newest first, with who recorded each and when it was superseded.
	type entry struct {
		GuardianName   string
		RecordedByName *string
		RecordedBy     *struct{ Email string }
		SupersededAt   *string
	}
	var d struct {
		Volunteer struct {
			GuardianConsent        entry
			GuardianConsentHistory []entry
		}
	}
	e.post(e.adm, `query($v: ID!) { volunteer(id: $v) { guardianConsent { guardianName }
		guardianConsentHistory { guardianName recordedByName recordedBy { email } supersededAt } } }`,
		map[string]any{"v": vid}).ok(t, &d)
	h := d.Volunteer.GuardianConsentHistory
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	var got []string
	for _, x := range h {
		by := "null"
		if x.RecordedBy != nil {
			by = x.RecordedBy.Email
		}
		superseded := "current"
		if x.SupersededAt != nil {
			superseded = "superseded"
		}
		got = append(got, fmt.Sprintf("%s by %s/%s, %s", x.GuardianName, str(x.RecordedByName), by, superseded))
	}
	want := []string{
		"Səbinə Gənc by null/admin@konullu.az, current",
		"Rauf Gənc (corrected) by Leyla Coordinator/coord.b@konullu.az, superseded",
		"Rauf Gənc by Kamal Coordinator/coord.a@konullu.az, superseded",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Volunteer.GuardianConsent.GuardianName != "Səbinə Gənc" {
		t.Errorf("the consent on record is %q", d.Volunteer.GuardianConsent.GuardianName)
	}

	// The history is as private as the consent: A's application is no place,
	// so A's coordinator sees neither.
	var a struct {
		Volunteer struct {
			GuardianConsent        *entry
			GuardianConsentHistory *[]entry
		}
	}
	e.post(e.tokA, `query($v: ID!) { volunteer(id: $v) { guardianConsent { guardianName } guardianConsentHistory { guardianName } } }`,
		map[string]any{"v": vid}).ok(t, &a)
	if a.Volunteer.GuardianConsent != nil || a.Volunteer.GuardianConsentHistory != nil {
		t.Errorf("coordinator A sees the guardian's details: %+v", a.Volunteer)
	}
}
