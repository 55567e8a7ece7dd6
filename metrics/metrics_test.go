package metrics_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 200 {
		t.Fatalf("scrape: %d", w.Code)
	}
	b, _ := io.ReadAll(w.Body)
	return string(b)
}

func wantLines(t *testing.T, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(text, l) {
			t.Errorf("metrics lack %q", l)
		}
	}
}

func TestEvents(t *testing.T) {
	m := metrics.New()
	m.GraphQL("mutation:signUp", "", 20*time.Millisecond)
	m.GraphQL("mutation:signUp", konullu.ERATELIMITED, time.Millisecond)
	m.HTTP("/graphql", "POST", 200, 20*time.Millisecond)
	m.HTTP("/graphql", "BREW", 405, time.Millisecond)
	m.SignedUp(konullu.AssignmentConfirmed, false)
	m.SignedUp(konullu.AssignmentWaitlisted, true)
	m.Promoted(2)
	m.RateLimited("login")
	m.RateLimitInMemory(true)
	m.JobFinished("reminders", "FAILED", time.Second)
	m.Audited()
	wantLines(t, scrape(t, m),
		`konullu_graphql_requests_total{code="OK",operation="mutation:signUp"} 1`,
		`konullu_graphql_requests_total{code="RATE_LIMITED",operation="mutation:signUp"} 1`,
		`konullu_graphql_request_duration_seconds_bucket{operation="mutation:signUp",le="0.025"} 2`,
		`konullu_http_requests_total{method="POST",route="/graphql",status="200"} 1`,
		`konullu_http_requests_total{method="OTHER",route="/graphql",status="405"} 1`,
		`konullu_signups_total{by="volunteer",status="CONFIRMED"} 1`,
		`konullu_signups_total{by="coordinator",status="WAITLISTED"} 1`,
		`konullu_waitlist_promotions_total 2`,
		`konullu_rate_limited_total{rule="login"} 1`,
		`konullu_ratelimit_in_memory 1`,
		`konullu_job_runs_total{job="reminders",status="FAILED"} 1`,
		`konullu_audit_entries_total 1`,
		`go_goroutines`,
	)
	var nilMetrics *metrics.Metrics // counts nothing, panics never
	nilMetrics.GraphQL("x", "", 0)
	nilMetrics.SignedUp(konullu.AssignmentConfirmed, false)
}

func TestPools(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/m.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer client.Close()
	client.Ping(context.Background())

	m := metrics.New()
	m.WatchDatabase(db, "konullu", db.PingContext)
	m.WatchRedis(client)
	fail := false
	m.WatchOps(func(context.Context) (*metrics.Ops, error) {
		if fail {
			return nil, errors.New("no table")
		}
		return &metrics.Ops{OutboxPending: map[string]int{"EMAIL": 7}, OutboxOldest: 90 * time.Second,
			JobRuns: []metrics.JobRuns{{Job: "reminders", Status: "FAILED", Count: 3, Latest: time.Unix(1700000000, 0)}}}, nil
	})
	wantLines(t, scrape(t, m),
		`go_sql_max_open_connections{db_name="konullu"}`,
		`konullu_database_up 1`,
		`konullu_redis_up 1`,
		`konullu_redis_pool_connections`,
		`konullu_outbox_pending{channel="EMAIL"} 7`,
		`konullu_outbox_pending{channel="IN_APP"} 0`,
		`konullu_outbox_oldest_pending_seconds 90`,
		`konullu_job_runs_recorded{job="reminders",status="FAILED"} 3`,
		`konullu_job_last_run_timestamp_seconds{job="reminders",status="FAILED"} 1.7e+09`,
		`konullu_ops_scrape_ok 1`,
	)
	srv.Close()
	db.Close()
	fail = true
	wantLines(t, scrape(t, m), `konullu_redis_up 0`, `konullu_database_up 0`, `konullu_ops_scrape_ok 0`)
}
