package schema_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/schema"
)

// intakeMailer is the server's mailer: reset links and the programme's
// emails through notify's SMTP sender.
type intakeMailer struct{ smtpMailer }

func (m intakeMailer) SendProgrammeMail(ctx context.Context, to konullu.Recipient, pm konullu.ProgrammeMail) error {
	return m.s.SendNow(ctx, to, notify.ProgrammeMessage(to.Language, to.Name, pm))
}

func newIntakeEnv(t *testing.T, configure func(*schema.Config)) *accountEnv {
	return newAccountEnv(t, func(c *schema.Config) {
		c.Mailer = intakeMailer{c.Mailer.(smtpMailer)}
		if configure != nil {
			configure(c)
		}
	})
}

// subjects decodes the Subject of each email (MIME encoded words).
func subjects(t *testing.T, raws []string) []string {
	t.Helper()
	var out []string
	dec := new(mime.WordDecoder)
	for _, raw := range raws {
		m, err := mail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("not an email: %v\n%s", err, raw)
		}
		s, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s+" → "+strings.Join(m.Header["To"], ","))
	}
	return out
}

// mark waits for the emails being sent and returns how many arrived.
func (e *accountEnv) mark() int {
	e.wait()
	return len(e.inbox.all())
}

// mailsFrom waits for the background sends and returns the emails from n on.
func (e *accountEnv) mailsFrom(n int) []string {
	e.wait()
	return e.inbox.all()[n:]
}

const (
	createCohortQ = `mutation($i: CohortInput!) { createCohort(input: $i) { id name open places centres { name } } }`
	submitQ       = `mutation($i: ApplicationInput!) { submitApplication(input: $i) { id status ageAtSubmission email guardianName cohort { name } } }`
	boardQ        = `query($c: ID!, $s: [ApplicationStatus!], $q: String, $first: Int, $after: String) {
		applicationConnection(cohortId: $c, status: $s, search: $q, first: $first, after: $after) {
			totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id fullName email phone guardianContact status } } } }`
	interviewQ = `mutation($a: ID!, $at: DateTime!, $p: String!) { scheduleInterview(applicationId: $a, at: $at, place: $p) { status interviewAt interviewPlace } }`
	decideQ    = `mutation($a: ID!, $d: ApplicationDecision!, $n: String, $g: Boolean) {
		decideApplication(applicationId: $a, decision: $d, note: $n, guardianConsentSeen: $g) { status decisionNote volunteer { id fullName } } }`
)

type intakeWorld struct {
	e                    *accountEnv
	centre, other        *konullu.Centre
	staff, coord, coordB string
	volunteer            string
	cohortID             string
}

func newIntakeWorld(t *testing.T, places int, configure func(*schema.Config)) *intakeWorld {
	e := newIntakeEnv(t, configure)
	w := &intakeWorld{e: e}
	w.centre = e.centre("Bakı 1 saylı ASAN xidmət", "Asia/Baku")
	w.other = e.centre("Gəncə ASAN xidmət", "Asia/Baku")
	staff := e.account("staff@example.az", "Staff Person")
	e.grant(staff, konullu.RoleStaff)
	coord := e.account("coord@example.az", "Coordinator A")
	e.grant(coord, konullu.RoleCoordinator, w.centre.ID)
	coordB := e.account("coordb@example.az", "Coordinator B")
	e.grant(coordB, konullu.RoleCoordinator, w.other.ID)
	e.account("vol@example.az", "Plain Volunteer")
	w.staff, w.coord, w.coordB, w.volunteer = e.login("staff@example.az"), e.login("coord@example.az"), e.login("coordb@example.az"), e.login("vol@example.az")
	in := map[string]any{"name": "Payız 2025", "opensAt": t0.Add(-24 * time.Hour).Format(time.RFC3339),
		"closesAt": t0.Add(30 * 24 * time.Hour).Format(time.RFC3339), "places": places, "centreIds": []string{gid("Centre", w.centre.ID)}}
	e.post(w.volunteer, createCohortQ, map[string]any{"i": in}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(w.coord, createCohortQ, map[string]any{"i": in}).wantError(t, konullu.EFORBIDDEN, "")
	var d struct {
		CreateCohort struct {
			ID   string
			Open bool
		}
	}
	e.post(w.staff, createCohortQ, map[string]any{"i": in}).ok(t, &d)
	if !d.CreateCohort.Open {
		t.Fatalf("the cohort is not open: %+v", d)
	}
	w.cohortID = d.CreateCohort.ID
	return w
}

func (w *intakeWorld) application(email, name, birth string, extra map[string]any) map[string]any {
	in := map[string]any{"cohortId": w.cohortID, "fullName": name, "email": email, "phone": "+994 50 555 12 34",
		"birthDate": birth, "languages": []map[string]any{{"language": "Azərbaycan", "level": "native"}, {"language": "English", "level": "B2"}},
		"preferredCentreIds": []string{gid("Centre", w.centre.ID)}, "motivation": "Kömək etmək istəyirəm.", "language": "az",
		"preferredTimes": []map[string]any{{"weekday": 6, "start": "10:00", "end": "14:00"}}}
	for k, v := range extra {
		in[k] = v
	}
	return map[string]any{"i": in}
}

// TestIntake walks an application from the public form to a volunteer who
// signs in with the link of the acceptance email and finds their profile.
func TestIntake(t *testing.T) {
	w := newIntakeWorld(t, 5, nil)
	e := w.e
	// Public: the open cohorts, for the form.
	var cs struct {
		Cohorts []struct {
			Name             string
			AcceptedCount    *int
			ApplicationCount []any `json:"applicationCounts"`
		}
	}
	e.post("", `{ cohorts(openOnly: true) { name acceptedCount applicationCounts { status count } } }`, nil).ok(t, &cs)
	if len(cs.Cohorts) != 1 || cs.Cohorts[0].AcceptedCount != nil || len(cs.Cohorts[0].ApplicationCount) != 0 {
		t.Fatalf("public cohorts: %+v", cs)
	}

	// A 17-year-old (born 2007-06-01; 17 on 10 March 2025) must name a guardian.
	minor := "2007-06-01"
	e.post("", submitQ, w.application("Leyla@Example.az", "Ləylа Əliyeva", minor, nil)).wantError(t, konullu.EINVALID, "guardianName")
	e.post("", submitQ, w.application("leyla@example.az", "Ləyla Əliyeva", minor, map[string]any{"guardianName": "Nigar Əliyeva"})).
		wantError(t, konullu.EINVALID, "guardianContact")
	e.post("", submitQ, w.application("leyla@example.az", "Ləyla Əliyeva", minor, map[string]any{"preferredCentreIds": []string{gid("Centre", w.other.ID)},
		"guardianName": "Nigar Əliyeva", "guardianContact": "+994 55 111 22 33"})).wantError(t, konullu.EINVALID, "preferredCentreIds")
	e.post("", submitQ, w.application("leyla@example.az", "Ləyla Əliyeva", minor, map[string]any{"languages": []map[string]any{{"language": "English", "level": "fluent"}},
		"guardianName": "Nigar Əliyeva", "guardianContact": "+994 55 111 22 33"})).wantError(t, konullu.EINVALID, "languages")
	before := e.mark()
	var sub struct {
		SubmitApplication struct {
			ID              string
			Status          string
			AgeAtSubmission int
			Email           string
		}
	}
	e.post("", submitQ, w.application("Leyla@Example.az", "Ləyla Əliyeva", minor, map[string]any{
		"guardianName": "Nigar Əliyeva", "guardianContact": "+994 55 111 22 33"})).ok(t, &sub)
	app := sub.SubmitApplication
	if app.Status != "SUBMITTED" || app.AgeAtSubmission != 17 || app.Email != "leyla@example.az" {
		t.Fatalf("submitted: %+v", app)
	}
	if got := subjects(t, e.mailsFrom(before)); len(got) != 1 || !strings.Contains(got[0], "müraciətiniz qəbul olundu") || !strings.Contains(got[0], "leyla@example.az") {
		t.Fatalf("receipt emails: %q", got)
	}
	// The same email again (any case) is caught; the owner is told.
	before = e.mark()
	e.post("", submitQ, w.application("LEYLA@example.az", "Someone Else", "2000-01-01", nil)).wantError(t, konullu.ECONFLICT, "email")
	if got := subjects(t, e.mailsFrom(before)); len(got) != 1 || !strings.Contains(got[0], "artıq müraciət var") {
		t.Fatalf("duplicate emails: %q", got)
	}
	// An adult in English.
	e.post("", submitQ, w.application("tom@example.org", "Tom Baker", "1999-02-02", map[string]any{"language": "en"})).ok(t, nil)

	// The board: staff and the cohort's coordinators, nobody else.
	vars := map[string]any{"c": w.cohortID}
	e.post("", boardQ, vars).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(w.volunteer, boardQ, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post(w.coordB, boardQ, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post(w.coordB, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": app.ID}).ok(t, nil)
	type board struct {
		ApplicationConnection struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
			Edges []struct {
				Node struct {
					ID, FullName, Email, Status string
					GuardianContact             *string
				}
			}
		}
	}
	var b board
	e.post(w.coord, boardQ, map[string]any{"c": w.cohortID, "first": 1}).ok(t, &b)
	if b.ApplicationConnection.TotalCount != 2 || !b.ApplicationConnection.PageInfo.HasNextPage || b.ApplicationConnection.Edges[0].Node.FullName != "Tom Baker" {
		t.Fatalf("first page: %+v", b)
	}
	e.post(w.coord, boardQ, map[string]any{"c": w.cohortID, "first": 1, "after": b.ApplicationConnection.PageInfo.EndCursor}).ok(t, &b)
	if n := b.ApplicationConnection.Edges[0].Node; n.FullName != "Ləyla Əliyeva" || n.GuardianContact == nil || n.Email != "leyla@example.az" {
		t.Fatalf("second page: %+v", b)
	}
	e.post(w.staff, boardQ, map[string]any{"c": w.cohortID, "q": "ƏLİYEVA"}).ok(t, &b)
	if b.ApplicationConnection.TotalCount != 1 {
		t.Fatalf("search by upper-case Azerbaijani: %+v", b)
	}
	e.post(w.staff, boardQ, map[string]any{"c": w.cohortID, "q": "%"}).ok(t, &b)
	if b.ApplicationConnection.TotalCount != 0 {
		t.Fatalf("a %% is matched literally: %+v", b)
	}
	e.post(w.staff, boardQ, map[string]any{"c": w.cohortID, "s": []string{"INTERVIEW"}}).ok(t, &b)
	if b.ApplicationConnection.TotalCount != 0 {
		t.Fatalf("status filter: %+v", b)
	}
	e.post(w.staff, boardQ, map[string]any{"c": w.cohortID, "after": "bm9wZQ"}).wantError(t, konullu.EINVALID, "after")

	// Interview: not by others, not in the past; the applicant is told in Azerbaijani.
	at := t0.Add(3 * 24 * time.Hour).Format(time.RFC3339)
	e.post(w.coordB, interviewQ, map[string]any{"a": app.ID, "at": at, "p": "Bakı 1, otaq 3"}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(w.coord, decideQ, map[string]any{"a": app.ID, "d": "ACCEPTED"}).wantError(t, konullu.ECONFLICT, "decision")
	e.post(w.coord, interviewQ, map[string]any{"a": app.ID, "at": t0.Add(-time.Hour).Format(time.RFC3339), "p": "x"}).wantError(t, konullu.EINVALID, "at")
	before = e.mark()
	e.post(w.coord, interviewQ, map[string]any{"a": app.ID, "at": at, "p": "Bakı 1, otaq 3"}).ok(t, nil)
	mails := e.mailsFrom(before)
	if got := subjects(t, mails); len(got) != 1 || !strings.Contains(got[0], "müsahibəyə dəvət") {
		t.Fatalf("interview emails: %q", got)
	}
	if !strings.Contains(mails[0], "Content-Language: az") {
		t.Errorf("interview email not marked az:\n%s", mails[0])
	}

	// Accept: the account is made from the application, with the guardian's consent seen at the interview.
	e.post(w.coordB, decideQ, map[string]any{"a": app.ID, "d": "ACCEPTED"}).wantError(t, konullu.EFORBIDDEN, "")
	before = e.mark()
	var dec struct {
		DecideApplication struct {
			Status    string
			Volunteer struct{ ID, FullName string }
		}
	}
	e.post(w.staff, decideQ, map[string]any{"a": app.ID, "d": "ACCEPTED", "n": "Xoş gəldiniz!", "g": true}).ok(t, &dec)
	if dec.DecideApplication.Status != "ACCEPTED" || dec.DecideApplication.Volunteer.FullName != "Ləyla Əliyeva" {
		t.Fatalf("decided: %+v", dec)
	}
	mails = e.mailsFrom(before)
	if got := subjects(t, mails); len(got) != 1 || !strings.Contains(got[0], "qəbul olundunuz") {
		t.Fatalf("acceptance emails: %q", got)
	}
	e.post(w.staff, decideQ, map[string]any{"a": app.ID, "d": "REJECTED"}).wantError(t, konullu.ECONFLICT, "decision")
	base, token := link(t, mails[0])
	if base != "https://konullu.example" {
		t.Errorf("link base %q", base)
	}
	var reset struct{ ResetPassword struct{ Token string } }
	e.post("", resetPw, map[string]any{"t": token, "p": "Ləylanın yeni şifrəsi"}).ok(t, &reset)
	var me struct {
		Me struct {
			Email     string
			Volunteer struct {
				FullName, Phone, BirthDate, Status string
				Languages                          []string
				GuardianConsent                    *struct{ GuardianName string }
				Availability                       struct{ Weekly []struct{ Weekday int } }
				Commitment                         struct{ PreferredCentres []struct{ Name string } }
			}
		}
	}
	e.post(e.login2("leyla@example.az", "Ləylanın yeni şifrəsi"), `{ me { email volunteer { fullName phone birthDate status languages
		guardianConsent { guardianName } availability { weekly { weekday } } commitment { preferredCentres { name } } } } }`, nil).ok(t, &me)
	v := me.Me.Volunteer
	if v.FullName != "Ləyla Əliyeva" || v.Phone != "+994 50 555 12 34" || v.BirthDate != minor || v.Status != "ACTIVE" ||
		len(v.Languages) != 2 || v.GuardianConsent == nil || v.GuardianConsent.GuardianName != "Nigar Əliyeva" ||
		len(v.Availability.Weekly) != 1 || len(v.Commitment.PreferredCentres) != 1 {
		t.Fatalf("profile: %+v", me)
	}

	// Every change is in the audit trail, with the application before and after.
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log l JOIN audit_changes c ON c.audit_id = l.id
		WHERE c.kind = 'Application' AND l.action IN ('submitApplication', 'scheduleInterview', 'decideApplication')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 4 {
		t.Errorf("%d audited application changes, want at least 4", n)
	}
}

// TestIntakeDecisions: places are a limit; an existing account is
// activated without its profile overwritten and gets a sign-in link; a
// refusal is told in English to an English applicant.
func TestIntakeDecisions(t *testing.T) {
	w := newIntakeWorld(t, 1, func(c *schema.Config) { c.Rules.RequireApproval = true })
	e := w.e
	u := e.account("owner@example.az", "Real Owner")
	if _, err := e.db.SetVolunteerStatus(context.Background(), u.VolunteerID, konullu.VolunteerPending); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, p := range []struct{ email, name, lang string }{{"owner@example.az", "Impostor Name", "az"}, {"second@example.az", "Second", "en"}, {"third@example.az", "Third", "ru"}} {
		var sub struct{ SubmitApplication struct{ ID string } }
		e.post("", submitQ, w.application(p.email, p.name, "1998-01-01", map[string]any{"language": p.lang})).ok(t, &sub)
		ids[p.email] = sub.SubmitApplication.ID
		e.post(w.staff, interviewQ, map[string]any{"a": sub.SubmitApplication.ID, "at": t0.Add(time.Hour).Format(time.RFC3339), "p": "Bakı"}).ok(t, nil)
	}
	before := e.mark()
	e.post(w.staff, decideQ, map[string]any{"a": ids["owner@example.az"], "d": "ACCEPTED"}).ok(t, nil)
	mails := e.mailsFrom(before)
	if len(mails) != 1 || strings.Contains(mails[0], "reset-password") || !strings.Contains(mails[0], "https://konullu.example/login") {
		t.Fatalf("an account with a password gets a sign-in link, no reset link:\n%s", mails)
	}
	vols, _ := e.db.VolunteersByIDs(context.Background(), []int64{u.VolunteerID})
	if v := vols[u.VolunteerID]; v.FullName != "Real Owner" || v.Status != konullu.VolunteerActive {
		t.Fatalf("existing account: %+v", v)
	}
	// One place: the next acceptance is refused; the waitlist takes it.
	e.post(w.staff, decideQ, map[string]any{"a": ids["second@example.az"], "d": "ACCEPTED"}).wantError(t, konullu.ECONFLICT, "decision")
	e.post(w.staff, decideQ, map[string]any{"a": ids["second@example.az"], "d": "WAITLISTED"}).ok(t, nil)
	before = e.mark()
	e.post(w.coord, decideQ, map[string]any{"a": ids["third@example.az"], "d": "REJECTED", "n": "Мест нет"}).ok(t, nil)
	if got := subjects(t, e.mailsFrom(before)); len(got) != 1 || !strings.Contains(got[0], "о вашей заявке") {
		t.Fatalf("refusal emails: %q", got)
	}
	var cs struct {
		Cohort struct {
			AcceptedCount     int
			ApplicationCounts []struct {
				Status string
				Count  int
			}
		}
	}
	e.post(w.coord, `query($id: ID!) { cohort(id: $id) { acceptedCount applicationCounts { status count } } }`, map[string]any{"id": w.cohortID}).ok(t, &cs)
	if cs.Cohort.AcceptedCount != 1 {
		t.Fatalf("counts: %+v", cs)
	}
}

// TestIntakeRateLimits: the public form is limited per email (duplicates
// count) and per address, with RATE_LIMITED and the wait.
func TestIntakeRateLimits(t *testing.T) {
	lim := newTestLimiter(t)
	w := newIntakeWorld(t, 5, func(c *schema.Config) { c.Limiter = intakeLimiter{lim} })
	e := w.e
	stamp := time.Now().UnixNano() // the Redis of the tests is shared between runs
	email := "probe" + strings.ReplaceAll(time.Unix(0, stamp).Format("150405.000000000"), ".", "") + "@example.az"
	codes := []string{}
	for i := range 4 {
		r := e.postAs("10.0.0."+string(rune('1'+i))+":1234", "", "", submitQ, w.application(email, "Probe", "2000-01-01", nil))
		codes = append(codes, r.code())
	}
	if strings.Join(codes, ",") != ",CONFLICT,CONFLICT,RATE_LIMITED" {
		t.Fatalf("codes per email: %v", codes)
	}
	codes = codes[:0]
	// A random address: the seconds of the clock collided with an earlier
	// run inside the hour the limit remembers.
	r := make([]byte, 3)
	rand.Read(r)
	addr := fmt.Sprintf("10.%d.%d.%d:999", r[0], r[1], r[2])
	for i := range 11 {
		r := e.postAs(addr, "", "", submitQ, w.application("many"+string(rune('a'+i))+email, "Many", "2000-01-01", nil))
		codes = append(codes, r.code())
	}
	if codes[9] != "" || codes[10] != konullu.ERATELIMITED {
		t.Fatalf("codes per address: %v", codes)
	}
}

// intakeLimiter adds the form's rules to the test limiter.
type intakeLimiter struct{ limiterOf }

func (l intakeLimiter) Allow(ctx context.Context, rule, key string, n int) (bool, time.Duration) {
	var lim ratelimit.Limit
	switch rule {
	case schema.RuleApplyAddress:
		lim = l.rules.ApplyAddress
	case schema.RuleApplyEmail:
		lim = l.rules.ApplyEmail
	default:
		return l.limiterOf.Allow(ctx, rule, key, n)
	}
	d := l.l.AllowN(ctx, ratelimit.Rule{Name: rule, Limit: lim}, key, n)
	return d.Allowed, d.RetryAfter
}
