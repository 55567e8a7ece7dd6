package schema

import (
	"context"
	"fmt"
	"strconv"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Place swaps, messages to volunteers and attendance confirmation
// (swaps.graphql).

const kindPlaceOffer = "PlaceOffer"

func init() { knownKinds[kindPlaceOffer] = true }

// RuleMessageUser limits messageVolunteers per sender; key: the user id.
const RuleMessageUser = "message"

var errNoSwaps = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "place swaps and messages are not available on this server"}

// swapStore is the store's konullu.SwapStore, or UNAVAILABLE.
func (r *root) swapStore() (konullu.SwapStore, error) {
	if s, ok := r.store.(konullu.SwapStore); ok {
		return s, nil
	}
	return nil, errNoSwaps
}

// placeOfferResolver resolves PlaceOffer. Whoever holds one may see it: the
// offer names no one, and its shift is published.
type placeOfferResolver struct {
	scope
	o *konullu.PlaceOffer
}

func (o *placeOfferResolver) ID() graphql.ID      { return globalID(kindPlaceOffer, o.o.ID) }
func (o *placeOfferResolver) Status() string      { return string(o.o.Status) }
func (o *placeOfferResolver) CreatedAt() dateTime { return dateTime{o.o.CreatedAt} }
func (o *placeOfferResolver) ExpiresAt() dateTime { return dateTime{o.o.ExpiresAt} }
func (o *placeOfferResolver) Mine(ctx context.Context) bool {
	v := o.viewer(ctx)
	return v.VolunteerID != 0 && v.VolunteerID == o.o.VolunteerID
}

func (o *placeOfferResolver) Shift(ctx context.Context) (*shiftResolver, error) {
	s, ok, err := loadersFrom(ctx).shifts.Get(ctx, o.o.ShiftID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("place offer %d: shift %d is missing", o.o.ID, o.o.ShiftID)
	}
	return &shiftResolver{o.scope, s}, nil
}

func (n *nodeResolver) ToPlaceOffer() (*placeOfferResolver, bool) {
	r, ok := n.node.(*placeOfferResolver)
	return r, ok
}

// placeOfferByID returns an offer the viewer may see, or nil: the offerer,
// whoever may see the offered assignment (the centre's coordinators, staff,
// admins), and volunteers while it is open.
func (r *root) placeOfferByID(ctx context.Context, id int64) (*placeOfferResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	st, err := r.swapStore()
	if err != nil {
		return nil, err
	}
	m, err := st.PlaceOffersByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	o := m[id]
	if o == nil {
		return nil, nil
	}
	// AUTHZ: an open offer is for any volunteer to take; a closed one is
	// the offerer's and their centre's business.
	if o.Status != konullu.OfferOpen || vw.VolunteerID == 0 {
		a, _, err := r.assignmentByID(ctx, r.scope(), o.AssignmentID)
		if err != nil || a == nil {
			return nil, err
		}
	}
	return &placeOfferResolver{r.scope(), o}, nil
}

// AttendanceConfirmed resolves Assignment.attendanceConfirmed.
func (a *assignmentResolver) AttendanceConfirmed() bool { return a.a.AttendanceConfirmedAt != nil }

// PlaceOffer resolves Assignment.placeOffer: whoever sees the assignment sees its offer.
func (a *assignmentResolver) PlaceOffer(ctx context.Context) (*placeOfferResolver, error) {
	st, ok := a.r.store.(konullu.SwapStore)
	if !ok {
		return nil, nil
	}
	m, err := st.PlaceOffersOfAssignments(ctx, []int64{a.a.ID})
	if err != nil || m[a.a.ID] == nil {
		return nil, err
	}
	return &placeOfferResolver{a.scope, m[a.a.ID]}, nil
}

// PlaceOffers resolves Query.placeOffers.
func (r *root) PlaceOffers(ctx context.Context, args struct {
	CentreID *graphql.ID
	First    *int32
}) ([]*placeOfferResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	first, err := pageSize(args.First)
	if err != nil {
		return nil, err
	}
	var centreID int64
	if args.CentreID != nil {
		if centreID, err = parseID("centreId", kindCentre, *args.CentreID); err != nil {
			return nil, err
		}
	}
	out := []*placeOfferResolver{}
	// AUTHZ: the offers a volunteer could take; accounts without a
	// volunteer profile could take none.
	if vw.VolunteerID == 0 {
		return out, nil
	}
	st, err := r.swapStore()
	if err != nil {
		return nil, err
	}
	list, err := st.OpenPlaceOffers(ctx, konullu.OfferFilter{VolunteerID: vw.VolunteerID, CentreID: centreID, Now: r.now(), Limit: first})
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	for _, o := range list {
		l.shifts.Prime(o.ShiftID)
	}
	for _, o := range list {
		out = append(out, &placeOfferResolver{r.scope(), o})
	}
	return out, nil
}

// OfferPlace resolves Mutation.offerPlace.
func (r *root) OfferPlace(ctx context.Context, args struct{ AssignmentID graphql.ID }) (*placeOfferResolver, error) {
	a, own, _, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the holder offers their place; a coordinator releases it instead.
	if !own {
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "only the volunteer who holds the place can offer it"}
	}
	st, err := r.swapStore()
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	s, ok, err := l.shifts.Get(ctx, a.ShiftID)
	if err != nil || !ok {
		return nil, orNotFound(err, "shift")
	}
	// Who could take it: free by the availability index (SQL without one),
	// then every signup rule in the store. Checked before the offer is
	// made, so a refused offer asks nothing more.
	if err := r.rules.CheckOffer(r.now(), s, a); err != nil {
		return nil, err
	}
	p, ok, err := l.positions.Get(ctx, s.PositionID)
	if err != nil || !ok {
		return nil, orNotFound(err, "position")
	}
	free, err := r.freeVolunteers(ctx, konullu.FreeQuery{Start: s.StartsAt, End: s.EndsAt, Skills: p.RequiredSkills})
	if err != nil {
		return nil, err
	}
	candidates, err := st.OfferCandidates(ctx, a.ID, free, konullu.MaxOfferNotified)
	if err != nil {
		return nil, err
	}
	o, err := st.OfferPlace(ctx, a.ID, candidates)
	if err != nil {
		return nil, err
	}
	if o.Status == konullu.OfferTaken {
		// The shift's waitlist took the place at once; the store told
		// both and announced the change.
		r.log.InfoContext(ctx, "place offered and given to the waitlist", "offer", o.ID, "assignment", a.ID)
		return &placeOfferResolver{r.scope(), o}, nil
	}
	r.log.InfoContext(ctx, "place offered", "offer", o.ID, "assignment", a.ID, "candidates", len(candidates))
	r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentrePlaceOffered, CentreID: s.CentreID, ShiftID: s.ID, AssignmentID: a.ID})
	return &placeOfferResolver{r.scope(), o}, nil
}

// offerForChange loads an offer a mutation names: NOT_FOUND when it does not exist.
func (r *root) offerForChange(ctx context.Context, gid graphql.ID) (*konullu.PlaceOffer, konullu.SwapStore, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, nil, err
	}
	id, err := parseID("offerId", kindPlaceOffer, gid)
	if err != nil {
		return nil, nil, err
	}
	st, err := r.swapStore()
	if err != nil {
		return nil, nil, err
	}
	m, err := st.PlaceOffersByIDs(ctx, []int64{id})
	if err != nil {
		return nil, nil, err
	}
	// AUTHZ: an offer names nobody, so whoever may change or take one
	// (decided by each mutation) may learn that it exists: a second taker
	// is told the place was taken, not that there is no such offer.
	o := m[id]
	if o == nil {
		return nil, nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "place offer not found", Field: "offerId"}
	}
	return o, st, nil
}

// WithdrawOffer resolves Mutation.withdrawOffer.
func (r *root) WithdrawOffer(ctx context.Context, args struct{ OfferID graphql.ID }) (*placeOfferResolver, error) {
	o, st, err := r.offerForChange(ctx, args.OfferID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the offerer withdraws their offer.
	if vw := konullu.ViewerFrom(ctx); vw.VolunteerID == 0 || vw.VolunteerID != o.VolunteerID {
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "only the volunteer who offered the place can withdraw the offer"}
	}
	o, err = st.WithdrawOffer(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return &placeOfferResolver{r.scope(), o}, nil
}

// TakePlace resolves Mutation.takePlace.
func (r *root) TakePlace(ctx context.Context, args struct{ OfferID graphql.ID }) (*assignmentResolver, error) {
	// AUTHZ: a volunteer takes a place for themselves only.
	volunteerID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	o, st, err := r.offerForChange(ctx, args.OfferID)
	if err != nil {
		return nil, err
	}
	res, err := st.TakePlace(ctx, o.ID, volunteerID)
	out, err := r.assignmentResult(ctx, res, err)
	if err == nil {
		// The taker's place, then the offerer's release.
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentrePlaceTaken, ShiftID: o.ShiftID, AssignmentID: res.ID})
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreWithdrawn, ShiftID: o.ShiftID, AssignmentID: o.AssignmentID})
	}
	return out, err
}

type messageInput struct {
	ShiftID  *graphql.ID
	CentreID *graphql.ID
	From, To *dateTime
	Subject  string
	Body     string
}

// MessageVolunteers resolves Mutation.messageVolunteers.
func (r *root) MessageVolunteers(ctx context.Context, args struct{ Input messageInput }) (*messageResultResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	in := args.Input
	m := konullu.MessageRequest{SenderUserID: vw.UserID, Subject: in.Subject, Body: in.Body}
	var centreID int64
	switch {
	case in.ShiftID != nil && in.CentreID != nil:
		return nil, konullu.Invalid("centreId", "give either shiftId or centreId with from and to, not both")
	case in.ShiftID != nil:
		s, err := r.shiftForChange(ctx, "shiftId", *in.ShiftID)
		if err != nil {
			return nil, err
		}
		m.ShiftID, centreID = s.ID, s.CentreID
	case in.CentreID != nil:
		if centreID, err = parseID("centreId", kindCentre, *in.CentreID); err != nil {
			return nil, err
		}
		if _, ok, err := loadersFrom(ctx).centres.Get(ctx, centreID); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
		}
		if in.From == nil {
			return nil, konullu.Invalid("from", "required with centreId")
		}
		if in.To == nil {
			return nil, konullu.Invalid("to", "required with centreId")
		}
		if !in.To.After(in.From.Time) {
			return nil, konullu.Invalid("to", "must be after from")
		}
		if in.To.Sub(in.From.Time) > konullu.MaxMessageWindow {
			return nil, konullu.Invalid("to", "at most 31 days after from")
		}
		m.CentreID, m.From, m.To = centreID, in.From.Time, in.To.Time
	default:
		return nil, konullu.Invalid("shiftId", "give shiftId, or centreId with from and to")
	}
	// AUTHZ: the centre's coordinators and admins write to its volunteers.
	if !vw.CanManageCentre(centreID) {
		return nil, konullu.ErrForbidden
	}
	if m, err = konullu.CleanMessage(m); err != nil {
		return nil, err
	}
	st, err := r.swapStore()
	if err != nil {
		return nil, err
	}
	if err := r.limit(ctx, RuleMessageUser, strconv.FormatInt(vw.UserID, 10)); err != nil {
		return nil, err
	}
	n, err := st.MessageVolunteers(ctx, m)
	if err != nil {
		return nil, err
	}
	return &messageResultResolver{n}, nil
}

type messageResultResolver struct{ n int }

func (m *messageResultResolver) Recipients() int32 { return int32(m.n) }

// ConfirmAttendance resolves Mutation.confirmAttendance.
func (r *root) ConfirmAttendance(ctx context.Context, args struct{ AssignmentID graphql.ID }) (*assignmentResolver, error) {
	a, own, _, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the holder can say they are coming.
	if !own {
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "only the volunteer who holds the place can confirm attendance"}
	}
	st, err := r.swapStore()
	if err != nil {
		return nil, err
	}
	res, err := st.ConfirmAttendance(ctx, a.ID)
	return r.assignmentResult(ctx, res, err)
}
