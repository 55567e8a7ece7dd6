package roster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// lineProblem draws a small benchmark-like instance: one shift a day, shift
// types as positions with caps, minutes per period, runs of worked days and
// days off, weekends, forbidden successions, requests with weights, cover
// targets with under and over weights, sometimes a held place and prior
// work; the weights leave out only what is not separable by day (fairness
// and rotation), where the line move is exact.
func lineProblem(rng *rand.Rand, nPeople, nDays int) *Problem {
	types := []string{"E", "D", "L"}[:1+rng.IntN(3)]
	start := time.Date(2024, 1, 1+rng.IntN(7), 0, 0, 0, 0, time.UTC)
	p := &Problem{
		Rules:   Rules{MaxShiftsPerDay: 1, PeriodStart: start, PeriodDays: nDays, CannotFollow: map[string][]string{}},
		Weights: &Weights{Hard: 40 + float64(rng.IntN(100)), Request: 1, Preference: float64(rng.IntN(2) * 7)},
	}
	if len(types) > 1 {
		p.Rules.CannotFollow[types[1]] = []string{types[0]}
	}
	for d := 0; d < nDays; d++ {
		for k, ty := range types {
			s := start.AddDate(0, 0, d).Add(time.Duration(6+5*k) * time.Hour)
			p.Slots = append(p.Slots, Slot{
				ID: fmt.Sprintf("%d/%s", d, ty), Start: s, End: s.Add(time.Duration(4+4*rng.IntN(2)) * time.Hour),
				Position: ty, Capacity: 1 + rng.IntN(nPeople), Target: rng.IntN(3) - 1,
				UnderWeight: float64(1 + rng.IntN(100)), OverWeight: float64(rng.IntN(2) * (1 + rng.IntN(50))),
			})
		}
	}
	for i := 0; i < nPeople; i++ {
		v := Person{ID: fmt.Sprintf("v%d", i), Age: 30, MaxPerPosition: map[string]int{}}
		for d := 0; d < nDays; d++ {
			if rng.IntN(5) > 0 {
				s := start.AddDate(0, 0, d)
				v.Availability = append(v.Availability, Window{Start: s, End: s.AddDate(0, 0, 1)})
			}
		}
		for _, ty := range types {
			if rng.IntN(2) == 0 {
				v.MaxPerPosition[ty] = rng.IntN(nDays)
			}
		}
		l := &v.Limits
		if rng.IntN(2) == 0 {
			l.MaxMinutesPeriod = 60 * (8 + rng.IntN(30))
		}
		if rng.IntN(2) == 0 {
			l.MinMinutesPeriod = 60 * rng.IntN(20)
		}
		if rng.IntN(3) == 0 {
			l.MaxShiftsPeriod = 1 + rng.IntN(nDays)
		}
		if rng.IntN(3) == 0 {
			l.MinShiftsPeriod = rng.IntN(4)
		}
		if rng.IntN(2) == 0 {
			l.MaxConsecutiveDays = 1 + rng.IntN(4)
		}
		l.MinConsecutiveDays = rng.IntN(3)
		l.MinDaysOff = rng.IntN(3)
		if rng.IntN(2) == 0 {
			l.MaxWeekends = 1
		}
		if rng.IntN(3) == 0 {
			l.MaxShiftsWeek = 1 + rng.IntN(5)
		}
		if rng.IntN(3) == 0 {
			l.MinShiftsWeek = rng.IntN(3)
		}
		if rng.IntN(4) == 0 {
			l.MaxMinutesWeek = 60 * (8 + rng.IntN(20))
		}
		if rng.IntN(4) == 0 {
			l.MinMinutesWeek = 60 * rng.IntN(10)
		}
		if rng.IntN(4) == 0 {
			v.PriorShifts, v.PriorMinutes = 1, 480
		}
		if rng.IntN(3) == 0 {
			v.PreferredPositions = []string{types[rng.IntN(len(types))]}
		}
		for range rng.IntN(4) {
			v.Requests = append(v.Requests, Request{SlotID: p.Slots[rng.IntN(len(p.Slots))].ID, Want: rng.IntN(2) == 0, Weight: float64(1 + rng.IntN(3))})
		}
		if rng.IntN(4) == 0 {
			v.Held = []string{p.Slots[rng.IntN(len(p.Slots))].ID}
		}
		p.People = append(p.People, v)
	}
	return p
}

// TestLineIsExactAgainstBruteForce: the line move's dynamic programme
// finds, for one person against the others' cover, a line as good as the
// best of every possible line (each scored by the engine's own scoring),
// and never one above a maximum.
func TestLineIsExactAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	compared := 0
	for inst := 0; inst < 100; inst++ {
		p := lineProblem(rng, 2+rng.IntN(3), 2+rng.IntN(6))
		p.Weights.Fairness, p.Weights.Rotation = 0, 0
		m, err := compile(p)
		if err != nil {
			t.Fatal(err)
		}
		st := newState(m)
		for q, hs := range m.held {
			for _, s := range hs {
				st.days[q][m.slotDay[s]] = insertSorted(m, st.days[q][m.slotDay[s]], s)
				st.count[s]++
			}
		}
		// The others get random days (their own rules do not matter here).
		for q := 1; q < m.nP; q++ {
			for d := 0; d < m.nD; d++ {
				if len(st.days[q][d]) == 0 && rng.IntN(2) == 0 {
					x := m.daySlots[d][rng.IntN(len(m.daySlots[d]))]
					if st.count[x] < m.capacity[x] {
						st.days[q][d] = []int{x}
						st.count[x]++
					}
				}
			}
		}
		const p0 = 0
		total := func() (float64, bool) {
			st.rescore()
			ok, _, _ := st.evalPerson(p0, nil)
			return st.total(), ok && st.pOver[p0] == 0
		}
		// Every line of person 0: each day off or one slot it may take.
		best, lines := math.Inf(1), 0
		var bestDays [][]int
		var walk func(d int)
		walk = func(d int) {
			if d == m.nD {
				if c, ok := total(); ok {
					lines++
					if c < best {
						best = c
						bestDays = append([][]int(nil), st.days[p0]...)
					}
				}
				return
			}
			if len(m.held[p0]) > 0 && len(st.days[p0][d]) > 0 && m.isHeld[p0*m.nS+st.days[p0][d][0]] {
				walk(d + 1)
				return
			}
			walk(d + 1)
			for _, x := range m.daySlots[d] {
				if !m.elig[p0*m.nS+x] || st.count[x] >= m.capacity[x] {
					continue
				}
				st.days[p0][d] = []int{x}
				st.count[x]++
				walk(d + 1)
				st.count[x]--
				st.days[p0][d] = nil
			}
		}
		walk(0)

		s := &search{st: st, rng: rng}
		line, ok := s.bestLine(p0)
		if !ok {
			if lines > 0 {
				t.Fatalf("instance %d: no line found, %d keep the maximums", inst, lines)
			}
			continue
		}
		for d, x := range line {
			if x >= 0 {
				st.days[p0][d] = insertSorted(m, st.days[p0][d], x)
				st.count[x]++
			}
		}
		got, within := total()
		if lines == 0 {
			if within {
				t.Fatalf("instance %d: no line keeps the maximums, the move found one", inst)
			}
			continue
		}
		if !within {
			t.Fatalf("instance %d: the line %v crosses a maximum", inst, line)
		}
		if math.Abs(got-best) > 1e-6 {
			bd := breakdown{}
			st.evalPerson(p0, bd)
			t.Logf("limits %+v posMax %v held %v breakdown %v", m.lim[p0], m.posMax[p0], m.held[p0], bd.list())
			t.Fatalf("instance %d: the line %v costs %v, the best of %d lines %v costs %v", inst, line, got, lines, bestDays, best)
		}
		compared++
	}
	if compared < 60 {
		t.Fatalf("only %d instances compared", compared)
	}
}
