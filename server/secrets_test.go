package main

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// TestNoSecretInLogs runs a full flow (registration, sign-ins, a failed
// sign-in, calendar feeds made, fetched and rotated, a certificate issued,
// downloaded, verified and revoked, a webhook notification that fails,
// metrics scraped, sign-out) on a server configured with passwords and
// tokens in its URLs, captures every log line, and looks in them for every
// secret, token, code and password the flow created or configured.
func TestNoSecretInLogs(t *testing.T) {
	ctx := context.Background()
	const (
		volunteerPassword = "volunteer pass phrase 4711"
		wrongPassword     = "not-the-password-0815"
		webhookToken      = "webhookquerytoken9f3a"
		webhookPathSecret = "pathsecret7c1d9e2b4a6f8c0e1d3b5a7f9e1c3d5b"
		webhookHMAC       = "hmac-key-for-the-gateway-2c4e"
		smtpPassword      = "smtp-password-5b7d"
		metricsToken      = "metrics-bearer-token-3e5g7i9k"
	)
	dbURL := storetest.MigratedURL(t)
	// A centre and a position, and a clock for a past shift the volunteer attended.
	var clock atomic.Int64
	clock.Store(time.Now().Add(-10 * 24 * time.Hour).UnixNano())
	db, centre, position := openWithCentre(t, dbURL, store.Options{Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	defer db.Close()

	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":   dbURL,
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
		"KONULLU_LOG_LEVEL":      "debug",
		"KONULLU_WEBHOOK_URL":    "http://127.0.0.1:1/hook/" + webhookPathSecret + "?token=" + webhookToken,
		"KONULLU_WEBHOOK_SECRET": webhookHMAC,
		"KONULLU_SMTP_URL":       "smtp://mailer:" + smtpPassword + "@127.0.0.1:1?tls=none&from=konullu@example.org",
		"KONULLU_METRICS_TOKEN":  metricsToken,
	})
	secrets := map[string]string{
		"volunteer password": volunteerPassword, "wrong password": wrongPassword, "admin password": adminPassword,
		"webhook query token": webhookToken, "webhook path secret": webhookPathSecret, "webhook HMAC key": webhookHMAC,
		"SMTP password": smtpPassword, "metrics token": metricsToken,
	}

	// Registration and sign-ins, one of them failing.
	var reg struct{ Register struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation($p: String!) { register(input: {email: "secret.flow@example.org", password: $p, fullName: "Sirr Axını", birthDate: "2000-01-01"}) { token } }`,
		map[string]any{"p": volunteerPassword}, &reg)
	secrets["registration session"] = reg.Register.Token
	var login struct{ Login struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation($p: String!) { login(email: "secret.flow@example.org", password: $p) { token } }`,
		map[string]any{"p": volunteerPassword}, &login)
	tok := login.Login.Token
	secrets["login session"] = tok
	graphql(t, srv.url, "", `mutation { login(email: "secret.flow@example.org", password: "`+wrongPassword+`") { token } }`, nil, nil)
	var admin struct{ Login struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": adminEmail, "p": adminPassword}, &admin)
	adminTok := admin.Login.Token
	secrets["admin session"] = adminTok

	// Calendar feeds: made, fetched, rotated; the old one fails.
	var me struct {
		Me struct {
			Volunteer struct{ ID, CalendarUrl string }
		}
	}
	mustGraphQL(t, srv.url, tok, `{ me { volunteer { id calendarUrl } } }`, nil, &me)
	feed1 := me.Me.Volunteer.CalendarUrl
	var rot struct{ RotateCalendarUrl string }
	mustGraphQL(t, srv.url, tok, `mutation { rotateCalendarUrl }`, nil, &rot)
	feed2 := rot.RotateCalendarUrl
	var cf struct{ CentreCalendarUrl string }
	mustGraphQL(t, srv.url, adminTok, `query($c: ID!) { centreCalendarUrl(centreId: $c) }`,
		map[string]any{"c": base64.RawURLEncoding.EncodeToString([]byte("Centre:" + strconv.FormatInt(centre.ID, 10)))}, &cf)
	for name, u := range map[string]string{"first feed": feed1, "rotated feed": feed2, "centre feed": cf.CentreCalendarUrl} {
		secret, ok := strings.CutPrefix(strings.TrimSuffix(u, ".ics"), "/calendar/")
		if !ok || len(secret) < 32 {
			t.Fatalf("%s: %q", name, u)
		}
		secrets[name] = secret
	}
	for path, want := range map[string]int{feed1: http.StatusNotFound, feed2: http.StatusOK, cf.CentreCalendarUrl: http.StatusOK,
		feed2 + "?x=1": http.StatusOK} {
		if res, body := get(t, srv.url+path); res.StatusCode != want {
			t.Errorf("GET %s: %s, want %d: %.200s", path, res.Status, want, body)
		}
	}

	// A certificate of an attended shift: issued, downloaded, verified, revoked.
	raw, _ := base64.RawURLEncoding.DecodeString(me.Me.Volunteer.ID)
	volunteerID, _ := strconv.ParseInt(strings.TrimPrefix(string(raw), "Volunteer:"), 10, 64)
	start := time.Now().Add(-9 * 24 * time.Hour).Truncate(time.Hour)
	shifts, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: centre.ID, PositionID: position.ID, Capacity: 3, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	clock.Store(time.Now().UnixNano())
	if _, err := db.RecordPastWork(ctx, konullu.PastWork{ShiftID: shifts[0].ID, VolunteerID: volunteerID, CheckedInAt: start, CheckedOutAt: start.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var cert struct {
		IssueCertificate struct{ Code, VerifyUrl, DownloadUrl string }
	}
	today := time.Now().In(time.FixedZone("Baku", 4*3600))
	mustGraphQL(t, srv.url, tok, `mutation($f: Date!, $t: Date!) { issueCertificate(input: {from: $f, to: $t}) { code verifyUrl downloadUrl } }`,
		map[string]any{"f": today.AddDate(0, 0, -30).Format(time.DateOnly), "t": today.AddDate(0, 0, -1).Format(time.DateOnly)}, &cert)
	code := cert.IssueCertificate.Code
	secrets["certificate code"] = code
	secrets["certificate code without its dash"] = strings.ReplaceAll(code, "-", "")
	if res, body := get(t, srv.url+cert.IssueCertificate.DownloadUrl, "Authorization", "Bearer "+tok); res.StatusCode != http.StatusOK {
		t.Errorf("download: %s %.200s", res.Status, body)
	}
	if res, body := get(t, srv.url+cert.IssueCertificate.VerifyUrl); res.StatusCode != http.StatusOK {
		t.Errorf("verify: %s %.200s", res.Status, body)
	}
	mustGraphQL(t, srv.url, adminTok, `mutation($c: String!) { revokeCertificate(code: $c, reason: "a test") { code } }`, map[string]any{"c": code}, nil)
	mustGraphQL(t, srv.url, adminTok, `query($c: String!) { certificate(code: $c) { code } }`, map[string]any{"c": code}, nil)
	get(t, srv.url+"/certificates/"+code+".pdf") // no token: 401

	// A notification by webhook (and by email) that cannot be delivered: its failure is logged.
	mustGraphQL(t, srv.url, tok, `mutation { updateMyNotificationSettings(input: {channels: [WEBHOOK, EMAIL]}) { channels } }`, nil, nil)
	future := time.Now().Add(3 * 24 * time.Hour).Truncate(time.Hour)
	shifts, err = db.CreateShifts(ctx, konullu.NewShifts{CentreID: centre.ID, PositionID: position.ID, Capacity: 3, Publish: true,
		Periods: []konullu.Period{{StartsAt: future, EndsAt: future.Add(2 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	shiftID := base64.RawURLEncoding.EncodeToString([]byte("Shift:" + strconv.FormatInt(shifts[0].ID, 10)))
	mustGraphQL(t, srv.url, tok, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": shiftID}, nil)
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(srv.stderr.String(), `"channel":"WEBHOOK"`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the webhook's failure was not logged within 15 s")
		}
	}

	// Metrics, with and without the token; a sign-out.
	get(t, srv.url+"/metrics", "Authorization", "Bearer "+metricsToken)
	get(t, srv.url+"/metrics", "Authorization", "Bearer "+metricsToken+"-wrong")
	mustGraphQL(t, srv.url, tok, `mutation { logout }`, nil, nil)
	graphql(t, srv.url, tok, `{ me { id } }`, nil, nil) // a session that is gone

	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	logs := srv.stderr.String() + srv.stdout.String()
	for _, want := range []string{`"path":"/calendar/xxxxx.ics"`, `"path":"/verify/xxxxx"`, `"path":"/certificates/xxxxx.pdf"`, `"msg":"starting"`,
		`"path":"/metrics"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the flow was not logged as expected: no %s", want)
		}
	}
	for name, secret := range secrets {
		if secret == "" {
			t.Errorf("the flow made no %s", name)
			continue
		}
		if strings.Contains(logs, secret) {
			for _, line := range strings.Split(logs, "\n") {
				if strings.Contains(line, secret) {
					t.Errorf("a log line holds the %s: %s", name, line)
					break
				}
			}
		}
	}
	if t.Failed() {
		t.Logf("logs:\n%s", logs)
	}
}
