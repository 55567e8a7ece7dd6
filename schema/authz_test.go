package schema_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// world is a small platform with every kind of viewer: two centres (A and
// B), a published, a draft and a past shift at A, and volunteers signed up.
type world struct {
	*env
	a, b                  *konullu.Centre
	pos                   *konullu.Position
	published, draft      *konullu.Shift
	past                  *konullu.Shift
	vol, other, free      *konullu.User // free has no assignments
	volAssignment         *konullu.Assignment
	otherAssignment       *konullu.Assignment
	pastAssignment        *konullu.Assignment
	tokens                map[string]string // viewer → bearer token ("" anonymous)
	staffUser, plainAdmin *konullu.User
}

// The viewers of the authorisation matrix.
var viewers = []string{"anonymous", "volunteer", "other volunteer", "coordinator A", "coordinator B", "staff", "admin"}

func newWorld(t *testing.T) *world {
	e := newEnv(t)
	w := &world{env: e, tokens: map[string]string{"anonymous": ""}}
	w.a = e.centre("Bakı ASAN 1", "Asia/Baku")
	w.b = e.centre("Gəncə ASAN", "Asia/Baku")
	w.pos = e.position("Reception guide")
	w.published = e.shift(w.a, w.pos, t0.Add(45*time.Hour), 5, true)
	w.draft = e.shift(w.a, w.pos, t0.Add(70*time.Hour), 5, false)
	w.past = e.shift(w.a, w.pos, t0.Add(-7*24*time.Hour), 5, true)

	w.vol = e.account("vol@example.az", "Vüsal Əliyev")
	w.other = e.account("other@example.az", "Nigar Quliyeva")
	w.free = e.account("free@example.az", "Elvin Həsənov")
	coordA := e.account("coord.a@konullu.az", "Coordinator A")
	coordB := e.account("coord.b@konullu.az", "Coordinator B")
	w.staffUser = e.account("staff@konullu.az", "Staff")
	e.grant(coordA, konullu.RoleCoordinator, w.a.ID)
	e.grant(coordB, konullu.RoleCoordinator, w.b.ID)
	e.grant(w.staffUser, konullu.RoleStaff)

	w.volAssignment = e.signUp(w.published, w.vol.VolunteerID, false)
	w.otherAssignment = e.signUp(w.published, w.other.VolunteerID, false)
	w.pastAssignment = e.assignedAhead(w.past, w.vol.VolunteerID)

	w.tokens["volunteer"] = e.login("vol@example.az")
	w.tokens["other volunteer"] = e.login("other@example.az")
	w.tokens["coordinator A"] = e.login("coord.a@konullu.az")
	w.tokens["coordinator B"] = e.login("coord.b@konullu.az")
	w.tokens["staff"] = e.login("staff@konullu.az")
	w.tokens["admin"] = e.admin()
	return w
}

// outcome is what a viewer gets: "ok" or an error code.
func outcome(r *result) string {
	if c := r.code(); c != "" {
		return c
	}
	return "ok"
}

func TestAuthorisationMatrix(t *testing.T) {
	w := newWorld(t)
	type check struct {
		name  string
		run   func(token string) *result
		judge func(t *testing.T, r *result) string // what the viewer got, to compare with want
		want  map[string]string
	}
	ok := func(t *testing.T, r *result) string { return outcome(r) }
	checks := []check{
		{
			name: "read contact details of a volunteer serving at A",
			run: func(tok string) *result {
				return w.post(tok, `query($id: ID!) { volunteer(id: $id) { fullName email phone city birthDate } }`,
					map[string]any{"id": gid("Volunteer", w.vol.VolunteerID)})
			},
			judge: func(t *testing.T, r *result) string {
				if r.code() != "" {
					return r.code()
				}
				var d struct {
					Volunteer struct {
						FullName                     string
						Email, Phone, City, Birthday *string
						BirthDate                    *string
					}
				}
				r.ok(t, &d)
				v := d.Volunteer
				switch {
				case v.Email != nil && v.Phone != nil && v.City != nil && v.BirthDate != nil:
					return "contact"
				case v.Email == nil && v.Phone == nil && v.City != nil && v.BirthDate != nil:
					return "profile"
				case v.Email == nil && v.Phone == nil && v.City == nil && v.BirthDate == nil && v.FullName != "":
					return "name"
				}
				return "inconsistent: " + string(r.Data)
			},
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "contact", "other volunteer": "name",
				"coordinator A": "contact", "coordinator B": "profile", "staff": "profile", "admin": "contact",
			},
		},
		{
			name: "read hours and skills of another volunteer",
			run: func(tok string) *result {
				return w.post(tok, `query($id: ID!) { volunteer(id: $id) { totalMinutes skills } }`,
					map[string]any{"id": gid("Volunteer", w.vol.VolunteerID)})
			},
			judge: ok,
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "ok", "other volunteer": "FORBIDDEN",
				"coordinator A": "ok", "coordinator B": "ok", "staff": "ok", "admin": "ok",
			},
		},
		{
			name: "see a draft shift",
			run: func(tok string) *result {
				return w.post(tok, `query($id: ID!, $from: DateTime!, $to: DateTime!) {
					shift(id: $id) { id }
					shifts(from: $from, to: $to) { totalCount edges { node { status } } } }`,
					map[string]any{"id": gid("Shift", w.draft.ID), "from": "2025-03-01T00:00:00Z", "to": "2025-04-01T00:00:00Z"})
			},
			judge: func(t *testing.T, r *result) string {
				var d struct {
					Shift  *struct{ ID string }
					Shifts struct {
						TotalCount int
						Edges      []struct{ Node struct{ Status string } }
					}
				}
				r.ok(t, &d)
				drafts := 0
				for _, e := range d.Shifts.Edges {
					if e.Node.Status == "DRAFT" {
						drafts++
					}
				}
				switch {
				case d.Shift != nil && drafts == 1 && d.Shifts.TotalCount == 3:
					return "sees"
				case d.Shift == nil && drafts == 0 && d.Shifts.TotalCount == 2:
					return "hidden"
				}
				return "inconsistent: " + string(r.Data)
			},
			want: map[string]string{
				"anonymous": "hidden", "volunteer": "hidden", "other volunteer": "hidden",
				"coordinator A": "sees", "coordinator B": "hidden", "staff": "sees", "admin": "sees",
			},
		},
		{
			name: "see others' assignments of a shift",
			run: func(tok string) *result {
				return w.post(tok, `query($id: ID!) { shift(id: $id) { assignments { id volunteer { fullName } } } }`,
					map[string]any{"id": gid("Shift", w.published.ID)})
			},
			judge: func(t *testing.T, r *result) string {
				var d struct {
					Shift struct {
						Assignments []struct {
							ID        string
							Volunteer struct{ FullName string }
						}
					}
				}
				r.ok(t, &d)
				switch n := len(d.Shift.Assignments); {
				case n == 2:
					return "all"
				case n == 1:
					return "own"
				case n == 0:
					return "none"
				}
				return "inconsistent"
			},
			want: map[string]string{
				"anonymous": "none", "volunteer": "own", "other volunteer": "own",
				"coordinator A": "all", "coordinator B": "none", "staff": "all", "admin": "all",
			},
		},
		{
			name: "fetch another volunteer's assignment by id",
			run: func(tok string) *result {
				return w.post(tok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": gid("Assignment", w.otherAssignment.ID)})
			},
			judge: func(t *testing.T, r *result) string {
				var d struct{ Node *struct{ ID string } }
				r.ok(t, &d)
				if d.Node == nil {
					return "null"
				}
				return "sees"
			},
			want: map[string]string{
				"anonymous": "null", "volunteer": "null", "other volunteer": "sees",
				"coordinator A": "sees", "coordinator B": "null", "staff": "sees", "admin": "sees",
			},
		},
		{
			name: "create shifts at A",
			run: func(tok string) *result {
				return w.post(tok, `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`, map[string]any{"in": map[string]any{
					"centreId": gid("Centre", w.a.ID), "positionId": gid("Position", w.pos.ID),
					"startsAt": "2025-03-20T05:00:00Z", "endsAt": "2025-03-20T09:00:00Z", "capacity": 3,
				}})
			},
			judge: ok,
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "FORBIDDEN", "other volunteer": "FORBIDDEN",
				"coordinator A": "ok", "coordinator B": "FORBIDDEN", "staff": "FORBIDDEN", "admin": "ok",
			},
		},
		{
			name: "assign a volunteer to a shift at A",
			run: func(tok string) *result {
				return w.post(tok, `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { status } }`,
					map[string]any{"s": gid("Shift", w.published.ID), "v": gid("Volunteer", w.free.VolunteerID)})
			},
			judge: ok,
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "FORBIDDEN", "other volunteer": "FORBIDDEN",
				"coordinator A": "ok", "coordinator B": "FORBIDDEN", "staff": "FORBIDDEN", "admin": "ok",
			},
		},
		{
			name: "record attendance of a past shift at A",
			run: func(tok string) *result {
				return w.post(tok, `mutation($a: ID!) { recordAttendance(assignmentId: $a, checkedInAt: "2025-03-03T05:00:00Z", checkedOutAt: "2025-03-03T09:00:00+00:00") { status creditedMinutes } }`,
					map[string]any{"a": gid("Assignment", w.pastAssignment.ID)})
			},
			judge: ok,
			// The volunteer sees the assignment but may not record it; the
			// others may not even see it, so it does not exist for them.
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "FORBIDDEN", "other volunteer": "NOT_FOUND",
				"coordinator A": "ok", "coordinator B": "NOT_FOUND", "staff": "FORBIDDEN", "admin": "ok",
			},
		},
		{
			name: "withdraw another volunteer's assignment",
			run: func(tok string) *result {
				return w.post(tok, `mutation($a: ID!) { withdraw(assignmentId: $a) { status } }`,
					map[string]any{"a": gid("Assignment", w.otherAssignment.ID)})
			},
			judge: func(t *testing.T, r *result) string {
				// Once withdrawn, a second withdrawal is a CONFLICT: authorised all the same.
				if c := r.code(); c == konullu.ECONFLICT {
					return "ok"
				}
				return outcome(r)
			},
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "NOT_FOUND", "other volunteer": "ok",
				"coordinator A": "ok", "coordinator B": "NOT_FOUND", "staff": "FORBIDDEN", "admin": "ok",
			},
		},
		{
			name: "create a centre",
			run: func(tok string) *result {
				return w.post(tok, `mutation { createCentre(input: {name: "Sumqayıt ASAN", city: "Sumqayıt", timezone: "Asia/Baku"}) { id } }`, nil)
			},
			judge: ok,
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "FORBIDDEN", "other volunteer": "FORBIDDEN",
				"coordinator A": "FORBIDDEN", "coordinator B": "FORBIDDEN", "staff": "FORBIDDEN", "admin": "ok",
			},
		},
		{
			name: "grant a role",
			run: func(tok string) *result {
				return w.post(tok, `mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { roles } }`,
					map[string]any{"u": gid("User", w.free.ID), "c": []string{gid("Centre", w.b.ID)}})
			},
			judge: ok,
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "FORBIDDEN", "other volunteer": "FORBIDDEN",
				"coordinator A": "FORBIDDEN", "coordinator B": "FORBIDDEN", "staff": "FORBIDDEN", "admin": "ok",
			},
		},
		{
			name: "see a user's account",
			run: func(tok string) *result {
				return w.post(tok, `query($id: ID!) { node(id: $id) { ... on User { email } } }`, map[string]any{"id": gid("User", w.vol.ID)})
			},
			judge: func(t *testing.T, r *result) string {
				var d struct{ Node json.RawMessage }
				r.ok(t, &d)
				if string(d.Node) == "null" {
					return "null"
				}
				return "sees"
			},
			want: map[string]string{
				"anonymous": "null", "volunteer": "sees", "other volunteer": "null",
				"coordinator A": "null", "coordinator B": "null", "staff": "null", "admin": "sees",
			},
		},
		{
			name: "sign up for a published shift",
			run: func(tok string) *result {
				return w.post(tok, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", w.published.ID)})
			},
			judge: ok,
			// Coordinators and staff registered as volunteers too; the
			// bootstrap admin has no volunteer profile.
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "ok", "other volunteer": "ok",
				"coordinator A": "ok", "coordinator B": "ok", "staff": "ok", "admin": "FORBIDDEN",
			},
		},
		{
			name: "sign up for a draft shift",
			run: func(tok string) *result {
				return w.post(tok, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", w.draft.ID)})
			},
			judge: ok,
			want: map[string]string{
				"anonymous": "UNAUTHENTICATED", "volunteer": "NOT_FOUND", "other volunteer": "NOT_FOUND",
				"coordinator A": "SIGNUP_CLOSED", "coordinator B": "NOT_FOUND", "staff": "SIGNUP_CLOSED", "admin": "FORBIDDEN",
			},
		},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range viewers {
				if got := c.judge(t, c.run(w.tokens[v])); got != c.want[v] {
					t.Errorf("%s: got %s, want %s", v, got, c.want[v])
				}
			}
		})
	}
}
