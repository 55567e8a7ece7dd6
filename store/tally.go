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

// Job state names of the hour tally.
const (
	tallySince = "hour-tally.since" // changes at or after this are recomputed by the next run
	tallyFull  = "hour-tally.full"  // when the last full run started
)

// tallyMargin is how far before a run's start the next run looks for
// changed assignments: a transaction that stamped updated_at just before the
// run began may commit after the run read, and must not be missed.
const tallyMargin = 10 * time.Minute

type tallyKey struct {
	volunteer int64
	month     string
	centre    int64
}

// tallier aggregates credited assignments into tallies and rolling sums.
type tallier struct {
	cells       map[tallyKey]*konullu.HourTally
	rolling     map[int64]int // credited minutes within the award window, by volunteer
	windowStart time.Time
	locs        map[int64]*time.Location // by centre
}

func (t *tallier) add(volunteer, centre int64, start time.Time, minutes int) {
	loc := t.locs[centre]
	if loc == nil {
		loc = time.UTC
	}
	k := tallyKey{volunteer, start.In(loc).Format("2006-01"), centre}
	c := t.cells[k]
	if c == nil {
		c = &konullu.HourTally{VolunteerID: volunteer, Month: k.month, CentreID: centre}
		t.cells[k] = c
	}
	c.Minutes += minutes
	c.Assignments++
	if !start.Before(t.windowStart) {
		t.rolling[volunteer] += minutes
	}
}

// TallyHours recomputes the hour tallies (credited minutes per volunteer,
// month of the shift in the centre's time zone, and centre) of the
// volunteers whose assignments changed since the last run, or of everyone on
// a full run, from the assignments themselves: a tally is never adjusted,
// only recomputed, so it always equals a recomputation (invariant 5) and a
// repeated or concurrent run does no harm. Volunteers recomputed are then
// checked for awards.
func (d *DB) TallyHours(ctx context.Context, now time.Time, opts konullu.TallyOptions) (konullu.TallyResult, error) {
	if opts.Bands == nil {
		opts.Bands = konullu.DefaultAwardBands()
	}
	since, err := d.jobState(ctx, d.db, tallySince)
	if err != nil {
		return konullu.TallyResult{}, err
	}
	lastFull, err := d.jobState(ctx, d.db, tallyFull)
	if err != nil {
		return konullu.TallyResult{}, err
	}
	res := konullu.TallyResult{Full: opts.Full || since == "" || lastFull == ""}
	if !res.Full && opts.FullEvery > 0 {
		if t, err := time.Parse(time.RFC3339Nano, lastFull); err != nil || now.Sub(t) >= opts.FullEvery {
			res.Full = true
		}
	}
	t := &tallier{cells: map[tallyKey]*konullu.HourTally{}, rolling: map[int64]int{},
		windowStart: now.AddDate(0, -konullu.AwardWindow, 0), locs: map[int64]*time.Location{}}
	centres, err := d.Centres(ctx)
	if err != nil {
		return res, err
	}
	for _, c := range centres {
		if loc, err := time.LoadLocation(c.Timezone); err == nil {
			t.locs[c.ID] = loc
		}
	}
	const credited = `SELECT a.volunteer_id, s.centre_id, s.starts_at, a.credited_minutes FROM assignments a
		JOIN shifts s ON s.id = a.shift_id WHERE a.status = 'COMPLETED' AND a.credited_minutes > 0 AND s.kind = 'SERVICE'`
	var volunteers []int64
	if res.Full {
		if err := d.scanCredited(ctx, t, credited); err != nil {
			return res, err
		}
		if err := d.replaceAllTallies(ctx, t); err != nil {
			return res, err
		}
		seen := map[int64]bool{}
		for k := range t.cells {
			if !seen[k.volunteer] {
				seen[k.volunteer] = true
				volunteers = append(volunteers, k.volunteer)
			}
		}
	} else {
		from, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			return res, fmt.Errorf("store: hour tally watermark %q: %w", since, err)
		}
		// No DISTINCT: with it SQLite walks the volunteer index and looks
		// every assignment up; without, it reads the updated_at index range.
		rows, err := d.query(ctx, d.db, `SELECT volunteer_id FROM assignments WHERE updated_at >= ?`, from)
		if err != nil {
			return res, fmt.Errorf("store: changed volunteers: %w", err)
		}
		seen := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return res, fmt.Errorf("store: changed volunteers: %w", err)
			}
			if !seen[id] {
				seen[id] = true
				volunteers = append(volunteers, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, fmt.Errorf("store: changed volunteers: %w", err)
		}
		slices.Sort(volunteers)
		for rest := volunteers; len(rest) > 0; {
			n := min(len(rest), jobChunk)
			chunk := rest[:n]
			rest = rest[n:]
			in, args := inList(chunk)
			if err := d.scanCredited(ctx, t, credited+` AND a.volunteer_id IN (`+in+`)`, args...); err != nil {
				return res, err
			}
			if err := d.replaceTallies(ctx, t, chunk); err != nil {
				return res, err
			}
		}
	}
	res.Volunteers, res.Rows = len(volunteers), len(t.cells)
	if res.Awards, err = d.grantAwards(ctx, now, opts.Location, t, opts.Bands); err != nil {
		return res, err
	}
	if err := d.setJobState(ctx, d.db, tallySince, now.Add(-tallyMargin).UTC().Format(time.RFC3339Nano)); err != nil {
		return res, err
	}
	if res.Full {
		if err := d.setJobState(ctx, d.db, tallyFull, now.UTC().Format(time.RFC3339Nano)); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (d *DB) scanCredited(ctx context.Context, t *tallier, query string, args ...any) error {
	rows, err := d.query(ctx, d.db, query, args...)
	if err != nil {
		return fmt.Errorf("store: credited assignments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var vol, centre int64
		var start nullTime
		var minutes int
		if err := rows.Scan(&vol, &centre, &start, &minutes); err != nil {
			return fmt.Errorf("store: credited assignments: %w", err)
		}
		t.add(vol, centre, start.Time, minutes)
	}
	return rows.Err()
}

// tallyChunk bounds the rows of one multi-row INSERT (5 parameters each).
const tallyChunk = 1000

func (d *DB) insertTallies(ctx context.Context, tx *sql.Tx, cells []*konullu.HourTally) error {
	for len(cells) > 0 {
		n := min(len(cells), tallyChunk)
		var b strings.Builder
		b.WriteString(`INSERT INTO hour_tallies (volunteer_id, month, centre_id, minutes, assignments) VALUES `)
		args := make([]any, 0, 5*n)
		for i, c := range cells[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, c.VolunteerID, c.Month, c.CentreID, c.Minutes, c.Assignments)
		}
		cells = cells[n:]
		if _, err := d.exec(ctx, tx, b.String(), args...); err != nil {
			return fmt.Errorf("store: write tallies: %w", err)
		}
	}
	return nil
}

// replaceAllTallies swaps every tally for the recomputed ones in one transaction.
func (d *DB) replaceAllTallies(ctx context.Context, t *tallier) error {
	cells := make([]*konullu.HourTally, 0, len(t.cells))
	for _, c := range t.cells {
		cells = append(cells, c)
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.exec(ctx, tx, `DELETE FROM hour_tallies`); err != nil {
			return fmt.Errorf("store: clear tallies: %w", err)
		}
		return d.insertTallies(ctx, tx, cells)
	})
}

// replaceTallies swaps the tallies of some volunteers for the recomputed
// ones. On PostgreSQL it locks the volunteers' rows first, so that two runs
// recomputing the same volunteer take turns.
func (d *DB) replaceTallies(ctx context.Context, t *tallier, volunteers []int64) error {
	want := map[int64]bool{}
	for _, v := range volunteers {
		want[v] = true
	}
	var cells []*konullu.HourTally
	for k, c := range t.cells {
		if want[k.volunteer] {
			cells = append(cells, c)
		}
	}
	in, args := inList(volunteers)
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if d.dialect == Postgres {
			if _, err := d.exec(ctx, tx, `SELECT id FROM volunteers WHERE id IN (`+in+`) ORDER BY id FOR UPDATE`, args...); err != nil {
				return fmt.Errorf("store: lock volunteers: %w", err)
			}
		}
		if _, err := d.exec(ctx, tx, `DELETE FROM hour_tallies WHERE volunteer_id IN (`+in+`)`, args...); err != nil {
			return fmt.Errorf("store: clear tallies: %w", err)
		}
		return d.insertTallies(ctx, tx, cells)
	})
}

// grantAwards gives each volunteer whose rolling 12 months reach a threshold
// of their age band the award for it, unless they received it within the
// last 12 months. The award's key (volunteer, threshold, seq) makes two runs
// deciding at once collide, and its message is enqueued with it.
func (d *DB) grantAwards(ctx context.Context, now time.Time, loc *time.Location, t *tallier, bands konullu.AwardBands) (int, error) {
	lowest := 0
	for _, b := range bands {
		for _, th := range b.Thresholds {
			if lowest == 0 || th < lowest {
				lowest = th
			}
		}
	}
	var candidates []int64
	for v, m := range t.rolling {
		if lowest > 0 && m >= lowest*60 {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 0 {
		return 0, nil
	}
	slices.Sort(candidates)
	windowStart := now.AddDate(0, -konullu.AwardWindow, 0)
	granted := 0
	for len(candidates) > 0 {
		n := min(len(candidates), jobChunk)
		chunk := candidates[:n]
		candidates = candidates[n:]
		in, args := inList(chunk)
		births := map[int64]time.Time{}
		rows, err := d.query(ctx, d.db, `SELECT id, birth_date FROM volunteers WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return granted, fmt.Errorf("store: award ages: %w", err)
		}
		for rows.Next() {
			var id int64
			var birth nullTime
			if err := rows.Scan(&id, &birth); err != nil {
				rows.Close()
				return granted, fmt.Errorf("store: award ages: %w", err)
			}
			if birth.Valid {
				births[id] = birth.Time
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return granted, fmt.Errorf("store: award ages: %w", err)
		}
		err = d.inTx(ctx, func(tx *sql.Tx) error {
			type last struct {
				seq int
				at  time.Time
			}
			prev := map[[2]int64]last{}
			rows, err := d.query(ctx, tx, `SELECT volunteer_id, threshold_hours, seq, awarded_at FROM awards WHERE volunteer_id IN (`+in+`)`, args...)
			if err != nil {
				return fmt.Errorf("store: awards: %w", err)
			}
			for rows.Next() {
				var v, th int64
				var seq int
				var at nullTime
				if err := rows.Scan(&v, &th, &seq, &at); err != nil {
					rows.Close()
					return fmt.Errorf("store: awards: %w", err)
				}
				if p := prev[[2]int64{v, th}]; seq > p.seq {
					prev[[2]int64{v, th}] = last{seq, at.Time}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("store: awards: %w", err)
			}
			type grant struct {
				volunteer int64
				threshold int
				band      string
				minutes   int
			}
			var grants []grant
			var values []string
			var vals []any
			for _, v := range chunk {
				age, known := konullu.AgeAt(births[v], now, loc)
				if !known {
					continue // without a birth date there is no age band
				}
				band, ok := bands.For(age)
				if !ok {
					continue
				}
				minutes := t.rolling[v]
				for _, th := range band.Reached(minutes) {
					p := prev[[2]int64{v, int64(th)}]
					if p.seq > 0 && p.at.After(windowStart) {
						continue
					}
					grants = append(grants, grant{v, th, band.Name, minutes})
					values = append(values, "(?, ?, ?, ?, ?, ?)")
					vals = append(vals, v, th, p.seq+1, band.Name, minutes, now)
				}
			}
			if len(grants) == 0 {
				return nil
			}
			// One statement for the chunk; RETURNING names the awards this run
			// inserted (not those a concurrent run inserted first).
			rows, err = d.query(ctx, tx, `INSERT INTO awards (volunteer_id, threshold_hours, seq, band, minutes, awarded_at) VALUES `+
				strings.Join(values, ", ")+` ON CONFLICT DO NOTHING RETURNING volunteer_id, threshold_hours`, vals...)
			if err != nil {
				return fmt.Errorf("store: grant awards: %w", err)
			}
			inserted := map[[2]int64]bool{}
			for rows.Next() {
				var v, th int64
				if err := rows.Scan(&v, &th); err != nil {
					rows.Close()
					return fmt.Errorf("store: grant awards: %w", err)
				}
				inserted[[2]int64{v, th}] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("store: grant awards: %w", err)
			}
			var evs []event
			for _, g := range grants {
				if inserted[[2]int64{g.volunteer, int64(g.threshold)}] {
					evs = append(evs, event{kind: konullu.NotifyAward, volunteerID: g.volunteer, payload: map[string]any{
						"thresholdHours": g.threshold, "minutes": g.minutes, "band": g.band}})
				}
			}
			if err := d.enqueue(ctx, tx, now, evs...); err != nil {
				return err
			}
			granted += len(evs)
			return nil
		})
		if err != nil {
			return granted, err
		}
	}
	return granted, nil
}

// HourTallies returns the tallies of the given volunteers (all when nil) by
// volunteer, month and centre.
func (d *DB) HourTallies(ctx context.Context, volunteerIDs []int64) ([]konullu.HourTally, error) {
	query := `SELECT volunteer_id, month, centre_id, minutes, assignments FROM hour_tallies`
	var args []any
	if volunteerIDs != nil {
		var in string
		in, args = inList(uniqueIDs(volunteerIDs))
		query += ` WHERE volunteer_id IN (` + in + `)`
	}
	rows, err := d.query(ctx, d.db, query+` ORDER BY volunteer_id, month, centre_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: hour tallies: %w", err)
	}
	defer rows.Close()
	var out []konullu.HourTally
	for rows.Next() {
		var h konullu.HourTally
		if err := rows.Scan(&h.VolunteerID, &h.Month, &h.CentreID, &h.Minutes, &h.Assignments); err != nil {
			return nil, fmt.Errorf("store: hour tallies: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Awards returns a volunteer's awards, oldest first.
func (d *DB) Awards(ctx context.Context, volunteerID int64) ([]konullu.Award, error) {
	rows, err := d.query(ctx, d.db, `SELECT volunteer_id, threshold_hours, seq, band, minutes, awarded_at FROM awards
		WHERE volunteer_id = ? ORDER BY awarded_at, threshold_hours`, volunteerID)
	if err != nil {
		return nil, fmt.Errorf("store: awards: %w", err)
	}
	defer rows.Close()
	var out []konullu.Award
	for rows.Next() {
		var a konullu.Award
		var at nullTime
		if err := rows.Scan(&a.VolunteerID, &a.ThresholdHours, &a.Seq, &a.Band, &a.Minutes, &at); err != nil {
			return nil, fmt.Errorf("store: awards: %w", err)
		}
		a.AwardedAt = at.Time
		out = append(out, a)
	}
	return out, rows.Err()
}
