package schema_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// testArgon2 keeps password hashing fast in tests.
var testArgon2 = konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}

const password = "correct horse battery"

// t0 is "now" in most tests: Monday 10 March 2025, 12:00 in Baku.
var t0 = time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is an API over a fresh database.
type env struct {
	t     *testing.T
	db    *store.DB
	h     http.Handler
	clock *storetest.Clock
	logs  *syncBuffer
}

// envOption changes the configuration of a test's API.
type envOption func(*envConfig)

type envConfig struct {
	rules  konullu.Rules
	wrap   func(konullu.Store) konullu.Store
	events konullu.EventPublisher
	live   func(*schema.Config)
}

// withEvents announces committed changes to p, from the API and the store.
func withEvents(p konullu.EventPublisher) envOption {
	return func(c *envConfig) { c.events = p }
}

// withStore serves the API over a wrapper of the database.
func withStore(wrap func(konullu.Store) konullu.Store) envOption {
	return func(c *envConfig) { c.wrap = wrap }
}

// withLiveConfig changes the settings of subscriptions.
func withLiveConfig(f func(*schema.Config)) envOption {
	return func(c *envConfig) { c.live = f }
}

func withRules(r konullu.Rules) envOption {
	return func(c *envConfig) { c.rules = r }
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	c := envConfig{rules: konullu.DefaultRules()}
	for _, o := range opts {
		o(&c)
	}
	e := &env{t: t, clock: storetest.NewClock(t0), logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	e.db = storetest.Open(t, store.Options{Now: e.clock.Now, Rules: c.rules, Logger: logger})
	var st konullu.Store = e.db
	if c.wrap != nil {
		st = c.wrap(st)
	}
	if c.events != nil {
		e.db.SetEvents(c.events)
	}
	cfg := schema.Config{Store: st, Logger: logger, Now: e.clock.Now, Argon2: testArgon2, Rules: c.rules, Events: c.events}
	if c.live != nil {
		c.live(&cfg)
	}
	e.h = schema.NewHandler(cfg)
	return e
}

// result is an HTTP answer of the API.
type result struct {
	Status int
	Header http.Header
	Body   []byte
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

type gqlError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"extensions"`
}

// serve runs a request through the handler.
func (e *env) serve(req *http.Request) *result {
	e.t.Helper()
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	r := &result{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
	if err := json.Unmarshal(r.Body, r); err != nil {
		e.t.Fatalf("answer is not JSON (%d): %s", w.Code, r.Body)
	}
	for _, ge := range r.Errors {
		if ge.Extensions.Code == "" {
			e.t.Errorf("error without extensions.code: %s", r.Body)
		}
	}
	return r
}

// post sends a GraphQL request as the holder of token ("" for anonymous).
func (e *env) post(token, query string, vars map[string]any) *result {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		e.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.serve(req)
}

// ok fails the test unless the answer has no errors; it decodes data into v.
func (r *result) ok(t *testing.T, v any) {
	t.Helper()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("want success, got %d: %s", r.Status, r.Body)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

// code is the code of the first error, "" when there is none.
func (r *result) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// wantError fails the test unless the first error has the code (and field, when given).
func (r *result) wantError(t *testing.T, code, field string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("want %s, got success: %s", code, r.Body)
	}
	e := r.Errors[0].Extensions
	if e.Code != code || field != "" && e.Field != field {
		t.Fatalf("want %s (field %q), got %s (field %q): %s", code, field, e.Code, e.Field, r.Body)
	}
}

// account creates a volunteer account and returns its user and volunteer ids.
func (e *env) account(email, name string) *konullu.User {
	e.t.Helper()
	hash, err := konullu.HashPassword(password, testArgon2)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.db.CreateAccount(context.Background(), konullu.NewAccount{
		Email: email, PasswordHash: hash, FullName: name, Phone: "+994 50 123 45 67", City: "Baku",
		BirthDate: time.Date(2004, 5, 17, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// login signs in through the API and returns the token.
func (e *env) login(email string) string {
	e.t.Helper()
	var data struct {
		Login struct{ Token string }
	}
	e.post("", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": email, "p": password}).ok(e.t, &data)
	return data.Login.Token
}

// admin creates the bootstrap admin and signs in.
func (e *env) admin() string {
	e.t.Helper()
	hash, _ := konullu.HashPassword(password, testArgon2)
	if _, err := e.db.EnsureAdmin(context.Background(), "admin@konullu.az", hash); err != nil {
		e.t.Fatal(err)
	}
	return e.login("admin@konullu.az")
}

func (e *env) centre(name, tz string) *konullu.Centre {
	e.t.Helper()
	c := &konullu.Centre{Name: name, City: "Baku", Timezone: tz}
	if err := e.db.CreateCentre(context.Background(), c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) position(name string) *konullu.Position {
	e.t.Helper()
	p := &konullu.Position{Name: name}
	if err := e.db.CreatePosition(context.Background(), p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// shift creates one shift of four hours.
func (e *env) shift(c *konullu.Centre, p *konullu.Position, start time.Time, capacity int, publish bool) *konullu.Shift {
	e.t.Helper()
	list, err := e.db.CreateShifts(context.Background(), konullu.NewShifts{
		CentreID: c.ID, PositionID: p.ID, Capacity: capacity, Publish: publish,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return list[0]
}

func (e *env) signUp(s *konullu.Shift, volunteerID int64, byCoordinator bool) *konullu.Assignment {
	e.t.Helper()
	a, err := e.db.SignUp(context.Background(), s.ID, volunteerID, byCoordinator)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) grant(u *konullu.User, role konullu.Role, centres ...int64) {
	e.t.Helper()
	if _, err := e.db.GrantRole(context.Background(), u.ID, role, centres); err != nil {
		e.t.Fatal(err)
	}
}

// gid returns the global id the API uses for an object.
func gid(kind string, n int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(n, 10)))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
