package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// CreateAccount creates a user with the VOLUNTEER role and its volunteer profile.
func (d *DB) CreateAccount(ctx context.Context, a konullu.NewAccount) (*konullu.User, error) {
	now := d.now()
	var u *konullu.User
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var userID, volID int64
		err := d.queryRow(ctx, tx, `INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?) RETURNING id`,
			a.Email, a.PasswordHash, now).Scan(&userID)
		if isUniqueViolation(err) {
			return &konullu.Error{Code: konullu.ECONFLICT, Message: "an account with this email already exists", Field: "email"}
		}
		if err != nil {
			return fmt.Errorf("store: insert user: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO user_roles (user_id, role) VALUES (?, 'VOLUNTEER')`, userID); err != nil {
			return fmt.Errorf("store: insert role: %w", err)
		}
		status := a.Status
		if status == "" {
			status = konullu.VolunteerActive
		}
		err = d.queryRow(ctx, tx, `INSERT INTO volunteers (user_id, full_name, phone, city, birth_date, skills, languages, timezone, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			userID, a.FullName, a.Phone, a.City, dateArg(a.BirthDate), listJSON(a.Skills), listJSON(a.Languages),
			konullu.DefaultTimezone, string(status), now).Scan(&volID)
		if err != nil {
			return fmt.Errorf("store: insert volunteer: %w", err)
		}
		if len(a.Skills) > 0 {
			if err := d.setHeldByNames(ctx, tx, volID, a.Skills, now); err != nil {
				return err
			}
		}
		u = &konullu.User{ID: userID, Email: a.Email, Roles: []konullu.Role{konullu.RoleVolunteer}, VolunteerID: volID, CreatedAt: now.UTC()}
		return nil
	})
	return u, err
}

// Credentials returns the user id and password hash of an email address
// (compared case-insensitively); NOT_FOUND when there is no such account.
func (d *DB) Credentials(ctx context.Context, email string) (int64, string, error) {
	var id int64
	var hash string
	err := d.queryRow(ctx, d.db, `SELECT id, password_hash FROM users WHERE lower(email) = lower(?)`, email).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", konullu.NotFound("account")
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: credentials: %w", err)
	}
	return id, hash, nil
}

// UsersByIDs returns users with their roles, volunteer profile and coordinated centres.
func (d *DB) UsersByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.User, error) {
	ids = uniqueIDs(ids)
	out := make(map[int64]*konullu.User, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := d.query(ctx, d.db, `SELECT u.id, u.email, u.created_at, COALESCE(v.id, 0), u.suspended_at, u.suspended_reason FROM users u
		LEFT JOIN volunteers v ON v.user_id = u.id WHERE u.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u := &konullu.User{}
		var created, suspended nullTime
		if err := rows.Scan(&u.ID, &u.Email, &created, &u.VolunteerID, &suspended, &u.SuspendedReason); err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		u.CreatedAt, u.SuspendedAt = created.Time, suspended.Time
		out[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	if err := d.loadRoles(ctx, d.db, ids, func(id int64, r konullu.Role) {
		if u := out[id]; u != nil {
			u.Roles = append(u.Roles, r)
		}
	}, func(id, centre int64) {
		if u := out[id]; u != nil {
			u.CentreIDs = append(u.CentreIDs, centre)
		}
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// loadRoles reads roles and coordinated centres of the users in two statements.
func (d *DB) loadRoles(ctx context.Context, q queryer, ids []int64, role func(int64, konullu.Role), centre func(int64, int64)) error {
	in, args := inList(ids)
	rows, err := d.query(ctx, q, `SELECT user_id, role FROM user_roles WHERE user_id IN (`+in+`) ORDER BY user_id, role`, args...)
	if err != nil {
		return fmt.Errorf("store: roles: %w", err)
	}
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			rows.Close()
			return fmt.Errorf("store: roles: %w", err)
		}
		role(id, konullu.Role(r))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: roles: %w", err)
	}
	rows, err = d.query(ctx, q, `SELECT user_id, centre_id FROM coordinator_centres WHERE user_id IN (`+in+`) ORDER BY user_id, centre_id`, args...)
	if err != nil {
		return fmt.Errorf("store: coordinated centres: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, c int64
		if err := rows.Scan(&id, &c); err != nil {
			return fmt.Errorf("store: coordinated centres: %w", err)
		}
		centre(id, c)
	}
	return rows.Err()
}

// CreateSession stores the hash of a new session token.
func (d *DB) CreateSession(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error {
	_, err := d.exec(ctx, d.db, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, d.now(), expiresAt)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionViewer returns the viewer of a session token hash; UNAUTHENTICATED
// when the session is unknown, revoked or expired, or its account suspended.
// It reads roles, centres and suspension from the database on every call,
// so an admin's change reaches every instance with the next request.
func (d *DB) SessionViewer(ctx context.Context, tokenHash []byte) (*konullu.Viewer, error) {
	// One statement: every authenticated request starts here. Roles and
	// coordinated centres come as comma-separated lists (string_agg exists in
	// PostgreSQL and in SQLite since 3.44).
	v := &konullu.Viewer{}
	var expires nullTime
	var roles, centres string
	err := d.queryRow(ctx, d.db, `SELECT s.user_id, s.expires_at, COALESCE(v.id, 0),
		COALESCE((SELECT string_agg(r.role, ',') FROM user_roles r WHERE r.user_id = s.user_id), ''),
		COALESCE((SELECT string_agg(CAST(c.centre_id AS TEXT), ',') FROM coordinator_centres c WHERE c.user_id = s.user_id), '')
		FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN volunteers v ON v.user_id = s.user_id
		WHERE s.token_hash = ? AND u.suspended_at IS NULL`, tokenHash).
		Scan(&v.UserID, &expires, &v.VolunteerID, &roles, &centres)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !expires.Time.After(d.now()) {
		return nil, &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "the session has expired or was revoked; sign in again"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			v.Roles = append(v.Roles, konullu.Role(r))
		}
	}
	slices.Sort(v.Roles)
	for _, c := range strings.Split(centres, ",") {
		if c == "" {
			continue
		}
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: session: centre id %q: %w", c, err)
		}
		v.CentreIDs = append(v.CentreIDs, id)
	}
	slices.Sort(v.CentreIDs)
	return v, nil
}

// DeleteSession revokes a session.
func (d *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := d.exec(ctx, d.db, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// GrantRole gives a user a role. For COORDINATOR, centreIDs are added to the
// centres the user coordinates (at least one is required).
func (d *DB) GrantRole(ctx context.Context, userID int64, role konullu.Role, centreIDs []int64) (*konullu.User, error) {
	if !konullu.ValidRole(role) {
		return nil, konullu.Invalid("role", "unknown role %q", role)
	}
	centreIDs = uniqueIDs(centreIDs)
	if role == konullu.RoleCoordinator && len(centreIDs) == 0 {
		return nil, konullu.Invalid("centreIds", "a coordinator needs at least one centre")
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := d.queryRow(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return konullu.NotFound("user")
		}
		if err != nil {
			return fmt.Errorf("store: grant role: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, string(role)); err != nil {
			return fmt.Errorf("store: grant role: %w", err)
		}
		if role != konullu.RoleCoordinator {
			return nil
		}
		for _, c := range centreIDs {
			_, err := d.exec(ctx, tx, `INSERT INTO coordinator_centres (user_id, centre_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, c)
			if isForeignKeyViolation(err) {
				return &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreIds"}
			}
			if err != nil {
				return fmt.Errorf("store: grant centre: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	users, err := d.UsersByIDs(ctx, []int64{userID})
	if err != nil {
		return nil, err
	}
	return users[userID], nil
}

// EnsureAdmin creates the bootstrap administrator unless an account with the
// email exists; an existing account is given the ADMIN role but keeps its password.
//
// Instances starting together may race to create it: the one whose insert
// meets the other's row reads it on a second try instead of failing to start.
func (d *DB) EnsureAdmin(ctx context.Context, email, passwordHash string) (bool, error) {
	created, err := d.ensureAdmin(ctx, email, passwordHash)
	if isUniqueViolation(err) {
		created, err = d.ensureAdmin(ctx, email, passwordHash)
	}
	return created, err
}

func (d *DB) ensureAdmin(ctx context.Context, email, passwordHash string) (bool, error) {
	created := false
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := d.queryRow(ctx, tx, `SELECT id FROM users WHERE lower(email) = lower(?)`, email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = d.queryRow(ctx, tx, `INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?) RETURNING id`,
				email, passwordHash, d.now()).Scan(&id)
			created = true
		}
		if err != nil {
			return fmt.Errorf("store: ensure admin: %w", err)
		}
		_, err = d.exec(ctx, tx, `INSERT INTO user_roles (user_id, role) VALUES (?, 'ADMIN') ON CONFLICT DO NOTHING`, id)
		if err != nil {
			return fmt.Errorf("store: ensure admin: %w", err)
		}
		return nil
	})
	return created, err
}
