package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/redisconn/redistest"
)

// TestQualificationExpiryWarnsOnce: three instances fire the job at once
// 26 days before a grant expires; the holder is warned once. A grant that
// expires later than 30 days away is not warned yet, and a renewal is
// warned again when its own time comes.
func TestQualificationExpiryWarnsOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	r := redistest.Open(t)
	aid := &konullu.Qualification{Name: "First aid", ValidityMonths: 1}
	later := &konullu.Qualification{Name: "English B2", ValidityMonths: 6}
	for _, q := range []*konullu.Qualification{aid, later} {
		if err := w.db.CreateQualification(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	v := w.volunteer()
	for _, q := range []*konullu.Qualification{aid, later} {
		if _, err := w.db.GrantQualification(ctx, v, q.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	var fleet []*jobs.Scheduler
	for range 3 {
		fleet = append(fleet, w.scheduler(w.open(), &jobs.RedisLease{Client: r.Client, Prefix: r.Prefix + ":"}, jobs.Settings{}))
	}
	warned := func() int {
		var n int
		if err := w.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = 'QUALIFICATION_EXPIRING' AND channel = 'IN_APP'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n, err := fleet[0].RunAt(ctx, konullu.JobQualificationExpiry, monday); err != nil || n != 0 || warned() != 0 {
		t.Fatalf("a month before: %d (%v), %d warnings", n, err, warned())
	}
	w.clock.Set(monday.Add(5 * 24 * time.Hour))
	var wg sync.WaitGroup
	for _, sc := range fleet {
		wg.Add(1)
		go func() { defer wg.Done(); sc.Fire(konullu.JobQualificationExpiry) }()
	}
	wg.Wait()
	for _, sc := range fleet {
		if _, err := sc.RunAt(ctx, konullu.JobQualificationExpiry, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if n := warned(); n != 1 {
		t.Fatalf("%d warnings, want one", n)
	}
	// Renewed: warned again 30 days before the new expiry, not before.
	if _, err := w.db.GrantQualification(ctx, v, aid.ID, 0, "renewed"); err != nil {
		t.Fatal(err)
	}
	if _, err := fleet[1].RunAt(ctx, konullu.JobQualificationExpiry, w.clock.Now()); err != nil || warned() != 1 {
		t.Fatalf("the renewal was warned at once: %d (%v)", warned(), err)
	}
	if _, err := fleet[2].RunAt(ctx, konullu.JobQualificationExpiry, w.clock.Now().Add(10*24*time.Hour)); err != nil || warned() != 2 {
		t.Fatalf("the renewal was not warned: %d (%v)", warned(), err)
	}
}
