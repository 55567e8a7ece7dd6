package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// The catalogue (issue 12): centres and positions in the reader's language,
// edited with updateCentre and updatePosition, archived once they have
// history and deleted only without it.

// postLang sends a GraphQL request with an Accept-Language header ("" for none).
func (e *env) postLang(token, lang, query string, vars map[string]any) *result {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		e.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.serve(req)
}

type catalogueEntry struct {
	ID, Name, MainName string
	Description        *string
	Names              struct{ Az, En, Ru *string }
	Archived           bool
}

const centresQuery = `query($all: Boolean) { centres(includeArchived: $all) { id name mainName description names { az en ru } archived } }`
const positionsQuery = `query($all: Boolean) { positions(includeArchived: $all) { id name mainName description names { az en ru } archived } }`

func (e *env) centresIn(token, lang string, all bool) map[string]catalogueEntry {
	e.t.Helper()
	var out struct{ Centres []catalogueEntry }
	e.postLang(token, lang, centresQuery, map[string]any{"all": all}).ok(e.t, &out)
	m := map[string]catalogueEntry{}
	for _, c := range out.Centres {
		m[c.ID] = c
	}
	return m
}

func (e *env) positionsIn(token, lang string, all bool) map[string]catalogueEntry {
	e.t.Helper()
	var out struct{ Positions []catalogueEntry }
	e.postLang(token, lang, positionsQuery, map[string]any{"all": all}).ok(e.t, &out)
	m := map[string]catalogueEntry{}
	for _, p := range out.Positions {
		m[p.ID] = p
	}
	return m
}

func TestCatalogueNamesInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	var created struct{ CreateCentre struct{ ID string } }
	e.post(admin, `mutation { createCentre(input: {name: "ASAN 1", city: "Baku", timezone: "Asia/Baku",
		names: {az: "ASAN xidmət 1", en: "ASAN Service 1"}, description: "Main hall",
		descriptions: {az: "Əsas zal", ru: "Главный зал"}}) { id } }`, nil).ok(t, &created)
	cid := created.CreateCentre.ID
	var pos struct{ CreatePosition struct{ ID string } }
	e.post(admin, `mutation { createPosition(input: {name: "Greeter", names: {ru: "Встречающий"}, description: "Welcomes citizens"}) { id } }`, nil).ok(t, &pos)
	pid := pos.CreatePosition.ID

	for _, c := range []struct{ lang, centre, desc, position string }{
		{"az", "ASAN xidmət 1", "Əsas zal", "Greeter"},
		{"en-GB,en;q=0.9", "ASAN Service 1", "Main hall", "Greeter"}, // no English description: the main one
		{"ru", "ASAN 1", "Главный зал", "Встречающий"},               // no Russian name: the main one
		{"de, ru;q=0.5", "ASAN 1", "Главный зал", "Встречающий"},     // the first supported language
		{"", "ASAN 1", "Main hall", "Greeter"},                       // none: the main texts
		{"fr", "ASAN 1", "Main hall", "Greeter"},
	} {
		got := e.centresIn("", c.lang, false)[cid]
		if got.Name != c.centre || got.Description == nil || *got.Description != c.desc || got.MainName != "ASAN 1" {
			t.Errorf("Accept-Language %q: centre %+v, want %q / %q", c.lang, got, c.centre, c.desc)
		}
		if p := e.positionsIn("", c.lang, false)[pid]; p.Name != c.position {
			t.Errorf("Accept-Language %q: position %q, want %q", c.lang, p.Name, c.position)
		}
	}
	// The translations as entered, for editing.
	got := e.centresIn("", "ru", false)[cid]
	if got.Names.Az == nil || *got.Names.Az != "ASAN xidmət 1" || got.Names.Ru != nil {
		t.Errorf("names: %+v", got.Names)
	}

	// Edited: names replaced as a whole, the main name kept.
	e.postLang(admin, "ru", `mutation($id: ID!) { updatePosition(id: $id, input: {names: {ru: "Гид", az: "Bələdçi"},
		descriptions: {ru: "Помогает гражданам"}}) { name description } }`, map[string]any{"id": pid}).ok(t, nil)
	p := e.positionsIn("", "ru", false)[pid]
	if p.Name != "Гид" || p.Description == nil || *p.Description != "Помогает гражданам" || p.MainName != "Greeter" {
		t.Errorf("position after the edit in ru: %+v", p)
	}
	if p := e.positionsIn("", "en", false)[pid]; p.Name != "Greeter" || *p.Description != "Welcomes citizens" {
		t.Errorf("position after the edit in en: %+v", p)
	}

	// A shift names its centre and position in the reader's language too.
	c, _ := e.db.CentresByIDs(context.Background(), []int64{mustLocalID(t, cid)})
	ps, _ := e.db.PositionsByIDs(context.Background(), []int64{mustLocalID(t, pid)})
	s := e.shift(c[mustLocalID(t, cid)], ps[mustLocalID(t, pid)], t0.Add(48*time.Hour), 2, true)
	var sh struct {
		Shift struct {
			Centre   struct{ Name string }
			Position struct{ Name string }
		}
	}
	e.postLang("", "az", `query($id: ID!) { shift(id: $id) { centre { name } position { name } } }`,
		map[string]any{"id": gid("Shift", s.ID)}).ok(t, &sh)
	if sh.Shift.Centre.Name != "ASAN xidmət 1" || sh.Shift.Position.Name != "Bələdçi" {
		t.Errorf("shift in az: %+v", sh.Shift)
	}
}

// mustLocalID is the number in a global id.
func mustLocalID(t *testing.T, id string) int64 {
	t.Helper()
	for n := int64(1); n < 10_000; n++ {
		for _, k := range []string{"Centre", "Position"} {
			if gid(k, n) == id {
				return n
			}
		}
	}
	t.Fatalf("no local id in %s", id)
	return 0
}

func TestCatalogueInvalidInput(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	c := e.centre("Centre", "Asia/Baku")
	p := e.position("Guide")
	cid, pid := gid("Centre", c.ID), gid("Position", p.ID)
	long := strings.Repeat("я", konullu.MaxCentreName+1)
	for _, tc := range []struct {
		query string
		vars  map[string]any
		code  string
		field string
	}{
		{`mutation($id: ID!) { updateCentre(id: $id, input: {name: "  "}) { id } }`, map[string]any{"id": cid}, "INVALID_INPUT", "name"},
		{`mutation($id: ID!, $n: String!) { updateCentre(id: $id, input: {names: {ru: $n}}) { id } }`, map[string]any{"id": cid, "n": long}, "INVALID_INPUT", "names.ru"},
		{`mutation($id: ID!) { updateCentre(id: $id, input: {timezone: "Mars/Olympus"}) { id } }`, map[string]any{"id": cid}, "INVALID_INPUT", "timezone"},
		{`mutation($id: ID!) { updateCentre(id: $id, input: {city: ""}) { id } }`, map[string]any{"id": cid}, "INVALID_INPUT", "city"},
		{`mutation($id: ID!) { updateCentre(id: $id, input: {name: "x"}) { id } }`, map[string]any{"id": pid}, "INVALID_INPUT", "id"},
		{`mutation($id: ID!) { updateCentre(id: $id, input: {name: "x"}) { id } }`, map[string]any{"id": gid("Centre", 9999)}, "NOT_FOUND", ""},
		{`mutation($id: ID!) { updatePosition(id: $id, input: {minimumAge: 200}) { id } }`, map[string]any{"id": pid}, "INVALID_INPUT", "minimumAge"},
		{`mutation($id: ID!) { updatePosition(id: $id, input: {name: ""}) { id } }`, map[string]any{"id": pid}, "INVALID_INPUT", "name"},
		{`mutation($id: ID!, $q: [ID!]) { updatePosition(id: $id, input: {requiredQualificationIds: $q}) { id } }`, map[string]any{"id": pid, "q": []string{"nonsense"}}, "INVALID_INPUT", "requiredQualificationIds"},
		{`mutation($id: ID!, $q: [ID!]) { updatePosition(id: $id, input: {requiredQualificationIds: $q}) { id } }`, map[string]any{"id": pid, "q": []string{gid("Qualification", 999)}}, "NOT_FOUND", "requiredQualificationIds"},
		{`mutation($id: ID!) { archivePosition(id: $id) { id } }`, map[string]any{"id": cid}, "INVALID_INPUT", "id"},
		{`mutation { createPosition(input: {name: "P", names: {az: "` + long + `"}}) { id } }`, nil, "INVALID_INPUT", "names.az"},
	} {
		e.post(admin, tc.query, tc.vars).wantError(t, tc.code, tc.field)
	}
	// Nothing changed.
	got := e.centresIn(admin, "", false)[cid]
	if got.Name != "Centre" {
		t.Errorf("centre changed by refused edits: %+v", got)
	}
}

func TestCatalogueAuthorisation(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	mine, other := e.centre("Mine", "Asia/Baku"), e.centre("Other", "Asia/Baku")
	p := e.position("Guide")
	coord := e.account("coord@example.org", "Coord")
	e.grant(coord, konullu.RoleCoordinator, mine.ID)
	e.account("vol@example.org", "Vol")
	ct, vt := e.login("coord@example.org"), e.login("vol@example.org")
	upd := `mutation($id: ID!, $in: UpdateCentreInput!) { updateCentre(id: $id, input: $in) { name } }`

	e.post("", upd, map[string]any{"id": gid("Centre", mine.ID), "in": map[string]any{"name": "X"}}).wantError(t, "UNAUTHENTICATED", "")
	e.post(vt, upd, map[string]any{"id": gid("Centre", mine.ID), "in": map[string]any{"name": "X"}}).wantError(t, "FORBIDDEN", "")
	e.post(ct, upd, map[string]any{"id": gid("Centre", other.ID), "in": map[string]any{"name": "X"}}).wantError(t, "FORBIDDEN", "")
	e.post(ct, upd, map[string]any{"id": gid("Centre", mine.ID), "in": map[string]any{"timezone": "Europe/Moscow"}}).wantError(t, "FORBIDDEN", "timezone")
	// Their own centre's texts and address: yes (the same time zone is no change).
	e.post(ct, upd, map[string]any{"id": gid("Centre", mine.ID), "in": map[string]any{
		"names": map[string]any{"ru": "Мой"}, "address": "Nizami 1", "timezone": "Asia/Baku"}}).ok(t, nil)
	e.post(admin, upd, map[string]any{"id": gid("Centre", other.ID), "in": map[string]any{"timezone": "Europe/Moscow"}}).ok(t, nil)

	// Positions are shared by every centre: admins only.
	e.post(ct, `mutation($id: ID!) { updatePosition(id: $id, input: {name: "X"}) { id } }`, map[string]any{"id": gid("Position", p.ID)}).wantError(t, "FORBIDDEN", "")
	for _, m := range []string{"archiveCentre", "restoreCentre"} {
		e.post(ct, `mutation($id: ID!) { `+m+`(id: $id) { id } }`, map[string]any{"id": gid("Centre", mine.ID)}).wantError(t, "FORBIDDEN", "")
	}
	e.post(ct, `mutation($id: ID!) { deleteCentre(id: $id) }`, map[string]any{"id": gid("Centre", mine.ID)}).wantError(t, "FORBIDDEN", "")
	for _, m := range []string{"archivePosition", "restorePosition"} {
		e.post(ct, `mutation($id: ID!) { `+m+`(id: $id) { id } }`, map[string]any{"id": gid("Position", p.ID)}).wantError(t, "FORBIDDEN", "")
	}
	e.post(vt, `mutation($id: ID!) { deletePosition(id: $id) }`, map[string]any{"id": gid("Position", p.ID)}).wantError(t, "FORBIDDEN", "")
	// Archived ones are listed for those who edit the catalogue.
	e.post(vt, centresQuery, map[string]any{"all": true}).wantError(t, "FORBIDDEN", "")
	e.post(ct, centresQuery, map[string]any{"all": true}).ok(t, nil)

	// Audited: the coordinator's edit with the centre before and after, the refusal with its code.
	log := e.auditLog(t, admin, map[string]any{"o": gid("Centre", mine.ID), "a": "updateCentre"})
	var done, refused int
	for _, en := range log {
		switch {
		case en.Outcome == "DONE" && en.Actor != nil && en.Actor.Email == "coord@example.org":
			done++
			if len(en.Changes) != 1 || en.Changes[0].After == nil || !strings.Contains(*en.Changes[0].After, "Nizami 1") ||
				en.Changes[0].Before == nil || strings.Contains(*en.Changes[0].Before, "Nizami 1") {
				t.Errorf("the edit's changes: %+v", en.Changes)
			}
		case en.Outcome == "FAILED" && en.ErrorCode != nil && *en.ErrorCode == "FORBIDDEN":
			refused++
		}
	}
	if done != 1 || refused != 2 {
		t.Errorf("audit of updateCentre: %d done, %d refused (want 1, 2): %+v", done, refused, log)
	}
}

func TestCatalogueArchiveAndDelete(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	used, unused := e.centre("Used", "Asia/Baku"), e.centre("Unused", "Asia/Baku")
	p, spare := e.position("Guide"), e.position("Spare")
	u := e.account("vol@example.org", "Vol")
	vt := e.login("vol@example.org")
	ctx := context.Background()

	// History: a past shift she attended, and one still to come.
	past := e.shift(used, p, t0.Add(-72*time.Hour), 2, true)
	e.pastWork(past, u.VolunteerID)
	coming := e.shift(used, p, t0.Add(24*time.Hour), 2, true)

	arch := `mutation($id: ID!) { archiveCentre(id: $id) { archived } }`
	r := e.post(admin, arch, map[string]any{"id": gid("Centre", used.ID)})
	r.wantError(t, "CONFLICT", "id")
	if !bytes.Contains(r.Body, []byte(`"comingShifts":1`)) {
		t.Errorf("the refusal does not count the coming shifts: %s", r.Body)
	}
	if _, err := e.db.CancelShift(ctx, coming.ID, "moved"); err != nil {
		t.Fatal(err)
	}
	// With history, deleting is refused: archive instead.
	r = e.post(admin, `mutation($id: ID!) { deleteCentre(id: $id) }`, map[string]any{"id": gid("Centre", used.ID)})
	r.wantError(t, "CONFLICT", "id")
	if !bytes.Contains(r.Body, []byte(`"reason":"HAS_HISTORY"`)) {
		t.Errorf("the refusal has no reason: %s", r.Body)
	}
	e.post(admin, `mutation($id: ID!) { deletePosition(id: $id) }`, map[string]any{"id": gid("Position", p.ID)}).wantError(t, "CONFLICT", "id")
	var out struct{ ArchiveCentre struct{ Archived bool } }
	e.post(admin, arch, map[string]any{"id": gid("Centre", used.ID)}).ok(t, &out)
	if !out.ArchiveCentre.Archived {
		t.Fatal("not archived")
	}
	e.post(admin, `mutation($id: ID!) { archivePosition(id: $id) { archived } }`, map[string]any{"id": gid("Position", p.ID)}).ok(t, nil)

	// Out of the pickers: the lists in use.
	if _, ok := e.centresIn(vt, "", false)[gid("Centre", used.ID)]; ok {
		t.Error("an archived centre is still listed")
	}
	if _, ok := e.centresIn(vt, "", false)[gid("Centre", unused.ID)]; !ok {
		t.Error("a centre in use is not listed")
	}
	if _, ok := e.positionsIn(vt, "", false)[gid("Position", p.ID)]; ok {
		t.Error("an archived position is still listed")
	}
	if got := e.centresIn(admin, "", true)[gid("Centre", used.ID)]; !got.Archived {
		t.Errorf("includeArchived: %+v", got)
	}
	// No new shifts there.
	e.post(admin, `mutation($c: ID!, $p: ID!) { createShifts(input: {centreId: $c, positionId: $p,
		startsAt: "2025-03-20T08:00:00Z", endsAt: "2025-03-20T12:00:00Z", capacity: 1}) { id } }`,
		map[string]any{"c": gid("Centre", used.ID), "p": gid("Position", spare.ID)}).wantError(t, "INVALID_INPUT", "centreId")
	e.post(admin, `mutation($c: ID!, $p: ID!) { createShifts(input: {centreId: $c, positionId: $p,
		startsAt: "2025-03-20T08:00:00Z", endsAt: "2025-03-20T12:00:00Z", capacity: 1}) { id } }`,
		map[string]any{"c": gid("Centre", unused.ID), "p": gid("Position", p.ID)}).wantError(t, "INVALID_INPUT", "positionId")

	// History keeps them: her assignments name the centre and the position.
	var me struct {
		Me struct {
			Volunteer struct {
				Assignments []struct {
					Status string
					Shift  struct {
						Centre   struct{ Name string }
						Position struct{ Name string }
					}
				}
			}
		}
	}
	e.post(vt, `{ me { volunteer { assignments(from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z") {
		status shift { centre { name } position { name } } } } } }`, nil).ok(t, &me)
	if as := me.Me.Volunteer.Assignments; len(as) != 1 || as[0].Shift.Centre.Name != "Used" || as[0].Shift.Position.Name != "Guide" {
		t.Errorf("her history: %+v", as)
	}
	// And the participation report counts the attended shift at its centre.
	var rep struct {
		ParticipationReport struct{ ByCentre []struct{ Label string } }
	}
	e.post(admin, `{ participationReport(from: "2025-03-01", to: "2025-03-31") { byCentre { label } } }`, nil).ok(t, &rep)
	if !strings.Contains(string(must(json.Marshal(rep))), `"Used"`) {
		t.Errorf("the report lost the archived centre: %+v", rep)
	}

	// Restored, it is back.
	e.post(admin, `mutation($id: ID!) { restoreCentre(id: $id) { archived } }`, map[string]any{"id": gid("Centre", used.ID)}).ok(t, nil)
	if _, ok := e.centresIn(vt, "", false)[gid("Centre", used.ID)]; !ok {
		t.Error("a restored centre is not listed")
	}

	// Without history, deleting works.
	for _, m := range []struct{ mut, kind string }{{"deleteCentre", "Centre"}, {"deletePosition", "Position"}} {
		id := gid(m.kind, unused.ID)
		if m.kind == "Position" {
			id = gid(m.kind, spare.ID)
		}
		var del map[string]bool
		e.post(admin, `mutation($id: ID!) { `+m.mut+`(id: $id) }`, map[string]any{"id": id}).ok(t, &del)
		var n struct{ Node *struct{ ID string } }
		e.post(admin, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}).ok(t, &n)
		if !del[m.mut] || n.Node != nil {
			t.Errorf("%s: %v, node after: %+v", m.mut, del, n.Node)
		}
	}
}
