package schema_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const volunteersQuery = `query($search: String, $status: VolunteerStatus, $minors: Boolean, $first: Int, $after: String) {
  volunteers(search: $search, status: $status, needsGuardianConsent: $minors, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id fullName email phone city status needsGuardianConsent } }
  }
}`

type volunteersPage struct {
	Volunteers struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				ID, FullName         string
				Email, Phone, City   *string
				Status               string
				NeedsGuardianConsent bool
			}
		}
	}
}

func (p volunteersPage) names() []string {
	var out []string
	for _, e := range p.Volunteers.Edges {
		out = append(out, e.Node.FullName)
	}
	return out
}

// volunteersEnv has an admin, staff, a coordinator of one centre, a plain
// volunteer and a few more volunteers to list.
type volunteersEnv struct {
	*env
	centre                         *konullu.Centre
	admin, staff, coord, volunteer string
	served, other, pending, teen   *konullu.User
	servedID, teenID               string
}

func newVolunteersEnv(t *testing.T) *volunteersEnv {
	e := &volunteersEnv{env: newEnv(t)}
	e.centre = e.centre_("Bakı ASAN 1")
	p := e.position("Reception guide")
	e.admin = e.env.admin()
	st := e.account("staff@konullu.az", "Staff Member")
	e.grant(st, konullu.RoleStaff)
	e.staff = e.login(st.Email)
	co := e.account("coord@konullu.az", "Coordinator Kamal")
	e.grant(co, konullu.RoleCoordinator, e.centre.ID)
	e.coord = e.login(co.Email)
	plain := e.account("plain@example.az", "Plain Volunteer")
	e.volunteer = e.login(plain.Email)

	e.served = e.account("aysel@example.az", "Aysel Məmmədova")
	e.signUp(e.shift(e.centre, p, t0.Add(48*time.Hour), 5, true), e.served.VolunteerID, true)
	e.other = e.account("ivan@example.az", "Иван Петров")
	e.pending = e.create("new@example.az", "Zaur Yeni", time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC), konullu.VolunteerPending)
	// 16 on t0 (2025-03-10).
	e.teen = e.create("teen@example.az", "Nigar Gənc", time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC), konullu.VolunteerActive)
	e.servedID = gid("Volunteer", e.served.VolunteerID)
	e.teenID = gid("Volunteer", e.teen.VolunteerID)
	return e
}

// centre_ creates a centre in Baku (env.centre needs the time zone).
func (e *volunteersEnv) centre_(name string) *konullu.Centre { return e.env.centre(name, "Asia/Baku") }

func (e *volunteersEnv) create(email, name string, birth time.Time, status konullu.VolunteerStatus) *konullu.User {
	e.t.Helper()
	u, err := e.db.CreateAccount(context.Background(), konullu.NewAccount{
		Email: email, FullName: name, Phone: "+994 50 000 00 00", City: "Gəncə", BirthDate: birth, Status: status,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *volunteersEnv) list(token string, vars map[string]any) volunteersPage {
	e.t.Helper()
	var p volunteersPage
	e.post(token, volunteersQuery, vars).ok(e.t, &p)
	return p
}

func TestVolunteersAuthz(t *testing.T) {
	e := newVolunteersEnv(t)
	e.post("", volunteersQuery, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(e.volunteer, volunteersQuery, nil).wantError(t, konullu.EFORBIDDEN, "")
	for name, token := range map[string]string{"coordinator": e.coord, "staff": e.staff, "admin": e.admin} {
		t.Run(name, func(t *testing.T) {
			p := e.list(token, nil)
			// Staff, the coordinator, the plain volunteer and the four above.
			if p.Volunteers.TotalCount != 7 || len(p.Volunteers.Edges) != 7 {
				t.Fatalf("%d: %v", p.Volunteers.TotalCount, p.names())
			}
		})
	}
}

func TestVolunteersContactDetails(t *testing.T) {
	e := newVolunteersEnv(t)
	contact := func(token, id string) (email, phone, city *string) {
		t.Helper()
		for _, edge := range e.list(token, map[string]any{"first": 100}).Volunteers.Edges {
			if edge.Node.ID == id {
				return edge.Node.Email, edge.Node.Phone, edge.Node.City
			}
		}
		t.Fatalf("%s not listed", id)
		return
	}
	// The coordinator's centre is where Aysel serves, not the teen.
	if email, phone, city := contact(e.coord, e.teenID); email != nil || phone != nil || city == nil {
		t.Errorf("coordinator, volunteer elsewhere: %v %v %v", email, phone, city)
	}
	if email, phone, _ := contact(e.coord, e.servedID); email == nil || phone == nil {
		t.Errorf("coordinator, volunteer at their centre: %v %v", email, phone)
	}
	if email, phone, city := contact(e.staff, e.servedID); email != nil || phone != nil || city == nil {
		t.Errorf("staff: %v %v %v", email, phone, city)
	}
	if email, phone, _ := contact(e.admin, e.teenID); email == nil || *email != "teen@example.az" || phone == nil {
		t.Errorf("admin: %v %v", email, phone)
	}
}

func TestVolunteersFilters(t *testing.T) {
	e := newVolunteersEnv(t)
	for _, q := range []string{"məm", "MƏM", "  Məmmədova ", "aysel"} {
		p := e.list(e.coord, map[string]any{"search": q})
		if p.Volunteers.TotalCount != 1 || len(p.names()) != 1 || p.names()[0] != "Aysel Məmmədova" {
			t.Errorf("search %q: %d %v", q, p.Volunteers.TotalCount, p.names())
		}
	}
	// Beyond ASCII case on both databases (SQLite's search folds in Go).
	if p := e.list(e.coord, map[string]any{"search": "иван"}); !slices.Equal(p.names(), []string{"Иван Петров"}) {
		t.Errorf("иван: %v", p.names())
	}
	for _, q := range []string{"%", "_", `\`} {
		if p := e.list(e.coord, map[string]any{"search": q}); p.Volunteers.TotalCount != 0 {
			t.Errorf("%q is a wildcard: %v", q, p.names())
		}
	}
	if p := e.list(e.coord, map[string]any{"search": ""}); p.Volunteers.TotalCount != 7 {
		t.Errorf("empty search filters: %v", p.names())
	}
	long := fmt.Sprintf("%0101d", 0)
	e.post(e.coord, volunteersQuery, map[string]any{"search": long}).wantError(t, konullu.EINVALID, "search")

	p := e.list(e.staff, map[string]any{"status": "PENDING"})
	if !slices.Equal(p.names(), []string{"Zaur Yeni"}) || p.Volunteers.Edges[0].Node.Status != "PENDING" {
		t.Errorf("PENDING: %v", p.names())
	}

	p = e.list(e.coord, map[string]any{"minors": true})
	if !slices.Equal(p.names(), []string{"Nigar Gənc"}) || !p.Volunteers.Edges[0].Node.NeedsGuardianConsent {
		t.Fatalf("needsGuardianConsent: %v", p.names())
	}
	if p := e.list(e.coord, map[string]any{"minors": false}); p.Volunteers.TotalCount != 7 {
		t.Errorf("needsGuardianConsent false filters: %v", p.names())
	}
	// The teen has no tie to the coordinator's centre: an admin records it.
	e.post(e.admin, `mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "Səbinə Gənc", relationship: "mother"}) { hasGuardianConsent } }`,
		map[string]any{"v": e.teenID}).ok(t, nil)
	if p := e.list(e.coord, map[string]any{"minors": true}); p.Volunteers.TotalCount != 0 || len(p.names()) != 0 {
		t.Errorf("after consent: %v", p.names())
	}
}

func TestVolunteersPages(t *testing.T) {
	e := newVolunteersEnv(t)
	all := e.list(e.admin, map[string]any{"first": 100})
	want := all.names()
	if !slices.IsSorted(want) || len(want) != 7 || all.Volunteers.PageInfo.HasNextPage {
		t.Fatalf("all: %v", want)
	}
	var got []string
	var after any
	for page := 0; ; page++ {
		p := e.list(e.admin, map[string]any{"first": 3, "after": after})
		if p.Volunteers.TotalCount != 7 {
			t.Fatalf("totalCount %d on page %d", p.Volunteers.TotalCount, page)
		}
		got = append(got, p.names()...)
		if !p.Volunteers.PageInfo.HasNextPage {
			break
		}
		if page > 5 || p.Volunteers.PageInfo.EndCursor == nil ||
			*p.Volunteers.PageInfo.EndCursor != p.Volunteers.Edges[len(p.Volunteers.Edges)-1].Cursor {
			t.Fatalf("page %d: %+v", page, p.Volunteers.PageInfo)
		}
		after = *p.Volunteers.PageInfo.EndCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages %v, want %v", got, want)
	}

	for _, first := range []int{0, -1, 101} {
		e.post(e.coord, volunteersQuery, map[string]any{"first": first}).wantError(t, konullu.EINVALID, "first")
	}
	// A shift's cursor is not a volunteer's.
	shiftCursor := "djF8MjAyNS0wMy0xMFQwODowMDowMFp8MQ"
	for _, after := range []string{"nonsense", shiftCursor, ""} {
		e.post(e.coord, volunteersQuery, map[string]any{"after": after}).wantError(t, konullu.EINVALID, "after")
	}
}

// TestVolunteersStatements checks that a page costs a bounded number of
// statements whatever its size, for a coordinator (whose access to contact
// details depends on where each volunteer serves).
func TestVolunteersStatements(t *testing.T) {
	count := func(t *testing.T, n int) int64 {
		e := newVolunteersEnv(t)
		for i := range n {
			e.create(fmt.Sprintf("bulk%d@example.az", i), fmt.Sprintf("Bulk %03d", i), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), konullu.VolunteerActive)
		}
		before := e.db.QueryCount()
		p := e.list(e.coord, map[string]any{"first": 100})
		// With the consent fields too (the coordinators' page asks them).
		e.post(e.coord, `{ volunteers(first: 100) { edges { node { id hasGuardianConsent guardianConsent { guardianName } } } } }`, nil)
		if len(p.names()) != n+7 {
			t.Fatalf("%d volunteers, want %d", len(p.names()), n+7)
		}
		return e.db.QueryCount() - before
	}
	few, many := count(t, 2), count(t, 50)
	if few != many {
		t.Errorf("%d statements for a few volunteers, %d for 50 more", few, many)
	}
}
