// Package redisconn connects Könüllü to Redis: a single server, a Redis
// Cluster, or — when no URL is configured — an embedded, in-process
// Redis-compatible server (github.com/alicebob/miniredis/v2), so that a
// fresh checkout runs the very same code without any service installed.
//
// Accepted URLs:
//
//	""                                   embedded miniredis on 127.0.0.1 (a random port)
//	redis://[user:pass@]host:port[/db]   one server (rediss:// for TLS); go-redis query options apply
//	redis+cluster://[user:pass@]host1:port,host2:port[?opts]
//	                                     a Redis Cluster, seeded with the listed nodes
//	                                     (rediss+cluster:// for TLS)
//
// The scheme alone decides between a single server and a cluster: a
// redis:// URL is one server even with addr=… parameters, and bare
// "host:port" lists are refused rather than guessed at.
package redisconn

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Embedded reports whether url selects the embedded server.
func Embedded(url string) bool { return strings.TrimSpace(url) == "" }

// Open connects to the Redis named by url (see the package documentation),
// checks that it answers, and returns the client and a function that closes
// the client (and stops the embedded server, if one was started).
func Open(ctx context.Context, url string) (redis.UniversalClient, func() error, error) {
	url = strings.TrimSpace(url)
	if url == "" {
		return openEmbedded(ctx)
	}
	client, err := NewClient(url)
	if err != nil {
		return nil, nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("redisconn: connect to %s: %w", redact(url), err)
	}
	return client, client.Close, nil
}

func openEmbedded(ctx context.Context) (redis.UniversalClient, func() error, error) {
	srv := miniredis.NewMiniRedis()
	if err := srv.Start(); err != nil {
		return nil, nil, fmt.Errorf("redisconn: start embedded redis: %w", err)
	}
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		srv.Close()
		return nil, nil, fmt.Errorf("redisconn: embedded redis: %w", err)
	}
	closeFn := func() error {
		err := client.Close()
		srv.Close()
		return err
	}
	return client, closeFn, nil
}

// Check reports whether url is one Open accepts, without connecting.
func Check(url string) error {
	if Embedded(url) {
		return nil
	}
	c, err := NewClient(url)
	if err != nil {
		return err
	}
	return c.Close()
}

// NewClient builds the client of a URL (see the package documentation; not
// the empty one) without connecting.
//
// Every client honours the deadlines of the contexts it is given, down to
// the socket (go-redis's ContextTimeoutEnabled): without it a command on a
// connection that Redis accepted and never answers waits out ReadTimeout
// on every attempt, whatever the caller's deadline, and the limits and the
// availability index that bound their calls would wait with it.
func NewClient(raw string) (redis.UniversalClient, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case strings.HasPrefix(raw, "redis+cluster://"), strings.HasPrefix(raw, "rediss+cluster://"):
		opts, err := parseCluster(raw)
		if err != nil {
			return nil, err
		}
		opts.ContextTimeoutEnabled = true
		return redis.NewClusterClient(opts), nil
	case strings.HasPrefix(raw, "redis://"), strings.HasPrefix(raw, "rediss://"):
		opts, err := redis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("redisconn: %s: %w", redact(raw), err)
		}
		opts.ContextTimeoutEnabled = true
		return redis.NewClient(opts), nil
	}
	return nil, fmt.Errorf("redisconn: unsupported Redis URL %s: use redis://, rediss:// or redis+cluster://", redact(raw))
}

// parseCluster reads redis+cluster://[user:pass@]h1:p1,h2:p2[?opts] into
// go-redis cluster options by rewriting it into go-redis's own cluster URL
// form (redis://user:pass@h1:p1?addr=h2:p2).
func parseCluster(raw string) (*redis.ClusterOptions, error) {
	scheme := "redis"
	rest := strings.TrimPrefix(raw, "redis+cluster://")
	if strings.HasPrefix(raw, "rediss+cluster://") {
		scheme, rest = "rediss", strings.TrimPrefix(raw, "rediss+cluster://")
	}
	userinfo := ""
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		userinfo, rest = rest[:at+1], rest[at+1:]
	}
	hosts, query := rest, ""
	if q := strings.IndexAny(rest, "?/"); q >= 0 {
		hosts, query = rest[:q], strings.TrimPrefix(strings.TrimPrefix(rest[q:], "/"), "?")
	}
	var addrs []string
	for _, h := range strings.Split(hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			addrs = append(addrs, h)
		}
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("redisconn: %s names no cluster node", redact(raw))
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("redisconn: %s: %w", redact(raw), err)
	}
	for _, a := range addrs[1:] {
		vals.Add("addr", a)
	}
	u := scheme + "://" + userinfo + addrs[0]
	if enc := vals.Encode(); enc != "" {
		u += "?" + enc
	}
	opts, err := redis.ParseClusterURL(u)
	if err != nil {
		return nil, fmt.Errorf("redisconn: %s: %w", redact(raw), err)
	}
	return opts, nil
}

// redact hides the password of a URL in error messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "…@" + raw[i+1:]
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
