package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/konullu/konullu"
)

var _ konullu.AuditStore = (*DB)(nil)

// RecordAudit appends an entry to the audit trail, with the objects it
// touched. An entry without an outcome is recorded as DONE.
func (d *DB) RecordAudit(ctx context.Context, e *konullu.AuditEntry) error {
	if e.At.IsZero() {
		e.At = d.now()
	}
	if e.Outcome == "" {
		e.Outcome = konullu.AuditDone
	}
	roles := make([]string, len(e.ActorRoles))
	for i, r := range e.ActorRoles {
		roles[i] = string(r)
	}
	args := string(e.Arguments)
	if args == "" {
		args = "{}"
	}
	var actor any
	if e.ActorUserID != 0 {
		actor = e.ActorUserID
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		err := d.queryRow(ctx, tx, `INSERT INTO audit_log (at, actor_user_id, actor_roles, action, arguments, request_id, outcome, error_code)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.At, actor, listJSON(roles), e.Action, args, e.RequestID,
			string(e.Outcome), e.ErrorCode).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("store: record audit: %w", err)
		}
		return d.putAuditChanges(ctx, tx, e.ID, e.Changes)
	})
}

// CompleteAudit records how an entry written ahead (PENDING) ended: its
// outcome and error code, its actor when it had none (an anonymous request
// that signed in as e.ActorUserID), and its changes as e.Changes lists them. The
// before state the entry already holds is kept; changes it holds that are
// not listed (objects the action named but left as they were) are removed.
func (d *DB) CompleteAudit(ctx context.Context, e *konullu.AuditEntry) error {
	if e.ID == 0 || e.Outcome == "" {
		return fmt.Errorf("store: complete audit: entry %d without id or outcome", e.ID)
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var actor any // the account an anonymous sign-in opened, when e names one
		if e.ActorUserID != 0 {
			actor = e.ActorUserID
		}
		res, err := d.exec(ctx, tx, `UPDATE audit_log SET outcome = ?, error_code = ?, actor_user_id = COALESCE(actor_user_id, ?) WHERE id = ?`,
			string(e.Outcome), e.ErrorCode, actor, e.ID)
		if err != nil {
			return fmt.Errorf("store: complete audit: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("store: complete audit: no entry %d", e.ID)
		}
		type key struct {
			kind string
			id   int64
		}
		keep := map[key]bool{}
		for _, c := range e.Changes {
			keep[key{c.Kind, c.ID}] = true
		}
		rows, err := d.query(ctx, tx, `SELECT kind, object_id FROM audit_changes WHERE audit_id = ?`, e.ID)
		if err != nil {
			return fmt.Errorf("store: complete audit: %w", err)
		}
		var drop []key
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.kind, &k.id); err != nil {
				rows.Close()
				return fmt.Errorf("store: complete audit: %w", err)
			}
			if !keep[k] {
				drop = append(drop, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: complete audit: %w", err)
		}
		for _, k := range drop {
			if _, err := d.exec(ctx, tx, `DELETE FROM audit_changes WHERE audit_id = ? AND kind = ? AND object_id = ?`, e.ID, k.kind, k.id); err != nil {
				return fmt.Errorf("store: complete audit: %w", err)
			}
		}
		return d.putAuditChanges(ctx, tx, e.ID, e.Changes)
	})
}

// putAuditChanges adds an entry's changes; for an object the entry already
// holds, only its after state is replaced.
func (d *DB) putAuditChanges(ctx context.Context, tx *sql.Tx, auditID int64, changes []konullu.AuditChange) error {
	for _, c := range changes {
		_, err := d.exec(ctx, tx, `INSERT INTO audit_changes (audit_id, kind, object_id, before, after) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (audit_id, kind, object_id) DO UPDATE SET after = excluded.after`,
			auditID, c.Kind, c.ID, rawOrNull(c.Before), rawOrNull(c.After))
		if err != nil {
			return fmt.Errorf("store: record audit change: %w", err)
		}
	}
	return nil
}

func rawOrNull(r json.RawMessage) any {
	if len(r) == 0 || string(r) == "null" {
		return nil
	}
	return string(r)
}

// AuditEntries returns audit entries matching the filter, newest first.
func (d *DB) AuditEntries(ctx context.Context, f konullu.AuditFilter) ([]*konullu.AuditEntry, error) {
	var where []string
	var args []any
	if f.ActorUserID != 0 {
		where, args = append(where, `l.actor_user_id = ?`), append(args, f.ActorUserID)
	}
	if f.Action != "" {
		where, args = append(where, `l.action = ?`), append(args, f.Action)
	}
	objects := f.Objects
	if f.Kind != "" && f.ObjectID != 0 {
		objects = append(slices.Clone(objects), konullu.AuditObjectRef{Kind: f.Kind, ID: f.ObjectID})
	}
	if len(objects) > 0 {
		// Changed: the entry's changes hold it; named: its arguments hold
		// the object's id as a JSON string.
		var changed, named []string
		var changedArgs, namedArgs []any
		for _, o := range objects {
			changed, changedArgs = append(changed, `(kind = ? AND object_id = ?)`), append(changedArgs, o.Kind, o.ID)
			if o.Named != "" {
				named, namedArgs = append(named, `l.arguments LIKE ? ESCAPE '\'`), append(namedArgs, `%"`+escapeLike(o.Named)+`"%`)
			}
		}
		cond := `l.id IN (SELECT audit_id FROM audit_changes WHERE ` + strings.Join(changed, ` OR `) + `)`
		if len(named) > 0 {
			cond = `(` + cond + ` OR ` + strings.Join(named, ` OR `) + `)`
		}
		where, args = append(where, cond), append(append(args, changedArgs...), namedArgs...)
	}
	if !f.From.IsZero() {
		where, args = append(where, `l.at >= ?`), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, `l.at < ?`), append(args, f.To)
	}
	if f.Before > 0 {
		where, args = append(where, `l.id < ?`), append(args, f.Before)
	}
	query := `SELECT l.id, l.at, COALESCE(l.actor_user_id, 0), l.actor_roles, l.action, l.arguments, l.request_id, l.outcome, l.error_code FROM audit_log l`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	query += fmt.Sprintf(` ORDER BY l.id DESC LIMIT %d`, limit)
	rows, err := d.query(ctx, d.db, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	var out []*konullu.AuditEntry
	byID := map[int64]*konullu.AuditEntry{}
	for rows.Next() {
		e := &konullu.AuditEntry{}
		var at nullTime
		var roles jsonList
		var arguments, outcome string
		if err := rows.Scan(&e.ID, &at, &e.ActorUserID, &roles, &e.Action, &arguments, &e.RequestID, &outcome, &e.ErrorCode); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: audit entries: %w", err)
		}
		e.At, e.Arguments, e.Outcome = at.Time, json.RawMessage(arguments), konullu.AuditOutcome(outcome)
		for _, r := range roles {
			e.ActorRoles = append(e.ActorRoles, konullu.Role(r))
		}
		out = append(out, e)
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, e := range out {
		ids[i] = e.ID
	}
	in, inArgs := inList(ids)
	rows, err = d.query(ctx, d.db, `SELECT audit_id, kind, object_id, before, after FROM audit_changes WHERE audit_id IN (`+in+`)
		ORDER BY audit_id, kind, object_id`, inArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: audit changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c konullu.AuditChange
		var before, after sql.NullString
		if err := rows.Scan(&id, &c.Kind, &c.ID, &before, &after); err != nil {
			return nil, fmt.Errorf("store: audit changes: %w", err)
		}
		if before.Valid {
			c.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			c.After = json.RawMessage(after.String)
		}
		byID[id].Changes = append(byID[id].Changes, c)
	}
	return out, rows.Err()
}
