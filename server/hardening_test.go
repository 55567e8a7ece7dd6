package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/konullu/konullu/store/storetest"
)

func TestSecurityHeaders(t *testing.T) {
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Könüllü</title>")}}
	h := NewServer(newTestLogger(io.Discard), failing{}, http.NotFoundHandler(), web)
	for path, csp := range map[string]string{"/": cspApp, "/shifts/42": cspApp, "/graphql": cspAPI, "/healthz": cspAPI, "/verify/ABC": cspVerify} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		hd := w.Header()
		if hd.Get("Content-Security-Policy") != csp {
			t.Errorf("%s: CSP %q", path, hd.Get("Content-Security-Policy"))
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
			// The check-in page scans QR codes with the camera of this site only.
			"Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()"} {
			if hd.Get(k) != v {
				t.Errorf("%s: %s %q", path, k, hd.Get(k))
			}
		}
		if hd.Get("Strict-Transport-Security") != "" || hd.Get("Set-Cookie") != "" {
			t.Errorf("%s: HSTS over plain HTTP or a cookie: %v", path, hd)
		}
		if hd.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: CORS without configured origins", path)
		}
	}
	if !strings.Contains(cspApp, "frame-ancestors 'none'") || strings.Contains(cspApp, "unsafe") {
		t.Errorf("the app's CSP is not strict: %s", cspApp)
	}
	// X-Forwarded-Proto is believed from trusted proxies only (proxy.go):
	// from anyone else it is a claim over plain HTTP.
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on the word of a peer that is not a trusted proxy")
	}
	trusted, _ := parseTrustedProxies(strings.Split(req.RemoteAddr, ":")[0])
	h = NewServer(newTestLogger(io.Discard), failing{}, http.NotFoundHandler(), web, withTrustedProxies(trusted))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if !strings.HasPrefix(w.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS behind a trusted TLS proxy")
	}
}

func TestCORS(t *testing.T) {
	preflight := func(h http.Handler, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("OPTIONS", "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMethodNotAllowed) })
	off := NewServer(newTestLogger(io.Discard), failing{}, api, fstest.MapFS{})
	if w := preflight(off, "https://evil.example"); w.Header().Get("Access-Control-Allow-Origin") != "" || w.Code == http.StatusNoContent {
		t.Errorf("CORS is off by default: %d %v", w.Code, w.Header())
	}

	on := NewServer(newTestLogger(io.Discard), failing{}, api, fstest.MapFS{}, withCORS([]string{"https://app.konullu.az"}))
	w := preflight(on, "https://app.konullu.az")
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "https://app.konullu.az" ||
		!strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "Authorization") || w.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("allowed preflight: %d %v", w.Code, w.Header())
	}
	if w := preflight(on, "https://evil.example"); w.Code != http.StatusForbidden || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", w.Code, w.Header())
	}
	req := httptest.NewRequest("POST", "/graphql", nil)
	req.Header.Set("Origin", "https://app.konullu.az")
	w = httptest.NewRecorder()
	on.ServeHTTP(w, req)
	if w.Header().Get("Access-Control-Allow-Origin") != "https://app.konullu.az" || !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "Retry-After") {
		t.Errorf("actual request: %v", w.Header())
	}
}

func TestHardeningConfig(t *testing.T) {
	c, err := parseConfig(env(map[string]string{"KONULLU_CORS_ORIGINS": "https://App.Konullu.az, http://localhost:5173", "KONULLU_DEV": "1",
		"KONULLU_RATE_LIMITS": "login=3/1m"}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.CORSOrigins, " ") != "https://app.konullu.az http://localhost:5173" || !c.Dev || c.RateLimits.LoginAccount.Rate != 3 || c.RateLimits.MutationUser.Rate == 0 {
		t.Errorf("config: %+v", c.Hardening)
	}
	for name, val := range map[string]string{"KONULLU_CORS_ORIGINS": "*", "KONULLU_RATE_LIMITS": "login=lots", "KONULLU_DEV": "maybe",
		"KONULLU_TRUSTED_PROXIES": "10.0.0.0/33", "KONULLU_METRICS_ADDR": "9090", "KONULLU_METRICS_TOKEN": "fifteen-chars15"} {
		_, err := parseConfig(env(map[string]string{name: val}))
		if ce, ok := err.(*configError); !ok || ce.name != name {
			t.Errorf("%s=%s: %v", name, val, err)
		}
	}
}

// post sends a GraphQL request and returns the status, headers and body.
func post(t *testing.T, url, token, query string, vars map[string]any) (int, http.Header, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestNoContactDetailsInLogs runs the flows that handle contact details at
// debug level and looks for them in everything the server logged.
func TestNoContactDetailsInLogs(t *testing.T) {
	const email, phone, phone2 = "leyla.aliyeva@example.org", "+994 50 555 12 34", "+994 70 999 88 77"
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":   storetest.MigratedURL(t),
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
		"KONULLU_LOG_LEVEL":      "debug",
		"KONULLU_RATE_LIMITS":    "login=2/1h",
	})
	var reg struct{ Register struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation($e: String!, $p: String!) { register(input: {email: $e, password: "a long password", fullName: "Leyla Əliyeva", birthDate: "2009-05-01", phone: $p}) { token } }`,
		map[string]any{"e": email, "p": phone}, &reg)
	token := reg.Register.Token
	mustGraphQL(t, srv.url, token, `mutation($p: String) { updateMyProfile(input: {phone: $p}) { phone } }`, map[string]any{"p": phone2}, nil)
	graphql(t, srv.url, "", `mutation { login(email: "not an address +994 12 345 67 89", password: "x") { token } }`, nil, nil)
	res, body := get(t, srv.url+"/graphql?query="+strings.ReplaceAll(`{volunteer(id:"`+email+`"){id}}`, " ", "%20"), "Authorization", "Bearer "+token)
	if res.StatusCode != 200 {
		t.Errorf("GET: %d %s", res.StatusCode, body)
	}
	if res, body := get(t, srv.url+"/me/export", "Authorization", "Bearer "+token); res.StatusCode != 200 || !strings.Contains(body, phone2) {
		t.Errorf("export: %d %.200s", res.StatusCode, body)
	}
	var admin struct{ Login struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": adminEmail, "p": adminPassword}, &admin)
	var me struct {
		Me struct{ Volunteer struct{ ID string } }
	}
	mustGraphQL(t, srv.url, token, `{ me { volunteer { id } } }`, nil, &me)
	mustGraphQL(t, srv.url, admin.Login.Token, `mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "Aygün Əliyeva", relationship: "mother", contact: "+994 55 111 22 33"}) { id } }`,
		map[string]any{"v": me.Me.Volunteer.ID}, nil)
	mustGraphQL(t, srv.url, token, `mutation { deleteMyAccount(password: "a long password") { deleted } }`, nil, nil)
	// Failures that name the address: a duplicate registration, wrong passwords until rate limited.
	graphql(t, srv.url, "", `mutation($e: String!) { register(input: {email: $e, password: "a long password", fullName: "L", birthDate: "2000-01-01"}) { token } }`, map[string]any{"e": email}, nil)
	for range 3 {
		graphql(t, srv.url, "", `mutation($e: String!) { login(email: $e, password: "not the password") { token } }`, map[string]any{"e": email}, nil)
	}

	logs := srv.stderr.String()
	if !strings.Contains(logs, `"msg":"request"`) || !strings.Contains(logs, "account deleted") {
		t.Fatalf("the flows were not logged:\n%s", logs)
	}
	for _, secret := range []string{email, adminEmail, phone, phone2, "+994 55 111 22 33", "+994 12 345 67 89", "a long password", adminPassword, token} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	if strings.Contains(logs, "5551234") || strings.Contains(logs, "leyla.aliyeva") {
		t.Error("the log holds a contact detail in another form")
	}
}

func TestRedactContacts(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: redactLog}))
	log.Info("mail to aysel@example.az failed", "err", "550 <nigar.h@mail.az>: no such user", "phone", "+994 (50) 123-45-67",
		"at", "2025-03-30T09:00:00Z", "duration_ms", 12.5, "id", "9f8e7d6c5b4a39281706")
	out := buf.String()
	for _, s := range []string{"aysel@example.az", "nigar.h@mail.az", "123-45-67"} {
		if strings.Contains(out, s) {
			t.Errorf("not masked: %s", s)
		}
	}
	for _, s := range []string{"a***@example.az", "2025-03-30T09:00:00Z", "9f8e7d6c5b4a39281706"} {
		if !strings.Contains(out, s) {
			t.Errorf("%q masked too eagerly: %s", s, out)
		}
	}
}

// TestRedisGone: with Redis gone, the server stays up and rate limits are
// kept per instance; /metrics says so.
func TestRedisGone(t *testing.T) {
	redis := miniredis.RunT(t)
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":   storetest.MigratedURL(t),
		"KONULLU_REDIS_URL":      "redis://" + redis.Addr() + "/0",
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
		"KONULLU_RATE_LIMITS":    "login=3/1h",
		"KONULLU_JOBS":           "off",
		"KONULLU_METRICS_TOKEN":  testMetricsToken,
	})
	login := func(pw string) (int, http.Header, string) {
		return post(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": adminEmail, "p": pw})
	}
	if status, _, body := login(adminPassword); status != 200 || strings.Contains(body, "errors") {
		t.Fatalf("login with Redis: %d %s", status, body)
	}
	if len(redis.Keys()) == 0 {
		t.Error("the limit was not kept in Redis")
	}
	redis.Close()

	start := time.Now()
	// Memory does not know what Redis counted: the instance allows the burst again, then limits.
	for i := range 3 {
		if status, _, body := login(adminPassword); status != 200 || strings.Contains(body, "errors") {
			t.Fatalf("login %d without Redis: %d %s", i, status, body)
		}
	}
	status, hd, body := login(adminPassword)
	if status != http.StatusTooManyRequests || hd.Get("Retry-After") == "" || !strings.Contains(body, "RATE_LIMITED") {
		t.Errorf("the limit is not kept without Redis: %d %s", status, body)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("requests without Redis waited")
	}
	// The limit is per account: another one is only told its password is wrong.
	if status, _, body := post(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": "nobody@example.org", "p": "whatever it is"}); status != 200 || !strings.Contains(body, "UNAUTHENTICATED") {
		t.Errorf("another account: %d %s", status, body)
	}
	_, metricsText := get(t, srv.url+"/metrics", "Authorization", "Bearer "+testMetricsToken)
	for _, want := range []string{"konullu_ratelimit_in_memory 1", "konullu_redis_up 0", `konullu_rate_limited_total{rule="login"} 1`,
		`konullu_graphql_requests_total{code="OK",operation="mutation:login"} 4`, "konullu_database_up 1", "go_sql_open_connections"} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if res, _ := get(t, srv.url+"/healthz"); res.StatusCode != 200 {
		t.Errorf("healthz: %d", res.StatusCode)
	}
}
