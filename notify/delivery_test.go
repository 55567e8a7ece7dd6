package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

var monday = time.Date(2030, 3, 4, 6, 0, 0, 0, time.UTC) // 10:00 in Baku

type fixture struct {
	t        *testing.T
	db       *store.DB
	clock    *storetest.Clock
	centre   *konullu.Centre
	position *konullu.Position
	n        int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := storetest.NewClock(monday)
	f := &fixture{t: t, db: storetest.Open(t, store.Options{Now: c.Now}), clock: c}
	ctx := context.Background()
	f.centre = &konullu.Centre{Name: "ASAN xidmət №1", City: "Bakı", Address: "Heydər Əliyev pr. 1", Timezone: "Asia/Baku"}
	if err := f.db.CreateCentre(ctx, f.centre); err != nil {
		t.Fatal(err)
	}
	f.position = &konullu.Position{Name: "Bələdçi"}
	if err := f.db.CreatePosition(ctx, f.position); err != nil {
		t.Fatal(err)
	}
	return f
}

// volunteer registers a volunteer with the given language and channels.
func (f *fixture) volunteer(lang konullu.Language, chs ...konullu.Channel) (volunteerID, userID int64) {
	f.t.Helper()
	f.n++
	u, err := f.db.CreateAccount(context.Background(), konullu.NewAccount{Email: fmt.Sprintf("konullu%d@example.az", f.n),
		FullName: fmt.Sprintf("Aysel %d", f.n), Phone: "+994501234567", BirthDate: time.Date(2004, 5, 6, 0, 0, 0, 0, time.UTC),
		Status: konullu.VolunteerActive})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.SetNotificationSettings(context.Background(), u.ID, konullu.NotificationSettings{Language: lang, Channels: chs}); err != nil {
		f.t.Fatal(err)
	}
	return u.VolunteerID, u.ID
}

func (f *fixture) shift(in, length time.Duration) *konullu.Shift {
	f.t.Helper()
	start := f.clock.Now().Add(in)
	s, err := f.db.CreateShifts(context.Background(), konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 5, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(length)}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return s[0]
}

func (f *fixture) dispatcher(cfg notify.Config) *notify.Dispatcher {
	cfg.Store, cfg.Now = f.db, f.clock.Now
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return notify.New(cfg)
}

type outboxRow struct {
	Kind, Channel, Status, Error string
	Attempts                     int
}

func (f *fixture) outbox() []outboxRow {
	f.t.Helper()
	rows, err := f.db.SQL().Query(`SELECT kind, channel, status, last_error, attempts FROM outbox ORDER BY id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		rows.Scan(&r.Kind, &r.Channel, &r.Status, &r.Error, &r.Attempts)
		out = append(out, r)
	}
	return out
}

func newSMTP(t *testing.T, cfg notify.SMTPConfig) *notify.SMTP {
	t.Helper()
	s, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEmailOverSMTP: a volunteer signs up for a shift starting in 23 hours
// and gets the confirmation and one reminder, in Azerbaijani, by email
// through a real SMTP server (STARTTLS and AUTH required) and in-app.
func TestEmailOverSMTP(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ms := startMailServer(t)
	d := f.dispatcher(notify.Config{Email: newSMTP(t, ms.cfg)})
	vol, user := f.volunteer(konullu.LanguageAz, konullu.ChannelEmail)
	s := f.shift(23*time.Hour, 4*time.Hour)
	a, err := f.db.SignUp(ctx, s.ID, vol, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // the job runs every minute; one reminder
		if _, err := f.db.EnqueueReminders(ctx, f.clock.Now(), konullu.DefaultReminderLeads); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
	}
	mails := ms.mails()
	if len(mails) != 2 {
		t.Fatalf("%d emails, want the confirmation and one reminder", len(mails))
	}
	// Emails go out a few at a time: find each by its subject.
	confirm, reminder := parseMail(t, mails[0].Data), parseMail(t, mails[1].Data)
	if strings.HasPrefix(confirm.Subject, "Xatırlatma") {
		confirm, reminder = reminder, confirm
	}
	if mails[1].To[0] != "konullu1@example.az" || !strings.Contains(mails[1].From, "no-reply@konullu.test") {
		t.Fatalf("envelope %+v", mails[1])
	}
	if confirm.Subject != "Növbəniz təsdiqləndi" || reminder.Subject != "Xatırlatma: növbəniz 23 saat sonra başlayır" {
		t.Fatalf("subjects %q, %q", confirm.Subject, reminder.Subject)
	}
	if reminder.Header.Get("Content-Language") != "az" || !strings.HasPrefix(reminder.Header.Get("Message-Id"), "<outbox-") {
		t.Fatalf("headers %v", reminder.Header)
	}
	text, html, cal := reminder.Parts["text/plain"], reminder.Parts["text/html"], reminder.Parts["text/calendar"]
	if !strings.Contains(text, "Salam, Aysel 1!") || !strings.Contains(text, "5 mart 2030, çərşənbə axşamı, saat 09:00 (Asia/Baku)") {
		t.Fatalf("text part: %q", text)
	}
	if !strings.Contains(html, "<h1") || !strings.Contains(html, "Bələdçi") {
		t.Fatalf("html part: %q", html)
	}
	if reminder.Files["shift.ics"] != "text/calendar" || !strings.Contains(cal, "BEGIN:VEVENT") ||
		!strings.Contains(cal, fmt.Sprintf("UID:assignment-%d@konullu", a.ID)) || !strings.Contains(cal, "DTSTART:20300305T050000Z") {
		t.Fatalf("calendar attachment %v: %q", reminder.Files, cal)
	}
	inApp, _ := f.db.Notifications(ctx, user, 10, false)
	if len(inApp) != 2 || inApp[0].Kind != konullu.NotifyReminder || inApp[0].AssignmentID != a.ID {
		t.Fatalf("in-app %+v", inApp)
	}

	t.Run("CancelledShiftTellsItsVolunteers", func(t *testing.T) {
		if _, err := f.db.CancelShift(ctx, s.ID, "texniki səbəb"); err != nil {
			t.Fatal(err)
		}
		d.Drain(ctx)
		mails := ms.mails()
		last := parseMail(t, mails[len(mails)-1].Data)
		if last.Subject != "Mərkəz növbəni ləğv etdi" || !strings.Contains(last.Parts["text/plain"], "Səbəb: texniki səbəb") ||
			!strings.Contains(last.Parts["text/calendar"], "METHOD:CANCEL") {
			t.Fatalf("cancellation %q: %q", last.Subject, last.Parts["text/plain"])
		}
	})
}

// TestEmailFailures: the failure cases of delivery by email.
func TestEmailFailures(t *testing.T) {
	ctx := context.Background()

	t.Run("ServerDownRetriesWithBackoffThenDeadLetter", func(t *testing.T) {
		f := newFixture(t)
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		port := l.Addr().(*net.TCPAddr).Port
		l.Close() // nothing listens there
		d := f.dispatcher(notify.Config{Email: newSMTP(t, notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "x@konullu.test", Timeout: time.Second}),
			MaxAttempts: 3, BackoffBase: time.Minute})
		vol, _ := f.volunteer(konullu.LanguageEn, konullu.ChannelEmail)
		f.db.SignUp(ctx, f.shift(48*time.Hour, time.Hour).ID, vol, false)
		for attempt := 1; attempt <= 3; attempt++ {
			d.Drain(ctx)
			email := f.outbox()[1]
			if attempt < 3 && (email.Status != "PENDING" || email.Attempts != attempt || !strings.Contains(email.Error, "connect")) {
				t.Fatalf("attempt %d: %+v", attempt, email)
			}
			// Not due before the backoff (1, then 2 minutes) ends.
			if n, _ := d.Drain(ctx); n != 0 {
				t.Fatalf("retried %d messages before the backoff ended", n)
			}
			f.clock.Advance(time.Duration(1<<(attempt-1))*time.Minute + 30*time.Second)
		}
		if rows := f.outbox(); rows[1].Status != "DEAD" || rows[1].Attempts != 3 || rows[0].Status != "SENT" {
			t.Fatalf("after the last attempt: %+v", rows)
		}
	})

	t.Run("RefusedRecipientIsDeadAtOnce", func(t *testing.T) {
		f := newFixture(t)
		ms := startMailServer(t)
		ms.rcpt = func(to string) error {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: no such user"}
		}
		d := f.dispatcher(notify.Config{Email: newSMTP(t, ms.cfg)})
		vol, _ := f.volunteer(konullu.LanguageEn, konullu.ChannelEmail)
		f.db.SignUp(ctx, f.shift(48*time.Hour, time.Hour).ID, vol, false)
		d.Drain(ctx)
		email := f.outbox()[1]
		if email.Status != "DEAD" || email.Attempts != 1 || strings.Contains(email.Error, "konullu1@") {
			t.Fatalf("refused: %+v", email)
		}
	})

	t.Run("TemporaryRefusalIsRetried", func(t *testing.T) {
		f := newFixture(t)
		ms := startMailServer(t)
		var mu sync.Mutex
		refuse := true
		ms.rcpt = func(string) error {
			mu.Lock()
			defer mu.Unlock()
			if refuse {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
			}
			return nil
		}
		d := f.dispatcher(notify.Config{Email: newSMTP(t, ms.cfg)})
		vol, _ := f.volunteer(konullu.LanguageEn, konullu.ChannelEmail)
		f.db.SignUp(ctx, f.shift(48*time.Hour, time.Hour).ID, vol, false)
		d.Drain(ctx)
		if email := f.outbox()[1]; email.Status != "PENDING" {
			t.Fatalf("temporary refusal: %+v", email)
		}
		mu.Lock()
		refuse = false
		mu.Unlock()
		f.clock.Advance(time.Hour)
		d.Drain(ctx)
		if email := f.outbox()[1]; email.Status != "SENT" || email.Attempts != 2 || len(ms.mails()) != 1 {
			t.Fatalf("after the retry: %+v, %d mails", email, len(ms.mails()))
		}
	})

	t.Run("CrashBetweenSendAndRecordSendsAgainWithTheSameID", func(t *testing.T) {
		f := newFixture(t)
		ms := startMailServer(t)
		crashing := f.dispatcher(notify.Config{Email: newSMTP(t, ms.cfg), Lease: 5 * time.Minute})
		notify.SetBeforeFinish(crashing, func() bool { return false })
		vol, user := f.volunteer(konullu.LanguageEn, konullu.ChannelEmail)
		f.db.SignUp(ctx, f.shift(48*time.Hour, time.Hour).ID, vol, false)
		if _, err := crashing.DeliverBatch(ctx); err == nil {
			t.Fatal("the crash hook did not run")
		}
		// Another instance finds nothing until the crashed claim's lease ends.
		other := f.dispatcher(notify.Config{Email: newSMTP(t, ms.cfg)})
		if n, _ := other.Drain(ctx); n != 0 {
			t.Fatalf("%d messages redelivered during the lease", n)
		}
		f.clock.Advance(5*time.Minute + time.Second)
		if n, _ := other.Drain(ctx); n != 2 {
			t.Fatalf("redelivered %d messages, want 2", n)
		}
		mails := ms.mails()
		if len(mails) != 2 {
			t.Fatalf("%d emails: at-least-once means exactly one repeat here", len(mails))
		}
		id1, id2 := parseMail(t, mails[0].Data).Header.Get("Message-Id"), parseMail(t, mails[1].Data).Header.Get("Message-Id")
		if id1 == "" || id1 != id2 {
			t.Fatalf("the repeat has another Message-ID: %q, %q", id1, id2)
		}
		inApp, _ := f.db.Notifications(ctx, user, 10, false)
		if len(inApp) != 1 {
			t.Fatalf("%d in-app notifications; in-app is exactly once", len(inApp))
		}
		if n, _ := other.Drain(ctx); n != 0 || f.outbox()[1].Status != "SENT" {
			t.Fatalf("still due: %d, %+v", n, f.outbox())
		}
	})

	t.Run("WithoutSMTPEmailIsKeptInAppAndLogged", func(t *testing.T) {
		f := newFixture(t)
		var logs strings.Builder
		var mu sync.Mutex
		d := f.dispatcher(notify.Config{Logger: slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		}), &slog.HandlerOptions{Level: slog.LevelDebug}))}) // each kept email is a debug line
		vol, user := f.volunteer(konullu.LanguageEn, konullu.ChannelEmail)
		f.db.SignUp(ctx, f.shift(48*time.Hour, time.Hour).ID, vol, false)
		d.Drain(ctx)
		rows := f.outbox()
		if rows[1].Status != "SKIPPED" {
			t.Fatalf("%+v", rows)
		}
		inApp, _ := f.db.Notifications(ctx, user, 10, false)
		mu.Lock()
		defer mu.Unlock()
		if len(inApp) != 1 || !strings.Contains(logs.String(), "to=k***@example.az") || strings.Contains(logs.String(), "konullu1@") {
			t.Fatalf("in-app %d, log %q", len(inApp), logs.String())
		}
	})
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

// TestWebhook: JSON POSTs signed with HMAC-SHA256, verified by the receiver;
// 5xx is retried with the same delivery id, 4xx is final.
func TestWebhook(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	secret := []byte("webhook-secret")
	var mu sync.Mutex
	var got []notify.WebhookPayload
	var deliveries []string
	answers := []int{http.StatusServiceUnavailable, http.StatusOK, http.StatusBadRequest}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header.Get(notify.HeaderSignature), r.Header.Get(notify.HeaderTimestamp), body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := notify.Verify(secret, r.Header.Get(notify.HeaderSignature), r.Header.Get(notify.HeaderTimestamp), append(body, ' '), time.Now(), 5*time.Minute); err == nil {
			t.Error("a changed body passed verification")
		}
		var p notify.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Error(err)
		}
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
		deliveries = append(deliveries, r.Header.Get(notify.HeaderDelivery))
		code := answers[0]
		if len(answers) > 1 {
			answers = answers[1:]
		}
		w.WriteHeader(code)
	}))
	defer srv.Close()
	d := f.dispatcher(notify.Config{Webhook: notify.NewWebhook(srv.URL, secret)})
	vol, _ := f.volunteer(konullu.LanguageRu, konullu.ChannelWebhook)
	s := f.shift(48*time.Hour, time.Hour)
	f.db.SignUp(ctx, s.ID, vol, false)
	d.Drain(ctx)
	if rows := f.outbox(); rows[1].Status != "PENDING" || !strings.Contains(rows[1].Error, "503") {
		t.Fatalf("after 503: %+v", rows)
	}
	f.clock.Advance(time.Hour)
	d.Drain(ctx)
	if rows := f.outbox(); rows[1].Status != "SENT" || rows[1].Attempts != 2 {
		t.Fatalf("after 200: %+v", rows)
	}
	mu.Lock()
	p := got[1]
	if len(got) != 2 || deliveries[0] != deliveries[1] || p.Kind != "SIGNUP_CONFIRMED" || p.Language != "ru" || p.Title != "Ваша смена подтверждена" ||
		p.Recipient.Phone != "+994501234567" || p.Shift == nil || p.Shift.ID != s.ID || !p.Shift.StartsAt.Equal(s.StartsAt) {
		t.Fatalf("deliveries %v, payload %+v", deliveries, p)
	}
	mu.Unlock()
	// A 400 is final.
	if _, err := f.db.CancelShift(ctx, s.ID, "закрыто"); err != nil {
		t.Fatal(err)
	}
	d.Drain(ctx)
	if rows := f.outbox(); rows[3].Status != "DEAD" || rows[3].Attempts != 1 {
		t.Fatalf("after 400: %+v", rows)
	}
}

// TestStaleRemindersAreSkipped: a reminder whose shift started (the
// dispatcher was down) or whose volunteer withdrew is not sent.
func TestStaleRemindersAreSkipped(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.dispatcher(notify.Config{})
	v1, u1 := f.volunteer(konullu.LanguageEn)
	v2, u2 := f.volunteer(konullu.LanguageEn)
	s := f.shift(90*time.Minute, time.Hour)
	a1, _ := f.db.SignUp(ctx, s.ID, v1, false)
	f.db.SignUp(ctx, s.ID, v2, false)
	d.Drain(ctx) // the confirmations
	if n, _ := f.db.EnqueueReminders(ctx, f.clock.Now(), konullu.DefaultReminderLeads); n != 2 {
		t.Fatal(n)
	}
	if _, err := f.db.Withdraw(ctx, a1.ID, true); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(91 * time.Minute) // the dispatcher was down until after the start
	d.Drain(ctx)
	for _, u := range []int64{u1, u2} {
		list, _ := f.db.Notifications(ctx, u, 10, false)
		for _, n := range list {
			if n.Kind == konullu.NotifyReminder {
				t.Fatalf("user %d got a stale reminder", u)
			}
		}
	}
	counts, _ := f.db.OutboxCounts(ctx)
	if counts[konullu.OutboxSkipped] != 2 {
		t.Fatalf("counts %v", counts)
	}
}

func TestParseSMTPURL(t *testing.T) {
	c, err := notify.ParseSMTPURL("smtp://mailer:p%40ss@mail.example.az:2525?from=Könüllü+<noreply@example.az>&tls=mandatory")
	if err != nil || c.Host != "mail.example.az" || c.Port != 2525 || c.Username != "mailer" || c.Password != "p@ss" || c.TLS != "mandatory" || c.From != "Könüllü <noreply@example.az>" {
		t.Fatalf("%+v %v", c, err)
	}
	if c, _ := notify.ParseSMTPURL("smtps://mail.example.az"); c.Port != 465 || c.TLS != "tls" {
		t.Fatalf("%+v", c)
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://h:99999", "smtp://h?tls=maybe"} {
		if _, err := notify.ParseSMTPURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := notify.ParseSMTPURL("smtp://u:secretpw@h:bad"); err == nil || strings.Contains(err.Error(), "secretpw") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

// TestKeptEmailsLoggedOnce: without SMTP, emails are kept in-app and logged
// as one line per drain with their count, not one line each (the demo
// starts with thousands), across several batches.
func TestKeptEmailsLoggedOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var logs bytes.Buffer
	d := f.dispatcher(notify.Config{Batch: 2, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	s := f.shift(48*time.Hour, 4*time.Hour)
	for range 5 {
		vol, _ := f.volunteer(konullu.LanguageEn, konullu.ChannelEmail)
		if _, err := f.db.SignUp(ctx, s.ID, vol, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(l, "not sent") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], `"emails":5`) {
		t.Fatalf("want one line for the 5 kept emails, got %d:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}
