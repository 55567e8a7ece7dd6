package schema

import (
	"context"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// availabilityDeps are the root's dependencies for matching volunteers to
// shifts: the availability index, or nil to answer from SQL alone.
type availabilityDeps struct {
	index konullu.AvailabilityIndex
}

// freeVolunteers asks the index, or the database when there is none.
func (r *root) freeVolunteers(ctx context.Context, q konullu.FreeQuery) ([]int64, error) {
	var ids []int64
	var err error
	if r.index != nil {
		ids, err = r.index.FreeVolunteers(ctx, q)
	} else {
		ids, err = r.store.FreeVolunteersSQL(ctx, q)
	}
	if err != nil || len(q.Skills) == 0 {
		return ids, err
	}
	// The index knows who holds the qualifications (skills), not until
	// when: those whose one expires before the shift ends are left out.
	if qs, ok := r.store.(konullu.QualificationStore); ok {
		return qs.QualifiedVolunteers(ctx, ids, q.Skills, q.End)
	}
	return ids, nil
}

// availabilityResolver resolves Availability.
type availabilityResolver struct{ av *konullu.Availability }

func (a *availabilityResolver) Weekly() []*windowResolver {
	out := make([]*windowResolver, len(a.av.Weekly))
	for i := range a.av.Weekly {
		out[i] = &windowResolver{a.av.Weekly[i]}
	}
	return out
}

func (a *availabilityResolver) Exceptions() []*exceptionResolver {
	out := make([]*exceptionResolver, len(a.av.Exceptions))
	for i := range a.av.Exceptions {
		out[i] = &exceptionResolver{a.av.Exceptions[i]}
	}
	return out
}

// windowResolver resolves AvailabilityWindow.
type windowResolver struct{ w konullu.AvailabilityWindow }

func (w *windowResolver) Weekday() int32 { return int32(w.w.Weekday) }
func (w *windowResolver) Start() string  { return w.w.Start }
func (w *windowResolver) End() string    { return w.w.End }

// exceptionResolver resolves AvailabilityException.
type exceptionResolver struct{ x konullu.AvailabilityException }

func (x *exceptionResolver) Date() date      { return date{x.x.Date} }
func (x *exceptionResolver) Available() bool { return x.x.Available }
func (x *exceptionResolver) Start() *string  { return optional(x.x.Start) }
func (x *exceptionResolver) End() *string    { return optional(x.x.End) }

// Availability resolves Volunteer.availability: exceptions from the
// volunteer's today on (older ones no longer matter and could not be sent
// back unchanged).
func (v *volunteerResolver) Availability(ctx context.Context) (*availabilityResolver, error) {
	// AUTHZ: coordinators and staff plan with it; other volunteers see names only.
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	av, _, err := loadersFrom(ctx).availability.Get(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	out := konullu.Availability{Weekly: []konullu.AvailabilityWindow{}, Exceptions: []konullu.AvailabilityException{}}
	if av != nil {
		today := konullu.DateOf(v.r.now().In(konullu.VolunteerLocation(v.v.Timezone)))
		out.Weekly = append(out.Weekly, av.Weekly...)
		for _, x := range av.Exceptions {
			if !x.Date.Before(today) {
				out.Exceptions = append(out.Exceptions, x)
			}
		}
	}
	return &availabilityResolver{&out}, nil
}

type availabilityInput struct {
	Weekly     []availabilityWindowInput
	Exceptions *[]availabilityExceptionInput
}

type availabilityWindowInput struct {
	Weekday    int32
	Start, End string
}

type availabilityExceptionInput struct {
	Date       date
	Available  bool
	Start, End *string
}

// SetMyAvailability resolves Mutation.setMyAvailability. The store
// validates (konullu.NormalizeAvailability, with the volunteer's today) and
// stores; the server's store keeps the index in step.
func (r *root) SetMyAvailability(ctx context.Context, args struct{ Input availabilityInput }) (*availabilityResolver, error) {
	// AUTHZ: a volunteer sets only their own availability.
	volunteerID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	in := args.Input
	if len(in.Weekly) > konullu.MaxWeeklyWindows {
		return nil, konullu.Invalid("weekly", "at most %d weekly windows", konullu.MaxWeeklyWindows)
	}
	av := konullu.Availability{Weekly: make([]konullu.AvailabilityWindow, len(in.Weekly))}
	for i, w := range in.Weekly {
		av.Weekly[i] = konullu.AvailabilityWindow{Weekday: int(w.Weekday), Start: w.Start, End: w.End}
	}
	if in.Exceptions != nil {
		if len(*in.Exceptions) > konullu.MaxExceptions {
			return nil, konullu.Invalid("exceptions", "at most %d exceptions", konullu.MaxExceptions)
		}
		for _, x := range *in.Exceptions {
			av.Exceptions = append(av.Exceptions, konullu.AvailabilityException{
				Date: x.Date.Time, Available: x.Available, Start: deref(x.Start), End: deref(x.End)})
		}
	}
	out, err := r.store.SetAvailability(ctx, volunteerID, av)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	return &availabilityResolver{out}, nil
}

// volunteerMatchResolver resolves VolunteerMatch.
type volunteerMatchResolver struct {
	scope
	m       konullu.VolunteerMatch
	partial bool
	covered int // minutes of the shift the availability covers
}

func (m *volunteerMatchResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, m.m.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, konullu.NotFound("volunteer")
	}
	return &volunteerResolver{m.scope, v}, nil
}

func (m *volunteerMatchResolver) MinutesThisMonth() int32 { return int32(m.m.MinutesThisMonth) }
func (m *volunteerMatchResolver) Partial() bool           { return m.partial }
func (m *volunteerMatchResolver) CoveredMinutes() int32   { return int32(m.covered) }

// AvailableVolunteers resolves Query.availableVolunteers: the index (or SQL)
// finds who is free, not busy, ACTIVE and skilled; the store ranks them
// and leaves out those too young on the shift date, as the signup rule would.
func (r *root) AvailableVolunteers(ctx context.Context, args struct {
	ShiftID graphql.ID
	First   *int32
	Partial *bool
}) ([]*volunteerMatchResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	id, err := parseID("shiftId", kindShift, args.ShiftID)
	if err != nil {
		return nil, err
	}
	first, err := pageSize(args.First)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	s, ok, err := l.shifts.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the centre's coordinators, staff and admins; volunteers may not
	// browse who else is free. A shift the viewer may not see is not found.
	if !ok || !vw.CanSeeShift(s) {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "shift not found", Field: "shiftId"}
	}
	if !vw.IsStaff() && !vw.Coordinates(s.CentreID) {
		return nil, konullu.ErrForbidden
	}
	out := []*volunteerMatchResolver{}
	if s.Status == konullu.ShiftCancelled {
		return out, nil
	}
	p, ok, err := l.positions.Get(ctx, s.PositionID)
	if err != nil || !ok {
		return nil, orNotFound(err, "position")
	}
	c, ok, err := l.centres.Get(ctx, s.CentreID)
	if err != nil || !ok {
		return nil, orNotFound(err, "centre")
	}
	ids, err := r.freeVolunteers(ctx, konullu.FreeQuery{Start: s.StartsAt, End: s.EndsAt, Skills: p.RequiredSkills})
	if err != nil {
		return nil, err
	}
	if args.Partial != nil && *args.Partial {
		return r.partialMatches(ctx, s, p, c, ids, first)
	}
	q := konullu.RankQuery{Candidates: ids, City: c.City, Limit: first}
	if p.MinimumAge > 0 {
		// As konullu.Rules.CheckSignup decides it: the age on the shift's
		// date where its centre is; unknown ages are left out.
		q.BornOnOrBefore = konullu.BornOnOrBefore(s.StartsAt, c.Location(), p.MinimumAge)
	}
	q.MonthFrom, q.MonthTo = konullu.MonthOf(r.now(), konullu.VolunteerLocation(c.Timezone))
	matches, err := r.store.RankVolunteers(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		l.volunteers.Prime(m.VolunteerID)
		l.primeTies(m.VolunteerID)
		l.availability.Prime(m.VolunteerID)
		out = append(out, &volunteerMatchResolver{scope: r.scope(), m: m, covered: int(s.EndsAt.Sub(s.StartsAt) / time.Minute)})
	}
	return out, nil
}

func orNotFound(err error, kind string) error {
	if err != nil {
		return err
	}
	return konullu.NotFound(kind)
}
