package konullu

import (
	"context"
	"time"
)

// SeriesInput describes one shift or a weekly series of shifts.
type SeriesInput struct {
	StartsAt, EndsAt time.Time
	Location         *time.Location // the centre's time zone
	Weekdays         []int          // 1=Mon..7=Sun; empty: a single shift
	Until            time.Time      // last date of the series (a date, inclusive)
	Max              int
}

// Period is a start and an end.
type Period struct{ StartsAt, EndsAt time.Time }

// ExpandSeries returns the periods of a shift or weekly series. The first
// shift's wall-clock start and duration in the centre's time zone are kept for
// every date, so 09:00 stays 09:00 local across a DST change.
func ExpandSeries(in SeriesInput) ([]Period, error) {
	if !in.EndsAt.After(in.StartsAt) {
		return nil, Invalid("endsAt", "must be after startsAt")
	}
	if in.EndsAt.Sub(in.StartsAt) > 24*time.Hour {
		return nil, Invalid("endsAt", "a shift lasts at most 24 hours")
	}
	if len(in.Weekdays) == 0 {
		if !in.Until.IsZero() {
			return nil, Invalid("repeatWeekdays", "give the weekdays to repeat on")
		}
		return []Period{{in.StartsAt, in.EndsAt}}, nil
	}
	if in.Until.IsZero() {
		return nil, Invalid("repeatUntil", "a series needs its last date")
	}
	days := map[time.Weekday]bool{}
	for _, w := range in.Weekdays {
		if w < 1 || w > 7 {
			return nil, Invalid("repeatWeekdays", "weekdays are 1 (Monday) to 7 (Sunday)")
		}
		days[time.Weekday(w%7)] = true
	}
	first := in.StartsAt.In(in.Location)
	dur := in.EndsAt.Sub(in.StartsAt)
	h, m, sec := first.Clock()
	day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC)
	until := time.Date(in.Until.Year(), in.Until.Month(), in.Until.Day(), 0, 0, 0, 0, time.UTC)
	if until.Before(day) {
		return nil, Invalid("repeatUntil", "must not be before the first shift")
	}
	var out []Period
	for ; !day.After(until); day = day.AddDate(0, 0, 1) {
		if !days[day.Weekday()] {
			continue
		}
		if len(out) == in.Max {
			return nil, Invalid("repeatUntil", "a series has at most %d shifts", in.Max)
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), h, m, sec, 0, in.Location)
		out = append(out, Period{start.UTC(), start.Add(dur).UTC()})
	}
	if len(out) == 0 {
		return nil, Invalid("repeatWeekdays", "no such weekday between the first shift and repeatUntil")
	}
	return out, nil
}

// SeriesStore changes and cancels weekly series as a whole (store.DB is one).
type SeriesStore interface {
	UpdateSeries(ctx context.Context, c SeriesUpdate) (SeriesResult, error)
	CancelSeries(ctx context.Context, seriesID int64, from time.Time, reason string) (SeriesResult, error)
}

// SeriesUpdate changes the shifts of a series that start at or after From
// (and have not started): nil fields stay as they are.
//
// The rules: shifts that have started or were cancelled are never changed.
// New times keep each shift's date in the centre's time zone (an end at or
// before the start is the next day). Capacity never drops a place held: a
// capacity below the places held on any of the shifts is refused with
// CONFLICT (field capacity) and nothing changes; a larger capacity promotes
// from the waitlist. New times that would make a volunteer's places overlap
// are refused with OVERLAPPING_SHIFT. Volunteers keep their places across a
// change of position. Every volunteer holding or waiting for a place in the
// changed shifts is notified once (SERIES_CHANGED), whatever the number of
// their shifts, when the times or the position change.
type SeriesUpdate struct {
	SeriesID   int64
	From       time.Time
	Location   *time.Location // the centre's time zone
	Start, End *int           // minutes after midnight, wall clock
	Capacity   *int
	PositionID *int64
}

// SeriesResult is what a change of a series did.
type SeriesResult struct {
	Shifts     []*Shift // the shifts changed or cancelled, by start
	Volunteers int      // volunteers notified, once each
}

// SeriesPeriod is the shift of a series on the date of day (in loc) from
// start to end minutes after midnight, wall clock; an end at or before the
// start is the next day.
func SeriesPeriod(day time.Time, loc *time.Location, start, end int) Period {
	d := day.In(loc)
	s := time.Date(d.Year(), d.Month(), d.Day(), start/60, start%60, 0, 0, loc)
	endDay := d
	if end <= start {
		endDay = d.AddDate(0, 0, 1)
	}
	e := time.Date(endDay.Year(), endDay.Month(), endDay.Day(), end/60, end%60, 0, 0, loc)
	return Period{s.UTC(), e.UTC()}
}
