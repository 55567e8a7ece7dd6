package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/konullu/konullu"
)

// This file is messages to volunteers and attendance confirmation (in the
// app, or by a reply to the reminder through the SMS gateway).

// MessageVolunteers enqueues a coordinator's message for every volunteer
// holding an active place (CONFIRMED, WAITLISTED, CHECKED_IN) in the shift,
// or in the centre's shifts starting in [From, To), once per volunteer, and
// returns how many. Cancelled shifts are left out.
func (d *DB) MessageVolunteers(ctx context.Context, m konullu.MessageRequest) (int, error) {
	n := 0
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		n = 0
		var centreName string
		query := `SELECT DISTINCT a.volunteer_id FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN') AND s.status <> 'CANCELLED'`
		var args []any
		if m.ShiftID != 0 {
			if err := d.queryRow(ctx, tx, `SELECT c.name FROM shifts s JOIN centres c ON c.id = s.centre_id WHERE s.id = ?`, m.ShiftID).
				Scan(&centreName); errors.Is(err, sql.ErrNoRows) {
				return konullu.NotFound("shift")
			} else if err != nil {
				return fmt.Errorf("store: message: %w", err)
			}
			query += ` AND s.id = ?`
			args = append(args, m.ShiftID)
		} else {
			if err := d.queryRow(ctx, tx, `SELECT name FROM centres WHERE id = ?`, m.CentreID).Scan(&centreName); errors.Is(err, sql.ErrNoRows) {
				return konullu.NotFound("centre")
			} else if err != nil {
				return fmt.Errorf("store: message: %w", err)
			}
			query += ` AND s.centre_id = ? AND s.starts_at >= ? AND s.starts_at < ?`
			args = append(args, m.CentreID, m.From, m.To)
		}
		rows, err := d.query(ctx, tx, query+` ORDER BY a.volunteer_id`, args...)
		if err != nil {
			return fmt.Errorf("store: message recipients: %w", err)
		}
		var evs []event
		payload := map[string]any{"subject": m.Subject, "message": m.Body, "centre": centreName}
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return fmt.Errorf("store: message recipients: %w", err)
			}
			evs = append(evs, event{kind: konullu.NotifyMessage, volunteerID: v, shiftID: m.ShiftID, payload: payload})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: message recipients: %w", err)
		}
		n = len(evs)
		return d.enqueue(ctx, tx, now, evs...)
	})
	if err != nil {
		return 0, err
	}
	d.log.Info("message to volunteers", "sender", m.SenderUserID, "shift", m.ShiftID, "centre", m.CentreID, "recipients", n)
	return n, nil
}

// ConfirmAttendance records that the holder of a confirmed place is coming;
// confirming again changes nothing.
func (d *DB) ConfirmAttendance(ctx context.Context, id int64) (*konullu.Assignment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		return d.confirmIn(ctx, tx, d.now(), id)
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

func (d *DB) confirmIn(ctx context.Context, tx *sql.Tx, now time.Time, id int64) error {
	s, a, err := d.lockAssignment(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := konullu.CheckConfirmAttendance(now, &s.Shift, a); err != nil {
		return err
	}
	if a.AttendanceConfirmedAt != nil {
		return nil
	}
	if _, err := d.exec(ctx, tx, `UPDATE assignments SET attendance_confirmed_at = ?, updated_at = ? WHERE id = ?`, now, now, id); err != nil {
		return fmt.Errorf("store: confirm attendance: %w", err)
	}
	return nil
}

// ApplyReply acts on a reply of the SMS gateway in one transaction: the
// reply's id is recorded (a second reply with the same id is CONFLICT and
// does nothing), the assignment is found (from the delivery it answers,
// which must still be the recipient's place, or named directly), then YES
// confirms attendance and NO withdraws by the volunteer's rules (waitlist
// promotion included). A refused action records nothing.
func (d *DB) ApplyReply(ctx context.Context, r konullu.InboundReply) (string, *konullu.Assignment, error) {
	var outcome string
	var assignmentID int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		outcome, assignmentID = "", r.AssignmentID
		res, err := d.exec(ctx, tx, `INSERT INTO inbound_replies (id, received_at, reply) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			r.ID, now, r.Reply)
		if err != nil {
			return fmt.Errorf("store: inbound reply: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Field "id": the inbound handler answers REPLAYED for it.
			return &konullu.Error{Code: konullu.ECONFLICT, Field: "id", Message: fmt.Sprintf("reply %s was received already", strconv.Quote(r.ID))}
		}
		if r.InReplyTo != 0 {
			var aid sql.NullInt64
			var sentTo, holder int64
			err := d.queryRow(ctx, tx, `SELECT o.assignment_id, o.user_id, COALESCE(v.user_id, 0) FROM outbox o
				LEFT JOIN assignments a ON a.id = o.assignment_id LEFT JOIN volunteers v ON v.id = a.volunteer_id
				WHERE o.id = ?`, r.InReplyTo).Scan(&aid, &sentTo, &holder)
			if errors.Is(err, sql.ErrNoRows) || err == nil && !aid.Valid {
				return &konullu.Error{Code: konullu.ENOTFOUND, Message: "no message about a place has that delivery id", Field: "inReplyTo"}
			}
			if err != nil {
				return fmt.Errorf("store: inbound reply: %w", err)
			}
			if holder != sentTo {
				return konullu.Errorf(konullu.ECONFLICT, "the place is no longer the recipient's")
			}
			assignmentID = aid.Int64
		}
		if r.Yes {
			err = d.confirmIn(ctx, tx, now, assignmentID)
			outcome = konullu.ReplyConfirmed
		} else {
			err = d.withdrawIn(ctx, tx, now, assignmentID, false)
			outcome = konullu.ReplyReleased
		}
		if err != nil {
			return err
		}
		_, err = d.exec(ctx, tx, `UPDATE inbound_replies SET assignment_id = ?, outcome = ? WHERE id = ?`, assignmentID, outcome, r.ID)
		if err != nil {
			return fmt.Errorf("store: inbound reply: %w", err)
		}
		if !r.Yes {
			var shiftID, centreID int64
			if err := d.queryRow(ctx, tx, `SELECT s.id, s.centre_id FROM assignments a JOIN shifts s ON s.id = a.shift_id WHERE a.id = ?`,
				assignmentID).Scan(&shiftID, &centreID); err != nil {
				return fmt.Errorf("store: inbound reply: %w", err)
			}
			d.announce(tx, konullu.CentreEvent{Kind: konullu.CentreWithdrawn, At: now, CentreID: centreID, ShiftID: shiftID, AssignmentID: assignmentID})
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	a, err := d.assignment(ctx, d.db, assignmentID)
	return outcome, a, err
}
