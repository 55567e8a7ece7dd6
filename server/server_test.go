package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/konullu/konullu/frontend"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/demo"
	"github.com/konullu/konullu/store/storetest"
)

// cheap keeps password hashing fast in tests.
var cheap = konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}

const (
	adminEmail    = "admin@example.org"
	adminPassword = "admin password 123"
)

// syncBuffer is a bytes.Buffer that the server may write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is a server started by run in the background.
type instance struct {
	url            string
	stdout, stderr *syncBuffer
	stop           func() error // cancels run's context and returns what run returned
}

// start runs `konullu serve` on a free port with the given environment and
// waits until /healthz answers. The server stops when the test ends.
func start(t *testing.T, vars map[string]string, opts ...option) *instance {
	t.Helper()
	in, err := launch(t, vars, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// launch is start for any goroutine: it returns an error instead of failing the test.
func launch(t *testing.T, vars map[string]string, opts ...option) (*instance, error) {
	vars = maps.Clone(vars)
	vars["KONULLU_ADDR"] = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	opts = append([]option{func(o *runOptions) {
		o.argon2 = cheap
		o.onListen = func(addr string) { addrc <- addr }
	}}, opts...)
	go func() {
		done <- run(ctx, []string{"konullu", "serve"}, env(vars), in.stdout, in.stderr, opts...)
	}()
	var once sync.Once
	var result error
	in.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(20 * time.Second):
				result = errors.New("run did not return within 20s of the cancel")
			}
		})
		return result
	}
	t.Cleanup(func() {
		if err := in.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	select {
	case addr := <-addrc:
		in.url = "http://" + addr
	case err := <-done:
		return nil, fmt.Errorf("run returned before listening: %v\n%s", err, in.stderr)
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("the server did not listen within 60s\n%s", in.stderr)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(in.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return in, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("/healthz did not answer: %v", err)
		}
	}
}

// gqlError is an error of a GraphQL response.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// graphql posts a GraphQL request and decodes data into out. It fails the
// test on a transport error or a 5xx; GraphQL errors are returned.
func graphql(t testing.TB, url, token, query string, vars map[string]any, out any) []gqlError {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST /graphql: %v", err)
		return []gqlError{{Message: err.Error()}}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Errorf("POST /graphql: %s: %s", res.Status, raw)
	}
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Errorf("POST /graphql: %s: %v: %s", res.Status, err, raw)
		return []gqlError{{Message: err.Error()}}
	}
	if out != nil && len(resp.Data) > 0 && string(resp.Data) != "null" {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Errorf("decode %s: %v", resp.Data, err)
		}
	}
	return resp.Errors
}

// mustGraphQL is graphql for requests that must succeed.
func mustGraphQL(t testing.TB, url, token, query string, vars map[string]any, out any) {
	t.Helper()
	if errs := graphql(t, url, token, query, vars, out); len(errs) > 0 {
		t.Fatalf("%s: %+v", strings.Fields(query)[0:2], errs)
	}
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestServe(t *testing.T) {
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":   storetest.MigratedURL(t),
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
	})

	t.Run("Healthz", func(t *testing.T) {
		res, body := get(t, srv.url+"/healthz")
		if res.StatusCode != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("/healthz: %s %q", res.Status, body)
		}
	})

	t.Run("Readyz", func(t *testing.T) {
		res, body := get(t, srv.url+"/readyz")
		var r struct {
			Status string            `json:"status"`
			Checks map[string]string `json:"checks"`
		}
		json.Unmarshal([]byte(body), &r)
		if res.StatusCode != http.StatusOK || r.Status != "ok" || r.Checks["database"] != "ok" {
			t.Errorf("/readyz: %s %s", res.Status, body)
		}
	})

	t.Run("Frontend", func(t *testing.T) {
		// Client-side routes get the same page as /: the app (when built)
		// or the placeholder that says where the API is.
		_, home := get(t, srv.url+"/")
		for _, path := range []string{"/", "/shifts/42"} {
			res, body := get(t, srv.url+path)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
				body != home || !frontend.Built() && !strings.Contains(body, "/graphql") {
				t.Errorf("GET %s: %s %s: %.200s", path, res.Status, res.Header.Get("Content-Type"), body)
			}
		}
		if res, _ := get(t, srv.url+"/assets/missing.js"); res.StatusCode != http.StatusNotFound {
			t.Errorf("missing asset: %s, want 404", res.Status)
		}
	})

	t.Run("GraphQL", func(t *testing.T) {
		var data struct {
			Typename string `json:"__typename"`
		}
		mustGraphQL(t, srv.url, "", `{ __typename }`, nil, &data)
		if data.Typename != "Query" {
			t.Errorf("__typename = %q", data.Typename)
		}
	})

	t.Run("RequestID", func(t *testing.T) {
		res, _ := get(t, srv.url+"/healthz", "X-Request-Id", "trace-42")
		if got := res.Header.Get("X-Request-Id"); got != "trace-42" {
			t.Errorf("X-Request-Id %q, want the caller's", got)
		}
		res, _ = get(t, srv.url+"/healthz", "X-Request-Id", "bad id\twith tab")
		if got := res.Header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
			t.Errorf("X-Request-Id %q, want a fresh id", got)
		}
	})

	var token string
	t.Run("BootstrapAdminLogsIn", func(t *testing.T) {
		var login struct {
			Login struct {
				Token string
				User  struct {
					Email string
					Roles []string
				}
			}
		}
		mustGraphQL(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email roles } } }`,
			map[string]any{"e": adminEmail, "p": adminPassword}, &login)
		token = login.Login.Token
		if token == "" || login.Login.User.Email != adminEmail || !strings.Contains(strings.Join(login.Login.User.Roles, ","), "ADMIN") {
			t.Fatalf("login: %+v", login)
		}
		var me struct{ Me struct{ Email string } }
		mustGraphQL(t, srv.url, token, `{ me { email } }`, nil, &me)
		if me.Me.Email != adminEmail {
			t.Errorf("me: %+v", me)
		}
	})

	t.Run("LogsAreJSONWithoutSecrets", func(t *testing.T) {
		get(t, srv.url+"/about", "X-Request-Id", "find-me-in-the-log")
		logs := srv.stderr.String()
		if strings.Contains(logs, adminPassword) || token != "" && strings.Contains(logs, token) {
			t.Error("the log shows the admin password or a session token")
		}
		found := false
		for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
			var entry map[string]any
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("not a JSON log line: %s", line)
			}
			if entry["msg"] == "request" && entry["request_id"] == "find-me-in-the-log" {
				found = entry["method"] == "GET" && entry["path"] == "/about" && entry["status"] == float64(200) && entry["duration_ms"] != nil
			}
		}
		if !found {
			t.Errorf("no access log line for the request:\n%s", logs)
		}
	})

	t.Run("ShutsDownOnCancel", func(t *testing.T) {
		if err := srv.stop(); err != nil {
			t.Fatalf("run returned %v after the cancel", err)
		}
		if _, err := http.Get(srv.url + "/healthz"); err == nil {
			t.Error("the server still answers after shutting down")
		}
		if !strings.Contains(srv.stderr.String(), `"msg":"stopped"`) {
			t.Errorf("no stopped line in the log")
		}
	})
}

func TestServeSeedsDemoDataOnce(t *testing.T) {
	url := storetest.MigratedURL(t)
	small := func(o *runOptions) { o.demo = demo.Options{Volunteers: 20, Weeks: 1} }
	vars := map[string]string{"KONULLU_DATABASE_URL": url, "KONULLU_DEMO": "1"}
	srv := start(t, vars, small)
	if out := srv.stdout.String(); !strings.Contains(out, "admin@"+demo.Domain) || !strings.Contains(out, demo.Password) {
		t.Errorf("the demo accounts were not printed:\n%s", out)
	}
	var login struct{ Login struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation { login(email: "coordinator@demo.konullu.az", password: "konullu-demo") { token } }`, nil, &login)
	var data struct{ Centres []struct{ Name string } }
	mustGraphQL(t, srv.url, login.Login.Token, `{ centres { name } }`, nil, &data)
	seeded := len(data.Centres)
	if seeded < 15 {
		t.Errorf("%d centres after the demo seed", seeded)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}

	again := start(t, vars, small)
	if out := again.stdout.String(); !strings.Contains(out, "already seeded") {
		t.Errorf("second start did not say the data was already seeded:\n%s", out)
	}
	mustGraphQL(t, again.url, login.Login.Token, `{ centres { name } }`, nil, &data)
	if len(data.Centres) != seeded {
		t.Errorf("%d centres after the second start, %d before", len(data.Centres), seeded)
	}
}

func TestMigrateAndSeedCommands(t *testing.T) {
	vars := env(map[string]string{"KONULLU_DATABASE_URL": storetest.URL(t)})
	cheapHashes := func(o *runOptions) { o.argon2 = cheap }
	var out, logs syncBuffer
	if err := run(t.Context(), []string{"konullu", "migrate"}, vars, &out, &logs, cheapHashes); err != nil {
		t.Fatalf("migrate: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "database is up to date") {
		t.Errorf("migrate log:\n%s", logs.String())
	}
	args := []string{"konullu", "seed", "--demo", "--volunteers", "30", "--weeks", "1"}
	if err := run(t.Context(), args, vars, &out, &logs, cheapHashes); err != nil {
		t.Fatalf("seed: %v\n%s", err, logs.String())
	}
	for _, want := range []string{"30 volunteers", "admin@demo.konullu.az", "coordinator@demo.konullu.az", "staff@demo.konullu.az", "volunteer@demo.konullu.az", demo.Password} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("seed output lacks %q:\n%s", want, out.String())
		}
	}
	var second syncBuffer
	if err := run(t.Context(), args, vars, &second, &logs, cheapHashes); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	if !strings.Contains(second.String(), "already seeded") {
		t.Errorf("second seed output:\n%s", second.String())
	}
}

// failing is a database that does not answer.
type failing struct{}

func (failing) Ping(context.Context) error { return errors.New("connection refused") }

func TestReadyzNamesWhatFailed(t *testing.T) {
	var logs syncBuffer
	h := NewServer(newTestLogger(&logs), failing{}, http.NotFoundHandler(), fstest.MapFS{})
	rec := serveHTTP(h, http.MethodGet, "/readyz")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	var r struct {
		Status string
		Failed []string
		Checks map[string]string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Status != "unavailable" || len(r.Failed) != 1 || r.Failed[0] != "database" || r.Checks["database"] != "unavailable" {
		t.Errorf("body %s", rec.Body)
	}
	if strings.Contains(rec.Body.String(), "refused") {
		t.Error("the body shows the cause; it belongs in the log")
	}
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("the cause is not logged: %s", logs.String())
	}
}

// healthy is a database that answers.
type healthy struct{}

func (healthy) Ping(context.Context) error { return nil }

// Without Redis an instance still serves (rate limits from memory,
// availability from SQL): /readyz says so but keeps it in the load
// balancer, which would otherwise drop every instance sharing that Redis.
func TestReadyzWithoutRedisIsDegradedNotDown(t *testing.T) {
	var logs syncBuffer
	redisDown := func(o *serverOptions) {
		o.redis = func(context.Context) error { return errors.New("dial tcp: connection refused") }
	}
	h := NewServer(newTestLogger(&logs), healthy{}, http.NotFoundHandler(), fstest.MapFS{}, redisDown)
	rec := serveHTTP(h, http.MethodGet, "/readyz")
	var r struct {
		Status   string
		Failed   []string
		Degraded []string
		Checks   map[string]string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK || r.Status != "degraded" || len(r.Failed) != 0 ||
		!slices.Equal(r.Degraded, []string{"redis"}) || r.Checks["redis"] != "unavailable" || r.Checks["database"] != "ok" {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body)
	}
	// Both down: the database decides.
	h = NewServer(newTestLogger(&logs), failing{}, http.NotFoundHandler(), fstest.MapFS{}, redisDown)
	if rec := serveHTTP(h, http.MethodGet, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("database and Redis down: status %d, want 503", rec.Code)
	}
}

func TestFrontendServesTheBuiltApp(t *testing.T) {
	web := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>app</title>")},
		"assets/app-1a2b.js": {Data: []byte("console.log(1)")},
		"favicon.svg":        {Data: []byte("<svg/>")},
	}
	h := NewServer(newTestLogger(io.Discard), failing{}, http.NotFoundHandler(), web)
	for _, tt := range []struct {
		method, path string
		status       int
		body, cache  string
	}{
		{"GET", "/", 200, "<title>app</title>", "no-cache"},
		{"GET", "/index.html", 200, "<title>app</title>", "no-cache"},
		{"GET", "/volunteers/7/shifts", 200, "<title>app</title>", "no-cache"},
		{"GET", "/assets/app-1a2b.js", 200, "console.log(1)", "immutable"},
		{"GET", "/favicon.svg", 200, "<svg/>", ""},
		{"GET", "/assets/gone-9z.js", 404, "", ""},
		{"GET", "/assets/", 200, "<title>app</title>", "no-cache"},
		{"POST", "/", 405, "", ""},
	} {
		rec := serveHTTP(h, tt.method, tt.path)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) || !strings.Contains(rec.Header().Get("Cache-Control"), tt.cache) {
			t.Errorf("%s %s: %d %q (Cache-Control %q), want %d with %q", tt.method, tt.path, rec.Code, rec.Body, rec.Header().Get("Cache-Control"), tt.status, tt.body)
		}
	}
}

func TestPanicsBecome500(t *testing.T) {
	var logs syncBuffer
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := NewServer(newTestLogger(&logs), failing{}, boom, fstest.MapFS{})
	rec := serveHTTP(h, http.MethodPost, "/graphql")
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("%d %q", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("log: %s", logs.String())
	}
}

func newTestLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

func serveHTTP(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func ExampleNewServer() {
	h := NewServer(newTestLogger(io.Discard), failing{}, http.NotFoundHandler(), fstest.MapFS{})
	rec := serveHTTP(h, http.MethodGet, "/healthz")
	fmt.Print(rec.Code, " ", rec.Body)
	// Output: 200 ok
}
