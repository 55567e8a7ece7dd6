package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/sync/errgroup"

	"github.com/konullu/konullu"
)

var _ konullu.ReportStore = (*DB)(nil)

// counted are the statuses of assignments that held a place: what reports count.
const counted = `('CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW')`

// statusCodes decode the numbers the report's query gives the counted statuses.
var statusCodes = [5]konullu.AssignmentStatus{"", konullu.AssignmentCompleted, konullu.AssignmentNoShow,
	konullu.AssignmentCheckedIn, konullu.AssignmentConfirmed}

// shiftStatusCodes decode the numbers the report's query gives the statuses of shifts.
var shiftStatusCodes = [3]konullu.ShiftStatus{konullu.ShiftDraft, konullu.ShiftPublished, konullu.ShiftCancelled}

// scanFunc reads the current row into dest.
type scanFunc func(dest ...any) error

// stream runs a read-only query and calls fn for each row as it arrives, so
// that memory does not grow with the number of rows. On PostgreSQL it
// talks to pgx directly: database/sql's per-row conversions cost more than
// the query itself on reports of a million rows.
func (d *DB) stream(ctx context.Context, query string, args []any, fn func(scan scanFunc) error) error {
	d.queries.Add(1)
	if d.dialect != Postgres {
		rows, err := d.db.QueryContext(ctx, d.rebind(query), d.args(args)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		rows, err := pc.Query(ctx, d.rebind(query), d.args(args)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		scan := intScan(rows)
		for rows.Next() {
			if err := fn(scan); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// intScan returns a scan of the current row of rows that decodes integer
// columns in binary format into *int64 and *int destinations itself, and
// leaves every other row to rows.Scan: pgx's generic scan is most of the
// Go side's cost on reports of a million rows of integers.
func intScan(rows pgx.Rows) scanFunc {
	fds := rows.FieldDescriptions()
	return func(dest ...any) error {
		vals := rows.RawValues()
		if len(vals) != len(dest) || len(fds) != len(dest) {
			return rows.Scan(dest...)
		}
		for i, d := range dest {
			v := vals[i]
			if fds[i].Format != pgx.BinaryFormatCode || v == nil {
				return rows.Scan(dest...)
			}
			var n int64
			switch {
			case fds[i].DataTypeOID == pgtype.Int8OID && len(v) == 8:
				n = int64(binary.BigEndian.Uint64(v))
			case fds[i].DataTypeOID == pgtype.Int4OID && len(v) == 4:
				n = int64(int32(binary.BigEndian.Uint32(v)))
			default:
				return rows.Scan(dest...)
			}
			switch d := d.(type) {
			case *int64:
				*d = n
			case *int:
				*d = int(n)
			default:
				return rows.Scan(dest...)
			}
		}
		return nil
	}
}

// timeDest is a scan destination for a timestamp or date of either dialect.
type timeDest = nullTime

// centreFilter returns " AND s.centre_id IN (…)" and its arguments for a
// query limited to some centres ("" for all).
func centreFilter(ids []int64) (string, []any) {
	if ids == nil {
		return "", nil
	}
	in, args := inList(ids)
	return ` AND s.centre_id IN (` + in + `)`, args
}

// ParticipationReport computes the report of a period from the assignments
// themselves, so it always agrees with them. The shifts of the period and
// the volunteers' birth dates are read first; the assignments are then read
// in two halves of the period (or, see denseShiftIDs, of the shift ids) at
// once (on PostgreSQL, one core each), each into its own
// konullu.ReportBuilder, and merged.
func (d *DB) ParticipationReport(ctx context.Context, q konullu.ReportQuery) (*konullu.ParticipationReport, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	start, end := q.Bounds()
	filter, fargs := centreFilter(q.CentreIDs)
	var (
		centres    []*konullu.Centre
		positions  []*konullu.Position
		volunteers []konullu.VolunteerBirth
		shifts     []konullu.ShiftFact
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		if centres, err = d.Centres(gctx); err != nil {
			return err
		}
		positions, err = d.Positions(gctx)
		return err
	})
	g.Go(func() error {
		// Only volunteers with an assignment in the period when it is short
		// or limited to some centres: a month of one centre must not read
		// every volunteer, and a year of all reads nearly all anyway.
		query := `SELECT id, birth_date FROM volunteers`
		args := []any{}
		if end.Sub(start) < 62*24*time.Hour || q.CentreIDs != nil {
			query += ` WHERE id IN (SELECT a.volunteer_id FROM shifts s JOIN assignments a ON a.shift_id = s.id
				WHERE s.starts_at >= ? AND s.starts_at < ?` + filter + `)`
			args = append(args, start, end)
			args = append(args, fargs...)
		}
		return d.stream(gctx, query, args, func(scan scanFunc) error {
			var v konullu.VolunteerBirth
			var birth timeDest
			if err := scan(&v.ID, &birth); err != nil {
				return err
			}
			v.Birth = birth.Time
			volunteers = append(volunteers, v)
			return nil
		})
	})
	g.Go(func() error {
		if d.dialect == Postgres {
			// Numbers only, which intScan decodes without allocating: the
			// start in microseconds since 1970 and the status as a code.
			var f konullu.ShiftFact
			var micros int64
			var status int
			dest := []any{&f.ID, &f.CentreID, &f.PositionID, &micros, &f.Capacity, &status}
			return d.stream(gctx, `SELECT s.id, s.centre_id, s.position_id,
					(extract(epoch FROM s.starts_at) * 1000000)::bigint, s.capacity,
					CASE s.status WHEN 'DRAFT' THEN 0 WHEN 'PUBLISHED' THEN 1 ELSE 2 END FROM shifts s
				WHERE s.starts_at >= ? AND s.starts_at < ?`+filter, append([]any{start, end}, fargs...), func(scan scanFunc) error {
				if err := scan(dest...); err != nil {
					return err
				}
				f.StartsAt, f.Status = time.UnixMicro(micros).UTC(), shiftStatusCodes[status]
				shifts = append(shifts, f)
				return nil
			})
		}
		return d.stream(gctx, `SELECT s.id, s.centre_id, s.position_id, s.starts_at, s.capacity, s.status FROM shifts s
			WHERE s.starts_at >= ? AND s.starts_at < ?`+filter, append([]any{start, end}, fargs...), func(scan scanFunc) error {
			var f konullu.ShiftFact
			var at timeDest
			var status string
			if err := scan(&f.ID, &f.CentreID, &f.PositionID, &at, &f.Capacity, &status); err != nil {
				return err
			}
			f.StartsAt, f.Status = at.Time, konullu.ShiftStatus(status)
			shifts = append(shifts, f)
			return nil
		})
	})
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("store: participation report: %w", err)
	}
	b := konullu.NewReportBuilder(q, centres, positions, shifts, volunteers)
	parts := []*konullu.ReportBuilder{b.Fork(), b.Fork()}
	mid := start.Add(end.Sub(start) / 2).Truncate(time.Second)
	bounds := [][2]any{{start, mid}, {mid, end}}
	query, qargs := d.reportAssignmentsQuery(filter), fargs
	if lo, hi, ok := d.denseShiftIDs(ctx, q, shifts); ok {
		// The shifts of the period hold nearly every id of their range:
		// read the assignments by shift id alone, without the join.
		mid := lo + (hi-lo+1)/2
		bounds = [][2]any{{lo, mid}, {mid, hi + 1}}
		query, qargs = reportAssignmentsByIDQuery, nil
	}
	g, gctx = errgroup.WithContext(ctx)
	for i, part := range parts {
		g.Go(func() error {
			// The status comes as a number and the row into variables made
			// once: a million rows must not mean millions of allocations.
			var vol, shift int64
			var status, minutes int
			dest := []any{&vol, &shift, &status, &minutes}
			return d.stream(gctx, query,
				append([]any{bounds[i][0], bounds[i][1]}, qargs...), func(scan scanFunc) error {
					if err := scan(dest...); err != nil {
						return err
					}
					part.AddAssignment(vol, shift, statusCodes[status], minutes)
					return nil
				})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("store: participation report: %w", err)
	}
	for _, p := range parts {
		b.Merge(p)
	}
	return b.Report(), nil
}

// reportAssignmentsByIDQuery reads the counted assignments of the shifts
// whose ids are in [?, ?), through the covering index assignments_report
// alone. Assignments of shifts outside the report's period or scope are
// ignored by the builder.
const reportAssignmentsByIDQuery = `SELECT a.volunteer_id, a.shift_id,
		CASE a.status WHEN 'COMPLETED' THEN 1 WHEN 'NO_SHOW' THEN 2 WHEN 'CHECKED_IN' THEN 3 ELSE 4 END, a.credited_minutes
	FROM assignments a WHERE a.shift_id >= ? AND a.shift_id < ? AND a.status IN ` + counted

// denseShiftIDs returns the range of the ids of the shifts of a report and
// whether, on PostgreSQL, they make up nearly all the shifts of that range
// (as for a long report of every centre: ids come from a sequence), so that
// reading the assignments by shift id wastes little. Short or limited
// reports are not worth the extra query.
func (d *DB) denseShiftIDs(ctx context.Context, q konullu.ReportQuery, shifts []konullu.ShiftFact) (lo, hi int64, ok bool) {
	start, end := q.Bounds()
	if d.dialect != Postgres || len(shifts) == 0 || q.CentreIDs != nil || end.Sub(start) < 62*24*time.Hour {
		return 0, 0, false
	}
	lo, hi = shifts[0].ID, shifts[0].ID
	for _, s := range shifts {
		lo, hi = min(lo, s.ID), max(hi, s.ID)
	}
	var n int64
	d.queries.Add(1)
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM shifts WHERE id >= $1 AND id <= $2`, lo, hi).Scan(&n); err != nil {
		return 0, 0, false
	}
	return lo, hi, n <= int64(len(shifts))+int64(len(shifts))/8
}

// reportAssignmentsQuery reads the counted assignments of the shifts that
// start in [?, ?). On PostgreSQL the assignments of each shift are read
// through the covering index assignments_report (OFFSET 0 keeps the
// planner from turning the lateral join into a hash join, which would scan
// the whole table for every half of the period).
func (d *DB) reportAssignmentsQuery(filter string) string {
	const status = `CASE a.status WHEN 'COMPLETED' THEN 1 WHEN 'NO_SHOW' THEN 2 WHEN 'CHECKED_IN' THEN 3 ELSE 4 END`
	if d.dialect == Postgres {
		return `SELECT a.volunteer_id, s.id, a.st, a.credited_minutes FROM shifts s CROSS JOIN LATERAL (
				SELECT a.volunteer_id, ` + status + ` AS st, a.credited_minutes FROM assignments a
				WHERE a.shift_id = s.id AND a.status IN ` + counted + ` OFFSET 0) a
			WHERE s.starts_at >= ? AND s.starts_at < ? AND s.kind = 'SERVICE'` + filter
	}
	return `SELECT a.volunteer_id, a.shift_id, ` + status + `, a.credited_minutes
		FROM shifts s JOIN assignments a ON a.shift_id = s.id
		WHERE s.starts_at >= ? AND s.starts_at < ? AND s.kind = 'SERVICE' AND a.status IN ` + counted + filter
}

// Retention computes the retention table: which volunteers were active in
// each month of the window. It reads the hour tallies where they are known
// to be exact, and the assignments where they must:
//
//   - the tallies count months in each centre's time zone, so they are used
//     only when every centre in scope keeps the report's zone;
//   - a volunteer's tallies are exact once the hour-tally job ran after
//     their last change: volunteers with an assignment changed since the
//     job's watermark are read from the assignments instead.
//
// Either way the table equals a recount of the assignments.
func (d *DB) Retention(ctx context.Context, q konullu.RetentionQuery) ([]konullu.RetentionRow, error) {
	if q.Months < 1 || q.Months > konullu.MaxRetentionMonths {
		return nil, konullu.Invalid("months", "give between 1 and %d months", konullu.MaxRetentionMonths)
	}
	if q.To.IsZero() {
		return nil, konullu.Invalid("to", "an end date is required")
	}
	loc := q.Location
	if loc == nil {
		loc = time.UTC
	}
	first, start, end := q.Window()
	monthIdx := map[string]int{}
	for i := 0; i < q.Months; i++ {
		monthIdx[first.AddDate(0, i, 0).Format("2006-01")] = i
	}
	activity := map[int64]uint32{}
	filter, fargs := centreFilter(q.CentreIDs)

	useTallies, watermark, err := d.talliesUsable(ctx, loc, q.CentreIDs)
	if err != nil {
		return nil, err
	}
	raw := `SELECT a.volunteer_id, s.starts_at FROM shifts s JOIN assignments a ON a.shift_id = s.id
		WHERE s.starts_at >= ? AND s.starts_at < ? AND a.status = 'COMPLETED' AND a.credited_minutes > 0 AND s.kind = 'SERVICE'` + filter
	rawArgs := append([]any{start, end}, fargs...)
	if useTallies {
		dirty := `SELECT DISTINCT volunteer_id FROM assignments WHERE updated_at >= ?`
		tfilter := strings.ReplaceAll(filter, "s.centre_id", "t.centre_id")
		err := d.stream(ctx, `SELECT t.volunteer_id, t.month FROM hour_tallies t
			WHERE t.month >= ? AND t.month <= ? AND t.minutes > 0`+tfilter+` AND t.volunteer_id NOT IN (`+dirty+`)`,
			append(append([]any{first.Format("2006-01"), first.AddDate(0, q.Months-1, 0).Format("2006-01")}, fargs...), watermark),
			func(scan scanFunc) error {
				var v int64
				var month string
				if err := scan(&v, &month); err != nil {
					return err
				}
				if i, ok := monthIdx[month]; ok {
					activity[v] |= 1 << i
				}
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("store: retention from tallies: %w", err)
		}
		raw += ` AND a.volunteer_id IN (` + dirty + `)`
		rawArgs = append(rawArgs, watermark)
	}
	err = d.stream(ctx, raw, rawArgs, func(scan scanFunc) error {
		var v int64
		var at timeDest
		if err := scan(&v, &at); err != nil {
			return err
		}
		if i, ok := monthIdx[at.Time.In(loc).Format("2006-01")]; ok {
			activity[v] |= 1 << i
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: retention: %w", err)
	}
	return konullu.Retention(first, q.Months, activity), nil
}

// talliesUsable says whether the hour tallies can stand in for the
// assignments of the centres in scope, and the watermark after which
// changes are not in them yet.
func (d *DB) talliesUsable(ctx context.Context, loc *time.Location, centreIDs []int64) (bool, time.Time, error) {
	since, err := d.jobState(ctx, d.db, tallySince)
	if err != nil || since == "" {
		return false, time.Time{}, err
	}
	w, err := time.Parse(time.RFC3339Nano, since)
	if err != nil {
		return false, time.Time{}, nil
	}
	centres, err := d.Centres(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	for _, c := range centres {
		if centreIDs != nil && !containsID(centreIDs, c.ID) {
			continue
		}
		if c.Timezone != loc.String() {
			return false, time.Time{}, nil
		}
	}
	return true, w, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// ExportParticipation calls fn for every assignment of the period (any
// status), ordered by the shift's start, as the rows arrive.
func (d *DB) ExportParticipation(ctx context.Context, q konullu.ReportQuery, fn func(*konullu.ParticipationRecord) error) error {
	if err := q.Validate(); err != nil {
		return err
	}
	start, end := q.Bounds()
	filter, fargs := centreFilter(q.CentreIDs)
	var r konullu.ParticipationRecord // reused: fn must not keep it
	err := d.stream(ctx, `SELECT a.id, s.starts_at, s.ends_at, c.name, c.timezone, p.name, v.id, v.full_name, v.birth_date,
			a.status, a.credited_minutes, COALESCE(a.presence, ''), s.kind
		FROM shifts s JOIN assignments a ON a.shift_id = s.id JOIN volunteers v ON v.id = a.volunteer_id
		JOIN centres c ON c.id = s.centre_id JOIN positions p ON p.id = s.position_id
		WHERE s.starts_at >= ? AND s.starts_at < ?`+filter+` ORDER BY s.starts_at, s.id, a.id`,
		append([]any{start, end}, fargs...), func(scan scanFunc) error {
			var startsAt, endsAt, birth timeDest
			var status, presence, kind string
			if err := scan(&r.AssignmentID, &startsAt, &endsAt, &r.CentreName, &r.CentreTimezone, &r.PositionName,
				&r.VolunteerID, &r.VolunteerName, &birth, &status, &r.CreditedMinutes, &presence, &kind); err != nil {
				return err
			}
			r.Kind = konullu.ShiftKind(kind)
			r.Presence = konullu.PresenceProof(presence)
			r.StartsAt, r.EndsAt, r.BirthDate, r.Status = startsAt.Time, endsAt.Time, birth.Time, konullu.AssignmentStatus(status)
			return fn(&r)
		})
	if err != nil && konullu.ErrorCode(err) == konullu.EINTERNAL {
		return fmt.Errorf("store: export participation: %w", err)
	}
	return err
}

const volunteerHoursSelect = `SELECT v.id, v.full_name, v.birth_date,
		COALESCE(SUM(CASE WHEN a.status = 'COMPLETED' THEN a.credited_minutes ELSE 0 END), 0),
		COUNT(a.id),
		COUNT(CASE WHEN a.status IN ('COMPLETED', 'CHECKED_IN') THEN 1 END),
		COUNT(CASE WHEN a.status = 'NO_SHOW' THEN 1 END),
		COUNT(DISTINCT CASE WHEN a.status = 'COMPLETED' AND a.credited_minutes > 0 THEN s.centre_id END),
		MIN(CASE WHEN a.status = 'COMPLETED' AND a.credited_minutes > 0 THEN s.starts_at END),
		MAX(CASE WHEN a.status = 'COMPLETED' AND a.credited_minutes > 0 THEN s.starts_at END),
		COUNT(CASE WHEN a.status IN ('COMPLETED', 'CHECKED_IN') AND a.presence IN ('KIOSK', 'COORDINATOR') THEN 1 END),
		(SELECT COALESCE(SUM(t.credited_minutes), 0) FROM assignments t JOIN shifts ts ON ts.id = t.shift_id
			WHERE t.volunteer_id = v.id AND t.status = 'COMPLETED' AND ts.kind = 'TRAINING' AND ts.starts_at >= ? AND ts.starts_at < ?)
	FROM shifts s JOIN assignments a ON a.shift_id = s.id JOIN volunteers v ON v.id = a.volunteer_id
	WHERE s.starts_at >= ? AND s.starts_at < ? AND s.kind = 'SERVICE' AND a.status IN ` + counted

func scanVolunteerHours(scan scanFunc, h *konullu.VolunteerHours) error {
	var birth, first, last timeDest
	if err := scan(&h.VolunteerID, &h.FullName, &birth, &h.Minutes, &h.Assignments, &h.Attended, &h.NoShows,
		&h.Centres, &first, &last, &h.Proven, &h.TrainingMinutes); err != nil {
		return err
	}
	h.BirthDate, h.FirstActivity, h.LastActivity = birth.Time, first.Time, last.Time
	return nil
}

// ExportVolunteerHours calls fn for every volunteer with a counted
// assignment in the period, ordered by name, as the rows arrive.
func (d *DB) ExportVolunteerHours(ctx context.Context, q konullu.ReportQuery, fn func(*konullu.VolunteerHours) error) error {
	if err := q.Validate(); err != nil {
		return err
	}
	start, end := q.Bounds()
	filter, fargs := centreFilter(q.CentreIDs)
	var h konullu.VolunteerHours // reused: fn must not keep it
	err := d.stream(ctx, volunteerHoursSelect+filter+` GROUP BY v.id, v.full_name, v.birth_date ORDER BY v.full_name, v.id`,
		append([]any{start, end, start, end}, fargs...), func(scan scanFunc) error {
			if err := scanVolunteerHours(scan, &h); err != nil {
				return err
			}
			return fn(&h)
		})
	if err != nil && konullu.ErrorCode(err) == konullu.EINTERNAL {
		return fmt.Errorf("store: export volunteer hours: %w", err)
	}
	return err
}

// HoursOf returns one volunteer's participation in the period.
func (d *DB) HoursOf(ctx context.Context, volunteerID int64, q konullu.ReportQuery) (*konullu.VolunteerHours, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	start, end := q.Bounds()
	filter, fargs := centreFilter(q.CentreIDs)
	var h *konullu.VolunteerHours
	err := d.stream(ctx, volunteerHoursSelect+` AND a.volunteer_id = ?`+filter+` GROUP BY v.id, v.full_name, v.birth_date`,
		append([]any{start, end, start, end, volunteerID}, fargs...), func(scan scanFunc) error {
			h = &konullu.VolunteerHours{}
			return scanVolunteerHours(scan, h)
		})
	if err != nil {
		return nil, fmt.Errorf("store: hours of volunteer: %w", err)
	}
	if h == nil {
		v, err := d.volunteer(ctx, d.db, volunteerID)
		if err != nil {
			return nil, err
		}
		h = &konullu.VolunteerHours{VolunteerID: v.ID, FullName: v.FullName, BirthDate: v.BirthDate}
	}
	return h, nil
}

// Verification codes: 10 random characters of Crockford-like base32 (50
// bits), shown as XXXXX-XXXXX; easy to read aloud and to type.
var codeEncoding = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

func newCertificateCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	s := codeEncoding.EncodeToString(b)[:10]
	return s[:5] + "-" + s[5:]
}

// NormalizeCertificateCode turns a typed code into its stored form: upper
// case, with the dash, O and I read as 0 and 1; "" when it cannot be a code.
func NormalizeCertificateCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(s)
	if len(s) != 10 {
		return ""
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", c) {
			return ""
		}
	}
	return s[:5] + "-" + s[5:]
}

// CreateCertificate records a certificate with a fresh verification code.
func (d *DB) CreateCertificate(ctx context.Context, c *konullu.Certificate) error {
	c.IssuedAt = d.now().UTC().Truncate(time.Microsecond)
	var centre any
	if c.CentreID != 0 {
		centre = c.CentreID
	}
	var by any
	if c.IssuedBy != 0 {
		by = c.IssuedBy
	}
	for attempt := 0; ; attempt++ {
		c.Code = newCertificateCode()
		err := d.queryRow(ctx, d.db, `INSERT INTO certificates (code, volunteer_id, centre_id, centre_name, period_from, period_to,
				full_name, minutes, assignments, proven, award_hours, language, issued_at, issued_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Code, c.VolunteerID, centre, c.CentreName, dateArg(c.From), dateArg(c.To), c.FullName, c.Minutes, c.Assignments,
			c.Proven, c.AwardHours, string(c.Language), c.IssuedAt, by).Scan(&c.ID)
		switch {
		case err == nil:
			return nil
		case isUniqueViolation(err) && attempt < 3:
			continue
		case isForeignKeyViolation(err):
			return konullu.NotFound("volunteer or centre")
		}
		return fmt.Errorf("store: create certificate: %w", err)
	}
}

const certificateSelect = `SELECT id, code, volunteer_id, COALESCE(centre_id, 0), centre_name, period_from, period_to, full_name,
	minutes, assignments, proven, award_hours, language, issued_at, COALESCE(issued_by, 0), revoked_at, revoke_note FROM certificates`

func scanCertificate(row interface{ Scan(...any) error }) (*konullu.Certificate, error) {
	c := &konullu.Certificate{}
	var from, to, issued, revoked nullTime
	var lang string
	err := row.Scan(&c.ID, &c.Code, &c.VolunteerID, &c.CentreID, &c.CentreName, &from, &to, &c.FullName, &c.Minutes,
		&c.Assignments, &c.Proven, &c.AwardHours, &lang, &issued, &c.IssuedBy, &revoked, &c.RevokeNote)
	c.From, c.To, c.IssuedAt, c.RevokedAt, c.Language = from.Time, to.Time, issued.Time, revoked.ptr(), konullu.Language(lang)
	return c, err
}

// CertificateByCode returns the certificate with the verification code.
func (d *DB) CertificateByCode(ctx context.Context, code string) (*konullu.Certificate, error) {
	code = NormalizeCertificateCode(code)
	if code == "" {
		return nil, konullu.NotFound("certificate")
	}
	c, err := scanCertificate(d.queryRow(ctx, d.db, certificateSelect+` WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("certificate")
	}
	if err != nil {
		return nil, fmt.Errorf("store: certificate: %w", err)
	}
	return c, nil
}

// CertificatesOf returns a volunteer's certificates, newest first.
func (d *DB) CertificatesOf(ctx context.Context, volunteerID int64) ([]*konullu.Certificate, error) {
	rows, err := d.query(ctx, d.db, certificateSelect+` WHERE volunteer_id = ? ORDER BY issued_at DESC, id DESC`, volunteerID)
	if err != nil {
		return nil, fmt.Errorf("store: certificates: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: certificates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RevokeCertificate withdraws a certificate; the first revocation stands.
func (d *DB) RevokeCertificate(ctx context.Context, code, note string) (*konullu.Certificate, error) {
	code = NormalizeCertificateCode(code)
	if code == "" {
		return nil, konullu.NotFound("certificate")
	}
	if _, err := d.exec(ctx, d.db, `UPDATE certificates SET revoked_at = ?, revoke_note = ? WHERE code = ? AND revoked_at IS NULL`,
		d.now(), note, code); err != nil {
		return nil, fmt.Errorf("store: revoke certificate: %w", err)
	}
	return d.CertificateByCode(ctx, code)
}

// newFeedToken returns 32 random bytes as base32 (lower case, 52 characters):
// unguessable, and safe in a URL path without escaping.
func newFeedToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// feedTokenHash is what the store keeps of a feed's secret: its SHA-256,
// like a session's. The secret has 256 random bits, so a plain hash is
// enough; nobody can try candidates against it.
func feedTokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func feedOwner(userID, volunteerID, centreID int64) string {
	if centreID == 0 {
		return fmt.Sprintf("v:%d", volunteerID)
	}
	return fmt.Sprintf("c:%d:%d", userID, centreID)
}

// errFeedShown answers a second ask for a feed's address: the secret is kept
// only as a hash, so the address was shown once, when it was made.
var errFeedShown = &konullu.Error{Code: konullu.ECONFLICT,
	Message: "the calendar address was shown when it was made and is not kept; rotateCalendarUrl gives a new one (the old one stops working)"}

// feedArgs are the owner columns of a feed's row.
func feedArgs(userID, volunteerID, centreID int64) (owner string, vol, centre any) {
	if centreID == 0 {
		return feedOwner(userID, volunteerID, 0), volunteerID, nil
	}
	return feedOwner(userID, 0, centreID), nil, centreID
}

// CreateCalendarFeed makes the feed of a volunteer (centreID 0) or of a
// centre for a user and returns it with its secret, which is not kept: when
// the feed exists already it is CONFLICT (RotateCalendarFeed gives a new
// secret).
func (d *DB) CreateCalendarFeed(ctx context.Context, userID, volunteerID, centreID int64) (*konullu.CalendarFeed, error) {
	owner, vol, centre := feedArgs(userID, volunteerID, centreID)
	f := &konullu.CalendarFeed{Token: newFeedToken(), UserID: userID, VolunteerID: volunteerID, CentreID: centreID, CreatedAt: d.now()}
	res, err := d.exec(ctx, d.db, `INSERT INTO calendar_feeds (token_hash, owner, user_id, volunteer_id, centre_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO NOTHING`, feedTokenHash(f.Token), owner, userID, vol, centre, f.CreatedAt)
	if err != nil {
		if isForeignKeyViolation(err) {
			return nil, konullu.NotFound("volunteer or centre")
		}
		return nil, fmt.Errorf("store: create calendar feed: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("store: create calendar feed: %w", err)
	} else if n == 0 {
		return nil, errFeedShown
	}
	return f, nil
}

// RotateCalendarFeed gives the feed a new secret, making the feed when there
// is none; the old address stops working at once. The answer carries the
// new secret, which is not kept.
func (d *DB) RotateCalendarFeed(ctx context.Context, userID, volunteerID, centreID int64) (*konullu.CalendarFeed, error) {
	owner, vol, centre := feedArgs(userID, volunteerID, centreID)
	f := &konullu.CalendarFeed{Token: newFeedToken(), UserID: userID, VolunteerID: volunteerID, CentreID: centreID, CreatedAt: d.now()}
	if _, err := d.exec(ctx, d.db, `INSERT INTO calendar_feeds (token_hash, owner, user_id, volunteer_id, centre_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		feedTokenHash(f.Token), owner, userID, vol, centre, f.CreatedAt); err != nil {
		if isForeignKeyViolation(err) {
			return nil, konullu.NotFound("volunteer or centre")
		}
		return nil, fmt.Errorf("store: rotate calendar feed: %w", err)
	}
	return f, nil
}

// CalendarFeedByToken returns the feed of a secret, found by its hash; the
// answer's Token is empty.
func (d *DB) CalendarFeedByToken(ctx context.Context, token string) (*konullu.CalendarFeed, error) {
	if len(token) != 52 {
		return nil, konullu.NotFound("calendar feed")
	}
	f := &konullu.CalendarFeed{}
	var created nullTime
	err := d.queryRow(ctx, d.db, `SELECT user_id, COALESCE(volunteer_id, 0), COALESCE(centre_id, 0), created_at
		FROM calendar_feeds WHERE token_hash = ?`, feedTokenHash(token)).Scan(&f.UserID, &f.VolunteerID, &f.CentreID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("calendar feed")
	}
	if err != nil {
		return nil, fmt.Errorf("store: calendar feed: %w", err)
	}
	f.CreatedAt = created.Time
	return f, nil
}

// CalendarEvents returns the events of a feed whose shifts start in [from, to):
// each of a volunteer's assignments, whatever its status, or a centre's
// published and cancelled shifts.
func (d *DB) CalendarEvents(ctx context.Context, f *konullu.CalendarFeed, from, to time.Time) ([]konullu.CalendarEvent, error) {
	var query string
	var args []any
	if f.CentreID == 0 {
		query = `SELECT a.id, a.status, s.id, s.starts_at, s.ends_at, s.status, s.cancel_reason, c.name, c.address, c.city, c.timezone,
				p.name, s.capacity, 0, CASE WHEN a.updated_at > s.updated_at THEN a.updated_at ELSE s.updated_at END,
				COALESCE(a.cancelled_by, '')
			FROM assignments a JOIN shifts s ON s.id = a.shift_id JOIN centres c ON c.id = s.centre_id JOIN positions p ON p.id = s.position_id
			WHERE a.volunteer_id = ? AND s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, a.id`
		args = []any{f.VolunteerID, from, to}
	} else {
		query = `SELECT 0, '', s.id, s.starts_at, s.ends_at, s.status, s.cancel_reason, c.name, c.address, c.city, c.timezone,
				p.name, s.capacity,
				(SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id AND a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')),
				s.updated_at, ''
			FROM shifts s JOIN centres c ON c.id = s.centre_id JOIN positions p ON p.id = s.position_id
			WHERE s.centre_id = ? AND s.status <> 'DRAFT' AND s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, s.id`
		args = []any{f.CentreID, from, to}
	}
	rows, err := d.query(ctx, d.db, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: calendar events: %w", err)
	}
	defer rows.Close()
	var out []konullu.CalendarEvent
	for rows.Next() {
		var e konullu.CalendarEvent
		var astatus, sstatus, cancelledBy string
		var start, end, updated nullTime
		if err := rows.Scan(&e.AssignmentID, &astatus, &e.ShiftID, &start, &end, &sstatus, &e.CancelReason, &e.CentreName,
			&e.CentreAddress, &e.CentreCity, &e.CentreTimezone, &e.PositionName, &e.Capacity, &e.Booked, &updated, &cancelledBy); err != nil {
			return nil, fmt.Errorf("store: calendar events: %w", err)
		}
		e.AssignmentStatus, e.ShiftStatus, e.CancelledBy = konullu.AssignmentStatus(astatus), konullu.ShiftStatus(sstatus), konullu.CancelCause(cancelledBy)
		e.StartsAt, e.EndsAt, e.UpdatedAt = start.Time, end.Time, updated.Time
		out = append(out, e)
	}
	return out, rows.Err()
}
