package jobs

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu/redisconn/lease"
)

// RedisLease lets one instance at a time run each job: a lease
// (redisconn/lease) per job, under Prefix. It only saves work: a paused
// process can outlive its lease, so every job stays correct when two
// instances run it at once.
type RedisLease struct {
	Client redis.UniversalClient
	Prefix string // key prefix; "konullu:lease:" when empty
}

func (l *RedisLease) acquire(ctx context.Context, name string, ttl time.Duration) (*lease.Lease, bool, error) {
	prefix := l.Prefix
	if prefix == "" {
		prefix = "konullu:lease:"
	}
	return lease.Acquire(ctx, l.Client, prefix+name, ttl)
}
