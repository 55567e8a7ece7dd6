package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// The catalogue's edits (catalogue.go of the domain): centres and positions
// changed field by field, archived once they have history, deleted only
// without it.

var _ konullu.CatalogueStore = (*DB)(nil)

// setClause collects "column = ?" pairs of an UPDATE.
type setClause struct {
	cols []string
	args []any
}

func (s *setClause) add(col string, v any) {
	s.cols = append(s.cols, col+" = ?")
	s.args = append(s.args, v)
}

func (s *setClause) sql() string { return strings.Join(s.cols, ", ") }

// UpdateCentre changes a centre's fields that are given.
func (d *DB) UpdateCentre(ctx context.Context, id int64, u konullu.CentreUpdate) (*konullu.Centre, error) {
	var set setClause
	if u.Name != nil {
		set.add("name", *u.Name)
	}
	if u.Names != nil {
		set.add("names", textMap(u.Names))
	}
	if u.Description != nil {
		set.add("description", *u.Description)
	}
	if u.Descriptions != nil {
		set.add("descriptions", textMap(u.Descriptions))
	}
	if u.City != nil {
		set.add("city", *u.City)
	}
	if u.Address != nil {
		set.add("address", *u.Address)
	}
	if u.Timezone != nil {
		set.add("timezone", *u.Timezone)
	}
	if len(set.cols) > 0 {
		res, err := d.exec(ctx, d.db, `UPDATE centres SET `+set.sql()+` WHERE id = ?`, append(set.args, id)...)
		if err != nil {
			return nil, fmt.Errorf("store: update centre: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, centreNotFound
		}
	}
	return d.centre(ctx, id)
}

var (
	centreNotFound   = &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "id"}
	positionNotFound = &konullu.Error{Code: konullu.ENOTFOUND, Message: "position not found", Field: "id"}
)

func (d *DB) centre(ctx context.Context, id int64) (*konullu.Centre, error) {
	m, err := d.CentresByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	c, ok := m[id]
	if !ok {
		return nil, centreNotFound
	}
	return c, nil
}

func (d *DB) position(ctx context.Context, id int64) (*konullu.Position, error) {
	m, err := d.PositionsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	p, ok := m[id]
	if !ok {
		return nil, positionNotFound
	}
	return p, nil
}

// UpdatePosition changes a position's fields that are given; required
// qualifications are replaced in the same transaction.
func (d *DB) UpdatePosition(ctx context.Context, id int64, u konullu.PositionUpdate) (*konullu.Position, error) {
	var set setClause
	if u.Name != nil {
		set.add("name", *u.Name)
	}
	if u.Names != nil {
		set.add("names", textMap(u.Names))
	}
	if u.Description != nil {
		set.add("description", *u.Description)
	}
	if u.Descriptions != nil {
		set.add("descriptions", textMap(u.Descriptions))
	}
	if u.MinimumAge != nil {
		set.add("minimum_age", *u.MinimumAge)
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM positions WHERE id = ?`+d.forUpdate(), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return positionNotFound
		}
		if err != nil {
			return fmt.Errorf("store: update position: %w", err)
		}
		if len(set.cols) > 0 {
			if _, err := d.exec(ctx, tx, `UPDATE positions SET `+set.sql()+` WHERE id = ?`, append(set.args, id)...); err != nil {
				return fmt.Errorf("store: update position: %w", err)
			}
		}
		if u.QualificationIDs != nil {
			return d.replacePositionQualifications(ctx, tx, id, *u.QualificationIDs, "requiredQualificationIds")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.position(ctx, id)
}

// SetCentreArchived archives a centre (refused while shifts are to come)
// or restores it.
func (d *DB) SetCentreArchived(ctx context.Context, id int64, archived bool, now time.Time) (*konullu.Centre, error) {
	if err := d.setArchived(ctx, "centres", "centre_id", id, archived, now); err != nil {
		return nil, err
	}
	return d.centre(ctx, id)
}

// SetPositionArchived archives a position (refused while shifts are to
// come) or restores it.
func (d *DB) SetPositionArchived(ctx context.Context, id int64, archived bool, now time.Time) (*konullu.Position, error) {
	if err := d.setArchived(ctx, "positions", "position_id", id, archived, now); err != nil {
		return nil, err
	}
	return d.position(ctx, id)
}

func (d *DB) setArchived(ctx context.Context, table, shiftColumn string, id int64, archived bool, now time.Time) error {
	notFound := centreNotFound
	if table == "positions" {
		notFound = positionNotFound
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM `+table+` WHERE id = ?`+d.forUpdate(), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return fmt.Errorf("store: archive: %w", err)
		}
		if !archived {
			_, err := d.exec(ctx, tx, `UPDATE `+table+` SET archived_at = NULL WHERE id = ?`, id)
			if err != nil {
				return fmt.Errorf("store: restore: %w", err)
			}
			return nil
		}
		// Shifts still to come would be left without a centre or position
		// anyone can find: they are cancelled (or moved) first.
		var coming int
		err = d.queryRow(ctx, tx, `SELECT COUNT(*) FROM shifts WHERE `+shiftColumn+` = ? AND status <> 'CANCELLED' AND ends_at > ?`, id, now).Scan(&coming)
		if err != nil {
			return fmt.Errorf("store: archive: %w", err)
		}
		if coming > 0 {
			return &konullu.Error{Code: konullu.ECONFLICT, Field: "id",
				Message:    fmt.Sprintf("%d shifts still to come; cancel them before archiving", coming),
				Extensions: map[string]any{"comingShifts": coming}}
		}
		// COALESCE: archiving again keeps the first date.
		if _, err := d.exec(ctx, tx, `UPDATE `+table+` SET archived_at = COALESCE(archived_at, ?) WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("store: archive: %w", err)
		}
		return nil
	})
}

// DeleteCentre deletes a centre no shift has used (its coordinators' roles,
// kiosks and preferences go with it); otherwise CONFLICT (HAS_HISTORY).
func (d *DB) DeleteCentre(ctx context.Context, id int64) error {
	return d.deleteUnused(ctx, "centres", "centre_id", id, centreNotFound)
}

// DeletePosition deletes a position no shift has used; otherwise CONFLICT
// (HAS_HISTORY).
func (d *DB) DeletePosition(ctx context.Context, id int64) error {
	return d.deleteUnused(ctx, "positions", "position_id", id, positionNotFound)
}

func (d *DB) deleteUnused(ctx context.Context, table, shiftColumn string, id int64, notFound error) error {
	hasHistory := &konullu.Error{Code: konullu.ECONFLICT, Field: "id",
		Message:    "it has shifts in its history; archive it instead",
		Extensions: map[string]any{"reason": konullu.ReasonHasHistory}}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM `+table+` WHERE id = ?`+d.forUpdate(), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return fmt.Errorf("store: delete: %w", err)
		}
		var used int
		if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM (SELECT 1 FROM shifts WHERE `+shiftColumn+` = ? LIMIT 1) s`, id).Scan(&used); err != nil {
			return fmt.Errorf("store: delete: %w", err)
		}
		if used > 0 {
			return hasHistory
		}
		_, err = d.exec(ctx, tx, `DELETE FROM `+table+` WHERE id = ?`, id)
		if isForeignKeyViolation(err) {
			// A shift created meanwhile (PostgreSQL), or a row of a later
			// feature that keeps its history.
			return hasHistory
		}
		if err != nil {
			return fmt.Errorf("store: delete: %w", err)
		}
		return nil
	})
}
