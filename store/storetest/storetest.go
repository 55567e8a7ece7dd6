// Package storetest opens a fresh, migrated store for a test: SQLite in a
// temporary directory, or a new database on the PostgreSQL server named by
// KONULLU_TEST_DATABASE_URL when it is set. The database is dropped when the
// test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/konullu/konullu/store"
)

// EnvDatabaseURL names the PostgreSQL server tests use when set.
const EnvDatabaseURL = "KONULLU_TEST_DATABASE_URL"

// URL returns the URL of a fresh, empty database for the test (created on
// the PostgreSQL server of KONULLU_TEST_DATABASE_URL, or a SQLite file).
func URL(tb testing.TB) string {
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
	b := make([]byte, 6)
	rand.Read(b)
	name := "konullu_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// Open returns a migrated store on a fresh database.
func Open(tb testing.TB, opts store.Options) *store.DB {
	tb.Helper()
	ctx := context.Background()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := store.Open(ctx, URL(tb), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}
