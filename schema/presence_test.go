package schema_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
)

// checkInAnswer is an assignment as the check-in tests read it.
type checkInAnswer struct {
	ID, Status string
	Presence   *string
}

const checkInFields = `id status presence`

// TestCheckInThatProvesPresence walks a morning at two centres with
// kiosks: codes in and out of their windows, replayed, from the wrong
// centre, of a revoked kiosk; a kiosk token trying anything else; the self
// check-in switch; personal codes scanned once; presence on every
// assignment and in the audit trail; the per-user limit on codes.
func TestCheckInThatProvesPresence(t *testing.T) {
	lim := &countingLimiter{max: map[string]int{schema.RuleCheckInCode: 4}, seen: map[string]int{}}
	events := &eventRecorder{}
	e := newHardEnv(t, func(c *schema.Config) {
		c.Limiter = lim
		c.Events = events
		c.CheckInSecret = "a test key that is long enough"
	}, nil)
	ctx := context.Background()
	a, b := e.centre("Bakı ASAN 1", "Asia/Baku"), e.centre("Gəncə ASAN", "Asia/Baku")
	p := e.position("Reception guide")
	start := t0.Add(20 * time.Minute) // check-in is open from t0 - 10 min
	atA, atB := e.shift(a, p, start, 10, true), e.shift(b, p, start, 10, true)
	later := e.shift(a, p, start.Add(6*time.Hour), 10, true)
	users := map[string]*konullu.User{}
	tokens := map[string]string{}
	places := map[string]*konullu.Assignment{}
	for _, n := range []string{"v1", "v2", "v3", "v4", "v5", "v6"} {
		users[n] = e.account(n+"@example.az", "Volunteer "+n)
		tokens[n] = e.login(n + "@example.az")
		s := atA
		if n == "v3" {
			s = atB
		}
		if n == "v6" {
			s = later // at A, but not open for check-in this morning
		}
		places[n] = e.signUp(s, users[n].VolunteerID, false)
	}
	for _, n := range []string{"coordA", "coordB"} {
		users[n] = e.account(n+"@konullu.az", "Coordinator "+n)
	}
	e.grant(users["coordA"], konullu.RoleCoordinator, a.ID)
	e.grant(users["coordB"], konullu.RoleCoordinator, b.ID)
	coordA, coordB := e.login("coordA@konullu.az"), e.login("coordB@konullu.az")
	admin := e.admin()

	selfCheckIn := func(c *konullu.Centre) bool {
		t.Helper()
		var d struct{ Node struct{ SelfCheckIn bool } }
		e.post(coordA, `query($id: ID!) { node(id: $id) { ... on Centre { selfCheckIn } } }`, map[string]any{"id": gid("Centre", c.ID)}).ok(t, &d)
		return d.Node.SelfCheckIn
	}
	createKiosk := func(token string, c *konullu.Centre) *result {
		return e.post(token, `mutation($c: ID!) { createKiosk(centreId: $c, name: "Door") { token kiosk { id name revokedAt centre { name } } } }`,
			map[string]any{"c": gid("Centre", c.ID)})
	}
	type kioskCode struct{ Code, URL, ValidUntil string }
	code := func(kioskToken string) kioskCode {
		t.Helper()
		var d struct {
			KioskCode struct {
				Code, Url, ValidUntil string
				Centre                struct{ Name string }
			}
		}
		e.post(kioskToken, `{ kioskCode { code url validUntil centre { name } } }`, nil).ok(t, &d)
		return kioskCode{d.KioskCode.Code, d.KioskCode.Url, d.KioskCode.ValidUntil}
	}
	withCode := func(token, code string) *result {
		return e.post(token, `mutation($c: String!) { checkInWithCode(code: $c) { `+checkInFields+` } }`, map[string]any{"c": code})
	}
	byCode := func(token, code string) *result {
		return e.post(token, `mutation($c: String!) { checkInVolunteerByCode(code: $c) { `+checkInFields+` } }`, map[string]any{"c": code})
	}
	checkedIn := func(r *result, field, presence string) checkInAnswer {
		t.Helper()
		var d map[string]checkInAnswer
		r.ok(t, &d)
		got := d[field]
		if got.Status != "CHECKED_IN" || got.Presence == nil || *got.Presence != presence {
			t.Fatalf("%s: want CHECKED_IN proven by %s, got %+v", field, presence, got)
		}
		return got
	}

	// Before any kiosk a centre lets volunteers check themselves in; its
	// first kiosk turns that off.
	if !selfCheckIn(a) {
		t.Fatal("a centre without a kiosk should allow self check-in")
	}
	createKiosk(coordB, a).wantError(t, konullu.EFORBIDDEN, "")
	createKiosk(tokens["v1"], a).wantError(t, konullu.EFORBIDDEN, "")
	var made struct {
		CreateKiosk struct {
			Token string
			Kiosk struct{ ID string }
		}
	}
	createKiosk(coordA, a).ok(t, &made)
	kioskA := made.CreateKiosk.Token
	if !strings.HasPrefix(kioskA, konullu.KioskTokenPrefix) {
		t.Fatalf("kiosk token %q", kioskA)
	}
	if selfCheckIn(a) {
		t.Error("a centre with a kiosk should not allow self check-in by default")
	}

	// The kiosk shows six digits, the address to open, and when they change.
	c1 := code(kioskA)
	if !regexp.MustCompile(`^\d{6}$`).MatchString(c1.Code) || c1.URL != "/checkin?code="+c1.Code || c1.ValidUntil != "2025-03-10T08:00:30Z" {
		t.Fatalf("kiosk code: %+v", c1)
	}

	t.Run("KioskTokenOpensNothingElse", func(t *testing.T) {
		for _, q := range []string{`{ me { id } }`, `{ centres { id } }`, `{ kioskCode { code } me { id } }`,
			`mutation { signUp(shiftId: "` + gid("Shift", atA.ID) + `") { id } }`,
			`mutation { createKiosk(centreId: "` + gid("Centre", a.ID) + `", name: "x") { token } }`} {
			r := e.post(kioskA, q, nil)
			if !slices.ContainsFunc(r.Errors, func(g gqlError) bool { return g.Extensions.Code == konullu.EFORBIDDEN }) {
				t.Errorf("%s with a kiosk token: want FORBIDDEN, got %s", q, r.Body)
			}
		}
		var d struct{ Me *struct{ ID string } }
		if r := e.post(kioskA, `{ kioskCode { code } me { id } }`, nil); json.Unmarshal(r.Data, &d) != nil || d.Me != nil {
			t.Errorf("a kiosk token read me: %s", r.Body)
		}
		req := httptest.NewRequest(http.MethodGet, "/me/export", nil)
		req.Header.Set("Authorization", "Bearer "+kioskA)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code == http.StatusOK {
			t.Errorf("GET /me/export with a kiosk token: %d %s", w.Code, w.Body)
		}
		// A session is no kiosk: it gets no code.
		e.post(coordA, `{ kioskCode { code } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
		e.post(kioskA+"x", `{ kioskCode { code } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	})

	// Self check-in is off at A: the volunteer scans the kiosk instead.
	e.post(tokens["v1"], `mutation($id: ID!) { checkIn(assignmentId: $id) { id } }`,
		map[string]any{"id": gid("Assignment", places["v1"].ID)}).wantError(t, konullu.ESELFCHECKINOFF, "")
	first := checkedIn(withCode(tokens["v1"], c1.Code), "checkInWithCode", "KIOSK")
	if first.ID != gid("Assignment", places["v1"].ID) {
		t.Errorf("checked in %s, want %s", first.ID, gid("Assignment", places["v1"].ID))
	}
	checkedIn(withCode(tokens["v1"], " "+c1.Code[:3]+" "+c1.Code[3:]), "checkInWithCode", "KIOSK") // scanned twice, typed with a space

	// 35 seconds on the code has changed; the one before still works (the
	// screen is public: another volunteer may use it), the new one too.
	e.clock.Set(t0.Add(35 * time.Second))
	c2 := code(kioskA)
	if c2.Code == c1.Code {
		t.Fatalf("the code did not change with the window: %s", c2.Code)
	}
	checkedIn(withCode(tokens["v2"], c1.Code), "checkInWithCode", "KIOSK")

	// Another centre's code is of no use at A, and A's none at B.
	var kb struct {
		CreateKiosk struct {
			Token string
			Kiosk struct{ ID string }
		}
	}
	createKiosk(coordB, b).ok(t, &kb)
	withCode(tokens["v3"], c2.Code).wantError(t, konullu.EWRONGCENTRE, "")
	// v6's place at A is this afternoon: check-in is not open yet.
	withCode(tokens["v6"], c2.Code).wantError(t, konullu.ESIGNUPCLOSED, "")

	// A code from two minutes ago is refused, clearly; garbage is invalid.
	e.clock.Set(t0.Add(35*time.Second + 2*time.Minute))
	withCode(tokens["v4"], c2.Code).wantError(t, konullu.ECODEEXPIRED, "")
	withCode(tokens["v4"], "12ab").wantError(t, konullu.EINVALID, "code")
	withCode(tokens["v4"], strconv.Itoa(100000+(mustAtoi(t, c2.Code)+1)%900000)).wantError(t, konullu.EINVALID, "code")

	// A revoked kiosk's token stops at once, and so do its centre's codes
	// (no other kiosk shows them); the centre still chose kiosks.
	cb := code(kb.CreateKiosk.Token)
	e.post(coordA, `mutation($id: ID!) { revokeKiosk(id: $id) { id } }`, map[string]any{"id": kb.CreateKiosk.Kiosk.ID}).wantError(t, konullu.ENOTFOUND, "id")
	var rv struct{ RevokeKiosk struct{ RevokedAt *string } }
	e.post(coordB, `mutation($id: ID!) { revokeKiosk(id: $id) { revokedAt } }`, map[string]any{"id": kb.CreateKiosk.Kiosk.ID}).ok(t, &rv)
	if rv.RevokeKiosk.RevokedAt == nil {
		t.Error("revokeKiosk: no revokedAt")
	}
	e.post(kb.CreateKiosk.Token, `{ kioskCode { code } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	withCode(tokens["v3"], cb.Code).wantError(t, konullu.EINVALID, "code")
	if selfCheckIn(b) {
		t.Error("revoking the kiosk turned self check-in back on")
	}

	// The coordinator turns self check-in on again at B.
	e.post(coordA, `mutation($c: ID!) { setCentreSelfCheckIn(centreId: $c, allowed: true) { selfCheckIn } }`,
		map[string]any{"c": gid("Centre", b.ID)}).wantError(t, konullu.EFORBIDDEN, "")
	var sc struct{ SetCentreSelfCheckIn struct{ SelfCheckIn bool } }
	e.post(coordB, `mutation($c: ID!) { setCentreSelfCheckIn(centreId: $c, allowed: true) { selfCheckIn } }`,
		map[string]any{"c": gid("Centre", b.ID)}).ok(t, &sc)
	if !sc.SetCentreSelfCheckIn.SelfCheckIn {
		t.Error("setCentreSelfCheckIn(true) answered false")
	}
	checkedIn(e.post(tokens["v3"], `mutation($id: ID!) { checkIn(assignmentId: $id) { `+checkInFields+` } }`,
		map[string]any{"id": gid("Assignment", places["v3"].ID)}), "checkIn", "SELF")

	// Personal codes: the volunteer's alone, scanned by a coordinator of
	// the centre, once, while fresh.
	personal := func() string {
		t.Helper()
		var d struct {
			Me struct {
				Volunteer struct {
					CheckInCode           *string
					CheckInCodeValidUntil *string
				}
			}
		}
		e.post(tokens["v4"], `{ me { volunteer { checkInCode checkInCodeValidUntil } } }`, nil).ok(t, &d)
		if d.Me.Volunteer.CheckInCode == nil || d.Me.Volunteer.CheckInCodeValidUntil == nil {
			t.Fatal("the volunteer does not see their own check-in code")
		}
		return *d.Me.Volunteer.CheckInCode
	}
	var seen struct{ Volunteer struct{ CheckInCode *string } }
	e.post(coordA, `query($id: ID!) { volunteer(id: $id) { checkInCode } }`, map[string]any{"id": gid("Volunteer", users["v4"].VolunteerID)}).ok(t, &seen)
	if seen.Volunteer.CheckInCode != nil {
		t.Errorf("a coordinator read a volunteer's personal code")
	}
	old := personal()
	e.clock.Set(e.clock.Now().Add(2 * time.Minute))
	byCode(coordA, old).wantError(t, konullu.ECODEEXPIRED, "")
	fresh := personal()
	byCode(tokens["v1"], fresh).wantError(t, konullu.EFORBIDDEN, "")
	byCode(coordB, fresh).wantError(t, konullu.EWRONGCENTRE, "")
	checkedIn(byCode(coordA, fresh), "checkInVolunteerByCode", "COORDINATOR")
	byCode(coordA, fresh).wantError(t, konullu.ECODEEXPIRED, "")

	// After the shift: attendance recorded for who never checked in; a
	// correction keeps the kiosk's proof.
	e.clock.Set(start.Add(5 * time.Hour))
	record := func(n string) checkInAnswer {
		t.Helper()
		var d struct{ RecordAttendance checkInAnswer }
		e.post(coordA, `mutation($id: ID!, $in: DateTime!, $out: DateTime!) { recordAttendance(assignmentId: $id, checkedInAt: $in, checkedOutAt: $out) { `+checkInFields+` } }`,
			map[string]any{"id": gid("Assignment", places[n].ID), "in": start.Format(time.RFC3339), "out": start.Add(4 * time.Hour).Format(time.RFC3339)}).ok(t, &d)
		return d.RecordAttendance
	}
	if got := record("v5"); got.Presence == nil || *got.Presence != "RECORDED" {
		t.Errorf("attendance recorded afterwards: %+v", got)
	}
	if got := record("v1"); got.Presence == nil || *got.Presence != "KIOSK" {
		t.Errorf("a corrected kiosk check-in: %+v", got)
	}
	// The certificate and the hours export count the shifts proven at the centre.
	var cert struct {
		IssueCertificate struct{ Assignments, ProvenAssignments int }
	}
	e.post(tokens["v1"], `mutation($in: CertificateInput!) { issueCertificate(input: $in) { assignments provenAssignments } }`,
		map[string]any{"in": map[string]any{"from": "2025-03-01", "to": "2025-03-10"}}).ok(t, &cert)
	if cert.IssueCertificate.Assignments != 1 || cert.IssueCertificate.ProvenAssignments != 1 {
		t.Errorf("certificate: %+v", cert.IssueCertificate)
	}
	proven := map[int64]int{}
	if err := e.db.ExportVolunteerHours(ctx, konullu.ReportQuery{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Location: time.UTC},
		func(h *konullu.VolunteerHours) error { proven[h.VolunteerID] = h.Proven; return nil }); err != nil {
		t.Fatal(err)
	}
	if proven[users["v1"].VolunteerID] != 1 || proven[users["v5"].VolunteerID] != 0 || proven[users["v4"].VolunteerID] != 1 {
		t.Errorf("hours export, attended with presence proven: %v", proven)
	}
	got, err := e.db.AssignmentsByIDs(ctx, []int64{places["v2"].ID, places["v4"].ID, places["v6"].ID})
	if err != nil {
		t.Fatal(err)
	}
	if got[places["v2"].ID].Presence != konullu.PresenceKiosk || got[places["v4"].ID].Presence != konullu.PresenceCoordinator || got[places["v6"].ID].Presence != "" {
		t.Errorf("presence kept: v2 %q, v4 %q, v6 %q", got[places["v2"].ID].Presence, got[places["v4"].ID].Presence, got[places["v6"].ID].Presence)
	}

	t.Run("Published", func(t *testing.T) {
		// v1 (kiosk, scanned twice), v2 (kiosk), v3 (self), v4 (coordinator): one CHECKED_IN each.
		checkIns := map[int64]int{}
		events.mu.Lock()
		for _, ev := range events.centre {
			if ev.Kind == konullu.CentreCheckedIn {
				checkIns[ev.AssignmentID]++
			}
		}
		events.mu.Unlock()
		for _, n := range []string{"v1", "v2", "v3", "v4"} {
			if checkIns[places[n].ID] != 1 {
				t.Errorf("%s: %d CHECKED_IN events, want 1 (%v)", n, checkIns[places[n].ID], checkIns)
			}
		}
	})

	t.Run("Audited", func(t *testing.T) {
		entries := e.auditLog(t, admin, map[string]any{"a": "checkInWithCode"})
		if len(entries) == 0 {
			t.Fatal("checkInWithCode is not in the audit trail")
		}
		var done bool
		for _, en := range entries {
			for _, c := range []string{c1.Code, c2.Code} {
				if strings.Contains(en.Arguments, c) {
					t.Errorf("the audit trail keeps a code: %s", en.Arguments)
				}
			}
			for _, ch := range en.Changes {
				if en.Outcome == "DONE" && ch.Kind == "Assignment" && ch.After != nil && strings.Contains(*ch.After, `"Presence":"KIOSK"`) {
					done = true
				}
			}
		}
		if !done {
			t.Errorf("no checkInWithCode entry names the assignment it checked in: %+v", entries)
		}
		for _, action := range []string{"createKiosk", "revokeKiosk", "setCentreSelfCheckIn", "checkInVolunteerByCode"} {
			entries := e.auditLog(t, admin, map[string]any{"a": action})
			if len(entries) == 0 {
				t.Errorf("%s is not in the audit trail", action)
			}
			for _, en := range entries {
				for _, ch := range en.Changes {
					if ch.After != nil && (strings.Contains(*ch.After, kioskA) || strings.Contains(*ch.After, kb.CreateKiosk.Token)) {
						t.Errorf("%s: the audit trail keeps a kiosk token", action)
					}
				}
			}
		}
	})

	t.Run("RateLimited", func(t *testing.T) {
		key := schema.RuleCheckInCode + "|" + strconv.FormatInt(users["v1"].ID, 10)
		if !slices.Contains(lim.asked, key) {
			t.Fatalf("the limiter was not asked about %s: %v", key, lim.asked)
		}
		withCode(tokens["v1"], "1").wantError(t, konullu.EINVALID, "code")
		withCode(tokens["v1"], "2").wantError(t, konullu.EINVALID, "code")
		withCode(tokens["v1"], "3").wantError(t, konullu.ERATELIMITED, "")
	})

	t.Run("SecretKeptInDatabase", func(t *testing.T) {
		one, err := e.db.ServerSecret(ctx, "test", 32)
		if err != nil {
			t.Fatal(err)
		}
		two, err := e.db.ServerSecret(ctx, "test", 32)
		if err != nil || string(one) != string(two) || len(one) != 32 {
			t.Errorf("a second ask got another secret (%v)", err)
		}
		if strings.Contains(e.logs.String(), "a test key") {
			t.Error("the check-in key is in the log")
		}
	})
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
