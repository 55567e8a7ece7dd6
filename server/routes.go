package main

import (
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
	"github.com/konullu/konullu/schema"
)

// addRoutes maps every URL the server answers; this is the one place to look.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, db pinger, api http.Handler, web fs.FS, o serverOptions) {
	mux.Handle("/graphql", api)
	mux.Handle("GET /me/export", api) // the signed-in user's data as JSON, bearer token
	if o.metrics != nil {
		mux.Handle("GET /metrics", o.metrics.Handler()) // Prometheus
	}
	mux.Handle("GET /healthz", handleHealthz())
	checks := []check{{"database", db.Ping}}
	if o.redis != nil {
		checks = append(checks, check{"redis", o.redis})
	}
	mux.Handle("GET /readyz", handleReadyz(logger, checks))
	// Reports, certificates and calendar feeds, when the store keeps them.
	if st, ok := db.(reportStore); ok {
		d := reports.Deps{Reports: st, Store: st, Authenticate: schema.RequestViewer(st), Logger: logger}
		mux.Handle("GET /reports/{file}", reports.Exports(d))          // CSV and XLSX, bearer token
		mux.Handle("GET /certificates/{file}", reports.Certificate(d)) // PDF, bearer token
		// Public: limited per client address (hardening.go, KONULLU_RATE_LIMITS).
		mux.Handle("GET /verify/{code}", limitPerAddress(o.limiter, ruleVerifyAddress, reports.Verify(d)))
		// The secret is the credential; limited per client address too.
		mux.Handle("GET /calendar/{file}", limitPerAddress(o.limiter, ruleCalendarAddress, reports.Calendar(d)))
	}
	mux.Handle("/", handleFrontend(web))
}

// reportStore is a store that also keeps reports (store.DB is one).
type reportStore interface {
	konullu.Store
	konullu.ReportStore
}
