package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// node is what every Node type resolver has in common.
type node interface {
	ID() graphql.ID
}

// nodeResolver resolves the Node interface; graphql-go picks the concrete
// type through the To* methods.
type nodeResolver struct{ node }

func (n *nodeResolver) ToUser() (*userResolver, bool) {
	r, ok := n.node.(*userResolver)
	return r, ok
}

func (n *nodeResolver) ToCentre() (*centreResolver, bool) {
	r, ok := n.node.(*centreResolver)
	return r, ok
}

func (n *nodeResolver) ToPosition() (*positionResolver, bool) {
	r, ok := n.node.(*positionResolver)
	return r, ok
}

func (n *nodeResolver) ToShift() (*shiftResolver, bool) {
	r, ok := n.node.(*shiftResolver)
	return r, ok
}

func (n *nodeResolver) ToAssignment() (*assignmentResolver, bool) {
	r, ok := n.node.(*assignmentResolver)
	return r, ok
}

func (n *nodeResolver) ToVolunteer() (*volunteerResolver, bool) {
	r, ok := n.node.(*volunteerResolver)
	return r, ok
}

func (n *nodeResolver) ToNotification() (*notificationResolver, bool) {
	r, ok := n.node.(*notificationResolver)
	return r, ok
}

func (n *nodeResolver) ToRosterPlan() (*rosterPlanResolver, bool) {
	p, ok := n.node.(*rosterPlanResolver)
	return p, ok
}

func (n *nodeResolver) ToKiosk() (*kioskResolver, bool) {
	r, ok := n.node.(*kioskResolver)
	return r, ok
}

func (n *nodeResolver) ToHourCorrection() (*hourCorrectionResolver, bool) {
	r, ok := n.node.(*hourCorrectionResolver)
	return r, ok
}

func (n *nodeResolver) ToRecommendationLetter() (*letterResolver, bool) {
	r, ok := n.node.(*letterResolver)
	return r, ok
}

func (n *nodeResolver) ToJobRun() (*jobRunResolver, bool) {
	r, ok := n.node.(*jobRunResolver)
	return r, ok
}

// Node resolves Query.node with the same authorisation as the query of each
// type: null when the object does not exist or the viewer may not see it.
func (r *root) Node(ctx context.Context, args struct{ ID graphql.ID }) (*nodeResolver, error) {
	kind, id, err := parseGlobalID("id", args.ID)
	if err != nil {
		return nil, err
	}
	var n node
	switch kind {
	case kindUser:
		u, err := r.userByID(ctx, id)
		if err != nil || u == nil {
			return nil, err
		}
		n = u
	case kindCentre:
		c, err := r.centreByID(ctx, id)
		if err != nil || c == nil {
			return nil, err
		}
		n = c
	case kindPosition:
		p, err := r.positionByID(ctx, id)
		if err != nil || p == nil {
			return nil, err
		}
		n = p
	case kindShift:
		s, err := r.shiftByID(ctx, r.scope(), id)
		if err != nil || s == nil {
			return nil, err
		}
		n = s
	case kindAssignment:
		a, _, err := r.assignmentByID(ctx, r.scope(), id)
		if err != nil || a == nil {
			return nil, err
		}
		n = &assignmentResolver{r.scope(), a}
	case kindVolunteer:
		v, err := r.volunteerByID(ctx, id)
		if err != nil || v == nil {
			return nil, err
		}
		n = v
	case kindNotification:
		nr, err := r.notificationByID(ctx, id)
		if err != nil || nr == nil {
			return nil, err
		}
		n = nr
	case kindJobRun:
		jr, err := r.jobRunByID(ctx, id)
		if err != nil || jr == nil {
			return nil, err
		}
		n = jr
	case kindRosterPlan:
		p, err := r.rosterPlanByID(ctx, id)
		if err != nil || p == nil {
			return nil, err
		}
		n = p
	case kindPlaceOffer:
		o, err := r.placeOfferByID(ctx, id)
		if err != nil || o == nil {
			return nil, err
		}
		n = o
	case kindCohort, kindApplication:
		in, err := r.intakeNode(ctx, kind, id)
		if err != nil || in == nil {
			return nil, err
		}
		n = in
	case kindKiosk:
		k, err := r.kioskByID(ctx, id)
		if err != nil || k == nil {
			return nil, err
		}
		n = k
	case kindHourCorrection:
		c, err := r.correctionByID(ctx, id)
		if err != nil || c == nil {
			return nil, err
		}
		n = c
	case kindRecommendationLetter:
		l, err := r.letterByID(ctx, id)
		if err != nil || l == nil {
			return nil, err
		}
		n = l
	case kindQualification, kindCourse:
		q, err := r.qualificationNode(ctx, kind, id)
		if err != nil || q == nil {
			return nil, err
		}
		n = q
	default:
		return nil, konullu.Invalid("id", "not a valid id")
	}
	return &nodeResolver{n}, nil
}
