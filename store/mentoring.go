package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/konullu/konullu"
)

// This file is the youth programme's mentors, hour corrections and
// recommendation letters (issue 15).

var _ konullu.MentoringStore = (*DB)(nil)

// mentorLockKey is the PostgreSQL advisory lock that serialises changes of
// mentorships, so that two changes at once cannot close a cycle that
// neither saw (SQLite's write lock does the same).
const mentorLockKey = 0x6d656e746f72 // "mentor"

// creditedMinutesOf is a volunteer's credited minutes, as Volunteer.totalMinutes counts them.
const creditedMinutesOf = `COALESCE((SELECT SUM(a.credited_minutes) FROM assignments a JOIN shifts s ON s.id = a.shift_id
	WHERE a.volunteer_id = v.id AND a.status = 'COMPLETED' AND s.kind = 'SERVICE'), 0)`

// AssignMentor makes m.MentorID the mentor of m.VolunteerID.
func (d *DB) AssignMentor(ctx context.Context, m konullu.Mentorship, minMinutes int) error {
	if m.MentorID == m.VolunteerID {
		return konullu.Invalid("mentorId", "a volunteer cannot be their own mentor")
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		if d.dialect == Postgres {
			if _, err := d.exec(ctx, tx, `SELECT pg_advisory_xact_lock(?)`, int64(mentorLockKey)); err != nil {
				return fmt.Errorf("store: mentor lock: %w", err)
			}
		}
		var menteeName, menteeStatus string
		err := d.queryRow(ctx, tx, `SELECT full_name, status FROM volunteers WHERE id = ?`, m.VolunteerID).Scan(&menteeName, &menteeStatus)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
		}
		if err != nil {
			return fmt.Errorf("store: assign mentor: %w", err)
		}
		var mentorName, mentorStatus string
		var minutes, mentees int
		err = d.queryRow(ctx, tx, `SELECT v.full_name, v.status, `+creditedMinutesOf+`,
			(SELECT COUNT(*) FROM mentorships x WHERE x.mentor_id = v.id AND x.volunteer_id <> ?)
			FROM volunteers v WHERE v.id = ?`, m.VolunteerID, m.MentorID).Scan(&mentorName, &mentorStatus, &minutes, &mentees)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "mentor not found", Field: "mentorId"}
		}
		if err != nil {
			return fmt.Errorf("store: assign mentor: %w", err)
		}
		switch {
		case mentorStatus != string(konullu.VolunteerActive):
			return konullu.Errorf(konullu.ECONFLICT, "the mentor's account is %s; a mentor must be active", mentorStatus)
		case minutes < minMinutes:
			return konullu.Errorf(konullu.ENOTEXPERIENCED, "a mentor needs at least %d credited hours; %s has %d",
				minMinutes/60, mentorName, minutes/60)
		case mentees >= konullu.MaxMentees:
			return konullu.Errorf(konullu.ECONFLICT, "%s mentors %d volunteers already, the most one mentor may", mentorName, mentees)
		}
		// No cycles: the mentor's own chain of mentors must not reach the volunteer.
		for cur, steps := m.MentorID, 0; ; steps++ {
			var next int64
			err := d.queryRow(ctx, tx, `SELECT mentor_id FROM mentorships WHERE volunteer_id = ?`, cur).Scan(&next)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				return fmt.Errorf("store: mentor chain: %w", err)
			}
			if next == m.VolunteerID || steps > 10_000 {
				return konullu.Errorf(konullu.ECONFLICT, "%s is mentored, directly or through others, by %s: that would be a cycle",
					mentorName, menteeName)
			}
			cur = next
		}
		var current int64
		err = d.queryRow(ctx, tx, `SELECT mentor_id FROM mentorships WHERE volunteer_id = ?`, m.VolunteerID).Scan(&current)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: assign mentor: %w", err)
		}
		if current == m.MentorID {
			return nil // already so: nothing to announce
		}
		var by any
		if m.AssignedBy != 0 {
			by = m.AssignedBy
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO mentorships (volunteer_id, mentor_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (volunteer_id) DO UPDATE SET mentor_id = excluded.mentor_id, assigned_by = excluded.assigned_by,
			assigned_at = excluded.assigned_at`, m.VolunteerID, m.MentorID, by, now); err != nil {
			return fmt.Errorf("store: assign mentor: %w", err)
		}
		return d.enqueue(ctx, tx, now,
			event{kind: konullu.NotifyMentorAssigned, volunteerID: m.VolunteerID, payload: map[string]any{"name": mentorName}},
			event{kind: konullu.NotifyMenteeAssigned, volunteerID: m.MentorID, payload: map[string]any{"name": menteeName}})
	})
}

// RemoveMentor ends a volunteer's mentorship.
func (d *DB) RemoveMentor(ctx context.Context, volunteerID int64) error {
	if _, err := d.exec(ctx, d.db, `DELETE FROM mentorships WHERE volunteer_id = ?`, volunteerID); err != nil {
		return fmt.Errorf("store: remove mentor: %w", err)
	}
	return nil
}

// MentorsOf returns the mentor of each volunteer that has one.
func (d *DB) MentorsOf(ctx context.Context, volunteerIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	in, args := inList(volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT volunteer_id, mentor_id FROM mentorships WHERE volunteer_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mentors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v, m int64
		if err := rows.Scan(&v, &m); err != nil {
			return nil, fmt.Errorf("store: mentors: %w", err)
		}
		out[v] = m
	}
	return out, rows.Err()
}

// MenteesOf returns the mentees of each mentor, by name.
func (d *DB) MenteesOf(ctx context.Context, mentorIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if mentorIDs = uniqueIDs(mentorIDs); len(mentorIDs) == 0 {
		return out, nil
	}
	in, args := inList(mentorIDs)
	rows, err := d.query(ctx, d.db, `SELECT m.mentor_id, m.volunteer_id FROM mentorships m JOIN volunteers v ON v.id = m.volunteer_id
		WHERE m.mentor_id IN (`+in+`) ORDER BY m.mentor_id, v.full_name, v.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mentees: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m, v int64
		if err := rows.Scan(&m, &v); err != nil {
			return nil, fmt.Errorf("store: mentees: %w", err)
		}
		out[m] = append(out[m], v)
	}
	return out, rows.Err()
}

// MentorLinks says how an ACTIVE viewer stands to each volunteer.
func (d *DB) MentorLinks(ctx context.Context, viewer int64, volunteerIDs []int64) (map[int64]konullu.MentorLink, error) {
	out := map[int64]konullu.MentorLink{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 || viewer == 0 {
		return out, nil
	}
	in, args := inList(volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT m.volunteer_id, m.mentor_id FROM mentorships m
		JOIN volunteers me ON me.id = ? AND me.status = 'ACTIVE'
		WHERE m.mentor_id = ? AND m.volunteer_id IN (`+in+`) OR m.volunteer_id = ? AND m.mentor_id IN (`+in+`)`,
		append(append(append([]any{viewer, viewer}, args...), viewer), args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: mentor links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mentee, mentor int64
		if err := rows.Scan(&mentee, &mentor); err != nil {
			return nil, fmt.Errorf("store: mentor links: %w", err)
		}
		if mentor == viewer {
			out[mentee] = konullu.MentorOf
		} else {
			out[mentor] = konullu.MentoredBy
		}
	}
	return out, rows.Err()
}

// SignUpTogether signs a mentor and their mentee up for one shift in one
// transaction, each by the volunteer's rules: both get a confirmed place or
// nothing changes. It is for the mentee's first shift (none attended yet).
// The two volunteers are locked in id order, then the shift, as every
// signup locks volunteer before shift.
func (d *DB) SignUpTogether(ctx context.Context, shiftID, mentorID, menteeID int64) (*konullu.Assignment, *konullu.Assignment, error) {
	var ids [2]int64
	var outcomes [2]konullu.AssignmentStatus
	var wantsConsent int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		ids, outcomes, wantsConsent = [2]int64{}, [2]konullu.AssignmentStatus{}, 0
		var mentor int64
		err := d.queryRow(ctx, tx, `SELECT mentor_id FROM mentorships WHERE volunteer_id = ?`, menteeID).Scan(&mentor)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: sign up together: %w", err)
		}
		if mentor != mentorID || mentorID == 0 {
			return &konullu.Error{Code: konullu.EFORBIDDEN, Message: "you are not this volunteer's mentor", Field: "menteeId"}
		}
		locked := map[int64]*konullu.Volunteer{}
		order := []int64{mentorID, menteeID}
		slices.Sort(order)
		for _, id := range order {
			v, err := d.lockVolunteer(ctx, tx, id)
			if err != nil {
				return err
			}
			locked[id] = v
		}
		var attended int
		// Training sessions are no service: a mentee who has just finished a
		// course still has their first shift to take.
		if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.volunteer_id = ? AND a.status IN ('CHECKED_IN', 'COMPLETED') AND s.kind = 'SERVICE'`,
			menteeID).Scan(&attended); err != nil {
			return fmt.Errorf("store: sign up together: %w", err)
		}
		if attended > 0 {
			return konullu.Errorf(konullu.ECONFLICT, "booking together is for the mentee's first shift; they have served already and sign up themselves")
		}
		s, position, err := d.lockShiftWithPosition(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		for i, id := range []int64{mentorID, menteeID} {
			res, err := d.signUpIn(ctx, tx, now, locked[id], s, position, signupMode{})
			if err != nil {
				if id == menteeID {
					wantsConsent = res.wantsConsent
				}
				return err
			}
			if res.repeated != 0 {
				a, err := d.assignment(ctx, tx, res.repeated)
				if err != nil {
					return err
				}
				if a.Status != konullu.AssignmentConfirmed {
					return konullu.Errorf(konullu.ECONFLICT, "one of you already holds a %s place in this shift", a.Status)
				}
				ids[i] = a.ID
				continue
			}
			if res.out.Status != konullu.AssignmentConfirmed {
				return konullu.Errorf(konullu.ECONFLICT, "the shift has not enough free places for both of you")
			}
			ids[i], outcomes[i] = res.out.ID, res.out.Status
		}
		return nil
	})
	if err != nil {
		if wantsConsent != 0 {
			if rerr := d.recordConsentRequest(ctx, menteeID, shiftID, wantsConsent); rerr != nil {
				d.log.ErrorContext(ctx, "consent request not recorded", "err", rerr)
			}
		}
		return nil, nil, err
	}
	for _, o := range outcomes {
		if o != "" {
			d.observeSignup(o, false)
		}
	}
	m, err := d.AssignmentsByIDs(ctx, ids[:])
	if err != nil {
		return nil, nil, err
	}
	return m[ids[0]], m[ids[1]], nil
}

const correctionColumns = `id, assignment_id, volunteer_id, centre_id, checked_in_at, checked_out_at, reason, status,
	decision_note, COALESCE(decided_by, 0), decided_at, created_at`

func scanCorrection(row interface{ Scan(...any) error }) (*konullu.HourCorrection, error) {
	c := &konullu.HourCorrection{}
	var in, out, decided, created nullTime
	var status string
	err := row.Scan(&c.ID, &c.AssignmentID, &c.VolunteerID, &c.CentreID, &in, &out, &c.Reason, &status,
		&c.DecisionNote, &c.DecidedBy, &decided, &created)
	c.CheckedInAt, c.CheckedOutAt, c.DecidedAt, c.CreatedAt = in.Time, out.Time, decided.ptr(), created.Time
	c.Status = konullu.CorrectionStatus(status)
	return c, err
}

func (d *DB) scanCorrections(rows *sql.Rows, err error) ([]*konullu.HourCorrection, error) {
	if err != nil {
		return nil, fmt.Errorf("store: hour corrections: %w", err)
	}
	defer rows.Close()
	var out []*konullu.HourCorrection
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: hour corrections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

var errCorrectionPending = konullu.Errorf(konullu.ECONFLICT, "a correction of this assignment is waiting for a coordinator already")

// RequestCorrection records a volunteer's pending correction of their assignment.
func (d *DB) RequestCorrection(ctx context.Context, c *konullu.HourCorrection) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		s, a, err := d.lockAssignment(ctx, tx, c.AssignmentID)
		if err != nil {
			return err
		}
		if a.VolunteerID != c.VolunteerID {
			return konullu.NotFound("assignment")
		}
		if !konullu.Disputable(a) {
			return konullu.Errorf(konullu.ECONFLICT, "a %s place cannot be corrected", a.Status)
		}
		if err := konullu.CheckCorrectionTimes(now, &s.Shift, c.CheckedInAt, c.CheckedOutAt); err != nil {
			return err
		}
		c.CentreID, c.Status, c.CreatedAt = s.CentreID, konullu.CorrectionPending, now
		c.CheckedInAt, c.CheckedOutAt = c.CheckedInAt.UTC(), c.CheckedOutAt.UTC()
		err = d.queryRow(ctx, tx, `INSERT INTO hour_corrections (assignment_id, volunteer_id, centre_id, checked_in_at, checked_out_at,
			reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?) RETURNING id`,
			c.AssignmentID, c.VolunteerID, c.CentreID, c.CheckedInAt, c.CheckedOutAt, c.Reason, now).Scan(&c.ID)
		if isUniqueViolation(err) {
			return errCorrectionPending
		}
		if err != nil {
			return fmt.Errorf("store: request correction: %w", err)
		}
		return nil
	})
}

// DecideCorrection approves or rejects a pending correction. Approving
// records its times as the assignment's attendance, credited as attendance
// recorded afterwards (presence RECORDED), in the same transaction under
// the shift's lock; the hour tally, reports and certificates count it from
// there, as they count every credited assignment.
func (d *DB) DecideCorrection(ctx context.Context, id int64, approve bool, note string, by int64) (*konullu.HourCorrection, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		var assignmentID int64
		err := d.queryRow(ctx, tx, `SELECT assignment_id FROM hour_corrections WHERE id = ?`, id).Scan(&assignmentID)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "hour correction not found", Field: "id"}
		}
		if err != nil {
			return fmt.Errorf("store: decide correction: %w", err)
		}
		s, a, err := d.lockAssignment(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		c, err := scanCorrection(d.queryRow(ctx, tx, `SELECT `+correctionColumns+` FROM hour_corrections WHERE id = ?`, id))
		if err != nil {
			return fmt.Errorf("store: decide correction: %w", err)
		}
		if c.Status != konullu.CorrectionPending {
			return konullu.Errorf(konullu.ECONFLICT, "this correction was %s already", c.Status)
		}
		status, kind := konullu.CorrectionRejected, konullu.NotifyCorrectionRejected
		if approve {
			status, kind = konullu.CorrectionApproved, konullu.NotifyCorrectionApproved
			if err := d.applyAttendance(ctx, tx, now, s, a, c.CheckedInAt, c.CheckedOutAt, konullu.PresenceRecorded); err != nil {
				return err
			}
		}
		var decider any
		if by != 0 {
			decider = by
		}
		if _, err := d.exec(ctx, tx, `UPDATE hour_corrections SET status = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			string(status), note, decider, now, id); err != nil {
			return fmt.Errorf("store: decide correction: %w", err)
		}
		if approve {
			d.announce(tx, konullu.CentreEvent{Kind: konullu.CentreCheckedOut, At: now, CentreID: s.CentreID, ShiftID: s.ID, AssignmentID: a.ID})
		}
		return d.enqueue(ctx, tx, now, event{kind: kind, volunteerID: a.VolunteerID, assignmentID: a.ID, shiftID: s.ID,
			payload: map[string]any{"reason": note, "minutes": konullu.CreditedMinutes(&s.Shift, c.CheckedInAt, c.CheckedOutAt)}})
	})
	if err != nil {
		return nil, err
	}
	m, err := d.CorrectionsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// CorrectionsByIDs returns the corrections with the given ids.
func (d *DB) CorrectionsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.HourCorrection, error) {
	out := map[int64]*konullu.HourCorrection{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanCorrections(d.query(ctx, d.db, `SELECT `+correctionColumns+` FROM hour_corrections WHERE id IN (`+in+`)`, args...))
	for _, c := range list {
		out[c.ID] = c
	}
	return out, err
}

// FindCorrections returns corrections by the filter, newest first.
func (d *DB) FindCorrections(ctx context.Context, f konullu.CorrectionFilter) ([]*konullu.HourCorrection, error) {
	query := `SELECT ` + correctionColumns + ` FROM hour_corrections WHERE 1 = 1`
	var args []any
	if f.CentreIDs != nil {
		in, a := inList(uniqueIDs(f.CentreIDs))
		if len(a) == 0 {
			return nil, nil
		}
		query += ` AND centre_id IN (` + in + `)`
		args = append(args, a...)
	}
	if f.VolunteerID != 0 {
		query += ` AND volunteer_id = ?`
		args = append(args, f.VolunteerID)
	}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	query += fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, limit)
	return d.scanCorrections(d.query(ctx, d.db, query, args...))
}

// LatestCorrections returns the newest correction of each assignment that has one.
func (d *DB) LatestCorrections(ctx context.Context, assignmentIDs []int64) (map[int64]*konullu.HourCorrection, error) {
	out := map[int64]*konullu.HourCorrection{}
	if assignmentIDs = uniqueIDs(assignmentIDs); len(assignmentIDs) == 0 {
		return out, nil
	}
	in, args := inList(assignmentIDs)
	list, err := d.scanCorrections(d.query(ctx, d.db, `SELECT `+correctionColumns+` FROM hour_corrections
		WHERE assignment_id IN (`+in+`) ORDER BY created_at, id`, args...))
	for _, c := range list {
		out[c.AssignmentID] = c // the newest comes last
	}
	return out, err
}

// AttendedCentres returns the centres where the volunteer attended any shift.
func (d *DB) AttendedCentres(ctx context.Context, volunteerID int64) ([]int64, error) {
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT s.centre_id FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id = ? AND a.status = 'COMPLETED' ORDER BY s.centre_id`, volunteerID)
	if err != nil {
		return nil, fmt.Errorf("store: attended centres: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: attended centres: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// letterQualifications lists the qualifications a letter names: those the
// volunteer holds at its issue (not expired), in the letter's language.
func (d *DB) letterQualifications(ctx context.Context, tx *sql.Tx, volunteerID int64, now time.Time, lang konullu.Language) ([]string, error) {
	rows, err := d.query(ctx, tx, `SELECT q.name, q.names FROM held_qualifications h JOIN qualifications q ON q.id = h.qualification_id
		WHERE h.volunteer_id = ? AND (h.expires_at IS NULL OR h.expires_at > ?) ORDER BY q.name_key`, volunteerID, now)
	if err != nil {
		return nil, fmt.Errorf("store: letter qualifications: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		q := &konullu.Qualification{}
		var names jsonTextMap
		if err := rows.Scan(&q.Name, &names); err != nil {
			return nil, fmt.Errorf("store: letter qualifications: %w", err)
		}
		q.Names = names
		out = append(out, q.NameIn(lang))
	}
	return out, rows.Err()
}

// letterFigures reads what a letter certifies: the volunteer's credited
// minutes and shifts, the centres and positions of the attended shifts and
// their first and last dates (in loc).
func (d *DB) letterFigures(ctx context.Context, q queryer, volunteerID int64, loc *time.Location) (konullu.LetterFigures, error) {
	var f konullu.LetterFigures
	var first, last nullTime
	const from = ` FROM assignments a JOIN shifts s ON s.id = a.shift_id `
	const attended = ` WHERE a.volunteer_id = ? AND a.status = 'COMPLETED' AND a.credited_minutes > 0 AND s.kind = 'SERVICE'`
	if err := d.queryRow(ctx, q, `SELECT COALESCE(SUM(a.credited_minutes), 0), COUNT(*), MIN(s.starts_at), MAX(s.starts_at)`+from+attended,
		volunteerID).Scan(&f.Minutes, &f.Shifts, &first, &last); err != nil {
		return f, fmt.Errorf("store: letter figures: %w", err)
	}
	if first.Valid {
		f.From, f.To = konullu.LocalDate(first.Time, loc), konullu.LocalDate(last.Time, loc)
	}
	names := func(query string) ([]string, error) {
		rows, err := d.query(ctx, q, query, volunteerID)
		if err != nil {
			return nil, fmt.Errorf("store: letter figures: %w", err)
		}
		defer rows.Close()
		out := []string{}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return nil, fmt.Errorf("store: letter figures: %w", err)
			}
			out = append(out, n)
		}
		return out, rows.Err()
	}
	var err error
	if f.Centres, err = names(`SELECT DISTINCT c.name` + from + `JOIN centres c ON c.id = s.centre_id` + attended + ` ORDER BY c.name`); err != nil {
		return f, err
	}
	if f.Positions, err = names(`SELECT DISTINCT p.name` + from + `JOIN positions p ON p.id = s.position_id` + attended + ` ORDER BY p.name`); err != nil {
		return f, err
	}
	return f, nil
}

const letterColumns = `id, code, volunteer_id, full_name, language, body, COALESCE(author_id, 0), author_name, minutes, shifts,
	centres, positions, qualifications, period_from, period_to, issued_at`

func scanLetter(row interface{ Scan(...any) error }) (*konullu.RecommendationLetter, error) {
	l := &konullu.RecommendationLetter{}
	var lang string
	var centres, positions, quals jsonList
	var from, to, issued nullTime
	err := row.Scan(&l.ID, &l.Code, &l.VolunteerID, &l.FullName, &lang, &l.Text, &l.AuthorID, &l.AuthorName, &l.Minutes, &l.Shifts,
		&centres, &positions, &quals, &from, &to, &issued)
	l.Language, l.Centres, l.Positions, l.Qualifications = konullu.Language(lang), nonNil(centres), nonNil(positions), nonNil(quals)
	l.From, l.To, l.IssuedAt = from.Time, to.Time, issued.Time
	return l, err
}

// IssueLetter records a recommendation letter with the volunteer's figures
// as they are now and a fresh verification code, and tells the volunteer.
func (d *DB) IssueLetter(ctx context.Context, l *konullu.RecommendationLetter) error {
	loc := konullu.ZoneLocation(konullu.DefaultTimezone)
	return d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now().UTC().Truncate(time.Microsecond)
		err := d.queryRow(ctx, tx, `SELECT full_name FROM volunteers WHERE id = ?`, l.VolunteerID).Scan(&l.FullName)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
		}
		if err != nil {
			return fmt.Errorf("store: issue letter: %w", err)
		}
		if err := d.queryRow(ctx, tx, `SELECT COALESCE((SELECT full_name FROM volunteers WHERE user_id = ?), '')`, l.AuthorID).
			Scan(&l.AuthorName); err != nil {
			return fmt.Errorf("store: issue letter: %w", err)
		}
		if l.LetterFigures, err = d.letterFigures(ctx, tx, l.VolunteerID, loc); err != nil {
			return err
		}
		if l.Qualifications, err = d.letterQualifications(ctx, tx, l.VolunteerID, now, l.Language); err != nil {
			return err
		}
		l.IssuedAt = now
		var author any
		if l.AuthorID != 0 {
			author = l.AuthorID
		}
		for attempt := 0; ; attempt++ {
			// One code space with certificates: /verify/{code} finds either.
			l.Code = newCertificateCode()
			var taken bool
			if err := d.queryRow(ctx, tx, `SELECT EXISTS (SELECT 1 FROM certificates WHERE code = ?)`, l.Code).Scan(&taken); err != nil {
				return fmt.Errorf("store: issue letter: %w", err)
			}
			if taken && attempt < 3 {
				continue
			}
			err = d.queryRow(ctx, tx, `INSERT INTO recommendation_letters (code, volunteer_id, full_name, language, body, author_id,
					author_name, minutes, shifts, centres, positions, qualifications, period_from, period_to, issued_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				l.Code, l.VolunteerID, l.FullName, string(l.Language), l.Text, author, l.AuthorName, l.Minutes, l.Shifts,
				listJSON(l.Centres), listJSON(l.Positions), listJSON(l.Qualifications), dateArg(l.From), dateArg(l.To), now).Scan(&l.ID)
			if err != nil { // a clash with another letter's code (2^-50) fails the request
				return fmt.Errorf("store: issue letter: %w", err)
			}
			break
		}
		return d.enqueue(ctx, tx, now, event{kind: konullu.NotifyLetterIssued, volunteerID: l.VolunteerID,
			payload: map[string]any{"name": l.AuthorName}})
	})
}

// LetterByCode returns the letter with the verification code.
func (d *DB) LetterByCode(ctx context.Context, code string) (*konullu.RecommendationLetter, error) {
	code = NormalizeCertificateCode(code)
	if code == "" {
		return nil, konullu.NotFound("letter")
	}
	l, err := scanLetter(d.queryRow(ctx, d.db, `SELECT `+letterColumns+` FROM recommendation_letters WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("letter")
	}
	if err != nil {
		return nil, fmt.Errorf("store: letter: %w", err)
	}
	return l, nil
}

func (d *DB) scanLetters(rows *sql.Rows, err error) ([]*konullu.RecommendationLetter, error) {
	if err != nil {
		return nil, fmt.Errorf("store: letters: %w", err)
	}
	defer rows.Close()
	var out []*konullu.RecommendationLetter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("store: letters: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LettersOf returns a volunteer's letters, newest first.
func (d *DB) LettersOf(ctx context.Context, volunteerID int64) ([]*konullu.RecommendationLetter, error) {
	return d.scanLetters(d.query(ctx, d.db, `SELECT `+letterColumns+` FROM recommendation_letters WHERE volunteer_id = ?
		ORDER BY issued_at DESC, id DESC`, volunteerID))
}

// LettersByIDs returns the letters with the given ids.
func (d *DB) LettersByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.RecommendationLetter, error) {
	out := map[int64]*konullu.RecommendationLetter{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanLetters(d.query(ctx, d.db, `SELECT `+letterColumns+` FROM recommendation_letters WHERE id IN (`+in+`)`, args...))
	for _, l := range list {
		out[l.ID] = l
	}
	return out, err
}
