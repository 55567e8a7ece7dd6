package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/konullu/konullu"
)

var _ konullu.DayTemplateStore = (*DB)(nil)

// DayTemplates returns the day templates the centres set, sorted by weekday
// and start; centres without one are absent.
func (d *DB) DayTemplates(ctx context.Context, centreIDs []int64) (map[int64][]konullu.DayBlock, error) {
	out := map[int64][]konullu.DayBlock{}
	if centreIDs = uniqueIDs(centreIDs); len(centreIDs) == 0 {
		return out, nil
	}
	in, args := inList(centreIDs)
	rows, err := d.query(ctx, d.db, `SELECT centre_id, weekday, start_minute, end_minute FROM centre_day_blocks
		WHERE centre_id IN (`+in+`) ORDER BY centre_id, weekday, start_minute`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: day templates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var wd, s, e int
		if err := rows.Scan(&id, &wd, &s, &e); err != nil {
			return nil, fmt.Errorf("store: day templates: %w", err)
		}
		out[id] = append(out[id], konullu.DayBlock{Weekday: wd, Start: konullu.FormatClock(s), End: konullu.FormatClock(e)})
	}
	return out, rows.Err()
}

// SetDayTemplate replaces a centre's day template (validated by the caller).
func (d *DB) SetDayTemplate(ctx context.Context, centreID int64, blocks []konullu.DayBlock) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM centres WHERE id = ?`+d.forUpdate(), centreID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return konullu.NotFound("centre")
		}
		if err != nil {
			return fmt.Errorf("store: set day template: %w", err)
		}
		if _, err := d.exec(ctx, tx, `DELETE FROM centre_day_blocks WHERE centre_id = ?`, centreID); err != nil {
			return fmt.Errorf("store: set day template: %w", err)
		}
		rows := make([][]any, len(blocks))
		for i, b := range blocks {
			s, _ := konullu.ParseClock(b.Start)
			e, _ := konullu.ParseClock(b.End)
			rows[i] = []any{centreID, b.Weekday, s, e}
		}
		if err := d.insertRows(ctx, tx, `INSERT INTO centre_day_blocks (centre_id, weekday, start_minute, end_minute) VALUES `, rows, ""); err != nil {
			return fmt.Errorf("store: set day template: %w", err)
		}
		return nil
	})
}

// ShiftPeriodsOf returns the periods of a centre's shifts starting within
// konullu.DeriveTemplateDays of now, cancelled ones left out, at most limit,
// earliest first.
func (d *DB) ShiftPeriodsOf(ctx context.Context, centreID int64, limit int) ([]konullu.Period, error) {
	span := konullu.DeriveTemplateDays * 24 * time.Hour
	from, to := d.now().Add(-span), d.now().Add(span)
	rows, err := d.query(ctx, d.db, `SELECT starts_at, ends_at FROM shifts
		WHERE centre_id = ? AND starts_at >= ? AND starts_at < ? AND status <> 'CANCELLED'
		ORDER BY starts_at LIMIT ?`, centreID, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("store: shift periods: %w", err)
	}
	defer rows.Close()
	var out []konullu.Period
	for rows.Next() {
		var s, e nullTime
		if err := rows.Scan(&s, &e); err != nil {
			return nil, fmt.Errorf("store: shift periods: %w", err)
		}
		out = append(out, konullu.Period{StartsAt: s.Time, EndsAt: e.Time})
	}
	return out, rows.Err()
}

// BusyVolunteers returns the volunteers with an active assignment in a
// shift that overlaps [start, end), by id.
func (d *DB) BusyVolunteers(ctx context.Context, start, end time.Time) ([]int64, error) {
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT a.volunteer_id FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.status IN `+activeStatuses+` AND s.starts_at < ? AND s.ends_at > ? ORDER BY 1`, end, start)
	if err != nil {
		return nil, fmt.Errorf("store: busy volunteers: %w", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: busy volunteers: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
