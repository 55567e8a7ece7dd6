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

// The youth programme's intake: cohorts and applications (programme.go of
// the domain).

var _ konullu.IntakeStore = (*DB)(nil)

// CreateCohort stores a cohort; its centres must exist (INVALID_INPUT on
// centreIds otherwise).
func (d *DB) CreateCohort(ctx context.Context, c *konullu.Cohort) error {
	now := d.now()
	c.CentreIDs = uniqueIDs(c.CentreIDs)
	slices.Sort(c.CentreIDs)
	return d.inTx(ctx, func(tx *sql.Tx) error {
		cond, arg := d.idsCondition("id", c.CentreIDs)
		var n int
		if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM centres WHERE `+cond, arg).Scan(&n); err != nil {
			return fmt.Errorf("store: create cohort: %w", err)
		}
		if n != len(c.CentreIDs) {
			return konullu.Invalid("centreIds", "names an unknown centre")
		}
		var by any
		if c.CreatedBy != 0 {
			by = c.CreatedBy
		}
		if err := d.queryRow(ctx, tx, `INSERT INTO cohorts (name, opens_at, closes_at, places, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, c.Name, c.OpensAt, c.ClosesAt, c.Places, by, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("store: create cohort: %w", err)
		}
		rows := make([][]any, len(c.CentreIDs))
		for i, id := range c.CentreIDs {
			rows[i] = []any{c.ID, id}
		}
		if err := d.insertRows(ctx, tx, `INSERT INTO cohort_centres (cohort_id, centre_id) VALUES `, rows, ""); err != nil {
			return fmt.Errorf("store: create cohort: %w", err)
		}
		c.CreatedAt = now.UTC().Truncate(time.Microsecond)
		c.OpensAt, c.ClosesAt = c.OpensAt.UTC().Truncate(time.Microsecond), c.ClosesAt.UTC().Truncate(time.Microsecond)
		return nil
	})
}

const cohortSelect = `SELECT id, name, opens_at, closes_at, places, COALESCE(created_by, 0), created_at FROM cohorts`

// Cohorts lists cohorts, the latest window first.
func (d *DB) Cohorts(ctx context.Context, openAt *time.Time) ([]*konullu.Cohort, error) {
	q, args := cohortSelect, []any{}
	if openAt != nil {
		q += ` WHERE opens_at <= ? AND closes_at > ?`
		args = append(args, *openAt, *openAt)
	}
	return d.readCohorts(ctx, d.db, q+` ORDER BY closes_at DESC, id DESC LIMIT 500`, args...)
}

// CohortsByIDs returns the cohorts with the given ids.
func (d *DB) CohortsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Cohort, error) {
	out := map[int64]*konullu.Cohort{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.readCohorts(ctx, d.db, cohortSelect+` WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		out[c.ID] = c
	}
	return out, nil
}

func (d *DB) readCohorts(ctx context.Context, q queryer, query string, args ...any) ([]*konullu.Cohort, error) {
	rows, err := d.query(ctx, q, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: cohorts: %w", err)
	}
	list := []*konullu.Cohort{}
	byID := map[int64]*konullu.Cohort{}
	for rows.Next() {
		c := &konullu.Cohort{CentreIDs: []int64{}}
		var opens, closes, created nullTime
		if err := rows.Scan(&c.ID, &c.Name, &opens, &closes, &c.Places, &c.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: cohorts: %w", err)
		}
		c.OpensAt, c.ClosesAt, c.CreatedAt = opens.Time, closes.Time, created.Time
		list = append(list, c)
		byID[c.ID] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cohorts: %w", err)
	}
	if len(list) == 0 {
		return list, nil
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	cond, arg := d.idsCondition("cohort_id", ids)
	rows, err = d.query(ctx, q, `SELECT cohort_id, centre_id FROM cohort_centres WHERE `+cond+` ORDER BY cohort_id, centre_id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: cohort centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, centre int64
		if err := rows.Scan(&c, &centre); err != nil {
			return nil, fmt.Errorf("store: cohort centres: %w", err)
		}
		byID[c].CentreIDs = append(byID[c].CentreIDs, centre)
	}
	return list, rows.Err()
}

// applicationSearchText is what the board's search matches: name and
// email, lower case by Go's Unicode rules (the same on both databases).
func applicationSearchText(name, email string) string {
	return strings.ToLower(name + " " + email)
}

// SubmitApplication stores a new application.
func (d *DB) SubmitApplication(ctx context.Context, a *konullu.Application) (*konullu.Application, error) {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = d.now()
	}
	a.CreatedAt = a.CreatedAt.UTC().Truncate(time.Microsecond)
	a.UpdatedAt, a.Status = a.CreatedAt, konullu.ApplicationSubmitted
	langs, _ := json.Marshal(a.Languages)
	times, _ := json.Marshal(a.PreferredTimes)
	var dup *konullu.Application
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		cs, err := d.readCohorts(ctx, tx, cohortSelect+` WHERE id = ?`, a.CohortID)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "cohort not found", Field: "cohortId"}
		}
		c := cs[0]
		if !c.OpenAt(a.CreatedAt) {
			return &konullu.Error{Code: konullu.ESIGNUPCLOSED, Message: "this cohort does not take applications now", Field: "cohortId"}
		}
		for _, id := range a.PreferredCentreIDs {
			if !c.Serves(id) {
				return konullu.Invalid("preferredCentreIds", "name centres of the cohort")
			}
		}
		err = d.queryRow(ctx, tx, `INSERT INTO applications (cohort_id, full_name, email, search_text, phone, birth_date, languages,
				preferred_centre_ids, preferred_times, motivation, guardian_name, guardian_contact, language, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'SUBMITTED', ?, ?)
			ON CONFLICT (cohort_id, email) DO NOTHING RETURNING id`,
			a.CohortID, a.FullName, a.Email, applicationSearchText(a.FullName, a.Email), a.Phone, dateArg(a.BirthDate), string(langs),
			idsJSON(a.PreferredCentreIDs), string(times), a.Motivation, a.GuardianName, a.GuardianContact, string(a.Language),
			a.CreatedAt, a.CreatedAt).Scan(&a.ID)
		if errors.Is(err, sql.ErrNoRows) {
			// The email already applied: read that application (for its
			// owner's email), within the same transaction.
			list, err := d.readApplications(ctx, tx, applicationSelect+` WHERE cohort_id = ? AND email = ?`, a.CohortID, a.Email)
			if err != nil {
				return err
			}
			if len(list) > 0 {
				dup = list[0]
			}
			return errDuplicateApplication
		}
		if err != nil {
			return fmt.Errorf("store: submit application: %w", err)
		}
		return nil
	})
	return dup, err
}

var errDuplicateApplication = &konullu.Error{Code: konullu.ECONFLICT, Field: "email",
	Message: "this email address has already applied to this cohort; we have written to it"}

const applicationSelect = `SELECT id, cohort_id, full_name, email, phone, birth_date, languages, preferred_centre_ids, preferred_times,
	motivation, guardian_name, guardian_contact, language, status, interview_at, interview_place, decision_note, decided_at,
	COALESCE(decided_by, 0), COALESCE(volunteer_id, 0), created_at, updated_at FROM applications`

func (d *DB) readApplications(ctx context.Context, q queryer, query string, args ...any) ([]*konullu.Application, error) {
	rows, err := d.query(ctx, q, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: applications: %w", err)
	}
	defer rows.Close()
	list := []*konullu.Application{}
	for rows.Next() {
		a := &konullu.Application{}
		var birth, interview, decided, created, updated nullTime
		var langs, centres, times, lang, status string
		if err := rows.Scan(&a.ID, &a.CohortID, &a.FullName, &a.Email, &a.Phone, &birth, &langs, &centres, &times,
			&a.Motivation, &a.GuardianName, &a.GuardianContact, &lang, &status, &interview, &a.InterviewPlace, &a.DecisionNote,
			&decided, &a.DecidedBy, &a.VolunteerID, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: applications: %w", err)
		}
		a.BirthDate, a.InterviewAt, a.DecidedAt, a.CreatedAt, a.UpdatedAt = birth.Time, interview.ptr(), decided.ptr(), created.Time, updated.Time
		a.Language, a.Status = konullu.Language(lang), konullu.ApplicationStatus(status)
		if err := json.Unmarshal([]byte(langs), &a.Languages); err != nil {
			return nil, fmt.Errorf("store: application %d languages: %w", a.ID, err)
		}
		if err := json.Unmarshal([]byte(centres), &a.PreferredCentreIDs); err != nil {
			return nil, fmt.Errorf("store: application %d centres: %w", a.ID, err)
		}
		if err := json.Unmarshal([]byte(times), &a.PreferredTimes); err != nil {
			return nil, fmt.Errorf("store: application %d times: %w", a.ID, err)
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// ApplicationsByIDs returns the applications with the given ids.
func (d *DB) ApplicationsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Application, error) {
	out := map[int64]*konullu.Application{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.readApplications(ctx, d.db, applicationSelect+` WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		out[a.ID] = a
	}
	return out, nil
}

// FindApplications returns a page of a cohort's applications, newest
// first, and how many match in all.
func (d *DB) FindApplications(ctx context.Context, f konullu.ApplicationFilter) ([]*konullu.Application, int, error) {
	where := []string{"cohort_id = ?"}
	args := []any{f.CohortID}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ss[i] = "?"
			args = append(args, string(s))
		}
		where = append(where, "status IN ("+strings.Join(ss, ", ")+")")
	}
	if f.Search != "" {
		where = append(where, `search_text LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(strings.ToLower(f.Search))+"%")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := d.queryRow(ctx, d.db, `SELECT COUNT(*) FROM applications WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count applications: %w", err)
	}
	if f.After != nil {
		cond += " AND (created_at < ? OR created_at = ? AND id < ?)"
		args = append(args, f.After.CreatedAt, f.After.CreatedAt, f.After.ID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	args = append(args, limit)
	list, err := d.readApplications(ctx, d.db, applicationSelect+` WHERE `+cond+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// ApplicationCounts counts a cohort's applications by status.
func (d *DB) ApplicationCounts(ctx context.Context, cohortID int64) (map[konullu.ApplicationStatus]int, error) {
	rows, err := d.query(ctx, d.db, `SELECT status, COUNT(*) FROM applications WHERE cohort_id = ? GROUP BY status`, cohortID)
	if err != nil {
		return nil, fmt.Errorf("store: application counts: %w", err)
	}
	defer rows.Close()
	out := map[konullu.ApplicationStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: application counts: %w", err)
		}
		out[konullu.ApplicationStatus(s)] = n
	}
	return out, rows.Err()
}

// lockApplication reads an application for a change (its row locked on PostgreSQL).
func (d *DB) lockApplication(ctx context.Context, tx *sql.Tx, id int64) (*konullu.Application, error) {
	list, err := d.readApplications(ctx, tx, applicationSelect+` WHERE id = ?`+d.forUpdate(), id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "application not found", Field: "applicationId"}
	}
	return list[0], nil
}

func (d *DB) applicationByID(ctx context.Context, id int64) (*konullu.Application, error) {
	m, err := d.ApplicationsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if a := m[id]; a != nil {
		return a, nil
	}
	return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "application not found", Field: "applicationId"}
}

// ScheduleInterview sets (or moves) an application's interview.
func (d *DB) ScheduleInterview(ctx context.Context, r konullu.InterviewRequest) (*konullu.Application, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		a, err := d.lockApplication(ctx, tx, r.ApplicationID)
		if err != nil {
			return err
		}
		if !a.Status.CanScheduleInterview() {
			return &konullu.Error{Code: konullu.ECONFLICT, Field: "applicationId",
				Message: fmt.Sprintf("an application that is %s cannot be invited to an interview", a.Status)}
		}
		_, err = d.exec(ctx, tx, `UPDATE applications SET status = 'INTERVIEW', interview_at = ?, interview_place = ?, updated_at = ? WHERE id = ?`,
			r.At, r.Place, d.now(), r.ApplicationID)
		if err != nil {
			return fmt.Errorf("store: schedule interview: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.applicationByID(ctx, r.ApplicationID)
}

// DecideApplication decides an application. Accepting, in the same
// transaction: at most the cohort's places are accepted (the cohort's row
// is the lock); the account of the email is created (the application
// becomes its profile, availability and preferred centres) or, when it
// exists, activated (PENDING → ACTIVE; its profile is not overwritten: the
// person who typed the email into a public form may not own it); a minor's
// guardian is recorded as the consent on file when the decider saw it; a
// set-password token is stored when the account has no password.
func (d *DB) DecideApplication(ctx context.Context, r konullu.ApplicationDecisionRequest) (*konullu.ApplicationDecided, error) {
	out := &konullu.ApplicationDecided{}
	now := d.now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		*out = konullu.ApplicationDecided{}
		var cohortID int64
		if err := d.queryRow(ctx, tx, `SELECT cohort_id FROM applications WHERE id = ?`, r.ApplicationID).Scan(&cohortID); errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "application not found", Field: "applicationId"}
		} else if err != nil {
			return fmt.Errorf("store: decide application: %w", err)
		}
		// Lock order: the cohort, then the application.
		var places int
		if err := d.queryRow(ctx, tx, `SELECT places FROM cohorts WHERE id = ?`+d.forUpdate(), cohortID).Scan(&places); err != nil {
			return fmt.Errorf("store: decide application: %w", err)
		}
		a, err := d.lockApplication(ctx, tx, r.ApplicationID)
		if err != nil {
			return err
		}
		if !a.Status.CanBecome(r.Decision) {
			return &konullu.Error{Code: konullu.ECONFLICT, Field: "decision",
				Message: fmt.Sprintf("an application that is %s cannot become %s", a.Status, r.Decision)}
		}
		var volunteerID any
		if r.Decision == konullu.ApplicationAccepted {
			var accepted int
			if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM applications WHERE cohort_id = ? AND status = 'ACCEPTED'`, cohortID).Scan(&accepted); err != nil {
				return fmt.Errorf("store: decide application: %w", err)
			}
			if accepted >= places {
				return &konullu.Error{Code: konullu.ECONFLICT, Field: "decision",
					Message: fmt.Sprintf("the cohort's %d places are taken; put the application on the waitlist", places)}
			}
			vid, err := d.acceptApplicant(ctx, tx, a, r, now, out)
			if err != nil {
				return err
			}
			volunteerID = vid
		}
		_, err = d.exec(ctx, tx, `UPDATE applications SET status = ?, decision_note = ?, decided_at = ?, decided_by = ?,
			volunteer_id = COALESCE(?, volunteer_id), updated_at = ? WHERE id = ?`,
			string(r.Decision), r.Note, now, nullPositive64(r.By), volunteerID, now, a.ID)
		if err != nil {
			return fmt.Errorf("store: decide application: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a, err := d.applicationByID(ctx, r.ApplicationID)
	if err != nil {
		return nil, err
	}
	out.Application = a
	return out, nil
}

// forUpdateOf locks only the rows of one table of a join (PostgreSQL
// refuses to lock the nullable side of an outer join).
func (d *DB) forUpdateOf(alias string) string {
	if d.dialect == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

func nullPositive64(n int64) any {
	if n <= 0 {
		return nil
	}
	return n
}

// acceptApplicant makes or activates the applicant's account; it returns
// the volunteer id.
func (d *DB) acceptApplicant(ctx context.Context, tx *sql.Tx, a *konullu.Application, r konullu.ApplicationDecisionRequest,
	now time.Time, out *konullu.ApplicationDecided) (int64, error) {
	var userID, volunteerID int64
	var hash string
	var suspended nullTime
	err := d.queryRow(ctx, tx, `SELECT u.id, u.password_hash, u.suspended_at, COALESCE(v.id, 0) FROM users u
		LEFT JOIN volunteers v ON v.user_id = u.id WHERE lower(u.email) = ?`+d.forUpdateOf("u"), a.Email).Scan(&userID, &hash, &suspended, &volunteerID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = d.queryRow(ctx, tx, `INSERT INTO users (email, password_hash, created_at) VALUES (?, '', ?) RETURNING id`, a.Email, now).Scan(&userID)
		if err != nil {
			return 0, fmt.Errorf("store: accept application: user: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO user_roles (user_id, role) VALUES (?, 'VOLUNTEER')`, userID); err != nil {
			return 0, fmt.Errorf("store: accept application: role: %w", err)
		}
		langs := make([]string, len(a.Languages))
		for i, l := range a.Languages {
			langs[i] = l.Language
		}
		err = d.queryRow(ctx, tx, `INSERT INTO volunteers (user_id, full_name, phone, city, birth_date, skills, languages, timezone, status, created_at)
			VALUES (?, ?, ?, '', ?, '[]', ?, ?, 'ACTIVE', ?) RETURNING id`,
			userID, a.FullName, a.Phone, dateArg(a.BirthDate), listJSON(langs), konullu.DefaultTimezone, now).Scan(&volunteerID)
		if err != nil {
			return 0, fmt.Errorf("store: accept application: volunteer: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO notification_settings (user_id, language, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO NOTHING`, userID, string(a.Language), now); err != nil {
			return 0, fmt.Errorf("store: accept application: settings: %w", err)
		}
		if len(a.PreferredTimes) > 0 {
			if err := d.writeAvailability(ctx, tx, map[int64]konullu.Availability{volunteerID: {Weekly: a.PreferredTimes}}, true); err != nil {
				return 0, err
			}
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO volunteer_commitments (volunteer_id, preferred_centre_ids, preferred_position_ids, updated_at)
			VALUES (?, ?, '[]', ?) ON CONFLICT (volunteer_id) DO NOTHING`, volunteerID, idsJSON(a.PreferredCentreIDs), now); err != nil {
			return 0, fmt.Errorf("store: accept application: commitment: %w", err)
		}
		out.NewAccount = true
	case err != nil:
		return 0, fmt.Errorf("store: accept application: %w", err)
	default:
		if suspended.Valid {
			return 0, &konullu.Error{Code: konullu.ECONFLICT, Field: "decision",
				Message: "the account of this email is suspended; an administrator decides about it first"}
		}
		if volunteerID == 0 {
			return 0, &konullu.Error{Code: konullu.ECONFLICT, Field: "decision",
				Message: "the account of this email has no volunteer profile"}
		}
		if _, err := d.exec(ctx, tx, `UPDATE volunteers SET status = 'ACTIVE' WHERE id = ? AND status = 'PENDING'`, volunteerID); err != nil {
			return 0, fmt.Errorf("store: accept application: activate: %w", err)
		}
	}
	out.UserID = userID
	if r.GuardianConsentSeen && a.GuardianName != "" && konullu.NeedsGuardianConsent(a.BirthDate, now, r.Location) {
		var has int
		err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM guardian_consents WHERE volunteer_id = ?`, volunteerID).Scan(&has)
		if err != nil {
			return 0, fmt.Errorf("store: accept application: consent: %w", err)
		}
		if has == 0 {
			_, err := d.exec(ctx, tx, `INSERT INTO guardian_consents (volunteer_id, guardian_name, relationship, contact, note, recorded_by, recorded_at)
				VALUES (?, ?, 'guardian', ?, ?, ?, ?)`, volunteerID, a.GuardianName, a.GuardianContact,
				fmt.Sprintf("named in application %d; seen at the interview", a.ID), nullPositive64(r.By), now)
			if err != nil {
				return 0, fmt.Errorf("store: accept application: consent: %w", err)
			}
		}
	}
	if hash == "" && len(r.TokenHash) > 0 {
		if _, err := d.exec(ctx, tx, `DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL`, userID); err != nil {
			return 0, fmt.Errorf("store: accept application: link: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			r.TokenHash, userID, now, r.TokenExpires); err != nil {
			return 0, fmt.Errorf("store: accept application: link: %w", err)
		}
		out.NeedsPassword = true
	}
	return volunteerID, nil
}
