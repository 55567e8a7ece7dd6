package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/konullu/konullu"
)

// Observer hears what happened to assignments, for metrics. The store calls
// it after a signup commits and when it promotes volunteers from a waitlist.
// Nil observes nothing.
type Observer interface {
	SignedUp(status konullu.AssignmentStatus, byCoordinator bool)
	Promoted(n int)
}

func (d *DB) observeSignup(status konullu.AssignmentStatus, byCoordinator bool) {
	if d.obs != nil && status != "" {
		d.obs.SignedUp(status, byCoordinator)
	}
}

func (d *DB) observePromoted(n int) {
	if d.obs != nil && n > 0 {
		d.obs.Promoted(n)
	}
}

// IsUnavailable reports whether err means that the database cannot be
// reached or refuses work for now (restarting, shutting down, too many
// connections, SQLite's lock held too long): the request may succeed if
// tried again shortly, and the API answers UNAVAILABLE (503) instead of INTERNAL.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || // connection exception
			pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || // shutting down, crashed, starting up
			pg.Code == "53300" // too many connections
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ce), errors.As(err, &oe), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.ErrUnexpectedEOF), pgconn.Timeout(err):
		return true
	}
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection refused", "connection reset", "broken pipe", "unexpected EOF", "the database system is"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// OpsStats are operational figures read from the database when metrics are scraped.
type OpsStats struct {
	// OutboxPending counts undelivered messages by channel.
	OutboxPending map[string]int
	// OutboxOldest is the age of the oldest undelivered message (0 when none).
	OutboxOldest time.Duration
	// OutboxDead counts messages given up after their last attempt, by channel.
	OutboxDead map[string]int
	// JobRuns counts the retained runs of each job by status, with the start of the latest.
	JobRuns []JobRunStat
}

// JobRunStat is the count of one job's retained runs with one status.
type JobRunStat struct {
	Job, Status string
	Count       int
	Latest      time.Time
}

// OpsStats reads the outbox backlog and the job runs.
func (d *DB) OpsStats(ctx context.Context) (*OpsStats, error) {
	st := &OpsStats{OutboxPending: map[string]int{}, OutboxDead: map[string]int{}}
	rows, err := d.query(ctx, d.db, `SELECT channel, status, COUNT(*), MIN(created_at) FROM outbox WHERE status IN ('PENDING', 'DEAD') GROUP BY channel, status`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox stats: %w", err)
	}
	now := d.now()
	for rows.Next() {
		var channel, status string
		var n int
		var oldest nullTime
		if err := rows.Scan(&channel, &status, &n, &oldest); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: outbox stats: %w", err)
		}
		if status == "DEAD" {
			st.OutboxDead[channel] = n
			continue
		}
		st.OutboxPending[channel] = n
		if oldest.Valid {
			st.OutboxOldest = max(st.OutboxOldest, now.Sub(oldest.Time))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: outbox stats: %w", err)
	}
	rows, err = d.query(ctx, d.db, `SELECT job, status, COUNT(*), MAX(started_at) FROM job_runs GROUP BY job, status ORDER BY job, status`)
	if err != nil {
		return nil, fmt.Errorf("store: job stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s JobRunStat
		var latest nullTime
		if err := rows.Scan(&s.Job, &s.Status, &s.Count, &latest); err != nil {
			return nil, fmt.Errorf("store: job stats: %w", err)
		}
		s.Latest = latest.Time
		st.JobRuns = append(st.JobRuns, s)
	}
	return st, rows.Err()
}

// SetObserver sets who hears signups and promotions; call it before the
// store is shared (the server does, before it serves).
func (d *DB) SetObserver(o Observer) { d.obs = o }
