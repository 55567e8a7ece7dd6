package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lease lets one instance at a time run a job. It only saves work: a paused
// process can outlive its lease (there is no fencing token), so every job
// stays correct when two instances run it at once.
type Lease interface {
	// Acquire takes the lease named name for ttl. ok is false when another
	// holder has it; err when the lease service cannot be asked.
	Acquire(ctx context.Context, name string, ttl time.Duration) (h Held, ok bool, err error)
}

// Held is a lease this instance holds.
type Held interface {
	// Renew extends the lease to ttl from now; false when it was lost.
	Renew(ctx context.Context, ttl time.Duration) (bool, error)
	// Release gives the lease up if this instance still holds it.
	Release(ctx context.Context) error
}

// RedisLease keeps leases in Redis: SET NX PX with a random token, renewed
// and released only by the holder of the token (compare-and-expire and
// compare-and-delete in Lua, so no other holder's lease is ever touched).
type RedisLease struct {
	Client redis.UniversalClient
	Prefix string // key prefix; "konullu:lease:" when empty
}

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

// Acquire takes the lease with SET NX PX.
func (l *RedisLease) Acquire(ctx context.Context, name string, ttl time.Duration) (Held, bool, error) {
	prefix := l.Prefix
	if prefix == "" {
		prefix = "konullu:lease:"
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, false, err
	}
	h := &redisHeld{client: l.Client, key: prefix + name, token: hex.EncodeToString(b)}
	err := l.Client.SetArgs(ctx, h.key, h.token, redis.SetArgs{Mode: "NX", TTL: ttl}).Err()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return h, true, nil
}

type redisHeld struct {
	client redis.UniversalClient
	key    string
	token  string
}

func (h *redisHeld) Renew(ctx context.Context, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, h.client, []string{h.key}, h.token, ttl.Milliseconds()).Int()
	return n == 1, err
}

func (h *redisHeld) Release(ctx context.Context) error {
	return releaseScript.Run(ctx, h.client, []string{h.key}, h.token).Err()
}
