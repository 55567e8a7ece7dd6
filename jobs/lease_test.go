package jobs_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu/jobs"
)

// testRedis returns a client of the Redis named by KONULLU_TEST_REDIS_URL
// (a real server) or of an in-process miniredis, a key prefix of its own
// (the test never touches other keys: no FLUSHALL), and a function that
// lets TTLs run down by d.
func testRedis(t *testing.T) (redis.UniversalClient, string, func(d time.Duration), *miniredis.Miniredis) {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "konullu-test:" + hex.EncodeToString(b) + ":"
	if url := os.Getenv("KONULLU_TEST_REDIS_URL"); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		c := redis.NewClient(opts)
		if err := c.Ping(context.Background()).Err(); err != nil {
			t.Fatalf("KONULLU_TEST_REDIS_URL: %v", err)
		}
		t.Cleanup(func() {
			ctx := context.Background()
			keys, _ := c.Keys(ctx, prefix+"*").Result()
			if len(keys) > 0 {
				c.Del(ctx, keys...)
			}
			c.Close()
		})
		return c, prefix, time.Sleep, nil
	}
	m := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { c.Close() })
	return c, prefix, m.FastForward, m
}

func TestRedisLease(t *testing.T) {
	ctx := context.Background()
	c, prefix, advance, _ := testRedis(t)
	l := &jobs.RedisLease{Client: c, Prefix: prefix}
	const ttl = 300 * time.Millisecond

	a, ok, err := l.Acquire(ctx, "reminders", ttl)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, ok, _ := l.Acquire(ctx, "reminders", ttl); ok {
		t.Fatal("two holders of one lease")
	}
	if _, ok, _ := l.Acquire(ctx, "digest", ttl); !ok {
		t.Fatal("leases of different jobs are independent")
	}
	if ok, err := a.Renew(ctx, ttl); !ok || err != nil {
		t.Fatal("renewal by the holder failed", err)
	}
	advance(ttl + 100*time.Millisecond)
	// Expired: someone else takes it, and the old holder can neither renew
	// nor release the new holder's lease.
	b, ok, err := l.Acquire(ctx, "reminders", ttl)
	if !ok || err != nil {
		t.Fatal("the expired lease was not free", err)
	}
	if ok, _ := a.Renew(ctx, ttl); ok {
		t.Fatal("a stale holder renewed another's lease")
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := l.Acquire(ctx, "reminders", ttl); ok {
		t.Fatal("a stale holder released another's lease")
	}
	if err := b.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := l.Acquire(ctx, "reminders", ttl); !ok {
		t.Fatal("the released lease was not free")
	}
}
