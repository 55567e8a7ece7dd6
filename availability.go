package konullu

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // availability is wall-clock time in IANA zones: never depend on the host's zoneinfo
)

// Availability is when a volunteer says they are free: weekly windows of
// wall-clock time in the volunteer's time zone, and dated exceptions.
//
// Times are "HH:MM" on quarter hours (00, 15, 30, 45), from "00:00" to
// "24:00". The quarter-hour step is what lets the availability index in Redis
// answer exactly: it works in 15-minute slots, and a shift is matched on every
// slot it touches, so a volunteer free from 09:00 may take a shift that starts
// at 09:10, and one free until 13:00 may not take a shift that ends at 13:05.
//
// An exception on a date changes that date only: Available=false without
// times is a whole day off, with times those hours off; Available=true with
// times adds extra hours, without times makes the whole day free. Hours off
// are taken away before extra hours are added, so "day off" plus "available
// 18:00–20:00" on one date means free from 18:00 to 20:00 only.
type Availability struct {
	Weekly     []AvailabilityWindow
	Exceptions []AvailabilityException
}

// AvailabilityWindow is a weekly period of free time.
type AvailabilityWindow struct {
	Weekday    int    // 1 = Monday … 7 = Sunday
	Start, End string // "HH:MM", Start before End, End may be "24:00"
}

// AvailabilityException changes the availability of one date.
type AvailabilityException struct {
	Date       time.Time // the local date, at 00:00 UTC
	Available  bool
	Start, End string // both empty (the whole day) or both set
}

// Limits of an availability.
const (
	SlotMinutes         = 15 // the step of availability times and the index's slot
	SlotsPerDay         = 24 * 60 / SlotMinutes
	MaxWeeklyWindows    = 50  // windows in one availability, before merging
	MaxExceptions       = 100 // exceptions in one availability, before merging
	ExceptionHorizonMon = 12  // exceptions may be dated up to this many months ahead
)

// MinuteRange is [Start, End) in minutes after local midnight.
type MinuteRange struct{ Start, End int }

// ParseClock reads "HH:MM" (00:00 … 24:00) into minutes after midnight.
func ParseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return h*60 + m, true
}

// FormatClock writes minutes after midnight as "HH:MM".
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ISOWeekday is 1 for Monday … 7 for Sunday.
func ISOWeekday(t time.Time) int {
	if w := int(t.Weekday()); w != 0 {
		return w
	}
	return 7
}

// DateOf returns the calendar date of t (in t's location) at 00:00 UTC, the
// form in which dates are kept.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// NormalizeAvailability validates an availability as a volunteer submits it
// and returns it in its stored form: windows merged where they overlap
// (windows that only touch stay apart, as the volunteer chose them) and
// sorted by weekday and start; exceptions merged per date and kind (where
// they touch too) and sorted. today is the volunteer's local date; exceptions must fall
// within today … today + 12 months. Errors are INVALID_INPUT naming the
// field, e.g. "weekly[2].start".
func NormalizeAvailability(in Availability, today time.Time) (Availability, error) {
	out := Availability{Weekly: []AvailabilityWindow{}, Exceptions: []AvailabilityException{}}
	if len(in.Weekly) > MaxWeeklyWindows {
		return out, Invalid("weekly", "at most %d weekly windows", MaxWeeklyWindows)
	}
	if len(in.Exceptions) > MaxExceptions {
		return out, Invalid("exceptions", "at most %d exceptions", MaxExceptions)
	}
	var days [8][]MinuteRange
	for i, w := range in.Weekly {
		field := fmt.Sprintf("weekly[%d]", i)
		if w.Weekday < 1 || w.Weekday > 7 {
			return out, Invalid(field+".weekday", "weekdays are 1 (Monday) to 7 (Sunday)")
		}
		r, err := parseRange(field, w.Start, w.End)
		if err != nil {
			return out, err
		}
		days[w.Weekday] = append(days[w.Weekday], r)
	}
	for wd := 1; wd <= 7; wd++ {
		for _, r := range mergeOverlapping(days[wd]) {
			out.Weekly = append(out.Weekly, AvailabilityWindow{Weekday: wd, Start: FormatClock(r.Start), End: FormatClock(r.End)})
		}
	}

	today = DateOf(today)
	last := today.AddDate(0, ExceptionHorizonMon, 0)
	type dayKind struct {
		date      time.Time
		available bool
	}
	ranges := map[dayKind][]MinuteRange{}
	whole := map[dayKind]bool{}
	var order []dayKind
	for i, e := range in.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		if e.Date.IsZero() {
			return out, Invalid(field+".date", "a date is required")
		}
		date := DateOf(e.Date)
		if date.Before(today) {
			return out, Invalid(field+".date", "must not be in the past")
		}
		if date.After(last) {
			return out, Invalid(field+".date", "may be at most %d months ahead", ExceptionHorizonMon)
		}
		k := dayKind{date, e.Available}
		if _, ok := ranges[k]; !ok && !whole[k] {
			order = append(order, k)
			ranges[k] = nil
		}
		switch {
		case e.Start == "" && e.End == "":
			whole[k] = true
		case e.Start == "":
			return out, Invalid(field+".start", "give both start and end, or neither for the whole day")
		case e.End == "":
			return out, Invalid(field+".end", "give both start and end, or neither for the whole day")
		default:
			r, err := parseRange(field, e.Start, e.End)
			if err != nil {
				return out, err
			}
			ranges[k] = append(ranges[k], r)
		}
	}
	slices.SortFunc(order, func(a, b dayKind) int {
		if c := a.date.Compare(b.date); c != 0 {
			return c
		}
		// Hours off first: they are applied first.
		if a.available == b.available {
			return 0
		}
		if !a.available {
			return -1
		}
		return 1
	})
	for _, k := range order {
		if whole[k] {
			out.Exceptions = append(out.Exceptions, AvailabilityException{Date: k.date, Available: k.available})
			continue
		}
		for _, r := range mergeRanges(ranges[k]) {
			out.Exceptions = append(out.Exceptions, AvailabilityException{Date: k.date, Available: k.available,
				Start: FormatClock(r.Start), End: FormatClock(r.End)})
		}
	}
	return out, nil
}

func parseRange(field, start, end string) (MinuteRange, error) {
	s, ok := ParseClock(start)
	if !ok || s == 24*60 {
		return MinuteRange{}, Invalid(field+".start", "a time of day as HH:MM, e.g. 09:00")
	}
	e, ok := ParseClock(end)
	if !ok {
		return MinuteRange{}, Invalid(field+".end", "a time of day as HH:MM, e.g. 17:30 (24:00 for midnight)")
	}
	if s%SlotMinutes != 0 {
		return MinuteRange{}, Invalid(field+".start", "times are in steps of %d minutes (:00, :15, :30, :45)", SlotMinutes)
	}
	if e%SlotMinutes != 0 {
		return MinuteRange{}, Invalid(field+".end", "times are in steps of %d minutes (:00, :15, :30, :45)", SlotMinutes)
	}
	if e <= s {
		return MinuteRange{}, Invalid(field+".end", "must be after start (a window does not cross midnight: split it in two)")
	}
	return MinuteRange{s, e}, nil
}

// mergeRanges sorts ranges and merges those that overlap or touch.
func mergeRanges(in []MinuteRange) []MinuteRange {
	if len(in) == 0 {
		return nil
	}
	rs := slices.Clone(in)
	slices.SortFunc(rs, func(a, b MinuteRange) int { return a.Start - b.Start })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.Start <= last.End {
			last.End = max(last.End, r.End)
			continue
		}
		out = append(out, r)
	}
	return out
}

// mergeOverlapping sorts ranges and merges those that overlap, keeping
// those that only touch apart: a volunteer who chose the blocks 09:00–13:30
// and 13:30–18:00 keeps two windows, as chosen.
func mergeOverlapping(in []MinuteRange) []MinuteRange {
	if len(in) == 0 {
		return nil
	}
	rs := slices.Clone(in)
	slices.SortFunc(rs, func(a, b MinuteRange) int { return a.Start - b.Start })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.Start < last.End {
			last.End = max(last.End, r.End)
			continue
		}
		out = append(out, r)
	}
	return out
}

// subtractRanges returns the parts of a (merged) not covered by b (merged).
func subtractRanges(a, b []MinuteRange) []MinuteRange {
	var out []MinuteRange
	for _, r := range a {
		start := r.Start
		for _, x := range b {
			if x.End <= start || x.Start >= r.End {
				continue
			}
			if x.Start > start {
				out = append(out, MinuteRange{start, x.Start})
			}
			start = max(start, x.End)
		}
		if start < r.End {
			out = append(out, MinuteRange{start, r.End})
		}
	}
	return out
}

func clockRange(start, end string) (MinuteRange, bool) {
	s, ok1 := ParseClock(start)
	e, ok2 := ParseClock(end)
	return MinuteRange{s, e}, ok1 && ok2 && s < e
}

// HasException reports whether an exception changes the given local date.
func (a Availability) HasException(date time.Time) bool {
	date = DateOf(date)
	for _, e := range a.Exceptions {
		if e.Date.Equal(date) {
			return true
		}
	}
	return false
}

// FreeOn returns the free time of a local date, merged and sorted: the weekly
// windows of its weekday, less the hours off, plus the extra hours.
func (a Availability) FreeOn(date time.Time) []MinuteRange {
	date = DateOf(date)
	wd := ISOWeekday(date)
	var free, off, on []MinuteRange
	for _, w := range a.Weekly {
		if r, ok := clockRange(w.Start, w.End); ok && w.Weekday == wd {
			free = append(free, r)
		}
	}
	for _, e := range a.Exceptions {
		if !e.Date.Equal(date) {
			continue
		}
		r := MinuteRange{0, 24 * 60}
		if e.Start != "" || e.End != "" {
			var ok bool
			if r, ok = clockRange(e.Start, e.End); !ok {
				continue
			}
		}
		if e.Available {
			on = append(on, r)
		} else {
			off = append(off, r)
		}
	}
	free = subtractRanges(mergeRanges(free), mergeRanges(off))
	return mergeRanges(append(free, on...))
}

// FreeFor reports whether the availability covers the whole period
// [start, end) in the time zone loc. It is the plain reference definition
// that the index and the SQL fallback must agree with: every 15-minute slot
// of wall-clock time that the period touches must be free. It relies on
// loc's offsets being whole quarter hours, as they are for every zone in use
// today (+05:45 included).
func FreeFor(a Availability, loc *time.Location, start, end time.Time) bool {
	if !start.Before(end) {
		return false
	}
	var day time.Time
	var free []MinuteRange
	const slot = SlotMinutes * time.Minute
	for p := start; p.Before(end); p = p.Truncate(slot).Add(slot) {
		lt := p.In(loc)
		if d := DateOf(lt); !d.Equal(day) || free == nil {
			day, free = d, a.FreeOn(d)
		}
		m := lt.Hour()*60 + lt.Minute()
		s := m - m%SlotMinutes
		if !covered(free, MinuteRange{s, s + SlotMinutes}) {
			return false
		}
	}
	return true
}

func covered(free []MinuteRange, r MinuteRange) bool {
	for _, f := range free {
		if f.Start <= r.Start && r.End <= f.End {
			return true
		}
	}
	return false
}

// LocalDay is the part of a period that falls on one local date: the
// weekday and the quarter-hour slots of wall-clock time it touches, as
// merged minute ranges.
type LocalDay struct {
	Date    time.Time // at 00:00 UTC
	Weekday int
	Ranges  []MinuteRange // aligned to SlotMinutes
}

// LocalSlots splits the period [start, end) into the local days of loc and
// the slots it touches on each, in time order. A date met twice (never in
// practice) keeps one entry. On the day clocks fall back an hour, the
// repeated slots appear once.
func LocalSlots(loc *time.Location, start, end time.Time) []LocalDay {
	var out []LocalDay
	const slot = SlotMinutes * time.Minute
	for p := start.Truncate(slot); p.Before(end); p = p.Add(slot) {
		lt := p.In(loc)
		d := DateOf(lt)
		m := lt.Hour()*60 + lt.Minute()
		s := m - m%SlotMinutes
		i := slices.IndexFunc(out, func(x LocalDay) bool { return x.Date.Equal(d) })
		if i < 0 {
			out = append(out, LocalDay{Date: d, Weekday: ISOWeekday(d)})
			i = len(out) - 1
		}
		out[i].Ranges = append(out[i].Ranges, MinuteRange{s, s + SlotMinutes})
	}
	for i := range out {
		out[i].Ranges = mergeRanges(out[i].Ranges)
	}
	return out
}

// FreeDuring reports whether the free time of a day covers all the ranges.
func FreeDuring(free, need []MinuteRange) bool {
	for _, r := range need {
		if !covered(free, r) {
			return false
		}
	}
	return true
}

var locations sync.Map // name → *time.Location

// VolunteerLocation returns the time zone a volunteer's availability is read
// in: their own, or DefaultTimezone when it is empty or unknown.
func VolunteerLocation(name string) *time.Location {
	if name == "" {
		name = DefaultTimezone
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		if name == DefaultTimezone {
			return time.UTC
		}
		loc = VolunteerLocation(DefaultTimezone)
	}
	locations.Store(name, loc)
	return loc
}

// MonthOf returns the calendar month of t in loc as [from, to).
func MonthOf(t time.Time, loc *time.Location) (from, to time.Time) {
	lt := t.In(loc)
	from = time.Date(lt.Year(), lt.Month(), 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 1, 0)
}

// FreeQuery asks which volunteers may take a period: ACTIVE, holding every
// skill (case-insensitively), free for the whole period by their
// availability, and without an active assignment (CONFIRMED, WAITLISTED or
// CHECKED_IN) in an overlapping shift.
type FreeQuery struct {
	Start, End time.Time
	Skills     []string
}

// VolunteerMatch is a volunteer who may take a shift, with the minutes
// credited to them this month (fewest first: fairness).
type VolunteerMatch struct {
	VolunteerID      int64
	MinutesThisMonth int
}

// RankQuery orders the volunteers who may take a shift: fewest minutes in
// [MonthFrom, MonthTo) first, then those living in City, then by id; only
// those born on or before BornOnOrBefore when it is set (an unknown birth
// date is not), at most Limit.
type RankQuery struct {
	Candidates         []int64
	BornOnOrBefore     time.Time
	City               string
	MonthFrom, MonthTo time.Time
	Limit              int
}

// IndexedVolunteer is what the availability index keeps of a volunteer.
type IndexedVolunteer struct {
	ID           int64
	Timezone     string
	Status       VolunteerStatus
	Skills       []string
	Availability Availability // exceptions from IndexFilter.Since on
	Busy         []BusyShift  // shifts ending after IndexFilter.Since with an active assignment
}

// BusyShift is a shift in which a volunteer holds an active assignment.
type BusyShift struct {
	ShiftID          int64
	StartsAt, EndsAt time.Time
}

// ShiftBusy is what the availability index keeps of a shift: its period and
// the volunteers its active assignments (confirmed, waitlisted, checked in)
// bind for that time.
type ShiftBusy struct {
	ID               int64
	StartsAt, EndsAt time.Time
	Volunteers       []int64
}

// IndexFilter selects volunteers for the index: those with the given IDs,
// or else a page of at most Limit volunteers with ids after AfterID, by id.
// Exceptions dated before Since and shifts that ended before it are left out.
type IndexFilter struct {
	IDs     []int64
	AfterID int64
	Limit   int
	Since   time.Time
}

// AvailabilityIndex answers "who is free for this period?" quickly (from
// Redis) and is kept in step with the database by the callers of the store:
// after a mutation that changes a volunteer's availability, profile, skills
// or status, call UpdateVolunteer; after one that changes a shift's
// assignments or status, call UpdateShift. Both run after the transaction
// committed, re-read the database and are idempotent. An error from them means
// the index may be stale; the index has already logged it and scheduled its
// own repair, so a mutation must not fail because of it.
type AvailabilityIndex interface {
	// FreeVolunteers returns, by id, the volunteers who may take the period
	// (see FreeQuery). It answers from the database while the index is
	// being built.
	FreeVolunteers(ctx context.Context, q FreeQuery) ([]int64, error)
	UpdateVolunteer(ctx context.Context, volunteerID int64) error
	UpdateShift(ctx context.Context, shiftID int64) error
	// AddBusy records that a volunteer signed up for a shift (confirmed or
	// waitlisted: busy then either way).
	AddBusy(ctx context.Context, shiftID, volunteerID int64) error
}
