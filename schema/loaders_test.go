package schema_test

import (
	"context"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// shiftsWithPeople is a page of shifts with everything a coordinator's
// planning screen shows: centre, position and who is coming.
const shiftsWithPeople = `query($first: Int) {
  shifts(from: "2025-03-01T00:00:00Z", to: "2025-06-01T00:00:00Z", first: $first) {
    totalCount
    edges { node {
      id startsAt confirmedCount
      centre { name timezone }
      position { name requiredSkills requiredQualifications { name } }
      course { name }
      assignments { status volunteer { fullName email } }
    } }
  }
}`

// maxStatements is what shiftsWithPeople may cost, whatever the number of
// shifts: the session with its roles and coordinated centres (1), the page of
// shifts (1: a first page that holds every match needs no count), then one
// statement each for centres, positions, the positions' required
// qualifications, assignments, volunteers and - for a coordinator deciding
// who may see email addresses - the centres the volunteers serve at. 8 in
// all. (No shift here belongs to a course and no position requires a
// qualification, so courses and qualifications are not read.)
const maxStatements = 8

// TestNoNPlusOne proves that the data loaders batch: a page of 5 shifts and
// a page of 50 (over 5 centres and 3 positions, 3 volunteers each) run the
// same number of SQL statements, at most maxStatements.
func TestNoNPlusOne(t *testing.T) {
	count := func(t *testing.T, shifts int, viewer string) int64 {
		e := newEnv(t)
		ctx := context.Background()
		var centres []*konullu.Centre
		for i := range 5 {
			centres = append(centres, e.centre("Centre "+string(rune('A'+i)), "Asia/Baku"))
		}
		var positions []*konullu.Position
		for i := range 3 {
			positions = append(positions, e.position("Position "+string(rune('A'+i))))
		}
		var volunteers []int64
		for i := range 6 {
			volunteers = append(volunteers, e.account("v"+string(rune('a'+i))+"@example.az", "Volunteer "+string(rune('A'+i))).VolunteerID)
		}
		for i := range shifts {
			// Back to back, so that one volunteer may take all of them.
			s := e.shift(centres[i%5], positions[i%3], t0.Add(24*time.Hour+time.Duration(i)*4*time.Hour), 5, true)
			for j := range 3 {
				if _, err := e.db.SignUp(ctx, s.ID, volunteers[(i+j)%6], true); err != nil {
					t.Fatal(err)
				}
			}
		}
		var token string
		switch viewer {
		case "admin":
			token = e.admin()
		case "coordinator":
			u := e.account("coord@konullu.az", "Coordinator")
			e.grant(u, konullu.RoleCoordinator, centres[0].ID, centres[1].ID)
			token = e.login("coord@konullu.az")
		}

		before := e.db.QueryCount()
		var d struct {
			Shifts struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Assignments []struct{ Volunteer struct{ FullName string } }
					}
				}
			}
		}
		e.post(token, shiftsWithPeople, map[string]any{"first": 100}).ok(t, &d)
		statements := e.db.QueryCount() - before
		if len(d.Shifts.Edges) != shifts {
			t.Fatalf("%d shifts, want %d", len(d.Shifts.Edges), shifts)
		}
		seen := 0
		for _, edge := range d.Shifts.Edges {
			for _, a := range edge.Node.Assignments {
				if a.Volunteer.FullName == "" {
					t.Fatal("a volunteer without a name")
				}
				seen++
			}
		}
		if seen == 0 {
			t.Fatal("the viewer saw no assignments; the test would prove nothing")
		}
		return statements
	}
	for _, viewer := range []string{"admin", "coordinator"} {
		t.Run(viewer, func(t *testing.T) {
			few, many := count(t, 5, viewer), count(t, 50, viewer)
			t.Logf("%s: 5 shifts: %d statements; 50 shifts: %d statements", viewer, few, many)
			if few != many {
				t.Errorf("5 shifts cost %d statements, 50 cost %d: the loaders do not batch", few, many)
			}
			if many > maxStatements {
				t.Errorf("%d statements, want at most %d", many, maxStatements)
			}
		})
	}
}
