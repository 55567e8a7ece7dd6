package redisconn

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestOpenEmbedded(t *testing.T) {
	ctx := context.Background()
	client, closeFn, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// Lua scripting is what the availability index runs on; the embedded
	// server must have it.
	n, err := client.Eval(ctx, "return redis.call('STRLEN', KEYS[1])", []string{"k"}).Int()
	if err != nil || n != 1 {
		t.Fatalf("eval: %d %v", n, err)
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if err := client.Ping(ctx).Err(); err == nil {
		t.Fatal("client still answers after close")
	}
}

func TestOpenURL(t *testing.T) {
	url := os.Getenv("KONULLU_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KONULLU_TEST_REDIS_URL is not set")
	}
	ctx := context.Background()
	client, closeFn, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if _, ok := client.(*redis.Client); !ok {
		t.Fatalf("a redis:// URL gave a %T", client)
	}
}

func TestOpenUnreachable(t *testing.T) {
	_, _, err := Open(context.Background(), "redis://:secret@127.0.0.1:1/0")
	if err == nil {
		t.Fatal("connected to port 1")
	}
	if got := err.Error(); !strings.Contains(got, "xxxxx") || strings.Contains(got, "secret") {
		t.Fatalf("the error should name the URL without its password: %s", got)
	}
}

func TestClusterURLs(t *testing.T) {
	for _, tc := range []struct {
		url   string
		addrs []string
		user  string
		pass  string
		tls   bool
	}{
		{url: "redis+cluster://10.0.0.1:7000,10.0.0.2:7001", addrs: []string{"10.0.0.1:7000", "10.0.0.2:7001"}},
		{url: "rediss+cluster://u:p@a:1,b:2,c:3?dial_timeout=2s", addrs: []string{"a:1", "b:2", "c:3"}, user: "u", pass: "p", tls: true},
	} {
		t.Run(tc.url, func(t *testing.T) {
			c, err := NewClient(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			cc, ok := c.(*redis.ClusterClient)
			if !ok {
				t.Fatalf("got a %T, want a cluster client", c)
			}
			o := cc.Options()
			if !slices.Equal(o.Addrs, tc.addrs) || o.Username != tc.user || o.Password != tc.pass || (o.TLSConfig != nil) != tc.tls {
				t.Fatalf("options: addrs %v user %q pass %q tls %v", o.Addrs, o.Username, o.Password, o.TLSConfig != nil)
			}
		})
	}
	for _, bad := range []string{"http://x", "cache:6379", "a:7000,b:7000", "redis+cluster://", "redis://x:notaport"} {
		if err := Check(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"", "redis://cache:6379/0", "rediss://u:p@cache:6380/1", "redis+cluster://a:1,b:2"} {
		if err := Check(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}
