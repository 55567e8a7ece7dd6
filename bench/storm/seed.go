package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
)

// volunteer is a seeded volunteer with a session the clients sign in with.
type volunteer struct {
	id    int64
	token string
}

// group is the volunteers (each with a session) and shifts of one phase:
// no other phase signs them up, so its every signup is a fresh pair.
type group struct {
	vols   []volunteer
	shifts []*konullu.Shift
}

type dataset struct {
	storm       group
	interactive group // empty when the interactive phase does not run
	baseline    struct {
		vols   []int64
		shifts []*konullu.Shift
	}
	adminToken string
}

// seed creates the people and shifts straight through the store (as an
// import would), so that the storm measures signups and not registrations.
func seed(ctx context.Context, db *store.DB, o options, rnd *mrand.Rand) (*dataset, error) {
	d := &dataset{}
	centre := &konullu.Centre{Name: "Bakı 1 saylı ASAN xidmət mərkəzi", City: "Bakı", Timezone: "Asia/Baku"}
	if err := db.CreateCentre(ctx, centre); err != nil {
		return nil, err
	}
	position := &konullu.Position{Name: "Reception guide"}
	if err := db.CreatePosition(ctx, position); err != nil {
		return nil, err
	}
	var err error
	if d.storm.shifts, err = makeShifts(ctx, db, centre, position, o.shifts, rnd); err != nil {
		return nil, err
	}
	if d.baseline.shifts, err = makeShifts(ctx, db, centre, position, o.baselineShifts, rnd); err != nil {
		return nil, err
	}
	interactiveVolunteers := 0
	if o.runInteractive() {
		if d.interactive.shifts, err = makeShifts(ctx, db, centre, position, o.interactiveShifts, rnd); err != nil {
			return nil, err
		}
		interactiveVolunteers = o.interactiveVolunteers
	}
	// Accounts 0… are the storm's, then the interactive phase's (both with
	// sessions), then the storage baseline's.
	withSessions := o.volunteers + interactiveVolunteers
	total := withSessions + o.baselineVolunteers
	made := make([]volunteer, total)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: fmt.Sprintf("storm%05d@bench.konullu.az", i),
					FullName: fmt.Sprintf("Könüllü %05d", i), BirthDate: time.Date(2001, 4, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
				if err != nil {
					errs <- err
					return
				}
				made[i].id = u.VolunteerID
				if i < withSessions {
					token, hash := newToken()
					if err := db.CreateSession(ctx, u.ID, hash, time.Now().Add(24*time.Hour)); err != nil {
						errs <- err
						return
					}
					made[i].token = token
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	d.storm.vols = made[:o.volunteers]
	d.interactive.vols = made[o.volunteers:withSessions]
	for _, v := range made[withSessions:] {
		d.baseline.vols = append(d.baseline.vols, v.id)
	}
	created, err := db.EnsureAdmin(ctx, "admin@bench.konullu.az", "")
	if err != nil || !created {
		return nil, fmt.Errorf("admin: %v", err)
	}
	var adminID int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT id FROM users WHERE email = 'admin@bench.konullu.az'`).Scan(&adminID); err != nil {
		return nil, err
	}
	token, hash := newToken()
	if err := db.CreateSession(ctx, adminID, hash, time.Now().Add(24*time.Hour)); err != nil {
		return nil, err
	}
	d.adminToken = token
	return d, nil
}

// makeShifts lays out n published shifts of four hours over the next 30
// days, starting every two hours from 08:00 UTC: neighbours overlap, so
// some signups meet OVERLAPPING_SHIFT; 5–30 places each, so most fill up.
func makeShifts(ctx context.Context, db *store.DB, c *konullu.Centre, p *konullu.Position, n int, rnd *mrand.Rand) ([]*konullu.Shift, error) {
	day0 := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 2)
	var out []*konullu.Shift
	for i := range n {
		start := day0.AddDate(0, 0, i%30).Add(time.Duration(8+2*(i/30%6)) * time.Hour)
		list, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 5 + rnd.IntN(26), Publish: true,
			Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// newToken makes a session token as the API does: 32 random bytes,
// base64url; the store keeps its SHA-256.
func newToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, sum[:]
}

// bareSignups is the storage baseline: the signup transaction issued
// straight through the store by as many goroutines as the storm has
// clients, with the connections of three instances (3 × 20).
func bareSignups(ctx context.Context, db *store.DB, b struct {
	vols   []int64
	shifts []*konullu.Shift
}, workers int) *measure {
	db.SQL().SetMaxOpenConns(60) // the caller sets it back once it has read the CPU used
	db.SQL().SetMaxIdleConns(60)
	rnd := mrand.New(mrand.NewPCG(3, 5))
	type task struct{ vol, shift int64 }
	var tasks []task
	for _, v := range b.vols {
		for range 3 {
			tasks = append(tasks, task{v, b.shifts[rnd.IntN(len(b.shifts))].ID})
		}
	}
	m := newMeasure()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(tasks) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				_, err := db.SignUp(ctx, tasks[i].shift, tasks[i].vol, false)
				m.add(time.Since(t0), konullu.ErrorCode(err))
			}
		}()
	}
	wg.Wait()
	m.wall = time.Since(start)
	return m
}
