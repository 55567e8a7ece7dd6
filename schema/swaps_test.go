package schema_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/schema"
)

// swapFixture is a centre with a coordinator, a shift in two days with one
// place held by the offerer, and two other volunteers.
type swapFixture struct {
	*env
	centre, other        *konullu.Centre
	position             *konullu.Position
	shift                *konullu.Shift
	held                 *konullu.Assignment
	offerer, taker, late string // tokens
	coord, coordOther    string
	offererName          string
}

func newSwapFixture(t *testing.T, e *env) *swapFixture {
	t.Helper()
	f := &swapFixture{env: e, offererName: "Nərmin Offerer"}
	f.centre = e.centre("Bakı ASAN 1", "Asia/Baku")
	f.other = e.centre("Gəncə ASAN", "Asia/Baku")
	f.position = e.position("Reception guide")
	f.shift = e.shift(f.centre, f.position, t0.Add(48*time.Hour), 1, true)
	o := e.account("offerer@example.az", f.offererName)
	e.account("taker@example.az", "Taker")
	e.account("late@example.az", "Late")
	f.held = e.signUp(f.shift, o.VolunteerID, false)
	c := e.account("coord@konullu.az", "Coordinator")
	e.grant(c, konullu.RoleCoordinator, f.centre.ID)
	c2 := e.account("coord2@konullu.az", "Other coordinator")
	e.grant(c2, konullu.RoleCoordinator, f.other.ID)
	f.offerer, f.taker, f.late = e.login("offerer@example.az"), e.login("taker@example.az"), e.login("late@example.az")
	f.coord, f.coordOther = e.login("coord@konullu.az"), e.login("coord2@konullu.az")
	return f
}

const (
	offerPlace = `mutation($a: ID!) { offerPlace(assignmentId: $a) { id status mine expiresAt shift { id } } }`
	takePlace  = `mutation($o: ID!) { takePlace(offerId: $o) { id status volunteer { fullName } } }`
	roster     = `query($s: ID!) { shift(id: $s) { confirmedCount assignments { status attendanceConfirmed volunteer { fullName } placeOffer { status } } } }`
)

type offerData struct {
	ID, Status, ExpiresAt string
	Mine                  bool
	Shift                 struct{ ID string }
}

func TestPlaceSwapAPI(t *testing.T) {
	rec := &eventRecorder{}
	e := newEnv(t, withEvents(rec))
	f := newSwapFixture(t, e)
	rec.take()
	held := map[string]any{"a": gid("Assignment", f.held.ID)}

	// AUTHZ: only the holder offers the place.
	e.post(f.coord, offerPlace, held).wantError(t, konullu.EFORBIDDEN, "")
	e.post(f.taker, offerPlace, held).wantError(t, konullu.ENOTFOUND, "assignmentId")
	e.post(f.offerer, offerPlace, map[string]any{"a": "bad"}).wantError(t, konullu.EINVALID, "assignmentId")

	var offered struct{ OfferPlace offerData }
	e.post(f.offerer, offerPlace, held).ok(t, &offered)
	o := offered.OfferPlace
	if o.Status != "OPEN" || !o.Mine || o.ExpiresAt != "2025-03-12T05:00:00Z" {
		t.Fatalf("offer %+v", o)
	}
	if got, want := rec.take(), []konullu.CentreEvent{{Kind: konullu.CentrePlaceOffered, CentreID: f.centre.ID, ShiftID: f.shift.ID, AssignmentID: f.held.ID}}; !slices.Equal(got, want) {
		t.Fatalf("events of the offer: %+v, want %+v", got, want)
	}

	// The taker sees it among the offers they could take; nothing names the offerer.
	list := `query($c: ID) { placeOffers(centreId: $c) { id mine shift { id assignments { id } } } }`
	res := e.post(f.taker, list, map[string]any{"c": gid("Centre", f.centre.ID)})
	var offers struct {
		PlaceOffers []struct {
			ID    string
			Mine  bool
			Shift struct{ Assignments []struct{ ID string } }
		}
	}
	res.ok(t, &offers)
	if len(offers.PlaceOffers) != 1 || offers.PlaceOffers[0].ID != o.ID || offers.PlaceOffers[0].Mine ||
		len(offers.PlaceOffers[0].Shift.Assignments) != 0 {
		t.Fatalf("taker's offers: %s", res.Body)
	}
	if strings.Contains(string(res.Body), "Nərmin") || strings.Contains(string(res.Body), "offerer@") {
		t.Fatalf("the offer shows the offerer: %s", res.Body)
	}
	e.post(f.taker, list, map[string]any{"c": gid("Centre", f.other.ID)}).ok(t, &offers)
	if len(offers.PlaceOffers) != 0 {
		t.Fatalf("offers of another centre: %+v", offers)
	}
	e.post(f.offerer, list, nil).ok(t, &offers)
	if len(offers.PlaceOffers) != 0 {
		t.Fatalf("the offerer is offered their own place")
	}
	// The coordinator sees the offer on the roster; the place is still the offerer's.
	var r struct {
		Shift struct {
			ConfirmedCount int
			Assignments    []struct {
				Status     string
				Volunteer  struct{ FullName string }
				PlaceOffer *struct{ Status string }
			}
		}
	}
	e.post(f.coord, roster, map[string]any{"s": gid("Shift", f.shift.ID)}).ok(t, &r)
	if len(r.Shift.Assignments) != 1 || r.Shift.Assignments[0].Status != "CONFIRMED" || r.Shift.Assignments[0].PlaceOffer == nil ||
		r.Shift.Assignments[0].PlaceOffer.Status != "OPEN" {
		t.Fatalf("roster while offered: %+v", r)
	}

	take := map[string]any{"o": o.ID}
	e.post(f.offerer, takePlace, take).wantError(t, konullu.ECONFLICT, "")
	e.post(f.coord, `mutation($o: ID!) { withdrawOffer(offerId: $o) { status } }`, take).wantError(t, konullu.EFORBIDDEN, "")
	var took struct {
		TakePlace struct {
			Status    string
			Volunteer struct{ FullName string }
		}
	}
	e.post(f.taker, takePlace, take).ok(t, &took)
	if took.TakePlace.Status != "CONFIRMED" || took.TakePlace.Volunteer.FullName != "Taker" {
		t.Fatalf("taken: %+v", took)
	}
	evs := rec.take()
	if len(evs) != 2 || evs[0].Kind != konullu.CentrePlaceTaken || evs[0].AssignmentID == f.held.ID ||
		evs[1] != (konullu.CentreEvent{Kind: konullu.CentreWithdrawn, CentreID: f.centre.ID, ShiftID: f.shift.ID, AssignmentID: f.held.ID}) {
		t.Fatalf("events of the take: %+v", evs)
	}
	// The second taker gets a clear CONFLICT.
	res = e.post(f.late, takePlace, take)
	res.wantError(t, konullu.ECONFLICT, "")
	if !strings.Contains(res.Errors[0].Message, "took this place first") {
		t.Fatalf("second taker's message: %q", res.Errors[0].Message)
	}
	e.post(f.coord, roster, map[string]any{"s": gid("Shift", f.shift.ID)}).ok(t, &r)
	statuses := map[string]string{}
	for _, a := range r.Shift.Assignments {
		statuses[a.Volunteer.FullName] = a.Status
	}
	if r.Shift.ConfirmedCount != 1 || statuses["Taker"] != "CONFIRMED" || statuses[f.offererName] != "CANCELLED" {
		t.Fatalf("roster after the swap: %+v", r)
	}
	// Every swap mutation is in the audit trail.
	admin := e.admin()
	for _, action := range []string{"offerPlace", "takePlace"} {
		entries := e.auditLog(t, admin, map[string]any{"a": action})
		done := 0
		for _, en := range entries {
			if en.Outcome == "DONE" {
				done++
			}
		}
		if done != 1 {
			t.Fatalf("%s: %d entries done, want 1: %+v", action, done, entries)
		}
	}
}

func TestWithdrawOfferAPI(t *testing.T) {
	e := newEnv(t)
	f := newSwapFixture(t, e)
	var offered struct{ OfferPlace offerData }
	e.post(f.offerer, offerPlace, map[string]any{"a": gid("Assignment", f.held.ID)}).ok(t, &offered)
	withdraw := `mutation($o: ID!) { withdrawOffer(offerId: $o) { status } }`
	vars := map[string]any{"o": offered.OfferPlace.ID}
	e.post(f.taker, withdraw, vars).wantError(t, konullu.EFORBIDDEN, "")
	var w struct{ WithdrawOffer struct{ Status string } }
	e.post(f.offerer, withdraw, vars).ok(t, &w)
	if w.WithdrawOffer.Status != "WITHDRAWN" {
		t.Fatalf("withdrawn: %+v", w)
	}
	// A withdrawn offer cannot be taken, nor is it listed.
	e.post(f.taker, takePlace, vars).wantError(t, konullu.ECONFLICT, "")
	e.post(f.taker, takePlace, map[string]any{"o": gid("PlaceOffer", 999)}).wantError(t, konullu.ENOTFOUND, "offerId")
	// Too late to offer: inside the withdrawal cut-off.
	e.clock.Set(f.shift.StartsAt.Add(-2 * time.Hour))
	e.post(f.offerer, offerPlace, map[string]any{"a": gid("Assignment", f.held.ID)}).wantError(t, konullu.ESIGNUPCLOSED, "")
}

func TestConfirmAttendanceAPI(t *testing.T) {
	e := newEnv(t)
	f := newSwapFixture(t, e)
	confirm := `mutation($a: ID!) { confirmAttendance(assignmentId: $a) { status attendanceConfirmed } }`
	held := map[string]any{"a": gid("Assignment", f.held.ID)}
	// AUTHZ: only the holder; the coordinator sees who has not confirmed.
	e.post(f.coord, confirm, held).wantError(t, konullu.EFORBIDDEN, "")
	e.post(f.taker, confirm, held).wantError(t, konullu.ENOTFOUND, "assignmentId")
	e.post("", confirm, held).wantError(t, konullu.EUNAUTHENTICATED, "")
	var r struct {
		Shift struct {
			Assignments []struct{ AttendanceConfirmed bool }
		}
	}
	e.post(f.coord, roster, map[string]any{"s": gid("Shift", f.shift.ID)}).ok(t, &r)
	if r.Shift.Assignments[0].AttendanceConfirmed {
		t.Fatal("confirmed before anyone confirmed")
	}
	var c struct {
		ConfirmAttendance struct{ AttendanceConfirmed bool }
	}
	e.post(f.offerer, confirm, held).ok(t, &c)
	e.post(f.offerer, confirm, held).ok(t, &c) // again: no change, no error
	if !c.ConfirmAttendance.AttendanceConfirmed {
		t.Fatal("not confirmed")
	}
	e.post(f.coord, roster, map[string]any{"s": gid("Shift", f.shift.ID)}).ok(t, &r)
	if !r.Shift.Assignments[0].AttendanceConfirmed {
		t.Fatal("the coordinator does not see the confirmation")
	}
	// A withdrawn place is no longer confirmed, and cannot be.
	e.post(f.offerer, `mutation($a: ID!) { withdraw(assignmentId: $a) { status attendanceConfirmed } }`, held).ok(t, nil)
	e.post(f.offerer, confirm, held).wantError(t, konullu.ECONFLICT, "")
}

// saltedLimiter keeps a test's counts apart from earlier runs on the shared
// Redis of KONULLU_TEST_REDIS_URL (user ids repeat from run to run).
type saltedLimiter struct {
	l    *ratelimit.Limiter
	salt string
}

func (s saltedLimiter) Allow(ctx context.Context, rule, key string, n int) (bool, time.Duration) {
	if rule != schema.RuleMessageUser {
		return true, 0
	}
	d := s.l.AllowN(ctx, ratelimit.Rule{Name: rule, Limit: ratelimit.DefaultRules().MessageUser}, s.salt+key, n)
	return d.Allowed, d.RetryAfter
}

func TestMessageVolunteersAPI(t *testing.T) {
	salt := make([]byte, 4)
	rand.Read(salt)
	lim := saltedLimiter{newTestLimiter(t).l, hex.EncodeToString(salt) + ":"}
	e := newHardEnv(t, func(c *schema.Config) { c.Limiter = lim }, nil)
	f := newSwapFixture(t, e)
	// The shift: the offerer confirmed, one waitlisted, one who withdrew.
	w := e.account("waiting@example.az", "Waiting")
	e.signUp(f.shift, w.VolunteerID, false)
	gone := e.account("gone@example.az", "Gone")
	ga := e.signUp(f.shift, gone.VolunteerID, true)
	if _, err := e.db.Withdraw(context.Background(), ga.ID, true); err != nil {
		t.Fatal(err)
	}
	// Next day at the same centre: the waitlisted volunteer again and one more;
	// at another centre: someone who must not hear of it.
	next := e.shift(f.centre, f.position, t0.Add(72*time.Hour), 5, true)
	e.signUp(next, w.VolunteerID, false)
	more := e.account("more@example.az", "More")
	e.signUp(next, more.VolunteerID, false)
	elsewhere := e.shift(f.other, f.position, t0.Add(72*time.Hour), 5, true)
	far := e.account("far@example.az", "Far")
	e.signUp(elsewhere, far.VolunteerID, false)

	send := `mutation($in: MessageInput!) { messageVolunteers(input: $in) { recipients } }`
	msg := func(in map[string]any) map[string]any {
		in["subject"], in["body"] = "Come an hour later", "The hall opens at 11:00 tomorrow."
		return map[string]any{"in": in}
	}
	var got struct{ MessageVolunteers struct{ Recipients int } }
	e.post(f.coord, send, msg(map[string]any{"shiftId": gid("Shift", f.shift.ID)})).ok(t, &got)
	if got.MessageVolunteers.Recipients != 2 {
		t.Fatalf("shift recipients %d, want the confirmed and the waitlisted", got.MessageVolunteers.Recipients)
	}
	rangeIn := map[string]any{"centreId": gid("Centre", f.centre.ID), "from": "2025-03-11T00:00:00Z", "to": "2025-03-14T00:00:00Z"}
	e.post(f.coord, send, msg(rangeIn)).ok(t, &got)
	if got.MessageVolunteers.Recipients != 3 {
		t.Fatalf("centre recipients %d, want 3 (each once)", got.MessageVolunteers.Recipients)
	}
	var users []int64
	rows, err := e.db.SQL().Query(`SELECT user_id FROM outbox WHERE kind = 'MESSAGE' AND channel = 'IN_APP'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u int64
		rows.Scan(&u)
		users = append(users, u)
	}
	rows.Close()
	if len(users) != 5 {
		t.Fatalf("in-app messages to %v, want 2 + 3", users)
	}
	for _, u := range users {
		if u == far.ID || u == gone.ID {
			t.Fatalf("message reached user %d, who holds no place there", u)
		}
	}

	// AUTHZ: coordinators of the centre (and admins) only.
	e.post(f.coordOther, send, msg(map[string]any{"shiftId": gid("Shift", f.shift.ID)})).wantError(t, konullu.EFORBIDDEN, "")
	e.post(f.taker, send, msg(rangeIn)).wantError(t, konullu.EFORBIDDEN, "")
	// Bad input names its field.
	long := map[string]any{"in": map[string]any{"shiftId": gid("Shift", f.shift.ID), "subject": strings.Repeat("ə", 151), "body": "x"}}
	e.post(f.coord, send, long).wantError(t, konullu.EINVALID, "subject")
	empty := map[string]any{"in": map[string]any{"shiftId": gid("Shift", f.shift.ID), "subject": "Hi", "body": "  "}}
	e.post(f.coord, send, empty).wantError(t, konullu.EINVALID, "body")
	e.post(f.coord, send, msg(map[string]any{})).wantError(t, konullu.EINVALID, "shiftId")
	e.post(f.coord, send, msg(map[string]any{"centreId": gid("Centre", f.centre.ID), "from": "2025-03-11T00:00:00Z",
		"to": "2025-05-11T00:00:00Z"})).wantError(t, konullu.EINVALID, "to")

	// Rate limit: the default allows a burst of 5 per coordinator; 2 went out.
	for i := 0; i < 3; i++ {
		e.post(f.coord, send, msg(map[string]any{"shiftId": gid("Shift", f.shift.ID)})).ok(t, nil)
	}
	e.post(f.coord, send, msg(map[string]any{"shiftId": gid("Shift", f.shift.ID)})).wantError(t, konullu.ERATELIMITED, "")
	// Audited, refusals too.
	entries := e.auditLog(t, e.admin(), map[string]any{"a": "messageVolunteers"})
	outcomes := map[string]int{}
	for _, en := range entries {
		outcomes[en.Outcome]++
	}
	if outcomes["DONE"] != 5 || outcomes["FAILED"] == 0 {
		t.Fatalf("audit outcomes %v", outcomes)
	}
}
