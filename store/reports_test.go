package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

var baku = mustLoc("Asia/Baku")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// reportClock is a settable clock for building history.
type reportClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *reportClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *reportClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// world is random history made through the store's own methods, so every
// rule of a signup applies to it.
type world struct {
	db      *store.DB
	clock   *reportClock
	centres []*konullu.Centre
}

var reportNow = time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)

func randomWorld(t *testing.T, seed uint64) *world {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	clk := &reportClock{t: reportNow}
	db := storetest.Open(t, store.Options{Now: clk.now})
	w := &world{db: db, clock: clk}
	for _, c := range []konullu.Centre{
		{Name: "Bakı 1 saylı ASAN xidmət mərkəzi", City: "Bakı", Timezone: "Asia/Baku"},
		{Name: "Gəncə ASAN xidmət mərkəzi", City: "Gəncə", Timezone: "Asia/Baku"},
		{Name: "İstanbul ofisi", City: "İstanbul", Timezone: "Europe/Istanbul"},
	} {
		c := c
		if err := db.CreateCentre(ctx, &c); err != nil {
			t.Fatal(err)
		}
		w.centres = append(w.centres, &c)
	}
	var positions []*konullu.Position
	for _, name := range []string{"Reception guide", "Queue assistant", "E-services helper"} {
		p := &konullu.Position{Name: name}
		if err := db.CreatePosition(ctx, p); err != nil {
			t.Fatal(err)
		}
		positions = append(positions, p)
	}
	var volunteers []int64
	for i := 0; i < 24; i++ {
		var birth time.Time
		if i%8 != 0 { // some never gave a birth date
			birth = time.Date(1990+rng.IntN(20), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: fmt.Sprintf("v%d@example.az", i),
			FullName: fmt.Sprintf("Könüllü %d Şəkərli", i), BirthDate: birth, Status: konullu.VolunteerActive})
		if err != nil {
			t.Fatal(err)
		}
		volunteers = append(volunteers, u.VolunteerID)
	}
	// Shifts over 14 months up to two weeks after now, at times that put
	// some of them near local midnight (where UTC and Baku disagree on the day).
	first := time.Date(2024, 1, 1, 0, 0, 0, 0, baku)
	for i := 0; i < 70; i++ {
		day := first.AddDate(0, 0, rng.IntN(450))
		start := day.Add(time.Duration(rng.IntN(96)) * 15 * time.Minute)
		c, p := w.centres[rng.IntN(3)], positions[rng.IntN(3)]
		shifts, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 1 + rng.IntN(4),
			Publish: rng.IntN(5) != 0, Periods: []konullu.Period{{StartsAt: start.UTC(), EndsAt: start.Add(3 * time.Hour).UTC()}}})
		if err != nil {
			t.Fatal(err)
		}
		s := shifts[0]
		for _, v := range volunteers {
			if rng.IntN(4) != 0 {
				continue
			}
			clk.set(s.StartsAt.Add(-24 * time.Hour)) // assigned the day before
			a, err := db.SignUp(ctx, s.ID, v, true)
			clk.set(reportNow)
			if err != nil {
				continue // an overlap: the rules hold for random data too
			}
			if a.Status != konullu.AssignmentConfirmed || !s.EndsAt.Before(reportNow) {
				continue
			}
			switch rng.IntN(10) {
			case 0, 1:
				if _, err := db.MarkNoShow(ctx, a.ID, "did not come"); err != nil {
					t.Fatal(err)
				}
			case 2:
				clk.set(s.StartsAt.Add(time.Minute)) // checked in, never out
				if _, err := db.CheckIn(ctx, a.ID); err != nil {
					t.Fatal(err)
				}
			case 3: // still CONFIRMED: the no-show job has not run
			default:
				in := s.StartsAt.Add(time.Duration(rng.IntN(90)-30) * time.Minute)
				out := s.EndsAt.Add(time.Duration(rng.IntN(60)-40) * time.Minute)
				if _, err := db.RecordAttendance(ctx, a.ID, in, out); err != nil {
					t.Fatal(err)
				}
			}
		}
		if rng.IntN(12) == 0 {
			clk.set(reportNow)
			if _, err := db.CancelShift(ctx, s.ID, "storm"); err != nil {
				t.Fatal(err)
			}
		}
	}
	clk.set(reportNow)
	return w
}

// fact is one assignment as the database holds it.
type fact struct {
	volunteer, shift, centre, position int64
	status                             konullu.AssignmentStatus
	minutes                            int
	start                              time.Time
	birth                              time.Time
}

type shiftRow struct {
	id, centre, position int64
	start                time.Time
	capacity             int
	status               konullu.ShiftStatus
}

// scanTime reads a time of either dialect.
type scanTime struct{ t time.Time }

func (s *scanTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
	case time.Time:
		s.t = v.UTC()
	case string:
		for _, l := range []string{"2006-01-02T15:04:05.000000Z", "2006-01-02"} {
			if t, err := time.Parse(l, v); err == nil {
				s.t = t
				return nil
			}
		}
		return fmt.Errorf("bad time %q", v)
	default:
		return fmt.Errorf("cannot scan %T", src)
	}
	return nil
}

func (w *world) raw(t *testing.T) ([]fact, []shiftRow) {
	t.Helper()
	rows, err := w.db.SQL().Query(`SELECT a.volunteer_id, a.shift_id, s.centre_id, s.position_id, a.status, a.credited_minutes,
		s.starts_at, v.birth_date FROM assignments a JOIN shifts s ON s.id = a.shift_id JOIN volunteers v ON v.id = a.volunteer_id`)
	if err != nil {
		t.Fatal(err)
	}
	var facts []fact
	for rows.Next() {
		var f fact
		var start, birth scanTime
		var status string
		if err := rows.Scan(&f.volunteer, &f.shift, &f.centre, &f.position, &status, &f.minutes, &start, &birth); err != nil {
			t.Fatal(err)
		}
		f.status, f.start, f.birth = konullu.AssignmentStatus(status), start.t, birth.t
		facts = append(facts, f)
	}
	rows.Close()
	rows, err = w.db.SQL().Query(`SELECT id, centre_id, position_id, starts_at, capacity, status FROM shifts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var shifts []shiftRow
	for rows.Next() {
		var s shiftRow
		var start scanTime
		var status string
		if err := rows.Scan(&s.id, &s.centre, &s.position, &start, &s.capacity, &status); err != nil {
			t.Fatal(err)
		}
		s.start, s.status = start.t, konullu.ShiftStatus(status)
		shifts = append(shifts, s)
	}
	return facts, shifts
}

// expect is a brute-force recount of one report row.
type expect struct {
	active                                 map[int64]bool
	minutes, assignments, attended, noShow int
	shifts, filled, under, capacity, place int
}

func (e *expect) String() string {
	return fmt.Sprintf("active %d minutes %d assignments %d attended %d noShows %d shifts %d filled %d under %d capacity %d places %d",
		len(e.active), e.minutes, e.assignments, e.attended, e.noShow, e.shifts, e.filled, e.under, e.capacity, e.place)
}

func rowString(r konullu.ReportRow) string {
	return fmt.Sprintf("active %d minutes %d assignments %d attended %d noShows %d shifts %d filled %d under %d capacity %d places %d",
		r.ActiveVolunteers, r.Minutes, r.Assignments, r.Attended, r.NoShows, r.Shifts, r.ShiftsFilled, r.ShiftsUnderstaffed, r.Capacity, r.PlacesFilled)
}

// recount computes the report of q from raw rows, the slow obvious way.
func recount(q konullu.ReportQuery, facts []fact, shifts []shiftRow) map[string]*expect {
	out := map[string]*expect{}
	get := func(k string) *expect {
		if out[k] == nil {
			out[k] = &expect{active: map[int64]bool{}}
		}
		return out[k]
	}
	inPeriod := func(start time.Time, centre int64) (string, time.Time, bool) {
		local := start.In(q.Location)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
		return local.Format("2006-01"), day, !day.Before(q.From) && !day.After(q.To) && (q.CentreIDs == nil || slices.Contains(q.CentreIDs, centre))
	}
	booked := map[int64]int{}
	for _, f := range facts {
		month, day, ok := inPeriod(f.start, f.centre)
		if !ok {
			continue
		}
		switch f.status {
		case konullu.AssignmentConfirmed, konullu.AssignmentCheckedIn, konullu.AssignmentCompleted, konullu.AssignmentNoShow:
		default:
			continue
		}
		booked[f.shift]++
		age := -1
		if !f.birth.IsZero() {
			age = konullu.AgeOn(f.birth, day)
		}
		band := "UNKNOWN"
		switch {
		case age < 0:
		case age < 18:
			band = "UNDER_18"
		case age < 22:
			band = "18_21"
		case age < 26:
			band = "22_25"
		case age < 31:
			band = "26_30"
		default:
			band = "OVER_30"
		}
		for _, k := range []string{"total", fmt.Sprint("centre:", f.centre), "month:" + month, "band:" + band, fmt.Sprint("position:", f.position)} {
			e := get(k)
			e.assignments++
			switch f.status {
			case konullu.AssignmentCompleted:
				e.attended++
				e.minutes += f.minutes
				if f.minutes > 0 {
					e.active[f.volunteer] = true
				}
			case konullu.AssignmentCheckedIn:
				e.attended++
			case konullu.AssignmentNoShow:
				e.noShow++
			}
		}
	}
	for _, s := range shifts {
		month, _, ok := inPeriod(s.start, s.centre)
		if !ok || s.status != konullu.ShiftPublished {
			continue
		}
		for _, k := range []string{"total", fmt.Sprint("centre:", s.centre), "month:" + month, fmt.Sprint("position:", s.position)} {
			e := get(k)
			e.shifts++
			e.capacity += s.capacity
			e.place += min(booked[s.id], s.capacity)
			if booked[s.id] >= s.capacity {
				e.filled++
			} else {
				e.under++
			}
		}
	}
	return out
}

func same(e *expect, r konullu.ReportRow) bool {
	if e == nil {
		e = &expect{active: map[int64]bool{}}
	}
	return len(e.active) == r.ActiveVolunteers && e.minutes == r.Minutes && e.assignments == r.Assignments &&
		e.attended == r.Attended && e.noShow == r.NoShows && e.shifts == r.Shifts && e.filled == r.ShiftsFilled &&
		e.under == r.ShiftsUnderstaffed && e.capacity == r.Capacity && e.place == r.PlacesFilled
}

// sumRows adds up the additive figures of a breakdown.
func sumRows(rows []konullu.ReportRow) konullu.ReportRow {
	var s konullu.ReportRow
	for _, r := range rows {
		s.Minutes += r.Minutes
		s.Assignments += r.Assignments
		s.Attended += r.Attended
		s.NoShows += r.NoShows
		s.Shifts += r.Shifts
		s.ShiftsFilled += r.ShiftsFilled
		s.ShiftsUnderstaffed += r.ShiftsUnderstaffed
		s.Capacity += r.Capacity
		s.PlacesFilled += r.PlacesFilled
		s.ActiveVolunteers += r.ActiveVolunteers
	}
	return s
}

// TestParticipationReportRecount: for random history and random periods
// and scopes, every figure of the report equals a brute-force recount of
// the raw assignments, and the rows of every breakdown add up to the totals.
func TestParticipationReportRecount(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1} { // each world takes seconds under -race; add seeds when hunting a bug
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			w := randomWorld(t, seed)
			facts, shifts := w.raw(t)
			if len(facts) < 100 {
				t.Fatalf("only %d assignments: the random world is too small to test anything", len(facts))
			}
			rng := rand.New(rand.NewPCG(seed, 99))
			for i := 0; i < 20; i++ {
				from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(420))
				to := from.AddDate(0, 0, rng.IntN(300))
				q := konullu.ReportQuery{From: from, To: to, Location: baku}
				switch i % 3 {
				case 1:
					q.CentreIDs = []int64{w.centres[rng.IntN(3)].ID}
				case 2:
					q.CentreIDs = []int64{w.centres[0].ID, w.centres[2].ID}
				}
				if i == 0 { // everything
					q.From, q.To = time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC)
				}
				rep, err := w.db.ParticipationReport(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want := recount(q, facts, shifts)
				name := fmt.Sprintf("%s..%s centres %v", q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), q.CentreIDs)
				if !same(want["total"], rep.Total) {
					t.Errorf("%s total:\n got %s\nwant %s", name, rowString(rep.Total), want["total"])
				}
				check := func(kind string, rows []konullu.ReportRow, key func(konullu.ReportRow) string, shiftFigures bool) {
					for _, r := range rows {
						if !same(want[kind+":"+key(r)], r) {
							t.Errorf("%s %s %s:\n got %s\nwant %s", name, kind, r.Label, rowString(r), want[kind+":"+key(r)])
						}
					}
					sum := sumRows(rows)
					tot := rep.Total
					if sum.Minutes != tot.Minutes || sum.Assignments != tot.Assignments || sum.Attended != tot.Attended || sum.NoShows != tot.NoShows {
						t.Errorf("%s: rows by %s do not add up to the totals: %s vs %s", name, kind, rowString(sum), rowString(tot))
					}
					if shiftFigures && (sum.Shifts != tot.Shifts || sum.ShiftsFilled != tot.ShiftsFilled || sum.ShiftsUnderstaffed != tot.ShiftsUnderstaffed ||
						sum.Capacity != tot.Capacity || sum.PlacesFilled != tot.PlacesFilled) {
						t.Errorf("%s: shift figures by %s do not add up: %s vs %s", name, kind, rowString(sum), rowString(tot))
					}
					if sum.ActiveVolunteers < tot.ActiveVolunteers {
						t.Errorf("%s: active volunteers by %s add up to %d, fewer than the total %d", name, kind, sum.ActiveVolunteers, tot.ActiveVolunteers)
					}
				}
				check("centre", rep.ByCentre, func(r konullu.ReportRow) string { return fmt.Sprint(r.CentreID) }, true)
				check("month", rep.ByMonth, func(r konullu.ReportRow) string { return r.Key }, true)
				check("band", rep.ByAgeBand, func(r konullu.ReportRow) string { return r.Key }, false)
				check("position", rep.ByPosition, func(r konullu.ReportRow) string { return fmt.Sprint(r.PositionID) }, true)
				if len(rep.ByMonth) != len(q.Months()) {
					t.Errorf("%s: %d month rows, want %d", name, len(rep.ByMonth), len(q.Months()))
				}
			}
		})
	}
}

// recountRetention computes the retention table from raw assignments.
func recountRetention(q konullu.RetentionQuery, facts []fact) []konullu.RetentionRow {
	first, _, _ := q.Window()
	act := map[int64]uint32{}
	for _, f := range facts {
		if f.status != konullu.AssignmentCompleted || f.minutes == 0 || q.CentreIDs != nil && !slices.Contains(q.CentreIDs, f.centre) {
			continue
		}
		m := f.start.In(q.Location)
		i := (m.Year()-first.Year())*12 + int(m.Month()) - int(first.Month())
		if i >= 0 && i < q.Months {
			act[f.volunteer] |= 1 << i
		}
	}
	return konullu.Retention(first, q.Months, act)
}

// TestRetentionAgreesWithAssignments: the retention table read from the
// hour tallies (where they are fresh) and the assignments (where they are
// not) equals a recount, before the tally ran, after it, and after a
// change the tally has not seen yet.
func TestRetentionAgreesWithAssignments(t *testing.T) {
	ctx := context.Background()
	w := randomWorld(t, 3)
	bakuCentres := []int64{w.centres[0].ID, w.centres[1].ID} // the tallies' months are Baku's too
	queries := []konullu.RetentionQuery{
		{To: time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC), Months: 12, Location: baku, CentreIDs: bakuCentres},
		{To: time.Date(2024, 9, 15, 0, 0, 0, 0, time.UTC), Months: 6, Location: baku},
	}
	checkAll := func(stage string) {
		t.Helper()
		facts, _ := w.raw(t)
		for _, q := range queries {
			got, err := w.db.Retention(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if want := recountRetention(q, facts); !slices.Equal(got, want) {
				t.Errorf("%s, %d months to %s, centres %v:\n got %v\nwant %v", stage, q.Months, q.To.Format(time.DateOnly), q.CentreIDs, got, want)
			}
		}
	}
	checkAll("before any tally")
	w.clock.set(reportNow.Add(time.Hour))
	if _, err := w.db.TallyHours(ctx, reportNow.Add(time.Hour), konullu.TallyOptions{Full: true}); err != nil {
		t.Fatal(err)
	}
	checkAll("after the tally")
	// Attendance recorded after the tally ran: the tallies are stale for
	// that volunteer until the next run.
	var id int64
	var start scanTime
	ph := "?"
	if w.db.Dialect() == store.Postgres {
		ph = "$1"
	}
	err := w.db.SQL().QueryRow(`SELECT a.id, s.starts_at FROM assignments a JOIN shifts s ON s.id = a.shift_id
		WHERE a.status = 'CONFIRMED' AND s.centre_id IN (1, 2) AND s.ends_at < `+ph+` ORDER BY s.starts_at DESC LIMIT 1`, storeTime(w.db, reportNow)).Scan(&id, &start)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.set(reportNow.Add(2 * time.Hour))
	if _, err := w.db.RecordAttendance(ctx, id, start.t, start.t.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkAll("after a change the tally has not seen")
	if _, err := w.db.Retention(ctx, konullu.RetentionQuery{To: reportNow, Months: 25, Location: baku}); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Errorf("25 months: %v, want INVALID_INPUT", err)
	}
}

func TestReportRejectsBadPeriods(t *testing.T) {
	db := storetest.Open(t, store.Options{})
	ctx := context.Background()
	d := func(s string) time.Time { return must(time.Parse(time.DateOnly, s)) }
	for _, c := range []struct {
		name     string
		from, to time.Time
		field    string
	}{
		{"from after to", d("2025-03-02"), d("2025-03-01"), "to"},
		{"more than two years", d("2022-01-01"), d("2024-01-04"), "to"},
		{"no from", time.Time{}, d("2025-03-01"), "from"},
	} {
		_, err := db.ParticipationReport(ctx, konullu.ReportQuery{From: c.from, To: c.to, Location: baku})
		var de *konullu.Error
		if !asDomain(err, &de) || de.Code != konullu.EINVALID || de.Field != c.field {
			t.Errorf("%s: %v, want INVALID_INPUT on %s", c.name, err, c.field)
		}
	}
}

// storeTime is a time as the dialect's columns hold it.
func storeTime(db *store.DB, t time.Time) any {
	if db.Dialect() == store.SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t
}

func asDomain(err error, de **konullu.Error) bool {
	e, ok := err.(*konullu.Error)
	*de = e
	return ok
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
