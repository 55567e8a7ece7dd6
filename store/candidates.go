package store

import (
	"context"
	"fmt"
	"time"

	"github.com/konullu/konullu"
)

// ShiftCandidates finds ACTIVE volunteers by name, email or phone
// (konullu.VolunteerSearch) and says what stands in the way of a
// coordinator's assigning each to the shift, as assignVolunteer would
// decide it now (konullu.Rules.SignupObstacles): those with no obstacle
// first, then by name.
func (d *DB) ShiftCandidates(ctx context.Context, shiftID int64, search konullu.VolunteerSearch, limit int) ([]*konullu.Candidate, error) {
	s, p, err := d.shiftWithPosition(ctx, d.db, shiftID, "")
	if err != nil {
		return nil, err
	}
	vs, _, err := d.FindVolunteers(ctx, konullu.VolunteerFilter{Search: search.Name, Email: search.Email,
		PhoneDigits: search.PhoneDigits, Status: konullu.VolunteerActive, Limit: limit})
	if err != nil {
		return nil, err
	}
	obstacles, err := d.obstacles(ctx, []*lockedShift{s}, map[int64]*konullu.Position{s.ID: p}, vs, true)
	if err != nil {
		return nil, err
	}
	out := make([]*konullu.Candidate, 0, len(vs))
	for _, v := range vs {
		out = append(out, &konullu.Candidate{Volunteer: v, Obstacles: obstacles[pair{s.ID, v.ID}]})
	}
	// Stable: those who can be assigned (a full shift waitlists them)
	// first, each group by name.
	free := make([]*konullu.Candidate, 0, len(out))
	var blocked []*konullu.Candidate
	for _, c := range out {
		if assignable(c.Obstacles) {
			free = append(free, c)
		} else {
			blocked = append(blocked, c)
		}
	}
	return append(free, blocked...), nil
}

// assignable reports whether an assignment would give a place or a
// waitlist place: nothing blocks it and the volunteer holds none yet.
func assignable(obstacles []konullu.Obstacle) bool {
	for _, o := range obstacles {
		if o.Blocking() || o.Code == konullu.ObstacleAlreadyAssigned {
			return false
		}
	}
	return true
}

// ObstaclesOf says, by shift, what stands between the volunteer and each of
// the shifts, as their own signUp would decide it now.
func (d *DB) ObstaclesOf(ctx context.Context, volunteerID int64, shiftIDs []int64) (map[int64][]konullu.Obstacle, error) {
	out := map[int64][]konullu.Obstacle{}
	if shiftIDs = uniqueIDs(shiftIDs); len(shiftIDs) == 0 {
		return out, nil
	}
	vs, err := d.VolunteersByIDs(ctx, []int64{volunteerID})
	if err != nil {
		return nil, err
	}
	v := vs[volunteerID]
	if v == nil {
		return nil, konullu.NotFound("volunteer")
	}
	shifts, positions, err := d.shiftsWithPositions(ctx, shiftIDs)
	if err != nil {
		return nil, err
	}
	obs, err := d.obstacles(ctx, shifts, positions, []*konullu.Volunteer{v}, false)
	if err != nil {
		return nil, err
	}
	for _, s := range shifts {
		out[s.ID] = obs[pair{s.ID, volunteerID}]
	}
	return out, nil
}

// shiftsWithPositions is shiftWithPosition for a list of shifts, in one statement.
func (d *DB) shiftsWithPositions(ctx context.Context, ids []int64) ([]*lockedShift, map[int64]*konullu.Position, error) {
	in, args := inList(ids)
	rows, err := d.query(ctx, d.db, `SELECT s.id, s.centre_id, s.position_id, s.starts_at, s.ends_at, s.capacity, s.status, s.queue_seq,
		p.id, p.name, p.description, p.required_skills, p.minimum_age, c.timezone
		FROM shifts s JOIN positions p ON p.id = s.position_id JOIN centres c ON c.id = s.centre_id WHERE s.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: shifts with positions: %w", err)
	}
	defer rows.Close()
	var shifts []*lockedShift
	positions := map[int64]*konullu.Position{}
	for rows.Next() {
		s, p := &lockedShift{}, &konullu.Position{}
		var start, end nullTime
		var status string
		var skills jsonList
		if err := rows.Scan(&s.ID, &s.CentreID, &s.PositionID, &start, &end, &s.Capacity, &status, &s.queueSeq,
			&p.ID, &p.Name, &p.Description, &skills, &p.MinimumAge, &s.centreTimezone); err != nil {
			return nil, nil, fmt.Errorf("store: shifts with positions: %w", err)
		}
		s.StartsAt, s.EndsAt, s.Status = start.Time, end.Time, konullu.ShiftStatus(status)
		p.RequiredSkills = nonNil(skills)
		shifts = append(shifts, s)
		positions[s.ID] = p
	}
	return shifts, positions, rows.Err()
}

type pair struct{ shift, volunteer int64 }

// obstacles reads the signup facts of every (shift, volunteer) pair in a
// few statements and applies the rules to each.
func (d *DB) obstacles(ctx context.Context, shifts []*lockedShift, positions map[int64]*konullu.Position,
	vs []*konullu.Volunteer, byCoordinator bool) (map[pair][]konullu.Obstacle, error) {
	out := map[pair][]konullu.Obstacle{}
	if len(shifts) == 0 || len(vs) == 0 {
		return out, nil
	}
	now := d.now()
	shiftIDs, volIDs := make([]int64, 0, len(shifts)), make([]int64, 0, len(vs))
	var from, to time.Time
	for i, s := range shifts {
		shiftIDs = append(shiftIDs, s.ID)
		if i == 0 || s.StartsAt.Before(from) {
			from = s.StartsAt
		}
		if i == 0 || s.EndsAt.After(to) {
			to = s.EndsAt
		}
	}
	for _, v := range vs {
		volIDs = append(volIDs, v.ID)
	}
	sIn, sArgs := inList(shiftIDs)
	vIn, vArgs := inList(volIDs)

	consent := map[int64]bool{}
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT volunteer_id FROM guardian_consents WHERE volunteer_id IN (`+vIn+`)`, vArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: obstacles: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: obstacles: %w", err)
		}
		consent[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: obstacles: %w", err)
	}

	type fill struct{ held, waiting int }
	fills := map[int64]fill{}
	rows, err = d.query(ctx, d.db, `SELECT shift_id,
		SUM(CASE WHEN status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED') THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'WAITLISTED' THEN 1 ELSE 0 END)
		FROM assignments WHERE shift_id IN (`+sIn+`) GROUP BY shift_id`, sArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: obstacles: %w", err)
	}
	for rows.Next() {
		var id int64
		var f fill
		if err := rows.Scan(&id, &f.held, &f.waiting); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: obstacles: %w", err)
		}
		fills[id] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: obstacles: %w", err)
	}

	// The volunteers' places that are not cancelled, in these shifts or
	// in any shift overlapping their span: existing places and clashes.
	type place struct {
		shift, volunteer int64
		status           string
		start, end       time.Time
	}
	var places []place
	args := append(append([]any{}, vArgs...), to, from)
	rows, err = d.query(ctx, d.db, `SELECT a.shift_id, a.volunteer_id, a.status, s.starts_at, s.ends_at
		FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id IN (`+vIn+`) AND a.status <> 'CANCELLED' AND s.starts_at < ? AND s.ends_at > ?
		ORDER BY s.starts_at, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: obstacles: %w", err)
	}
	for rows.Next() {
		var pl place
		var start, end nullTime
		if err := rows.Scan(&pl.shift, &pl.volunteer, &pl.status, &start, &end); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: obstacles: %w", err)
		}
		pl.start, pl.end = start.Time, end.Time
		places = append(places, pl)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: obstacles: %w", err)
	}

	facts := map[pair]*konullu.SignupFacts{}
	clashShift := map[pair]int64{}
	for _, s := range shifts {
		f := fills[s.ID]
		for _, v := range vs {
			k := pair{s.ID, v.ID}
			facts[k] = &konullu.SignupFacts{Consent: consent[v.ID], Held: f.held, Waiting: f.waiting}
			for _, pl := range places {
				if pl.volunteer != v.ID {
					continue
				}
				if pl.shift == s.ID {
					facts[k].Existing = konullu.AssignmentStatus(pl.status)
					continue
				}
				active := pl.status == string(konullu.AssignmentConfirmed) || pl.status == string(konullu.AssignmentWaitlisted) ||
					pl.status == string(konullu.AssignmentCheckedIn)
				if active && clashShift[k] == 0 && konullu.Overlaps(pl.start, pl.end, s.StartsAt, s.EndsAt) {
					clashShift[k] = pl.shift
				}
			}
		}
	}
	// The clashes' shifts, read once.
	byShift := map[int64]int64{}
	for _, id := range clashShift {
		byShift[id] = id
	}
	clashes, err := d.clashes(ctx, d.db, byShift)
	if err != nil {
		return nil, err
	}
	for k, id := range clashShift {
		if c := clashes[id]; c != nil {
			own := *c
			own.VolunteerID = k.volunteer
			facts[k].Clash = &own
		}
	}
	for _, s := range shifts {
		loc := konullu.ZoneLocation(s.centreTimezone)
		for _, v := range vs {
			k := pair{s.ID, v.ID}
			out[k] = d.rules.SignupObstacles(konullu.SignupRequest{Now: now, Shift: &s.Shift, Position: positions[s.ID],
				Volunteer: v, Location: loc, ByCoordinator: byCoordinator, Facts: facts[k]})
		}
	}
	return out, nil
}
