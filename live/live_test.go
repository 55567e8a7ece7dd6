package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/redisconn/redistest"
)

// TestEventsReachEveryInstance: three buses on one Redis (three instances);
// what one publishes, all hear, in order, and nothing else.
func TestEventsReachEveryInstance(t *testing.T) {
	rd := redistest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	channel := rd.Prefix + "events"
	var heard []chan konullu.Event
	var buses []*live.Bus
	for range 3 {
		b := live.New(rd.Client, channel, nil)
		ch := make(chan konullu.Event, 100)
		b.Listen(func(e konullu.Event) { ch <- e })
		go b.Run(ctx)
		<-b.Ready()
		buses, heard = append(buses, b), append(heard, ch)
	}
	at := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	want := []konullu.Event{
		{Centre: &konullu.CentreEvent{Kind: konullu.CentreSignedUp, At: at, CentreID: 1, ShiftID: 2, AssignmentID: 3}},
		{Notification: &konullu.NotificationEvent{UserID: 4, NotificationID: 5}},
		{AccountChange: 6},
	}
	if err := buses[1].PublishCentreEvent(ctx, *want[0].Centre); err != nil {
		t.Fatal(err)
	}
	if err := buses[1].PublishNotification(ctx, *want[1].Notification); err != nil {
		t.Fatal(err)
	}
	if err := buses[1].PublishAccountChange(ctx, 6); err != nil {
		t.Fatal(err)
	}
	for i, ch := range heard {
		for j, w := range want {
			select {
			case got := <-ch:
				if !same(got, w) {
					t.Fatalf("instance %d, event %d: got %+v, want %+v", i, j, got, w)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("instance %d did not hear event %d", i, j)
			}
		}
	}
}

func same(a, b konullu.Event) bool {
	if a.AccountChange != b.AccountChange || (a.Centre == nil) != (b.Centre == nil) || (a.Notification == nil) != (b.Notification == nil) {
		return false
	}
	if a.Centre != nil && (a.Centre.Kind != b.Centre.Kind || !a.Centre.At.Equal(b.Centre.At) || a.Centre.CentreID != b.Centre.CentreID ||
		a.Centre.ShiftID != b.Centre.ShiftID || a.Centre.AssignmentID != b.Centre.AssignmentID) {
		return false
	}
	return a.Notification == nil || *a.Notification == *b.Notification
}
