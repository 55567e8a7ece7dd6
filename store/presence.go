package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/konullu/konullu"
)

var _ konullu.PresenceStore = (*DB)(nil)

const kioskColumns = `id, centre_id, name, COALESCE(created_by, 0), created_at, revoked_at`

func scanKiosk(row interface{ Scan(...any) error }) (*konullu.Kiosk, error) {
	k := &konullu.Kiosk{}
	var created, revoked nullTime
	err := row.Scan(&k.ID, &k.CentreID, &k.Name, &k.CreatedBy, &created, &revoked)
	k.CreatedAt, k.RevokedAt = created.Time, revoked.ptr()
	return k, err
}

// CreateKiosk stores a kiosk with the hash of its token and sets its ID
// and CreatedAt.
func (d *DB) CreateKiosk(ctx context.Context, k *konullu.Kiosk, tokenHash []byte) error {
	k.CreatedAt = d.now()
	var by any
	if k.CreatedBy != 0 {
		by = k.CreatedBy
	}
	err := d.queryRow(ctx, d.db, `INSERT INTO kiosks (centre_id, name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		k.CentreID, k.Name, tokenHash, by, k.CreatedAt).Scan(&k.ID)
	if isForeignKeyViolation(err) {
		return konullu.NotFound("centre")
	}
	if err != nil {
		return fmt.Errorf("store: create kiosk: %w", err)
	}
	return nil
}

var errKioskToken = &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "this kiosk token is unknown or was revoked; ask a coordinator for a new one"}

// KioskByTokenHash returns the live kiosk of a token.
func (d *DB) KioskByTokenHash(ctx context.Context, tokenHash []byte) (*konullu.Kiosk, error) {
	k, err := scanKiosk(d.queryRow(ctx, d.db, `SELECT `+kioskColumns+` FROM kiosks WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errKioskToken
	}
	if err != nil {
		return nil, fmt.Errorf("store: kiosk: %w", err)
	}
	return k, nil
}

// Kiosk returns a kiosk by id.
func (d *DB) Kiosk(ctx context.Context, id int64) (*konullu.Kiosk, error) {
	k, err := scanKiosk(d.queryRow(ctx, d.db, `SELECT `+kioskColumns+` FROM kiosks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, konullu.NotFound("kiosk")
	}
	if err != nil {
		return nil, fmt.Errorf("store: kiosk: %w", err)
	}
	return k, nil
}

// KiosksOfCentres returns the kiosks of each centre, newest first, revoked ones too.
func (d *DB) KiosksOfCentres(ctx context.Context, centreIDs []int64) (map[int64][]*konullu.Kiosk, error) {
	out := map[int64][]*konullu.Kiosk{}
	if centreIDs = uniqueIDs(centreIDs); len(centreIDs) == 0 {
		return out, nil
	}
	in, args := inList(centreIDs)
	rows, err := d.query(ctx, d.db, `SELECT `+kioskColumns+` FROM kiosks WHERE centre_id IN (`+in+`) ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: kiosks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanKiosk(rows)
		if err != nil {
			return nil, fmt.Errorf("store: kiosks: %w", err)
		}
		out[k.CentreID] = append(out[k.CentreID], k)
	}
	return out, rows.Err()
}

// RevokeKiosk revokes a kiosk; its token stops working at once.
func (d *DB) RevokeKiosk(ctx context.Context, id int64) (*konullu.Kiosk, error) {
	if _, err := d.exec(ctx, d.db, `UPDATE kiosks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, d.now(), id); err != nil {
		return nil, fmt.Errorf("store: revoke kiosk: %w", err)
	}
	return d.Kiosk(ctx, id)
}

// KioskCentres returns the centres with a kiosk that is not revoked.
func (d *DB) KioskCentres(ctx context.Context) ([]int64, error) {
	rows, err := d.query(ctx, d.db, `SELECT DISTINCT centre_id FROM kiosks WHERE revoked_at IS NULL ORDER BY centre_id`)
	if err != nil {
		return nil, fmt.Errorf("store: kiosk centres: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: kiosk centres: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// selfCheckInExpr is whether volunteers may check themselves in at centre
// c: its setting, or by default until it has a kiosk (revoked ones count:
// a centre that had kiosks chose them).
const selfCheckInExpr = `COALESCE(c.self_check_in, NOT EXISTS (SELECT 1 FROM kiosks k WHERE k.centre_id = c.id))`

// SelfCheckIn says for each centre whether volunteers may check themselves in.
func (d *DB) SelfCheckIn(ctx context.Context, centreIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if centreIDs = uniqueIDs(centreIDs); len(centreIDs) == 0 {
		return out, nil
	}
	in, args := inList(centreIDs)
	rows, err := d.query(ctx, d.db, `SELECT c.id, `+selfCheckInExpr+` FROM centres c WHERE c.id IN (`+in+`)`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("store: self check-in: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var ok bool
		if err := rows.Scan(&id, &ok); err != nil {
			return nil, fmt.Errorf("store: self check-in: %w", err)
		}
		out[id] = ok
	}
	return out, rows.Err()
}

// SetSelfCheckIn records whether volunteers may check themselves in at a centre.
func (d *DB) SetSelfCheckIn(ctx context.Context, centreID int64, allowed bool) error {
	var v any = allowed
	if d.dialect == SQLite {
		v = 0
		if allowed {
			v = 1
		}
	}
	res, err := d.exec(ctx, d.db, `UPDATE centres SET self_check_in = ? WHERE id = ?`, v, centreID)
	if err != nil {
		return fmt.Errorf("store: set self check-in: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return konullu.NotFound("centre")
	}
	return nil
}

// CheckInWithProof checks an assignment in and records how presence was
// proven, under the shift's lock like every change of its assignments.
func (d *DB) CheckInWithProof(ctx context.Context, c konullu.CheckIn) (*konullu.Assignment, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.now()
		s, a, err := d.lockAssignment(ctx, tx, c.AssignmentID)
		if err != nil {
			return err
		}
		if c.UsedWindow != 0 {
			// The personal code is spent even when the volunteer was checked
			// in already: a code is good for one scan.
			_, err := d.exec(ctx, tx, `INSERT INTO used_checkin_codes (volunteer_id, code_window, used_at) VALUES (?, ?, ?)`,
				a.VolunteerID, c.UsedWindow, now)
			if isUniqueViolation(err) {
				return konullu.Errorf(konullu.ECODEEXPIRED, "this code was scanned already; ask the volunteer to show the new one")
			}
			if err != nil {
				return fmt.Errorf("store: use check-in code: %w", err)
			}
		}
		if c.Again && a.Status == konullu.AssignmentCheckedIn {
			return nil
		}
		if err := d.rules.CheckCheckIn(now, &s.Shift, a); err != nil {
			return err
		}
		if c.SelfCheckInOnly {
			var ok bool
			if err := d.queryRow(ctx, tx, `SELECT `+selfCheckInExpr+` FROM centres c WHERE c.id = ?`, s.CentreID).Scan(&ok); err != nil {
				return fmt.Errorf("store: self check-in: %w", err)
			}
			if !ok {
				return konullu.Errorf(konullu.ESELFCHECKINOFF, "this centre checks volunteers in at its kiosk: scan the code on the screen at the door, or ask the coordinator")
			}
		}
		_, err = d.exec(ctx, tx, `UPDATE assignments SET status = 'CHECKED_IN', checked_in_at = ?, presence = ?, updated_at = ? WHERE id = ?`,
			now, string(c.Proof), now, c.AssignmentID)
		if err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.assignment(ctx, d.db, c.AssignmentID)
}

// ServerSecret returns the named secret, made of size random bytes by the
// first instance that asks; instances asking at once all get the one kept.
func (d *DB) ServerSecret(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: server secret: %w", err)
	}
	if _, err := d.exec(ctx, d.db, `INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		name, fresh, d.now()); err != nil {
		return nil, fmt.Errorf("store: server secret: %w", err)
	}
	var secret []byte
	if err := d.queryRow(ctx, d.db, `SELECT secret FROM server_secrets WHERE name = ?`, name).Scan(&secret); err != nil {
		return nil, fmt.Errorf("store: server secret: %w", err)
	}
	return secret, nil
}
