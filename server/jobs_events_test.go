package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// TestJobsRunPublishesEvents: `konullu jobs run place-offers` expires an
// offer nobody took and, like a scheduled run, announces it
// (PLACE_OFFER_EXPIRED) and the in-app notifications it delivered to the
// live subscribers of every instance, through the shared Redis, before the
// command exits. The Redis is an embedded one of this test's own: the
// channel is the product's, which a shared server would mix with other tests'.
func TestJobsRunPublishesEvents(t *testing.T) {
	ctx := context.Background()
	url := storetest.MigratedURL(t)
	// The offer was made two hours ago; its cut-off passed an hour ago.
	earlier := time.Now().Add(-2 * time.Hour)
	db, c, p := openWithCentre(t, url, store.Options{Now: func() time.Time { return earlier }})
	u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: "aysel@example.az", FullName: "Aysel",
		BirthDate: time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(2 * time.Hour).Truncate(time.Minute)
	shifts, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 3, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.SignUp(ctx, shifts[0].ID, u.VolunteerID, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.OfferPlace(ctx, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()

	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bus := live.New(rdb, "", nil) // an instance serving subscribers
	heard := make(chan konullu.Event, 100)
	bus.Listen(func(e konullu.Event) { heard <- e })
	go bus.Run(bctx)
	<-bus.Ready()

	vars := env(map[string]string{"KONULLU_DATABASE_URL": url, "KONULLU_REDIS_URL": "redis://" + mr.Addr()})
	var out, logs syncBuffer
	if err := run(ctx, []string{"konullu", "jobs", "run", "place-offers"}, vars, &out, &logs); err != nil {
		t.Fatalf("jobs run: %v\n%s", err, logs.String())
	}
	if !strings.Contains(out.String(), "place-offers: OK, 1 items") {
		t.Fatalf("output: %s", out.String())
	}
	var expired, notified bool
	deadline := time.After(10 * time.Second)
	for !expired || !notified {
		select {
		case e := <-heard:
			if ce := e.Centre; ce != nil && ce.Kind == konullu.CentrePlaceOfferExpired {
				if ce.CentreID != c.ID || ce.ShiftID != shifts[0].ID || ce.AssignmentID != a.ID {
					t.Fatalf("PLACE_OFFER_EXPIRED about %+v, want centre %d, shift %d, assignment %d", ce, c.ID, shifts[0].ID, a.ID)
				}
				expired = true
			}
			if n := e.Notification; n != nil && n.UserID == u.ID {
				notified = true
			}
		case <-deadline:
			t.Fatalf("heard PLACE_OFFER_EXPIRED %v, the offerer's in-app notification %v; log:\n%s", expired, notified, logs.String())
		}
	}
}
