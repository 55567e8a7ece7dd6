package schema

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/konullu/konullu"
)

// maxPartialShift bounds the shifts whose partial matches are looked for:
// one match of the index per quarter hour.
const maxPartialShift = 24 * time.Hour

// partialMinimum is the least a partial match must cover of a shift of
// total minutes: an hour, or half of a shift shorter than two hours.
func partialMinimum(total int) int {
	if total < 120 {
		return (total + 1) / 2
	}
	return 60
}

// partialMatches answers availableVolunteers(partial: true): the
// volunteers free for part of the shift. The index is asked quarter hour by
// quarter hour (the slots of availability), so a volunteer's covered
// minutes are counted exactly and under the same rules as a full match
// (ACTIVE, skills, exceptions); those free for the whole shift (full) and
// those with another shift at any time of it are left out, and the rest
// ranked by the store as full matches are (age on the shift's date,
// fairness, city), then most minutes covered first. Nothing else in the
// server asks for partial matches: the roster planner and place offers
// take only volunteers free for the whole shift.
func (r *root) partialMatches(ctx context.Context, s *konullu.Shift, p *konullu.Position, c *konullu.Centre, full []int64, first int) ([]*volunteerMatchResolver, error) {
	out := []*volunteerMatchResolver{}
	length := s.EndsAt.Sub(s.StartsAt)
	dts, ok := r.store.(konullu.DayTemplateStore)
	if !ok || length <= 0 || length > maxPartialShift {
		return out, nil
	}
	total := int(length / time.Minute)
	isFull := make(map[int64]bool, len(full))
	for _, id := range full {
		isFull[id] = true
	}
	covered := map[int64]time.Duration{}
	const slot = konullu.SlotMinutes * time.Minute
	for from := s.StartsAt; from.Before(s.EndsAt); {
		to := from.Truncate(slot).Add(slot)
		if to.After(s.EndsAt) {
			to = s.EndsAt
		}
		q := konullu.FreeQuery{Start: from, End: to, Skills: p.RequiredSkills}
		var ids []int64
		var err error
		if r.index != nil {
			ids, err = r.index.FreeVolunteers(ctx, q)
		} else {
			ids, err = r.store.FreeVolunteersSQL(ctx, q)
		}
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !isFull[id] {
				covered[id] += to.Sub(from)
			}
		}
		from = to
	}
	busy, err := dts.BusyVolunteers(ctx, s.StartsAt, s.EndsAt)
	if err != nil {
		return nil, err
	}
	for _, id := range busy {
		delete(covered, id)
	}
	least := partialMinimum(total)
	var candidates []int64
	for id, d := range covered {
		if m := int(d / time.Minute); m >= least && m < total {
			candidates = append(candidates, id)
		}
	}
	slices.Sort(candidates)
	if len(candidates) > 0 && len(p.RequiredSkills) > 0 {
		// As freeVolunteers: qualifications that lapse before the end.
		if qs, ok := r.store.(konullu.QualificationStore); ok {
			if candidates, err = qs.QualifiedVolunteers(ctx, candidates, p.RequiredSkills, s.EndsAt); err != nil {
				return nil, err
			}
		}
	}
	if len(candidates) == 0 {
		return out, nil
	}
	q := konullu.RankQuery{Candidates: candidates, City: c.City, Limit: len(candidates)}
	if p.MinimumAge > 0 {
		q.BornOnOrBefore = konullu.BornOnOrBefore(s.StartsAt, c.Location(), p.MinimumAge)
	}
	q.MonthFrom, q.MonthTo = konullu.MonthOf(r.now(), konullu.VolunteerLocation(c.Timezone))
	matches, err := r.store.RankVolunteers(ctx, q)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(matches, func(a, b konullu.VolunteerMatch) int {
		return cmp.Compare(covered[b.VolunteerID], covered[a.VolunteerID])
	})
	l := loadersFrom(ctx)
	for _, m := range matches[:min(first, len(matches))] {
		l.volunteers.Prime(m.VolunteerID)
		l.primeTies(m.VolunteerID)
		l.availability.Prime(m.VolunteerID)
		out = append(out, &volunteerMatchResolver{scope: r.scope(), m: m, partial: true, covered: int(covered[m.VolunteerID] / time.Minute)})
	}
	return out, nil
}
