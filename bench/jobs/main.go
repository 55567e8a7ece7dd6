// Command jobs benchmarks the scheduled jobs on SQLite (default) or
// PostgreSQL (-db postgres://…; a database of its own is created and
// dropped):
//
//   - reminders: 100,000 confirmed assignments of shifts in the next day are
//     reminded (EnqueueReminders writes the reminders and their outbox rows)
//     and the dispatcher delivers them in-app;
//   - hour-tally: over 1,000,000 completed assignments of the last year, a
//     full run, an incremental run after 1% of the assignments changed, and
//     an incremental run with nothing changed.
//
// Rows are loaded with plain multi-row INSERTs (no signup rules are checked).
//
//	go run ./bench/jobs [-db URL] [-reminders 100000] [-tally 1000000]
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/store"
)

func main() {
	dbURL := flag.String("db", "", "postgres://… server to create a benchmark database on; empty: SQLite in a temporary directory")
	reminders := flag.Int("reminders", 100_000, "upcoming assignments to remind (0: skip)")
	tally := flag.Int("tally", 1_000_000, "completed assignments to tally (0: skip)")
	flag.Parse()
	if err := run(context.Background(), *dbURL, *reminders, *tally); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, server string, reminders, tally int) error {
	if reminders > 0 {
		db, cleanup, err := openFresh(ctx, server)
		if err != nil {
			return err
		}
		err = benchReminders(ctx, db, reminders)
		cleanup()
		if err != nil {
			return err
		}
	}
	if tally > 0 {
		db, cleanup, err := openFresh(ctx, server)
		if err != nil {
			return err
		}
		err = benchTally(ctx, db, tally)
		cleanup()
		if err != nil {
			return err
		}
	}
	return nil
}

// openFresh opens a migrated store on a new database.
func openFresh(ctx context.Context, server string) (*store.DB, func(), error) {
	quiet := slog.New(slog.DiscardHandler)
	var dbURL string
	cleanup := func() {}
	if server == "" {
		dir, err := os.MkdirTemp("", "konullu-bench-")
		if err != nil {
			return nil, nil, err
		}
		dbURL = "sqlite:" + filepath.Join(dir, "bench.db")
		cleanup = func() { os.RemoveAll(dir) }
	} else {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return nil, nil, err
		}
		b := make([]byte, 5)
		rand.Read(b)
		name := "konullu_bench_" + hex.EncodeToString(b)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			return nil, nil, fmt.Errorf("create database: %w", err)
		}
		u, _ := url.Parse(server)
		u.Path = "/" + name
		dbURL = u.String()
		cleanup = func() {
			admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			admin.Close()
		}
	}
	db, err := store.Open(ctx, dbURL, store.Options{Logger: quiet})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	fmt.Printf("database: %s\n", db.Dialect())
	return db, func() { db.Close(); cleanup() }, nil
}

// loader inserts rows with multi-row INSERTs in the dialect's formats.
type loader struct {
	db      *store.DB
	dialect string
}

func (l loader) value(v any) any {
	if t, ok := v.(time.Time); ok && l.dialect == store.SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z") // the store's text format
	}
	return v
}

// insert writes rows into table in batches, in one transaction.
func (l loader) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := max(1, 30000/len(cols))
	tx, err := l.db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(rows) > 0 {
		n := min(len(rows), per)
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, n*len(cols))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, l.value(v))
				if l.dialect == store.Postgres {
					b.WriteString("$" + strconv.Itoa(len(args)))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		rows = rows[n:]
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return tx.Commit()
}

// people loads n users with volunteer profiles (ids 1..n) and their
// notification settings (in-app only, so that delivery is what is measured).
func (l loader) people(ctx context.Context, n int, now time.Time, rng *mrand.Rand) error {
	var users, vols, settings [][]any
	for i := 1; i <= n; i++ {
		users = append(users, []any{i, fmt.Sprintf("v%d@bench.konullu.az", i), "", now})
		birth := time.Date(1990+rng.IntN(22), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		vols = append(vols, []any{i, i, fmt.Sprintf("Könüllü %d", i), birth.Format("2006-01-02"), "ACTIVE", now})
		settings = append(settings, []any{i, "az", konullu.ChannelMask(nil), now})
	}
	if err := l.insert(ctx, "users", []string{"id", "email", "password_hash", "created_at"}, users); err != nil {
		return err
	}
	if err := l.insert(ctx, "volunteers", []string{"id", "user_id", "full_name", "birth_date", "status", "created_at"}, vols); err != nil {
		return err
	}
	if err := l.insert(ctx, "notification_settings", []string{"user_id", "language", "channels", "updated_at"}, settings); err != nil {
		return err
	}
	return l.fixSequences(ctx, "users", "volunteers")
}

func (l loader) places(ctx context.Context, now time.Time) error {
	var centres [][]any
	for i := 1; i <= 20; i++ {
		tz := "Asia/Baku"
		if i == 20 {
			tz = "Europe/Berlin"
		}
		centres = append(centres, []any{i, fmt.Sprintf("ASAN xidmət mərkəzi %d", i), "Bakı", tz, now})
	}
	if err := l.insert(ctx, "centres", []string{"id", "name", "city", "timezone", "created_at"}, centres); err != nil {
		return err
	}
	if err := l.insert(ctx, "positions", []string{"id", "name", "created_at"}, [][]any{{1, "Bələdçi", now}}); err != nil {
		return err
	}
	return l.fixSequences(ctx, "centres", "positions")
}

// fixSequences moves PostgreSQL's id sequences past the loaded ids.
func (l loader) fixSequences(ctx context.Context, tables ...string) error {
	if l.dialect != store.Postgres {
		return nil
	}
	for _, t := range tables {
		if _, err := l.db.SQL().ExecContext(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", t, t)); err != nil {
			return err
		}
	}
	return nil
}

// analyze refreshes the planner's statistics after a bulk load, as
// autovacuum would soon do: with the empty tables' statistics PostgreSQL
// plans each reminder chunk as a hash join over every assignment.
func (l loader) analyze(ctx context.Context) error {
	_, err := l.db.SQL().ExecContext(ctx, "ANALYZE")
	return err
}

func rate(n int, d time.Duration) string {
	return fmt.Sprintf("%.0f/s", float64(n)/d.Seconds())
}

// benchReminders: n confirmed assignments of 1,000 shifts starting in 3 to
// 23 hours (so the 24-hour reminder is due for each), 10,000 volunteers.
func benchReminders(ctx context.Context, db *store.DB, n int) error {
	rng := mrand.New(mrand.NewPCG(1, 2))
	l := loader{db, db.Dialect()}
	now := time.Now().UTC().Truncate(time.Second)
	const perShift = 100
	shifts := (n + perShift - 1) / perShift
	volunteers := min(10_000, n)
	t0 := time.Now()
	if err := l.places(ctx, now); err != nil {
		return err
	}
	if err := l.people(ctx, volunteers, now, rng); err != nil {
		return err
	}
	var shiftRows, asgRows [][]any
	for s := 1; s <= shifts; s++ {
		start := now.Add(3*time.Hour + time.Duration(s)*20*time.Hour/time.Duration(shifts)).Truncate(time.Minute)
		shiftRows = append(shiftRows, []any{s, 1 + s%20, 1, start, start.Add(4 * time.Hour), perShift, "PUBLISHED", perShift, now, now})
	}
	for i := 0; i < n; i++ {
		asgRows = append(asgRows, []any{i + 1, 1 + i/perShift, 1 + i%volunteers, "CONFIRMED", 1 + i%perShift, now, now})
	}
	if err := l.insert(ctx, "shifts", []string{"id", "centre_id", "position_id", "starts_at", "ends_at", "capacity", "status", "queue_seq", "created_at", "updated_at"}, shiftRows); err != nil {
		return err
	}
	if err := l.insert(ctx, "assignments", []string{"id", "shift_id", "volunteer_id", "status", "queue_seq", "created_at", "updated_at"}, asgRows); err != nil {
		return err
	}
	if err := l.fixSequences(ctx, "shifts", "assignments"); err != nil {
		return err
	}
	if err := l.analyze(ctx); err != nil {
		return err
	}
	fmt.Printf("reminders: loaded %d assignments in %d shifts for %d volunteers in %s\n", n, shifts, volunteers, time.Since(t0).Round(time.Millisecond))

	t1 := time.Now()
	sent, err := db.EnqueueReminders(ctx, now, konullu.DefaultReminderLeads)
	if err != nil {
		return err
	}
	enqueue := time.Since(t1)
	d := notify.New(notify.Config{Store: db, Logger: slog.New(slog.DiscardHandler), Batch: 500})
	t2 := time.Now()
	delivered, err := d.Drain(ctx)
	if err != nil {
		return err
	}
	deliver := time.Since(t2)
	total := enqueue + deliver
	var stored int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'REMINDER'`).Scan(&stored); err != nil {
		return err
	}
	again, err := db.EnqueueReminders(ctx, now.Add(time.Minute), konullu.DefaultReminderLeads)
	if err != nil {
		return err
	}
	fmt.Printf("reminders: enqueued %d in %s (%s); delivered %d in-app in %s (%s); wall %s (%s end to end)\n",
		sent, enqueue.Round(time.Millisecond), rate(sent, enqueue), delivered, deliver.Round(time.Millisecond), rate(delivered, deliver),
		total.Round(time.Millisecond), rate(stored, total))
	fmt.Printf("reminders: %d notifications stored for %d assignments; a second run a minute later enqueued %d\n", stored, n, again)
	if stored != n || sent != n || again != 0 {
		return fmt.Errorf("reminders: want exactly %d, got %d enqueued, %d stored, %d again", n, sent, stored, again)
	}
	return nil
}

// benchTally: n completed assignments over the last year, 50 per volunteer
// on average, in 20 centres (one in Europe/Berlin).
func benchTally(ctx context.Context, db *store.DB, n int) error {
	rng := mrand.New(mrand.NewPCG(3, 4))
	l := loader{db, db.Dialect()}
	now := time.Now().UTC().Truncate(time.Second)
	const perShift = 50
	volunteers := max(perShift, n/50)
	shifts := (n + perShift - 1) / perShift
	t0 := time.Now()
	if err := l.places(ctx, now); err != nil {
		return err
	}
	if err := l.people(ctx, volunteers, now, rng); err != nil {
		return err
	}
	old := now.Add(-24 * time.Hour)
	var shiftRows [][]any
	starts := make([]time.Time, shifts+1)
	for s := 1; s <= shifts; s++ {
		start := now.Add(-time.Duration(rng.Int64N(int64(364 * 24 * time.Hour)))).Add(-24 * time.Hour).Truncate(time.Minute)
		starts[s] = start
		shiftRows = append(shiftRows, []any{s, 1 + s%20, 1, start, start.Add(4 * time.Hour), perShift, "PUBLISHED", perShift, old, old})
	}
	if err := l.insert(ctx, "shifts", []string{"id", "centre_id", "position_id", "starts_at", "ends_at", "capacity", "status", "queue_seq", "created_at", "updated_at"}, shiftRows); err != nil {
		return err
	}
	shiftRows = nil
	const batch = 100_000
	for from := 0; from < n; from += batch {
		var rows [][]any
		for i := from; i < min(n, from+batch); i++ {
			s := 1 + i/perShift
			// 7919 is prime to the volunteer count's factors of 2 and 5, so
			// the volunteers of one shift are distinct.
			v := 1 + (i*7919)%volunteers
			minutes := 60 + rng.IntN(181)
			rows = append(rows, []any{i + 1, s, v, "COMPLETED", 1 + i%perShift, starts[s], starts[s].Add(time.Duration(minutes) * time.Minute), minutes, old, old})
		}
		if err := l.insert(ctx, "assignments", []string{"id", "shift_id", "volunteer_id", "status", "queue_seq", "checked_in_at", "checked_out_at", "credited_minutes", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
	}
	if err := l.fixSequences(ctx, "shifts", "assignments"); err != nil {
		return err
	}
	if err := l.analyze(ctx); err != nil {
		return err
	}
	fmt.Printf("hour-tally: loaded %d completed assignments in %d shifts for %d volunteers in %s\n", n, shifts, volunteers, time.Since(t0).Round(time.Millisecond))

	t1 := time.Now()
	full, err := db.TallyHours(ctx, now, konullu.TallyOptions{})
	if err != nil {
		return err
	}
	fullTook := time.Since(t1)
	fmt.Printf("hour-tally full: %d assignments, %d volunteers, %d tally rows, %d awards in %s (%s assignments)\n",
		n, full.Volunteers, full.Rows, full.Awards, fullTook.Round(time.Millisecond), rate(n, fullTook))

	// Then some assignments change (check-outs, corrections): 0.1% (about an
	// hour of check-outs in a large deployment), then 1%.
	at := now
	for _, changed := range []int{n / 1000, n / 100} {
		at = at.Add(time.Hour)
		if err := l.touch(ctx, rng.Perm(n)[:changed], at.Add(-30*time.Minute)); err != nil {
			return err
		}
		t2 := time.Now()
		inc, err := db.TallyHours(ctx, at, konullu.TallyOptions{FullEvery: 24 * time.Hour})
		if err != nil {
			return err
		}
		incTook := time.Since(t2)
		fmt.Printf("hour-tally incremental: %d changed assignments, %d volunteers recomputed, %d awards in %s (%.1fx faster than full)\n",
			changed, inc.Volunteers, inc.Awards, incTook.Round(time.Millisecond), fullTook.Seconds()/incTook.Seconds())
		if inc.Full {
			return fmt.Errorf("hour-tally: an incremental run was full")
		}
	}
	t3 := time.Now()
	idle, err := db.TallyHours(ctx, at.Add(time.Hour), konullu.TallyOptions{FullEvery: 24 * time.Hour})
	if err != nil {
		return err
	}
	fmt.Printf("hour-tally incremental, nothing changed: %d volunteers in %s\n", idle.Volunteers, time.Since(t3).Round(time.Millisecond))
	if idle.Full {
		return fmt.Errorf("hour-tally: an incremental run was full")
	}
	return nil
}

// touch changes the credited minutes of the assignments with the given
// (0-based) indexes, stamping them updated at at.
func (l loader) touch(ctx context.Context, idx []int, at time.Time) error {
	tx, err := l.db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(idx) > 0 {
		k := min(len(idx), 500)
		var b strings.Builder
		args := []any{l.value(at)}
		for j, i := range idx[:k] {
			if j > 0 {
				b.WriteString(", ")
			}
			args = append(args, i+1)
			if l.dialect == store.Postgres {
				b.WriteString("$" + strconv.Itoa(len(args)))
			} else {
				b.WriteByte('?')
			}
		}
		idx = idx[k:]
		p1 := "?"
		if l.dialect == store.Postgres {
			p1 = "$1"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assignments SET credited_minutes = credited_minutes + 15, updated_at = `+p1+` WHERE id IN (`+b.String()+`)`, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
