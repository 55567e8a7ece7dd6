package schema

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// rosterStore is the store's roster planning, or UNAVAILABLE when the
// store does not plan rosters.
func (r *root) rosterStore() (konullu.RosterStore, error) {
	rs, ok := r.store.(konullu.RosterStore)
	if !ok {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "roster planning is not available on this server"}
	}
	return rs, nil
}

// RosterPlanner returns the planner the API and the roster-proposals job
// share: candidates from the availability index (SQL without one).
func RosterPlanner(store konullu.Store, index konullu.AvailabilityIndex, rules konullu.Rules, now func() time.Time) (*konullu.RosterPlanner, error) {
	rs, ok := store.(konullu.RosterStore)
	if !ok {
		return nil, errors.New("schema: the store does not plan rosters")
	}
	free := store.FreeVolunteersSQL
	if index != nil {
		free = index.FreeVolunteers
	}
	if rules == (konullu.Rules{}) {
		rules = konullu.DefaultRules()
	}
	return &konullu.RosterPlanner{Store: rs, Free: free, Rules: rules, Now: now}, nil
}

// commitmentResolver resolves Commitment.
type commitmentResolver struct{ c *konullu.Commitment }

func optionalLimit(n int) *int32 {
	if n <= 0 {
		return nil
	}
	v := int32(n)
	return &v
}

func (c *commitmentResolver) MaxShiftsPerWeek() *int32  { return optionalLimit(c.c.MaxShiftsPerWeek) }
func (c *commitmentResolver) MaxMinutesPerWeek() *int32 { return optionalLimit(c.c.MaxMinutesPerWeek) }

func (c *commitmentResolver) PreferredCentres(ctx context.Context) ([]*centreResolver, error) {
	out := []*centreResolver{}
	for _, id := range c.c.PreferredCentreIDs {
		cr, err := (&root{}).centreByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if cr != nil {
			out = append(out, cr)
		}
	}
	return out, nil
}

func (c *commitmentResolver) PreferredPositions(ctx context.Context) ([]*positionResolver, error) {
	out := []*positionResolver{}
	for _, id := range c.c.PreferredPositionIDs {
		pr, err := (&root{}).positionByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if pr != nil {
			out = append(out, pr)
		}
	}
	return out, nil
}

// Commitment resolves Volunteer.commitment.
func (v *volunteerResolver) Commitment(ctx context.Context) (*commitmentResolver, error) {
	vw := v.viewer(ctx)
	// AUTHZ: the volunteer, admins and coordinators (who plan with it); not
	// other volunteers, nor staff.
	if !vw.Authenticated() || vw.VolunteerID != v.v.ID && !vw.IsAdmin() && !vw.IsCoordinator() {
		return nil, errHidden
	}
	rs, err := v.r.rosterStore()
	if err != nil {
		return nil, err
	}
	m, err := rs.Commitments(ctx, []int64{v.v.ID})
	if err != nil {
		return nil, err
	}
	return &commitmentResolver{m[v.v.ID]}, nil
}

type commitmentInput struct {
	MaxShiftsPerWeek     *int32
	MaxMinutesPerWeek    *int32
	PreferredCentreIds   *[]graphql.ID
	PreferredPositionIds *[]graphql.ID
}

func parseIDList(field, kind string, ids *[]graphql.ID) ([]int64, error) {
	if ids == nil {
		return nil, nil
	}
	if len(*ids) > konullu.MaxCommitmentPrefs {
		return nil, konullu.Invalid(field, "at most %d entries", konullu.MaxCommitmentPrefs)
	}
	out := make([]int64, 0, len(*ids))
	for _, gid := range *ids {
		id, err := parseID(field, kind, gid)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// SetMyCommitment resolves Mutation.setMyCommitment.
func (r *root) SetMyCommitment(ctx context.Context, args struct{ Input commitmentInput }) (*commitmentResolver, error) {
	// AUTHZ: a volunteer sets only their own commitment.
	volunteerID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := r.rosterStore()
	if err != nil {
		return nil, err
	}
	in := args.Input
	c := konullu.Commitment{VolunteerID: volunteerID}
	if in.MaxShiftsPerWeek != nil {
		c.MaxShiftsPerWeek = int(*in.MaxShiftsPerWeek)
	}
	if in.MaxMinutesPerWeek != nil {
		c.MaxMinutesPerWeek = int(*in.MaxMinutesPerWeek)
	}
	if c.PreferredCentreIDs, err = parseIDList("preferredCentreIds", kindCentre, in.PreferredCentreIds); err != nil {
		return nil, err
	}
	if c.PreferredPositionIDs, err = parseIDList("preferredPositionIds", kindPosition, in.PreferredPositionIds); err != nil {
		return nil, err
	}
	if c, err = konullu.ValidateCommitment(c); err != nil {
		return nil, err
	}
	out, err := rs.SetCommitment(ctx, c)
	if err != nil {
		return nil, err
	}
	return &commitmentResolver{out}, nil
}

// rosterPlanResolver resolves RosterPlan; whoever holds one may manage its centre.
type rosterPlanResolver struct {
	scope
	p *konullu.RosterPlan
}

func (p *rosterPlanResolver) ID() graphql.ID          { return globalID(kindRosterPlan, p.p.ID) }
func (p *rosterPlanResolver) From() dateTime          { return dateTime{p.p.From} }
func (p *rosterPlanResolver) To() dateTime            { return dateTime{p.p.To} }
func (p *rosterPlanResolver) Status() string          { return string(p.p.Status) }
func (p *rosterPlanResolver) OpenPlacesBefore() int32 { return int32(p.p.OpenBefore) }
func (p *rosterPlanResolver) SolveMillis() int32      { return int32(p.p.SolveMillis) }
func (p *rosterPlanResolver) Seed() int32             { return int32(p.p.Seed) }
func (p *rosterPlanResolver) CreatedAt() dateTime     { return dateTime{p.p.CreatedAt} }
func (p *rosterPlanResolver) DecidedAt() *dateTime    { return dateTimePtr(p.p.DecidedAt) }

func (p *rosterPlanResolver) FairnessBefore() *fairnessResolver {
	return &fairnessResolver{p.p.FairnessBefore}
}

// skipArgs names proposals the coordinator means to drop: the open places
// and the spread after are then recomputed without them.
type skipArgs struct{ SkipProposalIds *[]graphql.ID }

func (p *rosterPlanResolver) skipSet(args skipArgs) (map[int64]bool, error) {
	skip := map[int64]bool{}
	if args.SkipProposalIds == nil {
		return skip, nil
	}
	for _, gid := range *args.SkipProposalIds {
		id, err := parseID("skipProposalIds", kindRosterProposal, gid)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(p.p.Proposals, func(x *konullu.RosterProposal) bool { return x.ID == id }) {
			return nil, konullu.Invalid("skipProposalIds", "names a proposal of another plan")
		}
		skip[id] = true
	}
	return skip, nil
}

func (p *rosterPlanResolver) OpenPlacesAfter(args skipArgs) (int32, error) {
	skip, err := p.skipSet(args)
	if err != nil {
		return 0, err
	}
	return int32(p.p.OpenKeeping(skip)), nil
}

func (p *rosterPlanResolver) FairnessAfter(args skipArgs) (*fairnessResolver, error) {
	skip, err := p.skipSet(args)
	if err != nil {
		return nil, err
	}
	return &fairnessResolver{p.p.FairnessKeeping(skip)}, nil
}

func (p *rosterPlanResolver) Centre(ctx context.Context) (*centreResolver, error) {
	c, err := p.r.centreByID(ctx, p.p.CentreID)
	if err == nil && c == nil {
		err = fmt.Errorf("roster plan %d: centre %d is missing", p.p.ID, p.p.CentreID)
	}
	return c, err
}

func (p *rosterPlanResolver) Proposals() []*proposalResolver {
	out := make([]*proposalResolver, len(p.p.Proposals))
	for i, pr := range p.p.Proposals {
		out[i] = &proposalResolver{p.scope, pr}
	}
	return out
}

// fairnessResolver resolves RosterFairness.
type fairnessResolver struct{ f konullu.RosterFairness }

func (f *fairnessResolver) Volunteers() int32    { return int32(f.f.Volunteers) }
func (f *fairnessResolver) MinMinutes() int32    { return int32(f.f.MinMinutes) }
func (f *fairnessResolver) MaxMinutes() int32    { return int32(f.f.MaxMinutes) }
func (f *fairnessResolver) MeanMinutes() float64 { return f.f.MeanMinutes }

// proposalResolver resolves RosterProposal.
type proposalResolver struct {
	scope
	p *konullu.RosterProposal
}

func (p *proposalResolver) ID() graphql.ID        { return globalID(kindRosterProposal, p.p.ID) }
func (p *proposalResolver) Reasons() []string     { return p.p.Reasons }
func (p *proposalResolver) Outcome() *string      { return optional(p.p.Outcome) }
func (p *proposalResolver) ErrorCode() *string    { return optional(p.p.ErrorCode) }
func (p *proposalResolver) ErrorMessage() *string { return optional(p.p.ErrorMessage) }

func (p *proposalResolver) Shift(ctx context.Context) (*shiftResolver, error) {
	s, ok, err := loadersFrom(ctx).shifts.Get(ctx, p.p.ShiftID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("roster proposal %d: shift %d is missing", p.p.ID, p.p.ShiftID)
	}
	// AUTHZ: the plan's readers manage its centre, and so see its shifts.
	return &shiftResolver{p.scope, s}, nil
}

func (p *proposalResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, p.p.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("roster proposal %d: volunteer %d is missing", p.p.ID, p.p.VolunteerID)
	}
	return &volunteerResolver{p.scope, v}, nil
}

func (p *proposalResolver) Assignment(ctx context.Context) (*assignmentResolver, error) {
	if p.p.AssignmentID == 0 {
		return nil, nil
	}
	a, _, err := p.r.assignmentByID(ctx, p.scope, p.p.AssignmentID)
	if err != nil || a == nil {
		return nil, err
	}
	return &assignmentResolver{p.scope, a}, nil
}

// rosterPlanByID returns a plan the viewer may manage, or nil.
func (r *root) rosterPlanByID(ctx context.Context, id int64) (*rosterPlanResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := r.rosterStore()
	if err != nil {
		return nil, err
	}
	p, err := rs.RosterPlan(ctx, id)
	if konullu.ErrorCode(err) == konullu.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// AUTHZ: a plan is for its centre's coordinators and admins; to anyone
	// else it does not exist.
	if !vw.CanManageCentre(p.CentreID) {
		return nil, nil
	}
	return &rosterPlanResolver{r.scope(), p}, nil
}

// RosterPlan resolves Query.rosterPlan.
func (r *root) RosterPlan(ctx context.Context, args struct{ ID graphql.ID }) (*rosterPlanResolver, error) {
	id, err := parseID("id", kindRosterPlan, args.ID)
	if err != nil {
		return nil, err
	}
	return r.rosterPlanByID(ctx, id)
}

// centreToManage reads a centre by its global id for a roster operation:
// NOT_FOUND when it does not exist, FORBIDDEN unless the viewer manages it.
func (r *root) centreToManage(ctx context.Context, field string, gid graphql.ID) (*konullu.Centre, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	id, err := parseID(field, kindCentre, gid)
	if err != nil {
		return nil, err
	}
	c, ok, err := loadersFrom(ctx).centres.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: field}
	}
	// AUTHZ: only the centre's coordinators and admins plan its roster.
	if err := requireManager(ctx, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// RosterPlans resolves Query.rosterPlans.
func (r *root) RosterPlans(ctx context.Context, args struct {
	CentreID graphql.ID
	Status   *string
	First    *int32
}) ([]*rosterPlanResolver, error) {
	c, err := r.centreToManage(ctx, "centreId", args.CentreID)
	if err != nil {
		return nil, err
	}
	first, err := pageSize(args.First)
	if err != nil {
		return nil, err
	}
	rs, err := r.rosterStore()
	if err != nil {
		return nil, err
	}
	var status konullu.RosterPlanStatus
	if args.Status != nil {
		status = konullu.RosterPlanStatus(*args.Status)
	}
	list, err := rs.RosterPlans(ctx, c.ID, status, first)
	if err != nil {
		return nil, err
	}
	out := make([]*rosterPlanResolver, len(list))
	for i, p := range list {
		out[i] = &rosterPlanResolver{r.scope(), p}
	}
	return out, nil
}

type planRosterInput struct {
	CentreID         graphql.ID
	From, To         dateTime
	PositionIds      *[]graphql.ID
	TimeLimitSeconds *int32
	Seed             *int32
}

// PlanRoster resolves Mutation.planRoster: it solves and stores a plan;
// nothing is assigned.
func (r *root) PlanRoster(ctx context.Context, args struct{ Input planRosterInput }) (*rosterPlanResolver, error) {
	in := args.Input
	c, err := r.centreToManage(ctx, "centreId", in.CentreID)
	if err != nil {
		return nil, err
	}
	if !in.From.Before(in.To.Time) {
		return nil, konullu.Invalid("to", "must be after from")
	}
	if in.To.Sub(in.From.Time) > konullu.MaxRosterWindow {
		return nil, konullu.Invalid("to", "a plan covers at most %d days", int(konullu.MaxRosterWindow.Hours()/24))
	}
	positions, err := parseIDList("positionIds", kindPosition, in.PositionIds)
	if err != nil {
		return nil, err
	}
	limit := konullu.DefaultRosterTimeout
	if in.TimeLimitSeconds != nil {
		if *in.TimeLimitSeconds < 1 || time.Duration(*in.TimeLimitSeconds)*time.Second > konullu.MaxRosterTimeout {
			return nil, konullu.Invalid("timeLimitSeconds", "must be between 1 and %d", int(konullu.MaxRosterTimeout.Seconds()))
		}
		limit = time.Duration(*in.TimeLimitSeconds) * time.Second
	}
	seed := int64(1)
	if in.Seed != nil {
		if *in.Seed < 0 {
			return nil, konullu.Invalid("seed", "must not be negative")
		}
		seed = int64(*in.Seed)
	}
	rs, err := r.rosterStore()
	if err != nil {
		return nil, err
	}
	planner, err := RosterPlanner(r.store, r.index, r.rules, r.now)
	if err != nil {
		return nil, err
	}
	vw := konullu.ViewerFrom(ctx)
	plan, err := planner.Plan(ctx, konullu.RosterRequest{CentreID: c.ID, Location: konullu.ZoneLocation(c.Timezone),
		From: in.From.Time, To: in.To.Time, PositionIDs: positions, TimeLimit: limit, Seed: seed, CreatedBy: vw.UserID})
	if err != nil {
		return nil, err
	}
	if err := rs.CreateRosterPlan(ctx, plan); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindRosterPlan, plan.ID)
	return &rosterPlanResolver{r.scope(), plan}, nil
}

// planToDecide loads a plan a mutation is about: NOT_FOUND when it does not
// exist, FORBIDDEN unless the viewer manages its centre.
func (r *root) planToDecide(ctx context.Context, gid graphql.ID) (konullu.RosterStore, *konullu.RosterPlan, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := parseID("planId", kindRosterPlan, gid)
	if err != nil {
		return nil, nil, err
	}
	rs, err := r.rosterStore()
	if err != nil {
		return nil, nil, err
	}
	p, err := rs.RosterPlan(ctx, id)
	if konullu.ErrorCode(err) == konullu.ENOTFOUND {
		return nil, nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "roster plan not found", Field: "planId"}
	}
	if err != nil {
		return nil, nil, err
	}
	// AUTHZ: only the plan's centre's coordinators and admins decide it.
	if !vw.CanManageCentre(p.CentreID) {
		return nil, nil, konullu.ErrForbidden
	}
	return rs, p, nil
}

// DiscardRosterPlan resolves Mutation.discardRosterPlan.
func (r *root) DiscardRosterPlan(ctx context.Context, args struct{ PlanID graphql.ID }) (*rosterPlanResolver, error) {
	rs, p, err := r.planToDecide(ctx, args.PlanID)
	if err != nil {
		return nil, err
	}
	p, err = rs.DecideRosterPlan(ctx, p.ID, konullu.RosterDiscarded)
	if err != nil {
		return nil, err
	}
	return &rosterPlanResolver{r.scope(), p}, nil
}

// rosterApplyResolver resolves RosterApplyResult.
type rosterApplyResolver struct {
	scope
	plan     *konullu.RosterPlan
	assigned []*konullu.Assignment
	refused  []*konullu.RosterProposal
}

func (a *rosterApplyResolver) Plan() *rosterPlanResolver { return &rosterPlanResolver{a.scope, a.plan} }

func (a *rosterApplyResolver) Assigned() []*assignmentResolver {
	out := make([]*assignmentResolver, len(a.assigned))
	for i, x := range a.assigned {
		out[i] = &assignmentResolver{a.scope, x}
	}
	return out
}

func (a *rosterApplyResolver) Refused() []*refusalResolver {
	out := make([]*refusalResolver, len(a.refused))
	for i, p := range a.refused {
		out[i] = &refusalResolver{a.scope, p}
	}
	return out
}

// refusalResolver resolves RosterRefusal.
type refusalResolver struct {
	scope
	p *konullu.RosterProposal
}

func (f *refusalResolver) Proposal() *proposalResolver { return &proposalResolver{f.scope, f.p} }
func (f *refusalResolver) Code() string                { return f.p.ErrorCode }
func (f *refusalResolver) Message() string             { return f.p.ErrorMessage }

// ApplyRosterPlan resolves Mutation.applyRosterPlan. The plan is claimed
// first (PROPOSED → APPLIED, once), then each proposal goes through the
// signup transaction on its own: a proposal that no longer holds is
// refused with its code and the rest go through. Should the database fail
// midway, the plan goes back to PROPOSED: applying it again makes only the
// proposals without an outcome, and reports the whole plan.
func (r *root) ApplyRosterPlan(ctx context.Context, args struct {
	PlanID          graphql.ID
	SkipProposalIds *[]graphql.ID
}) (*rosterApplyResolver, error) {
	rs, p, err := r.planToDecide(ctx, args.PlanID)
	if err != nil {
		return nil, err
	}
	var skip []int64
	if args.SkipProposalIds != nil {
		for _, gid := range *args.SkipProposalIds {
			id, err := parseID("skipProposalIds", kindRosterProposal, gid)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(p.Proposals, func(x *konullu.RosterProposal) bool { return x.ID == id }) {
				return nil, konullu.Invalid("skipProposalIds", "names a proposal of another plan")
			}
			skip = append(skip, id)
		}
	}
	c, ok, err := loadersFrom(ctx).centres.Get(ctx, p.CentreID)
	if err != nil || !ok {
		return nil, orNotFound(err, "centre")
	}
	if _, err := rs.DecideRosterPlan(ctx, p.ID, konullu.RosterApplied); err != nil {
		return nil, err
	}
	// The claim is undone whatever stopped the apply (a client gone too):
	// an APPLIED plan with proposals left unmade could never be finished.
	reopen := func(cause error) error {
		if err := rs.ReopenRosterPlan(context.WithoutCancel(ctx), p.ID); err != nil {
			return errors.Join(cause, err)
		}
		return cause
	}
	if err := rs.SkipRosterProposals(ctx, p.ID, skip); err != nil {
		return nil, reopen(err)
	}
	loc := konullu.ZoneLocation(c.Timezone)
	var made []*konullu.Assignment
	for _, pr := range p.Proposals {
		if pr.Outcome != "" || slices.Contains(skip, pr.ID) {
			continue // decided by an earlier apply that failed midway, or dropped
		}
		a, err := rs.AssignRosterProposal(ctx, pr, loc)
		if err != nil {
			var ke *konullu.Error
			if !errors.As(err, &ke) {
				return nil, reopen(err) // the database failed; the rest stay to be made
			}
			continue
		}
		made = append(made, a)
		if r.index != nil {
			// The index learns of the place as after any signup; a failure
			// repairs itself and must not fail the apply.
			_ = r.index.AddBusy(ctx, pr.ShiftID, pr.VolunteerID)
		}
	}
	res := &rosterApplyResolver{scope: r.scope()}
	if res.plan, err = rs.RosterPlan(ctx, p.ID); err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	l.primeAssignments(made)
	// The outcome of the whole plan as recorded, earlier attempts included.
	for _, pr := range res.plan.Proposals {
		switch pr.Outcome {
		case konullu.ProposalRefused:
			res.refused = append(res.refused, pr)
		case konullu.ProposalAssigned:
			a, _, err := r.assignmentByID(ctx, res.scope, pr.AssignmentID)
			if err != nil {
				return nil, err
			}
			if a != nil {
				res.assigned = append(res.assigned, a)
			}
		}
	}
	for _, a := range made {
		auditCreated(ctx, kindAssignment, a.ID)
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreSignedUp, CentreID: p.CentreID, ShiftID: a.ShiftID, AssignmentID: a.ID})
	}
	return res, nil
}

// rosterSnapshots puts roster plans into an audit snapshot: the plan
// without its proposals (their number instead), so that an entry stays small.
func (r *root) rosterSnapshots(ctx context.Context, snap *snapshotSet, ids []int64) {
	rs, ok := r.store.(konullu.RosterStore)
	if !ok {
		return
	}
	for _, id := range ids {
		p, err := rs.RosterPlan(ctx, id)
		if konullu.ErrorCode(err) == konullu.ENOTFOUND {
			continue
		}
		if err != nil {
			snap.failed(err)
			continue
		}
		n := len(p.Proposals)
		p.Proposals = nil
		snap.put(kindRosterPlan, id, struct {
			*konullu.RosterPlan
			ProposalCount int
		}{p, n})
	}
}
