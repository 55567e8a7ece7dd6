package konullu

import "time"

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
