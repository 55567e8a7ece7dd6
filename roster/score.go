package roster

import "sort"

// The named constraints. Hard ones the engine never breaks are checked by
// Check; those below are scored: the minimum limits (hard: their shortfall
// makes a plan infeasible) and the soft ones.
const (
	MinShiftsPeriod    = "minShiftsPeriod"
	MinMinutesPeriod   = "minMinutesPeriod"
	MinShiftsWeek      = "minShiftsWeek"
	MinMinutesWeek     = "minMinutesWeek"
	MinConsecutiveDays = "minConsecutiveDays"
	MinDaysOff         = "minDaysOff"
	AboveMaximum       = "aboveMaximum" // never in a returned plan unless what is held is

	UnfilledPlace    = "unfilledPlace"
	OverTarget       = "overTarget"
	FairMinutes      = "fairMinutes"
	Unpreferred      = "unpreferred"
	RequestIgnored   = "requestIgnored"
	PositionRotation = "positionRotation"
)

// breakdown collects the score by constraint; nil collects nothing.
type breakdown map[string]*ConstraintScore

func (b breakdown) add(name string, hard bool, matches int, cost float64) {
	if b == nil || matches == 0 {
		return
	}
	c := b[name]
	if c == nil {
		c = &ConstraintScore{Name: name, Hard: hard}
		b[name] = c
	}
	c.Matches += matches
	c.Cost += cost
}

func (b breakdown) list() []ConstraintScore {
	out := make([]ConstraintScore, 0, len(b))
	for _, c := range b {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Hard != out[j].Hard {
			return out[i].Hard
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// state is a plan being searched: each person's slots day by day.
type state struct {
	m     *model
	days  [][][]int // [person][day] slots, by start time
	count []int     // people in each slot
	pHard []int
	pOver []int // the part of pHard above maximum limits
	over  int   // set by evalPerson; total in state.overs
	overs int
	pSoft []float64
	hard  int
	soft  float64
	log   moveLog

	// scratch for evalPerson
	worked        []bool
	weekShifts    []int
	weekMinutes   []int
	posCount      []int
	weekendWorked []bool
}

func newState(m *model) *state {
	st := &state{
		m:             m,
		days:          make([][][]int, m.nP),
		count:         make([]int, m.nS),
		pHard:         make([]int, m.nP),
		pOver:         make([]int, m.nP),
		pSoft:         make([]float64, m.nP),
		worked:        make([]bool, m.nD),
		weekShifts:    make([]int, m.nW),
		weekMinutes:   make([]int, m.nW),
		posCount:      make([]int, m.nPos),
		weekendWorked: make([]bool, m.nWeekends),
	}
	for p := range st.days {
		st.days[p] = make([][]int, m.nD)
	}
	return st
}

// slotCost prices a slot holding n people.
func (m *model) slotCost(s, n int) float64 {
	if n < m.target[s] {
		return float64(m.target[s]-n) * m.under[s]
	}
	return float64(n-m.target[s]) * m.over[s]
}

// rescore recomputes every total from scratch.
func (st *state) rescore() {
	st.hard, st.soft, st.overs = 0, 0, 0
	for p := range st.days {
		_, h, s := st.evalPerson(p, nil)
		st.pHard[p], st.pSoft[p], st.pOver[p] = h, s, st.over
		st.overs += st.over
		st.hard += h
		st.soft += s
	}
	for s := range st.count {
		st.soft += st.m.slotCost(s, st.count[s])
	}
}

func (st *state) total() float64 { return float64(st.hard)*st.m.w.Hard + st.soft }

// evalPerson scores one person's plan: ok is false when it breaks a hard
// rule that is never allowed (overlap, rest, a maximum, a forbidden
// succession); hard is the shortfall on minimum limits; soft the rest.
func (st *state) evalPerson(p int, bd breakdown) (ok bool, hard int, soft float64) {
	m := st.m
	l := &m.lim[p]
	st.over = 0
	clear(st.weekShifts)
	clear(st.weekMinutes)
	clear(st.posCount)
	clear(st.weekendWorked)
	shifts, minutes := 0, 0
	var prevEnd int64 = -1 << 62
	ok = true
	pref := m.prefPos[p]
	prefC := m.prefCentre[p]
	prefT := m.prob.People[p].PreferredTimes
	unpreferred := 0
	for d, sl := range st.days[p] {
		st.worked[d] = len(sl) > 0
		if len(sl) == 0 {
			continue
		}
		if len(sl) > l.MaxShiftsPerDay {
			return false, 0, 0
		}
		if d > 0 {
			for _, a := range st.days[p][d-1] {
				for _, b := range sl {
					if m.cannotFollow[m.slotPos[a]*m.nPos+m.slotPos[b]] {
						return false, 0, 0
					}
				}
			}
		}
		if w := m.weekendOfDay[d]; w >= 0 {
			st.weekendWorked[w] = true
		}
		for _, s := range sl {
			if m.slotStart[s] < prevEnd+int64(l.MinRestMinutes) {
				return false, 0, 0
			}
			prevEnd = m.slotEnd[s]
			shifts++
			minutes += m.slotMin[s]
			st.weekShifts[m.slotWeek[s]]++
			st.weekMinutes[m.slotWeek[s]] += m.slotMin[s]
			st.posCount[m.slotPos[s]]++
			if m.isHeld[p*m.nS+s] {
				continue
			}
			if pref != nil && !pref[m.slotPos[s]] {
				unpreferred++
			}
			if prefC != nil && !prefC[m.prob.Slots[s].Centre] {
				unpreferred++
			}
			if len(prefT) > 0 {
				in := false
				for _, w := range prefT {
					if w.covers(m.prob.Slots[s].Start, m.prob.Slots[s].End) {
						in = true
						break
					}
				}
				if !in {
					unpreferred++
				}
			}
		}
	}
	// Maximums. The search may cross a plan above one (priced like a
	// shortfall, counted apart in st.over); the best plan never keeps one.
	over := 0
	for k, n := range st.posCount {
		if mx := m.posMax[p][k]; mx >= 0 && n > mx {
			over += n - mx
		}
	}
	if x := shifts + m.prob.People[p].PriorShifts - l.MaxShiftsPeriod; l.MaxShiftsPeriod > 0 && x > 0 {
		over += x
	}
	if x := minutes + m.priorMinutes[p] - l.MaxMinutesPeriod; l.MaxMinutesPeriod > 0 && x > 0 {
		over += (x + 59) / 60
	}
	for w := range st.weekShifts {
		if x := st.weekShifts[w] - l.MaxShiftsWeek; l.MaxShiftsWeek > 0 && x > 0 {
			over += x
		}
		if x := st.weekMinutes[w] - l.MaxMinutesWeek; l.MaxMinutesWeek > 0 && x > 0 {
			over += (x + 59) / 60
		}
	}
	if l.MaxWeekends > 0 {
		n := 0
		for _, w := range st.weekendWorked {
			if w {
				n++
			}
		}
		if n > l.MaxWeekends {
			over += n - l.MaxWeekends
		}
	}
	// Runs of worked days and of days off.
	for d := 0; d < m.nD; {
		e := d
		for e+1 < m.nD && st.worked[e+1] == st.worked[d] {
			e++
		}
		n := e - d + 1
		border := d == 0 || e == m.nD-1
		if st.worked[d] {
			if l.MaxConsecutiveDays > 0 && n > l.MaxConsecutiveDays {
				over += n - l.MaxConsecutiveDays
			}
			if !border && n < l.MinConsecutiveDays {
				hard += l.MinConsecutiveDays - n
				bd.add(MinConsecutiveDays, true, l.MinConsecutiveDays-n, 0)
			}
		} else if !border && n < l.MinDaysOff {
			hard += l.MinDaysOff - n
			bd.add(MinDaysOff, true, l.MinDaysOff-n, 0)
		}
		d = e + 1
	}
	// Minimums.
	if short := l.MinShiftsPeriod - shifts - m.prob.People[p].PriorShifts; short > 0 {
		hard += short
		bd.add(MinShiftsPeriod, true, short, 0)
	}
	if short := l.MinMinutesPeriod - minutes - m.priorMinutes[p]; short > 0 {
		u := (short + 59) / 60
		hard += u
		bd.add(MinMinutesPeriod, true, u, 0)
	}
	for w := range st.weekShifts {
		if !m.fullWeek[w] {
			continue
		}
		if short := l.MinShiftsWeek - st.weekShifts[w]; short > 0 {
			hard += short
			bd.add(MinShiftsWeek, true, short, 0)
		}
		if short := l.MinMinutesWeek - st.weekMinutes[w]; short > 0 {
			u := (short + 59) / 60
			hard += u
			bd.add(MinMinutesWeek, true, u, 0)
		}
	}
	st.over = over
	hard += over
	bd.add(AboveMaximum, true, over, 0)
	// Soft.
	for _, r := range m.requests[p] {
		in := false
		for _, s := range st.days[p][m.slotDay[r.slot]] {
			if s == r.slot {
				in = true
				break
			}
		}
		if in != r.want {
			soft += r.weight
			bd.add(RequestIgnored, false, 1, r.weight)
		}
	}
	if unpreferred > 0 && m.w.Preference > 0 {
		c := float64(unpreferred) * m.w.Preference
		soft += c
		bd.add(Unpreferred, false, unpreferred, c)
	}
	if m.w.Rotation > 0 {
		for _, n := range st.posCount {
			if n > 1 {
				c := float64(n*n-n) * m.w.Rotation
				soft += c
				bd.add(PositionRotation, false, n-1, c)
			}
		}
	}
	if m.w.Fairness > 0 {
		h := float64(minutes+m.priorMinutes[p]) / 60
		c := h * h * m.w.Fairness
		soft += c
		if c > 0 {
			bd.add(FairMinutes, false, 1, c)
		}
	}
	return true, hard, soft
}
