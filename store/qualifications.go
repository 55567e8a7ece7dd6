package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// Training and qualifications (qualification.go of the domain). What a
// volunteer holds and what a position requires are kept in their tables;
// volunteers.skills (names), volunteers.qualification_expiry and
// positions.required_skills follow them in the same transaction, so that
// the code matching on names (signups, the availability index, the roster
// planner) decides with the qualifications.

var _ konullu.QualificationStore = (*DB)(nil)

// qualificationKey is how names compare: without case and outer spaces.
func qualificationKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func textMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

type jsonTextMap map[string]string

func (m *jsonTextMap) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*m = map[string]string{}
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("store: cannot scan %T as a text map", src)
	}
	out := map[string]string{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("store: text map: %w", err)
	}
	*m = out
	return nil
}

// expiryMap scans volunteers.qualification_expiry.
type expiryMap map[string]time.Time

func (m *expiryMap) Scan(src any) error {
	var raw jsonTextMap
	if err := raw.Scan(src); err != nil {
		return err
	}
	out := make(map[string]time.Time, len(raw))
	for k, v := range raw {
		var t nullTime
		if err := t.parse(v); err != nil {
			return err
		}
		out[k] = t.Time
	}
	*m = out
	return nil
}

// CreateQualification stores a qualification; a name already in use
// (without case) is a CONFLICT on name.
func (d *DB) CreateQualification(ctx context.Context, q *konullu.Qualification) error {
	now := d.now()
	var by any
	if q.CreatedBy != 0 {
		by = q.CreatedBy
	}
	var validity any
	if q.ValidityMonths > 0 {
		validity = q.ValidityMonths
	}
	err := d.queryRow(ctx, d.db, `INSERT INTO qualifications (name, name_key, names, description, descriptions, validity_months, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, q.Name, qualificationKey(q.Name), textMap(q.Names), q.Description,
		textMap(q.Descriptions), validity, by, now).Scan(&q.ID)
	if isUniqueViolation(err) {
		return &konullu.Error{Code: konullu.ECONFLICT, Message: "a qualification of this name exists", Field: "name"}
	}
	if err != nil {
		return fmt.Errorf("store: create qualification: %w", err)
	}
	q.CreatedAt = now.UTC().Truncate(time.Microsecond)
	return nil
}

const qualificationSelect = `SELECT id, name, names, description, descriptions, COALESCE(validity_months, 0), COALESCE(created_by, 0), created_at FROM qualifications`

func (d *DB) scanQualifications(rows *sql.Rows, err error) ([]*konullu.Qualification, error) {
	if err != nil {
		return nil, fmt.Errorf("store: qualifications: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Qualification
	for rows.Next() {
		q := &konullu.Qualification{}
		var names, descs jsonTextMap
		var created nullTime
		if err := rows.Scan(&q.ID, &q.Name, &names, &q.Description, &descs, &q.ValidityMonths, &q.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("store: qualifications: %w", err)
		}
		q.Names, q.Descriptions, q.CreatedAt = names, descs, created.Time
		out = append(out, q)
	}
	return out, rows.Err()
}

// Qualifications lists every qualification by name.
func (d *DB) Qualifications(ctx context.Context) ([]*konullu.Qualification, error) {
	return d.scanQualifications(d.query(ctx, d.db, qualificationSelect+` ORDER BY name_key, id`))
}

// QualificationsByIDs reads qualifications.
func (d *DB) QualificationsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Qualification, error) {
	out := map[int64]*konullu.Qualification{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("id", ids)
	list, err := d.scanQualifications(d.query(ctx, d.db, qualificationSelect+` WHERE `+cond, arg))
	for _, q := range list {
		out[q.ID] = q
	}
	return out, err
}

const heldSelect = `SELECT h.volunteer_id, h.qualification_id, h.granted_at, h.expires_at, h.source, COALESCE(h.course_id, 0),
	h.note, COALESCE(h.granted_by, 0) FROM held_qualifications h JOIN qualifications q ON q.id = h.qualification_id`

func scanHeld(rows interface{ Scan(...any) error }) (*konullu.HeldQualification, error) {
	h := &konullu.HeldQualification{}
	var granted, expires nullTime
	err := rows.Scan(&h.VolunteerID, &h.QualificationID, &granted, &expires, &h.Source, &h.CourseID, &h.Note, &h.GrantedBy)
	h.GrantedAt, h.ExpiresAt = granted.Time, expires.Time
	return h, err
}

// HeldQualifications lists what volunteers hold, by name.
func (d *DB) HeldQualifications(ctx context.Context, volunteerIDs []int64) (map[int64][]*konullu.HeldQualification, error) {
	out := map[int64][]*konullu.HeldQualification{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("h.volunteer_id", volunteerIDs)
	rows, err := d.query(ctx, d.db, heldSelect+` WHERE `+cond+` ORDER BY q.name_key, q.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: held qualifications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		h, err := scanHeld(rows)
		if err != nil {
			return nil, fmt.Errorf("store: held qualifications: %w", err)
		}
		out[h.VolunteerID] = append(out[h.VolunteerID], h)
	}
	return out, rows.Err()
}

// syncVolunteerQualifications writes what a volunteer holds into the
// volunteer's skill columns (names; expiries by name).
func (d *DB) syncVolunteerQualifications(ctx context.Context, tx *sql.Tx, volunteerID int64) error {
	rows, err := d.query(ctx, tx, `SELECT q.name, h.expires_at FROM held_qualifications h JOIN qualifications q ON q.id = h.qualification_id
		WHERE h.volunteer_id = ? ORDER BY q.name_key`, volunteerID)
	if err != nil {
		return fmt.Errorf("store: sync qualifications: %w", err)
	}
	names := []string{}
	expiry := map[string]string{}
	for rows.Next() {
		var name string
		var exp nullTime
		if err := rows.Scan(&name, &exp); err != nil {
			rows.Close()
			return fmt.Errorf("store: sync qualifications: %w", err)
		}
		names = append(names, name)
		if exp.Valid {
			expiry[name] = exp.Time.UTC().Format(time.RFC3339Nano)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: sync qualifications: %w", err)
	}
	if _, err := d.exec(ctx, tx, `UPDATE volunteers SET skills = ?, qualification_expiry = ? WHERE id = ?`,
		listJSON(names), textMap(expiry), volunteerID); err != nil {
		return fmt.Errorf("store: sync qualifications: %w", err)
	}
	return nil
}

// syncPositionQualifications writes what a position requires into its
// required_skills (names).
func (d *DB) syncPositionQualifications(ctx context.Context, tx *sql.Tx, positionID int64) error {
	rows, err := d.query(ctx, tx, `SELECT q.name FROM position_qualifications pq JOIN qualifications q ON q.id = pq.qualification_id
		WHERE pq.position_id = ? ORDER BY q.name_key`, positionID)
	if err != nil {
		return fmt.Errorf("store: sync position: %w", err)
	}
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("store: sync position: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: sync position: %w", err)
	}
	_, err = d.exec(ctx, tx, `UPDATE positions SET required_skills = ? WHERE id = ?`, listJSON(names), positionID)
	if err != nil {
		return fmt.Errorf("store: sync position: %w", err)
	}
	return nil
}

// qualificationsNamed finds (creating those missing, without validity) the
// qualifications of free-text names: what the skill-based mutations of
// earlier versions (setVolunteerSkills, createPosition's requiredSkills)
// now mean.
func (d *DB) qualificationsNamed(ctx context.Context, tx *sql.Tx, names []string) ([]int64, error) {
	var ids []int64
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		var id int64
		err := d.queryRow(ctx, tx, `SELECT id FROM qualifications WHERE name_key = ?`, qualificationKey(n)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			// Two transactions may create the same name at once (the demo
			// seeds volunteers in parallel): the second waits for the first
			// and then reads its row instead of failing on the unique key.
			err = d.queryRow(ctx, tx, `INSERT INTO qualifications (name, name_key, created_at) VALUES (?, ?, ?)
				ON CONFLICT (name_key) DO NOTHING RETURNING id`, n, qualificationKey(n), d.now()).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				err = d.queryRow(ctx, tx, `SELECT id FROM qualifications WHERE name_key = ?`, qualificationKey(n)).Scan(&id)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("store: qualifications named: %w", err)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// setHeldByNames makes a volunteer hold exactly the named qualifications:
// new ones are granted for good, those left out are withdrawn.
func (d *DB) setHeldByNames(ctx context.Context, tx *sql.Tx, volunteerID int64, names []string, now time.Time) error {
	ids, err := d.qualificationsNamed(ctx, tx, names)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		_, err = d.exec(ctx, tx, `DELETE FROM held_qualifications WHERE volunteer_id = ?`, volunteerID)
	} else {
		cond, arg := d.idsCondition("qualification_id", ids)
		_, err = d.exec(ctx, tx, `DELETE FROM held_qualifications WHERE volunteer_id = ? AND NOT (`+cond+`)`, volunteerID, arg)
	}
	if err != nil {
		return fmt.Errorf("store: set held: %w", err)
	}
	for _, id := range ids {
		var months sql.NullInt64
		if err := d.queryRow(ctx, tx, `SELECT validity_months FROM qualifications WHERE id = ?`, id).Scan(&months); err != nil {
			return fmt.Errorf("store: set held: %w", err)
		}
		q := konullu.Qualification{ValidityMonths: int(months.Int64)}
		var exp any
		if e := q.ExpiryFrom(now); !e.IsZero() {
			exp = e
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, expires_at, source, note)
			VALUES (?, ?, ?, ?, 'GRANT', '') ON CONFLICT (volunteer_id, qualification_id) DO NOTHING`, volunteerID, id, now, exp); err != nil {
			return fmt.Errorf("store: set held: %w", err)
		}
	}
	return d.syncVolunteerQualifications(ctx, tx, volunteerID)
}

// grant writes (or renews) a held qualification and the volunteer's
// skill columns; the caller's transaction has locked the volunteer.
func (d *DB) grant(ctx context.Context, tx *sql.Tx, h *konullu.HeldQualification) error {
	var exp, course, by any
	if !h.ExpiresAt.IsZero() {
		exp = h.ExpiresAt
	}
	if h.CourseID != 0 {
		course = h.CourseID
	}
	if h.GrantedBy != 0 {
		by = h.GrantedBy
	}
	_, err := d.exec(ctx, tx, `INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, expires_at, source, course_id, note, granted_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (volunteer_id, qualification_id) DO UPDATE SET granted_at = excluded.granted_at, expires_at = excluded.expires_at,
			source = excluded.source, course_id = excluded.course_id, note = excluded.note, granted_by = excluded.granted_by, expiry_warned_at = NULL`,
		h.VolunteerID, h.QualificationID, h.GrantedAt, exp, h.Source, course, h.Note, by)
	if err != nil {
		return fmt.Errorf("store: grant qualification: %w", err)
	}
	h.GrantedAt = h.GrantedAt.UTC().Truncate(time.Microsecond)
	if !h.ExpiresAt.IsZero() {
		h.ExpiresAt = h.ExpiresAt.UTC().Truncate(time.Microsecond)
	}
	return d.syncVolunteerQualifications(ctx, tx, h.VolunteerID)
}

// lockQualificationHolder locks the volunteer (NOT_FOUND on volunteerId)
// and reads the qualification (NOT_FOUND on qualificationId).
func (d *DB) lockQualificationHolder(ctx context.Context, tx *sql.Tx, volunteerID, qualificationID int64) (*konullu.Qualification, error) {
	var one int
	err := d.queryRow(ctx, tx, `SELECT 1 FROM volunteers WHERE id = ?`+d.forUpdate(), volunteerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: grant qualification: %w", err)
	}
	list, err := d.scanQualifications(d.query(ctx, tx, qualificationSelect+` WHERE id = ?`, qualificationID))
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "qualification not found", Field: "qualificationId"}
	}
	return list[0], nil
}

// GrantQualification grants or renews a qualification by a coordinator's decision.
func (d *DB) GrantQualification(ctx context.Context, volunteerID, qualificationID, by int64, note string) (*konullu.HeldQualification, error) {
	var h *konullu.HeldQualification
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		q, err := d.lockQualificationHolder(ctx, tx, volunteerID, qualificationID)
		if err != nil {
			return err
		}
		now := d.now()
		h = &konullu.HeldQualification{VolunteerID: volunteerID, QualificationID: q.ID, GrantedAt: now, ExpiresAt: q.ExpiryFrom(now),
			Source: konullu.QualificationByGrant, Note: note, GrantedBy: by}
		return d.grant(ctx, tx, h)
	})
	return h, err
}

// SetPositionQualifications replaces what a position requires.
func (d *DB) SetPositionQualifications(ctx context.Context, positionID int64, qualificationIDs []int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM positions WHERE id = ?`+d.forUpdate(), positionID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "position not found", Field: "positionId"}
		}
		if err != nil {
			return fmt.Errorf("store: position qualifications: %w", err)
		}
		return d.replacePositionQualifications(ctx, tx, positionID, qualificationIDs, "qualificationIds")
	})
}

// replacePositionQualifications replaces what a position (locked by the
// caller) requires; an unknown qualification is NOT_FOUND on field.
func (d *DB) replacePositionQualifications(ctx context.Context, tx *sql.Tx, positionID int64, qualificationIDs []int64, field string) error {
	ids := uniqueIDs(qualificationIDs)
	if len(ids) > 0 {
		cond, arg := d.idsCondition("id", ids)
		var n int
		if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM qualifications WHERE `+cond, arg).Scan(&n); err != nil {
			return fmt.Errorf("store: position qualifications: %w", err)
		}
		if n != len(ids) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "qualification not found", Field: field}
		}
	}
	if _, err := d.exec(ctx, tx, `DELETE FROM position_qualifications WHERE position_id = ?`, positionID); err != nil {
		return fmt.Errorf("store: position qualifications: %w", err)
	}
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = []any{positionID, id}
	}
	if err := d.insertRows(ctx, tx, `INSERT INTO position_qualifications (position_id, qualification_id) VALUES `, rows, ""); err != nil {
		return fmt.Errorf("store: position qualifications: %w", err)
	}
	return d.syncPositionQualifications(ctx, tx, positionID)
}

// PositionQualifications lists what positions require (qualification ids by name).
func (d *DB) PositionQualifications(ctx context.Context, positionIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if positionIDs = uniqueIDs(positionIDs); len(positionIDs) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("pq.position_id", positionIDs)
	rows, err := d.query(ctx, d.db, `SELECT pq.position_id, pq.qualification_id FROM position_qualifications pq
		JOIN qualifications q ON q.id = pq.qualification_id WHERE `+cond+` ORDER BY q.name_key, q.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: position qualifications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, q int64
		if err := rows.Scan(&p, &q); err != nil {
			return nil, fmt.Errorf("store: position qualifications: %w", err)
		}
		out[p] = append(out[p], q)
	}
	return out, rows.Err()
}

// CreateCourse stores a course of an existing qualification.
func (d *DB) CreateCourse(ctx context.Context, c *konullu.Course) error {
	now := d.now()
	var by any
	if c.CreatedBy != 0 {
		by = c.CreatedBy
	}
	err := d.queryRow(ctx, d.db, `INSERT INTO courses (name, qualification_id, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		c.Name, c.QualificationID, by, now).Scan(&c.ID)
	if isForeignKeyViolation(err) {
		return &konullu.Error{Code: konullu.ENOTFOUND, Message: "qualification not found", Field: "qualificationId"}
	}
	if err != nil {
		return fmt.Errorf("store: create course: %w", err)
	}
	c.CreatedAt = now.UTC().Truncate(time.Microsecond)
	return nil
}

const courseSelect = `SELECT id, name, qualification_id, COALESCE(created_by, 0), created_at FROM courses`

func (d *DB) scanCourses(rows *sql.Rows, err error) ([]*konullu.Course, error) {
	if err != nil {
		return nil, fmt.Errorf("store: courses: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Course
	for rows.Next() {
		c := &konullu.Course{}
		var created nullTime
		if err := rows.Scan(&c.ID, &c.Name, &c.QualificationID, &c.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("store: courses: %w", err)
		}
		c.CreatedAt = created.Time
		out = append(out, c)
	}
	return out, rows.Err()
}

// Courses lists every course by name.
func (d *DB) Courses(ctx context.Context) ([]*konullu.Course, error) {
	return d.scanCourses(d.query(ctx, d.db, courseSelect+` ORDER BY name, id`))
}

// CoursesByIDs reads courses.
func (d *DB) CoursesByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Course, error) {
	out := map[int64]*konullu.Course{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("id", ids)
	list, err := d.scanCourses(d.query(ctx, d.db, courseSelect+` WHERE `+cond, arg))
	for _, c := range list {
		out[c.ID] = c
	}
	return out, err
}

// CourseSessions lists each course's sessions by start.
func (d *DB) CourseSessions(ctx context.Context, courseIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if courseIDs = uniqueIDs(courseIDs); len(courseIDs) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("course_id", courseIDs)
	rows, err := d.query(ctx, d.db, `SELECT course_id, id FROM shifts WHERE `+cond+` ORDER BY starts_at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: course sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, s int64
		if err := rows.Scan(&c, &s); err != nil {
			return nil, fmt.Errorf("store: course sessions: %w", err)
		}
		out[c] = append(out[c], s)
	}
	return out, rows.Err()
}

// MarkCoursePassed grants a course's qualification to a volunteer who
// attended (checked in, or credited) every session that was not cancelled.
func (d *DB) MarkCoursePassed(ctx context.Context, courseID, volunteerID, by int64) (*konullu.HeldQualification, error) {
	var h *konullu.HeldQualification
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var qid int64
		err := d.queryRow(ctx, tx, `SELECT qualification_id FROM courses WHERE id = ?`, courseID).Scan(&qid)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "course not found", Field: "courseId"}
		}
		if err != nil {
			return fmt.Errorf("store: mark course passed: %w", err)
		}
		q, err := d.lockQualificationHolder(ctx, tx, volunteerID, qid)
		if err != nil {
			return err
		}
		rows, err := d.query(ctx, tx, `SELECT s.id, s.starts_at, EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = s.id AND a.volunteer_id = ?
				AND a.status IN ('CHECKED_IN', 'COMPLETED'))
			FROM shifts s WHERE s.course_id = ? AND s.status <> 'CANCELLED' ORDER BY s.starts_at, s.id`, volunteerID, courseID)
		if err != nil {
			return fmt.Errorf("store: mark course passed: %w", err)
		}
		var sessions int
		missed := []int64{}
		var missedAt []string
		for rows.Next() {
			var id int64
			var start nullTime
			var attended bool
			if err := rows.Scan(&id, &start, &attended); err != nil {
				rows.Close()
				return fmt.Errorf("store: mark course passed: %w", err)
			}
			sessions++
			if !attended {
				missed = append(missed, id)
				missedAt = append(missedAt, start.Time.UTC().Format(time.RFC3339))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: mark course passed: %w", err)
		}
		if sessions == 0 {
			return konullu.Errorf(konullu.EREQUIREMENT, "the course has no sessions yet")
		}
		if len(missed) > 0 {
			return &konullu.Error{Code: konullu.EREQUIREMENT,
				Message:    fmt.Sprintf("the volunteer did not attend %d of the %d sessions (starting %s)", len(missed), sessions, strings.Join(missedAt, ", ")),
				Extensions: map[string]any{"missedSessions": missed}}
		}
		now := d.now()
		h = &konullu.HeldQualification{VolunteerID: volunteerID, QualificationID: q.ID, GrantedAt: now, ExpiresAt: q.ExpiryFrom(now),
			Source: konullu.QualificationByCourse, CourseID: courseID, GrantedBy: by}
		return d.grant(ctx, tx, h)
	})
	return h, err
}

// QualifiedVolunteers keeps those of ids who hold every named
// qualification until at least the given time.
func (d *DB) QualifiedVolunteers(ctx context.Context, ids []int64, names []string, until time.Time) ([]int64, error) {
	if len(names) == 0 || len(ids) == 0 {
		return ids, nil
	}
	cond, arg := d.idsCondition("id", uniqueIDs(ids))
	rows, err := d.query(ctx, d.db, `SELECT id, skills, qualification_expiry FROM volunteers WHERE `+cond, arg)
	if err != nil {
		return nil, fmt.Errorf("store: qualified volunteers: %w", err)
	}
	defer rows.Close()
	ok := map[int64]bool{}
	for rows.Next() {
		v := &konullu.Volunteer{}
		var skills jsonList
		var exp expiryMap
		if err := rows.Scan(&v.ID, &skills, &exp); err != nil {
			return nil, fmt.Errorf("store: qualified volunteers: %w", err)
		}
		v.Skills, v.QualificationExpiry = skills, exp
		if unmet, _ := konullu.UnmetQualifications(names, v, until); len(unmet) == 0 {
			ok[v.ID] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: qualified volunteers: %w", err)
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if ok[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// ExpiringQualifications lists grants expiring in (now, now+within] not
// warned of since they were granted, soonest first.
func (d *DB) ExpiringQualifications(ctx context.Context, now time.Time, within time.Duration, limit int) ([]*konullu.ExpiringGrant, error) {
	rows, err := d.query(ctx, d.db, `SELECT h.volunteer_id, h.qualification_id, h.granted_at, h.expires_at, h.source, COALESCE(h.course_id, 0),
		h.note, COALESCE(h.granted_by, 0), v.user_id
		FROM held_qualifications h JOIN volunteers v ON v.id = h.volunteer_id
		WHERE h.expires_at IS NOT NULL AND h.expires_at > ? AND h.expires_at <= ? AND h.expiry_warned_at IS NULL
		ORDER BY h.expires_at, h.volunteer_id, h.qualification_id LIMIT ?`, now, now.Add(within), limit)
	if err != nil {
		return nil, fmt.Errorf("store: expiring qualifications: %w", err)
	}
	var out []*konullu.ExpiringGrant
	var qids []int64
	for rows.Next() {
		e := &konullu.ExpiringGrant{}
		var granted, expires nullTime
		if err := rows.Scan(&e.VolunteerID, &e.QualificationID, &granted, &expires, &e.Source, &e.CourseID, &e.Note, &e.GrantedBy, &e.UserID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: expiring qualifications: %w", err)
		}
		e.GrantedAt, e.ExpiresAt = granted.Time, expires.Time
		out = append(out, e)
		qids = append(qids, e.QualificationID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: expiring qualifications: %w", err)
	}
	qs, err := d.QualificationsByIDs(ctx, qids)
	if err != nil {
		return nil, err
	}
	for _, e := range out {
		e.Qualification = qs[e.QualificationID]
	}
	return out, nil
}

// MarkExpiryWarned records the warning of a grant and enqueues it to the
// holder in one transaction: once per grant across instances (a renewal
// moves granted_at and warns again when its time comes).
func (d *DB) MarkExpiryWarned(ctx context.Context, e *konullu.ExpiringGrant, now time.Time) (bool, error) {
	warned := false
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		res, err := d.exec(ctx, tx, `UPDATE held_qualifications SET expiry_warned_at = ?
			WHERE volunteer_id = ? AND qualification_id = ? AND granted_at = ? AND expiry_warned_at IS NULL`,
			now, e.VolunteerID, e.QualificationID, e.GrantedAt)
		if err != nil {
			return fmt.Errorf("store: expiry warned: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		warned = true
		names := map[string]string{}
		if e.Qualification != nil {
			names = e.Qualification.Names
		}
		name := ""
		if e.Qualification != nil {
			name = e.Qualification.Name
		}
		return d.enqueue(ctx, tx, now, event{kind: konullu.NotifyQualificationExpiring, userID: e.UserID, payload: map[string]any{
			"name": name, "names": names, "expiresAt": e.ExpiresAt.UTC().Format(time.RFC3339)}})
	})
	return warned, err
}

// TrainingMinutes sums the minutes credited for attended training sessions.
func (d *DB) TrainingMinutes(ctx context.Context, volunteerIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	cond, arg := d.idsCondition("a.volunteer_id", volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT a.volunteer_id, SUM(a.credited_minutes) FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE `+cond+` AND a.status = 'COMPLETED' AND s.kind = 'TRAINING' GROUP BY a.volunteer_id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: training minutes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: training minutes: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
