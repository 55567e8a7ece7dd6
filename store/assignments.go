package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/konullu/konullu"
)

// assignmentSelect reads assignments with their 1-based place in the
// shift's waitlist (first come, first served by the shift's signup counter).
const assignmentSelect = `SELECT a.id, a.shift_id, a.volunteer_id, a.status, a.checked_in_at, a.checked_out_at,
	a.credited_minutes, a.note, a.created_at, a.updated_at,
	CASE WHEN a.status = 'WAITLISTED' THEN (SELECT COUNT(*) FROM assignments w
		WHERE w.shift_id = a.shift_id AND w.status = 'WAITLISTED' AND w.queue_seq <= a.queue_seq) ELSE 0 END
	FROM assignments a`

func scanAssignment(rows interface{ Scan(...any) error }) (*konullu.Assignment, error) {
	a := &konullu.Assignment{}
	var in, out, created, updated nullTime
	var status string
	err := rows.Scan(&a.ID, &a.ShiftID, &a.VolunteerID, &status, &in, &out, &a.CreditedMinutes, &a.Note,
		&created, &updated, &a.WaitlistPosition)
	a.Status, a.CheckedInAt, a.CheckedOutAt = konullu.AssignmentStatus(status), in.ptr(), out.ptr()
	a.CreatedAt, a.UpdatedAt = created.Time, updated.Time
	return a, err
}

func (d *DB) scanAssignments(rows *sql.Rows, err error) ([]*konullu.Assignment, error) {
	if err != nil {
		return nil, fmt.Errorf("store: assignments: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: assignments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (d *DB) assignment(ctx context.Context, q queryer, id int64) (*konullu.Assignment, error) {
	a, err := scanAssignment(d.queryRow(ctx, q, assignmentSelect+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("assignment")
	}
	if err != nil {
		return nil, fmt.Errorf("store: assignment: %w", err)
	}
	return a, nil
}

// AssignmentsByIDs returns the assignments with the given ids.
func (d *DB) AssignmentsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Assignment, error) {
	out := map[int64]*konullu.Assignment{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanAssignments(d.query(ctx, d.db, assignmentSelect+` WHERE a.id IN (`+in+`)`, args...))
	for _, a := range list {
		out[a.ID] = a
	}
	return out, err
}

// AssignmentsOfShifts returns the assignments of each shift, in signup order,
// restricted to the given statuses when there are any.
func (d *DB) AssignmentsOfShifts(ctx context.Context, shiftIDs []int64, statuses []konullu.AssignmentStatus) (map[int64][]*konullu.Assignment, error) {
	out := map[int64][]*konullu.Assignment{}
	if shiftIDs = uniqueIDs(shiftIDs); len(shiftIDs) == 0 {
		return out, nil
	}
	in, args := inList(shiftIDs)
	query := assignmentSelect + ` WHERE a.shift_id IN (` + in + `)`
	if len(statuses) > 0 {
		query += ` AND a.status IN (` + placeholders(len(statuses)) + `)`
		for _, s := range statuses {
			args = append(args, string(s))
		}
	}
	list, err := d.scanAssignments(d.query(ctx, d.db, query+` ORDER BY a.shift_id, a.queue_seq`, args...))
	for _, a := range list {
		out[a.ShiftID] = append(out[a.ShiftID], a)
	}
	return out, err
}

// AssignmentsOfVolunteer returns a volunteer's assignments whose shifts start
// in [from, to) (zero times leave that end open), by start time.
func (d *DB) AssignmentsOfVolunteer(ctx context.Context, volunteerID int64, from, to time.Time) ([]*konullu.Assignment, error) {
	query := assignmentSelect + ` JOIN shifts s ON s.id = a.shift_id WHERE a.volunteer_id = ?`
	args := []any{volunteerID}
	if !from.IsZero() {
		query += ` AND s.starts_at >= ?`
		args = append(args, from)
	}
	if !to.IsZero() {
		query += ` AND s.starts_at < ?`
		args = append(args, to)
	}
	return d.scanAssignments(d.query(ctx, d.db, query+` ORDER BY s.starts_at, a.id`, args...))
}

// SignUp puts a volunteer in a shift: CONFIRMED while places are free,
// WAITLISTED after. It locks the volunteer's row, then the shift's row (always
// in this order), so that neither two signups of one volunteer nor two
// signups for one shift can interleave: capacity (invariant 1) and overlap
// (invariant 2) are decided on data no one else can change meanwhile. A
// repeated signup returns the existing assignment.
func (d *DB) SignUp(ctx context.Context, shiftID, volunteerID int64, byCoordinator bool) (*konullu.Assignment, error) {
	var id int64
	var outcome konullu.AssignmentStatus // set when this call wrote the assignment (metrics)
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		outcome = ""
		if d.dialect == Postgres {
			var one int
			err := d.queryRow(ctx, tx, `SELECT 1 FROM volunteers WHERE id = ? FOR UPDATE`, volunteerID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return konullu.NotFound("volunteer")
			} else if err != nil {
				return fmt.Errorf("store: lock volunteer: %w", err)
			}
		}
		s, err := d.lockShift(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		var existing int64
		var existingStatus string
		err = d.queryRow(ctx, tx, `SELECT id, status FROM assignments WHERE shift_id = ? AND volunteer_id = ?`, shiftID, volunteerID).Scan(&existing, &existingStatus)
		if err == nil && existingStatus != string(konullu.AssignmentCancelled) {
			id = existing
			return nil
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: signup: %w", err)
		}
		v, err := d.volunteer(ctx, tx, volunteerID)
		if err != nil {
			return err
		}
		position, err := d.position(ctx, tx, s.PositionID)
		if err != nil {
			return err
		}
		req := konullu.SignupRequest{Now: now, Shift: &s.Shift, Position: position, Volunteer: v, ByCoordinator: byCoordinator}
		if err := d.rules.CheckSignup(req); err != nil {
			return err
		}
		if err := d.checkGuardianConsent(ctx, tx, v, &s.Shift); err != nil {
			return err
		}
		if err := d.checkOverlap(ctx, tx, volunteerID, &s.Shift, 0); err != nil {
			return err
		}
		held, err := d.heldPlaces(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		status := konullu.AssignmentConfirmed
		if held >= s.Capacity {
			status = konullu.AssignmentWaitlisted
		}
		seq := s.queueSeq + 1
		if _, err := d.exec(ctx, tx, `UPDATE shifts SET queue_seq = ? WHERE id = ?`, seq, shiftID); err != nil {
			return fmt.Errorf("store: signup: %w", err)
		}
		if existing != 0 {
			id = existing
			_, err = d.exec(ctx, tx, `UPDATE assignments SET status = ?, queue_seq = ?, checked_in_at = NULL, checked_out_at = NULL,
				credited_minutes = 0, note = '', updated_at = ? WHERE id = ?`, string(status), seq, now, existing)
		} else {
			err = d.queryRow(ctx, tx, `INSERT INTO assignments (shift_id, volunteer_id, status, queue_seq, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, shiftID, volunteerID, string(status), seq, now, now).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("store: signup: %w", err)
		}
		outcome = status
		return d.enqueue(ctx, tx, now, signupEvent(id, s.ID, v.UserID, status, byCoordinator)...)
	})
	if err != nil {
		return nil, err
	}
	d.observeSignup(outcome, byCoordinator)
	return d.assignment(ctx, d.db, id)
}

func (d *DB) position(ctx context.Context, tx *sql.Tx, id int64) (*konullu.Position, error) {
	p, err := scanPosition(d.queryRow(ctx, tx, `SELECT `+positionColumns+` FROM positions WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("store: position: %w", err)
	}
	return p, nil
}

// checkOverlap fails with OVERLAPPING_SHIFT when the volunteer holds another
// active assignment whose shift overlaps s (back-to-back is fine).
func (d *DB) checkOverlap(ctx context.Context, tx *sql.Tx, volunteerID int64, s *konullu.Shift, exceptAssignment int64) error {
	var other int64
	err := d.queryRow(ctx, tx, `SELECT s.id FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id = ? AND a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN')
		AND a.shift_id <> ? AND a.id <> ? AND s.starts_at < ? AND s.ends_at > ? LIMIT 1`,
		volunteerID, s.ID, exceptAssignment, s.EndsAt, s.StartsAt).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: overlap: %w", err)
	}
	return konullu.Errorf(konullu.EOVERLAP, "the volunteer already has a shift at that time")
}

func (d *DB) heldPlaces(ctx context.Context, tx *sql.Tx, shiftID int64) (int, error) {
	var n int
	err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM assignments WHERE shift_id = ? AND status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')`, shiftID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: held places: %w", err)
	}
	return n, nil
}

// lockAssignment locks the shift of an assignment, then reads the assignment.
func (d *DB) lockAssignment(ctx context.Context, tx *sql.Tx, id int64) (*lockedShift, *konullu.Assignment, error) {
	var shiftID int64
	err := d.queryRow(ctx, tx, `SELECT shift_id FROM assignments WHERE id = ?`, id).Scan(&shiftID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, konullu.NotFound("assignment")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: assignment: %w", err)
	}
	s, err := d.lockShift(ctx, tx, shiftID)
	if err != nil {
		return nil, nil, err
	}
	a, err := d.assignment(ctx, tx, id)
	return s, a, err
}

// Withdraw cancels an assignment (a volunteer before the cut-off, a
// coordinator until the end) and, when it held a place, promotes the first
// waitlisted volunteer who has no overlapping shift.
func (d *DB) Withdraw(ctx context.Context, id int64, byCoordinator bool) (*konullu.Assignment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		s, a, err := d.lockAssignment(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := d.rules.CheckWithdraw(now, &s.Shift, a, byCoordinator); err != nil {
			return err
		}
		if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CANCELLED', updated_at = ? WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("store: withdraw: %w", err)
		}
		if a.Status.HoldsPlace() {
			return d.promote(ctx, tx, s, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

// promote fills the free places of a locked shift from its waitlist, first
// come first served, skipping volunteers who meanwhile hold an overlapping
// shift. Nobody is promoted into a shift that has started: they could not
// know in time.
func (d *DB) promote(ctx context.Context, tx *sql.Tx, s *lockedShift, now time.Time) error {
	if s.Status != konullu.ShiftPublished || !now.Before(s.StartsAt) {
		return nil
	}
	held, err := d.heldPlaces(ctx, tx, s.ID)
	if err != nil {
		return err
	}
	free := s.Capacity - held
	if free <= 0 {
		return nil
	}
	rows, err := d.query(ctx, tx, `SELECT id, volunteer_id FROM assignments WHERE shift_id = ? AND status = 'WAITLISTED' ORDER BY queue_seq`, s.ID)
	if err != nil {
		return fmt.Errorf("store: waitlist: %w", err)
	}
	type waiting struct{ id, volunteer int64 }
	var queue []waiting
	for rows.Next() {
		var w waiting
		if err := rows.Scan(&w.id, &w.volunteer); err != nil {
			rows.Close()
			return fmt.Errorf("store: waitlist: %w", err)
		}
		queue = append(queue, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: waitlist: %w", err)
	}
	var promoted []event
	for _, w := range queue {
		if free == 0 {
			break
		}
		err := d.checkOverlap(ctx, tx, w.volunteer, &s.Shift, w.id)
		if konullu.ErrorCode(err) == konullu.EOVERLAP {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CONFIRMED', updated_at = ? WHERE id = ?`, now, w.id); err != nil {
			return fmt.Errorf("store: promote: %w", err)
		}
		d.log.Info("promoted from waitlist", "shift", s.ID, "assignment", w.id)
		promoted = append(promoted, event{kind: konullu.NotifyPromoted, volunteerID: w.volunteer, assignmentID: w.id, shiftID: s.ID})
		free--
	}
	d.observePromoted(len(promoted))
	return d.enqueue(ctx, tx, now, promoted...)
}

// CheckIn records the volunteer's arrival (from 30 minutes before the start until the end).
func (d *DB) CheckIn(ctx context.Context, id int64) (*konullu.Assignment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		s, a, err := d.lockAssignment(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := d.rules.CheckCheckIn(now, &s.Shift, a); err != nil {
			return err
		}
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'CHECKED_IN', checked_in_at = ?, updated_at = ? WHERE id = ?`, now, now, id)
		if err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

// CheckOut completes a checked-in assignment and credits the attended part of the shift.
func (d *DB) CheckOut(ctx context.Context, id int64) (*konullu.Assignment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		s, a, err := d.lockAssignment(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != konullu.AssignmentCheckedIn || a.CheckedInAt == nil {
			return konullu.Errorf(konullu.ECONFLICT, "only a checked-in assignment can check out (it is %s)", a.Status)
		}
		credited := konullu.CreditedMinutes(&s.Shift, *a.CheckedInAt, now)
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'COMPLETED', checked_out_at = ?, credited_minutes = ?, updated_at = ? WHERE id = ?`,
			now, credited, now, id)
		if err != nil {
			return fmt.Errorf("store: check out: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

// RecordAttendance sets the attended period of an assignment after the fact
// (a coordinator's correction or a shift recorded outside the system) and
// credits its overlap with the shift.
func (d *DB) RecordAttendance(ctx context.Context, id int64, in, out time.Time) (*konullu.Assignment, error) {
	if !out.After(in) {
		return nil, konullu.Invalid("checkedOutAt", "must be after checkedInAt")
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		if out.After(now.Add(time.Minute)) {
			return konullu.Invalid("checkedOutAt", "must not be in the future")
		}
		s, a, err := d.lockAssignment(ctx, tx, id)
		if err != nil {
			return err
		}
		switch a.Status {
		case konullu.AssignmentConfirmed, konullu.AssignmentCheckedIn, konullu.AssignmentCompleted:
		case konullu.AssignmentNoShow:
			// A no-show held no place; completing it takes one again.
			held, err := d.heldPlaces(ctx, tx, s.ID)
			if err != nil {
				return err
			}
			if held >= s.Capacity {
				return konullu.Errorf(konullu.ECONFLICT, "the shift is full")
			}
		default:
			return konullu.Errorf(konullu.ECONFLICT, "attendance cannot be recorded for a %s assignment", a.Status)
		}
		credited := konullu.CreditedMinutes(&s.Shift, in, out)
		if credited == 0 {
			return konullu.Invalid("checkedInAt", "the attended time does not overlap the shift")
		}
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'COMPLETED', checked_in_at = ?, checked_out_at = ?, credited_minutes = ?, updated_at = ? WHERE id = ?`,
			in, out, credited, now, id)
		if err != nil {
			return fmt.Errorf("store: record attendance: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

// MarkNoShow records that a confirmed volunteer did not come (or corrects a
// completed record); it credits nothing and changes no other assignment.
func (d *DB) MarkNoShow(ctx context.Context, id int64, note string) (*konullu.Assignment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		s, a, err := d.lockAssignment(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != konullu.AssignmentConfirmed && a.Status != konullu.AssignmentCompleted && a.Status != konullu.AssignmentCheckedIn {
			return konullu.Errorf(konullu.ECONFLICT, "a %s assignment cannot be marked as a no-show", a.Status)
		}
		if now.Before(s.StartsAt) {
			return konullu.Errorf(konullu.ECONFLICT, "the shift has not started yet")
		}
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'NO_SHOW', checked_in_at = NULL, checked_out_at = NULL, credited_minutes = 0, note = ?, updated_at = ? WHERE id = ?`,
			note, now, id)
		if err != nil {
			return fmt.Errorf("store: no-show: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	b := make([]byte, 0, 3*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}
