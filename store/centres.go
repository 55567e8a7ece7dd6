package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/konullu/konullu"
)

// CreateCentre inserts a centre and sets its ID.
func (d *DB) CreateCentre(ctx context.Context, c *konullu.Centre) error {
	err := d.queryRow(ctx, d.db, `INSERT INTO centres (name, city, address, timezone, created_at, names, description, descriptions)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Name, c.City, c.Address, c.Timezone, d.now(), textMap(c.Names), c.Description, textMap(c.Descriptions)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("store: create centre: %w", err)
	}
	c.SelfCheckIn = true // no kiosk yet
	return nil
}

const centreColumns = `c.id, c.name, c.city, c.address, c.timezone, c.names, c.description, c.descriptions, c.archived_at, ` + selfCheckInExpr

func scanCentre(rows interface{ Scan(...any) error }) (*konullu.Centre, error) {
	c := &konullu.Centre{}
	var names, descs jsonTextMap
	var archived nullTime
	err := rows.Scan(&c.ID, &c.Name, &c.City, &c.Address, &c.Timezone, &names, &c.Description, &descs, &archived, &c.SelfCheckIn)
	c.Names, c.Descriptions, c.ArchivedAt = names, descs, archived.Time
	return c, err
}

// Centres returns every centre, by city then name.
func (d *DB) Centres(ctx context.Context) ([]*konullu.Centre, error) {
	rows, err := d.query(ctx, d.db, `SELECT `+centreColumns+` FROM centres c ORDER BY c.city, c.name, c.id`)
	if err != nil {
		return nil, fmt.Errorf("store: centres: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Centre
	for rows.Next() {
		c, err := scanCentre(rows)
		if err != nil {
			return nil, fmt.Errorf("store: centres: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CentresByIDs returns the centres with the given ids.
func (d *DB) CentresByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Centre, error) {
	out := map[int64]*konullu.Centre{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := d.query(ctx, d.db, `SELECT `+centreColumns+` FROM centres c WHERE c.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCentre(rows)
		if err != nil {
			return nil, fmt.Errorf("store: centres: %w", err)
		}
		out[c.ID] = c
	}
	return out, rows.Err()
}

// CreatePosition inserts a position and sets its ID.
func (d *DB) CreatePosition(ctx context.Context, p *konullu.Position) error {
	// Required skills are qualifications: those named are found or
	// created (without validity) and required.
	return d.inTx(ctx, func(tx *sql.Tx) error {
		err := d.queryRow(ctx, tx, `INSERT INTO positions (name, description, required_skills, minimum_age, created_at, names, descriptions)
			VALUES (?, ?, '[]', ?, ?, ?, ?) RETURNING id`,
			p.Name, p.Description, p.MinimumAge, d.now(), textMap(p.Names), textMap(p.Descriptions)).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("store: create position: %w", err)
		}
		ids, err := d.qualificationsNamed(ctx, tx, p.RequiredSkills)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := d.exec(ctx, tx, `INSERT INTO position_qualifications (position_id, qualification_id) VALUES (?, ?)`, p.ID, id); err != nil {
				return fmt.Errorf("store: create position: %w", err)
			}
		}
		if err := d.syncPositionQualifications(ctx, tx, p.ID); err != nil {
			return err
		}
		return d.queryRow(ctx, tx, `SELECT required_skills FROM positions WHERE id = ?`, p.ID).Scan((*jsonList)(&p.RequiredSkills))
	})
}

const positionColumns = `id, name, description, required_skills, minimum_age, names, descriptions, archived_at`

func scanPosition(rows interface{ Scan(...any) error }) (*konullu.Position, error) {
	p := &konullu.Position{}
	var skills jsonList
	var names, descs jsonTextMap
	var archived nullTime
	err := rows.Scan(&p.ID, &p.Name, &p.Description, &skills, &p.MinimumAge, &names, &descs, &archived)
	p.RequiredSkills = skills
	p.Names, p.Descriptions, p.ArchivedAt = names, descs, archived.Time
	if p.RequiredSkills == nil {
		p.RequiredSkills = []string{}
	}
	return p, err
}

// Positions returns every position by name.
func (d *DB) Positions(ctx context.Context) ([]*konullu.Position, error) {
	rows, err := d.query(ctx, d.db, `SELECT `+positionColumns+` FROM positions ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: positions: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Position
	for rows.Next() {
		p, err := scanPosition(rows)
		if err != nil {
			return nil, fmt.Errorf("store: positions: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PositionsByIDs returns the positions with the given ids.
func (d *DB) PositionsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Position, error) {
	out := map[int64]*konullu.Position{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := d.query(ctx, d.db, `SELECT `+positionColumns+` FROM positions WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: positions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPosition(rows)
		if err != nil {
			return nil, fmt.Errorf("store: positions: %w", err)
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}
