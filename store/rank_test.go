package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
)

// RankVolunteers gives the same page as ranking every candidate by hand —
// fewest minutes this month, then the centre's city, then id — whether the
// page fills from the candidates without minutes (PostgreSQL walks only
// those) or needs the others too, with and without a minimum age.
func TestRankVolunteersAgreesWithTheRule(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(7, 11))
	cities := []string{"Bakı", "bakı", "Gəncə", "Şəki", ""}
	var in []store.SeedVolunteer
	for i := range 80 {
		born := time.Date(1995+rng.IntN(15), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		in = append(in, store.SeedVolunteer{Account: konullu.NewAccount{Email: fmt.Sprintf("rank%d@example.az", i), FullName: "R",
			City: cities[rng.IntN(len(cities))], BirthDate: born}})
	}
	ids, err := f.db.SeedVolunteers(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	city := map[int64]string{}
	birth := map[int64]time.Time{}
	for i, id := range ids {
		city[id], birth[id] = in[i].Account.City, in[i].Account.BirthDate
	}
	// A third worked this month: 60, 120 or 180 minutes, in past shifts.
	minutes := map[int64]int{}
	from, to := konullu.MonthOf(monday, konullu.VolunteerLocation("Asia/Baku"))
	for i, id := range ids {
		if i%3 != 0 {
			continue
		}
		start := from.Add(time.Duration(i) * time.Hour) // before monday, the store's now
		list, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 1, Publish: true,
			Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		m := 60 * (1 + i%3)
		f.pastWork(list[0], id, start, start.Add(time.Duration(m)*time.Minute))
		minutes[id] = m
	}
	want := func(q konullu.RankQuery) []konullu.VolunteerMatch {
		var c []int64
		for _, id := range q.Candidates {
			if q.BornOnOrBefore.IsZero() || !birth[id].After(q.BornOnOrBefore) {
				c = append(c, id)
			}
		}
		match := func(id int64) int {
			if strings.EqualFold(city[id], q.City) && city[id] != "" {
				return 0
			}
			return 1
		}
		slices.SortFunc(c, func(a, b int64) int {
			if d := minutes[a] - minutes[b]; d != 0 {
				return d
			}
			if d := match(a) - match(b); d != 0 {
				return d
			}
			return int(a - b)
		})
		out := []konullu.VolunteerMatch{}
		for _, id := range c[:min(len(c), q.Limit)] {
			out = append(out, konullu.VolunteerMatch{VolunteerID: id, MinutesThisMonth: minutes[id]})
		}
		return out
	}
	for round := range 40 {
		var cand []int64
		for _, id := range ids {
			if rng.IntN(3) > 0 {
				cand = append(cand, id)
			}
		}
		q := konullu.RankQuery{Candidates: cand, City: []string{"Bakı", "Gəncə", "Şəki"}[round%3], MonthFrom: from, MonthTo: to,
			Limit: []int{1, 5, 20, 60, 100}[round%5]}
		if round%4 == 1 {
			q.BornOnOrBefore = time.Date(2003, 6, 1, 0, 0, 0, 0, time.UTC)
		}
		got, err := f.db.RankVolunteers(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if w := want(q); !slices.Equal(got, w) {
			t.Fatalf("round %d (%s, limit %d, born by %s):\n got %v\nwant %v", round, q.City, q.Limit, q.BornOnOrBefore.Format(time.DateOnly), got, w)
		}
	}
}
