package live

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultConnPrefix begins the Redis keys of live connection counts.
const DefaultConnPrefix = "konullu:live:conns:"

// DefaultConnTTL is how long a connection stays counted without a refresh;
// instances refresh theirs every 30 seconds.
const DefaultConnTTL = 90 * time.Second

// ConnCounter counts each user's live connections across instances: one
// sorted set per user, a member per connection scored with the time it
// expires. An instance refreshes its connections while they are open and
// forgets them when they close; one that died stops refreshing, and its
// connections stop counting after the TTL.
type ConnCounter struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	now    func() time.Time
}

// NewConnCounter returns a counter over the Redis client; prefix "" is
// DefaultConnPrefix, ttl 0 DefaultConnTTL, now nil time.Now.
func NewConnCounter(rdb redis.UniversalClient, prefix string, ttl time.Duration, now func() time.Time) *ConnCounter {
	if prefix == "" {
		prefix = DefaultConnPrefix
	}
	if ttl <= 0 {
		ttl = DefaultConnTTL
	}
	if now == nil {
		now = time.Now
	}
	return &ConnCounter{rdb: rdb, prefix: prefix, ttl: ttl, now: now}
}

func (c *ConnCounter) key(userID int64) string { return c.prefix + strconv.FormatInt(userID, 10) }

// acquire drops the expired members, then adds the connection unless the
// user has max already (a connection counted already is refreshed).
var acquire = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[4]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`)

// Acquire counts connection conn of the user unless they have max already.
func (c *ConnCounter) Acquire(ctx context.Context, userID int64, conn string, max int) (bool, error) {
	now := c.now()
	n, err := acquire.Run(ctx, c.rdb, []string{c.key(userID)},
		now.UnixMilli(), now.Add(c.ttl).UnixMilli(), max, conn, c.ttl.Milliseconds()).Int()
	return n == 1, err
}

// Release forgets a connection.
func (c *ConnCounter) Release(ctx context.Context, userID int64, conn string) error {
	return c.rdb.ZRem(ctx, c.key(userID), conn).Err()
}

// Refresh keeps the connections counted for another TTL: those still in
// their sets (an expired one is not brought back; it was already free).
func (c *ConnCounter) Refresh(ctx context.Context, conns map[int64][]string) error {
	if len(conns) == 0 {
		return nil
	}
	exp := float64(c.now().Add(c.ttl).UnixMilli())
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for user, ids := range conns {
			members := make([]redis.Z, len(ids))
			for i, id := range ids {
				members[i] = redis.Z{Score: exp, Member: id}
			}
			key := c.key(user)
			p.ZAddXX(ctx, key, members...)
			p.PExpire(ctx, key, c.ttl)
		}
		return nil
	})
	return err
}

// Count returns how many connections of the user are counted now.
func (c *ConnCounter) Count(ctx context.Context, userID int64) (int64, error) {
	return c.rdb.ZCount(ctx, c.key(userID), "("+strconv.FormatInt(c.now().UnixMilli(), 10), "+inf").Result()
}
