package schema_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
)

// Issue 12, items 2 and 3: a coordinator finds volunteers by name, email or
// phone and sees what stands in the way of assigning each; a refusal says
// the same obstacle, with its facts, in its extensions.

const candidatesQuery = `query($s: ID!, $q: String!, $first: Int) {
  shiftCandidates(shiftId: $s, search: $q, first: $first) {
    volunteer { id fullName email phone }
    obstacles { code blocking message minimumAge age adultAge qualifications { name en } expiring status capacity waiting clash { id } }
  }
}`

type obstacleOut struct {
	Code           string
	Blocking       bool
	Message        string
	MinimumAge     *int
	Age            *int
	AdultAge       *int
	Qualifications []struct{ Name string }
	Expiring       []string
	Status         *string
	Capacity       *int
	Waiting        *int
	Clash          *struct{ ID string }
}

type candidateOut struct {
	Volunteer struct {
		ID, FullName string
		Email, Phone *string
	}
	Obstacles []obstacleOut
}

func (c candidateOut) codes() []string {
	var out []string
	for _, o := range c.Obstacles {
		out = append(out, o.Code)
	}
	return out
}

func (c candidateOut) obstacle(code string) *obstacleOut {
	for i := range c.Obstacles {
		if c.Obstacles[i].Code == code {
			return &c.Obstacles[i]
		}
	}
	return nil
}

type candidatesEnv struct {
	*env
	centre, other                *konullu.Centre
	shift, otherShift            *konullu.Shift
	coord, coordB, adm, vol      string
	ready, noQual, teen, busy    *konullu.User
	assigned                     *konullu.User
	readyID, teenID, busyID, aID string
}

func newCandidatesEnv(t *testing.T) *candidatesEnv {
	e := &candidatesEnv{env: newEnv(t)}
	ctx := context.Background()
	e.centre = e.env.centre("Bakı ASAN 1", "Asia/Baku")
	e.other = e.env.centre("Gəncə ASAN", "Asia/Baku")
	p := &konullu.Position{Name: "First-aid guide", RequiredSkills: []string{"First aid"}, MinimumAge: 18}
	if err := e.db.CreatePosition(ctx, p); err != nil {
		t.Fatal(err)
	}
	plain := e.position("Greeter")
	e.shift = e.env.shift(e.centre, p, t0.Add(48*time.Hour), 3, true)
	e.otherShift = e.env.shift(e.other, plain, t0.Add(50*time.Hour), 3, true) // overlaps e.shift by two hours
	e.adm = e.admin()
	co := e.account("coord@konullu.az", "Coordinator Kamal")
	e.grant(co, konullu.RoleCoordinator, e.centre.ID)
	e.coord = e.login(co.Email)
	cb := e.account("coordb@konullu.az", "Coordinator Bahar")
	e.grant(cb, konullu.RoleCoordinator, e.other.ID)
	e.coordB = e.login(cb.Email)
	e.vol = e.login(e.account("plain@example.az", "Plain Volunteer").Email)

	adult := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC)
	e.ready = e.person("rauf@example.az", "Rauf Hazırov", "+994 50 765 43 21", adult, "First aid")
	e.noQual = e.person("leyla@example.az", "Leyla Bacarıqsız", "+994 55 111 11 11", adult)
	e.teen = e.person("nigar@example.az", "Nigar Raufova", "+994 70 222 22 22", time.Date(2008, 6, 1, 0, 0, 0, 0, time.UTC)) // 16
	e.busy = e.person("busy@example.az", "Busy Raufzade", "+994 51 333 33 33", adult, "First aid")
	e.assigned = e.person("held@example.az", "Held Rauf", "+994 51 444 44 44", adult, "First aid")
	e.signUp(e.otherShift, e.busy.VolunteerID, false)
	e.signUp(e.shift, e.assigned.VolunteerID, true)
	e.readyID, e.teenID = gid("Volunteer", e.ready.VolunteerID), gid("Volunteer", e.teen.VolunteerID)
	e.busyID, e.aID = gid("Volunteer", e.busy.VolunteerID), gid("Volunteer", e.assigned.VolunteerID)
	return e
}

func (e *candidatesEnv) person(email, name, phone string, birth time.Time, skills ...string) *konullu.User {
	e.t.Helper()
	hash, _ := konullu.HashPassword(password, testArgon2)
	u, err := e.db.CreateAccount(context.Background(), konullu.NewAccount{Email: email, PasswordHash: hash, FullName: name,
		Phone: phone, City: "Bakı", BirthDate: birth, Status: konullu.VolunteerActive})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(skills) > 0 {
		if _, err := e.db.SetVolunteerSkills(context.Background(), u.VolunteerID, skills); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

func (e *candidatesEnv) search(token, q string) []candidateOut {
	e.t.Helper()
	var out struct{ ShiftCandidates []candidateOut }
	e.post(token, candidatesQuery, map[string]any{"s": gid("Shift", e.shift.ID), "q": q, "first": 20}).ok(e.t, &out)
	return out.ShiftCandidates
}

func names(list []candidateOut) []string {
	out := []string{}
	for _, c := range list {
		out = append(out, c.Volunteer.FullName)
	}
	return out
}

func TestShiftCandidatesSearch(t *testing.T) {
	e := newCandidatesEnv(t)
	// By name, ignoring case: those who can be assigned first.
	got := e.search(e.coord, "RAUF")
	if want := []string{"Rauf Hazırov", "Busy Raufzade", "Held Rauf", "Nigar Raufova"}; !slices.Equal(names(got), want) {
		t.Fatalf("by name: %v, want %v", names(got), want)
	}
	// By a whole email, any case; part of one finds nobody.
	if got := names(e.search(e.coord, "Rauf@Example.az")); !slices.Equal(got, []string{"Rauf Hazırov"}) {
		t.Fatalf("by email: %v", got)
	}
	for _, partial := range []string{"rauf@", "@example.az", "rauf@example"} {
		if got := e.search(e.coord, partial); len(got) != 0 {
			t.Fatalf("part of an email %q found %v", partial, names(got))
		}
	}
	// By a whole phone number, however it is written; part of one is a name.
	for _, phone := range []string{"050 765 43 21", "+994507654321", "(50) 765-43-21"} {
		if got := names(e.search(e.coord, phone)); !slices.Equal(got, []string{"Rauf Hazırov"}) {
			t.Fatalf("by phone %q: %v", phone, got)
		}
	}
	if got := e.search(e.coord, "765 43 21"); len(got) != 0 {
		t.Fatalf("part of a phone number found %v", names(got))
	}
}

func TestShiftCandidatesContactRule(t *testing.T) {
	e := newCandidatesEnv(t)
	// Found by email and phone, yet the coordinator may not see them:
	// Rauf holds no place at the centre.
	for _, q := range []string{"rauf@example.az", "050 765 43 21"} {
		got := e.search(e.coord, q)
		if len(got) != 1 || got[0].Volunteer.Email != nil || got[0].Volunteer.Phone != nil {
			t.Fatalf("%q: contact details leaked: %+v", q, got)
		}
	}
	// Held holds a place in the centre's published shift: the contact rule holds.
	got := e.search(e.coord, "held@example.az")
	if len(got) != 1 || got[0].Volunteer.Email == nil || *got[0].Volunteer.Email != "held@example.az" {
		t.Fatalf("the contact rule's volunteer: %+v", got)
	}
	// An admin sees everything.
	if got := e.search(e.adm, "rauf@example.az"); len(got) != 1 || got[0].Volunteer.Phone == nil {
		t.Fatalf("admin: %+v", got)
	}
}

func TestShiftCandidatesAuthz(t *testing.T) {
	e := newCandidatesEnv(t)
	vars := map[string]any{"s": gid("Shift", e.shift.ID), "q": "Rauf"}
	e.post("", candidatesQuery, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(e.vol, candidatesQuery, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post(e.coordB, candidatesQuery, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post(e.coord, candidatesQuery, map[string]any{"s": gid("Shift", e.shift.ID), "q": " R "}).wantError(t, konullu.EINVALID, "search")
	e.post(e.coord, candidatesQuery, map[string]any{"s": gid("Shift", e.shift.ID), "q": "Rauf", "first": 0}).wantError(t, konullu.EINVALID, "first")
}

// refusal is the first error of an answer with all its extensions.
type refusal struct {
	Code           string
	Obstacle       string
	MinimumAge     int
	Age            *int
	AdultAge       int
	Qualifications []string
	Clash          *struct {
		ShiftID, StartsAt, Centre, Position, Timezone string
	}
}

func refusalOf(t *testing.T, r *result) *refusal {
	t.Helper()
	var raw struct {
		Errors []struct{ Extensions refusal }
	}
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Errors) == 0 {
		return nil
	}
	return &raw.Errors[0].Extensions
}

const assignMutation = `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id status } }`

func TestShiftCandidatesObstacles(t *testing.T) {
	e := newCandidatesEnv(t)
	byName := map[string]candidateOut{}
	for _, c := range e.search(e.coord, "rauf") {
		byName[c.Volunteer.FullName] = c
	}
	for _, c := range e.search(e.coord, "Leyla") {
		byName[c.Volunteer.FullName] = c
	}
	if c := byName["Rauf Hazırov"]; len(c.Obstacles) != 0 {
		t.Fatalf("nothing stands in Rauf's way: %+v", c.Obstacles)
	}
	if o := byName["Leyla Bacarıqsız"].obstacle("MISSING_QUALIFICATIONS"); o == nil || !o.Blocking || len(o.Qualifications) != 1 || o.Qualifications[0].Name != "First aid" {
		t.Fatalf("Leyla: %+v", byName["Leyla Bacarıqsız"].Obstacles)
	}
	teen := byName["Nigar Raufova"]
	if got := teen.codes(); !slices.Equal(got, []string{"MISSING_QUALIFICATIONS", "UNDER_MINIMUM_AGE", "GUARDIAN_CONSENT_MISSING"}) {
		t.Fatalf("Nigar: %v", got)
	}
	if o := teen.obstacle("UNDER_MINIMUM_AGE"); o.MinimumAge == nil || *o.MinimumAge != 18 || o.Age == nil || *o.Age != 16 {
		t.Fatalf("the ages: %+v", o)
	}
	if o := teen.obstacle("GUARDIAN_CONSENT_MISSING"); o.AdultAge == nil || *o.AdultAge != 18 {
		t.Fatalf("consent: %+v", o)
	}
	busy := byName["Busy Raufzade"]
	if o := busy.obstacle("OVERLAPPING_SHIFT"); o == nil || !o.Blocking || o.Clash != nil {
		t.Fatalf("Busy, to a coordinator of another centre the clash is not shown: %+v", busy.Obstacles)
	}
	held := byName["Held Rauf"]
	if o := held.obstacle("ALREADY_ASSIGNED"); o == nil || o.Blocking || o.Status == nil || *o.Status != "CONFIRMED" {
		t.Fatalf("Held: %+v", held.Obstacles)
	}
	// The admin sees where Busy is.
	for _, c := range e.search(e.adm, "Busy") {
		if o := c.obstacle("OVERLAPPING_SHIFT"); o == nil || o.Clash == nil || o.Clash.ID != gid("Shift", e.otherShift.ID) {
			t.Fatalf("admin: %+v", c.Obstacles)
		}
	}

	// What the list says is what assignVolunteer refuses, with the facts.
	for name, c := range byName {
		r := e.post(e.coord, assignMutation, map[string]any{"s": gid("Shift", e.shift.ID), "v": c.Volunteer.ID})
		var first *obstacleOut
		for i := range c.Obstacles {
			if c.Obstacles[i].Blocking {
				first = &c.Obstacles[i]
				break
			}
		}
		ref := refusalOf(t, r)
		switch {
		case first == nil && ref != nil:
			t.Errorf("%s: the list said nothing stands in the way, the mutation refused: %s", name, r.Body)
		case first != nil && (ref == nil || ref.Obstacle != first.Code):
			t.Errorf("%s: the list said %s, the mutation answered %s", name, first.Code, r.Body)
		}
	}
	// Rauf was assigned: now he is ALREADY_ASSIGNED, and the place counts.
	if o := e.search(e.coord, "Rauf Hazırov")[0].obstacle("ALREADY_ASSIGNED"); o == nil {
		t.Fatal("Rauf's place is not in the list")
	}
}

func TestShiftCandidatesFullShift(t *testing.T) {
	e := newCandidatesEnv(t)
	for i, email := range []string{"f1@example.az", "f2@example.az"} {
		u := e.person(email, "Filler "+string(rune('A'+i)), "+994 51 55"+string(rune('0'+i))+" 00 00", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "First aid")
		e.signUp(e.shift, u.VolunteerID, true)
	}
	c := e.search(e.coord, "Rauf Hazırov")[0]
	if o := c.obstacle("SHIFT_FULL"); o == nil || o.Blocking || o.Capacity == nil || *o.Capacity != 3 || o.Waiting == nil || *o.Waiting != 0 {
		t.Fatalf("full: %+v", c.Obstacles)
	}
	var a struct{ AssignVolunteer struct{ Status string } }
	e.post(e.coord, assignMutation, map[string]any{"s": gid("Shift", e.shift.ID), "v": e.readyID}).ok(t, &a)
	if a.AssignVolunteer.Status != "WAITLISTED" {
		t.Fatalf("a full shift waitlists: %+v", a)
	}
}

func TestSignupRefusalExtensions(t *testing.T) {
	e := newCandidatesEnv(t)
	ctx := context.Background()
	greeter := e.position("Volunteer greeter")
	open := e.env.shift(e.centre, greeter, t0.Add(72*time.Hour), 3, true)
	teen := e.login("nigar@example.az")
	signUp := `mutation($s: ID!) { signUp(shiftId: $s) { id status } }`

	// The minor: consent missing, with her age and the age that needs none.
	r := e.post(teen, signUp, map[string]any{"s": gid("Shift", open.ID)})
	ref := refusalOf(t, r)
	if ref == nil || ref.Code != konullu.EREQUIREMENT || ref.Obstacle != "GUARDIAN_CONSENT_MISSING" || ref.AdultAge != 18 || ref.Age == nil || *ref.Age != 16 {
		t.Fatalf("consent refusal: %s", r.Body)
	}
	// The position's minimum age and the qualification, by name.
	r = e.post(teen, signUp, map[string]any{"s": gid("Shift", e.shift.ID)})
	if ref := refusalOf(t, r); ref == nil || ref.Obstacle != "MISSING_QUALIFICATIONS" || !slices.Equal(ref.Qualifications, []string{"First aid"}) {
		t.Fatalf("qualification refusal: %s", r.Body)
	}
	if _, err := e.db.SetVolunteerSkills(ctx, e.teen.VolunteerID, []string{"First aid"}); err != nil {
		t.Fatal(err)
	}
	r = e.post(teen, signUp, map[string]any{"s": gid("Shift", e.shift.ID)})
	if ref := refusalOf(t, r); ref == nil || ref.Obstacle != "UNDER_MINIMUM_AGE" || ref.MinimumAge != 18 || ref.Age == nil || *ref.Age != 16 {
		t.Fatalf("age refusal: %s", r.Body)
	}
	// The clash names the shift it clashes with, to the volunteer.
	busy := e.login("busy@example.az")
	r = e.post(busy, signUp, map[string]any{"s": gid("Shift", e.shift.ID)})
	ref = refusalOf(t, r)
	if ref == nil || ref.Code != konullu.EOVERLAP || ref.Obstacle != "OVERLAPPING_SHIFT" || ref.Clash == nil ||
		ref.Clash.ShiftID != gid("Shift", e.otherShift.ID) || ref.Clash.Centre != "Gəncə ASAN" || ref.Clash.Position != "Greeter" ||
		ref.Clash.StartsAt != e.otherShift.StartsAt.UTC().Format(time.RFC3339) || ref.Clash.Timezone != "Asia/Baku" {
		t.Fatalf("clash refusal: %s", r.Body)
	}
	// A coordinator of another centre learns of a clash, not where it is.
	r = e.post(e.coord, assignMutation, map[string]any{"s": gid("Shift", e.shift.ID), "v": e.busyID})
	if ref := refusalOf(t, r); ref == nil || ref.Obstacle != "OVERLAPPING_SHIFT" || ref.Clash != nil {
		t.Fatalf("clash to another centre's coordinator: %s", r.Body)
	}

	// Shift.myObstacles says the same to the volunteer, before any tap.
	var s struct {
		Shift struct{ MyObstacles []obstacleOut }
	}
	e.post(busy, `query($id: ID!) { shift(id: $id) { myObstacles { code blocking clash { id } } } }`, map[string]any{"id": gid("Shift", e.shift.ID)}).ok(t, &s)
	if len(s.Shift.MyObstacles) != 1 || s.Shift.MyObstacles[0].Code != "OVERLAPPING_SHIFT" || s.Shift.MyObstacles[0].Clash == nil {
		t.Fatalf("myObstacles: %+v", s.Shift.MyObstacles)
	}
	var anon struct {
		Shift struct{ MyObstacles []obstacleOut }
	}
	e.post("", `query($id: ID!) { shift(id: $id) { myObstacles { code } } }`, map[string]any{"id": gid("Shift", e.shift.ID)}).ok(t, &anon)
	if len(anon.Shift.MyObstacles) != 0 {
		t.Fatalf("anonymous: %+v", anon)
	}
}

func TestConsentRecordedNotification(t *testing.T) {
	e := newCandidatesEnv(t)
	teen := e.login("nigar@example.az")
	d := notify.New(notify.Config{Store: e.db, Logger: slog.New(slog.DiscardHandler), Now: e.clock.Now})
	notes := func() []string {
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		var n struct {
			MyNotifications []struct{ Kind, Title string }
		}
		e.post(teen, `{ myNotifications { kind title } }`, nil).ok(t, &n)
		var kinds []string
		for _, x := range n.MyNotifications {
			if x.Kind == string(konullu.NotifyConsentRecorded) {
				kinds = append(kinds, x.Title)
			}
		}
		return kinds
	}
	if got := notes(); len(got) != 0 {
		t.Fatalf("before: %v", got)
	}
	record := `mutation($v: ID!, $g: String!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: $g, relationship: "mother"}) { id } }`
	e.post(e.adm, record, map[string]any{"v": e.teenID, "g": "Aygün Raufova"}).ok(t, nil)
	if got := notes(); !slices.Equal(got, []string{"Valideyn razılığınız qeydə alındı"}) {
		t.Fatalf("after the consent: %v", got)
	}
	// A later record replaces the first: no second message.
	e.post(e.adm, record, map[string]any{"v": e.teenID, "g": "Rauf Raufov"}).ok(t, nil)
	if got := notes(); len(got) != 1 {
		t.Fatalf("after a second record: %v", got)
	}
	// And the obstacle is gone.
	for _, c := range e.search(e.coord, "Nigar") {
		if c.obstacle("GUARDIAN_CONSENT_MISSING") != nil {
			t.Fatalf("consent recorded, still missing: %v", c.codes())
		}
	}
}
