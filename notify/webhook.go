package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/konullu/konullu"
)

// Headers of a webhook delivery.
const (
	HeaderSignature = "X-Konullu-Signature" // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
	HeaderTimestamp = "X-Konullu-Timestamp" // Unix seconds when the request was signed
	HeaderDelivery  = "X-Konullu-Delivery"  // the message id: the same on a retry, so receivers can drop duplicates
)

// Webhook posts messages as signed JSON to a gateway (SMS, messengers).
type Webhook struct {
	URL    string
	Secret []byte
	Client *http.Client
	Now    func() time.Time
}

// NewWebhook returns a webhook sender with a 10-second timeout.
func NewWebhook(url string, secret []byte) *Webhook {
	return &Webhook{URL: url, Secret: secret, Client: &http.Client{Timeout: 10 * time.Second}, Now: time.Now}
}

// WebhookPayload is the JSON body of a webhook delivery. It carries what a
// gateway needs to reach the person (name and phone) and no more.
type WebhookPayload struct {
	ID        string           `json:"id"`
	Kind      string           `json:"kind"`
	Language  string           `json:"language"`
	CreatedAt time.Time        `json:"createdAt"`
	Recipient WebhookRecipient `json:"recipient"`
	Title     string           `json:"title"`
	Text      string           `json:"text"`
	Shift     *WebhookShift    `json:"shift,omitempty"`
	Data      json.RawMessage  `json:"data,omitempty"`
}

// WebhookRecipient identifies the person a delivery is for.
type WebhookRecipient struct {
	UserID      int64  `json:"userId"`
	VolunteerID int64  `json:"volunteerId,omitempty"`
	Name        string `json:"name"`
	Phone       string `json:"phone,omitempty"`
}

// WebhookShift describes the shift a delivery is about.
type WebhookShift struct {
	ID           int64     `json:"id"`
	AssignmentID int64     `json:"assignmentId,omitempty"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	Centre       string    `json:"centre"`
	Timezone     string    `json:"timezone"`
	Position     string    `json:"position"`
	Status       string    `json:"status"`
}

// Sign returns the signature header value of a body signed at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	fmt.Fprintf(mac, "%d.", ts)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Why Verify refuses a delivery.
var (
	ErrBadSignature = errors.New("notify: webhook signature or timestamp missing or wrong")
	ErrStale        = errors.New("notify: webhook timestamp outside the tolerance")
)

// Verify checks a delivery's signature and that it was signed within
// tolerance of now (so that a captured request cannot be replayed later):
// ErrBadSignature or ErrStale when not.
func Verify(secret []byte, signature, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrBadSignature
	}
	if !hmac.Equal([]byte(signature), []byte(Sign(secret, ts, body))) {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	return nil
}

// Send posts one message. 2xx is delivered; 408, 429 and 5xx are retried;
// any other answer is final (the gateway refused this message).
func (w *Webhook) Send(ctx context.Context, m *konullu.OutboxMessage, msg Message) error {
	p := WebhookPayload{
		ID: strconv.FormatInt(m.ID, 10), Kind: string(m.Kind), Language: string(msg.Language), CreatedAt: m.CreatedAt.UTC(),
		Recipient: WebhookRecipient{UserID: m.Recipient.UserID, VolunteerID: m.Recipient.VolunteerID, Name: m.Recipient.Name, Phone: m.Recipient.Phone},
		Title:     msg.Title, Text: msg.Body,
	}
	if len(m.Payload) > 0 && string(m.Payload) != "{}" {
		p.Data = m.Payload
	}
	if s := m.Shift; s != nil {
		p.Shift = &WebhookShift{ID: s.ShiftID, AssignmentID: s.AssignmentID, StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(),
			Centre: s.CentreName, Timezone: s.CentreTimezone, Position: s.PositionName, Status: string(s.Status)}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return Permanent(err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Konullu-Webhook/1")
	req.Header.Set(HeaderDelivery, p.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// The URL may carry a token: report the cause without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			if ue.Timeout() {
				return errors.New("webhook: timed out")
			}
			return fmt.Errorf("webhook: %v", ue.Err)
		}
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return fmt.Errorf("webhook: %s", resp.Status)
	}
	return Permanent(fmt.Errorf("webhook: %s", resp.Status))
}
