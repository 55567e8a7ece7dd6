package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/konullu/konullu"
)

// This file announces what the store changes by itself, beyond the request
// that asked (waitlist promotions, the no-show job, in-app notifications
// stored by the dispatchers), to live subscribers. Events are collected in
// the transaction that makes the change and published only once it
// committed: a rolled-back change announces nothing.

// SetEvents sets who hears of committed changes; call it before the store
// is shared (the server does, before it serves). Nil announces nothing.
func (d *DB) SetEvents(p konullu.EventPublisher) { d.events = p }

// txEvents are the events of one transaction, waiting for its commit.
type txEvents struct {
	mu     sync.Mutex
	centre []konullu.CentreEvent
	notes  []konullu.NotificationEvent
}

// announce notes centre events to publish when tx commits.
func (d *DB) announce(tx *sql.Tx, evs ...konullu.CentreEvent) {
	if d.events == nil || len(evs) == 0 {
		return
	}
	p := d.pendingOf(tx)
	p.mu.Lock()
	p.centre = append(p.centre, evs...)
	p.mu.Unlock()
}

// announceNotifications notes stored in-app notifications to publish when tx commits.
func (d *DB) announceNotifications(tx *sql.Tx, ns ...konullu.NotificationEvent) {
	if d.events == nil || len(ns) == 0 {
		return
	}
	p := d.pendingOf(tx)
	p.mu.Lock()
	p.notes = append(p.notes, ns...)
	p.mu.Unlock()
}

func (d *DB) pendingOf(tx *sql.Tx) *txEvents {
	v, _ := d.pending.LoadOrStore(tx, &txEvents{})
	return v.(*txEvents)
}

// settle publishes the events of a committed transaction, or forgets those
// of one rolled back. Publishing is the publisher's business: it must not
// block, and its failure is logged, never returned (the change is done).
func (d *DB) settle(ctx context.Context, tx *sql.Tx, committed bool) {
	if d.events == nil {
		return
	}
	v, ok := d.pending.LoadAndDelete(tx)
	if !ok || !committed {
		return
	}
	p := v.(*txEvents)
	for _, e := range p.centre {
		if e.At.IsZero() {
			e.At = d.now()
		}
		if err := d.events.PublishCentreEvent(ctx, e); err != nil {
			d.log.WarnContext(ctx, "centre event not published", "kind", string(e.Kind), "shift", e.ShiftID, "error", err.Error())
		}
	}
	for _, n := range p.notes {
		if err := d.events.PublishNotification(ctx, n); err != nil {
			d.log.WarnContext(ctx, "notification event not published", "user", n.UserID, "error", err.Error())
		}
	}
}

// centresOfShifts maps shifts to their centres.
func (d *DB) centresOfShifts(ctx context.Context, q queryer, shiftIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for ids := uniqueIDs(shiftIDs); len(ids) > 0; {
		n := min(len(ids), outboxChunk)
		in, args := inList(ids[:n])
		ids = ids[n:]
		rows, err := d.query(ctx, q, `SELECT id, centre_id FROM shifts WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: centres of shifts: %w", err)
		}
		for rows.Next() {
			var s, c int64
			if err := rows.Scan(&s, &c); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: centres of shifts: %w", err)
			}
			out[s] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: centres of shifts: %w", err)
		}
	}
	return out, nil
}
