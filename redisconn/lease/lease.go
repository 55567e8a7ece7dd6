// Package lease lets one instance at a time do something, through a Redis
// key: SET NX PX with a random token, renewed while the work lasts and
// released by the holder only (compare-and-expire and compare-and-delete in
// Lua, so no other holder's lease is ever touched). The jobs take one per
// job and the availability index one per rebuild.
//
// A lease only saves work: a paused process can outlive its lease (there is
// no fencing token), so whatever it guards must stay correct when two
// instances do it at once.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrLost says that the lease is no longer held: Redis no longer has this
// holder's token (it ran out, Redis was flushed, another took it), or no
// renewal has reached Redis before the lease ran out.
var ErrLost = errors.New("lease: lost")

// Lease is a lease this instance holds.
type Lease struct {
	client redis.UniversalClient
	key    string
	token  string
}

// Acquire takes the lease of key for ttl. ok is false when another holder
// has it; err when Redis cannot be asked.
func Acquire(ctx context.Context, client redis.UniversalClient, key string, ttl time.Duration) (l *Lease, ok bool, err error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, false, err
	}
	l = &Lease{client: client, key: key, token: hex.EncodeToString(b)}
	err = client.SetArgs(ctx, key, l.token, redis.SetArgs{Mode: "NX", TTL: ttl}).Err()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return l, true, nil
}

// Key is the Redis key of the lease.
func (l *Lease) Key() string { return l.key }

// Token is the value of the key while this holder has it: a Lua script
// can check it to act only while the lease is held.
func (l *Lease) Token() string { return l.token }

var (
	renewScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
	releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)
)

// Renew extends the lease to ttl from now; false when it was lost.
func (l *Lease) Renew(ctx context.Context, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, l.client, []string{l.key}, l.token, ttl.Milliseconds()).Int()
	return n == 1, err
}

// Release gives the lease up if this instance still holds it.
func (l *Lease) Release(ctx context.Context) error {
	return releaseScript.Run(ctx, l.client, []string{l.key}, l.token).Err()
}

// Keep renews the lease to ttl every third of ttl until ctx ends or stop is
// called; stop waits for the renewals to end (it does not release the
// lease). Each renewal is bounded by a third of ttl, so a Redis that
// accepts and never answers cannot hold it up. lost, when not nil, is
// called once, from Keep's goroutine, when the lease is lost: Redis says
// another holds it or nobody does, or renewals have failed until the lease
// ran out. Renewal then stops.
func (l *Lease) Keep(ctx context.Context, ttl time.Duration, lost func(error)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		every := ttl / 3
		expires := time.Now().Add(ttl) // as far as this holder knows
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			sent := time.Now()
			rctx, rcancel := context.WithTimeout(ctx, every)
			ok, err := l.Renew(rctx, ttl)
			rcancel()
			if ctx.Err() != nil {
				return
			}
			switch {
			case err == nil && ok:
				expires = sent.Add(ttl)
				continue
			case err == nil:
				err = ErrLost
			case time.Now().Before(expires):
				continue // a failed renewal; the next may get through in time
			default:
				err = errors.Join(ErrLost, err)
			}
			if lost != nil {
				lost(err)
			}
			return
		}
	}()
	return func() { cancel(); wg.Wait() }
}
