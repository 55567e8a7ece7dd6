// Package schema is the GraphQL API of Könüllü: the SDL files (*.graphql, one
// per feature), their resolvers (one file per GraphQL type) and the HTTP
// transport that serves them (NewHandler).
//
// Authorisation happens where data is read, in the resolvers; each check is
// marked with an "AUTHZ:" comment. Every error leaves with extensions.code;
// anything that is not a *konullu.Error is INTERNAL and its text stays in the
// log.
package schema

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	gqllog "github.com/graph-gophers/graphql-go/log"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/konullu/konullu"
)

//go:embed *.graphql
var sdlFiles embed.FS

// Limits on what one request may ask for. graphql-go has no cost analysis,
// so depth, length and the number of selections bound the work instead.
const (
	maxDepth          = 12
	maxQueryLength    = 10_000 // bytes of query text
	maxSelections     = 2_000  // fields after fragments are expanded
	maxOverlapPairs   = 50_000 // pairs of fields compared by validation
	maxParallelism    = 50     // also the width of a list resolved at once
	defaultSessionTTL = 30 * 24 * time.Hour
)

// SDL returns the schema in GraphQL SDL: the embedded .graphql files joined
// in name order. Frontend code generation reads it.
func SDL() string {
	names, err := fs.Glob(sdlFiles, "*.graphql")
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	for _, n := range names {
		data, err := sdlFiles.ReadFile(n)
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, "# %s\n%s\n", n, data)
	}
	return b.String()
}

// Config holds the dependencies and settings of the API. Zero values select
// the defaults: slog.Default, time.Now, konullu.DefaultRules,
// konullu.DefaultArgon2 and sessions of 30 days. Store is required.
type Config struct {
	Store      konullu.Store
	Logger     *slog.Logger
	Now        func() time.Time
	Rules      konullu.Rules
	Argon2     konullu.Argon2Params
	SessionTTL time.Duration

	// Jobs and notifications (jobs.go, notification.go). The stores default
	// to Store when it implements them (store.DB does); without Jobs,
	// runJob answers UNAVAILABLE.
	Notifications konullu.NotificationStore
	JobStore      konullu.JobStore
	Jobs          JobRunner

	// Reports, certificates and calendar feeds (reports.go). Reports
	// defaults to Store when it implements it; Timezone, in which report
	// days are read, to Asia/Baku; PublicURL (such as https://konullu.az)
	// makes feed and certificate links absolute.
	Reports   konullu.ReportStore
	Timezone  *time.Location
	PublicURL string

	// Hardening (hardening.go, limits.go, audit.go, privacy.go): rate
	// limits, metrics, the audit trail and privacy. Audit and Privacy
	// default to Store when it implements them; without a Limiter nothing
	// is rate limited. Unavailable tells a database outage from a bug
	// (UNAVAILABLE with 503 instead of INTERNAL). Dev opens introspection
	// to everyone (KONULLU_DEV=1); otherwise only admins may introspect.
	Limiter     RateLimiter
	Observer    Observer
	Audit       konullu.AuditStore
	Privacy     konullu.PrivacyStore
	Unavailable func(error) bool
	Dev         bool

	// Availability (availability.go) answers availableVolunteers from the
	// index in Redis; nil answers from the database alone.
	Availability konullu.AvailabilityIndex

	// Account controls (account_controls.go). Accounts defaults to Store
	// when it implements it; without Mailer no password-reset link is sent.
	// Reset links point to PublicURL, or to the request's Host when it is a
	// loopback address.
	Accounts konullu.AccountStore
	Mailer   PasswordResetMailer

	// Check-in that proves presence (presence.go). Presence defaults to
	// Store when it implements it. CheckInSecret is the HMAC key of
	// check-in codes (KONULLU_CHECKIN_SECRET); empty: one the database
	// keeps, made on first use.
	Presence      konullu.PresenceStore
	CheckInSecret string

	// Events (events.go) announces committed changes to live subscribers
	// on every instance; nil announces nothing. When it is also an
	// EventSource (package live's bus is), subscriptions are served over
	// WebSocket at /graphql (websocket.go) from pages of the server's own
	// origin and of LiveOrigins ("https://app.example.az"), with at most
	// MaxLiveConnections per user (10; on all instances together through
	// LiveConns, else on this one), MaxSubscriptions per connection (20),
	// MaxLiveQueue messages waiting for a slow client before it is cut off
	// (256) and LiveInitTimeout to authenticate (10 s).
	Events             konullu.EventPublisher
	LiveOrigins        []string
	LiveConns          LiveConnCounter
	MaxLiveConnections int
	MaxSubscriptions   int
	MaxLiveQueue       int
	LiveInitTimeout    time.Duration
}

func (c Config) withDefaults() Config {
	if c.Store == nil {
		panic("schema: Config.Store is required")
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rules == (konullu.Rules{}) {
		c.Rules = konullu.DefaultRules()
	}
	if c.Rules.MaxSeries <= 0 {
		c.Rules.MaxSeries = konullu.DefaultRules().MaxSeries
	}
	if c.Argon2 == (konullu.Argon2Params{}) {
		c.Argon2 = konullu.DefaultArgon2
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = defaultSessionTTL
	}
	return c.withJobDefaults().withReportDefaults()
}

// root resolves Query and Mutation. It is shared by all requests, so it
// holds only dependencies; whatever belongs to a request (viewer, loaders,
// session) travels in the context.
type root struct {
	store  konullu.Store
	log    *slog.Logger
	now    func() time.Time
	rules  konullu.Rules
	argon2 konullu.Argon2Params
	ttl    time.Duration
	jobDeps
	reportDeps
	hardeningDeps
	availabilityDeps
	accountDeps
	presenceDeps
	eventDeps
	mentoringDeps
	// dummyHash is checked against when an email is unknown, so that a
	// failed login takes as long whether or not the account exists. It is
	// made up front: made on first use, that first failure would be slower.
	dummyHash string
}

func newRoot(c Config) *root {
	r := &root{store: c.Store, log: c.Logger, now: c.Now, rules: c.Rules, argon2: c.Argon2, ttl: c.SessionTTL,
		jobDeps: jobDeps{notes: c.Notifications, jobStore: c.JobStore, jobs: c.Jobs}, reportDeps: c.reportDeps()}
	r.hardeningDeps = c.hardeningDeps()
	r.availabilityDeps = availabilityDeps{index: c.Availability}
	r.accountDeps = c.accountDeps()
	r.presenceDeps = c.presenceDeps()
	r.eventDeps = c.eventDeps()
	r.mentoringDeps = c.mentoringDeps()
	h, err := konullu.HashPassword("no account has this password", r.argon2)
	if err != nil {
		panic("schema: " + err.Error()) // crypto/rand failed
	}
	r.dummyHash = h
	return r
}

// parseSchema binds the SDL to the root resolver.
func parseSchema(r *root) (*graphql.Schema, error) {
	return parseSchemaTraced(r, apiTracer{r: r})
}

// parseSchemaTraced is parseSchema with another tracer (a fuzz target's).
func parseSchemaTraced(r *root, t tracer.Tracer) (*graphql.Schema, error) {
	return graphql.ParseSchema(SDL(), r,
		graphql.UseStringDescriptions(),
		graphql.MaxDepth(maxDepth),
		graphql.MaxQueryLength(maxQueryLength),
		graphql.MaxSelections(maxSelections),
		graphql.OverlapValidationLimit(maxOverlapPairs),
		graphql.MaxParallelism(maxParallelism),
		graphql.Tracer(t),
		graphql.RestrictIntrospection(r.introspectionAllowed),
		graphql.Logger(panicLogger{r.log}),
		graphql.PanicHandler(panicHandler{}),
		// One answer to one event (fanout.go); a storm must not time it out.
		graphql.SubscribeResolverTimeout(liveAnswerTimeout),
	)
}

// panicLogger logs a resolver's panic with its stack and the request id.
type panicLogger struct{ log *slog.Logger }

var _ gqllog.Logger = panicLogger{}

func (l panicLogger) LogPanic(ctx context.Context, value any) {
	l.log.ErrorContext(ctx, "graphql resolver panicked", "request_id", RequestID(ctx), "panic", fmt.Sprint(value), "stack", string(debug.Stack()))
}

// panicHandler turns a panic into an INTERNAL error that says nothing of its cause.
type panicHandler struct{}

func (panicHandler) MakePanicError(ctx context.Context, value any) *gqlerrors.QueryError {
	return &gqlerrors.QueryError{Message: internalMessage, Extensions: map[string]any{"code": konullu.EINTERNAL}}
}

// scope is what every type resolver carries: the root's dependencies and,
// in an AuthPayload only, the viewer the new session belongs to (the request
// itself is still anonymous when register or login answer).
type scope struct {
	r  *root
	as *konullu.Viewer
}

// viewer is who the data is shown to.
func (s scope) viewer(ctx context.Context) *konullu.Viewer {
	if s.as != nil {
		return s.as
	}
	return konullu.ViewerFrom(ctx)
}

// scope returns the scope of the request's own viewer.
func (r *root) scope() scope { return scope{r: r} }
