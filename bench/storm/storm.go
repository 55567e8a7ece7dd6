package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// measure collects latencies and outcomes.
type measure struct {
	mu    sync.Mutex
	lat   []time.Duration
	codes map[string]int
	wall  time.Duration
}

func newMeasure() *measure { return &measure{codes: map[string]int{}} }

func (m *measure) add(d time.Duration, code string) {
	if code == "" {
		code = "OK"
	}
	m.mu.Lock()
	m.lat = append(m.lat, d)
	m.codes[code]++
	m.mu.Unlock()
}

func (m *measure) count() int { return len(m.lat) }

func (m *measure) rate() float64 { return float64(len(m.lat)) / m.wall.Seconds() }

func (m *measure) mean() time.Duration {
	if len(m.lat) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range m.lat {
		sum += d
	}
	return sum / time.Duration(len(m.lat))
}

func (m *measure) pct(p float64) time.Duration {
	if len(m.lat) == 0 {
		return 0
	}
	s := slices.Clone(m.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// clients are the storm's HTTP clients; client i starts on instance i mod 3
// and moves to the next instance when its own does not answer.
type clients struct {
	n         int
	http      *http.Client
	instances []*instance
}

func newClients(n int, instances []*instance) *clients {
	tr := &http.Transport{MaxIdleConns: 2 * n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n, IdleConnTimeout: time.Minute}
	return &clients{n: n, instances: instances, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

type gqlAnswer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

func (a *gqlAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	return a.Errors[0].Extensions.Code
}

// post sends one GraphQL request to an instance.
func (c *clients) post(ctx context.Context, inst int, token, body string) (int, *gqlAnswer, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", c.instances[inst].url+"/graphql", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, err
	}
	var a gqlAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return res.StatusCode, nil, fmt.Errorf("%d: %s", res.StatusCode, raw)
	}
	return res.StatusCode, &a, nil
}

// typename is the floor: the same clients asking { __typename }.
func (c *clients) typename(ctx context.Context, total int) *measure {
	m := newMeasure()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range c.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) && ctx.Err() == nil {
				t0 := time.Now()
				_, a, err := c.post(ctx, i%len(c.instances), "", `{"query":"{ __typename }"}`)
				code := "TRANSPORT"
				if err == nil {
					code = a.code()
				}
				m.add(time.Since(t0), code)
			}
		}()
	}
	wg.Wait()
	m.wall = time.Since(start)
	return m
}

// signup is one signup the API answered: the ledger checked against the database.
type signup struct {
	assignment, volunteer, shift int64
	status                       string
	withdrawn                    bool
	// maybeWithdrawn: an attempt of the withdraw got no answer (its instance
	// was killed) and the retry was refused, as it is when that attempt had
	// gone through: the place may be cancelled or still held.
	maybeWithdrawn bool
}

// stormResult is what a phase saw.
type stormResult struct {
	api         *measure // every HTTP answer of a signUp or withdraw
	cycles      *measure // every answered signUp or withdraw, from its first attempt to its answer (retries included)
	ledger      []signup
	retries     int64
	transport   int64 // requests that got no HTTP answer (refused, reset)
	unavailable *measure
	faultAt     time.Duration

	clients   int
	thinkMean time.Duration // asked for; 0: back to back
	thinkSum  atomic.Int64  // nanoseconds the clients actually thought
	thinks    atomic.Int64
}

// meanThink is the think time the clients actually waited, on average.
func (r *stormResult) meanThink() time.Duration {
	if n := r.thinks.Load(); n > 0 {
		return time.Duration(r.thinkSum.Load() / n)
	}
	return 0
}

// task is one signup to try: a volunteer and a shift of a group.
type task struct{ vol, shift int }

// tasks gives each volunteer of g perVolunteer different shifts, shuffled.
func (g *group) tasks(perVolunteer int, rnd *rand.Rand) []task {
	var tasks []task
	for v := range g.vols {
		picked := map[int]bool{} // each (volunteer, shift) once: the ledger then reads one way
		for len(picked) < min(perVolunteer, len(g.shifts)) {
			if s := rnd.IntN(len(g.shifts)); !picked[s] {
				picked[s] = true
				tasks = append(tasks, task{v, s})
			}
		}
	}
	rnd.Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })
	return tasks
}

// phase is one run of the clients over a list of signups.
type phase struct {
	g               *group
	tasks           []task
	think           time.Duration // mean think time before each request; 0: back to back (saturation)
	duration        time.Duration // clients take no new task once it elapsed; 0: until the tasks run out
	withdrawPercent int
	fault           *fault // injected when half the tasks are done; nil: none
	seed            uint64 // of each client's random generators
}

// storm is the saturation phase: every client sends its next request as soon
// as it has the answer to the last, so latency is clients / throughput
// (Little's law) and the phase measures throughput.
func (c *clients) storm(ctx context.Context, d *dataset, o options, f *fault) *stormResult {
	tasks := d.storm.tasks(o.perVolunteer, rand.New(rand.NewPCG(1, 2)))
	return c.drive(ctx, phase{g: &d.storm, tasks: tasks, withdrawPercent: o.withdrawPercent, fault: f, seed: 99})
}

// interactive is the terminal model (as TPC-C's keying and think times):
// the same clients, each thinking a negative-exponential time of mean
// o.think (at most ten times that) before each request, on a group of
// volunteers and shifts of its own, for at most o.interactiveDuration.
func (c *clients) interactive(ctx context.Context, d *dataset, o options) *stormResult {
	tasks := d.interactive.tasks(o.perVolunteer, rand.New(rand.NewPCG(3, 4)))
	return c.drive(ctx, phase{g: &d.interactive, tasks: tasks, think: o.think, duration: o.interactiveDuration,
		withdrawPercent: o.withdrawPercent, seed: 199})
}

// drive runs the clients over the phase's tasks: each takes the next task,
// signs its volunteer up and, for withdrawPercent of the confirmed places,
// gives the place back. Every answered signup goes into the ledger.
//
// Latency is each request's, from its sending to its answer. The clients are
// closed-loop: one that waits for an answer sends nothing else, so a slow
// answer delays the requests behind it instead of showing in its latency
// (coordinated omission). Back to back (think 0) that is what saturation
// means and the phase reads as throughput; with think times the requests
// come at the rate the clients' thinking sets, not on a fixed schedule, so
// there is no intended send time to measure from, and Little's law
// (clients / (mean latency + mean think) = throughput) checks that the
// clients really sent at the rate they should have.
func (c *clients) drive(ctx context.Context, p phase) *stormResult {
	res := &stormResult{api: newMeasure(), cycles: newMeasure(), unavailable: newMeasure(), clients: c.n, thinkMean: p.think}
	var ledgerMu sync.Mutex
	var next, done atomic.Int64
	var faultOnce sync.Once
	start := time.Now()
	var stop <-chan struct{} // nil: never
	if p.duration > 0 {
		phaseCtx, cancel := context.WithTimeout(ctx, p.duration)
		defer cancel()
		stop = phaseCtx.Done()
	}
	// exhausted closes when a client finds no task left: the others stop
	// thinking then, and the phase ends with its last answer.
	exhausted := make(chan struct{})
	var exhaust sync.Once
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return ctx.Err() != nil
		}
	}

	// send retries a mutation until an instance answers it with anything
	// but UNAVAILABLE (bounded: 60 attempts over about a minute). unanswered
	// tells that an attempt got no answer: it may have gone through.
	send := func(ctx context.Context, home *int, token, body string, unanswered *bool) (*gqlAnswer, error) {
		first := time.Now()
		for attempt := 0; attempt < 60; attempt++ {
			inst := (*home + attempt) % len(c.instances)
			t0 := time.Now()
			status, a, err := c.post(ctx, inst, token, body)
			lat := time.Since(t0)
			switch {
			case err != nil && status == 0:
				atomic.AddInt64(&res.transport, 1)
				*unanswered = true
				*home = inst + 1 // that instance is gone: this client stays on the next one
			case status == http.StatusServiceUnavailable || a != nil && a.code() == "UNAVAILABLE":
				res.unavailable.add(lat, "UNAVAILABLE")
			case a != nil:
				res.api.add(lat, a.code())
				res.cycles.add(time.Since(first), a.code())
				if p.fault != nil && a.code() == "" {
					p.fault.succeeded(t0)
				}
				return a, nil
			}
			atomic.AddInt64(&res.retries, 1)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(20*min(attempt+1, 25)) * time.Millisecond):
			}
		}
		return nil, fmt.Errorf("no instance answered")
	}

	var wg sync.WaitGroup
	for i := range c.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), p.seed))
			thinkRnd := rand.New(rand.NewPCG(uint64(i), p.seed+1))
			// think waits before a request; false: the phase is over, send nothing more.
			// Every client thinks before its first request too: starting them all
			// in a (memoryless) think spreads their first requests as in the steady state.
			think := func() bool {
				if p.think <= 0 {
					return !stopped()
				}
				d := min(time.Duration(thinkRnd.ExpFloat64()*float64(p.think)), 10*p.think)
				t0 := time.Now()
				t := time.NewTimer(d)
				defer t.Stop()
				select {
				case <-t.C:
					res.thinkSum.Add(int64(time.Since(t0)))
					res.thinks.Add(1)
					return true
				case <-stop:
				case <-exhausted:
				case <-ctx.Done():
				}
				return false
			}
			home := i % len(c.instances)
			for think() {
				k := int(next.Add(1)) - 1
				if k >= len(p.tasks) {
					exhaust.Do(func() { close(exhausted) })
					return
				}
				if int(done.Load()) >= len(p.tasks)/2 && p.fault != nil {
					faultOnce.Do(func() {
						res.faultAt = time.Since(start)
						go p.fault.inject(logf)
					})
				}
				t := p.tasks[k]
				v, s := p.g.vols[t.vol], p.g.shifts[t.shift]
				body := fmt.Sprintf(`{"query":"mutation($s: ID!) { signUp(shiftId: $s) { id status } }","variables":{"s":"%s"}}`, gid("Shift", s.ID))
				var unanswered bool
				a, err := send(ctx, &home, v.token, body, &unanswered)
				done.Add(1)
				if err != nil || a.code() != "" {
					continue
				}
				var su struct{ ID, Status string }
				json.Unmarshal(a.Data["signUp"], &su)
				entry := signup{assignment: idOf(su.ID), volunteer: v.id, shift: s.ID, status: su.Status}
				// When the phase ends during the think before it, the withdraw
				// is not sent: the place stays confirmed, as the ledger says.
				if su.Status == "CONFIRMED" && rnd.IntN(100) < p.withdrawPercent && think() {
					body := fmt.Sprintf(`{"query":"mutation($a: ID!) { withdraw(assignmentId: $a) { status } }","variables":{"a":"%s"}}`, su.ID)
					unanswered := false
					a, err := send(ctx, &home, v.token, body, &unanswered)
					switch {
					case err == nil && a.code() == "":
						entry.withdrawn = true
					case err != nil || unanswered:
						entry.maybeWithdrawn = true
					}
				}
				ledgerMu.Lock()
				res.ledger = append(res.ledger, entry)
				ledgerMu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.api.wall = time.Since(start)
	res.cycles.wall = res.api.wall
	if p.fault != nil {
		p.fault.wait()
	}
	return res
}

// gid is the API's global id of an object.
func gid(kind string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(id, 10)))
}

// idOf decodes a global id's number.
func idOf(g string) int64 {
	raw, _ := base64.RawURLEncoding.DecodeString(g)
	_, num, _ := strings.Cut(string(raw), ":")
	n, _ := strconv.ParseInt(num, 10, 64)
	return n
}
