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
	a.credited_minutes, COALESCE(a.presence, ''), a.note, a.created_at, a.updated_at,
	CASE WHEN a.status = 'WAITLISTED' THEN (SELECT COUNT(*) FROM assignments w
		WHERE w.shift_id = a.shift_id AND w.status = 'WAITLISTED' AND w.queue_seq <= a.queue_seq) ELSE 0 END,
	a.attendance_confirmed_at, COALESCE(a.cancelled_by, '')
	FROM assignments a`

func scanAssignment(rows interface{ Scan(...any) error }) (*konullu.Assignment, error) {
	a := &konullu.Assignment{}
	var in, out, created, updated, confirmed nullTime
	var status, presence, cancelledBy string
	err := rows.Scan(&a.ID, &a.ShiftID, &a.VolunteerID, &status, &in, &out, &a.CreditedMinutes, &presence, &a.Note,
		&created, &updated, &a.WaitlistPosition, &confirmed, &cancelledBy)
	a.CancelledBy = konullu.CancelCause(cancelledBy)
	a.Status, a.CheckedInAt, a.CheckedOutAt = konullu.AssignmentStatus(status), in.ptr(), out.ptr()
	a.Presence = konullu.PresenceProof(presence)
	a.AttendanceConfirmedAt = confirmed.ptr()
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
//
// It is the hottest transaction of the product (a signup storm is the
// busiest minute a centre has), so it talks to the database as little as it
// can: the two locks, one statement for every fact the decision needs, the
// write, and the message; the answer is built from what it knows instead of
// being read again.
func (d *DB) SignUp(ctx context.Context, shiftID, volunteerID int64, byCoordinator bool) (*konullu.Assignment, error) {
	return d.signUp(ctx, shiftID, volunteerID, signupMode{byCoordinator: byCoordinator})
}

// signupMode varies the signup transaction for its callers: a volunteer, a
// coordinator, or a roster proposal (store/roster.go), which takes a free
// place or nothing.
type signupMode struct {
	byCoordinator bool
	proposal      *proposalSignup
}

func (d *DB) signUp(ctx context.Context, shiftID, volunteerID int64, mode signupMode) (*konullu.Assignment, error) {
	byCoordinator := mode.byCoordinator
	var out *konullu.Assignment
	var repeated int64                   // the active assignment a repeated signup returns
	var outcome konullu.AssignmentStatus // set when this call wrote the assignment (metrics)
	var wantsConsent int64               // the centre a minor applied at, refused for want of consent
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		out, repeated, outcome, wantsConsent = nil, 0, "", 0
		v, err := d.lockVolunteer(ctx, tx, volunteerID)
		if err != nil {
			return err
		}
		s, position, err := d.lockShiftWithPosition(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		res, err := d.signUpIn(ctx, tx, now, v, s, position, mode)
		out, repeated, outcome, wantsConsent = res.out, res.repeated, res.outcome, res.wantsConsent
		return err
	})
	if err != nil {
		if wantsConsent != 0 {
			// The refusal is the answer; failing to note the application
			// only means the centre cannot record consent yet.
			if rerr := d.recordConsentRequest(ctx, volunteerID, shiftID, wantsConsent); rerr != nil {
				d.log.ErrorContext(ctx, "consent request not recorded", "err", rerr)
			}
		}
		return nil, err
	}
	if repeated != 0 {
		return d.assignment(ctx, d.db, repeated)
	}
	d.observeSignup(outcome, byCoordinator)
	return out, nil
}

// signupResult is what one signup inside a transaction did.
type signupResult struct {
	out          *konullu.Assignment
	repeated     int64                    // the active assignment a repeated signup returns
	outcome      konullu.AssignmentStatus // set when the signup wrote the assignment (metrics)
	wantsConsent int64                    // the centre a minor applied at, refused for want of consent
}

// signUpIn is the signup of a volunteer whose row and shift the caller's
// transaction has locked (SignUp; SignUpTogether for two volunteers).
func (d *DB) signUpIn(ctx context.Context, tx *sql.Tx, now time.Time, v *konullu.Volunteer, s *lockedShift,
	position *konullu.Position, mode signupMode) (signupResult, error) {
	var res signupResult
	byCoordinator := mode.byCoordinator
	shiftID, volunteerID := s.ID, v.ID
	f, err := d.signupFacts(ctx, tx, s, v)
	if err != nil {
		return res, err
	}
	if f.existing != 0 && f.existingStatus != string(konullu.AssignmentCancelled) {
		if mode.proposal != nil {
			return res, konullu.Errorf(konullu.ECONFLICT, "the volunteer is already signed up for this shift")
		}
		res.repeated = f.existing
		return res, nil
	}
	loc := konullu.ZoneLocation(s.centreTimezone)
	facts := &konullu.SignupFacts{Consent: f.consent, Held: f.held, Waiting: f.waiting}
	if f.overlapping != 0 {
		clashes, err := d.clashes(ctx, tx, map[int64]int64{v.ID: f.overlapping})
		if err != nil {
			return res, err
		}
		if c := clashes[v.ID]; c != nil {
			c.VolunteerID = v.ID
			facts.Clash = c
		}
	}
	req := konullu.SignupRequest{Now: now, Shift: &s.Shift, Position: position, Volunteer: v, Location: loc,
		ByCoordinator: byCoordinator, Facts: facts}
	// The one list of obstacles (konullu.Rules.SignupObstacles) decides:
	// those of the shift and the volunteer first, then a roster
	// proposal's own conditions, then consent and the other places.
	obstacles := d.rules.SignupObstacles(req)
	own, others := splitFactObstacles(obstacles)
	if err := konullu.Refusal(own); err != nil {
		return res, err
	}
	if mode.proposal != nil {
		if err := d.checkProposal(ctx, tx, now, s, v, f, mode.proposal); err != nil {
			return res, err
		}
	}
	if err := konullu.Refusal(others); err != nil {
		if o := err.(*konullu.Error).Obstacle; o != nil && o.Code == konullu.ObstacleConsent && !byCoordinator {
			res.wantsConsent = s.CentreID
		}
		return res, err
	}
	a := &konullu.Assignment{ShiftID: shiftID, VolunteerID: volunteerID, Status: konullu.AssignmentConfirmed,
		CreatedAt: now, UpdatedAt: now}
	if f.held >= s.Capacity {
		// The new signup is the last in the queue: after everyone waiting.
		a.Status, a.WaitlistPosition = konullu.AssignmentWaitlisted, f.waiting+1
	}
	seq := s.queueSeq + 1
	switch {
	case f.existing != 0: // signing up again after a withdrawal: to the end of the queue
		a.ID, a.CreatedAt = f.existing, f.existingCreated
		if _, err := d.exec(ctx, tx, `UPDATE shifts SET queue_seq = ? WHERE id = ?`, seq, shiftID); err != nil {
			return res, fmt.Errorf("store: signup: %w", err)
		}
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = ?, queue_seq = ?, checked_in_at = NULL, checked_out_at = NULL,
			credited_minutes = 0, presence = NULL, note = '', attendance_confirmed_at = NULL, cancelled_by = NULL, updated_at = ? WHERE id = ?`, string(a.Status), seq, now, a.ID)
	case d.dialect == Postgres: // the counter and the row in one statement
		err = d.queryRow(ctx, tx, `WITH counter AS (UPDATE shifts SET queue_seq = ? WHERE id = ?)
			INSERT INTO assignments (shift_id, volunteer_id, status, queue_seq, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, seq, shiftID, shiftID, volunteerID, string(a.Status), seq, now, now).Scan(&a.ID)
	default:
		if _, err := d.exec(ctx, tx, `UPDATE shifts SET queue_seq = ? WHERE id = ?`, seq, shiftID); err != nil {
			return res, fmt.Errorf("store: signup: %w", err)
		}
		err = d.queryRow(ctx, tx, `INSERT INTO assignments (shift_id, volunteer_id, status, queue_seq, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, shiftID, volunteerID, string(a.Status), seq, now, now).Scan(&a.ID)
	}
	if err != nil {
		return res, fmt.Errorf("store: signup: %w", err)
	}
	// The queue counter moved: a second signup in this transaction reads it from here.
	s.queueSeq = seq
	if a.Status == konullu.AssignmentWaitlisted {
		// A place on offer goes to the waitlist first (swaps.go): to
		// this volunteer when nobody before them could come.
		o, err := d.openOfferOf(ctx, tx, s.ID)
		if err != nil {
			return res, err
		}
		if o != nil {
			given, promoted, err := d.giveOfferToWaitlist(ctx, tx, s, now, o, a.ID)
			switch {
			case err != nil:
				return res, err
			case given && promoted == a.ID:
				a.Status, a.WaitlistPosition = konullu.AssignmentConfirmed, 0
			case given:
				a.WaitlistPosition-- // the first of the queue left it
			}
		}
	}
	res.out, res.outcome = a, a.Status
	if mode.proposal != nil {
		if err := d.recordProposal(ctx, tx, mode.proposal.id, konullu.ProposalAssigned, nil, a.ID); err != nil {
			return res, err
		}
	}
	evs := signupEvent(a.ID, s.ID, v.UserID, a.Status, byCoordinator)
	return res, d.enqueueKnown(ctx, tx, now, map[int64]int{v.UserID: f.channels}, nil, evs...)
}

// lockVolunteer reads a volunteer for a signup, locking the row on
// PostgreSQL (SQLite's IMMEDIATE transaction already holds the write lock).
// TotalMinutes is left at zero: no signup rule depends on it.
func (d *DB) lockVolunteer(ctx context.Context, tx *sql.Tx, id int64) (*konullu.Volunteer, error) {
	lock := ""
	if d.dialect == Postgres {
		lock = ` FOR UPDATE OF v`
	}
	v, err := scanVolunteer(d.queryRow(ctx, tx, `SELECT `+volunteerColumns+`, 0
		FROM volunteers v JOIN users u ON u.id = v.user_id WHERE v.id = ?`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("volunteer")
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock volunteer: %w", err)
	}
	return v, nil
}

// lockShiftWithPosition is lockShift that also reads the shift's position
// and its centre's time zone (ages count on the shift's date there).
func (d *DB) lockShiftWithPosition(ctx context.Context, tx *sql.Tx, id int64) (*lockedShift, *konullu.Position, error) {
	lock := ""
	if d.dialect == Postgres {
		lock = ` FOR UPDATE OF s`
	}
	return d.shiftWithPosition(ctx, tx, id, lock)
}

// shiftWithPosition reads a shift with its position and its centre's time
// zone; lock is "" or the dialect's row lock.
func (d *DB) shiftWithPosition(ctx context.Context, q queryer, id int64, lock string) (*lockedShift, *konullu.Position, error) {
	s, p := &lockedShift{}, &konullu.Position{}
	var start, end nullTime
	var status string
	var skills jsonList
	err := d.queryRow(ctx, q, `SELECT s.id, s.centre_id, s.position_id, s.starts_at, s.ends_at, s.capacity, s.status, s.queue_seq,
		p.id, p.name, p.description, p.required_skills, p.minimum_age, c.timezone
		FROM shifts s JOIN positions p ON p.id = s.position_id JOIN centres c ON c.id = s.centre_id WHERE s.id = ?`+lock, id).
		Scan(&s.ID, &s.CentreID, &s.PositionID, &start, &end, &s.Capacity, &status, &s.queueSeq,
			&p.ID, &p.Name, &p.Description, &skills, &p.MinimumAge, &s.centreTimezone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, konullu.NotFound("shift")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: lock shift: %w", err)
	}
	s.StartsAt, s.EndsAt, s.Status = start.Time, end.Time, konullu.ShiftStatus(status)
	p.RequiredSkills = nonNil(skills)
	return s, p, nil
}

// signupFacts is everything a signup decides on besides the two locked rows.
type signupFacts struct {
	existing        int64 // the volunteer's assignment in this shift (any status), or 0
	existingStatus  string
	existingCreated time.Time
	consent         bool  // a guardian's consent is on record
	overlapping     int64 // a shift of the volunteer's active assignments that overlaps, or 0
	held, waiting   int   // places held, volunteers waiting
	channels        int   // the volunteer's notification channels
}

// signupFacts reads them in one statement. It runs after both locks are
// taken, so in PostgreSQL's READ COMMITTED its snapshot holds every change
// of every transaction that held them before (each took the same locks).
func (d *DB) signupFacts(ctx context.Context, tx *sql.Tx, s *lockedShift, v *konullu.Volunteer) (*signupFacts, error) {
	f := &signupFacts{}
	var created nullTime
	err := d.queryRow(ctx, tx, `SELECT
		COALESCE((SELECT id FROM assignments WHERE shift_id = ? AND volunteer_id = ?), 0),
		COALESCE((SELECT status FROM assignments WHERE shift_id = ? AND volunteer_id = ?), ''),
		(SELECT created_at FROM assignments WHERE shift_id = ? AND volunteer_id = ?),
		EXISTS (SELECT 1 FROM guardian_consents WHERE volunteer_id = ?),
		COALESCE((SELECT o.id FROM assignments a JOIN shifts o ON o.id = a.shift_id
			WHERE a.volunteer_id = ? AND a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN')
			AND a.shift_id <> ? AND o.starts_at < ? AND o.ends_at > ? LIMIT 1), 0),
		(SELECT COUNT(*) FROM assignments WHERE shift_id = ? AND status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')),
		(SELECT COUNT(*) FROM assignments WHERE shift_id = ? AND status = 'WAITLISTED'),
		COALESCE((SELECT channels FROM notification_settings WHERE user_id = ?), `+fmt.Sprint(konullu.DefaultChannelMask)+`)`,
		s.ID, v.ID, s.ID, v.ID, s.ID, v.ID,
		v.ID,
		v.ID, s.ID, s.EndsAt, s.StartsAt,
		s.ID, s.ID, v.UserID).
		Scan(&f.existing, &f.existingStatus, &created, &f.consent, &f.overlapping, &f.held, &f.waiting, &f.channels)
	if err != nil {
		return nil, fmt.Errorf("store: signup: %w", err)
	}
	f.existingCreated = created.Time
	return f, nil
}

// splitFactObstacles parts obstacles into those the shift and the volunteer
// decide and those that need the signup's facts (consent, other places, fill).
func splitFactObstacles(obstacles []konullu.Obstacle) (own, facts []konullu.Obstacle) {
	for i, o := range obstacles {
		switch o.Code {
		case konullu.ObstacleConsent, konullu.ObstacleClash, konullu.ObstacleAlreadyAssigned, konullu.ObstacleFull:
			return obstacles[:i], obstacles[i:]
		}
	}
	return obstacles, nil
}

// clashes reads the shifts of the given ids (by volunteer) as the clashes
// an obstacle names.
func (d *DB) clashes(ctx context.Context, q queryer, shiftOf map[int64]int64) (map[int64]*konullu.Clash, error) {
	out := map[int64]*konullu.Clash{}
	if len(shiftOf) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(shiftOf))
	for _, id := range shiftOf {
		ids = append(ids, id)
	}
	in, args := inList(uniqueIDs(ids))
	rows, err := d.query(ctx, q, `SELECT s.id, s.centre_id, c.name, p.name, c.timezone, s.starts_at, s.ends_at
		FROM shifts s JOIN centres c ON c.id = s.centre_id JOIN positions p ON p.id = s.position_id WHERE s.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: clashes: %w", err)
	}
	defer rows.Close()
	byShift := map[int64]*konullu.Clash{}
	for rows.Next() {
		c := &konullu.Clash{}
		var start, end nullTime
		if err := rows.Scan(&c.ShiftID, &c.CentreID, &c.Centre, &c.Position, &c.Timezone, &start, &end); err != nil {
			return nil, fmt.Errorf("store: clashes: %w", err)
		}
		c.StartsAt, c.EndsAt = start.Time, end.Time
		byShift[c.ShiftID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: clashes: %w", err)
	}
	for v, s := range shiftOf {
		if c := byShift[s]; c != nil {
			out[v] = c
		}
	}
	return out, nil
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
		return d.withdrawIn(ctx, tx, d.now(), id, byCoordinator)
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

// withdrawIn is Withdraw inside a transaction.
func (d *DB) withdrawIn(ctx context.Context, tx *sql.Tx, now time.Time, id int64, byCoordinator bool) error {
	s, a, err := d.lockAssignment(ctx, tx, id)
	if err != nil {
		return err
	}
	if a.Status == konullu.AssignmentCancelled {
		// Withdrawn already: a retry whose first answer was lost (an
		// instance or the database went away after the commit) gets
		// the same answer, and nothing changes.
		return nil
	}
	if err := d.rules.CheckWithdraw(now, &s.Shift, a, byCoordinator); err != nil {
		return err
	}
	cause := konullu.CancelWithdrawn
	if byCoordinator {
		cause = konullu.CancelReleased
	}
	if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CANCELLED', cancelled_by = ?, attendance_confirmed_at = NULL, updated_at = ? WHERE id = ?`,
		string(cause), now, id); err != nil {
		return fmt.Errorf("store: withdraw: %w", err)
	}
	// A place given up is no longer on offer.
	if err := d.closeOffers(ctx, tx, now, `assignment_id = ?`, id); err != nil {
		return err
	}
	if a.Status.HoldsPlace() {
		return d.promote(ctx, tx, s, now)
	}
	return nil
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
		d.announce(tx, konullu.CentreEvent{Kind: konullu.CentrePromoted, At: now, CentreID: s.CentreID, ShiftID: s.ID, AssignmentID: w.id})
		free--
	}
	d.observePromoted(len(promoted))
	return d.enqueue(ctx, tx, now, promoted...)
}

// CheckIn records the volunteer's arrival (from 30 minutes before the start
// until the end), as a self check-in.
func (d *DB) CheckIn(ctx context.Context, id int64) (*konullu.Assignment, error) {
	return d.CheckInWithProof(ctx, konullu.CheckIn{AssignmentID: id, Proof: konullu.PresenceSelf})
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
		// A check-in proven at the centre stays proven when the times are
		// corrected; anything else is now presence recorded afterwards.
		presence := a.Presence
		if presence == "" || a.Status != konullu.AssignmentCheckedIn && a.Status != konullu.AssignmentCompleted {
			presence = konullu.PresenceRecorded
		}
		return d.applyAttendance(ctx, tx, now, s, a, in, out, presence)
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, id)
}

// applyAttendance completes a locked assignment with the attended period
// in..out, credits its overlap with the shift and records how presence is
// known (RecordAttendance; an approved hour correction).
func (d *DB) applyAttendance(ctx context.Context, tx *sql.Tx, now time.Time, s *lockedShift, a *konullu.Assignment,
	in, out time.Time, presence konullu.PresenceProof) error {
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
	_, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'COMPLETED', checked_in_at = ?, checked_out_at = ?, credited_minutes = ?, presence = ?, updated_at = ? WHERE id = ?`,
		in, out, credited, string(presence), now, a.ID)
	if err != nil {
		return fmt.Errorf("store: record attendance: %w", err)
	}
	return nil
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
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'NO_SHOW', checked_in_at = NULL, checked_out_at = NULL, credited_minutes = 0, presence = NULL, note = ?, updated_at = ? WHERE id = ?`,
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
