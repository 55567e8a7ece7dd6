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

// rosterRepeat is how recent a plan of the job keeps it from planning a
// centre again: a second run the same day (another instance, a lost lease,
// runJob) adds no second plan.
const rosterRepeat = 20 * time.Hour

// rosterProposals plans, for each centre, the open places of the shifts of
// the coming week and tells the centre's coordinators that a plan waits for
// them; nothing is assigned until a coordinator applies it. Centres with no
// open place, or planned by the job in the last 20 hours, are left alone.
// The items are the plans proposed.
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
				recent, err := pl.Store.RosterPlans(ctx, c.ID, "", 20)
				if err != nil {
					return planned, err
				}
				fresh := false
				for _, p := range recent {
					if p.CreatedBy == 0 && now.Sub(p.CreatedAt) < rosterRepeat {
						fresh = true
					}
				}
				if fresh {
					continue
				}
				plan, err := pl.Plan(ctx, konullu.RosterRequest{CentreID: c.ID, Location: konullu.ZoneLocation(c.Timezone),
					From: now, To: now.Add(s.set.RosterWindow), TimeLimit: s.set.RosterTimeout, Seed: now.Unix() / 86400})
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
