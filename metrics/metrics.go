// Package metrics exposes Könüllü's Prometheus metrics at /metrics with the
// official client library: requests by operation and outcome with their
// latencies, signups and waitlist promotions, rate limiting, job runs and
// failures, the outbox backlog, and the health of the database and Redis
// connection pools. Figures that live in the database (backlog, job runs)
// are read when Prometheus scrapes; events are counted as they happen through
// the methods below, which the store, the API and the jobs call.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
)

const namespace = "konullu"

// Metrics is the registry and the server's metrics. A nil *Metrics counts
// nothing, so that every caller may hold one unconditionally.
type Metrics struct {
	reg *prometheus.Registry

	gqlRequests  *prometheus.CounterVec
	gqlLatency   *prometheus.HistogramVec
	httpRequests *prometheus.CounterVec
	httpLatency  *prometheus.HistogramVec
	signups      *prometheus.CounterVec
	promotions   prometheus.Counter
	rateLimited  *prometheus.CounterVec
	rateMemory   prometheus.Gauge
	jobRuns      *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
	audited      prometheus.Counter
}

// latencyBuckets span a cached read (1 ms) to a request at its limit (10 s).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New returns the metrics with the Go runtime and process collectors registered.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.gqlRequests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "graphql_requests_total",
		Help: "GraphQL requests by operation (type:first root field) and outcome (OK or the first error code)."}, []string{"operation", "code"})
	m.gqlLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "graphql_request_duration_seconds",
		Help: "Time to answer a GraphQL request, by operation.", Buckets: latencyBuckets}, []string{"operation"})
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "http_requests_total",
		Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"})
	m.httpLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route.", Buckets: latencyBuckets}, []string{"route"})
	m.signups = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "signups_total",
		Help: "Assignments made, by resulting status (CONFIRMED or WAITLISTED) and by whom (volunteer or coordinator)."}, []string{"status", "by"})
	m.promotions = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "waitlist_promotions_total",
		Help: "Volunteers promoted from a waitlist to a confirmed place."})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "rate_limited_total",
		Help: "Requests refused with RATE_LIMITED, by rule."}, []string{"rule"})
	m.rateMemory = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "ratelimit_in_memory",
		Help: "1 while rate limits are kept per instance because Redis does not answer."})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "job_runs_total",
		Help: "Job runs finished on this instance, by job and status (OK, FAILED, SKIPPED)."}, []string{"job", "status"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "job_run_duration_seconds",
		Help: "Duration of job runs on this instance.", Buckets: []float64{.01, .1, .5, 1, 5, 15, 60, 300}}, []string{"job"})
	m.audited = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "audit_entries_total",
		Help: "Entries written to the audit trail."})
	m.reg.MustRegister(m.gqlRequests, m.gqlLatency, m.httpRequests, m.httpLatency, m.signups, m.promotions,
		m.rateLimited, m.rateMemory, m.jobRuns, m.jobDuration, m.audited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where further collectors go.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, Timeout: 10 * time.Second})
}

// GraphQL counts one GraphQL request.
func (m *Metrics) GraphQL(operation, code string, d time.Duration) {
	if m == nil {
		return
	}
	if code == "" {
		code = "OK"
	}
	m.gqlRequests.WithLabelValues(operation, code).Inc()
	m.gqlLatency.WithLabelValues(operation).Observe(d.Seconds())
}

// HTTP counts one HTTP request; route must come from a fixed set.
func (m *Metrics) HTTP(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodHead, http.MethodOptions:
	default:
		method = "OTHER"
	}
	m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.httpLatency.WithLabelValues(route).Observe(d.Seconds())
}

// SignedUp counts a signup or an assignment by a coordinator (store.Observer).
func (m *Metrics) SignedUp(status konullu.AssignmentStatus, byCoordinator bool) {
	if m == nil {
		return
	}
	by := "volunteer"
	if byCoordinator {
		by = "coordinator"
	}
	m.signups.WithLabelValues(string(status), by).Inc()
}

// Promoted counts volunteers promoted from a waitlist (store.Observer).
func (m *Metrics) Promoted(n int) {
	if m == nil {
		return
	}
	m.promotions.Add(float64(n))
}

// RateLimited counts a request refused by a rule.
func (m *Metrics) RateLimited(rule string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(rule).Inc()
}

// RateLimitInMemory records whether rate limits are kept per instance.
func (m *Metrics) RateLimitInMemory(memory bool) {
	if m == nil {
		return
	}
	if memory {
		m.rateMemory.Set(1)
	} else {
		m.rateMemory.Set(0)
	}
}

// JobFinished counts a finished job run; the jobs call it.
func (m *Metrics) JobFinished(job, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.jobRuns.WithLabelValues(job, status).Inc()
	m.jobDuration.WithLabelValues(job).Observe(d.Seconds())
}

// Audited counts an entry written to the audit trail.
func (m *Metrics) Audited() {
	if m == nil {
		return
	}
	m.audited.Inc()
}

// WatchDatabase exports the connection pool's figures (open, in use, idle,
// waits) and whether the database answers a ping at scrape time.
func (m *Metrics) WatchDatabase(db *sql.DB, name string, ping func(context.Context) error) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
	m.reg.MustRegister(newUpCollector(prometheus.NewDesc(namespace+"_database_up", "1 when the database answered a ping at scrape time.", nil, nil), ping))
}

// WatchRedis exports the Redis connection pool's figures and whether Redis
// answers a ping at scrape time.
func (m *Metrics) WatchRedis(client redis.UniversalClient) {
	m.reg.MustRegister(&redisCollector{client: client})
	m.reg.MustRegister(newUpCollector(prometheus.NewDesc(namespace+"_redis_up", "1 when Redis answered a ping at scrape time.", nil, nil),
		func(ctx context.Context) error { return client.Ping(ctx).Err() }))
}

// Ops are figures read from the database at scrape time.
type Ops struct {
	OutboxPending map[string]int // undelivered messages by channel
	OutboxDead    map[string]int // messages given up, by channel
	OutboxOldest  time.Duration  // age of the oldest undelivered message
	JobRuns       []JobRuns
}

// JobRuns counts the retained runs of a job with one status.
type JobRuns struct {
	Job, Status string
	Count       int
	Latest      time.Time
}

// WatchOps exports the outbox backlog and the job runs kept in the database,
// read by ops at scrape time.
func (m *Metrics) WatchOps(ops func(context.Context) (*Ops, error)) {
	m.reg.MustRegister(&opsCollector{ops: ops})
}

// upCollector reports 1 or 0 for a ping.
type upCollector struct {
	desc *prometheus.Desc
	ping func(context.Context) error
}

func newUpCollector(desc *prometheus.Desc, ping func(context.Context) error) *upCollector {
	return &upCollector{desc: desc, ping: ping}
}

func (c *upCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *upCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	v := 1.0
	if err := c.ping(ctx); err != nil {
		v = 0
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v)
}

var (
	redisHits     = prometheus.NewDesc(namespace+"_redis_pool_hits_total", "Times a free connection was found in the Redis pool.", nil, nil)
	redisMisses   = prometheus.NewDesc(namespace+"_redis_pool_misses_total", "Times no free connection was found in the Redis pool.", nil, nil)
	redisTimeouts = prometheus.NewDesc(namespace+"_redis_pool_timeouts_total", "Times waiting for a Redis connection timed out.", nil, nil)
	redisTotal    = prometheus.NewDesc(namespace+"_redis_pool_connections", "Connections in the Redis pool.", nil, nil)
	redisIdle     = prometheus.NewDesc(namespace+"_redis_pool_idle_connections", "Idle connections in the Redis pool.", nil, nil)
	redisStale    = prometheus.NewDesc(namespace+"_redis_pool_stale_connections_total", "Stale connections removed from the Redis pool.", nil, nil)
)

type redisCollector struct{ client redis.UniversalClient }

func (c *redisCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{redisHits, redisMisses, redisTimeouts, redisTotal, redisIdle, redisStale} {
		ch <- d
	}
}

func (c *redisCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.client.PoolStats()
	if s == nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(redisHits, prometheus.CounterValue, float64(s.Hits))
	ch <- prometheus.MustNewConstMetric(redisMisses, prometheus.CounterValue, float64(s.Misses))
	ch <- prometheus.MustNewConstMetric(redisTimeouts, prometheus.CounterValue, float64(s.Timeouts))
	ch <- prometheus.MustNewConstMetric(redisTotal, prometheus.GaugeValue, float64(s.TotalConns))
	ch <- prometheus.MustNewConstMetric(redisIdle, prometheus.GaugeValue, float64(s.IdleConns))
	ch <- prometheus.MustNewConstMetric(redisStale, prometheus.CounterValue, float64(s.StaleConns))
}

var (
	outboxPending = prometheus.NewDesc(namespace+"_outbox_pending", "Messages waiting for delivery, by channel.", []string{"channel"}, nil)
	outboxDead    = prometheus.NewDesc(namespace+"_outbox_dead", "Messages given up after their last attempt, by channel.", []string{"channel"}, nil)
	outboxOldest  = prometheus.NewDesc(namespace+"_outbox_oldest_pending_seconds", "Age of the oldest message waiting for delivery.", nil, nil)
	jobRunsKept   = prometheus.NewDesc(namespace+"_job_runs_recorded", "Job runs kept in the database (all instances), by job and status.", []string{"job", "status"}, nil)
	jobLatest     = prometheus.NewDesc(namespace+"_job_last_run_timestamp_seconds", "Start of the latest run of a job with the status (all instances).", []string{"job", "status"}, nil)
	opsUp         = prometheus.NewDesc(namespace+"_ops_scrape_ok", "1 when the outbox and job figures could be read at scrape time.", nil, nil)
)

type opsCollector struct {
	ops func(context.Context) (*Ops, error)
}

func (c *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{outboxPending, outboxDead, outboxOldest, jobRunsKept, jobLatest, opsUp} {
		ch <- d
	}
}

func (c *opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ops, err := c.ops(ctx)
	if err != nil || ops == nil {
		ch <- prometheus.MustNewConstMetric(opsUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(opsUp, prometheus.GaugeValue, 1)
	for _, channel := range []string{"IN_APP", "EMAIL", "WEBHOOK"} {
		ch <- prometheus.MustNewConstMetric(outboxPending, prometheus.GaugeValue, float64(ops.OutboxPending[channel]), channel)
		ch <- prometheus.MustNewConstMetric(outboxDead, prometheus.GaugeValue, float64(ops.OutboxDead[channel]), channel)
	}
	ch <- prometheus.MustNewConstMetric(outboxOldest, prometheus.GaugeValue, ops.OutboxOldest.Seconds())
	for _, j := range ops.JobRuns {
		ch <- prometheus.MustNewConstMetric(jobRunsKept, prometheus.GaugeValue, float64(j.Count), j.Job, j.Status)
		if !j.Latest.IsZero() {
			ch <- prometheus.MustNewConstMetric(jobLatest, prometheus.GaugeValue, float64(j.Latest.Unix()), j.Job, j.Status)
		}
	}
}
