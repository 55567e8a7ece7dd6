package schema

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/konullu/konullu"
)

// RateLimiter decides whether n events of a rule may happen for a key. The
// rules the API asks about are the Rule* constants; the server maps them to
// limits shared through Redis. A limiter never fails: it decides from memory
// when it must.
type RateLimiter interface {
	Allow(ctx context.Context, rule, key string, n int) (ok bool, retryAfter time.Duration)
}

// Rules the API asks its RateLimiter about.
const (
	RuleLoginAccount    = "login"       // key: the account's email
	RuleLoginAddress    = "login-ip"    // key: the client's address
	RuleRegisterAddress = "register-ip" // key: the client's address
	RuleMutationUser    = "mutation"    // key: the user id; n: mutations in the request
)

// Observer hears how requests end, for metrics.
type Observer interface {
	// GraphQL counts a request: its operation ("mutation:signUp"), the code
	// of its first error ("" for none) and how long it took.
	GraphQL(operation, code string, d time.Duration)
	// Audited counts an entry written to the audit trail.
	Audited()
}

// hardeningDeps are the root's dependencies for abuse limits, metrics, the
// audit trail and privacy.
type hardeningDeps struct {
	limiter     RateLimiter
	observer    Observer
	audit       konullu.AuditStore
	privacy     konullu.PrivacyStore
	unavailable func(error) bool
	dev         bool
}

func (c Config) hardeningDeps() hardeningDeps {
	d := hardeningDeps{limiter: c.Limiter, observer: c.Observer, audit: c.Audit, privacy: c.Privacy, unavailable: c.Unavailable, dev: c.Dev}
	if d.audit == nil {
		d.audit, _ = c.Store.(konullu.AuditStore)
	}
	if d.privacy == nil {
		d.privacy, _ = c.Store.(konullu.PrivacyStore)
	}
	if d.unavailable == nil {
		d.unavailable = func(error) bool { return false }
	}
	return d
}

type hardeningKey int

const (
	clientAddressKey hardeningKey = iota
	auditKey
)

// clientAddress is the address the request came from: the request's
// RemoteAddr (host:port, or a bare IP). Behind reverse proxies the server
// has already put the client's address there, read from X-Forwarded-For of
// trusted proxies only (KONULLU_TRUSTED_PROXIES, server/proxy.go), so the
// per-address limits (RuleLoginAddress, RuleRegisterAddress) count each
// client apart and not everyone as the proxy. The handler never reads
// X-Forwarded-For itself: from an untrusted peer it is a client's claim.
func clientAddress(ctx context.Context) string {
	a, _ := ctx.Value(clientAddressKey).(string)
	return a
}

// limit asks the rate limiter about one event; RATE_LIMITED when it says no.
func (r *root) limit(ctx context.Context, rule, key string) error {
	return r.limitN(ctx, rule, key, 1)
}

func (r *root) limitN(ctx context.Context, rule, key string, n int) error {
	if r.limiter == nil {
		return nil
	}
	ok, retry := r.limiter.Allow(ctx, rule, key, n)
	if ok {
		return nil
	}
	return rateLimited(rule, retry)
}

func rateLimited(rule string, retry time.Duration) *konullu.Error {
	what := map[string]string{
		RuleLoginAccount:        "too many sign-in attempts for this account",
		RuleLoginAddress:        "too many sign-in attempts from this address",
		RuleRegisterAddress:     "too many registrations from this address",
		RuleMutationUser:        "too many changes in a short time",
		RuleLoginAccountAddress: "too many failed sign-ins for this account from this address",
		RuleResetAccount:        "too many password resets asked for this email",
		RuleResetAddress:        "too many password resets asked from this address",
		RuleMessageUser:         "too many messages to volunteers",
		RuleApplyAddress:        "too many applications from this address",
		RuleApplyEmail:          "too many applications with this email",
	}[rule]
	if what == "" {
		what = "too many requests"
	}
	return &konullu.Error{Code: konullu.ERATELIMITED, RetryAfter: retry,
		Message: fmt.Sprintf("%s; try again in %d seconds", what, retrySeconds(retry))}
}

// retrySeconds rounds a wait up to whole seconds, at least one (Retry-After's unit).
func retrySeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// errUnavailable is the answer while the database cannot be reached.
var errUnavailable = &konullu.Error{Code: konullu.EUNAVAILABLE, RetryAfter: time.Second,
	Message: "the service is briefly unavailable; try again in a moment"}

// asUnavailable returns UNAVAILABLE for an error that means the database is
// out of reach, nil for any other.
func (r *root) asUnavailable(err error) *konullu.Error {
	var de *konullu.Error
	if errors.As(err, &de) && de.Code == konullu.EUNAVAILABLE {
		return de
	}
	if r.unavailable(err) {
		return errUnavailable
	}
	return nil
}

// setRetryAfter sets the Retry-After header from the longest wait of the errors.
func setRetryAfter(w http.ResponseWriter, errs []responseError) {
	wait := 0
	for _, e := range errs {
		if s, ok := e.Extensions["retryAfter"].(int); ok {
			wait = max(wait, s)
		}
	}
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
	}
}

// requestStatus is the status of an answer to a request that ran nothing:
// 200 for application/json (older clients read only the body), the given
// error status for the GraphQL response type.
func requestStatus(media string, status int) int {
	if media == mediaGraphQLResponse {
		return status
	}
	return http.StatusOK
}
