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

// TestPlaceOffersExpireOnce: three instances fire the place-offers job at
// the same moment after an offer's cut-off; the offer expires once, the
// offerer and the centre's coordinator are told once, and the place stays
// the offerer's. Before the cut-off the job does nothing.
func TestPlaceOffersExpireOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "Asia/Baku")
	r := redistest.Open(t)
	s := w.shiftAt(monday.Add(24*time.Hour), 4*time.Hour, 3)
	held := w.signUp(s, 1)[0]
	coord, err := w.db.CreateAccount(ctx, konullu.NewAccount{Email: "coord@example.az", FullName: "Koordinator", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{w.centre.ID}); err != nil {
		t.Fatal(err)
	}
	o, err := w.db.OfferPlace(ctx, held, nil)
	if err != nil {
		t.Fatal(err)
	}
	var fleet []*jobs.Scheduler
	for range 3 {
		fleet = append(fleet, w.scheduler(w.open(), &jobs.RedisLease{Client: r.Client, Prefix: r.Prefix + ":"}, jobs.Settings{}))
	}
	if n, err := fleet[0].RunAt(ctx, konullu.JobPlaceOffers, o.ExpiresAt.Add(-time.Minute)); err != nil || n != 0 {
		t.Fatalf("before the cut-off: %d (%v)", n, err)
	}
	w.clock.Set(o.ExpiresAt.Add(30 * time.Second))
	var wg sync.WaitGroup
	for _, sc := range fleet {
		wg.Add(1)
		go func() { defer wg.Done(); sc.Fire(konullu.JobPlaceOffers) }()
	}
	wg.Wait()
	offers, _ := w.db.PlaceOffersByIDs(ctx, []int64{o.ID})
	if offers[o.ID].Status != konullu.OfferExpired {
		t.Fatalf("offer is %s", offers[o.ID].Status)
	}
	var told int
	if err := w.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = 'OFFER_EXPIRED' AND channel = 'IN_APP'`).Scan(&told); err != nil || told != 2 {
		t.Fatalf("OFFER_EXPIRED messages %d (%v), want the offerer and the coordinator once", told, err)
	}
	runs, _ := w.db.JobRuns(ctx, konullu.JobPlaceOffers, 10)
	items := 0
	for _, run := range runs {
		items += run.Items
	}
	if items != 1 {
		t.Fatalf("runs %+v: %d items, want one offer expired once", runs, items)
	}
	if a, _ := w.db.AssignmentsByIDs(ctx, []int64{held}); a[held].Status != konullu.AssignmentConfirmed {
		t.Fatalf("the place is %s, want still the offerer's", a[held].Status)
	}
}
