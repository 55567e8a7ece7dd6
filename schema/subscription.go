package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// This file resolves Subscription. The resolvers do not keep a subscription
// running inside graphql-go: they are called once when a subscription starts
// (liveStart: check the rights, say what to listen to) and once per answer
// to an event (delivery: hand graphql-go that one event). The routing of
// events and the sharing of answers are fanout.go; the transport,
// graphql-transport-ws over WebSocket, is websocket.go.

// EventSource hands a function every event any instance published; the
// events bus (package live) is one. Subscriptions need one.
type EventSource interface {
	Listen(func(konullu.Event))
}

// subscriptionRoot resolves Subscription. graphql-go takes it from
// root.Subscription, so that Subscription.myNotifications and
// Query.myNotifications can both exist.
type subscriptionRoot struct{ r *root }

// Subscription returns the resolver of the Subscription type.
func (r *root) Subscription() *subscriptionRoot { return &subscriptionRoot{r} }

// liveStart is what a subscription being started learns from its resolver:
// what it listens to. The resolver fills it and returns no channel.
type liveStart struct {
	centreID int64 // centreActivity
	userID   int64 // myNotifications
}

type liveModeKey struct{}

// CentreActivity resolves Subscription.centreActivity.
func (s *subscriptionRoot) CentreActivity(ctx context.Context, args struct{ CentreID graphql.ID }) (<-chan *centreEventResolver, error) {
	mode := ctx.Value(liveModeKey{})
	if mode == nil {
		return nil, errNotOverWebSocket
	}
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	centreID, err := parseID("centreId", kindCentre, args.CentreID)
	if err != nil {
		return nil, err
	}
	if _, ok, err := loadersFrom(ctx).centres.Get(ctx, centreID); err != nil {
		return nil, err
	} else if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
	}
	// AUTHZ: a centre's activity is for its coordinators and admins; checked
	// when it starts, for each subscriber before every event (fanout.go),
	// and here again for each answer, under the viewer it is resolved for.
	if !v.CanManageCentre(centreID) {
		return nil, konullu.ErrForbidden
	}
	switch m := mode.(type) {
	case *liveStart:
		m.centreID = centreID
	case *delivery:
		if m.centre != nil && m.centre.CentreID == centreID {
			out := make(chan *centreEventResolver, 1)
			out <- &centreEventResolver{s.r.scope(), m.centre}
			close(out)
			return out, nil
		}
	}
	return nil, nil // no channel: nothing to answer now
}

// MyNotifications resolves Subscription.myNotifications.
func (s *subscriptionRoot) MyNotifications(ctx context.Context) (<-chan *notificationResolver, error) {
	mode := ctx.Value(liveModeKey{})
	if mode == nil {
		return nil, errNotOverWebSocket
	}
	// AUTHZ: one hears only one's own notifications.
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	notes := s.r.notes
	if notes == nil {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "notifications are not kept on this server"}
	}
	switch m := mode.(type) {
	case *liveStart:
		m.userID = v.UserID
	case *delivery:
		if m.note == nil || m.note.UserID != v.UserID {
			return nil, nil
		}
		found, err := notes.NotificationsByIDs(ctx, []int64{m.note.NotificationID})
		if err != nil {
			return nil, err
		}
		if n := found[m.note.NotificationID]; n != nil && n.UserID == v.UserID {
			out := make(chan *notificationResolver, 1)
			out <- &notificationResolver{s.r.scope(), n}
			close(out)
			return out, nil
		}
	}
	return nil, nil
}

var errNotOverWebSocket = konullu.Invalid("query", "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")

// centreEventResolver resolves CentreEvent. Its subscriber may manage the centre.
type centreEventResolver struct {
	scope
	e *konullu.CentreEvent
}

func (e *centreEventResolver) Kind() string { return string(e.e.Kind) }
func (e *centreEventResolver) At() dateTime { return dateTime{e.e.At} }

// Shift is the shift of the event.
func (e *centreEventResolver) Shift(ctx context.Context) (*shiftResolver, error) {
	s, ok, err := loadersFrom(ctx).shifts.Get(ctx, e.e.ShiftID)
	if err != nil || !ok {
		return nil, orNotFound(err, "shift")
	}
	// AUTHZ: the subscriber manages the shift's centre (checked at each delivery).
	if !e.viewer(ctx).CanManageCentre(s.CentreID) {
		return nil, konullu.ErrForbidden
	}
	return &shiftResolver{e.scope, s}, nil
}

// Assignment is the assignment of the event, read under the subscriber's
// rights: its volunteer's contact details follow Viewer.MaySeeVolunteer.
func (e *centreEventResolver) Assignment(ctx context.Context) (*assignmentResolver, error) {
	if e.e.AssignmentID == 0 {
		return nil, nil
	}
	a, _, err := e.r.assignmentByID(ctx, e.scope, e.e.AssignmentID)
	if err != nil || a == nil {
		return nil, err
	}
	return &assignmentResolver{e.scope, a}, nil
}

// freshLoaders are loaders of the root's stores.
func (r *root) freshLoaders() *loaders { return newLoaders(r.store, r.privacy) }

// sharedLoaders are loaders shared by the answers to one event: their reads
// outlive any one subscriber's context, so that one leaving mid-read does
// not fail the others.
func (r *root) sharedLoaders() *loaders {
	l := r.freshLoaders()
	l.detach()
	return l
}

// forViewer returns loaders for one viewer: the shared caches, and its own
// for what depends on the viewer (shiftMates).
func (l *loaders) forViewer() *loaders {
	c := *l
	c.shiftMates = newShiftMatesLoader(l.store)
	c.shiftMates.detached = true
	return &c
}
