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

// This file is place swaps: a volunteer who cannot come offers their place,
// the first who could take it by every signup rule does, and the offerer is
// released in the same transaction. Until then the place stays theirs.

var _ konullu.SwapStore = (*DB)(nil)

const offerSelect = `SELECT id, assignment_id, shift_id, volunteer_id, status, created_at, expires_at, decided_at, COALESCE(taken_by, 0)
	FROM place_offers`

func scanOffer(row interface{ Scan(...any) error }) (*konullu.PlaceOffer, error) {
	o := &konullu.PlaceOffer{}
	var status string
	var created, expires, decided nullTime
	err := row.Scan(&o.ID, &o.AssignmentID, &o.ShiftID, &o.VolunteerID, &status, &created, &expires, &decided, &o.TakenBy)
	o.Status, o.CreatedAt, o.ExpiresAt, o.DecidedAt = konullu.PlaceOfferStatus(status), created.Time, expires.Time, decided.ptr()
	return o, err
}

func (d *DB) scanOffers(rows *sql.Rows, err error) ([]*konullu.PlaceOffer, error) {
	if err != nil {
		return nil, fmt.Errorf("store: place offers: %w", err)
	}
	defer rows.Close()
	var out []*konullu.PlaceOffer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, fmt.Errorf("store: place offers: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (d *DB) placeOffer(ctx context.Context, q queryer, id int64) (*konullu.PlaceOffer, error) {
	o, err := scanOffer(d.queryRow(ctx, q, offerSelect+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("place offer")
	}
	if err != nil {
		return nil, fmt.Errorf("store: place offer: %w", err)
	}
	return o, nil
}

// PlaceOffersByIDs returns offers by id.
func (d *DB) PlaceOffersByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.PlaceOffer, error) {
	out := map[int64]*konullu.PlaceOffer{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanOffers(d.query(ctx, d.db, offerSelect+` WHERE id IN (`+in+`)`, args...))
	for _, o := range list {
		out[o.ID] = o
	}
	return out, err
}

// PlaceOffersOfAssignments returns the latest offer of each assignment.
func (d *DB) PlaceOffersOfAssignments(ctx context.Context, assignmentIDs []int64) (map[int64]*konullu.PlaceOffer, error) {
	out := map[int64]*konullu.PlaceOffer{}
	if assignmentIDs = uniqueIDs(assignmentIDs); len(assignmentIDs) == 0 {
		return out, nil
	}
	in, args := inList(assignmentIDs)
	list, err := d.scanOffers(d.query(ctx, d.db, offerSelect+` WHERE assignment_id IN (`+in+`) ORDER BY id`, args...))
	for _, o := range list {
		out[o.AssignmentID] = o // later ids win
	}
	return out, err
}

// closeOffers withdraws the open offers matching cond: the place they offer
// was given up or its shift cancelled.
func (d *DB) closeOffers(ctx context.Context, q queryer, now time.Time, cond string, arg any) error {
	if _, err := d.exec(ctx, q, `UPDATE place_offers SET status = 'WITHDRAWN', decided_at = ? WHERE status = 'OPEN' AND `+cond, now, arg); err != nil {
		return fmt.Errorf("store: close offers: %w", err)
	}
	return nil
}

// OfferPlace offers the holder's confirmed place and tells the candidates
// (already kept to those who could take it, OfferCandidates) in the same
// transaction. A repeated offer returns the open one and tells nobody. When
// the shift has a waitlist, its first volunteer who could come takes the
// place at once (giveOfferToWaitlist) and the offer is answered TAKEN.
func (d *DB) OfferPlace(ctx context.Context, assignmentID int64, candidates []int64) (*konullu.PlaceOffer, error) {
	var id int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		id = 0
		s, a, err := d.lockAssignment(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		err = d.queryRow(ctx, tx, `SELECT id FROM place_offers WHERE assignment_id = ? AND status = 'OPEN'`, assignmentID).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: offer place: %w", err)
		}
		if err := d.rules.CheckOffer(now, &s.Shift, a); err != nil {
			return err
		}
		err = d.queryRow(ctx, tx, `INSERT INTO place_offers (assignment_id, shift_id, volunteer_id, status, created_at, expires_at)
			VALUES (?, ?, ?, 'OPEN', ?, ?) RETURNING id`, a.ID, s.ID, a.VolunteerID, now, d.rules.OfferExpiry(&s.Shift)).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: offer place: %w", err)
		}
		// The waitlist comes first: someone waiting takes the place at once.
		o := &konullu.PlaceOffer{ID: id, AssignmentID: a.ID, ShiftID: s.ID, VolunteerID: a.VolunteerID, Status: konullu.OfferOpen}
		if given, _, err := d.giveOfferToWaitlist(ctx, tx, s, now, o, 0); err != nil || given {
			return err
		}
		var evs []event
		for _, c := range uniqueIDs(candidates) {
			if c != a.VolunteerID {
				evs = append(evs, event{kind: konullu.NotifyPlaceOffered, volunteerID: c, shiftID: s.ID, payload: map[string]any{"offerId": id}})
			}
		}
		return d.enqueue(ctx, tx, now, evs...)
	})
	if err != nil {
		return nil, err
	}
	return d.placeOffer(ctx, d.db, id)
}

// WithdrawOffer closes an open offer; the place stays the offerer's. A
// closed offer is returned as it is.
func (d *DB) WithdrawOffer(ctx context.Context, offerID int64) (*konullu.PlaceOffer, error) {
	o, err := d.placeOffer(ctx, d.db, offerID)
	if err != nil {
		return nil, err
	}
	if o.Status != konullu.OfferOpen {
		return o, nil
	}
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.lockShift(ctx, tx, o.ShiftID); err != nil {
			return err
		}
		return d.closeOffers(ctx, tx, d.now(), `id = ?`, offerID)
	})
	if err != nil {
		return nil, err
	}
	return d.placeOffer(ctx, d.db, offerID)
}

// TakePlace gives an offered place to the volunteer. It is the signup
// transaction (store.signUp: the volunteer's row, then the shift's, the same
// facts and rules) where the place comes from the offer instead of the free
// capacity: the offerer's assignment is CANCELLED (no hours), the taker's is
// CONFIRMED (a waitlisted taker leaves the queue) and the offer is TAKEN, or
// nothing happens. Whoever comes second finds the offer taken: CONFLICT.
// While the shift has a waitlist whose first volunteer could come, the place
// is theirs (giveOfferToWaitlist, committed) and anyone else taking it gets
// CONFLICT.
func (d *DB) TakePlace(ctx context.Context, offerID, volunteerID int64) (*konullu.Assignment, error) {
	var shiftID int64
	err := d.queryRow(ctx, d.db, `SELECT shift_id FROM place_offers WHERE id = ?`, offerID).Scan(&shiftID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("place offer")
	}
	if err != nil {
		return nil, fmt.Errorf("store: take place: %w", err)
	}
	var out *konullu.Assignment
	var stale bool      // the offered place was meanwhile given up: close the offer
	var toWaitlist bool // the place went to the first of the shift's waitlist
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		out, stale, toWaitlist = nil, false, false
		v, err := d.lockVolunteer(ctx, tx, volunteerID)
		if err != nil {
			return err
		}
		s, position, err := d.lockShiftWithPosition(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		// Read under the shift's lock, which every change of the offer takes.
		o, err := d.placeOffer(ctx, tx, offerID)
		if err != nil {
			return err
		}
		switch o.Status {
		case konullu.OfferTaken:
			return konullu.Errorf(konullu.ECONFLICT, "someone else took this place first")
		case konullu.OfferWithdrawn:
			return konullu.Errorf(konullu.ECONFLICT, "the place is no longer on offer")
		case konullu.OfferExpired:
			return konullu.Errorf(konullu.ECONFLICT, "the offer expired")
		}
		if o.VolunteerID == volunteerID {
			return konullu.Errorf(konullu.ECONFLICT, "you cannot take the place you offered; withdraw the offer instead")
		}
		if !now.Before(o.ExpiresAt) {
			return konullu.Errorf(konullu.ECONFLICT, "the offer expired at the withdrawal cut-off")
		}
		offered, err := d.assignment(ctx, tx, o.AssignmentID)
		if err != nil {
			return err
		}
		if offered.Status != konullu.AssignmentConfirmed {
			stale = true
			return konullu.Errorf(konullu.ECONFLICT, "the place is no longer on offer")
		}
		f, err := d.signupFacts(ctx, tx, s, v)
		if err != nil {
			return err
		}
		// The waitlist comes first: if someone waits who could come, the
		// first of them gets the place, the taker only if it is them.
		if f.waiting > 0 {
			self := int64(0)
			if f.existingStatus == string(konullu.AssignmentWaitlisted) {
				self = f.existing
			}
			given, promoted, err := d.giveOfferToWaitlist(ctx, tx, s, now, o, self)
			if err != nil {
				return err
			}
			if given && promoted != self {
				toWaitlist = true
				return nil
			}
			if given {
				out = &konullu.Assignment{ID: promoted}
				return d.enqueue(ctx, tx, now, event{kind: konullu.NotifySignupConfirmed, userID: v.UserID, assignmentID: promoted, shiftID: s.ID})
			}
		}
		if f.existing != 0 && konullu.AssignmentStatus(f.existingStatus).HoldsPlace() {
			return konullu.Errorf(konullu.ECONFLICT, "you already have a place in this shift")
		}
		loc := konullu.ZoneLocation(s.centreTimezone)
		req := konullu.SignupRequest{Now: now, Shift: &s.Shift, Position: position, Volunteer: v, Location: loc}
		if err := d.rules.CheckSignup(req); err != nil {
			return err
		}
		if err := konullu.CheckGuardianConsent(v, &s.Shift, loc, f.consent); err != nil {
			return err
		}
		if f.overlapping != 0 {
			return konullu.Errorf(konullu.EOVERLAP, "you already have a shift at that time")
		}
		if err := d.checkCommitment(ctx, tx, &s.Shift, v.ID, loc); err != nil {
			return err
		}
		res, err := d.exec(ctx, tx, `UPDATE place_offers SET status = 'TAKEN', taken_by = ?, decided_at = ? WHERE id = ? AND status = 'OPEN'`,
			volunteerID, now, offerID)
		if err != nil {
			return fmt.Errorf("store: take place: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return konullu.Errorf(konullu.ECONFLICT, "someone else took this place first")
		}
		if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CANCELLED', cancelled_by = 'PLACE_GIVEN', attendance_confirmed_at = NULL,
			note = 'gave the place to another volunteer', updated_at = ? WHERE id = ?`, now, offered.ID); err != nil {
			return fmt.Errorf("store: take place: %w", err)
		}
		a := &konullu.Assignment{ShiftID: s.ID, VolunteerID: volunteerID, Status: konullu.AssignmentConfirmed, CreatedAt: now, UpdatedAt: now}
		seq := s.queueSeq + 1
		if _, err := d.exec(ctx, tx, `UPDATE shifts SET queue_seq = ? WHERE id = ?`, seq, s.ID); err != nil {
			return fmt.Errorf("store: take place: %w", err)
		}
		if f.existing != 0 { // waitlisted, or back after a withdrawal
			a.ID, a.CreatedAt = f.existing, f.existingCreated
			_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'CONFIRMED', queue_seq = ?, checked_in_at = NULL, checked_out_at = NULL,
				credited_minutes = 0, presence = NULL, note = '', attendance_confirmed_at = NULL, cancelled_by = NULL, updated_at = ? WHERE id = ?`, seq, now, a.ID)
		} else {
			err = d.queryRow(ctx, tx, `INSERT INTO assignments (shift_id, volunteer_id, status, queue_seq, created_at, updated_at)
				VALUES (?, ?, 'CONFIRMED', ?, ?, ?) RETURNING id`, s.ID, volunteerID, seq, now, now).Scan(&a.ID)
		}
		if err != nil {
			return fmt.Errorf("store: take place: %w", err)
		}
		if _, err := d.exec(ctx, tx, `UPDATE place_offers SET taken_assignment_id = ? WHERE id = ?`, a.ID, offerID); err != nil {
			return fmt.Errorf("store: take place: %w", err)
		}
		out = a
		return d.enqueue(ctx, tx, now,
			event{kind: konullu.NotifyPlaceTaken, volunteerID: offered.VolunteerID, assignmentID: offered.ID, shiftID: s.ID},
			event{kind: konullu.NotifySignupConfirmed, userID: v.UserID, assignmentID: a.ID, shiftID: s.ID})
	})
	if stale {
		if cerr := d.closeOffers(ctx, d.db, d.now(), `id = ?`, offerID); cerr != nil {
			d.log.ErrorContext(ctx, "stale offer not closed", "offer", offerID, "err", cerr)
		}
	}
	if err != nil {
		return nil, err
	}
	if toWaitlist {
		return nil, konullu.Errorf(konullu.ECONFLICT, "the place went to the first volunteer on the shift's waitlist")
	}
	d.log.Info("place taken", "offer", offerID, "shift", shiftID, "assignment", out.ID)
	return d.assignment(ctx, d.db, out.ID)
}

// giveOfferToWaitlist hands an open offer's place to the shift's waitlist,
// as a withdrawal would: the first waitlisted volunteer who holds no
// overlapping shift (promote's rule) gets it, the offerer is released (no
// hours) and the offer is TAKEN by them, in the caller's transaction, which
// holds the shift's lock. The offerer is told PLACE_TAKEN, the promoted
// volunteer PROMOTED, and the centre's live views hear WITHDRAWN and
// PROMOTED; for self (the caller's own assignment) the caller tells and
// announces instead. It reports whether the place was given, and to which
// assignment; nobody is promoted into a shift that is not published or has
// started.
func (d *DB) giveOfferToWaitlist(ctx context.Context, tx *sql.Tx, s *lockedShift, now time.Time, o *konullu.PlaceOffer, self int64) (bool, int64, error) {
	if s.Status != konullu.ShiftPublished || !now.Before(s.StartsAt) {
		return false, 0, nil
	}
	var offered string
	if err := d.queryRow(ctx, tx, `SELECT status FROM assignments WHERE id = ?`, o.AssignmentID).Scan(&offered); err != nil {
		return false, 0, fmt.Errorf("store: give offer to waitlist: %w", err)
	}
	if offered != string(konullu.AssignmentConfirmed) {
		return false, 0, nil // the place is no longer the offerer's to give
	}
	rows, err := d.query(ctx, tx, `SELECT id, volunteer_id FROM assignments WHERE shift_id = ? AND status = 'WAITLISTED' ORDER BY queue_seq`, s.ID)
	if err != nil {
		return false, 0, fmt.Errorf("store: waitlist: %w", err)
	}
	type waiting struct{ id, volunteer int64 }
	var queue []waiting
	for rows.Next() {
		var w waiting
		if err := rows.Scan(&w.id, &w.volunteer); err != nil {
			rows.Close()
			return false, 0, fmt.Errorf("store: waitlist: %w", err)
		}
		queue = append(queue, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, 0, fmt.Errorf("store: waitlist: %w", err)
	}
	var first *waiting
	for i := range queue {
		err := d.checkOverlap(ctx, tx, queue[i].volunteer, &s.Shift, queue[i].id)
		if konullu.ErrorCode(err) == konullu.EOVERLAP {
			continue
		}
		if err != nil {
			return false, 0, err
		}
		first = &queue[i]
		break
	}
	if first == nil {
		return false, 0, nil
	}
	res, err := d.exec(ctx, tx, `UPDATE place_offers SET status = 'TAKEN', taken_by = ?, taken_assignment_id = ?, decided_at = ? WHERE id = ? AND status = 'OPEN'`,
		first.volunteer, first.id, now, o.ID)
	if err != nil {
		return false, 0, fmt.Errorf("store: give offer to waitlist: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, 0, nil // taken or closed meanwhile: nothing to give
	}
	if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CANCELLED', cancelled_by = 'PLACE_GIVEN', attendance_confirmed_at = NULL,
		note = 'gave the place to the waitlist', updated_at = ? WHERE id = ?`, now, o.AssignmentID); err != nil {
		return false, 0, fmt.Errorf("store: give offer to waitlist: %w", err)
	}
	if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CONFIRMED', updated_at = ? WHERE id = ?`, now, first.id); err != nil {
		return false, 0, fmt.Errorf("store: give offer to waitlist: %w", err)
	}
	d.log.Info("offered place given to the waitlist", "offer", o.ID, "shift", s.ID, "assignment", first.id)
	evs := []event{{kind: konullu.NotifyPlaceTaken, volunteerID: o.VolunteerID, assignmentID: o.AssignmentID, shiftID: s.ID}}
	d.announce(tx, konullu.CentreEvent{Kind: konullu.CentreWithdrawn, At: now, CentreID: s.CentreID, ShiftID: s.ID, AssignmentID: o.AssignmentID})
	if first.id != self {
		evs = append(evs, event{kind: konullu.NotifyPromoted, volunteerID: first.volunteer, assignmentID: first.id, shiftID: s.ID})
		d.announce(tx, konullu.CentreEvent{Kind: konullu.CentrePromoted, At: now, CentreID: s.CentreID, ShiftID: s.ID, AssignmentID: first.id})
		d.observePromoted(1)
	}
	return true, first.id, d.enqueue(ctx, tx, now, evs...)
}

// openOfferOf returns the open offer of a place in the shift, or nil.
func (d *DB) openOfferOf(ctx context.Context, tx *sql.Tx, shiftID int64) (*konullu.PlaceOffer, error) {
	o, err := scanOffer(d.queryRow(ctx, tx, offerSelect+` WHERE shift_id = ? AND status = 'OPEN' ORDER BY id LIMIT 1`, shiftID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: open offer: %w", err)
	}
	return o, nil
}

// GiveOffersToWaitlists gives the places of open offers to their shifts'
// waitlists where someone waiting could now come (say their overlapping
// shift was given up since they joined): the rule of OfferPlace and
// signUp, kept by the place-offers job for what neither saw. It returns
// how many places were given.
func (d *DB) GiveOffersToWaitlists(ctx context.Context, now time.Time) (int, error) {
	rows, err := d.query(ctx, d.db, `SELECT o.id FROM place_offers o WHERE o.status = 'OPEN' AND o.expires_at > ?
		AND EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = o.shift_id AND a.status = 'WAITLISTED') ORDER BY o.id LIMIT 1000`, now)
	if err != nil {
		return 0, fmt.Errorf("store: offers to waitlists: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: offers to waitlists: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: offers to waitlists: %w", err)
	}
	n := 0
	for _, id := range ids {
		given := false
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			given = false
			var shiftID int64
			if err := d.queryRow(ctx, tx, `SELECT shift_id FROM place_offers WHERE id = ?`, id).Scan(&shiftID); err != nil {
				return fmt.Errorf("store: offers to waitlists: %w", err)
			}
			s, err := d.lockShift(ctx, tx, shiftID)
			if err != nil {
				return err
			}
			o, err := d.placeOffer(ctx, tx, id) // read under the shift's lock
			if err != nil || o.Status != konullu.OfferOpen || !now.Before(o.ExpiresAt) {
				return err
			}
			given, _, err = d.giveOfferToWaitlist(ctx, tx, s, now, o, 0)
			return err
		})
		if err != nil {
			return n, err
		}
		if given {
			n++
		}
	}
	return n, nil
}

// checkCommitment refuses a place that would take the volunteer beyond the
// weekly commitment they made (weeks read in loc), as things stand in the
// transaction.
func (d *DB) checkCommitment(ctx context.Context, q queryer, s *konullu.Shift, volunteerID int64, loc *time.Location) error {
	var maxShifts, maxMinutes int
	err := d.queryRow(ctx, q, `SELECT COALESCE(max_shifts_per_week, 0), COALESCE(max_minutes_per_week, 0)
		FROM volunteer_commitments WHERE volunteer_id = ?`, volunteerID).Scan(&maxShifts, &maxMinutes)
	if errors.Is(err, sql.ErrNoRows) || err == nil && maxShifts == 0 && maxMinutes == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: commitment: %w", err)
	}
	week := konullu.WeekOf(s.StartsAt, loc)
	rows, err := d.query(ctx, q, `SELECT o.starts_at, o.ends_at FROM assignments a JOIN shifts o ON o.id = a.shift_id
		WHERE a.volunteer_id = ? AND a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED') AND o.starts_at >= ? AND o.starts_at < ?
		AND o.id <> ?`, volunteerID, week.Start, week.End, s.ID)
	if err != nil {
		return fmt.Errorf("store: commitment: %w", err)
	}
	defer rows.Close()
	shifts, minutes := 1, int(s.EndsAt.Sub(s.StartsAt)/time.Minute)
	for rows.Next() {
		var st, en nullTime
		if err := rows.Scan(&st, &en); err != nil {
			return fmt.Errorf("store: commitment: %w", err)
		}
		shifts++
		minutes += int(en.Time.Sub(st.Time) / time.Minute)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: commitment: %w", err)
	}
	if maxShifts > 0 && shifts > maxShifts || maxMinutes > 0 && minutes > maxMinutes {
		return konullu.Errorf(konullu.EREQUIREMENT, "the place would go beyond what the volunteer committed to this week")
	}
	return nil
}

// eligibleTakers keeps, of the given volunteers, those who could take a
// place in the shift now by every rule TakePlace decides with (read outside
// its transaction, so a taker may still be refused later).
func (d *DB) eligibleTakers(ctx context.Context, now time.Time, shiftID int64, ids []int64) ([]int64, *lockedShift, error) {
	s, position, err := d.shiftWithPosition(ctx, d.db, shiftID, "")
	if err != nil {
		return nil, nil, err
	}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, s, nil
	}
	loc := konullu.ZoneLocation(s.centreTimezone)
	vols, err := d.VolunteersByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	set := func(query string, args ...any) (map[int64]bool, error) {
		out := map[int64]bool{}
		rows, err := d.query(ctx, d.db, query, args...)
		if err != nil {
			return nil, fmt.Errorf("store: offer candidates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("store: offer candidates: %w", err)
			}
			out[id] = true
		}
		return out, rows.Err()
	}
	cond, arg := d.idsCondition("volunteer_id", ids)
	consent, err := set(`SELECT DISTINCT volunteer_id FROM guardian_consents WHERE `+cond, arg)
	if err != nil {
		return nil, nil, err
	}
	acond, _ := d.idsCondition("a.volunteer_id", ids)
	busy, err := set(`SELECT DISTINCT a.volunteer_id FROM assignments a JOIN shifts o ON o.id = a.shift_id
		WHERE `+acond+` AND a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN') AND a.shift_id <> ?
		AND o.starts_at < ? AND o.ends_at > ?`, arg, s.ID, s.EndsAt, s.StartsAt)
	if err != nil {
		return nil, nil, err
	}
	holding, err := set(`SELECT volunteer_id FROM assignments WHERE shift_id = ? AND status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED') AND `+cond, s.ID, arg)
	if err != nil {
		return nil, nil, err
	}
	// Most volunteers set no weekly limit: only those who did cost the
	// per-volunteer reading of their week below.
	limited, err := set(`SELECT volunteer_id FROM volunteer_commitments
		WHERE (COALESCE(max_shifts_per_week, 0) > 0 OR COALESCE(max_minutes_per_week, 0) > 0) AND `+cond, arg)
	if err != nil {
		return nil, nil, err
	}
	var out []int64
	for _, id := range ids {
		v := vols[id]
		if v == nil || busy[id] || holding[id] {
			continue
		}
		req := konullu.SignupRequest{Now: now, Shift: &s.Shift, Position: position, Volunteer: v, Location: loc}
		if d.rules.CheckSignup(req) != nil || konullu.CheckGuardianConsent(v, &s.Shift, loc, consent[id]) != nil {
			continue
		}
		if !limited[id] {
			out = append(out, id)
			continue
		}
		if err := d.checkCommitment(ctx, d.db, &s.Shift, id, loc); konullu.ErrorCode(err) == konullu.EREQUIREMENT {
			continue
		} else if err != nil {
			return nil, nil, err
		}
		out = append(out, id)
	}
	return out, s, nil
}

// OfferCandidates keeps, of the given volunteers (those the availability
// index finds free), and the shift's waitlist, those who could take the
// offered place by every signup rule, fewest minutes this month first (then
// those of the centre's city), at most limit.
func (d *DB) OfferCandidates(ctx context.Context, assignmentID int64, volunteerIDs []int64, limit int) ([]int64, error) {
	a, err := d.assignment(ctx, d.db, assignmentID)
	if err != nil {
		return nil, err
	}
	rows, err := d.query(ctx, d.db, `SELECT volunteer_id FROM assignments WHERE shift_id = ? AND status = 'WAITLISTED' ORDER BY queue_seq`, a.ShiftID)
	if err != nil {
		return nil, fmt.Errorf("store: offer candidates: %w", err)
	}
	var waiting []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: offer candidates: %w", err)
		}
		waiting = append(waiting, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: offer candidates: %w", err)
	}
	ids := slices.DeleteFunc(append(waiting, volunteerIDs...), func(id int64) bool { return id == a.VolunteerID })
	ok, s, err := d.eligibleTakers(ctx, d.now(), a.ShiftID, ids)
	if err != nil || len(ok) == 0 {
		return nil, err
	}
	var city string
	if err := d.queryRow(ctx, d.db, `SELECT city FROM centres WHERE id = ?`, s.CentreID).Scan(&city); err != nil {
		return nil, fmt.Errorf("store: offer candidates: %w", err)
	}
	q := konullu.RankQuery{Candidates: ok, City: city, Limit: limit}
	q.MonthFrom, q.MonthTo = konullu.MonthOf(d.now(), konullu.ZoneLocation(s.centreTimezone))
	ranked, err := d.RankVolunteers(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(ranked))
	for i, m := range ranked {
		out[i] = m.VolunteerID
	}
	return out, nil
}

// OpenPlaceOffers returns the open offers the volunteer could take now, by
// start time.
func (d *DB) OpenPlaceOffers(ctx context.Context, f konullu.OfferFilter) ([]*konullu.PlaceOffer, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	query := `SELECT o.id, o.assignment_id, o.shift_id, o.volunteer_id, o.status, o.created_at, o.expires_at, o.decided_at, COALESCE(o.taken_by, 0)
		FROM place_offers o JOIN shifts s ON s.id = o.shift_id
		WHERE o.status = 'OPEN' AND o.expires_at > ? AND s.status = 'PUBLISHED' AND o.volunteer_id <> ?`
	args := []any{f.Now, f.VolunteerID}
	if f.CentreID != 0 {
		query += ` AND s.centre_id = ?`
		args = append(args, f.CentreID)
	}
	list, err := d.scanOffers(d.query(ctx, d.db, query+` ORDER BY s.starts_at, o.id LIMIT 500`, args...))
	if err != nil {
		return nil, err
	}
	out := []*konullu.PlaceOffer{}
	can := map[int64]bool{} // by shift
	for _, o := range list {
		ok, seen := can[o.ShiftID]
		if !seen {
			ids, _, err := d.eligibleTakers(ctx, f.Now, o.ShiftID, []int64{f.VolunteerID})
			if err != nil {
				return nil, err
			}
			ok = len(ids) == 1
			can[o.ShiftID] = ok
		}
		if ok {
			out = append(out, o)
			if len(out) == f.Limit {
				break
			}
		}
	}
	return out, nil
}

// centreCoordinators returns the users who coordinate a centre (not suspended).
func (d *DB) centreCoordinators(ctx context.Context, q queryer, centreID int64) ([]int64, error) {
	rows, err := d.query(ctx, q, `SELECT DISTINCT c.user_id FROM coordinator_centres c
		JOIN user_roles r ON r.user_id = c.user_id AND r.role = 'COORDINATOR'
		JOIN users u ON u.id = c.user_id AND u.suspended_at IS NULL WHERE c.centre_id = ? ORDER BY c.user_id`, centreID)
	if err != nil {
		return nil, fmt.Errorf("store: coordinators: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("store: coordinators: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ExpirePlaceOffers closes the open offers whose cut-off has come. Each is
// closed by a conditional update in its own transaction, so however many
// instances run the job, each offer expires, and its offerer and the
// centre's coordinators are told (and PLACE_OFFER_EXPIRED announced), once.
func (d *DB) ExpirePlaceOffers(ctx context.Context, now time.Time) (int, error) {
	rows, err := d.query(ctx, d.db, `SELECT id FROM place_offers WHERE status = 'OPEN' AND expires_at <= ? ORDER BY id LIMIT 1000`, now)
	if err != nil {
		return 0, fmt.Errorf("store: expire offers: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: expire offers: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: expire offers: %w", err)
	}
	n := 0
	for _, id := range ids {
		expired := false
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			expired = false
			var shiftID, volunteerID, assignmentID, centreID int64
			var name string
			err := d.queryRow(ctx, tx, `UPDATE place_offers SET status = 'EXPIRED', decided_at = ? WHERE id = ? AND status = 'OPEN'
				RETURNING shift_id, volunteer_id, assignment_id`, now, id).Scan(&shiftID, &volunteerID, &assignmentID)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // another run expired it, or it was taken meanwhile
			}
			if err != nil {
				return fmt.Errorf("store: expire offer: %w", err)
			}
			if err := d.queryRow(ctx, tx, `SELECT s.centre_id, v.full_name FROM shifts s, volunteers v WHERE s.id = ? AND v.id = ?`,
				shiftID, volunteerID).Scan(&centreID, &name); err != nil {
				return fmt.Errorf("store: expire offer: %w", err)
			}
			coordinators, err := d.centreCoordinators(ctx, tx, centreID)
			if err != nil {
				return err
			}
			evs := []event{{kind: konullu.NotifyOfferExpired, volunteerID: volunteerID, assignmentID: assignmentID, shiftID: shiftID,
				payload: map[string]any{"offerId": id}}}
			for _, u := range coordinators {
				evs = append(evs, event{kind: konullu.NotifyOfferExpired, userID: u, shiftID: shiftID,
					payload: map[string]any{"offerId": id, "name": name, "coordinator": true}})
			}
			expired = true
			// The centre's live views hear of it: the place stays taken by
			// someone who may not come.
			d.announce(tx, konullu.CentreEvent{Kind: konullu.CentrePlaceOfferExpired, At: now, CentreID: centreID, ShiftID: shiftID, AssignmentID: assignmentID})
			return d.enqueue(ctx, tx, now, evs...)
		})
		if err != nil {
			return n, err
		}
		if expired {
			n++
		}
	}
	return n, nil
}
