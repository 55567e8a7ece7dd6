package ratelimit_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/redisconn/redistest"
)

var quiet = slog.New(slog.DiscardHandler)

var fivePerHour = ratelimit.Rule{Name: "test", Limit: ratelimit.Limit{Rate: 5, Period: time.Hour, Burst: 5}}

// allowed counts how many of n events the limiter lets through.
func allowed(l *ratelimit.Limiter, rule ratelimit.Rule, key string, n int) (ok int, last ratelimit.Decision) {
	for range n {
		last = l.Allow(context.Background(), rule, key)
		if last.Allowed {
			ok++
		}
	}
	return ok, last
}

func newRedis(t *testing.T) (*miniredis.Miniredis, redis.UniversalClient) {
	t.Helper()
	srv := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	return srv, client
}

func TestSharedThroughRedis(t *testing.T) {
	_, client := newRedis(t)
	// Two instances of the server share one Redis.
	a := ratelimit.New(client, ratelimit.Options{Logger: quiet})
	b := ratelimit.New(client, ratelimit.Options{Logger: quiet})
	if n, _ := allowed(a, fivePerHour, "k", 3); n != 3 {
		t.Fatalf("first instance: %d allowed", n)
	}
	n, last := allowed(b, fivePerHour, "k", 3)
	if n != 2 {
		t.Fatalf("second instance: %d allowed, want the 2 left", n)
	}
	if last.Allowed || last.RetryAfter <= 0 || last.RetryAfter > time.Hour || last.Fallback {
		t.Fatalf("denial: %+v", last)
	}
	if n, _ := allowed(b, fivePerHour, "other", 5); n != 5 {
		t.Fatalf("another key: %d allowed", n)
	}
	if a.InMemory() {
		t.Error("limiter says it is in memory while Redis answers")
	}
}

func TestFallsBackToMemoryAndRecovers(t *testing.T) {
	srv, client := newRedis(t)
	var fallbacks atomic.Int32
	l := ratelimit.New(client, ratelimit.Options{Logger: quiet, RetryRedisAfter: time.Millisecond,
		OnFallback: func(mem bool) {
			if mem {
				fallbacks.Add(1)
			}
		}})
	if n, _ := allowed(l, fivePerHour, "k", 2); n != 2 {
		t.Fatal("before the outage")
	}
	srv.Close() // Redis is gone

	n, last := allowed(l, fivePerHour, "k", 7)
	if n != 5 || last.Allowed || !last.Fallback || last.RetryAfter <= 0 {
		t.Fatalf("in memory: %d allowed, last %+v; want the limit kept per instance", n, last)
	}
	if !l.InMemory() || fallbacks.Load() != 1 {
		t.Fatalf("in memory %v, fallbacks %d", l.InMemory(), fallbacks.Load())
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Redis still holds the 2 events from before the outage.
	for i := 0; l.InMemory() && i < 100; i++ {
		time.Sleep(5 * time.Millisecond)
		l.Allow(context.Background(), fivePerHour, "probe")
	}
	if l.InMemory() {
		t.Fatal("the limiter did not go back to Redis")
	}
	if n, _ := allowed(l, fivePerHour, "k", 5); n != 3 {
		t.Fatalf("after the outage: %d allowed, want the 3 Redis has left", n)
	}
}

func TestUnreachableRedisAnswersAtOnce(t *testing.T) {
	// A port nothing listens on: every call fails; decisions come from memory.
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 50 * time.Millisecond})
	defer client.Close()
	l := ratelimit.New(client, ratelimit.Options{Logger: quiet})
	if n, last := allowed(l, fivePerHour, "k", 6); n != 5 || !last.Fallback {
		t.Fatalf("%d allowed, %+v", n, last)
	}
}

func TestMemoryOnly(t *testing.T) {
	l := ratelimit.New(nil, ratelimit.Options{Logger: quiet})
	rule := ratelimit.Rule{Name: "m", Limit: ratelimit.Limit{Rate: 2, Period: time.Minute, Burst: 2}}
	n, last := allowed(l, rule, "k", 3)
	if n != 2 || last.Allowed || last.Fallback || last.RetryAfter <= 0 || last.RetryAfter > time.Minute {
		t.Fatalf("%d allowed, %+v", n, last)
	}
	if d := l.AllowN(context.Background(), rule, "big", 3); d.Allowed {
		t.Fatal("more than the burst at once was allowed")
	}
	off := ratelimit.Rule{Name: "off"}
	if n, _ := allowed(l, off, "k", 100); n != 100 {
		t.Fatal("an unlimited rule limited")
	}
	var nilLimiter *ratelimit.Limiter
	if !nilLimiter.Allow(context.Background(), rule, "k").Allowed {
		t.Fatal("a nil limiter limited")
	}
}

func TestParseRules(t *testing.T) {
	def := ratelimit.DefaultRules()
	for _, tc := range []struct {
		in   string
		want func(r *ratelimit.Rules)
	}{
		{"", func(*ratelimit.Rules) {}},
		{"login=3/1m", func(r *ratelimit.Rules) { r.LoginAccount = ratelimit.Limit{Rate: 3, Period: time.Minute, Burst: 3} }},
		{"mutation=100/1s+20, register-ip=off", func(r *ratelimit.Rules) {
			r.MutationUser = ratelimit.Limit{Rate: 100, Period: time.Second, Burst: 20}
			r.RegisterAddress = ratelimit.Limit{}
		}},
		{"login-ip=5/h", func(r *ratelimit.Rules) { r.LoginAddress = ratelimit.Limit{Rate: 5, Period: time.Hour, Burst: 5} }},
		{"verify-ip=10/1m+5, calendar-ip=off", func(r *ratelimit.Rules) {
			r.VerifyAddress = ratelimit.Limit{Rate: 10, Period: time.Minute, Burst: 5}
			r.CalendarAddress = ratelimit.Limit{}
		}},
	} {
		want := def
		tc.want(&want)
		got, err := ratelimit.ParseRules(tc.in)
		if err != nil || got != want {
			t.Errorf("ParseRules(%q) = %+v, %v; want %+v", tc.in, got, err, want)
		}
	}
	if def.VerifyAddress.String() != "60/1m+30" || def.CalendarAddress.String() != "120/1m+60" {
		t.Errorf("public page defaults: verify-ip=%s calendar-ip=%s", def.VerifyAddress, def.CalendarAddress)
	}
	if r, err := ratelimit.ParseRules("off"); err != nil || r != (ratelimit.Rules{}) {
		t.Errorf("off: %+v %v", r, err)
	}
	for _, bad := range []string{"login", "nope=1/1m", "verify-ip=lots", "calendar=1/1m", "login=0/1m", "login=1/0s", "login=1/1m+0", "login=x/1m", "login=1/2d"} {
		if _, err := ratelimit.ParseRules(bad); err == nil {
			t.Errorf("ParseRules(%q) accepted", bad)
		}
	}
	if got, err := ratelimit.ParseRules(def.String()); err != nil || got != def {
		t.Errorf("round trip of %q: %+v %v", def.String(), got, err)
	}
}

func TestKeys(t *testing.T) {
	if ratelimit.AccountKey("A@x.az ") != ratelimit.AccountKey("a@x.az") {
		t.Error("account keys differ by case")
	}
	for in, want := range map[string]string{
		"127.0.0.1:5555":               "127.0.0.1",
		"[2001:db8:1:2:3:4:5:6]:443":   "2001:db8:1:2::/64",
		"[::ffff:10.0.0.1]:80":         "10.0.0.1",
		"garbage":                      "unknown",
		"192.168.1.9":                  "192.168.1.9",
		"[2001:db8:1:2:ffff::1]:65535": "2001:db8:1:2::/64",
	} {
		if got := ratelimit.AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRealRedis runs the shared limit against the Redis of KONULLU_TEST_REDIS_URL.
func TestRealRedis(t *testing.T) {
	url := os.Getenv("KONULLU_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KONULLU_TEST_REDIS_URL is not set")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	rule := ratelimit.Rule{Name: "test-" + t.Name() + time.Now().Format("150405.000000"), Limit: fivePerHour.Limit}
	a := ratelimit.New(client, ratelimit.Options{Logger: quiet})
	b := ratelimit.New(client, ratelimit.Options{Logger: quiet})
	n1, _ := allowed(a, rule, "k", 4)
	n2, last := allowed(b, rule, "k", 4)
	if n1+n2 != 5 || last.Fallback {
		t.Fatalf("allowed %d+%d, last %+v", n1, n2, last)
	}
}

// TestReset: a successful sign-in clears the failures of its account and
// address, in Redis (every instance) and in memory alike.
func TestReset(t *testing.T) {
	_, client := newRedis(t)
	for name, l := range map[string]*ratelimit.Limiter{
		"Redis":  ratelimit.New(client, ratelimit.Options{Logger: quiet}),
		"Memory": ratelimit.New(nil, ratelimit.Options{Logger: quiet}),
	} {
		t.Run(name, func(t *testing.T) {
			if n, _ := allowed(l, fivePerHour, "pair", 6); n != 5 {
				t.Fatalf("%d allowed before the reset", n)
			}
			l.Reset(context.Background(), fivePerHour, "pair")
			if n, _ := allowed(l, fivePerHour, "pair", 6); n != 5 {
				t.Fatalf("%d allowed after the reset, want the whole budget", n)
			}
		})
	}
}

func TestLoginDefaults(t *testing.T) {
	def := ratelimit.DefaultRules()
	if def.LoginAccountAddress.String() != "10/15m" || def.LoginAccount.String() != "100/15m" {
		t.Errorf("login-account-ip=%s login=%s", def.LoginAccountAddress, def.LoginAccount)
	}
	r, err := ratelimit.ParseRules("login-account-ip=5/1m,reset=off,reset-ip=2/1h")
	if err != nil || r.LoginAccountAddress.Rate != 5 || !r.ResetAccount.Unlimited() || r.ResetAddress.Rate != 2 {
		t.Errorf("ParseRules: %+v %v", r, err)
	}
}

// hungRedis is a client, made as the server makes its own, of a Redis that
// accepts connections and never answers.
func hungRedis(tb testing.TB) redis.UniversalClient {
	tb.Helper()
	client, err := redisconn.NewClient(redistest.Silent(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { client.Close() })
	return client
}

// TestHungRedisFallsBackInTime: the README promises a decision within
// 150 ms when Redis does not answer. Against a Redis that accepts and never
// answers, the first decision waits that long and comes from memory, the
// next ones come from memory at once, and the limit still holds.
func TestHungRedisFallsBackInTime(t *testing.T) {
	l := ratelimit.New(hungRedis(t), ratelimit.Options{Logger: quiet})
	const bound = 2 * time.Second // generous for a loaded machine; BenchmarkDecisionLatency gives the real figure
	start := time.Now()
	d := l.Allow(context.Background(), fivePerHour, "k")
	if took := time.Since(start); took > bound || !d.Allowed || !d.Fallback {
		t.Fatalf("first decision after %v: %+v", took, d)
	}
	start = time.Now()
	n, last := allowed(l, fivePerHour, "k", 5)
	if took := time.Since(start); took > bound {
		t.Fatalf("5 more decisions took %v", took)
	}
	if n != 4 || last.Allowed || !last.Fallback {
		t.Fatalf("in memory: %d of 5 more allowed, last %+v; want the 4 left of 5", n, last)
	}
}

// BenchmarkDecisionLatency prints the latency of a decision with a Redis
// that answers (KONULLU_TEST_REDIS_URL, else miniredis) and with one that
// never does: each round is a fresh limiter, as after a restart, whose
// first decision asks Redis, then 99 more. Run it with
//
//	go test -run '^$' -bench DecisionLatency -benchtime 1x ./ratelimit
func BenchmarkDecisionLatency(b *testing.B) {
	for _, c := range []struct {
		name   string
		client func(testing.TB) redis.UniversalClient
	}{
		{"answering", func(tb testing.TB) redis.UniversalClient { return redistest.Open(tb).Client }},
		{"hung", hungRedis},
	} {
		b.Run(c.name, func(b *testing.B) {
			client := c.client(b)
			rule := ratelimit.Rule{Name: "bench-" + redistest.NewPrefix(), Limit: ratelimit.Limit{Rate: 1000, Period: time.Second, Burst: 1000}}
			var first, all []time.Duration
			for range b.N {
				for round := range 20 {
					l := ratelimit.New(client, ratelimit.Options{Logger: quiet})
					for i := range 100 {
						start := time.Now()
						l.Allow(context.Background(), rule, strconv.Itoa(round))
						took := time.Since(start)
						if i == 0 {
							first = append(first, took)
						}
						all = append(all, took)
					}
				}
			}
			ms := func(ds []time.Duration, q float64) float64 {
				slices.Sort(ds)
				return float64(ds[int(q*float64(len(ds)-1))]) / 1e6
			}
			b.ReportMetric(ms(first, 0.5), "first-p50-ms")
			b.ReportMetric(ms(first, 0.99), "first-p99-ms")
			b.ReportMetric(ms(all, 0.5), "p50-ms")
			b.ReportMetric(ms(all, 0.99), "p99-ms")
		})
	}
}

// TestReadmeDefaults: the README's table of settings shows the defaults the
// server uses (apply-ip and apply were once missing from it).
func TestReadmeDefaults(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "| `KONULLU_RATE_LIMITS` | `" + ratelimit.DefaultRules().String() + "` |"
	if !strings.Contains(string(readme), want) {
		t.Fatalf("README's KONULLU_RATE_LIMITS row does not show the defaults; want the row to start with\n%s", want)
	}
}
