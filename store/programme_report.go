package store

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/konullu/konullu"
)

var _ konullu.ProgrammeReportStore = (*DB)(nil)

// attendedStatuses are the statuses of assignments the volunteer was present at.
const attendedStatuses = `('CHECKED_IN', 'COMPLETED')`

// ProgrammeReport computes the programme's funnel with set-based queries:
// the first three stages counted by cohort in one pass over the period's
// applications, and the later stages read for the accepted applications
// only, each joined to its volunteer's attended assignments (a partial
// index holds just those) and their shifts' starts, grouped per
// application. Nothing scans the assignments of volunteers who did not
// apply in the period.
func (d *DB) ProgrammeReport(ctx context.Context, q konullu.ProgrammeQuery) (*konullu.ProgrammeReport, error) {
	if err := q.Validate(); err != nil {
		return nil, err
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
			rows, err := d.query(gctx, tx, `SELECT p.cohort_id, p.created_at, MIN(s.starts_at), MAX(s.starts_at)
				FROM applications p
				LEFT JOIN assignments a ON a.volunteer_id = p.volunteer_id AND a.status IN `+attendedStatuses+`
				LEFT JOIN shifts s ON s.id = a.shift_id AND s.starts_at >= p.created_at AND s.starts_at >= ?
				WHERE p.status = 'ACCEPTED' AND `+where+`
				GROUP BY p.id, p.cohort_id, p.created_at`, append([]any{q.From}, args...)...)
			if err != nil {
				return fmt.Errorf("store: programme progress: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var p konullu.AcceptedProgress
				var applied, first, last nullTime
				if err := rows.Scan(&p.CohortID, &applied, &first, &last); err != nil {
					return fmt.Errorf("store: programme progress: %w", err)
				}
				p.AppliedAt, p.FirstShift, p.LastShift = applied.Time, first.Time, last.Time
				progress = append(progress, p)
			}
			return rows.Err()
		})
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
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
