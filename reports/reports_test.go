package reports_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/xuri/excelize/v2"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

var baku = func() *time.Location { l, _ := time.LoadLocation("Asia/Baku"); return l }()

// now is Monday 10 March 2025, 12:00 in Baku.
var now = time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)

// fixture is a server with a centre, a volunteer with attended, missed and
// cancelled shifts, and accounts of every role signed in.
type fixture struct {
	t          *testing.T
	db         *store.DB
	h          http.Handler
	centre     *konullu.Centre
	other      *konullu.Centre
	volunteer  *konullu.User
	tokens     map[string]string // role → bearer token
	attended   *konullu.Assignment
	cancelled  *konullu.Assignment
	futureTime time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := now
	db := storetest.Open(t, store.Options{Now: func() time.Time { return clock }})
	f := &fixture{t: t, db: db, tokens: map[string]string{}}
	f.centre = &konullu.Centre{Name: "Bakı 1 saylı ASAN xidmət mərkəzi", City: "Bakı", Address: "Heydər Əliyev prospekti 115", Timezone: "Asia/Baku"}
	f.other = &konullu.Centre{Name: "Gəncə ASAN xidmət mərkəzi", City: "Gəncə", Timezone: "Asia/Baku"}
	for _, c := range []*konullu.Centre{f.centre, f.other} {
		if err := db.CreateCentre(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	pos := &konullu.Position{Name: "Növbə köməkçisi"}
	if err := db.CreatePosition(ctx, pos); err != nil {
		t.Fatal(err)
	}
	account := func(email, name string) *konullu.User {
		u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: email, FullName: name, Phone: "+994 50 555 55 55",
			BirthDate: time.Date(2006, 6, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.volunteer = account("aysel@example.az", "Aysel Məmmədova")
	otherVol := account("tural@example.az", "Tural Əliyev")
	staff := account("staff@konullu.az", "Staff")
	coord := account("coord@konullu.az", "Coordinator")
	admin := account("admin@konullu.az", "Admin")
	must(db.GrantRole(ctx, staff.ID, konullu.RoleStaff, nil))
	must(db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{f.other.ID}))
	must(db.GrantRole(ctx, admin.ID, konullu.RoleAdmin, nil))
	for role, u := range map[string]*konullu.User{"volunteer": f.volunteer, "other": otherVol, "staff": staff, "coordinator": coord, "admin": admin} {
		token := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{byte(u.ID)}, 32))
		sum := sha256.Sum256([]byte(token))
		if err := db.CreateSession(ctx, u.ID, sum[:], now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		f.tokens[role] = token
	}
	shift := func(day int, hour int) *konullu.Shift {
		start := time.Date(2025, 3, day, hour, 0, 0, 0, baku)
		s := must(db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: pos.ID, Capacity: 2, Publish: true,
			Periods: []konullu.Period{{StartsAt: start.UTC(), EndsAt: start.Add(4 * time.Hour).UTC()}}}))
		return s[0]
	}
	s1 := shift(3, 9) // 09:00–13:00 on Monday 3 March, attended
	f.attended = must(db.RecordPastWork(ctx, konullu.PastWork{ShiftID: s1.ID, VolunteerID: f.volunteer.VolunteerID,
		CheckedInAt: s1.StartsAt, CheckedOutAt: s1.EndsAt}))
	s2 := shift(5, 14) // missed: assigned the day before, then a no-show
	clock = s2.StartsAt.Add(-24 * time.Hour)
	a2 := must(db.SignUp(ctx, s2.ID, f.volunteer.VolunteerID, true))
	clock = now
	must(db.MarkNoShow(ctx, a2.ID, "did not come"))
	s3 := shift(12, 9) // ahead, then cancelled
	f.cancelled = must(db.SignUp(ctx, s3.ID, f.volunteer.VolunteerID, false))
	must(db.CancelShift(ctx, s3.ID, "the centre is closed"))
	s4 := shift(14, 9) // ahead
	must(db.SignUp(ctx, s4.ID, f.volunteer.VolunteerID, false))
	f.futureTime = s4.StartsAt
	clock = s1.StartsAt.Add(-24 * time.Hour) // assigned the day before; nothing recorded since
	must(db.SignUp(ctx, s1.ID, otherVol.VolunteerID, true))
	clock = now

	mux := http.NewServeMux()
	d := reports.Deps{Reports: db, Store: db, Authenticate: schema.RequestViewer(db), Location: baku,
		PublicURL: "https://konullu.example.az", Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return clock }}
	mux.Handle("GET /reports/{file}", reports.Exports(d))
	mux.Handle("GET /certificates/{file}", reports.Certificate(d))
	mux.Handle("GET /verify/{code}", reports.Verify(d))
	mux.Handle("GET /calendar/{file}", reports.Calendar(d))
	f.h = mux
	return f
}

func (f *fixture) get(role, path string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// wantError checks an error answer: status, code and field.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code, field string) {
	t.Helper()
	var body struct {
		Errors []struct {
			Extensions map[string]string
		}
	}
	if w.Code != status || json.Unmarshal(w.Body.Bytes(), &body) != nil || len(body.Errors) != 1 ||
		body.Errors[0].Extensions["code"] != code || body.Errors[0].Extensions["field"] != field {
		t.Errorf("want %d %s (field %q), got %d: %s", status, code, field, w.Code, w.Body.String())
	}
}

func TestExportCSV(t *testing.T) {
	f := newFixture(t)
	w := f.get("staff", "/reports/participation.csv?from=2025-03-01&to=2025-03-31&lang=keys") // the machine keys
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="participation_20250301_20250331.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	body := w.Body.Bytes()
	// The UTF-8 byte-order mark, then the name with ə (C9 99) as UTF-8 bytes.
	if !bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no byte-order mark: % x", body[:8])
	}
	if !bytes.Contains(body, []byte{'M', 0xC9, 0x99, 'm', 'm', 0xC9, 0x99, 'd', 'o', 'v', 'a'}) {
		t.Error("the bytes of Məmmədova are not in the file")
	}
	if !bytes.Contains(body, []byte("\r\n")) {
		t.Error("RFC 4180 lines end with CRLF")
	}
	for _, secret := range []string{"aysel@example.az", "555 55 55"} {
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("the export shows contact details (%s)", secret)
		}
	}
	records, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Header, the attended shift (two volunteers), the no-show, the cancelled and the future one.
	if len(records) != 6 {
		t.Fatalf("%d records, want 6: %v", len(records), records)
	}
	header := strings.Join(records[0], ",")
	if header != "assignment_id,date,start,end,timezone,centre,position,volunteer_id,volunteer,age,age_band,status,credited_minutes,credited_hours,presence,shift_kind" {
		t.Errorf("header %s", header)
	}
	first := records[1]
	if first[1] != "2025-03-03" || first[2] != "09:00" || first[3] != "13:00" || first[8] != "Aysel Məmmədova" ||
		first[9] != "18" || first[10] != "18_21" || first[11] != "COMPLETED" || first[12] != "240" || first[13] != "4.00" || first[14] != "RECORDED" || first[15] != "SERVICE" {
		t.Errorf("first row %v", first)
	}

	w = f.get("staff", "/reports/volunteer-hours.csv?from=2025-03-01&to=2025-03-31")
	records, err = csv.NewReader(bytes.NewReader(w.Body.Bytes()[3:])).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("volunteer hours: %v %v", err, records)
	}
	if r := records[1]; r[1] != "Aysel Məmmədova" || r[4] != "4.00" || r[6] != "3" || r[7] != "1" || r[8] != "1" || r[12] != "0" || r[13] != "0.00" || r[14] != "0" {
		t.Errorf("volunteer hours of Aysel: %v", r)
	}
}

func TestExportRights(t *testing.T) {
	f := newFixture(t)
	const q = "?from=2025-03-01&to=2025-03-31"
	wantError(t, f.get("", "/reports/participation.csv"+q), http.StatusUnauthorized, konullu.EUNAUTHENTICATED, "")
	wantError(t, f.get("volunteer", "/reports/participation.csv"+q), http.StatusForbidden, konullu.EFORBIDDEN, "")
	centre := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("Centre:%d", f.centre.ID)))
	wantError(t, f.get("coordinator", "/reports/participation.csv"+q+"&centreId="+centre), http.StatusForbidden, konullu.EFORBIDDEN, "")
	// A coordinator without centreId gets their own centres: Gəncə had nothing.
	if w := f.get("coordinator", "/reports/participation.csv"+q); w.Code != http.StatusOK || strings.Count(w.Body.String(), "\r\n") != 1 {
		t.Errorf("coordinator's own centres: %d %q", w.Code, w.Body)
	}
	wantError(t, f.get("staff", "/reports/participation.csv?from=2025-03-31&to=2025-03-01"), http.StatusBadRequest, konullu.EINVALID, "to")
	wantError(t, f.get("staff", "/reports/participation.csv?from=2025-3-1&to=2025-03-01"), http.StatusBadRequest, konullu.EINVALID, "from")
	wantError(t, f.get("staff", "/reports/participation.csv?from=2020-01-01&to=2025-03-01"), http.StatusBadRequest, konullu.EINVALID, "to")
	wantError(t, f.get("staff", "/reports/participation.csv?from=2025-03-01&to=2025-03-31&centreId=nonsense"), http.StatusBadRequest, konullu.EINVALID, "centreId")
	wantError(t, f.get("staff", "/reports/salaries.csv"+q), http.StatusNotFound, konullu.ENOTFOUND, "")
}

func TestExportXLSX(t *testing.T) {
	f := newFixture(t)
	w := f.get("admin", "/reports/participation.xlsx?from=2025-03-01&to=2025-03-31")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	x, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("participation")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[1][8] != "Aysel Məmmədova" || rows[1][12] != "240" {
		t.Errorf("rows %v", rows)
	}
	typ, err := x.GetCellType("participation", "M2")
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("credited minutes are not a number in the sheet (%v, %v)", typ, err)
	}
}

// certificate records a certificate of the attended shift.
func (f *fixture) certificate(lang konullu.Language) *konullu.Certificate {
	f.t.Helper()
	c := &konullu.Certificate{VolunteerID: f.volunteer.VolunteerID, From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), FullName: "Aysel Məmmədova", Minutes: 270, Assignments: 1,
		CentreID: f.centre.ID, CentreName: f.centre.Name, Language: lang, AwardHours: 100}
	if err := f.db.CreateCertificate(context.Background(), c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func TestCertificateQRVerifies(t *testing.T) {
	f := newFixture(t)
	c := f.certificate(konullu.LanguageAz)
	w := f.get("volunteer", "/certificates/"+c.Code+".pdf")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
		t.Fatalf("certificate: %d %s %q", w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()[:min(20, w.Body.Len())])
	}
	if w := f.get("other", "/certificates/"+c.Code+".pdf"); w.Code != http.StatusNotFound {
		t.Errorf("another volunteer got the certificate: %d", w.Code)
	}
	if w := f.get("staff", "/certificates/"+c.Code+".pdf"); w.Code != http.StatusOK {
		t.Errorf("staff: %d", w.Code)
	}

	// The QR code drawn in the PDF, read from the page as a renderer shows
	// it, is its verification page…
	verify := reports.VerifyURL("https://konullu.example.az", c.Code)
	scanned := qrOnPage(t, w.Body.Bytes())
	if scanned != verify {
		t.Fatalf("the certificate's QR code says %q, want %q", scanned, verify)
	}
	// …which, opened as its path, confirms name, hours and period and nothing else.
	path := strings.TrimPrefix(scanned, "https://konullu.example.az")
	page := f.get("", path)
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, `data-status="VALID"`) || !strings.Contains(body, "Aysel Məmmədova") ||
		!strings.Contains(body, ">4,5<") || !strings.Contains(body, "1 mart 2025 – 9 mart 2025") {
		t.Errorf("verification page: %d %s", page.Code, body)
	}
	for _, hidden := range []string{"aysel@example.az", "555", "Bakı 1", "2006"} {
		if strings.Contains(body, hidden) {
			t.Errorf("the verification page shows %q", hidden)
		}
	}
	// Codes are read forgivingly: lower case, without the dash.
	if p := f.get("", "/verify/"+strings.ToLower(strings.ReplaceAll(c.Code, "-", ""))); p.Code != http.StatusOK {
		t.Errorf("lower-case code: %d", p.Code)
	}
	if p := f.get("", "/verify/AAAAA-AAAAA"); p.Code != http.StatusNotFound || !strings.Contains(p.Body.String(), "NOT_FOUND") {
		t.Errorf("unknown code: %d", p.Code)
	}

	if _, err := f.db.RevokeCertificate(context.Background(), c.Code, "issued by mistake"); err != nil {
		t.Fatal(err)
	}
	page = f.get("", path+"?lang=en")
	if body := page.Body.String(); !strings.Contains(body, `data-status="REVOKED"`) || !strings.Contains(body, "revoked") ||
		strings.Contains(body, "issued by mistake") {
		t.Errorf("revoked certificate's page: %s", body)
	}
}

// TestCertificateLinks: the PDF's QR code and printed address are the
// verification page under PublicURL; without one, under the request's Host
// and scheme (X-Forwarded-Proto is believed here: the server removes it from
// requests that did not come through a trusted proxy).
func TestCertificateLinks(t *testing.T) {
	f := newFixture(t)
	c := must(f.db.CertificateByCode(context.Background(), f.certificate(konullu.LanguageEn).Code))
	pdf := func(verifyURL string) string {
		var b bytes.Buffer
		if err := reports.WriteCertificate(&b, c, verifyURL); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if w := f.get("volunteer", "/certificates/"+c.Code+".pdf"); w.Code != http.StatusOK || w.Body.String() != pdf("https://konullu.example.az/verify/"+c.Code) {
		t.Errorf("with PublicURL: %d, not the certificate linking to https://konullu.example.az", w.Code)
	}
	for _, tc := range []struct{ publicURL, proto, want string }{
		{"", "", "http://konullu.local"},
		{"", "https", "https://konullu.local"},
		{"https://example.az/konullu/", "http", "https://example.az/konullu"},
	} {
		h := reports.Certificate(reports.Deps{Reports: f.db, Store: f.db, Authenticate: schema.RequestViewer(f.db),
			PublicURL: tc.publicURL, Logger: slog.New(slog.DiscardHandler)})
		req := httptest.NewRequest(http.MethodGet, "http://konullu.local/certificates/"+c.Code+".pdf", nil)
		req.SetPathValue("file", c.Code+".pdf")
		req.Header.Set("Authorization", "Bearer "+f.tokens["volunteer"])
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Body.String() != pdf(tc.want+"/verify/"+c.Code) {
			t.Errorf("PublicURL %q, X-Forwarded-Proto %q: %d, not the certificate linking to %s", tc.publicURL, tc.proto, w.Code, tc.want)
		}
	}
}

// TestCertificateLanguages renders a certificate in each language with
// every Azerbaijani and Russian letter in the name: the font must have them all.
func TestCertificateLanguages(t *testing.T) {
	for _, lang := range []konullu.Language{konullu.LanguageAz, konullu.LanguageEn, konullu.LanguageRu} {
		c := &konullu.Certificate{Code: "ABCDE-12345", FullName: "Əə Ğğ Iı İi Öö Üü Çç Şş — Ёё Жж Щщ Ыы Ээ Юю Яя — Quick Brown Fox",
			From: now.AddDate(0, -1, 0), To: now, Minutes: 6000, Assignments: 25, Proven: 21, AwardHours: 100, Language: lang, IssuedAt: now}
		var buf bytes.Buffer
		if err := reports.WriteCertificate(&buf, c, "https://konullu.example.az/verify/ABCDE-12345"); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Errorf("%s: not a PDF", lang)
		}
	}
}

func TestCalendarFeedImports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	feed, err := f.db.CreateCalendarFeed(ctx, f.volunteer.ID, f.volunteer.VolunteerID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := f.get("", "/calendar/"+feed.Token+".ics")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", w.Code, w.Body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		events[e.Id()] = e
	}
	if len(events) != 4 {
		t.Fatalf("%d events, want 4: %s", len(events), w.Body)
	}
	attended := events[reports.AssignmentUID(f.attended.ID)]
	if attended == nil {
		t.Fatalf("no event with UID %s", reports.AssignmentUID(f.attended.ID))
	}
	start, err := attended.GetStartAt()
	if err != nil {
		t.Fatal(err)
	}
	end, err := attended.GetEndAt()
	if err != nil {
		t.Fatal(err)
	}
	if got := start.In(baku).Format("2006-01-02 15:04"); got != "2025-03-03 09:00" {
		t.Errorf("starts at %s in Baku, want 2025-03-03 09:00", got)
	}
	if got := end.In(baku).Format("15:04"); got != "13:00" {
		t.Errorf("ends at %s in Baku, want 13:00", got)
	}
	prop := func(e *ics.VEvent, p ics.ComponentProperty) string {
		if v := e.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	if loc := prop(attended, ics.ComponentPropertyLocation); !strings.Contains(loc, "Bakı 1 saylı ASAN xidmət mərkəzi") || !strings.Contains(loc, "Heydər Əliyev prospekti 115") {
		t.Errorf("location %q", loc)
	}
	if s := prop(attended, ics.ComponentPropertySummary); !strings.Contains(s, "Növbə köməkçisi") {
		t.Errorf("summary %q lacks the position", s)
	}
	if s := prop(events[reports.AssignmentUID(f.cancelled.ID)], ics.ComponentPropertyStatus); s != "CANCELLED" {
		t.Errorf("cancelled shift's status %q", s)
	}
	if s := prop(attended, ics.ComponentPropertyStatus); s != "CONFIRMED" {
		t.Errorf("attended shift's status %q", s)
	}

	// The UID stays when the feed is fetched again; rotating the secret
	// closes the old address.
	again, _ := ics.ParseCalendar(bytes.NewReader(f.get("", "/calendar/"+feed.Token+".ics").Body.Bytes()))
	if again == nil || len(again.Events()) != 4 || again.Events()[0].Id() != cal.Events()[0].Id() {
		t.Error("UIDs changed between two fetches")
	}
	rotated, err := f.db.RotateCalendarFeed(ctx, f.volunteer.ID, f.volunteer.VolunteerID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Token == feed.Token {
		t.Fatal("rotation kept the secret")
	}
	wantError(t, f.get("", "/calendar/"+feed.Token+".ics"), http.StatusNotFound, konullu.ENOTFOUND, "")
	if w := f.get("", "/calendar/"+rotated.Token+".ics"); w.Code != http.StatusOK {
		t.Errorf("new address: %d", w.Code)
	}
}

func TestCentreFeedIsForItsCoordinators(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var coordID int64
	for role, tok := range f.tokens {
		if role == "coordinator" {
			sum := sha256.Sum256([]byte(tok))
			v := must(f.db.SessionViewer(ctx, sum[:]))
			coordID = v.UserID
		}
	}
	// The coordinator of Gəncə asks for Bakı's feed: refused at serve time.
	feed := must(f.db.CreateCalendarFeed(ctx, coordID, 0, f.centre.ID))
	wantError(t, f.get("", "/calendar/"+feed.Token+".ics"), http.StatusNotFound, konullu.ENOTFOUND, "")
	own := must(f.db.CreateCalendarFeed(ctx, coordID, 0, f.other.ID))
	w := f.get("", "/calendar/"+own.Token+".ics")
	if w.Code != http.StatusOK {
		t.Fatalf("own centre's feed: %d %s", w.Code, w.Body)
	}
	if _, err := ics.ParseCalendar(io.NopCloser(bytes.NewReader(w.Body.Bytes()))); err != nil {
		t.Fatal(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// qrOnPage renders the first page of a PDF with poppler's pdftoppm (Debian's
// poppler-utils, as a reader's viewer would draw it) and decodes the QR code
// on it. Without pdftoppm the test is skipped, except in CI (CI set), which
// installs it.
func qrOnPage(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm is missing: apt-get install poppler-utils")
		}
		t.Skip("pdftoppm is missing (apt-get install poppler-utils): the QR code drawn in the PDF is not read")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "certificate.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "page")
	if msg, err := exec.Command(bin, "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, msg)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code found on the rendered page: %v", err)
	}
	return res.GetText()
}
