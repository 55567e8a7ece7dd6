// Package store is the system of record of Könüllü: konullu.Store over
// PostgreSQL (pgx) or SQLite (modernc.org/sqlite, no cgo) through
// database/sql. The rules of a signup run inside one transaction: PostgreSQL
// takes row locks (volunteer, then shift), SQLite serialises writers with
// BEGIN IMMEDIATE.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/konullu/konullu"
)

//go:embed migrations
var migrations embed.FS

// SQLite has no SHA-256 of its own: konullu_sha256(text) gives the hash of a
// secret as the store keeps it (feedTokenHash), for the migration that
// stopped keeping calendar feeds' secrets in plain text.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("konullu_sha256", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return feedTokenHash(v), nil
		case []byte:
			return feedTokenHash(string(v)), nil
		}
		return nil, nil
	})
}

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Options configure a store.
type Options struct {
	Now    func() time.Time // the clock; time.Now when nil
	Rules  konullu.Rules    // DefaultRules when zero
	Logger *slog.Logger
	// Observer hears signups and waitlist promotions (metrics); may be nil.
	Observer Observer
}

// DB is the store. It is safe for concurrent use.
type DB struct {
	db      *sql.DB
	dialect string
	now     func() time.Time
	rules   konullu.Rules
	log     *slog.Logger
	queries atomic.Int64
	rebinds sync.Map
	obs     Observer
	events  konullu.EventPublisher // events.go
	pending sync.Map               // *sql.Tx → *txEvents, until it commits
}

var _ konullu.Store = (*DB)(nil)

// Open connects to the database named by rawURL: "sqlite:PATH" (or a bare
// path) for SQLite, "postgres://…" for PostgreSQL. It does not migrate.
func Open(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	d := &DB{now: opts.Now, rules: opts.Rules, log: opts.Logger, obs: opts.Observer}
	if d.now == nil {
		d.now = time.Now
	}
	if d.rules == (konullu.Rules{}) {
		d.rules = konullu.DefaultRules()
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	var err error
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		d.dialect = Postgres
		d.db, err = sql.Open("pgx", rawURL)
		if err == nil {
			// Every connection may stay open while busy: closing some
			// whenever more than a few are idle makes a busy minute open
			// new ones (a PostgreSQL backend each) over and over. Quiet
			// ones close after five minutes.
			d.db.SetMaxOpenConns(20)
			d.db.SetMaxIdleConns(20)
			d.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		d.dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "sqlite:")
		if path == "" || strings.Contains(path, "?") {
			return nil, fmt.Errorf("store: sqlite URL %q must name a file, e.g. sqlite:konullu.db", rawURL)
		}
		q := url.Values{}
		// WAL lets readers work while one writer writes; every transaction
		// starts IMMEDIATE so that read-then-write transactions serialise
		// instead of failing with SQLITE_BUSY on upgrade.
		q.Add("_pragma", "busy_timeout(10000)") // first: the other pragmas may wait for a lock
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
		d.db, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err == nil {
			d.db.SetMaxOpenConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := d.ping(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", d.dialect, err)
	}
	return d, nil
}

// Close closes the connection pool.
func (d *DB) Close() error { return d.db.Close() }

// Dialect is "postgres" or "sqlite".
func (d *DB) Dialect() string { return d.dialect }

// SQL returns the underlying pool, for tests and tools.
func (d *DB) SQL() *sql.DB { return d.db }

// QueryCount is the number of SQL statements run so far; tests use it to
// prove that a query costs a fixed number of statements.
func (d *DB) QueryCount() int64 { return d.queries.Load() }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return d.db.PingContext(ctx)
}

// MigrationsDigest is a SHA-256 over the names and contents of the
// dialect's migrations: two databases migrated by stores with the same
// digest have the same schema. Tests name their template databases by it.
func MigrationsDigest(dialect string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations, "migrations/"+dialect, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: migrations of %s: %w", dialect, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sqliteMigrations serialises the migrations of SQLite stores of this process.
var sqliteMigrations sync.Mutex

// Migrate brings the schema up to date. On PostgreSQL a session advisory
// lock makes instances that start together take turns.
func (d *DB) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+d.dialect)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	// Features land in any order with version numbers reserved ahead, so a
	// database may hold 00019 before 00018 arrives: apply such a missing
	// migration instead of refusing to start (each is independent).
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
	if d.dialect == SQLite {
		// SQLite has no session lock: stores opened together in one process
		// (tests, tools) take turns here. One SQLite file serves one server.
		sqliteMigrations.Lock()
		defer sqliteMigrations.Unlock()
	}
	if d.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range res {
		d.log.Info("migrated", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration.String())
	}
	return nil
}

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// rebind turns the ? placeholders we write into PostgreSQL's $n.
func (d *DB) rebind(q string) string {
	if d.dialect != Postgres {
		return q
	}
	if v, ok := d.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	d.rebinds.Store(q, b.String())
	return b.String()
}

// args converts times to the column format of the dialect: timestamptz on
// PostgreSQL, fixed-width UTC text on SQLite (so text order is time order).
func (d *DB) args(in []any) []any {
	out := make([]any, len(in))
	for i, a := range in {
		switch v := a.(type) {
		case time.Time:
			out[i] = d.ts(v)
		case *time.Time:
			if v == nil {
				out[i] = nil
			} else {
				out[i] = d.ts(*v)
			}
		default:
			out[i] = a
		}
	}
	return out
}

const sqliteTime = "2006-01-02T15:04:05.000000Z"

func (d *DB) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.dialect == SQLite {
		return t.Format(sqliteTime)
	}
	return t
}

func (d *DB) query(ctx context.Context, q queryer, query string, args ...any) (*sql.Rows, error) {
	d.queries.Add(1)
	return q.QueryContext(ctx, d.rebind(query), d.args(args)...)
}

func (d *DB) queryRow(ctx context.Context, q queryer, query string, args ...any) *sql.Row {
	d.queries.Add(1)
	return q.QueryRowContext(ctx, d.rebind(query), d.args(args)...)
}

func (d *DB) exec(ctx context.Context, q queryer, query string, args ...any) (sql.Result, error) {
	d.queries.Add(1)
	return q.ExecContext(ctx, d.rebind(query), d.args(args)...)
}

// ping connects once. A SQLite connection sets WAL mode as it opens, which
// needs the file's lock: when another process or pool is migrating the same
// file, SQLite answers BUSY at once, without waiting for its busy timeout,
// so the connection is tried again for up to ten seconds.
func (d *DB) ping(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := d.db.PingContext(ctx)
		if err == nil || d.dialect != SQLite || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// forUpdate is the row-lock clause; SQLite's IMMEDIATE transactions already
// hold the database's write lock.
func (d *DB) forUpdate() string {
	if d.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// forShare is the shared row-lock clause (PostgreSQL; see forUpdate).
func (d *DB) forShare() string {
	if d.dialect == Postgres {
		return " FOR SHARE"
	}
	return ""
}

// inTx runs fn in a transaction, retrying a few times when the database
// resolves a deadlock or a serialisation conflict by aborting us.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := d.tryTx(ctx, fn)
		if err == nil || attempt == 5 || !retryable(err) {
			return err
		}
		d.log.Debug("retrying transaction", "attempt", attempt+1, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(5+rand.IntN(20)<<attempt) * time.Millisecond):
		}
	}
}

func (d *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	d.queries.Add(1)
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		d.settle(ctx, tx, false)
		return err
	}
	d.queries.Add(1)
	if err := tx.Commit(); err != nil {
		d.settle(ctx, tx, false)
		return fmt.Errorf("store: commit: %w", err)
	}
	d.settle(ctx, tx, true)
	return nil
}

func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40P01" || pg.Code == "40001"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func isForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// inList returns the placeholders of an IN list and the ids as arguments.
func inList(ids []int64) (string, []any) {
	if len(ids) == 0 {
		return "NULL", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return placeholders(len(ids)), args
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
