package notify_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// TestInboundReplies drives POST /webhooks/inbound with the real store: a
// signed YES to the reminder confirms attendance, a NO releases the place
// and promotes the waitlist; a bad signature is 401, an old one too, a
// replayed reply id is 409, a bad body is 400 with a message saying why,
// a NO after the cut-off is 409 and changes nothing.
func TestInboundReplies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2030, 3, 4, 6, 0, 0, 0, time.UTC)
	clock := storetest.NewClock(now)
	db := storetest.Open(t, store.Options{Now: clock.Now})
	secret := []byte("a gateway secret of enough length")
	h := notify.Inbound(secret, db, slog.New(slog.DiscardHandler), clock.Now, nil)

	c := &konullu.Centre{Name: "ASAN 1", City: "Bakı", Timezone: "Asia/Baku"}
	p := &konullu.Position{Name: "Bələdçi"}
	if err := db.CreateCentre(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePosition(ctx, p); err != nil {
		t.Fatal(err)
	}
	start := now.Add(20 * time.Hour)
	shifts, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 1, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	s := shifts[0]
	var vols []int64
	for i := range 3 {
		u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: "v" + strconv.Itoa(i) + "@example.az", FullName: "V", Phone: "+994501234567",
			BirthDate: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
		if err != nil {
			t.Fatal(err)
		}
		vols = append(vols, u.VolunteerID)
	}
	held, err := db.SignUp(ctx, s.ID, vols[0], false)
	if err != nil {
		t.Fatal(err)
	}
	waiting, err := db.SignUp(ctx, s.ID, vols[1], false)
	if err != nil || waiting.Status != konullu.AssignmentWaitlisted {
		t.Fatalf("waitlisted: %+v %v", waiting, err)
	}
	// The 24-hour reminder, which asks to confirm, is the delivery the gateway answers.
	if n, err := db.EnqueueReminders(ctx, now, []time.Duration{24 * time.Hour, 2 * time.Hour}); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	var delivery int64
	var payload string
	if err := db.SQL().QueryRow(`SELECT id, payload FROM outbox WHERE kind = 'REMINDER' ORDER BY id LIMIT 1`).Scan(&delivery, &payload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(payload, `"askConfirm":true`) {
		t.Fatalf("the 24-hour reminder does not ask to confirm: %s", payload)
	}

	post := func(body string, signedAt time.Time, sign []byte) (int, string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/webhooks/inbound", strings.NewReader(body))
		ts := signedAt.Unix()
		req.Header.Set(notify.HeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(notify.HeaderSignature, notify.Sign(sign, ts, []byte(body)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer is not JSON: %s", w.Body)
		}
		return w.Code, w.Body.String()
	}
	yes := `{"id":"sms-1","inReplyTo":"` + strconv.FormatInt(delivery, 10) + `","reply":"yes"}`

	// Each refusal says why in a code the gateway can act on.
	codeOf := func(body string) string {
		var out struct{ Code string }
		json.Unmarshal([]byte(body), &out)
		return out.Code
	}
	if code, body := post(yes, now, []byte("another secret entirely")); code != http.StatusUnauthorized || codeOf(body) != notify.CodeBadSignature {
		t.Fatalf("wrong key: %d %s", code, body)
	}
	if code, body := post(yes, now.Add(-6*time.Minute), secret); code != http.StatusUnauthorized || codeOf(body) != notify.CodeStale {
		t.Fatalf("signed 6 minutes ago: %d %s", code, body)
	}
	if code, body := post(yes, now.Add(-6*time.Minute), []byte("another secret entirely")); code != http.StatusUnauthorized || codeOf(body) != notify.CodeBadSignature {
		t.Fatalf("wrongly signed 6 minutes ago: %d %s (the age of a bad signature is nobody's business)", code, body)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/inbound", strings.NewReader(yes))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized || codeOf(w.Body.String()) != notify.CodeBadSignature {
		t.Fatalf("unsigned: %d %s", w.Code, w.Body)
	}
	// A changed body under a captured signature.
	req = httptest.NewRequest(http.MethodPost, "/webhooks/inbound", strings.NewReader(strings.Replace(yes, "yes", "no", 1)))
	req.Header.Set(notify.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(notify.HeaderSignature, notify.Sign(secret, now.Unix(), []byte(yes)))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized || codeOf(w.Body.String()) != notify.CodeBadSignature {
		t.Fatalf("changed body: %d %s", w.Code, w.Body)
	}
	for body, want := range map[string]string{
		`{"id":"x","inReplyTo":"1","reply":"maybe"}`:     `YES or NO`,
		`{"inReplyTo":"1","reply":"YES"}`:                `id of this reply`,
		`{"id":"x","reply":"YES"}`:                       `is required`,
		`{"id":"x","assignmentId":"seven","reply":"NO"}`: `must be the number of the assignment`,
		`{"id":`: `not a JSON object`,
	} {
		if code, got := post(body, now, secret); code != http.StatusBadRequest || !strings.Contains(got, want) || codeOf(got) != konullu.EINVALID {
			t.Fatalf("%s: %d %s, want 400 saying %s", body, code, got, want)
		}
	}
	if a, _ := db.AssignmentsByIDs(ctx, []int64{held.ID}); a[held.ID].AttendanceConfirmedAt != nil {
		t.Fatal("confirmed by a refused request")
	}

	if code, body := post(yes, now, secret); code != http.StatusOK || !strings.Contains(body, `"outcome":"CONFIRMED"`) {
		t.Fatalf("YES: %d %s", code, body)
	}
	if a, _ := db.AssignmentsByIDs(ctx, []int64{held.ID}); a[held.ID].AttendanceConfirmedAt == nil {
		t.Fatal("YES did not confirm")
	}
	// The same reply again, even freshly signed: refused.
	if code, body := post(yes, now.Add(time.Second), secret); code != http.StatusConflict || !strings.Contains(body, "received already") || codeOf(body) != notify.CodeReplayed {
		t.Fatalf("replay: %d %s", code, body)
	}
	// The very request captured and sent again within the 5 minutes: the same.
	if code, body := post(yes, now, secret); code != http.StatusConflict || codeOf(body) != notify.CodeReplayed {
		t.Fatalf("captured request replayed: %d %s", code, body)
	}
	// An unknown delivery.
	unknown := `{"id":"sms-9","inReplyTo":"999999","reply":"YES"}`
	if code, body := post(unknown, now, secret); code != http.StatusNotFound || codeOf(body) != konullu.ENOTFOUND || !strings.Contains(body, `"field":"inReplyTo"`) {
		t.Fatalf("unknown delivery: %d %s", code, body)
	}

	// NO releases the place; the waitlist moves up.
	no := `{"id":"sms-2","assignmentId":` + strconv.FormatInt(held.ID, 10) + `,"reply":"XEYR"}`
	if code, body := post(no, now, secret); code != http.StatusOK || !strings.Contains(body, `"status":"CANCELLED"`) {
		t.Fatalf("NO: %d %s", code, body)
	}
	got, _ := db.AssignmentsByIDs(ctx, []int64{held.ID, waiting.ID})
	if got[held.ID].Status != konullu.AssignmentCancelled || got[waiting.ID].Status != konullu.AssignmentConfirmed {
		t.Fatalf("after NO: %s and %s", got[held.ID].Status, got[waiting.ID].Status)
	}

	// After the cut-off a NO is refused by the withdrawal rules and changes nothing.
	clock.Set(start.Add(-time.Hour))
	late := `{"id":"sms-3","assignmentId":` + strconv.FormatInt(waiting.ID, 10) + `,"reply":"NO"}`
	if code, body := post(late, clock.Now(), secret); code != http.StatusConflict || !strings.Contains(body, "withdrawal closed") || codeOf(body) == notify.CodeReplayed || codeOf(body) == "" {
		t.Fatalf("late NO: %d %s", code, body)
	}
	if got, _ := db.AssignmentsByIDs(ctx, []int64{waiting.ID}); got[waiting.ID].Status != konullu.AssignmentConfirmed {
		t.Fatalf("a refused NO changed the place: %s", got[waiting.ID].Status)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM inbound_replies`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("replies recorded %d (%v), want the two acted on", n, err)
	}
}
