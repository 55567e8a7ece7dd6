// Command checkin times check-in at the door: -volunteers (200) arrive at a
// centre with a kiosk within a simulated -window (five minutes) and check in
// with the kiosk's code (kioskCode read by the kiosk's token, then
// checkInWithCode), while as many arrive at a centre that lets volunteers
// check themselves in and use plain checkIn, interleaved in the same run
// over the same HTTP server, database and -clients concurrent phones. The
// simulated clock follows the arrivals, so codes change every 30 seconds as
// they would; every answer must be CHECKED_IN. It prints p50, p99 and the
// slowest of both and their ratios.
//
// Both kinds do the same work around the timed mutation: one read first
// (the kiosk's code, or the volunteer's own page for plain checkIn), so as
// many of each are in flight and both queue alike for their shift's row
// lock. Simulated time runs some fifty times faster than real time, so the
// clock is held within 20 seconds of the oldest arrival still in flight: a
// request slowed by the load still reaches the server in the window of the
// code it carries, or the next, as a phone's would.
//
//	go run ./bench/checkin                      # SQLite in a temporary directory
//	go run ./bench/checkin -db postgres://postgres@127.0.0.1:5432/bench_checkin?sslmode=disable
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
)

func main() {
	dbURL := flag.String("db", "", "database URL (default: SQLite in a temporary directory); a PostgreSQL database should be empty")
	volunteers := flag.Int("volunteers", 200, "volunteers of each kind (kiosk code, plain checkIn)")
	window := flag.Duration("window", 5*time.Minute, "simulated time over which they arrive")
	clients := flag.Int("clients", 16, "requests in flight at once")
	flag.Parse()
	if err := run(*dbURL, *volunteers, *window, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "checkin:", err)
		os.Exit(1)
	}
}

// clock is the simulated time: it only moves forward, to the latest arrival
// sent, but never more than maxLead past the oldest arrival in flight.
type clock struct {
	mu       sync.Mutex
	cond     *sync.Cond
	t        time.Time
	inFlight map[int]time.Time // arrival index → its time
}

// maxLead bounds how far the clock runs ahead of an arrival in flight: less
// than a code's window, so the code it carries is still current or just past.
const maxLead = 20 * time.Second

func newClock(t time.Time) *clock {
	c := &clock{t: t, inFlight: map[int]time.Time{}}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// begin waits until arrival i at t may start without taking the clock more
// than maxLead past an arrival in flight, then moves the clock to t.
func (c *clock) begin(i int, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		oldest := t
		for _, at := range c.inFlight {
			if at.Before(oldest) {
				oldest = at
			}
		}
		if t.Sub(oldest) <= maxLead {
			break
		}
		c.cond.Wait()
	}
	c.inFlight[i] = t
	if t.After(c.t) {
		c.t = t
	}
}

// end says arrival i has its answer.
func (c *clock) end(i int) {
	c.mu.Lock()
	delete(c.inFlight, i)
	c.mu.Unlock()
	c.cond.Broadcast()
}

type arrival struct {
	index      int
	at         time.Time
	kiosk      bool
	token      string // the volunteer's session
	assignment string // for plain checkIn
}

func run(dbURL string, n int, window time.Duration, clients int) error {
	ctx := context.Background()
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "konullu-bench-checkin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbURL = "sqlite:" + filepath.Join(dir, "checkin.db")
	}
	start := time.Now().UTC().Truncate(time.Minute)
	clk := newClock(start)
	db, err := store.Open(ctx, dbURL, store.Options{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	// Two centres: one with a kiosk, one where volunteers check themselves in.
	kioskCentre := &konullu.Centre{Name: "Bakı 1 saylı ASAN xidmət mərkəzi", City: "Bakı", Timezone: "Asia/Baku"}
	selfCentre := &konullu.Centre{Name: "Sumqayıt ASAN xidmət mərkəzi", City: "Sumqayıt", Timezone: "Asia/Baku"}
	for _, c := range []*konullu.Centre{kioskCentre, selfCentre} {
		if err := db.CreateCentre(ctx, c); err != nil {
			return err
		}
	}
	pos := &konullu.Position{Name: "Reception guide"}
	if err := db.CreatePosition(ctx, pos); err != nil {
		return err
	}
	// Shifts start after the arrivals, so check-in is open throughout.
	period := []konullu.Period{{StartsAt: start.Add(window + time.Minute), EndsAt: start.Add(window + 5*time.Hour)}}
	var shifts [2]*konullu.Shift
	for i, c := range []*konullu.Centre{kioskCentre, selfCentre} {
		list, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: pos.ID, Capacity: n, Publish: true, Periods: period})
		if err != nil {
			return err
		}
		shifts[i] = list[0]
	}
	kioskToken := "kiosk_" + randomToken()
	if err := db.CreateKiosk(ctx, &konullu.Kiosk{CentreID: kioskCentre.ID, Name: "Door"}, hash(kioskToken)); err != nil {
		return err
	}

	rng := mrand.New(mrand.NewPCG(1, 2))
	var arrivals []arrival
	for i := range 2 * n {
		kiosk := i%2 == 0
		u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: fmt.Sprintf("v%d@bench.konullu.az", i), FullName: fmt.Sprintf("Könüllü %d", i),
			BirthDate: time.Date(2003, 1, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
		if err != nil {
			return err
		}
		token := randomToken()
		if err := db.CreateSession(ctx, u.ID, hash(token), start.Add(24*time.Hour)); err != nil {
			return err
		}
		s := shifts[1]
		if kiosk {
			s = shifts[0]
		}
		a, err := db.SignUp(ctx, s.ID, u.VolunteerID, false)
		if err != nil {
			return err
		}
		arrivals = append(arrivals, arrival{at: start.Add(time.Duration(rng.Int64N(int64(window)))), kiosk: kiosk, token: token,
			assignment: base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "Assignment:%d", a.ID))})
	}
	slices.SortFunc(arrivals, func(a, b arrival) int { return a.at.Compare(b.at) })
	for i := range arrivals {
		arrivals[i].index = i
	}

	srv := httptest.NewServer(schema.NewHandler(schema.Config{Store: db, Now: clk.Now, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	post := func(token, query string, vars map[string]any, out any) (time.Duration, error) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		var r struct {
			Data   json.RawMessage
			Errors []struct{ Message string }
		}
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
			return 0, err
		}
		d := time.Since(t0)
		if len(r.Errors) > 0 {
			return d, fmt.Errorf("%s", r.Errors[0].Message)
		}
		return d, json.Unmarshal(r.Data, out)
	}

	var mu sync.Mutex
	var kioskTimes, plainTimes []time.Duration
	var failures []error
	queue := make(chan arrival)
	var wg sync.WaitGroup
	began := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range queue {
				clk.begin(a.index, a.at)
				var d time.Duration
				var err error
				var status struct{ Status string }
				if a.kiosk {
					// The phone scans what the kiosk shows now.
					var code struct{ KioskCode struct{ Code string } }
					if _, err = post(kioskToken, `{ kioskCode { code } }`, nil, &code); err == nil {
						var out struct{ CheckInWithCode struct{ Status string } }
						d, err = post(a.token, `mutation($c: String!) { checkInWithCode(code: $c) { status } }`, map[string]any{"c": code.KioskCode.Code}, &out)
						status.Status = out.CheckInWithCode.Status
					}
				} else {
					// The volunteer opens their page, then checks in.
					var me struct{ Me struct{ ID string } }
					if _, err = post(a.token, `{ me { id } }`, nil, &me); err == nil {
						var out struct{ CheckIn struct{ Status string } }
						d, err = post(a.token, `mutation($a: ID!) { checkIn(assignmentId: $a) { status } }`, map[string]any{"a": a.assignment}, &out)
						status.Status = out.CheckIn.Status
					}
				}
				clk.end(a.index)
				mu.Lock()
				switch {
				case err != nil:
					failures = append(failures, err)
				case status.Status != "CHECKED_IN":
					failures = append(failures, fmt.Errorf("answered %q", status.Status))
				case a.kiosk:
					kioskTimes = append(kioskTimes, d)
				default:
					plainTimes = append(plainTimes, d)
				}
				mu.Unlock()
			}
		}()
	}
	for _, a := range arrivals {
		queue <- a
	}
	close(queue)
	wg.Wait()
	elapsed := time.Since(began)

	fmt.Printf("database %s; %d arrivals of each kind over a simulated %s, %d in flight; took %s of real time\n",
		dbKind(dbURL), n, window, clients, elapsed.Round(time.Millisecond))
	k, p := stats(kioskTimes), stats(plainTimes)
	fmt.Printf("%-28s %6s %10s %10s %10s\n", "", "count", "p50", "p99", "max")
	fmt.Printf("%-28s %6d %10s %10s %10s\n", "kiosk code (checkInWithCode)", len(kioskTimes), k.p50, k.p99, k.max)
	fmt.Printf("%-28s %6d %10s %10s %10s\n", "plain checkIn", len(plainTimes), p.p50, p.p99, p.max)
	fmt.Printf("ratio kiosk/plain: p50 %.2f×, p99 %.2f×\n", ratio(k.p50, p.p50), ratio(k.p99, p.p99))
	if len(failures) > 0 {
		return fmt.Errorf("%d check-ins failed, the first: %v", len(failures), failures[0])
	}
	return nil
}

type figures struct{ p50, p99, max time.Duration }

func stats(ds []time.Duration) figures {
	if len(ds) == 0 {
		return figures{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		return ds[min(len(ds)-1, int(math.Ceil(q*float64(len(ds))))-1)].Round(10 * time.Microsecond)
	}
	return figures{at(0.50), at(0.99), ds[len(ds)-1].Round(10 * time.Microsecond)}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func dbKind(u string) string {
	if len(u) > 7 && u[:7] == "sqlite:" {
		return "SQLite"
	}
	return "PostgreSQL"
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(token string) []byte {
	s := sha256.Sum256([]byte(token))
	return s[:]
}
