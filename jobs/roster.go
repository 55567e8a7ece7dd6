package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// CentreLister lists the centres (the store does).
type CentreLister interface {
	Centres(ctx context.Context) ([]*konullu.Centre, error)
}

// ComingWeek is the calendar week (Monday 00:00 to the next Monday 00:00 in
// loc) that starts after now's day: the week the coordinator's calendar
// shows as "next week", so a plan of the job is found there.
func ComingWeek(now time.Time, loc *time.Location) (from, to time.Time) {
	t := now.In(loc)
	ahead := (8 - int(t.Weekday())) % 7 // Sunday 1, Monday 7
	if ahead == 0 {
		ahead = 7
	}
	from = time.Date(t.Year(), t.Month(), t.Day()+ahead, 0, 0, 0, 0, loc)
	return from, time.Date(t.Year(), t.Month(), t.Day()+ahead+7, 0, 0, 0, 0, loc)
}

// rosterProposals plans, for each centre, the open places of the shifts of
// the coming calendar week (ComingWeek, in the centre's zone: the window the
// week calendar asks about, so the coordinator finds the plan on that week)
// and tells the centre's coordinators that a plan waits for them; nothing is
// assigned until a coordinator applies it. A centre the job already planned
// for that week (whatever became of the plan), or with no open place, is
// left alone: one plan a week, not one a day. The items are the plans
// proposed.
func (s *Scheduler) rosterProposals() Job {
	return Job{Name: konullu.JobRosterProposals, Spec: DefaultSchedules[konullu.JobRosterProposals], Timeout: 30 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			pl := s.cfg.Roster
			if pl == nil || s.cfg.Centres == nil {
				return 0, Skip("roster planning is not configured")
			}
			centres, err := s.cfg.Centres.Centres(ctx)
			if err != nil {
				return 0, err
			}
			planned := 0
			for _, c := range centres {
				loc := konullu.ZoneLocation(c.Timezone)
				from, to := ComingWeek(now, loc)
				recent, err := pl.Store.RosterPlans(ctx, c.ID, "", 100)
				if err != nil {
					return planned, err
				}
				done := false
				for _, p := range recent {
					if p.CreatedBy == 0 && p.From.Equal(from) && p.To.Equal(to) {
						done = true
					}
				}
				if done {
					continue
				}
				plan, err := pl.Plan(ctx, konullu.RosterRequest{CentreID: c.ID, Location: loc,
					From: from, To: to, TimeLimit: s.set.RosterTimeout, Seed: from.Unix() / 86400})
				if err != nil {
					return planned, err
				}
				plan.CreatedAt = now
				if plan.OpenBefore == 0 || len(plan.Proposals) == 0 {
					continue // fully staffed, or nobody free: nothing to propose
				}
				if err := pl.Store.CreateRosterPlan(ctx, plan); err != nil {
					return planned, err
				}
				told, err := pl.Store.NotifyRosterPlan(ctx, plan)
				if err != nil {
					return planned, err
				}
				planned++
				s.log.Info("roster proposed", "centre", c.ID, "plan", plan.ID, "open_before", plan.OpenBefore,
					"open_after", plan.OpenAfter, "proposals", len(plan.Proposals), "coordinators_told", told)
			}
			if planned > 0 && s.cfg.Notifier != nil {
				s.cfg.Notifier.Wake()
			}
			return planned, nil
		}}
}
