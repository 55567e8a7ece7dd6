package live_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/redisconn/redistest"
)

// clock is a time two counters share and a test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestConnCounterAcrossInstances: two instances count one user's
// connections together; a released one frees its place; the connections of
// an instance that stopped refreshing (it died) stop counting after the
// TTL, while a live instance's refreshed ones go on counting.
func TestConnCounterAcrossInstances(t *testing.T) {
	rd := redistest.Open(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)}
	a := live.NewConnCounter(rd.Client, rd.Prefix+"conns:", time.Minute, clk.now)
	b := live.NewConnCounter(rd.Client, rd.Prefix+"conns:", time.Minute, clk.now)
	const user, max = 7, 3
	acquire := func(c *live.ConnCounter, conn string, want bool) {
		t.Helper()
		ok, err := c.Acquire(ctx, user, conn, max)
		if err != nil || ok != want {
			t.Fatalf("acquire %s: %v %v, want %v", conn, ok, err, want)
		}
	}
	acquire(a, "a-1", true)
	acquire(b, "b-1", true)
	acquire(a, "a-2", true)
	acquire(b, "b-2", false) // three already, on two instances
	acquire(a, "a-1", true)  // counted already: refreshed, not counted twice
	if ok, _ := a.Acquire(ctx, user+1, "a-3", max); !ok {
		t.Fatal("another user is not concerned")
	}
	if err := b.Release(ctx, user, "b-1"); err != nil {
		t.Fatal(err)
	}
	acquire(b, "b-2", true)
	acquire(b, "b-3", false)

	// Instance A dies; B refreshes its own. After the TTL, A's are free.
	clk.add(40 * time.Second)
	if err := b.Refresh(ctx, map[int64][]string{user: {"b-2"}}); err != nil {
		t.Fatal(err)
	}
	clk.add(30 * time.Second)
	if n, err := b.Count(ctx, user); err != nil || n != 1 {
		t.Fatalf("after A's TTL: %d counted (%v), want 1 (B's refreshed one)", n, err)
	}
	acquire(b, "b-3", true)
	acquire(b, "b-4", true)
	acquire(b, "b-5", false)
}
