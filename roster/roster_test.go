package roster

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var monday = time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)

func at(day, hour int) time.Time {
	return monday.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour)
}

// randomProblem draws a small instance. simple keeps only the rules the
// maximum flow models exactly (eligibility, one shift a day, shifts per
// week and period), so the flow's bound is then the true optimum.
func randomProblem(rng *rand.Rand, nPeople, nSlots, nDays int, simple bool) *Problem {
	positions := []string{"reception", "queue", "language"}
	p := &Problem{Rules: Rules{MaxShiftsPerDay: 1, PeriodStart: monday, PeriodDays: nDays}}
	if !simple {
		p.Rules.MaxShiftsPerDay = 1 + rng.IntN(2)
		p.Rules.MinRestMinutes = 60 * rng.IntN(3)
		if rng.IntN(2) == 0 {
			p.Rules.CannotFollow = map[string][]string{"queue": {"reception"}}
		}
	}
	for i := 0; i < nSlots; i++ {
		start := at(rng.IntN(nDays), 8+rng.IntN(10))
		s := Slot{
			ID: fmt.Sprintf("s%d", i), Start: start, End: start.Add(time.Duration(2+rng.IntN(5)) * time.Hour),
			Position: positions[rng.IntN(len(positions))], Capacity: 1 + rng.IntN(3),
		}
		if !simple && s.Position == "language" {
			s.Skills = []string{"english"}
		}
		if rng.IntN(4) == 0 {
			s.MinAge = 18
		}
		p.Slots = append(p.Slots, s)
	}
	for i := 0; i < nPeople; i++ {
		v := Person{ID: fmt.Sprintf("v%d", i), Age: 15 + rng.IntN(12), GuardianConsent: rng.IntN(2) == 0}
		for d := 0; d < nDays; d++ {
			if rng.IntN(3) > 0 {
				from := at(d, 6+rng.IntN(6))
				v.Availability = append(v.Availability, Window{Start: from, End: from.Add(time.Duration(4+rng.IntN(14)) * time.Hour)})
			}
		}
		if rng.IntN(2) == 0 {
			v.Limits.MaxShiftsWeek = 1 + rng.IntN(3)
		}
		if rng.IntN(2) == 0 {
			v.Limits.MaxShiftsPeriod = 1 + rng.IntN(4)
		}
		if !simple {
			if rng.IntN(2) == 0 {
				v.Skills = []string{"english"}
			}
			if rng.IntN(3) == 0 {
				v.Limits.MaxMinutesPeriod = 60 * (4 + rng.IntN(12))
			}
			if rng.IntN(3) == 0 {
				v.Limits.MaxConsecutiveDays = 1 + rng.IntN(3)
			}
			if rng.IntN(3) == 0 {
				v.Limits.MaxWeekends = 1
			}
			if rng.IntN(4) == 0 {
				v.MaxPerPosition = map[string]int{positions[rng.IntN(3)]: rng.IntN(2)}
			}
			if rng.IntN(3) == 0 {
				v.Limits.MaxMinutesWeek = 60 * (3 + rng.IntN(10))
			}
			if rng.IntN(4) == 0 {
				v.PriorShifts, v.PriorMinutes = 1, 240
			}
			if rng.IntN(3) == 0 && nSlots > 0 {
				v.Requests = append(v.Requests, Request{SlotID: p.Slots[rng.IntN(nSlots)].ID, Want: rng.IntN(2) == 0, Weight: 5})
			}
			if rng.IntN(3) == 0 {
				v.PreferredPositions = []string{positions[rng.IntN(3)]}
			}
			if rng.IntN(5) == 0 && nSlots > 0 {
				v.Held = []string{p.Slots[rng.IntN(nSlots)].ID}
			}
		}
		p.People = append(p.People, v)
	}
	return p
}

func solve(t *testing.T, p *Problem, seed int64, iterations int) *Plan {
	t.Helper()
	plan, err := Solve(context.Background(), p, Options{Seed: seed, Iterations: iterations})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestHardRulesNeverBroken: on random instances with every rule in play,
// no proposal breaks a hard rule and nothing held is proposed again or
// lost (Check re-reads the plan apart from the search's own scoring).
func TestHardRulesNeverBroken(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100; i++ {
		p := randomProblem(rng, 2+rng.IntN(10), 1+rng.IntN(14), 1+rng.IntN(10), false)
		already := map[string]bool{}
		for _, v := range Check(p, nil) {
			already[v] = true
		}
		plan := solve(t, p, int64(i), 3000)
		for _, v := range Check(p, plan.Assignments) {
			if !already[v] {
				t.Fatalf("instance %d: %s", i, v)
			}
		}
		if plan.Filled > plan.Bound {
			t.Fatalf("instance %d: filled %d above the bound %d", i, plan.Filled, plan.Bound)
		}
	}
}

// bruteForceFill is the most places below target any plan can fill: every
// subset of the eligible-looking pairs, each checked with Check.
func bruteForceFill(p *Problem) int {
	type pair struct{ person, slot int }
	var pairs []pair
	for pi := range p.People {
		for si := range p.Slots {
			pairs = append(pairs, pair{pi, si})
		}
	}
	best := 0
	for mask := uint64(0); mask < 1<<len(pairs); mask++ {
		if bits.OnesCount64(mask) <= best {
			continue
		}
		count := make([]int, len(p.Slots))
		var as []Assignment
		for k, pr := range pairs {
			if mask&(1<<k) != 0 {
				count[pr.slot]++
				as = append(as, Assignment{p.People[pr.person].ID, p.Slots[pr.slot].ID})
			}
		}
		fill := 0
		for si, n := range count {
			fill += min(n, p.Slots[si].Capacity)
		}
		if fill <= best || len(Check(p, as)) > 0 {
			continue
		}
		best = fill
	}
	return best
}

// TestFillIsOptimalAgainstBruteForce: on tiny instances with every rule
// the flow cannot see (overlaps, rest, minutes, consecutive days, forbidden
// successions, weekends), the plan fills exactly as many places as the
// best of all plans, and the flow's bound is never below that.
func TestFillIsOptimalAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20; i++ {
		nP, nS := 1+rng.IntN(3), 1+rng.IntN(4)
		if nP*nS > 12 {
			nS = 12 / nP
		}
		p := randomProblem(rng, nP, nS, 1+rng.IntN(4), false)
		for k := range p.People {
			p.People[k].Held, p.People[k].PriorShifts, p.People[k].PriorMinutes = nil, 0, 0
		}
		want := bruteForceFill(p)
		plan := solve(t, p, int64(i), 4000)
		if plan.Filled != want {
			t.Fatalf("instance %d: filled %d, the best plan fills %d", i, plan.Filled, want)
		}
		if plan.Bound < want {
			t.Fatalf("instance %d: bound %d below the optimum %d", i, plan.Bound, want)
		}
	}
}

// TestFillEqualsMaxFlowBound: where only the rules the flow models apply,
// the bound is exact and the plan reaches it, on instances too big for
// brute force; and the brute force agrees with the bound on tiny ones.
func TestFillEqualsMaxFlowBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 30; i++ {
		p := randomProblem(rng, 5+rng.IntN(40), 5+rng.IntN(40), 7+rng.IntN(7), true)
		plan := solve(t, p, int64(i), 2000)
		if plan.Filled != plan.Bound {
			t.Fatalf("instance %d: filled %d, the maximum flow allows %d", i, plan.Filled, plan.Bound)
		}
	}
	for i := 0; i < 30; i++ {
		p := randomProblem(rng, 1+rng.IntN(3), 1+rng.IntN(4), 1+rng.IntN(4), true)
		if got, want := solve(t, p, 1, 100).Bound, bruteForceFill(p); got != want {
			t.Fatalf("tiny instance %d: bound %d, brute force %d", i, got, want)
		}
	}
}

func TestDeterministicForASeed(t *testing.T) {
	p := SyntheticWeek(3, 60, 400)
	a := solve(t, p, 42, 20000)
	b := solve(t, p, 42, 20000)
	if !slices.Equal(a.Assignments, b.Assignments) || a.Cost != b.Cost {
		t.Fatalf("same seed, different plans: %d vs %d assignments, cost %v vs %v", len(a.Assignments), len(b.Assignments), a.Cost, b.Cost)
	}
}

// TestAnytime: with a deadline and no iteration budget it searches until
// the deadline and returns its best plan promptly, rules intact.
func TestAnytime(t *testing.T) {
	p := SyntheticWeek(4, 150, 2000)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// A budget of moves no machine finishes: only the deadline can end the
	// search (a solver that ignored it would run until go test's timeout).
	// No wall-clock limit here: machines are shared and noisy.
	const budget = 1 << 40
	plan, err := Solve(ctx, p, Options{Seed: 1, Iterations: budget})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Iterations >= budget {
		t.Fatalf("tried %d moves: the deadline did not stop the search", plan.Iterations)
	}
	// The best so far is a whole plan: filled to the maximum, every rule kept.
	if plan.Filled != plan.Bound || !plan.Feasible {
		t.Fatalf("filled %d of a possible %d, feasible %v", plan.Filled, plan.Bound, plan.Feasible)
	}
}

// TestCentreWeek is the product's case: a week of 150 shifts and 2,000
// volunteers is filled to the maximum the flow allows, and the fairness
// term spreads the new places (nobody gets a second place while someone
// free for it has none).
func TestCentreWeek(t *testing.T) {
	p := SyntheticWeek(1, 150, 2000)
	start := time.Now()
	plan := solve(t, p, 1, 50_000)
	t.Logf("centre week: %s, filled %d, bound %d, load %v → %v", time.Since(start), plan.Filled, plan.Bound, plan.Before, plan.After)
	if plan.Filled != plan.Bound || plan.Open != 0 {
		t.Fatalf("filled %d of a possible %d, %d open", plan.Filled, plan.Bound, plan.Open)
	}
	if !plan.Feasible {
		t.Fatal("not feasible")
	}
}

func TestHeldPlacesStay(t *testing.T) {
	p := &Problem{
		Slots: []Slot{
			{ID: "mon", Start: at(0, 9), End: at(0, 13), Position: "reception", Capacity: 1},
			{ID: "tue", Start: at(1, 9), End: at(1, 13), Position: "reception", Capacity: 1},
		},
		People: []Person{
			// Aysel holds Monday; Tuesday fits her better by request, and
			// she may work one shift: she keeps Monday all the same.
			{ID: "aysel", Age: 20, Held: []string{"mon"}, Limits: Limits{MaxShiftsPeriod: 1},
				Availability: []Window{{at(0, 0), at(2, 0)}},
				Requests:     []Request{{SlotID: "mon", Want: false, Weight: 1e7}}},
			{ID: "murad", Age: 20, Availability: []Window{{at(0, 0), at(2, 0)}}},
		},
	}
	plan := solve(t, p, 1, 2000)
	want := []Assignment{{PersonID: "murad", SlotID: "tue"}}
	if !slices.Equal(plan.Assignments, want) {
		t.Fatalf("got %v, want %v", plan.Assignments, want)
	}
}

// Each hard rule, broken once, is named by Check.
func TestCheckNamesEachRule(t *testing.T) {
	base := func() *Problem {
		return &Problem{
			Rules: Rules{MinRestMinutes: 60, CannotFollow: map[string][]string{"late": {"early"}}},
			Slots: []Slot{
				{ID: "a", Start: at(0, 9), End: at(0, 13), Position: "early", Capacity: 1},
				{ID: "b", Start: at(0, 12), End: at(0, 16), Position: "early", Capacity: 1},
				{ID: "c", Start: at(0, 13), End: at(0, 17), Position: "late", Capacity: 1},
				{ID: "d", Start: at(1, 9), End: at(1, 13), Position: "early", Capacity: 1, Skills: []string{"english"}, MinAge: 18},
			},
			People: []Person{{ID: "x", Age: 16, Availability: []Window{{at(0, 0), at(1, 0)}}},
				{ID: "y", Age: 20, GuardianConsent: true, Availability: []Window{{at(0, 0), at(2, 0)}}}},
		}
	}
	cases := []struct {
		rule   string
		as     []Assignment
		change func(*Problem)
	}{
		{"capacity", []Assignment{{"x", "a"}, {"y", "a"}}, nil},
		{"availability", []Assignment{{"x", "d"}}, nil},
		{"requiredSkill", []Assignment{{"y", "d"}}, nil},
		{"minimumAge", []Assignment{{"x", "d"}}, nil},
		{"guardianConsent", []Assignment{{"x", "a"}}, nil},
		{"noOverlappingShifts", []Assignment{{"y", "a"}, {"y", "b"}}, func(p *Problem) { p.Rules.MaxShiftsPerDay = 2 }},
		{"minimumRest", []Assignment{{"y", "a"}, {"y", "c"}}, func(p *Problem) { p.Rules.MaxShiftsPerDay = 2 }},
		{"shiftsPerDay", []Assignment{{"y", "a"}, {"y", "c"}}, func(p *Problem) { p.Rules.MinRestMinutes = 0 }},
		{"cannotFollow", []Assignment{{"y", "c"}, {"y", "d"}}, func(p *Problem) { p.Slots[3].Skills, p.People[1].Skills = nil, nil }},
		{"maxShiftsPeriod", []Assignment{{"y", "a"}, {"y", "d"}}, func(p *Problem) { p.People[1].Limits.MaxShiftsPeriod = 1 }},
		{"maxMinutesWeek", []Assignment{{"y", "a"}, {"y", "d"}}, func(p *Problem) { p.People[1].Limits.MaxMinutesWeek = 300 }},
		{"maxConsecutiveDays", []Assignment{{"y", "a"}, {"y", "d"}}, func(p *Problem) { p.People[1].Limits.MaxConsecutiveDays = 1 }},
		{"maxPerPosition", []Assignment{{"y", "a"}, {"y", "d"}}, func(p *Problem) { p.People[1].MaxPerPosition = map[string]int{"early": 1} }},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := base()
			if c.change != nil {
				c.change(p)
			}
			got := Check(p, c.as)
			found := false
			for _, v := range got {
				if len(v) > len(c.rule) && v[:len(c.rule)+1] == c.rule+":" {
					found = true
				}
			}
			if !found {
				t.Fatalf("%v: got %q, want a %s violation", c.as, got, c.rule)
			}
		})
	}
}

// The score explains itself: a request not granted is counted once with
// its weight, a place left open once with the unfilled weight.
func TestBreakdown(t *testing.T) {
	p := &Problem{
		Weights: &Weights{Hard: 1e9, Unfilled: 1000, Request: 1},
		Slots: []Slot{
			{ID: "a", Start: at(0, 9), End: at(0, 13), Position: "r", Capacity: 2},
			{ID: "b", Start: at(0, 14), End: at(0, 18), Position: "r", Capacity: 1},
		},
		// x wants b but is only free for a.
		People: []Person{{ID: "x", Age: 20, Availability: []Window{{at(0, 0), at(0, 14)}},
			Requests: []Request{{SlotID: "b", Want: true, Weight: 7}}}},
	}
	plan := solve(t, p, 1, 1000)
	got := map[string]ConstraintScore{}
	for _, c := range plan.Breakdown {
		got[c.Name] = c
	}
	if c := got[UnfilledPlace]; c.Matches != 2 || c.Cost != 2000 {
		t.Fatalf("unfilled: %+v", c)
	}
	if c := got[RequestIgnored]; c.Matches != 1 || c.Cost != 7 {
		t.Fatalf("request: %+v (plan %v)", c, plan.Assignments)
	}
}

// TestFillIgnoresDeadline: a deadline gone before the search starts (a
// loaded machine, a short limit) still gets a plan filled to the bound.
// The flow does not see overlaps: in each group it gives one of X and Y
// both of two overlapping slots, the repair drops one, and only the greedy
// refill gives it to the other. The fill runs to its end; only the search
// after it is cut short.
func TestFillIgnoresDeadline(t *testing.T) {
	monday := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	p := &Problem{Rules: Rules{MaxShiftsPerDay: 2, PeriodStart: monday, PeriodDays: 7}}
	for g := 0; g < 30; g++ {
		day := monday.AddDate(0, 0, g%7)
		token := fmt.Sprint("group", g)
		at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
		p.Slots = append(p.Slots,
			Slot{ID: fmt.Sprint("a", g), Start: at(9), End: at(13), Position: "desk", Capacity: 1, Skills: []string{token}},
			Slot{ID: fmt.Sprint("b", g), Start: at(10), End: at(14), Position: "desk", Capacity: 1, Skills: []string{token}})
		x := Person{ID: fmt.Sprint("x", g), Age: 30, Skills: []string{token}, Availability: []Window{{Start: at(8), End: at(15)}}}
		y := x
		y.ID = fmt.Sprint("y", g)
		p.People = append(p.People, x, y)
	}
	for seed := int64(1); seed <= 5; seed++ {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		plan, err := Solve(ctx, p, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Bound != 60 || plan.Filled != plan.Bound {
			t.Fatalf("seed %d: filled %d of a possible %d (60) with the deadline gone", seed, plan.Filled, plan.Bound)
		}
	}
}

// TestBoundIgnoresOverlaps pins down what Plan.Bound proves. The flow
// counts shifts per day, week and period, not clock times: two overlapping
// slots on one day, for a person allowed two shifts a day, give a bound of
// 2 while only 1 can be filled (the brute force, over every rule, says 1,
// and so does the plan). So Bound is an upper bound: Filled == Bound proves
// the fill is the maximum; where overlaps, rest or minutes bind, the
// brute-force comparison above is what checks the fill.
func TestBoundIgnoresOverlaps(t *testing.T) {
	p := &Problem{Rules: Rules{MaxShiftsPerDay: 2}}
	p.Slots = []Slot{
		{ID: "a", Start: at(0, 9), End: at(0, 13), Position: "x", Capacity: 1},
		{ID: "b", Start: at(0, 12), End: at(0, 16), Position: "x", Capacity: 1},
	}
	p.People = []Person{{ID: "v", Age: 30, Availability: []Window{{at(0, 8), at(0, 20)}}}}
	plan := solve(t, p, 1, 1000)
	if plan.Bound != 2 || bruteForceFill(p) != 1 || plan.Filled != 1 {
		t.Fatalf("bound %d, brute force %d, filled %d; want 2, 1, 1", plan.Bound, bruteForceFill(p), plan.Filled)
	}
}
