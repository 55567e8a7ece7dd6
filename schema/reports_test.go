package schema_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// reportEnv is an API with a centre, a past shift attended by a volunteer
// and accounts of every role.
type reportEnv struct {
	*env
	centre, other *konullu.Centre
	vol           *konullu.User
	tokens        map[string]string
}

func newReportEnv(t *testing.T) *reportEnv {
	e := &reportEnv{env: newEnv(t), tokens: map[string]string{}}
	e.centre = e.centre_("Bakı 1 saylı ASAN xidmət mərkəzi")
	e.other = e.centre_("Gəncə ASAN xidmət mərkəzi")
	p := e.position("Reception guide")
	e.vol = e.account("aysel@example.az", "Aysel Məmmədova")
	e.account("staff@konullu.az", "Staff")
	e.account("coord@konullu.az", "Coordinator")
	staff := e.userByEmail("staff@konullu.az")
	e.grant(staff, konullu.RoleStaff)
	e.grant(e.userByEmail("coord@konullu.az"), konullu.RoleCoordinator, e.other.ID)
	s := e.shift(e.centre, p, time.Date(2025, 3, 3, 5, 0, 0, 0, time.UTC), 2, true) // 09:00 Baku
	e.pastWork(s, e.vol.VolunteerID)
	for _, who := range []string{"aysel@example.az", "staff@konullu.az", "coord@konullu.az"} {
		e.tokens[who] = e.login(who)
	}
	return e
}

func (e *reportEnv) centre_(name string) *konullu.Centre { return e.env.centre(name, "Asia/Baku") }

func (e *reportEnv) userByEmail(email string) *konullu.User {
	id, _, err := e.db.Credentials(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return must(e.db.UsersByIDs(context.Background(), []int64{id}))[id]
}

const reportQuery = `query($from: Date!, $to: Date!, $c: ID) { participationReport(from: $from, to: $to, centreId: $c) {
	from to timezone activeVolunteers totalMinutes shiftsFilled shiftsUnderstaffed noShowRate fillRate
	totals { minutes assignments }
	byCentre { key label minutes activeVolunteers centre { name } fillRate }
	byMonth { key minutes } byAgeBand { key label minutes shifts fillRate } byPosition { label minutes position { name } }
	retention(months: 3) { month activeVolunteers returning retained } } }`

func TestParticipationReportAPI(t *testing.T) {
	e := newReportEnv(t)
	vars := map[string]any{"from": "2025-03-01", "to": "2025-03-31"}
	var d struct {
		ParticipationReport struct {
			From, To, Timezone               string
			ActiveVolunteers, TotalMinutes   int
			ShiftsFilled, ShiftsUnderstaffed int
			NoShowRate, FillRate             float64
			ByCentre                         []struct {
				Key, Label                string
				Minutes, ActiveVolunteers int
				Centre                    struct{ Name string }
			}
			ByMonth []struct {
				Key     string
				Minutes int
			}
			ByAgeBand []struct {
				Key      string
				Minutes  int
				Shifts   *int
				FillRate *float64
			}
			ByPosition []struct {
				Label   string
				Minutes int
			}
			Retention []struct {
				Month                                 string
				ActiveVolunteers, Returning, Retained int
			}
		}
	}
	e.post(e.tokens["staff@konullu.az"], reportQuery, vars).ok(t, &d)
	r := d.ParticipationReport
	if r.From != "2025-03-01" || r.Timezone != "Asia/Baku" || r.ActiveVolunteers != 1 || r.TotalMinutes != 240 ||
		r.ShiftsUnderstaffed != 1 || r.FillRate != 0.5 {
		t.Errorf("report %+v", r)
	}
	if len(r.ByCentre) != 2 || r.ByCentre[0].Centre.Name != "Bakı 1 saylı ASAN xidmət mərkəzi" || r.ByCentre[0].Minutes != 240 ||
		r.ByCentre[0].Key != gid("Centre", e.centre.ID) {
		t.Errorf("by centre %+v", r.ByCentre)
	}
	if len(r.ByMonth) != 1 || r.ByMonth[0].Key != "2025-03" {
		t.Errorf("by month %+v", r.ByMonth)
	}
	if len(r.ByAgeBand) != 5 || r.ByAgeBand[1].Key != "18_21" || r.ByAgeBand[1].Minutes != 240 || r.ByAgeBand[1].Shifts != nil {
		t.Errorf("by age band %+v", r.ByAgeBand)
	}
	if len(r.Retention) != 3 || r.Retention[2].Month != "2025-03" || r.Retention[2].ActiveVolunteers != 1 || r.Retention[2].Retained != 0 {
		t.Errorf("retention %+v", r.Retention)
	}

	// Rights: volunteers never, coordinators for their centres only.
	e.post(e.tokens["aysel@example.az"], reportQuery, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post("", reportQuery, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(e.tokens["coord@konullu.az"], reportQuery, map[string]any{"from": "2025-03-01", "to": "2025-03-31",
		"c": gid("Centre", e.centre.ID)}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(e.tokens["coord@konullu.az"], reportQuery, vars).ok(t, &d)
	if len(d.ParticipationReport.ByCentre) != 1 || d.ParticipationReport.TotalMinutes != 0 {
		t.Errorf("a coordinator sees other centres: %+v", d.ParticipationReport.ByCentre)
	}
	// Bad periods are INVALID_INPUT with the field, never INTERNAL.
	e.post(e.tokens["staff@konullu.az"], reportQuery, map[string]any{"from": "2025-03-31", "to": "2025-03-01"}).wantError(t, konullu.EINVALID, "to")
	e.post(e.tokens["staff@konullu.az"], reportQuery, map[string]any{"from": "2021-03-31", "to": "2025-03-01"}).wantError(t, konullu.EINVALID, "to")
	e.post(e.tokens["staff@konullu.az"], reportQuery, map[string]any{"from": "2025-02-30", "to": "2025-03-01"}).wantError(t, konullu.EINVALID, "from")
	e.post(e.tokens["staff@konullu.az"], strings.Replace(reportQuery, "months: 3", "months: 30", 1), vars).wantError(t, konullu.EINVALID, "months")
}

func TestCertificatesAndCalendarAPI(t *testing.T) {
	e := newReportEnv(t)
	vol := e.tokens["aysel@example.az"]
	const issue = `mutation($in: CertificateInput!) { issueCertificate(input: $in) {
		code fullName minutes hours assignments awardHours language from to centre { name } verifyUrl downloadUrl revokedAt } }`
	var d struct {
		IssueCertificate struct {
			Code, FullName, Language, From, To, VerifyUrl, DownloadUrl string
			Minutes, Assignments                                       int
			Hours                                                      float64
			AwardHours                                                 *int
			Centre                                                     struct{ Name string }
		}
	}
	e.post(vol, issue, map[string]any{"in": map[string]any{"from": "2025-03-01", "to": "2025-03-09",
		"centreId": gid("Centre", e.centre.ID), "language": "en"}}).ok(t, &d)
	c := d.IssueCertificate
	if c.FullName != "Aysel Məmmədova" || c.Minutes != 240 || c.Hours != 4 || c.Assignments != 1 || c.Language != "en" ||
		c.Centre.Name != "Bakı 1 saylı ASAN xidmət mərkəzi" || c.AwardHours != nil || c.VerifyUrl != "/verify/"+c.Code ||
		c.DownloadUrl != "/certificates/"+c.Code+".pdf" {
		t.Errorf("certificate %+v", c)
	}
	// Nothing to certify, days ahead, another volunteer's hours.
	e.post(vol, issue, map[string]any{"in": map[string]any{"from": "2025-01-01", "to": "2025-01-31"}}).wantError(t, konullu.EINVALID, "from")
	e.post(vol, issue, map[string]any{"in": map[string]any{"from": "2025-03-01", "to": "2025-03-31"}}).wantError(t, konullu.EINVALID, "to")
	e.account("tural@example.az", "Tural Əliyev")
	e.post(e.login("tural@example.az"), issue, map[string]any{"in": map[string]any{"from": "2025-03-01", "to": "2025-03-09",
		"volunteerId": gid("Volunteer", e.vol.VolunteerID)}}).wantError(t, konullu.EFORBIDDEN, "")

	// The volunteer sees it, another volunteer does not; staff revoke it.
	const get = `query($c: String!) { certificate(code: $c) { code revokedAt revokeNote } }`
	var g struct {
		Certificate *struct {
			Code                  string
			RevokedAt, RevokeNote *string
		}
	}
	e.post(vol, get, map[string]any{"c": c.Code}).ok(t, &g)
	if g.Certificate == nil || g.Certificate.RevokedAt != nil {
		t.Fatalf("own certificate: %+v", g.Certificate)
	}
	e.post(e.login("tural@example.az"), get, map[string]any{"c": c.Code}).ok(t, &g)
	if g.Certificate != nil {
		t.Error("another volunteer sees the certificate")
	}
	const revoke = `mutation($c: String!) { revokeCertificate(code: $c, reason: "wrong period") { revokedAt revokeNote } }`
	e.post(vol, revoke, map[string]any{"c": c.Code}).wantError(t, konullu.EFORBIDDEN, "")
	var rv struct {
		RevokeCertificate struct{ RevokedAt, RevokeNote *string }
	}
	e.post(e.tokens["staff@konullu.az"], revoke, map[string]any{"c": c.Code}).ok(t, &rv)
	if rv.RevokeCertificate.RevokedAt == nil || deref(rv.RevokeCertificate.RevokeNote) != "wrong period" {
		t.Errorf("revoked: %+v", rv)
	}

	// The calendar address is the volunteer's alone, and rotates.
	const url = `query($id: ID!) { volunteer(id: $id) { calendarUrl certificates { code } } }`
	var u struct {
		Volunteer struct {
			CalendarUrl  *string
			Certificates []struct{ Code string }
		}
	}
	e.post(vol, url, map[string]any{"id": gid("Volunteer", e.vol.VolunteerID)}).ok(t, &u)
	first := deref(u.Volunteer.CalendarUrl)
	if !strings.HasPrefix(first, "/calendar/") || !strings.HasSuffix(first, ".ics") || len(u.Volunteer.Certificates) != 1 {
		t.Fatalf("own calendar url %q, certificates %v", first, u.Volunteer.Certificates)
	}
	e.post(e.tokens["staff@konullu.az"], `query($id: ID!) { volunteer(id: $id) { calendarUrl } }`,
		map[string]any{"id": gid("Volunteer", e.vol.VolunteerID)}).ok(t, &u)
	if u.Volunteer.CalendarUrl != nil {
		t.Error("staff see a volunteer's calendar address")
	}
	// The secret is kept as a hash: the address is not shown twice.
	e.post(vol, `query($id: ID!) { volunteer(id: $id) { calendarUrl } }`,
		map[string]any{"id": gid("Volunteer", e.vol.VolunteerID)}).wantError(t, konullu.ECONFLICT, "")
	var rot struct{ RotateCalendarUrl string }
	e.post(vol, `mutation { rotateCalendarUrl }`, nil).ok(t, &rot)
	if rot.RotateCalendarUrl == first || !strings.HasPrefix(rot.RotateCalendarUrl, "/calendar/") {
		t.Errorf("rotated %q (was %q)", rot.RotateCalendarUrl, first)
	}
	// A centre's feed: its coordinators only.
	const centreFeed = `query($c: ID!) { centreCalendarUrl(centreId: $c) }`
	e.post(e.tokens["coord@konullu.az"], centreFeed, map[string]any{"c": gid("Centre", e.centre.ID)}).wantError(t, konullu.EFORBIDDEN, "")
	var cf struct{ CentreCalendarUrl string }
	e.post(e.tokens["coord@konullu.az"], centreFeed, map[string]any{"c": gid("Centre", e.other.ID)}).ok(t, &cf)
	if !strings.HasPrefix(cf.CentreCalendarUrl, "/calendar/") {
		t.Errorf("centre feed %q", cf.CentreCalendarUrl)
	}
	e.post(e.tokens["coord@konullu.az"], centreFeed, map[string]any{"c": gid("Centre", e.other.ID)}).wantError(t, konullu.ECONFLICT, "")
	e.post(e.tokens["coord@konullu.az"], `mutation($c: ID) { rotateCalendarUrl(centreId: $c) }`,
		map[string]any{"c": gid("Centre", e.other.ID)}).ok(t, &rot)
	if rot.RotateCalendarUrl == cf.CentreCalendarUrl || !strings.HasPrefix(rot.RotateCalendarUrl, "/calendar/") {
		t.Errorf("rotated centre feed %q (was %q)", rot.RotateCalendarUrl, cf.CentreCalendarUrl)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
