package roster

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// SyntheticWeek builds a centre's week like the demo's: shifts spread over
// seven days and five positions (one needs english, one is 18+), and
// volunteers aged 16–30 (some minors without consent) free on a few days,
// some already holding places and hours earlier in the month, with weekly
// limits, preferred positions and a few requests. For timing and tests.
func SyntheticWeek(seed int64, shifts, volunteers int) *Problem {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	loc := time.UTC
	monday := time.Date(2026, 12, 14, 0, 0, 0, 0, loc)
	positions := []string{"reception", "queue", "language", "elderly", "eservices"}
	starts := []int{9, 13, 9, 14, 11, 16}
	p := &Problem{Rules: Rules{Location: loc, MaxShiftsPerDay: 1, MinRestMinutes: 11 * 60, PeriodStart: monday, PeriodDays: 7}}
	for i := 0; i < shifts; i++ {
		day := i % 7
		h := starts[(i/7)%len(starts)]
		pos := positions[(i/7+i)%len(positions)]
		start := monday.AddDate(0, 0, day).Add(time.Duration(h) * time.Hour)
		s := Slot{
			ID: fmt.Sprintf("s%03d", i), Start: start, End: start.Add(4 * time.Hour),
			Position: pos, Centre: "baku-1", Capacity: 2 + rng.IntN(5),
		}
		switch pos {
		case "language":
			s.Skills = []string{"english"}
		case "eservices":
			s.MinAge = 18
		}
		p.Slots = append(p.Slots, s)
	}
	for i := 0; i < volunteers; i++ {
		v := Person{
			ID:              fmt.Sprintf("v%04d", i),
			Age:             16 + rng.IntN(15),
			GuardianConsent: rng.IntN(3) > 0,
			PriorMinutes:    240 * rng.IntN(5),
			Limits:          Limits{MaxShiftsWeek: 1 + rng.IntN(3)},
		}
		if rng.IntN(10) < 3 {
			v.Skills = []string{"english"}
		}
		for d := 0; d < 7; d++ {
			if rng.IntN(7) < 2 {
				from := monday.AddDate(0, 0, d).Add(time.Duration(8+rng.IntN(4)) * time.Hour)
				v.Availability = append(v.Availability, Window{Start: from, End: from.Add(time.Duration(5+rng.IntN(6)) * time.Hour)})
			}
		}
		if rng.IntN(2) == 0 {
			v.PreferredPositions = []string{positions[rng.IntN(len(positions))]}
		}
		if rng.IntN(10) == 0 {
			v.Requests = append(v.Requests, Request{SlotID: p.Slots[rng.IntN(shifts)].ID, Want: rng.IntN(2) == 0, Weight: 50})
		}
		p.People = append(p.People, v)
	}
	// A few places are already held, by people free and fit for them.
	for i := 0; i < shifts/3; i++ {
		s := &p.Slots[rng.IntN(shifts)]
		v := &p.People[rng.IntN(volunteers)]
		if v.Age >= 18 && s.MinAge == 0 && len(s.Skills) == 0 && len(v.Held) == 0 {
			for _, w := range v.Availability {
				if w.covers(s.Start, s.End) {
					v.Held = append(v.Held, s.ID)
					break
				}
			}
		}
	}
	return p
}
