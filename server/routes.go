package main

import (
	"io/fs"
	"log/slog"
	"net/http"
)

// addRoutes maps every URL the server answers; this is the one place to look.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, db pinger, api http.Handler, web fs.FS) {
	mux.Handle("/graphql", api)
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(logger, []check{
		{"database", db.Ping},
		// Redis joins here when the availability index arrives.
	}))
	mux.Handle("/", handleFrontend(web))
}
