package konullu

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/konullu/konullu/roster"
)

// Commitment is what a volunteer offers: at most so many shifts or minutes
// a week (0: no limit) and the centres and positions they prefer. The
// roster planner never proposes beyond it.
type Commitment struct {
	VolunteerID          int64
	MaxShiftsPerWeek     int
	MaxMinutesPerWeek    int
	PreferredCentreIDs   []int64
	PreferredPositionIDs []int64
}

// Limits of a commitment and of a roster plan.
const (
	MaxCommitmentPrefs   = 50
	MaxRosterWindow      = 31 * 24 * time.Hour
	DefaultRosterTimeout = 5 * time.Second
	MaxRosterTimeout     = 60 * time.Second
)

// ValidateCommitment checks a commitment as a volunteer submits it.
func ValidateCommitment(c Commitment) (Commitment, error) {
	if c.MaxShiftsPerWeek < 0 || c.MaxShiftsPerWeek > 7*24 {
		return c, Invalid("maxShiftsPerWeek", "must be between 0 and %d", 7*24)
	}
	if c.MaxMinutesPerWeek < 0 || c.MaxMinutesPerWeek > 7*24*60 {
		return c, Invalid("maxMinutesPerWeek", "must be between 0 and %d", 7*24*60)
	}
	if len(c.PreferredCentreIDs) > MaxCommitmentPrefs {
		return c, Invalid("preferredCentreIds", "at most %d entries", MaxCommitmentPrefs)
	}
	if len(c.PreferredPositionIDs) > MaxCommitmentPrefs {
		return c, Invalid("preferredPositionIds", "at most %d entries", MaxCommitmentPrefs)
	}
	c.PreferredCentreIDs = dedupIDs(c.PreferredCentreIDs)
	c.PreferredPositionIDs = dedupIDs(c.PreferredPositionIDs)
	return c, nil
}

func dedupIDs(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// RosterPlanStatus is the life cycle of a roster plan.
type RosterPlanStatus string

// Roster plan statuses.
const (
	RosterProposed  RosterPlanStatus = "PROPOSED"
	RosterApplied   RosterPlanStatus = "APPLIED"
	RosterDiscarded RosterPlanStatus = "DISCARDED"
)

// Outcomes of a proposal once its plan was applied.
const (
	ProposalAssigned = "ASSIGNED"
	ProposalRefused  = "REFUSED"
	ProposalSkipped  = "SKIPPED"
)

// Reasons a proposal gives for its volunteer (keys the web app translates).
const (
	ReasonAvailable        = "available"
	ReasonPrefersCentre    = "prefers this centre"
	ReasonPrefersPosition  = "prefers this position"
	ReasonFewestHours      = "fewest hours"
	ReasonWithinCommitment = "within commitment"
)

// RosterFairness is the spread of minutes over the volunteers a plan could
// use: credited this month plus held in the plan's weeks (and proposed, after).
type RosterFairness struct {
	Volunteers  int
	MinMinutes  int
	MaxMinutes  int
	MeanMinutes float64
}

// RosterProposal proposes a volunteer for a place of a shift.
type RosterProposal struct {
	ID           int64
	PlanID       int64
	ShiftID      int64
	VolunteerID  int64
	Reasons      []string
	Outcome      string // "" until applied
	ErrorCode    string // of a REFUSED proposal
	ErrorMessage string
	AssignmentID int64 // of an ASSIGNED proposal
}

// RosterPlan is a proposed filling of a centre's open places in a window.
type RosterPlan struct {
	ID             int64
	CentreID       int64
	From, To       time.Time
	Status         RosterPlanStatus
	CreatedBy      int64 // 0: the roster-proposals job
	SolveMillis    int
	Seed           int64
	OpenBefore     int
	OpenAfter      int
	Bound          int // the most places any plan could fill (the engine's exact maximum flow); not stored
	FairnessBefore RosterFairness
	FairnessAfter  RosterFairness
	// What FairnessKeeping recomputes the spread from when proposals are
	// dropped: the spread of the volunteers given no proposal (unchanged by
	// the plan), the minutes before of those given one, and each proposed
	// shift's minutes. Nil for plans stored before they were kept.
	FairnessUnproposed *RosterFairness
	MinutesBefore      map[int64]int // by volunteer with a proposal
	ShiftMinutes       map[int64]int // by proposed shift
	CreatedAt          time.Time
	DecidedAt          *time.Time
	Proposals          []*RosterProposal
}

// RosterShift is a published shift with open places, as the planner reads it.
type RosterShift struct {
	Shift    Shift
	Position Position
	Held     int // CONFIRMED, CHECKED_IN and COMPLETED places
}

// Open is the number of places still free.
func (s *RosterShift) Open() int { return max(s.Shift.Capacity-s.Held, 0) }

// RosterHeld is a place a volunteer holds, as the planner reads it.
type RosterHeld struct {
	ShiftID, CentreID, PositionID int64
	StartsAt, EndsAt              time.Time
}

// RosterVolunteer is a candidate as the planner reads them.
type RosterVolunteer struct {
	Volunteer    Volunteer
	Consent      bool // a guardian's consent is on record
	Commitment   Commitment
	Held         []RosterHeld // places held in the plan's weeks
	MonthMinutes int          // credited this month outside the plan's weeks
}

// RosterStore is what roster planning needs from the system of record.
type RosterStore interface {
	Commitments(ctx context.Context, volunteerIDs []int64) (map[int64]*Commitment, error)
	SetCommitment(ctx context.Context, c Commitment) (*Commitment, error)
	// RosterShifts returns the published shifts of a centre starting in
	// [from, to) that have open places (of the given positions when any).
	RosterShifts(ctx context.Context, centreID int64, from, to time.Time, positionIDs []int64) ([]*RosterShift, error)
	// RosterVolunteers reads candidates: their places held starting in
	// [heldFrom, heldTo) and their credited minutes in [monthFrom, monthTo)
	// outside it.
	RosterVolunteers(ctx context.Context, ids []int64, heldFrom, heldTo, monthFrom, monthTo time.Time) ([]*RosterVolunteer, error)
	CreateRosterPlan(ctx context.Context, p *RosterPlan) error
	RosterPlan(ctx context.Context, id int64) (*RosterPlan, error)
	RosterPlans(ctx context.Context, centreID int64, status RosterPlanStatus, limit int) ([]*RosterPlan, error)
	// DecideRosterPlan moves a PROPOSED plan to status; CONFLICT when it is
	// no longer PROPOSED (applied or discarded meanwhile).
	DecideRosterPlan(ctx context.Context, id int64, status RosterPlanStatus) (*RosterPlan, error)
	// AssignRosterProposal makes one proposal through the signup
	// transaction of assignVolunteer, except that a full shift refuses
	// (CONFLICT) instead of waitlisting, a shift that started or is not
	// published refuses (SIGNUP_CLOSED), and a place beyond the volunteer's
	// weekly commitment (weeks read in loc) refuses (REQUIREMENT_NOT_MET).
	// The proposal's outcome is recorded either way.
	AssignRosterProposal(ctx context.Context, p *RosterProposal, loc *time.Location) (*Assignment, error)
	// SkipRosterProposals records proposals the coordinator dropped.
	SkipRosterProposals(ctx context.Context, planID int64, ids []int64) error
	// ReopenRosterPlan moves an APPLIED plan back to PROPOSED after an
	// apply the database failed midway: the proposals made keep their
	// outcomes, so applying it again makes only the rest.
	ReopenRosterPlan(ctx context.Context, id int64) error
	// NotifyRosterPlan tells the centre's coordinators that a plan waits.
	NotifyRosterPlan(ctx context.Context, p *RosterPlan) (int, error)
}

// RosterRequest asks for a plan.
type RosterRequest struct {
	CentreID    int64
	Location    *time.Location // the centre's: days and weeks are read in it
	From, To    time.Time
	PositionIDs []int64
	TimeLimit   time.Duration // 0: DefaultRosterTimeout
	Seed        int64
	CreatedBy   int64
}

// RosterPlanner builds roster problems from the store, solves them with the
// roster engine and explains each proposal. Free finds the volunteers free
// for a period (the availability index, or SQL without one).
type RosterPlanner struct {
	Store RosterStore
	Free  func(ctx context.Context, q FreeQuery) ([]int64, error)
	Rules Rules
	Now   func() time.Time
}

// Plan proposes a plan; it stores nothing.
func (pl *RosterPlanner) Plan(ctx context.Context, req RosterRequest) (*RosterPlan, error) {
	now := time.Now
	if pl.Now != nil {
		now = pl.Now
	}
	loc := req.Location
	if loc == nil {
		loc = time.UTC
	}
	limit := req.TimeLimit
	if limit <= 0 {
		limit = DefaultRosterTimeout
	}
	started := now()
	clock := time.Now() // solveMillis measures real time, whatever the injected clock says
	plan := &RosterPlan{CentreID: req.CentreID, From: req.From, To: req.To, Status: RosterProposed,
		CreatedBy: req.CreatedBy, Seed: req.Seed, CreatedAt: started, Proposals: []*RosterProposal{}}
	from := req.From
	if t := started; t.After(from) {
		from = t // places of shifts that started are not planned
	}
	if !from.Before(req.To) {
		return plan, nil
	}
	shifts, err := pl.Store.RosterShifts(ctx, req.CentreID, from, req.To, req.PositionIDs)
	if err != nil {
		return nil, err
	}
	for _, s := range shifts {
		plan.OpenBefore += s.Open()
	}
	plan.OpenAfter = plan.OpenBefore
	if len(shifts) == 0 {
		return plan, nil
	}

	// Candidates of each shift: free by availability, not busy, active and
	// skilled (the index), then every signup rule the store does not decide
	// in its transaction, with the very functions signUp uses.
	candidates := map[int64][]int64{}
	var all []int64
	seen := map[int64]bool{}
	// Shifts of a week share their times (one per position, say): ask
	// once per period and skills.
	asked := map[string][]int64{}
	for _, s := range shifts {
		key := fmt.Sprint(s.Shift.StartsAt.Unix(), s.Shift.EndsAt.Unix(), s.Position.RequiredSkills)
		ids, ok := asked[key]
		if !ok {
			var err error
			ids, err = pl.Free(ctx, FreeQuery{Start: s.Shift.StartsAt, End: s.Shift.EndsAt, Skills: s.Position.RequiredSkills})
			if err != nil {
				return nil, err
			}
			asked[key] = ids
		}
		candidates[s.Shift.ID] = ids
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
			}
		}
	}
	periodStart := WeekOf(from, loc).Start
	periodEnd := WeekOf(req.To.Add(-time.Nanosecond), loc).End
	monthFrom, monthTo := MonthOf(from, loc)
	vols, err := pl.Store.RosterVolunteers(ctx, all, periodStart, periodEnd, monthFrom, monthTo)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*RosterVolunteer, len(vols))
	for _, v := range vols {
		byID[v.Volunteer.ID] = v
	}

	prob := &roster.Problem{Rules: roster.Rules{
		Location: loc, MaxShiftsPerDay: 24, AdultAge: 0,
		PeriodStart: periodStart, PeriodDays: int(math.Round(periodEnd.Sub(periodStart).Hours() / 24)),
	}}
	shiftByID := map[int64]*RosterShift{}
	for _, s := range shifts {
		shiftByID[s.Shift.ID] = s
		// Eligibility is decided here, pair by pair, with the signup's own
		// rules; the engine learns it as a token per shift that only the
		// volunteers who passed hold (availability alone would let a
		// volunteer free at that hour into another position's shift).
		prob.Slots = append(prob.Slots, roster.Slot{ID: slotID(s.Shift.ID), Start: s.Shift.StartsAt, End: s.Shift.EndsAt,
			Position: idString(s.Shift.PositionID), Centre: idString(s.Shift.CentreID), Capacity: s.Open(),
			Skills: []string{slotID(s.Shift.ID)}})
	}
	// Places held in the plan's weeks count towards the weekly commitment
	// and the fairness, and block what overlaps them: each is a slot nobody
	// more is wanted in.
	heldSlots := map[int64]bool{}
	eligible := map[int64]map[int64]bool{} // volunteer → shifts
	people := map[int64]int{}
	for _, s := range shifts {
		for _, vid := range candidates[s.Shift.ID] {
			v := byID[vid]
			if v == nil {
				continue
			}
			req := SignupRequest{Now: started, Shift: &s.Shift, Position: &s.Position, Volunteer: &v.Volunteer, Location: loc, ByCoordinator: true}
			if pl.Rules.CheckSignup(req) != nil || CheckGuardianConsent(&v.Volunteer, &s.Shift, loc, v.Consent) != nil {
				continue
			}
			if eligible[vid] == nil {
				eligible[vid] = map[int64]bool{}
			}
			eligible[vid][s.Shift.ID] = true
		}
	}
	ids := make([]int64, 0, len(eligible))
	for vid := range eligible {
		ids = append(ids, vid)
	}
	slices.Sort(ids)
	load := map[int64]int{}
	for _, vid := range ids {
		v := byID[vid]
		per := roster.Person{ID: idString(vid), Age: 99, GuardianConsent: true, PriorMinutes: v.MonthMinutes,
			Limits: roster.Limits{MaxShiftsWeek: v.Commitment.MaxShiftsPerWeek, MaxMinutesWeek: v.Commitment.MaxMinutesPerWeek}}
		for _, c := range v.Commitment.PreferredCentreIDs {
			per.PreferredCentres = append(per.PreferredCentres, idString(c))
		}
		for _, p := range v.Commitment.PreferredPositionIDs {
			per.PreferredPositions = append(per.PreferredPositions, idString(p))
		}
		for sid := range eligible[vid] {
			s := shiftByID[sid]
			per.Availability = append(per.Availability, roster.Window{Start: s.Shift.StartsAt, End: s.Shift.EndsAt})
			per.Skills = append(per.Skills, slotID(sid))
		}
		load[vid] = v.MonthMinutes
		for _, h := range v.Held {
			if !heldSlots[h.ShiftID] {
				heldSlots[h.ShiftID] = true
				prob.Slots = append(prob.Slots, roster.Slot{ID: heldID(h.ShiftID), Start: h.StartsAt, End: h.EndsAt,
					Position: idString(h.PositionID), Centre: idString(h.CentreID), Target: -1})
			}
			per.Held = append(per.Held, heldID(h.ShiftID))
			load[vid] += int(h.EndsAt.Sub(h.StartsAt) / time.Minute)
		}
		people[vid] = len(prob.People)
		prob.People = append(prob.People, per)
	}
	plan.FairnessBefore = fairness(ids, load)

	sctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	res, err := roster.Solve(sctx, prob, roster.Options{Seed: req.Seed, Iterations: roster.DefaultIterations})
	if err != nil {
		return nil, fmt.Errorf("roster plan: %w", err)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	plan.Bound = res.Bound
	after := maps(load)
	for _, a := range res.Assignments {
		vid, _ := strconv.ParseInt(a.PersonID, 10, 64)
		sid, _ := strconv.ParseInt(a.SlotID[1:], 10, 64)
		s := shiftByID[sid]
		if s == nil || a.SlotID[0] != 's' {
			return nil, fmt.Errorf("roster plan: the engine proposed unknown slot %q", a.SlotID)
		}
		after[vid] += int(s.Shift.EndsAt.Sub(s.Shift.StartsAt) / time.Minute)
		plan.Proposals = append(plan.Proposals, &RosterProposal{ShiftID: sid, VolunteerID: vid,
			Reasons: reasons(byID[vid], s, candidates[sid], load)})
	}
	sort.Slice(plan.Proposals, func(i, j int) bool {
		a, b := plan.Proposals[i], plan.Proposals[j]
		sa, sb := shiftByID[a.ShiftID].Shift.StartsAt, shiftByID[b.ShiftID].Shift.StartsAt
		if !sa.Equal(sb) {
			return sa.Before(sb)
		}
		if a.ShiftID != b.ShiftID {
			return a.ShiftID < b.ShiftID
		}
		return a.VolunteerID < b.VolunteerID
	})
	plan.OpenAfter = plan.OpenBefore - len(plan.Proposals)
	plan.FairnessAfter = fairness(ids, after)
	plan.MinutesBefore, plan.ShiftMinutes = map[int64]int{}, map[int64]int{}
	for _, pr := range plan.Proposals {
		plan.MinutesBefore[pr.VolunteerID] = load[pr.VolunteerID]
		s := shiftByID[pr.ShiftID].Shift
		plan.ShiftMinutes[pr.ShiftID] = int(s.EndsAt.Sub(s.StartsAt) / time.Minute)
	}
	var unproposed []int64
	for _, id := range ids {
		if _, ok := plan.MinutesBefore[id]; !ok {
			unproposed = append(unproposed, id)
		}
	}
	rest := fairness(unproposed, load)
	plan.FairnessUnproposed = &rest
	plan.SolveMillis = int(time.Since(clock) / time.Millisecond)
	return plan, nil
}

func slotID(id int64) string   { return "s" + strconv.FormatInt(id, 10) }
func heldID(id int64) string   { return "h" + strconv.FormatInt(id, 10) }
func idString(id int64) string { return strconv.FormatInt(id, 10) }

func maps(m map[int64]int) map[int64]int {
	out := make(map[int64]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// OpenKeeping is the open places after the plan when the proposals in skip
// are dropped (each proposal fills one place).
func (p *RosterPlan) OpenKeeping(skip map[int64]bool) int {
	n := p.OpenAfter
	for _, pr := range p.Proposals {
		if skip[pr.ID] {
			n++
		}
	}
	return n
}

// FairnessKeeping is the spread of minutes after the plan when the
// proposals in skip are dropped: FairnessAfter recomputed over the same
// volunteers. A plan stored without what it needs gives FairnessAfter.
func (p *RosterPlan) FairnessKeeping(skip map[int64]bool) RosterFairness {
	if p.FairnessUnproposed == nil || len(skip) == 0 {
		return p.FairnessAfter
	}
	after := map[int64]int{}
	for vid, m := range p.MinutesBefore {
		after[vid] = m
	}
	for _, pr := range p.Proposals {
		if !skip[pr.ID] {
			after[pr.VolunteerID] += p.ShiftMinutes[pr.ShiftID]
		}
	}
	r := *p.FairnessUnproposed
	f := RosterFairness{Volunteers: r.Volunteers + len(after), MinMinutes: r.MinMinutes, MaxMinutes: r.MaxMinutes}
	sum := r.MeanMinutes * float64(r.Volunteers)
	first := r.Volunteers == 0
	for _, m := range after {
		sum += float64(m)
		if first || m < f.MinMinutes {
			f.MinMinutes = m
		}
		if first || m > f.MaxMinutes {
			f.MaxMinutes = m
		}
		first = false
	}
	if f.Volunteers > 0 {
		f.MeanMinutes = sum / float64(f.Volunteers)
	}
	return f
}

// fairness is the spread of minutes over the given volunteers.
func fairness(ids []int64, minutes map[int64]int) RosterFairness {
	f := RosterFairness{Volunteers: len(ids)}
	if len(ids) == 0 {
		return f
	}
	sum := 0
	for i, id := range ids {
		m := minutes[id]
		sum += m
		if i == 0 || m < f.MinMinutes {
			f.MinMinutes = m
		}
		if i == 0 || m > f.MaxMinutes {
			f.MaxMinutes = m
		}
	}
	f.MeanMinutes = float64(sum) / float64(len(ids))
	return f
}

// reasons explains why a volunteer was proposed for a shift.
func reasons(v *RosterVolunteer, s *RosterShift, candidates []int64, load map[int64]int) []string {
	out := []string{ReasonAvailable}
	if slices.Contains(v.Commitment.PreferredCentreIDs, s.Shift.CentreID) {
		out = append(out, ReasonPrefersCentre)
	}
	if slices.Contains(v.Commitment.PreferredPositionIDs, s.Shift.PositionID) {
		out = append(out, ReasonPrefersPosition)
	}
	// Among the quarter of this shift's candidates with the fewest minutes.
	var loads []int
	for _, c := range candidates {
		if l, ok := load[c]; ok {
			loads = append(loads, l)
		}
	}
	if len(loads) > 1 {
		slices.Sort(loads)
		if load[v.Volunteer.ID] <= loads[(len(loads)-1)/4] {
			out = append(out, ReasonFewestHours)
		}
	}
	if v.Commitment.MaxShiftsPerWeek > 0 || v.Commitment.MaxMinutesPerWeek > 0 {
		out = append(out, ReasonWithinCommitment)
	}
	return out
}
