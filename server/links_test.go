package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// linkFixture is a database with a volunteer who holds a certificate and a
// place on a shift that starts late on Monday 3 March 2025 in Berlin, which
// is already Tuesday 4 March in Baku; the volunteer and a staff member have
// sessions.
type linkFixture struct {
	url                   string // of the database
	cert                  *konullu.Certificate
	volunteerTok, staffTk string
	feedShown             bool // the volunteer's calendarUrl was shown once
}

func newLinkFixture(t *testing.T) *linkFixture {
	t.Helper()
	ctx := context.Background()
	f := &linkFixture{url: storetest.MigratedURL(t)}
	clock := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	db, c, p := openWithCentre(t, f.url, store.Options{Now: func() time.Time { return clock }})
	defer db.Close()
	vol, err := db.CreateAccount(ctx, konullu.NewAccount{Email: "aysel@example.az", FullName: "Aysel Məmmədova",
		BirthDate: time.Date(2004, 6, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := db.CreateAccount(ctx, konullu.NewAccount{Email: "staff@konullu.az", FullName: "Staff", Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.GrantRole(ctx, staff.ID, konullu.RoleStaff, nil); err != nil {
		t.Fatal(err)
	}
	session := func(u *konullu.User) string {
		token := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{byte(u.ID), 'k'}, 16))
		sum := sha256.Sum256([]byte(token))
		if err := db.CreateSession(ctx, u.ID, sum[:], time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return token
	}
	f.volunteerTok, f.staffTk = session(vol), session(staff)

	// 22:30 UTC: 23:30 on the 3rd in Berlin, 02:30 on the 4th in Baku.
	start := time.Date(2025, 3, 3, 22, 30, 0, 0, time.UTC)
	s, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 2, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordPastWork(ctx, konullu.PastWork{ShiftID: s[0].ID, VolunteerID: vol.VolunteerID, CheckedInAt: start, CheckedOutAt: start.Add(4 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	cert := &konullu.Certificate{VolunteerID: vol.VolunteerID, From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), FullName: "Aysel Məmmədova", Minutes: 240, Assignments: 1,
		Language: konullu.LanguageEn}
	if err := db.CreateCertificate(ctx, cert); err != nil {
		t.Fatal(err)
	}
	// As the server will read it back.
	if f.cert, err = db.CertificateByCode(ctx, cert.Code); err != nil {
		t.Fatal(err)
	}
	return f
}

// wantPDF fetches the certificate from srvURL and checks that it is the
// one whose QR code and printed address are verifyURL.
func (f *linkFixture) wantPDF(t *testing.T, srvURL, verifyURL string, header ...string) {
	t.Helper()
	var want bytes.Buffer
	if err := reports.WriteCertificate(&want, f.cert, verifyURL); err != nil {
		t.Fatal(err)
	}
	res, body := get(t, srvURL+"/certificates/"+f.cert.Code+".pdf", append([]string{"Authorization", "Bearer " + f.volunteerTok}, header...)...)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate: %s %.200s", res.Status, body)
	}
	if body != want.String() {
		t.Errorf("the certificate (sent with %q) does not link to %s", header, verifyURL)
	}
}

// csvRows fetches a participation CSV of [from, to] as staff: its records without the header.
func (f *linkFixture) csvRows(t *testing.T, srvURL, from, to string) int {
	t.Helper()
	res, body := get(t, srvURL+"/reports/participation.csv?from="+from+"&to="+to, "Authorization", "Bearer "+f.staffTk)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("report: %s %.200s", res.Status, body)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("report: %v %q", err, body)
	}
	return len(records) - 1
}

// reportOf asks the API for the participation report of one day.
func (f *linkFixture) reportOf(t *testing.T, srvURL, day string) (timezone string, assignments int) {
	t.Helper()
	var out struct {
		ParticipationReport struct {
			Timezone string
			Totals   struct{ Assignments int }
		}
	}
	mustGraphQL(t, srvURL, f.staffTk, `query($d: Date!) { participationReport(from: $d, to: $d) { timezone totals { assignments } } }`,
		map[string]any{"d": day}, &out)
	return out.ParticipationReport.Timezone, out.ParticipationReport.Totals.Assignments
}

// links asks the API for the volunteer's feed address and certificate links.
// The feed's address is shown once: later asks rotate it.
func (f *linkFixture) links(t *testing.T, srvURL string) (calendar, verify, download string) {
	t.Helper()
	var out struct {
		Me struct {
			Volunteer struct {
				CalendarUrl  string
				Certificates []struct{ Code, VerifyUrl, DownloadUrl string }
			}
		}
	}
	query := `{ me { volunteer { calendarUrl certificates { code verifyUrl downloadUrl } } } }`
	if f.feedShown {
		query = `{ me { volunteer { certificates { code verifyUrl downloadUrl } } } }`
	}
	mustGraphQL(t, srvURL, f.volunteerTok, query, nil, &out)
	v := out.Me.Volunteer
	if len(v.Certificates) != 1 || v.Certificates[0].Code != f.cert.Code {
		t.Fatalf("certificates: %+v", v.Certificates)
	}
	if f.feedShown {
		var rot struct{ RotateCalendarUrl string }
		mustGraphQL(t, srvURL, f.volunteerTok, `mutation { rotateCalendarUrl }`, nil, &rot)
		v.CalendarUrl = rot.RotateCalendarUrl
	}
	f.feedShown = true
	return v.CalendarUrl, v.Certificates[0].VerifyUrl, v.Certificates[0].DownloadUrl
}

// TestPublicURLAndTimezone: KONULLU_PUBLIC_URL makes the links of
// certificates (the QR code of the PDF) and of calendar feeds, whatever the
// request says; KONULLU_TIMEZONE is the zone report days are read in, for
// the report files and the API alike.
func TestPublicURLAndTimezone(t *testing.T) {
	f := newLinkFixture(t)
	const public = "https://konullu.example.az"
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL": f.url,
		"KONULLU_JOBS":         "off",
		"KONULLU_PUBLIC_URL":   public + "/",
		"KONULLU_TIMEZONE":     "Europe/Berlin",
	})
	if !strings.Contains(srv.stderr.String(), `"public_url":"`+public+`"`) {
		t.Errorf("the start-up log does not show the public address: %s", srv.stderr)
	}

	// The certificate's QR code and printed address, whatever Host and
	// X-Forwarded-Proto say.
	f.wantPDF(t, srv.url, public+"/verify/"+f.cert.Code)
	f.wantPDF(t, srv.url, public+"/verify/"+f.cert.Code, "X-Forwarded-Proto", "http", "X-Forwarded-Host", "evil.example")

	// The API's links, and the feed answers at its address.
	calendar, verify, download := f.links(t, srv.url)
	if verify != public+"/verify/"+f.cert.Code || download != public+"/certificates/"+f.cert.Code+".pdf" {
		t.Errorf("certificate links %q, %q", verify, download)
	}
	path, ok := strings.CutPrefix(calendar, public+"/calendar/")
	if !ok || !strings.HasSuffix(path, ".ics") {
		t.Fatalf("calendar feed address %q", calendar)
	}
	if res, body := get(t, srv.url+"/calendar/"+path); res.StatusCode != http.StatusOK ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(body, "BEGIN:VCALENDAR") {
		t.Errorf("the feed at %s: %s %.200s", calendar, res.Status, body)
	}
	if res, body := get(t, srv.url+strings.TrimPrefix(verify, public)); res.StatusCode != http.StatusOK || !strings.Contains(body, `data-status="VALID"`) {
		t.Errorf("the verification page at %s: %s %.200s", verify, res.Status, body)
	}

	// The shift starts on the 3rd in Berlin: the day of the 3rd has it, the 4th not.
	if n := f.csvRows(t, srv.url, "2025-03-03", "2025-03-03"); n != 1 {
		t.Errorf("Berlin, 3 March: %d rows, want 1", n)
	}
	if n := f.csvRows(t, srv.url, "2025-03-04", "2025-03-04"); n != 0 {
		t.Errorf("Berlin, 4 March: %d rows, want 0", n)
	}
	if tz, n := f.reportOf(t, srv.url, "2025-03-03"); tz != "Europe/Berlin" || n != 1 {
		t.Errorf("API, Berlin, 3 March: %s %d", tz, n)
	}

	// By default the days are Baku's, where the shift starts on the 4th, and
	// the API's links are paths.
	baku := start(t, map[string]string{"KONULLU_DATABASE_URL": f.url, "KONULLU_JOBS": "off"})
	if n := f.csvRows(t, baku.url, "2025-03-03", "2025-03-03"); n != 0 {
		t.Errorf("Baku, 3 March: %d rows, want 0", n)
	}
	if n := f.csvRows(t, baku.url, "2025-03-04", "2025-03-04"); n != 1 {
		t.Errorf("Baku, 4 March: %d rows, want 1", n)
	}
	if tz, n := f.reportOf(t, baku.url, "2025-03-04"); tz != "Asia/Baku" || n != 1 {
		t.Errorf("API, Baku, 4 March: %s %d", tz, n)
	}
	calendar, verify, _ = f.links(t, baku.url)
	if !strings.HasPrefix(calendar, "/calendar/") || verify != "/verify/"+f.cert.Code {
		t.Errorf("without a public address: %q, %q", calendar, verify)
	}
}

// TestLinksFromRequests: without KONULLU_PUBLIC_URL the certificate links to
// the address it was fetched at, https only when a trusted proxy says so.
func TestLinksFromRequests(t *testing.T) {
	f := newLinkFixture(t)
	// The test connects from 127.0.0.1: untrusted here (no proxies, or others)…
	for _, proxies := range []string{"", "10.0.0.0/8"} {
		srv := start(t, map[string]string{"KONULLU_DATABASE_URL": f.url, "KONULLU_JOBS": "off", "KONULLU_TRUSTED_PROXIES": proxies})
		want := srv.url + "/verify/" + f.cert.Code // http://127.0.0.1:port
		f.wantPDF(t, srv.url, want)
		f.wantPDF(t, srv.url, want, "X-Forwarded-Proto", "https")
		f.wantPDF(t, srv.url, want, "Forwarded", "proto=https", "X-Forwarded-For", "203.0.113.7")
	}
	// …and a trusted proxy here.
	srv := start(t, map[string]string{"KONULLU_DATABASE_URL": f.url, "KONULLU_JOBS": "off", "KONULLU_TRUSTED_PROXIES": "127.0.0.1"})
	host := strings.TrimPrefix(srv.url, "http://")
	f.wantPDF(t, srv.url, "http://"+host+"/verify/"+f.cert.Code)
	f.wantPDF(t, srv.url, "https://"+host+"/verify/"+f.cert.Code, "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.7")
}
