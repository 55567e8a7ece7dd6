package konullu_test

import (
	"slices"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAgeBandOf(t *testing.T) {
	birth := day("2007-03-10")
	for _, c := range []struct {
		on, want string
	}{
		{"2025-03-09", konullu.AgeBandUnder18}, // 17 the day before the birthday
		{"2025-03-10", konullu.AgeBand18to21},  // 18 on it
		{"2029-03-09", konullu.AgeBand18to21},  // 21
		{"2029-03-10", konullu.AgeBand22to25},  // 22
		{"2033-03-10", konullu.AgeBand26to30},  // 26
		{"2038-03-09", konullu.AgeBand26to30},  // 30
		{"2038-03-10", konullu.AgeBandOver30},  // 31
	} {
		if got := konullu.AgeBandOf(birth, day(c.on)); got != c.want {
			t.Errorf("born 2007-03-10, on %s: %s, want %s", c.on, got, c.want)
		}
	}
	if got := konullu.AgeBandOf(time.Time{}, day("2025-01-01")); got != konullu.AgeBandUnknown {
		t.Errorf("no birth date: %s", got)
	}
	// Born on 29 February: 18 on 1 March of a common year.
	if got := konullu.AgeBandOf(day("2008-02-29"), day("2026-02-28")); got != konullu.AgeBandUnder18 {
		t.Errorf("leap-day birthday: %s", got)
	}
}

func TestReportQueryValidate(t *testing.T) {
	baku, _ := time.LoadLocation("Asia/Baku")
	for _, c := range []struct {
		name, from, to, field string
	}{
		{"OK", "2025-01-01", "2025-12-31", ""},
		{"OneDay", "2025-03-01", "2025-03-01", ""},
		{"TwoYears", "2024-01-01", "2025-12-31", ""},
		{"ErrToBeforeFrom", "2025-03-02", "2025-03-01", "to"},
		{"ErrTooLong", "2023-01-01", "2025-03-01", "to"},
		{"ErrBadFrom", "2025-3-1", "2025-03-01", "from"},
		{"ErrNoTo", "2025-03-01", "", "to"},
		{"ErrImpossibleDate", "2025-02-30", "2025-03-01", "from"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := konullu.ParseReportDates(c.from, c.to, baku)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				start, end := q.Bounds()
				if start.In(baku).Format("15:04") != "00:00" || end.Sub(start)%(24*time.Hour) != 0 {
					t.Errorf("bounds %s..%s", start, end)
				}
				return
			}
			e, ok := err.(*konullu.Error)
			if !ok || e.Code != konullu.EINVALID || e.Field != c.field {
				t.Errorf("got %v, want INVALID_INPUT on %s", err, c.field)
			}
		})
	}
}

func TestRetention(t *testing.T) {
	// Months: Jan, Feb, Mar. A: all three; B: Jan and Mar; C: Feb and Mar.
	rows := konullu.Retention(day("2025-01-01"), 3, map[int64]uint32{1: 0b111, 2: 0b101, 3: 0b110})
	want := []konullu.RetentionRow{
		{Month: "2025-01", Active: 2, Returning: 0, Retained: 2},
		{Month: "2025-02", Active: 2, Returning: 1, Retained: 1},
		{Month: "2025-03", Active: 3, Returning: 2, Retained: 1},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("got %v\nwant %v", rows, want)
	}
}

func TestReportCentres(t *testing.T) {
	staff := &konullu.Viewer{UserID: 1, Roles: []konullu.Role{konullu.RoleStaff}}
	coord := &konullu.Viewer{UserID: 2, Roles: []konullu.Role{konullu.RoleCoordinator}, CentreIDs: []int64{3, 4}}
	vol := &konullu.Viewer{UserID: 3, VolunteerID: 9, Roles: []konullu.Role{konullu.RoleVolunteer}}
	if ids, err := staff.ReportCentres(0); err != nil || ids != nil {
		t.Errorf("staff, all: %v %v", ids, err)
	}
	if ids, err := coord.ReportCentres(0); err != nil || !slices.Equal(ids, []int64{3, 4}) {
		t.Errorf("coordinator, implied: %v %v", ids, err)
	}
	if _, err := coord.ReportCentres(5); err != konullu.ErrForbidden {
		t.Errorf("coordinator, another centre: %v", err)
	}
	if _, err := vol.ReportCentres(0); err != konullu.ErrForbidden {
		t.Errorf("volunteer: %v", err)
	}
	if _, err := (&konullu.Viewer{}).ReportCentres(0); err != konullu.ErrUnauthenticated {
		t.Errorf("anonymous: %v", err)
	}
}

// TestReportBuilderForks: reading the assignments in parts and merging
// gives the report of reading them at once.
func TestReportBuilderForks(t *testing.T) {
	baku, _ := time.LoadLocation("Asia/Baku")
	q := konullu.ReportQuery{From: day("2025-01-01"), To: day("2025-02-28"), Location: baku}
	centres := []*konullu.Centre{{ID: 1, Name: "B"}, {ID: 2, Name: "A"}}
	positions := []*konullu.Position{{ID: 1, Name: "Guide"}}
	var shifts []konullu.ShiftFact
	for i := int64(1); i <= 20; i++ {
		shifts = append(shifts, konullu.ShiftFact{ID: i, CentreID: 1 + i%2, PositionID: 1,
			StartsAt: time.Date(2025, 1, int(i)*2, 5, 0, 0, 0, time.UTC), Capacity: 2, Status: konullu.ShiftPublished})
	}
	vols := []konullu.VolunteerBirth{{ID: 7, Birth: day("2007-01-20")}, {ID: 8}}
	one := konullu.NewReportBuilder(q, centres, positions, shifts, vols)
	split := konullu.NewReportBuilder(q, centres, positions, shifts, vols)
	a, b := split.Fork(), split.Fork()
	for i := int64(1); i <= 20; i++ {
		status := konullu.AssignmentCompleted
		if i%5 == 0 {
			status = konullu.AssignmentNoShow
		}
		one.AddAssignment(7+i%2, i, status, 60)
		part := a
		if i > 10 {
			part = b
		}
		part.AddAssignment(7+i%2, i, status, 60)
	}
	split.Merge(a)
	split.Merge(b)
	r1, r2 := one.Report(), split.Report()
	if r1.Total != r2.Total || !slices.Equal(r1.ByCentre, r2.ByCentre) || !slices.Equal(r1.ByAgeBand, r2.ByAgeBand) || !slices.Equal(r1.ByMonth, r2.ByMonth) {
		t.Errorf("merged report differs:\n%+v\n%+v", r1, r2)
	}
	if r1.Total.ActiveVolunteers != 2 || r1.Total.NoShows != 4 || r1.Total.ShiftsUnderstaffed != 20 || r1.ByCentre[0].Label != "A" {
		t.Errorf("report %+v", r1.Total)
	}
	// Volunteer 7 turns 18 on 20 January: active in two bands.
	if r1.ByAgeBand[0].ActiveVolunteers != 1 || r1.ByAgeBand[1].ActiveVolunteers != 1 {
		t.Errorf("bands %+v", r1.ByAgeBand)
	}
}
