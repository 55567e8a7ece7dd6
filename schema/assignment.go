package schema

import (
	"context"
	"fmt"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

const maxNote = 500

// assignmentResolver resolves Assignment. Whoever holds one has passed
// CanSeeAssignment.
type assignmentResolver struct {
	scope
	a *konullu.Assignment
}

func (a *assignmentResolver) ID() graphql.ID          { return globalID(kindAssignment, a.a.ID) }
func (a *assignmentResolver) Status() string          { return string(a.a.Status) }
func (a *assignmentResolver) CheckedInAt() *dateTime  { return dateTimePtr(a.a.CheckedInAt) }
func (a *assignmentResolver) CheckedOutAt() *dateTime { return dateTimePtr(a.a.CheckedOutAt) }
func (a *assignmentResolver) CreditedMinutes() int32  { return int32(a.a.CreditedMinutes) }
func (a *assignmentResolver) WaitlistPosition() *int32 {
	if a.a.Status != konullu.AssignmentWaitlisted || a.a.WaitlistPosition <= 0 {
		return nil
	}
	n := int32(a.a.WaitlistPosition)
	return &n
}

// Shift returns the assignment's shift.
func (a *assignmentResolver) Shift(ctx context.Context) (*shiftResolver, error) {
	s, ok, err := loadersFrom(ctx).shifts.Get(ctx, a.a.ShiftID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("assignment %d: shift %d is missing", a.a.ID, a.a.ShiftID)
	}
	// AUTHZ: whoever may see an assignment may see its shift, even a draft
	// (coordinators may assign volunteers to drafts).
	return &shiftResolver{a.scope, s}, nil
}

// Volunteer returns the assignment's volunteer; its fields check how much
// of the profile the viewer may see.
func (a *assignmentResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, a.a.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("assignment %d: volunteer %d is missing", a.a.ID, a.a.VolunteerID)
	}
	return &volunteerResolver{a.scope, v}, nil
}

// assignmentByID returns an assignment the viewer may see, with its shift, or nils.
func (r *root) assignmentByID(ctx context.Context, sc scope, id int64) (*konullu.Assignment, *konullu.Shift, error) {
	l := loadersFrom(ctx)
	a, ok, err := l.assignments.Get(ctx, id)
	if err != nil || !ok {
		return nil, nil, err
	}
	s, ok, err := l.shifts.Get(ctx, a.ShiftID)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, fmt.Errorf("assignment %d: shift %d is missing", a.ID, a.ShiftID)
	}
	// AUTHZ: a volunteer sees only their own; the centre's coordinators, staff and admins see all.
	if !sc.viewer(ctx).CanSeeAssignment(a, s.CentreID) {
		return nil, nil, nil
	}
	return a, s, nil
}

// assignmentForChange loads the assignment a mutation is about: NOT_FOUND
// when it does not exist or the viewer may not see it. It also says whether
// the viewer holds it and whether they may manage its centre.
func (r *root) assignmentForChange(ctx context.Context, gid graphql.ID) (a *konullu.Assignment, own, manager bool, err error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, false, false, err
	}
	id, err := parseID("assignmentId", kindAssignment, gid)
	if err != nil {
		return nil, false, false, err
	}
	a, s, err := r.assignmentByID(ctx, r.scope(), id)
	if err != nil {
		return nil, false, false, err
	}
	if a == nil {
		return nil, false, false, &konullu.Error{Code: konullu.ENOTFOUND, Message: "assignment not found", Field: "assignmentId"}
	}
	own = vw.VolunteerID != 0 && a.VolunteerID == vw.VolunteerID
	return a, own, vw.CanManageCentre(s.CentreID), nil
}

// assignmentResult caches the assignment a mutation returns, after
// forgetting what the mutation may have changed (counts, waitlists).
func (r *root) assignmentResult(ctx context.Context, a *konullu.Assignment, err error) (*assignmentResolver, error) {
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	l.primeAssignments([]*konullu.Assignment{a})
	return &assignmentResolver{r.scope(), a}, nil
}

// SignUp resolves Mutation.signUp.
func (r *root) SignUp(ctx context.Context, args struct{ ShiftID graphql.ID }) (*assignmentResolver, error) {
	// AUTHZ: a volunteer signs up only themselves.
	volunteerID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	shiftID, err := parseID("shiftId", kindShift, args.ShiftID)
	if err != nil {
		return nil, err
	}
	// The signup's transaction reads the shift under its lock and refuses
	// every shift that is not open to volunteers, drafts included, so the
	// shift is read for authorisation only when it refused: a signup is one
	// read fewer in a storm.
	res, err := r.store.SignUp(ctx, shiftID, volunteerID, false)
	if err != nil {
		// AUTHZ: a draft the viewer may not see is no shift at all to them,
		// whatever the signup said about it.
		if _, serr := r.shiftForChange(ctx, "shiftId", args.ShiftID); serr != nil {
			return nil, serr
		}
	}
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreSignedUp, out, err)
	return out, err
}

// AssignVolunteer resolves Mutation.assignVolunteer.
func (r *root) AssignVolunteer(ctx context.Context, args struct {
	ShiftID     graphql.ID
	VolunteerID graphql.ID
}) (*assignmentResolver, error) {
	// AUTHZ: only the centre's coordinators and admins (managedShiftAndVolunteer).
	s, volunteerID, err := r.managedShiftAndVolunteer(ctx, args.ShiftID, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	res, err := r.store.SignUp(ctx, s.ID, volunteerID, true)
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreSignedUp, out, err)
	return out, err
}

// Withdraw resolves Mutation.withdraw.
func (r *root) Withdraw(ctx context.Context, args struct{ AssignmentID graphql.ID }) (*assignmentResolver, error) {
	a, own, manager, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the volunteer withdraws until the cut-off; the centre's
	// coordinators and admins release the place until the end (their own
	// assignments too: they could release them anyway).
	if !own && !manager {
		return nil, konullu.ErrForbidden
	}
	res, err := r.store.Withdraw(ctx, a.ID, manager)
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreWithdrawn, out, err)
	return out, err
}

// CheckIn resolves Mutation.checkIn.
func (r *root) CheckIn(ctx context.Context, args struct{ AssignmentID graphql.ID }) (*assignmentResolver, error) {
	a, own, manager, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the volunteer, or a coordinator of the centre (or an admin) at
	// the desk; the volunteer alone only where the centre allows self
	// check-in (presence.go).
	if !own && !manager {
		return nil, konullu.ErrForbidden
	}
	var res *konullu.Assignment
	if r.presence == nil {
		res, err = r.store.CheckIn(ctx, a.ID)
	} else {
		c := konullu.CheckIn{AssignmentID: a.ID, Proof: konullu.PresenceCoordinator}
		if !manager {
			c.Proof, c.SelfCheckInOnly = konullu.PresenceSelf, true
		}
		res, err = r.presence.CheckInWithProof(ctx, c)
	}
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreCheckedIn, out, err)
	return out, err
}

// CheckOut resolves Mutation.checkOut.
func (r *root) CheckOut(ctx context.Context, args struct{ AssignmentID graphql.ID }) (*assignmentResolver, error) {
	a, own, manager, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the volunteer, or a coordinator of the centre (or an admin).
	if !own && !manager {
		return nil, konullu.ErrForbidden
	}
	res, err := r.store.CheckOut(ctx, a.ID)
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreCheckedOut, out, err)
	return out, err
}

// RecordAttendance resolves Mutation.recordAttendance.
func (r *root) RecordAttendance(ctx context.Context, args struct {
	AssignmentID graphql.ID
	CheckedInAt  dateTime
	CheckedOutAt dateTime
}) (*assignmentResolver, error) {
	a, _, manager, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the centre's coordinators and admins record attendance.
	if !manager {
		return nil, konullu.ErrForbidden
	}
	if !args.CheckedOutAt.After(args.CheckedInAt.Time) {
		return nil, konullu.Invalid("checkedOutAt", "must be after checkedInAt")
	}
	if args.CheckedOutAt.After(r.now()) {
		return nil, konullu.Invalid("checkedOutAt", "must not be in the future")
	}
	res, err := r.store.RecordAttendance(ctx, a.ID, args.CheckedInAt.Time, args.CheckedOutAt.Time)
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreCheckedOut, out, err)
	return out, err
}

// MarkNoShow resolves Mutation.markNoShow.
func (r *root) MarkNoShow(ctx context.Context, args struct {
	AssignmentID graphql.ID
	Note         string
}) (*assignmentResolver, error) {
	a, _, manager, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the centre's coordinators and admins record no-shows.
	if !manager {
		return nil, konullu.ErrForbidden
	}
	note, err := konullu.CleanText("note", args.Note, false, maxNote)
	if err != nil {
		return nil, err
	}
	res, err := r.store.MarkNoShow(ctx, a.ID, note)
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreNoShow, out, err)
	return out, err
}
