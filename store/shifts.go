package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// shiftSelect reads shifts with their counts: the places held (CONFIRMED,
// CHECKED_IN, COMPLETED) and the waitlist.
const shiftSelect = `SELECT s.id, s.centre_id, s.position_id, s.starts_at, s.ends_at, s.capacity, s.status, s.cancel_reason, s.created_at, s.series_id, s.kind, COALESCE(s.course_id, 0),
	(SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id AND a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')),
	(SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id AND a.status = 'WAITLISTED')
	FROM shifts s`

const heldPlaces = `(SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id AND a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED'))`

func scanShift(rows interface{ Scan(...any) error }) (*konullu.Shift, error) {
	s := &konullu.Shift{}
	var start, end, created nullTime
	var status string
	var series sql.NullInt64
	var kind string
	err := rows.Scan(&s.ID, &s.CentreID, &s.PositionID, &start, &end, &s.Capacity, &status, &s.CancelReason, &created, &series,
		&kind, &s.CourseID, &s.ConfirmedCount, &s.WaitlistCount)
	s.Kind = konullu.ShiftKind(kind)
	s.StartsAt, s.EndsAt, s.CreatedAt, s.Status = start.Time, end.Time, created.Time, konullu.ShiftStatus(status)
	s.SeriesID = series.Int64
	return s, err
}

func (d *DB) scanShifts(rows *sql.Rows, err error) ([]*konullu.Shift, error) {
	if err != nil {
		return nil, fmt.Errorf("store: shifts: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Shift
	for rows.Next() {
		s, err := scanShift(rows)
		if err != nil {
			return nil, fmt.Errorf("store: shifts: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateShifts creates one shift or a series in one transaction.
func (d *DB) CreateShifts(ctx context.Context, in konullu.NewShifts) ([]*konullu.Shift, error) {
	status := konullu.ShiftDraft
	if in.Publish {
		status = konullu.ShiftPublished
	}
	now := d.now()
	var ids []int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		// An archived centre or position takes no new shifts; the shared
		// row lock waits for an archiving that counts the coming shifts.
		var archived nullTime
		if err := d.queryRow(ctx, tx, `SELECT archived_at FROM centres WHERE id = ?`+d.forShare(), in.CentreID).Scan(&archived); errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
		} else if err != nil {
			return fmt.Errorf("store: create shifts: %w", err)
		} else if archived.Valid {
			return konullu.Invalid("centreId", "the centre is archived")
		}
		if err := d.queryRow(ctx, tx, `SELECT archived_at FROM positions WHERE id = ?`+d.forShare(), in.PositionID).Scan(&archived); errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "position not found", Field: "positionId"}
		} else if err != nil {
			return fmt.Errorf("store: create shifts: %w", err)
		} else if archived.Valid {
			return konullu.Invalid("positionId", "the position is archived")
		}
		kind := in.Kind
		if kind == "" {
			kind = konullu.ShiftService
		}
		var course any
		if in.CourseID != 0 {
			if err := d.queryRow(ctx, tx, `SELECT 1 FROM courses WHERE id = ?`, in.CourseID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return &konullu.Error{Code: konullu.ENOTFOUND, Message: "course not found", Field: "courseId"}
			} else if err != nil {
				return fmt.Errorf("store: create shifts: %w", err)
			}
			course = in.CourseID
		}
		ids = ids[:0]
		for _, p := range in.Periods {
			var id int64
			err := d.queryRow(ctx, tx, `INSERT INTO shifts (centre_id, position_id, starts_at, ends_at, capacity, status, kind, course_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				in.CentreID, in.PositionID, p.StartsAt, p.EndsAt, in.Capacity, string(status), string(kind), course, now, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("store: create shift: %w", err)
			}
			ids = append(ids, id)
		}
		if in.Series && len(ids) > 0 {
			// The series is known by its first shift's id.
			in, args := inList(ids)
			if _, err := d.exec(ctx, tx, `UPDATE shifts SET series_id = ? WHERE id IN (`+in+`)`, append([]any{ids[0]}, args...)...); err != nil {
				return fmt.Errorf("store: create series: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.shiftsInOrder(ctx, ids)
}

func (d *DB) shiftsInOrder(ctx context.Context, ids []int64) ([]*konullu.Shift, error) {
	m, err := d.ShiftsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*konullu.Shift, 0, len(ids))
	for _, id := range ids {
		if s := m[id]; s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// ShiftsByIDs returns the shifts with the given ids.
func (d *DB) ShiftsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Shift, error) {
	out := map[int64]*konullu.Shift{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanShifts(d.query(ctx, d.db, shiftSelect+` WHERE s.id IN (`+in+`)`, args...))
	for _, s := range list {
		out[s.ID] = s
	}
	return out, err
}

// FindShifts returns a page of the shifts that match f and the number of all
// that match (regardless of the page).
func (d *DB) FindShifts(ctx context.Context, f konullu.ShiftFilter) ([]*konullu.Shift, int, error) {
	where := []string{"s.starts_at >= ?", "s.starts_at < ?"}
	args := []any{f.From, f.To}
	if f.CentreID != 0 {
		where = append(where, "s.centre_id = ?")
		args = append(args, f.CentreID)
	}
	if f.Status != "" {
		where = append(where, "s.status = ?")
		args = append(args, string(f.Status))
	}
	switch {
	case f.Drafts.All:
	case len(f.Drafts.CentreIDs) > 0:
		in, ids := inList(f.Drafts.CentreIDs)
		where = append(where, "(s.status <> 'DRAFT' OR s.centre_id IN ("+in+"))")
		args = append(args, ids...)
	default:
		where = append(where, "s.status <> 'DRAFT'")
	}
	if f.OpenOnly {
		where = append(where, "s.status = 'PUBLISHED'", "s.starts_at > ?", heldPlaces+" < s.capacity")
		args = append(args, f.Now)
	}
	cond := strings.Join(where, " AND ")
	countArgs := slices.Clone(args)
	page := cond
	if f.After != nil {
		page += " AND (s.starts_at > ? OR s.starts_at = ? AND s.id > ?)"
		args = append(args, f.After.StartsAt, f.After.StartsAt, f.After.ID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	args = append(args, limit)
	list, err := d.scanShifts(d.query(ctx, d.db, shiftSelect+` WHERE `+page+` ORDER BY s.starts_at, s.id LIMIT ?`, args...))
	if err != nil {
		return nil, 0, err
	}
	// A first page that holds every match is its own count: one round trip
	// less for the calendar's week and the live board.
	if f.After == nil && len(list) < limit {
		return list, len(list), nil
	}
	var total int
	if err := d.queryRow(ctx, d.db, `SELECT COUNT(*) FROM shifts s WHERE `+cond, countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count shifts: %w", err)
	}
	return list, total, nil
}

// PublishShifts publishes drafts; already published shifts stay as they are,
// cancelled ones cannot be published again (CONFLICT).
func (d *DB) PublishShifts(ctx context.Context, ids []int64) ([]*konullu.Shift, error) {
	ids = uniqueIDs(ids)
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		in, args := inList(ids)
		var cancelled, found int
		err := d.queryRow(ctx, tx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'CANCELLED' THEN 1 ELSE 0 END), 0) FROM shifts WHERE id IN (`+in+`)`, args...).Scan(&found, &cancelled)
		if err != nil {
			return fmt.Errorf("store: publish shifts: %w", err)
		}
		if found < len(ids) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "shift not found", Field: "ids"}
		}
		if cancelled > 0 {
			return &konullu.Error{Code: konullu.ECONFLICT, Message: "a cancelled shift cannot be published", Field: "ids"}
		}
		_, err = d.exec(ctx, tx, `UPDATE shifts SET status = 'PUBLISHED', updated_at = ? WHERE status = 'DRAFT' AND id IN (`+in+`)`, append([]any{d.now()}, args...)...)
		if err != nil {
			return fmt.Errorf("store: publish shifts: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.shiftsInOrder(ctx, ids)
}

// CancelShift cancels a shift and every active assignment in it; completed
// and no-show assignments keep their record.
func (d *DB) CancelShift(ctx context.Context, id int64, reason string) (*konullu.Shift, error) {
	now := d.now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		s, err := d.lockShift(ctx, tx, id)
		if err != nil {
			return err
		}
		held, err := d.cancelLocked(ctx, tx, s, reason, now)
		if err != nil {
			return err
		}
		evs := make([]event, 0, len(held))
		for _, h := range held {
			evs = append(evs, event{kind: konullu.NotifyShiftCancelled, volunteerID: h.volunteer, assignmentID: h.id, shiftID: id,
				payload: map[string]any{"reason": reason}})
		}
		return d.enqueue(ctx, tx, now, evs...)
	})
	if err != nil {
		return nil, err
	}
	return d.shift(ctx, d.db, id)
}

// heldAssignment is an active assignment a cancellation ended.
type heldAssignment struct{ id, volunteer int64 }

// cancelLocked cancels a locked shift, its active assignments and the
// offers of its places, and returns the assignments it cancelled (none when
// the shift was cancelled already). The caller tells the volunteers.
func (d *DB) cancelLocked(ctx context.Context, tx *sql.Tx, s *lockedShift, reason string, now time.Time) ([]heldAssignment, error) {
	if s.Status == konullu.ShiftCancelled {
		return nil, nil
	}
	if _, err := d.exec(ctx, tx, `UPDATE shifts SET status = 'CANCELLED', cancel_reason = ?, updated_at = ? WHERE id = ?`, reason, now, s.ID); err != nil {
		return nil, fmt.Errorf("store: cancel shift: %w", err)
	}
	rows, err := d.query(ctx, tx, `UPDATE assignments SET status = 'CANCELLED', cancelled_by = 'SHIFT_CANCELLED', updated_at = ?
		WHERE shift_id = ? AND status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN') RETURNING id, volunteer_id`, now, s.ID)
	if err != nil {
		return nil, fmt.Errorf("store: cancel assignments: %w", err)
	}
	var held []heldAssignment
	for rows.Next() {
		var h heldAssignment
		if err := rows.Scan(&h.id, &h.volunteer); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: cancel assignments: %w", err)
		}
		held = append(held, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cancel assignments: %w", err)
	}
	if err := d.closeOffers(ctx, tx, now, `shift_id = ?`, s.ID); err != nil {
		return nil, err
	}
	return held, nil
}

func (d *DB) shift(ctx context.Context, q queryer, id int64) (*konullu.Shift, error) {
	s, err := scanShift(d.queryRow(ctx, q, shiftSelect+` WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("shift")
	}
	if err != nil {
		return nil, fmt.Errorf("store: shift: %w", err)
	}
	return s, nil
}

// lockedShift is a shift read under its row lock, with its signup counter.
type lockedShift struct {
	konullu.Shift
	queueSeq       int64
	centreTimezone string // read by lockShiftWithPosition only
}

// lockShift reads a shift and locks its row until the transaction ends: every
// change to the shift's assignments takes this lock first (invariant 1).
func (d *DB) lockShift(ctx context.Context, tx *sql.Tx, id int64) (*lockedShift, error) {
	s := &lockedShift{}
	var start, end nullTime
	var status string
	err := d.queryRow(ctx, tx, `SELECT id, centre_id, position_id, starts_at, ends_at, capacity, status, queue_seq FROM shifts WHERE id = ?`+d.forUpdate(), id).
		Scan(&s.ID, &s.CentreID, &s.PositionID, &start, &end, &s.Capacity, &status, &s.queueSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("shift")
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock shift: %w", err)
	}
	s.StartsAt, s.EndsAt, s.Status = start.Time, end.Time, konullu.ShiftStatus(status)
	return s, nil
}
