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

// check is one dependency /readyz asks.
type check struct {
	name string
	ping func(ctx context.Context) error
}

// handleReadyz says whether the instance can serve: every dependency answers.
// A failure names the dependency; the cause goes to the log only.
func handleReadyz(logger *slog.Logger, checks []check) http.Handler {
	type response struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
		Failed []string          `json:"failed,omitempty"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		res := response{Status: "ok", Checks: map[string]string{}}
		for _, c := range checks {
			if err := c.ping(ctx); err != nil {
				logger.WarnContext(ctx, "not ready", "check", c.name, "err", err, "request_id", r.Header.Get(requestIDHeader))
				res.Checks[c.name] = "unavailable"
				res.Failed = append(res.Failed, c.name)
				continue
			}
			res.Checks[c.name] = "ok"
		}
		status := http.StatusOK
		if len(res.Failed) > 0 {
			res.Status, status = "unavailable", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(res)
	})
}
