package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/konullu/konullu"
)

var _ konullu.ProgrammeReportStore = (*DB)(nil)

// attendedStatuses are the statuses of assignments the volunteer was present at.
const attendedStatuses = `('CHECKED_IN', 'COMPLETED')`

// ProgrammeReport computes the programme's funnel with set-based queries,
// run at once: the first three stages counted by cohort in one pass over
// the period's applications; the later stages read for the accepted
// applications only, each joined to its volunteer's attended assignments
// (a partial index holds just those) and their service shifts' starts,
// grouped per application; the courses from their sessions (few) and the
// qualifications the accepted volunteers hold. Nothing scans the
// assignments of volunteers who did not apply in the period.
func (d *DB) ProgrammeReport(ctx context.Context, q konullu.ProgrammeQuery) (*konullu.ProgrammeReport, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.Now.IsZero() {
		q.Now = d.now()
	}
	rep := &konullu.ProgrammeReport{Query: q}
	where := `p.created_at >= ? AND p.created_at < ?`
	args := []any{q.From, q.To}
	if q.CohortIDs != nil {
		in, ids := inList(q.CohortIDs)
		where += ` AND p.cohort_id IN (` + in + `)`
		args = append(args, ids...)
	}
	var (
		early    []konullu.FunnelRow
		progress []konullu.AcceptedProgress
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		rows, err := d.query(gctx, d.db, `SELECT p.cohort_id, COUNT(*),
				SUM(CASE WHEN p.interview_at IS NOT NULL OR p.status IN ('ACCEPTED', 'WAITLISTED') THEN 1 ELSE 0 END),
				SUM(CASE WHEN p.status = 'ACCEPTED' THEN 1 ELSE 0 END)
			FROM applications p WHERE `+where+` GROUP BY p.cohort_id`, args...)
		if err != nil {
			return fmt.Errorf("store: programme funnel: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r konullu.FunnelRow
			if err := rows.Scan(&r.CohortID, &r.Applied, &r.Interviewed, &r.Accepted); err != nil {
				return fmt.Errorf("store: programme funnel: %w", err)
			}
			early = append(early, r)
		}
		return rows.Err()
	})
	// The later stages: one row per accepted application with its first and
	// last attended shift after it was submitted (shifts before the period
	// cannot be).
	g.Go(func() error {
		return d.readTx(gctx, func(tx queryer) error {
			if d.dialect == Postgres {
				// The planner's memoize of each volunteer's assignments never
				// hits (one application per volunteer) and halves the speed;
				// the hash of 20 attended shifts per accepted applicant needs
				// more than the default 4 MB not to spill to disk.
				if _, err := d.exec(gctx, tx, `SELECT set_config('enable_memoize', 'off', true), set_config('work_mem', '32MB', true)`); err != nil {
					return err
				}
			}
			rows, err := d.query(gctx, tx, `SELECT p.cohort_id, p.created_at, MIN(s.starts_at), MAX(s.starts_at),
					CASE WHEN EXISTS (SELECT 1 FROM held_qualifications h WHERE h.volunteer_id = p.volunteer_id
						AND (h.source = 'COURSE' OR h.course_id IS NOT NULL)) THEN 1 ELSE 0 END
				FROM applications p
				LEFT JOIN assignments a ON a.volunteer_id = p.volunteer_id AND a.status IN `+attendedStatuses+`
				LEFT JOIN shifts s ON s.id = a.shift_id AND s.kind = 'SERVICE' AND s.starts_at >= p.created_at AND s.starts_at >= ?
				WHERE p.status = 'ACCEPTED' AND `+where+`
				GROUP BY p.id, p.cohort_id, p.created_at, p.volunteer_id`, append([]any{q.From}, args...)...)
			if err != nil {
				return fmt.Errorf("store: programme progress: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var p konullu.AcceptedProgress
				var applied, first, last nullTime
				var trained int
				if err := rows.Scan(&p.CohortID, &applied, &first, &last, &trained); err != nil {
					return fmt.Errorf("store: programme progress: %w", err)
				}
				p.AppliedAt, p.FirstShift, p.LastShift, p.Trained = applied.Time, first.Time, last.Time, trained == 1
				progress = append(progress, p)
			}
			return rows.Err()
		})
	})
	// Training: the courses and qualifications of the accepted applicants' volunteers.
	accepted := `SELECT p.volunteer_id FROM applications p WHERE p.status = 'ACCEPTED' AND ` + where
	g.Go(func() error {
		// Enrolled: a place (not cancelled) in one of the course's sessions,
		// read from the sessions (few) rather than the volunteers' assignments;
		// or the qualification the course granted, which completes it.
		rows, err := d.query(gctx, d.db, `SELECT c.id, c.name, COUNT(DISTINCT e.volunteer_id),
				COUNT(DISTINCT CASE WHEN e.done = 1 THEN e.volunteer_id END)
			FROM (SELECT s.course_id, a.volunteer_id, 0 AS done FROM shifts s JOIN assignments a ON a.shift_id = s.id
					WHERE s.course_id IS NOT NULL AND a.status <> 'CANCELLED' AND a.volunteer_id IN (`+accepted+`)
				UNION ALL
				SELECT h.course_id, h.volunteer_id, 1 FROM held_qualifications h
					WHERE h.course_id IS NOT NULL AND h.volunteer_id IN (`+accepted+`)) e
			JOIN courses c ON c.id = e.course_id
			GROUP BY c.id, c.name ORDER BY c.name, c.id`, append(slices.Clone(args), args...)...)
		if err != nil {
			return fmt.Errorf("store: programme courses: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c konullu.CourseCompletion
			if err := rows.Scan(&c.CourseID, &c.Name, &c.Enrolled, &c.Completed); err != nil {
				return fmt.Errorf("store: programme courses: %w", err)
			}
			rep.Courses = append(rep.Courses, c)
		}
		return rows.Err()
	})
	g.Go(func() error {
		soon, later := q.Now.Add(30*24*time.Hour), q.Now.Add(90*24*time.Hour)
		rows, err := d.query(gctx, d.db, `SELECT qu.id, qu.name,
				SUM(CASE WHEN h.expires_at IS NULL OR h.expires_at > ? THEN 1 ELSE 0 END),
				SUM(CASE WHEN h.expires_at > ? AND h.expires_at <= ? THEN 1 ELSE 0 END),
				SUM(CASE WHEN h.expires_at > ? AND h.expires_at <= ? THEN 1 ELSE 0 END),
				SUM(CASE WHEN h.expires_at <= ? THEN 1 ELSE 0 END)
			FROM held_qualifications h JOIN qualifications qu ON qu.id = h.qualification_id
			WHERE h.volunteer_id IN (SELECT DISTINCT v.volunteer_id FROM (`+accepted+`) v)
			GROUP BY qu.id, qu.name ORDER BY qu.name, qu.id`,
			append([]any{q.Now, q.Now, soon, soon, later, q.Now}, args...)...)
		if err != nil {
			return fmt.Errorf("store: programme qualifications: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e konullu.ExpiringQualification
			if err := rows.Scan(&e.QualificationID, &e.Name, &e.Valid, &e.Within30, &e.Within90, &e.Expired); err != nil {
				return fmt.Errorf("store: programme qualifications: %w", err)
			}
			rep.Expiring = append(rep.Expiring, e)
		}
		return rows.Err()
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	rep.Training = true
	ids := make([]int64, len(early))
	for i, r := range early {
		ids[i] = r.CohortID
	}
	cohorts, err := d.CohortsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range early {
		if c := cohorts[early[i].CohortID]; c != nil {
			early[i].CohortName = c.Name
		}
	}
	rep.Total, rep.ByCohort = konullu.BuildFunnel(q, early, progress)
	return rep, nil
}

// readTx runs fn in a read-only transaction (settings made with
// set_config(…, true) end with it).
func (d *DB) readTx(ctx context.Context, fn func(q queryer) error) error {
	tx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
