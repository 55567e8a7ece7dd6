package konullu_test

import (
	"slices"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

func TestReminderDue(t *testing.T) {
	start := time.Date(2030, 3, 31, 7, 0, 0, 0, time.UTC)
	leads := konullu.DefaultReminderLeads
	for _, c := range []struct {
		before time.Duration // now = start - before
		want   time.Duration // 0: none
	}{
		{25 * time.Hour, 0},
		{24*time.Hour + time.Second, 0},
		{24 * time.Hour, 24 * time.Hour}, // due at the mark itself
		{23 * time.Hour, 24 * time.Hour},
		{2*time.Hour + time.Minute, 24 * time.Hour},
		{2 * time.Hour, 2 * time.Hour}, // the nearer kind wins once due
		{time.Minute, 2 * time.Hour},
		{0, 0}, // started: never
		{-time.Hour, 0},
	} {
		got, ok := konullu.ReminderDue(start, start.Add(-c.before), leads)
		if !ok {
			got = 0
		}
		if got != c.want {
			t.Errorf("%s before the start: %s, want %s", c.before, got, c.want)
		}
	}
	if _, ok := konullu.ReminderDue(start, start.Add(-time.Hour), nil); ok {
		t.Error("no leads, no reminders")
	}
}

func TestReminderKind(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 2 * time.Hour: "2h", 90 * time.Minute: "90m"} {
		if got := konullu.ReminderKind(d); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}

func TestAwardBands(t *testing.T) {
	bands := konullu.DefaultAwardBands()
	for age, want := range map[int]string{14: "", 15: "15-25", 25: "15-25", 26: "26+", 70: "26+"} {
		b, ok := bands.For(age)
		if ok != (want != "") || b.Name != want {
			t.Errorf("age %d: %q %v, want %q", age, b.Name, ok, want)
		}
	}
	young, _ := bands.For(20)
	old, _ := bands.For(40)
	if got := young.Reached(180 * 60); !slices.Equal(got, []int{100, 175}) {
		t.Errorf("15-25 with 180 h: %v", got)
	}
	if got := old.Reached(180 * 60); !slices.Equal(got, []int{100}) {
		t.Errorf("26+ with 180 h: %v", got)
	}
	if got := old.Reached(100*60 - 1); len(got) != 0 {
		t.Errorf("a minute short: %v", got)
	}
}

// TestDigestDue: the digest is due on Mondays from 08:00 local time, which
// a UTC schedule reaches whatever the zone's offset that day.
func TestDigestDue(t *testing.T) {
	baku, _ := time.LoadLocation("Asia/Baku")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, c := range []struct {
		now  time.Time
		loc  *time.Location
		due  bool
		week string
	}{
		{time.Date(2030, 3, 4, 3, 59, 0, 0, time.UTC), baku, false, ""},         // Monday 07:59 in Baku
		{time.Date(2030, 3, 4, 4, 0, 0, 0, time.UTC), baku, true, "2030-W10"},   // 08:00
		{time.Date(2030, 3, 4, 19, 59, 0, 0, time.UTC), baku, true, "2030-W10"}, // 23:59, a late catch-up
		{time.Date(2030, 3, 4, 20, 0, 0, 0, time.UTC), baku, false, ""},         // Tuesday 00:00
		// Berlin, the day after spring forward (UTC+2): 08:00 is 06:00 UTC.
		{time.Date(2030, 4, 1, 5, 59, 0, 0, time.UTC), berlin, false, ""},
		{time.Date(2030, 4, 1, 6, 0, 0, 0, time.UTC), berlin, true, "2030-W14"},
		// The day after fall back (UTC+1): 08:00 is 07:00 UTC.
		{time.Date(2030, 10, 28, 6, 59, 0, 0, time.UTC), berlin, false, ""},
		{time.Date(2030, 10, 28, 7, 0, 0, 0, time.UTC), berlin, true, "2030-W44"},
	} {
		w, due := konullu.DigestDue(c.now, c.loc, konullu.DefaultDigestHour)
		if due != c.due || w.Key != c.week {
			t.Errorf("%s in %s: %v %q, want %v %q", c.now, c.loc, due, w.Key, c.due, c.week)
		}
	}
	// The week of the spring-forward Sunday is 167 hours long, and still Monday to Monday.
	w := konullu.WeekOf(time.Date(2030, 3, 30, 12, 0, 0, 0, berlin), berlin)
	if w.Start.In(berlin).Weekday() != time.Monday || w.End.Sub(w.Start) != 167*time.Hour || w.Key != "2030-W13" {
		t.Errorf("week %+v (%s)", w, w.End.Sub(w.Start))
	}
}
