package schema_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const programmeReportQ = `query($from: DateTime!, $to: DateTime!, $c: ID) { programmeReport(from: $from, to: $to, cohortId: $c) {
	totals { label applied interviewed accepted trained firstShift activeAfter90Days dueFor90Days
		daysToFirstShift { count mean median p25 p75 p90 } }
	byCohort { label cohort { id name } applied interviewed accepted trained firstShift activeAfter90Days
		daysToFirstShift { count median } }
	training courseCompletion { name enrolled completed course { name } }
	expiringQualifications { name valid expiringWithin30Days expiringWithin90Days expired qualification { name } } } }`

// funnelFigures is a row of the funnel as the test reads it.
type funnelFigures struct {
	Label                                               string
	Cohort                                              *struct{ ID, Name string }
	Applied, Interviewed, Accepted, Trained, FirstShift int
	ActiveAfter90Days, DueFor90Days                     int
	DaysToFirstShift                                    struct {
		Count                       int
		Mean, Median, P25, P75, P90 float64
	}
}

// funnelWorld is a small programme with someone at each stage of the
// funnel, in two cohorts: A serves centre a, B serves centre b.
type funnelWorld struct {
	*programme
	cohortA, cohortB *konullu.Cohort
	applied          time.Time // when the applications of the period were made
	from, to         time.Time
}

func newFunnelWorld(t *testing.T) *funnelWorld {
	p := newProgramme(t, "vol")
	ctx := context.Background()
	w := &funnelWorld{programme: p, applied: t0.Add(-200 * 24 * time.Hour)}
	w.from, w.to = t0.Add(-205*24*time.Hour), t0.Add(-100*24*time.Hour)
	cohort := func(name string, centre *konullu.Centre) *konullu.Cohort {
		c := &konullu.Cohort{Name: name, OpensAt: t0.Add(-210 * 24 * time.Hour), ClosesAt: t0.Add(-150 * 24 * time.Hour),
			Places: 10, CentreIDs: []int64{centre.ID}}
		if err := p.db.CreateCohort(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	w.cohortA, w.cohortB = cohort("Payız 2024", p.a), cohort("Gəncə 2024", p.b)
	return w
}

// apply makes an application of name to c at the given time and moves it
// to stage: SUBMITTED, INTERVIEW, REJECTED (after an interview) or
// ACCEPTED. It returns the application (with its volunteer when accepted).
func (w *funnelWorld) apply(c *konullu.Cohort, name string, at time.Time, stage konullu.ApplicationStatus) *konullu.Application {
	w.t.Helper()
	ctx := context.Background()
	a := &konullu.Application{CohortID: c.ID, FullName: "Applicant " + name, Email: name + "@apply.az",
		BirthDate: time.Date(2003, 4, 5, 0, 0, 0, 0, time.UTC), Languages: []konullu.LanguageLevel{{Language: "az", Level: "NATIVE"}},
		PreferredCentreIDs: c.CentreIDs, Motivation: "Kömək etmək istəyirəm.", Language: konullu.DefaultLanguage, CreatedAt: at}
	if _, err := w.db.SubmitApplication(ctx, a); err != nil {
		w.t.Fatal(err)
	}
	if stage == konullu.ApplicationSubmitted {
		return a
	}
	if _, err := w.db.ScheduleInterview(ctx, konullu.InterviewRequest{ApplicationID: a.ID, At: at.Add(48 * time.Hour), Place: "Bakı"}); err != nil {
		w.t.Fatal(err)
	}
	if stage == konullu.ApplicationInterview {
		return a
	}
	d, err := w.db.DecideApplication(ctx, konullu.ApplicationDecisionRequest{ApplicationID: a.ID, Decision: stage,
		TokenHash: []byte(name), TokenExpires: t0.Add(time.Hour)})
	if err != nil {
		w.t.Fatal(err)
	}
	return d.Application
}

// serve gives the application's volunteer a place in a shift at centre c
// starting days after the application; attended records their presence.
func (w *funnelWorld) serve(a *konullu.Application, c *konullu.Centre, days int, attended bool) {
	w.t.Helper()
	s := w.shift(c, w.pos, a.CreatedAt.Add(time.Duration(days)*24*time.Hour), 10, true)
	if attended {
		w.pastWork(s, a.VolunteerID)
	} else {
		w.assignedAhead(s, a.VolunteerID)
	}
}

func (w *funnelWorld) build() {
	A, B := w.cohortA, w.cohortB
	at := w.applied
	w.apply(A, "sub", at, konullu.ApplicationSubmitted)
	w.apply(A, "int", at, konullu.ApplicationInterview)
	w.apply(A, "rej", at, konullu.ApplicationRejected)
	acc := w.apply(A, "acc", at, konullu.ApplicationAccepted) // accepted, never served
	first := w.apply(A, "first", at, konullu.ApplicationAccepted)
	w.serve(first, w.a, 3, false) // a place not attended: not a first shift
	w.serve(first, w.a, 10, true)
	active := w.apply(A, "active", at, konullu.ApplicationAccepted)
	w.serve(active, w.a, 20, true)
	w.serve(active, w.a, 115, true) // 95 days after the first
	w.apply(B, "bsub", at, konullu.ApplicationSubmitted)
	bacc := w.apply(B, "bacc", at, konullu.ApplicationAccepted)
	w.serve(bacc, w.b, 30, true)
	w.serve(bacc, w.b, 100, true) // 70 days after the first: not yet 90
	// Before the period: accepted and active, but not in the report.
	early := w.apply(A, "early", t0.Add(-208*24*time.Hour), konullu.ApplicationAccepted)
	w.serve(early, w.a, 9, true)
	w.serve(early, w.a, 200, true)

	// Training. Qualifications: the ASAN School course's and first aid's
	// (by courses) and English B2 (a coordinator's grant: not training).
	asanQ, aidQ, english := w.qualification("ASAN School basic course"), w.qualification("First aid"), w.qualification("English B2")
	asan, aid := w.course("ASAN School", asanQ), w.course("First aid course", aidQ)
	day := 24 * time.Hour
	// "first" attended the course's session the day after applying (a
	// training session: not a first shift) and passed; theirs expires in 20 days.
	w.session(first, asan, 1, true)
	w.hold(first, asanQ, asan, t0.Add(20*day))
	// "active" passed the ASAN School course (expires in 60 days), holds
	// English by a grant, and has a place in a first-aid session.
	w.hold(active, asanQ, asan, t0.Add(60*day))
	w.hold(active, english, 0, time.Time{})
	w.session(active, aid, 40, false)
	// "bacc" passed first aid, which expired five days ago.
	w.hold(bacc, aidQ, aid, t0.Add(-5*day))
	// "acc" holds English by a grant only: not trained; their place in an
	// ASAN School session was cancelled: not enrolled.
	w.hold(acc, english, 0, time.Time{})
	w.exec(`UPDATE assignments SET status = 'CANCELLED' WHERE id = ?`, w.session(acc, asan, 5, false).ID)
	// Before the period: not counted.
	w.hold(early, asanQ, asan, t0.Add(20*day))
}

// exec runs a statement with times in the database's own form.
func (w *funnelWorld) exec(query string, args ...any) int64 {
	w.t.Helper()
	for i, a := range args {
		if t, ok := a.(time.Time); ok && w.db.Dialect() != "postgres" {
			args[i] = t.UTC().Format("2006-01-02T15:04:05.000000Z")
		}
	}
	if w.db.Dialect() == "postgres" {
		n := 0
		query = regexp.MustCompile(`\?`).ReplaceAllStringFunc(query, func(string) string { n++; return fmt.Sprintf("$%d", n) })
	}
	var id int64
	if strings.Contains(query, "RETURNING") {
		if err := w.db.SQL().QueryRow(query, args...).Scan(&id); err != nil {
			w.t.Fatal(err)
		}
	} else if _, err := w.db.SQL().Exec(query, args...); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// The rows of the training feature are written directly (its API is tested with it).
func (w *funnelWorld) qualification(name string) int64 {
	return w.exec(`INSERT INTO qualifications (name, name_key, created_at) VALUES (?, ?, ?) RETURNING id`, name, strings.ToLower(name), t0)
}

func (w *funnelWorld) course(name string, qualification int64) int64 {
	return w.exec(`INSERT INTO courses (name, qualification_id, created_at) VALUES (?, ?, ?) RETURNING id`, name, qualification, t0)
}

// session gives the application's volunteer a place in a training session of
// the course, days after the application.
func (w *funnelWorld) session(a *konullu.Application, course int64, days int, attended bool) *konullu.Assignment {
	w.t.Helper()
	s := w.shift(w.a, w.pos, a.CreatedAt.Add(time.Duration(days)*24*time.Hour), 10, true)
	w.exec(`UPDATE shifts SET kind = 'TRAINING', course_id = ? WHERE id = ?`, course, s.ID)
	if attended {
		return w.pastWork(s, a.VolunteerID)
	}
	return w.assignedAhead(s, a.VolunteerID)
}

// hold records a qualification held by the application's volunteer: from a
// course (course > 0) or a grant; expires zero: never.
func (w *funnelWorld) hold(a *konullu.Application, qualification, course int64, expires time.Time) {
	source, courseID, exp := "GRANT", any(nil), any(nil)
	if course > 0 {
		source, courseID = "COURSE", course
	}
	if !expires.IsZero() {
		exp = expires
	}
	w.exec(`INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, expires_at, source, course_id)
		VALUES (?, ?, ?, ?, ?, ?)`, a.VolunteerID, qualification, a.CreatedAt.Add(24*time.Hour), exp, source, courseID)
}

func (w *funnelWorld) report(token string, cohort *konullu.Cohort) *result {
	vars := map[string]any{"from": w.from.Format(time.RFC3339), "to": w.to.Format(time.RFC3339)}
	if cohort != nil {
		vars["c"] = gid("Cohort", cohort.ID)
	}
	return w.post(token, programmeReportQ, vars)
}

func TestProgrammeFunnel(t *testing.T) {
	w := newFunnelWorld(t)
	w.build()
	var d struct {
		ProgrammeReport struct {
			Totals           funnelFigures
			ByCohort         []funnelFigures
			Training         bool
			CourseCompletion []struct {
				Name                string
				Enrolled, Completed int
				Course              struct{ Name string }
			}
			ExpiringQualifications []struct {
				Name                                                       string
				Valid, ExpiringWithin30Days, ExpiringWithin90Days, Expired int
				Qualification                                              struct{ Name string }
			}
		}
	}
	w.report(w.staff, nil).ok(t, &d)
	got := d.ProgrammeReport
	tot := got.Totals
	if tot.Label != "total" || tot.Applied != 8 || tot.Interviewed != 6 || tot.Accepted != 4 || tot.FirstShift != 3 ||
		tot.ActiveAfter90Days != 1 || tot.DueFor90Days != 3 || tot.Trained != 3 {
		t.Errorf("totals: %+v", tot)
	}
	if s := tot.DaysToFirstShift; s.Count != 3 || s.Median != 20 || s.P25 != 15 || s.P75 != 25 || s.P90 != 28 || s.Mean != 20 {
		t.Errorf("days to the first shift: %+v", s)
	}
	if len(got.ByCohort) != 2 {
		t.Fatalf("by cohort: %+v", got.ByCohort)
	}
	b, a := got.ByCohort[0], got.ByCohort[1] // by name: Gəncə before Payız
	if a.Label != "Payız 2024" || a.Cohort == nil || a.Cohort.ID != gid("Cohort", w.cohortA.ID) || a.Applied != 6 ||
		a.Interviewed != 5 || a.Accepted != 3 || a.Trained != 2 || a.FirstShift != 2 || a.ActiveAfter90Days != 1 ||
		a.DaysToFirstShift.Count != 2 || a.DaysToFirstShift.Median != 15 {
		t.Errorf("cohort A: %+v", a)
	}
	if b.Label != "Gəncə 2024" || b.Applied != 2 || b.Interviewed != 1 || b.Accepted != 1 || b.Trained != 1 || b.FirstShift != 1 ||
		b.ActiveAfter90Days != 0 || b.DaysToFirstShift.Median != 30 {
		t.Errorf("cohort B: %+v", b)
	}

	if got.Training != true || fmt.Sprint(got.CourseCompletion) != "[{ASAN School 2 2 {ASAN School}} {First aid course 2 1 {First aid course}}]" {
		t.Errorf("courses: %v %+v", got.Training, got.CourseCompletion)
	}
	if fmt.Sprint(got.ExpiringQualifications) != "[{ASAN School basic course 2 1 1 0 {ASAN School basic course}} {English B2 2 0 0 0 {English B2}} {First aid 0 0 0 1 {First aid}}]" {
		t.Errorf("qualifications: %+v", got.ExpiringQualifications)
	}

	// One cohort: the same figures as its row.
	w.report(w.staff, w.cohortB).ok(t, &d)
	if tot := d.ProgrammeReport.Totals; tot.Applied != 2 || tot.Accepted != 1 || tot.FirstShift != 1 || len(d.ProgrammeReport.ByCohort) != 1 ||
		fmt.Sprint(d.ProgrammeReport.CourseCompletion) != "[{First aid course 1 1 {First aid course}}]" ||
		fmt.Sprint(d.ProgrammeReport.ExpiringQualifications) != "[{First aid 0 0 0 1 {First aid}}]" {
		t.Errorf("cohort B alone: %+v", d.ProgrammeReport)
	}

	t.Run("rights", func(t *testing.T) {
		// A coordinator of centre a sees cohort A (which serves it), alone when nothing is asked.
		w.report(w.coordA, nil).ok(t, &d)
		if tot := d.ProgrammeReport.Totals; tot.Applied != 6 || len(d.ProgrammeReport.ByCohort) != 1 {
			t.Errorf("coordinator A's report: %+v", d.ProgrammeReport)
		}
		w.report(w.coordA, w.cohortA).ok(t, &d)
		// Not cohort B, which serves only centre b; a volunteer nothing; nobody anonymously.
		w.report(w.coordA, w.cohortB).wantError(t, konullu.EFORBIDDEN, "")
		w.report(w.tokens["vol"], nil).wantError(t, konullu.EFORBIDDEN, "")
		w.report(w.tokens["vol"], w.cohortA).wantError(t, konullu.EFORBIDDEN, "")
		w.report("", nil).wantError(t, konullu.EUNAUTHENTICATED, "")
		w.report(w.admin, nil).ok(t, &d)
		if d.ProgrammeReport.Totals.Applied != 8 {
			t.Errorf("admin's report: %+v", d.ProgrammeReport.Totals)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		q := func(from, to string, cohort any) *result {
			return w.post(w.staff, programmeReportQ, map[string]any{"from": from, "to": to, "c": cohort})
		}
		q(w.to.Format(time.RFC3339), w.from.Format(time.RFC3339), nil).wantError(t, konullu.EINVALID, "to")
		q("2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z", nil).wantError(t, konullu.EINVALID, "to")
		q("1990-01-01T00:00:00Z", "1991-01-01T00:00:00Z", nil).wantError(t, konullu.EINVALID, "from")
		q(w.from.Format(time.RFC3339), w.to.Format(time.RFC3339), gid("Centre", 1)).wantError(t, konullu.EINVALID, "cohortId")
		q(w.from.Format(time.RFC3339), w.to.Format(time.RFC3339), gid("Cohort", 999)).wantError(t, konullu.ENOTFOUND, "cohortId")
	})
}

func TestSummariseDays(t *testing.T) {
	s := konullu.SummariseDays([]float64{4, 1, 3, 2})
	if fmt.Sprint(s) != "{4 2.5 2.5 1.8 3.3 3.7}" {
		t.Errorf("summary: %+v", s)
	}
	if s := konullu.SummariseDays(nil); s != (konullu.DaysSummary{}) {
		t.Errorf("empty: %+v", s)
	}
}
