// Package ratelimit limits how often a client may do something: login
// attempts per account and per address, registrations per address, mutations
// per user, and requests per address to the public pages (certificate
// verification, calendar feeds). The counts live in Redis (GCRA through
// github.com/go-redis/redis_rate), so every instance of the server shares
// them. When Redis does not answer, the limiter keeps working from memory
// (golang.org/x/time/rate), per instance, and goes back to Redis by itself
// once it answers again: the server never fails or waits because Redis is gone.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Limit allows Burst events at once and Rate events per Period on average.
// The zero Limit allows everything.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// Unlimited reports whether the limit allows everything.
func (l Limit) Unlimited() bool { return l.Rate <= 0 || l.Period <= 0 }

func (l Limit) String() string {
	if l.Unlimited() {
		return "off"
	}
	s := fmt.Sprintf("%d/%s", l.Rate, fmtPeriod(l.Period))
	if l.Burst != l.Rate {
		s += "+" + strconv.Itoa(l.Burst)
	}
	return s
}

// Rule is a named limit; the name keeps the counts of different rules apart.
type Rule struct {
	Name  string
	Limit Limit
}

// Rules are the server's limits.
type Rules struct {
	// Failed sign-ins are counted per account and address together, so
	// that someone guessing from one place cannot lock the owner out of
	// their own device; the per-account limit is high, only to stop a
	// guess spread over many addresses.
	LoginAccountAddress Limit // failed login attempts per account and client address
	LoginAccount        Limit // login attempts per account (email), from anywhere
	LoginAddress        Limit // login attempts per client address
	ResetAccount        Limit // password-reset requests per email address
	ResetAddress        Limit // password-reset requests per client address
	RegisterAddress     Limit // registrations per client address
	MutationUser        Limit // mutations per signed-in user
	VerifyAddress       Limit // GET /verify/{code} (public certificate check) per client address
	CalendarAddress     Limit // GET /calendar/{secret}.ics (feeds) per client address
	MessageUser         Limit // messageVolunteers per coordinator
	CheckInCodeUser     Limit // check-in codes tried per signed-in user (kiosk and personal codes)
	ApplyAddress        Limit // public applications to a cohort per client address
	ApplyEmail          Limit // public applications per email applied with (duplicates count)
	InboundAddress      Limit // POST /webhooks/inbound (the SMS gateway's replies) per client address
}

// DefaultRules are generous to people and stingy to scripts.
func DefaultRules() Rules {
	return Rules{
		LoginAccountAddress: Limit{Rate: 10, Period: 15 * time.Minute, Burst: 10},
		LoginAccount:        Limit{Rate: 100, Period: 15 * time.Minute, Burst: 100},
		LoginAddress:        Limit{Rate: 60, Period: time.Minute, Burst: 30},
		ResetAccount:        Limit{Rate: 3, Period: time.Hour, Burst: 3},
		ResetAddress:        Limit{Rate: 10, Period: time.Hour, Burst: 10},
		RegisterAddress:     Limit{Rate: 20, Period: time.Hour, Burst: 20},
		MutationUser:        Limit{Rate: 120, Period: time.Minute, Burst: 60},
		// A venue's visitors behind one NAT scanning certificates' QR codes
		// stay far below these; a script guessing codes or secrets does not.
		VerifyAddress:   Limit{Rate: 60, Period: time.Minute, Burst: 30},
		CalendarAddress: Limit{Rate: 120, Period: time.Minute, Burst: 60},
		// A coordinator writes to a shift now and then; a leaked session
		// must not flood every volunteer's phone.
		MessageUser: Limit{Rate: 20, Period: time.Hour, Burst: 5},
		// A volunteer mistypes a code now and then, and a coordinator
		// scans a queue at the door; six digits cannot be guessed at this pace.
		CheckInCodeUser: Limit{Rate: 30, Period: time.Minute, Burst: 10},
		// A school's computer room applies together; a script probing
		// which emails applied learns a few a minute at most.
		ApplyAddress: Limit{Rate: 30, Period: time.Hour, Burst: 10},
		ApplyEmail:   Limit{Rate: 5, Period: time.Hour, Burst: 3},
		// The gateway posts every volunteer's reply from its one address,
		// in waves after the reminders; anyone else only hammers the
		// signature check.
		InboundAddress: Limit{Rate: 300, Period: time.Minute, Burst: 100},
	}
}

// ruleNames maps the names of KONULLU_RATE_LIMITS to the rules.
var ruleNames = []string{"login-account-ip", "login", "login-ip", "reset", "reset-ip", "register-ip", "mutation", "verify-ip", "calendar-ip", "checkin-code", "message", "apply-ip", "apply", "inbound-ip"}

func (r *Rules) field(name string) *Limit {
	switch name {
	case "login-account-ip":
		return &r.LoginAccountAddress
	case "login":
		return &r.LoginAccount
	case "reset":
		return &r.ResetAccount
	case "reset-ip":
		return &r.ResetAddress
	case "login-ip":
		return &r.LoginAddress
	case "register-ip":
		return &r.RegisterAddress
	case "mutation":
		return &r.MutationUser
	case "verify-ip":
		return &r.VerifyAddress
	case "calendar-ip":
		return &r.CalendarAddress
	case "message":
		return &r.MessageUser
	case "checkin-code":
		return &r.CheckInCodeUser
	case "apply-ip":
		return &r.ApplyAddress
	case "apply":
		return &r.ApplyEmail
	case "inbound-ip":
		return &r.InboundAddress
	}
	return nil
}

// String writes the rules in the form ParseRules reads.
func (r Rules) String() string {
	parts := make([]string, len(ruleNames))
	for i, n := range ruleNames {
		parts[i] = n + "=" + r.field(n).String()
	}
	return strings.Join(parts, ",")
}

// ParseRules reads rules such as "login-account-ip=10/15m,login=100/15m,login-ip=60/1m,register-ip=20/1h,mutation=120/1m,verify-ip=60/1m+30,calendar-ip=120/1m+60":
// each named rule is RATE/PERIOD (the burst is the rate, capped by a
// trailing "+BURST") or "off"; rules not named keep their defaults. "off"
// alone turns every limit off. The empty string is the defaults.
func ParseRules(s string) (Rules, error) {
	r := DefaultRules()
	s = strings.TrimSpace(s)
	if s == "" {
		return r, nil
	}
	if strings.EqualFold(s, "off") {
		return Rules{}, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		f := r.field(strings.TrimSpace(name))
		if !ok || f == nil {
			return r, fmt.Errorf("%q: want NAME=RATE/PERIOD with NAME one of %s", part, strings.Join(ruleNames, ", "))
		}
		l, err := parseLimit(strings.TrimSpace(val))
		if err != nil {
			return r, fmt.Errorf("%s: %w", name, err)
		}
		*f = l
	}
	return r, nil
}

func parseLimit(s string) (Limit, error) {
	if strings.EqualFold(s, "off") {
		return Limit{}, nil
	}
	bad := fmt.Errorf("%q is not RATE/PERIOD[+BURST] such as 10/15m or off", s)
	n, rest, ok := strings.Cut(s, "/")
	if !ok {
		return Limit{}, bad
	}
	period, burstText, hasBurst := strings.Cut(rest, "+")
	rate, err := strconv.Atoi(n)
	if err != nil || rate < 1 || rate > 1_000_000 {
		return Limit{}, bad
	}
	p, err := time.ParseDuration(period)
	if err != nil && !strings.ContainsAny(period, "0123456789") {
		p, err = time.ParseDuration("1" + period) // "10/m"
	}
	if err != nil || p < time.Second || p > 24*time.Hour {
		return Limit{}, bad
	}
	l := Limit{Rate: rate, Period: p, Burst: rate}
	if hasBurst {
		b, err := strconv.Atoi(burstText)
		if err != nil || b < 1 || b > 1_000_000 {
			return Limit{}, bad
		}
		l.Burst = b
	}
	return l, nil
}

func fmtPeriod(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}

// Decision is the answer for one event.
type Decision struct {
	Allowed    bool
	RetryAfter time.Duration // when denied: how long until it would be allowed
	Fallback   bool          // decided from this instance's memory: Redis did not answer
}

// Options configure a limiter.
type Options struct {
	Logger *slog.Logger
	// RedisTimeout bounds one call to Redis before the limiter decides from
	// memory (default 150 ms).
	RedisTimeout time.Duration
	// RetryRedisAfter is how long the limiter keeps to memory after Redis
	// failed before it asks Redis again (default 2 s).
	RetryRedisAfter time.Duration
	// OnDecision, when set, hears every decision (metrics).
	OnDecision func(rule string, d Decision)
	// OnFallback, when set, hears when the limiter switches to memory (true) or back to Redis (false).
	OnFallback func(memory bool)
}

// Limiter decides whether events may happen. It is safe for concurrent use.
type Limiter struct {
	redis   *redis_rate.Limiter // nil: memory only
	opts    Options
	downTil atomic.Int64 // unix nanoseconds until which Redis is not asked
	down    atomic.Bool

	mu    sync.Mutex
	local map[string]*localBucket
	calls int
}

type localBucket struct {
	lim  *rate.Limiter
	last time.Time
	idle time.Duration // after this long unused, the bucket is full again and can go
}

// maxLocalKeys bounds the memory of the fallback; beyond it idle buckets go first.
const maxLocalKeys = 200_000

// New returns a limiter over a Redis client; with a nil client it works from memory only.
func New(client redis.UniversalClient, opts Options) *Limiter {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.RedisTimeout <= 0 {
		opts.RedisTimeout = 150 * time.Millisecond
	}
	if opts.RetryRedisAfter <= 0 {
		opts.RetryRedisAfter = 2 * time.Second
	}
	l := &Limiter{opts: opts, local: map[string]*localBucket{}}
	if client != nil {
		l.redis = redis_rate.NewLimiter(client)
	}
	return l
}

// InMemory reports whether the limiter currently decides from memory.
func (l *Limiter) InMemory() bool { return l.redis == nil || l.down.Load() }

// Allow decides whether one event of the rule may happen for the key.
func (l *Limiter) Allow(ctx context.Context, rule Rule, key string) Decision {
	return l.AllowN(ctx, rule, key, 1)
}

// AllowN decides whether n events of the rule may happen for the key. It
// never fails: when Redis does not answer in time it decides from memory.
func (l *Limiter) AllowN(ctx context.Context, rule Rule, key string, n int) Decision {
	if l == nil || rule.Limit.Unlimited() || n <= 0 {
		return Decision{Allowed: true}
	}
	key = rule.Name + ":" + key
	var d Decision
	if l.redis != nil && time.Now().UnixNano() >= l.downTil.Load() {
		var err error
		d, err = l.fromRedis(ctx, rule.Limit, key, n)
		if err == nil {
			if l.down.CompareAndSwap(true, false) {
				l.opts.Logger.Info("rate limits are shared through Redis again")
				if l.opts.OnFallback != nil {
					l.opts.OnFallback(false)
				}
			}
			l.report(rule.Name, d)
			return d
		}
		if ctx.Err() != nil { // the client went away; nothing to decide
			return Decision{Allowed: true}
		}
		l.downTil.Store(time.Now().Add(l.opts.RetryRedisAfter).UnixNano())
		if l.down.CompareAndSwap(false, true) {
			l.opts.Logger.Warn("Redis does not answer; rate limits are kept per instance until it does", "error", err.Error())
			if l.opts.OnFallback != nil {
				l.opts.OnFallback(true)
			}
		}
	}
	d = l.fromMemory(rule.Limit, key, n)
	d.Fallback = l.redis != nil
	l.report(rule.Name, d)
	return d
}

func (l *Limiter) report(rule string, d Decision) {
	if l.opts.OnDecision != nil {
		l.opts.OnDecision(rule, d)
	}
}

var errRedisTimeout = errors.New("ratelimit: Redis did not answer in time")

// fromRedis asks Redis, giving up after RedisTimeout whatever the client's
// own timeouts are (a stopped Redis may hold a connection open for seconds).
func (l *Limiter) fromRedis(ctx context.Context, lim Limit, key string, n int) (Decision, error) {
	type answer struct {
		res *redis_rate.Result
		err error
	}
	rctx, cancel := context.WithTimeout(ctx, l.opts.RedisTimeout)
	defer cancel()
	ch := make(chan answer, 1)
	go func() {
		res, err := l.redis.AllowN(rctx, "konullu:"+key, redis_rate.Limit{Rate: lim.Rate, Period: lim.Period, Burst: max(lim.Burst, 1)}, n)
		ch <- answer{res, err}
	}()
	select {
	case a := <-ch:
		if a.err != nil {
			return Decision{}, a.err
		}
		d := Decision{Allowed: a.res.Allowed >= n}
		if !d.Allowed {
			d.RetryAfter = max(a.res.RetryAfter, time.Millisecond)
		}
		return d, nil
	case <-rctx.Done():
		return Decision{}, errRedisTimeout
	}
}

func (l *Limiter) fromMemory(lim Limit, key string, n int) Decision {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%1024 == 0 || len(l.local) >= maxLocalKeys {
		l.prune(now)
	}
	b := l.local[key]
	if b == nil {
		every := lim.Period / time.Duration(lim.Rate)
		burst := max(lim.Burst, 1)
		b = &localBucket{lim: rate.NewLimiter(rate.Every(every), burst), idle: every * time.Duration(burst)}
		l.local[key] = b
	}
	b.last = now
	r := b.lim.ReserveN(now, n)
	if !r.OK() {
		return Decision{RetryAfter: lim.Period}
	}
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return Decision{RetryAfter: delay}
	}
	return Decision{Allowed: true}
}

// Reset forgets the events of the rule for the key (a successful sign-in
// clears the failures counted for its account and address).
func (l *Limiter) Reset(ctx context.Context, rule Rule, key string) {
	if l == nil {
		return
	}
	key = rule.Name + ":" + key
	l.mu.Lock()
	delete(l.local, key)
	l.mu.Unlock()
	if l.redis == nil || time.Now().UnixNano() < l.downTil.Load() {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, l.opts.RedisTimeout)
	defer cancel()
	if err := l.redis.Reset(rctx, "konullu:"+key); err != nil && ctx.Err() == nil {
		l.opts.Logger.Warn("rate limit not reset in Redis", "rule", rule.Name, "error", err.Error())
	}
}

// prune drops buckets that have been idle long enough to be full again.
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.local {
		if now.Sub(b.last) > b.idle {
			delete(l.local, k)
		}
	}
}

// AccountKey is the key of an account's login attempts: a hash, so that
// email addresses are not spelled out in Redis.
func AccountKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:12])
}

// AddressKey is the key of a client address ("host:port" or a bare IP):
// the IPv4 address, or the /64 network of an IPv6 address (one household or
// phone holds a whole /64).
func AddressKey(remoteAddr string) string {
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "unknown"
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
