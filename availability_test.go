package konullu_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var today = date(2030, 3, 4) // a Monday

func win(wd int, s, e string) konullu.AvailabilityWindow {
	return konullu.AvailabilityWindow{Weekday: wd, Start: s, End: e}
}

func TestNormalizeAvailabilityErrors(t *testing.T) {
	many := make([]konullu.AvailabilityWindow, 51)
	for i := range many {
		many[i] = win(1, "09:00", "10:00")
	}
	manyExc := make([]konullu.AvailabilityException, 101)
	for i := range manyExc {
		manyExc[i] = konullu.AvailabilityException{Date: today}
	}
	for _, tc := range []struct {
		name  string
		av    konullu.Availability
		field string
	}{
		{"ErrWeekday", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "09:00", "10:00"), win(8, "09:00", "10:00")}}, "weekly[1].weekday"},
		{"ErrWeekdayZero", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(0, "09:00", "10:00")}}, "weekly[0].weekday"},
		{"ErrMalformedStart", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "9:00", "10:00")}}, "weekly[0].start"},
		{"ErrMinutes", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "09:60", "10:00")}}, "weekly[0].start"},
		{"ErrStartAt24", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "24:00", "24:00")}}, "weekly[0].start"},
		{"ErrEndPast24", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "09:00", "24:15")}}, "weekly[0].end"},
		{"ErrNotQuarterHour", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "09:00", "10:00"), win(2, "09:00", "10:00"), win(3, "09:10", "10:00")}}, "weekly[2].start"},
		{"ErrEndNotQuarterHour", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(3, "09:00", "10:05")}}, "weekly[0].end"},
		{"ErrEndBeforeStart", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(3, "18:00", "09:00")}}, "weekly[0].end"},
		{"ErrEmptyWindow", konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(3, "09:00", "09:00")}}, "weekly[0].end"},
		{"ErrTooManyWindows", konullu.Availability{Weekly: many}, "weekly"},
		{"ErrTooManyExceptions", konullu.Availability{Exceptions: manyExc}, "exceptions"},
		{"ErrExceptionInPast", konullu.Availability{Exceptions: []konullu.AvailabilityException{{Date: today.AddDate(0, 0, -1)}}}, "exceptions[0].date"},
		{"ErrExceptionTooFar", konullu.Availability{Exceptions: []konullu.AvailabilityException{{Date: today}, {Date: today.AddDate(1, 0, 1)}}}, "exceptions[1].date"},
		{"ErrExceptionNoDate", konullu.Availability{Exceptions: []konullu.AvailabilityException{{}}}, "exceptions[0].date"},
		{"ErrExceptionOnlyStart", konullu.Availability{Exceptions: []konullu.AvailabilityException{{Date: today, Start: "10:00"}}}, "exceptions[0].end"},
		{"ErrExceptionOnlyEnd", konullu.Availability{Exceptions: []konullu.AvailabilityException{{Date: today, End: "10:00"}}}, "exceptions[0].start"},
		{"ErrExceptionBackwards", konullu.Availability{Exceptions: []konullu.AvailabilityException{{Date: today, Start: "12:00", End: "10:00"}}}, "exceptions[0].end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := konullu.NormalizeAvailability(tc.av, today)
			e, ok := err.(*konullu.Error)
			if !ok || e.Code != konullu.EINVALID || e.Field != tc.field {
				t.Fatalf("want INVALID_INPUT on %s, got %v", tc.field, err)
			}
		})
	}
	t.Run("OKLimits", func(t *testing.T) {
		av := konullu.Availability{
			Weekly:     many[:50],
			Exceptions: []konullu.AvailabilityException{{Date: today}, {Date: today.AddDate(1, 0, 0)}},
		}
		if _, err := konullu.NormalizeAvailability(av, today); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNormalizeAvailabilityMerges(t *testing.T) {
	got, err := konullu.NormalizeAvailability(konullu.Availability{
		Weekly: []konullu.AvailabilityWindow{
			win(3, "14:00", "18:00"), win(1, "12:00", "13:00"), win(1, "09:00", "12:00"), // touching: kept apart
			win(1, "15:00", "17:00"), win(1, "16:00", "19:30"), // overlapping
			win(3, "08:00", "09:00"), win(7, "22:00", "24:00"),
		},
		Exceptions: []konullu.AvailabilityException{
			{Date: date(2030, 3, 9), Available: true, Start: "18:00", End: "20:00"},
			{Date: date(2030, 3, 9), Available: true, Start: "17:00", End: "18:00"},
			{Date: date(2030, 3, 9), Available: false},
			{Date: date(2030, 3, 5), Available: false, Start: "10:00", End: "11:00"},
			{Date: date(2030, 3, 5), Available: false}, // the whole day includes the hours
		},
	}, today)
	if err != nil {
		t.Fatal(err)
	}
	want := konullu.Availability{
		Weekly: []konullu.AvailabilityWindow{
			win(1, "09:00", "12:00"), win(1, "12:00", "13:00"), win(1, "15:00", "19:30"),
			win(3, "08:00", "09:00"), win(3, "14:00", "18:00"), win(7, "22:00", "24:00"),
		},
		Exceptions: []konullu.AvailabilityException{
			{Date: date(2030, 3, 5), Available: false},
			{Date: date(2030, 3, 9), Available: false},
			{Date: date(2030, 3, 9), Available: true, Start: "17:00", End: "20:00"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestFreeOnExceptions(t *testing.T) {
	weekly := []konullu.AvailabilityWindow{win(1, "09:00", "17:00")}
	mon := date(2030, 3, 11)
	for _, tc := range []struct {
		name string
		exc  []konullu.AvailabilityException
		want []konullu.MinuteRange
	}{
		{"Weekly", nil, []konullu.MinuteRange{{540, 1020}}},
		{"OtherDate", []konullu.AvailabilityException{{Date: mon.AddDate(0, 0, 7)}}, []konullu.MinuteRange{{540, 1020}}},
		{"DayOff", []konullu.AvailabilityException{{Date: mon}}, nil},
		{"HoursOff", []konullu.AvailabilityException{{Date: mon, Start: "12:00", End: "13:00"}}, []konullu.MinuteRange{{540, 720}, {780, 1020}}},
		{"ExtraHours", []konullu.AvailabilityException{{Date: mon, Available: true, Start: "17:00", End: "19:00"}}, []konullu.MinuteRange{{540, 1140}}},
		{"WholeDay", []konullu.AvailabilityException{{Date: mon, Available: true}}, []konullu.MinuteRange{{0, 1440}}},
		{"OffThenExtra", []konullu.AvailabilityException{{Date: mon, Available: true, Start: "18:00", End: "20:00"}, {Date: mon}}, []konullu.MinuteRange{{1080, 1200}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := konullu.Availability{Weekly: weekly, Exceptions: tc.exc}.FreeOn(mon)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFreeFor(t *testing.T) {
	baku := konullu.VolunteerLocation("Asia/Baku")
	av := konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(1, "09:00", "17:00"), win(1, "22:00", "24:00"), win(2, "00:00", "02:00")}}
	at := func(d, h, m int) time.Time { return time.Date(2030, 3, d, h, m, 0, 0, baku) }
	for _, tc := range []struct {
		name       string
		start, end time.Time
		want       bool
	}{
		{"Inside", at(11, 10, 0), at(11, 14, 0), true},
		{"WholeWindow", at(11, 9, 0), at(11, 17, 0), true},
		{"StartsInsideSlot", at(11, 9, 10), at(11, 12, 0), true},
		{"StartsBefore", at(11, 8, 50), at(11, 12, 0), false},
		{"EndsAfter", at(11, 16, 0), at(11, 17, 5), false},
		{"AcrossMidnight", at(11, 23, 0), at(12, 1, 30), true},
		{"AcrossMidnightTooLong", at(11, 23, 0), at(12, 2, 30), false},
		{"OtherDay", at(12, 10, 0), at(12, 11, 0), false},
		{"Empty", at(11, 10, 0), at(11, 10, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := konullu.FreeFor(av, baku, tc.start, tc.end); got != tc.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}

// TestFreeForDST: windows are wall-clock time, so they keep their local
// hours across a change of clocks, and the hour that does not exist is
// simply skipped.
func TestFreeForDST(t *testing.T) {
	berlin := konullu.VolunteerLocation("Europe/Berlin")
	av := konullu.Availability{Weekly: []konullu.AvailabilityWindow{win(7, "01:00", "04:00"), win(7, "09:00", "12:00")}}
	// Sunday 31 March 2030: 02:00 CET becomes 03:00 CEST.
	if !konullu.FreeFor(av, berlin, time.Date(2030, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2030, 3, 31, 2, 0, 0, 0, time.UTC)) {
		t.Error("01:00–04:00 local is two real hours on the day clocks go forward")
	}
	// 09:00–12:00 local is 08:00–11:00 UTC in winter and 07:00–10:00 UTC in summer.
	winter := time.Date(2030, 3, 24, 8, 0, 0, 0, time.UTC)
	summer := time.Date(2030, 3, 31, 7, 0, 0, 0, time.UTC)
	if !konullu.FreeFor(av, berlin, winter, winter.Add(3*time.Hour)) || konullu.FreeFor(av, berlin, winter.Add(-time.Hour), winter.Add(2*time.Hour)) {
		t.Error("winter: 09:00–12:00 CET is 08:00–11:00 UTC")
	}
	if !konullu.FreeFor(av, berlin, summer, summer.Add(3*time.Hour)) || konullu.FreeFor(av, berlin, summer.Add(time.Hour), summer.Add(4*time.Hour)) {
		t.Error("summer: 09:00–12:00 CEST is 07:00–10:00 UTC")
	}
	// Sunday 27 October 2030: 03:00 CEST becomes 02:00 CET; 01:00–04:00 is four real hours.
	if !konullu.FreeFor(av, berlin, time.Date(2030, 10, 26, 23, 0, 0, 0, time.UTC), time.Date(2030, 10, 27, 3, 0, 0, 0, time.UTC)) {
		t.Error("01:00–04:00 local is four real hours on the day clocks go back")
	}
	days := konullu.LocalSlots(berlin, time.Date(2030, 10, 27, 0, 0, 0, 0, time.UTC), time.Date(2030, 10, 27, 2, 0, 0, 0, time.UTC))
	if len(days) != 1 || !reflect.DeepEqual(days[0].Ranges, []konullu.MinuteRange{{120, 180}}) {
		t.Errorf("the repeated hour is one range of local slots: %+v", days)
	}
}

// TestFreeForMatchesMinuteByMinute checks the slot-wise reference against the
// plainest definition there is: every minute of the shift is free.
func TestFreeForMatchesMinuteByMinute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []string{"Asia/Baku", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Asia/Kolkata", "Australia/Lord_Howe"}
	base := time.Date(2030, 3, 28, 0, 0, 0, 0, time.UTC) // spans Berlin's change of clocks
	n := 2000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		loc := konullu.VolunteerLocation(zones[rng.IntN(len(zones))])
		av := randomAvailability(rng, konullu.DateOf(base))
		start := base.Add(time.Duration(rng.IntN(7*24*12)) * 5 * time.Minute)
		end := start.Add(time.Duration(1+rng.IntN(12*8)) * 5 * time.Minute)
		want := true
		for m := start; m.Before(end); m = m.Add(time.Minute) {
			lt := m.In(loc)
			mm := lt.Hour()*60 + lt.Minute()
			free := false
			for _, r := range av.FreeOn(konullu.DateOf(lt)) {
				if r.Start <= mm && mm < r.End {
					free = true
				}
			}
			if !free {
				want = false
				break
			}
		}
		if got := konullu.FreeFor(av, loc, start, end); got != want {
			t.Fatalf("%s %v–%v: FreeFor %v, minute by minute %v; %+v", loc, start, end, got, want, av)
		}
	}
}

func randomAvailability(rng *rand.Rand, today time.Time) konullu.Availability {
	var av konullu.Availability
	for range rng.IntN(8) {
		s := rng.IntN(95)
		e := s + 1 + rng.IntN(96-s)
		av.Weekly = append(av.Weekly, win(1+rng.IntN(7), konullu.FormatClock(s*15), konullu.FormatClock(e*15)))
	}
	for range rng.IntN(4) {
		x := konullu.AvailabilityException{Date: today.AddDate(0, 0, rng.IntN(8)), Available: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			s := rng.IntN(95)
			e := s + 1 + rng.IntN(96-s)
			x.Start, x.End = konullu.FormatClock(s*15), konullu.FormatClock(e*15)
		}
		av.Exceptions = append(av.Exceptions, x)
	}
	av, err := konullu.NormalizeAvailability(av, today)
	if err != nil {
		panic(err)
	}
	return av
}

func TestVolunteerLocation(t *testing.T) {
	if got := konullu.VolunteerLocation("").String(); got != "Asia/Baku" {
		t.Errorf("empty: %s", got)
	}
	if got := konullu.VolunteerLocation("Mars/Olympus").String(); got != "Asia/Baku" {
		t.Errorf("unknown: %s", got)
	}
	if got := konullu.VolunteerLocation("Europe/Berlin").String(); got != "Europe/Berlin" {
		t.Errorf("known: %s", got)
	}
}
