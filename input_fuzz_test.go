package konullu_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/konullu/konullu"
)

// Fuzz targets of the domain's input parsers: none panics, and what each
// accepts is what it promises.

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"leyla@example.az", "Leyla@Example.AZ", "a@b", "\"x y\"@example.az", "x@y.az' OR 1=1 --", "<a@b.az>", "a@b.az\x00", "ə@ş.az"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := konullu.NormalizeEmail("email", s)
		if err != nil {
			if konullu.ErrorCode(err) != konullu.EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if e != strings.ToLower(e) || len(e) > 254 || !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n") {
			t.Fatalf("%q accepted as %q", s, e)
		}
		if again, err := konullu.NormalizeEmail("email", e); err != nil || again != e {
			t.Fatalf("%q: normalising again gives %q, %v", e, again, err)
		}
	})
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"  Aysel  ", "", "\xff\xfe", strings.Repeat("ə", 201), "<script>alert(1)</script>", "a\u0000b"} {
		f.Add(s, true, 200)
	}
	f.Fuzz(func(t *testing.T, s string, required bool, max int) {
		if max < 0 || max > 10_000 {
			return
		}
		out, err := konullu.CleanText("f", s, required, max)
		if err != nil {
			return
		}
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > max || out != strings.TrimSpace(out) || required && out == "" {
			t.Fatalf("%q accepted as %q", s, out)
		}
	})
}

func FuzzCleanList(f *testing.F) {
	f.Add("english,English, first aid ,,\xff")
	f.Add(strings.Repeat("x,", 60))
	f.Fuzz(func(t *testing.T, joined string) {
		out, err := konullu.CleanList("skills", strings.Split(joined, ","), 50, 60)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, s := range out {
			k := strings.ToLower(s)
			if s == "" || seen[k] || utf8.RuneCountInString(s) > 60 || !utf8.ValidString(s) {
				t.Fatalf("%q gave %q", joined, out)
			}
			seen[k] = true
		}
	})
}

func FuzzValidateTimezone(f *testing.F) {
	for _, s := range []string{"Asia/Baku", "UTC", "Local", "", "../../etc/passwd", "Europe/Istanbul", "asia/baku"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, err := konullu.ValidateTimezone("timezone", s)
		if err == nil && (loc == nil || s == "" || s == "Local") {
			t.Fatalf("%q accepted", s)
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"09:00", "24:00", "23:59", "9:00", "24:01", "-1:00", "12:60", "١٢:٠٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := konullu.ParseClock(s)
		if ok && (m < 0 || m > 24*60) {
			t.Fatalf("%q is minute %d", s, m)
		}
	})
}

func FuzzParseReportDates(f *testing.F) {
	f.Add("2025-01-01", "2025-12-31")
	f.Add("2025-02-29", "2025-03-01")
	f.Add("1999-01-01", "2200-12-31")
	f.Add(" 2025-01-01", "2025-1-1")
	f.Fuzz(func(t *testing.T, from, to string) {
		q, err := konullu.ParseReportDates(from, to, time.UTC)
		if err != nil {
			return
		}
		if q.To.Before(q.From) || q.Validate() != nil {
			t.Fatalf("%q..%q accepted as %+v", from, to, q)
		}
	})
}

// FuzzAnonymousBirthDate: the birth date kept for a deleted volunteer puts
// them in the same age band on every day their hours count.
func FuzzAnonymousBirthDate(f *testing.F) {
	f.Add(int64(0), int64(0), int64(400))
	f.Add(int64(6000), int64(365), int64(1))
	f.Add(int64(-3650), int64(6573), int64(30))
	f.Fuzz(func(t *testing.T, birthDays, firstDay, span int64) {
		if birthDays < -40_000 || birthDays > 40_000 || firstDay < 0 || firstDay > 40_000 || span < 0 || span > 3000 {
			return
		}
		epoch := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
		birth := epoch.AddDate(0, 0, int(birthDays))
		first := birth.AddDate(0, 0, int(firstDay))
		var days []time.Time
		for d := int64(0); d <= span; d += 1 + span/20 {
			days = append(days, first.AddDate(0, 0, int(d)).Add(9*time.Hour))
		}
		anon := konullu.AnonymousBirthDate(birth, days)
		for _, d := range days {
			if konullu.AgeBandOf(anon, d) != konullu.AgeBandOf(birth, d) {
				t.Fatalf("born %s, kept %s: band differs on %s", birth.Format(time.DateOnly), anon.Format(time.DateOnly), d)
			}
		}
	})
}
