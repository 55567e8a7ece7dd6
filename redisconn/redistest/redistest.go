// Package redistest gives tests a Redis: the real server named by
// KONULLU_TEST_REDIS_URL when it is set (CI sets redis://127.0.0.1:6379/0),
// else an embedded miniredis of the test's own; and a server that accepts
// connections and never answers, to prove that nothing waits on a hung Redis.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu/redisconn"
)

// EnvURL names the Redis server tests use when set.
const EnvURL = "KONULLU_TEST_REDIS_URL"

// Redis is a test's Redis.
type Redis struct {
	Client redis.UniversalClient
	// Prefix starts every key the test writes: a hash tag of its own
	// ("{kt-…}"), as tests of several packages share one real server and
	// none may see or delete another's keys. Keys under it are deleted when
	// the test ends.
	Prefix string
	// Mini is the embedded server; nil on a real one.
	Mini *miniredis.Miniredis
}

// Option changes what Open gives.
type Option func(*setup)

type setup struct{ wallClock bool }

// WallClock makes an embedded miniredis expire keys as time passes, as a
// real Redis does (miniredis on its own expires keys only when told to
// fast-forward): for tests of what a TTL does.
func WallClock() Option { return func(s *setup) { s.wallClock = true } }

// Open returns a client of the real server of KONULLU_TEST_REDIS_URL, or of
// a new embedded miniredis, and a key prefix of the test's own.
func Open(tb testing.TB, opts ...Option) *Redis {
	tb.Helper()
	var s setup
	for _, o := range opts {
		o(&s)
	}
	r := &Redis{Prefix: NewPrefix()}
	if raw := os.Getenv(EnvURL); raw != "" {
		client, closeFn, err := redisconn.Open(context.Background(), raw)
		if err != nil {
			tb.Fatalf("%s: %v", EnvURL, err)
		}
		r.Client = client
		tb.Cleanup(func() { DeletePrefix(client, r.Prefix); closeFn() })
		return r
	}
	r.Mini = miniredis.RunT(tb)
	r.Client = redis.NewClient(&redis.Options{Addr: r.Mini.Addr()})
	tb.Cleanup(func() { r.Client.Close() })
	if s.wallClock {
		tickWithWallClock(tb, r.Mini)
	}
	return r
}

// NewPrefix returns a key prefix of its own: a Redis Cluster hash tag, "{kt-…}".
func NewPrefix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "{kt-" + hex.EncodeToString(b) + "}"
}

// Advance lets TTLs run down by d: miniredis fast-forwards, a real server
// is waited for.
func (r *Redis) Advance(d time.Duration) {
	if r.Mini != nil {
		r.Mini.FastForward(d)
		return
	}
	time.Sleep(d)
}

// tickWithWallClock fast-forwards m by the time that passed, every 5 ms,
// until the test ends.
func tickWithWallClock(tb testing.TB, m *miniredis.Miniredis) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		last := time.Now()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	tb.Cleanup(func() { close(done); wg.Wait() })
}

// DeletePrefix deletes every key that starts with prefix.
func DeletePrefix(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
}

// OwnDB returns the URL of database db of KONULLU_TEST_REDIS_URL's server,
// flushed now and when the test ends, and a client of it; or "" and nil
// when the variable is not set. For tests that flush, or that run servers
// writing keys of no prefix of the test's: each such test package uses a
// db number of its own (9 to 15), as packages' tests run at once. `make
// test` runs the PostgreSQL pass beside the SQLite pass, so with
// KONULLU_TEST_DATABASE_URL set the number moves down by 8 (1 to 7): the
// two passes of one package never flush each other's database.
func OwnDB(tb testing.TB, db int) (string, redis.UniversalClient) {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return "", nil
	}
	if db < 9 || db > 15 {
		tb.Fatalf("redistest.OwnDB: db %d: use 9 to 15", db)
	}
	if os.Getenv("KONULLU_TEST_DATABASE_URL") != "" {
		db -= 8
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvURL, err)
	}
	u.Path = "/" + strconv.Itoa(db)
	rdb, closeFn, err := redisconn.Open(context.Background(), u.String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.FlushDB(context.Background()); closeFn() })
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		tb.Fatal(err)
	}
	return u.String(), rdb
}

// Silent starts a server that accepts connections, reads what it is sent
// and never answers, as a Redis that hangs does; it returns its redis://
// URL. It stops when the test ends.
func Silent(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				mu.Unlock()
				c.Close()
				return
			}
			conns = append(conns, c)
			wg.Add(1)
			mu.Unlock()
			go func() { defer wg.Done(); io.Copy(io.Discard, c) }()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		closed = true
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "redis://" + ln.Addr().String() + "/0"
}
