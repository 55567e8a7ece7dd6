package schema_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// Administration (issue 12): the holders of each role, revoking, the last
// admin, and an audit log that names people and objects.

const (
	grantRoleMutation = `mutation($u: ID!, $r: Role!, $c: [ID!]) { grantRole(userId: $u, role: $r, centreIds: $c) { roles } }`
	roleHoldersQuery  = `query($r: Role, $s: String) { users(role: $r, search: $s, first: 100) { id email roles volunteer { fullName } coordinatedCentres { name } } }`
)

type roleHolder struct {
	ID, Email          string
	Roles              []string
	Volunteer          *struct{ FullName string }
	CoordinatedCentres []struct{ Name string }
}

func (e *env) holders(t *testing.T, admin, role string) []roleHolder {
	t.Helper()
	var d struct{ Users []roleHolder }
	e.post(admin, roleHoldersQuery, map[string]any{"r": role}).ok(t, &d)
	return d.Users
}

func holderEmails(list []roleHolder) []string {
	var out []string
	for _, h := range list {
		out = append(out, h.Email)
	}
	return out
}

// TestRoleHolders: an admin finds a person by name, grants COORDINATOR for
// a centre, sees them among the coordinators with the centre, and revokes.
func TestRoleHolders(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	baku := e.centre("Bakı ASAN 1", "Asia/Baku")
	ganja := e.centre("Gəncə ASAN", "Asia/Baku")
	e.account("aysel@example.az", "Aysel Məmmədova")
	e.account("samir@example.az", "Samir Şükürov")
	staff := e.account("staff@example.az", "Nigar Staff")
	e.grant(staff, konullu.RoleStaff)

	var found struct{ Users []roleHolder }
	e.post(admin, roleHoldersQuery, map[string]any{"s": "məmməd"}).ok(t, &found)
	if len(found.Users) != 1 || found.Users[0].Email != "aysel@example.az" {
		t.Fatalf("search by name: %+v", found.Users)
	}
	aysel := found.Users[0].ID
	e.post(admin, grantRoleMutation, map[string]any{"u": aysel, "r": "COORDINATOR", "c": []string{gid("Centre", baku.ID), gid("Centre", ganja.ID)}}).ok(t, nil)

	coords := e.holders(t, admin, "COORDINATOR")
	if len(coords) != 1 || coords[0].Email != "aysel@example.az" || len(coords[0].CoordinatedCentres) != 2 {
		t.Fatalf("coordinators: %+v", coords)
	}
	if got := holderEmails(e.holders(t, admin, "STAFF")); !slices.Equal(got, []string{"staff@example.az"}) {
		t.Errorf("staff: %v", got)
	}
	if got := holderEmails(e.holders(t, admin, "ADMIN")); !slices.Equal(got, []string{"admin@konullu.az"}) {
		t.Errorf("admins: %v", got)
	}
	// Search and role combine.
	var none struct{ Users []roleHolder }
	e.post(admin, roleHoldersQuery, map[string]any{"r": "COORDINATOR", "s": "samir"}).ok(t, &none)
	if len(none.Users) != 0 {
		t.Errorf("coordinators named samir: %+v", none.Users)
	}

	// One centre taken: still a coordinator of the other; the last one takes the role.
	e.post(admin, revoke, map[string]any{"u": aysel, "r": "COORDINATOR", "c": []string{gid("Centre", baku.ID)}}).ok(t, nil)
	coords = e.holders(t, admin, "COORDINATOR")
	if len(coords) != 1 || len(coords[0].CoordinatedCentres) != 1 || coords[0].CoordinatedCentres[0].Name != "Gəncə ASAN" {
		t.Fatalf("after one centre revoked: %+v", coords)
	}
	e.post(admin, revoke, map[string]any{"u": aysel, "r": "COORDINATOR"}).ok(t, nil)
	if coords := e.holders(t, admin, "COORDINATOR"); len(coords) != 0 {
		t.Fatalf("after revoking: %+v", coords)
	}

	// Authorisation: only admins list holders, grant or revoke.
	tok := e.login("samir@example.az")
	e.post(tok, roleHoldersQuery, map[string]any{"r": "ADMIN"}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(tok, grantRoleMutation, map[string]any{"u": aysel, "r": "ADMIN"}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(e.login("staff@example.az"), revoke, map[string]any{"u": aysel, "r": "VOLUNTEER"}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(admin, roleHoldersQuery, map[string]any{"r": "KING"}).wantError(t, konullu.EINVALID, "")
}

// TestLastAdminRace: two admins revoking each other's ADMIN at once leave
// one admin: exactly one of the two is refused, with a clear CONFLICT.
func TestLastAdminRace(t *testing.T) {
	for round := 0; round < 3; round++ {
		e := newEnv(t)
		first := e.admin()
		second := e.account(fmt.Sprintf("second%d@konullu.az", round), "Second Admin")
		e.grant(second, konullu.RoleAdmin)
		secondTok := e.login(second.Email)
		var me struct{ Me struct{ ID string } }
		e.post(first, `{ me { id } }`, nil).ok(t, &me)

		var wg sync.WaitGroup
		results := make([]*result, 2)
		for i, call := range []struct{ tok, user string }{{first, gid("User", second.ID)}, {secondTok, me.Me.ID}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = e.post(call.tok, revoke, map[string]any{"u": call.user, "r": "ADMIN"})
			}()
		}
		wg.Wait()
		var refused []*result
		for _, r := range results {
			switch r.code() {
			case "":
			case konullu.ECONFLICT:
				refused = append(refused, r)
			case konullu.EFORBIDDEN: // the other one's revoke landed first: no longer an admin
				refused = append(refused, r)
			default:
				t.Fatalf("unexpected answer: %s", r.Body)
			}
		}
		admins, err := e.db.FindUsers(t.Context(), konullu.UserFilter{Role: konullu.RoleAdmin})
		if err != nil || len(admins) != 1 {
			t.Fatalf("round %d: admins left: %v (%v)", round, admins, err)
		}
		if len(refused) != 1 {
			t.Fatalf("round %d: want one refusal, got %d", round, len(refused))
		}
	}
}

// TestLastAdminMessage: the refusal tells what to do.
func TestLastAdminMessage(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	var me struct{ Me struct{ ID string } }
	e.post(admin, `{ me { id } }`, nil).ok(t, &me)
	r := e.post(admin, revoke, map[string]any{"u": me.Me.ID, "r": "ADMIN"})
	r.wantError(t, konullu.ECONFLICT, "userId")
	if msg := r.Errors[0].Message; !strings.Contains(msg, "last") || !strings.Contains(msg, "administrator") {
		t.Errorf("message: %q", msg)
	}
	if got := holderEmails(e.holders(t, admin, "ADMIN")); len(got) != 1 {
		t.Errorf("admins: %v", got)
	}
}

type labelledEntry struct {
	ID, Action, At string
	ActorName      *string
	Objects        []struct {
		Kind, ID string
		Label    *string
		StartsAt *string
		Timezone *string
		Changed  bool
	}
}

const labelledLog = `query($actor: ID, $objs: [ID!], $from: DateTime, $to: DateTime, $a: String, $first: Int) {
	auditLog(actorId: $actor, objectIds: $objs, from: $from, to: $to, action: $a, first: $first) {
		id action at actorName objects { kind id label startsAt timezone changed } } }`

func (e *env) labelled(t *testing.T, admin string, vars map[string]any) []labelledEntry {
	t.Helper()
	var d struct{ AuditLog []labelledEntry }
	e.post(admin, labelledLog, vars).ok(t, &d)
	return d.AuditLog
}

func actions(list []labelledEntry) []string {
	var out []string
	for _, l := range list {
		out = append(out, l.Action)
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// TestAuditLabels: entries name the actor and each object (a shift as
// "centre · position" with its start and zone, a person by name), and the
// filters by actor, object and period keep the right entries.
func TestAuditLabels(t *testing.T) {
	f := newAuditFixture(t, nil)
	vol := f.account("aysel@example.az", "Aysel Məmmədova")
	volTok := f.login("aysel@example.az")

	// The admin grants Aysel a centre; Aysel signs up; the coordinator cancels a shift.
	f.post(f.admin, grantRoleMutation, map[string]any{"u": gid("User", vol.ID), "r": "COORDINATOR", "c": []string{gid("Centre", f.another.ID)}}).ok(t, nil)
	f.clock.Advance(time.Hour)
	f.post(volTok, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", f.others.ID)}).ok(t, nil)
	f.clock.Advance(time.Hour)
	f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)}).ok(t, nil)
	// The coordinator places Aysel on their own shift: Aysel is named, not changed.
	var placed struct{ AssignVolunteer struct{ ID string } }
	users, err := f.db.UsersByIDs(t.Context(), []int64{vol.ID})
	if err != nil {
		t.Fatal(err)
	}
	vid := users[vol.ID].VolunteerID
	later := f.shift(f.centre, f.position("Usher"), t0.Add(72*time.Hour), 2, true)
	f.post(f.coord, `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }`,
		map[string]any{"s": gid("Shift", later.ID), "v": gid("Volunteer", vid)}).ok(t, &placed)
	f.post(volTok, `mutation($a: ID!) { withdraw(assignmentId: $a) { status } }`, map[string]any{"a": placed.AssignVolunteer.ID}).ok(t, nil)

	all := f.labelled(t, f.admin, nil)
	byAction := map[string]labelledEntry{}
	for _, e := range all {
		if _, ok := byAction[e.Action]; !ok {
			byAction[e.Action] = e
		}
	}
	cancel := byAction["cancelShift"]
	if str(cancel.ActorName) != "Coordinator" || len(cancel.Objects) == 0 {
		t.Fatalf("cancelShift: %+v", cancel)
	}
	o := cancel.Objects[0]
	if o.Kind != "Shift" || str(o.Label) != "Bakı ASAN 1 · Reception guide" || str(o.Timezone) != "Asia/Baku" || !o.Changed ||
		o.StartsAt == nil || *o.StartsAt != f.mine.StartsAt.UTC().Format(time.RFC3339) {
		t.Errorf("cancelled shift: %+v label %s at %s tz %s", o, str(o.Label), str(o.StartsAt), str(o.Timezone))
	}

	signUp := byAction["signUp"]
	if str(signUp.ActorName) != "Aysel Məmmədova" {
		t.Errorf("signUp actor: %s", str(signUp.ActorName))
	}
	var labels []string
	for _, o := range signUp.Objects {
		labels = append(labels, o.Kind+": "+str(o.Label))
	}
	if !slices.Equal(labels, []string{"Shift: Gəncə ASAN · Reception guide"}) {
		t.Errorf("signUp objects: %v", labels)
	}

	grant := byAction["grantRole"]
	labels = nil
	for _, o := range grant.Objects {
		labels = append(labels, fmt.Sprintf("%s: %s (%v)", o.Kind, str(o.Label), o.Changed))
	}
	if str(grant.ActorName) != "admin@konullu.az" || !slices.Equal(labels, []string{"User: Aysel Məmmədova (true)", "Centre: Gəncə ASAN (false)"}) {
		t.Errorf("grantRole: actor %s objects %v", str(grant.ActorName), labels)
	}

	// Filters: by actor, by a person as an object (their User and Volunteer), by period.
	withdraw := byAction["withdraw"]
	if len(withdraw.Objects) == 0 || withdraw.Objects[0].Kind != "Assignment" ||
		str(withdraw.Objects[0].Label) != "Aysel Məmmədova · Bakı ASAN 1 · Usher" || withdraw.Objects[0].StartsAt == nil {
		t.Errorf("withdraw: %+v", withdraw)
	}
	if got := actions(f.labelled(t, f.admin, map[string]any{"actor": gid("User", vol.ID)})); !slices.Equal(got, []string{"withdraw", "signUp", "login"}) {
		t.Errorf("by actor: %v", got)
	}
	objs := []string{gid("User", vol.ID), gid("Volunteer", vid)}
	if got := actions(f.labelled(t, f.admin, map[string]any{"objs": objs})); !slices.Equal(got, []string{"assignVolunteer", "grantRole"}) {
		t.Errorf("about Aysel: %v", got)
	}
	if got := actions(f.labelled(t, f.admin, map[string]any{"objs": []string{gid("Shift", f.mine.ID), gid("Centre", f.another.ID)}})); !slices.Equal(got, []string{"cancelShift", "grantRole"}) {
		t.Errorf("about the shift and the centre granted: %v", got)
	}
	from := t0.Add(30 * time.Minute).Format(time.RFC3339)
	to := t0.Add(90 * time.Minute).Format(time.RFC3339)
	if got := actions(f.labelled(t, f.admin, map[string]any{"from": from, "to": to})); !slices.Equal(got, []string{"signUp"}) {
		t.Errorf("in the period: %v", got)
	}
	if got := actions(f.labelled(t, f.admin, map[string]any{"from": from, "a": "cancelShift"})); !slices.Equal(got, []string{"cancelShift"}) {
		t.Errorf("from: %v", got)
	}
	f.post(f.admin, labelledLog, map[string]any{"from": to, "to": from}).wantError(t, konullu.EINVALID, "to")
	f.post(f.admin, labelledLog, map[string]any{"objs": []string{"nonsense"}}).wantError(t, konullu.EINVALID, "objectIds")
	if got := f.labelled(t, f.admin, map[string]any{"objs": []string{}}); len(got) != 0 {
		t.Errorf("no objects: %v", actions(got))
	}

	// Authorisation: the trail is for admins only.
	for _, tok := range []string{f.coord, volTok} {
		f.post(tok, labelledLog, nil).wantError(t, konullu.EFORBIDDEN, "")
		f.post(tok, `{ jobNames }`, nil).wantError(t, konullu.EFORBIDDEN, "")
	}
	var jobs struct{ JobNames []string }
	f.post(f.admin, `{ jobNames }`, nil).ok(t, &jobs)
	if !slices.Equal(jobs.JobNames, konullu.JobNames) {
		t.Errorf("jobNames: %v", jobs.JobNames)
	}
}

// TestAuditLabelsRoundTrips: a page's labels cost the same statements
// whether it holds two entries or twenty, about as many people and shifts.
func TestAuditLabelsRoundTrips(t *testing.T) {
	f := newAuditFixture(t, nil)
	p := f.position("Usher")
	for i := range 20 {
		email := fmt.Sprintf("v%02d@example.az", i)
		f.account(email, fmt.Sprintf("Volunteer %02d", i))
		s := f.shift(f.centre, p, t0.Add(time.Duration(24+i)*time.Hour), 2, true)
		f.post(f.login(email), `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	}
	count := func(first int) (int64, []labelledEntry) {
		before := f.db.QueryCount()
		list := f.labelled(t, f.admin, map[string]any{"first": first, "a": "signUp"})
		return f.db.QueryCount() - before, list
	}
	count(1) // warm the session
	small, list := count(2)
	large, list2 := count(100)
	if len(list) != 2 || len(list2) != 20 {
		t.Fatalf("pages: %d, %d", len(list), len(list2))
	}
	for _, e := range list2 {
		if e.ActorName == nil || len(e.Objects) == 0 || e.Objects[0].Label == nil {
			t.Fatalf("unlabelled: %+v", e)
		}
	}
	t.Logf("statements: %d for 2 entries, %d for %d", small, large, len(list2))
	if small != large {
		t.Errorf("statements grow with the page: %d for 2 entries, %d for %d", small, large, len(list2))
	}
}

// TestAuditLabelsLanguage: centres and positions are named in the reader's language.
func TestAuditLabelsLanguage(t *testing.T) {
	f := newAuditFixture(t, nil)
	if _, err := f.db.UpdateCentre(t.Context(), f.centre.ID, konullu.CentreUpdate{Names: map[string]string{"ru": "Баку АСАН 1"}}); err != nil {
		t.Fatal(err)
	}
	f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)}).ok(t, nil)
	body := mustJSON(map[string]any{"query": labelledLog, "variables": map[string]any{"a": "cancelShift"}})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.admin)
	req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
	var d struct{ AuditLog []labelledEntry }
	f.serve(req).ok(t, &d)
	if len(d.AuditLog) != 1 || len(d.AuditLog[0].Objects) == 0 || str(d.AuditLog[0].Objects[0].Label) != "Баку АСАН 1 · Reception guide" {
		t.Fatalf("in Russian: %+v", d.AuditLog)
	}
}
