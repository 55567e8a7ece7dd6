package schema

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// This file routes the events every instance publishes (package live) to
// this instance's subscriptions, and answers each event as few times as
// the rules allow.
//
// An answer depends on the document, its variables and who reads it. For
// centreActivity the reader's part is their rights class: their roles and
// the centres they coordinate (Viewer.MaySeeVolunteer and the assignment
// rules decide on nothing else), and whether they are themselves the
// volunteer shown. So the subscriptions to one centre are grouped by
// document and variables; at each event the members are authorised one by
// one (from rights held in memory, read again when the account changes:
// role revoked, suspended, logged out), split by class, and each class is
// resolved once, under a viewer who has the class's rights and is nobody
// (no user, no volunteer). The same bytes go to every member. A member who
// is the volunteer shown (self probe: a volunteer field the class may not
// see) is answered on their own, as is every subscription whose document
// reaches a field outside sharedFields (its value may depend on the viewer
// beyond the class) and every myNotifications (per user anyway; a user's
// subscriptions with one document share an answer).

// sharedFields are the fields an answer shared by a class may contain: each
// depends on the viewer only through roles and coordinated centres, and on
// the viewer's own volunteer through volunteerResolver.may (the self
// probe). A field missing here makes its documents answered per subscriber,
// which is always right, only slower; the tracer refuses any other field in
// a shared answer (apiTracer.TraceField), so that a reader that disagreed
// with graphql-go cannot leak one.
var sharedFields = map[string]bool{
	"Subscription.centreActivity": true,
	"CentreEvent.kind":            true, "CentreEvent.at": true, "CentreEvent.shift": true, "CentreEvent.assignment": true,
	// Every shift reachable from a centre event is of the event's centre,
	// which every member manages: the members see the same assignments.
	"Shift.id": true, "Shift.centre": true, "Shift.position": true, "Shift.startsAt": true, "Shift.endsAt": true,
	"Shift.capacity": true, "Shift.confirmedCount": true, "Shift.waitlistCount": true, "Shift.status": true,
	"Shift.cancelReason": true, "Shift.assignments": true,
	"Assignment.id": true, "Assignment.shift": true, "Assignment.volunteer": true, "Assignment.status": true,
	"Assignment.waitlistPosition": true, "Assignment.checkedInAt": true, "Assignment.checkedOutAt": true,
	"Assignment.creditedMinutes": true, "Assignment.presence": true, "Assignment.attendanceConfirmed": true,
	// Volunteer fields decided by MaySeeVolunteer alone (the contact rule).
	"Volunteer.id": true, "Volunteer.fullName": true, "Volunteer.email": true, "Volunteer.phone": true,
	"Volunteer.birthDate": true, "Volunteer.city": true, "Volunteer.skills": true, "Volunteer.languages": true,
	"Volunteer.totalMinutes": true, "Volunteer.status": true,
	"Centre.id": true, "Centre.name": true, "Centre.city": true, "Centre.address": true, "Centre.timezone": true,
	"Centre.description": true, "Centre.archived": true,
	"Position.id": true, "Position.name": true, "Position.description": true, "Position.requiredSkills": true,
	"Position.minimumAge": true,
}

// shareable tells whether answers to the document may be shared by a
// rights class: one centreActivity, and only sharedFields.
func (a *analysis) shareable() bool {
	if a.opType != "subscription" || len(a.roots) != 1 || a.roots["centreActivity"] != 1 || a.introspection {
		return false
	}
	for c := range a.coords {
		if !sharedFields[c] {
			return false
		}
	}
	return true
}

// rights are a connection's viewer with what the fan-out derives from it.
type rights struct {
	v     *konullu.Viewer
	class string          // roles and coordinated centres
	rep   *konullu.Viewer // the class's rights, held by nobody

	// What the routing asks of every member at every event, read from v
	// once (5,000 members, 5,000 viewers to walk through otherwise).
	signedIn, admin, coordinator bool
}

// manages is v.CanManageCentre(centreID).
func (rt *rights) manages(centreID int64) bool {
	return rt.admin || rt.coordinator && slices.Contains(rt.rep.CentreIDs, centreID)
}

// noPerson is the user id of a class's viewer: signed in, nobody in particular.
const noPerson = -1

func newRights(v *konullu.Viewer) *rights {
	roles := make([]string, len(v.Roles))
	for i, r := range v.Roles {
		roles[i] = string(r)
	}
	slices.Sort(roles)
	centres := slices.Clone(v.CentreIDs)
	slices.Sort(centres)
	centres = slices.Compact(centres)
	var b strings.Builder
	b.WriteString(strings.Join(roles, ","))
	b.WriteByte('|')
	for i, c := range centres {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(c, 10))
	}
	rep := &konullu.Viewer{UserID: noPerson, Roles: slices.Clone(v.Roles), CentreIDs: centres}
	return &rights{v: v, class: b.String(), rep: rep, signedIn: v.Authenticated(), admin: v.IsAdmin(),
		coordinator: v.Has(konullu.RoleCoordinator)}
}

// selfProbe notes the volunteers a shared answer hid something of: a member
// who is one of them would see more (their own profile), so is answered alone.
type selfProbe struct {
	mu     sync.Mutex
	hidden map[int64]bool
}

func (p *selfProbe) hide(volunteerID int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hidden == nil {
		p.hidden = map[int64]bool{}
	}
	p.hidden[volunteerID] = true
}

// hidesAny tells whether the answer hid anything of anyone.
func (p *selfProbe) hidesAny() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.hidden) > 0
}

func (p *selfProbe) hides(volunteerID int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return volunteerID != 0 && p.hidden[volunteerID]
}

// noteHidden tells a shared answer's probe that the viewer's class was
// refused part of a volunteer's profile.
func noteHidden(ctx context.Context, volunteerID int64) {
	if d, ok := ctx.Value(liveModeKey{}).(*delivery); ok && d.probe != nil {
		d.probe.hide(volunteerID)
	}
}

// sharedFieldRefused tells the tracer that a shared answer is about to
// resolve a field it may not contain.
func sharedFieldRefused(ctx context.Context, typeName, fieldName string) bool {
	d, ok := ctx.Value(liveModeKey{}).(*delivery)
	return ok && d.probe != nil && !strings.HasPrefix(fieldName, "__") && !sharedFields[typeName+"."+fieldName]
}

// delivery is one event being answered: graphql-go hands it to the
// resolver through the context (liveModeKey).
type delivery struct {
	centre *konullu.CentreEvent
	note   *konullu.NotificationEvent
	probe  *selfProbe // a shared answer's; nil for one subscriber's
}

// liveQuery is a subscription's operation, as the limits read it.
type liveQuery struct {
	key       string // the operation and its variables: equal keys, equal answers for equal viewers
	p         *params
	an        *analysis
	shareable bool
}

func newLiveQuery(p *params, an *analysis) *liveQuery {
	vars, _ := json.Marshal(p.Variables) // keys sorted
	return &liveQuery{key: p.OperationName + "\x00" + p.Query + "\x00" + string(vars), p: p, an: an, shareable: an.shareable()}
}

// liveSub is one subscription of a connection (websocket.go).
type liveSub struct {
	conn     *liveConn
	id       string
	head     []byte // `{"type":"next","id":…,"payload":`
	q        *liveQuery
	ctx      context.Context // the subscriber's: their viewer, request id, session
	centreID int64           // centreActivity
	userID   int64           // myNotifications
	ended    atomic.Bool

	// The key of the answer group, for the rights it was made for (used by
	// the routing goroutine only).
	gk    string
	gkFor *rights
}

// groupKey is the key of the subscription's answer group under rights rt:
// equal keys, one answer.
func (s *liveSub) groupKey(rt *rights) string {
	if s.gkFor != rt {
		if s.q.shareable {
			// Names of centres and positions are in the reader's language.
			s.gk = s.q.key + "\x00" + rt.class + "\x00" + string(readerLanguage(s.ctx))
		} else {
			s.gk = "\x01" + s.conn.connID + "\x00" + s.id
		}
		s.gkFor = rt
	}
	return s.gk
}

func newLiveSub(c *liveConn, id string) *liveSub {
	idJSON, _ := json.Marshal(id)
	head := append([]byte(`{"type":"next","id":`), idJSON...)
	return &liveSub{conn: c, id: id, head: append(head, `,"payload":`...)}
}

// Limits of the fan-out.
const (
	maxWaitingEvents  = 16_384           // events heard and not yet routed; beyond, events are dropped
	liveAnswerTimeout = 30 * time.Second // to resolve one answer
	liveParallel      = 8                // answers to one event resolved at once
	liveRecheckWait   = 5 * time.Second  // to read a changed account's sessions again
	// liveHoldWrites: the longest the routing holds writers back while
	// events keep coming (hub.holdWriter).
	liveHoldWrites = 50 * time.Millisecond
)

// hub routes events to the subscriptions of this instance.
type hub struct {
	h       *handler
	id      string // this instance's, in connection ids
	seq     atomic.Int64
	counter LiveConnCounter // cluster-wide connection counts; nil: this instance's only

	mu       sync.RWMutex
	byCentre map[int64]map[*liveSub]struct{}
	byUser   map[int64]map[*liveSub]struct{}
	conns    map[int64]map[*liveConn]struct{}
	ticking  bool // keepAlive runs

	qmu     sync.Mutex
	queue   []konullu.Event
	routing bool // route runs
	dropped atomic.Int64

	// Connections the routing queued messages for, whose writers start
	// when no event is waiting or the oldest has been held liveHoldWrites.
	wmu       sync.Mutex
	held      []*liveConn
	heldSince time.Time

	stats liveStats
}

// liveStats count the work of the fan-out (LiveStats).
type liveStats struct {
	events, answers, shared, delivered, cutOff, writes atomic.Int64
}

// LiveStats are counts of the live fan-out of one instance since it started.
type LiveStats struct {
	Events    int64 // events routed to at least one subscription
	Answers   int64 // executions of a subscription document
	Shared    int64 // of which shared by a rights class
	Delivered int64 // next messages queued to subscribers
	CutOff    int64 // connections closed for falling too far behind
	Writes    int64 // writes of queued messages to the network (a batch is one)
}

// LiveStats returns the counts of the fan-out; zero without subscriptions.
func (h *handler) LiveStats() LiveStats {
	if h.root.hub == nil {
		return LiveStats{}
	}
	s := &h.root.hub.stats
	return LiveStats{Events: s.events.Load(), Answers: s.answers.Load(), Shared: s.shared.Load(),
		Delivered: s.delivered.Load(), CutOff: s.cutOff.Load(), Writes: s.writes.Load()}
}

func newHub(counter LiveConnCounter) *hub {
	id := make([]byte, 6)
	rand.Read(id)
	return &hub{id: hex.EncodeToString(id), counter: counter, byCentre: map[int64]map[*liveSub]struct{}{},
		byUser: map[int64]map[*liveSub]struct{}{}, conns: map[int64]map[*liveConn]struct{}{}}
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

// handleEvent queues an event for routing; it runs on the bus's goroutine
// and never waits. Events are routed one at a time, in the order heard, by
// a goroutine that lives while there are events.
func (r *root) handleEvent(e konullu.Event) {
	h := r.hub
	h.qmu.Lock()
	defer h.qmu.Unlock()
	if len(h.queue) >= maxWaitingEvents {
		if h.dropped.Add(1)%1000 == 1 {
			r.log.Warn("live: events dropped, routing is behind", "dropped", h.dropped.Load())
		}
		return
	}
	h.queue = append(h.queue, e)
	if !h.routing {
		h.routing = true
		go h.route()
	}
}

func (h *hub) route() {
	for {
		h.qmu.Lock()
		if len(h.queue) == 0 {
			h.qmu.Unlock()
			h.startWriters()
			h.qmu.Lock()
			if len(h.queue) == 0 {
				h.queue, h.routing = nil, false
				h.qmu.Unlock()
				return
			}
		}
		e := h.queue[0]
		h.queue[0] = konullu.Event{}
		h.queue = h.queue[1:]
		h.qmu.Unlock()
		switch {
		case e.AccountChange != 0:
			h.recheckUser(e.AccountChange)
		case e.Centre != nil:
			h.routeCentre(e.Centre)
		case e.Notification != nil:
			h.routeNote(e.Notification)
		}
		h.wmu.Lock()
		due := len(h.held) > 0 && time.Since(h.heldSince) >= liveHoldWrites
		h.wmu.Unlock()
		if due {
			h.startWriters()
		}
	}
}

// holdWriter notes a connection the routing queued messages for: its
// writer starts at the next startWriters. While events keep coming (a
// storm), each connection's messages then go out in one write instead of
// one write per event, and the writers do not compete with the routing for
// the processor.
func (h *hub) holdWriter(c *liveConn) {
	h.wmu.Lock()
	defer h.wmu.Unlock()
	if len(h.held) == 0 {
		h.heldSince = time.Now()
	}
	h.held = append(h.held, c)
}

// startWriters starts the writers of the held connections.
func (h *hub) startWriters() {
	h.wmu.Lock()
	held := h.held
	h.held = nil
	h.wmu.Unlock()
	for _, c := range held {
		c.startHeld()
	}
}

// recheckUser reads a changed account's sessions again before any later
// event is routed: an event published after a role was revoked or an
// account suspended never reaches them.
func (h *hub) recheckUser(userID int64) {
	h.mu.RLock()
	var conns []*liveConn
	for c := range h.conns[userID] {
		conns = append(conns, c)
	}
	h.mu.RUnlock()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.recheck()
		}()
	}
	wg.Wait()
}

// members returns the live subscriptions of a set.
func (h *hub) members(set map[int64]map[*liveSub]struct{}, key int64) []*liveSub {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]*liveSub, 0, len(set[key]))
	for s := range set[key] {
		if !s.ended.Load() {
			out = append(out, s)
		}
	}
	return out
}

// answerGroup is the subscribers that get one answer.
type answerGroup struct {
	q       *liveQuery
	rep     *liveSub        // whose context resolves it when not shared
	as      *konullu.Viewer // the class's viewer when shared
	members []*liveSub
}

func (h *hub) routeCentre(e *konullu.CentreEvent) {
	subs := h.members(h.byCentre, e.CentreID)
	if len(subs) == 0 {
		return
	}
	h.stats.events.Add(1)
	groups := map[string]*answerGroup{}
	var order []*answerGroup
	for _, s := range subs {
		rt := s.conn.rights.Load()
		if !rt.signedIn {
			continue // the connection is closing
		}
		// AUTHZ: every member, every event: a coordinator whose role was
		// revoked hears nothing more (their rights are read again before
		// any event published after the change, recheckUser).
		if !rt.manages(e.CentreID) {
			s.conn.finish(s, []responseError{fromDomain(konullu.ErrForbidden)})
			continue
		}
		key := s.groupKey(rt)
		g := groups[key]
		if g == nil {
			g = &answerGroup{q: s.q, rep: s}
			if s.q.shareable {
				g.as = rt.rep
			}
			groups[key] = g
			order = append(order, g)
		}
		g.members = append(g.members, s)
	}
	shared := h.h.root.sharedLoaders()
	shared.assignments.Prime(e.AssignmentID)
	shared.shifts.Prime(e.ShiftID)
	h.answerAll(order, func(g *answerGroup) {
		if g.as == nil {
			h.answerEach(g.members, shared, &delivery{centre: e})
			return
		}
		d := &delivery{centre: e, probe: &selfProbe{}}
		payload, ok := h.h.answer(h.classContext(g), g.q, shared, d)
		h.stats.shared.Add(1)
		var alone []*liveSub
		probed := d.probe.hidesAny()
		for _, s := range g.members {
			if probed && d.probe.hides(s.conn.rights.Load().v.VolunteerID) {
				alone = append(alone, s)
			} else if ok {
				s.conn.deliver(s, payload)
			}
		}
		h.answerEach(alone, shared, &delivery{centre: e})
	})
}

func (h *hub) routeNote(e *konullu.NotificationEvent) {
	subs := h.members(h.byUser, e.UserID)
	if len(subs) == 0 {
		return
	}
	h.stats.events.Add(1)
	// One user: their subscriptions with one document share its answer.
	groups := map[string]*answerGroup{}
	var order []*answerGroup
	for _, s := range subs {
		// AUTHZ: one hears only one's own notifications.
		if v := s.conn.rights.Load().v; !v.Authenticated() || v.UserID != e.UserID {
			continue
		}
		g := groups[s.q.key]
		if g == nil {
			g = &answerGroup{q: s.q, rep: s}
			groups[s.q.key] = g
			order = append(order, g)
		}
		g.members = append(g.members, s)
	}
	shared := h.h.root.sharedLoaders()
	h.answerAll(order, func(g *answerGroup) {
		payload, ok := h.h.answer(g.rep.ctx, g.q, shared.forViewer(), &delivery{note: e})
		if !ok {
			return
		}
		for _, s := range g.members {
			s.conn.deliver(s, payload)
		}
	})
}

// answerEach answers subscribers one by one, under their own viewers.
func (h *hub) answerEach(subs []*liveSub, shared *loaders, d *delivery) {
	for _, s := range subs {
		if payload, ok := h.h.answer(s.ctx, s.q, shared.forViewer(), d); ok {
			s.conn.deliver(s, payload)
		}
	}
}

// answerAll runs fn for every group, a few at a time, and waits for all.
func (h *hub) answerAll(groups []*answerGroup, fn func(*answerGroup)) {
	if len(groups) == 1 {
		fn(groups[0])
		return
	}
	sem := make(chan struct{}, liveParallel)
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(g)
		}()
	}
	wg.Wait()
}

// classContext is the context a class's answer is resolved in: the class's
// viewer, and the request id of one member for the log.
func (h *hub) classContext(g *answerGroup) context.Context {
	ctx := context.WithValue(context.Background(), requestIDKey, g.rep.conn.requestID)
	ctx = withReaderLanguage(ctx, readerLanguage(g.rep.ctx)) // every member's: the group key has it
	as := g.as
	return konullu.NewLiveContext(ctx, func() *konullu.Viewer { return as })
}

// answer resolves a subscription's document for one event: the payload of
// a next message, or false when there is nothing to say (the event is not
// the subscription's).
func (hd *handler) answer(ctx context.Context, q *liveQuery, l *loaders, d *delivery) ([]byte, bool) {
	hd.root.hub.stats.answers.Add(1)
	ctx, cancel := context.WithTimeout(ctx, liveAnswerTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, liveModeKey{}, d)
	ctx = context.WithValue(ctx, checkedKey{}, q.an.checked())
	ctx = loadersContext{ctx, l}
	res, err := hd.schema.Subscribe(ctx, q.p.Query, q.p.OperationName, q.p.Variables)
	if err != nil { // the schema has subscriptions: cannot happen
		hd.logInternal(ctx, err, nil)
		return nil, false
	}
	var resp *graphql.Response
	for r := range res {
		if x, ok := r.(*graphql.Response); ok && resp == nil {
			resp = x
		}
	}
	if resp == nil {
		return nil, false
	}
	errs, _ := hd.convertErrors(ctx, resp.Errors, q.p)
	data := resp.Data
	b, _ := json.Marshal(response{Errors: errs, Data: &data})
	return b, true
}

// loadersContext gives resolvers the loaders of the event being answered.
type loadersContext struct {
	context.Context
	l *loaders
}

func (c loadersContext) Value(key any) any {
	if key == any(loadersKey) {
		return c.l
	}
	return c.Context.Value(key)
}

// LiveConnCounter counts each user's live connections across instances
// (package live keeps them in Redis), so that the limit of connections per
// user holds for the whole deployment. Entries expire unless refreshed, so
// that an instance that died does not keep its connections counted.
type LiveConnCounter interface {
	// Acquire counts connection conn of the user unless they have max
	// already; it returns whether it did.
	Acquire(ctx context.Context, userID int64, conn string, max int) (bool, error)
	// Release forgets a connection.
	Release(ctx context.Context, userID int64, conn string) error
	// Refresh keeps this instance's open connections counted.
	Refresh(ctx context.Context, conns map[int64][]string) error
}

// addConn registers a connection of a user unless they have max already,
// on this instance or, with a counter, on all together.
func (h *hub) addConn(ctx context.Context, c *liveConn, userID int64, max int) bool {
	h.mu.Lock()
	if len(h.conns[userID]) >= max {
		h.mu.Unlock()
		return false
	}
	addTo(h.conns, userID, c)
	if !h.ticking {
		h.ticking = true
		go h.keepAlive()
	}
	h.mu.Unlock()
	if h.counter == nil {
		return true
	}
	actx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ok, err := h.counter.Acquire(actx, userID, c.connID, max)
	if err != nil {
		// Redis is away: the limit of this instance still holds.
		h.h.log.Warn("live connection not counted across instances", "error", err.Error(), "request_id", c.requestID)
		return true
	}
	if !ok {
		h.mu.Lock()
		removeFrom(h.conns, userID, c)
		h.mu.Unlock()
		return false
	}
	return true
}

func (h *hub) removeConn(c *liveConn, userID int64) {
	h.mu.Lock()
	removeFrom(h.conns, userID, c)
	h.mu.Unlock()
	if h.counter != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := h.counter.Release(ctx, userID, c.connID); err != nil {
			h.h.log.Warn("live connection not released across instances; it expires", "error", err.Error(), "request_id", c.requestID)
		}
	}
}

// keepAlive pings every connection, reads sessions again when they are
// old and keeps the connections counted across instances; it runs while
// the instance has connections.
func (h *hub) keepAlive() {
	t := time.NewTicker(livePingEvery)
	defer t.Stop()
	for range t.C {
		h.mu.Lock()
		if len(h.conns) == 0 {
			h.ticking = false
			h.mu.Unlock()
			return
		}
		var conns []*liveConn
		ids := map[int64][]string{}
		for u, set := range h.conns {
			for c := range set {
				conns = append(conns, c)
				ids[u] = append(ids[u], c.connID)
			}
		}
		h.mu.Unlock()
		if h.counter != nil {
			ctx, cancel := context.WithTimeout(context.Background(), livePingEvery/2)
			if err := h.counter.Refresh(ctx, ids); err != nil {
				h.h.log.Warn("live connections not refreshed across instances", "error", err.Error())
			}
			cancel()
		}
		for _, c := range conns {
			go c.ping()
		}
	}
}
