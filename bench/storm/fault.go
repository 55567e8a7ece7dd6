package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// fault is what goes wrong halfway through the storm.
type fault struct {
	kind      string
	instances []*instance
	redis     *redisServer
	pg        *postgres

	mu         sync.Mutex
	began      time.Time // the fault started
	ended      time.Time // the part is back (zero for a killed instance: it stays dead)
	firstAfter time.Time // the first successful mutation sent after it ended
	notes      []string
	done       chan struct{}
	adminToken string // for the availability check
	shiftID    int64
	afterStorm func(ctx context.Context, c *clients)
}

func newFault(kind string, instances []*instance, r *redisServer, pg *postgres) *fault {
	if kind == "none" {
		return nil
	}
	f := &fault{kind: kind, instances: instances, redis: r, pg: pg, done: make(chan struct{})}
	if kind == "restart-redis" {
		f.afterStorm = f.checkRedisHealed
	}
	return f
}

func (f *fault) note(format string, args ...any) {
	f.mu.Lock()
	f.notes = append(f.notes, fmt.Sprintf(format, args...))
	f.mu.Unlock()
}

// inject breaks the part, waits, and brings it back.
func (f *fault) inject(logf func(string, ...any)) {
	defer close(f.done)
	f.mu.Lock()
	f.began = time.Now()
	f.mu.Unlock()
	switch f.kind {
	case "kill-instance":
		logf("fault: SIGKILL to instance 2 (%s)", f.instances[1].url)
		f.instances[1].kill()
		return
	case "restart-redis":
		logf("fault: stopping Redis")
		f.redis.stop()
		time.Sleep(3 * time.Second)
		if err := f.redis.start(); err != nil {
			f.note("Redis did not start again: %v", err)
			return
		}
		logf("fault: Redis is back (empty)")
	case "restart-postgres":
		logf("fault: stopping PostgreSQL (fast shutdown)")
		if err := f.pg.stop(); err != nil {
			f.note("%v", err)
		}
		time.Sleep(3 * time.Second)
		if err := f.pg.start(); err != nil {
			f.note("PostgreSQL did not start again: %v", err)
			return
		}
		logf("fault: PostgreSQL is back")
	}
	f.mu.Lock()
	f.ended = time.Now()
	f.mu.Unlock()
}

// succeeded notes a successful mutation sent at t.
func (f *fault) succeeded(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.ended.IsZero() && t.After(f.ended) && f.firstAfter.IsZero() {
		f.firstAfter = time.Now()
	}
}

func (f *fault) wait() { <-f.done }

// outage is how long the part was away; recovery is from its return to the
// API's first success after it.
func (f *fault) outage() (away, recovery time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended.IsZero() {
		return 0, 0
	}
	away = f.ended.Sub(f.began)
	if !f.firstAfter.IsZero() {
		recovery = f.firstAfter.Sub(f.ended)
	}
	return away, recovery
}

var metricLine = regexp.MustCompile(`(?m)^(konullu_redis_up|konullu_ratelimit_in_memory|konullu_waitlist_promotions_total) ([0-9.e+]+)$`)

// metricsToken is the instances' KONULLU_METRICS_TOKEN: a new one each run.
var metricsToken = func() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}()

// metricsOf reads a few figures of an instance's /metrics, with the bearer token it asks for.
func metricsOf(url string) map[string]float64 {
	out := map[string]float64{}
	req, err := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	if err != nil {
		return out
	}
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return out
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		logf("GET %s/metrics: %s", url, res.Status)
		return out
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, m := range metricLine.FindAllStringSubmatch(string(b), -1) {
		out[m[1]], _ = strconv.ParseFloat(m[2], 64)
	}
	return out
}

// checkRedisHealed looks, after a Redis restart, at what the instances say
// of Redis, whether the availability index was rebuilt into the empty Redis,
// and whether availableVolunteers answers.
func (f *fault) checkRedisHealed(ctx context.Context, c *clients) {
	time.Sleep(3 * time.Second) // the limiter asks Redis again every 2 s
	for i, in := range f.instances {
		// The limiter goes back to Redis at its next decision: make one (an
		// admin has no profile to update, but the mutation budget is asked first).
		c.post(ctx, i, f.adminToken, `{"query":"mutation { updateMyProfile(input: {city: \"Bakı\"}) { id } }"}`)
		m := metricsOf(in.url)
		f.note("instance %d after the restart: redis_up=%v, rate limits in memory=%v", in.n, m["konullu_redis_up"], m["konullu_ratelimit_in_memory"])
	}
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", f.redis.port)})
	defer rdb.Close()
	body := fmt.Sprintf(`{"query":"query($s: ID!) { availableVolunteers(shiftId: $s, first: 20) { volunteer { id } } }","variables":{"s":"%s"}}`, gid("Shift", f.shiftID))
	deadline := time.Now().Add(90 * time.Second)
	for {
		keys, _ := rdb.DBSize(ctx).Result()
		_, a, err := c.post(ctx, 0, f.adminToken, body)
		code := "transport error"
		if err == nil {
			code = a.code()
		}
		if code == "" && keys > 0 {
			var got struct{ AvailableVolunteers []any }
			if raw, ok := a.Data["availableVolunteers"]; ok {
				json.Unmarshal([]byte(`{"availableVolunteers":`+string(raw)+`}`), &got)
			}
			f.note("availability healed: Redis holds %d keys again %.1f s after the restart; availableVolunteers answers (%d matches)",
				keys, time.Since(f.ended).Seconds(), len(got.AvailableVolunteers))
			return
		}
		if time.Now().After(deadline) {
			f.note("availability did NOT heal within 90 s: Redis keys %d, availableVolunteers: %s", keys, code)
			return
		}
		time.Sleep(time.Second)
	}
}
