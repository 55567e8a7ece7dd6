package schema

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/konullu/konullu"
)

// eventDeps announce changes to live subscribers (subscription.go) on
// every instance; without a publisher nothing is announced.
type eventDeps struct {
	events konullu.EventPublisher
	hub    *hub // nil without an EventSource: no subscriptions
	live   *liveSettings
}

// liveSettings are the limits of live connections (websocket.go).
type liveSettings struct {
	origins     []string
	maxConns    int
	maxSubs     int
	maxQueue    int
	initTimeout time.Duration
	open        atomic.Int64 // connections open now
}

func (c Config) eventDeps() eventDeps {
	d := eventDeps{events: c.Events, live: &liveSettings{origins: c.LiveOrigins, maxConns: c.MaxLiveConnections,
		maxSubs: c.MaxSubscriptions, maxQueue: c.MaxLiveQueue, initTimeout: c.LiveInitTimeout}}
	if d.live.maxConns <= 0 {
		d.live.maxConns = defaultMaxLiveConnsPerUser
	}
	if d.live.maxSubs <= 0 {
		d.live.maxSubs = defaultMaxSubscriptions
	}
	if d.live.maxQueue <= 0 {
		d.live.maxQueue = defaultMaxLiveQueue
	}
	if d.live.initTimeout <= 0 {
		d.live.initTimeout = defaultInitTimeout
	}
	if _, ok := c.Events.(EventSource); ok {
		d.hub = newHub(c.LiveConns)
	}
	return d
}

// listen starts routing the events of the source to this instance's subscriptions.
func (r *root) listen() {
	if src, ok := r.events.(EventSource); ok && r.hub != nil {
		src.Listen(r.handleEvent)
	}
}

// LiveConnections is the number of WebSocket connections open now.
func (h *handler) LiveConnections() int64 { return h.root.live.open.Load() }

// publishCentreEvent announces a committed change at a centre. Call it
// after the change committed, never before: a rolled-back change must not
// reach anyone. It never fails the mutation: a lost event only delays a
// live view, which refetches on the next one. The centre is read from the
// shift (through the request's loaders, which the answer reuses) when the
// event does not name it.
func (r *root) publishCentreEvent(ctx context.Context, e konullu.CentreEvent) {
	if r.events == nil {
		return
	}
	if e.At.IsZero() {
		e.At = r.now()
	}
	if e.CentreID == 0 && e.ShiftID != 0 {
		if l, ok := ctx.Value(loadersKey).(*loaders); ok {
			if s, found, err := l.shifts.Get(ctx, e.ShiftID); err == nil && found {
				e.CentreID = s.CentreID
			}
		} else if m, err := r.store.ShiftsByIDs(ctx, []int64{e.ShiftID}); err == nil && m[e.ShiftID] != nil {
			e.CentreID = m[e.ShiftID].CentreID
		}
	}
	if e.CentreID == 0 {
		r.log.WarnContext(ctx, "centre event without a centre is not published", "kind", string(e.Kind), "shift", e.ShiftID)
		return
	}
	if err := r.events.PublishCentreEvent(ctx, e); err != nil {
		r.log.WarnContext(ctx, "centre event not published", "kind", string(e.Kind), "shift", e.ShiftID, "error", err.Error(), "request_id", RequestID(ctx))
	}
}

// publishAssignmentEvent announces what a mutation did to an assignment;
// it does nothing when the mutation failed.
func (r *root) publishAssignmentEvent(ctx context.Context, kind konullu.CentreEventKind, a *assignmentResolver, err error) {
	if err != nil || a == nil {
		return
	}
	if kind == konullu.CentreSignedUp && a.a.Status == konullu.AssignmentWaitlisted {
		kind = konullu.CentreWaitlisted
	}
	r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: kind, ShiftID: a.a.ShiftID, AssignmentID: a.a.ID})
}

// publishAccountChange tells a user's open subscriptions that their
// sessions, roles or suspension changed, so that they check their rights
// again at once instead of at their next periodic check.
func (r *root) publishAccountChange(ctx context.Context, userID int64) {
	if r.events == nil || userID == 0 {
		return
	}
	if err := r.events.PublishAccountChange(ctx, userID); err != nil {
		r.log.WarnContext(ctx, "account change not published", "user", userID, "error", err.Error(), "request_id", RequestID(ctx))
	}
}
