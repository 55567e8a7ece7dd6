// Package notify delivers the transactional outbox: a Dispatcher, run in
// every instance, claims due messages (instances never share a claim),
// writes each out in the recipient's language and hands it to its channel —
// in-app (stored for myNotifications), email over SMTP, or a signed webhook —
// retrying with exponential backoff and dead-lettering after MaxAttempts.
//
// Delivery guarantees. In-app notifications are stored exactly once: the
// notification and the message's SENT status are written in one transaction,
// and the notification is unique per message. Email and webhook are
// at-least-once: a dispatcher that dies after the SMTP server or the gateway
// accepted a message but before it recorded that (a window of one database
// write) leaves the message claimed; when its lease ends another dispatcher
// sends it again. The repeat carries the same Message-ID (outbox-<id>@konullu)
// or X-Konullu-Delivery header, so receivers can drop it. No other path sends
// a message twice: claims are exclusive, and a finish from a dispatcher whose
// claim was taken over is ignored.
package notify

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/konullu/konullu"
)

// Sender delivers a rendered message on one channel.
type Sender interface {
	Send(ctx context.Context, m *konullu.OutboxMessage, msg Message) error
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as final: the message goes to the dead letter at once.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Config configures a dispatcher. Zero values select the defaults.
type Config struct {
	Store    konullu.OutboxStore
	Email    Sender // nil: email is not sent, only logged (it is in-app anyway)
	Webhook  Sender // nil: webhook messages are skipped
	Logger   *slog.Logger
	Now      func() time.Time
	Instance string // names this dispatcher's claims; random when empty

	Batch       int           // messages per claim (100)
	Lease       time.Duration // how long a claim holds a message (2 minutes); sending stops at 80% of it
	Poll        time.Duration // how often Run looks for due messages (2 seconds)
	Parallel    int           // email and webhook sends at once (4)
	MaxAttempts int           // attempts before the dead letter (8)
	BackoffBase time.Duration // wait after the first failure, doubled each time (30 seconds)
	BackoffMax  time.Duration // longest wait between attempts (1 hour)
}

// Dispatcher delivers the outbox. It is safe to run one in every instance.
type Dispatcher struct {
	cfg    Config
	log    *slog.Logger
	claims atomic.Int64
	wake   chan struct{}

	// beforeFinish, when set (tests), runs after delivery and before the
	// outcome is recorded; returning false abandons the batch as a crash would.
	beforeFinish func() bool
}

// New returns a dispatcher.
func New(cfg Config) *Dispatcher {
	if cfg.Store == nil {
		panic("notify: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Instance == "" {
		b := make([]byte, 6)
		crand.Read(b)
		cfg.Instance = hex.EncodeToString(b)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = 30 * time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = time.Hour
	}
	return &Dispatcher{cfg: cfg, log: cfg.Logger.With("component", "notify"), wake: make(chan struct{}, 1)}
}

// Run delivers due messages until ctx ends, looking every Poll (and at once
// after Wake).
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for {
		if _, err := d.Drain(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("delivering notifications", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
		}
	}
}

// Wake makes Run look for due messages now (after a job enqueued some).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Drain delivers batches until none is due and returns how many messages it handled.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	total, kept := 0, 0
	defer func() { d.logKept(kept) }()
	for {
		n, k, err := d.deliverBatch(ctx)
		total, kept = total+n, kept+k
		if err != nil || n < d.cfg.Batch {
			return total, err
		}
	}
}

// DeliverBatch claims one batch of due messages, delivers them and records
// the outcomes; it returns how many it claimed.
func (d *Dispatcher) DeliverBatch(ctx context.Context) (int, error) {
	n, kept, err := d.deliverBatch(ctx)
	d.logKept(kept)
	return n, err
}

// deliverBatch is DeliverBatch; kept counts the emails kept in-app for want
// of an SMTP server, which the caller logs in one line.
func (d *Dispatcher) deliverBatch(ctx context.Context) (n, kept int, err error) {
	now := d.cfg.Now()
	token := fmt.Sprintf("%s-%d", d.cfg.Instance, d.claims.Add(1))
	msgs, err := d.cfg.Store.ClaimOutbox(ctx, konullu.OutboxClaim{Token: token, Now: now, Lease: d.cfg.Lease, Limit: d.cfg.Batch})
	if err != nil || len(msgs) == 0 {
		return 0, 0, err
	}
	// Sending stops well before the claim's lease ends: a message still being
	// sent when another dispatcher may claim it again would go out twice.
	sctx, cancel := context.WithTimeout(ctx, d.cfg.Lease*4/5)
	defer cancel()
	results := make([]konullu.DeliveryResult, len(msgs))
	sem := make(chan struct{}, d.cfg.Parallel)
	var wg sync.WaitGroup
	for i, m := range msgs {
		if m.Channel == konullu.ChannelInApp {
			results[i] = d.deliver(sctx, now, m) // no I/O: a database row, written below
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = d.deliver(sctx, now, m)
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.Error == noSMTP {
			kept++
		}
	}
	if d.beforeFinish != nil && !d.beforeFinish() {
		return len(msgs), kept, errors.New("notify: abandoned before recording (test crash)")
	}
	// Record the outcome even if ctx ended meanwhile: what was sent must not
	// be sent again for want of one write.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := d.cfg.Store.FinishOutbox(fctx, token, results); err != nil {
		return len(msgs), kept, err
	}
	return len(msgs), kept, nil
}

const noSMTP = "no SMTP server configured; kept in-app"

// logKept logs in one line the n emails that were kept in-app for want of
// an SMTP server: the demo starts with thousands of them.
func (d *Dispatcher) logKept(n int) {
	if n > 0 {
		d.log.Info("emails not sent: no SMTP server configured (kept in-app)", "emails", n)
	}
}

// deliver renders and sends one message and says what became of it.
func (d *Dispatcher) deliver(ctx context.Context, now time.Time, m *konullu.OutboxMessage) konullu.DeliveryResult {
	res := konullu.DeliveryResult{ID: m.ID, Status: konullu.OutboxSent}
	if why := stale(now, m); why != "" {
		res.Status, res.Error = konullu.OutboxSkipped, why
		return res
	}
	msg, err := Render(m)
	if err != nil {
		return d.failed(now, m, Permanent(err))
	}
	switch m.Channel {
	case konullu.ChannelInApp:
		n := &konullu.Notification{UserID: m.Recipient.UserID, Kind: m.Kind, Title: msg.Title, Body: msg.Body, CreatedAt: now}
		if m.Shift != nil {
			n.ShiftID, n.AssignmentID = m.Shift.ShiftID, m.Shift.AssignmentID
		}
		res.InApp = n
		return res
	case konullu.ChannelEmail:
		if d.cfg.Email == nil {
			// DESIGN: without SMTP, mail is kept in-app and logged: each
			// message at debug level, and one line per Drain with their count.
			d.log.Debug("email not sent: no SMTP server configured (kept in-app)", "message", m.ID, "kind", m.Kind,
				"to", konullu.MaskEmail(m.Recipient.Email), "subject", msg.Title)
			res.Status, res.Error = konullu.OutboxSkipped, noSMTP
			return res
		}
		err = d.cfg.Email.Send(ctx, m, msg)
	case konullu.ChannelWebhook:
		if d.cfg.Webhook == nil {
			res.Status, res.Error = konullu.OutboxSkipped, "no webhook configured"
			return res
		}
		err = d.cfg.Webhook.Send(ctx, m, msg)
	default:
		err = Permanent(fmt.Errorf("unknown channel %q", m.Channel))
	}
	if err != nil {
		return d.failed(now, m, err)
	}
	return res
}

// stale says why a message is no longer worth sending: a reminder for a
// shift that has started, was cancelled, or that the volunteer left.
func stale(now time.Time, m *konullu.OutboxMessage) string {
	if m.Kind != konullu.NotifyReminder {
		return ""
	}
	switch s := m.Shift; {
	case s == nil:
		return "the shift is gone"
	case !now.Before(s.StartsAt):
		return "the shift has started"
	case s.Status != konullu.ShiftPublished || s.AssignmentStatus != konullu.AssignmentConfirmed:
		return "the assignment is no longer confirmed"
	}
	return ""
}

// failed schedules a retry with exponential backoff and jitter, or sends the
// message to the dead letter when the error is final or attempts ran out.
func (d *Dispatcher) failed(now time.Time, m *konullu.OutboxMessage, err error) konullu.DeliveryResult {
	why := redact(err.Error())
	res := konullu.DeliveryResult{ID: m.ID, Error: why}
	if IsPermanent(err) || m.Attempts >= d.cfg.MaxAttempts {
		res.Status = konullu.OutboxDead
		d.log.Error("notification dead-lettered", "message", m.ID, "channel", m.Channel, "kind", m.Kind, "attempts", m.Attempts, "err", why)
		return res
	}
	res.Status, res.RetryAt = konullu.OutboxPending, now.Add(d.Backoff(m.Attempts))
	d.log.Warn("notification failed; will retry", "message", m.ID, "channel", m.Channel, "kind", m.Kind, "attempt", m.Attempts,
		"retry_at", res.RetryAt, "err", why)
	return res
}

// Backoff is the wait after the given failed attempt: BackoffBase doubled
// per earlier attempt, capped at BackoffMax, with up to 20% jitter so that
// messages that failed together do not retry together.
func (d *Dispatcher) Backoff(attempt int) time.Duration {
	b := d.cfg.BackoffBase
	for i := 1; i < attempt && b < d.cfg.BackoffMax; i++ {
		b *= 2
	}
	b = min(b, d.cfg.BackoffMax)
	return b + time.Duration(rand.Int64N(int64(b)/5+1))
}

var emailPattern = regexp.MustCompile(`[^\s<>"'@:]+@[^\s<>"']+`)

// redact removes email addresses from an error before it is logged or
// stored: SMTP servers like to quote the recipient.
func redact(s string) string {
	s = emailPattern.ReplaceAllStringFunc(s, konullu.MaskEmail)
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}
