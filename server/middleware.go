package main

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/konullu/konullu/redact"
)

// requestIDHeader carries the request id. The server sets it on the request
// before any handler runs, so the GraphQL handler logs under the same id.
const requestIDHeader = "X-Request-Id"

// requestID gives every request an id: the caller's X-Request-Id when it is
// sensible (a proxy's), else a new random one. It is echoed in the response.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
			r.Header.Set(requestIDHeader, id)
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r)
	})
}

// validRequestID accepts short ids of letters, digits and - _ . only, so a
// client cannot put anything odd into our logs. The GraphQL handler applies
// the same rule, so both log one id.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logRequests writes one log line per request: method, path (without the
// query, which may hold GraphQL variables, and with its secrets hidden by
// redact.Path), status, size and duration.
// Headers are never logged: they carry bearer tokens. "remote" is the
// client's address, resolved through trusted proxies (proxy.go); "proxy" is
// the peer when a trusted proxy forwarded the request. Successful health
// probes, which load balancers send every few seconds, log at debug level.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		switch {
		case rec.status >= 500:
			level = slog.LevelError
		case rec.status == http.StatusOK && (r.URL.Path == "/healthz" || r.URL.Path == "/readyz"):
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{
			slog.String("request_id", r.Header.Get(requestIDHeader)),
			slog.String("method", r.Method),
			slog.String("path", redact.Path(r.URL.Path)), // feed secrets and certificate codes are hidden
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		}
		if p := proxyAddress(r); p != "" {
			attrs = append(attrs, slog.String("proxy", p))
		}
		logger.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// recoverPanics turns a panicking handler into a logged 500 instead of a
// dropped connection.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			logger.ErrorContext(r.Context(), "panic", "request_id", r.Header.Get(requestIDHeader),
				"panic", v, "stack", string(debug.Stack()))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}
