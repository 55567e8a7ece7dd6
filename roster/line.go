package roster

import (
	"context"
	"math"
	"slices"
)

// The line move: re-plan one or two people's whole period exactly. Their
// proposals are taken away and each line is rebuilt, person after person,
// by dynamic programming over the days (a resource-constrained shortest
// path, the pricing step of branch and price for rostering): a label is a
// partial line up to a day, its state the last slot worked (for successions
// and rest), the current run of worked days or days off, and the counts the
// person's limits bound (shifts and minutes in the period and the week,
// shifts per limited position, weekends); its cost the cover change of the
// places it takes against the others' cover held fixed, the requests and
// preferences, and the shortfall on minimums at the hard weight. Maximums
// are never crossed. Labels with the same state keep the cheapest.
//
// What the state leaves out (rotation and fairness, which are not
// separable by day; more than one shift a day; a fifth limited position)
// the move's ordinary evaluation still scores and checks, so the move is
// exact where the state is complete (the benchmark's rules) and a strong
// proposal elsewhere.

// lineKey is a label's state.
type lineKey struct {
	last       int32 // slot worked the day before, -1 off
	run        uint8 // length of the current run (capped)
	flags      uint8 // lineWorking, lineFromStart
	shifts     uint8
	weekShifts uint8
	weekends   uint8
	pos        [linePositions]uint8
	minutes    int32
	weekMin    int32
}

const (
	lineWorking   = 1
	lineFromStart = 2 // the current run started on the period's first day
	linePositions = 4
	// lineMaxStates bounds the labels of one day; a richer person is not
	// re-planned (the move gives up).
	lineMaxStates = 40_000
)

type lineLabel struct {
	key    lineKey
	cost   float64
	parent int32
	choice int32 // slot taken, -1 off, -2 the day's held slots
}

// lineDP is the scratch of the line move, reused between moves.
type lineDP struct {
	layers  [][]lineLabel
	table   lineTable
	reqCost []float64 // [slot] request and preference cost of taking it
	touched []int
	work    int // labels extended, over all calls
	calls   int
}

// calibrateLines picks how rarely the line move is drawn from what one
// costs: a programme of W label extensions costs about W/30 ordinary moves
// of time, so one move in W/30 spends about half the time on lines. It
// counts work, not time, so a seed's walk stays the same on any machine.
func (s *search) calibrateLines(ctx context.Context) int {
	m := s.st.m
	n, calls := 0, 0
	for p := 0; p < m.nP && calls < 8; p++ {
		if ctx.Err() != nil {
			return -1 // no search left to steer
		}
		if len(m.held[p]) == 0 && !slices.Contains(m.elig[p*m.nS:(p+1)*m.nS], true) {
			continue
		}
		before := 0
		if s.dp != nil {
			before = s.dp.work
		}
		if _, ok := s.bestLine(p); !ok {
			return -1 // too rich a state: no line moves
		}
		n += s.dp.work - before
		calls++
	}
	if calls == 0 {
		return -1
	}
	return min(max(n/calls/30, 50), 5000)
}

// lineReplan re-plans the people in ps; false when it cannot (a state too
// rich); the changes are between st.begin and evaluate as for any move.
func (s *search) lineReplan(ps []int) bool {
	st, m := s.st, s.st.m
	st.begin()
	for _, p := range ps {
		for d, sl := range st.days[p] {
			var keep []int
			for _, x := range sl {
				if m.isHeld[p*m.nS+x] {
					keep = append(keep, x)
				}
			}
			if len(keep) != len(sl) {
				st.setDay(p, d, keep)
			}
		}
	}
	for _, p := range ps {
		line, ok := s.bestLine(p)
		if !ok {
			return false
		}
		for d, x := range line {
			if x >= 0 {
				st.setDay(p, d, insertSorted(m, st.days[p][d], x))
			}
		}
	}
	return len(st.log.changes) > 0
}

// bestLine returns, per day, the slot p should take (-1: none beyond what
// they hold) against the current cover of everyone else.
func (s *search) bestLine(p int) ([]int, bool) {
	st, m := s.st, s.st.m
	if s.dp == nil {
		s.dp = &lineDP{reqCost: make([]float64, m.nS)}
	}
	dp := s.dp
	dp.calls++
	l := &m.lim[p]
	hardW := m.w.Hard
	per := &m.prob.People[p]

	// Per-slot costs that do not depend on the rest of the line.
	for _, x := range dp.touched {
		dp.reqCost[x] = 0
	}
	dp.touched = dp.touched[:0]
	baseReq := 0.0
	for _, r := range m.requests[p] {
		if m.isHeld[p*m.nS+r.slot] {
			continue // fixed either way
		}
		if r.want {
			baseReq += r.weight
			dp.reqCost[r.slot] -= r.weight
		} else {
			dp.reqCost[r.slot] += r.weight
		}
		dp.touched = append(dp.touched, r.slot)
	}

	// Which resources the state carries.
	var limited []int // positions with a cap
	posSlot := make([]int, m.nPos)
	for k := range posSlot {
		posSlot[k] = -1
	}
	posDays := make([]int, m.nPos) // days p could work each position
	for d := range m.daySlots {
		seen := 0
		for _, x := range m.daySlots[d] {
			if k := m.slotPos[x]; m.elig[p*m.nS+x] && seen&(1<<(k%64)) == 0 {
				seen |= 1 << (k % 64)
				posDays[k]++
			}
		}
	}
	for k, mx := range m.posMax[p] {
		// A cap the person cannot reach needs no counting.
		if mx > 0 && mx < posDays[k] && len(limited) < linePositions {
			posSlot[k] = len(limited)
			limited = append(limited, k)
		}
	}
	trackShifts := l.MaxShiftsPeriod > 0 || l.MinShiftsPeriod > 0
	trackMin := l.MaxMinutesPeriod > 0 || l.MinMinutesPeriod > 0
	trackWeek := l.MaxShiftsWeek > 0 || l.MinShiftsWeek > 0
	trackWeekMin := l.MaxMinutesWeek > 0 || l.MinMinutesWeek > 0
	// Runs are counted only as far as a rule looks: worked runs to one
	// past the longest allowed (or the shortest), runs off to the
	// shortest; the start flag only while a short run would cost.
	workCap := min(max(l.MaxConsecutiveDays+1, l.MinConsecutiveDays, 1), 250)
	offCap := min(max(l.MinDaysOff, 1), 250)

	// closeRun prices a run that ends before day d (not touching the end).
	closeRun := func(k *lineKey) float64 {
		if k.flags&lineFromStart != 0 {
			return 0
		}
		n := int(k.run)
		if k.flags&lineWorking != 0 {
			if n < l.MinConsecutiveDays {
				return float64(l.MinConsecutiveDays-n) * hardW
			}
		} else if n < l.MinDaysOff {
			return float64(l.MinDaysOff-n) * hardW
		}
		return 0
	}
	// closeWeek prices the minimums of week w, ending with k.
	closeWeek := func(k *lineKey, w int) float64 {
		if !m.fullWeek[w] {
			return 0
		}
		c := 0.0
		if short := l.MinShiftsWeek - int(k.weekShifts); short > 0 {
			c += float64(short) * hardW
		}
		if short := l.MinMinutesWeek - int(k.weekMin); short > 0 {
			c += float64((short+59)/60) * hardW
		}
		return c
	}

	if len(dp.layers) < m.nD+1 {
		dp.layers = make([][]lineLabel, m.nD+1)
	}
	dp.layers[0] = append(dp.layers[0][:0], lineLabel{key: lineKey{last: -1}, parent: -1, cost: baseReq})
	prev := dp.layers[0]
	for d := 0; d < m.nD; d++ {
		next := dp.layers[d+1][:0]
		// Options: the held slots, or off, or one slot p may take.
		var held []int
		for _, x := range st.days[p][d] {
			if m.isHeld[p*m.nS+x] {
				held = append(held, x)
			}
		}
		nOpt := 1
		if len(held) == 0 {
			nOpt = 1 + len(m.daySlots[d])
		}
		weekStart := d > 0 && (d+m.dayOffset)%7 == 0
		dp.work += len(prev) * nOpt
		dp.table.reset(2 * len(prev) * nOpt)
		var single [1]int
		for pi := range prev {
			from := &prev[pi]
			for o := 0; o < nOpt; o++ {
				var slots []int
				choice := int32(-1)
				cost := from.cost
				switch {
				case len(held) > 0:
					slots, choice = held, -2
				case o == 0:
				default:
					x := m.daySlots[d][o-1]
					if !m.elig[p*m.nS+x] || st.count[x]+1 > m.capacity[x] {
						continue
					}
					single[0] = x
					slots, choice = single[:], int32(x)
					cost += m.slotCost(x, st.count[x]+1) - m.slotCost(x, st.count[x]) + dp.reqCost[x]
					if m.w.Preference > 0 {
						cost += float64(m.unpreferred(p, x)) * m.w.Preference
					}
				}
				k := from.key
				if weekStart {
					cost += closeWeek(&k, (d+m.dayOffset)/7-1)
					k.weekShifts, k.weekMin = 0, 0
				}
				working := len(slots) > 0
				wasWorking := k.flags&lineWorking != 0
				if d == 0 {
					k.run, k.flags = 1, lineFromStart
					if working {
						k.flags |= lineWorking
					}
				} else if working == wasWorking {
					if working && int(k.run) < workCap || !working && int(k.run) < offCap {
						k.run++
					}
				} else {
					cost += closeRun(&k)
					k.run, k.flags = 1, 0
					if working {
						k.flags |= lineWorking
					}
				}
				if working && l.MaxConsecutiveDays > 0 && int(k.run) > l.MaxConsecutiveDays {
					continue
				}
				if working && int(k.run) >= l.MinConsecutiveDays || !working && int(k.run) >= l.MinDaysOff {
					k.flags &^= lineFromStart // no cost either way now
				}
				ok := true
				if working {
					if k.last >= 0 {
						a := int(k.last)
						for _, b := range slots {
							if m.cannotFollow[m.slotPos[a]*m.nPos+m.slotPos[b]] ||
								m.slotStart[b] < m.slotEnd[a]+int64(l.MinRestMinutes) {
								ok = false
							}
						}
					}
					if w := m.weekendOfDay[d]; w >= 0 && l.MaxWeekends > 0 {
						if !(d > 0 && wasWorking && m.weekendOfDay[d-1] == w) {
							k.weekends++
							if int(k.weekends) > l.MaxWeekends {
								ok = false
							}
						}
					}
					for _, x := range slots {
						if ps := posSlot[m.slotPos[x]]; ps >= 0 {
							k.pos[ps]++
							if int(k.pos[ps]) > m.posMax[p][m.slotPos[x]] {
								ok = false
							}
						}
						if trackShifts {
							k.shifts++
							if l.MaxShiftsPeriod > 0 && int(k.shifts)+per.PriorShifts > l.MaxShiftsPeriod {
								ok = false
							}
						}
						if trackMin {
							k.minutes += int32(m.slotMin[x])
							if l.MaxMinutesPeriod > 0 && int(k.minutes)+m.priorMinutes[p] > l.MaxMinutesPeriod {
								ok = false
							}
						}
						if trackWeek {
							k.weekShifts++
							if l.MaxShiftsWeek > 0 && int(k.weekShifts) > l.MaxShiftsWeek {
								ok = false
							}
						}
						if trackWeekMin {
							k.weekMin += int32(m.slotMin[x])
							if l.MaxMinutesWeek > 0 && int(k.weekMin) > l.MaxMinutesWeek {
								ok = false
							}
						}
					}
					k.last = int32(slots[len(slots)-1])
				} else {
					k.last = -1
				}
				if !ok {
					continue
				}
				slot := dp.table.find(&k, next)
				if i := dp.table.idx[slot]; dp.table.gen[slot] == dp.table.cur {
					if cost < next[i].cost-1e-9 {
						next[i] = lineLabel{key: k, cost: cost, parent: int32(pi), choice: choice}
					}
					continue
				}
				if len(next) >= lineMaxStates {
					return nil, false
				}
				dp.table.gen[slot] = dp.table.cur
				dp.table.idx[slot] = int32(len(next))
				next = append(next, lineLabel{key: k, cost: cost, parent: int32(pi), choice: choice})
			}
		}
		dp.layers[d+1] = next
		prev = next
		if len(prev) == 0 {
			return nil, false
		}
	}
	// The end: minimums over the period and the last week.
	best, bestCost := -1, math.Inf(1)
	lastWeek := (m.nD - 1 + m.dayOffset) / 7
	for i := range prev {
		k := &prev[i].key
		c := prev[i].cost + closeWeek(k, lastWeek)
		if short := l.MinShiftsPeriod - int(k.shifts) - per.PriorShifts; short > 0 {
			c += float64(short) * hardW
		}
		if short := l.MinMinutesPeriod - int(k.minutes) - m.priorMinutes[p]; short > 0 {
			c += float64((short+59)/60) * hardW
		}
		if c < bestCost-1e-9 {
			best, bestCost = i, c
		}
	}
	line := make([]int, m.nD)
	for d := m.nD - 1; d >= 0; d-- {
		lb := &dp.layers[d+1][best]
		line[d] = -1
		if lb.choice >= 0 {
			line[d] = int(lb.choice)
		}
		best = int(lb.parent)
	}
	return line, true
}

// unpreferred counts the preferences (position, centre, times) slot s
// misses for person p.
func (m *model) unpreferred(p, s int) int {
	n := 0
	if pref := m.prefPos[p]; pref != nil && !pref[m.slotPos[s]] {
		n++
	}
	if prefC := m.prefCentre[p]; prefC != nil && !prefC[m.prob.Slots[s].Centre] {
		n++
	}
	if prefT := m.prob.People[p].PreferredTimes; len(prefT) > 0 {
		if !slices.ContainsFunc(prefT, func(w Window) bool { return w.covers(m.prob.Slots[s].Start, m.prob.Slots[s].End) }) {
			n++
		}
	}
	return n
}

// lineTable maps a day's states to their labels: open addressing over a
// table twice the size of the most labels a day may hold, emptied by
// moving to a new generation.
type lineTable struct {
	gen  []uint32
	idx  []int32
	cur  uint32
	mask int
}

const lineTableSize = 1 << 17 // > 2 × lineMaxStates

// reset empties the table for at most n/2 labels (a small table stays in
// the cache).
func (t *lineTable) reset(n int) {
	if t.gen == nil {
		t.gen = make([]uint32, lineTableSize)
		t.idx = make([]int32, lineTableSize)
	}
	size := 64
	for size < n && size < lineTableSize {
		size *= 2
	}
	t.mask = size - 1
	t.cur++
	if t.cur == 0 {
		clear(t.gen)
		t.cur = 1
	}
}

// find returns the table slot of k: either the one holding its label in
// labels (gen == cur) or the empty one where it goes.
func (t *lineTable) find(k *lineKey, labels []lineLabel) int {
	a := uint64(uint32(k.last)) | uint64(k.run)<<32 | uint64(k.flags)<<40 | uint64(k.shifts)<<48 | uint64(k.weekShifts)<<56
	b := uint64(k.weekends) | uint64(k.pos[0])<<8 | uint64(k.pos[1])<<16 | uint64(k.pos[2])<<24 | uint64(k.pos[3])<<32
	c := uint64(uint32(k.minutes)) | uint64(uint32(k.weekMin))<<32
	h := (a*0x9e3779b97f4a7c15 ^ b*0xc2b2ae3d27d4eb4f ^ c*0x165667b19e3779f9)
	h ^= h >> 29
	i := int(h) & t.mask
	for t.gen[i] == t.cur && labels[t.idx[i]].key != *k {
		i = (i + 1) & t.mask
	}
	return i
}
