package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

// pinger is a dependency that can say whether it answers.
type pinger interface {
	Ping(ctx context.Context) error
}

// NewServer returns the HTTP handler of the whole server: the routes of
// routes.go behind request ids, the client's address resolved through
// trusted proxies (proxy.go), access logs, metrics, security headers, CORS
// (when origins are configured) and panic recovery.
func NewServer(logger *slog.Logger, db pinger, api http.Handler, web fs.FS, opts ...serverOption) http.Handler {
	var o serverOptions
	for _, opt := range opts {
		opt(&o)
	}
	mux := http.NewServeMux()
	addRoutes(mux, logger, db, api, web, o)
	var h http.Handler = mux
	h = recoverPanics(logger, h)
	h = cors(o.corsOrigins, h)
	h = securityHeaders(h)
	h = countRequests(o.metrics, h)
	h = logRequests(logger, h)
	h = realClient(o.proxies, h) // before the log and everything that reads RemoteAddr
	h = requestID(h)
	return h
}

// handleHealthz says the process is alive; it checks nothing else.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte("ok\n"))
	})
}

// check is one dependency /readyz asks. Without an essential one the
// instance cannot serve (the database); without another it serves with less
// (Redis: rate limits from memory, availability from SQL, jobs without
// leases), so a load balancer must keep it: every instance shares that Redis,
// and taking them all out would turn a degraded service into none.
type check struct {
	name      string
	ping      func(ctx context.Context) error
	essential bool
}

// handleReadyz says whether the instance can serve: 200 "ok" when every
// dependency answers, 200 "degraded" (naming them) when only inessential ones
// do not, 503 "unavailable" when an essential one does not. The cause goes to
// the log only.
func handleReadyz(logger *slog.Logger, checks []check) http.Handler {
	type response struct {
		Status   string            `json:"status"`
		Checks   map[string]string `json:"checks"`
		Failed   []string          `json:"failed,omitempty"`
		Degraded []string          `json:"degraded,omitempty"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		res := response{Status: "ok", Checks: map[string]string{}}
		for _, c := range checks {
			if err := c.ping(ctx); err != nil {
				logger.WarnContext(ctx, "not ready", "check", c.name, "err", err, "request_id", r.Header.Get(requestIDHeader))
				res.Checks[c.name] = "unavailable"
				if c.essential {
					res.Failed = append(res.Failed, c.name)
				} else {
					res.Degraded = append(res.Degraded, c.name)
				}
				continue
			}
			res.Checks[c.name] = "ok"
		}
		status := http.StatusOK
		switch {
		case len(res.Failed) > 0:
			res.Status, status = "unavailable", http.StatusServiceUnavailable
		case len(res.Degraded) > 0:
			res.Status = "degraded"
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(res)
	})
}
