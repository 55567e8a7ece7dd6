package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// Existing free-text skills become qualifications without validity, held
// and required as before.
func TestSkillsMigrateToQualifications(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if err := f.db.MigrateDownTo(ctx, 15); err != nil {
		t.Fatalf("down to 15: %v", err)
	}
	v := f.volunteer()
	w := f.volunteer()
	if err := f.db.Exec(`UPDATE volunteers SET skills = ? WHERE id = ?`, `["First aid", "english"]`, v); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Exec(`UPDATE volunteers SET skills = ? WHERE id = ?`, `["English "]`, w); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Exec(`UPDATE positions SET required_skills = ? WHERE id = ?`, `["first aid"]`, f.position.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	qs, err := f.db.Qualifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, q := range qs {
		names = append(names, q.Name)
		if q.ValidityMonths != 0 {
			t.Errorf("%s has a validity", q.Name)
		}
	}
	if len(names) != 2 || !slices.Contains(names, "First aid") {
		t.Fatalf("qualifications %v, want one per skill without case", names)
	}
	held, err := f.db.HeldQualifications(ctx, []int64{v, w})
	if err != nil || len(held[v]) != 2 || len(held[w]) != 1 {
		t.Fatalf("held %v %v", held, err)
	}
	req, err := f.db.PositionQualifications(ctx, []int64{f.position.ID})
	if err != nil || len(req[f.position.ID]) != 1 {
		t.Fatalf("required %v %v", req, err)
	}
	// The rule decides with them: w lacks first aid, v holds it.
	s := f.shift(24*time.Hour, time.Hour, 2)
	_, err = f.db.SignUp(ctx, s.ID, w, false)
	wantQualifications(t, err, []string{"First aid"}, nil)
	if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
		t.Fatal(err)
	}
}

func wantQualifications(t *testing.T, err error, unmet, expiring []string) {
	t.Helper()
	e, ok := err.(*konullu.Error)
	if !ok || e.Code != konullu.EREQUIREMENT {
		t.Fatalf("want REQUIREMENT_NOT_MET, got %v", err)
	}
	if got, _ := e.Extensions["qualifications"].([]string); !slices.Equal(got, unmet) {
		t.Errorf("qualifications %v, want %v", got, unmet)
	}
	if expiring == nil {
		expiring = []string{}
	}
	if got, _ := e.Extensions["expiring"].([]string); !slices.Equal(got, expiring) {
		t.Errorf("expiring %v, want %v", got, expiring)
	}
}

func (f *fixture) qualification(name string, months int) *konullu.Qualification {
	f.t.Helper()
	q := &konullu.Qualification{Name: name, ValidityMonths: months, Names: map[string]string{"az": name + " (az)"}}
	if err := f.db.CreateQualification(context.Background(), q); err != nil {
		f.t.Fatal(err)
	}
	return q
}

func TestQualificationRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	aid := f.qualification("First aid", 1)
	if err := f.db.CreateQualification(ctx, &konullu.Qualification{Name: "FIRST AID "}); konullu.ErrorCode(err) != konullu.ECONFLICT {
		t.Fatalf("a second qualification of the same name: %v", err)
	}
	if err := f.db.SetPositionQualifications(ctx, f.position.ID, []int64{aid.ID}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPositionQualifications(ctx, f.position.ID, []int64{aid.ID, 999999}); konullu.ErrorCode(err) != konullu.ENOTFOUND {
		t.Fatalf("an unknown qualification: %v", err)
	}
	ps, _ := f.db.PositionsByIDs(ctx, []int64{f.position.ID})
	if !slices.Equal(ps[f.position.ID].RequiredSkills, []string{"First aid"}) {
		t.Fatalf("required skills follow: %v", ps[f.position.ID].RequiredSkills)
	}
	v := f.volunteer()
	soon := f.shift(24*time.Hour, 2*time.Hour, 3)
	late := f.shift(40*24*time.Hour, 2*time.Hour, 3)

	_, err := f.db.SignUp(ctx, soon.ID, v, false)
	wantQualifications(t, err, []string{"First aid"}, nil)
	_, err = f.db.SignUp(ctx, soon.ID, v, true) // a coordinator's assignment too
	wantQualifications(t, err, []string{"First aid"}, nil)

	h, err := f.db.GrantQualification(ctx, v, aid.ID, 0, "certificate no. 17 seen")
	if err != nil {
		t.Fatal(err)
	}
	if want := monday.AddDate(0, 1, 0); !h.ExpiresAt.Equal(want) || h.Note != "certificate no. 17 seen" || h.Source != konullu.QualificationByGrant {
		t.Fatalf("grant %+v, want expiry %v", h, want)
	}
	if _, err := f.db.SignUp(ctx, soon.ID, v, false); err != nil {
		t.Fatal(err)
	}
	// Held, but it expires before the later shift ends.
	_, err = f.db.SignUp(ctx, late.ID, v, false)
	wantQualifications(t, err, []string{"First aid"}, []string{"First aid"})
	ok, err := f.db.QualifiedVolunteers(ctx, []int64{v}, []string{"first aid"}, late.EndsAt)
	if err != nil || len(ok) != 0 {
		t.Fatalf("matching keeps an expiring holder: %v %v", ok, err)
	}
	ok, _ = f.db.QualifiedVolunteers(ctx, []int64{v}, []string{"first aid"}, soon.EndsAt)
	if len(ok) != 1 {
		t.Fatalf("matching leaves out a holder: %v", ok)
	}
	if _, err := f.db.GrantQualification(ctx, v, 999999, 0, ""); konullu.ErrorCode(err) != konullu.ENOTFOUND {
		t.Fatalf("an unknown qualification: %v", err)
	}
	// The volunteer as read carries the expiry.
	vs, _ := f.db.VolunteersByIDs(ctx, []int64{v})
	if exp := vs[v].QualificationExpiry["First aid"]; !exp.Equal(h.ExpiresAt) {
		t.Fatalf("expiry on the profile %v, want %v", exp, h.ExpiresAt)
	}
}

func TestCoursePassed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	basic := f.qualification("ASAN School basic course", 0)
	c := &konullu.Course{Name: "Basic course, December", QualificationID: basic.ID}
	if err := f.db.CreateCourse(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateCourse(ctx, &konullu.Course{Name: "x", QualificationID: 999999}); konullu.ErrorCode(err) != konullu.ENOTFOUND {
		t.Fatalf("a course of an unknown qualification: %v", err)
	}
	v := f.volunteer()
	if _, err := f.db.MarkCoursePassed(ctx, c.ID, v, 0); konullu.ErrorCode(err) != konullu.EREQUIREMENT {
		t.Fatalf("a course without sessions: %v", err)
	}
	var sessions []*konullu.Shift
	for i := range 2 {
		start := monday.Add(time.Duration(i+1) * 24 * time.Hour)
		s, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 5, Publish: true,
			Kind: konullu.ShiftTraining, CourseID: c.ID, Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		if s[0].Kind != konullu.ShiftTraining || s[0].CourseID != c.ID {
			t.Fatalf("session %+v", s[0])
		}
		sessions = append(sessions, s[0])
	}
	if _, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 5,
		Kind: konullu.ShiftTraining, CourseID: 999999, Periods: []konullu.Period{{StartsAt: monday.Add(time.Hour), EndsAt: monday.Add(2 * time.Hour)}}}); konullu.ErrorCode(err) != konullu.ENOTFOUND {
		t.Fatalf("a session of an unknown course: %v", err)
	}
	got, err := f.db.CourseSessions(ctx, []int64{c.ID})
	if err != nil || !slices.Equal(got[c.ID], []int64{sessions[0].ID, sessions[1].ID}) {
		t.Fatalf("sessions %v %v", got, err)
	}
	var assignments []int64
	for _, s := range sessions {
		a, err := f.db.SignUp(ctx, s.ID, v, false)
		if err != nil {
			t.Fatal(err)
		}
		assignments = append(assignments, a.ID)
	}
	// The first session attended (recorded by the coordinator), the second not yet.
	f.clock.Set(monday.Add(3 * 24 * time.Hour))
	s0 := sessions[0]
	if _, err := f.db.RecordAttendance(ctx, assignments[0], s0.StartsAt, s0.EndsAt); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.MarkCoursePassed(ctx, c.ID, v, 0)
	e, _ := err.(*konullu.Error)
	if e == nil || e.Code != konullu.EREQUIREMENT || !slices.Equal(e.Extensions["missedSessions"].([]int64), []int64{sessions[1].ID}) {
		t.Fatalf("one session missed: %v %+v", err, e)
	}
	s1 := sessions[1]
	if _, err := f.db.RecordAttendance(ctx, assignments[1], s1.StartsAt, s1.EndsAt); err != nil {
		t.Fatal(err)
	}
	h, err := f.db.MarkCoursePassed(ctx, c.ID, v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.Source != konullu.QualificationByCourse || h.CourseID != c.ID || !h.ExpiresAt.IsZero() {
		t.Fatalf("held %+v", h)
	}
	held, _ := f.db.HeldQualifications(ctx, []int64{v})
	if len(held[v]) != 1 || held[v][0].QualificationID != basic.ID {
		t.Fatalf("held %v", held[v])
	}

	// Training is credited apart from service: a service shift of an hour
	// beside the two two-hour sessions.
	service := f.shift(-30*time.Hour, time.Hour, 2)
	f.pastWork(service, v, service.StartsAt, service.EndsAt)
	vs, _ := f.db.VolunteersByIDs(ctx, []int64{v})
	tm, _ := f.db.TrainingMinutes(ctx, []int64{v})
	if vs[v].TotalMinutes != 60 || tm[v] != 240 {
		t.Fatalf("service %d, training %d minutes; want 60 and 240", vs[v].TotalMinutes, tm[v])
	}
	q := konullu.ReportQuery{From: monday.AddDate(0, 0, -7), To: monday.AddDate(0, 0, 7), Location: time.UTC}
	var hours []konullu.VolunteerHours
	if err := f.db.ExportVolunteerHours(ctx, q, func(h *konullu.VolunteerHours) error { hours = append(hours, *h); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(hours) != 1 || hours[0].Minutes != 60 || hours[0].TrainingMinutes != 240 || hours[0].Attended != 1 {
		t.Fatalf("volunteer hours %+v", hours)
	}
	kinds := map[konullu.ShiftKind]int{}
	if err := f.db.ExportParticipation(ctx, q, func(r *konullu.ParticipationRecord) error { kinds[r.Kind]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if kinds[konullu.ShiftTraining] != 2 || kinds[konullu.ShiftService] != 1 {
		t.Fatalf("participation kinds %v", kinds)
	}
}

// Grants and signups of one volunteer at once: whatever the order, the
// signup decides with the qualifications as committed (the volunteer's
// row orders them), and every grant is kept once.
func TestGrantRace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	aid := f.qualification("First aid", 0)
	if err := f.db.SetPositionQualifications(ctx, f.position.ID, []int64{aid.ID}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		v := f.volunteer()
		s := f.shift(24*time.Hour, time.Hour, 1)
		var wg sync.WaitGroup
		var signErr, grantErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, signErr = f.db.SignUp(ctx, s.ID, v, false) }()
		go func() { defer wg.Done(); _, grantErr = f.db.GrantQualification(ctx, v, aid.ID, 0, "seen") }()
		wg.Wait()
		if grantErr != nil {
			t.Fatal(grantErr)
		}
		if signErr != nil && konullu.ErrorCode(signErr) != konullu.EREQUIREMENT {
			t.Fatal(signErr)
		}
		if signErr != nil {
			if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
				t.Fatalf("after the grant: %v", err)
			}
		}
	}
}

func TestExpiryWarnings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	aid := f.qualification("First aid", 1)
	v := f.volunteer()
	h, err := f.db.GrantQualification(ctx, v, aid.ID, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := monday.Add(5 * 24 * time.Hour) // 26 days or so before the expiry
	list, err := f.db.ExpiringQualifications(ctx, now, konullu.ExpiryWarning, 100)
	if err != nil || len(list) != 1 || list[0].Qualification.Name != "First aid" {
		t.Fatalf("expiring %v %v", list, err)
	}
	if !list[0].GrantedAt.Equal(h.GrantedAt) {
		t.Fatalf("listed grant %v, want %v", list[0].GrantedAt, h.GrantedAt)
	}
	first, err := f.db.MarkExpiryWarned(ctx, list[0], now)
	second, err2 := f.db.MarkExpiryWarned(ctx, list[0], now)
	if err != nil || err2 != nil || !first || second {
		t.Fatalf("warned once: %v %v %v %v", first, second, err, err2)
	}
	if list, _ := f.db.ExpiringQualifications(ctx, now, konullu.ExpiryWarning, 100); len(list) != 0 {
		t.Fatalf("warned again: %v", list)
	}
}

// A letter names the qualifications held at its issue, in its language;
// an expired one is left out.
func TestLetterNamesQualifications(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	aid := f.qualification("First aid", 1)
	b2 := f.qualification("English B2", 0)
	v := f.volunteer()
	for _, q := range []*konullu.Qualification{aid, b2} {
		if _, err := f.db.GrantQualification(ctx, v, q.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	l := &konullu.RecommendationLetter{VolunteerID: v, Language: konullu.LanguageAz, Text: "A careful and kind volunteer, recommended."}
	if err := f.db.IssueLetter(ctx, l); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Qualifications, []string{"English B2 (az)", "First aid (az)"}) {
		t.Fatalf("letter names %v", l.Qualifications)
	}
	f.clock.Set(monday.AddDate(0, 2, 0)) // first aid has expired
	l = &konullu.RecommendationLetter{VolunteerID: v, Language: konullu.LanguageEn, Text: "A careful and kind volunteer, recommended."}
	if err := f.db.IssueLetter(ctx, l); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Qualifications, []string{"English B2"}) {
		t.Fatalf("letter names %v", l.Qualifications)
	}
}

// TestSkillNamedAtOnce: volunteers given the same new skill at the same time
// (the demo seeds them in parallel) all end up holding one qualification of
// that name; on PostgreSQL the second insert once failed on the unique key.
func TestSkillNamedAtOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var vols []int64
	for range 8 {
		vols = append(vols, f.volunteer())
	}
	for round := range 3 {
		name := []string{"Sign language", "Braille", "Azerbaijani sign language"}[round]
		var wg sync.WaitGroup
		errs := make([]error, len(vols))
		for i, v := range vols {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.db.UpdateProfile(ctx, v, konullu.ProfileUpdate{Skills: &[]string{name}})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%q, volunteer %d: %v", name, i, err)
			}
		}
	}
	qs, err := f.db.Qualifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range qs {
		if q.Name == "Braille" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d qualifications named Braille", n)
	}
}
