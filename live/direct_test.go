package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/redisconn/redistest"
)

// TestDirectReachesBuses: what a command publishes directly (no bus of its
// own, nothing queued when it exits) reaches the instances' buses.
func TestDirectReachesBuses(t *testing.T) {
	rd := redistest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	channel := rd.Prefix + "events"
	b := live.New(rd.Client, channel, nil)
	heard := make(chan konullu.Event, 10)
	b.Listen(func(e konullu.Event) { heard <- e })
	go b.Run(ctx)
	<-b.Ready()

	d := live.NewDirect(rd.Client, channel)
	at := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	want := []konullu.Event{
		{Centre: &konullu.CentreEvent{Kind: konullu.CentrePlaceOfferExpired, At: at, CentreID: 1, ShiftID: 2, AssignmentID: 3}},
		{Notification: &konullu.NotificationEvent{UserID: 4, NotificationID: 5}},
		{AccountChange: 6},
	}
	if err := d.PublishCentreEvent(ctx, *want[0].Centre); err != nil {
		t.Fatal(err)
	}
	if err := d.PublishNotification(ctx, *want[1].Notification); err != nil {
		t.Fatal(err)
	}
	if err := d.PublishAccountChange(ctx, 6); err != nil {
		t.Fatal(err)
	}
	for j, w := range want {
		select {
		case got := <-heard:
			if !same(got, w) {
				t.Fatalf("event %d: got %+v, want %+v", j, got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d not heard", j)
		}
	}
}
