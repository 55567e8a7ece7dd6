package schema

import (
	"context"
	"fmt"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

const kindSeries = "ShiftSeries"

// SeriesID resolves Shift.seriesId.
func (s *shiftResolver) SeriesID() *graphql.ID {
	if s.s.SeriesID == 0 {
		return nil
	}
	id := globalID(kindSeries, s.s.SeriesID)
	return &id
}

type seriesChangeInput struct {
	ShiftID    graphql.ID
	From       date
	StartTime  *string
	EndTime    *string
	Capacity   *int32
	PositionID *graphql.ID
}

type seriesChangeResolver struct {
	shifts   []*shiftResolver
	notified int
}

func (c *seriesChangeResolver) Shifts() []*shiftResolver  { return c.shifts }
func (c *seriesChangeResolver) NotifiedVolunteers() int32 { return int32(c.notified) }

// seriesOf finds the series of a shift the viewer manages, with the
// centre's time zone, and the instant its date from begins there.
func (r *root) seriesOf(ctx context.Context, shiftID graphql.ID, from date) (konullu.SeriesStore, *konullu.Shift, *time.Location, time.Time, error) {
	st, ok := r.store.(konullu.SeriesStore)
	if !ok {
		return nil, nil, nil, time.Time{}, konullu.Errorf(konullu.EINTERNAL, "this store keeps no series")
	}
	s, err := r.shiftForChange(ctx, "shiftId", shiftID)
	if err != nil {
		return nil, nil, nil, time.Time{}, err
	}
	// AUTHZ: only the centre's coordinators and admins change its series.
	if err := requireManager(ctx, s.CentreID); err != nil {
		return nil, nil, nil, time.Time{}, err
	}
	if s.SeriesID == 0 {
		return nil, nil, nil, time.Time{}, konullu.Invalid("shiftId", "the shift is not part of a series")
	}
	centre, ok, err := loadersFrom(ctx).centres.Get(ctx, s.CentreID)
	if err != nil {
		return nil, nil, nil, time.Time{}, err
	}
	if !ok {
		return nil, nil, nil, time.Time{}, konullu.NotFound("centre")
	}
	loc, err := time.LoadLocation(centre.Timezone)
	if err != nil {
		return nil, nil, nil, time.Time{}, fmt.Errorf("centre %d has a bad time zone %q: %w", centre.ID, centre.Timezone, err)
	}
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	return st, s, loc, start, nil
}

// UpdateSeries resolves Mutation.updateSeries.
func (r *root) UpdateSeries(ctx context.Context, args struct{ Input seriesChangeInput }) (*seriesChangeResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	in := args.Input
	st, s, loc, from, err := r.seriesOf(ctx, in.ShiftID, in.From)
	if err != nil {
		return nil, err
	}
	c := konullu.SeriesUpdate{SeriesID: s.SeriesID, From: from, Location: loc}
	if (in.StartTime == nil) != (in.EndTime == nil) {
		field := "endTime"
		if in.StartTime == nil {
			field = "startTime"
		}
		return nil, konullu.Invalid(field, "give the start and the end together")
	}
	if in.StartTime != nil {
		start, ok := konullu.ParseClock(*in.StartTime)
		if !ok {
			return nil, konullu.Invalid("startTime", "a time of day as HH:MM")
		}
		end, ok := konullu.ParseClock(*in.EndTime)
		if !ok {
			return nil, konullu.Invalid("endTime", "a time of day as HH:MM")
		}
		if start == end {
			return nil, konullu.Invalid("endTime", "must differ from the start")
		}
		c.Start, c.End = &start, &end
	}
	if in.Capacity != nil {
		if *in.Capacity < 1 || *in.Capacity > maxCapacity {
			return nil, konullu.Invalid("capacity", "must be between 1 and %d", maxCapacity)
		}
		n := int(*in.Capacity)
		c.Capacity = &n
	}
	if in.PositionID != nil {
		id, err := parseID("positionId", kindPosition, *in.PositionID)
		if err != nil {
			return nil, err
		}
		c.PositionID = &id
	}
	if c.Start == nil && c.Capacity == nil && c.PositionID == nil {
		return nil, konullu.Invalid("input", "nothing to change")
	}
	res, err := st.UpdateSeries(ctx, c)
	if err != nil {
		return nil, err
	}
	return r.seriesDone(ctx, res, konullu.CentreShiftCreated), nil
}

// CancelSeries resolves Mutation.cancelSeries.
func (r *root) CancelSeries(ctx context.Context, args struct {
	ShiftID graphql.ID
	From    date
	Reason  string
}) (*seriesChangeResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	st, s, _, from, err := r.seriesOf(ctx, args.ShiftID, args.From)
	if err != nil {
		return nil, err
	}
	reason, err := konullu.CleanText("reason", args.Reason, true, maxReason)
	if err != nil {
		return nil, err
	}
	res, err := st.CancelSeries(ctx, s.SeriesID, from, reason)
	if err != nil {
		return nil, err
	}
	return r.seriesDone(ctx, res, konullu.CentreShiftCancelled), nil
}

// seriesDone tells the centres' live views and answers.
func (r *root) seriesDone(ctx context.Context, res konullu.SeriesResult, kind konullu.CentreEventKind) *seriesChangeResolver {
	loadersFrom(ctx).reset()
	for _, sh := range res.Shifts {
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: kind, CentreID: sh.CentreID, ShiftID: sh.ID})
	}
	return &seriesChangeResolver{shifts: r.shiftResolvers(ctx, res.Shifts), notified: res.Volunteers}
}
