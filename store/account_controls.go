package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

var _ konullu.AccountStore = (*DB)(nil)

// PasswordHash returns the user's password hash.
func (d *DB) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var hash string
	err := d.queryRow(ctx, d.db, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", konullu.NotFound("user")
	}
	if err != nil {
		return "", fmt.Errorf("store: password hash: %w", err)
	}
	return hash, nil
}

// SetPassword replaces the password hash and ends the user's other sessions.
func (d *DB) SetPassword(ctx context.Context, userID int64, hash string, keep []byte) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		res, err := d.exec(ctx, tx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return konullu.NotFound("user")
		}
		_, err = d.endSessions(ctx, tx, userID, keep)
		return err
	})
}

// EndSessions ends every session of the user but keep.
func (d *DB) EndSessions(ctx context.Context, userID int64, keep []byte) (int, error) {
	return d.endSessions(ctx, d.db, userID, keep)
}

func (d *DB) endSessions(ctx context.Context, q queryer, userID int64, keep []byte) (int, error) {
	var res sql.Result
	var err error
	if keep == nil {
		res, err = d.exec(ctx, q, `DELETE FROM sessions WHERE user_id = ?`, userID)
	} else {
		res, err = d.exec(ctx, q, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep)
	}
	if err != nil {
		return 0, fmt.Errorf("store: end sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CreatePasswordReset stores a reset token's hash; older unused ones go.
func (d *DB) CreatePasswordReset(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.exec(ctx, tx, `DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL`, userID); err != nil {
			return fmt.Errorf("store: password reset: %w", err)
		}
		_, err := d.exec(ctx, tx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			tokenHash, userID, d.now(), expiresAt)
		if isForeignKeyViolation(err) {
			return konullu.NotFound("user")
		}
		if err != nil {
			return fmt.Errorf("store: password reset: %w", err)
		}
		return nil
	})
}

var errResetToken = &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "this reset link is invalid, used or expired; ask for a new one"}

// ResetPassword consumes a reset token and sets the password.
func (d *DB) ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (*konullu.User, error) {
	var userID int64
	var suspended bool
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var expires, used, susp nullTime
		err := d.queryRow(ctx, tx, `SELECT r.user_id, r.expires_at, r.used_at, u.suspended_at FROM password_resets r
			JOIN users u ON u.id = r.user_id WHERE r.token_hash = ?`+d.forUpdate(), tokenHash).Scan(&userID, &expires, &used, &susp)
		if errors.Is(err, sql.ErrNoRows) {
			return errResetToken
		}
		if err != nil {
			return fmt.Errorf("store: reset password: %w", err)
		}
		if used.Valid || !expires.Time.After(now) {
			return errResetToken
		}
		// Single use: the conditional update decides between two requests
		// racing with the same token.
		res, err := d.exec(ctx, tx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, now, tokenHash)
		if err != nil {
			return fmt.Errorf("store: reset password: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errResetToken
		}
		if suspended = susp.Valid; suspended {
			return nil // the token is spent; the password stays
		}
		if _, err := d.exec(ctx, tx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, userID); err != nil {
			return fmt.Errorf("store: reset password: %w", err)
		}
		_, err = d.endSessions(ctx, tx, userID, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	if suspended {
		return nil, errSuspended
	}
	return d.user(ctx, userID)
}

var errSuspended = &konullu.Error{Code: konullu.EFORBIDDEN, Message: "this account is suspended; an administrator can reactivate it"}

func (d *DB) user(ctx context.Context, id int64) (*konullu.User, error) {
	users, err := d.UsersByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if users[id] == nil {
		return nil, konullu.NotFound("user")
	}
	return users[id], nil
}

// otherActiveAdmins locks the rows of every admin account (PostgreSQL; SQLite
// transactions are IMMEDIATE and already serialised) and says how many
// are active (not suspended) other than userID, so that two admins
// suspending each other at once cannot leave nobody in charge.
func (d *DB) otherActiveAdmins(ctx context.Context, tx *sql.Tx, userID int64) (int, error) {
	rows, err := d.query(ctx, tx, `SELECT u.id, u.suspended_at FROM users u
		WHERE u.id IN (SELECT r.user_id FROM user_roles r WHERE r.role = 'ADMIN') ORDER BY u.id`+d.forUpdate())
	if err != nil {
		return 0, fmt.Errorf("store: admins: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var susp nullTime
		if err := rows.Scan(&id, &susp); err != nil {
			return 0, fmt.Errorf("store: admins: %w", err)
		}
		if id != userID && !susp.Valid {
			n++
		}
	}
	return n, rows.Err()
}

// userRole reports whether the user exists and holds the role, locking the user's row.
func (d *DB) userRole(ctx context.Context, tx *sql.Tx, userID int64, role konullu.Role) (exists, has bool, err error) {
	var n int
	err = d.queryRow(ctx, tx, `SELECT (SELECT COUNT(*) FROM user_roles WHERE user_id = u.id AND role = ?) FROM users u WHERE u.id = ?`+d.forUpdate(),
		string(role), userID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("store: user: %w", err)
	}
	return true, n > 0, nil
}

var errLastAdmin = &konullu.Error{Code: konullu.ECONFLICT, Message: "this is the last active administrator; make another administrator first", Field: "userId"}

// SuspendUser suspends the account and ends its sessions.
func (d *DB) SuspendUser(ctx context.Context, userID int64, reason string) (*konullu.User, error) {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		exists, admin, err := d.userRole(ctx, tx, userID, konullu.RoleAdmin)
		if err != nil {
			return err
		}
		if !exists {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "user not found", Field: "userId"}
		}
		if admin {
			n, err := d.otherActiveAdmins(ctx, tx, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return errLastAdmin
			}
		}
		if _, err := d.exec(ctx, tx, `UPDATE users SET suspended_at = COALESCE(suspended_at, ?), suspended_reason = ? WHERE id = ?`,
			d.now(), reason, userID); err != nil {
			return fmt.Errorf("store: suspend: %w", err)
		}
		// The session lookup refuses suspended accounts anyway; ending the
		// sessions means reactivation does not bring them back.
		_, err = d.endSessions(ctx, tx, userID, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d.user(ctx, userID)
}

// ReactivateUser lifts a suspension.
func (d *DB) ReactivateUser(ctx context.Context, userID int64) (*konullu.User, error) {
	res, err := d.exec(ctx, d.db, `UPDATE users SET suspended_at = NULL, suspended_reason = '' WHERE id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: reactivate: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "user not found", Field: "userId"}
	}
	return d.user(ctx, userID)
}

// RevokeRole takes a role (or some coordinated centres) from the user.
func (d *DB) RevokeRole(ctx context.Context, userID int64, role konullu.Role, centreIDs []int64) (*konullu.User, error) {
	if !konullu.ValidRole(role) {
		return nil, konullu.Invalid("role", "unknown role %q", role)
	}
	centreIDs = uniqueIDs(centreIDs)
	if role != konullu.RoleCoordinator && len(centreIDs) > 0 {
		return nil, konullu.Invalid("centreIds", "only the COORDINATOR role is scoped to centres")
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		exists, has, err := d.userRole(ctx, tx, userID, role)
		if err != nil {
			return err
		}
		if !exists {
			return &konullu.Error{Code: konullu.ENOTFOUND, Message: "user not found", Field: "userId"}
		}
		if !has {
			return nil // nothing to take
		}
		if role == konullu.RoleAdmin {
			n, err := d.otherActiveAdmins(ctx, tx, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return errLastAdmin
			}
		}
		if role == konullu.RoleCoordinator && len(centreIDs) > 0 {
			in, args := inList(centreIDs)
			if _, err := d.exec(ctx, tx, `DELETE FROM coordinator_centres WHERE user_id = ? AND centre_id IN (`+in+`)`,
				append([]any{userID}, args...)...); err != nil {
				return fmt.Errorf("store: revoke centres: %w", err)
			}
			var left int
			if err := d.queryRow(ctx, tx, `SELECT COUNT(*) FROM coordinator_centres WHERE user_id = ?`, userID).Scan(&left); err != nil {
				return fmt.Errorf("store: revoke centres: %w", err)
			}
			if left > 0 {
				return nil // still coordinates other centres
			}
		}
		if role == konullu.RoleCoordinator {
			if _, err := d.exec(ctx, tx, `DELETE FROM coordinator_centres WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("store: revoke centres: %w", err)
			}
		}
		if _, err := d.exec(ctx, tx, `DELETE FROM user_roles WHERE user_id = ? AND role = ?`, userID, string(role)); err != nil {
			return fmt.Errorf("store: revoke role: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.user(ctx, userID)
}

// FindUsers lists accounts, ordered by email. The search is matched in Go
// after a coarse SQL filter, so that it folds Azerbaijani and Cyrillic
// letters on SQLite too (see findVolunteersFolded).
func (d *DB) FindUsers(ctx context.Context, f konullu.UserFilter) ([]*konullu.User, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	where := []string{"(v.id IS NULL OR v.anonymised_at IS NULL)"} // not the rows that keep deleted accounts' hours
	var args []any
	if f.Suspended != nil {
		if *f.Suspended {
			where = append(where, "u.suspended_at IS NOT NULL")
		} else {
			where = append(where, "u.suspended_at IS NULL")
		}
	}
	if f.Role != "" {
		where, args = append(where, "u.id IN (SELECT r.user_id FROM user_roles r WHERE r.role = ?)"), append(args, string(f.Role))
	}
	search := strings.ToLower(strings.TrimSpace(f.Search))
	if search != "" {
		pat := "%" + strings.ReplaceAll(escapeLike(sqliteFoldPattern(search)), "\uFFFF", "_") + "%"
		where = append(where, `(u.email LIKE ? ESCAPE '\' OR v.full_name LIKE ? ESCAPE '\')`)
		if d.dialect == Postgres {
			where[len(where)-1] = `(u.email ILIKE ? ESCAPE '\' OR v.full_name ILIKE ? ESCAPE '\')`
		}
		args = append(args, pat, pat)
	}
	rows, err := d.query(ctx, d.db, `SELECT u.id, u.email, COALESCE(v.full_name, '') FROM users u
		LEFT JOIN volunteers v ON v.user_id = u.id WHERE `+strings.Join(where, " AND ")+` ORDER BY u.email, u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find users: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() && len(ids) < limit {
		var id int64
		var email, name string
		if err := rows.Scan(&id, &email, &name); err != nil {
			return nil, fmt.Errorf("store: find users: %w", err)
		}
		if search != "" && !strings.Contains(strings.ToLower(email), search) && !strings.Contains(strings.ToLower(name), search) {
			continue
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find users: %w", err)
	}
	rows.Close()
	m, err := d.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*konullu.User, 0, len(ids))
	for _, id := range ids {
		if u := m[id]; u != nil {
			slices.Sort(u.Roles)
			out = append(out, u)
		}
	}
	return out, nil
}
