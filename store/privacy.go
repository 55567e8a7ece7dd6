package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/konullu/konullu"
)

var _ konullu.PrivacyStore = (*DB)(nil)

// RecordGuardianConsent records a minor's guardian consent. The consent it
// supersedes is kept in guardian_consent_history with who recorded it and
// who superseded it, in the same transaction.
func (d *DB) RecordGuardianConsent(ctx context.Context, c konullu.GuardianConsent) (*konullu.GuardianConsent, error) {
	if c.RecordedAt.IsZero() {
		c.RecordedAt = d.now()
	}
	c.RecordedAt = c.RecordedAt.UTC().Truncate(time.Microsecond)
	var recordedBy any
	if c.RecordedBy != 0 {
		recordedBy = c.RecordedBy
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		// The volunteer's row is the lock: two coordinators recording at
		// once each supersede what the other wrote, and nothing is lost.
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM volunteers WHERE id = ?`+d.forUpdate(), c.VolunteerID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
		}
		if err != nil {
			return fmt.Errorf("store: record guardian consent: %w", err)
		}
		var before int
		if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM guardian_consents WHERE volunteer_id = ?`, c.VolunteerID).Scan(&before); err != nil {
			return fmt.Errorf("store: record guardian consent: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO guardian_consent_history (volunteer_id, guardian_name, relationship, contact, note,
				recorded_by, recorded_at, superseded_by, superseded_at)
			SELECT volunteer_id, guardian_name, relationship, contact, note, recorded_by, recorded_at, ?, ?
			FROM guardian_consents WHERE volunteer_id = ?`, recordedBy, c.RecordedAt, c.VolunteerID); err != nil {
			return fmt.Errorf("store: record guardian consent: history: %w", err)
		}
		_, err = d.exec(ctx, tx, `INSERT INTO guardian_consents (volunteer_id, guardian_name, relationship, contact, note, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (volunteer_id) DO UPDATE SET guardian_name = excluded.guardian_name, relationship = excluded.relationship,
				contact = excluded.contact, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
			c.VolunteerID, c.GuardianName, c.Relationship, c.Contact, c.Note, recordedBy, c.RecordedAt)
		if isForeignKeyViolation(err) {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
		}
		if err != nil {
			return fmt.Errorf("store: record guardian consent: %w", err)
		}
		if before > 0 {
			return nil // a later record replaces one the volunteer was told of
		}
		// The volunteer learns that they may take shifts now.
		return d.enqueue(ctx, tx, d.now(), event{kind: konullu.NotifyConsentRecorded, volunteerID: c.VolunteerID})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// GuardianConsents returns the consents on record of the given volunteers.
func (d *DB) GuardianConsents(ctx context.Context, volunteerIDs []int64) (map[int64]*konullu.GuardianConsent, error) {
	out := map[int64]*konullu.GuardianConsent{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	in, args := inList(volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT g.volunteer_id, g.guardian_name, g.relationship, g.contact, g.note, COALESCE(g.recorded_by, 0),
		COALESCE(rv.full_name, ''), g.recorded_at, NULL, 0
		FROM guardian_consents g LEFT JOIN volunteers rv ON rv.user_id = g.recorded_by WHERE g.volunteer_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: guardian consents: %w", err)
	}
	list, err := scanConsents(rows)
	for _, c := range list {
		out[c.VolunteerID] = c
	}
	return out, err
}

// GuardianConsentHistory returns every consent recorded for the volunteers:
// the one on record, then those it superseded, newest first.
func (d *DB) GuardianConsentHistory(ctx context.Context, volunteerIDs []int64) (map[int64][]*konullu.GuardianConsent, error) {
	out := map[int64][]*konullu.GuardianConsent{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	current, err := d.GuardianConsents(ctx, volunteerIDs)
	if err != nil {
		return nil, err
	}
	for id, c := range current {
		out[id] = []*konullu.GuardianConsent{c}
	}
	in, args := inList(volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT h.volunteer_id, h.guardian_name, h.relationship, h.contact, h.note, COALESCE(h.recorded_by, 0),
		COALESCE(rv.full_name, ''), h.recorded_at, h.superseded_at, COALESCE(h.superseded_by, 0)
		FROM guardian_consent_history h LEFT JOIN volunteers rv ON rv.user_id = h.recorded_by
		WHERE h.volunteer_id IN (`+in+`) ORDER BY h.volunteer_id, h.superseded_at DESC, h.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: guardian consent history: %w", err)
	}
	list, err := scanConsents(rows)
	for _, c := range list {
		out[c.VolunteerID] = append(out[c.VolunteerID], c)
	}
	return out, err
}

// scanConsents reads consents: volunteer, guardian, relationship, contact,
// note, recorder, recorder's name, recorded at, superseded at, superseded by.
func scanConsents(rows *sql.Rows) ([]*konullu.GuardianConsent, error) {
	defer rows.Close()
	var out []*konullu.GuardianConsent
	for rows.Next() {
		c := &konullu.GuardianConsent{}
		var at, superseded nullTime
		if err := rows.Scan(&c.VolunteerID, &c.GuardianName, &c.Relationship, &c.Contact, &c.Note, &c.RecordedBy,
			&c.RecordedByName, &at, &superseded, &c.SupersededBy); err != nil {
			return nil, fmt.Errorf("store: guardian consents: %w", err)
		}
		c.RecordedAt, c.SupersededAt = at.Time, superseded.ptr()
		out = append(out, c)
	}
	return out, rows.Err()
}

// ConsentCentres lists the centres whose coordinators may record the
// volunteer's guardian consent: where the volunteer holds a place that is
// not cancelled in a shift that is not cancelled (drafts too), or applied
// for one (a signup refused for want of consent), within
// konullu.ConsentTieWindow of the shift's end or of the application.
func (d *DB) ConsentCentres(ctx context.Context, volunteerID int64) ([]int64, error) {
	since := d.now().Add(-konullu.ConsentTieWindow)
	rows, err := d.query(ctx, d.db, `SELECT s.centre_id FROM assignments a JOIN shifts s ON s.id = a.shift_id
			WHERE a.volunteer_id = ? AND a.status <> 'CANCELLED' AND s.status <> 'CANCELLED' AND s.ends_at > ?
		UNION SELECT centre_id FROM guardian_consent_requests WHERE volunteer_id = ? AND requested_at > ?
		ORDER BY 1`, volunteerID, since, volunteerID, since)
	if err != nil {
		return nil, fmt.Errorf("store: consent centres: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("store: consent centres: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// recordConsentRequest notes a minor's signup refused for want of a
// guardian's consent: the application that lets the shift's centre record one.
func (d *DB) recordConsentRequest(ctx context.Context, volunteerID, shiftID, centreID int64) error {
	_, err := d.exec(ctx, d.db, `INSERT INTO guardian_consent_requests (volunteer_id, shift_id, centre_id, requested_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (volunteer_id, shift_id) DO UPDATE SET requested_at = excluded.requested_at`, volunteerID, shiftID, centreID, d.now())
	if err != nil {
		return fmt.Errorf("store: consent request: %w", err)
	}
	return nil
}

// Tables whose rows are exported or moved by hand; every other table with a
// user_id or volunteer_id column is exported as it is.
var personalTablesByHand = []string{
	"users", "volunteers", "sessions", "user_roles", "coordinator_centres", "assignments",
	"guardian_consents", "audit_log", "audit_changes",
}

// ExportPersonalData returns everything held about a user: the account, the
// volunteer profile, the guardian's consent, assignments with where and when,
// sign-ins, and the rows of every other table that belongs to the account.
func (d *DB) ExportPersonalData(ctx context.Context, userID int64) (*konullu.PersonalData, error) {
	users, err := d.UsersByIDs(ctx, []int64{userID})
	if err != nil {
		return nil, err
	}
	u := users[userID]
	if u == nil {
		return nil, konullu.NotFound("account")
	}
	p := &konullu.PersonalData{
		ExportedAt:  d.now().UTC(),
		Account:     konullu.PersonalAccount{ID: u.ID, Email: u.Email, Roles: u.Roles, CentreIDs: u.CentreIDs, CreatedAt: u.CreatedAt},
		Assignments: []konullu.PersonalAssignment{},
		Sessions:    []konullu.PersonalSession{},
		Records:     map[string][]map[string]any{},
	}
	if p.Account.Roles == nil {
		p.Account.Roles = []konullu.Role{}
	}
	if p.Account.CentreIDs == nil {
		p.Account.CentreIDs = []int64{}
	}
	rows, err := d.query(ctx, d.db, `SELECT created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: export sessions: %w", err)
	}
	for rows.Next() {
		var c, e nullTime
		if err := rows.Scan(&c, &e); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: export sessions: %w", err)
		}
		p.Sessions = append(p.Sessions, konullu.PersonalSession{CreatedAt: c.Time, ExpiresAt: e.Time})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: export sessions: %w", err)
	}

	if u.VolunteerID != 0 {
		v, err := d.volunteer(ctx, d.db, u.VolunteerID)
		if err != nil {
			return nil, err
		}
		pv := &konullu.PersonalVolunteer{ID: v.ID, FullName: v.FullName, Phone: v.Phone, City: v.City, Skills: v.Skills,
			Languages: v.Languages, Timezone: v.Timezone, Status: string(v.Status), TotalMinutes: v.TotalMinutes, CreatedAt: v.CreatedAt}
		if !v.BirthDate.IsZero() {
			pv.BirthDate = v.BirthDate.Format(time.DateOnly)
		}
		p.Volunteer = pv
		consents, err := d.GuardianConsents(ctx, []int64{v.ID})
		if err != nil {
			return nil, err
		}
		if c := consents[v.ID]; c != nil {
			p.GuardianConsent = &konullu.PersonalConsent{GuardianName: c.GuardianName, Relationship: c.Relationship,
				Contact: c.Contact, Note: c.Note, RecordedAt: c.RecordedAt}
		}
		rows, err := d.query(ctx, d.db, `SELECT a.id, c.name, p.name, s.starts_at, s.ends_at, a.status, a.checked_in_at, a.checked_out_at,
			a.credited_minutes, a.note, a.created_at
			FROM assignments a JOIN shifts s ON s.id = a.shift_id JOIN centres c ON c.id = s.centre_id JOIN positions p ON p.id = s.position_id
			WHERE a.volunteer_id = ? ORDER BY s.starts_at, a.id`, v.ID)
		if err != nil {
			return nil, fmt.Errorf("store: export assignments: %w", err)
		}
		for rows.Next() {
			var a konullu.PersonalAssignment
			var start, end, in, out, created nullTime
			if err := rows.Scan(&a.ID, &a.Centre, &a.Position, &start, &end, &a.Status, &in, &out, &a.CreditedMinutes, &a.Note, &created); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: export assignments: %w", err)
			}
			a.StartsAt, a.EndsAt, a.CheckedInAt, a.CheckedOutAt, a.CreatedAt = start.Time, end.Time, in.ptr(), out.ptr(), created.Time
			p.Assignments = append(p.Assignments, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: export assignments: %w", err)
		}
	}

	tables, err := d.personalTables(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var key int64
		switch t.column {
		case "user_id":
			key = userID
		case "volunteer_id":
			key = u.VolunteerID
		}
		if key == 0 {
			continue
		}
		list, err := d.exportRows(ctx, t, key)
		if err != nil {
			return nil, err
		}
		if len(list) > 0 {
			p.Records[t.name] = append(p.Records[t.name], list...)
		}
	}
	return p, nil
}

// personalTable is a table with rows that belong to a user or a volunteer.
type personalTable struct {
	name, column string
}

// personalTables lists, from the database's catalogue, the tables with a
// user_id or volunteer_id column that the export does not handle by hand.
func (d *DB) personalTables(ctx context.Context) ([]personalTable, error) {
	var query string
	if d.dialect == Postgres {
		query = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name IN ('user_id', 'volunteer_id') ORDER BY table_name, column_name`
	} else {
		query = `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND p.name IN ('user_id', 'volunteer_id') ORDER BY m.name, p.name`
	}
	rows, err := d.query(ctx, d.db, query)
	if err != nil {
		return nil, fmt.Errorf("store: personal tables: %w", err)
	}
	defer rows.Close()
	var out []personalTable
	for rows.Next() {
		var t personalTable
		if err := rows.Scan(&t.name, &t.column); err != nil {
			return nil, fmt.Errorf("store: personal tables: %w", err)
		}
		if !slices.Contains(personalTablesByHand, t.name) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// secretColumn reports whether a column holds a secret that an export leaves out.
func secretColumn(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "token") || strings.Contains(n, "secret") || strings.HasSuffix(n, "_hash")
}

// exportRows reads a table's rows of one user or volunteer as column maps.
func (d *DB) exportRows(ctx context.Context, t personalTable, key int64) ([]map[string]any, error) {
	rows, err := d.query(ctx, d.db, `SELECT * FROM "`+t.name+`" WHERE "`+t.column+`" = ?`, key)
	if err != nil {
		return nil, fmt.Errorf("store: export %s: %w", t.name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("store: export %s: %w", t.name, err)
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("store: export %s: %w", t.name, err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			if secretColumn(c) {
				continue
			}
			switch v := vals[i].(type) {
			case []byte:
				if utf8.Valid(v) {
					row[c] = string(v)
				} else {
					row[c] = base64.StdEncoding.EncodeToString(v)
				}
			case time.Time:
				row[c] = v.UTC()
			default:
				row[c] = v
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// AnonymousName is the name of the rows that keep deleted volunteers' hours.
const AnonymousName = "Deleted volunteer"

// erased replaces what the audit trail held about a deleted account.
const erased = `{"erased":"account deleted"}`

// DeleteAccount erases a user's personal data in one transaction. The
// volunteer's places in shifts that have not started are given up (their
// waitlists move up); past and running assignments, with their hours, move
// to a new anonymous volunteer row that keeps only an age band's worth of
// the birth date, so that reports (hours, active volunteers, age bands) stay
// true. The audit trail forgets what it recorded about the account, and the
// account with everything that belongs to it is deleted.
func (d *DB) DeleteAccount(ctx context.Context, userID int64) (*konullu.DeletedAccount, error) {
	var res *konullu.DeletedAccount
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		res = &konullu.DeletedAccount{}
		now := d.now()
		var one int
		if err := d.queryRow(ctx, tx, `SELECT 1 FROM users WHERE id = ?`+d.forUpdate(), userID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return konullu.NotFound("account")
		} else if err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		var volunteerID int64
		err := d.queryRow(ctx, tx, `SELECT id FROM volunteers WHERE user_id = ?`+d.forUpdate(), userID).Scan(&volunteerID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: delete account: %w", err)
		}
		if volunteerID != 0 {
			if err := d.anonymiseVolunteer(ctx, tx, volunteerID, now, res); err != nil {
				return err
			}
		}
		if err := d.forgetInAudit(ctx, tx, userID, volunteerID); err != nil {
			return err
		}
		if _, err := d.exec(ctx, tx, `DELETE FROM users WHERE id = ?`, userID); err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// anonymiseVolunteer gives up the volunteer's future places and moves the
// rest of their assignments to a new anonymous volunteer row.
func (d *DB) anonymiseVolunteer(ctx context.Context, tx *sql.Tx, volunteerID int64, now time.Time, res *konullu.DeletedAccount) error {
	v, err := d.volunteer(ctx, tx, volunteerID)
	if err != nil {
		return err
	}
	type held struct {
		id, shift int64
		status    konullu.AssignmentStatus
		startsAt  time.Time
	}
	rows, err := d.query(ctx, tx, `SELECT a.id, a.shift_id, a.status, s.starts_at FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id = ? ORDER BY a.shift_id`, volunteerID)
	if err != nil {
		return fmt.Errorf("store: delete account: %w", err)
	}
	var list []held
	for rows.Next() {
		var h held
		var status string
		var start nullTime
		if err := rows.Scan(&h.id, &h.shift, &status, &start); err != nil {
			rows.Close()
			return fmt.Errorf("store: delete account: %w", err)
		}
		h.status, h.startsAt = konullu.AssignmentStatus(status), start.Time
		list = append(list, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: delete account: %w", err)
	}
	var keptDays []time.Time
	for _, h := range list {
		if h.status.Active() && h.startsAt.After(now) {
			// Shifts in id order: the same lock order as every other writer.
			s, err := d.lockShift(ctx, tx, h.shift)
			if err != nil {
				return err
			}
			if _, err := d.exec(ctx, tx, `UPDATE assignments SET status = 'CANCELLED', cancelled_by = 'ERASED', updated_at = ? WHERE id = ?`, now, h.id); err != nil {
				return fmt.Errorf("store: delete account: %w", err)
			}
			if err := d.closeOffers(ctx, tx, now, `assignment_id = ?`, h.id); err != nil {
				return err
			}
			if h.status.HoldsPlace() {
				if err := d.promote(ctx, tx, s, now); err != nil {
					return err
				}
			}
			res.Withdrawn++
			res.Shifts = append(res.Shifts, h.shift)
			continue
		}
		if h.status != konullu.AssignmentCancelled {
			keptDays = append(keptDays, h.startsAt)
		}
		res.KeptAssignments++
	}

	token := make([]byte, 12)
	rand.Read(token)
	var anonUser int64
	err = d.queryRow(ctx, tx, `INSERT INTO users (email, password_hash, created_at) VALUES (?, '', ?) RETURNING id`,
		"deleted-"+hex.EncodeToString(token)+"@anonymous.invalid", now).Scan(&anonUser)
	if err != nil {
		return fmt.Errorf("store: delete account: anonymous user: %w", err)
	}
	y, m, _ := v.CreatedAt.Date()
	joined := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) // the month is enough for retention figures
	err = d.queryRow(ctx, tx, `INSERT INTO volunteers (user_id, full_name, phone, city, birth_date, skills, languages, timezone, status, created_at, anonymised_at)
		VALUES (?, ?, '', '', ?, '[]', '[]', ?, 'SUSPENDED', ?, ?) RETURNING id`,
		anonUser, AnonymousName, dateArg(konullu.AnonymousBirthDate(v.BirthDate, keptDays)), konullu.DefaultTimezone, joined, now).Scan(&res.AnonymousVolunteerID)
	if err != nil {
		return fmt.Errorf("store: delete account: anonymous volunteer: %w", err)
	}
	// Notes are free text about the person; times and minutes are what reports need.
	if _, err := d.exec(ctx, tx, `UPDATE assignments SET volunteer_id = ?, note = '' WHERE volunteer_id = ?`, res.AnonymousVolunteerID, volunteerID); err != nil {
		return fmt.Errorf("store: delete account: move assignments: %w", err)
	}
	if _, err := d.exec(ctx, tx, `UPDATE hour_tallies SET volunteer_id = ? WHERE volunteer_id = ?`, res.AnonymousVolunteerID, volunteerID); err != nil {
		return fmt.Errorf("store: delete account: move tallies: %w", err)
	}
	return nil
}

// likeEscaper escapes a LIKE pattern's wildcards (ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// forgetInAudit erases what the audit trail recorded about an account: the
// before and after of the user and volunteer, the arguments of those
// actions and of the account's own actions (and of any naming its email),
// and the account as an actor.
func (d *DB) forgetInAudit(ctx context.Context, tx *sql.Tx, userID, volunteerID int64) error {
	const about = `(kind = 'User' AND object_id = ?) OR (kind = 'Volunteer' AND object_id = ?)`
	if _, err := d.exec(ctx, tx, `UPDATE audit_log SET arguments = ? WHERE id IN (SELECT audit_id FROM audit_changes WHERE `+about+`)`,
		erased, userID, volunteerID); err != nil {
		return fmt.Errorf("store: delete account: audit: %w", err)
	}
	if _, err := d.exec(ctx, tx, `UPDATE audit_changes SET before = CASE WHEN before IS NULL THEN NULL ELSE ? END,
		after = CASE WHEN after IS NULL THEN NULL ELSE ? END WHERE `+about, erased, erased, userID, volunteerID); err != nil {
		return fmt.Errorf("store: delete account: audit: %w", err)
	}
	// What the person did themselves (register, sign in, edit their profile)
	// holds their email, name and contact details in its arguments; so may a
	// sign-in that failed, made before the account was known.
	var email string
	if err := d.queryRow(ctx, tx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
		return fmt.Errorf("store: delete account: audit: %w", err)
	}
	quoted, _ := json.Marshal(strings.ToLower(email))
	if _, err := d.exec(ctx, tx, `UPDATE audit_log SET arguments = ? WHERE actor_user_id = ? OR LOWER(arguments) LIKE ? ESCAPE '\'`,
		erased, userID, "%"+likeEscaper.Replace(string(quoted))+"%"); err != nil {
		return fmt.Errorf("store: delete account: audit: %w", err)
	}
	if _, err := d.exec(ctx, tx, `UPDATE audit_log SET actor_user_id = NULL WHERE actor_user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: delete account: audit: %w", err)
	}
	return nil
}
