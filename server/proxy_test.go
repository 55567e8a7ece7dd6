package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/store/storetest"
)

func TestParseTrustedProxies(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "",
		" , ":                                 "",
		"127.0.0.1":                           "127.0.0.1",
		"127.0.0.1, 10.0.0.0/8":               "127.0.0.1,10.0.0.0/8",
		"10.1.2.3/8,::1,fd00::/8":             "10.0.0.0/8,::1,fd00::/8",
		"::ffff:10.0.0.1,::ffff:10.0.0.0/104": "10.0.0.1,10.0.0.0/8",
		"2001:db8::/32,":                      "2001:db8::/32",
	} {
		got, err := parseTrustedProxies(in)
		if err != nil || got.String() != want {
			t.Errorf("parseTrustedProxies(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "10.0.0.0/", "10.0.0", "*", "fe80::1%eth0", "10.0.0.1:80", "10.0.0.0/8;127.0.0.1"} {
		if _, err := parseTrustedProxies(bad); err == nil {
			t.Errorf("parseTrustedProxies(%q) accepted", bad)
		}
	}
}

func TestTrustedProxiesConfig(t *testing.T) {
	c, err := parseConfig(env(map[string]string{"KONULLU_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}))
	if err != nil || c.TrustedProxies.String() != "127.0.0.1,10.0.0.0/8" {
		t.Fatalf("%v %v", c.TrustedProxies, err)
	}
	if c, err := parseConfig(env(nil)); err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v %v", c.TrustedProxies, err)
	}
	for _, val := range []string{"nginx", "10.0.0.0/99", "127.0.0.1,,bogus"} {
		_, err := parseConfig(env(map[string]string{"KONULLU_TRUSTED_PROXIES": val}))
		ce, ok := err.(*configError)
		if !ok || ce.name != "KONULLU_TRUSTED_PROXIES" || !strings.HasPrefix(err.Error(), "KONULLU_TRUSTED_PROXIES: ") || exitCode(err) != 2 {
			t.Errorf("%q: %v", val, err)
		}
	}
}

func TestClientAddress(t *testing.T) {
	trusted, err := parseTrustedProxies("127.0.0.1,10.0.0.0/8,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
		forwarded  bool
	}{
		{"Direct", "198.51.100.1:4000", nil, "198.51.100.1:4000", false},
		{"UntrustedPeerIgnored", "198.51.100.1:4000", []string{"203.0.113.7"}, "198.51.100.1:4000", false},
		{"UntrustedPeerChain", "198.51.100.1:4000", []string{"203.0.113.7, 10.0.0.5"}, "198.51.100.1:4000", false},
		{"TrustedNoHeader", "127.0.0.1:5000", nil, "127.0.0.1:5000", false},
		{"OneHop", "127.0.0.1:5000", []string{"203.0.113.7"}, "203.0.113.7", true},
		{"TwoHops", "127.0.0.1:5000", []string{"203.0.113.7, 10.0.0.5"}, "203.0.113.7", true},
		{"SpoofedLeftIgnored", "127.0.0.1:5000", []string{"1.2.3.4, 203.0.113.7, 10.0.0.5"}, "203.0.113.7", true},
		{"GarbageLeftIgnored", "127.0.0.1:5000", []string{"<script>, 203.0.113.7"}, "203.0.113.7", true},
		{"SeveralLines", "127.0.0.1:5000", []string{"1.2.3.4, 203.0.113.7", "10.0.0.5"}, "203.0.113.7", true},
		{"WithPort", "127.0.0.1:5000", []string{"203.0.113.7:4711"}, "203.0.113.7", true},
		{"IPv6", "[fd00::1]:443", []string{"2001:db8::7"}, "2001:db8::7", true},
		{"IPv6WithPort", "127.0.0.1:5000", []string{"[2001:db8::7]:80"}, "2001:db8::7", true},
		{"Mapped", "[::ffff:127.0.0.1]:5000", []string{"::ffff:203.0.113.7"}, "203.0.113.7", true},
		{"AllTrusted", "127.0.0.1:5000", []string{"10.0.0.9, 10.0.0.5"}, "10.0.0.9", true},
		{"Malformed", "127.0.0.1:5000", []string{"not an address"}, "127.0.0.1:5000", false},
		{"MalformedRight", "127.0.0.1:5000", []string{"203.0.113.7, unknown"}, "127.0.0.1:5000", false},
		{"Empty", "127.0.0.1:5000", []string{" , "}, "127.0.0.1:5000", false},
		{"TooLong", "127.0.0.1:5000", []string{"203.0.113.7" + strings.Repeat(",10.0.0.1", 40)}, "127.0.0.1:5000", false},
		{"OddPeer", "@", []string{"203.0.113.7"}, "@", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got, fwd := trusted.client(r); got != tc.want || fwd != tc.forwarded {
				t.Errorf("client = %q, %v; want %q, %v", got, fwd, tc.want, tc.forwarded)
			}
		})
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	if got, _ := trustedProxies(nil).client(r); got != "127.0.0.1:5000" {
		t.Errorf("with no trusted proxies: %q", got)
	}
}

// TestProxyHeadersInServer: the access log and HSTS believe X-Forwarded-*
// from trusted proxies only.
func TestProxyHeadersInServer(t *testing.T) {
	trusted, _ := parseTrustedProxies("127.0.0.1,10.0.0.0/8")
	var logs syncBuffer
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	h := NewServer(newTestLogger(&logs), failing{}, http.NotFoundHandler(), web, withTrustedProxies(trusted))
	do := func(peer string) http.Header {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		r.Header.Set("X-Forwarded-For", "203.0.113.7, 10.0.0.5")
		r.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Header()
	}
	if hd := do("127.0.0.1:5000"); !strings.HasPrefix(hd.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS behind a trusted TLS proxy")
	}
	if !strings.Contains(logs.String(), `"remote":"203.0.113.7","proxy":"127.0.0.1:5000"`) {
		t.Errorf("the access log does not name the forwarded client: %s", logs.String())
	}
	logs = syncBuffer{}
	if hd := do("198.51.100.1:4000"); hd.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on the word of an untrusted peer")
	}
	if !strings.Contains(logs.String(), `"remote":"198.51.100.1:4000"`) || strings.Contains(logs.String(), "203.0.113.7") {
		t.Errorf("the access log believed an untrusted X-Forwarded-For: %s", logs.String())
	}
}

// limitRedisURL returns a flushed database of KONULLU_TEST_REDIS_URL's
// server for the rate limit tests (not testRedisDB: the availability tests
// flush that one), or "" (the embedded Redis) when the variable is not set.
func limitRedisURL(t *testing.T) (string, func(pattern string) int) {
	t.Helper()
	u, rdb := redistest.OwnDB(t, 12)
	if rdb == nil {
		return "", nil
	}
	keys := func(pattern string) int {
		k, err := rdb.Keys(context.Background(), pattern).Result()
		if err != nil {
			t.Fatal(err)
		}
		return len(k)
	}
	return u, keys
}

// postVia sends a GraphQL request as a proxy that forwards for the given X-Forwarded-For.
func postVia(t *testing.T, srvURL, xff, query string, vars map[string]any) (int, http.Header, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", srvURL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestRateLimitsBehindProxy: behind a trusted proxy every forwarded client
// has its own login and registration budget; an untrusted peer's
// X-Forwarded-For and malformed ones count against the peer.
func TestRateLimitsBehindProxy(t *testing.T) {
	redisURL, keys := limitRedisURL(t)
	db := storetest.MigratedURL(t)
	vars := map[string]string{
		"KONULLU_DATABASE_URL":    db,
		"KONULLU_REDIS_URL":       redisURL,
		"KONULLU_JOBS":            "off",
		"KONULLU_RATE_LIMITS":     "login=off,login-ip=3/1h,register-ip=2/1h",
		"KONULLU_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8", // the test connects from 127.0.0.1
	}
	srv := start(t, vars)
	const leyla, aysel = "203.0.113.7, 10.0.0.5", "198.51.100.9, 10.0.0.5"
	login := func(srvURL, xff string) (int, http.Header, string) {
		return postVia(t, srvURL, xff, `mutation { login(email: "nobody@example.org", password: "wrong password") { token } }`, nil)
	}
	wrongPassword := func(status int, body string) bool {
		return status == http.StatusOK && strings.Contains(body, "UNAUTHENTICATED")
	}
	limited := func(status int, hd http.Header, body string) bool {
		return status == http.StatusTooManyRequests && hd.Get("Retry-After") != "" && strings.Contains(body, "RATE_LIMITED")
	}

	for i := range 3 {
		if status, _, body := login(srv.url, leyla); !wrongPassword(status, body) {
			t.Fatalf("login %d of 203.0.113.7: %d %s", i, status, body)
		}
	}
	if status, hd, body := login(srv.url, leyla); !limited(status, hd, body) {
		t.Errorf("the 4th login of 203.0.113.7 was not limited: %d %v %s", status, hd, body)
	}
	// Another client of the same proxy has its own budget, and so does the proxy.
	for _, xff := range []string{aysel, ""} {
		if status, _, body := login(srv.url, xff); !wrongPassword(status, body) {
			t.Errorf("login forwarded for %q after 203.0.113.7 was limited: %d %s", xff, status, body)
		}
	}
	// Client-supplied entries left of the proxy's do not buy a new budget.
	if status, hd, body := login(srv.url, "192.0.2.99, 203.0.113.7, 10.0.0.5"); !limited(status, hd, body) {
		t.Errorf("a spoofed entry escaped the limit: %d %s", status, body)
	}
	// Malformed headers fall back to the peer (127.0.0.1), which has used one attempt above.
	for i, xff := range []string{"bogus", "203.0.113.7, bogus"} {
		if status, _, body := login(srv.url, xff); !wrongPassword(status, body) {
			t.Errorf("malformed %d: %d %s", i, status, body)
		}
	}
	if status, hd, body := login(srv.url, "not-an-ip"); !limited(status, hd, body) {
		t.Errorf("malformed headers did not count against the peer: %d %s", status, body)
	}

	// Registration per address, forwarded.
	register := func(xff, email string) (int, http.Header, string) {
		return postVia(t, srv.url, xff, `mutation($e: String!) { register(input: {email: $e, password: "a long password", fullName: "Test", birthDate: "2000-01-01"}) { token } }`,
			map[string]any{"e": email})
	}
	for i := range 2 {
		if status, _, body := register(leyla, "leyla"+string(rune('a'+i))+"@example.org"); status != 200 || strings.Contains(body, "errors") {
			t.Fatalf("registration %d: %d %s", i, status, body)
		}
	}
	if status, hd, body := register(leyla, "leylac@example.org"); !limited(status, hd, body) {
		t.Errorf("the 3rd registration of 203.0.113.7 was not limited: %d %s", status, body)
	}
	if status, _, body := register(aysel, "aysel@example.org"); status != 200 || strings.Contains(body, "errors") {
		t.Errorf("another forwarded client could not register: %d %s", status, body)
	}
	if keys != nil && keys("*konullu:login-ip:203.0.113.7") != 1 {
		t.Error("the forwarded client's limit is not kept in Redis")
	}

	// The same requests from a peer that is not trusted: the header is
	// ignored and every "client" is 127.0.0.1.
	vars["KONULLU_TRUSTED_PROXIES"] = "10.0.0.0/8"
	vars["KONULLU_REDIS_URL"] = "" // a fresh embedded Redis: 127.0.0.1 starts with a full budget
	untrusted := start(t, vars)
	for i, xff := range []string{leyla, aysel, "192.0.2.1"} {
		if status, _, body := login(untrusted.url, xff); !wrongPassword(status, body) {
			t.Fatalf("untrusted login %d: %d %s", i, status, body)
		}
	}
	if status, hd, body := login(untrusted.url, "192.0.2.2"); !limited(status, hd, body) {
		t.Errorf("a spoofed X-Forwarded-For from an untrusted peer bought a new budget: %d %s", status, body)
	}
}

// TestPublicPageLimits: /verify and /calendar are limited per client
// address; beyond the limit they answer 429 with Retry-After, other
// addresses are unaffected, and an unknown secret is still a plain 404.
func TestPublicPageLimits(t *testing.T) {
	redisURL, keys := limitRedisURL(t)
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":    storetest.MigratedURL(t),
		"KONULLU_REDIS_URL":       redisURL,
		"KONULLU_JOBS":            "off",
		"KONULLU_RATE_LIMITS":     "verify-ip=3/1h,calendar-ip=3/1h",
		"KONULLU_TRUSTED_PROXIES": "127.0.0.1",
		"KONULLU_METRICS_TOKEN":   testMetricsToken,
	})
	for _, tc := range []struct{ rule, path string }{
		{"verify-ip", "/verify/NOSUCHCODE"},
		{"calendar-ip", "/calendar/not-the-secret.ics"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			for i := range 3 {
				if res, body := get(t, srv.url+tc.path, "X-Forwarded-For", "203.0.113.7"); res.StatusCode != http.StatusNotFound {
					t.Fatalf("request %d: %s %.200s", i, res.Status, body)
				}
			}
			res, body := get(t, srv.url+tc.path, "X-Forwarded-For", "203.0.113.7")
			var answer struct {
				Errors []struct {
					Message    string
					Extensions struct {
						Code       string
						RetryAfter int
					}
				}
			}
			json.Unmarshal([]byte(body), &answer)
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || res.Header.Get("Retry-After") == "0" ||
				!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || len(answer.Errors) != 1 ||
				answer.Errors[0].Extensions.Code != "RATE_LIMITED" || answer.Errors[0].Extensions.RetryAfter < 1 {
				t.Errorf("the 4th request: %s %v %s", res.Status, res.Header, body)
			}
			// Another address is unaffected, and a wrong secret still says only 404.
			for _, xff := range []string{"198.51.100.9", ""} {
				if res, body := get(t, srv.url+tc.path, "X-Forwarded-For", xff); res.StatusCode != http.StatusNotFound {
					t.Errorf("another address (%q): %s %.200s", xff, res.Status, body)
				}
			}
			if keys != nil && keys("*konullu:"+tc.rule+":203.0.113.7") != 1 {
				t.Errorf("the %s limit is not kept in Redis", tc.rule)
			}
		})
	}
	_, metricsText := get(t, srv.url+"/metrics", "Authorization", "Bearer "+testMetricsToken)
	for _, want := range []string{`konullu_rate_limited_total{rule="verify-ip"} 1`, `konullu_rate_limited_total{rule="calendar-ip"} 1`} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// stubLimiter refuses everything with a fixed wait.
type stubLimiter struct{ wait time.Duration }

func (s stubLimiter) Allow(context.Context, string, string, int) (bool, time.Duration) {
	return false, s.wait
}

func TestLimitPerAddressAnswer(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("the limit let the request through") })
	for wait, want := range map[time.Duration]string{0: "1", 1500 * time.Millisecond: "2", time.Hour: "3600"} {
		w := httptest.NewRecorder()
		limitPerAddress(stubLimiter{wait}, ruleVerifyAddress, next).ServeHTTP(w, httptest.NewRequest("GET", "/verify/X", nil))
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != want || !strings.Contains(w.Body.String(), `"code":"RATE_LIMITED"`) {
			t.Errorf("wait %v: %d %v %s", wait, w.Code, w.Header(), w.Body)
		}
	}
	if h := limitPerAddress(nil, ruleVerifyAddress, next); h == nil {
		t.Error("no limiter: no handler")
	}
}

// TestForwardedHeadersRemoved: a peer that is not a trusted proxy cannot
// get X-Forwarded-* or Forwarded past realClient, whether proxies are
// configured or not; a trusted proxy's reach the handlers.
func TestForwardedHeadersRemoved(t *testing.T) {
	trusted, _ := parseTrustedProxies("127.0.0.1,10.0.0.0/8")
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	for _, tc := range []struct {
		name    string
		proxies trustedProxies
		peer    string
		kept    bool
	}{
		{"NoProxiesConfigured", nil, "127.0.0.1:5000", false},
		{"UntrustedPeer", trusted, "198.51.100.1:4000", false},
		{"OddPeer", trusted, "@", false},
		{"TrustedPeer", trusted, "10.1.2.3:5000", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen http.Header
			api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.Header.Clone() })
			h := NewServer(newTestLogger(io.Discard), failing{}, api, web, withTrustedProxies(tc.proxies))
			r := httptest.NewRequest("POST", "/graphql", nil)
			r.RemoteAddr = tc.peer
			sent := map[string]string{
				"X-Forwarded-For":   "203.0.113.7",
				"X-Forwarded-Proto": "https",
				"X-Forwarded-Host":  "evil.example",
				"Forwarded":         "for=203.0.113.7;proto=https;host=evil.example",
			}
			for k, v := range sent {
				r.Header.Set(k, v)
			}
			r.Header.Add("X-Forwarded-Proto", "https") // a second line goes too
			r.Header.Set("Authorization", "Bearer x")
			h.ServeHTTP(httptest.NewRecorder(), r)
			if seen == nil {
				t.Fatal("the handler was not called")
			}
			for k, v := range sent {
				if got := seen.Get(k); tc.kept && got != v || !tc.kept && len(seen.Values(k)) != 0 {
					t.Errorf("%s: the handler saw %q (kept: %v)", k, seen.Values(k), tc.kept)
				}
			}
			if seen.Get("Authorization") != "Bearer x" {
				t.Error("other headers were lost")
			}
			// The caller's request is left as it was.
			if r.Header.Get("X-Forwarded-Host") != "evil.example" || len(r.Header.Values("X-Forwarded-Proto")) != 2 {
				t.Error("the middleware changed the request it was given")
			}
		})
	}
}
