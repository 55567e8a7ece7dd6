// Package reports serves what leaves Könüllü as files: the participation
// exports (CSV and XLSX, streamed), the hour certificates (PDF with a QR
// code) and their public verification page, and the iCalendar feeds of
// volunteers and centres. Each is an http.Handler built from Deps; the
// server mounts them (see server/routes.go).
package reports

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/redact"
)

// Deps are the dependencies of the handlers.
type Deps struct {
	Reports konullu.ReportStore
	Store   konullu.Store
	// Authenticate returns the viewer of a request's bearer token: the
	// anonymous viewer without one, an UNAUTHENTICATED error for a bad one.
	Authenticate func(*http.Request) (*konullu.Viewer, error)
	Location     *time.Location // the deployment's time zone; Asia/Baku when nil
	// PublicURL is the address people reach the server at, such as
	// https://konullu.az; QR codes and feed links use it. Empty: taken from
	// each request (Host and X-Forwarded-Proto; the server removes the
	// latter from requests that did not come through a trusted proxy).
	PublicURL string
	Logger    *slog.Logger
	Now       func() time.Time
}

func (d Deps) withDefaults() Deps {
	if d.Location == nil {
		loc, err := time.LoadLocation(konullu.DefaultTimezone)
		if err != nil {
			panic(err) // time/tzdata is linked in by the domain package
		}
		d.Location = loc
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	return d
}

// baseURL is the public address of the server for links in files.
func (d Deps) baseURL(r *http.Request) string {
	if d.PublicURL != "" {
		return d.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// VerifyURL is the public address of a certificate's verification page.
func VerifyURL(base, code string) string { return strings.TrimRight(base, "/") + "/verify/" + code }

// CalendarURL is the public address of a calendar feed.
func CalendarURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/calendar/" + token + ".ics"
}

// CertificateURL is the address a certificate's PDF is downloaded from (bearer token required).
func CertificateURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/certificates/" + code + ".pdf"
}

// errorBody is how the handlers answer an error: the shape of a GraphQL
// error, so that clients read one format.
type errorBody struct {
	Errors []errorItem `json:"errors"`
}

type errorItem struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

var statusOf = map[string]int{
	konullu.EINVALID: http.StatusBadRequest, konullu.EUNAUTHENTICATED: http.StatusUnauthorized,
	konullu.EFORBIDDEN: http.StatusForbidden, konullu.ENOTFOUND: http.StatusNotFound,
	konullu.ECONFLICT: http.StatusConflict, konullu.ERATELIMITED: http.StatusTooManyRequests,
}

// fail answers with the error's code; anything but a domain error is
// INTERNAL, logged and never shown.
func (d Deps) fail(w http.ResponseWriter, r *http.Request, err error) {
	var de *konullu.Error
	if !errors.As(err, &de) || de.Code == konullu.EINTERNAL {
		if !errors.Is(err, context.Canceled) {
			d.Logger.ErrorContext(r.Context(), "report request failed", "path", redact.Path(r.URL.Path), "error", err.Error(),
				"request_id", r.Header.Get("X-Request-Id"))
		}
		de = &konullu.Error{Code: konullu.EINTERNAL, Message: "internal error"}
	}
	status, ok := statusOf[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	ext := map[string]string{"code": de.Code}
	if de.Field != "" {
		ext["field"] = de.Field
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(errorBody{Errors: []errorItem{{Message: de.Message, Extensions: ext}}})
}

// viewer authenticates the request; anonymous viewers are UNAUTHENTICATED.
func (d Deps) viewer(r *http.Request) (*konullu.Viewer, error) {
	if d.Authenticate == nil {
		return nil, konullu.ErrUnauthenticated
	}
	v, err := d.Authenticate(r)
	if err != nil {
		return nil, err
	}
	if !v.Authenticated() {
		return nil, konullu.ErrUnauthenticated
	}
	return v, nil
}

// parseCentreID reads a centre's id as the GraphQL API writes it (the
// opaque global id) or as a plain number.
func parseCentreID(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if num, ok := strings.CutPrefix(string(raw), "Centre:"); ok {
			if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, konullu.Invalid(field, "not the id of a centre")
}

// reportQuery reads from, to and centreId of a request and decides, for
// the viewer, which centres it covers.
func (d Deps) reportQuery(r *http.Request, v *konullu.Viewer) (konullu.ReportQuery, error) {
	p := r.URL.Query()
	q, err := konullu.ParseReportDates(p.Get("from"), p.Get("to"), d.Location)
	if err != nil {
		return q, err
	}
	centreID, err := parseCentreID("centreId", p.Get("centreId"))
	if err != nil {
		return q, err
	}
	// AUTHZ: staff and admins report on every centre, coordinators on their own.
	if q.CentreIDs, err = v.ReportCentres(centreID); err != nil {
		return q, err
	}
	return q, nil
}
