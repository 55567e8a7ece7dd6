package schema

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// This file resolves Subscription and routes the events every instance
// publishes (package live) to this instance's subscriptions. The transport,
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

// CentreActivity resolves Subscription.centreActivity.
func (s *subscriptionRoot) CentreActivity(ctx context.Context, args struct{ CentreID graphql.ID }) (<-chan *centreEventResolver, error) {
	sub, err := liveSubFrom(ctx)
	if err != nil {
		return nil, err
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
	// again before every event (liveSub.authorised).
	if !v.CanManageCentre(centreID) {
		return nil, konullu.ErrForbidden
	}
	out := make(chan *centreEventResolver)
	sub.centreID = centreID
	go sub.feed(func(d delivery) bool {
		if d.centre == nil {
			return false
		}
		select {
		case out <- &centreEventResolver{s.r.scope(), d.centre}:
			return true
		case <-sub.stop:
			return false
		}
	}, func() { close(out) })
	s.r.hub.add(sub)
	return out, nil
}

// MyNotifications resolves Subscription.myNotifications.
func (s *subscriptionRoot) MyNotifications(ctx context.Context) (<-chan *notificationResolver, error) {
	sub, err := liveSubFrom(ctx)
	if err != nil {
		return nil, err
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
	out := make(chan *notificationResolver)
	sub.userID = v.UserID
	go sub.feed(func(d delivery) bool {
		if d.note == nil || d.note.UserID != sub.userID {
			return false
		}
		m, err := notes.NotificationsByIDs(sub.ctx, []int64{d.note.NotificationID})
		n := m[d.note.NotificationID]
		if err != nil || n == nil || n.UserID != konullu.ViewerFrom(sub.ctx).UserID {
			if err != nil {
				s.r.log.WarnContext(sub.ctx, "live notification not read", "error", err.Error(), "request_id", RequestID(sub.ctx))
			}
			return false
		}
		select {
		case out <- &notificationResolver{s.r.scope(), n}:
			return true
		case <-sub.stop:
			return false
		}
	}, func() { close(out) })
	s.r.hub.add(sub)
	return out, nil
}

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

// delivery is one event on its way to a subscription, with the loaders
// this instance shares among the subscriptions that receive it.
type delivery struct {
	centre *konullu.CentreEvent
	note   *konullu.NotificationEvent
	shared *loaders
}

// subscriptionBuffer is how many events may wait for a slow subscription;
// beyond it the subscription misses events (its view refetches on the next).
const subscriptionBuffer = 64

// liveSub is one subscription of a connection (websocket.go).
type liveSub struct {
	conn     *liveConn
	id       string
	ctx      context.Context
	centreID int64 // centreActivity
	userID   int64 // myNotifications

	in      chan delivery // from the hub
	loaders atomic.Pointer[loaders]
	ready   chan struct{} // the previous event's answer was written
	stop    chan struct{} // closed when the subscription ends
	stopped sync.Once
	endErr  atomic.Pointer[konullu.Error] // why it ended, when not asked to
	dropped atomic.Int64
}

func newLiveSub(c *liveConn, id string) *liveSub {
	s := &liveSub{conn: c, id: id, in: make(chan delivery, subscriptionBuffer), ready: make(chan struct{}, 1), stop: make(chan struct{})}
	s.ready <- struct{}{}
	s.loaders.Store(c.root.freshLoaders())
	return s
}

// end stops the subscription; err, when not nil, is told to the client.
func (s *liveSub) end(err *konullu.Error) {
	s.stopped.Do(func() {
		if err != nil {
			s.endErr.Store(err)
		}
		close(s.stop)
	})
}

// answered says the answer to the last event was written: the next may be resolved.
func (s *liveSub) answered() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// feed hands the subscription's events to graphql-go one at a time: an
// event's loaders stay in place until its answer is written, so that each
// event is read with loaders of its own moment. send returns whether it
// handed the event on; done closes the resolver's channel.
func (s *liveSub) feed(send func(delivery) bool, done func()) {
	defer done()
	defer s.conn.root.hub.remove(s)
	for {
		var d delivery
		select {
		case <-s.stop:
			return
		case d = <-s.in:
		}
		select {
		case <-s.stop:
			return
		case <-s.ready:
		}
		if err := s.authorised(); err != nil {
			s.end(err)
			return
		}
		s.loaders.Store(d.shared.forViewer())
		if !send(d) {
			s.answered()
		}
	}
}

// authorised checks, before each event, that the subscriber still may
// hear it: the connection's session is alive (the connection ends
// otherwise) and, for a centre, the viewer still manages it.
func (s *liveSub) authorised() *konullu.Error {
	v := s.conn.currentViewer()
	if !v.Authenticated() {
		return konullu.ErrUnauthenticated
	}
	// AUTHZ: a coordinator whose role was revoked hears nothing more.
	if s.centreID != 0 && !v.CanManageCentre(s.centreID) {
		return konullu.ErrForbidden
	}
	return nil
}

// offer hands an event to the subscription without waiting.
func (s *liveSub) offer(d delivery) {
	select {
	case s.in <- d:
	default:
		if s.dropped.Add(1) == 1 {
			s.conn.root.log.Warn("live subscription too slow: events dropped", "subscription", s.id, "request_id", s.conn.requestID)
		}
	}
}

// hub routes events to the subscriptions of this instance.
type hub struct {
	mu       sync.RWMutex
	byCentre map[int64]map[*liveSub]struct{}
	byUser   map[int64]map[*liveSub]struct{}
	conns    map[int64]map[*liveConn]struct{}
	enabled  bool
}

func newHub() *hub {
	return &hub{byCentre: map[int64]map[*liveSub]struct{}{}, byUser: map[int64]map[*liveSub]struct{}{},
		conns: map[int64]map[*liveConn]struct{}{}}
}

func (h *hub) add(s *liveSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.centreID != 0 {
		addTo(h.byCentre, s.centreID, s)
	}
	if s.userID != 0 {
		addTo(h.byUser, s.userID, s)
	}
}

func (h *hub) remove(s *liveSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	removeFrom(h.byCentre, s.centreID, s)
	removeFrom(h.byUser, s.userID, s)
}

// addConn registers a connection of a user unless they have max already.
func (h *hub) addConn(c *liveConn, userID int64, max int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.conns[userID]) >= max {
		return false
	}
	addTo(h.conns, userID, c)
	return true
}

func (h *hub) removeConn(c *liveConn, userID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	removeFrom(h.conns, userID, c)
}

func addTo[T comparable](m map[int64]map[T]struct{}, k int64, v T) {
	set := m[k]
	if set == nil {
		set = map[T]struct{}{}
		m[k] = set
	}
	set[v] = struct{}{}
}

func removeFrom[T comparable](m map[int64]map[T]struct{}, k int64, v T) {
	if set := m[k]; set != nil {
		delete(set, v)
		if len(set) == 0 {
			delete(m, k)
		}
	}
}

// handle routes one event; it runs on the bus's goroutine and never waits.
func (r *root) handleEvent(e konullu.Event) {
	h := r.hub
	h.mu.RLock()
	defer h.mu.RUnlock()
	switch {
	case e.Centre != nil:
		subs := h.byCentre[e.Centre.CentreID]
		if len(subs) == 0 {
			return
		}
		// One set of loaders per event and instance: the first subscriber
		// reads the shift and assignment, the others find them cached.
		d := delivery{centre: e.Centre, shared: r.sharedLoaders()}
		d.shared.assignments.Prime(e.Centre.AssignmentID)
		d.shared.shifts.Prime(e.Centre.ShiftID)
		for s := range subs {
			s.offer(d)
		}
	case e.Notification != nil:
		for s := range h.byUser[e.Notification.UserID] {
			s.offer(delivery{note: e.Notification, shared: r.sharedLoaders()})
		}
	case e.AccountChange != 0:
		for c := range h.conns[e.AccountChange] {
			go c.recheck()
		}
	}
}

// liveSubFrom returns the subscription being set up, or an error when the
// operation did not come over WebSocket.
func liveSubFrom(ctx context.Context) (*liveSub, error) {
	if s, ok := ctx.Value(liveSubKey{}).(*liveSub); ok {
		return s, nil
	}
	return nil, konullu.Invalid("query", "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")
}

type liveSubKey struct{}

// freshLoaders are loaders of the root's stores.
func (r *root) freshLoaders() *loaders { return newLoaders(r.store, r.privacy) }

// sharedLoaders are loaders shared by the subscriptions an event reaches:
// their reads outlive any one subscriber's context, so that one leaving
// mid-read does not fail the others.
func (r *root) sharedLoaders() *loaders {
	l := r.freshLoaders()
	l.detach()
	return l
}

// forViewer returns loaders for one subscriber: the shared caches, and its
// own for what depends on the viewer (shiftMates).
func (l *loaders) forViewer() *loaders {
	c := *l
	c.shiftMates = newShiftMatesLoader(l.store)
	return &c
}
