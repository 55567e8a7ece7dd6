package konullu_test

import (
	"errors"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// The 18th birthday that Baku has reached and UTC has not: a shift at 01:00
// in Baku on 11 March 2030 starts at 21:00 UTC on 10 March.
var (
	baku18      = konullu.ZoneLocation("Asia/Baku")
	birth18     = date(2012, 3, 11)
	bakuEarly   = time.Date(2030, 3, 11, 1, 0, 0, 0, baku18) // 10 March 21:00 UTC
	bakuLate    = time.Date(2030, 3, 10, 23, 0, 0, 0, time.UTC)
	losAngeles  = konullu.ZoneLocation("America/Los_Angeles")
	laEvening10 = time.Date(2030, 3, 10, 20, 0, 0, 0, losAngeles) // 11 March 03:00 UTC
)

func TestAgeAtCountsTheLocalDate(t *testing.T) {
	for _, c := range []struct {
		name string
		at   time.Time
		loc  *time.Location
		want int
	}{
		{"01:00 in Baku is the birthday there", bakuEarly, baku18, 18},
		{"the same instant in UTC is the day before", bakuEarly, time.UTC, 17},
		{"23:00 UTC on the 10th is 03:00 on the 11th in Baku", bakuLate, baku18, 18},
		{"20:00 on the 10th in Los Angeles is the 11th in UTC", laEvening10, losAngeles, 17},
		{"… and 18 read in UTC", laEvening10, time.UTC, 18},
	} {
		t.Run(c.name, func(t *testing.T) {
			if age, known := konullu.AgeAt(birth18, c.at, c.loc); age != c.want || !known {
				t.Errorf("AgeAt = %d, %v; want %d", age, known, c.want)
			}
		})
	}
	if _, known := konullu.AgeAt(time.Time{}, bakuEarly, baku18); known {
		t.Error("an unknown birth date gave a known age")
	}
}

func TestUnknownBirthDateSkipsNoCheck(t *testing.T) {
	if konullu.MeetsMinimumAge(time.Time{}, bakuEarly, baku18, 16) {
		t.Error("an unknown age meets a minimum age")
	}
	if !konullu.MeetsMinimumAge(time.Time{}, bakuEarly, baku18, 0) {
		t.Error("an unknown age fails a position with no minimum")
	}
	if !konullu.NeedsGuardianConsent(time.Time{}, bakuEarly, baku18) {
		t.Error("an unknown age needs no guardian's consent")
	}
}

func TestSignupAgesOnTheCentresDate(t *testing.T) {
	rules := konullu.DefaultRules()
	signup := func(birth, start time.Time, loc *time.Location, minimum int) error {
		s := &konullu.Shift{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Status: konullu.ShiftPublished}
		v := &konullu.Volunteer{BirthDate: birth, Status: konullu.VolunteerActive}
		err := rules.CheckSignup(konullu.SignupRequest{Now: start.Add(-24 * time.Hour), Shift: s, Volunteer: v,
			Position: &konullu.Position{MinimumAge: minimum}, Location: loc})
		if err != nil {
			return err
		}
		return konullu.CheckGuardianConsent(v, s, loc, false)
	}
	ok := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	refused := func(name string, err error) {
		t.Helper()
		var e *konullu.Error
		if !errors.As(err, &e) || e.Code != konullu.EREQUIREMENT {
			t.Errorf("%s: %v, want REQUIREMENT_NOT_MET", name, err)
		}
	}
	ok("18 on the Baku date, 17 on the UTC date", signup(birth18, bakuEarly, baku18, 18))
	refused("17 on the Los Angeles date, 18 on the UTC date", signup(birth18, laEvening10, losAngeles, 18))
	refused("a minor on the Los Angeles date needs a consent", signup(birth18, laEvening10, losAngeles, 0))
	refused("no birth date, a minimum age", signup(time.Time{}, bakuEarly, baku18, 16))
	refused("no birth date, no consent", signup(time.Time{}, bakuEarly, baku18, 0))
}

func TestBornOnOrBeforeAgreesWithAgeAt(t *testing.T) {
	zones := []*time.Location{time.UTC, baku18, losAngeles, konullu.ZoneLocation("Pacific/Kiritimati")}
	for day := date(2027, 1, 1); day.Before(date(2033, 1, 1)); day = day.AddDate(0, 0, 1) {
		for _, hour := range []int{0, 11, 21} {
			at := day.Add(time.Duration(hour) * time.Hour)
			loc := zones[(day.YearDay()+hour)%len(zones)]
			for _, age := range []int{16, 18} {
				cut := konullu.BornOnOrBefore(at, loc, age)
				if got, _ := konullu.AgeAt(cut, at, loc); got < age {
					t.Fatalf("%s in %s, age %d: born %s is %d", at, loc, age, cut.Format(time.DateOnly), got)
				}
				if got, _ := konullu.AgeAt(cut.AddDate(0, 0, 1), at, loc); got >= age {
					t.Fatalf("%s in %s, age %d: born the day after %s is old enough too", at, loc, age, cut.Format(time.DateOnly))
				}
			}
		}
	}
}
