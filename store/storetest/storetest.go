// Package storetest opens a fresh, migrated store for a test: SQLite in a
// temporary directory, or a new database on the PostgreSQL server named by
// KONULLU_TEST_DATABASE_URL when it is set. The database is dropped when the
// test ends.
//
// Migrating is most of what a fresh database costs (1–2 s on a busy
// PostgreSQL, for every test), so Open and MigratedURL hand out copies of a
// template migrated once: on SQLite a file migrated once per test binary and
// copied for each test; on PostgreSQL a database konullu_template_<digest>
// (store.MigrationsDigest: a new set of migrations gets a template of its
// own), built by the first test binary that needs it, kept on the server for
// the next runs and cloned with CREATE DATABASE … TEMPLATE.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/konullu/konullu/store"
)

// EnvDatabaseURL names the PostgreSQL server tests use when set.
const EnvDatabaseURL = "KONULLU_TEST_DATABASE_URL"

// URL returns the URL of a fresh, empty database for the test (created on
// the PostgreSQL server of KONULLU_TEST_DATABASE_URL, or a SQLite file).
func URL(tb testing.TB) string {
	tb.Helper()
	return fresh(tb, "")
}

// MigratedURL returns the URL of a fresh database for the test with the
// newest schema already in it: a copy of the template. Migrating it again
// (konullu serve does) finds nothing to do.
func MigratedURL(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(EnvDatabaseURL) == "" {
		data, err := sqliteTemplate()
		if err != nil {
			tb.Fatal(err)
		}
		path := filepath.Join(tb.TempDir(), "konullu.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			tb.Fatal(err)
		}
		return "sqlite:" + path
	}
	name, err := postgresTemplate(os.Getenv(EnvDatabaseURL))
	if err != nil {
		tb.Fatal(err)
	}
	return fresh(tb, name)
}

// Open returns a migrated store on a fresh database (a copy of the template).
func Open(tb testing.TB, opts store.Options) *store.DB {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := store.Open(context.Background(), MigratedURL(tb), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// fresh creates a database for the test, dropped when it ends: an empty
// one, or a clone of the PostgreSQL database template when it is not "".
func fresh(tb testing.TB, template string) string {
	tb.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		return "sqlite:" + filepath.Join(tb.TempDir(), "konullu.db")
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvDatabaseURL, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	name := randomName("konullu_test_")
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if _, err := admin.Exec(create); err != nil {
		admin.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	// A test's database outlives no crash: its commits need not wait for
	// the disk (PostgreSQL's locks and visibility are the same either way).
	if _, err := admin.Exec("ALTER DATABASE " + name + " SET synchronous_commit = off"); err != nil {
		tb.Logf("synchronous_commit: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// The SQLite template: the bytes of a database file migrated once per test
// binary.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "konullu-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "konullu.db")
	if err := migrate("sqlite:" + path); err != nil {
		return nil, err
	}
	// Closing the last connection checkpointed the WAL into the file.
	return os.ReadFile(path)
})

// postgresTemplate returns the name of the template database for this
// binary's migrations, building it when the server has none yet. A session
// advisory lock makes test binaries that start together build it once; it
// is built under another name and renamed when done, so a half-built
// template is never cloned.
func postgresTemplate(base string) (string, error) {
	pgTemplate.once.Do(func() { pgTemplate.name, pgTemplate.err = buildPostgresTemplate(base) })
	return pgTemplate.name, pgTemplate.err
}

var pgTemplate struct {
	once sync.Once
	name string
	err  error
}

// templateLock is the advisory lock key of building a template.
const templateLock = 0x6b6f6e756c6c75 // "konullu"

func buildPostgresTemplate(base string) (string, error) {
	digest, err := store.MigrationsDigest(store.Postgres)
	if err != nil {
		return "", err
	}
	name := "konullu_template_" + digest[:16]
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("storetest: connect to %s: %w", EnvDatabaseURL, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return "", fmt.Errorf("storetest: lock: %w", err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", templateLock)
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("storetest: look for the template: %w", err)
	}
	if exists {
		return name, nil
	}
	building := randomName(name + "_building_")
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", fmt.Errorf("storetest: create the template: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + building
	err = migrate(u.String())
	if err == nil {
		// Nobody connects to the template: a session on it would make
		// CREATE DATABASE … TEMPLATE refuse to copy it.
		_, err = conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false")
	}
	if err != nil {
		conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return "", fmt.Errorf("storetest: build the template: %w", err)
	}
	return name, nil
}

// migrate migrates the database of url and closes it.
func migrate(url string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, url, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}
