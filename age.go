package konullu

import "time"

// Ages. An age is counted on a calendar date, and which date an instant
// falls on depends on where it is read: a shift at 01:00 in Baku on 11 March
// starts at 21:00 UTC on 10 March. Every age decision — a position's minimum
// age, a guardian's consent, the age bands of reports and awards — reads the
// date where the shift happens (its centre's time zone) or, for "today",
// where the deployment is (KONULLU_TIMEZONE), and counts the age with AgeAt.
// The SQL filters that stand in for these decisions take their bounds from
// BornOnOrBefore, which agrees with AgeAt by construction (a test checks it).
//
// A birth date is unknown only for imported volunteers (registration asks
// for one). Unknown must not mean "no rule applies": such a volunteer meets
// no minimum age and needs a guardian's consent, as a minor would.

// LocalDate returns the calendar date of the instant t in loc, at 00:00 UTC
// (the form in which dates are kept): the day on which ages are counted.
func LocalDate(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = ZoneLocation("")
	}
	return DateOf(t.In(loc))
}

// ZoneLocation returns the named IANA time zone (a centre's, the
// deployment's), or DefaultTimezone when the name is empty or unknown.
func ZoneLocation(name string) *time.Location { return VolunteerLocation(name) }

// Location returns the centre's time zone, in which its shifts' dates are read.
func (c *Centre) Location() *time.Location { return ZoneLocation(c.Timezone) }

// AgeAt returns the age in whole years, at the instant t read in loc, of
// someone born on birth; known is false when the birth date is unknown (zero).
func AgeAt(birth, t time.Time, loc *time.Location) (age int, known bool) {
	if birth.IsZero() {
		return 0, false
	}
	return AgeOn(birth, LocalDate(t, loc)), true
}

// MeetsMinimumAge reports whether someone born on birth is at least minimum
// years old on the date of t in loc. Without a minimum everyone does; with
// one, an unknown birth date does not.
func MeetsMinimumAge(birth, t time.Time, loc *time.Location, minimum int) bool {
	if minimum <= 0 {
		return true
	}
	age, known := AgeAt(birth, t, loc)
	return known && age >= minimum
}

// NeedsGuardianConsent reports whether someone born on birth needs a
// guardian's consent at the instant t read in loc: under AdultAge on that
// date, or of unknown age.
func NeedsGuardianConsent(birth, t time.Time, loc *time.Location) bool {
	age, known := AgeAt(birth, t, loc)
	return !known || age < AdultAge
}

// BornOnOrBefore returns the latest birth date of someone who is at least
// age years old on the date of t in loc: AgeAt(birth, t, loc) >= age exactly
// when birth is on or before it. Someone born on 29 February counts as born
// on 1 March in other years, as AgeOn does.
func BornOnOrBefore(t time.Time, loc *time.Location, age int) time.Time {
	y, m, d := LocalDate(t, loc).Date()
	cut := time.Date(y-age, m, d, 0, 0, 0, 0, time.UTC)
	if cut.Day() != d { // 29 February of a year that has none: normalised to 1 March
		cut = cut.AddDate(0, 0, -1)
	}
	return cut
}
