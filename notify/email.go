package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	mail "github.com/wneessen/go-mail"

	"github.com/konullu/konullu"
)

// SMTPConfig is where and how email is sent, parsed from KONULLU_SMTP_URL.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS: "starttls" (default; upgrade when offered), "mandatory"
	// (STARTTLS required), "tls" (implicit TLS, smtps://), "none".
	TLS                string
	From               string         // the sender address, "Name <addr>" allowed
	InsecureSkipVerify bool           // self-signed servers (insecure_skip_verify=1); never in production
	RootCAs            *x509.CertPool // trusted CAs; the system's when nil
	Timeout            time.Duration
}

// ParseSMTPURL reads smtp://user:pass@host:port?from=…&tls=… (smtps:// for
// implicit TLS). The password never appears in errors.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, errors.New("notify: KONULLU_SMTP_URL is not a URL")
	}
	c := SMTPConfig{Host: u.Hostname(), TLS: "starttls", Port: 587, Timeout: 15 * time.Second}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.TLS, c.Port = "tls", 465
	default:
		return SMTPConfig{}, fmt.Errorf("notify: KONULLU_SMTP_URL scheme %q: use smtp:// or smtps://", u.Scheme)
	}
	if c.Host == "" {
		return SMTPConfig{}, errors.New("notify: KONULLU_SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port <= 0 || c.Port > 65535 {
			return SMTPConfig{}, fmt.Errorf("notify: KONULLU_SMTP_URL port %q", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	if t := q.Get("tls"); t != "" {
		switch t {
		case "starttls", "mandatory", "tls", "none":
			c.TLS = t
		default:
			return SMTPConfig{}, fmt.Errorf("notify: KONULLU_SMTP_URL tls=%q: use starttls, mandatory, tls or none", t)
		}
	}
	c.From = q.Get("from")
	if c.From == "" {
		c.From = "Könüllü <no-reply@" + c.Host + ">"
	}
	c.InsecureSkipVerify = q.Get("insecure_skip_verify") == "1"
	return c, nil
}

// SMTP sends email through an SMTP server, one connection per message (a
// dispatcher sends a few at a time; pooling is not worth its failure modes).
type SMTP struct {
	cfg    SMTPConfig
	client *mail.Client
}

// NewSMTP prepares an SMTP sender; it connects only when sending.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	opts := []mail.Option{mail.WithPort(cfg.Port), mail.WithTimeout(cfg.Timeout),
		mail.WithTLSConfig(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify, RootCAs: cfg.RootCAs})}
	switch cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "mandatory":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	c, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp client: %w", err)
	}
	return &SMTP{cfg: cfg, client: c}, nil
}

// Send delivers one message by email: plain text and HTML alternatives and,
// for messages about an assignment, the shift as an iCalendar attachment.
// The Message-ID is derived from the outbox id, so that a message sent again
// after a crash (at-least-once) can be recognised as the same one.
func (s *SMTP) Send(ctx context.Context, m *konullu.OutboxMessage, msg Message) error {
	if m.Recipient.Email == "" {
		return Permanent(errors.New("the recipient has no email address"))
	}
	e, err := AsEmail(msg, m.Recipient)
	if err != nil {
		return Permanent(err)
	}
	em := mail.NewMsg()
	if err := em.From(s.cfg.From); err != nil {
		return Permanent(fmt.Errorf("sender address: %w", err))
	}
	if err := em.AddToFormat(m.Recipient.Name, m.Recipient.Email); err != nil {
		return Permanent(errors.New("invalid recipient address"))
	}
	em.Subject(e.Subject)
	em.SetMessageIDWithValue(fmt.Sprintf("outbox-%d@konullu", m.ID))
	em.SetDate()
	em.SetGenHeader(mail.HeaderContentLang, string(msg.Language))
	em.SetGenHeader("Auto-Submitted", "auto-generated")
	em.SetBodyString(mail.TypeTextPlain, e.Text)
	em.AddAlternativeString(mail.TypeTextHTML, e.HTML)
	if cal, ok := Calendar(m, msg); ok {
		if err := em.AttachReader("shift.ics", bytes.NewReader(cal),
			mail.WithFileContentType(mail.ContentType(`text/calendar; charset=utf-8; method=`+calendarMethod(m)))); err != nil {
			return Permanent(fmt.Errorf("attach calendar: %w", err))
		}
	}
	sc, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp connect: %w", err)
	}
	defer s.client.CloseWithSMTPClient(sc)
	if err := s.client.SendWithSMTPClient(sc, em); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return Permanent(err) // the server refused for good (5xx): retrying will not help
		}
		return err
	}
	return nil
}

// calendarKinds are the messages that carry the shift as an .ics file.
var calendarKinds = map[konullu.NotificationKind]bool{
	konullu.NotifyReminder: true, konullu.NotifySignupConfirmed: true, konullu.NotifyPromoted: true,
	konullu.NotifyAssigned: true, konullu.NotifyShiftCancelled: true, konullu.NotifyShiftChanged: true,
}

func calendarMethod(m *konullu.OutboxMessage) string {
	if m.Kind == konullu.NotifyShiftCancelled {
		return "CANCEL"
	}
	return "PUBLISH"
}

// Calendar returns the shift of a message as an iCalendar file: one event
// whose UID is the assignment's, so a calendar updates (or, on
// cancellation, removes) the event it already has.
func Calendar(m *konullu.OutboxMessage, msg Message) ([]byte, bool) {
	s := m.Shift
	if s == nil || s.AssignmentID == 0 || !calendarKinds[m.Kind] {
		return nil, false
	}
	if m.Kind == konullu.NotifyAssigned && s.AssignmentStatus == konullu.AssignmentWaitlisted {
		return nil, false
	}
	cal := ics.NewCalendar()
	cal.SetProductId("-//Könüllü//Shifts//" + strings.ToUpper(string(msg.Language)))
	cal.SetVersion("2.0")
	cal.SetMethod(ics.Method(calendarMethod(m)))
	ev := cal.AddEvent(fmt.Sprintf("assignment-%d@konullu", s.AssignmentID))
	ev.SetDtStampTime(m.CreatedAt)
	ev.SetStartAt(s.StartsAt)
	ev.SetEndAt(s.EndsAt)
	ev.SetSummary(s.PositionName + " — " + s.CentreName)
	loc := s.CentreName
	if s.CentreAddress != "" {
		loc += ", " + s.CentreAddress
	}
	if s.CentreCity != "" {
		loc += ", " + s.CentreCity
	}
	ev.SetLocation(loc)
	ev.SetDescription(msg.Body)
	// The sequence must grow when the event changes; the message's creation
	// time does, and a cancellation always comes after the confirmation.
	ev.SetSequence(int(m.CreatedAt.Unix() % 1_000_000_000))
	if m.Kind == konullu.NotifyShiftCancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return []byte(cal.Serialize()), true
}
