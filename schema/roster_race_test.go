package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// TestRosterApplyRacesSignups applies a plan through the API while
// volunteers sign up for the same shifts through the API, all at once from
// goroutines (real PostgreSQL with KONULLU_TEST_DATABASE_URL, SQLite
// otherwise). Whatever the order: no shift holds more than its capacity,
// every proposal is ASSIGNED or REFUSED with its code, and a volunteer who
// got a place keeps it (apply never takes one away).
func TestRosterApplyRacesSignups(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.centre("ASAN 1", "Asia/Baku")
	p := e.position("Guide")
	const shifts, capacity = 4, 3
	var ids []int64
	for i := 0; i < shifts; i++ {
		ids = append(ids, e.shift(c, p, t0.Add(time.Duration(24*(i+1))*time.Hour), capacity, true).ID)
	}
	coord := e.account("coord@example.az", "Koordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	ct := e.login("coord@example.az")

	// Planned volunteers are free all week; competitors have no
	// availability, so the plan never proposes them, but they may sign up.
	var week konullu.Availability
	for d := 1; d <= 7; d++ {
		week.Weekly = append(week.Weekly, konullu.AvailabilityWindow{Weekday: d, Start: "08:00", End: "22:00"})
	}
	for i := 0; i < shifts*capacity; i++ {
		u := e.account(fmt.Sprintf("planned%d@example.az", i), fmt.Sprintf("Planned %d", i))
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, week); err != nil {
			t.Fatal(err)
		}
	}
	type competitor struct {
		volunteerID int64
		token       string
		shift       int64
	}
	var comps []competitor
	for i := 0; i < shifts*capacity; i++ {
		email := fmt.Sprintf("rival%d@example.az", i)
		u := e.account(email, fmt.Sprintf("Rival %d", i))
		comps = append(comps, competitor{u.VolunteerID, e.login(email), ids[i%shifts]})
	}

	in := map[string]any{"centreId": gid("Centre", c.ID), "from": t0.Format(time.RFC3339),
		"to": t0.Add(7 * 24 * time.Hour).Format(time.RFC3339), "timeLimitSeconds": 1}
	var planned struct{ PlanRoster planData }
	e.post(ct, planRosterQuery, map[string]any{"in": in}).ok(t, &planned)
	plan := planned.PlanRoster
	if len(plan.Proposals) != shifts*capacity {
		t.Fatalf("%d proposals for %d places", len(plan.Proposals), shifts*capacity)
	}

	// Every rival signs up at once; the apply starts as soon as the first
	// few signups are through, so the rest race it (and some proposals
	// must meet a shift that filled since the plan).
	start, ahead := make(chan struct{}), make(chan struct{})
	var done atomic.Int32
	var wg sync.WaitGroup
	got := make([]string, len(comps)) // each competitor's signup status
	for i, cp := range comps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if done.Add(1) == shifts {
					close(ahead)
				}
			}()
			<-start
			r := e.post(cp.token, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", cp.shift)})
			if len(r.Errors) > 0 {
				t.Errorf("rival %d: signUp failed: %s", i, r.Body)
				return
			}
			var d struct{ SignUp struct{ Status string } }
			if err := json.Unmarshal(r.Data, &d); err != nil {
				t.Error(err)
				return
			}
			got[i] = d.SignUp.Status
		}()
	}
	type applied struct {
		ApplyRosterPlan struct {
			Plan struct {
				Status    string
				Proposals []struct {
					ID, Outcome, ErrorCode string
					Shift                  struct{ ID string }
				}
			}
			Assigned []struct{ ID, Status string }
			Refused  []struct {
				Code     string
				Proposal struct{ ID string }
			}
		}
	}
	var res applied
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ahead
		r := e.post(ct, `mutation($id: ID!) { applyRosterPlan(planId: $id) {
			plan { status proposals { id outcome errorCode shift { id } } } assigned { id status } refused { code proposal { id } } } }`,
			map[string]any{"id": plan.ID})
		if len(r.Errors) > 0 {
			t.Errorf("applyRosterPlan failed: %s", r.Body)
			return
		}
		if err := json.Unmarshal(r.Data, &res); err != nil {
			t.Error(err)
		}
	}()
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Nothing oversold: counted from the assignment rows themselves.
	for _, id := range ids {
		var held int
		if err := e.db.SQL().QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM assignments WHERE shift_id = %d
			AND status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')`, id)).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if held > capacity {
			t.Errorf("shift %d holds %d places, capacity %d: oversold", id, held, capacity)
		} else if held < capacity {
			t.Errorf("shift %d holds %d places of %d with twice as many wanting one", id, held, capacity)
		}
	}

	// Every proposal is assigned or refused with its code.
	r := res.ApplyRosterPlan
	if r.Plan.Status != "APPLIED" || len(r.Assigned)+len(r.Refused) != len(plan.Proposals) {
		t.Fatalf("apply: status %s, %d assigned + %d refused of %d", r.Plan.Status, len(r.Assigned), len(r.Refused), len(plan.Proposals))
	}
	for _, a := range r.Assigned {
		if a.Status != "CONFIRMED" {
			t.Errorf("a proposal was made %s", a.Status)
		}
	}
	for _, x := range r.Refused {
		if x.Code != konullu.ECONFLICT {
			t.Errorf("proposal %s refused with %q, want %s (the shift filled)", x.Proposal.ID, x.Code, konullu.ECONFLICT)
		}
	}
	for _, pr := range r.Plan.Proposals {
		if pr.Outcome != konullu.ProposalAssigned && (pr.Outcome != konullu.ProposalRefused || pr.ErrorCode == "") {
			t.Errorf("proposal %s ended %q (code %q)", pr.ID, pr.Outcome, pr.ErrorCode)
		}
	}

	// A volunteer who got a place keeps it; one who was told to wait waits.
	rows := must(e.db.AssignmentsOfShifts(ctx, ids, nil))
	status := map[int64]konullu.AssignmentStatus{}
	for _, list := range rows {
		for _, a := range list {
			status[a.VolunteerID] = a.Status
		}
	}
	confirmed := 0
	for i, cp := range comps {
		if got[i] != string(status[cp.volunteerID]) {
			t.Errorf("rival %d signed up %s and is now %s", i, got[i], status[cp.volunteerID])
		}
		if got[i] == string(konullu.AssignmentConfirmed) {
			confirmed++
		}
	}
	if confirmed+len(r.Assigned) != shifts*capacity {
		t.Errorf("%d rivals and %d proposals hold places, %d places in all", confirmed, len(r.Assigned), shifts*capacity)
	}
	t.Logf("%d proposals assigned, %d refused; %d rivals confirmed, %d waitlisted",
		len(r.Assigned), len(r.Refused), confirmed, len(comps)-confirmed)
}
