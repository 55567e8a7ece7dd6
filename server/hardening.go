package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/metrics"
	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/redact"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
)

// The metrics hear the store, the API and the jobs; the limiter serves the API.
var (
	_ store.Observer       = (*metrics.Metrics)(nil)
	_ schema.Observer      = (*metrics.Metrics)(nil)
	_ jobs.Observer        = (*metrics.Metrics)(nil)
	_ schema.RateLimiter   = (*hardening)(nil)
	_ schema.LimitResetter = (*hardening)(nil)
)

// hardening wires the abuse limits and metrics: one Prometheus registry and
// one rate limiter per instance, the limiter's counts shared through Redis.
type hardening struct {
	metrics *metrics.Metrics
	limiter *ratelimit.Limiter
	rules   ratelimit.Rules
}

func newHardening(cfg Config, db *store.DB, rdb redis.UniversalClient, logger *slog.Logger) *hardening {
	m := metrics.New()
	m.WatchDatabase(db.SQL(), "konullu", db.Ping)
	if rdb != nil {
		m.WatchRedis(rdb)
	}
	m.WatchOps(func(ctx context.Context) (*metrics.Ops, error) {
		st, err := db.OpsStats(ctx)
		if err != nil {
			return nil, err
		}
		ops := &metrics.Ops{OutboxPending: st.OutboxPending, OutboxDead: st.OutboxDead, OutboxOldest: st.OutboxOldest}
		for _, j := range st.JobRuns {
			ops.JobRuns = append(ops.JobRuns, metrics.JobRuns{Job: j.Job, Status: j.Status, Count: j.Count, Latest: j.Latest})
		}
		return ops, nil
	})
	db.SetObserver(m)
	lim := ratelimit.New(rdb, ratelimit.Options{
		Logger: logger,
		OnDecision: func(rule string, d ratelimit.Decision) {
			if !d.Allowed {
				m.RateLimited(rule)
			}
		},
		OnFallback: m.RateLimitInMemory,
	})
	return &hardening{metrics: m, limiter: lim, rules: cfg.RateLimits}
}

// Allow is the API's schema.RateLimiter, and the public pages' limiter
// (limitPerAddress): it maps the rules to the configured limits and the keys
// to the limiter's (hashed accounts, addresses without ports, IPv6 by /64).
func (h *hardening) Allow(ctx context.Context, rule, key string, n int) (bool, time.Duration) {
	var lim ratelimit.Limit
	switch rule {
	case schema.RuleLoginAccountAddress:
		lim, key = h.rules.LoginAccountAddress, loginPairKey(key)
	case "login":
		lim, key = h.rules.LoginAccount, ratelimit.AccountKey(key)
	case schema.RuleResetAccount:
		lim, key = h.rules.ResetAccount, ratelimit.AccountKey(key)
	case schema.RuleResetAddress:
		lim, key = h.rules.ResetAddress, ratelimit.AddressKey(key)
	case "login-ip":
		lim, key = h.rules.LoginAddress, ratelimit.AddressKey(key)
	case "register-ip":
		lim, key = h.rules.RegisterAddress, ratelimit.AddressKey(key)
	case "mutation":
		lim = h.rules.MutationUser
	case schema.RuleMessageUser:
		lim = h.rules.MessageUser
	case schema.RuleCheckInCode:
		lim = h.rules.CheckInCodeUser
	case schema.RuleApplyAddress:
		lim, key = h.rules.ApplyAddress, ratelimit.AddressKey(key)
	case schema.RuleApplyEmail:
		lim, key = h.rules.ApplyEmail, ratelimit.AccountKey(key)
	case ruleVerifyAddress:
		lim, key = h.rules.VerifyAddress, ratelimit.AddressKey(key)
	case ruleCalendarAddress:
		lim, key = h.rules.CalendarAddress, ratelimit.AddressKey(key)
	case ruleInboundAddress:
		lim, key = h.rules.InboundAddress, ratelimit.AddressKey(key)
	default:
		return true, 0
	}
	d := h.limiter.AllowN(ctx, ratelimit.Rule{Name: rule, Limit: lim}, key, n)
	return d.Allowed, d.RetryAfter
}

// Reset forgets the events of a rule for a key: a successful sign-in
// clears the failures of its account and address.
func (h *hardening) Reset(ctx context.Context, rule, key string) {
	if rule != schema.RuleLoginAccountAddress {
		return
	}
	h.limiter.Reset(ctx, ratelimit.Rule{Name: rule, Limit: h.rules.LoginAccountAddress}, loginPairKey(key))
}

// loginPairKey turns schema.LoginPairKey's "email|address" into the
// limiter's key: the hashed account and the address (IPv6 by /64).
func loginPairKey(key string) string {
	i := strings.LastIndex(key, "|")
	if i < 0 {
		return ratelimit.AccountKey(key)
	}
	return ratelimit.AccountKey(key[:i]) + ":" + ratelimit.AddressKey(key[i+1:])
}

// serverOptions are the optional parts of NewServer.
type serverOptions struct {
	metrics     *metrics.Metrics
	corsOrigins []string
	redis       func(context.Context) error // /readyz pings Redis too (availability.go)
	limiter     schema.RateLimiter          // limits of the public pages; nil: none
	proxies     trustedProxies              // see proxy.go
	links       linkOptions                 // time zone and public address of the reports (routes.go)
	metricsAt   metricsOptions              // where /metrics is served (KONULLU_METRICS_*)
	inbound     http.Handler                // POST /webhooks/inbound; nil: 404
}

type serverOption func(*serverOptions)

// withMetrics counts every request; withMetricsEndpoint decides whether the
// main listener serves /metrics.
func withMetrics(m *metrics.Metrics) serverOption {
	return func(o *serverOptions) { o.metrics = m }
}

// withRateLimits limits the public pages (/verify, /calendar) per client
// address with the limiter the API uses.
func withRateLimits(l schema.RateLimiter) serverOption {
	return func(o *serverOptions) { o.limiter = l }
}

// withTrustedProxies believes X-Forwarded-For and X-Forwarded-Proto from
// these proxies (KONULLU_TRUSTED_PROXIES, proxy.go).
func withTrustedProxies(t trustedProxies) serverOption {
	return func(o *serverOptions) { o.proxies = t }
}

// Rules of the public pages, named as in KONULLU_RATE_LIMITS; the key is the
// client's address (RemoteAddr, resolved through trusted proxies).
const (
	ruleVerifyAddress   = "verify-ip"
	ruleCalendarAddress = "calendar-ip"
	ruleInboundAddress  = "inbound-ip" // POST /webhooks/inbound
)

// limitPerAddress lets a client's address reach next as often as the rule
// allows. Beyond it the answer is 429 with Retry-After and a body in the
// shape of the API's errors (RATE_LIMITED), as the report routes answer
// theirs; the limiter never fails, so neither does this (never a 500). The
// limit comes before next looks at anything, so an unknown code or feed
// secret is refused just like a good one: a 429 tells nothing about them.
func limitPerAddress(l schema.RateLimiter, rule string, next http.Handler) http.Handler {
	return limitAddress(l, rule, next, func(secs int) any {
		return map[string]any{"errors": []map[string]any{{
			"message":    fmt.Sprintf("too many requests from this address; try again in %d seconds", secs),
			"extensions": map[string]any{"code": konullu.ERATELIMITED, "retryAfter": secs},
		}}}
	})
}

// limitInbound is limitPerAddress for the gateway's replies
// (POST /webhooks/inbound), answering in their shape: {"error", "code",
// "retryAfter"}.
func limitInbound(l schema.RateLimiter, next http.Handler) http.Handler {
	return limitAddress(l, ruleInboundAddress, next, func(secs int) any {
		return map[string]any{"error": fmt.Sprintf("too many requests from this address; try again in %d seconds", secs),
			"code": konullu.ERATELIMITED, "retryAfter": secs}
	})
}

// limitAddress lets a client's address reach next as often as the rule
// allows; beyond it the answer is 429 with Retry-After and body(seconds).
func limitAddress(l schema.RateLimiter, rule string, next http.Handler, body func(secs int) any) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, retry := l.Allow(r.Context(), rule, r.RemoteAddr, 1)
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := max(1, int(math.Ceil(retry.Seconds())))
		h := w.Header()
		h.Set("Retry-After", strconv.Itoa(secs))
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(body(secs))
	})
}

// withCORS lets browsers on these origins call the API (KONULLU_CORS_ORIGINS).
func withCORS(origins []string) serverOption {
	return func(o *serverOptions) { o.corsOrigins = origins }
}

// Content security policies. The web app loads only its own files; API
// answers load nothing; the certificate verification page has inline styles
// and nothing else.
const (
	cspApp    = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	cspAPI    = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	cspVerify = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

// routeOf names the route of a path for metrics and headers: a fixed set,
// so that a scan of random URLs cannot grow the metrics.
func routeOf(path string) string {
	switch {
	case path == "/graphql", path == "/healthz", path == "/readyz", path == "/metrics", path == "/me/export":
		return path
	case strings.HasPrefix(path, "/reports/"), strings.HasPrefix(path, "/certificates/"),
		strings.HasPrefix(path, "/verify/"), strings.HasPrefix(path, "/calendar/"):
		return path[:strings.IndexByte(path[1:], '/')+1]
	}
	return "app"
}

// securityHeaders sets the headers that keep browsers from misusing our
// answers: a strict content security policy, no sniffing, no framing, no
// referrers leaking paths, and HSTS when the request came over TLS: to us,
// or to a trusted proxy that says so in X-Forwarded-Proto (anyone else
// could send that header over plain HTTP).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		switch routeOf(r.URL.Path) {
		case "app":
			h.Set("Content-Security-Policy", cspApp)
		case "/verify":
			h.Set("Content-Security-Policy", cspVerify)
		default:
			h.Set("Content-Security-Policy", cspAPI)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// The camera, for this site only: volunteers scan the kiosk's QR code
		// (and coordinators personal codes) on the check-in page.
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")
		if r.TLS != nil || viaTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// cors answers cross-origin requests from the configured origins only. The
// API authenticates with bearer tokens, never cookies, so credentials are
// never allowed and there is nothing for a forged cross-site request to ride
// on (no CSRF). With no origins configured no CORS header is ever sent and
// browsers keep other sites out.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		allowed := origin != "" && slices.Contains(origins, origin)
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
		}
		if preflight {
			if !allowed {
				http.Error(w, "origin not allowed", http.StatusForbidden)
				return
			}
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-Request-Id")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// countRequests feeds the HTTP metrics.
func countRequests(m *metrics.Metrics, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.HTTP(routeOf(r.URL.Path), r.Method, rec.status, time.Since(start))
	})
}

// Contact details and secrets never reach the log: whatever a log line
// carries is passed through redactLog, which masks email addresses and phone
// numbers, and the secrets of URLs and secret paths (redact.Text) that an
// error message may quote.
var (
	emailInLog = regexp.MustCompile(`[^\s<>"'@:,;()\[\]]+@[^\s<>"'@,;()\[\]]+\.[A-Za-z]{2,}`)
	phoneInLog = regexp.MustCompile(`\+\d[\d ().-]{6,}\d`)
)

// redactLog is a slog ReplaceAttr that masks contact details and secrets in string values.
func redactLog(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindString {
		return a
	}
	orig := a.Value.String()
	s := redact.Text(orig)
	if strings.ContainsAny(s, "@+") {
		s = emailInLog.ReplaceAllStringFunc(s, konullu.MaskEmail)
		s = phoneInLog.ReplaceAllString(s, "+***")
	}
	if s == orig {
		return a
	}
	return slog.String(a.Key, s)
}

// minMetricsToken is the shortest KONULLU_METRICS_TOKEN accepted: a short
// token could be guessed, and /metrics tells much about the deployment.
const minMetricsToken = 16

// parseHardening reads KONULLU_RATE_LIMITS, KONULLU_CORS_ORIGINS, KONULLU_DEV,
// KONULLU_TRUSTED_PROXIES, KONULLU_METRICS_ADDR and KONULLU_METRICS_TOKEN.
func parseHardening(h *Hardening, get func(string) string, bad func(name, format string, args ...any) error) error {
	var err error
	if h.RateLimits, err = ratelimit.ParseRules(get("KONULLU_RATE_LIMITS")); err != nil {
		return bad("KONULLU_RATE_LIMITS", "%v", err)
	}
	for _, o := range strings.Split(get("KONULLU_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" || o == "*" {
			return bad("KONULLU_CORS_ORIGINS", "%q is not an origin such as https://app.example.az", o)
		}
		h.CORSOrigins = append(h.CORSOrigins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	if h.Dev, err = parseBool(get("KONULLU_DEV")); err != nil {
		return bad("KONULLU_DEV", "%q is not on/off (1, 0, true, false, yes, no)", get("KONULLU_DEV"))
	}
	if h.TrustedProxies, err = parseTrustedProxies(get("KONULLU_TRUSTED_PROXIES")); err != nil {
		return bad("KONULLU_TRUSTED_PROXIES", "%v", err)
	}
	if h.MetricsAddr = get("KONULLU_METRICS_ADDR"); h.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(h.MetricsAddr); err != nil || port == "" {
			return bad("KONULLU_METRICS_ADDR", "%q is not host:port (e.g. 127.0.0.1:9090)", h.MetricsAddr)
		}
	}
	h.MetricsToken = get("KONULLU_METRICS_TOKEN")
	if n := len(h.MetricsToken); n > 0 && n < minMetricsToken {
		return bad("KONULLU_METRICS_TOKEN", "too short (%d characters): at least %d, e.g. from `openssl rand -hex 24`", n, minMetricsToken)
	}
	if strings.ContainsFunc(h.MetricsToken, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad("KONULLU_METRICS_TOKEN", "must not hold spaces or control characters")
	}
	h.CheckInSecret = get("KONULLU_CHECKIN_SECRET")
	if n := len(h.CheckInSecret); n > 0 && n < 16 {
		return bad("KONULLU_CHECKIN_SECRET", "too short (%d characters): at least 16, e.g. from `openssl rand -hex 32`", n)
	}
	return nil
}

// metricsOptions say where /metrics is served: on its own listener
// (KONULLU_METRICS_ADDR), or on the main one behind a bearer token
// (KONULLU_METRICS_TOKEN); with neither, nowhere (404).
type metricsOptions struct {
	token      string // the bearer token /metrics asks for; "": none
	onMainPort bool   // served on the main listener (only with a token)
}

// withMetricsEndpoint decides where /metrics is served (routes.go).
func withMetricsEndpoint(token string, onMainPort bool) serverOption {
	return func(o *serverOptions) { o.metricsAt = metricsOptions{token: token, onMainPort: onMainPort} }
}

// requireBearer answers 401 unless the request carries the token as a
// bearer token, compared in constant time.
func requireBearer(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		// Hashes of equal length: the comparison takes as long whatever the guess.
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metricsHandler is /metrics as configured: behind the bearer token when there is one.
func metricsHandler(m *metrics.Metrics, token string) http.Handler {
	if token == "" {
		return m.Handler()
	}
	return requireBearer(token, m.Handler())
}

// maskedEmail is an address as logs may show it (l***@example.az), or "" for none.
func maskedEmail(email string) string {
	if email == "" {
		return ""
	}
	return konullu.MaskEmail(email)
}
