package main

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
	"github.com/konullu/konullu/schema"
)

// addRoutes maps every URL the server answers; this is the one place to look.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, db pinger, api http.Handler, web fs.FS, o serverOptions) {
	api = compressAPI(api) // answers above ~1.4 KB go gzip- or zstd-compressed (web.go)
	mux.Handle("/graphql", api)
	mux.Handle("GET /me/export", api) // the signed-in user's data as JSON, bearer token
	// Prometheus, on the main listener only behind its bearer token; else
	// 404 here (it may be served on KONULLU_METRICS_ADDR, main.go).
	if o.metrics != nil && o.metricsAt.onMainPort && o.metricsAt.token != "" {
		mux.Handle("GET /metrics", metricsHandler(o.metrics, o.metricsAt.token))
	} else {
		mux.Handle("/metrics", http.NotFoundHandler())
	}
	mux.Handle("GET /healthz", handleHealthz())
	checks := []check{{name: "database", ping: db.Ping, essential: true}}
	if o.redis != nil {
		checks = append(checks, check{name: "redis", ping: o.redis})
	}
	mux.Handle("GET /readyz", handleReadyz(logger, checks))
	// Reports, certificates and calendar feeds, when the store keeps them.
	if st, ok := db.(reportStore); ok {
		d := reports.Deps{Reports: st, Store: st, Authenticate: schema.RequestViewer(st), Logger: logger,
			Location: o.links.location, PublicURL: o.links.publicURL}
		mux.Handle("GET /reports/{file}", reports.Exports(d))          // CSV and XLSX, bearer token
		mux.Handle("GET /certificates/{file}", reports.Certificate(d)) // PDF, bearer token
		mux.Handle("GET /letters/{file}", reports.Letter(d))           // recommendation letters: PDF, bearer token
		// Public: limited per client address (hardening.go, KONULLU_RATE_LIMITS).
		mux.Handle("GET /verify/{code}", limitPerAddress(o.limiter, ruleVerifyAddress, reports.Verify(d)))
		// The secret is the credential; limited per client address too.
		mux.Handle("GET /calendar/{file}", limitPerAddress(o.limiter, ruleCalendarAddress, reports.Calendar(d)))
	}
	// Replies of the SMS gateway, signed with the webhook secret
	// (notify.Inbound); limited per client address before anything is read.
	if o.inbound != nil {
		mux.Handle("POST /webhooks/inbound", limitInbound(o.limiter, o.inbound))
	}
	mux.Handle("/", handleFrontend(web))
}

// withInbound serves the gateway's replies.
func withInbound(h http.Handler) serverOption {
	return func(o *serverOptions) { o.inbound = h }
}

// linkOptions are what the reports need to know of the deployment.
type linkOptions struct {
	location  *time.Location // KONULLU_TIMEZONE: days of reports; nil: Asia/Baku
	publicURL string         // KONULLU_PUBLIC_URL: base of links in files; "": from each request
}

// withLinks sets the deployment's time zone and public address for the
// reports, certificates and calendar feeds.
func withLinks(location *time.Location, publicURL string) serverOption {
	return func(o *serverOptions) { o.links = linkOptions{location, publicURL} }
}

// reportStore is a store that also keeps reports (store.DB is one).
type reportStore interface {
	konullu.Store
	konullu.ReportStore
}
