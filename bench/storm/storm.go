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
}

// stormResult is what the storm saw.
type stormResult struct {
	api         *measure // every HTTP answer of a signUp or withdraw
	ledger      []signup
	retries     int64
	transport   int64 // requests that got no HTTP answer (refused, reset)
	unavailable *measure
	lost        int
	faultAt     time.Duration
}

func (c *clients) storm(ctx context.Context, d *dataset, o options, f *fault) *stormResult {
	rnd := rand.New(rand.NewPCG(1, 2))
	type task struct{ vol, shift int }
	var tasks []task
	for v := range d.storm.vols {
		picked := map[int]bool{} // each (volunteer, shift) once: the ledger then reads one way
		for len(picked) < min(o.perVolunteer, len(d.storm.shifts)) {
			if s := rnd.IntN(len(d.storm.shifts)); !picked[s] {
				picked[s] = true
				tasks = append(tasks, task{v, s})
			}
		}
	}
	rnd.Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })

	res := &stormResult{api: newMeasure(), unavailable: newMeasure()}
	var ledgerMu sync.Mutex
	var next, done atomic.Int64
	var faultOnce sync.Once
	start := time.Now()

	// send retries a mutation until an instance answers it with anything
	// but UNAVAILABLE (bounded: 60 attempts over about a minute).
	send := func(ctx context.Context, home *int, token, body string) (*gqlAnswer, error) {
		for attempt := 0; attempt < 60; attempt++ {
			inst := (*home + attempt) % len(c.instances)
			t0 := time.Now()
			status, a, err := c.post(ctx, inst, token, body)
			lat := time.Since(t0)
			switch {
			case err != nil && status == 0:
				atomic.AddInt64(&res.transport, 1)
				*home = inst + 1 // that instance is gone: this client stays on the next one
			case status == http.StatusServiceUnavailable || a != nil && a.code() == "UNAVAILABLE":
				res.unavailable.add(lat, "UNAVAILABLE")
			case a != nil:
				res.api.add(lat, a.code())
				if f != nil && a.code() == "" {
					f.succeeded(t0)
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
			rnd := rand.New(rand.NewPCG(uint64(i), 99))
			home := i % len(c.instances)
			for ctx.Err() == nil {
				k := int(next.Add(1)) - 1
				if k >= len(tasks) {
					return
				}
				if int(done.Load()) >= len(tasks)/2 && f != nil {
					faultOnce.Do(func() {
						res.faultAt = time.Since(start)
						go f.inject(logf)
					})
				}
				t := tasks[k]
				v, s := d.storm.vols[t.vol], d.storm.shifts[t.shift]
				body := fmt.Sprintf(`{"query":"mutation($s: ID!) { signUp(shiftId: $s) { id status } }","variables":{"s":"%s"}}`, gid("Shift", s.ID))
				a, err := send(ctx, &home, v.token, body)
				done.Add(1)
				if err != nil || a.code() != "" {
					continue
				}
				var su struct{ ID, Status string }
				json.Unmarshal(a.Data["signUp"], &su)
				entry := signup{assignment: idOf(su.ID), volunteer: v.id, shift: s.ID, status: su.Status}
				if su.Status == "CONFIRMED" && rnd.IntN(100) < o.withdrawPercent {
					body := fmt.Sprintf(`{"query":"mutation($a: ID!) { withdraw(assignmentId: $a) { status } }","variables":{"a":"%s"}}`, su.ID)
					if a, err := send(ctx, &home, v.token, body); err == nil && a.code() == "" {
						entry.withdrawn = true
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
	if f != nil {
		f.wait()
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
