package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/konullu/konullu"
)

// volunteerSelect reads volunteers with their email and credited minutes
// (the sum over COMPLETED assignments: tallies are always recomputable).
const volunteerSelect = `SELECT v.id, v.user_id, v.full_name, u.email, v.phone, v.city, v.birth_date, v.skills, v.languages,
	v.timezone, v.status, v.created_at,
	COALESCE((SELECT SUM(a.credited_minutes) FROM assignments a WHERE a.volunteer_id = v.id AND a.status = 'COMPLETED'), 0)
	FROM volunteers v JOIN users u ON u.id = v.user_id`

func scanVolunteer(rows interface{ Scan(...any) error }) (*konullu.Volunteer, error) {
	v := &konullu.Volunteer{}
	var birth, created nullTime
	var skills, langs jsonList
	var status string
	err := rows.Scan(&v.ID, &v.UserID, &v.FullName, &v.Email, &v.Phone, &v.City, &birth, &skills, &langs,
		&v.Timezone, &status, &created, &v.TotalMinutes)
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
	rows, err := d.query(ctx, q, volunteerSelect+` WHERE v.id IN (`+in+`)`, args...)
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

// VolunteerCentres returns, per volunteer, the centres of the shifts they
// hold or held an assignment in (any status): their coordinators may contact them.
func (d *DB) VolunteerCentres(ctx context.Context, volunteerIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if volunteerIDs = uniqueIDs(volunteerIDs); len(volunteerIDs) == 0 {
		return out, nil
	}
	in, args := inList(volunteerIDs)
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT a.volunteer_id, s.centre_id FROM assignments a
		JOIN shifts s ON s.id = a.shift_id WHERE a.volunteer_id IN (`+in+`) ORDER BY a.volunteer_id, s.centre_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: volunteer centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v, c int64
		if err := rows.Scan(&v, &c); err != nil {
			return nil, fmt.Errorf("store: volunteer centres: %w", err)
		}
		out[v] = append(out[v], c)
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
			v.Skills = *p.Skills
		}
		if p.Languages != nil {
			v.Languages = *p.Languages
		}
		if p.Timezone != nil {
			v.Timezone = *p.Timezone
		}
		_, err = d.exec(ctx, tx, `UPDATE volunteers SET full_name = ?, phone = ?, city = ?, skills = ?, languages = ?, timezone = ? WHERE id = ?`,
			v.FullName, v.Phone, v.City, listJSON(v.Skills), listJSON(v.Languages), v.Timezone, id)
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
