package roster

import (
	"fmt"
	"slices"
	"time"
)

// request is a Request resolved to a slot index.
type request struct {
	slot   int
	want   bool
	weight float64
}

// model is a Problem compiled to indices, with everything a move needs
// precomputed.
type model struct {
	prob *Problem
	w    Weights

	nP, nS, nD, nW, nPos int
	dayOffset            int // weekday of day 0, Monday = 0

	slotDay, slotWeek, slotPos, slotMin []int
	slotStart, slotEnd                  []int64 // Unix minutes
	capacity, target, heldCount         []int
	under, over                         []float64
	daySlots                            [][]int

	lim           []Limits // defaults applied
	posMax        [][]int  // [person][position], -1 unlimited
	held          [][]int  // [person] slots
	isHeld        []bool   // [person*nS+slot]
	elig          []bool   // [person*nS+slot]
	cands         [][]int  // [slot] eligible people
	requests      [][]request
	prefPos       [][]bool // nil: no preference
	prefCentre    []map[string]bool
	cannotFollow  []bool // [a*nPos+b]
	slotIndex     map[string]int
	positionNames []string
	fullWeek      []bool // week lies wholly inside the period
	weekendOfDay  []int  // weekend index or -1
	nWeekends     int
	adultAge      int
	priorMinutes  []int
}

func civilDay(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func compile(p *Problem) (*model, error) {
	m := &model{prob: p, nP: len(p.People), nS: len(p.Slots)}
	if p.Weights != nil {
		m.w = *p.Weights
	} else {
		m.w = DefaultWeights()
	}
	loc := p.Rules.Location
	if loc == nil {
		loc = time.UTC
	}
	m.adultAge = p.Rules.AdultAge
	if m.adultAge == 0 {
		m.adultAge = 18
	}
	m.slotIndex = make(map[string]int, m.nS)
	posIndex := map[string]int{}
	first, last := 0, 0
	for i, s := range p.Slots {
		if s.ID == "" {
			return nil, fmt.Errorf("roster: slot %d has no ID", i)
		}
		if _, dup := m.slotIndex[s.ID]; dup {
			return nil, fmt.Errorf("roster: slot %q appears twice", s.ID)
		}
		if !s.End.After(s.Start) {
			return nil, fmt.Errorf("roster: slot %q ends before it starts", s.ID)
		}
		if s.Capacity < 0 {
			return nil, fmt.Errorf("roster: slot %q has a negative capacity", s.ID)
		}
		m.slotIndex[s.ID] = i
		if _, ok := posIndex[s.Position]; !ok {
			posIndex[s.Position] = len(m.positionNames)
			m.positionNames = append(m.positionNames, s.Position)
		}
		d := civilDay(s.Start, loc)
		if i == 0 || d < first {
			first = d
		}
		if i == 0 || d > last {
			last = d
		}
	}
	m.nPos = len(m.positionNames)
	if !p.Rules.PeriodStart.IsZero() {
		first = civilDay(p.Rules.PeriodStart, loc)
	}
	m.nD = last - first + 1
	if p.Rules.PeriodDays > 0 {
		m.nD = p.Rules.PeriodDays
	}
	if m.nS == 0 {
		m.nD = 1
	}
	m.dayOffset = (int(time.Unix(int64(first)*86400, 0).UTC().Weekday()) + 6) % 7
	m.nW = (m.nD-1+m.dayOffset)/7 + 1
	m.fullWeek = make([]bool, m.nW)
	for w := range m.fullWeek {
		start := w*7 - m.dayOffset
		m.fullWeek[w] = start >= 0 && start+6 < m.nD
	}
	m.weekendOfDay = make([]int, m.nD)
	for d := range m.weekendOfDay {
		m.weekendOfDay[d] = -1
		if wd := (d + m.dayOffset) % 7; wd >= 5 {
			m.weekendOfDay[d] = (d + m.dayOffset) / 7
			m.nWeekends = m.weekendOfDay[d] + 1
		}
	}

	m.slotDay = make([]int, m.nS)
	m.slotWeek = make([]int, m.nS)
	m.slotPos = make([]int, m.nS)
	m.slotMin = make([]int, m.nS)
	m.slotStart = make([]int64, m.nS)
	m.slotEnd = make([]int64, m.nS)
	m.capacity = make([]int, m.nS)
	m.target = make([]int, m.nS)
	m.heldCount = make([]int, m.nS)
	m.under = make([]float64, m.nS)
	m.over = make([]float64, m.nS)
	m.daySlots = make([][]int, m.nD)
	for i, s := range p.Slots {
		d := civilDay(s.Start, loc) - first
		if d < 0 || d >= m.nD {
			return nil, fmt.Errorf("roster: slot %q lies outside the planning period", s.ID)
		}
		m.slotDay[i] = d
		m.slotWeek[i] = (d + m.dayOffset) / 7
		m.slotPos[i] = posIndex[s.Position]
		m.slotStart[i] = s.Start.Unix() / 60
		m.slotEnd[i] = s.End.Unix() / 60
		m.slotMin[i] = int(m.slotEnd[i] - m.slotStart[i])
		m.capacity[i] = s.Capacity
		m.target[i] = s.Target
		switch {
		case m.target[i] < 0:
			m.target[i] = 0
		case m.target[i] == 0 || m.target[i] > s.Capacity:
			m.target[i] = s.Capacity
		}
		m.under[i] = s.UnderWeight
		if m.under[i] == 0 {
			m.under[i] = m.w.Unfilled
		}
		m.over[i] = s.OverWeight
		if m.over[i] == 0 {
			m.over[i] = m.w.Over
		}
		m.daySlots[d] = append(m.daySlots[d], i)
	}
	for d := range m.daySlots {
		slices.SortFunc(m.daySlots[d], func(a, b int) int { return int(m.slotStart[a] - m.slotStart[b]) })
	}
	m.cannotFollow = make([]bool, m.nPos*m.nPos)
	for a, list := range p.Rules.CannotFollow {
		ai, ok := posIndex[a]
		if !ok {
			continue
		}
		for _, b := range list {
			if bi, ok := posIndex[b]; ok {
				m.cannotFollow[ai*m.nPos+bi] = true
			}
		}
	}

	m.lim = make([]Limits, m.nP)
	m.posMax = make([][]int, m.nP)
	m.held = make([][]int, m.nP)
	m.isHeld = make([]bool, m.nP*m.nS)
	m.elig = make([]bool, m.nP*m.nS)
	m.cands = make([][]int, m.nS)
	m.requests = make([][]request, m.nP)
	m.prefPos = make([][]bool, m.nP)
	m.prefCentre = make([]map[string]bool, m.nP)
	m.priorMinutes = make([]int, m.nP)
	seen := map[string]bool{}
	for pi := range p.People {
		per := &p.People[pi]
		if per.ID == "" || seen[per.ID] {
			return nil, fmt.Errorf("roster: person %d has no ID or a repeated one", pi)
		}
		seen[per.ID] = true
		l := per.Limits
		if l.MaxShiftsPerDay == 0 {
			l.MaxShiftsPerDay = p.Rules.MaxShiftsPerDay
		}
		if l.MaxShiftsPerDay == 0 {
			l.MaxShiftsPerDay = 1
		}
		if l.MinRestMinutes == 0 {
			l.MinRestMinutes = p.Rules.MinRestMinutes
		}
		m.lim[pi] = l
		m.priorMinutes[pi] = per.PriorMinutes
		m.posMax[pi] = make([]int, m.nPos)
		for k := range m.posMax[pi] {
			m.posMax[pi][k] = -1
			if n, ok := per.MaxPerPosition[m.positionNames[k]]; ok {
				m.posMax[pi][k] = n
			}
		}
		for _, id := range per.Held {
			si, ok := m.slotIndex[id]
			if !ok {
				return nil, fmt.Errorf("roster: person %q holds unknown slot %q", per.ID, id)
			}
			if !m.isHeld[pi*m.nS+si] {
				m.isHeld[pi*m.nS+si] = true
				m.held[pi] = append(m.held[pi], si)
				m.heldCount[si]++
			}
		}
		for _, r := range per.Requests {
			if si, ok := m.slotIndex[r.SlotID]; ok {
				m.requests[pi] = append(m.requests[pi], request{slot: si, want: r.Want, weight: r.Weight * m.w.Request})
			}
		}
		if len(per.PreferredPositions) > 0 {
			m.prefPos[pi] = make([]bool, m.nPos)
			for _, name := range per.PreferredPositions {
				if k, ok := posIndex[name]; ok {
					m.prefPos[pi][k] = true
				}
			}
		}
		if len(per.PreferredCentres) > 0 {
			m.prefCentre[pi] = map[string]bool{}
			for _, c := range per.PreferredCentres {
				m.prefCentre[pi][c] = true
			}
		}
		skills := map[string]bool{}
		for _, sk := range per.Skills {
			skills[sk] = true
		}
		for si := range p.Slots {
			if m.isHeld[pi*m.nS+si] || m.eligible(per, skills, pi, si) {
				m.elig[pi*m.nS+si] = true
				m.cands[si] = append(m.cands[si], pi)
			}
		}
	}
	// A slot holding more than its capacity already keeps them all.
	for si := range m.capacity {
		m.capacity[si] = max(m.capacity[si], m.heldCount[si])
	}
	return m, nil
}

// eligible is the per-pair hard rules: availability, skills, age, consent
// and a position the person may work at all.
func (m *model) eligible(per *Person, skills map[string]bool, pi, si int) bool {
	s := &m.prob.Slots[si]
	if m.posMax[pi][m.slotPos[si]] == 0 {
		return false
	}
	if per.Age < s.MinAge {
		return false
	}
	if per.Age < m.adultAge && !per.GuardianConsent {
		return false
	}
	for _, sk := range s.Skills {
		if !skills[sk] {
			return false
		}
	}
	for _, w := range per.Availability {
		if w.covers(s.Start, s.End) {
			return true
		}
	}
	return false
}
