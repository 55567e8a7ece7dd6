package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// BenchmarkFanOut: 5,000 centreActivity subscriptions spread over three
// in-process instances (one database, one Redis, a bus each), then a storm
// of signups made through the instances in turn. It prints the delay from
// an event's time to its arrival at each subscriber (p50, p99, max) and
// the memory each open connection holds (server and client in one process).
// It runs twice in a row: first with every message written on its own (one
// system call each, as before batching), then with each connection's
// queued messages written together, and prints the ratio.
//
//	go test -run '^$' -bench BenchmarkFanOut -benchtime 1x ./schema/
//
// KONULLU_FANOUT_PROFILE=file writes a CPU profile of the batched storm, its
// samples labelled side=client (the 5,000 readers), side=storm (the signups)
// or none (the servers): go tool pprof -tags file.
func BenchmarkFanOut(b *testing.B) {
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("fan-out: load average before %s", load)
	goStart := runtime.NumGoroutine()
	schema.SetBatchLiveWrites(false)
	each := fanOutRound(b, "one write per message", "")
	// The first round's connections close before the second measures.
	for deadline := time.Now().Add(time.Minute); runtime.NumGoroutine() > goStart+100 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	schema.SetBatchLiveWrites(true)
	batched := fanOutRound(b, "batched writes", os.Getenv("KONULLU_FANOUT_PROFILE"))
	if b.Failed() {
		return
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("fan-out: batched vs one write per message in the same run: p50 %.1fx, p99 %.1fx better; "+
		"p99 %.1fx better than the %v of %s; load average after %s",
		float64(each.p50)/float64(batched.p50), float64(each.p99)/float64(batched.p99),
		float64(baselineP99)/float64(batched.p99), baselineP99, baselineWhen, load)
	b.ReportMetric(float64(batched.p50.Milliseconds()), "p50-ms")
	b.ReportMetric(float64(batched.p99.Milliseconds()), "p99-ms")
	// A connection's memory is the same in both rounds; the first round's
	// figure is a fresh process's (the second's clients take the buffers
	// the first's returned to the library's pools, counted before it).
	b.ReportMetric(each.perConn/1024, "KiB/conn")
	b.ReportMetric(batched.goroutines, "goroutines/conn")
	b.ReportMetric(float64(batched.lost), "cut-off")
}

// fanOutResult is what one round measured.
type fanOutResult struct {
	p50, p99            time.Duration
	perConn, goroutines float64
	lost                int
}

func fanOutRound(b *testing.B, name, profile string) fanOutResult {
	const (
		conns   = 5000
		signups = 40
	)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Open(b, store.Options{Logger: logger})
	rd := redistest.Open(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var urls []string
	var handlers []http.Handler
	published := &sync.Map{}
	for range 3 {
		bus := live.New(rd.Client, rd.Prefix+"events", logger)
		go bus.Run(ctx)
		<-bus.Ready()
		h := schema.NewHandler(schema.Config{Store: db, Logger: logger, Argon2: testArgon2, Events: timedBus{bus, published},
			LiveConns: live.NewConnCounter(rd.Client, rd.Prefix+"conns:", 0, nil), MaxLiveConnections: conns, MaxSubscriptions: 1})
		handlers = append(handlers, h)
		srv := httptest.NewServer(h)
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	db.SetEvents(&fanOutPublisher{}) // promotions are not part of the storm
	bg := context.Background()
	hash := must(konullu.HashPassword(password, testArgon2))
	must(db.EnsureAdmin(bg, "admin@konullu.az", hash))
	c := &konullu.Centre{Name: "Bench centre", City: "Baku", Timezone: "Asia/Baku"}
	if err := db.CreateCentre(bg, c); err != nil {
		b.Fatal(err)
	}
	p := &konullu.Position{Name: "Greeter"}
	if err := db.CreatePosition(bg, p); err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	shifts := must(db.CreateShifts(bg, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: signups, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}}))
	adminToken := benchLogin(b, urls[0], "admin@konullu.az")
	var tokens []string
	for i := range signups {
		email := fmt.Sprintf("v%d@bench.az", i)
		must(db.CreateAccount(bg, konullu.NewAccount{Email: email, PasswordHash: hash, FullName: "Bench volunteer",
			BirthDate: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive}))
		tokens = append(tokens, benchLogin(b, urls[i%3], email))
	}

	heap0, stacks0 := liveMemory()
	goBefore := runtime.NumGoroutine()
	query, _ := json.Marshal(map[string]any{"query": `subscription($c: ID!) { centreActivity(centreId: $c) { kind at assignment { id } } }`,
		"variables": map[string]any{"c": gid("Centre", c.ID)}})
	// Every client (benchClient, a small WebSocket client) reads from the
	// start, as a real one does (pings are answered while reading), and
	// notes each event's delay since it was published (the bus's clock,
	// timedBus). It reads every frame, into a buffer of its own, without a
	// timer per read: the run's watchdog closes whoever is still reading
	// after ten minutes.
	clients := make([]*benchClient, conns)
	delays := make([][]time.Duration, conns)
	closes := make([]int, conns) // how a client's connection ended early; 0: it heard every event
	var received, subscribed sync.WaitGroup
	sem := make(chan struct{}, 64)
	var clientsMu sync.Mutex
	watchdog := time.AfterFunc(10*time.Minute, func() {
		clientsMu.Lock()
		defer clientsMu.Unlock()
		for _, ws := range clients {
			if ws != nil {
				ws.Close()
			}
		}
	})
	defer watchdog.Stop()
	for i := range conns {
		received.Add(1)
		subscribed.Add(1)
		sem <- struct{}{}
		go pprof.Do(bg, pprof.Labels("side", "client"), func(context.Context) {
			defer received.Done()
			ws, err := dialBench(urls[i%3], "graphql-transport-ws")
			if err != nil {
				b.Error(err)
				subscribed.Done()
				<-sem
				return
			}
			clientsMu.Lock()
			clients[i] = ws
			clientsMu.Unlock()
			ws.writeText(`{"type":"connection_init","payload":{"Authorization":"Bearer ` + adminToken + `"}}`)
			ws.writeText(`{"type":"subscribe","id":"1","payload":` + string(query) + `}`)
			ws.writeText(`{"type":"ping"}`)
			delays[i] = make([]time.Duration, 0, signups)
			ready := false
			var data []byte
			for len(delays[i]) < signups {
				var err error
				data, err = ws.read(data)
				if err != nil {
					closes[i] = closeCode(err)
					if !ready {
						subscribed.Done()
						<-sem
					}
					return
				}
				if !ready && bytes.Contains(data, []byte(`"pong"`)) {
					ready = true // the server read the subscription before the ping
					subscribed.Done()
					<-sem
					continue
				}
				if at := eventAt(published, data); !at.IsZero() {
					delays[i] = append(delays[i], time.Since(at))
				}
			}
		})
	}
	subscribed.Wait()
	if b.Failed() {
		return fanOutResult{}
	}
	heap1, stacks1 := liveMemory()
	heap, stacks := (heap1-heap0)/conns, (stacks1-stacks0)/conns
	perConn := heap + stacks
	goroutines := float64(runtime.NumGoroutine()-goBefore) / conns

	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
	}
	var cpu0, cpu1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &cpu0)
	b.ResetTimer()
	stormStart := time.Now()
	var storm sync.WaitGroup
	for i, tok := range tokens {
		storm.Add(1)
		go pprof.Do(bg, pprof.Labels("side", "storm"), func(context.Context) {
			defer storm.Done()
			benchPost(b, urls[(i+1)%3], tok, `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, map[string]any{"s": gid("Shift", shifts[0].ID)})
		})
	}
	storm.Wait()
	received.Wait()
	total := time.Since(stormStart)
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &cpu1)
	if profile != "" {
		pprof.StopCPUProfile()
	}
	cpu := time.Duration(cpu1.Utime.Nano() + cpu1.Stime.Nano() - cpu0.Utime.Nano() - cpu0.Stime.Nano())
	var all []time.Duration
	for _, d := range delays {
		all = append(all, d...)
	}
	slices.Sort(all)
	if len(all) == 0 {
		b.Fatal("no events arrived")
	}
	cutOff := map[int]int{}
	lost := 0
	for _, code := range closes {
		if code != 0 {
			cutOff[code]++
			lost++
		}
	}
	var stats schema.LiveStats
	for _, h := range handlers {
		s := h.(interface{ LiveStats() schema.LiveStats }).LiveStats()
		stats.Events += s.Events
		stats.Answers += s.Answers
		stats.Shared += s.Shared
		stats.Delivered += s.Delivered
		stats.CutOff += s.CutOff
		stats.Writes += s.Writes
	}
	load, _ := os.ReadFile("/proc/loadavg")
	pct := func(q float64) time.Duration { return all[min(len(all)-1, int(q*float64(len(all))))] }
	fmt.Printf("fan-out, %s: %d subscriptions on 3 instances, %d signups: %d of %d deliveries in %v; delay p50 %v, p99 %v, max %v\n",
		name, conns, signups, len(all), conns*signups, total.Round(time.Millisecond), pct(0.50).Round(time.Millisecond),
		pct(0.99).Round(time.Millisecond), all[len(all)-1].Round(time.Millisecond))
	fmt.Printf("fan-out, %s: %.1f KiB (heap %.1f, stacks %.1f) and %.2f goroutines per connection (server and client, the client's reader included); "+
		"clients cut off: %d %v, by the server for falling behind: %d\n",
		name, perConn/1024, heap/1024, stacks/1024, goroutines, lost, cutOff, stats.CutOff)
	fmt.Printf("fan-out, %s: %d events routed by the 3 instances, %d answers resolved (%d shared by a rights class), "+
		"%d next messages queued, %d writes; the process used %.1f s of CPU in %.1f s (%.2f cores); load average %s",
		name, stats.Events, stats.Answers, stats.Shared, stats.Delivered, stats.Writes, cpu.Seconds(), total.Seconds(),
		cpu.Seconds()/total.Seconds(), load)
	clientsMu.Lock()
	for _, ws := range clients {
		if ws != nil {
			ws.Close()
		}
	}
	clientsMu.Unlock()
	return fanOutResult{p50: pct(0.50), p99: pct(0.99), perConn: perConn, goroutines: goroutines, lost: lost}
}

// liveMemory is the memory held after a collection: the heap's live
// objects (not its spans, which a previous round's garbage leaves partly
// free) and the goroutines' stacks.
func liveMemory() (heap, stacks float64) {
	runtime.GC()
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(m)
	return float64(m[0].Value.Uint64()), float64(m[1].Value.Uint64())
}

// baselineP99 is the p99 delay of this benchmark on 2026-12-07, when every
// subscriber's answer was resolved on its own.
const (
	baselineP99  = 78 * time.Second
	baselineWhen = "2026-12-07 (every answer resolved per subscriber)"
)

// timedBus is an instance's bus that notes when each centre event was
// published, to the nanosecond (the answers say "at" to the second), by
// the global id of its assignment.
type timedBus struct {
	*live.Bus
	at *sync.Map
}

func (t timedBus) PublishCentreEvent(ctx context.Context, e konullu.CentreEvent) error {
	t.at.Store(gid("Assignment", e.AssignmentID), e.At)
	return t.Bus.PublishCentreEvent(ctx, e)
}

// eventAt is when the event of a next message was published, or zero for
// any other message (read by hand: 5,000 clients share two cores with the
// servers, and a full JSON decoding would weigh on the delays).
func eventAt(published *sync.Map, msg []byte) time.Time {
	_, rest, ok := bytes.Cut(msg, []byte(`"assignment":{"id":"`))
	if !ok {
		return time.Time{}
	}
	id, _, ok := bytes.Cut(rest, []byte(`"`))
	if !ok {
		return time.Time{}
	}
	at, _ := published.Load(string(id))
	t, _ := at.(time.Time)
	return t
}

// fanOutPublisher drops the store's own events.
type fanOutPublisher struct{}

func (fanOutPublisher) PublishCentreEvent(context.Context, konullu.CentreEvent) error { return nil }
func (fanOutPublisher) PublishNotification(context.Context, konullu.NotificationEvent) error {
	return nil
}
func (fanOutPublisher) PublishAccountChange(context.Context, int64) error { return nil }

func benchPost(b *testing.B, url, token, query string, vars map[string]any) json.RawMessage {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest("POST", url+"/graphql", strings.NewReader(string(body)))
	req.RequestURI = ""
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		b.Error(err)
		return nil
	}
	defer res.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []any
	}
	json.NewDecoder(res.Body).Decode(&out)
	if len(out.Errors) > 0 {
		b.Errorf("%s: %v", query, out.Errors)
	}
	return out.Data
}

func benchLogin(b *testing.B, url, email string) string {
	var d struct{ Login struct{ Token string } }
	json.Unmarshal(benchPost(b, url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": email, "p": password}), &d)
	return d.Login.Token
}

var httpClient = &http.Client{Timeout: 60 * time.Second}
