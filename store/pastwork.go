package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/konullu/konullu"
)

// RecordPastWork credits work done in a shift that has ended (issue 12,
// "Time"): a place can no longer be assigned there, so the volunteer's
// attendance is recorded as a COMPLETED assignment with presence RECORDED.
// A volunteer who held a place in the shift (or was marked a no-show) has
// that place's attendance recorded, as RecordAttendance would; one who held
// none (never assigned, withdrawn, waitlisted) gets a place, provided the
// rules of a signup other than time hold (an active volunteer, the
// position's qualifications and age, a guardian's consent for a minor), the
// shift had a free place and the volunteer was not credited with, nor held,
// another place at that time. No one is notified: the volunteer sees the
// hours in their history.
func (d *DB) RecordPastWork(ctx context.Context, w konullu.PastWork) (*konullu.Assignment, error) {
	in, out := w.CheckedInAt, w.CheckedOutAt
	if !out.After(in) {
		return nil, konullu.Invalid("checkedOutAt", "must be after checkedInAt")
	}
	var id int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		id = 0
		if out.After(now.Add(time.Minute)) {
			return konullu.Invalid("checkedOutAt", "must not be in the future")
		}
		v, err := d.lockVolunteer(ctx, tx, w.VolunteerID)
		if err != nil {
			return err
		}
		s, position, err := d.lockShiftWithPosition(ctx, tx, w.ShiftID)
		if err != nil {
			return err
		}
		if s.Status == konullu.ShiftCancelled {
			return &konullu.Error{Code: konullu.ECONFLICT, Message: "the shift was cancelled", Field: "shiftId"}
		}
		if !s.Ended(now) {
			return &konullu.Error{Code: konullu.ECONFLICT, Field: "shiftId",
				Message: "the shift has not ended: assign the volunteer, then check them in or record their attendance"}
		}
		f, err := d.signupFacts(ctx, tx, s, v)
		if err != nil {
			return err
		}
		if f.existing != 0 {
			a, err := d.assignment(ctx, tx, f.existing)
			if err != nil {
				return err
			}
			switch a.Status {
			case konullu.AssignmentConfirmed, konullu.AssignmentCheckedIn, konullu.AssignmentCompleted, konullu.AssignmentNoShow:
				// The place they held: RecordAttendance's rule.
				presence := a.Presence
				if presence == "" || a.Status != konullu.AssignmentCheckedIn && a.Status != konullu.AssignmentCompleted {
					presence = konullu.PresenceRecorded
				}
				id = a.ID
				return d.applyAttendance(ctx, tx, now, s, a, in, out, presence)
			}
			// Withdrawn or waiting: they held no place; they get one below.
		}
		loc := konullu.ZoneLocation(s.centreTimezone)
		req := konullu.SignupRequest{Now: now, Shift: &s.Shift, Position: position, Volunteer: v, Location: loc,
			ByCoordinator: true, PastWork: true}
		if err := d.rules.CheckSignup(req); err != nil {
			return err
		}
		if err := konullu.CheckGuardianConsent(v, &s.Shift, loc, f.consent); err != nil {
			return err
		}
		credited := konullu.CreditedMinutes(&s.Shift, in, out)
		if credited == 0 {
			return konullu.Invalid("checkedInAt", "the attended time does not overlap the shift")
		}
		// Hours are credited once for a time: not beside another place
		// held or attended then.
		var other int64
		err = d.queryRow(ctx, tx, `SELECT o.id FROM assignments a JOIN shifts o ON o.id = a.shift_id
			WHERE a.volunteer_id = ? AND a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN', 'COMPLETED')
			AND a.shift_id <> ? AND o.starts_at < ? AND o.ends_at > ? LIMIT 1`, v.ID, s.ID, s.EndsAt, s.StartsAt).Scan(&other)
		switch {
		case err == nil:
			return konullu.Errorf(konullu.EOVERLAP, "the volunteer already has a shift at that time")
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: record past work: %w", err)
		}
		if f.held >= s.Capacity {
			return konullu.Errorf(konullu.ECONFLICT, "the shift is full")
		}
		seq := s.queueSeq + 1
		if _, err := d.exec(ctx, tx, `UPDATE shifts SET queue_seq = ? WHERE id = ?`, seq, s.ID); err != nil {
			return fmt.Errorf("store: record past work: %w", err)
		}
		if f.existing != 0 {
			id = f.existing
			_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'COMPLETED', queue_seq = ?, checked_in_at = ?, checked_out_at = ?,
				credited_minutes = ?, presence = ?, note = '', attendance_confirmed_at = NULL, cancelled_by = NULL, updated_at = ? WHERE id = ?`,
				seq, in, out, credited, string(konullu.PresenceRecorded), now, id)
		} else {
			err = d.queryRow(ctx, tx, `INSERT INTO assignments (shift_id, volunteer_id, status, queue_seq, checked_in_at, checked_out_at,
				credited_minutes, presence, created_at, updated_at)
				VALUES (?, ?, 'COMPLETED', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				s.ID, v.ID, seq, in, out, credited, string(konullu.PresenceRecorded), now, now).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("store: record past work: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.log.Info("past work recorded", "shift", w.ShiftID, "assignment", id)
	return d.assignment(ctx, d.db, id)
}
