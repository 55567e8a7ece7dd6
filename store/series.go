package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/konullu/konullu"
)

// lockSeries locks the shifts of a series that start at or after from and
// have not started, not cancelled, in id order (as every other path locks
// one shift at a time, no two series changes deadlock).
func (d *DB) lockSeries(ctx context.Context, tx *sql.Tx, seriesID int64, from, now time.Time) ([]*lockedShift, error) {
	if from.Before(now) {
		from = now
	}
	rows, err := d.query(ctx, tx, `SELECT id FROM shifts WHERE series_id = ? AND starts_at >= ? AND status <> 'CANCELLED' ORDER BY id`, seriesID, from)
	if err != nil {
		return nil, fmt.Errorf("store: series: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: series: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: series: %w", err)
	}
	out := make([]*lockedShift, 0, len(ids))
	for _, id := range ids {
		s, err := d.lockShift(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if s.Status == konullu.ShiftCancelled || !s.StartsAt.After(now) {
			continue // changed while we waited for the lock
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, konullu.Invalid("from", "the series has no shift to change from this date on")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	return out, nil
}

// place is an active assignment in one of the shifts of a series change.
type place struct{ assignment, shift int64 }

// activeHolders returns, by volunteer, the active assignments (CONFIRMED,
// WAITLISTED, CHECKED_IN) of the shifts in the shifts' order, and the
// volunteers in the order of their first such shift.
func (d *DB) activeHolders(ctx context.Context, tx *sql.Tx, shifts []*lockedShift) (map[int64][]place, []int64, error) {
	ids := make([]int64, len(shifts))
	for i, s := range shifts {
		ids[i] = s.ID
	}
	in, args := inList(ids)
	rows, err := d.query(ctx, tx, `SELECT id, volunteer_id, shift_id FROM assignments
		WHERE shift_id IN (`+in+`) AND status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN')`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: series holders: %w", err)
	}
	defer rows.Close()
	byShift := map[int64][]heldAssignment{}
	for rows.Next() {
		var h heldAssignment
		var shiftID int64
		if err := rows.Scan(&h.id, &h.volunteer, &shiftID); err != nil {
			return nil, nil, fmt.Errorf("store: series holders: %w", err)
		}
		byShift[shiftID] = append(byShift[shiftID], h)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: series holders: %w", err)
	}
	byVolunteer := map[int64][]place{}
	var order []int64
	for _, s := range shifts {
		for _, h := range byShift[s.ID] {
			if _, seen := byVolunteer[h.volunteer]; !seen {
				order = append(order, h.volunteer)
			}
			byVolunteer[h.volunteer] = append(byVolunteer[h.volunteer], place{assignment: h.id, shift: s.ID})
		}
	}
	return byVolunteer, order, nil
}

// seriesEvents is one notification per volunteer: about their first shift
// of the change, with how many of their shifts it concerns.
func seriesEvents(kind konullu.NotificationKind, byVolunteer map[int64][]place, order []int64, extra map[string]any) []event {
	evs := make([]event, 0, len(order))
	for _, v := range order {
		list := byVolunteer[v]
		p := map[string]any{"seriesShifts": len(list)}
		for k, x := range extra {
			p[k] = x
		}
		evs = append(evs, event{kind: kind, volunteerID: v, assignmentID: list[0].assignment, shiftID: list[0].shift, payload: p})
	}
	return evs
}

// UpdateSeries changes the shifts of a series from a date on (see
// konullu.SeriesUpdate for the rules), in one transaction.
func (d *DB) UpdateSeries(ctx context.Context, c konullu.SeriesUpdate) (konullu.SeriesResult, error) {
	now := d.now()
	var ids []int64
	var notified int
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		shifts, err := d.lockSeries(ctx, tx, c.SeriesID, c.From, now)
		if err != nil {
			return err
		}
		if c.PositionID != nil {
			var one int
			if err := d.queryRow(ctx, tx, `SELECT 1 FROM positions WHERE id = ?`, *c.PositionID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return &konullu.Error{Code: konullu.ENOTFOUND, Message: "position not found", Field: "positionId"}
			} else if err != nil {
				return fmt.Errorf("store: update series: %w", err)
			}
		}
		retimed := c.Start != nil && c.End != nil
		ids = ids[:0]
		for _, s := range shifts {
			ids = append(ids, s.ID)
			if c.Capacity != nil {
				held, err := d.heldPlaces(ctx, tx, s.ID)
				if err != nil {
					return err
				}
				if held > *c.Capacity {
					// Never drop a place held: the coordinator releases places by name first.
					return &konullu.Error{Code: konullu.ECONFLICT, Field: "capacity",
						Message: fmt.Sprintf("%d places are held in the shift of %s: the capacity cannot go below that",
							held, s.StartsAt.In(c.Location).Format("2006-01-02 15:04"))}
				}
				s.Capacity = *c.Capacity
			}
			if retimed {
				p := konullu.SeriesPeriod(s.StartsAt, c.Location, *c.Start, *c.End)
				if !p.StartsAt.After(now) {
					return konullu.Invalid("startTime", "the shift of %s would start in the past", s.StartsAt.In(c.Location).Format("2006-01-02"))
				}
				s.StartsAt, s.EndsAt = p.StartsAt, p.EndsAt
			}
			if c.PositionID != nil {
				s.PositionID = *c.PositionID
			}
			if _, err := d.exec(ctx, tx, `UPDATE shifts SET starts_at = ?, ends_at = ?, capacity = ?, position_id = ?, updated_at = ? WHERE id = ?`,
				s.StartsAt, s.EndsAt, s.Capacity, s.PositionID, now, s.ID); err != nil {
				return fmt.Errorf("store: update series: %w", err)
			}
		}
		byVolunteer, order, err := d.activeHolders(ctx, tx, shifts)
		if err != nil {
			return err
		}
		if retimed {
			// Invariant 2 across the new times: every place against the
			// volunteer's other places (the series' own shifts are updated
			// already, so they are compared as they will be).
			for _, s := range shifts {
				for _, v := range order {
					for _, h := range byVolunteer[v] {
						if h.shift != s.ID {
							continue
						}
						if err := d.checkOverlap(ctx, tx, v, &s.Shift, h.assignment); err != nil {
							if konullu.ErrorCode(err) == konullu.EOVERLAP {
								return &konullu.Error{Code: konullu.EOVERLAP, Field: "startTime",
									Message: fmt.Sprintf("a volunteer of the shift of %s holds another shift at the new time", s.StartsAt.In(c.Location).Format("2006-01-02"))}
							}
							return err
						}
					}
				}
			}
		}
		if c.Capacity != nil {
			for _, s := range shifts {
				if err := d.promote(ctx, tx, s, now); err != nil {
					return err
				}
			}
		}
		if !retimed && c.PositionID == nil {
			return nil // volunteers' places are as they were
		}
		notified = len(order)
		return d.enqueue(ctx, tx, now, seriesEvents(konullu.NotifySeriesChanged, byVolunteer, order, nil)...)
	})
	if err != nil {
		return konullu.SeriesResult{}, err
	}
	list, err := d.shiftsInOrder(ctx, ids)
	return konullu.SeriesResult{Shifts: list, Volunteers: notified}, err
}

// CancelSeries cancels the shifts of a series from a date on that have not
// started, with their places; each volunteer who held or waited for a place
// in them is notified once.
func (d *DB) CancelSeries(ctx context.Context, seriesID int64, from time.Time, reason string) (konullu.SeriesResult, error) {
	now := d.now()
	var ids []int64
	var notified int
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		shifts, err := d.lockSeries(ctx, tx, seriesID, from, now)
		if err != nil {
			return err
		}
		byVolunteer, order, err := d.activeHolders(ctx, tx, shifts)
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, s := range shifts {
			ids = append(ids, s.ID)
			if _, err := d.cancelLocked(ctx, tx, s, reason, now); err != nil {
				return err
			}
		}
		notified = len(order)
		return d.enqueue(ctx, tx, now, seriesEvents(konullu.NotifySeriesCancelled, byVolunteer, order, map[string]any{"reason": reason})...)
	})
	if err != nil {
		return konullu.SeriesResult{}, err
	}
	list, err := d.shiftsInOrder(ctx, ids)
	return konullu.SeriesResult{Shifts: list, Volunteers: notified}, err
}
