package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

var _ konullu.JobStore = (*DB)(nil)

// jobChunk is how many assignments one job transaction handles: short
// transactions keep SQLite's single writer available to requests.
const jobChunk = 500

// StartJobRun records that a job started on an instance.
func (d *DB) StartJobRun(ctx context.Context, job, instance string, at time.Time) (*konullu.JobRun, error) {
	r := &konullu.JobRun{Job: job, Instance: instance, StartedAt: at.UTC(), Status: konullu.JobRunning}
	err := d.queryRow(ctx, d.db, `INSERT INTO job_runs (job, instance, started_at, status) VALUES (?, ?, ?, ?) RETURNING id`,
		job, instance, at, string(r.Status)).Scan(&r.ID)
	if err != nil {
		return nil, fmt.Errorf("store: start job run: %w", err)
	}
	return r, nil
}

// FinishJobRun records how a run ended.
func (d *DB) FinishJobRun(ctx context.Context, r *konullu.JobRun) error {
	_, err := d.exec(ctx, d.db, `UPDATE job_runs SET finished_at = ?, status = ?, items = ?, error = ? WHERE id = ?`,
		r.FinishedAt, string(r.Status), r.Items, r.Error, r.ID)
	if err != nil {
		return fmt.Errorf("store: finish job run: %w", err)
	}
	return nil
}

// JobRuns returns the latest runs, of one job or of all ("").
func (d *DB) JobRuns(ctx context.Context, job string, limit int) ([]*konullu.JobRun, error) {
	if limit <= 0 {
		limit = 20
	}
	query := jobRunSelect
	args := []any{}
	if job != "" {
		query += ` WHERE job = ?`
		args = append(args, job)
	}
	return d.scanJobRuns(d.query(ctx, d.db, query+` ORDER BY id DESC LIMIT ?`, append(args, limit)...))
}

// JobRunsByIDs returns the runs with the given ids.
func (d *DB) JobRunsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.JobRun, error) {
	out := map[int64]*konullu.JobRun{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanJobRuns(d.query(ctx, d.db, jobRunSelect+` WHERE id IN (`+in+`)`, args...))
	for _, r := range list {
		out[r.ID] = r
	}
	return out, err
}

const jobRunSelect = `SELECT id, job, instance, started_at, finished_at, status, items, error FROM job_runs`

func (d *DB) scanJobRuns(rows *sql.Rows, err error) ([]*konullu.JobRun, error) {
	if err != nil {
		return nil, fmt.Errorf("store: job runs: %w", err)
	}
	defer rows.Close()
	var out []*konullu.JobRun
	for rows.Next() {
		r := &konullu.JobRun{}
		var started, finished nullTime
		var status string
		if err := rows.Scan(&r.ID, &r.Job, &r.Instance, &started, &finished, &status, &r.Items, &r.Error); err != nil {
			return nil, fmt.Errorf("store: job runs: %w", err)
		}
		r.StartedAt, r.FinishedAt, r.Status = started.Time, finished.ptr(), konullu.JobRunStatus(status)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PruneJobRuns deletes the runs that started before the given time.
func (d *DB) PruneJobRuns(ctx context.Context, before time.Time) (int, error) {
	res, err := d.exec(ctx, d.db, `DELETE FROM job_runs WHERE started_at < ?`, before)
	if err != nil {
		return 0, fmt.Errorf("store: prune job runs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// jobState reads a value a job kept; "" when there is none.
func (d *DB) jobState(ctx context.Context, q queryer, name string) (string, error) {
	var v string
	err := d.queryRow(ctx, q, `SELECT value FROM job_state WHERE name = ?`, name).Scan(&v)
	if errNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: job state: %w", err)
	}
	return v, nil
}

func (d *DB) setJobState(ctx context.Context, q queryer, name, value string) error {
	_, err := d.exec(ctx, q, `INSERT INTO job_state (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, d.now())
	if err != nil {
		return fmt.Errorf("store: set job state: %w", err)
	}
	return nil
}

// reminderCandidate is a confirmed assignment whose shift starts within the
// longest lead.
type reminderCandidate struct {
	assignment, volunteer, shift int64
	start                        time.Time
	nearestSent                  int // shortest lead (minutes) already sent; 0 none
}

// EnqueueReminders sends each confirmed assignment of a published shift the
// reminder due at now (konullu.ReminderDue): the reminders row, unique per
// assignment and kind, decides who sends it, and the outbox rows are written
// in the same transaction, so that every instance may run this at the same
// moment and each reminder still goes out once (invariant 4). A reminder is
// skipped when one with a shorter lead was already sent.
func (d *DB) EnqueueReminders(ctx context.Context, now time.Time, leads []time.Duration) (int, error) {
	longest := time.Duration(0)
	for _, l := range leads {
		longest = max(longest, l)
	}
	if longest <= 0 {
		return 0, nil
	}
	rows, err := d.query(ctx, d.db, `SELECT a.id, a.volunteer_id, a.shift_id, s.starts_at,
		COALESCE((SELECT MIN(r.lead_minutes) FROM reminders r WHERE r.assignment_id = a.id), 0)
		FROM shifts s JOIN assignments a ON a.shift_id = s.id
		WHERE s.starts_at > ? AND s.starts_at <= ? AND s.status = 'PUBLISHED' AND a.status = 'CONFIRMED'
		ORDER BY a.id`, now, now.Add(longest))
	if err != nil {
		return 0, fmt.Errorf("store: reminder candidates: %w", err)
	}
	byLead := map[time.Duration][]reminderCandidate{}
	for rows.Next() {
		var c reminderCandidate
		var start nullTime
		if err := rows.Scan(&c.assignment, &c.volunteer, &c.shift, &start, &c.nearestSent); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: reminder candidates: %w", err)
		}
		c.start = start.Time
		lead, ok := konullu.ReminderDue(c.start, now, leads)
		if !ok || c.nearestSent != 0 && time.Duration(c.nearestSent)*time.Minute <= lead {
			continue
		}
		byLead[lead] = append(byLead[lead], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: reminder candidates: %w", err)
	}
	// Longest lead first, ascending assignment ids within: every instance
	// takes row locks in the same order, so concurrent runs queue rather
	// than deadlock.
	sortedLeads := make([]time.Duration, 0, len(byLead))
	for l := range byLead {
		sortedLeads = append(sortedLeads, l)
	}
	slices.SortFunc(sortedLeads, func(a, b time.Duration) int { return int(b - a) })
	sent := 0
	for _, lead := range sortedLeads {
		list := byLead[lead]
		for len(list) > 0 {
			n := min(len(list), jobChunk)
			chunk := list[:n]
			list = list[n:]
			k, err := d.insertReminders(ctx, now, lead, chunk)
			if err != nil {
				return sent, err
			}
			sent += k
		}
	}
	return sent, nil
}

// insertReminders writes the reminders of one lead for a chunk of candidates
// and enqueues a message for each reminder this call inserted (none for
// those another instance inserted first). The assignment's state is checked
// again inside the transaction.
func (d *DB) insertReminders(ctx context.Context, now time.Time, lead time.Duration, chunk []reminderCandidate) (int, error) {
	ids := make([]int64, len(chunk))
	byID := make(map[int64]reminderCandidate, len(chunk))
	for i, c := range chunk {
		ids[i] = c.assignment
		byID[c.assignment] = c
	}
	kind, minutes := konullu.ReminderKind(lead), int(lead/time.Minute)
	var inserted int
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		in, args := inList(ids)
		rows, err := d.query(ctx, tx, `INSERT INTO reminders (assignment_id, kind, lead_minutes, created_at)
			SELECT a.id, ?, ?, ? FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.id IN (`+in+`) AND a.status = 'CONFIRMED' AND s.status = 'PUBLISHED' AND s.starts_at > ?
			AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.assignment_id = a.id AND r.lead_minutes <= ?)
			ON CONFLICT DO NOTHING RETURNING assignment_id`,
			append(append([]any{kind, minutes, now}, args...), now, minutes)...)
		if err != nil {
			return fmt.Errorf("store: insert reminders: %w", err)
		}
		var evs []event
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store: insert reminders: %w", err)
			}
			c := byID[id]
			evs = append(evs, event{kind: konullu.NotifyReminder, volunteerID: c.volunteer, assignmentID: id, shiftID: c.shift,
				// Reminders while the place can still be given up ask the
				// volunteer to confirm (in the app, or YES/NO by SMS).
				payload: map[string]any{"reminder": kind, "leadMinutes": minutes, "askConfirm": lead > d.rules.WithdrawCutoff}})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: insert reminders: %w", err)
		}
		inserted = len(evs)
		return d.enqueue(ctx, tx, now, evs...)
	})
	return inserted, err
}

// SettleAttendance closes the attendance of shifts that are over: a
// CONFIRMED assignment without check-in becomes NO_SHOW once the shift ended
// grace ago; a CHECKED_IN one without check-out is completed at the end of
// the shift once it ended completeAfter ago, and credited its attended part.
// Each change is conditional on the status it starts from, so a coordinator's
// correction made meanwhile wins and a second run changes nothing.
func (d *DB) SettleAttendance(ctx context.Context, now time.Time, grace, completeAfter time.Duration) (int, int, error) {
	var noShows int
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := d.query(ctx, tx, `UPDATE assignments SET status = 'NO_SHOW',
			note = CASE WHEN note = '' THEN 'no check-in' ELSE note END, updated_at = ?
			WHERE status = 'CONFIRMED' AND shift_id IN (SELECT id FROM shifts WHERE ends_at <= ? AND status <> 'CANCELLED')
			RETURNING id, shift_id`,
			now, now.Add(-grace))
		if err != nil {
			return fmt.Errorf("store: no-shows: %w", err)
		}
		var evs []konullu.CentreEvent
		for rows.Next() {
			e := konullu.CentreEvent{Kind: konullu.CentreNoShow, At: now}
			if err := rows.Scan(&e.AssignmentID, &e.ShiftID); err != nil {
				rows.Close()
				return fmt.Errorf("store: no-shows: %w", err)
			}
			evs = append(evs, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: no-shows: %w", err)
		}
		noShows = len(evs)
		if d.events != nil && len(evs) > 0 {
			shiftIDs := make([]int64, len(evs))
			for i, e := range evs {
				shiftIDs[i] = e.ShiftID
			}
			centres, err := d.centresOfShifts(ctx, tx, shiftIDs)
			if err != nil {
				return err
			}
			for i := range evs {
				evs[i].CentreID = centres[evs[i].ShiftID]
			}
			d.announce(tx, evs...)
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	type open struct {
		id       int64
		in       time.Time
		shift    konullu.Shift
		credited int
	}
	rows, err := d.query(ctx, d.db, `SELECT a.id, a.checked_in_at, s.starts_at, s.ends_at FROM assignments a
		JOIN shifts s ON s.id = a.shift_id WHERE a.status = 'CHECKED_IN' AND s.ends_at <= ? ORDER BY a.id`, now.Add(-completeAfter))
	if err != nil {
		return noShows, 0, fmt.Errorf("store: open check-ins: %w", err)
	}
	var list []open
	for rows.Next() {
		var o open
		var in, start, end nullTime
		if err := rows.Scan(&o.id, &in, &start, &end); err != nil {
			rows.Close()
			return noShows, 0, fmt.Errorf("store: open check-ins: %w", err)
		}
		o.in, o.shift.StartsAt, o.shift.EndsAt = in.Time, start.Time, end.Time
		if !in.Valid {
			o.in = start.Time // a check-in without time cannot happen through the API; credit the shift
		}
		o.credited = konullu.CreditedMinutes(&o.shift, o.in, o.shift.EndsAt)
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return noShows, 0, fmt.Errorf("store: open check-ins: %w", err)
	}
	completed := 0
	for len(list) > 0 {
		n := min(len(list), jobChunk)
		chunk := list[:n]
		list = list[n:]
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			k := 0
			for _, o := range chunk {
				res, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'COMPLETED', checked_out_at = ?, credited_minutes = ?, updated_at = ?
					WHERE id = ? AND status = 'CHECKED_IN'`, o.shift.EndsAt, o.credited, now, o.id)
				if err != nil {
					return fmt.Errorf("store: complete check-in: %w", err)
				}
				m, _ := res.RowsAffected()
				k += int(m)
			}
			completed += k
			return nil
		})
		if err != nil {
			return noShows, completed, err
		}
	}
	return noShows, completed, nil
}

// digestShiftLimit caps the shifts listed in one coordinator's digest.
const digestShiftLimit = 50

// EnqueueDigests writes the Monday digests of week w: each coordinator gets
// the understaffed published shifts of their centres in the week; each staff
// member gets the participation of the week before. The digests row (per
// week, recipient and kind) decides, so a digest goes out once per week
// however often and wherever the job runs.
func (d *DB) EnqueueDigests(ctx context.Context, w konullu.DigestWeek) (int, error) {
	now := d.now()
	type coordShift struct {
		ID        int64  `json:"id"`
		Centre    string `json:"centre"`
		Timezone  string `json:"timezone"`
		Position  string `json:"position"`
		StartsAt  string `json:"startsAt"`
		EndsAt    string `json:"endsAt"`
		Confirmed int    `json:"confirmed"`
		Capacity  int    `json:"capacity"`
	}
	// Understaffed shifts of the week by centre; a shift that has ended
	// (a digest sent late in the week) is not understaffed any more.
	rows, err := d.query(ctx, d.db, `SELECT s.id, s.centre_id, c.name, c.timezone, p.name, s.starts_at, s.ends_at, s.capacity, `+heldPlaces+`
		FROM shifts s JOIN centres c ON c.id = s.centre_id JOIN positions p ON p.id = s.position_id
		WHERE s.status = 'PUBLISHED' AND s.starts_at >= ? AND s.starts_at < ? AND s.ends_at > ? AND `+heldPlaces+` < s.capacity
		ORDER BY s.starts_at, s.id`, w.Start, w.End, now)
	if err != nil {
		return 0, fmt.Errorf("store: digest shifts: %w", err)
	}
	byCentre := map[int64][]coordShift{}
	for rows.Next() {
		var cs coordShift
		var centre int64
		var start, end nullTime
		if err := rows.Scan(&cs.ID, &centre, &cs.Centre, &cs.Timezone, &cs.Position, &start, &end, &cs.Capacity, &cs.Confirmed); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: digest shifts: %w", err)
		}
		cs.StartsAt, cs.EndsAt = start.Time.Format(time.RFC3339), end.Time.Format(time.RFC3339)
		byCentre[centre] = append(byCentre[centre], cs)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: digest shifts: %w", err)
	}
	coordinators := map[int64][]int64{}
	rows, err = d.query(ctx, d.db, `SELECT cc.user_id, cc.centre_id FROM coordinator_centres cc
		JOIN user_roles r ON r.user_id = cc.user_id AND r.role = 'COORDINATOR' ORDER BY cc.user_id, cc.centre_id`)
	if err != nil {
		return 0, fmt.Errorf("store: digest coordinators: %w", err)
	}
	for rows.Next() {
		var u, c int64
		if err := rows.Scan(&u, &c); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: digest coordinators: %w", err)
		}
		coordinators[u] = append(coordinators[u], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: digest coordinators: %w", err)
	}
	var staff []int64
	rows, err = d.query(ctx, d.db, `SELECT user_id FROM user_roles WHERE role = 'STAFF' ORDER BY user_id`)
	if err != nil {
		return 0, fmt.Errorf("store: digest staff: %w", err)
	}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: digest staff: %w", err)
		}
		staff = append(staff, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: digest staff: %w", err)
	}
	var summary map[string]any
	if len(staff) > 0 {
		if summary, err = d.weekSummary(ctx, w.Start.AddDate(0, 0, -7), w.Start); err != nil {
			return 0, err
		}
	}
	type recipient struct {
		user    int64
		kind    konullu.NotificationKind
		payload map[string]any
	}
	var list []recipient
	for u, centres := range coordinators {
		var shifts []coordShift
		for _, c := range centres {
			shifts = append(shifts, byCentre[c]...)
		}
		slices.SortFunc(shifts, func(a, b coordShift) int { return strings.Compare(a.StartsAt, b.StartsAt) })
		total := len(shifts)
		if len(shifts) > digestShiftLimit {
			shifts = shifts[:digestShiftLimit]
		}
		list = append(list, recipient{u, konullu.NotifyDigestCoordinator, map[string]any{
			"week": w.Key, "from": w.Start.UTC().Format(time.RFC3339), "to": w.End.UTC().Format(time.RFC3339),
			"understaffed": total, "shifts": shifts}})
	}
	for _, u := range staff {
		list = append(list, recipient{u, konullu.NotifyDigestStaff, summary})
	}
	slices.SortFunc(list, func(a, b recipient) int { return int(a.user - b.user) })
	sent := 0
	for len(list) > 0 {
		n := min(len(list), jobChunk)
		chunk := list[:n]
		list = list[n:]
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			var evs []event
			for _, r := range chunk {
				res, err := d.exec(ctx, tx, `INSERT INTO digests (week, user_id, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
					w.Key, r.user, string(r.kind), now)
				if err != nil {
					return fmt.Errorf("store: digest: %w", err)
				}
				if k, _ := res.RowsAffected(); k == 1 {
					evs = append(evs, event{kind: r.kind, userID: r.user, payload: r.payload})
				}
			}
			if err := d.enqueue(ctx, tx, now, evs...); err != nil {
				return err
			}
			sent += len(evs)
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// weekSummary is the participation of shifts that started in [from, to):
// the staff digest.
func (d *DB) weekSummary(ctx context.Context, from, to time.Time) (map[string]any, error) {
	var active, minutes, assignments, noShows, filled, understaffed int
	err := d.queryRow(ctx, d.db, `SELECT COUNT(DISTINCT CASE WHEN a.status = 'COMPLETED' THEN a.volunteer_id END),
		COALESCE(SUM(CASE WHEN a.status = 'COMPLETED' THEN a.credited_minutes ELSE 0 END), 0),
		COUNT(CASE WHEN a.status IN ('COMPLETED', 'NO_SHOW') THEN 1 END),
		COUNT(CASE WHEN a.status = 'NO_SHOW' THEN 1 END)
		FROM assignments a JOIN shifts s ON s.id = a.shift_id WHERE s.starts_at >= ? AND s.starts_at < ? AND s.status <> 'CANCELLED'`,
		from, to).Scan(&active, &minutes, &assignments, &noShows)
	if err != nil {
		return nil, fmt.Errorf("store: week summary: %w", err)
	}
	err = d.queryRow(ctx, d.db, `SELECT COALESCE(SUM(CASE WHEN `+heldPlaces+` >= s.capacity THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+heldPlaces+` < s.capacity THEN 1 ELSE 0 END), 0)
		FROM shifts s WHERE s.status = 'PUBLISHED' AND s.starts_at >= ? AND s.starts_at < ?`, from, to).Scan(&filled, &understaffed)
	if err != nil {
		return nil, fmt.Errorf("store: week summary: %w", err)
	}
	return map[string]any{
		"from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339),
		"activeVolunteers": active, "minutes": minutes, "assignments": assignments, "noShows": noShows,
		"shiftsFilled": filled, "shiftsUnderstaffed": understaffed,
	}, nil
}
