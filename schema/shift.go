package schema

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Limits of shift inputs.
const (
	maxCapacity    = 1000
	maxReason      = 500
	maxPublishOnce = 500
)

// shiftResolver resolves Shift. Whoever holds one has passed CanSeeShift.
type shiftResolver struct {
	scope
	s *konullu.Shift
}

func (s *shiftResolver) ID() graphql.ID        { return globalID(kindShift, s.s.ID) }
func (s *shiftResolver) StartsAt() dateTime    { return dateTime{s.s.StartsAt} }
func (s *shiftResolver) EndsAt() dateTime      { return dateTime{s.s.EndsAt} }
func (s *shiftResolver) Capacity() int32       { return int32(s.s.Capacity) }
func (s *shiftResolver) ConfirmedCount() int32 { return int32(s.s.ConfirmedCount) }
func (s *shiftResolver) WaitlistCount() int32  { return int32(s.s.WaitlistCount) }
func (s *shiftResolver) Status() string        { return string(s.s.Status) }
func (s *shiftResolver) CancelReason() *string { return optional(s.s.CancelReason) }

// Centre is public; a shift's centre always exists (foreign key).
func (s *shiftResolver) Centre(ctx context.Context) (*centreResolver, error) {
	c, err := s.r.centreByID(ctx, s.s.CentreID)
	if err == nil && c == nil {
		err = fmt.Errorf("shift %d: centre %d is missing", s.s.ID, s.s.CentreID)
	}
	return c, err
}

// Position is public; a shift's position always exists (foreign key).
func (s *shiftResolver) Position(ctx context.Context) (*positionResolver, error) {
	p, err := s.r.positionByID(ctx, s.s.PositionID)
	if err == nil && p == nil {
		err = fmt.Errorf("shift %d: position %d is missing", s.s.ID, s.s.PositionID)
	}
	return p, err
}

// Assignments returns the assignments of the shift the viewer may see.
func (s *shiftResolver) Assignments(ctx context.Context, args struct{ Status *[]string }) ([]*assignmentResolver, error) {
	vw := s.viewer(ctx)
	out := []*assignmentResolver{}
	// AUTHZ: anonymous viewers see no assignments (not even counts per person);
	// skip the read altogether.
	if !vw.Authenticated() {
		return out, nil
	}
	list, _, err := loadersFrom(ctx).shiftAssignments.Get(ctx, s.s.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if args.Status != nil && !slices.Contains(*args.Status, string(a.Status)) {
			continue
		}
		// AUTHZ: a volunteer sees only their own; the centre's coordinators, staff and admins see all.
		if !vw.CanSeeAssignment(a, s.s.CentreID) {
			continue
		}
		out = append(out, &assignmentResolver{s.scope, a})
	}
	return out, nil
}

// shiftByID returns a shift the viewer may see, or nil.
func (r *root) shiftByID(ctx context.Context, sc scope, id int64) (*shiftResolver, error) {
	s, ok, err := loadersFrom(ctx).shifts.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	// AUTHZ: drafts are for the centre's coordinators, staff and admins.
	if !sc.viewer(ctx).CanSeeShift(s) {
		return nil, nil
	}
	return &shiftResolver{sc, s}, nil
}

// Shift resolves Query.shift.
func (r *root) Shift(ctx context.Context, args struct{ ID graphql.ID }) (*shiftResolver, error) {
	id, err := parseID("id", kindShift, args.ID)
	if err != nil {
		return nil, err
	}
	return r.shiftByID(ctx, r.scope(), id)
}

// shiftForChange loads a shift a mutation is about: NOT_FOUND when it does
// not exist or the viewer may not see it.
func (r *root) shiftForChange(ctx context.Context, field string, gid graphql.ID) (*konullu.Shift, error) {
	id, err := parseID(field, kindShift, gid)
	if err != nil {
		return nil, err
	}
	s, err := r.shiftByID(ctx, r.scope(), id)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "shift not found", Field: field}
	}
	return s.s, nil
}

func (r *root) shiftResolvers(ctx context.Context, list []*konullu.Shift) []*shiftResolver {
	loadersFrom(ctx).primeShifts(list)
	out := make([]*shiftResolver, len(list))
	for i, s := range list {
		out[i] = &shiftResolver{r.scope(), s}
	}
	return out
}

type createShiftsInput struct {
	CentreID       graphql.ID
	PositionID     graphql.ID
	StartsAt       dateTime
	EndsAt         dateTime
	Capacity       int32
	RepeatWeekdays *[]int32
	RepeatUntil    *date
	Publish        *bool
	Kind           *string
	CourseID       *graphql.ID
}

// CreateShifts resolves Mutation.createShifts: one shift, or a weekly
// series expanded in the centre's time zone so that 09:00 stays 09:00 local
// across a DST change. Shifts in the past are allowed: coordinators record
// activity that happened outside the system.
func (r *root) CreateShifts(ctx context.Context, args struct{ Input createShiftsInput }) ([]*shiftResolver, error) {
	in := args.Input
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	centreID, err := parseID("centreId", kindCentre, in.CentreID)
	if err != nil {
		return nil, err
	}
	positionID, err := parseID("positionId", kindPosition, in.PositionID)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	centre, ok, err := l.centres.Get(ctx, centreID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
	}
	// AUTHZ: only the centre's coordinators and admins create its shifts.
	if err := requireManager(ctx, centreID); err != nil {
		return nil, err
	}
	if _, ok, err := l.positions.Get(ctx, positionID); err != nil {
		return nil, err
	} else if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "position not found", Field: "positionId"}
	}
	if in.Capacity < 1 || in.Capacity > maxCapacity {
		return nil, konullu.Invalid("capacity", "must be between 1 and %d", maxCapacity)
	}
	loc, err := time.LoadLocation(centre.Timezone)
	if err != nil {
		return nil, fmt.Errorf("centre %d has a bad time zone %q: %w", centre.ID, centre.Timezone, err)
	}
	series := konullu.SeriesInput{
		StartsAt: in.StartsAt.Time,
		EndsAt:   in.EndsAt.Time,
		Location: loc,
		Max:      r.rules.MaxSeries,
	}
	if in.RepeatWeekdays != nil {
		for _, w := range *in.RepeatWeekdays {
			series.Weekdays = append(series.Weekdays, int(w))
		}
	}
	if in.RepeatUntil != nil {
		series.Until = in.RepeatUntil.Time
	}
	periods, err := konullu.ExpandSeries(series)
	if err != nil {
		return nil, err
	}
	kind, courseID, err := shiftKindInput(in.Kind, in.CourseID)
	if err != nil {
		return nil, err
	}
	list, err := r.store.CreateShifts(ctx, konullu.NewShifts{
		Kind:       kind,
		CourseID:   courseID,
		CentreID:   centreID,
		PositionID: positionID,
		Periods:    periods,
		Capacity:   int(in.Capacity),
		Publish:    deref(in.Publish),
		Series:     in.RepeatWeekdays != nil && len(*in.RepeatWeekdays) > 0,
	})
	if err != nil {
		return nil, err
	}
	for _, sh := range list {
		auditCreated(ctx, kindShift, sh.ID)
	}
	l.reset()
	for _, sh := range list {
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreShiftCreated, CentreID: sh.CentreID, ShiftID: sh.ID})
	}
	return r.shiftResolvers(ctx, list), nil
}

// PublishShifts resolves Mutation.publishShifts.
func (r *root) PublishShifts(ctx context.Context, args struct{ IDs []graphql.ID }) ([]*shiftResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	ids, err := parseIDs("ids", kindShift, args.IDs)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > maxPublishOnce {
		return nil, konullu.Invalid("ids", "give 1 to %d shifts", maxPublishOnce)
	}
	l := loadersFrom(ctx)
	l.shifts.Prime(ids...)
	for _, id := range ids {
		s, ok, err := l.shifts.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		// AUTHZ: a shift the viewer may not see does not exist for them.
		if !ok || !konullu.ViewerFrom(ctx).CanSeeShift(s) {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "shift not found", Field: "ids"}
		}
		// AUTHZ: only the centre's coordinators and admins publish its shifts.
		if err := requireManager(ctx, s.CentreID); err != nil {
			return nil, err
		}
	}
	list, err := r.store.PublishShifts(ctx, ids)
	if err != nil {
		return nil, err
	}
	l.reset()
	for _, sh := range list {
		// Published is new to volunteers; the calendar shows it changed.
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreShiftCreated, CentreID: sh.CentreID, ShiftID: sh.ID})
	}
	return r.shiftResolvers(ctx, list), nil
}

// CancelShift resolves Mutation.cancelShift.
func (r *root) CancelShift(ctx context.Context, args struct {
	ID     graphql.ID
	Reason string
}) (*shiftResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	s, err := r.shiftForChange(ctx, "id", args.ID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the centre's coordinators and admins cancel its shifts.
	if err := requireManager(ctx, s.CentreID); err != nil {
		return nil, err
	}
	reason, err := konullu.CleanText("reason", args.Reason, true, maxReason)
	if err != nil {
		return nil, err
	}
	s, err = r.store.CancelShift(ctx, s.ID, reason)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreShiftCancelled, CentreID: s.CentreID, ShiftID: s.ID})
	return r.shiftResolvers(ctx, []*konullu.Shift{s})[0], nil
}

// shiftKindInput reads CreateShiftsInput.kind and courseId: a course's
// sessions are TRAINING (the kind may be left out), a TRAINING shift names
// its course.
func shiftKindInput(kind *string, course *graphql.ID) (konullu.ShiftKind, int64, error) {
	var courseID int64
	if course != nil {
		id, err := parseID("courseId", kindCourse, *course)
		if err != nil {
			return "", 0, err
		}
		courseID = id
	}
	k := konullu.ShiftService
	if kind != nil {
		k = konullu.ShiftKind(*kind)
	} else if courseID != 0 {
		k = konullu.ShiftTraining
	}
	switch {
	case k == konullu.ShiftTraining && courseID == 0:
		return "", 0, konullu.Invalid("courseId", "a training session belongs to a course")
	case k == konullu.ShiftService && courseID != 0:
		return "", 0, konullu.Invalid("kind", "a course's sessions are TRAINING shifts")
	}
	return k, courseID, nil
}

// managedShiftAndVolunteer reads a shift the viewer manages (a coordinator
// of its centre or an admin) and a volunteer who exists: what assigning a
// volunteer and crediting their past work both start from.
func (r *root) managedShiftAndVolunteer(ctx context.Context, shiftGID, volunteerGID graphql.ID) (*konullu.Shift, int64, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, 0, err
	}
	s, err := r.shiftForChange(ctx, "shiftId", shiftGID)
	if err != nil {
		return nil, 0, err
	}
	// AUTHZ: only the centre's coordinators and admins.
	if err := requireManager(ctx, s.CentreID); err != nil {
		return nil, 0, err
	}
	volunteerID, err := parseID("volunteerId", kindVolunteer, volunteerGID)
	if err != nil {
		return nil, 0, err
	}
	if _, ok, err := loadersFrom(ctx).volunteers.Get(ctx, volunteerID); err != nil {
		return nil, 0, err
	} else if !ok {
		return nil, 0, &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
	}
	return s, volunteerID, nil
}
