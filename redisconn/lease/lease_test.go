package lease_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/redisconn/lease"
	"github.com/konullu/konullu/redisconn/redistest"
)

// These tests let leases really run out: on the Redis of
// KONULLU_TEST_REDIS_URL, or on a miniredis that expires keys with the wall
// clock. Every wait is bounded by a few TTLs, so a broken lease fails in
// about a second, never at the test binary's timeout.

const ttl = 200 * time.Millisecond

func acquire(t *testing.T, c redis.UniversalClient, key string) (*lease.Lease, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l, ok, err := lease.Acquire(ctx, c, key, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return l, ok
}

// eventuallyFree waits at most within for another holder to get the lease.
func eventuallyFree(t *testing.T, c redis.UniversalClient, key string, within time.Duration) (time.Duration, bool) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if _, ok := acquire(t, c, key); ok {
			return time.Since(start), true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start), false
}

func TestLeaseIsExclusiveAndReleasedByItsHolderOnly(t *testing.T) {
	r := redistest.Open(t, redistest.WallClock())
	ctx := context.Background()
	key := r.Prefix + ":reminders"
	a, ok := acquire(t, r.Client, key)
	if !ok {
		t.Fatal("a free lease was not taken")
	}
	if _, ok := acquire(t, r.Client, key); ok {
		t.Fatal("two holders of one lease")
	}
	if _, ok := acquire(t, r.Client, r.Prefix+":digest"); !ok {
		t.Fatal("leases of different keys are independent")
	}
	if got := r.Client.Get(ctx, key).Val(); got != a.Token() {
		t.Fatalf("the key holds %q, not the holder's token", got)
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	b, ok := acquire(t, r.Client, key)
	if !ok {
		t.Fatal("a released lease was not free")
	}
	// A holder who lost the lease can neither renew nor release another's.
	if ok, err := a.Renew(ctx, ttl); ok || err != nil {
		t.Fatalf("a stale holder renewed another's lease (%v)", err)
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := acquire(t, r.Client, key); ok {
		t.Fatal("a stale holder released another's lease")
	}
	b.Release(ctx)
}

// TestUnrenewedLeaseRunsOut: nobody renews it, and another holder gets it
// once its TTL is over, not before.
func TestUnrenewedLeaseRunsOut(t *testing.T) {
	r := redistest.Open(t, redistest.WallClock())
	key := r.Prefix + ":job"
	if _, ok := acquire(t, r.Client, key); !ok {
		t.Fatal("not taken")
	}
	took, ok := eventuallyFree(t, r.Client, key, 5*ttl)
	if !ok {
		t.Fatalf("the unrenewed lease was still held after %v (TTL %v)", took, ttl)
	}
	if took < ttl/2 {
		t.Fatalf("the lease was free after %v, before its TTL of %v", took, ttl)
	}
}

// TestKeptLeaseOutlivesItsTTL: kept, the lease is held for many TTLs;
// stopped, it runs out. Its TTL is longer than the other tests' (1.2 s,
// renewed every 400 ms): with 200 ms a renewal starved for 130 ms by a
// loaded machine under the race detector let another holder in.
func TestKeptLeaseOutlivesItsTTL(t *testing.T) {
	const keptTTL = 1200 * time.Millisecond
	r := redistest.Open(t, redistest.WallClock())
	key := r.Prefix + ":job"
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	l, ok, err := lease.Acquire(ctx, r.Client, key, keptTTL)
	cancel()
	if err != nil || !ok {
		t.Fatalf("not taken: %v", err)
	}
	lost := make(chan error, 1)
	stop := l.Keep(context.Background(), keptTTL, func(err error) { lost <- err })
	deadline := time.Now().Add(4 * keptTTL)
	for time.Now().Before(deadline) {
		if _, ok := acquire(t, r.Client, key); ok {
			stop()
			t.Fatalf("another holder took a kept lease after %v", 4*keptTTL-time.Until(deadline))
		}
		select {
		case err := <-lost:
			t.Fatalf("a kept lease was lost: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	stop()
	if _, ok := eventuallyFree(t, r.Client, key, 3*keptTTL); !ok {
		t.Fatal("the lease was still held after renewal stopped")
	}
}

// TestKeepReportsALostLease: when the key is taken from under the holder
// (a flush, or it ran out while the process was paused), Keep says so
// within a renewal or two.
func TestKeepReportsALostLease(t *testing.T) {
	r := redistest.Open(t, redistest.WallClock())
	key := r.Prefix + ":job"
	l, ok := acquire(t, r.Client, key)
	if !ok {
		t.Fatal("not taken")
	}
	lost := make(chan error, 1)
	stop := l.Keep(context.Background(), ttl, func(err error) { lost <- err })
	defer stop()
	r.Client.Del(context.Background(), key)
	if _, ok := acquire(t, r.Client, key); !ok {
		t.Fatal("the deleted lease was not free")
	}
	select {
	case err := <-lost:
		if !errors.Is(err, lease.ErrLost) {
			t.Fatalf("lost with %v, want ErrLost", err)
		}
	case <-time.After(3 * ttl):
		t.Fatal("Keep did not notice that the lease was lost")
	}
}

// TestKeepGivesUpOnAHungRedis: renewals to a Redis that never answers do
// not block Keep; once the lease has run out it is reported lost.
func TestKeepGivesUpOnAHungRedis(t *testing.T) {
	c, err := redisconn.NewClient(redistest.Silent(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A lease this holder believes it has; the server will not answer.
	r := redistest.Open(t)
	l, ok := acquire(t, r.Client, r.Prefix+":job")
	if !ok {
		t.Fatal("not taken")
	}
	hung := lease.ForTest(l, c)
	lost := make(chan error, 1)
	start := time.Now()
	stop := hung.Keep(context.Background(), ttl, func(err error) { lost <- err })
	select {
	case err := <-lost:
		if !errors.Is(err, lease.ErrLost) || time.Since(start) < ttl {
			t.Fatalf("after %v: %v", time.Since(start), err)
		}
	case <-time.After(10 * ttl):
		t.Fatal("Keep did not give up on a Redis that never answers")
	}
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("stop waited on the hung Redis")
	}
}
