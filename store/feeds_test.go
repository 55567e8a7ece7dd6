package store_test

import (
	"context"
	"crypto/sha256"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// noSecretIn fails when a value of the table holds the secret.
func noSecretIn(t *testing.T, f *fixture, table, secret string) {
	t.Helper()
	vals, err := f.db.TableText(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if strings.Contains(v, secret) {
			t.Errorf("%s holds the secret in plain text: %s", table, v)
		}
	}
}

// A feed's secret is kept only as its hash: shown once when made, CONFLICT
// when asked again, replaced by a rotation that closes the old address.
func TestCalendarFeedSecretsHashed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "feed@example.az", FullName: "Feed", Status: konullu.VolunteerActive,
		BirthDate: time.Date(2004, 5, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := f.db.CreateCalendarFeed(ctx, u.ID, u.VolunteerID, 0)
	if err != nil || len(feed.Token) != 52 {
		t.Fatalf("create: %+v %v", feed, err)
	}
	noSecretIn(t, f, "calendar_feeds", feed.Token)
	got, err := f.db.CalendarFeedByToken(ctx, feed.Token)
	if err != nil || got.VolunteerID != u.VolunteerID || got.UserID != u.ID || got.Token != "" {
		t.Fatalf("by token: %+v %v", got, err)
	}
	if _, err := f.db.CreateCalendarFeed(ctx, u.ID, u.VolunteerID, 0); konullu.ErrorCode(err) != konullu.ECONFLICT ||
		!strings.Contains(err.Error(), "rotateCalendarUrl") {
		t.Fatalf("asked again: %v, want CONFLICT naming rotateCalendarUrl", err)
	}
	rotated, err := f.db.RotateCalendarFeed(ctx, u.ID, u.VolunteerID, 0)
	if err != nil || rotated.Token == feed.Token || len(rotated.Token) != 52 {
		t.Fatalf("rotate: %+v %v", rotated, err)
	}
	noSecretIn(t, f, "calendar_feeds", rotated.Token)
	if _, err := f.db.CalendarFeedByToken(ctx, feed.Token); konullu.ErrorCode(err) != konullu.ENOTFOUND {
		t.Errorf("the old secret still opens the feed: %v", err)
	}
	if got, err := f.db.CalendarFeedByToken(ctx, rotated.Token); err != nil || got.VolunteerID != u.VolunteerID {
		t.Errorf("the new secret: %+v %v", got, err)
	}
	// A centre's feed made by a rotation, with none before; a centre that
	// does not exist is NOT_FOUND.
	centre, err := f.db.RotateCalendarFeed(ctx, u.ID, 0, f.centre.ID)
	if err != nil || centre.CentreID != f.centre.ID {
		t.Fatalf("centre feed by rotation: %+v %v", centre, err)
	}
	if _, err := f.db.CreateCalendarFeed(ctx, u.ID, 0, 424242); konullu.ErrorCode(err) != konullu.ENOTFOUND {
		t.Errorf("feed of a missing centre: %v", err)
	}
}

// Migration 9 hashes the secrets stored in plain text before it: the
// addresses already handed out go on working, and the plain text is gone.
func TestCalendarFeedMigrationHashesSecrets(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "old@example.az", FullName: "Old", Status: konullu.VolunteerActive,
		BirthDate: time.Date(2004, 5, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.MigrateDownTo(ctx, 8); err != nil {
		t.Fatalf("down to 8: %v", err)
	}
	const old = "oldsecretoldsecretoldsecretoldsecretoldsecretoldsecr" // 52 characters, as the store made them
	if err := f.db.Exec(`INSERT INTO calendar_feeds (token, owner, user_id, volunteer_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		old, "v:"+strconv.FormatInt(u.VolunteerID, 10), u.ID, u.VolunteerID, monday); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	noSecretIn(t, f, "calendar_feeds", old)
	got, err := f.db.CalendarFeedByToken(ctx, old)
	if err != nil || got.VolunteerID != u.VolunteerID {
		t.Fatalf("the address handed out before the migration: %+v %v", got, err)
	}
	sum := sha256.Sum256([]byte(old))
	vals, _ := f.db.TableText(ctx, "calendar_feeds")
	if !strings.Contains(strings.Join(vals, "\n"), "token_hash="+string(sum[:])) {
		t.Errorf("the stored hash is not the SHA-256 of the secret: %q", vals)
	}
	if _, err := f.db.CreateCalendarFeed(ctx, u.ID, u.VolunteerID, 0); konullu.ErrorCode(err) != konullu.ECONFLICT {
		t.Errorf("the migrated feed is not seen as existing: %v", err)
	}
}
