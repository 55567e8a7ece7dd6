package schema_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
)

const planRosterQuery = `mutation($in: PlanRosterInput!) { planRoster(input: $in) {
	id status openPlacesBefore openPlacesAfter solveMillis
	fairnessBefore { volunteers minMinutes maxMinutes meanMinutes } fairnessAfter { volunteers minMinutes maxMinutes }
	proposals { id reasons shift { id } volunteer { id fullName } } } }`

type planData struct {
	ID               string
	Status           string
	OpenPlacesBefore int
	OpenPlacesAfter  int
	Proposals        []struct {
		ID        string
		Reasons   []string
		Shift     struct{ ID string }
		Volunteer struct{ ID string }
	}
}

func TestRosterAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.centre("ASAN 1", "Asia/Baku")
	other := e.centre("ASAN 2", "Asia/Baku")
	p := e.position("Guide")
	s1 := e.shift(c, p, t0.Add(24*time.Hour), 2, true)
	s2 := e.shift(c, p, t0.Add(48*time.Hour), 1, true)

	coord := e.account("coord@example.az", "Koordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	stranger := e.account("other@example.az", "Başqa koordinator")
	e.grant(stranger, konullu.RoleCoordinator, other.ID)
	ct, st := e.login("coord@example.az"), e.login("other@example.az")

	var vols []*konullu.User
	for _, email := range []string{"a@example.az", "b@example.az", "c@example.az"} {
		u := e.account(email, email)
		var av konullu.Availability
		for d := 1; d <= 7; d++ {
			av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: d, Start: "08:00", End: "22:00"})
		}
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, av); err != nil {
			t.Fatal(err)
		}
		vols = append(vols, u)
	}
	vt := e.login("a@example.az")

	t.Run("SetMyCommitment", func(t *testing.T) {
		var data struct {
			SetMyCommitment struct {
				MaxShiftsPerWeek *int
				PreferredCentres []struct{ Name string }
			}
		}
		e.post(vt, `mutation($c: ID!) { setMyCommitment(input: {maxShiftsPerWeek: 1, preferredCentreIds: [$c]}) {
			maxShiftsPerWeek preferredCentres { name } } }`, map[string]any{"c": gid("Centre", c.ID)}).ok(t, &data)
		if data.SetMyCommitment.MaxShiftsPerWeek == nil || *data.SetMyCommitment.MaxShiftsPerWeek != 1 ||
			len(data.SetMyCommitment.PreferredCentres) != 1 {
			t.Fatalf("%+v", data)
		}
		e.post(vt, `mutation { setMyCommitment(input: {maxMinutesPerWeek: -5}) { maxShiftsPerWeek } }`, nil).
			wantError(t, konullu.EINVALID, "maxMinutesPerWeek")
		e.post(vt, `mutation($c: ID!) { setMyCommitment(input: {preferredCentreIds: [$c]}) { maxShiftsPerWeek } }`,
			map[string]any{"c": gid("Centre", 999)}).wantError(t, konullu.EINVALID, "preferredCentreIds")
	})

	t.Run("CommitmentIsForTheVolunteerAndCoordinators", func(t *testing.T) {
		q := `query($v: ID!) { volunteer(id: $v) { commitment { maxShiftsPerWeek } } }`
		vars := map[string]any{"v": gid("Volunteer", vols[0].VolunteerID)}
		e.post(ct, q, vars).ok(t, nil)
		e.post(vt, q, vars).ok(t, nil)
		// Another volunteer: the profile is not theirs to read (null), and
		// were it, the commitment would be FORBIDDEN.
		staff := e.account("staff@example.az", "Staff")
		e.grant(staff, konullu.RoleStaff)
		e.post(e.login("staff@example.az"), q, vars).wantError(t, konullu.EFORBIDDEN, "")
		r := e.post(e.login("b@example.az"), q, vars)
		if r.code() != konullu.EFORBIDDEN && string(r.Data) != `{"volunteer":null}` {
			t.Fatalf("another volunteer read the commitment: %s", r.Body)
		}
	})

	in := map[string]any{"centreId": gid("Centre", c.ID), "from": t0.Format(time.RFC3339),
		"to": t0.Add(7 * 24 * time.Hour).Format(time.RFC3339), "timeLimitSeconds": 1}

	t.Run("BadInput", func(t *testing.T) {
		bad := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range in {
				m[kk] = vv
			}
			m[k] = v
			return map[string]any{"in": m}
		}
		e.post(ct, planRosterQuery, bad("to", t0.Format(time.RFC3339))).wantError(t, konullu.EINVALID, "to")
		e.post(ct, planRosterQuery, bad("to", t0.Add(40*24*time.Hour).Format(time.RFC3339))).wantError(t, konullu.EINVALID, "to")
		e.post(ct, planRosterQuery, bad("timeLimitSeconds", 0)).wantError(t, konullu.EINVALID, "timeLimitSeconds")
		e.post(ct, planRosterQuery, bad("positionIds", []string{"nonsense"})).wantError(t, konullu.EINVALID, "positionIds")
	})

	t.Run("OtherCentresCoordinatorIsForbidden", func(t *testing.T) {
		e.post(st, planRosterQuery, map[string]any{"in": in}).wantError(t, konullu.EFORBIDDEN, "")
		e.post(vt, planRosterQuery, map[string]any{"in": in}).wantError(t, konullu.EFORBIDDEN, "")
		e.post("", planRosterQuery, map[string]any{"in": in}).wantError(t, konullu.EUNAUTHENTICATED, "")
	})

	var plan planData
	var data struct{ PlanRoster planData }
	e.post(ct, planRosterQuery, map[string]any{"in": in}).ok(t, &data)
	plan = data.PlanRoster
	if plan.Status != "PROPOSED" || plan.OpenPlacesBefore != 3 || plan.OpenPlacesAfter != 0 || len(plan.Proposals) != 3 {
		t.Fatalf("plan %+v", plan)
	}
	if n := len(must(e.db.AssignmentsOfShifts(ctx, []int64{s1.ID, s2.ID}, nil))); n != 0 {
		t.Fatalf("planning assigned %d places", n)
	}

	t.Run("DroppingProposalsRecomputesAfter", func(t *testing.T) {
		type fair struct {
			Volunteers             int
			MinMinutes, MaxMinutes int
			MeanMinutes            float64
		}
		var got struct {
			RosterPlan struct {
				OpenPlacesBefore, OpenPlacesAfter int
				FairnessBefore, FairnessAfter     fair
			}
		}
		q := `query($id: ID!, $skip: [ID!]) { rosterPlan(id: $id) { openPlacesBefore openPlacesAfter(skipProposalIds: $skip)
			fairnessBefore { volunteers minMinutes maxMinutes meanMinutes }
			fairnessAfter(skipProposalIds: $skip) { volunteers minMinutes maxMinutes meanMinutes } } }`
		after := func(skip []string) (int, fair) {
			t.Helper()
			e.post(ct, q, map[string]any{"id": plan.ID, "skip": skip}).ok(t, &got)
			return got.RosterPlan.OpenPlacesAfter, got.RosterPlan.FairnessAfter
		}
		var all []string
		for _, pr := range plan.Proposals {
			all = append(all, pr.ID)
		}
		open0, fair0 := after(nil)
		if open0 != 0 || fair0.MaxMinutes == 0 {
			t.Fatalf("nothing dropped: %d open, %+v", open0, fair0)
		}
		// Every proposal dropped: as before the plan.
		if open, f := after(all); open != 3 || f != got.RosterPlan.FairnessBefore {
			t.Fatalf("all dropped: %d open, %+v; before %+v", open, f, got.RosterPlan.FairnessBefore)
		}
		// One dropped: one more open place, less minutes on average, the
		// same volunteers.
		if open, f := after(all[:1]); open != 1 || f.Volunteers != fair0.Volunteers || !(f.MeanMinutes < fair0.MeanMinutes) ||
			f.MeanMinutes <= got.RosterPlan.FairnessBefore.MeanMinutes {
			t.Fatalf("one dropped: %d open, %+v; kept all %+v", open, f, fair0)
		}
		e.post(ct, q, map[string]any{"id": plan.ID, "skip": []string{gid("Centre", c.ID)}}).wantError(t, konullu.EINVALID, "skipProposalIds")
	})

	t.Run("PlansAreForTheCentre", func(t *testing.T) {
		q := `query($id: ID!) { rosterPlan(id: $id) { id } }`
		var got struct{ RosterPlan *struct{ ID string } }
		e.post(st, q, map[string]any{"id": plan.ID}).ok(t, &got)
		if got.RosterPlan != nil {
			t.Fatal("another centre's coordinator read the plan")
		}
		e.post(ct, q, map[string]any{"id": plan.ID}).ok(t, &got)
		if got.RosterPlan == nil {
			t.Fatal("the coordinator cannot read the plan")
		}
		e.post(st, `query($c: ID!) { rosterPlans(centreId: $c) { id } }`, map[string]any{"c": gid("Centre", c.ID)}).
			wantError(t, konullu.EFORBIDDEN, "")
		e.post(st, `mutation($id: ID!) { applyRosterPlan(planId: $id) { plan { id } } }`, map[string]any{"id": plan.ID}).
			wantError(t, konullu.EFORBIDDEN, "")
		e.post(st, `mutation($id: ID!) { discardRosterPlan(planId: $id) { id } }`, map[string]any{"id": plan.ID}).
			wantError(t, konullu.EFORBIDDEN, "")
	})

	t.Run("ApplyDropsSkipsRefusesStaleAndNotifies", func(t *testing.T) {
		// Someone takes s2's only place meanwhile; the coordinator drops one
		// of s1's proposals.
		late := e.account("late@example.az", "Gecikən")
		e.signUp(s2, late.VolunteerID, false)
		var skip string
		for _, pr := range plan.Proposals {
			if pr.Shift.ID == gid("Shift", s1.ID) && skip == "" {
				skip = pr.ID
			}
		}
		var res struct {
			ApplyRosterPlan struct {
				Plan struct {
					Status    string
					Proposals []struct{ ID, Outcome string }
				}
				Assigned []struct{ Status string }
				Refused  []struct {
					Code     string
					Proposal struct{ Shift struct{ ID string } }
				}
			}
		}
		e.post(ct, `mutation($id: ID!, $skip: [ID!]) { applyRosterPlan(planId: $id, skipProposalIds: $skip) {
			plan { status proposals { id outcome } } assigned { status } refused { code proposal { shift { id } } } } }`,
			map[string]any{"id": plan.ID, "skip": []string{skip}}).ok(t, &res)
		r := res.ApplyRosterPlan
		if r.Plan.Status != "APPLIED" || len(r.Assigned) != 1 || r.Assigned[0].Status != "CONFIRMED" || len(r.Refused) != 1 ||
			r.Refused[0].Code != konullu.ECONFLICT || r.Refused[0].Proposal.Shift.ID != gid("Shift", s2.ID) {
			t.Fatalf("%+v", r)
		}
		for _, pr := range r.Plan.Proposals {
			if pr.ID == skip && pr.Outcome != "SKIPPED" {
				t.Fatalf("dropped proposal is %q", pr.Outcome)
			}
		}
		shifts := must(e.db.ShiftsByIDs(ctx, []int64{s1.ID, s2.ID}))
		if shifts[s1.ID].ConfirmedCount != 1 || shifts[s2.ID].ConfirmedCount != 1 {
			t.Fatalf("held %d and %d", shifts[s1.ID].ConfirmedCount, shifts[s2.ID].ConfirmedCount)
		}
		assigned := must(e.db.AssignmentsOfShifts(ctx, []int64{s1.ID}, nil))[s1.ID]
		var u *konullu.User
		for _, v := range vols {
			if v.VolunteerID == assigned[0].VolunteerID {
				u = v
			}
		}
		var told int
		if err := e.db.SQL().QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM outbox WHERE user_id = %d AND kind = 'ASSIGNED'`, u.ID)).Scan(&told); err != nil || told == 0 {
			t.Fatalf("the assigned volunteer was not told (%d, %v)", told, err)
		}
		e.post(ct, `mutation($id: ID!) { applyRosterPlan(planId: $id) { plan { id } } }`, map[string]any{"id": plan.ID}).
			wantError(t, konullu.ECONFLICT, "")
		e.post(ct, `mutation($id: ID!) { discardRosterPlan(planId: $id) { id } }`, map[string]any{"id": plan.ID}).
			wantError(t, konullu.ECONFLICT, "")
	})

	t.Run("EveryMutationAudited", func(t *testing.T) {
		for _, action := range []string{"planRoster", "applyRosterPlan"} {
			list := must(e.db.AuditEntries(ctx, konullu.AuditFilter{Action: action, Limit: 10}))
			if len(list) == 0 {
				t.Fatalf("no audit entry for %s", action)
			}
			named := false
			for _, en := range list {
				for _, ch := range en.Changes {
					named = named || en.Outcome == konullu.AuditDone && ch.Kind == "RosterPlan" && len(ch.After) > 0
				}
			}
			if !named {
				t.Fatalf("%s: no done entry names the plan", action)
			}
		}
	})
}

// TestRosterPlanWithIndex plans from the availability index in Redis (a
// real server when KONULLU_TEST_REDIS_URL is set) and shows that the
// candidates come from it. After the index is built, the database alone
// changes (no one tells the index): the three volunteers it knows as free
// on Tuesday lose that availability, and a fourth, unknown to it, gains it.
// The index answers {a, b, c}, SQL would answer {d}: a planner that asked
// SQL would propose d alone. Then, after a place is applied, the index
// learns of it (AddBusy) and the next plan for an overlapping shift
// proposes only the one of a, b, c still free, where SQL would give d.
func TestRosterPlanWithIndex(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rdb, closeRedis, err := redisconn.Open(ctx, os.Getenv("KONULLU_TEST_REDIS_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeRedis() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	prefix := fmt.Sprintf("{roster-test-%d}:", time.Now().UnixNano())
	ix := availability.New(rdb, e.db, availability.Options{Now: e.clock.Now, Logger: quiet, Prefix: prefix})
	t.Cleanup(func() { ix.Close() })

	c := e.centre("ASAN 1", "Asia/Baku")
	p := e.position("Guide")
	first := e.shift(c, p, t0.Add(24*time.Hour), 2, true)
	tuesday := konullu.Availability{Weekly: []konullu.AvailabilityWindow{{Weekday: 2, Start: "08:00", End: "20:00"}}}
	indexed := map[string]int64{} // the volunteers the index knows free, by global id
	for _, email := range []string{"a@example.az", "b@example.az", "c@example.az"} {
		u := e.account(email, email)
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, tuesday); err != nil {
			t.Fatal(err)
		}
		indexed[gid("Volunteer", u.VolunteerID)] = u.VolunteerID
	}
	if err := ix.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// The database moves on without the index.
	for _, id := range indexed {
		if _, err := e.db.SetAvailability(ctx, id, konullu.Availability{}); err != nil {
			t.Fatal(err)
		}
	}
	d := e.account("d@example.az", "d")
	if _, err := e.db.SetAvailability(ctx, d.VolunteerID, tuesday); err != nil {
		t.Fatal(err)
	}
	if sql := must(e.db.FreeVolunteersSQL(ctx, konullu.FreeQuery{Start: first.StartsAt, End: first.EndsAt})); len(sql) != 1 || sql[0] != d.VolunteerID {
		t.Fatalf("SQL answers %v, want d (%d) alone", sql, d.VolunteerID)
	}

	e.h = schema.NewHandler(schema.Config{Store: e.db, Logger: quiet, Now: e.clock.Now, Argon2: testArgon2, Availability: ix})
	coord := e.account("coord@example.az", "Koordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	ct := e.login("coord@example.az")
	in := map[string]any{"centreId": gid("Centre", c.ID), "from": t0.Format(time.RFC3339),
		"to": t0.Add(7 * 24 * time.Hour).Format(time.RFC3339), "timeLimitSeconds": 1}
	var data struct{ PlanRoster planData }
	e.post(ct, planRosterQuery, map[string]any{"in": in}).ok(t, &data)
	proposed := func() []string {
		var out []string
		for _, pr := range data.PlanRoster.Proposals {
			out = append(out, pr.Volunteer.ID)
		}
		return out
	}
	for _, v := range proposed() {
		if indexed[v] == 0 {
			t.Fatalf("proposed %s, whom the index does not know as free (the planner asked SQL?)", v)
		}
	}
	if len(data.PlanRoster.Proposals) != 2 {
		t.Fatalf("%d proposals for 2 places from 3 free in the index", len(data.PlanRoster.Proposals))
	}
	e.post(ct, `mutation($id: ID!) { applyRosterPlan(planId: $id) { assigned { id } } }`, map[string]any{"id": data.PlanRoster.ID}).ok(t, nil)

	// A second shift at the same time: only the volunteer the index still
	// has free may take it.
	second := e.shift(c, p, first.StartsAt, 3, true)
	e.post(ct, planRosterQuery, map[string]any{"in": in}).ok(t, &data)
	got := proposed()
	if len(got) != 1 || indexed[got[0]] == 0 || data.PlanRoster.Proposals[0].Shift.ID != gid("Shift", second.ID) {
		t.Fatalf("second plan proposes %v: want the one of a, b, c the index has still free", got)
	}
}

// lossyRoster is the database losing its connection on one roster
// proposal (the nth made, counting from 1), as it could at any moment.
type lossyRoster struct {
	*store.DB
	mu     sync.Mutex
	failAt int
	calls  int
}

func (l *lossyRoster) AssignRosterProposal(ctx context.Context, p *konullu.RosterProposal, loc *time.Location) (*konullu.Assignment, error) {
	l.mu.Lock()
	l.calls++
	fail := l.calls == l.failAt
	l.mu.Unlock()
	if fail {
		return nil, errors.New("store: signup: driver: bad connection")
	}
	return l.DB.AssignRosterProposal(ctx, p, loc)
}

// TestRosterApplyFailingMidway: when the database fails in the middle of an
// apply, the plan is not left APPLIED with proposals never made; it stays
// PROPOSED, and applying it again makes the rest once and reports the whole
// plan.
func TestRosterApplyFailingMidway(t *testing.T) {
	lossy := &lossyRoster{failAt: 2}
	e := newEnv(t, withStore(func(s konullu.Store) konullu.Store {
		lossy.DB = s.(*store.DB)
		return lossy
	}))
	ctx := context.Background()
	c := e.centre("ASAN 1", "Asia/Baku")
	p := e.position("Guide")
	var shiftIDs []int64
	for d := 1; d <= 3; d++ {
		shiftIDs = append(shiftIDs, e.shift(c, p, t0.Add(time.Duration(d)*24*time.Hour), 1, true).ID)
	}
	for _, email := range []string{"a@example.az", "b@example.az", "c@example.az"} {
		u := e.account(email, email)
		var av konullu.Availability
		for d := 1; d <= 7; d++ {
			av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: d, Start: "08:00", End: "22:00"})
		}
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, av); err != nil {
			t.Fatal(err)
		}
	}
	coord := e.account("coord@example.az", "Koordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	ct := e.login("coord@example.az")
	in := map[string]any{"centreId": gid("Centre", c.ID), "from": t0.Format(time.RFC3339),
		"to": t0.Add(7 * 24 * time.Hour).Format(time.RFC3339), "timeLimitSeconds": 1}
	var data struct{ PlanRoster planData }
	e.post(ct, planRosterQuery, map[string]any{"in": in}).ok(t, &data)
	if len(data.PlanRoster.Proposals) != 3 {
		t.Fatalf("%d proposals for 3 places", len(data.PlanRoster.Proposals))
	}
	id := data.PlanRoster.ID
	held := func() int {
		n := 0
		for _, list := range must(e.db.AssignmentsOfShifts(ctx, shiftIDs, nil)) {
			n += len(list)
		}
		return n
	}

	apply := `mutation($id: ID!) { applyRosterPlan(planId: $id) { plan { status } assigned { id } refused { code } } }`
	e.post(ct, apply, map[string]any{"id": id}).wantError(t, konullu.EINTERNAL, "")
	var got struct {
		RosterPlan struct {
			Status    string
			Proposals []struct{ Outcome *string }
		}
	}
	e.post(ct, `query($id: ID!) { rosterPlan(id: $id) { status proposals { outcome } } }`, map[string]any{"id": id}).ok(t, &got)
	made := 0
	for _, pr := range got.RosterPlan.Proposals {
		if pr.Outcome != nil {
			made++
		}
	}
	if got.RosterPlan.Status != "PROPOSED" || made != 1 || held() != 1 {
		t.Fatalf("after the failure: plan %s with %d outcomes and %d places held; want PROPOSED, 1 and 1", got.RosterPlan.Status, made, held())
	}

	var res struct {
		ApplyRosterPlan struct {
			Plan     struct{ Status string }
			Assigned []struct{ ID string }
			Refused  []struct{ Code string }
		}
	}
	e.post(ct, apply, map[string]any{"id": id}).ok(t, &res)
	r := res.ApplyRosterPlan
	if r.Plan.Status != "APPLIED" || len(r.Assigned) != 3 || len(r.Refused) != 0 || held() != 3 {
		t.Fatalf("applied again: %+v with %d places held; want APPLIED, 3 assigned (the earlier one too), 3 held", r, held())
	}
	e.post(ct, apply, map[string]any{"id": id}).wantError(t, konullu.ECONFLICT, "")
}
