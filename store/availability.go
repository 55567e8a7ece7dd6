package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// activeStatuses are the assignment statuses that bind a volunteer's time
// (konullu.AssignmentStatus.Active), as an SQL list.
const activeStatuses = `('CONFIRMED', 'WAITLISTED', 'CHECKED_IN')`

// SetAvailability validates a volunteer's availability (exceptions must lie
// within the next 12 months of the volunteer's own calendar), replaces the
// stored one and returns it as stored: merged and sorted.
func (d *DB) SetAvailability(ctx context.Context, volunteerID int64, av konullu.Availability) (*konullu.Availability, error) {
	var out konullu.Availability
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var tz string
		err := d.queryRow(ctx, tx, `SELECT timezone FROM volunteers WHERE id = ?`+d.forUpdate(), volunteerID).Scan(&tz)
		if errors.Is(err, sql.ErrNoRows) {
			return konullu.NotFound("volunteer")
		}
		if err != nil {
			return fmt.Errorf("store: set availability: %w", err)
		}
		today := konullu.DateOf(d.now().In(konullu.VolunteerLocation(tz)))
		if out, err = konullu.NormalizeAvailability(av, today); err != nil {
			return err
		}
		return d.writeAvailability(ctx, tx, map[int64]konullu.Availability{volunteerID: out}, true)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// writeAvailability stores normalised availabilities, replacing what the
// volunteers had when replace is set.
func (d *DB) writeAvailability(ctx context.Context, tx *sql.Tx, avs map[int64]konullu.Availability, replace bool) error {
	ids := make([]int64, 0, len(avs))
	for id := range avs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if replace {
		in, args := inList(ids)
		if _, err := d.exec(ctx, tx, `DELETE FROM availability_windows WHERE volunteer_id IN (`+in+`)`, args...); err != nil {
			return fmt.Errorf("store: clear availability: %w", err)
		}
		if _, err := d.exec(ctx, tx, `DELETE FROM availability_exceptions WHERE volunteer_id IN (`+in+`)`, args...); err != nil {
			return fmt.Errorf("store: clear availability: %w", err)
		}
	}
	var windows, exceptions [][]any
	for _, id := range ids {
		av := avs[id]
		for _, w := range joinTouching(av.Weekly) {
			windows = append(windows, []any{id, w.weekday, w.start, w.end, w.breaks})
		}
		for i, x := range av.Exceptions {
			var s, e any
			if x.Start != "" {
				s, _ = konullu.ParseClock(x.Start)
				e, _ = konullu.ParseClock(x.End)
			}
			exceptions = append(exceptions, []any{id, i, dateArg(x.Date), x.Available, s, e})
		}
	}
	if err := d.insertRows(ctx, tx, `INSERT INTO availability_windows (volunteer_id, weekday, start_minute, end_minute, breaks) VALUES `, windows, ""); err != nil {
		return fmt.Errorf("store: insert availability: %w", err)
	}
	if err := d.insertRows(ctx, tx, `INSERT INTO availability_exceptions (volunteer_id, seq, day, available, start_minute, end_minute) VALUES `, exceptions, ""); err != nil {
		return fmt.Errorf("store: insert availability exceptions: %w", err)
	}
	return nil
}

// storedWindow is a row of availability_windows: windows that touch are
// stored as one row, merged, so that the SQL fallback of the index finds a
// shift inside one row; breaks lists the minutes where the volunteer's own
// windows met ("810" for 09:00–13:30 and 13:30–18:00), so that they read
// back as chosen.
type storedWindow struct {
	weekday, start, end int
	breaks              string
}

// joinTouching turns normalised windows (sorted, none overlapping) into rows.
func joinTouching(ws []konullu.AvailabilityWindow) []storedWindow {
	var out []storedWindow
	for _, w := range ws {
		s, _ := konullu.ParseClock(w.Start)
		e, _ := konullu.ParseClock(w.End)
		if n := len(out); n > 0 && out[n-1].weekday == w.Weekday && out[n-1].end == s {
			last := &out[n-1]
			if last.breaks != "" {
				last.breaks += ","
			}
			last.breaks += strconv.Itoa(s)
			last.end = e
			continue
		}
		out = append(out, storedWindow{weekday: w.Weekday, start: s, end: e})
	}
	return out
}

// splitAtBreaks reads a row back into the windows the volunteer chose.
func splitAtBreaks(weekday, start, end int, breaks string) []konullu.AvailabilityWindow {
	var out []konullu.AvailabilityWindow
	from := start
	for _, b := range strings.Split(breaks, ",") {
		m, err := strconv.Atoi(strings.TrimSpace(b))
		if err != nil || m <= from || m >= end {
			continue
		}
		out = append(out, konullu.AvailabilityWindow{Weekday: weekday, Start: konullu.FormatClock(from), End: konullu.FormatClock(m)})
		from = m
	}
	return append(out, konullu.AvailabilityWindow{Weekday: weekday, Start: konullu.FormatClock(from), End: konullu.FormatClock(end)})
}

// maxParams bounds the placeholders of one statement (SQLite allows 32766,
// PostgreSQL 65535).
const maxParams = 30000

// insertRows inserts rows with multi-row VALUES statements of bounded size.
func (d *DB) insertRows(ctx context.Context, q queryer, prefix string, rows [][]any, suffix string) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxParams/len(rows[0]))
	row := "(" + placeholders(len(rows[0])) + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, n*len(rows[0]))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, r...)
		}
		b.WriteString(suffix)
		if _, err := d.exec(ctx, q, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// AvailabilityOf returns the stored availability of each volunteer (an
// empty one for volunteers who never set it).
func (d *DB) AvailabilityOf(ctx context.Context, ids []int64) (map[int64]*konullu.Availability, error) {
	out := map[int64]*konullu.Availability{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	for _, id := range ids {
		out[id] = &konullu.Availability{Weekly: []konullu.AvailabilityWindow{}, Exceptions: []konullu.AvailabilityException{}}
	}
	in, args := inList(ids)
	err := d.readAvailability(ctx, `volunteer_id IN (`+in+`)`, args, time.Time{}, func(id int64) *konullu.Availability { return out[id] })
	return out, err
}

// readAvailability reads windows and exceptions (dated since, when set) of
// the volunteers selected by cond into the availabilities that get returns.
func (d *DB) readAvailability(ctx context.Context, cond string, args []any, since time.Time, get func(int64) *konullu.Availability) error {
	rows, err := d.query(ctx, d.db, `SELECT volunteer_id, weekday, start_minute, end_minute, breaks FROM availability_windows
		WHERE `+cond+` ORDER BY volunteer_id, weekday, start_minute`, args...)
	if err != nil {
		return fmt.Errorf("store: availability: %w", err)
	}
	for rows.Next() {
		var id int64
		var wd, s, e int
		var breaks string
		if err := rows.Scan(&id, &wd, &s, &e, &breaks); err != nil {
			rows.Close()
			return fmt.Errorf("store: availability: %w", err)
		}
		if av := get(id); av != nil {
			if breaks == "" {
				av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: wd, Start: konullu.FormatClock(s), End: konullu.FormatClock(e)})
			} else {
				av.Weekly = append(av.Weekly, splitAtBreaks(wd, s, e, breaks)...)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: availability: %w", err)
	}
	query := `SELECT volunteer_id, day, available, start_minute, end_minute FROM availability_exceptions WHERE ` + cond
	if !since.IsZero() {
		query += ` AND day >= ?`
		args = append(slices.Clip(args), dateArg(since))
	}
	rows, err = d.query(ctx, d.db, query+` ORDER BY volunteer_id, seq`, args...)
	if err != nil {
		return fmt.Errorf("store: availability exceptions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var day nullTime
		var available bool
		var s, e sql.NullInt64
		if err := rows.Scan(&id, &day, &available, &s, &e); err != nil {
			return fmt.Errorf("store: availability exceptions: %w", err)
		}
		x := konullu.AvailabilityException{Date: konullu.DateOf(day.Time), Available: available}
		if s.Valid && e.Valid {
			x.Start, x.End = konullu.FormatClock(int(s.Int64)), konullu.FormatClock(int(e.Int64))
		}
		if av := get(id); av != nil {
			av.Exceptions = append(av.Exceptions, x)
		}
	}
	return rows.Err()
}

// CountVolunteers returns the number of volunteers (the work of a full
// rebuild of the availability index).
func (d *DB) CountVolunteers(ctx context.Context) (int, error) {
	var n int
	if err := d.queryRow(ctx, d.db, `SELECT COUNT(*) FROM volunteers`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count volunteers: %w", err)
	}
	return n, nil
}

// VolunteersForIndex reads what the availability index keeps of volunteers:
// the given ones, or a page in id order. A page costs four statements
// whatever its size, so a rebuild over 100,000 volunteers reads them in a
// few dozen round trips.
func (d *DB) VolunteersForIndex(ctx context.Context, f konullu.IndexFilter) ([]*konullu.IndexedVolunteer, error) {
	var query string
	var args []any
	if f.IDs != nil {
		ids := uniqueIDs(f.IDs)
		if len(ids) == 0 {
			return nil, nil
		}
		var in string
		in, args = inList(ids)
		query = `SELECT id, timezone, status, skills FROM volunteers WHERE id IN (` + in + `) ORDER BY id`
	} else {
		limit := f.Limit
		if limit <= 0 {
			limit = 1000
		}
		query = `SELECT id, timezone, status, skills FROM volunteers WHERE id > ? ORDER BY id LIMIT ?`
		args = []any{f.AfterID, limit}
	}
	rows, err := d.query(ctx, d.db, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: volunteers for index: %w", err)
	}
	var out []*konullu.IndexedVolunteer
	byID := map[int64]*konullu.IndexedVolunteer{}
	for rows.Next() {
		v := &konullu.IndexedVolunteer{Availability: konullu.Availability{Weekly: []konullu.AvailabilityWindow{}, Exceptions: []konullu.AvailabilityException{}}}
		var status string
		var skills jsonList
		if err := rows.Scan(&v.ID, &v.Timezone, &status, &skills); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: volunteers for index: %w", err)
		}
		v.Status, v.Skills = konullu.VolunteerStatus(status), nonNil(skills)
		out = append(out, v)
		byID[v.ID] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: volunteers for index: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// The page's id range selects its rows through the primary keys; an
	// explicit id list is used as is.
	cond, condArgs := `volunteer_id > ? AND volunteer_id <= ?`, []any{f.AfterID, out[len(out)-1].ID}
	if f.IDs != nil {
		ids := make([]int64, len(out))
		for i, v := range out {
			ids[i] = v.ID
		}
		var in string
		in, condArgs = inList(ids)
		cond = `volunteer_id IN (` + in + `)`
	}
	get := func(id int64) *konullu.Availability {
		if v := byID[id]; v != nil {
			return &v.Availability
		}
		return nil
	}
	if err := d.readAvailability(ctx, cond, condArgs, f.Since, get); err != nil {
		return nil, err
	}
	busyQuery := `SELECT a.volunteer_id, s.id, s.starts_at, s.ends_at FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.` + cond + ` AND a.status IN ` + activeStatuses
	busyArgs := slices.Clone(condArgs)
	if !f.Since.IsZero() {
		busyQuery += ` AND s.ends_at > ?`
		busyArgs = append(busyArgs, f.Since)
	}
	rows, err = d.query(ctx, d.db, busyQuery+` ORDER BY a.volunteer_id, s.starts_at`, busyArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: busy shifts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var vid int64
		var b konullu.BusyShift
		var start, end nullTime
		if err := rows.Scan(&vid, &b.ShiftID, &start, &end); err != nil {
			return nil, fmt.Errorf("store: busy shifts: %w", err)
		}
		b.StartsAt, b.EndsAt = start.Time, end.Time
		if v := byID[vid]; v != nil {
			v.Busy = append(v.Busy, b)
		}
	}
	return out, rows.Err()
}

// FreeVolunteersSQL answers konullu.FreeQuery from the database alone: the
// availability index's fallback while it is being built, and its baseline.
//
// SQL keeps the ACTIVE volunteers whose merged weekly windows cover every
// local slot of the period in their time zone (one branch per zone, driven
// by the windows' weekday index) and who hold no overlapping active
// assignment; volunteers with an exception on one of the local dates are
// read with their availability and decided by konullu.FreeFor. Skills are
// compared in Go, case-insensitively like the signup rule. It costs three
// statements (five when exceptions fall on the dates) whatever the number
// of time zones.
func (d *DB) FreeVolunteersSQL(ctx context.Context, q konullu.FreeQuery) ([]int64, error) {
	if !q.Start.Before(q.End) {
		return []int64{}, nil
	}
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT timezone FROM volunteers WHERE status = 'ACTIVE'`)
	if err != nil {
		return nil, fmt.Errorf("store: free volunteers: %w", err)
	}
	var zones []string
	for rows.Next() {
		var tz string
		if err := rows.Scan(&tz); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: free volunteers: %w", err)
		}
		zones = append(zones, tz)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: free volunteers: %w", err)
	}
	notBusy := ` AND NOT EXISTS (SELECT 1 FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id = v.id AND a.status IN ` + activeStatuses + ` AND s.starts_at < ? AND s.ends_at > ?)`

	// One branch per time zone, driven by the windows (an index on weekday
	// and start): the volunteers without an exception on the period's local
	// dates, whose weekly windows decide (merged windows cover a range only
	// if one does) …
	var weekly, exceptions []string
	var weeklyArgs, exceptionArgs []any
	locs := map[string]*time.Location{}
	for _, tz := range zones {
		loc := konullu.VolunteerLocation(tz)
		locs[tz] = loc
		days := konullu.LocalSlots(loc, q.Start, q.End)
		dates := make([]any, len(days))
		for i, day := range days {
			dates[i] = dateArg(day.Date)
		}
		onDates := `SELECT e.volunteer_id FROM availability_exceptions e WHERE e.day IN (` + placeholders(len(dates)) + `)`
		branch := `SELECT v.id, v.skills, v.timezone FROM volunteers v WHERE v.status = 'ACTIVE' AND v.timezone = ?`
		weeklyArgs = append(weeklyArgs, tz)
		for _, day := range days {
			for _, r := range day.Ranges {
				branch += ` AND v.id IN (SELECT w.volunteer_id FROM availability_windows w WHERE w.weekday = ? AND w.start_minute <= ? AND w.end_minute >= ?)`
				weeklyArgs = append(weeklyArgs, day.Weekday, r.Start, r.End)
			}
		}
		weekly = append(weekly, branch+` AND v.id NOT IN (`+onDates+`)`+notBusy)
		weeklyArgs = append(append(weeklyArgs, dates...), q.End, q.Start)
		exceptions = append(exceptions, `SELECT v.id, v.skills, v.timezone FROM volunteers v WHERE v.status = 'ACTIVE' AND v.timezone = ?
			AND v.id IN (`+onDates+`)`+notBusy)
		exceptionArgs = append(append(append(exceptionArgs, tz), dates...), q.End, q.Start)
	}
	out := []int64{}
	if len(zones) == 0 {
		return out, nil
	}
	free, err := d.freeCandidates(ctx, strings.Join(weekly, " UNION ALL "), weeklyArgs, q.Skills)
	if err != nil {
		return nil, err
	}
	for _, c := range free {
		out = append(out, c.id)
	}

	// … and those with an exception on one of them, decided in Go.
	withExceptions, err := d.freeCandidates(ctx, strings.Join(exceptions, " UNION ALL "), exceptionArgs, q.Skills)
	if err != nil {
		return nil, err
	}
	if len(withExceptions) > 0 {
		ids := make([]int64, len(withExceptions))
		for i, c := range withExceptions {
			ids[i] = c.id
		}
		avs, err := d.AvailabilityOf(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range withExceptions {
			if konullu.FreeFor(*avs[c.id], locs[c.tz], q.Start, q.End) {
				out = append(out, c.id)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

type candidate struct {
	id int64
	tz string
}

// freeCandidates runs a query of (id, skills, timezone) and keeps the
// volunteers who hold every skill.
func (d *DB) freeCandidates(ctx context.Context, query string, args []any, skills []string) ([]candidate, error) {
	rows, err := d.query(ctx, d.db, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: free volunteers: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var have jsonList
		if err := rows.Scan(&c.id, &have, &c.tz); err != nil {
			return nil, fmt.Errorf("store: free volunteers: %w", err)
		}
		if len(konullu.MissingSkills(skills, have)) == 0 {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// RankVolunteers orders the candidates of a shift (see konullu.RankQuery)
// in one statement: the candidate ids travel as one array parameter
// (PostgreSQL) or one JSON text (SQLite), so thousands of them cost no more
// round trips than ten.
func (d *DB) RankVolunteers(ctx context.Context, q konullu.RankQuery) ([]konullu.VolunteerMatch, error) {
	out := []konullu.VolunteerMatch{}
	if len(q.Candidates) == 0 || q.Limit <= 0 {
		return out, nil
	}
	if d.dialect == Postgres {
		if page, ok, err := d.rankWithoutMinutes(ctx, q); err != nil || ok {
			return page, err
		}
	}
	var candidates string
	var idsArg []any
	if d.dialect == Postgres {
		// The candidates as a bitmap over their id range: each volunteer of
		// the range is one bit test, where "= ANY(ids)" probed the index
		// once per candidate (thousands for a common shift: most of the
		// time of availableVolunteers).
		lo, hi, bits := candidateBitmap(q.Candidates)
		candidates = `v.id BETWEEN ? AND ? AND CASE WHEN v.id BETWEEN ? AND ? THEN get_bit(?::bytea, (v.id - ?)::int) = 1 ELSE false END`
		idsArg = []any{lo, hi, lo, hi, bits, lo}
	} else {
		b, _ := json.Marshal(q.Candidates)
		candidates, idsArg = `v.id IN (SELECT value FROM json_each(?))`, []any{string(b)}
	}
	query := `SELECT v.id, COALESCE(m.minutes, 0) FROM volunteers v
		LEFT JOIN (SELECT a.volunteer_id, SUM(a.credited_minutes) AS minutes FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.status = 'COMPLETED' AND s.kind = 'SERVICE' AND s.starts_at >= ? AND s.starts_at < ? GROUP BY a.volunteer_id) m ON m.volunteer_id = v.id
		WHERE ` + candidates
	args := append([]any{q.MonthFrom, q.MonthTo}, idsArg...)
	if !q.BornOnOrBefore.IsZero() {
		query += ` AND v.birth_date <= ?` // NULL (unknown age) meets no minimum age
		args = append(args, dateArg(q.BornOnOrBefore))
	}
	query += ` ORDER BY 2, CASE WHEN lower(v.city) = lower(?) THEN 0 ELSE 1 END, v.id LIMIT ?`
	args = append(args, strings.TrimSpace(q.City), q.Limit)
	rows, err := d.query(ctx, d.db, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: rank volunteers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m konullu.VolunteerMatch
		if err := rows.Scan(&m.VolunteerID, &m.MinutesThisMonth); err != nil {
			return nil, fmt.Errorf("store: rank volunteers: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SeedVolunteer is one volunteer created by SeedVolunteers.
type SeedVolunteer struct {
	Account      konullu.NewAccount
	Timezone     string // DefaultTimezone when empty
	Availability konullu.Availability
}

// SeedVolunteers creates many volunteers with their accounts and
// availability in few statements: the bulk path of the benchmark and of demo
// data, where one transaction per account would take minutes. Emails must
// be new and normalised; availabilities are validated against the store's
// clock. It returns the volunteers' ids in the order given.
func (d *DB) SeedVolunteers(ctx context.Context, in []SeedVolunteer) ([]int64, error) {
	ids := make([]int64, 0, len(in))
	now := d.now()
	const batch = 1000
	for start := 0; start < len(in); start += batch {
		part := in[start:min(start+batch, len(in))]
		avs := make([]konullu.Availability, len(part))
		for i, s := range part {
			today := konullu.DateOf(now.In(konullu.VolunteerLocation(s.Timezone)))
			av, err := konullu.NormalizeAvailability(s.Availability, today)
			if err != nil {
				return nil, fmt.Errorf("store: seed volunteer %s: %w", s.Account.Email, err)
			}
			avs[i] = av
		}
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			users := make([][]any, len(part))
			for i, s := range part {
				users[i] = []any{s.Account.Email, s.Account.PasswordHash, now}
			}
			userIDs, err := d.insertReturning(ctx, tx, `INSERT INTO users (email, password_hash, created_at) VALUES `, users)
			if err != nil {
				return fmt.Errorf("store: seed users: %w", err)
			}
			roles := make([][]any, len(part))
			vols := make([][]any, len(part))
			for i, s := range part {
				a := s.Account
				status, tz := a.Status, s.Timezone
				if status == "" {
					status = konullu.VolunteerActive
				}
				if tz == "" {
					tz = konullu.DefaultTimezone
				}
				roles[i] = []any{userIDs[i], string(konullu.RoleVolunteer)}
				vols[i] = []any{userIDs[i], a.FullName, a.Phone, a.City, dateArg(a.BirthDate), listJSON(a.Skills), listJSON(a.Languages), tz, string(status), now}
			}
			if err := d.insertRows(ctx, tx, `INSERT INTO user_roles (user_id, role) VALUES `, roles, ""); err != nil {
				return fmt.Errorf("store: seed roles: %w", err)
			}
			volIDs, err := d.insertReturning(ctx, tx, `INSERT INTO volunteers (user_id, full_name, phone, city, birth_date, skills, languages, timezone, status, created_at) VALUES `, vols)
			if err != nil {
				return fmt.Errorf("store: seed volunteers: %w", err)
			}
			m := make(map[int64]konullu.Availability, len(part))
			for i := range part {
				m[volIDs[i]] = avs[i]
			}
			if err := d.writeAvailability(ctx, tx, m, false); err != nil {
				return err
			}
			ids = append(ids, volIDs...)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertReturning inserts rows whose first column is unique and returns the
// new ids in the order of the rows: RETURNING gives no order guarantee for a
// multi-row insert, so each id is matched to its row by that column.
func (d *DB) insertReturning(ctx context.Context, tx *sql.Tx, prefix string, rows [][]any) ([]int64, error) {
	ids := make([]int64, len(rows))
	cols := strings.TrimSpace(prefix[strings.Index(prefix, "(")+1 : strings.Index(prefix, ")")])
	first := strings.TrimSpace(strings.Split(cols, ",")[0])
	per := max(1, maxParams/len(rows[0]))
	row := "(" + placeholders(len(rows[0])) + ")"
	for done := 0; done < len(rows); done += per {
		part := rows[done:min(done+per, len(rows))]
		pos := make(map[string]int, len(part))
		var b strings.Builder
		b.WriteString(prefix)
		var args []any
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, r...)
			pos[fmt.Sprint(r[0])] = done + i
		}
		b.WriteString(" RETURNING id, " + first)
		res, err := d.query(ctx, tx, b.String(), args...)
		if err != nil {
			return nil, err
		}
		for res.Next() {
			var id int64
			var key any
			if err := res.Scan(&id, &key); err != nil {
				res.Close()
				return nil, err
			}
			k := fmt.Sprint(key)
			if bs, ok := key.([]byte); ok {
				k = string(bs)
			}
			i, ok := pos[k]
			if !ok {
				res.Close()
				return nil, fmt.Errorf("returned key %q matches no row", k)
			}
			ids[i] = id
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// ShiftBusy returns a shift's period and the volunteers its active
// assignments bind, in one statement (the index asks after every signup);
// nil when there is no such shift.
func (d *DB) ShiftBusy(ctx context.Context, id int64) (*konullu.ShiftBusy, error) {
	rows, err := d.query(ctx, d.db, `SELECT s.starts_at, s.ends_at, a.volunteer_id FROM shifts s
		LEFT JOIN assignments a ON a.shift_id = s.id AND a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN')
		WHERE s.id = ? ORDER BY a.volunteer_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: shift busy: %w", err)
	}
	defer rows.Close()
	var b *konullu.ShiftBusy
	for rows.Next() {
		var start, end nullTime
		var vol sql.NullInt64
		if err := rows.Scan(&start, &end, &vol); err != nil {
			return nil, fmt.Errorf("store: shift busy: %w", err)
		}
		if b == nil {
			b = &konullu.ShiftBusy{ID: id, StartsAt: start.Time, EndsAt: end.Time, Volunteers: []int64{}}
		}
		if vol.Valid {
			b.Volunteers = append(b.Volunteers, vol.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: shift busy: %w", err)
	}
	return b, nil
}

// rankWithoutMinutes finds the first page of the ranking among the
// candidates with no minutes this month, who come first (most volunteers,
// most of the time): those of the centre's city by id, then the others by
// id, walking the volunteers in that order (the index on lower(city), id,
// and the primary key) only until the page is full, with the candidates as
// a bitmap and each volunteer's minutes looked up as it is walked. The whole
// ranking would read and sort every candidate (thousands for a common
// shift). ok is false when fewer such candidates than the page exist: the
// caller then ranks them all.
func (d *DB) rankWithoutMinutes(ctx context.Context, q konullu.RankQuery) ([]konullu.VolunteerMatch, bool, error) {
	lo, hi, bits := candidateBitmap(q.Candidates)
	city := strings.TrimSpace(q.City)
	cond := `v.id BETWEEN ? AND ? AND CASE WHEN v.id BETWEEN ? AND ? THEN get_bit(?::bytea, (v.id - ?)::int) = 1 ELSE false END
		AND NOT EXISTS (SELECT 1 FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.volunteer_id = v.id AND a.status = 'COMPLETED' AND a.credited_minutes > 0 AND s.kind = 'SERVICE' AND s.starts_at >= ? AND s.starts_at < ?)`
	args := []any{lo, hi, lo, hi, bits, lo, q.MonthFrom, q.MonthTo}
	if !q.BornOnOrBefore.IsZero() {
		cond += ` AND v.birth_date <= ?`
		args = append(args, dateArg(q.BornOnOrBefore))
	}
	out := make([]konullu.VolunteerMatch, 0, q.Limit)
	for _, part := range []string{`lower(v.city) = lower(?)`, `(v.city IS NULL OR lower(v.city) <> lower(?))`} {
		rows, err := d.query(ctx, d.db, `SELECT v.id FROM volunteers v WHERE `+part+` AND `+cond+` ORDER BY v.id LIMIT ?`,
			append(append([]any{city}, args...), q.Limit-len(out))...)
		if err != nil {
			return nil, false, fmt.Errorf("store: rank volunteers: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, false, fmt.Errorf("store: rank volunteers: %w", err)
			}
			out = append(out, konullu.VolunteerMatch{VolunteerID: id})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("store: rank volunteers: %w", err)
		}
		if len(out) == q.Limit {
			return out, true, nil
		}
	}
	return nil, false, nil
}

// candidateBitmap packs ids into a bitmap for PostgreSQL's get_bit: bit
// (id - lo) is set, counting from the least significant bit of each byte.
func candidateBitmap(ids []int64) (lo, hi int64, bits []byte) {
	lo, hi = ids[0], ids[0]
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	bits = make([]byte, (hi-lo)/8+1)
	for _, id := range ids {
		n := id - lo
		bits[n/8] |= 1 << (n % 8)
	}
	return lo, hi, bits
}
