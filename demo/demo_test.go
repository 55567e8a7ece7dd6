package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/demo"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// cheap keeps the demo accounts' password hashes fast in tests.
var cheap = konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}

func TestSeed(t *testing.T) {
	// A Wednesday noon in Baku: the morning shifts are under way (check-ins),
	// the week before is over (attendance and no-shows).
	now := time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC)
	st := storetest.Open(t, store.Options{Now: func() time.Time { return now }})
	ctx := context.Background()

	var progress bytes.Buffer
	res, err := demo.Seed(ctx, st, demo.Options{Volunteers: 50, Weeks: 2, Now: now, Argon2: cheap, Progress: &progress, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %s: %+v", res.Elapsed, res)
	if res.AlreadySeeded || res.Centres < 15 || res.Positions != 5 || res.Volunteers != 50 || res.Shifts == 0 {
		t.Fatalf("unexpected result %+v", res)
	}
	if res.Completed == 0 || res.NoShows+res.Completed == 0 || res.Confirmed == 0 {
		t.Errorf("want completed and confirmed assignments, got %+v", res)
	}
	if res.Rejected != 0 {
		t.Errorf("the store refused %d planned signups", res.Rejected)
	}
	if !strings.Contains(progress.String(), "demo: volunteers 50 done") {
		t.Errorf("progress output without the volunteers step:\n%s", progress.String())
	}

	t.Run("Centres", func(t *testing.T) {
		cs, err := st.Centres(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != res.Centres {
			t.Fatalf("%d centres, result says %d", len(cs), res.Centres)
		}
		cities := map[string]int{}
		for _, c := range cs {
			if c.Timezone != "Asia/Baku" || !strings.Contains(c.Name, "ASAN xidmət") || c.Address == "" {
				t.Errorf("odd centre %+v", c)
			}
			cities[c.City]++
		}
		if cities["Bakı"] < 3 || cities["Gəncə"] != 1 || cities["Sumqayıt"] != 1 {
			t.Errorf("cities %v", cities)
		}
	})

	t.Run("Accounts", func(t *testing.T) {
		roles := map[konullu.Role]bool{}
		for _, a := range res.Accounts {
			id, hash, err := st.Credentials(ctx, a.Email)
			if err != nil {
				t.Fatalf("%s: %v", a.Email, err)
			}
			if !konullu.CheckPassword(a.Password, hash) {
				t.Errorf("%s: the printed password does not sign in", a.Email)
			}
			users, err := st.UsersByIDs(ctx, []int64{id})
			if err != nil {
				t.Fatal(err)
			}
			u := users[id]
			if u == nil || !(&konullu.Viewer{UserID: u.ID, Roles: u.Roles, CentreIDs: u.CentreIDs}).Has(a.Role) {
				t.Errorf("%s does not have the role %s: %+v", a.Email, a.Role, u)
			}
			if a.Role == konullu.RoleCoordinator && len(u.CentreIDs) != 1 {
				t.Errorf("the coordinator coordinates %v", u.CentreIDs)
			}
			roles[a.Role] = true
		}
		for _, r := range []konullu.Role{konullu.RoleAdmin, konullu.RoleCoordinator, konullu.RoleStaff, konullu.RoleVolunteer} {
			if !roles[r] {
				t.Errorf("no demo account for %s", r)
			}
		}
		var out bytes.Buffer
		res.Print(&out)
		for _, a := range res.Accounts {
			if !strings.Contains(out.String(), a.Email) || !strings.Contains(out.String(), a.Password) {
				t.Errorf("summary does not print %s and its password:\n%s", a.Email, out.String())
			}
		}
	})

	t.Run("Invariants", func(t *testing.T) {
		shifts, total, err := st.FindShifts(ctx, konullu.ShiftFilter{
			From: now.AddDate(0, 0, -30), To: now.AddDate(0, 0, 30), Drafts: konullu.DraftAccess{All: true}, Limit: 100000,
		})
		if err != nil {
			t.Fatal(err)
		}
		if total != res.Shifts || len(shifts) != res.Shifts {
			t.Fatalf("found %d (total %d) shifts, result says %d", len(shifts), total, res.Shifts)
		}
		ids := make([]int64, len(shifts))
		for i, s := range shifts {
			ids[i] = s.ID
		}
		byShift, err := st.AssignmentsOfShifts(ctx, ids, nil)
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[konullu.AssignmentStatus]int{}
		type slot struct{ vol, shift int64 }
		var active []slot
		shiftOf := map[int64]*konullu.Shift{}
		training := 0
		defer func() {
			if training != 2 {
				t.Errorf("%d training sessions, want the course's two", training)
			}
		}()
		for _, s := range shifts {
			shiftOf[s.ID] = s
			if s.Kind == konullu.ShiftTraining {
				training++
			}
			if s.Status != konullu.ShiftPublished {
				t.Errorf("shift %d is %s", s.ID, s.Status)
			}
			if s.Kind == konullu.ShiftTraining {
				if s.CourseID == 0 || s.Capacity != 20 {
					t.Errorf("training session %d: course %d, capacity %d", s.ID, s.CourseID, s.Capacity)
				}
			} else if s.Capacity < 2 || s.Capacity > 6 {
				t.Errorf("shift %d has capacity %d", s.ID, s.Capacity)
			}
			held, waiting := 0, 0
			for _, a := range byShift[s.ID] {
				statuses[a.Status]++
				if a.Status.HoldsPlace() {
					held++
				}
				if a.Status == konullu.AssignmentWaitlisted {
					waiting++
					if a.WaitlistPosition != waiting {
						t.Errorf("shift %d: waitlist position %d, want %d", s.ID, a.WaitlistPosition, waiting)
					}
				}
				if a.Status.Active() {
					active = append(active, slot{a.VolunteerID, s.ID})
				}
				if a.Status == konullu.AssignmentCompleted && a.CreditedMinutes <= 0 {
					t.Errorf("assignment %d completed without minutes", a.ID)
				}
			}
			if held > s.Capacity {
				t.Errorf("shift %d oversold: %d places held of %d", s.ID, held, s.Capacity)
			}
			if waiting > 0 && held < s.Capacity {
				t.Errorf("shift %d has a waitlist with free places", s.ID)
			}
		}
		for i, a := range active {
			for _, b := range active[i+1:] {
				sa, sb := shiftOf[a.shift], shiftOf[b.shift]
				if a.vol == b.vol && konullu.Overlaps(sa.StartsAt, sa.EndsAt, sb.StartsAt, sb.EndsAt) {
					t.Errorf("volunteer %d holds overlapping shifts %d and %d", a.vol, a.shift, b.shift)
				}
			}
		}
		got := map[konullu.AssignmentStatus]int{
			konullu.AssignmentConfirmed: res.Confirmed, konullu.AssignmentWaitlisted: res.Waitlisted,
			konullu.AssignmentCheckedIn: res.CheckedIn, konullu.AssignmentCompleted: res.Completed,
			konullu.AssignmentNoShow: res.NoShows,
		}
		for s, n := range got {
			if statuses[s] != n {
				t.Errorf("%s: %d in the database, result says %d", s, statuses[s], n)
			}
		}
	})

	t.Run("AgainAddsNothing", func(t *testing.T) {
		before, _, err := st.FindShifts(ctx, konullu.ShiftFilter{From: now.AddDate(-1, 0, 0), To: now.AddDate(1, 0, 0), Drafts: konullu.DraftAccess{All: true}, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		again, err := demo.Seed(ctx, st, demo.Options{Volunteers: 50, Weeks: 2, Now: now, Argon2: cheap})
		if err != nil {
			t.Fatal(err)
		}
		if !again.AlreadySeeded || again.Volunteers != 0 || again.Shifts != 0 {
			t.Errorf("second seed: %+v", again)
		}
		after, _, err := st.FindShifts(ctx, konullu.ShiftFilter{From: now.AddDate(-1, 0, 0), To: now.AddDate(1, 0, 0), Drafts: konullu.DraftAccess{All: true}, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("second seed changed the shifts: %d, then %d", len(before), len(after))
		}
		if _, _, err := st.Credentials(ctx, "volunteer@"+demo.Domain); err != nil {
			t.Errorf("demo volunteer: %v", err)
		}
	})
}
