package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// InboundTolerance is how far from now a reply's signature time may be: an
// older captured request is refused (and the reply's id refuses it again
// within the window).
const InboundTolerance = 5 * time.Minute

// maxInboundBody bounds a reply's body.
const maxInboundBody = 16 << 10

// ReplyStore acts on replies (the store does, konullu.SwapStore).
type ReplyStore interface {
	ApplyReply(ctx context.Context, r konullu.InboundReply) (outcome string, a *konullu.Assignment, err error)
}

// InboundReplyBody is what the gateway posts to /webhooks/inbound, signed
// like the webhooks it receives (HeaderSignature over "<timestamp>.<body>",
// HeaderTimestamp): its own id for the reply, the answered delivery (the
// "id" of the webhook it answers) or the assignment, and YES or NO.
type InboundReplyBody struct {
	ID           string          `json:"id"`
	InReplyTo    string          `json:"inReplyTo"`
	AssignmentID json.RawMessage `json:"assignmentId"`
	Reply        string          `json:"reply"`
}

// Codes of refused replies: the "code" beside "error" in the answer, for
// the gateway to act on (retry, alert, drop) without reading the words.
const (
	CodeBadSignature = "BAD_SIGNATURE"     // 401: signature or timestamp missing or wrong (wrong key, changed body)
	CodeStale        = "SIGNATURE_EXPIRED" // 401: rightly signed, but more than 5 minutes from the server's clock (a captured request replayed later)
	CodeReplayed     = "REPLAYED"          // 409: a reply with this id was received before, however freshly signed
	CodeTooLarge     = "TOO_LARGE"         // 413: body over 16 KiB
)

// Inbound is the handler of POST /webhooks/inbound: a bad or old signature
// is 401, a bad body 400, a reply already received 409; YES confirms
// attendance, NO gives the place up by the volunteer's withdrawal rules
// (409 after the cut-off). Answers are JSON: {"outcome", "assignmentId",
// "status"} or {"error", "code"} (and "field" when a field is to blame):
// BAD_SIGNATURE, SIGNATURE_EXPIRED, REPLAYED, TOO_LARGE, or the API's
// INVALID_INPUT, NOT_FOUND, CONFLICT, UNAVAILABLE, INTERNAL.
func Inbound(secret []byte, st ReplyStore, log *slog.Logger, now func() time.Time, done func()) http.Handler {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInboundBody))
		if err != nil {
			inboundError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, "", "the body is larger than 16 KiB")
			return
		}
		if err := Verify(secret, r.Header.Get(HeaderSignature), r.Header.Get(HeaderTimestamp), body, now(), InboundTolerance); err != nil {
			log.WarnContext(r.Context(), "inbound webhook refused", "err", err)
			if errors.Is(err, ErrStale) {
				inboundError(w, http.StatusUnauthorized, CodeStale, "", "the signature is older than 5 minutes (or the clocks differ): sign each request when it is sent")
				return
			}
			inboundError(w, http.StatusUnauthorized, CodeBadSignature, "", "the signature is missing or wrong: HMAC-SHA256 of \"<X-Konullu-Timestamp>.<body>\" with the webhook secret")
			return
		}
		reply, msg := parseReply(body)
		if msg != "" {
			inboundError(w, http.StatusBadRequest, konullu.EINVALID, "", msg)
			return
		}
		outcome, a, err := st.ApplyReply(r.Context(), reply)
		if err != nil {
			var ke *konullu.Error
			if !errors.As(err, &ke) {
				log.ErrorContext(r.Context(), "inbound reply failed", "reply", reply.ID, "err", err)
				inboundError(w, http.StatusInternalServerError, konullu.EINTERNAL, "", "the reply could not be processed; try again")
				return
			}
			status, code := http.StatusConflict, ke.Code
			switch ke.Code {
			case konullu.ENOTFOUND:
				status = http.StatusNotFound
			case konullu.EINVALID:
				status = http.StatusBadRequest
			case konullu.EUNAVAILABLE:
				status = http.StatusServiceUnavailable
			case konullu.ECONFLICT:
				if ke.Field == "id" { // the store's word for a reply id seen before
					code = CodeReplayed
				}
			} // any other code is a refusal by the rules of the action (withdrawal closed, …): 409 with it
			inboundError(w, status, code, ke.Field, ke.Message)
			return
		}
		if done != nil {
			done()
		}
		log.InfoContext(r.Context(), "inbound reply", "reply", reply.ID, "assignment", a.ID, "outcome", outcome)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"outcome": outcome, "assignmentId": a.ID, "status": string(a.Status)})
	})
}

// parseReply reads a reply body; msg says what is wrong with it.
func parseReply(body []byte) (r konullu.InboundReply, msg string) {
	var b InboundReplyBody
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&b); err != nil {
		return r, "the body is not a JSON object: " + jsonProblem(err)
	}
	r.ID, r.Reply = strings.TrimSpace(b.ID), b.Reply
	if r.ID == "" || len(r.ID) > 200 {
		return r, `"id" (the gateway's id of this reply, at most 200 characters) is required`
	}
	yes, ok := konullu.ParseReply(b.Reply)
	if !ok {
		return r, `"reply" must be YES or NO`
	}
	r.Yes = yes
	aid := strings.Trim(string(b.AssignmentID), `"`)
	switch {
	case b.InReplyTo != "" && aid != "":
		return r, `give "inReplyTo" or "assignmentId", not both`
	case b.InReplyTo != "":
		n, err := strconv.ParseInt(b.InReplyTo, 10, 64)
		if err != nil || n <= 0 {
			return r, `"inReplyTo" must be the "id" of the webhook delivery answered`
		}
		r.InReplyTo = n
	case aid != "":
		n, err := strconv.ParseInt(aid, 10, 64)
		if err != nil || n <= 0 {
			return r, `"assignmentId" must be the number of the assignment (shift.assignmentId of the delivery)`
		}
		r.AssignmentID = n
	default:
		return r, `"inReplyTo" or "assignmentId" is required`
	}
	return r, ""
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return strconv.Quote(te.Field) + " has the wrong type"
	}
	return "it is empty or cut short"
}

func inboundError(w http.ResponseWriter, status int, code, field, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	out := map[string]string{"error": msg, "code": code}
	if field != "" {
		out["field"] = field
	}
	json.NewEncoder(w).Encode(out)
}
