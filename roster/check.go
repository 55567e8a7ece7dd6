package roster

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Check re-reads a plan (the proposals; held places are added from the
// problem) against every hard rule the engine never breaks, written
// plainly and apart from the search's scoring so each can catch the other.
// It returns one line per broken rule; none means the plan holds.
func Check(p *Problem, proposals []Assignment) []string {
	var out []string
	bad := func(rule, format string, a ...any) {
		out = append(out, rule+": "+fmt.Sprintf(format, a...))
	}
	loc := p.Rules.Location
	if loc == nil {
		loc = time.UTC
	}
	adult := p.Rules.AdultAge
	if adult == 0 {
		adult = 18
	}
	slotByID := map[string]*Slot{}
	for i := range p.Slots {
		slotByID[p.Slots[i].ID] = &p.Slots[i]
	}
	personByID := map[string]*Person{}
	for i := range p.People {
		personByID[p.People[i].ID] = &p.People[i]
	}
	mine := map[string][]*Slot{}
	held := map[string]bool{}
	perSlot := map[string]int{}
	heldPerSlot := map[string]int{}
	for i := range p.People {
		per := &p.People[i]
		for _, id := range per.Held {
			if s := slotByID[id]; s != nil && !held[per.ID+"\x00"+id] {
				held[per.ID+"\x00"+id] = true
				mine[per.ID] = append(mine[per.ID], s)
				perSlot[id]++
				heldPerSlot[id]++
			}
		}
	}
	for _, a := range proposals {
		per, s := personByID[a.PersonID], slotByID[a.SlotID]
		if per == nil || s == nil {
			bad("unknown", "%s in %s", a.PersonID, a.SlotID)
			continue
		}
		if held[a.PersonID+"\x00"+a.SlotID] || slices.Contains(mine[a.PersonID], s) {
			bad("twice", "%s in %s", a.PersonID, a.SlotID)
			continue
		}
		mine[a.PersonID] = append(mine[a.PersonID], s)
		perSlot[a.SlotID]++
		// The per-pair rules.
		avail := false
		for _, w := range per.Availability {
			if !s.Start.Before(w.Start) && !s.End.After(w.End) {
				avail = true
			}
		}
		if !avail {
			bad("availability", "%s is not available for %s", per.ID, s.ID)
		}
		for _, sk := range s.Skills {
			if !slices.Contains(per.Skills, sk) {
				bad("requiredSkill", "%s lacks %s for %s", per.ID, sk, s.ID)
			}
		}
		if per.Age < s.MinAge {
			bad("minimumAge", "%s is under %d for %s", per.ID, s.MinAge, s.ID)
		}
		if per.Age < adult && !per.GuardianConsent {
			bad("guardianConsent", "%s has no guardian's consent", per.ID)
		}
		if n, ok := per.MaxPerPosition[s.Position]; ok && n == 0 {
			bad("position", "%s may not work %s", per.ID, s.Position)
		}
	}
	for id, n := range perSlot {
		if c := slotByID[id].Capacity; n > c && n > heldPerSlot[id] {
			bad("capacity", "%s has %d people for %d places", id, n, c)
		}
	}

	// The period: given, or from the first to the last slot.
	day := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	var first, last time.Time
	for i, s := range p.Slots {
		if d := day(s.Start); i == 0 || d.Before(first) {
			first = d
		}
		if d := day(s.Start); i == 0 || d.After(last) {
			last = d
		}
	}
	if !p.Rules.PeriodStart.IsZero() {
		first = day(p.Rules.PeriodStart)
	}
	nDays := int(last.Sub(first).Hours()/24) + 1
	if p.Rules.PeriodDays > 0 {
		nDays = p.Rules.PeriodDays
	}
	dayIndex := func(s *Slot) int { return int(day(s.Start).Sub(first).Hours() / 24) }
	weekOf := func(i int) int {
		off := (int(first.Weekday()) + 6) % 7
		return (i + off) / 7
	}

	for i := range p.People {
		per := &p.People[i]
		list := mine[per.ID]
		sort.Slice(list, func(a, b int) bool { return list[a].Start.Before(list[b].Start) })
		perDay := per.Limits.MaxShiftsPerDay
		if perDay == 0 {
			perDay = p.Rules.MaxShiftsPerDay
		}
		if perDay == 0 {
			perDay = 1
		}
		rest := per.Limits.MinRestMinutes
		if rest == 0 {
			rest = p.Rules.MinRestMinutes
		}
		onDay := map[int][]*Slot{}
		weekShifts, weekMinutes := map[int]int{}, map[int]int{}
		posCount := map[string]int{}
		shifts, minutes := per.PriorShifts, per.PriorMinutes
		for k, s := range list {
			di := dayIndex(s)
			onDay[di] = append(onDay[di], s)
			mins := int(s.End.Sub(s.Start).Minutes())
			shifts++
			minutes += mins
			weekShifts[weekOf(di)]++
			weekMinutes[weekOf(di)] += mins
			posCount[s.Position]++
			if k > 0 {
				prev := list[k-1]
				if s.Start.Before(prev.End) {
					bad("noOverlappingShifts", "%s in %s and %s", per.ID, prev.ID, s.ID)
				} else if s.Start.Sub(prev.End) < time.Duration(rest)*time.Minute {
					bad("minimumRest", "%s between %s and %s", per.ID, prev.ID, s.ID)
				}
			}
		}
		l := per.Limits
		for di, sl := range onDay {
			if len(sl) > perDay {
				bad("shiftsPerDay", "%s has %d shifts on day %d", per.ID, len(sl), di)
			}
			for _, a := range onDay[di-1] {
				for _, b := range sl {
					if slices.Contains(p.Rules.CannotFollow[a.Position], b.Position) {
						bad("cannotFollow", "%s works %s the day after %s", per.ID, b.ID, a.ID)
					}
				}
			}
		}
		for w, n := range weekShifts {
			if l.MaxShiftsWeek > 0 && n > l.MaxShiftsWeek {
				bad("maxShiftsWeek", "%s has %d shifts in week %d", per.ID, n, w)
			}
			if l.MaxMinutesWeek > 0 && weekMinutes[w] > l.MaxMinutesWeek {
				bad("maxMinutesWeek", "%s has %d minutes in week %d", per.ID, weekMinutes[w], w)
			}
		}
		if l.MaxShiftsPeriod > 0 && shifts > l.MaxShiftsPeriod {
			bad("maxShiftsPeriod", "%s has %d shifts", per.ID, shifts)
		}
		if l.MaxMinutesPeriod > 0 && minutes > l.MaxMinutesPeriod {
			bad("maxMinutesPeriod", "%s has %d minutes", per.ID, minutes)
		}
		for pos, n := range posCount {
			if mx, ok := per.MaxPerPosition[pos]; ok && n > mx {
				bad("maxPerPosition", "%s has %d shifts of %s", per.ID, n, pos)
			}
		}
		run := 0
		weekends := map[int]bool{}
		for di := 0; di < nDays; di++ {
			if len(onDay[di]) == 0 {
				run = 0
				continue
			}
			run++
			if l.MaxConsecutiveDays > 0 && run > l.MaxConsecutiveDays {
				bad("maxConsecutiveDays", "%s works %d days in a row to day %d", per.ID, run, di)
			}
			if wd := first.AddDate(0, 0, di).Weekday(); wd == time.Saturday || wd == time.Sunday {
				weekends[weekOf(di)] = true
			}
		}
		if l.MaxWeekends > 0 && len(weekends) > l.MaxWeekends {
			bad("maxWeekends", "%s works %d weekends", per.ID, len(weekends))
		}
	}
	sort.Strings(out)
	return out
}
