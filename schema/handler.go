package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// maxBodyBytes is the largest request body accepted (413 beyond).
const maxBodyBytes = 1 << 20

// Response media types of the GraphQL-over-HTTP specification.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// handler serves GraphQL over HTTP.
type handler struct {
	root   *root
	schema *graphql.Schema
	log    *slog.Logger
	limits *limits
}

// NewHandler returns the GraphQL endpoint, to be mounted at /graphql. It
// follows the GraphQL-over-HTTP specification: POST with application/json
// (and GET for queries only), application/graphql-response+json when the
// client accepts it, a 1 MiB body limit. It authenticates the bearer token,
// gives each request an id (X-Request-Id) and fresh data loaders, executes
// exactly one operation and gives every error an extensions.code.
func NewHandler(cfg Config) http.Handler {
	cfg = cfg.withDefaults()
	r := newRoot(cfg)
	s, err := parseSchema(r)
	if err != nil {
		panic("schema: " + err.Error()) // the SDL is embedded: a test catches this
	}
	lim, err := newLimits(SDL())
	if err != nil { // a test catches this too; meanwhile lists count by first only
		cfg.Logger.Error("schema: the cost analysis cannot read the SDL", "error", err.Error())
	}
	h := &handler{root: r, schema: s, log: cfg.Logger, limits: lim}
	if r.hub != nil {
		r.hub.h = h
	}
	r.listen()
	return h
}

// exportPath is where a signed-in user downloads their data (GET, bearer token).
const exportPath = "/me/export"

// params are the parameters of a GraphQL request.
type params struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// response is the body of every answer, errors first as the specification advises.
type response struct {
	Errors []responseError  `json:"errors,omitempty"`
	Data   *json.RawMessage `json:"data,omitempty"`
}

func (h *handler) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	id := req.Header.Get("X-Request-Id")
	if !saneRequestID(id) {
		id = newRequestID()
	}
	rw.Header().Set("X-Request-Id", id)
	ctx := context.WithValue(req.Context(), requestIDKey, id)
	ctx = context.WithValue(ctx, clientAddressKey, req.RemoteAddr) // resolved through trusted proxies (clientAddress)
	ctx = context.WithValue(ctx, requestHostKey, requestHost{host: req.Host, tls: req.TLS != nil})
	ctx = withReaderLanguage(ctx, requestLanguage(req))
	if req.URL.Path == exportPath {
		h.serveExport(rw, req.WithContext(ctx))
		return
	}
	if isWebSocket(req) {
		h.serveWebSocket(rw, req.WithContext(ctx), id)
		return
	}
	w := &observedWriter{ResponseWriter: rw, label: "invalid"}
	if h.root.observer != nil {
		start := time.Now()
		defer func() { h.root.observer.GraphQL(w.label, w.code, time.Since(start)) }()
	}

	media, ok := negotiate(req.Header.Get("Accept"))
	if !ok {
		h.fail(w, mediaJSON, http.StatusNotAcceptable, codeOnly(konullu.EINVALID,
			"this endpoint answers "+mediaGraphQLResponse+" or "+mediaJSON))
		return
	}
	p, status, rerr := readParams(w, req)
	if rerr != nil {
		h.fail(w, media, status, *rerr)
		return
	}
	if req.Method == http.MethodGet {
		if operationType(p.Query, p.OperationName) == "mutation" {
			w.Header().Set("Allow", http.MethodPost)
			h.fail(w, media, http.StatusMethodNotAllowed, codeOnly(konullu.EINVALID, "mutations must be sent with POST"))
			return
		}
		ctx = context.WithValue(ctx, readOnlyKey, &readOnlyState{})
	}
	an, lerr := h.limits.check(p.Query, p.OperationName, p.Variables)
	w.label = an.label
	if lerr != nil {
		re := fromDomain(lerr)
		re.Locations = an.locations
		h.fail(w, media, requestStatus(media, http.StatusBadRequest), re)
		return
	}
	checked := an.checked()
	ctx = context.WithValue(ctx, checkedKey{}, checked)

	actx, err := h.root.authenticate(ctx, req.Header.Get("Authorization"))
	if err != nil {
		var de *konullu.Error
		if ue := h.root.asUnavailable(err); ue != nil {
			h.logInternal(ctx, err, nil)
			h.fail(w, media, http.StatusServiceUnavailable, fromDomain(ue))
			return
		}
		if errors.As(err, &de) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			h.fail(w, media, http.StatusUnauthorized, fromDomain(de))
			return
		}
		h.logInternal(ctx, err, nil)
		h.fail(w, media, http.StatusInternalServerError, codeOnly(konullu.EINTERNAL, internalMessage))
		return
	}
	ctx = context.WithValue(actx, loadersKey, newLoaders(h.root.store, h.root.privacy))
	if viewer := konullu.ViewerFrom(ctx); an.opType != "" {
		if an.introspection && !h.root.introspectionAllowed(ctx) {
			h.fail(w, media, requestStatus(media, http.StatusForbidden), codeOnly(konullu.EFORBIDDEN,
				"introspection is open to admins only; the schema is published as SDL with the source"))
			return
		}
		if an.opType == "mutation" && viewer.Authenticated() {
			// AUTHZ: not a permission but a budget: mutations per user, across
			// instances. Every top-level field the limits counted is charged
			// now, so that a refusal runs nothing; the tracer lets graphql-go
			// run no Mutation field beyond those (checkedOperation).
			if err := h.root.limitN(ctx, RuleMutationUser, strconv.FormatInt(viewer.UserID, 10), max(an.rootFields, 1)); err != nil {
				h.fail(w, media, http.StatusTooManyRequests, fromDomain(err.(*konullu.Error)))
				return
			}
		}
	}
	// Every Mutation field graphql-go executes is audited, whoever asks (audit.go).
	ctx = context.WithValue(ctx, auditKey, &auditRecorder{viewer: konullu.ViewerFrom(ctx), requestID: id})

	res := h.schema.Exec(ctx, p.Query, p.OperationName, p.Variables)

	if ro, _ := ctx.Value(readOnlyKey).(*readOnlyState); ro != nil && ro.refused.Load() {
		// operationType could not tell, but the executor reached a mutation.
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, media, http.StatusMethodNotAllowed, codeOnly(konullu.EINVALID, "mutations must be sent with POST"))
		return
	}
	if checked.refused.Load() && isBlankData(res.Data) {
		// graphql-go would have run another operation than the limits read:
		// nothing ran.
		h.log.WarnContext(ctx, "graphql: an operation the limits did not read was refused", "request_id", id)
		h.fail(w, media, requestStatus(media, http.StatusBadRequest), fromDomain(errNotAsChecked))
		return
	}
	out := response{}
	errs, requestOnly := h.convertErrors(ctx, res.Errors, p)
	out.Errors = errs
	status = http.StatusOK
	if requestOnly && isBlankData(res.Data) {
		// A request error: nothing ran, so there is no data at all, and the
		// newer media type says so with the status too.
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
	} else {
		data := res.Data
		if data == nil {
			data = json.RawMessage("null")
		}
		out.Data = &data
		status = outageStatus(errs, isBlankData(data))
	}
	setRetryAfter(w, errs)
	h.write(w, media, status, out)
}

// outageStatus is the status of an executed request: 503 when the database
// was out of reach, 429 when a limit refused the whole request, else 200.
func outageStatus(errs []responseError, blank bool) int {
	for _, e := range errs {
		switch e.Extensions["code"] {
		case konullu.EUNAVAILABLE:
			return http.StatusServiceUnavailable
		case konullu.ERATELIMITED:
			if blank {
				return http.StatusTooManyRequests
			}
		}
	}
	return http.StatusOK
}

// observedWriter remembers, for metrics, the operation a request asked for
// and the code of the first error it answered with.
type observedWriter struct {
	http.ResponseWriter
	label, code string
}

// Unwrap lets http.ResponseController reach the connection.
func (o *observedWriter) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// readParams reads the request's parameters from the URL (GET) or the JSON
// body (POST). On failure it returns the status and error to answer with.
func readParams(w http.ResponseWriter, req *http.Request) (*params, int, *responseError) {
	bad := func(status int, msg string) (*params, int, *responseError) {
		e := codeOnly(konullu.EINVALID, msg)
		return nil, status, &e
	}
	p := &params{}
	switch req.Method {
	case http.MethodGet:
		q := req.URL.Query()
		p.Query = q.Get("query")
		p.OperationName = q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &p.Variables); err != nil {
				return bad(http.StatusBadRequest, "variables must be a JSON object")
			}
		}
		if v := q.Get("extensions"); v != "" {
			if err := json.Unmarshal([]byte(v), &p.Extensions); err != nil {
				return bad(http.StatusBadRequest, "extensions must be a JSON object")
			}
		}
	case http.MethodPost:
		ct, ps, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
		if err != nil || ct != mediaJSON {
			return bad(http.StatusUnsupportedMediaType, "send the request as "+mediaJSON)
		}
		if cs, ok := ps["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			return bad(http.StatusUnsupportedMediaType, "send the request in UTF-8")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBodyBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return bad(http.StatusRequestEntityTooLarge, "the request body is larger than "+strconv.Itoa(maxBodyBytes>>20)+" MiB")
		}
		if err != nil {
			return bad(http.StatusBadRequest, "could not read the request body")
		}
		if !utf8.Valid(body) {
			return bad(http.StatusBadRequest, "the request body is not valid UTF-8")
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(p); err != nil {
			return bad(http.StatusBadRequest, "the body must be a JSON object with query, and optionally operationName and variables")
		}
		if _, err := dec.Token(); err != io.EOF {
			return bad(http.StatusBadRequest, "the body must hold one JSON object")
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		return bad(http.StatusMethodNotAllowed, "use POST (or GET for queries)")
	}
	if strings.TrimSpace(p.Query) == "" {
		return bad(http.StatusBadRequest, "the request has no query")
	}
	if !utf8.ValidString(p.Query) || !utf8.ValidString(p.OperationName) {
		return bad(http.StatusBadRequest, "the query is not valid UTF-8")
	}
	return p, 0, nil
}

// negotiate picks the response media type from an Accept header: the
// GraphQL response type when the client accepts it at least as much as
// JSON, JSON otherwise (and when there is no Accept header, for clients
// older than the specification); ok is false when the client accepts neither.
func negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	var qGQL, qJSON float64 = -1, -1
	for _, part := range strings.Split(accept, ",") {
		mt, ps, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := ps["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		switch mt {
		case mediaGraphQLResponse:
			qGQL = max(qGQL, q)
		case mediaJSON, "application/*", "*/*":
			qJSON = max(qJSON, q)
		}
	}
	switch {
	case qGQL > 0 && qGQL >= qJSON:
		return mediaGraphQLResponse, true
	case qJSON > 0:
		return mediaJSON, true
	}
	return "", false
}

// fail answers with a single error and no data.
func (h *handler) fail(w http.ResponseWriter, media string, status int, e responseError) {
	h.write(w, media, status, response{Errors: []responseError{e}})
}

func (h *handler) write(w http.ResponseWriter, media string, status int, body response) {
	if ow, ok := w.(*observedWriter); ok && len(body.Errors) > 0 {
		ow.code, _ = body.Errors[0].Extensions["code"].(string)
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		setRetryAfter(w, body.Errors)
	}
	b, err := json.Marshal(body)
	if err != nil { // cannot happen: data is JSON from the executor
		h.log.Error("encode graphql response", "error", err)
		status, b = http.StatusInternalServerError, []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	}
	hd := w.Header()
	hd.Set("Content-Type", media+"; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store") // answers depend on the viewer
	hd.Add("Vary", "Authorization, Accept, Accept-Language")
	w.WriteHeader(status)
	w.Write(b)
}
