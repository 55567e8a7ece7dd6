package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// This file is the transactional outbox: events are written by enqueue in
// the transaction of the change they announce, and the dispatchers of every
// instance claim, deliver and finish them (package notify).

var (
	_ konullu.OutboxStore       = (*DB)(nil)
	_ konullu.NotificationStore = (*DB)(nil)
)

// event is a notification to enqueue: for a user, or for the user of a
// volunteer profile. payload holds the kind-specific facts (JSON-encoded);
// everything else a message needs is read when it is delivered.
type event struct {
	kind         konullu.NotificationKind
	userID       int64
	volunteerID  int64 // used when userID is 0
	assignmentID int64
	shiftID      int64
	payload      any
}

// outboxChunk bounds the rows of one multi-row INSERT (8 parameters each),
// far below the parameter limits of both dialects.
const outboxChunk = 500

// enqueue writes one outbox row per event and channel the recipient
// chose. It must run in the transaction of the event: a rolled-back change
// announces nothing, a committed one is never lost.
func (d *DB) enqueue(ctx context.Context, q queryer, now time.Time, evs ...event) error {
	if len(evs) == 0 {
		return nil
	}
	var volIDs, userIDs []int64
	for _, e := range evs {
		if e.userID != 0 {
			userIDs = append(userIDs, e.userID)
		} else {
			volIDs = append(volIDs, e.volunteerID)
		}
	}
	masks := map[int64]int{}    // user → channel mask
	userOf := map[int64]int64{} // volunteer → user
	// readMasks runs query (which ends in "IN") for the ids, in chunks.
	readMasks := func(query string, ids []int64, scan func(rows *sql.Rows) error) error {
		for ids = uniqueIDs(ids); len(ids) > 0; {
			n := min(len(ids), outboxChunk)
			in, args := inList(ids[:n])
			ids = ids[n:]
			rows, err := d.query(ctx, q, query+` (`+in+`)`, args...)
			if err != nil {
				return fmt.Errorf("store: enqueue: %w", err)
			}
			for rows.Next() {
				if err := scan(rows); err != nil {
					rows.Close()
					return fmt.Errorf("store: enqueue: %w", err)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("store: enqueue: %w", err)
			}
		}
		return nil
	}
	err := readMasks(`SELECT v.id, v.user_id, COALESCE(ns.channels, `+fmt.Sprint(konullu.DefaultChannelMask)+`)
		FROM volunteers v LEFT JOIN notification_settings ns ON ns.user_id = v.user_id WHERE v.id IN`, volIDs,
		func(rows *sql.Rows) error {
			var v, u int64
			var m int
			err := rows.Scan(&v, &u, &m)
			userOf[v], masks[u] = u, m
			return err
		})
	if err != nil {
		return err
	}
	err = readMasks(`SELECT u.id, COALESCE(ns.channels, `+fmt.Sprint(konullu.DefaultChannelMask)+`)
		FROM users u LEFT JOIN notification_settings ns ON ns.user_id = u.id WHERE u.id IN`, userIDs,
		func(rows *sql.Rows) error {
			var u int64
			var m int
			err := rows.Scan(&u, &m)
			masks[u] = m
			return err
		})
	if err != nil {
		return err
	}
	return d.enqueueKnown(ctx, q, now, masks, userOf, evs...)
}

// enqueueKnown is enqueue once the recipients' channels are known: masks
// by user, userOf mapping the volunteers the events name to their users.
func (d *DB) enqueueKnown(ctx context.Context, q queryer, now time.Time, masks map[int64]int, userOf map[int64]int64, evs ...event) error {
	var rows [][]any
	var err error
	for _, e := range evs {
		user := e.userID
		if user == 0 {
			user = userOf[e.volunteerID]
		}
		if user == 0 {
			continue // the volunteer is gone; nobody to tell
		}
		payload := []byte("{}")
		if e.payload != nil {
			if payload, err = json.Marshal(e.payload); err != nil {
				return fmt.Errorf("store: enqueue %s: %w", e.kind, err)
			}
		}
		for _, ch := range konullu.ChannelsOf(masks[user]) {
			rows = append(rows, []any{user, string(ch), string(e.kind), nullID(e.assignmentID), nullID(e.shiftID), string(payload), now, now})
		}
	}
	for len(rows) > 0 {
		n := min(len(rows), outboxChunk)
		var b strings.Builder
		b.WriteString(`INSERT INTO outbox (user_id, channel, kind, assignment_id, shift_id, payload, next_attempt_at, created_at) VALUES `)
		args := make([]any, 0, n*8)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r...)
		}
		rows = rows[n:]
		if _, err := d.exec(ctx, q, b.String(), args...); err != nil {
			return fmt.Errorf("store: enqueue: %w", err)
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ClaimOutbox claims up to c.Limit due messages for the claimer c.Token and
// returns them with their recipient and shift. The claim moves each
// message's next attempt past the lease and counts the attempt, so a
// dispatcher that dies holding a claim delays its messages by one lease and
// no more. PostgreSQL skips rows other claimers have locked; SQLite's single
// writer makes the one UPDATE atomic.
func (d *DB) ClaimOutbox(ctx context.Context, c konullu.OutboxClaim) ([]*konullu.OutboxMessage, error) {
	if c.Limit <= 0 {
		c.Limit = 100
	}
	var claim string
	if d.dialect == Postgres {
		claim = `WITH due AS (SELECT id FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
			UPDATE outbox o SET claimed_by = ?, next_attempt_at = ?, attempts = o.attempts + 1
			FROM due WHERE o.id = due.id RETURNING o.id`
	} else {
		claim = `WITH due AS (SELECT id FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ?)
			UPDATE outbox SET claimed_by = ?, next_attempt_at = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM due) RETURNING id`
	}
	rows, err := d.query(ctx, d.db, claim, c.Now, c.Limit, c.Token, c.Now.Add(c.Lease))
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: claim outbox: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	rows, err = d.query(ctx, d.db, `SELECT o.id, o.channel, o.kind, o.payload, o.attempts, o.created_at, o.user_id,
		COALESCE(v.id, 0), COALESCE(v.full_name, ''), u.email, COALESCE(v.phone, ''), COALESCE(ns.language, 'az'),
		COALESCE(v.timezone, ''), COALESCE(o.shift_id, 0), COALESCE(o.assignment_id, 0), s.starts_at, s.ends_at,
		COALESCE(s.status, ''), COALESCE(s.cancel_reason, ''), COALESCE(c.name, ''), COALESCE(c.address, ''),
		COALESCE(c.city, ''), COALESCE(c.timezone, ''), COALESCE(p.name, ''), COALESCE(a.status, '')
		FROM outbox o JOIN users u ON u.id = o.user_id
		LEFT JOIN volunteers v ON v.user_id = o.user_id
		LEFT JOIN notification_settings ns ON ns.user_id = o.user_id
		LEFT JOIN shifts s ON s.id = o.shift_id
		LEFT JOIN centres c ON c.id = s.centre_id
		LEFT JOIN positions p ON p.id = s.position_id
		LEFT JOIN assignments a ON a.id = o.assignment_id
		WHERE o.id IN (`+in+`) ORDER BY o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: claimed messages: %w", err)
	}
	defer rows.Close()
	var out []*konullu.OutboxMessage
	for rows.Next() {
		m := &konullu.OutboxMessage{}
		sd := &konullu.ShiftDetails{}
		var channel, kind, payload, lang, shiftStatus, asgStatus string
		var created, start, end nullTime
		err := rows.Scan(&m.ID, &channel, &kind, &payload, &m.Attempts, &created, &m.Recipient.UserID,
			&m.Recipient.VolunteerID, &m.Recipient.Name, &m.Recipient.Email, &m.Recipient.Phone, &lang,
			&m.Recipient.Timezone, &sd.ShiftID, &sd.AssignmentID, &start, &end, &shiftStatus, &sd.CancelReason,
			&sd.CentreName, &sd.CentreAddress, &sd.CentreCity, &sd.CentreTimezone, &sd.PositionName, &asgStatus)
		if err != nil {
			return nil, fmt.Errorf("store: claimed messages: %w", err)
		}
		m.Channel, m.Kind, m.Payload, m.CreatedAt = konullu.Channel(channel), konullu.NotificationKind(kind), json.RawMessage(payload), created.Time
		m.Recipient.Language = konullu.Language(lang)
		if m.Recipient.Timezone == "" {
			m.Recipient.Timezone = konullu.DefaultTimezone
		}
		if sd.ShiftID != 0 {
			sd.StartsAt, sd.EndsAt, sd.Status, sd.AssignmentStatus = start.Time, end.Time, konullu.ShiftStatus(shiftStatus), konullu.AssignmentStatus(asgStatus)
			m.Shift = sd
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FinishOutbox records the outcome of claimed messages in one transaction:
// in-app notifications are stored (once per message, whoever delivers it)
// and each message still claimed by token gets its new status. A message
// whose claim was meanwhile taken over by another dispatcher is left to it.
func (d *DB) FinishOutbox(ctx context.Context, token string, results []konullu.DeliveryResult) error {
	if len(results) == 0 {
		return nil
	}
	now := d.now()
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var inApp [][]any
		type group struct {
			status konullu.OutboxStatus
			err    string
		}
		done := map[group][]int64{}
		for _, r := range results {
			if n := r.InApp; n != nil && r.Status == konullu.OutboxSent {
				created := n.CreatedAt
				if created.IsZero() {
					created = now
				}
				inApp = append(inApp, []any{n.UserID, r.ID, string(n.Kind), n.Title, n.Body, nullID(n.AssignmentID), nullID(n.ShiftID), created})
			}
			if r.Status == konullu.OutboxPending {
				_, err := d.exec(ctx, tx, `UPDATE outbox SET next_attempt_at = ?, last_error = ?, claimed_by = NULL WHERE id = ? AND claimed_by = ?`,
					r.RetryAt, r.Error, r.ID, token)
				if err != nil {
					return fmt.Errorf("store: finish outbox: %w", err)
				}
				continue
			}
			g := group{r.Status, r.Error}
			done[g] = append(done[g], r.ID)
		}
		for len(inApp) > 0 {
			n := min(len(inApp), outboxChunk)
			var b strings.Builder
			b.WriteString(`INSERT INTO notifications (user_id, outbox_id, kind, title, body, assignment_id, shift_id, created_at) VALUES `)
			args := make([]any, 0, n*8)
			for i, r := range inApp[:n] {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, r...)
			}
			inApp = inApp[n:]
			b.WriteString(` ON CONFLICT (outbox_id) DO NOTHING`)
			if d.events == nil {
				if _, err := d.exec(ctx, tx, b.String(), args...); err != nil {
					return fmt.Errorf("store: store notifications: %w", err)
				}
				continue
			}
			// Live subscribers hear of the notifications this call stored,
			// not of those another dispatcher stored first.
			b.WriteString(` RETURNING id, user_id`)
			rows, err := d.query(ctx, tx, b.String(), args...)
			if err != nil {
				return fmt.Errorf("store: store notifications: %w", err)
			}
			var stored []konullu.NotificationEvent
			for rows.Next() {
				var n konullu.NotificationEvent
				if err := rows.Scan(&n.NotificationID, &n.UserID); err != nil {
					rows.Close()
					return fmt.Errorf("store: store notifications: %w", err)
				}
				stored = append(stored, n)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("store: store notifications: %w", err)
			}
			d.announceNotifications(tx, stored...)
		}
		for g, ids := range done {
			for len(ids) > 0 {
				n := min(len(ids), outboxChunk)
				in, args := inList(ids[:n])
				ids = ids[n:]
				_, err := d.exec(ctx, tx, `UPDATE outbox SET status = ?, last_error = ?, finished_at = ?, claimed_by = NULL
					WHERE claimed_by = ? AND id IN (`+in+`)`, append([]any{string(g.status), g.err, now, token}, args...)...)
				if err != nil {
					return fmt.Errorf("store: finish outbox: %w", err)
				}
			}
		}
		return nil
	})
}

// OutboxCounts counts the outbox messages by status.
func (d *DB) OutboxCounts(ctx context.Context) (map[konullu.OutboxStatus]int, error) {
	rows, err := d.query(ctx, d.db, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	defer rows.Close()
	out := map[konullu.OutboxStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: outbox counts: %w", err)
		}
		out[konullu.OutboxStatus(s)] = n
	}
	return out, rows.Err()
}

// Notifications returns a user's in-app notifications, newest first.
func (d *DB) Notifications(ctx context.Context, userID int64, limit int, unreadOnly bool) ([]*konullu.Notification, error) {
	if limit <= 0 {
		limit = 20
	}
	query := notificationSelect + ` WHERE user_id = ?`
	if unreadOnly {
		query += ` AND read_at IS NULL`
	}
	return d.scanNotifications(d.query(ctx, d.db, query+` ORDER BY id DESC LIMIT ?`, userID, limit))
}

// NotificationsByIDs returns notifications by id, whoever they belong to:
// the caller decides who may see them.
func (d *DB) NotificationsByIDs(ctx context.Context, ids []int64) (map[int64]*konullu.Notification, error) {
	out := map[int64]*konullu.Notification{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	list, err := d.scanNotifications(d.query(ctx, d.db, notificationSelect+` WHERE id IN (`+in+`)`, args...))
	for _, n := range list {
		out[n.ID] = n
	}
	return out, err
}

const notificationSelect = `SELECT id, user_id, kind, title, body, COALESCE(assignment_id, 0), COALESCE(shift_id, 0), created_at, read_at
	FROM notifications`

func (d *DB) scanNotifications(rows *sql.Rows, err error) ([]*konullu.Notification, error) {
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	defer rows.Close()
	var out []*konullu.Notification
	for rows.Next() {
		n := &konullu.Notification{}
		var kind string
		var created, read nullTime
		if err := rows.Scan(&n.ID, &n.UserID, &kind, &n.Title, &n.Body, &n.AssignmentID, &n.ShiftID, &created, &read); err != nil {
			return nil, fmt.Errorf("store: notifications: %w", err)
		}
		n.Kind, n.CreatedAt, n.ReadAt = konullu.NotificationKind(kind), created.Time, read.ptr()
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationsRead marks a user's unread notifications read: those with
// the given ids, or all when ids is empty. Others' ids are ignored.
func (d *DB) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) (int, error) {
	query := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`
	args := []any{d.now(), userID}
	if ids = uniqueIDs(ids); len(ids) > 0 {
		in, idArgs := inList(ids)
		query += ` AND id IN (` + in + `)`
		args = append(args, idArgs...)
	}
	res, err := d.exec(ctx, d.db, query, args...)
	if err != nil {
		return 0, fmt.Errorf("store: mark notifications read: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// UnreadNotifications counts a user's unread notifications.
func (d *DB) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := d.queryRow(ctx, d.db, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unread notifications: %w", err)
	}
	return n, nil
}

// NotificationSettings returns each user's notification settings; users who
// chose nothing get the defaults.
func (d *DB) NotificationSettings(ctx context.Context, userIDs []int64) (map[int64]konullu.NotificationSettings, error) {
	out := map[int64]konullu.NotificationSettings{}
	userIDs = uniqueIDs(userIDs)
	for _, id := range userIDs {
		out[id] = konullu.DefaultNotificationSettings()
	}
	if len(userIDs) == 0 {
		return out, nil
	}
	in, args := inList(userIDs)
	rows, err := d.query(ctx, d.db, `SELECT user_id, language, channels, language_apart, COALESCE(app_language, '')
		FROM notification_settings WHERE user_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: notification settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var lang, app string
		var mask int
		var apart bool
		if err := rows.Scan(&id, &lang, &mask, &apart, &app); err != nil {
			return nil, fmt.Errorf("store: notification settings: %w", err)
		}
		out[id] = konullu.NotificationSettings{Language: konullu.Language(lang), Channels: konullu.ChannelsOf(mask),
			LanguageApart: apart, AppLanguage: konullu.Language(app)}
	}
	return out, rows.Err()
}

// SetNotificationSettings stores a user's language, channels (in-app is
// always kept) and whether the language is kept apart from the app's; a
// language that is not apart follows the app's language when it is known.
func (d *DB) SetNotificationSettings(ctx context.Context, userID int64, s konullu.NotificationSettings) (konullu.NotificationSettings, error) {
	lang, err := konullu.ParseLanguage("language", string(s.Language))
	if err != nil {
		return s, err
	}
	mask := konullu.ChannelMask(s.Channels)
	_, err = d.exec(ctx, d.db, `INSERT INTO notification_settings (user_id, language, channels, language_apart, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET channels = excluded.channels, language_apart = excluded.language_apart,
		language = CASE WHEN excluded.language_apart OR notification_settings.app_language IS NULL
			THEN excluded.language ELSE notification_settings.app_language END,
		updated_at = excluded.updated_at`,
		userID, string(lang), mask, s.LanguageApart, d.now())
	if isForeignKeyViolation(err) {
		return s, konullu.NotFound("user")
	}
	if err != nil {
		return s, fmt.Errorf("store: set notification settings: %w", err)
	}
	saved, err := d.NotificationSettings(ctx, []int64{userID})
	if err != nil {
		return s, err
	}
	return saved[userID], nil
}

// SetAppLanguage saves the language a user uses the app in; their
// notifications follow it unless their notification language is apart.
func (d *DB) SetAppLanguage(ctx context.Context, userID int64, lang konullu.Language) (konullu.NotificationSettings, error) {
	lang, err := konullu.ParseLanguage("language", string(lang))
	if err != nil {
		return konullu.NotificationSettings{}, err
	}
	_, err = d.exec(ctx, d.db, `INSERT INTO notification_settings (user_id, language, channels, app_language, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET app_language = excluded.app_language,
		language = CASE WHEN notification_settings.language_apart THEN notification_settings.language ELSE excluded.app_language END,
		updated_at = excluded.updated_at`,
		userID, string(lang), konullu.DefaultChannelMask, string(lang), d.now())
	if isForeignKeyViolation(err) {
		return konullu.NotificationSettings{}, konullu.NotFound("user")
	}
	if err != nil {
		return konullu.NotificationSettings{}, fmt.Errorf("store: set app language: %w", err)
	}
	saved, err := d.NotificationSettings(ctx, []int64{userID})
	if err != nil {
		return konullu.NotificationSettings{}, err
	}
	return saved[userID], nil
}

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// signupEvent is the message of a signup: ASSIGNED when a coordinator put the
// volunteer in, SIGNUP_CONFIRMED when the volunteer's own signup got a place
// (a waitlisted signup is answered by the API and announces nothing).
func signupEvent(assignmentID, shiftID, userID int64, status konullu.AssignmentStatus, byCoordinator bool) []event {
	e := event{userID: userID, assignmentID: assignmentID, shiftID: shiftID}
	switch {
	case byCoordinator:
		e.kind, e.payload = konullu.NotifyAssigned, map[string]any{"status": string(status)}
	case status == konullu.AssignmentConfirmed:
		e.kind = konullu.NotifySignupConfirmed
	default:
		return nil
	}
	return []event{e}
}
