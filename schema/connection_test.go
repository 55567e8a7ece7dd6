package schema_test

import (
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const shiftsPage = `query($first: Int, $after: String, $centre: ID, $open: Boolean) {
  shifts(from: "2025-03-01T00:00:00Z", to: "2025-06-01T00:00:00Z", first: $first, after: $after, centreId: $centre, openOnly: $open) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id startsAt } }
  }
}`

type page struct {
	Shifts struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Cursor string
			Node   struct{ ID, StartsAt string }
		}
	}
}

func TestShiftsPagination(t *testing.T) {
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Queue assistant")
	want := map[string]bool{}
	for i := range 45 {
		// Three shifts start at each time: pages must break ties by id.
		s := e.shift(c, p, t0.Add(time.Duration(24+i/3)*time.Hour), 2, true)
		want[gid("Shift", s.ID)] = true
	}

	seen := map[string]bool{}
	var after any
	last := ""
	for pages := 1; ; pages++ {
		var d page
		e.post("", shiftsPage, map[string]any{"first": 10, "after": after}).ok(t, &d)
		if d.Shifts.TotalCount != 45 {
			t.Fatalf("totalCount = %d, want 45 on every page", d.Shifts.TotalCount)
		}
		for _, edge := range d.Shifts.Edges {
			if seen[edge.Node.ID] {
				t.Fatalf("shift %s on two pages", edge.Node.ID)
			}
			if edge.Node.StartsAt < last {
				t.Fatalf("out of order: %s after %s", edge.Node.StartsAt, last)
			}
			seen[edge.Node.ID], last = true, edge.Node.StartsAt
		}
		if !d.Shifts.PageInfo.HasNextPage {
			if pages != 5 || len(d.Shifts.Edges) != 5 {
				t.Errorf("last page is page %d with %d shifts, want page 5 with 5", pages, len(d.Shifts.Edges))
			}
			break
		}
		if len(d.Shifts.Edges) != 10 || *d.Shifts.PageInfo.EndCursor != d.Shifts.Edges[9].Cursor {
			t.Fatalf("page %d: %d edges, endCursor %v", pages, len(d.Shifts.Edges), d.Shifts.PageInfo.EndCursor)
		}
		after = *d.Shifts.PageInfo.EndCursor
	}
	if len(seen) != len(want) {
		t.Errorf("walked %d shifts, want %d", len(seen), len(want))
	}

	var d page
	e.post("", shiftsPage, nil).ok(t, &d)
	if len(d.Shifts.Edges) != 20 || !d.Shifts.PageInfo.HasNextPage {
		t.Errorf("default page: %d shifts, hasNextPage %v; want 20 and true", len(d.Shifts.Edges), d.Shifts.PageInfo.HasNextPage)
	}
	e.post("", shiftsPage, map[string]any{"first": 100}).ok(t, &d)
	if len(d.Shifts.Edges) != 45 || d.Shifts.PageInfo.HasNextPage {
		t.Errorf("first 100: %d shifts", len(d.Shifts.Edges))
	}
	e.post("", shiftsPage, map[string]any{"first": 101}).wantError(t, konullu.EINVALID, "first")
	e.post("", shiftsPage, map[string]any{"first": -1}).wantError(t, konullu.EINVALID, "first")
	e.post("", shiftsPage, map[string]any{"after": "bm90IGEgY3Vyc29y"}).wantError(t, konullu.EINVALID, "after")
	e.post("", shiftsPage, map[string]any{"after": gid("Shift", 1)}).wantError(t, konullu.EINVALID, "after")
	e.post("", shiftsPage, map[string]any{"centre": gid("Shift", 1)}).wantError(t, konullu.EINVALID, "centreId")
}

func TestShiftsFilters(t *testing.T) {
	e := newEnv(t)
	a := e.centre("Bakı ASAN 1", "Asia/Baku")
	b := e.centre("Gəncə ASAN", "Asia/Baku")
	p := e.position("Queue assistant")
	full := e.shift(a, p, t0.Add(30*time.Hour), 1, true)
	e.shift(a, p, t0.Add(-30*time.Hour), 1, true) // over
	e.shift(b, p, t0.Add(40*time.Hour), 1, true)
	u := e.account("vol@example.az", "Vüsal")
	e.signUp(full, u.VolunteerID, false)

	var d page
	e.post("", shiftsPage, map[string]any{"centre": gid("Centre", a.ID)}).ok(t, &d)
	if d.Shifts.TotalCount != 2 {
		t.Errorf("centre A: %d shifts, want 2", d.Shifts.TotalCount)
	}
	e.post("", shiftsPage, map[string]any{"open": true}).ok(t, &d)
	if d.Shifts.TotalCount != 1 {
		t.Errorf("open only: %d shifts, want 1 (one is full, one is over)", d.Shifts.TotalCount)
	}
}
