package storetest_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// TestOpenCopiesTheTemplate: every Open is a database of its own, already at
// the newest migration, and what one test writes no other test sees.
func TestOpenCopiesTheTemplate(t *testing.T) {
	ctx := context.Background()
	first := storetest.Open(t, store.Options{})
	if err := first.CreateCentre(ctx, &konullu.Centre{Name: "Bakı 1", City: "Bakı", Timezone: "Asia/Baku"}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	second := storetest.Open(t, store.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if cs, err := second.Centres(ctx); err != nil || len(cs) != 0 {
		t.Fatalf("a second database has %d centres (%v), want none", len(cs), err)
	}
	if err := second.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "migrated") {
		t.Fatalf("the copy was not at the newest migration:\n%s", logs.String())
	}
	if cs, err := first.Centres(ctx); err != nil || len(cs) != 1 {
		t.Fatalf("the first database has %d centres (%v), want 1", len(cs), err)
	}
}

// TestURLIsEmpty: URL gives a database without any table, for tests of
// migrating itself.
func TestURLIsEmpty(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	db, err := store.Open(ctx, storetest.URL(t), store.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "00001_core.sql") {
		t.Fatalf("migrating an empty database did not start from the first migration:\n%s", logs.String())
	}
}
