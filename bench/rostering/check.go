package main

import (
	"fmt"
	"slices"
)

// Evaluate checks a roster against the benchmark's own rules and computes
// its objective, straight from the README's definitions and apart from the
// engine, so a bug in the mapping or the engine cannot hide here.
func Evaluate(in *Instance, roster []RosterEntry) (objective int, violations []string) {
	bad := func(format string, a ...any) { violations = append(violations, fmt.Sprintf(format, a...)) }
	shifts := map[string]Shift{}
	for _, s := range in.Shifts {
		shifts[s.ID] = s
	}
	staff := map[string]Staff{}
	for _, s := range in.Staff {
		staff[s.ID] = s
	}
	// work[employee][day] is the shift worked, "" for a day off.
	work := map[string][]string{}
	for _, s := range in.Staff {
		work[s.ID] = make([]string, in.Horizon)
	}
	for _, e := range roster {
		if _, ok := staff[e.Employee]; !ok {
			bad("unknown employee %q", e.Employee)
			continue
		}
		if _, ok := shifts[e.Shift]; !ok {
			bad("unknown shift %q", e.Shift)
			continue
		}
		if e.Day < 0 || e.Day >= in.Horizon {
			bad("day %d outside the horizon", e.Day)
			continue
		}
		if work[e.Employee][e.Day] != "" {
			bad("%s works two shifts on day %d", e.Employee, e.Day)
			continue
		}
		work[e.Employee][e.Day] = e.Shift
	}
	for _, st := range in.Staff {
		w := work[st.ID]
		for _, d := range in.DaysOff[st.ID] {
			if d >= 0 && d < in.Horizon && w[d] != "" {
				bad("%s works on day off %d", st.ID, d)
			}
		}
		count := map[string]int{}
		minutes := 0
		for d, sh := range w {
			if sh == "" {
				continue
			}
			count[sh]++
			minutes += shifts[sh].Minutes
			if d+1 < in.Horizon && w[d+1] != "" && slices.Contains(shifts[sh].CannotFollow, w[d+1]) {
				bad("%s works %s on day %d after %s", st.ID, w[d+1], d+1, sh)
			}
		}
		for sh, n := range count {
			if n > st.MaxShifts[sh] {
				bad("%s works %d %s shifts, at most %d", st.ID, n, sh, st.MaxShifts[sh])
			}
		}
		if minutes > st.MaxTotalMinutes || minutes < st.MinTotalMinutes {
			bad("%s works %d minutes, not within %d..%d", st.ID, minutes, st.MinTotalMinutes, st.MaxTotalMinutes)
		}
		// Runs of worked days and of days off.
		for d := 0; d < in.Horizon; {
			e := d
			for e+1 < in.Horizon && (w[e+1] != "") == (w[d] != "") {
				e++
			}
			n := e - d + 1
			touches := d == 0 || e == in.Horizon-1
			if w[d] != "" {
				if n > st.MaxConsecutive {
					bad("%s works %d days in a row from day %d", st.ID, n, d)
				}
				if n < st.MinConsecutive && !touches {
					bad("%s works only %d days in a row from day %d", st.ID, n, d)
				}
			} else if n < st.MinConsecutiveOff && !touches {
				bad("%s has only %d days off from day %d", st.ID, n, d)
			}
			d = e + 1
		}
		weekends := 0
		for sat := 5; sat < in.Horizon; sat += 7 {
			if w[sat] != "" || (sat+1 < in.Horizon && w[sat+1] != "") {
				weekends++
			}
		}
		if weekends > st.MaxWeekends {
			bad("%s works %d weekends, at most %d", st.ID, weekends, st.MaxWeekends)
		}
	}
	for _, r := range in.OnReq {
		if w, ok := work[r.Employee]; ok && r.Day < in.Horizon && w[r.Day] != r.Shift {
			objective += r.Weight
		}
	}
	for _, r := range in.OffReq {
		if w, ok := work[r.Employee]; ok && r.Day < in.Horizon && w[r.Day] == r.Shift {
			objective += r.Weight
		}
	}
	for _, c := range in.Cover {
		n := 0
		for _, w := range work {
			if c.Day < in.Horizon && w[c.Day] == c.Shift {
				n++
			}
		}
		if n < c.Requirement {
			objective += (c.Requirement - n) * c.Under
		} else {
			objective += (n - c.Requirement) * c.Over
		}
	}
	return objective, violations
}
