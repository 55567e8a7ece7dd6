package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

var _ konullu.RosterStore = (*DB)(nil)

// idList scans a JSON array of ids kept in a text column.
type idList []int64

func (l *idList) Scan(src any) error {
	out := []int64{}
	if err := scanJSONArray(src, &out, "list of ids"); err != nil {
		return err
	}
	*l = out
	return nil
}

func idsJSON(ids []int64) string {
	if ids == nil {
		ids = []int64{}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

func nullPositive(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

// idsCondition is "col IN (the ids)" as one parameter: an array on
// PostgreSQL, a JSON text on SQLite (as RankVolunteers does).
func (d *DB) idsCondition(col string, ids []int64) (string, any) {
	if d.dialect == Postgres {
		return col + ` = ANY(?)`, ids
	}
	b, _ := json.Marshal(ids)
	return col + ` IN (SELECT value FROM json_each(?))`, string(b)
}

// Commitments returns the commitments of volunteers; a volunteer who set
// none has an empty one (no limits, no preferences).
func (d *DB) Commitments(ctx context.Context, volunteerIDs []int64) (map[int64]*konullu.Commitment, error) {
	out := map[int64]*konullu.Commitment{}
	ids := uniqueIDs(volunteerIDs)
	for _, id := range ids {
		out[id] = &konullu.Commitment{VolunteerID: id, PreferredCentreIDs: []int64{}, PreferredPositionIDs: []int64{}}
	}
	if len(ids) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("volunteer_id", ids)
	rows, err := d.query(ctx, d.db, `SELECT volunteer_id, COALESCE(max_shifts_per_week, 0), COALESCE(max_minutes_per_week, 0),
		preferred_centre_ids, preferred_position_ids FROM volunteer_commitments WHERE `+cond, arg)
	if err != nil {
		return nil, fmt.Errorf("store: commitments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c := &konullu.Commitment{}
		var centres, positions idList
		if err := rows.Scan(&c.VolunteerID, &c.MaxShiftsPerWeek, &c.MaxMinutesPerWeek, &centres, &positions); err != nil {
			return nil, fmt.Errorf("store: commitments: %w", err)
		}
		c.PreferredCentreIDs, c.PreferredPositionIDs = centres, positions
		out[c.VolunteerID] = c
	}
	return out, rows.Err()
}

// SetCommitment stores a volunteer's commitment. Preferred centres and
// positions must exist (INVALID_INPUT naming the field otherwise).
func (d *DB) SetCommitment(ctx context.Context, c konullu.Commitment) (*konullu.Commitment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		for _, chk := range []struct {
			table, field string
			ids          []int64
		}{{"centres", "preferredCentreIds", c.PreferredCentreIDs}, {"positions", "preferredPositionIds", c.PreferredPositionIDs}} {
			if len(chk.ids) == 0 {
				continue
			}
			cond, arg := d.idsCondition("id", chk.ids)
			var n int
			if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM `+chk.table+` WHERE `+cond, arg).Scan(&n); err != nil {
				return fmt.Errorf("store: set commitment: %w", err)
			}
			if n != len(chk.ids) {
				return konullu.Invalid(chk.field, "names an unknown %s", strings.TrimSuffix(chk.table, "s"))
			}
		}
		_, err := d.exec(ctx, tx, `INSERT INTO volunteer_commitments (volunteer_id, max_shifts_per_week, max_minutes_per_week,
			preferred_centre_ids, preferred_position_ids, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (volunteer_id) DO UPDATE SET max_shifts_per_week = excluded.max_shifts_per_week,
			max_minutes_per_week = excluded.max_minutes_per_week, preferred_centre_ids = excluded.preferred_centre_ids,
			preferred_position_ids = excluded.preferred_position_ids, updated_at = excluded.updated_at`,
			c.VolunteerID, nullPositive(c.MaxShiftsPerWeek), nullPositive(c.MaxMinutesPerWeek),
			idsJSON(c.PreferredCentreIDs), idsJSON(c.PreferredPositionIDs), d.now())
		if isForeignKeyViolation(err) {
			return konullu.NotFound("volunteer")
		}
		if err != nil {
			return fmt.Errorf("store: set commitment: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m, err := d.Commitments(ctx, []int64{c.VolunteerID})
	if err != nil {
		return nil, err
	}
	return m[c.VolunteerID], nil
}

// RosterShifts returns the published shifts of a centre starting in [from,
// to) with open places, with their positions, in start order.
func (d *DB) RosterShifts(ctx context.Context, centreID int64, from, to time.Time, positionIDs []int64) ([]*konullu.RosterShift, error) {
	query := `SELECT s.id, s.centre_id, s.position_id, s.starts_at, s.ends_at, s.capacity, s.status, s.created_at,
		p.id, p.name, p.description, p.required_skills, p.minimum_age, ` + heldPlaces + `
		FROM shifts s JOIN positions p ON p.id = s.position_id
		WHERE s.centre_id = ? AND s.status = 'PUBLISHED' AND s.starts_at >= ? AND s.starts_at < ?
		AND s.capacity > ` + heldPlaces
	args := []any{centreID, from, to}
	if len(positionIDs) > 0 {
		cond, arg := d.idsCondition("s.position_id", uniqueIDs(positionIDs))
		query += ` AND ` + cond
		args = append(args, arg)
	}
	rows, err := d.query(ctx, d.db, query+` ORDER BY s.starts_at, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: roster shifts: %w", err)
	}
	defer rows.Close()
	var out []*konullu.RosterShift
	for rows.Next() {
		rs := &konullu.RosterShift{}
		s, p := &rs.Shift, &rs.Position
		var start, end, created nullTime
		var status string
		var skills jsonList
		if err := rows.Scan(&s.ID, &s.CentreID, &s.PositionID, &start, &end, &s.Capacity, &status, &created,
			&p.ID, &p.Name, &p.Description, &skills, &p.MinimumAge, &rs.Held); err != nil {
			return nil, fmt.Errorf("store: roster shifts: %w", err)
		}
		s.StartsAt, s.EndsAt, s.CreatedAt, s.Status = start.Time, end.Time, created.Time, konullu.ShiftStatus(status)
		s.ConfirmedCount = rs.Held
		p.RequiredSkills = nonNil(skills)
		out = append(out, rs)
	}
	return out, rows.Err()
}

// RosterVolunteers reads the candidates of a plan (suspended accounts are
// left out: nobody plans with them): profile, guardian consent, commitment, places held starting in [heldFrom, heldTo) and the
// minutes credited in [monthFrom, monthTo) outside it.
func (d *DB) RosterVolunteers(ctx context.Context, ids []int64, heldFrom, heldTo, monthFrom, monthTo time.Time) ([]*konullu.RosterVolunteer, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	cond, arg := d.idsCondition("v.id", ids)
	rows, err := d.query(ctx, d.db, `SELECT `+volunteerColumns+`, 0,
		EXISTS (SELECT 1 FROM guardian_consents g WHERE g.volunteer_id = v.id),
		COALESCE((SELECT SUM(a.credited_minutes) FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.volunteer_id = v.id AND a.status = 'COMPLETED' AND s.kind = 'SERVICE' AND s.starts_at >= ? AND s.starts_at < ?
			AND NOT (s.starts_at >= ? AND s.starts_at < ?)), 0)
		FROM volunteers v JOIN users u ON u.id = v.user_id WHERE u.suspended_at IS NULL AND `+cond+` ORDER BY v.id`,
		monthFrom, monthTo, heldFrom, heldTo, arg)
	if err != nil {
		return nil, fmt.Errorf("store: roster volunteers: %w", err)
	}
	var out []*konullu.RosterVolunteer
	byID := map[int64]*konullu.RosterVolunteer{}
	for rows.Next() {
		rv := &konullu.RosterVolunteer{}
		var consent any
		v, err := scanVolunteer(scanWith(rows, &consent, &rv.MonthMinutes))
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: roster volunteers: %w", err)
		}
		rv.Volunteer, rv.Consent = *v, truthy(consent)
		out = append(out, rv)
		byID[v.ID] = rv
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: roster volunteers: %w", err)
	}
	commitments, err := d.Commitments(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, c := range commitments {
		if rv := byID[id]; rv != nil {
			rv.Commitment = *c
		}
	}
	cond, arg = d.idsCondition("a.volunteer_id", ids)
	hrows, err := d.query(ctx, d.db, `SELECT a.volunteer_id, s.id, s.centre_id, s.position_id, s.starts_at, s.ends_at
		FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED') AND s.starts_at >= ? AND s.starts_at < ? AND `+cond+`
		ORDER BY s.starts_at, s.id`, heldFrom, heldTo, arg)
	if err != nil {
		return nil, fmt.Errorf("store: roster held places: %w", err)
	}
	defer hrows.Close()
	for hrows.Next() {
		var vid int64
		var h konullu.RosterHeld
		var start, end nullTime
		if err := hrows.Scan(&vid, &h.ShiftID, &h.CentreID, &h.PositionID, &start, &end); err != nil {
			return nil, fmt.Errorf("store: roster held places: %w", err)
		}
		h.StartsAt, h.EndsAt = start.Time, end.Time
		if rv := byID[vid]; rv != nil {
			rv.Held = append(rv.Held, h)
		}
	}
	return out, hrows.Err()
}

// scanWith lets scanVolunteer read a row that has more columns after its own.
type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func scanWith(rows *sql.Rows, extra ...any) extraScanner { return extraScanner{rows, extra} }

func (e extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

// truthy reads a boolean as either dialect returns it.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case []byte:
		return string(x) == "1" || string(x) == "true"
	case string:
		return x == "1" || x == "true"
	}
	return false
}

// CreateRosterPlan stores a plan and its proposals.
func (d *DB) CreateRosterPlan(ctx context.Context, p *konullu.RosterPlan) error {
	fb, _ := json.Marshal(p.FairnessBefore)
	fa, _ := json.Marshal(fairnessAfterJSON{RosterFairness: p.FairnessAfter, Unproposed: p.FairnessUnproposed,
		MinutesBefore: p.MinutesBefore, ShiftMinutes: p.ShiftMinutes})
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var createdBy any
		if p.CreatedBy != 0 {
			createdBy = p.CreatedBy
		}
		err := d.queryRow(ctx, tx, `INSERT INTO roster_plans (centre_id, from_at, to_at, status, created_by, solve_millis, seed,
			open_before, open_after, fair_before, fair_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.CentreID, p.From, p.To, string(p.Status), createdBy, p.SolveMillis, p.Seed, p.OpenBefore, p.OpenAfter,
			string(fb), string(fa), p.CreatedAt).Scan(&p.ID)
		if isForeignKeyViolation(err) {
			return konullu.NotFound("centre")
		}
		if err != nil {
			return fmt.Errorf("store: create roster plan: %w", err)
		}
		for _, pr := range p.Proposals {
			pr.PlanID = p.ID
			if err := d.queryRow(ctx, tx, `INSERT INTO roster_proposals (plan_id, shift_id, volunteer_id, reasons) VALUES (?, ?, ?, ?) RETURNING id`,
				p.ID, pr.ShiftID, pr.VolunteerID, listJSON(pr.Reasons)).Scan(&pr.ID); err != nil {
				return fmt.Errorf("store: create roster proposal: %w", err)
			}
		}
		return nil
	})
}

const rosterPlanColumns = `id, centre_id, from_at, to_at, status, COALESCE(created_by, 0), solve_millis, seed,
	open_before, open_after, fair_before, fair_after, created_at, decided_at`

func scanRosterPlan(row interface{ Scan(...any) error }) (*konullu.RosterPlan, error) {
	p := &konullu.RosterPlan{Proposals: []*konullu.RosterProposal{}}
	var from, to, created, decided nullTime
	var status, fb, fa string
	err := row.Scan(&p.ID, &p.CentreID, &from, &to, &status, &p.CreatedBy, &p.SolveMillis, &p.Seed,
		&p.OpenBefore, &p.OpenAfter, &fb, &fa, &created, &decided)
	if err != nil {
		return nil, err
	}
	p.From, p.To, p.CreatedAt, p.DecidedAt, p.Status = from.Time, to.Time, created.Time, decided.ptr(), konullu.RosterPlanStatus(status)
	if err := json.Unmarshal([]byte(fb), &p.FairnessBefore); err != nil {
		return nil, err
	}
	var after fairnessAfterJSON
	if err := json.Unmarshal([]byte(fa), &after); err != nil {
		return nil, err
	}
	p.FairnessAfter, p.FairnessUnproposed, p.MinutesBefore, p.ShiftMinutes = after.RosterFairness, after.Unproposed, after.MinutesBefore, after.ShiftMinutes
	return p, nil
}

// fairnessAfterJSON is the fair_after column: the spread after the plan and
// what recomputes it when proposals are dropped (absent in older plans).
type fairnessAfterJSON struct {
	konullu.RosterFairness
	Unproposed    *konullu.RosterFairness `json:"unproposed,omitempty"`
	MinutesBefore map[int64]int           `json:"minutesBefore,omitempty"`
	ShiftMinutes  map[int64]int           `json:"shiftMinutes,omitempty"`
}

// RosterPlan returns a plan with its proposals, or NOT_FOUND.
func (d *DB) RosterPlan(ctx context.Context, id int64) (*konullu.RosterPlan, error) {
	p, err := scanRosterPlan(d.queryRow(ctx, d.db, `SELECT `+rosterPlanColumns+` FROM roster_plans WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("roster plan")
	}
	if err != nil {
		return nil, fmt.Errorf("store: roster plan: %w", err)
	}
	if err := d.loadProposals(ctx, []*konullu.RosterPlan{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// RosterPlans returns a centre's plans, newest first, with their proposals.
func (d *DB) RosterPlans(ctx context.Context, centreID int64, status konullu.RosterPlanStatus, limit int) ([]*konullu.RosterPlan, error) {
	query := `SELECT ` + rosterPlanColumns + ` FROM roster_plans WHERE centre_id = ?`
	args := []any{centreID}
	if status != "" {
		query += ` AND status = ?`
		args = append(args, string(status))
	}
	rows, err := d.query(ctx, d.db, query+` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: roster plans: %w", err)
	}
	var out []*konullu.RosterPlan
	for rows.Next() {
		p, err := scanRosterPlan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: roster plans: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: roster plans: %w", err)
	}
	return out, d.loadProposals(ctx, out)
}

func (d *DB) loadProposals(ctx context.Context, plans []*konullu.RosterPlan) error {
	if len(plans) == 0 {
		return nil
	}
	byID := map[int64]*konullu.RosterPlan{}
	ids := make([]int64, len(plans))
	for i, p := range plans {
		byID[p.ID], ids[i] = p, p.ID
	}
	cond, arg := d.idsCondition("r.plan_id", ids)
	rows, err := d.query(ctx, d.db, `SELECT r.id, r.plan_id, r.shift_id, r.volunteer_id, r.reasons, r.outcome, r.error_code,
		r.error_message, COALESCE(r.assignment_id, 0) FROM roster_proposals r JOIN shifts s ON s.id = r.shift_id
		WHERE `+cond+` ORDER BY s.starts_at, r.shift_id, r.volunteer_id`, arg)
	if err != nil {
		return fmt.Errorf("store: roster proposals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		pr := &konullu.RosterProposal{}
		var reasons jsonList
		if err := rows.Scan(&pr.ID, &pr.PlanID, &pr.ShiftID, &pr.VolunteerID, &reasons, &pr.Outcome, &pr.ErrorCode,
			&pr.ErrorMessage, &pr.AssignmentID); err != nil {
			return fmt.Errorf("store: roster proposals: %w", err)
		}
		pr.Reasons = nonNil(reasons)
		byID[pr.PlanID].Proposals = append(byID[pr.PlanID].Proposals, pr)
	}
	return rows.Err()
}

// DecideRosterPlan moves a PROPOSED plan to APPLIED or DISCARDED, once:
// the conditional update is what stops two applies of one plan.
func (d *DB) DecideRosterPlan(ctx context.Context, id int64, status konullu.RosterPlanStatus) (*konullu.RosterPlan, error) {
	res, err := d.exec(ctx, d.db, `UPDATE roster_plans SET status = ?, decided_at = ? WHERE id = ? AND status = 'PROPOSED'`,
		string(status), d.now(), id)
	if err != nil {
		return nil, fmt.Errorf("store: decide roster plan: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("store: decide roster plan: %w", err)
	} else if n == 0 {
		p, err := d.RosterPlan(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, konullu.Errorf(konullu.ECONFLICT, "the plan is already %s", strings.ToLower(string(p.Status)))
	}
	return d.RosterPlan(ctx, id)
}

// ReopenRosterPlan moves an APPLIED plan back to PROPOSED (see
// konullu.RosterStore); the outcomes recorded stay.
func (d *DB) ReopenRosterPlan(ctx context.Context, id int64) error {
	if _, err := d.exec(ctx, d.db, `UPDATE roster_plans SET status = 'PROPOSED', decided_at = NULL WHERE id = ? AND status = 'APPLIED'`, id); err != nil {
		return fmt.Errorf("store: reopen roster plan: %w", err)
	}
	return nil
}

// proposalSignup is a roster proposal going through the signup transaction.
type proposalSignup struct {
	id  int64
	loc *time.Location // weeks of the commitment are read in it
}

// AssignRosterProposal makes one proposal through the signup transaction
// (see konullu.RosterStore) and records its outcome: ASSIGNED in the same
// transaction, REFUSED with the error's code after it rolled back.
func (d *DB) AssignRosterProposal(ctx context.Context, p *konullu.RosterProposal, loc *time.Location) (*konullu.Assignment, error) {
	if loc == nil {
		loc = time.UTC
	}
	a, err := d.signUp(ctx, p.ShiftID, p.VolunteerID, signupMode{byCoordinator: true, proposal: &proposalSignup{id: p.ID, loc: loc}})
	if err == nil {
		p.Outcome, p.AssignmentID = konullu.ProposalAssigned, a.ID
		return a, nil
	}
	var ke *konullu.Error
	if !errors.As(err, &ke) {
		return nil, err // the database failed: the outcome stays unknown
	}
	p.Outcome, p.ErrorCode, p.ErrorMessage = konullu.ProposalRefused, ke.Code, ke.Message
	if rerr := d.recordProposal(ctx, d.db, p.ID, konullu.ProposalRefused, ke, 0); rerr != nil {
		return nil, rerr
	}
	return nil, err
}

// checkProposal refuses what a proposal may not take although a
// coordinator could: a place beyond the capacity (no waitlist), a shift
// that is not published or has started, a week beyond the commitment.
// It runs inside the signup transaction, under both of its locks.
func (d *DB) checkProposal(ctx context.Context, tx *sql.Tx, now time.Time, s *lockedShift, v *konullu.Volunteer, f *signupFacts, p *proposalSignup) error {
	if s.Status != konullu.ShiftPublished {
		return konullu.Errorf(konullu.ESIGNUPCLOSED, "the shift is not published")
	}
	if !s.StartsAt.After(now) {
		return konullu.Errorf(konullu.ESIGNUPCLOSED, "the shift has already started")
	}
	if f.held >= s.Capacity {
		return konullu.Errorf(konullu.ECONFLICT, "the shift is full: someone took the place since the plan was made")
	}
	return d.checkCommitment(ctx, tx, &s.Shift, v.ID, p.loc)
}

func (d *DB) recordProposal(ctx context.Context, q queryer, id int64, outcome string, ke *konullu.Error, assignmentID int64) error {
	code, msg := "", ""
	if ke != nil {
		code, msg = ke.Code, ke.Message
	}
	var aid any
	if assignmentID != 0 {
		aid = assignmentID
	}
	if _, err := d.exec(ctx, q, `UPDATE roster_proposals SET outcome = ?, error_code = ?, error_message = ?, assignment_id = ? WHERE id = ?`,
		outcome, code, msg, aid, id); err != nil {
		return fmt.Errorf("store: record proposal: %w", err)
	}
	return nil
}

// SkipRosterProposals records the proposals a coordinator dropped.
func (d *DB) SkipRosterProposals(ctx context.Context, planID int64, ids []int64) error {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil
	}
	cond, arg := d.idsCondition("id", ids)
	if _, err := d.exec(ctx, d.db, `UPDATE roster_proposals SET outcome = ? WHERE plan_id = ? AND outcome = '' AND `+cond,
		konullu.ProposalSkipped, planID, arg); err != nil {
		return fmt.Errorf("store: skip proposals: %w", err)
	}
	return nil
}

// NotifyRosterPlan tells the centre's coordinators that a plan waits for
// them, and returns how many were told.
func (d *DB) NotifyRosterPlan(ctx context.Context, p *konullu.RosterPlan) (int, error) {
	n := 0
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		// The week as the centre reads it (Monday – Sunday), so the
		// coordinator knows which week to open on the calendar.
		var zone string
		if err := d.queryRow(ctx, tx, `SELECT timezone FROM centres WHERE id = ?`, p.CentreID).Scan(&zone); err != nil {
			return fmt.Errorf("store: roster plan centre: %w", err)
		}
		loc := konullu.ZoneLocation(zone)
		week := p.From.In(loc).Format("2006-01-02") + " – " + p.To.Add(-time.Second).In(loc).Format("2006-01-02")
		rows, err := d.query(ctx, tx, `SELECT DISTINCT c.user_id FROM coordinator_centres c
			JOIN user_roles r ON r.user_id = c.user_id AND r.role = 'COORDINATOR'
			JOIN users u ON u.id = c.user_id AND u.suspended_at IS NULL WHERE c.centre_id = ? ORDER BY c.user_id`, p.CentreID)
		if err != nil {
			return fmt.Errorf("store: roster plan recipients: %w", err)
		}
		var evs []event
		for rows.Next() {
			var u int64
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return fmt.Errorf("store: roster plan recipients: %w", err)
			}
			evs = append(evs, event{kind: konullu.NotifyRosterProposed, userID: u, payload: map[string]any{
				"understaffed": p.OpenBefore, "proposals": len(p.Proposals), "planId": p.ID, "week": week,
				"from": p.From.UTC().Format(time.RFC3339), "to": p.To.UTC().Format(time.RFC3339)}})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: roster plan recipients: %w", err)
		}
		n = len(evs)
		return d.enqueue(ctx, tx, d.now(), evs...)
	})
	return n, err
}
