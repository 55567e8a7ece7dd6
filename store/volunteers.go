package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/konullu/konullu"
)

// volunteerSelect reads volunteers with their email and credited minutes
// (the sum over COMPLETED assignments of SERVICE shifts: training is
// credited apart; tallies are always recomputable).
const volunteerSelect = `SELECT ` + volunteerColumns + `,
	COALESCE((SELECT SUM(a.credited_minutes) FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id = v.id AND a.status = 'COMPLETED' AND s.kind = 'SERVICE'), 0)
	FROM volunteers v JOIN users u ON u.id = v.user_id`

// volunteersByIDSelect is volunteerSelect for a list of ids: each email is
// read by the user's primary key. With the join PostgreSQL hashed the whole
// users table to find a page's few dozen emails (15 of the 25 ms of the
// names on a week's calendar with 20,000 volunteers).
var volunteersByIDSelect = strings.Replace(strings.Replace(volunteerSelect,
	"u.email", "(SELECT u.email FROM users u WHERE u.id = v.user_id)", 1),
	"FROM volunteers v JOIN users u ON u.id = v.user_id", "FROM volunteers v", 1)

// volunteerColumns are the profile columns scanVolunteer reads before the
// credited minutes (volunteers v JOIN users u).
const volunteerColumns = `v.id, v.user_id, v.full_name, u.email, v.phone, v.city, v.birth_date, v.skills, v.languages,
	v.timezone, v.status, v.created_at, v.qualification_expiry`

func scanVolunteer(rows interface{ Scan(...any) error }) (*konullu.Volunteer, error) {
	v := &konullu.Volunteer{}
	var birth, created nullTime
	var skills, langs jsonList
	var status string
	var expiry expiryMap
	err := rows.Scan(&v.ID, &v.UserID, &v.FullName, &v.Email, &v.Phone, &v.City, &birth, &skills, &langs,
		&v.Timezone, &status, &created, &expiry, &v.TotalMinutes)
	v.QualificationExpiry = expiry
	v.BirthDate, v.CreatedAt, v.Status = birth.Time, created.Time, konullu.VolunteerStatus(status)
	v.Skills, v.Languages = nonNil(skills), nonNil(langs)
	return v, err
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// VolunteersByIDs returns the volunteers with the given ids.
func (d *DB) VolunteersByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Volunteer, error) {
	return d.volunteersByIDs(ctx, d.db, ids)
}

func (d *DB) volunteersByIDs(ctx context.Context, q queryer, ids []int64) (map[int64]*konullu.Volunteer, error) {
	out := map[int64]*konullu.Volunteer{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := d.query(ctx, q, volunteersByIDSelect+` WHERE v.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: volunteers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVolunteer(rows)
		if err != nil {
			return nil, fmt.Errorf("store: volunteers: %w", err)
		}
		out[v.ID] = v
	}
	return out, rows.Err()
}

func (d *DB) volunteer(ctx context.Context, q queryer, id int64) (*konullu.Volunteer, error) {
	m, err := d.volunteersByIDs(ctx, q, []int64{id})
	if err != nil {
		return nil, err
	}
	if v := m[id]; v != nil {
		return v, nil
	}
	return nil, konullu.NotFound("volunteer")
}

// ContactCentres returns, per volunteer, the centres whose coordinators may
// see the volunteer's contact details (konullu.VolunteerTies.ContactCentres):
// an active place in a published shift, or an attended one that ended within
// konullu.ContactWindow, taken before the shift began (a place recorded after
// the fact is a coordinator's claim, not a tie). A shift that ended longer ago
// gives nothing whatever its assignment's status.
func (d *DB) ContactCentres(ctx context.Context, volunteerIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	in, args := inList(volunteerIDs)
	args = append(args, d.now().Add(-konullu.ContactWindow))
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT a.volunteer_id, s.centre_id FROM assignments a
		JOIN shifts s ON s.id = a.shift_id
		WHERE a.volunteer_id IN (`+in+`) AND s.status = 'PUBLISHED'
			AND a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN', 'COMPLETED')
			AND s.ends_at > ? AND a.created_at < s.starts_at
		ORDER BY a.volunteer_id, s.centre_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: contact centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v, c int64
		if err := rows.Scan(&v, &c); err != nil {
			return nil, fmt.Errorf("store: contact centres: %w", err)
		}
		out[v] = append(out[v], c)
	}
	return out, rows.Err()
}

// ShiftMates returns which of the volunteers share a published shift with
// viewer: both hold a place in it that is not cancelled. A viewer whose
// account is not ACTIVE (PENDING, SUSPENDED) shares nothing.
func (d *DB) ShiftMates(ctx context.Context, viewer int64, volunteerIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 || viewer == 0 {
		return out, nil
	}
	in, args := inList(volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT other.volunteer_id FROM assignments mine
		JOIN volunteers me ON me.id = mine.volunteer_id AND me.status = 'ACTIVE'
		JOIN shifts s ON s.id = mine.shift_id AND s.status = 'PUBLISHED'
		JOIN assignments other ON other.shift_id = mine.shift_id AND other.status <> 'CANCELLED'
		WHERE mine.volunteer_id = ? AND mine.status <> 'CANCELLED' AND other.volunteer_id IN (`+in+`)`,
		append([]any{viewer}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: shift mates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: shift mates: %w", err)
		}
		out[v] = true
	}
	return out, rows.Err()
}

// UpdateProfile changes the given fields of a volunteer's profile.
func (d *DB) UpdateProfile(ctx context.Context, id int64, p konullu.ProfileUpdate) (*konullu.Volunteer, error) {
	var v *konullu.Volunteer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = d.volunteer(ctx, tx, id); err != nil {
			return err
		}
		if p.FullName != nil {
			v.FullName = *p.FullName
		}
		if p.Phone != nil {
			v.Phone = *p.Phone
		}
		if p.City != nil {
			v.City = *p.City
		}
		if p.Skills != nil {
			// Skills are the qualifications held: the list given is what
			// the volunteer holds from now on.
			if err := d.setHeldByNames(ctx, tx, id, *p.Skills, d.now()); err != nil {
				return err
			}
			if v, err = d.volunteer(ctx, tx, id); err != nil {
				return err
			}
		}
		if p.Languages != nil {
			v.Languages = *p.Languages
		}
		if p.Timezone != nil {
			v.Timezone = *p.Timezone
		}
		_, err = d.exec(ctx, tx, `UPDATE volunteers SET full_name = ?, phone = ?, city = ?, languages = ?, timezone = ? WHERE id = ?`,
			v.FullName, v.Phone, v.City, listJSON(v.Languages), v.Timezone, id)
		if err != nil {
			return fmt.Errorf("store: update profile: %w", err)
		}
		return nil
	})
	return v, err
}

// SetVolunteerSkills replaces a volunteer's skills (verified by a coordinator).
func (d *DB) SetVolunteerSkills(ctx context.Context, id int64, skills []string) (*konullu.Volunteer, error) {
	return d.UpdateProfile(ctx, id, konullu.ProfileUpdate{Skills: &skills})
}

// SetVolunteerStatus approves, suspends or reactivates a volunteer.
func (d *DB) SetVolunteerStatus(ctx context.Context, id int64, status konullu.VolunteerStatus) (*konullu.Volunteer, error) {
	res, err := d.exec(ctx, d.db, `UPDATE volunteers SET status = ? WHERE id = ?`, string(status), id)
	if err != nil {
		return nil, fmt.Errorf("store: set volunteer status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, konullu.NotFound("volunteer")
	}
	return d.volunteer(ctx, d.db, id)
}

// FindVolunteers returns a page of the volunteers that match f, ordered by
// full name then id, and the number of all that match (regardless of the
// page). Anonymised rows (deleted accounts' hours) are left out.
func (d *DB) FindVolunteers(ctx context.Context, f konullu.VolunteerFilter) ([]*konullu.Volunteer, int, error) {
	where := []string{"v.anonymised_at IS NULL"}
	var args []any
	if f.Status != "" {
		where = append(where, "v.status = ?")
		args = append(args, string(f.Status))
	}
	if f.NeedsGuardianConsent {
		// As konullu.NeedsGuardianConsent decides it: under AdultAge on
		// Now's date in Location (born after the day someone turning
		// AdultAge today was born), or of unknown age.
		where = append(where, "(v.birth_date IS NULL OR v.birth_date > ?)",
			"NOT EXISTS (SELECT 1 FROM guardian_consents g WHERE g.volunteer_id = v.id)")
		args = append(args, dateArg(konullu.BornOnOrBefore(f.Now, f.Location, konullu.AdultAge)))
	}
	if f.Email != "" {
		where = append(where, "v.user_id IN (SELECT id FROM users WHERE email = ?)")
		args = append(args, strings.ToLower(f.Email))
	}
	if f.PhoneDigits != "" {
		// The digits of the number on record, without its separators
		// (those cleanPhone allows).
		digits := "v.phone"
		for _, sep := range []string{" ", "-", "(", ")", ".", "+"} {
			digits = "REPLACE(" + digits + ", '" + sep + "', '')"
		}
		where = append(where, digits+` LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(f.PhoneDigits))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	if f.Search != "" {
		if d.dialect == SQLite {
			return d.findVolunteersFolded(ctx, f, where, args, limit)
		}
		// lower() follows the database's LC_CTYPE: with a UTF-8 locale
		// (C.UTF-8, en_US.UTF-8…) it folds Azerbaijani and Russian letters
		// too; under a plain "C" locale it would fold ASCII only.
		where = append(where, `lower(v.full_name) LIKE lower(?) ESCAPE '\'`)
		args = append(args, "%"+escapeLike(f.Search)+"%")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := d.queryRow(ctx, d.db, `SELECT COUNT(*) FROM volunteers v WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count volunteers: %w", err)
	}
	if f.After != nil {
		cond += " AND (v.full_name > ? OR v.full_name = ? AND v.id > ?)"
		args = append(args, f.After.FullName, f.After.FullName, f.After.ID)
	}
	args = append(args, limit)
	rows, err := d.query(ctx, d.db, volunteerSelect+` WHERE `+cond+` ORDER BY v.full_name, v.id LIMIT ?`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find volunteers: %w", err)
	}
	defer rows.Close()
	list := []*konullu.Volunteer{}
	for rows.Next() {
		v, err := scanVolunteer(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: find volunteers: %w", err)
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: find volunteers: %w", err)
	}
	return list, total, nil
}

// findVolunteersFolded is FindVolunteers with a search on SQLite, whose
// lower(), upper() and LIKE fold ASCII letters only (no Unicode-aware
// function is registered with the driver). SQL narrows the candidates with a
// pattern in which every letter that may differ by more than ASCII case is
// "_"; Go keeps the names that contain the search under strings.ToLower and
// pages them. Two statements, and a scan of the candidates' ids and names:
// fine at SQLite's scale.
func (d *DB) findVolunteersFolded(ctx context.Context, f konullu.VolunteerFilter, where []string, args []any, limit int) ([]*konullu.Volunteer, int, error) {
	search := strings.ToLower(f.Search)
	where = append(where, `v.full_name LIKE ? ESCAPE '\'`)
	args = append(args, "%"+strings.ReplaceAll(escapeLike(sqliteFoldPattern(search)), "\uFFFF", "_")+"%")
	rows, err := d.query(ctx, d.db, `SELECT v.id, v.full_name FROM volunteers v WHERE `+strings.Join(where, " AND ")+` ORDER BY v.full_name, v.id`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find volunteers: %w", err)
	}
	defer rows.Close()
	total := 0
	var page []int64
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, 0, fmt.Errorf("store: find volunteers: %w", err)
		}
		if !strings.Contains(strings.ToLower(name), search) {
			continue
		}
		total++
		if a := f.After; a != nil && (name < a.FullName || name == a.FullName && id <= a.ID) {
			continue
		}
		if len(page) < limit {
			page = append(page, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: find volunteers: %w", err)
	}
	rows.Close()
	m, err := d.volunteersByIDs(ctx, d.db, page)
	if err != nil {
		return nil, 0, err
	}
	list := make([]*konullu.Volunteer, 0, len(page))
	for _, id := range page {
		if v := m[id]; v != nil {
			list = append(list, v)
		}
	}
	return list, total, nil
}

// sqliteFoldPattern turns a lower-case search into one that SQLite's LIKE
// (ASCII case-insensitive) matches wherever strings.ToLower of the name
// contains the search: each rune that a non-ASCII rune lowers to (any
// non-ASCII rune; i from İ, k from the Kelvin sign) becomes "_", which
// matches any one character. strings.ToLower maps rune to rune, so lengths
// agree. The search's own % and _ are escaped afterwards, so the wildcard is
// put in as U+FFFF (a noncharacter) and replaced by "_" after escaping; Go
// checks every candidate, so a U+FFFF the user typed only widens the
// candidates.
func sqliteFoldPattern(lower string) string {
	return strings.Map(func(r rune) rune {
		if r >= utf8.RuneSelf || r == 'i' || r == 'k' {
			return 0xFFFF
		}
		return r
	}, lower)
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
