package lease

import "github.com/redis/go-redis/v9"

// ForTest returns l as if held through client c.
func ForTest(l *Lease, c redis.UniversalClient) *Lease {
	return &Lease{client: c, key: l.key, token: l.token}
}
